"""What every document reader shares (scanner.formats.documents.base): numbers a line wrap cut,
tables and their header rows, attachments through the readers, and the caps."""

from __future__ import annotations

import io

import pytest

from scanner.formats import Limits, read
from scanner.formats.documents.base import Document, rejoin_numbers
from scanner.formats.reader import read_nested


@pytest.mark.parametrize("text,expected", [
    ("telefon 97 33\n23 09. Konto", "telefon 97 33 23 09. Konto"),  # a phone number across two lines
    ("personnummer 098636-\n20306 i skjemaet", "personnummer 098636-20306 i skjemaet"),
    ("konto 1234.56.\n78903", "konto 1234.56.78903"),
    ("tlf 412 34\n567", "tlf 412 34 567"),
    # near misses: an address block, a date over a line, words between, one group on the line above
    ("Storgata 12\n0150 Oslo", "Storgata 12\n0150 Oslo"),
    ("Oslo, 2. mai 2024\nVår referanse", "Oslo, 2. mai 2024\nVår referanse"),
    ("Sum 1 234\nkroner", "Sum 1 234\nkroner"),
    ("Kari Nordmann\nStorgata 1", "Kari Nordmann\nStorgata 1"),
])
def test_a_number_cut_by_a_line_wrap_is_joined_and_nothing_else(text, expected):
    assert rejoin_numbers(text) == expected


@pytest.mark.parametrize("rows,fields", [
    ([["Navn", "Fødselsnummer"], ["Kari Nordmann", "01017012309"], ["Ola Hansen", "02028012345"]],
     {"table 1: Navn": ["Kari Nordmann", "Ola Hansen"], "table 1: Fødselsnummer": ["01017012309", "02028012345"]}),
    # no header row: the columns are numbered
    ([["Kari Nordmann", "Storgata 1"], ["Ola Hansen", "Kirkeveien 2"]],
     {"table 1: column 1": ["Kari Nordmann", "Ola Hansen"], "table 1: column 2": ["Storgata 1", "Kirkeveien 2"]}),
    # a title above the header is text of the table, blank rows are passed over
    ([["Kundeliste mai"], ["Navn", "E-post"], ["", ""], ["Kari Nordmann", "kari@example.no"],
      ["Ola Hansen", "ola@example.no"]],
     {"table 1": ["Kundeliste mai"], "table 1: Navn": ["Kari Nordmann", "Ola Hansen"],
      "table 1: E-post": ["kari@example.no", "ola@example.no"]}),
])
def test_a_tables_header_row_names_its_columns(rows, fields):
    doc = Document("x.docx", Limits())
    doc.table(rows)
    assert {f.name: f.values for f in doc.finish()} == fields


def test_an_attachment_is_read_through_the_readers_and_named_by_its_place():
    doc = Document("brev.eml", Limits(), read_nested=read_nested)
    doc.attachment("beboere.csv", b"navn;epost\nKari Nordmann;kari@example.no\nOla Hansen;ola@example.no\n")
    doc.attachment("notat.txt", io.BytesIO(b"Kunden ringte i dag.\n"))  # a spooled file, not bytes
    got = {f.name: (f.values, f.unstructured) for f in doc.finish()}
    assert got == {"attachment beboere.csv#navn": (["Kari Nordmann", "Ola Hansen"], False),
                   "attachment beboere.csv#epost": (["kari@example.no", "ola@example.no"], False),
                   "attachment notat.txt": (["Kunden ringte i dag."], True)}
    assert doc.stats.attachments == 2


@pytest.mark.parametrize("depth,read", [(2, True), (3, False)])
def test_attachments_past_the_depth_cap_are_a_skipped_part(depth, read):
    doc = Document("m.eml", Limits(max_depth=3), depth=depth, read_nested=read_nested)
    doc.attachment("a.csv", b"navn\nKari Nordmann\nOla Hansen\n")
    assert bool(doc.finish()) is read
    assert doc.skipped == ([] if read else [("attachment a.csv", "nested more than 3 deep: not read")])


def test_text_past_the_character_budget_is_counted_not_read():
    doc = Document("lang.rtf", Limits(max_bytes=1000))
    doc.text("body", "Kari Nordmann bor i Storgata 1.\n" * 100)
    assert doc.stats.characters == 1000 and doc.full
    assert sum(doc.unreadable.values()) == 1


def test_a_long_documents_pages_are_kept_past_the_field_cap_its_columns_are_not():
    doc = Document("stor.pdf", Limits(max_fields=5))
    for n in range(1, 9):
        doc.text(f"page {n}", f"Side {n}")
    for n in range(1, 8):
        doc.values(f"metadata.felt{n}", ["verdi"])
    names = [f.name for f in doc.finish()]
    assert [n for n in names if n.startswith("page")] == [f"page {n}" for n in range(1, 9)]
    assert len([n for n in names if n.startswith("metadata")]) == 5
    assert doc.skipped == [("metadata.felt6…metadata.felt7", "2 more parts beyond the first 5: not read")]


def test_a_document_record_counts_what_was_read(tmp_path):
    from demo.documents import pdfs

    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdfs.text_pdf([["Side en", "Kari Nordmann"], ["Side to"]]))
    with open(path, "rb") as fh:
        sample = read(fh, "rapport.pdf")
    stats = sample.document.to_dict()
    assert stats["documents"] == 1 and stats["pages"] == 2 and stats["pages_ocr"] == 0
    assert stats["characters"] > 0 and stats["seconds"] >= 0


@pytest.mark.parametrize("head,fmt", [
    # mail needs an address in From or a field only mail has; a note with From/To/Date is a note
    (b"Name: Kari Nordmann\nFrom: Oslo\nTo: Bergen\nDate: 2024-05-01\nFnr: 01017012309\n", "text"),
    (b"From: Kari Nordmann <kari@example.no>\nTo: a@example.no\nSubject: Hei\nDate: x\n\nhei\n", "eml"),
    (b"From: Kari\nTo: Ola\nSubject: Hei\nMessage-ID: <1@x>\n\nhei\n", "eml"),
    # a line that starts with a bracket is no markup; XML is what parses as XML
    (b"<INFO> started for kari@example.no from 84.210.12.7\n<WARN> slow\n", "text"),
    (b"<ola> hei\n<kari> hallo\n", "text"),
    (b'<p align="center"><img src="logo.png"/></p>\n# Prosjekt\nRing 41234567\n', "text"),
    (b"<kunder><kunde><navn>Kari</navn></kunde></kunder>", "xml"),
    (b'<?xml version="1.0"?><kunder><kunde', "xml"),  # declared, even if broken
    (b"<!DOCTYPE html><html><body>Kari</body></html>", "html"),
])
def test_mail_and_markup_are_told_from_text_that_looks_like_them(head, fmt):
    from scanner.formats.detect import detect

    assert detect(head, None, True).format == fmt


def test_a_piece_table_that_would_loop_or_overlap_is_broken_at_once():
    import struct

    from scanner.formats.documents import legacy

    with pytest.raises(legacy._Broken):  # a formatting run of negative size: once a loop for ever
        legacy._pieces(b"\x01\xfd\xff" + b"\x02" + struct.pack("<I", 16) + bytes(16))
    with pytest.raises(legacy._Broken):  # pieces that cover the same bytes many times over
        legacy._characters(b"abcd", [(0, 4, 0, True)] * 3)


def test_a_workbook_whose_sheets_overlap_is_corrupt_not_copied_over_and_over():
    import struct

    from scanner.formats import Corrupt
    from scanner.formats.documents import legacy

    def record(kind: int, body: bytes) -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    globals_ = record(legacy._BOF, bytes(16)) + b"".join(
        record(legacy._BOUNDSHEET, struct.pack("<I", 0) + b"\x00\x00\x01\x00A") for _ in range(1000))
    data = globals_ + record(legacy._EOF, b"")
    with pytest.raises(Corrupt, match="overlap"):
        legacy.trim_workbook(data, 10)


@pytest.mark.parametrize("read,meant", [
    ("Kontakt: henrik.dahl23&example.no i dag", "Kontakt: henrik.dahl23@example.no i dag"),  # @ read as &
    ("målepunkt 7070575O0OO4850107.", "målepunkt 707057500004850107."),  # 0 read as O inside digits
    ("fnr 0l0l70l2309", "fnr 01017012309"),  # 1 read as l
    # near misses: words and names keep their letters; & between words is an ampersand
    ("R&D og AT&T", "R&D og AT&T"),
    ("Oslo 0150, Ola Ilse", "Oslo 0150, Ola Ilse"),
    ("kode OIl0", "kode OIl0"),  # fewer than four digits: no number to mend
])
def test_ocrs_usual_misreadings_of_identifiers_are_mended(read, meant):
    from scanner.formats.documents.ocr import mended

    assert mended(read) == meant


@pytest.mark.parametrize("name,data", [
    ("side.html", b"<!DOCTYPE html><html><body>" + b"<p>Kari Nordmann bor i Storgata 1.</p>" * 2000 + b"</body></html>"),
    ("kunder.xml", b'<?xml version="1.0"?><r>' + b"<a>Kari Nordmann bor i Storgata 1.</a>" * 2000 + b"</r>"),
])
def test_markup_past_the_text_budget_is_counted_not_silently_left_out(name, data):
    small = read(io.BytesIO(data), name, Limits(max_bytes=4096))
    whole = read(io.BytesIO(data), name, Limits())
    assert small.fields and sum(small.unreadable.values()) == 1
    assert "--read-bytes" in next(iter(small.unreadable))
    assert not whole.unreadable
