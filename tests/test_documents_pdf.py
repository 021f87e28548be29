"""PDF documents (scanner.formats.documents.pdf) on files written by demo.documents.pdfs and .scans:
planted people found on the right page, metadata, scanned pages by OCR, the page limit, encrypted
and broken files, hostile ones (bombs, deep nesting, 10,000 pages) in bounded memory, and what a
scan reports of it all: findings by page, the dataset's document counts, skipped records."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from documents_util import read_apart
from reporting import findings, of, report, scan_cli

from demo.documents import pdfs, scans
from detectors import synthetic
from scanner.formats import Limits, read
from scanner.formats.errors import Corrupt, Declined

R = random.Random(2020)
FNR = synthetic.fodselsnummer(R)
PHONE = synthetic.phone_digits(R)
BAD_FNR = FNR[:-1] + str((int(FNR[-1]) + 1) % 10)  # the last check digit wrong: a near miss
KARI = ["Kari Nordmann", "Storgata 12", "0150 OSLO"]


def texts(sample) -> dict[str, str]:
    return {f.name: "\n".join(map(str, f.values)) for f in sample.fields}


def read_bytes(data: bytes, name: str = "dokument.pdf", **limits):
    return read(io.BytesIO(data), name, Limits(**limits))


# -- the text layer -------------------------------------------------------------------------------

@pytest.mark.parametrize("build, page, planted", [
    (lambda r: pdfs.letter(r, KARI, [f"Vi har registrert fødselsnummer {FNR}.", f"Ring oss på {PHONE}."]), 1,
     [FNR, PHONE, "Kari Nordmann", "Storgata 12", "0150 OSLO"]),
    (lambda r: pdfs.report(r, 5, {3: [f"Kunden Ola Hansen har fnr {FNR} og e-post ola.hansen@example.no"]}), 3,
     [FNR, "Ola Hansen", "ola.hansen@example.no"]),
    (lambda r: pdfs.report(r, 5, {5: [f"Siste side: {FNR}"]}), 5, [FNR]),
    (lambda r: pdfs.contract(r, [["Rolle", "Navn", "Fødselsnummer"], ["Leietaker", "Ingrid Bråten", FNR]]), 1,
     ["Ingrid Bråten", FNR]),
    (lambda r: pdfs.invoice(r, ["Per Olav Tveit", "Fjordgata 7", "5003 BERGEN"], notes=[f"Kundens mobil {PHONE}"]), 1,
     ["Per Olav Tveit", "Fjordgata 7", PHONE]),
    (lambda r: pdfs.text_pdf([["Tom side"], [f"Æøå på side to: {FNR}"]], r, font="times"), 2, [FNR, "Æøå"]),
])
def test_planted_values_are_read_on_their_page(build, page, planted):
    sample = read_bytes(build(random.Random(1)))
    got = texts(sample)
    for value in planted:
        assert value in got[f"page {page}"]
        assert not any(value in text for name, text in got.items() if name != f"page {page}")
    assert sample.document.pages >= page and sample.document.pages_ocr == 0


@pytest.mark.parametrize("kwargs, field, value", [
    ({"author": "Eirik Fossum"}, "metadata.author", "Eirik Fossum"),
    ({"author": ["Aisha Khan", "Ola Hansen"]}, "metadata.author", "Aisha Khan"),
    ({"title": "Klage fra Kari Nordmann"}, "metadata.title", "Klage fra Kari Nordmann"),
    ({"subject": "Saksnummer 2024/17"}, "metadata.subject", "Saksnummer 2024/17"),
    ({"creator": "Ingrid Bråten"}, None, "Ingrid Bråten"),  # /Creator is the writing program: not read
])
def test_metadata(kwargs, field, value):
    data = pdfs.text_pdf([["Innhold på siden, lenge nok til et tekstlag."]], random.Random(2), **kwargs)
    got = texts(read_bytes(data))
    if field is None:
        assert not any(value in text for text in got.values())
    else:
        assert value in got[field]


def test_the_page_limit_reads_the_first_pages_and_counts_the_rest():
    sample = read_bytes(pdfs.report(random.Random(3), 7, {2: [f"fnr {FNR}"], 6: [f"fnr {BAD_FNR}"]}), max_pages=3)
    got = texts(sample)
    assert set(got) >= {"page 1", "page 2", "page 3"} and "page 4" not in got and FNR in got["page 2"]
    assert (sample.document.pages, sample.document.pages_not_read) == (3, 4)
    assert sample.skipped == [("pages 4–7", "4 pages past the limit of 3 pages: not read")]


def test_the_documents_time_stops_it():
    sample = read_bytes(pdfs.report(random.Random(3), 4), document_seconds=-1)
    assert [f.name for f in sample.fields] == ["metadata.title"] and sample.document.pages_not_read == 4
    assert sample.skipped[0][0] == "pages 1–4" and "took longer than" in sample.skipped[0][1]


# -- encrypted, broken, hostile -------------------------------------------------------------------

def test_encrypted_with_a_password_is_declined_and_with_an_empty_one_read():
    with pytest.raises(Declined, match="^encrypted pdf: no password$"):
        read_bytes(pdfs.text_pdf([[f"Hemmelig: {FNR}"]], random.Random(4), password="hemmelig"))
    opened = read_bytes(pdfs.text_pdf([[f"Bare kopisperre: {FNR}"]], random.Random(4), password=""))
    assert FNR in texts(opened)["page 1"]


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7\n" + bytes(random.Random(5).randrange(256) for _ in range(4000)), "corrupt: pdf"),
    (b"%PDF-1.4\n%%EOF\n", "corrupt: pdf"),
])
def test_garbage_is_corrupt_with_a_reason(data, reason):
    with pytest.raises(Corrupt) as raised:
        read_bytes(data)
    assert str(raised.value).startswith(reason) and len(str(raised.value)) < 200


def _hostile(tmp_path: Path, name: str, data: bytes, **limits) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    got = read_apart(path, **limits)
    got["seconds"] = time.monotonic() - started
    assert got["peak_mib"] < 400, got
    assert got["seconds"] < 60, got
    return got


@pytest.mark.parametrize("keep, pages", [
    (0.95, 6),  # all pages there, the fonts and the trailer lost: read, told it was cut short
    (0.3, 3),  # the first pages' objects there, their fonts not: no text, but told why
])
def test_a_truncated_pdf_is_read_as_far_as_it_goes(tmp_path, keep, pages):
    whole = pdfs.report(random.Random(6), 6, {1: [f"fnr {FNR}"]})
    got = _hostile(tmp_path, "kuttet.pdf", pdfs.truncated(whole, keep))
    assert got["document"]["pages"] == pages and "pdf: cut short: read up to its last whole object" in got["warnings"]
    assert ("page 1" in got["fields"]) is (keep > 0.9)


def test_a_pdf_with_no_objects_is_corrupt(tmp_path):
    got = _hostile(tmp_path, "kuttet.pdf", pdfs.truncated(pdfs.report(random.Random(6), 2), 0.01))
    assert got["error"] == "Corrupt" and got["reason"].startswith("corrupt: pdf: ")


def test_a_gigabyte_flate_stream_stops_at_the_cap(tmp_path):
    got = _hostile(tmp_path, "bombe.pdf", pdfs.flate_bomb(1 << 30))
    assert got == {"error": "TooLarge", "reason": "too large: a pdf stream inflated exceeds 64 MiB",
                   "peak_mib": got["peak_mib"], "seconds": got["seconds"]}


@pytest.mark.parametrize("where", ["page", "content"])
def test_arrays_nested_100000_deep(tmp_path, where):
    got = _hostile(tmp_path, f"dyp-{where}.pdf", pdfs.nested_arrays(100_000, where))
    if "error" in got:
        assert got["error"] == "Corrupt" and "nested too deep" in got["reason"], got
    else:  # the page dictionary cut short where the nesting began: read, the damage told
        assert got["warnings"] and got["document"]["pages"] == 1


def test_ten_thousand_pages_read_up_to_the_limit(tmp_path):
    got = _hostile(tmp_path, "lang.pdf", pdfs.many_pages(10_000, [f"Side med kunde Kari Nordmann {FNR}"] * 2))
    assert got["document"]["pages"] == 500 and got["document"]["pages_not_read"] == 9_500
    assert ["pages 501–10000", "9500 pages past the limit of 500 pages: not read"] in got["skipped"]
    assert "page 1" in got["fields"] and "page 501" not in got["fields"]


def test_a_page_image_too_large_is_not_decoded(tmp_path):
    image = b"<< /Type /XObject /Subtype /Image /Width 30000 /Height 30000 /ColorSpace /DeviceGray " \
            b"/BitsPerComponent 8 /Length 10 /Filter /FlateDecode >>\nstream\n" + b"\0" * 10 + b"\nendstream"
    data = pdfs.raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                         b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R "
                         b">> >> /Contents 5 0 R >>", image, b"<< /Length 22 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q"
                         b"\nendstream"])
    got = _hostile(tmp_path, "plakat.pdf", data)
    assert ["page 1", "too large: page image of 30000×30000 pixels exceeds 40 megapixels"] in got["skipped"], got
    assert got["document"]["pages_not_read"] == 1


# -- scanned pages --------------------------------------------------------------------------------

SCANNED = ["Aisha Khan", "Kirkeveien 3", "5003 BERGEN", "", f"Fødselsnummer: {FNR}", "E-post: aisha.khan@example.no"]


def mixed_pdf() -> bytes:
    """Page 1 with a text layer, page 2 a scanned page: pypdf writes page 1, the scan is appended."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in (pdfs.text_pdf([[f"Notat om Ola Hansen, mobil {PHONE}."]], random.Random(7)),
                 scans.scanned_pdf([SCANNED], size=(1240, 620))):
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("ocr, skipped", [
    (True, []),
    (False, [("page 2", "ocr off (--no-ocr)")]),
])
def test_a_scanned_page_among_text_pages(ocr, skipped):
    sample = read_bytes(mixed_pdf(), ocr=ocr)
    got = texts(sample)
    assert PHONE in got["page 1"]
    assert sample.skipped == skipped
    if ocr:
        assert FNR in "".join(got["page 2"].split()) and "aisha.khan@example.no" in got["page 2"]
        assert (sample.document.pages, sample.document.pages_ocr) == (2, 1) and sample.document.ocr_seconds > 0
    else:
        assert "page 2" not in got and (sample.document.pages, sample.document.pages_not_read) == (1, 1)


@pytest.mark.parametrize("bilevel, options", [
    (False, {"skew": 3.0}),  # JPEG pages, as a colour scanner writes them
    (True, {"skew": -3.0, "noise": 0.02}),  # CCITT group 4, as a fax or a document scanner does
])
def test_a_scanned_pdf_is_read_by_ocr_page_by_page(bilevel, options):
    data = scans.scanned_pdf([["Side 1 av 2", "Kundeservice"], SCANNED], bilevel=bilevel, **options)
    sample = read_bytes(data)
    got = {f.name: "\n".join(f.values) for f in sample.fields}
    assert FNR in "".join(got["page 2"].split()) and FNR not in "".join(got.get("page 1", "").split())
    assert "aisha.khan@example.no" in got["page 2"] and "Kirkeveien 3" in got["page 2"]
    assert (sample.document.pages, sample.document.pages_ocr, sample.document.pages_not_read) == (2, 2, 0)


@pytest.mark.parametrize("limits, reason", [
    ({"ocr": False}, "ocr off (--no-ocr): pdf"),
])
def test_a_scan_without_ocr_is_declined_whole(limits, reason):
    with pytest.raises(Declined, match=f"^{reason}$".replace("(", r"\(").replace(")", r"\)")):
        read_bytes(scans.scanned_pdf([SCANNED, SCANNED]), **limits)


def test_a_scan_past_the_ocr_budget_is_counted_not_read():
    sample = read_bytes(scans.scanned_pdf([SCANNED, SCANNED, SCANNED]), ocr_deadline=time.time() - 1)
    assert [f.name for f in sample.fields] == ["metadata.title"]
    assert sample.skipped == [("pages 1–3", "ocr budget of the scan spent")]
    assert (sample.document.pages, sample.document.pages_not_read) == (0, 3)


# -- what a scan reports --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def estate() -> Path:
    root = Path(tempfile.mkdtemp(prefix="kartlegg-pdf-"))
    rnd = random.Random(8)
    files = {
        "brev.pdf": pdfs.letter(rnd, KARI, [f"Vi har registrert fødselsnummer {FNR} og mobil {PHONE}.",
                                            "Svar gjerne til kari.nordmann@example.no."], author="Ola Hansen"),
        "rapport.pdf": pdfs.report(rnd, 4, {3: [f"Kunde Ingrid Bråten, fødselsnummer {synthetic.fodselsnummer(rnd)}"]}),
        "handbok.pdf": pdfs.manual(rnd, 3),
        "ordre.pdf": pdfs.text_pdf([[f"Ordrenummer {BAD_FNR} er sendt.", "Vareparti 40 stk, levert på lager 3."]], rnd),
        "laast.pdf": pdfs.text_pdf([[f"Hemmelig {FNR}"]], rnd, password="pw"),
        "skannet.pdf": scans.scanned_pdf([SCANNED], size=(1240, 620)),
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root


def _by_dataset(lines: list[dict], kind: str) -> dict[str, dict]:
    return {r["location"]["dataset"]: r for r in of(lines, kind)}


def test_a_scan_reports_findings_by_page_and_document_counts(estate):
    code, lines, _ = scan_cli(str(estate))
    assert code == 0
    found = findings(lines)
    assert {("brev.pdf", "page 1", "NO_FODSELSNUMMER"), ("brev.pdf", "page 1", "PERSON"),
            ("brev.pdf", "page 1", "EMAIL_ADDRESS"), ("brev.pdf", "page 1", "NO_ADDRESS"),
            ("brev.pdf", "page 1", "NO_PHONE_NUMBER"), ("brev.pdf", "metadata.author", "PERSON"),
            ("rapport.pdf", "page 3", "NO_FODSELSNUMMER"), ("rapport.pdf", "page 3", "PERSON"),
            ("skannet.pdf", "page 1", "NO_FODSELSNUMMER"), ("skannet.pdf", "page 1", "EMAIL_ADDRESS")} <= found
    # hard negatives: version numbers, part codes, a switchboard; an 11-digit number whose check digit fails
    assert not {f for f in found if f[0] in ("handbok.pdf", "ordre.pdf") and f[2] in ("PERSON", "NO_FODSELSNUMMER")}
    assert not {f for f in found if f[0] == "rapport.pdf" and f[1] != "page 3"}
    counts = {name: r["document"] for name, r in _by_dataset(lines, "dataset").items()}
    assert counts["rapport.pdf"]["pages"] == 4 and counts["rapport.pdf"]["characters"] > 1000
    assert counts["skannet.pdf"]["pages_ocr"] == 1 and counts["skannet.pdf"]["ocr_seconds"] > 0
    assert counts["handbok.pdf"]["pages_ocr"] == 0 and counts["brev.pdf"]["pages"] == 1
    assert _by_dataset(lines, "skipped")["laast.pdf"]["reason"] == "encrypted pdf: no password"


def test_no_ocr_and_no_tesseract_are_skipped_with_their_reason(estate, tmp_path):
    _, lines, _ = scan_cli(str(estate), "--no-ocr")
    assert _by_dataset(lines, "skipped")["skannet.pdf"]["reason"] == "ocr off (--no-ocr): pdf"
    assert ("brev.pdf", "page 1", "NO_FODSELSNUMMER") in findings(lines)
    # a PATH without tesseract, in a process of its own: availability is looked up on PATH
    out = tmp_path / "report.jsonl"
    env = {**os.environ, "PATH": str(tmp_path), "KARTLEGG_INVENTORY": str(tmp_path / "inventory.sqlite")}
    done = subprocess.run([sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", str(estate),
                           "-o", str(out)], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = report(out)
    reason = _by_dataset(lines, "skipped")["skannet.pdf"]["reason"]
    assert reason == "ocr not available: pdf (tesseract is not installed)"
    assert ("brev.pdf", "page 1", "NO_FODSELSNUMMER") in findings(lines)


def test_errors_never_quote_the_document():
    secret = f"Kari Nordmann {FNR}".encode()
    broken = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages (" + secret + b") >>\nendobj\ntrailer << /Root 1 0 R >>\n"
    with pytest.raises(Corrupt) as raised:
        read_bytes(broken)
    assert str(raised.value) == "corrupt: pdf: page tree: Invalid object in /Pages"


@pytest.mark.parametrize("message, reason", [  # what pypdf says, quoting the file; what a report may say
    ("ColorSpace field not found in {'/Note': '" + FNR + "'}", "ColorSpace field not found in"),
    (f"Expected color space with 4 values, got 3: ['/Kari', ({FNR})]", "Expected color space with 4 values, got 3"),
    (f"Invalid Elementary Object starting with b'{FNR}'", "Invalid Elementary Object starting with"),
    ("Unexpected escaped string: Kari Nordmann", "Unexpected escaped string"),
    (f"Limit reached while decompressing. {FNR} bytes remaining.",
     "Limit reached while decompressing. … bytes remaining"),
    ("EOF marker not found", "EOF marker not found"),
    ("", "PdfReadError"),
])
def test_a_librarys_message_is_cut_before_it_quotes_the_file(message, reason):
    from pypdf.errors import PdfReadError

    from scanner.formats.documents.pdf import _why

    assert _why(PdfReadError(message)) == reason
