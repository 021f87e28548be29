"""PDFs with a text layer, written with fpdf2 on the spot: letters, invoices, contracts with a table of
parties, long reports, password-protected copies, and a product manual that holds numbers which are
no one's (versions, product codes, a switchboard) as a hard negative. Also PDFs written object by
object that attack a reader: 10,000 pages, a stream that inflates to a gigabyte, arrays nested
100,000 deep, a file cut short.

The caller passes the people and lines, so it plants what it wants where it wants it; the rest
(dates, references, filler, fonts) comes from the `random.Random` given, so a seed gives the same
bytes. Text uses fpdf2's core fonts (Latin-1: æøå are there; other characters are replaced).
"""

from __future__ import annotations

import random
import zlib
from datetime import datetime, timezone

FONTS = ("helvetica", "times", "courier")
COMPANIES = ["Fjordkraft Nett AS", "Vestlandsnett AS", "Nordlys Energi AS", "Bakkebo Borettslag", "Havbruk Service AS"]
FILLER = [
    "Vi viser til tidligere korrespondanse i saken og oversender med dette vårt svar.",
    "Avtalen gjelder fra dato for signering og løper til den sies opp skriftlig av en av partene.",
    "Måleravlesning skal skje innen den 5. i hver måned, enten i Min side eller ved å ringe kundesenteret.",
    "Dersom beløpet ikke er betalt innen forfall, sendes det purring med gebyr etter gjeldende satser.",
    "Nettleien består av et fastledd og et energiledd, og endres normalt fra 1. januar hvert år.",
    "Ved flytting må kunden melde fra senest fjorten dager før overtakelse.",
    "Vedlagt følger kopi av avtalevilkårene slik de lyder per i dag.",
    "Spørsmål om fakturaen kan rettes til kundeservice på telefon eller e-post.",
]
_REPLACE = str.maketrans({"–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...", "€": "EUR"})


def latin1(text: str) -> str:
    """`text` as the core fonts can write it: typographic marks made plain, the rest of what
    Latin-1 lacks as '?'."""
    return text.translate(_REPLACE).encode("latin-1", "replace").decode("latin-1")


def _new(rnd: random.Random, *, title: str | None, author: str | list[str] | None, subject: str | None,
         creator: str | None, font: str | None, size: float):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(7, 16),
                                   rnd.randint(0, 59), tzinfo=timezone.utc))
    pdf.set_creator(creator or rnd.choice(["Microsoft Word for Microsoft 365", "LibreOffice Writer", "Faktura 7"]))
    pdf.set_producer("fpdf2")
    if title:
        pdf.set_title(latin1(title))
    if subject:
        pdf.set_subject(latin1(subject))
    if author:
        pdf.set_author(latin1(author) if isinstance(author, str) else [latin1(a) for a in author])
    pdf.set_font(font or rnd.choice(FONTS), size=size)
    pdf.set_auto_page_break(True, margin=18)
    return pdf


def _finish(pdf, password: str | None) -> bytes:
    if password is not None:
        pdf.set_encryption(owner_password=password + "-eier", user_password=password)
    return bytes(pdf.output())


def _lines(pdf, lines: list[str], height: float = 6) -> None:
    for line in lines:
        if line:
            pdf.multi_cell(0, height, latin1(line), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(height)


def text_pdf(pages: list[list[str]], rnd: random.Random | None = None, *, title: str | None = None,
             author: str | list[str] | None = None, subject: str | None = None, creator: str | None = None,
             font: str | None = None, font_size: float = 11, password: str | None = None) -> bytes:
    """A PDF with one page for each list of lines in `pages` (a line longer than the page wraps;
    an empty one is a blank line). `password` encrypts it (RC4) with that user password."""
    rnd = rnd or random.Random(0)
    pdf = _new(rnd, title=title, author=author, subject=subject, creator=creator, font=font, size=font_size)
    for lines in pages:
        pdf.add_page()
        _lines(pdf, lines)
    return _finish(pdf, password)


def _date(rnd: random.Random) -> str:
    months = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember"]
    return f"{rnd.randint(1, 28)}. {rnd.choice(months)} {rnd.randint(2019, 2025)}"


def letter(rnd: random.Random, recipient: list[str], body: list[str], *, sender: str | None = None,
           signed: str | None = None, title: str | None = None, author: str | None = None,
           password: str | None = None) -> bytes:
    """A one- or two-page letter from a company: its letterhead, the `recipient` block (name,
    street, postcode and town), date and reference, a subject line (`title`), the `body`
    paragraphs, and a signature (`signed`)."""
    sender = sender or rnd.choice(COMPANIES)
    title = title or rnd.choice(["Bekreftelse på flytting", "Svar på klage", "Endring av avtale", "Varsel om stenging"])
    pdf = _new(rnd, title=title, author=author or signed, subject=None, creator=None, font=None, size=11)
    pdf.add_page()
    pdf.set_font(size=15)
    _lines(pdf, [sender])
    pdf.set_font(size=11)
    _lines(pdf, ["", *recipient, ""])
    _lines(pdf, [f"Oslo, {_date(rnd)}", f"Vår referanse: {rnd.randint(2019, 2025)}/{rnd.randint(100, 9999)}", ""])
    pdf.set_font(style="B")
    _lines(pdf, [title, ""])
    pdf.set_font(style="")
    for paragraph in body:
        _lines(pdf, [paragraph, ""])
    _lines(pdf, [rnd.choice(FILLER), "", "Med vennlig hilsen", signed or "Kundeservice", sender])
    return _finish(pdf, password)


def invoice(rnd: random.Random, customer: list[str], *, items: list[tuple[str, int, float]] | None = None,
            notes: list[str] = (), author: str | None = None) -> bytes:
    """An invoice to `customer` (name, address lines; an identifier line if the caller plants
    one): the company's organisation number and switchboard, a table of `items` (text,
    quantity, unit price), the sum, due date and the company's account, and `notes` below."""
    from detectors import synthetic

    company = rnd.choice(COMPANIES)
    items = items or [(rnd.choice(["Nettleie fastledd", "Energiledd", "Målerleie", "Gebyr papirfaktura"]),
                       rnd.randint(1, 3), round(rnd.uniform(39, 900), 2)) for _ in range(rnd.randint(2, 5))]
    pdf = _new(rnd, title=f"Faktura {rnd.randint(100000, 999999)}", author=author, subject="Faktura", creator=None,
               font=None, size=10)
    pdf.add_page()
    pdf.set_font(size=14)
    _lines(pdf, [company])
    pdf.set_font(size=10)
    _lines(pdf, [f"Org.nr. {synthetic.orgnr(rnd)} MVA", f"Sentralbord: {rnd.choice(['22', '55', '73'])} 00 00 00", ""])
    _lines(pdf, [*customer, ""])
    _lines(pdf, [f"Fakturadato: {_date(rnd)}", f"Kundenummer: {rnd.randint(10000, 99999)}", ""])
    with pdf.table(col_widths=(90, 25, 35, 35), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        for row in [("Beskrivelse", "Antall", "Pris", "Sum"),
                    *[(latin1(t), str(q), f"{p:.2f}", f"{q * p:.2f}") for t, q, p in items]]:
            cells = table.row()
            for c in row:
                cells.cell(c)
    total = sum(q * p for _, q, p in items)
    _lines(pdf, ["", f"Å betale: {total:.2f} kr", f"Forfall: {_date(rnd)}",
                 f"Betales til konto {synthetic.kontonummer(rnd)} ({company})", "", *notes])
    return _finish(pdf, None)


def contract(rnd: random.Random, parties: list[list[str]], clauses: list[str] | None = None, *,
             title: str = "Leieavtale for bolig", author: str | None = None) -> bytes:
    """A contract: `title`, a table of the parties (`parties[0]` is its header row, e.g. Rolle,
    Navn, Fødselsnummer, Adresse), numbered `clauses` (filler when None) over one page or more."""
    clauses = clauses or rnd.sample(FILLER, 5)
    pdf = _new(rnd, title=title, author=author, subject="Kontrakt", creator=None, font=None, size=10)
    pdf.add_page()
    pdf.set_font(size=16)
    _lines(pdf, [title, ""])
    pdf.set_font(size=10)
    with pdf.table() as table:
        for row in parties:
            cells = table.row()
            for c in row:
                cells.cell(latin1(c))
    _lines(pdf, [""])
    for i, clause in enumerate(clauses, 1):
        _lines(pdf, [f"§ {i}  {clause}", ""])
    _lines(pdf, ["", "Sted og dato: ______________________", "", "Underskrifter: ______________________"])
    return _finish(pdf, None)


def report(rnd: random.Random, pages: int, planted: dict[int, list[str]] | None = None, *,
           title: str = "Årsrapport kundeservice", author: str | None = None) -> bytes:
    """A `pages`-page report of filler paragraphs, with `planted[n]` lines written on page n (from 1)."""
    planted = planted or {}
    body = [[f"{title} - side {n}", "", *rnd.sample(FILLER, 4), "", *planted.get(n, []), "", *rnd.sample(FILLER, 3)]
            for n in range(1, pages + 1)]
    return text_pdf(body, rnd, title=title, author=author)


def manual(rnd: random.Random, pages: int = 3) -> bytes:
    """A product manual with no person in it: version numbers, product and part codes, serial
    number formats, firmware dates, a company switchboard and a support address. A hard negative:
    nothing in it is anyone's personal data."""
    product = rnd.choice(["AMS-måler Kamstrup Omnipower", "Nettstasjon NS-400", "Ladeboks Easee Home"])
    body = []
    for n in range(1, pages + 1):
        major, minor = rnd.randint(1, 9), rnd.randint(0, 30)
        body.append([
            f"Brukerhåndbok {product} - kapittel {n}", "",
            f"Programvareversjon {major}.{minor}.{rnd.randint(0, 99)} (build {rnd.randint(10000, 99999)}).",
            f"Delenummer PX-{rnd.randint(1000, 9999)}-{rnd.randint(10, 99)} og {rnd.randint(10**10, 10**11 - 1)}.",
            f"Fastvare {rnd.randint(2019, 2025)}.{rnd.randint(1, 12):02d}.{rnd.randint(1, 28):02d} rev {minor}.",
            f"Spenning 230 V, maks {rnd.choice([16, 32, 63])} A, IP{rnd.choice([44, 54, 65])}.",
            "Kontroller at kabelen er festet før du slår på strømmen.",
            "Sentralbord: 22 00 00 00. Kundestøtte: support@example.com.",
            f"Tabell {n}.1: Feilkoder E{rnd.randint(10, 99)}, E{rnd.randint(100, 999)} og W{rnd.randint(1, 9)}.",
        ])
    return text_pdf(body, rnd, title=f"Brukerhåndbok {product}", author="Teknisk dokumentasjon", creator="FrameMaker")


# -- written object by object: files that attack a reader ----------------------------------------

def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of `objects` (the bodies of objects 1, 2, …) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _content(lines: list[str]) -> bytes:
    text = b"".join(b"(%s) Tj T* " % latin1(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                    .encode("latin-1") for line in lines)
    return b"BT /F1 11 Tf 14 TL 72 770 Td " + text + b"ET"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def many_pages(pages: int, lines: list[str]) -> bytes:
    """A PDF of `pages` pages that all show one shared content stream (`lines`): 10,000 pages in
    about a megabyte."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Font << /F1 %s >> >>" % _FONT, _stream(_content(lines))]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 3 0 R /Contents 4 0 R >>"] * pages
    return raw_pdf(objects)


def _one_page(content: bytes, resources: bytes = b"<< /Font << /F1 %s >> >>" % _FONT) -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>"
                    % resources, content])


def flate_bomb(inflated: int = 1 << 30, lines: tuple[str, ...] = ("Innhold",)) -> bytes:
    """A one-page PDF whose content stream is `inflated` bytes of spaces (then `lines`) compressed
    to about a thousandth of that: a decompression bomb. Built chunk by chunk: never held whole."""
    chunk = b" " * (1 << 20)
    z = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the same chunk after a full flush
    first = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)  # compresses to the same bytes again
    again = z.compress(chunk) + z.flush(zlib.Z_FULL_FLUSH)
    tail = _content(list(lines))
    count = max(2, inflated // len(chunk))
    check = 1
    for _ in range(count):
        check = zlib.adler32(chunk, check)
    check = zlib.adler32(tail, check)
    body = b"\x78\xda" + first + again * (count - 1) + z.compress(tail) + z.flush() + check.to_bytes(4, "big")
    return _one_page(_stream(body, b"/Filter /FlateDecode "))


def nested_arrays(depth: int = 100_000, where: str = "page") -> bytes:
    """A one-page PDF with arrays nested `depth` deep: in the page's dictionary (`where="page"`,
    met when the page is loaded) or in its content stream (`where="content"`, met when its text
    is read)."""
    deep = b"[" * depth + b"]" * depth
    if where == "content":
        return _one_page(_stream(b"BT /F1 11 Tf 72 770 Td " + deep + b" TJ (Innhold) Tj ET"))
    return _one_page(_stream(_content(["Innhold"])), b"<< /Font << /F1 %s >> /Deep %s >>" % (_FONT, deep))


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    """The first `keep` share of a PDF's bytes: a download cut short, no cross-reference table."""
    return data[: int(len(data) * keep)]
