"""The demo file estate: a fictional Norwegian utility's file shares and exports, generated.

The file-system and S3 crawlers' counterpart of `scanner.estate` (the database estate): a tree of
export files in many formats, with personal data planted in them, hard negatives that must not be
reported, and files that cannot or must not be read. Everything is generated from a seed with
`random.Random`, offline: fødselsnumre are Tenor test numbers, account numbers, meter IDs and
serials get valid check digits from `detectors.synthetic`, names and streets come from the same
generator as the database estate, e-mail addresses use example domains.

    python -m scanner.estate_files demo-out/filer --rows 300

`write_estate(root)` writes the tree (about 1.5 MB and 0.5 s for 300 rows) and returns LABELS:

    {relative POSIX path: {field name: frozenset of entity types a correct scanner reports}}

Field names are the ones `scanner.formats.read` gives: CSV header names (or col1, col2, … for a
headerless file and for the extra cells of ragged rows), JSON paths (`kunde.kontakt.epost`,
`avtaler[].malepunkt_id`), Parquet columns and struct paths (`kontakt.epost`), XLSX `Sheet!Header`
(`Sheet!col1` … for a sheet whose header sits below title rows), zip members `member:field`.
Fields without personal data map to frozenset(). Plain text and SQL dumps are judged per file:
their one key is None. Files a scanner cannot sample map to {}; they and the other files that
need special handling are listed by `special_files(root)` with what the scanner should say:

    "unsupported:<type>"   Unsupported, with the reader's detected_type (binary, ole, encrypted
                           zip)
    "corrupt"              a truncated JSON document
    "partial"              a truncated gzip CSV: the lines before the cut are read, so its
                           fields are labelled with what they hold
    "bounded"              a gzip bomb: ~300 MiB of ASCII zeros inside one JSON string; the
                           streaming JSON reader stops at its byte budget with the fields before
                           the string, so memory stays bounded and nothing is reported
    "mismatch"             named .csv, holds Parquet (of metrics: no personal data either way)
    "empty"                a zero-byte file
    "not a regular file"   a FIFO: must be skipped without opening it (opening would block)
    "outside symlink"      a link to a file outside the root (only with `outside`): not followed
    "inside symlink"       a link to a directory inside the root: its files are the ones
                           already labelled under their real path, reported once
    "symlink loop"         a link to its own directory: must not be followed round

Labels never mention paths through symlinks. The name with a non-UTF-8 byte is labelled under
`os.fsdecode` of its bytes (a surrogate escape); `upload` skips it, as S3 keys are UTF-8 (and
`aws s3 sync` skips such names too), see `s3_key`.

The same seed, row count and Faker version give the same bytes in every file (gzip mtimes,
zip and XLSX timestamps are fixed).
"""

from __future__ import annotations

import argparse
import bz2
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import re
import struct
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from demo import estate as db
from demo.estate import (
    ADDRESS,
    BANK,
    EMAIL,
    FNR,
    IP,
    METER_ID,
    METER_SERIAL,
    ORGNR,
    PERSON,
    PHONE,
    READING,
)
from detectors import synthetic
from detectors.checksums import fnr_info, kontonummer_valid

Labels = dict[str, dict[str | None, frozenset[str]]]

NONE: frozenset[str] = frozenset()
BOMB_BYTES = 300 * (1 << 20)  # decompressed size of the gzip bomb
_ZIP_TIME = (2024, 5, 2, 8, 30, 0)
_START = dt.datetime(2024, 1, 1)

SPECIAL: dict[str, str] = {
    "vedlegg/sikkerhetskopi.bin": "unsupported:binary",
    "overforing/kryptert_kundeuttrekk.zip": "unsupported:encrypted zip",
    "arkiv/kunderegister_2009.xls": "unsupported:ole",
    "api/ordrer_avbrutt.json": "corrupt",
    "eksport/kunder_avbrutt.csv.gz": "partial",
    "bomber/fulleksport.json.gz": "bounded",
    "eksport/rapport_mai.csv": "mismatch",
    "eksport/tom.csv": "empty",
    "spesial/kanal.fifo": "not a regular file",
    "lenker/utenfor.csv": "outside symlink",
    "lenker/eksport": "inside symlink",
    "lenker/loop": "symlink loop",
}
_SYMLINKS = ("lenker/utenfor.csv", "lenker/eksport", "lenker/loop")
_NOT_UPLOADED = {p for p, what in SPECIAL.items() if what == "not a regular file"} | set(_SYMLINKS)

NON_UTF8_NAME = b"eksport/kundeliste_\xf8st.csv"  # "øst" in Latin-1


# -- small generators ----------------------------------------------------------------------------
def _ip(rnd: random.Random) -> str:
    if rnd.random() < 0.8:
        return ".".join(str(x) for x in (rnd.choice([77, 84, 88, 89, 178, 193]), rnd.randrange(256),
                                          rnd.randrange(256), rnd.randrange(1, 255)))
    groups = [0x2A01, 0x79C] + [rnd.getrandbits(16) for _ in range(6)]
    return ":".join(f"{g:x}" for g in groups)


def _when(rnd: random.Random, days: int = 365, start: dt.datetime = _START) -> dt.datetime:
    return start + dt.timedelta(seconds=rnd.randint(0, days * 86400))


def _kroner(amount: float, sep: str = "\u00a0") -> str:
    """Norwegian Excel's way: "1 234,50" (the thousands separator is a no-break space)."""
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sep.join(groups) + "," + cents


def _dotted_account(k: str) -> str:
    return f"{k[:4]}.{k[4:6]}.{k[6:]}"


def _uuid(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def _csv(header: list[str] | None, rows: Iterable[list], delimiter: str = ",", newline: str = "\n") -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    if header:
        w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _zip_bytes(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def _parquet_bytes(table, row_group_size: int | None = None) -> bytes:
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf, row_group_size=row_group_size, compression="snappy")
    return buf.getvalue()


def _png(rnd: random.Random, width: int = 24, height: int = 16) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + rnd.randbytes(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _pdf(lines: list[str]) -> bytes:
    """A small but well-formed one-page PDF (xref offsets computed)."""
    text = b"BT /F1 11 Tf 56 780 Td 14 TL " + b" ".join(
        b"(" + line.encode("latin-1", "replace").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '"
        for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    from demo.documents.pdfs import raw_pdf

    return raw_pdf(objects)


def _gzip_bomb(path: Path, prefix: bytes, size: int, suffix: bytes) -> None:
    """gzip of prefix + size ASCII zeros + suffix, written without holding the zeros.

    After a full flush deflate forgets its history, so every MiB of zeros compresses to the
    same bytes: compressed once, written size/MiB times. The CRC is still over every byte.
    """
    block = b"0" * (1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    zeros = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(prefix)
    with open(path, "wb") as out:
        out.write(b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff")  # no name, mtime 0
        out.write(head)
        for _ in range(size // len(block)):
            out.write(zeros)
            crc = zlib.crc32(block, crc)
        out.write(c.compress(suffix) + c.flush())
        crc = zlib.crc32(suffix, crc)
        total = len(prefix) + size // len(block) * len(block) + len(suffix)
        out.write(struct.pack("<II", crc, total & 0xFFFFFFFF))


def _not_an_account(rnd: random.Random, digits: int = 11) -> str:
    """A random number of `digits` digits that is neither a valid fødselsnummer nor kontonummer."""
    while True:
        number = f"{rnd.randint(1, 9)}{rnd.randrange(10 ** (digits - 1)):0{digits - 1}d}"
        if fnr_info(number) is None and not kontonummer_valid(number):
            return number


_PRODUCTS = [  # (name, category, list price in kroner)
    ("Spotpris", "Strømavtale", 49), ("Fastpris 12 mnd", "Strømavtale", 39), ("Fastpris 36 mnd", "Strømavtale", 29),
    ("Solcellepakke 6 kW", "Solenergi", 89_900), ("Solcellepakke 10 kW", "Solenergi", 134_900),
    ("Elbillader 11 kW", "Lading", 12_990), ("Elbillader 22 kW", "Lading", 16_490),
    ("Varmepumpe luft-luft", "Varme", 24_990), ("Strømforsikring", "Forsikring", 59),
    ("Smartstyring termostat", "Smarthus", 1_499), ("Batteri 10 kWh", "Solenergi", 79_000),
    ("Jordfeilbryter", "Installasjon", 1_249),
]
_HOSTS = ["app01", "app02", "db01", "mq01", "web01", "web02"]
_CASE_OPENERS = [
    "Kunden ringte inn i dag angående faktura for {month}.",
    "Henvendelse via chat om flytting av strømavtale.",
    "Saken gjelder klage på etterberegning etter målerbytte.",
    "Kunden har mottatt inkassovarsel og bestrider kravet.",
]
_MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"]


_MYSQLDUMP_PREAMBLE = [
    "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
    "/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;",
    "/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;",
    "/*!50503 SET NAMES utf8mb4 */;",
    "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;",
    "/*!40103 SET TIME_ZONE='+00:00' */;",
    "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;",
    "/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;",
    "/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;",
    "/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;",
]
_MYSQLDUMP_POSTAMBLE = [
    "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;",
    "",
    "/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;",
    "/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;",
    "/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;",
    "/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;",
    "/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;",
    "/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;",
    "/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;",
]


class _Writer:
    def __init__(self, root: Path, seed: int, rows: int, outside: Path | None):
        self.root, self.seed, self.rows, self.outside = root, seed, rows, outside
        self.people = db._people(max(rows, 30), seed)
        self.kundenr = {p: 100_001 + i for i, p in enumerate(self.people)}  # one customer number per person
        self.points = db._unique(synthetic.meter_id, self.rnd("points"), max(rows, 30))
        self.serials = db._unique(synthetic.meter_serial, self.rnd("serials"), max(rows, 30))
        self.labels: Labels = {}

    def rnd(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:files:{name}")

    def some(self, rnd: random.Random, n: int | None = None) -> list[db.Person]:
        n = self.rows if n is None else n
        if n <= len(self.people):
            return rnd.sample(self.people, n)
        return [rnd.choice(self.people) for _ in range(n)]

    def path(self, rel: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write(self, rel: str, data: bytes | str, labels: dict | None, encoding: str = "utf-8") -> None:
        self.path(rel).write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        self.labels[rel] = {k: frozenset(v) for k, v in (labels or {}).items()}

    # -- CSV family ------------------------------------------------------------------------
    def kunder_csv(self):
        rel, rnd = "eksport/kunder.csv", self.rnd("kunder.csv")
        header = ["kundenr", "fodselsnummer", "navn", "adresse", "postnr", "poststed", "telefon", "epost",
                  "kontonummer", "kunde_siden"]
        rows = [[self.kundenr[p], p.fnr, p.name, p.street, p.postnr, p.poststed, p.tlf, p.email, p.kontonr,
                 _when(rnd, 3650, dt.datetime(2014, 1, 1)).date().isoformat()]
                for p in sorted(self.some(rnd), key=self.kundenr.get)]
        self.write(rel, _csv(header, rows), {
            "kundenr": NONE, "fodselsnummer": {FNR}, "navn": {PERSON}, "adresse": {ADDRESS},
            "postnr": {ADDRESS}, "poststed": {ADDRESS}, "telefon": {PHONE}, "epost": {EMAIL},
            "kontonummer": {BANK}, "kunde_siden": NONE})

    def excel_csv(self):
        rel, rnd = "eksport/Kundeliste 2024 (Excel).csv", self.rnd("excel")
        header = ["Fødselsnummer", "Etternavn", "Fornavn", "Mobil", "Beløp"]
        rows = []
        for p in self.some(rnd):
            fnr = synthetic.fodselsnummer(rnd, "d_nummer") if rnd.random() < 0.1 else p.fnr
            mobile = synthetic.format_phone(p.phone_digits, rnd.choice(synthetic.PHONE_FORMS))
            rows.append([fnr, p.last, p.first, mobile, _kroner(rnd.uniform(89, 14_999))])
        self.write(rel, _csv(header, rows, ";", "\r\n"), {
            "Fødselsnummer": {FNR}, "Etternavn": {PERSON}, "Fornavn": {PERSON}, "Mobil": {PHONE}, "Beløp": NONE,
        }, encoding="cp1252")

    def latin1_csv(self):
        # A 1990s subscriber register: pipes, capitals, Latin-1, landline numbers, no BOM.
        rel, rnd = "arkiv/abonnenter_1998.csv", self.rnd("latin1")
        header = ["PERSONNR", "ETTERNAVN", "FORNAVN", "GATEADRESSE", "POSTNR", "POSTSTED", "TELEFON", "ABONNEMENT"]
        rows = []
        for p in self.some(rnd):
            phone = synthetic.format_phone(synthetic.phone_digits(rnd, mobile=rnd.random() < 0.3), "spaced2")
            rows.append([p.fnr, p.last.upper(), p.first.upper(), p.street.upper(), p.postnr, p.poststed, phone,
                         rnd.choice(["H1", "H2", "NÆRING", "FRITID"])])
        self.write(rel, _csv(header, rows, "|", "\r\n").encode("latin-1", "replace"), {
            "PERSONNR": {FNR}, "ETTERNAVN": {PERSON}, "FORNAVN": {PERSON}, "GATEADRESSE": {ADDRESS},
            "POSTNR": {ADDRESS}, "POSTSTED": {ADDRESS}, "TELEFON": {PHONE}, "ABONNEMENT": NONE})
        # last written in 1998 and kept since: what a retention check finds on an old share
        stamp = dt.datetime(1998, 12, 31, 16, 0, tzinfo=dt.UTC).timestamp()
        os.utime(self.path(rel), (stamp, stamp))

    def bom_csv(self):
        # A newsletter tool's export (UTF-8 with BOM, English headers, quoted).
        rel, rnd = "markedsforing/nyhetsbrev_abonnenter.csv", self.rnd("bom")
        header = ["Email Address", "First Name", "Last Name", "MEMBER_RATING", "OPTIN_TIME", "CONFIRM_IP", "LEID"]
        rows = [[p.email, p.first, p.last, rnd.randint(1, 5), _when(rnd).strftime("%Y-%m-%d %H:%M:%S"), _ip(rnd),
                 rnd.randint(10**8, 10**9 - 1)] for p in self.some(rnd)]
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([header, *rows])
        self.write(rel, out.getvalue(), {
            "Email Address": {EMAIL}, "First Name": {PERSON}, "Last Name": {PERSON}, "MEMBER_RATING": NONE,
            "OPTIN_TIME": NONE, "CONFIRM_IP": {IP}, "LEID": NONE}, encoding="utf-8-sig")

    def tsv(self):
        rel, rnd = "hr/ansatte.tsv", self.rnd("tsv")
        header = ["Ansattnr", "Fornavn", "Etternavn", "Fødselsnummer", "Mobiltelefon", "E-post (jobb)",
                  "Lønnskonto", "Avdeling", "Startdato"]
        rows = []
        for i, p in enumerate(self.some(rnd, min(self.rows, 120))):
            work = re.sub(r"\d+@.*", "", p.email) + "@kraft.example.no"
            rows.append([2000 + i, p.first, p.last, p.fnr, synthetic.format_phone(p.phone_digits, "spaced3"), work,
                         _dotted_account(p.kontonr),
                         rnd.choice(["Kundesenter", "Nett", "Økonomi", "IT", "Montasje"]),
                         _when(rnd, 5000, dt.datetime(2008, 1, 1)).strftime("%d.%m.%Y")])
        self.write(rel, _csv(header, rows, "\t"), {
            "Ansattnr": NONE, "Fornavn": {PERSON}, "Etternavn": {PERSON}, "Fødselsnummer": {FNR},
            "Mobiltelefon": {PHONE}, "E-post (jobb)": {EMAIL}, "Lønnskonto": {BANK}, "Avdeling": NONE,
            "Startdato": NONE})

    def headerless_csv(self):
        rel, rnd = "import/kontakter_uten_overskrift.csv", self.rnd("headerless")
        rows = [[p.fnr, p.name, p.email, p.phone_digits, rnd.choice(["aktiv", "sluttet", "aktiv"])]
                for p in self.some(rnd)]
        self.write(rel, _csv(None, rows), {
            "col1": {FNR}, "col2": {PERSON}, "col3": {EMAIL}, "col4": {PHONE}, "col5": NONE})

    def aeoeaa_name_csv(self):
        rel, rnd = "eksport/påmeldte_årsmøte_Ørsta.csv", self.rnd("arsmote")
        header = ["Navn", "E-post", "Telefon", "Antall gjester", "Allergier"]
        rows = [[p.name, p.email, p.tlf, rnd.randint(0, 3), rnd.choice(["", "", "gluten", "nøtter", "laktose"])]
                for p in self.some(rnd, min(self.rows, 80))]
        self.write(rel, _csv(header, rows, ";"), {
            "Navn": {PERSON}, "E-post": {EMAIL}, "Telefon": {PHONE}, "Antall gjester": NONE, "Allergier": NONE})

    def non_utf8_name_csv(self):
        rnd = self.rnd("ost")
        header = ["kunde_nr", "navn", "mobilnr", "fnr", "region"]
        rows = [[300_000 + i, p.name, p.phone_digits, p.fnr, "Øst"] for i, p in enumerate(self.some(rnd, 60))]
        try:
            fd = os.open(os.path.join(os.fsencode(self.root), NON_UTF8_NAME), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                         0o644)
        except OSError:  # a file system that insists on UTF-8 names (macOS)
            return
        with os.fdopen(fd, "wb") as fh:
            fh.write(_csv(header, rows).encode())
        self.labels[os.fsdecode(NON_UTF8_NAME)] = {
            "kunde_nr": NONE, "navn": frozenset({PERSON}), "mobilnr": frozenset({PHONE}), "fnr": frozenset({FNR}),
            "region": NONE}

    # -- JSON --------------------------------------------------------------------------------
    def api_json(self):
        rel, rnd = "api/kunder.json", self.rnd("api")
        records = []
        for p in sorted(self.some(rnd), key=self.kundenr.get):
            agreements = [{"avtalenr": f"A-2024-{rnd.randint(1, 99999):05d}",
                           "produkt": rnd.choice(_PRODUCTS[:3])[0],
                           "malepunkt_id": rnd.choice(self.points)} for _ in range(rnd.randint(1, 2))]
            records.append({
                "kunde": {
                    "kundenummer": self.kundenr[p],
                    "fnr": p.fnr,
                    "navn": {"fornavn": p.first, "etternavn": p.last},
                    "kontakt": {"epost": p.email, "mobil": p.tlf},
                    "bosted": {"gate": p.street, "postnummer": p.postnr, "sted": p.poststed},
                },
                "avtaler": agreements,
                "opprettet": _when(rnd).isoformat() + "Z",
                "samtykke": {"markedsforing": rnd.random() < 0.4, "kanal": rnd.choice(["sms", "epost", "ingen"])},
            })
        self.write(rel, json.dumps(records, ensure_ascii=False, indent=2), {
            "kunde.kundenummer": NONE, "kunde.fnr": {FNR}, "kunde.navn.fornavn": {PERSON},
            "kunde.navn.etternavn": {PERSON}, "kunde.kontakt.epost": {EMAIL}, "kunde.kontakt.mobil": {PHONE},
            "kunde.bosted.gate": {ADDRESS}, "kunde.bosted.postnummer": {ADDRESS}, "kunde.bosted.sted": {ADDRESS},
            "avtaler[].avtalenr": NONE, "avtaler[].produkt": NONE, "avtaler[].malepunkt_id": {METER_ID},
            "opprettet": NONE, "samtykke.kanal": NONE})

    def events_jsonl(self):
        rel, rnd = "logg/hendelser.jsonl", self.rnd("events")
        people = self.some(rnd, min(self.rows, 60))
        lines = []
        t = dt.datetime(2024, 5, 1)
        for _ in range(self.rows):
            p = rnd.choice(people)
            t += dt.timedelta(seconds=rnd.randint(1, 600))
            event = rnd.choice(["login", "login", "vis_faktura", "endre_avtale", "logout", "login_feilet"])
            lines.append(json.dumps({
                "ts": t.isoformat(timespec="milliseconds") + "Z", "level": "warn" if "feilet" in event else "info",
                "event": event, "user": {"id": self.kundenr[p], "email": p.email},
                "client_ip": _ip(rnd),
                "http": {"method": rnd.choice(["GET", "POST"]), "path": f"/api/v2/{event.split('_')[0]}",
                         "status": 401 if "feilet" in event else 200, "user_agent": rnd.choice(db._AGENTS)},
                "request_id": _uuid(rnd), "duration_ms": rnd.randint(3, 900),
            }, ensure_ascii=False))
        self.write(rel, "\n".join(lines) + "\n", {
            "ts": NONE, "level": NONE, "event": NONE, "user.id": NONE, "user.email": {EMAIL}, "client_ip": {IP},
            "http.method": NONE, "http.path": NONE, "http.status": NONE, "http.user_agent": NONE,
            "request_id": NONE, "duration_ms": NONE})

    # -- Parquet and XLSX --------------------------------------------------------------------
    def lake(self):
        import pyarrow as pa

        schema = pa.schema([
            ("kunde_id", pa.int64()), ("fodselsnummer", pa.string()), ("fornavn", pa.string()),
            ("etternavn", pa.string()),
            ("kontakt", pa.struct([("epost", pa.string()), ("telefon", pa.string())])),
            ("postnummer", pa.string()), ("segment", pa.string()), ("forbruk_kwh_aar", pa.float64()),
            ("oppdatert", pa.timestamp("ms")),
        ])
        for month in (1, 2, 3, 4):
            rel = f"lake/kunder/year=2024/month={month:02d}/part-0000.parquet"
            rnd = self.rnd(rel)
            people = self.some(rnd)
            rows = {
                "kunde_id": [self.kundenr[p] for p in people],
                "fodselsnummer": [p.fnr for p in people], "fornavn": [p.first for p in people],
                "etternavn": [p.last for p in people],
                "kontakt": [{"epost": p.email, "telefon": p.tlf} for p in people],
                "postnummer": [p.postnr for p in people],
                "segment": [rnd.choice(["privat", "privat", "hytte", "landbruk"]) for _ in people],
                "forbruk_kwh_aar": [round(rnd.uniform(2000, 32000), 1) for _ in people],
                "oppdatert": [dt.datetime(2024, month, 1) + dt.timedelta(minutes=rnd.randint(0, 40000))
                              for _ in people],
            }
            data = _parquet_bytes(pa.table(rows, schema=schema), row_group_size=max(1, len(people) // 3))
            self.write(rel, data, {
                "kunde_id": NONE, "fodselsnummer": {FNR}, "fornavn": {PERSON}, "etternavn": {PERSON},
                "kontakt.epost": {EMAIL}, "kontakt.telefon": {PHONE}, "postnummer": {ADDRESS}, "segment": NONE,
                "forbruk_kwh_aar": {READING}, "oppdatert": NONE})

    def segments_parquet(self):
        # An analytics table where the national id became an integer (the leading zero is lost).
        import pyarrow as pa

        rel, rnd = "analyse/kundesegmenter.parquet", self.rnd("segments")
        people = self.some(rnd)
        table = pa.table({
            "personnummer": pa.array([int(p.fnr) for p in people], pa.int64()),
            "klynge": pa.array([rnd.randint(1, 8) for _ in people], pa.int32()),
            "churn_score": pa.array([round(rnd.random(), 4) for _ in people], pa.float64()),
            "modellversjon": pa.array(["2.3.1"] * len(people)),
        })
        self.write(rel, _parquet_bytes(table, row_group_size=max(1, len(people) // 2)), {
            "personnummer": {FNR}, "klynge": NONE, "churn_score": NONE, "modellversjon": NONE})

    def xlsx(self):
        import openpyxl

        rel, rnd = "rapporter/Kundeoversikt Q1.xlsx", self.rnd("xlsx")
        wb = openpyxl.Workbook()
        fixed = dt.datetime(2024, 4, 2, 8, 0, 0)
        wb.properties.creator = "Kundesenter"
        wb.properties.created = wb.properties.modified = fixed
        ws = wb.active
        ws.title = "Kunder"
        ws.append(["Kundenr", "Navn", "Fødselsnr", "Telefon", "E-post", "Adresse"])
        people = self.some(rnd, min(self.rows, 150))
        for i, p in enumerate(people):
            phone = int(p.phone_digits) if rnd.random() < 0.5 else p.tlf  # some typed as numbers
            ws.append([200_001 + i, p.name, p.fnr, phone, p.email, p.full_address])
        pay = wb.create_sheet("Innbetalinger")
        pay.append(["Innbetalinger 1. kvartal 2024"])
        pay.append(["Utskrevet 02.04.2024 av økonomiavdelingen"])
        pay.append([])
        pay.append(["Dato", "Kunde", "Fra konto", "Beløp", "KID"])
        for p in self.some(rnd, min(self.rows, 150)):
            pay.append([_when(rnd, 90).date(), p.name, _dotted_account(p.kontonr),
                        round(rnd.uniform(150, 9000), 2), db.kid(rnd)])
        buf = io.BytesIO()
        wb.save(buf)
        # openpyxl stamps the zip entries and docProps with the time of saving: fix both.
        with zipfile.ZipFile(buf) as zf:
            members = [(i.filename, zf.read(i)) for i in zf.infolist()]
        members = [(n, re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-04-02T08:00:00Z", d)
                    if n == "docProps/core.xml" else d) for n, d in members]
        # The payment sheet's header sits below two title rows and a blank one: the reader finds it there
        self.write(rel, _zip_bytes(members), {
            "Kunder!Kundenr": NONE, "Kunder!Navn": {PERSON}, "Kunder!Fødselsnr": {FNR}, "Kunder!Telefon": {PHONE},
            "Kunder!E-post": {EMAIL}, "Kunder!Adresse": {ADDRESS},
            "Innbetalinger!Dato": NONE, "Innbetalinger!Kunde": {PERSON}, "Innbetalinger!Fra konto": {BANK},
            "Innbetalinger!Beløp": NONE, "Innbetalinger!KID": NONE})

    # -- free text -----------------------------------------------------------------------------
    def case_note(self):
        rel, rnd = "notater/saksnotat.txt", self.rnd("note")
        p, q = self.some(rnd, 2)
        refund = self.some(rnd, 1)[0].kontonr
        text = f"""Saksnotat – sak 2024-0412
Dato: 12.04.2024
Saksbehandler: Kundesenter, team Nord

{rnd.choice(_CASE_OPENERS).format(month=rnd.choice(_MONTHS))}
Kunden er {p.name}, fødselsnummer {p.fnr}, og bor i {p.street}, {p.postnr} {p.poststed}.
Hun mener at forbruket i perioden er altfor høyt og ber om ny avlesning av måleren.
Vi avtalte at hun blir ringt opp på {synthetic.format_phone(p.phone_digits, "spaced3")} i morgen før kl. 12.
Kopi av fakturaen og avlesningen er sendt til {p.email}.
Eventuell tilbakebetaling skal gå til konto {_dotted_account(refund)}.

Oppfølging 15.04.2024:
Sønnen, {q.name}, ringte på vegne av moren fra {synthetic.format_phone(q.phone_digits, "intl")}.
Han har fullmakt, se vedlegg. Ny avlesning viser normalt forbruk. Saken lukkes.
"""
        self.write(rel, text, {None: {FNR, PERSON, ADDRESS, PHONE, EMAIL, BANK}})

    def sql_dumps(self):
        # mysqldump --skip-extended-insert (one row per INSERT, as diffable nightly backups are made).
        columns = [("kunde_id", "bigint NOT NULL"), ("fnr", "char(11) DEFAULT NULL"),
                   ("navn", "varchar(100) DEFAULT NULL"), ("adresse", "varchar(100) DEFAULT NULL"),
                   ("postnr", "char(4) DEFAULT NULL"), ("poststed", "varchar(50) DEFAULT NULL"),
                   ("tlf", "varchar(20) DEFAULT NULL"), ("epost", "varchar(120) DEFAULT NULL"),
                   ("opprettet", "datetime DEFAULT NULL")]
        # The nightly dumps are --skip-extended-insert; the full backup is mysqldump's default,
        # one INSERT line holding every row of the table.
        for day, rel in (("20240501", "dump/dump-20240501.sql.gz"), ("20240601", "dump/dump-20240601.sql.gz"),
                         ("20231231", "backup/kundesystem_full.sql")):
            rnd = self.rnd(rel)
            lines = [
                "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
                "--",
                "-- Host: db01.intern    Database: kundesystem",
                "-- ------------------------------------------------------",
                "-- Server version\t8.0.36",
                "",
                *_MYSQLDUMP_PREAMBLE,
                "",
                "--",
                "-- Table structure for table `kunde`",
                "--",
                "",
                "DROP TABLE IF EXISTS `kunde`;",
                "/*!40101 SET @saved_cs_client     = @@character_set_client */;",
                "/*!50503 SET character_set_client = utf8mb4 */;",
                "CREATE TABLE `kunde` (",
                *(f"  `{name}` {kind}," for name, kind in columns),
                "  PRIMARY KEY (`kunde_id`),",
                "  KEY `idx_kunde_fnr` (`fnr`)",
                ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;",
                "/*!40101 SET character_set_client = @saved_cs_client */;",
                "",
                "--",
                "-- Dumping data for table `kunde`",
                "--",
                "",
                "LOCK TABLES `kunde` WRITE;",
                "/*!40000 ALTER TABLE `kunde` DISABLE KEYS */;",
            ]
            tuples = ["({},'{}','{}','{}','{}','{}','{}','{}','{}')".format(
                self.kundenr[p], p.fnr, p.name.replace("'", "\\'"), p.street.replace("'", "\\'"),
                p.postnr, p.poststed, p.tlf, p.email, _when(rnd, 3650, dt.datetime(2014, 1, 1)))
                for p in self.some(rnd)]
            if rel.endswith(".gz"):
                lines += [f"INSERT INTO `kunde` VALUES {t};" for t in tuples]
            else:
                lines.append(f"INSERT INTO `kunde` VALUES {','.join(tuples)};")
            lines += ["/*!40000 ALTER TABLE `kunde` ENABLE KEYS */;", "UNLOCK TABLES;", *_MYSQLDUMP_POSTAMBLE, "",
                      f"-- Dump completed on {day[:4]}-{day[4:6]}-{day[6:]}  2:00:14", ""]
            text = "\n".join(lines).encode()
            self.write(rel, gzip.compress(text, mtime=0) if rel.endswith(".gz") else text,
                       {None: {FNR, PERSON, ADDRESS, PHONE, EMAIL}})

    # -- compressed -----------------------------------------------------------------------------
    def gzip_csv(self):
        rel, rnd = "eksport/kunder_2023.csv.gz", self.rnd("gz")
        header = ["KundeID", "Personnummer", "Kundenavn", "Adresse", "Telefonnummer", "Epostadresse", "Status"]
        rows = [[f"K{700_000 + i}", p.fnr, p.name, p.full_address, p.tlf, p.email,
                 rnd.choice(["aktiv", "aktiv", "opphørt", "flyttet"])] for i, p in enumerate(self.some(rnd))]
        self.write(rel, gzip.compress(_csv(header, rows).encode(), mtime=0), {
            "KundeID": NONE, "Personnummer": {FNR}, "Kundenavn": {PERSON}, "Adresse": {ADDRESS},
            "Telefonnummer": {PHONE}, "Epostadresse": {EMAIL}, "Status": NONE})

    def bz2_jsonl(self):
        rel, rnd = "logg/revisjon-2024-05.jsonl.bz2", self.rnd("bz2")
        actions = ["vis_kunde", "endre_adresse", "eksporter_faktura", "slett_samtykke"]
        staff = self.some(rnd, 12)
        lines = []
        for _ in range(self.rows):
            s, p = rnd.choice(staff), rnd.choice(self.people)
            lines.append(json.dumps({
                "tidspunkt": _when(rnd, 31, dt.datetime(2024, 5, 1)).isoformat(), "handling": rnd.choice(actions),
                "aktor": {"epost": re.sub(r"\d+@.*", "", s.email) + "@kraft.example.no", "ip": _ip(rnd)},
                "objekt": {"type": "kunde", "id": self.kundenr[p]}, "kunde_fnr": p.fnr,
                "resultat": "ok"}, ensure_ascii=False))
        self.write(rel, bz2.compress(("\n".join(lines) + "\n").encode(), 9), {
            "tidspunkt": NONE, "handling": NONE, "aktor.epost": {EMAIL}, "aktor.ip": {IP}, "objekt.type": NONE,
            "objekt.id": NONE, "kunde_fnr": {FNR}, "resultat": NONE})

    def zip_two_members(self):
        rel, rnd = "overforing/kundepakke_mai.zip", self.rnd("zip")
        rows = [[p.fnr, p.name, p.tlf] for p in self.some(rnd, min(self.rows, 100))]
        contacts = [{"navn": p.name, "epost": p.email, "telefon": p.phone_digits, "rolle": rnd.choice(
            ["eier", "kontaktperson", "fakturamottaker"])} for p in self.some(rnd, min(self.rows, 100))]
        data = _zip_bytes([("kunder.csv", _csv(["fnr", "navn", "mobil"], rows, ";").encode()),
                           ("kontakter.json", json.dumps(contacts, ensure_ascii=False).encode())])
        self.write(rel, data, {
            "kunder.csv:fnr": {FNR}, "kunder.csv:navn": {PERSON}, "kunder.csv:mobil": {PHONE},
            "kontakter.json:navn": {PERSON}, "kontakter.json:epost": {EMAIL}, "kontakter.json:telefon": {PHONE},
            "kontakter.json:rolle": NONE})

    def zstd_text(self):
        import zstandard

        rel, rnd = "notater/samtalelogg.txt.zst", self.rnd("zstd")
        lines = []
        t = dt.datetime(2024, 5, 2, 8, 0)
        for p in self.some(rnd, min(self.rows, 40)):
            t += dt.timedelta(minutes=rnd.randint(2, 25))
            lines.append(rnd.choice([
                f"{t:%Y-%m-%d %H:%M} Innringer {p.name} ønsker å bytte til fastpris. Bekreftelse sendt til {p.email}.",
                f"{t:%Y-%m-%d %H:%M} Tilbakeringing avtalt på {p.tlf} ang. faktura, fnr {p.fnr} verifisert.",
                f"{t:%Y-%m-%d %H:%M} Kunden spør om strømstøtte. Sendt lenke til informasjonssiden.",
                f"{t:%Y-%m-%d %H:%M} {p.name} melder flytting fra {p.full_address} den 1. juni.",
            ]))
        data = zstandard.ZstdCompressor(level=10).compress(("\n".join(lines) + "\n").encode())
        self.write(rel, data, {None: {FNR, PERSON, ADDRESS, PHONE, EMAIL}})

    # -- partitioned datasets -------------------------------------------------------------------
    def meter_data(self):
        for month in (1, 2, 3):
            for part in (1, 2):
                rel = f"eksport/malerdata/2024/{month:02d}/maleverdi_{part:04d}.csv"
                rnd = self.rnd(rel)
                first = (part - 1) * (len(self.points) // 2)
                rows = []
                for i in range(self.rows):
                    k = first + (i // 24) % (len(self.points) // 2)
                    hour = dt.datetime(2024, month, 1 + (i // 24) // max(1, len(self.points) // 2) % 28, i % 24)
                    rows.append([self.points[k], self.serials[k], hour.strftime("%Y-%m-%dT%H:%M"),
                                 f"{0.3 + rnd.uniform(0, 2.5):.3f}".replace(".", ","),
                                 rnd.choice(["OK", "OK", "OK", "Estimert"])])
                self.write(rel, _csv(["malepunkt_id", "maalernr", "fra_tid", "kwh", "kvalitet"], rows, ";"), {
                    "malepunkt_id": {METER_ID}, "maalernr": {METER_SERIAL}, "fra_tid": NONE, "kwh": {READING},
                    "kvalitet": NONE})

    # -- hard negatives -------------------------------------------------------------------------
    def catalogue(self):
        rel, rnd = "katalog/produktkatalog.csv", self.rnd("catalogue")
        header = ["artikkelnr", "produktnavn", "kategori", "pris", "versjon", "lagerstatus"]
        rows = []
        for _ in range(min(self.rows, 200)):
            name, category, price = rnd.choice(_PRODUCTS)
            rows.append([_not_an_account(rnd), name, category, _kroner(price * rnd.choice([1, 1, 0.9, 0.8]), " "),
                         f"{rnd.randint(1, 4)}.{rnd.randint(0, 12)}.{rnd.randint(0, 30)}",
                         rnd.choice(["på lager", "bestillingsvare", "utgått"])])
        self.write(rel, _csv(header, rows, ";"), {h: NONE for h in header})

    def orders(self):
        rel, rnd = "okonomi/ordrer_2024.csv", self.rnd("orders")
        header = ["ordrenr", "kid", "belop", "forfallsdato", "status", "ordrelinjer"]
        numbers = rnd.sample(range(10**10, 10**11), min(self.rows, 250))  # random 11 digits
        rows = [[n, db.kid(rnd), f"{rnd.uniform(150, 25_000):.2f}", _when(rnd).date().isoformat(),
                 rnd.choice(["betalt", "ubetalt", "purret", "kreditert"]), rnd.randint(1, 6)] for n in numbers]
        self.write(rel, _csv(header, rows), {h: NONE for h in header})

    def metrics(self):
        rel, rnd = "drift/metrics.csv", self.rnd("metrics")
        header = ["timestamp", "host", "cpu_pct", "mem_mb", "requests", "errors", "p95_ms"]
        t = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
        rows = []
        for i in range(self.rows):
            t += dt.timedelta(minutes=1)
            rows.append([t.isoformat(), rnd.choice(_HOSTS), f"{rnd.uniform(2, 97):.1f}", rnd.randint(512, 15_800),
                         rnd.randint(0, 48_000), rnd.choice([0, 0, 0, 1, 2, rnd.randint(3, 40)]),
                         rnd.randint(12, 2400)])
        self.write(rel, _csv(header, rows), {h: NONE for h in header})

    def suppliers(self):
        rel, rnd = "leverandorer/leverandorregister.csv", self.rnd("suppliers")
        header = ["organisasjonsnummer", "navn", "bransje", "ansatte", "avtale_utloper"]
        rows = []
        for _ in range(min(self.rows, 150)):
            number = synthetic.orgnr(rnd)
            if rnd.random() < 0.25:
                number = f"NO {number[:3]} {number[3:6]} {number[6:]} MVA"
            name = f"{rnd.choice(db._REGIONS)} {rnd.choice(['Kraft', 'Energi', 'Nett', 'Elektro', 'Montasje'])} AS"
            rows.append([number, name, rnd.choice(["kraftproduksjon", "nettdrift", "installasjon", "IT-drift"]),
                         rnd.randint(3, 2400), _when(rnd, 1500).date().isoformat()])
        self.write(rel, _csv(header, rows), {
            "organisasjonsnummer": {ORGNR}, "navn": NONE, "bransje": NONE, "ansatte": NONE, "avtale_utloper": NONE})

    # -- malformed but readable -------------------------------------------------------------------
    def invalid_utf8_csv(self):
        rel, rnd = "eksport/kunder_feil_tegn.csv", self.rnd("invalid-utf8")
        lines = [b"fnr,navn,poststed,telefon\n"]
        for p in self.some(rnd):
            line = f"{p.fnr},{p.name},{p.poststed},{p.phone_digits}\n".encode()
            if rnd.random() < 0.2:  # a system that pasted Latin-1 into a UTF-8 file
                for ch in "æøåÆØÅ":
                    line = line.replace(ch.encode(), ch.encode("latin-1"))
            lines.append(line)
        self.write(rel, b"".join(lines), {"fnr": {FNR}, "navn": {PERSON}, "poststed": {ADDRESS}, "telefon": {PHONE}})

    def ragged_csv(self):
        rel, rnd = "eksport/kunder_ujevn.csv", self.rnd("ragged")
        lines = ["fnr,navn,telefon,epost"]
        for p in self.some(rnd):
            cells = [p.fnr, p.name, p.phone_digits, p.email]
            r = rnd.random()
            if r < 0.15:
                cells = cells[:3]  # e-mail missing
            elif r < 0.25:
                cells = cells[:2]
            elif r < 0.35:
                cells.append(rnd.choice(["VIP", "inkasso", "ny kunde", "flyttet"]))  # an extra cell
            lines.append(",".join(cells))
        self.write(rel, "\n".join(lines) + "\n", {
            "fnr": {FNR}, "navn": {PERSON}, "telefon": {PHONE}, "epost": {EMAIL}, "col5": NONE})

    # -- special files ----------------------------------------------------------------------------
    def unsupported(self):
        rnd = self.rnd("unsupported")
        p = self.some(rnd, 1)[0]
        # a hand-written PDF (read by its text layer) and a photo too small to hold any text
        self.write("vedlegg/faktura_2024-10023.pdf", _pdf([
            "Faktura 10023", f"Til: {p.name}", f"{p.street}, {p.postnr} {p.poststed}",
            f"Beløp: {_kroner(1234.5, ' ')} kr", f"KID: {db.kid(rnd)}"]), {None: {PERSON, ADDRESS}})
        self.write("vedlegg/maalerbilde_7070575.png", _png(rnd), {})
        self.write("vedlegg/sikkerhetskopi.bin", b"KBAK\x00\x01\x00\x00" + rnd.randbytes(4088), {})
        # The encryption flag bit in the local and central headers is what makes a zip encrypted
        # to a reader (the stdlib cannot write real ZipCrypto).
        member = _csv(["fnr", "navn"], [[p.fnr, p.name]]).encode()
        data = bytearray(_zip_bytes([("kunder.csv", member)]))
        data[data.index(b"PK\x03\x04") + 6] |= 0x1
        data[data.index(b"PK\x01\x02") + 8] |= 0x1
        self.write("overforing/kryptert_kundeuttrekk.zip", bytes(data), {})
        ole = bytearray(512)
        ole[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        ole[24:34] = struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        self.write("arkiv/kunderegister_2009.xls", bytes(ole) + rnd.randbytes(3584), {})

    def documents(self):
        from demo.estate_documents import write_documents

        write_documents(self)

    def malformed(self):
        rnd = self.rnd("malformed")
        orders = [{"ordrenr": 5_000_000 + i, "kunde": {"navn": p.name, "epost": p.email},
                   "linjer": [{"produkt": rnd.choice(_PRODUCTS)[0], "antall": rnd.randint(1, 3)}]}
                  for i, p in enumerate(self.some(rnd, min(self.rows, 60)))]
        text = json.dumps(orders, ensure_ascii=False)
        self.write("api/ordrer_avbrutt.json", text[: len(text) * 2 // 3], {})  # cut mid-document, one line

        header = ["fnr", "navn", "telefon", "epost"]
        rows = [[p.fnr, p.name, p.phone_digits, p.email] for p in self.some(rnd)]
        data = gzip.compress(_csv(header, rows * 3).encode(), mtime=0)
        # Cut in the middle: the lines before the cut are still read, and what they hold is reported.
        self.write("eksport/kunder_avbrutt.csv.gz", data[: len(data) // 2], {
            "fnr": {FNR}, "navn": {PERSON}, "telefon": {PHONE}, "epost": {EMAIL}})

        _gzip_bomb(self.path("bomber/fulleksport.json.gz"), b'[{"eksport_id": 1, "data": "', BOMB_BYTES, b'"}]\n')
        self.labels["bomber/fulleksport.json.gz"] = {}

        import pyarrow as pa

        hours = [dt.datetime(2024, 5, 1) + dt.timedelta(hours=h) for h in range(min(self.rows, 200))]
        table = pa.table({"time": hours, "host": [rnd.choice(_HOSTS) for _ in hours],
                          "requests": [rnd.randint(0, 40_000) for _ in hours]})
        self.write("eksport/rapport_mai.csv", _parquet_bytes(table), {})
        self.write("eksport/tom.csv", b"", {})

    def special(self):
        fifo = self.path("spesial/kanal.fifo")
        try:
            os.mkfifo(fifo)
        except (OSError, AttributeError):  # no FIFOs here (Windows, some network file systems)
            pass
        links = self.path("lenker/x").parent
        for rel in _SYMLINKS:  # written again over an earlier run
            if os.path.islink(self.root / rel):
                os.unlink(self.root / rel)
        if self.outside is not None:
            self.outside.mkdir(parents=True, exist_ok=True)
            rnd = self.rnd("outside")
            target = self.outside / "hemmelige_kunder.csv"
            target.write_text(_csv(["fnr", "navn", "epost"], [[p.fnr, p.name, p.email] for p in self.some(rnd, 20)]))
            os.symlink(target.resolve(), links / "utenfor.csv")
        os.symlink("../eksport", links / "eksport", target_is_directory=True)
        os.symlink(".", links / "loop", target_is_directory=True)

    def all(self) -> Labels:
        for step in (self.kunder_csv, self.excel_csv, self.latin1_csv, self.bom_csv, self.tsv, self.headerless_csv,
                     self.aeoeaa_name_csv, self.non_utf8_name_csv, self.api_json, self.events_jsonl, self.lake,
                     self.segments_parquet, self.xlsx, self.case_note, self.sql_dumps, self.gzip_csv,
                     self.bz2_jsonl, self.zip_two_members, self.zstd_text, self.meter_data, self.catalogue,
                     self.orders, self.metrics, self.suppliers, self.invalid_utf8_csv, self.ragged_csv,
                     self.unsupported, self.malformed, self.special, self.documents):
            step()
        return dict(sorted(self.labels.items()))


# -- public API ------------------------------------------------------------------------------------
def write_estate(root: Path, seed: int = 2026, rows: int = 300, outside: Path | None = None) -> Labels:
    """Write the file estate under `root` (created if missing) and return its LABELS.

    `outside`, a directory outside `root`, gets one file with personal data, linked to from
    `lenker/utenfor.csv`. Run it on an empty directory: existing symlinks are not replaced.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if outside is not None:
        outside = Path(outside)
        if outside.resolve().is_relative_to(root.resolve()):
            raise ValueError("`outside` must not be inside root")
    return _Writer(root, seed, rows, outside).all()


def special_files(root: Path) -> dict[str, str]:
    """{relative path: what a scanner should say} for the special files present under `root`."""
    root = Path(root)
    return {rel: what for rel, what in SPECIAL.items() if os.path.lexists(root / rel)}


def s3_key(rel: str, prefix: str = "") -> str | None:
    """The S3 key `upload` gives a relative path, or None for a name that is not valid UTF-8."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return prefix + rel


def upload(root: Path, client, bucket: str, prefix: str = "") -> int:
    """Put every regular file under `root` at key prefix + relative path; returns how many.

    Symlinks, the FIFO and the name that is not valid UTF-8 are skipped (S3 has no such things).
    """
    root = Path(root)
    count = 0
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root)):  # bytes: names need not be UTF-8
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.fsdecode(os.path.relpath(full, os.fsencode(root))).replace(os.sep, "/")
            if rel in _NOT_UPLOADED or os.path.islink(full) or not os.path.isfile(full):
                continue
            key = s3_key(rel, prefix)
            if key is None:
                continue
            with open(full, "rb") as fh:
                client.put_object(Bucket=bucket, Key=key, Body=fh.read())
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scanner.estate_files", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="directory to write the tree into (created if missing)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rows", type=int, default=300, help="rows per file (default 300)")
    parser.add_argument("--outside", type=Path, help="directory outside root for the outside-symlink target")
    args = parser.parse_args(argv)
    started = time.monotonic()
    labels = write_estate(args.root, seed=args.seed, rows=args.rows, outside=args.outside)
    special = special_files(args.root)
    personal = sum(1 for fields in labels.values() if any(fields.values()))
    print(f"file estate: {len(labels)} files ({personal} with personal data, {len(special)} special) "
          f"in {args.root} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
