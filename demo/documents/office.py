"""Office documents of synthetic people: Word, PowerPoint and OpenDocument files written on the spot.

A document's content is one `Content` (headings, paragraphs, tables, a page header and footer,
reviewers' comments, the author in its metadata), made by `letter`, `contract`, `minutes` or
`manual` (the hard negative: a user manual with version and part numbers, the company's
switchboard and organisation number, and no person), and written as any format: `docx`, `odt`,
`pptx`, `odp` here, `rtf`, `doc` and `ppt` in demo.documents.legacy. Spreadsheets are lists of
`Sheet`s (`customer_sheets`), written by `ods` here and `xls` in demo.documents.legacy. Hostile
packages (a declared bomb, a deflate bomb, a sheet row repeated a million times) are here too;
a whole folder of every format is demo.documents.legacy.write_office.

Everything is deterministic for a seed: the same Random gives the same bytes.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

from detectors import synthetic

NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum",
         "Siri Løvås", "Jonas Berg", "Marte Kvam", "Henrik Dahl", "Solveig Aasheim", "Thanh Tran"]
STREETS = ["Storgata", "Kirkeveien", "Fjordgata", "Bakkegata", "Sjøveien", "Dronningens gate", "Løkkeveien"]
PLACES = [("0150", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"), ("9008", "Tromsø"), ("8006", "Bodø"),
          ("4006", "Stavanger"), ("2317", "Hamar")]
COMPANY = "Nordlys Energi AS"
_ASCII = str.maketrans({"å": "a", "ø": "o", "æ": "ae", " ": "."})


@dataclass
class Person:
    name: str
    email: str
    street: str
    postnr: str
    poststed: str
    phone: str  # eight digits
    fnr: str
    account: str

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postnr} {self.poststed}"


def person(rnd: random.Random, i: int | None = None) -> Person:
    """A synthetic person: a name from NAMES (the i-th, or drawn), valid fødselsnummer (a Tenor
    test number) and account number, a mobile number and an example.no address."""
    name = NAMES[i % len(NAMES)] if i is not None else rnd.choice(NAMES)
    postnr, poststed = rnd.choice(PLACES)
    return Person(name, f"{name.lower().translate(_ASCII)}{rnd.randint(1, 99)}@example.no",
                  f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}", postnr, poststed, synthetic.phone_digits(rnd),
                  synthetic.fodselsnummer(rnd), synthetic.kontonummer(rnd))


def people(rnd: random.Random, n: int) -> list[Person]:
    return [person(rnd, i) for i in range(n)]


def spaced(phone: str) -> str:
    return f"{phone[:3]} {phone[3:5]} {phone[5:]}"


@dataclass
class Content:
    """What a document says, whatever its format. `blocks` are ("h", heading), ("p", paragraph:
    its lines apart by newlines) and ("table", rows, the first the header)."""

    title: str
    blocks: list[tuple] = field(default_factory=list)
    header: str = ""
    footer: str = ""
    comments: list[tuple[str, str]] = field(default_factory=list)  # (author, text)
    author: str | None = None


@dataclass
class Sheet:
    name: str
    rows: list[list]  # strings and numbers; the first row the header


def _company(rnd: random.Random) -> tuple[str, str, str]:
    """The company's footer line, switchboard and organisation number: no person in them."""
    switchboard, orgnr = synthetic.phone_digits(rnd, mobile=False), synthetic.orgnr(rnd)
    org = f"{orgnr[:3]} {orgnr[3:6]} {orgnr[6:]}"
    return f"{COMPANY} · Sentralbord {spaced(switchboard)} · Org.nr. {org} MVA", switchboard, orgnr


def letter(rnd: random.Random, to: Person, *, sender: str | None = None, reviewer: str | None = None) -> Content:
    """A letter to a customer: the address block (name, street, post town) as consecutive
    lines, the fødselsnummer and account in the text, signed by `sender`."""
    sender = sender or rnd.choice([n for n in NAMES if n != to.name])
    footer, _, _ = _company(rnd)
    subject = rnd.choice(["Bekreftelse på flytting", "Endring av avtale", "Svar på klage", "Tilbakebetaling"])
    body = [
        ("p", f"{to.name}\n{to.street}\n{to.postnr} {to.poststed}"),
        ("p", f"Oslo, {rnd.randint(1, 28)}. {rnd.choice(['mars', 'april', 'mai', 'juni'])} 2024"),
        ("h", subject),
        ("p", f"Vi viser til henvendelsen din. Avtalen som er registrert på fødselsnummer {to.fnr} er endret, "
              f"og et eventuelt tilgodehavende blir betalt til konto {to.account}."),
        ("p", f"Har du spørsmål, ring oss eller svar på e-post til {to.email}. Vi ringer deg på "
              f"{spaced(to.phone)} dersom vi trenger mer informasjon."),
        ("p", f"Med vennlig hilsen\n{sender}\nKundeservice, {COMPANY}"),
    ]
    comments = [(reviewer, f"Sjekk at {to.name} har fått kopi.")] if reviewer else []
    header = f"{COMPANY} – saksbehandler {sender}, direkte {spaced(synthetic.phone_digits(rnd))}"
    return Content(subject, body, header=header, footer=footer, comments=comments, author=sender)


def contract(rnd: random.Random, customers: list[Person], *, reviewer: str | None = None) -> Content:
    """A delivery contract with its customers in a table (Navn, Fødselsnummer, Adresse, Telefon,
    E-post) and clauses in the text."""
    footer, _, _ = _company(rnd)
    rows = [["Navn", "Fødselsnummer", "Adresse", "Telefon", "E-post"]]
    rows += [[c.name, c.fnr, c.address, spaced(c.phone), c.email] for c in customers]
    body = [
        ("h", "Avtale om levering av strøm"),
        ("p", f"Denne avtalen gjelder levering av elektrisk kraft fra {COMPANY} til kundene nedenfor."),
        ("table", rows),
        ("h", "Vilkår"),
        ("p", "1. Avtalen løper til den sies opp med én måneds varsel."),
        ("p", f"2. Faktura sendes månedlig. Betaling skjer til kontonummeret som er oppgitt av {COMPANY}."),
    ]
    comments = [(reviewer, "Tabellen må oppdateres før signering.")] if reviewer else []
    return Content("Strømavtale", body, header=f"{COMPANY} – Kontrakt", footer=footer, comments=comments,
                   author=reviewer or rnd.choice(NAMES))


def minutes(rnd: random.Random, attendees: list[Person], *, reviewer: str | None = None) -> Content:
    """Minutes of a meeting: who came, and cases about named customers in the running text."""
    footer, _, _ = _company(rnd)
    chair, *rest = attendees
    case = rnd.choice(rest or attendees)
    body = [
        ("h", "Referat fra driftsmøte"),
        ("p", "Til stede: " + ", ".join(a.name for a in attendees) + "."),
        ("p", f"Møteleder: {chair.name}"),
        ("h", "Sak 1: Klage på måleravlesning"),
        ("p", f"{case.name}, bosatt i {case.address}, har klaget på fakturaen for februar. "
              f"Kunden kan nås på telefon {spaced(case.phone)}. {chair.name} følger opp saken."),
        ("h", "Sak 2: Eventuelt"),
        ("p", "Ingen saker under eventuelt. Neste møte blir om to uker."),
    ]
    comments = [(reviewer, f"Husk å sende referatet til {case.name}.")] if reviewer else []
    return Content("Referat", body, header=f"{COMPANY} – internt", footer=footer, comments=comments,
                   author=chair.name)


def manual(rnd: random.Random) -> Content:
    """The hard negative: a product manual with version, part and serial-looking numbers, the
    company's switchboard and organisation number, and no person."""
    footer, switchboard, orgnr = _company(rnd)
    version = f"{rnd.randint(1, 9)}.{rnd.randint(0, 20)}.{rnd.randint(0, 9)}"
    parts = [["Delenummer", "Beskrivelse", "Antall", "Versjon"]]
    parts += [[f"NE-{rnd.randint(1000, 9999)}-{rnd.randint(100, 999)}", rnd.choice(
        ["Strømmåler AMS", "Kommunikasjonsmodul", "Montasjeplate", "Strømtrafo 100/5 A", "Plombe"]),
        str(rnd.randint(1, 12)), f"v{rnd.randint(1, 4)}.{rnd.randint(0, 12)}"] for _ in range(6)]
    body = [
        ("h", f"Brukerhåndbok for måler NE-{rnd.randint(100, 999)}, versjon {version}"),
        ("p", f"Denne håndboken gjelder fastvare {version} og nyere. Les hele håndboken før montering."),
        ("h", "Deler"),
        ("table", parts),
        ("h", "Feilsøking"),
        ("p", f"Feilkode E{rnd.randint(10, 99)}: kontroller at modulen er koblet til. Serienummer står på "
              f"typeskiltet, for eksempel SN {rnd.randint(10**9, 10**10 - 1)}."),
        ("p", f"Kundesenteret svarer på {spaced(switchboard)} hverdager 08–16. {COMPANY}, "
              f"organisasjonsnummer {orgnr}."),
    ]
    return Content("Brukerhåndbok", body, header=f"{COMPANY} – Teknisk dokumentasjon", footer=footer)


def customer_sheets(rnd: random.Random, customers: list[Person]) -> list[Sheet]:
    """A customer list (Kunder: Navn, Fødselsnummer, Adresse, Telefon, Epost, Kontonummer, Forbruk)
    and a summary sheet of counts by town (Sammendrag), as a utility's export would have."""
    rows: list[list] = [["Navn", "Fødselsnummer", "Adresse", "Telefon", "Epost", "Kontonummer", "Forbruk kWh"]]
    rows += [[c.name, c.fnr, c.address, c.phone, c.email, c.account, rnd.randint(800, 24000)] for c in customers]
    towns: dict[str, int] = {}
    for c in customers:
        towns[c.poststed] = towns.get(c.poststed, 0) + 1
    summary = [["Poststed", "Antall kunder"], *map(list, sorted(towns.items()))]
    return [Sheet("Kunder", rows), Sheet("Sammendrag", summary)]


def noise_png(rnd: random.Random, width: int = 240, height: int = 160) -> bytes:
    """A PNG of noise (no text), large enough (> 20 KB) that the readers pass it to OCR."""
    from PIL import Image

    image = Image.frombytes("L", (width, height), bytes(rnd.randrange(256) for _ in range(width * height)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# -- Word ----------------------------------------------------------------------------------------
def docx(content: Content, images: list[bytes] = ()) -> bytes:
    """A .docx written by python-docx: headings, paragraphs (a block's lines as separate
    paragraphs), tables with a header row, the header and footer of the section, comments
    anchored on the first paragraph, images after the text, the author in core properties."""
    import docx as python_docx

    d = python_docx.Document()
    d.core_properties.author = content.author or ""
    d.core_properties.last_modified_by = content.author or ""
    d.core_properties.title = content.title
    d.sections[0].header.paragraphs[0].text = content.header
    d.sections[0].footer.paragraphs[0].text = content.footer
    first = None
    for kind, item in content.blocks:
        if kind == "h":
            d.add_heading(item, level=1)
        elif kind == "p":
            for line in item.split("\n"):
                para = d.add_paragraph(line)
                first = first or para
        else:
            table = d.add_table(rows=len(item), cols=len(item[0]))
            table.style = "Table Grid"
            for r, row in enumerate(item):
                for c, value in enumerate(row):
                    table.cell(r, c).text = str(value)
    for author, text in content.comments:
        note = d.add_comment(first.runs, text=text, author=author, initials="".join(w[0] for w in author.split()))
        note._comment_elm.date = datetime(2024, 3, 4, 10, 0, tzinfo=timezone.utc)  # python-docx stamps the clock
    for image in images:
        d.add_picture(io.BytesIO(image))
    out = io.BytesIO()
    d.save(out)
    return _steady(out.getvalue())


def _steady(data: bytes) -> bytes:
    """The package again with fixed member times: python-docx stamps them with the clock."""
    return _zip({i.filename: z.read(i) for z in [zipfile.ZipFile(io.BytesIO(data))] for i in z.infolist()})


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/></Types>')


def raw_docx(body: str, author: str | None = None, namespace: str = _W, parts: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx around `body`, WordprocessingML inside w:body (prefixes w, mc, wps, v and r
    declared): for text boxes, merged cells, tracked changes and fields written by hand. Strict
    Open XML has `namespace` http://purl.oclc.org/ooxml/wordprocessingml/main; `parts` are more
    members (word/embeddings/…, word/media/…)."""
    ns = (f'xmlns:w="{namespace}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
          'relationships"')
    files = {"[Content_Types].xml": _TYPES,
             "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body}</w:body>'
                                  "</w:document>"}
    if author:
        files["docProps/core.xml"] = ('<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                                      'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                                      f"<dc:creator>{escape(author)}</dc:creator></cp:coreProperties>")
    return _zip({**files, **(parts or {})})


# -- OpenDocument --------------------------------------------------------------------------------
_ODF_NS = " ".join(f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{v}"' for k, v in {
    "office": "office:1.0", "style": "style:1.0", "text": "text:1.0", "table": "table:1.0",
    "draw": "drawing:1.0", "presentation": "presentation:1.0", "fo": "xsl-fo-compatible:1.0",
    "meta": "meta:1.0", "svg": "svg-compatible:1.0"}.items()) + ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
_MIME = {"odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
         "odp": "application/vnd.oasis.opendocument.presentation"}


def _odf_text(text: str) -> str:
    return escape(text).replace("\n", "<text:line-break/>").replace("\t", "<text:tab/>").replace("  ", " <text:s/>")


def odf_package(kind: str, body: str, *, header: str = "", footer: str = "", author: str | None = None,
                encrypted: bool = False) -> bytes:
    """An OpenDocument package of `kind` (odt, ods, odp) around `body`, the XML inside
    office:body (its namespaces declared: office, style, text, table, draw, presentation, dc, …);
    the header and footer on the master page, the author in meta.xml. `encrypted` writes what a
    password-protected file has: the manifest's encryption data, and content.xml as ciphertext."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS} office:version="1.3">'
               f"<office:body>{body}</office:body></office:document-content>")
    hf = "".join(f"<style:{tag}><text:p>{_odf_text(t)}</text:p></style:{tag}>" for tag, t in
                 (("header", header), ("footer", footer)) if t)
    styles = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODF_NS} office:version="1.3">'
              f'<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">{hf}'
              "</style:master-page></office:master-styles></office:document-styles>")
    who = f"<meta:initial-creator>{escape(author)}</meta:initial-creator><dc:creator>{escape(author)}</dc:creator>" \
        if author else ""
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODF_NS} office:version="1.3">'
            f"<office:meta><meta:generator>kartlegg demo</meta:generator>{who}</office:meta></office:document-meta>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_MIME[kind]}"/>'
                + "".join(f'<manifest:file-entry manifest:full-path="{n}" manifest:media-type="text/xml">'
                          + ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AA=="/>'
                             if encrypted and n == "content.xml" else "") + "</manifest:file-entry>"
                          for n in ("content.xml", "styles.xml", "meta.xml")) + "</manifest:manifest>")
    if encrypted:
        content = bytes(random.Random(body).randrange(256) for _ in range(len(content)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype", (2024, 1, 1, 0, 0, 0)), _MIME[kind], zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta),
                           ("META-INF/manifest.xml", manifest)):
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _odf_cell(value) -> str:
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p>'
                "</table:table-cell>")
    return f'<table:table-cell office:value-type="string"><text:p>{_odf_text(str(value))}</text:p></table:table-cell>'


def _odf_table(name: str, rows: list[list], tail: bool = False) -> str:
    """A table; `tail` adds what spreadsheets write after the data: the rest of the sheet's
    columns and rows as repeated empty cells (1,024 × 1,048,576)."""
    width = max(len(r) for r in rows)
    cells = "".join(f"<table:table-row>{''.join(_odf_cell(v) for v in row)}"
                    + ('<table:table-cell table:number-columns-repeated="%d"/>' % (1024 - len(row)) if tail else "")
                    + "</table:table-row>" for row in rows)
    if tail:
        cells += (f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}">'
                  '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
    return (f"<table:table table:name={quoteattr(name)}><table:table-column table:number-columns-repeated="
            f'"{width}"/>{cells}</table:table>')


def odt(content: Content) -> bytes:
    """An .odt: headings and paragraphs (lines joined by line breaks), tables, the master page's
    header and footer in styles.xml, comments as annotations in the first paragraph, and the
    author in meta.xml."""
    notes = "".join(f"<office:annotation><dc:creator>{escape(a)}</dc:creator><dc:date>2024-03-04T10:00:00</dc:date>"
                    f"<text:p>{_odf_text(t)}</text:p></office:annotation>" for a, t in content.comments)
    parts, tables = [], 0
    for kind, item in content.blocks:
        if kind == "h":
            parts.append(f'<text:h text:outline-level="1">{_odf_text(item)}</text:h>')
        elif kind == "p":
            parts.append(f"<text:p>{notes}{_odf_text(item)}</text:p>")
            notes = ""
        else:
            tables += 1
            parts.append(_odf_table(f"Tabell{tables}", item))
    return odf_package("odt", f"<office:text>{''.join(parts)}</office:text>", header=content.header,
                        footer=content.footer, author=content.author)


def ods(sheets: list[Sheet], author: str | None = None) -> bytes:
    """An .ods, each sheet followed by the empty repeated columns and rows a spreadsheet writes."""
    body = "".join(_odf_table(s.name, s.rows, tail=True) for s in sheets)
    return odf_package("ods", f"<office:spreadsheet>{body}</office:spreadsheet>", author=author)


def slides(content: Content) -> list[tuple[str, list[str], list[list]]]:
    """The content as slides: each heading starts one (title, lines, tables)."""
    out: list[tuple[str, list[str], list[list]]] = []
    for kind, item in content.blocks:
        if kind == "h" or not out:
            out.append((item if kind == "h" else content.title, [], []))
        if kind == "p":
            out[-1][1].extend(item.split("\n"))
        elif kind == "table":
            out[-1][2].append(item)
    return out


def odp(content: Content, notes: list[str] | None = None) -> bytes:
    """An .odp: one page per heading, its paragraphs in a text box, `notes[i]` as page i's notes."""
    pages = []
    for i, (title, lines, tables) in enumerate(slides(content)):
        text = "".join(f"<text:p>{_odf_text(t)}</text:p>" for t in [title, *lines])
        table = "".join(f"<draw:frame>{_odf_table('t', rows)}</draw:frame>" for rows in tables)
        note = notes[i] if notes and i < len(notes) else ""
        note = f"<presentation:notes><draw:frame><draw:text-box><text:p>{_odf_text(note)}</text:p></draw:text-box>" \
               "</draw:frame></presentation:notes>" if note else ""
        pages.append(f'<draw:page draw:name="page{i + 1}"><draw:frame><draw:text-box>{text}</draw:text-box>'
                     f"</draw:frame>{table}{note}</draw:page>")
    return odf_package("odp", f"<office:presentation>{''.join(pages)}</office:presentation>", author=content.author)


# -- PowerPoint ----------------------------------------------------------------------------------
_PML = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _a_paragraphs(lines: list[str]) -> str:
    return "".join(f"<a:p><a:r><a:t>{escape(t)}</a:t></a:r></a:p>" for t in lines)


def _shape(lines: list[str], *, number: bool = False) -> str:
    field = '<a:p><a:fld id="{1}" type="slidenum"><a:t>1</a:t></a:fld></a:p>' if number else ""
    return f"<p:sp><p:txBody><a:bodyPr/>{_a_paragraphs(lines)}{field}</p:txBody></p:sp>"


def _pptx_table(rows: list[list]) -> str:
    body = "".join("<a:tr>" + "".join(f"<a:tc><a:txBody>{_a_paragraphs([str(c)])}</a:txBody></a:tc>" for c in row)
                   + "</a:tr>" for row in rows)
    return (f"<p:graphicFrame><a:graphic><a:graphicData><a:tbl>{body}</a:tbl></a:graphicData></a:graphic>"
            "</p:graphicFrame>")


def pptx(content: Content, notes: list[str] | None = None) -> bytes:
    """A minimal .pptx (the parts a reader needs, no masters or themes): one slide per heading,
    notes slides, the comments with their authors, the author in core properties. The slides
    are listed in presentation.xml in reverse file order, as a reordered deck has them."""
    decks = slides(content)
    files: dict[str, str] = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                               'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
        "docProps/core.xml": '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                             'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                             f"<dc:creator>{escape(content.author or '')}</dc:creator></cp:coreProperties>",
    }
    order = list(range(len(decks)))[::-1]  # slide file k shows as slide len-k
    ids = "".join(f'<p:sldId id="{256 + i}" r:id="rId{k + 1}"/>' for i, k in enumerate(order))
    files["ppt/presentation.xml"] = (f'<?xml version="1.0"?><p:presentation {_PML}><p:sldIdLst>{ids}</p:sldIdLst>'
                                     "</p:presentation>")
    files["ppt/_rels/presentation.xml.rels"] = f'<?xml version="1.0"?><Relationships xmlns="{_RELS}">' + "".join(
        f'<Relationship Id="rId{k + 1}" Type="{_OFFICE_REL}/slide" Target="slides/slide{k + 1}.xml"/>'
        for k in range(len(decks))) + "</Relationships>"
    for shown, k in enumerate(order):
        title, lines, tables = decks[shown]
        files[f"ppt/slides/slide{k + 1}.xml"] = (
            f'<?xml version="1.0"?><p:sld {_PML}><p:cSld><p:spTree>{_shape([title])}{_shape(lines, number=True)}'
            f"{''.join(_pptx_table(t) for t in tables)}</p:spTree></p:cSld></p:sld>")
        if notes and shown < len(notes) and notes[shown]:
            files[f"ppt/slides/_rels/slide{k + 1}.xml.rels"] = (
                f'<?xml version="1.0"?><Relationships xmlns="{_RELS}"><Relationship Id="rId2" '
                f'Type="{_OFFICE_REL}/notesSlide" Target="../notesSlides/notesSlide{k + 1}.xml"/></Relationships>')
            files[f"ppt/notesSlides/notesSlide{k + 1}.xml"] = (
                f'<?xml version="1.0"?><p:notes {_PML}><p:cSld><p:spTree>{_shape([notes[shown]], number=True)}'
                "</p:spTree></p:cSld></p:notes>")
    if content.comments:
        authors = list(dict.fromkeys(a for a, _ in content.comments))
        files["ppt/commentAuthors.xml"] = f'<?xml version="1.0"?><p:cmAuthorLst {_PML}>' + "".join(
            f'<p:cmAuthor id="{i}" name={quoteattr(a)} initials="" lastIdx="1" clrIdx="0"/>'
            for i, a in enumerate(authors)) + "</p:cmAuthorLst>"
        files["ppt/comments/comment1.xml"] = f'<?xml version="1.0"?><p:cmLst {_PML}>' + "".join(
            f'<p:cm authorId="{authors.index(a)}" idx="1"><p:text>{escape(t)}</p:text></p:cm>'
            for a, t in content.comments) + "</p:cmLst>"
    return _zip(files)


def _zip(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- hostile packages ----------------------------------------------------------------------------
def declared_bomb(data: bytes, member: str = "word/document.xml", size: int = 2 << 30) -> bytes:
    """A package whose `member` declares `size` bytes unpacked (the central directory and the
    local header say so; the data is what it was): a zip bomb as a reader sees it before inflating."""
    out = bytearray(data)
    name = member.encode()
    at = 0
    while (at := out.find(name, at)) >= 0:
        if out[at - 46:at - 42] == b"PK\x01\x02":  # central directory entry: uncompressed size at +24
            struct.pack_into("<I", out, at - 46 + 24, size)
        elif out[at - 30:at - 26] == b"PK\x03\x04":  # local header: uncompressed size at +22
            struct.pack_into("<I", out, at - 30 + 22, size)
        at += len(name)
    return bytes(out)


def deflate_bomb(member: str = "word/document.xml", size: int = 16 << 20) -> bytes:
    """A package whose `member` truly inflates to `size` bytes of empty paragraphs, packed about
    a thousand to one (declared honestly: the ratio gives it away)."""
    filler = "<w:p/>" * (size // 6)
    return _zip({member: f'<w:document xmlns:w="{_W}"><w:body>{filler}</w:body></w:document>'})


def repeated_row_ods(times: int = 1_000_000, width: int = 1024) -> bytes:
    """An .ods whose one data row, holding text in every cell, is repeated `times` times."""
    row = (f'<table:table-row table:number-rows-repeated="{times}"><table:table-cell office:value-type="string" '
           f'table:number-columns-repeated="{width}"><text:p>Plombe</text:p></table:table-cell></table:table-row>')
    body = f'<office:spreadsheet><table:table table:name="Ark1">{row}</table:table></office:spreadsheet>'
    return odf_package("ods", body)


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]
