"""The demo share's documents: letters, a contract, invoices, minutes, e-mail exports with an
attachment, a scanned form, a customer portal page, an XML register and a manual that holds no
one, generated at demo time from the demo's people (`demo.estate`).

`write_documents(writer)` adds them to an estate writer (demo.estate_files) with their labels.
Documents are running text, so each is labelled as a whole (`{None: entity types}`): what a
correct scanner reports somewhere in it. The scanned form is read by OCR: without Tesseract it
is listed as `skipped: ocr not available`, and `OCR_LABELLED` names the files that need it.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from email.message import EmailMessage
from email.utils import formataddr
from html import escape
from xml.sax.saxutils import escape as xml_escape

from demo.estate import ADDRESS, BANK, EMAIL, FNR, METER_ID, ORGNR, PERSON, PHONE

COMPANY = "Nettselskapet Demo AS"
SERVICE = ("Kundeservice", "kundeservice@nettselskapet-demo.example.no")
FOOTER = f"{COMPANY} · Sentralbord 22 00 00 00 · Org.nr. 923 609 016 MVA · post@nettselskapet-demo.example.no"
OCR_LABELLED = ("skannet/fullmakt_signert.pdf",)
# people of the demo estate that no other demo step looks up (demo.subject asks for customers 1 and 7)
_FIRST = 40


def _spaced(phone: str) -> str:
    return f"{phone[:3]} {phone[3:5]} {phone[5:]}"


def write_documents(w) -> None:
    """Write the documents into estate writer `w` (root, people, points, labels)."""
    from demo.documents import msgfile, office, pdfs, scans

    first = min(_FIRST, len(w.people) - 12)  # a small estate has 30 people: 18 and on
    people = w.people[first:first + 12]
    rnd = random.Random(f"{w.seed}:files:documents")
    a, b, c, d, e, f = people[:6]

    # a letter answering a complaint, in Word: address block, fødselsnummer, account, e-mail, phone
    letter = office.Content("Svar på klage", [
        ("p", f"{a.name}\n{a.street}\n{a.postnr} {a.poststed}"),
        ("h", "Svar på klage på nettleie"),
        ("p", f"Vi viser til klagen din. Avtalen som er registrert på fødselsnummer {a.fnr} er rettet, og "
              f"det du har betalt for mye, blir satt inn på konto {a.kontonr} innen 14 dager."),
        ("p", f"Vi har sendt en kopi til {a.email} og ringer deg på {_spaced(a.phone_digits)} om noe er uklart."),
        ("p", f"Med vennlig hilsen\nKundeservice, {COMPANY}"),
    ], header=COMPANY, footer=FOOTER, author="Kundeservice")
    w.write("dokumenter/brev/svar_paa_klage.docx", _fixed_zip(office.docx(letter)),
            {None: {PERSON, ADDRESS, FNR, BANK, EMAIL, PHONE, ORGNR}})

    # a delivery contract in OpenDocument with its customers in a table
    rows = [["Navn", "Fødselsnummer", "Adresse", "Telefon", "E-post"]]
    rows += [[p.name, p.fnr, p.full_address, _spaced(p.phone_digits), p.email] for p in (b, c, d)]
    contract = office.Content("Avtale om nettilknytning", [
        ("h", "Avtale om nettilknytning"),
        ("p", f"Avtalen gjelder tilknytning til strømnettet til {COMPANY} for kundene nedenfor."),
        ("table", rows),
        ("p", "Avtalen løper til den sies opp med én måneds varsel."),
    ], header=COMPANY, footer=FOOTER)
    w.write("dokumenter/kontrakter/avtale_nettilknytning.odt", office.odt(contract),
            {None: {PERSON, FNR, ADDRESS, PHONE, EMAIL, ORGNR}})

    # an invoice with a text layer: the customer's name, address and metering point
    invoice = pdfs.invoice(rnd, [e.name, e.street, f"{e.postnr} {e.poststed}", f"Målepunkt-ID: {w.points[first]}"])
    # the account it is paid to is the company's (with its organisation number): no one's personal data
    w.write("dokumenter/faktura/faktura_nettleie_mai.pdf", invoice, {None: {PERSON, ADDRESS, METER_ID, ORGNR}})

    # minutes in RTF, naming the customer a case is about
    minutes = ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\\f0\\fs22 "
               "{\\b Referat fra driftsm\\'f8te}\\par\\par "
               f"Sak 1: Kunden {_rtf(f.name)} har klaget p\\'e5 m\\'e5leravlesningen for mars. "
               f"Kunden kan n\\'e5s p\\'e5 mobil {_spaced(f.phone_digits)}.\\par "
               "Sak 2: Ingen saker under eventuelt.\\par }")
    w.write("dokumenter/referat_driftsmoete.rtf", minutes.encode("latin-1"), {None: {PERSON, PHONE}})

    # an e-mail to customer service with the housing cooperative's list of residents attached
    m = EmailMessage()
    m["From"] = formataddr((f"Styret v/ {b.name}", b.email))
    m["To"] = formataddr(SERVICE)
    m["Subject"] = "Beboerliste for borettslaget"
    m["Date"] = "Mon, 06 May 2024 09:30:00 +0200"
    m["Message-ID"] = "<beboerliste@example.no>"
    m.set_content("Hei,\n\nVedlagt er oppdatert beboerliste, slik dere ba om.\n\nHilsen styret\n")
    residents = "navn;adresse;epost;telefon\n" + "".join(
        f"{p.name};{p.full_address};{p.email};{p.phone_digits}\n" for p in people[4:12])
    m.add_attachment(residents.encode(), maintype="text", subtype="csv", filename="beboere.csv")
    m.set_boundary("==demo-beboerliste==")  # not a random one: the same seed writes the same bytes
    w.write("epost/kundeservice/beboerliste.eml", bytes(m), {None: {PERSON, EMAIL, ADDRESS, PHONE}})

    # an Outlook message a case handler saved: the customer's complaint, the account for a refund
    msg = msgfile.Message(
        subject="Klage på faktura", sender=(c.name, c.email), to=[SERVICE],
        body=f"Hei,\n\nJeg mener fakturaen for mars er feil. Tilbakebetal til konto {c.kontonr}.\n\n"
             f"Hilsen {c.name}\n{c.street}, {c.postnr} {c.poststed}\n")
    w.write("epost/kundeservice/klage_paa_faktura.msg", msgfile.msg_bytes(msg),
            {None: {PERSON, EMAIL, BANK, ADDRESS}})

    # a scanned, signed power of attorney: an image-only PDF, askew, read by OCR
    form = ["FULLMAKT", "", f"Jeg, {d.name}, fødselsnummer {d.fnr[:6]} {d.fnr[6:]},",
            f"bosatt i {d.street}, {d.postnr} {d.poststed},",
            "gir herved Nettselskapet Demo AS fullmakt til å", "si opp min avtale med tidligere leverandør.",
            "", "Sted og dato: Oslo, 2. mai 2024", "", "Underskrift: ______________________"]
    w.write("skannet/fullmakt_signert.pdf", _fixed_dates(scans.scanned_pdf([form], skew=1.5, seed=7)),
            {None: {PERSON, FNR, ADDRESS}})

    # a customer's "Min side" saved from the browser
    page = (f"<!DOCTYPE html><html lang=\"no\"><head><title>Min side</title></head><body>"
            f"<h1>Hei, {escape(e.first)}!</h1><p>{escape(e.name)}<br>{escape(e.street)}<br>"
            f"{e.postnr} {escape(e.poststed)}</p><table><tr><th>Målepunkt-ID</th><td>{w.points[first]}</td></tr>"
            f"<tr><th>E-post</th><td>{escape(e.email)}</td></tr></table>"
            f"<p>Spørsmål? Ring kundeservice på 22 00 00 00.</p></body></html>")
    w.write("intranett/min_side_lagret.html", page, {None: {PERSON, ADDRESS, METER_ID, EMAIL}})

    # the old customer register's XML export: one record per customer
    records = "".join(
        f"<kunde id=\"{w.kundenr[p]}\"><navn>{xml_escape(p.name)}</navn><fodselsnummer>{p.fnr}</fodselsnummer>"
        f"<adresse><gate>{xml_escape(p.street)}</gate><postnr>{p.postnr}</postnr><sted>{xml_escape(p.poststed)}</sted>"
        f"</adresse><epost>{xml_escape(p.email)}</epost></kunde>\n" for p in people)
    w.write("eksport/kunderegister.xml", f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kunder>\n{records}</kunder>\n",
            {None: {PERSON, FNR, ADDRESS, EMAIL}})

    # the hard negative: a meter's manual, versions and part numbers, the company's switchboard
    w.write("dokumenter/brukerhaandbok_maaler.pdf", pdfs.manual(rnd), {None: set()})


def _rtf(text: str) -> str:
    return "".join(ch if ord(ch) < 128 else f"\\'{ch.encode('latin-1')[0]:02x}" for ch in text)


_ZIP_TIME = (2024, 5, 2, 8, 30, 0)
_PDF_DATE = re.compile(rb"/(?:CreationDate|ModDate) ?\(D:(\d{14})")


def _fixed_zip(data: bytes) -> bytes:
    """The package with every member's time fixed: the same seed writes the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def _fixed_dates(data: bytes) -> bytes:
    """A PDF's creation and modification dates fixed, digit for digit (its offsets stay true)."""
    return _PDF_DATE.sub(lambda m: m.group(0)[: -14] + b"20240502083000", data)
