"""E-mail of synthetic people: .eml messages, an mbox export and Outlook .msg files, written on the spot.

The messages are the kinds a customer-service mailbox holds: a complaint with the customer's name,
address, phone number and fødselsnummer in the body; an HTML-only message; a list of residents
sent as a CSV attachment (`beboere.csv`), a zip of it, a forwarded message. The hard negatives
hold no person: a newsletter with the company's switchboard number, a no-reply notification, an
IT ticket full of ids and version numbers. Hostile shapes (messages forwarded 50 deep, a 300 MB
attachment written as a stream, a message cut short) are here too, for the tests and bench.
"""

from __future__ import annotations

import base64
import io
import random
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from demo.documents.msgfile import Message, msg_bytes
from detectors import synthetic

NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum",
         "Siri Løvås", "Jonas Berg", "Marte Kvam", "Henrik Dahl"]
STREETS = ["Storgata", "Kirkeveien", "Fjordgata", "Bakkegata", "Sjøveien"]
PLACES = [("0150", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"), ("9008", "Tromsø"), ("8006", "Bodø")]
SERVICE = ("Kundeservice Nordlys Energi", "kundeservice@example.com")
_EPOCH = datetime(2024, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=1)))


@dataclass
class Person:
    name: str
    email: str
    street: str
    postnr: str
    poststed: str
    phone: str
    fnr: str


def person(rnd: random.Random, i: int | None = None) -> Person:
    name = NAMES[i % len(NAMES)] if i is not None else rnd.choice(NAMES)
    local = name.lower().translate(str.maketrans({"å": "a", "ø": "o", "æ": "ae", " ": "."}))
    postnr, poststed = rnd.choice(PLACES)
    return Person(name, f"{local}@example.no", f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}", postnr, poststed,
                  synthetic.phone_digits(rnd), synthetic.fodselsnummer(rnd))


def _message(sender: tuple[str, str], to: tuple[str, str], subject: str, when: int = 0) -> EmailMessage:
    m = EmailMessage()
    m["From"] = formataddr(sender)
    m["To"] = formataddr(to)
    m["Subject"] = subject
    m["Date"] = format_datetime(_EPOCH + timedelta(hours=when))
    m["Message-ID"] = f"<{when}.{zlib.crc32(subject.encode())}@example.no>"
    m["MIME-Version"] = "1.0"
    return m


def complaint_text(p: Person) -> str:
    phone = synthetic.format_phone(p.phone, "spaced3")
    return (f"Hei,\n\nJeg vil klage på strømregningen for februar. Den er nesten dobbelt så høy som i fjor.\n\n"
            f"Navn: {p.name}\nAdresse: {p.street}, {p.postnr} {p.poststed}\nTelefon: {phone}\n"
            f"Fødselsnummer: {p.fnr}\n\nMed vennlig hilsen\n{p.name}\n")


def complaint(rnd: random.Random, p: Person | None = None, when: int = 0) -> EmailMessage:
    """A customer's complaint to customer service: name, address, phone and fødselsnummer in the body."""
    p = p or person(rnd)
    m = _message((p.name, p.email), SERVICE, "Klage på strømregning", when)
    m["Cc"] = formataddr(("Ola Hansen", "ola.hansen@example.no"))
    m.set_content(complaint_text(p))
    return m


def reply(rnd: random.Random, p: Person | None = None) -> EmailMessage:
    """Customer service answers a customer: the person is the recipient (`To`)."""
    p = p or person(rnd)
    m = _message(SERVICE, (p.name, p.email), "SV: Klage på strømregning")
    m.set_content(f"Hei {p.name.split()[0]},\n\nTakk for henvendelsen. Vi ser på saken.\n\nHilsen kundeservice\n")
    return m


def html_only(rnd: random.Random) -> EmailMessage:
    """A message with only an HTML body (a web form's mail): the person in table cells and a paragraph."""
    p = person(rnd)
    m = _message(("Nettskjema", "skjema@example.com"), SERVICE, "Nytt skjema: flytting")
    m["Reply-To"] = formataddr((p.name, p.email))
    m.set_content(f"""<html><head><style>td {{ color: #333; }}</style><script>var x = "Ola Hansen";</script></head>
<body><p>Melding om flytting fra {p.name}.</p><table>
<tr><td>Navn:</td><td>{p.name}</td></tr><tr><td>Ny adresse:</td><td>{p.street}, {p.postnr} {p.poststed}</td></tr>
<tr><td>Fødselsnummer:</td><td>{p.fnr}</td></tr><tr><td>Mobil:</td><td>{p.phone}</td></tr></table></body></html>""",
                  subtype="html")
    return m


def residents_csv(rnd: random.Random, rows: int = 30) -> bytes:
    lines = ["navn;adresse;epost;telefon"]
    for i in range(rows):
        p = person(rnd, i)
        lines.append(f"{p.name};{p.street}, {p.postnr} {p.poststed};beboer{i}.{p.email};{p.phone}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def with_residents(rnd: random.Random, rows: int = 30) -> EmailMessage:
    """A housing cooperative's board sends its list of residents as `beboere.csv`."""
    m = _message(("Styret i Fjordgata borettslag", "styret@example.no"), SERVICE, "Beboerliste")
    m.set_content("Hei,\n\nVedlagt er oppdatert beboerliste for borettslaget.\n\nHilsen styret\n")
    m.add_attachment(residents_csv(rnd, rows), maintype="text", subtype="csv", filename="beboere.csv")
    return m


def with_zip(rnd: random.Random, rows: int = 30) -> EmailMessage:
    """The residents list again, zipped (`beboere.zip` holding `beboere.csv`)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("beboere.csv", residents_csv(rnd, rows))
    m = _message(("Styret i Fjordgata borettslag", "styret@example.no"), SERVICE, "Beboerliste (zip)")
    m.set_content("Vedlagt, zippet.\n")
    m.add_attachment(buf.getvalue(), maintype="application", subtype="zip", filename="beboere.zip")
    return m


def forwarded(rnd: random.Random, inner: EmailMessage | None = None) -> EmailMessage:
    """A case handler forwards a customer's complaint as an attached message (message/rfc822)."""
    m = _message(("Saksbehandler", "saksbehandler@example.com"), ("Fakturaavdelingen", "faktura@example.com"),
                 "VS: Klage på strømregning")
    m.set_content("Kan dere se på denne?\n")
    m.add_attachment(inner or complaint(rnd))
    return m


def nested(rnd: random.Random, depth: int) -> EmailMessage:
    """A complaint forwarded `depth` times, each forward attaching the one before (message/rfc822)."""
    m = complaint(rnd)
    for _ in range(depth):
        m = forwarded(rnd, m)
    return m


def newsletter() -> EmailMessage:
    """Hard negative: a company's newsletter, its switchboard number and org. address in the footer."""
    m = _message(("Nordlys Energi", "nyhetsbrev@example.com"), ("Kunde", "kunde@example.com"), "Nyhetsbrev mars")
    m["List-Unsubscribe"] = "<mailto:avmeld@example.com>"
    m.set_content("Vårens beste strømavtale!\n\nNå får du fastpris i 12 måneder. Les mer på nettsiden vår.\n\n"
                  "Nordlys Energi AS, Postboks 100, 0101 Oslo. Sentralbord 22 00 00 00. Org.nr 999 999 999.\n")
    m.add_alternative("<html><body><h1>Vårens beste strømavtale!</h1><p>Fastpris i 12 måneder.</p>"
                      "<p>Nordlys Energi AS &middot; Sentralbord 22 00 00 00</p></body></html>", subtype="html")
    return m


def noreply() -> EmailMessage:
    """Hard negative: a system's notification from a no-reply address."""
    m = _message(("Nordlys Energi", "noreply@example.com"), ("Kunde", "kunde@example.com"), "Fakturaen din er klar")
    m.set_content("Fakturaen for februar er klar i Min side. Forfallsdato 2024-03-20.\n"
                  "Denne e-posten kan ikke besvares.\n")
    return m


def ticket() -> EmailMessage:
    """Hard negative: an IT ticket system's notification, ids and version numbers everywhere."""
    m = _message(("Servicedesk", "servicedesk@example.com"), ("Drift", "drift@example.com"),
                 "[INC0012345] Oppdatering av target-server 2.14.3")
    m.set_content("Sak INC0012345 er oppdatert.\n\nKomponent: billing-api 2.14.3 -> 2.15.0\n"
                  "Endring CHG0004711, build 20240304.1, commit 9f8e7d6c5b4a\nNode: app-03.prod (10.0.4.17)\n"
                  "Prioritet: 3 - Moderat\n\nSe saken i portalen.\n")
    return m


def complaints(rnd: random.Random, n: int = 20) -> list[EmailMessage]:
    """`n` complaints from different customers, an hour apart."""
    return [complaint(rnd, person(rnd, i), when=i) for i in range(n)]


def notifications(n: int = 20) -> list[EmailMessage]:
    """Hard negatives for a mailbox: newsletters, no-reply notices and tickets in turn."""
    return [(newsletter, noreply, ticket)[i % 3]() for i in range(n)]


def mbox_bytes(messages: list[EmailMessage]) -> bytes:
    """An mbox export (a mailbox folder) of `messages`, body lines that start "From " quoted."""
    out = []
    for m in messages:
        body = m.as_bytes()
        body = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n"))
        out.append(b"From " + m["From"].addresses[0].addr_spec.encode() + b" Mon Mar  4 09:30:00 2024\n"
                   + body.rstrip(b"\n") + b"\n\n")
    return b"".join(out)


def big_attachment(path: Path, size: int = 300 << 20, seed: int = 9) -> Path:
    """An .eml with a base64 attachment of about `size` bytes as encoded (a CSV of residents over
    and over), written as a stream: nothing of that size is held in memory."""
    rnd = random.Random(seed)
    head = _message(("Styret", "styret@example.no"), SERVICE, "Stort vedlegg")
    head["Content-Type"] = 'multipart/mixed; boundary="XBOUNDARY"'
    header = b"".join(f"{k}: {v}\n".encode() for k, v in head.items()) + b"\n"
    chunk = residents_csv(rnd, 2000)
    chunk = chunk[: len(chunk) // 57 * 57]  # whole base64 lines, so chunks join
    encoded = b"".join(base64.b64encode(chunk[i:i + 57]) + b"\n" for i in range(0, len(chunk), 57))
    with open(path, "wb") as fh:
        fh.write(header)
        fh.write(b"--XBOUNDARY\nContent-Type: text/plain; charset=utf-8\n\nVedlagt.\n"
                 b"--XBOUNDARY\nContent-Type: text/csv\nContent-Disposition: attachment; filename=\"stor.csv\"\n"
                 b"Content-Transfer-Encoding: base64\n\n")
        written = 0
        while written < size:
            fh.write(encoded)
            written += len(encoded)
        fh.write(b"--XBOUNDARY--\n")
    return path


def complaint_msg(rnd: random.Random, attachment: bool = True, embedded: bool = False) -> bytes:
    """The complaint as an Outlook .msg, with `beboere.csv` attached, and perhaps a message inside."""
    p = person(rnd)
    attachments: list = [("beboere.csv", residents_csv(rnd))] if attachment else []
    if embedded:
        q = person(rnd)
        attachments.append(("Videresendt.msg", Message(subject="Flytting", body=complaint_text(q),
                                                       sender=(q.name, q.email), to=[SERVICE])))
    return msg_bytes(Message(subject="Klage på strømregning", body=complaint_text(p), sender=(p.name, p.email),
                             to=[SERVICE], cc=[("Ola Hansen", "ola.hansen@example.no")], attachments=attachments))


def write_mail(root: Path, seed: int = 20) -> list[Path]:
    """The demo's mailbox exports under `root`: each kind above once, the negatives with them."""
    rnd = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    files = {"klage.eml": complaint(rnd), "flytting.eml": html_only(rnd), "beboerliste.eml": with_residents(rnd),
             "beboerliste-zip.eml": with_zip(rnd), "videresendt.eml": forwarded(rnd), "svar.eml": reply(rnd),
             "nyhetsbrev.eml": newsletter(), "faktura-klar.eml": noreply(), "INC0012345.eml": ticket()}
    out = []
    for name, m in files.items():
        (root / name).write_bytes(m.as_bytes())
        out.append(root / name)
    for name, data in {"kundeservice.mbox": mbox_bytes(complaints(rnd)), "varsler.mbox": mbox_bytes(notifications()),
                       "klage.msg": complaint_msg(rnd, embedded=True)}.items():
        (root / name).write_bytes(data)
        out.append(root / name)
    return out
