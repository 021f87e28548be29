"""A labelled set of documents of every kind, half with personal data, written on the spot.

Each document is a story (a letter, a form, a customer list, minutes, an e-mail; or a hard
negative: a manual with version and part numbers, a price list, a newsletter, an operations
note with the company's switchboard, organisation number and role mailboxes) told in one of the
kinds the readers take, and labelled with the personal-data categories it holds. The stories
vary what they plant (any non-empty subset of name, fødselsnummer, address, phone, e-mail,
account, meter id), how they label it (`Fødselsnr.`, `Personnummer`, `f.nr`, none) and how the
number is written (spaced, dotted, +47), so a reader or detector tuned to one shape scores low.

    write_set(root, per_kind=40, seed=20) -> {relative path: frozenset of categories}

File names carry no digits: every document is a dataset of its own (digits would group them).
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from demo.documents import office
from detectors import synthetic

IDENTITY, CONTACT, FINANCIAL, METERING = "identity", "contact", "financial", "metering"
TEXT_KINDS = ("pdf", "docx", "odt", "rtf", "doc", "pptx", "odp", "ods", "xls", "eml", "msg", "mbox", "html", "xml")
SCANNED_KINDS = ("scan.pdf", "png", "jpeg", "tiff")
COMPANY = "Nordlys Energi AS"
ROLES = ["kundeservice", "post", "noreply", "drift", "faktura", "it-support"]


@dataclass
class Story:
    title: str
    blocks: list[tuple] = field(default_factory=list)  # ("h", text), ("p", lines), ("table", rows)
    categories: set[str] = field(default_factory=set)
    sender: tuple[str, str] = ("Kundeservice", "kundeservice@nordlys.example.no")
    to: tuple[str, str] = ("Drift", "drift@nordlys.example.no")
    author: str | None = None
    tabular: bool = False

    def lines(self) -> list[str]:
        out: list[str] = []
        for block in self.blocks:
            if block[0] == "table":
                out += ["   ".join(str(c) for c in row) for row in block[1]]
            else:
                out += block[1].split("\n")
            out.append("")
        return out

    def content(self) -> office.Content:
        return office.Content(self.title, list(self.blocks), header=COMPANY, author=self.author)


# -- how facts are written --------------------------------------------------------------------
def _fnr(rnd: random.Random, fnr: str) -> str:
    return rnd.choice([fnr, fnr, f"{fnr[:6]} {fnr[6:]}", f"{fnr[:6]}-{fnr[6:]}"])


def _phone(rnd: random.Random, digits: str) -> str:
    return rnd.choice([digits, f"{digits[:3]} {digits[3:5]} {digits[5:]}", f"+47 {digits[:2]} {digits[2:4]} "
                       f"{digits[4:6]} {digits[6:]}", f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"])


def _account(rnd: random.Random, acct: str) -> str:
    return rnd.choice([acct, f"{acct[:4]}.{acct[4:6]}.{acct[6:]}", f"{acct[:4]} {acct[4:6]} {acct[6:]}"])


FACTS = {  # fact -> (category, labels it may be written with)
    "name": (IDENTITY, ["Navn", "Kunde", "Kontaktperson", "Abonnent"]),
    "fnr": (IDENTITY, ["Fødselsnummer", "Fødselsnr.", "Personnummer", "F.nr"]),
    "address": (CONTACT, ["Adresse", "Postadresse", "Leveringsadresse"]),
    "phone": (CONTACT, ["Telefon", "Mobil", "Tlf."]),
    "email": (CONTACT, ["E-post", "Epost", "E-postadresse"]),
    "account": (FINANCIAL, ["Kontonummer", "Konto for tilbakebetaling", "Bankkonto"]),
    "meter": (METERING, ["Målepunkt-ID", "Målepunkt", "MPID"]),
}


def _value(rnd: random.Random, fact: str, p: office.Person, meter: str) -> str:
    return {"name": p.name, "fnr": _fnr(rnd, p.fnr), "address": f"{p.street}, {p.postnr} {p.poststed}",
            "phone": _phone(rnd, p.phone), "email": p.email, "account": _account(rnd, p.account),
            "meter": meter}[fact]


def _facts(rnd: random.Random) -> list[str]:
    chosen = [f for f in FACTS if rnd.random() < 0.45]
    return chosen or [rnd.choice(list(FACTS))]


def _sentence(rnd: random.Random, fact: str, value: str) -> str:
    forms = {
        "name": [f"Saken gjelder {value}.", f"Kunden {value} tok kontakt med oss.", f"{value} har sagt opp avtalen."],
        "fnr": [f"Avtalen er registrert på fødselsnummer {value}.", f"Fødselsnr. {value} er kontrollert.",
                f"Vi har mottatt personnummer {value} i skjemaet."],
        "address": [f"Ny leveringsadresse er {value}.", f"Anlegget ligger i {value}."],
        "phone": [f"Kunden kan nås på telefon {value}.", f"Ring tilbake på mobil {value}."],
        "email": [f"Svar sendes til {value}.", f"Kontakt: {value}"],
        "account": [f"Tilgodehavende betales til konto {value}.", f"Kontonummer for tilbakebetaling: {value}."],
        "meter": [f"Måleren har målepunkt-ID {value}.", f"Gjelder målepunkt {value}."],
    }
    return rnd.choice(forms[fact])


# -- stories with personal data ----------------------------------------------------------------
def letter(rnd: random.Random, p: office.Person, meter: str) -> Story:
    facts = _facts(rnd)
    s = Story(rnd.choice(["Svar på klage", "Bekreftelse på flytting", "Endring av avtale", "Tilbakebetaling"]))
    if "name" in facts or "address" in facts:  # an address block: name over street over post town
        block = [p.name] if "name" in facts else []
        block += [p.street, f"{p.postnr} {p.poststed}"] if "address" in facts else []
        s.blocks.append(("p", "\n".join(block)))
    s.blocks.append(("h", s.title))
    body = [_sentence(rnd, f, _value(rnd, f, p, meter)) for f in facts if f not in ("name", "address")]
    s.blocks.append(("p", " ".join(["Vi viser til henvendelsen din.", *body])))
    s.blocks.append(("p", f"Med vennlig hilsen\nKundeservice, {COMPANY}"))
    s.categories = {FACTS[f][0] for f in facts}
    if "name" in facts:
        s.to = (p.name, p.email) if "email" in facts else s.to
    return s


def form(rnd: random.Random, p: office.Person, meter: str) -> Story:
    facts = _facts(rnd)
    s = Story(rnd.choice(["Fullmakt", "Egenerklæring", "Skjema for flytting", "Søknad om nettilknytning"]))
    lines = [f"{rnd.choice(FACTS[f][1])}: {_value(rnd, f, p, meter)}" for f in facts]
    s.blocks += [("h", s.title), ("p", "\n".join(lines)), ("p", "Underskrift: ____________   Dato: ________")]
    s.categories = {FACTS[f][0] for f in facts}
    return s


def customer_list(rnd: random.Random, meter: str) -> Story:
    facts = [f for f in _facts(rnd)]
    people = [office.person(rnd) for _ in range(rnd.randint(3, 8))]
    header = [rnd.choice(FACTS[f][1]) for f in facts]
    rows = [header] + [[_value(rnd, f, q, synthetic.meter_id(rnd)) for f in facts] for q in people]
    s = Story(rnd.choice(["Kundeliste", "Uttrekk til inkasso", "Nye abonnenter", "Flyttemeldinger"]),
              [("h", "Kundeliste"), ("table", rows)], {FACTS[f][0] for f in facts}, tabular=True)
    return s


def minutes(rnd: random.Random, p: office.Person, meter: str) -> Story:
    others = [office.person(rnd).name for _ in range(2)]
    s = Story("Referat fra driftsmøte", [
        ("h", "Referat fra driftsmøte"),
        ("p", f"Til stede: {', '.join([p.name, *others])}."),
        ("p", f"Sak 1: {others[0]} orienterte om nettleien. {p.name} følger opp klagen fra kunden."),
    ], {IDENTITY}, author=others[1])
    if rnd.random() < 0.5:
        s.blocks.append(("p", f"Kunden ringte fra {_phone(rnd, p.phone)} om målepunkt {meter}."))
        s.categories |= {CONTACT, METERING}
    return s


POSITIVE = (letter, form, minutes)


# -- hard negatives --------------------------------------------------------------------------
def _company(rnd: random.Random) -> tuple[str, str]:
    orgnr = synthetic.orgnr(rnd)
    board = synthetic.phone_digits(rnd, mobile=False)
    return f"{orgnr[:3]} {orgnr[3:6]} {orgnr[6:]}", f"{board[:2]} {board[2:4]} {board[4:6]} {board[6:]}"


def manual(rnd: random.Random) -> Story:
    orgnr, board = _company(rnd)
    version = f"{rnd.randint(1, 9)}.{rnd.randint(0, 20)}.{rnd.randint(0, 9)}"
    return Story(f"Brukerhåndbok, versjon {version}", [
        ("h", f"Brukerhåndbok for måler NE-{rnd.randint(100, 999)}"),
        ("p", f"Gjelder fastvare {version}. Artikkelnummer {rnd.randint(10**6, 10**7 - 1)}, "
              f"delenummer NE-{rnd.randint(1000, 9999)}-{rnd.randint(10, 99)}."),
        ("p", f"Feilkode E{rnd.randint(10, 99)}: start modulen på nytt. Kalibrert {rnd.randint(2019, 2025)}-"
              f"{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}, "
              f"toleranse {rnd.randint(1, 5)},{rnd.randint(0, 9)} %."),
        # an article number that passes the fødselsnummer check: the label says what it is
        ("p", f"Reservedel: artikkelnummer {synthetic.fodselsnummer(rnd, tenor=False)}, "
              f"pris {rnd.randint(2, 9)} 499 kr."),
        ("p", f"{COMPANY} · Sentralbord {board} · Org.nr. {orgnr} MVA · post@nordlys.example.no"),
    ])


def price_list(rnd: random.Random) -> Story:
    rows = [["Produkt", "Pris øre/kWh", "Fastledd kr/mnd", "Gyldig fra"]]
    rows += [[rnd.choice(["Spot", "Fastpris", "Innkjøpspris", "Grønn strøm", "Bedrift"]) + f" {tag}",
              f"{rnd.randint(20, 180)},{rnd.randint(0, 99):02d}", str(rnd.randint(29, 99)),
              f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{rnd.randint(2023, 2026)}"]
             for tag in ("A", "B", "C", "D")]
    return Story("Prisliste", [("h", "Prisliste privatkunder"), ("table", rows),
                               ("p", "Alle priser er oppgitt inkludert merverdiavgift.")], tabular=True)


def newsletter(rnd: random.Random) -> Story:
    orgnr, board = _company(rnd)
    return Story("Nyhetsbrev", [
        ("h", rnd.choice(["Nytt fra Nordlys", "Strømpriser i vinter", "Planlagt vedlikehold"])),
        ("p", f"Vi oppgraderer nettet i uke {rnd.randint(2, 50)}. Strømmen kan bli borte i opptil "
              f"{rnd.randint(1, 4)} timer mellom kl. {rnd.randint(8, 12)} og {rnd.randint(13, 16)}."),
        ("p", f"Spørsmål? Ring kundesenteret på {board} eller skriv til kundeservice@nordlys.example.no."),
        ("p", f"{COMPANY}, org.nr. {orgnr}. Avmeld nyhetsbrevet på nordlys.example.no/avmeld."),
    ], sender=("Nordlys Energi", "noreply@nordlys.example.no"))


def ops_note(rnd: random.Random) -> Story:
    return Story("Driftsmelding", [
        ("h", f"Driftsmelding INC-{rnd.randint(10000, 99999)}"),
        ("p", f"Tjeneste: målerinnsamling. Versjon {rnd.randint(1, 5)}.{rnd.randint(0, 30)}.{rnd.randint(0, 9)} "
              f"rullet ut {rnd.randint(1, 28)}.{rnd.randint(1, 12)}. Berørte noder: {rnd.randint(2, 40)}."),
        ("p", f"Kø-lengde {rnd.randint(100, 9000)} meldinger, responstid {rnd.randint(80, 900)} ms. "
              "Meld fra til drift@nordlys.example.no ved nye avvik."),
        ("p", f"Ordrenummer {synthetic.fodselsnummer(rnd, tenor=False)} og {rnd.randint(10**10, 10**11 - 1)} "
              f"ble behandlet på nytt fra {rnd.randint(10, 250)}.{rnd.randint(0, 255)}.0.0/16."),
    ], sender=("Drift", "drift@nordlys.example.no"), to=("IT-support", "it-support@nordlys.example.no"))


NEGATIVE = (manual, price_list, newsletter, ops_note)


def story(rnd: random.Random, personal: bool, tabular: bool) -> Story:
    p = office.person(rnd)
    meter = synthetic.meter_id(rnd)
    if tabular:
        return customer_list(rnd, meter) if personal else price_list(rnd)
    if personal:
        return rnd.choice([*POSITIVE, lambda r, q, m: customer_list(r, m)])(rnd, p, meter)
    return rnd.choice(NEGATIVE)(rnd)


# -- kinds ---------------------------------------------------------------------------------------
def html(s: Story) -> bytes:
    parts = [f"<!DOCTYPE html><html lang=nb><head><title>{escape(s.title)}</title></head><body>"]
    for block in s.blocks:
        if block[0] == "h":
            parts.append(f"<h2>{escape(block[1])}</h2>")
        elif block[0] == "p":
            parts.append("<p>" + "<br>".join(escape(line) for line in block[1].split("\n")) + "</p>")
        else:
            head, *rows = block[1]
            parts.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in head) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>" for r in rows]
            parts.append("</table>")
    return ("".join(parts) + "</body></html>").encode()


def _tag(name: str) -> str:
    out = "".join(c if c.isalnum() else "_" for c in name.lower().replace("ø", "o").replace("å", "a")
                  .replace("æ", "ae")).strip("_")
    return out if out and not out[0].isdigit() else f"f_{out}"


def xml(s: Story) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>']
    tables = [b[1] for b in s.blocks if b[0] == "table"]
    if tables:
        head, *rows = tables[0]
        parts.append("<eksport>")
        for r in rows:
            parts.append("<post>" + "".join(f"<{_tag(h)}>{xml_escape(str(c))}</{_tag(h)}>" for h, c in zip(head, r))
                         + "</post>")
        parts.append("</eksport>")
    else:
        parts.append(f"<dokument><tittel>{xml_escape(s.title)}</tittel>")
        parts += [f"<avsnitt>{xml_escape(line)}</avsnitt>" for line in s.lines() if line]
        parts.append("</dokument>")
    return "\n".join(parts).encode()


def email(s: Story) -> EmailMessage:
    m = EmailMessage()
    m["From"] = formataddr(s.sender)
    m["To"] = formataddr(s.to)
    m["Subject"] = s.title
    m["Date"] = "Mon, 06 May 2024 09:30:00 +0200"
    m["Message-ID"] = "<bench@nordlys.example.no>"
    m.set_content("\n".join(s.lines()))
    return m


def sheets(s: Story) -> list[office.Sheet]:
    tables = [b[1] for b in s.blocks if b[0] == "table"]
    return [office.Sheet("Ark1", tables[0] if tables else [[line] for line in s.lines() if line])]


def render(kind: str, s: Story, rnd: random.Random) -> bytes:
    from demo.documents import legacy, mail, msgfile, pdfs, scans

    if kind == "pdf":
        return pdfs.text_pdf([s.lines()], rnd, title=s.title, author=s.author)
    if kind in ("docx", "odt", "pptx", "odp"):
        return getattr(office, kind)(s.content())
    if kind in ("rtf", "doc"):
        return getattr(legacy, kind)(s.content())
    if kind == "ods":
        return office.ods(sheets(s))
    if kind == "xls":
        return legacy.xls(sheets(s))
    if kind == "html":
        return html(s)
    if kind == "xml":
        return xml(s)
    if kind == "eml":
        return bytes(email(s))
    if kind == "mbox":
        return mail.mbox_bytes([email(s), email(newsletter(rnd))])
    if kind == "msg":
        return msgfile.msg_bytes(msgfile.Message(subject=s.title, body="\n".join(s.lines()), sender=s.sender,
                                                 to=[s.to]))
    render_opts = {"skew": rnd.uniform(-3, 3), "noise": rnd.choice([0.0, 0.0, 0.01]), "seed": rnd.randrange(1000)}
    # a printed page wraps its lines: what the page cannot hold is not on it, nor in the labels
    lines = [part for line in s.lines() for part in (textwrap.wrap(line, 56) or [""])]
    if kind == "scan.pdf":
        return scans.scanned_pdf([lines], **render_opts)
    return scans.scanned_image(lines, kind, **render_opts)


_WORDS = ["eple", "bok", "dor", "flaske", "gaffel", "lampe", "jakke", "kopp", "mappe", "nokkel", "ovn", "pute",
          "tavle", "vase", "botte", "stige", "kanne", "benk", "skuff", "hylle"]


def _name(i: int) -> str:
    return f"{_WORDS[i % len(_WORDS)]}-{_WORDS[(i // len(_WORDS)) % len(_WORDS)]}"


def write_set(root: Path, per_kind: int = 40, seed: int = 20, kinds: tuple[str, ...] = TEXT_KINDS + SCANNED_KINDS
              ) -> dict[str, frozenset[str]]:
    """Write `per_kind` documents of each kind under root/KIND/, half with personal data; return
    their labels by relative path."""
    labels: dict[str, frozenset[str]] = {}
    for kind in kinds:
        rnd = random.Random(f"{seed}|{kind}")
        folder = root / kind.replace(".", "-")
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_kind):
            personal = i % 2 == 0
            s = story(rnd, personal, tabular=kind in ("ods", "xls"))
            suffix = "pdf" if kind == "scan.pdf" else kind
            rel = f"{kind.replace('.', '-')}/{_name(i)}.{suffix}"
            (root / rel).write_bytes(render(kind, s, rnd))
            labels[rel] = frozenset(s.categories)
    return labels
