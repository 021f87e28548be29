"""The leak oracle: canaries of every entity type, and a search for them in every artifact.

Canaries are synthetic identifiers generated for one test run (valid check digits, names the
person detector knows, a street the address detector reads), so they are found where they are
planted and appear nowhere else. `Oracle.search` looks for each of them in an artifact's text
raw and reformatted: digits with any separators, names in any case and with any joint between
first and last name, URL- and HTML-escaped.
"""

from __future__ import annotations

import html
import io
import random
import re
import secrets
import sqlite3
import string
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from detectors import synthetic

DIGIT_KINDS = ("fnr", "phone", "account", "meter", "card")
_GAP = r"[^0-9A-Za-z]{0,3}"


@dataclass
class Canary:
    label: str  # where it is planted, for the failure message
    kind: str  # fnr, phone, email, person, street, account, iban, meter, card, ip, password
    value: str

    def patterns(self) -> list[re.Pattern]:
        v = self.value
        if self.kind in DIGIT_KINDS:
            digits = re.sub(r"\D", "", v)
            return [re.compile(_GAP.join(digits))]
        if self.kind == "iban":
            return [re.compile(_GAP.join(re.sub(r"\W", "", v)), re.I)]
        if self.kind == "person":
            first, last = v.split(" ", 1)
            return [re.compile(rf"{re.escape(first)}[\W_]{{0,3}}{re.escape(last)}", re.I),
                    re.compile(rf"{re.escape(last)}[\W_]{{0,3}}{re.escape(first)}", re.I)]
        if self.kind == "email":
            local = v.split("@", 1)[0]
            return [re.compile(re.escape(v), re.I), re.compile(re.escape(local), re.I)]
        if self.kind == "street":
            return [re.compile(re.escape(v.split(" ", 1)[0]), re.I)]
        if self.kind == "ip":
            return [re.compile(re.escape(v))]
        if self.kind == "password":
            return [re.compile(re.escape(v)), re.compile(re.escape(quote(v, safe="")))]
        raise ValueError(self.kind)


@dataclass
class Oracle:
    rnd: random.Random = field(default_factory=lambda: random.Random(secrets.randbits(64)))
    canaries: list[Canary] = field(default_factory=list)
    _persons: set = field(default_factory=set)

    # -- making canaries ---------------------------------------------------------------------------
    def add(self, label: str, kind: str, value: str) -> str:
        self.canaries.append(Canary(label, kind, value))
        return value

    def fnr(self, label: str) -> str:
        return self.add(label, "fnr", synthetic.fodselsnummer(self.rnd))

    def phone(self, label: str) -> str:
        return self.add(label, "phone", synthetic.phone_digits(self.rnd))

    def account(self, label: str) -> str:
        return self.add(label, "account", synthetic.kontonummer(self.rnd))

    def iban(self, label: str) -> str:
        return self.add(label, "iban", synthetic.iban_no(self.rnd))

    def meter(self, label: str) -> str:
        return self.add(label, "meter", synthetic.meter_id(self.rnd))

    def card(self, label: str) -> str:
        return self.add(label, "card", synthetic.card(self.rnd))

    def ip(self, label: str) -> str:
        return self.add(label, "ip", f"10.{self.rnd.randint(100, 250)}.{self.rnd.randint(100, 250)}."
                                     f"{self.rnd.randint(100, 250)}")

    def password(self, label: str) -> str:
        return self.add(label, "password", "Pw" + secrets.token_urlsafe(12).replace("-", "x").replace("_", "y"))

    def person(self, label: str, engine) -> str:
        """A name the person detector finds, made of a common first name and a surname."""
        firsts = _names("first_names_no.txt")[:300]
        lasts = _names("surnames_no.txt")[200:1500]
        while True:
            name = f"{self.rnd.choice(firsts)} {self.rnd.choice(lasts)}"
            if name in self._persons or any(len(w) < 4 for w in name.split()):
                continue
            if any(d.entity_type == "PERSON" and d.text == name for d in engine.analyze_text(name)):
                self._persons.add(name)
                return self.add(label, "person", name)

    def email(self, label: str) -> str:
        local = "".join(self.rnd.choice(string.ascii_lowercase) for _ in range(7)) + str(self.rnd.randint(10, 99))
        return self.add(label, "email", f"{local}.kanari@example.no")

    def street(self, label: str) -> str:
        syllables = ["bra", "kst", "lun", "dre", "vik", "sko", "tor", "mel", "hov", "gra", "nes", "ber"]
        name = "".join(self.rnd.choice(syllables) for _ in range(3)).capitalize() + "vegen"
        return self.add(label, "street", f"{name} {self.rnd.randint(2, 98)}, {self.rnd.randint(1000, 9999)} OSLO")

    # -- searching ---------------------------------------------------------------------------------
    def search(self, artifacts: dict[str, str]) -> list[tuple[str, str, str, str]]:
        """(canary label, kind, artifact, what matched) for every canary found anywhere."""
        found = []
        for name, text in artifacts.items():
            forms = {text, html.unescape(text), unquote(text, errors="replace"),
                     unquote(html.unescape(text), errors="replace")}
            for c in self.canaries:
                for pattern in c.patterns():
                    hit = next((m for form in forms for m in [pattern.search(form)] if m), None)
                    if hit is not None:
                        found.append((c.label, c.kind, name, hit.group()))
                        break
        return found


def _names(file: str) -> list[str]:
    path = Path(__file__).parent.parent / "detectors" / "data" / file
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and line.strip().isalpha()]


# -- artifacts as text -------------------------------------------------------------------------------
def artifact_text(path: Path) -> str:
    """A file as searchable text: XLSX and other zips member by member, SQLite dumped, a PDF's text."""
    data = path.read_bytes()
    if data.startswith(b"%PDF-"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
    if data.startswith(b"SQLite format 3"):  # the dump, and the pages themselves (free ones too)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return "\n".join(conn.iterdump()) + "\n" + data.decode("utf-8", "replace")
        finally:
            conn.close()
    return data.decode("utf-8", "replace")
