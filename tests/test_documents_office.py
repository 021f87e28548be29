"""Word, PowerPoint, OpenDocument, RTF and legacy Office (issue 20), of synthetic people.

One `kartlegg scan` of an office export written on the spot (demo.documents.legacy.write_office)
checks the report field by field: a letter's body, header, comments and author; a contract's
customer table (`table 1: Fødselsnummer`); a customer list's sheets (`Kunder!Epost`); slides and
notes; in every format; and that manuals (version and part numbers, the switchboard and the
organisation number) give no person and no fødselsnummer. The readers are then checked on what
each format hides (text boxes, merged cells, field codes, repeated cells, annotations, pictures,
broken piece tables) and on the limits, and hostile files are read in a process of their own
(tests/documents_util.read_apart) to bound their memory and time.
"""

from __future__ import annotations

import io
import os
import random
import time

import olefile
import pytest
from documents_util import read_apart
from reporting import findings, of, reasons, scan_cli

from demo.documents import legacy
from demo.documents import office as gen
from demo.documents.cfb import cfb
from scanner.formats import Limits, read

R = random.Random(20)
CROWD = gen.people(R, 8)
TO = CROWD[0]


def sample(data: bytes, name: str, **limits):
    return read(io.BytesIO(data), name, Limits(**limits))


def fields(s) -> dict[str, list]:
    return {f.name: [str(v) for v in f.values] for f in s.fields}


def text(s, name: str) -> str:
    return "\n".join(fields(s).get(name, []))


# --- One scan of an office export ---------------------------------------------------------------


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("kontor") / "kontor"
    legacy.write_office(root, seed=20)
    with pytest.MonkeyPatch.context() as mp:  # set up before the per-test inventory: one of its own
        mp.setenv("KARTLEGG_INVENTORY", str(tmp_path_factory.mktemp("inventory") / "inventory.sqlite"))
        code, lines, _ = scan_cli(str(root))
    assert code == 0
    return lines


FOUND = [
    ("brev.docx", "body", "NO_FODSELSNUMMER"),
    ("brev.docx", "body", "NO_ADDRESS"),
    ("brev.docx", "body", "NO_PHONE_NUMBER"),
    ("brev.docx", "body", "EMAIL_ADDRESS"),
    ("brev.docx", "body", "PERSON"),
    ("brev.docx", "header", "PERSON"),
    ("brev.docx", "comments", "PERSON"),
    ("brev.docx", "comments.author", "PERSON"),
    ("brev.docx", "metadata.author", "PERSON"),
    ("kontrakt.docx", "table 1: Fødselsnummer", "NO_FODSELSNUMMER"),
    ("kontrakt.docx", "table 1: Navn", "PERSON"),
    ("kontrakt.docx", "table 1: Adresse", "NO_ADDRESS"),
    ("kontrakt.docx", "table 1: E-post", "EMAIL_ADDRESS"),
    ("referat.docx", "body", "PERSON"),
    ("referat.docx", "body", "NO_PHONE_NUMBER"),
    ("brev.odt", "body", "NO_FODSELSNUMMER"),
    ("brev.odt", "header", "PERSON"),
    ("brev.odt", "comments", "PERSON"),
    ("brev.odt", "comments.author", "PERSON"),
    ("kontrakt.odt", "table 1: Fødselsnummer", "NO_FODSELSNUMMER"),
    ("kunder.ods", "Kunder!Epost", "EMAIL_ADDRESS"),
    ("kunder.ods", "Kunder!Fødselsnummer", "NO_FODSELSNUMMER"),
    ("kunder.ods", "Kunder!Navn", "PERSON"),
    ("kunder.ods", "Kunder!Kontonummer", "NO_BANK_ACCOUNT"),
    ("brev.rtf", "body", "NO_FODSELSNUMMER"),
    ("brev.rtf", "header", "PERSON"),
    ("brev.rtf", "comments.author", "PERSON"),
    ("kontrakt.rtf", "table 1: Fødselsnummer", "NO_FODSELSNUMMER"),
    ("brev.doc", "body", "NO_FODSELSNUMMER"),
    ("brev.doc", "body", "NO_ADDRESS"),
    ("brev.doc", "header", "PERSON"),
    ("brev.doc", "comments", "PERSON"),
    ("brev.doc", "metadata.author", "PERSON"),
    ("kontrakt.doc", "table 1: Fødselsnummer", "NO_FODSELSNUMMER"),
    ("kontrakt.doc", "table 1: E-post", "EMAIL_ADDRESS"),
    ("kunder.xls", "Kunder!Fødselsnummer", "NO_FODSELSNUMMER"),
    ("kunder.xls", "Kunder!Epost", "EMAIL_ADDRESS"),
    ("kunder.xls", "metadata.author", "PERSON"),
    ("referat.pptx", "slide 2", "NO_PHONE_NUMBER"),
    ("referat.pptx", "slide 1 notes", "PERSON"),
    ("referat.odp", "slide 2", "NO_ADDRESS"),
    ("referat.ppt", "slide 2", "PERSON"),
]


@pytest.mark.parametrize("dataset,field,entity", FOUND)
def test_what_an_office_export_holds_is_found(scanned, dataset, field, entity):
    assert (dataset, field, entity) in findings(scanned)


@pytest.mark.parametrize("dataset", ["handbok.docx", "handbok.odt", "handbok.rtf", "handbok.doc"])
@pytest.mark.parametrize("entity", ["PERSON", "NO_FODSELSNUMMER"])
def test_manuals_give_no_person_and_no_fodselsnummer(scanned, dataset, entity):
    assert not [f for f in findings(scanned) if f[0] == dataset and f[2] == entity]


def test_company_footers_and_switchboards_are_no_person(scanned):
    assert not [f for f in findings(scanned) if f[1] == "footer" and f[2] in ("PERSON", "NO_FODSELSNUMMER")]
    assert ("handbok.docx", "footer", "NO_ORGANIZATION_NUMBER") in findings(scanned)


def test_each_file_is_read_as_its_format_and_the_locked_one_says_why(scanned):
    formats = {r["location"]["dataset"]: r["format"] for r in of(scanned, "dataset")}
    for name in ("brev.docx", "brev.odt", "kunder.ods", "brev.rtf", "brev.doc", "kunder.xls", "referat.pptx",
                 "referat.odp", "referat.ppt"):
        assert formats[name] == name.rsplit(".", 1)[1]
    assert reasons(scanned)["hemmelig.docx"] == "encrypted office document: no password"


# --- What each format puts where ----------------------------------------------------------------

LETTER = gen.letter(R, TO, sender="Henrik Dahl", reviewer="Marte Kvam")
CONTRACT = gen.contract(R, CROWD, reviewer="Jonas Berg")
WORD = {"docx": gen.docx, "odt": gen.odt, "rtf": legacy.rtf, "doc": legacy.doc,
        "doc (UTF-16)": lambda c: legacy.doc(c, unicode=True)}


@pytest.mark.parametrize("kind", list(WORD))
@pytest.mark.parametrize("field,expected", [
    ("body", [TO.fnr, TO.account, TO.email, f"{TO.name}\n{TO.street}\n{TO.postnr} {TO.poststed}"]),
    ("header", ["saksbehandler Henrik Dahl"]),
    ("footer", ["Sentralbord", "Org.nr."]),
    ("comments", [f"Sjekk at {TO.name} har fått kopi."]),
])
def test_a_letter_is_read_into_its_places(kind, field, expected):
    s = sample(WORD[kind](LETTER), "brev." + kind.split()[0])
    for value in expected:  # the address block in one value: its lines together
        assert value in text(s, field)
    assert TO.fnr not in text(s, "header") + text(s, "footer") + text(s, "comments")


@pytest.mark.parametrize("kind", list(WORD))
def test_comment_authors_and_document_authors_are_columns(kind):
    got = fields(sample(WORD[kind](LETTER), "brev." + kind.split()[0]))
    assert got["comments.author"] == ["Marte Kvam"]
    assert got["metadata.author"] == ["Henrik Dahl"]


@pytest.mark.parametrize("kind", list(WORD))
def test_a_contract_table_is_read_by_its_header(kind):
    got = fields(sample(WORD[kind](CONTRACT), "kontrakt." + kind.split()[0]))
    assert got["table 1: Fødselsnummer"] == [c.fnr for c in CROWD]
    assert got["table 1: Navn"] == [c.name for c in CROWD]
    assert got["table 1: E-post"] == [c.email for c in CROWD]
    assert not any(c.fnr in v for v in got["body"] for c in CROWD)  # the table is not running text too


@pytest.mark.parametrize("kind,write", [("ods", gen.ods), ("xls", legacy.xls)])
def test_spreadsheets_are_read_sheet_by_sheet(kind, write):
    sheets = gen.customer_sheets(R, CROWD)
    got = fields(sample(write(sheets), "kunder." + kind))
    assert got["Kunder!Epost"] == [c.email for c in CROWD]
    assert got["Kunder!Fødselsnummer"] == [c.fnr for c in CROWD]
    assert got["Kunder!Forbruk kWh"] == [str(row[-1]) for row in sheets[0].rows[1:]]  # 4336, not 4336.0
    assert got["Sammendrag!Antall kunder"] == [str(n) for _, n in sheets[1].rows[1:]]


MINUTES = gen.minutes(R, CROWD[:4], reviewer="Siri Løvås")
NOTES = [f"Ring {CROWD[5].name}", "", f"Kontonummer {CROWD[6].account}"]


@pytest.mark.parametrize("kind,write,notes", [
    ("pptx", gen.pptx, {"slide 1 notes": CROWD[5].name, "slide 3 notes": CROWD[6].account}),
    ("odp", gen.odp, {"slide 1 notes": CROWD[5].name, "slide 3 notes": CROWD[6].account}),
    ("ppt", legacy.ppt, {"notes": CROWD[5].name}),
])
def test_slides_and_notes_are_read_in_the_order_shown(kind, write, notes):
    got = sample(write(MINUTES, notes=NOTES), "referat." + kind)
    assert text(got, "slide 1").startswith("Referat fra driftsmøte")  # pptx lists its files in reverse
    assert "Til stede: " + CROWD[0].name in text(got, "slide 1")
    assert text(got, "slide 2").startswith("Sak 1")
    for place, value in notes.items():
        assert value in text(got, place)
    assert not any(f.startswith("slide 4") for f in fields(got))


def test_pptx_comments_and_tables():
    got = fields(sample(gen.pptx(CONTRACT), "kontrakt.pptx"))
    assert got["table 1: Fødselsnummer"] == [c.fnr for c in CROWD]
    assert got["comments"] == ["Tabellen må oppdateres før signering."]
    assert got["comments.author"] == ["Jonas Berg"]


# --- What formats hide ----------------------------------------------------------------------------

W_TEXTBOX = ('<w:p><w:r><w:t>Se boksen.</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
             '<wps:txbx><w:txbxContent><w:p><w:r><w:t>Kontakt: Kari Nordmann</w:t></w:r></w:p></w:txbxContent>'
             '</wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r>'
             '<w:t>Kontakt: Kari Nordmann</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback>'
             '</mc:AlternateContent></w:r></w:p>')
W_MERGED = ('<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Kundeliste mars</w:t></w:r>'
            '</w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Navn</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r>'
            '<w:t>Fødselsnummer</w:t></w:r></w:p></w:tc></w:tr>'
            + "".join(f'<w:tr><w:tc><w:p><w:r><w:t>{c.name}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{c.fnr}</w:t>'
                      '</w:r></w:p></w:tc></w:tr>' for c in CROWD[:3])
            + '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>' + CROWD[3].fnr
            + '</w:t></w:r></w:p></w:tc></w:tr></w:tbl>')
W_FIELD = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "mailto:skjult@example.no"'
           '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>skriv til oss</w:t></w:r>'
           '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:del><w:r><w:delText>Ola Hansen</w:delText></w:r></w:del>'
           '<w:r><w:tab/><w:t>slutt</w:t></w:r></w:p>')


@pytest.mark.parametrize("body,field,present,absent", [
    (W_TEXTBOX, "body", ["Se boksen.\nKontakt: Kari Nordmann"], []),
    (W_MERGED, "table 1", ["Kundeliste mars"], []),  # a title above the header: text of its own
    (W_FIELD, "body", ["skriv til oss", "Ola Hansen", "\tslutt"], ["HYPERLINK", "skjult@example.no"]),
])
def test_word_text_boxes_fields_and_tracked_deletions(body, field, present, absent):
    got = text(sample(gen.raw_docx(body), "x.docx"), field)
    for value in present:
        assert got.count(value) == 1  # a text box's second copy (mc:Fallback) is not read
    for value in absent:
        assert value not in got


def test_merged_cells_count_once_and_keep_their_columns():
    got = fields(sample(gen.raw_docx(W_MERGED), "x.docx"))
    assert got["table 1: Navn"] == [c.name for c in CROWD[:3]]
    assert got["table 1: Fødselsnummer"] == [c.fnr for c in CROWD[:4]]  # the gridBefore row's cell in column 2


def _cell(text: str = "", repeat: int = 1, extra: str = "") -> str:
    inner = f"<text:p>{text}</text:p>" if text else ""
    return f'<table:table-cell table:number-columns-repeated="{repeat}"{extra}>{inner}</table:table-cell>'


ODS_CELLS = ('<table:table table:name="Ark1"><table:table-row>' + _cell("Navn") + _cell("Status") + _cell("Beløp")
             + _cell(repeat=16381) + '</table:table-row><table:table-row table:number-rows-repeated="3">'
             + _cell(repeat=16384) + '</table:table-row><table:table-row table:number-rows-repeated="2">'
             '<table:table-cell><text:p>Kari<text:s text:c="3"/>Nordmann</text:p><office:annotation><dc:creator>'
             'Ola Hansen</dc:creator><text:p>Sjekk adressen</text:p></office:annotation></table:table-cell>'
             + _cell("aktiv") + _cell(extra=' office:value-type="float" office:value="1200.5"')
             + '<table:covered-table-cell table:number-columns-repeated="2"/>' + _cell(repeat=16379)
             + "</table:table-row><table:table-row>" + _cell("Ola Hansen") + _cell("ny", repeat=2)
             + "</table:table-row></table:table>")


def test_ods_repeats_are_expanded_only_as_far_as_they_hold_something():
    s = sample(gen.odf_package("ods", f"<office:spreadsheet>{ODS_CELLS}</office:spreadsheet>"), "x.ods")
    got = fields(s)
    assert got["Ark1!Navn"] == ["Kari   Nordmann", "Kari   Nordmann", "Ola Hansen"]  # the empty rows never
    assert got["Ark1!Status"] == ["aktiv", "aktiv", "ny"]
    assert got["Ark1!Beløp"] == ["1200.5", "1200.5", "ny"]  # a value shown as no text; a repeated cell
    assert set(got) == {"Ark1!Navn", "Ark1!Status", "Ark1!Beløp", "comments", "comments.author"}
    assert got["comments.author"] == ["Ola Hansen"] and got["comments"] == ["Sjekk adressen"]


def test_odt_annotations_are_comments_not_body():
    body = ('<office:text><text:p>Avtalen gjelder<office:annotation><dc:creator>Jonas Berg</dc:creator><text:p>Er '
            f'{TO.fnr} riktig?</text:p></office:annotation> fra mars.<text:line-break/>Hilsen</text:p></office:text>')
    got = fields(sample(gen.odf_package("odt", body), "x.odt"))
    assert got["body"] == ["Avtalen gjelder fra mars.\nHilsen"]
    assert got["comments"] == [f"Er {TO.fnr} riktig?"] and got["comments.author"] == ["Jonas Berg"]


@pytest.mark.parametrize("rtf,expected,absent", [
    (rb"{\rtf1\ansi\ansicpg1252 Bj\'f8rn \u8212? S\'e6ther\par}", "Bjørn — Sæther", []),
    (rb"{\rtf1\ansi Kari {\*\shppict{\pict\pngblip 89504e470d0a1a0a0000}}Nordmann\par}", "Kari Nordmann", ["89504e"]),
    (rb"{\rtf1\ansi Hakeparentes \{ og \} og \\ tegn\par}", "Hakeparentes { og } og \\ tegn", []),
    (rb"{\rtf1\ansi Start {\pict\bin6 }}}{{{} slutt\par}", "Start  slutt", ["}}}"]),
    (rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\info{\title Hemmelig}{\author Per Olav Tveit}}Tekst\par}", "Tekst",
     ["Hemmelig", "Per Olav Tveit"]),
])
def test_rtf_escapes_pictures_and_binary_data(rtf, expected, absent):
    got = text(sample(rtf, "x.rtf"), "body")
    assert expected in got
    for value in absent:
        assert value not in got


@pytest.mark.parametrize("main,expected,table", [
    ("Se \x13 HYPERLINK \"mailto:skjult@example.no\" \x14nettsiden\x15 vår.\r", ["Se nettsiden vår."], None),
    ("Navn\x07Fnr\x07\x07Kari\x0712345\x07\x07Etter tabellen\r", ["Etter tabellen"],
     {"table 1: Navn": ["Kari"], "table 1: Fnr": ["12345"]}),
    ("Navn\x07\x07\x07Kari\x0712345\x07\x07\r", ["Navn", "Kari"], None),  # an empty header cell: no width, lines
])
def test_doc_fields_and_tables(main, expected, table):
    content = gen.Content("x", [("p", main.rstrip("\r"))])
    got = fields(sample(legacy.doc(content, unicode=True), "x.doc"))
    for value in expected:
        assert value in "\n".join(got["body"])
    assert "HYPERLINK" not in "\n".join(got["body"])
    if table:
        assert {k: v for k, v in got.items() if k.startswith("table")} == table
    else:
        assert not [k for k in got if k.startswith("table")]


def test_a_broken_piece_table_still_gives_the_text_with_a_warning():
    s = sample(legacy.doc(CONTRACT, broken=True), "x.doc")
    assert any("piece table is unreadable" in w for w in s.warnings)
    assert CROWD[1].email in text(s, "body")


def test_ppt_leaves_out_master_text_and_repeats():
    got = text(sample(legacy.ppt(MINUTES), "x.ppt"), "slide 1")
    assert "Klikk for å redigere" not in got
    assert got.count("Referat fra driftsmøte") == 1


@pytest.mark.parametrize("size,read_it", [((40, 40), False), ((240, 160), True)])
def test_pictures_go_to_ocr_when_they_are_page_sized(size, read_it):
    s = sample(gen.docx(gen.manual(R), images=[gen.noise_png(R, *size)]), "x.docx")
    assert s.document.attachments == int(read_it)


def test_embedded_files_are_read_through_their_readers():
    inner = gen.docx(gen.contract(R, CROWD[:3]))
    s = sample(gen.raw_docx("<w:p><w:r><w:t>Vedlagt</w:t></w:r></w:p>",
                            parts={"word/embeddings/Kunder.docx": inner}), "x.docx")
    assert fields(s)["embedded Kunder.docx#table 1: Fødselsnummer"] == [c.fnr for c in CROWD[:3]]
    assert s.document.attachments == 1


def test_a_scanned_page_in_a_letter_is_read_by_ocr():
    from demo.documents.scans import scanned_image

    page = scanned_image([f"Kunde: {TO.name}", f"Fødselsnummer {TO.fnr}"])
    assert len(page) < 20 * 1024  # a page of a few lines packs small: its pixels make it worth reading
    s = sample(gen.docx(gen.manual(R), images=[page]), "x.docx")
    assert TO.fnr in text(s, "image image1.png#page 1")


# --- Limits -------------------------------------------------------------------------------------

@pytest.mark.parametrize("data,name,limits,part,reason", [
    (gen.docx(CONTRACT), "x.docx", {"document_seconds": 0}, "header (word/header1.xml)", "took longer than 0 s"),
    (gen.docx(CONTRACT), "x.docx", {"max_bytes": 200}, "body (word/document.xml)", "text budget is spent"),
    (legacy.rtf(CONTRACT), "x.rtf", {"max_bytes": 300}, "the rest of the file", "past the first 300 bytes"),
    (gen.docx(gen.manual(R), images=[gen.noise_png(R), gen.noise_png(R)]), "x.docx", {"max_pages": 1},
     "word/media/image2.png and after", "more than 1 images"),
])
def test_limits_end_the_reading_with_a_reason(data, name, limits, part, reason):
    s = sample(data, name, **limits)
    assert any(p == part and reason in r for p, r in s.skipped), s.skipped


def test_table_rows_are_sampled():
    got = fields(sample(gen.docx(gen.contract(R, gen.people(R, 40))), "x.docx", max_rows=10))
    assert len(got["table 1: Fødselsnummer"]) == 10


# --- Hostile files, each read in a process of its own ----------------------------------------------

HOSTILE = [
    ("truncated.docx", lambda: gen.truncated(gen.docx(CONTRACT)), "Corrupt", "zip"),
    ("bomb.docx", lambda: gen.declared_bomb(gen.docx(CONTRACT)), "TooLarge", "docx unpacked exceeds 256 MiB"),
    ("ratio.docx", gen.deflate_bomb, "TooLarge", "word/document.xml unpacked exceeds 200 times"),
    ("bomb.odt", lambda: gen.declared_bomb(gen.odt(CONTRACT), "content.xml"), "TooLarge", "odt unpacked"),
    ("corrupt.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(6000), "Corrupt",
     "not a readable OLE file"),
    ("hemmelig.docx", lambda: legacy.encrypted_office(R), "Declined", "encrypted office document: no password"),
    ("hemmelig.doc", lambda: legacy.doc(CONTRACT, encrypted=True), "Declined", "encrypted Word document: no password"),
    ("thumbs.db", lambda: legacy.other_ole(R), "Declined", "ole: not a Word, Excel, PowerPoint or Outlook file"),
    ("hemmelig.odt", lambda: gen.odf_package("odt", "<office:text><text:p>Hei</text:p></office:text>", encrypted=True),
     "Declined", "encrypted OpenDocument file (odt): no password"),
    ("hemmelig.xls", lambda: legacy.xls(gen.customer_sheets(R, CROWD), encrypted=True), "Declined",
     "encrypted Excel workbook: no password"),
    ("strict.docx", lambda: gen.raw_docx("<w:p><w:r><w:t>Hei</w:t></w:r></w:p>",
                                         namespace="http://purl.oclc.org/ooxml/wordprocessingml/main"),
     "Declined", "Strict Open XML: no reader"),
]


@pytest.mark.parametrize("name,make,error,reason", HOSTILE)
def test_hostile_files_end_with_a_reason_in_bounded_memory(tmp_path, name, make, error, reason):
    path = tmp_path / name
    path.write_bytes(make())
    got = read_apart(path, timeout=60)
    assert got["error"] == error and reason in got["reason"], got
    assert got["peak_mib"] < 400


def test_a_sheet_row_repeated_a_million_times_is_read_to_the_sample(tmp_path):
    path = tmp_path / "rader.ods"
    path.write_bytes(gen.repeated_row_ods(1_000_000))
    started = time.monotonic()
    got = read_apart(path, timeout=60)
    assert got["format"] == "ods" and "Ark1!column 1" in got["fields"]
    assert got["document"]["characters"] <= 1020 * 200 * len("Plombe")  # rows and columns to the caps only
    assert got["peak_mib"] < 400 and time.monotonic() - started < 30


def test_rtf_groups_nested_two_million_deep_are_read_to_the_cap(tmp_path):
    path = tmp_path / "dyp.rtf"
    path.write_bytes(b"{\\rtf1 Kari Nordmann " + b"{" * 2_000_000 + b"x" + b"}" * 2_000_000 + b"}")
    got = read_apart(path, timeout=60)
    assert got["fields"] == ["body"] and any("nested more than 1000 deep" in w for w in got["warnings"])
    assert got["peak_mib"] < 400


# --- The generators ----------------------------------------------------------------------------

@pytest.mark.parametrize("streams", [
    {"WordDocument": os.urandom(5000), "1Table": b"kort"},
    {"a": b"", "b/c": b"x" * 10, "b/d/e": os.urandom(70_000)},  # storages, an empty stream, 2 FAT sectors
    {f"__substg1.0_{i:04X}001F": os.urandom(R.randint(1, 9000)) for i in range(40)},
])
def test_the_cfb_writer_writes_what_olefile_reads_back(streams):
    ole = olefile.OleFileIO(io.BytesIO(cfb(streams)))
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


GENERATORS = [
    lambda r: gen.docx(gen.letter(r, gen.person(r), reviewer="Jonas Berg"), images=[gen.noise_png(r)]),
    lambda r: gen.odt(gen.minutes(r, gen.people(r, 4))),
    lambda r: gen.ods(gen.customer_sheets(r, gen.people(r, 4))),
    lambda r: gen.pptx(gen.contract(r, gen.people(r, 3))),
    lambda r: gen.odp(gen.minutes(r, gen.people(r, 4))),
    lambda r: legacy.rtf(gen.manual(r)),
    lambda r: legacy.doc(gen.contract(r, gen.people(r, 3))),
    lambda r: legacy.xls(gen.customer_sheets(r, gen.people(r, 3)), author="Kari Nordmann"),
    lambda r: legacy.ppt(gen.minutes(r, gen.people(r, 4))),
]


def test_the_generators_are_deterministic_for_a_seed():
    first = [make(random.Random(7)) for make in GENERATORS]
    time.sleep(2.1)  # past the two-second grain of zip times and the second of a comment's date
    assert [make(random.Random(7)) for make in GENERATORS] == first
    assert all(make(random.Random(8)) != data for make, data in zip(GENERATORS, first))
