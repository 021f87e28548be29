"""OCR (scanner.formats.documents.ocr) and pictures (scanner.formats.documents.images): planted
people read from rendered pages (PNG, JPEG, TIFF, WebP; skewed, speckled), each preparation step
shown to help on a page where it matters, declined and skipped pictures with their reasons (OCR
off, Tesseract missing from PATH, the scan's OCR budget spent), icons as empty documents, and the
Tesseract child: its memory cap, its own process group, killed whole when its time is up."""

from __future__ import annotations

import io
import os
import random
import time
from pathlib import Path

import pytest
from documents_util import read_apart

from bench.documents_speed import CONDITIONS, ocr_page
from demo.documents import scans
from detectors import synthetic
from scanner.formats import FormatError, Limits, read
from scanner.formats.documents import ocr
from scanner.formats.errors import Declined, TooLarge

R = random.Random(2121)
FNR = synthetic.fodselsnummer(R)
PHONE = synthetic.phone_digits(R)
LINES = ["Ingrid Bråten", "Sjøveien 14", "9008 TROMSØ", "", f"Fødselsnummer: {FNR}", f"Mobil: {PHONE}",
         "E-post: ingrid.braten@example.no"]
SMALL_PAGE = (1240, 620)  # the top of an A4 page at 150 dpi: a letter's head, OCR in a second


@pytest.fixture(autouse=True, scope="module")
def _tesseract():
    assert ocr.available() is None, f"OCR tests need Tesseract with Norwegian: {ocr.available()}"


def flat(text: str) -> str:
    return "".join(text.split())


def read_bytes(data: bytes, name: str, **limits):
    return read(io.BytesIO(data), name, Limits(**limits))


# -- planted values read back ---------------------------------------------------------------------

@pytest.mark.parametrize("fmt, options", [
    ("png", {}),
    ("jpeg", {"skew": 3.0, "quality": 60}),
    ("png", {"skew": -3.0}),
    ("png", {"noise": 0.02}),
    ("webp", {"contrast": (200, 90), "blur": 0.8}),
])
def test_planted_values_are_read_from_a_picture(fmt, options):
    sample = read_bytes(scans.scanned_image(LINES, fmt, **options), f"skann.{fmt}")
    assert [f.name for f in sample.fields] == ["page 1"]
    text = "\n".join(sample.fields[0].values)
    assert FNR in flat(text) and PHONE in flat(text) and "ingrid.braten@example.no" in text
    assert "ingrid bråten" in text.lower() and "Sjøveien 14" in text  # a speck on the I makes it an i
    doc = sample.document
    assert (doc.documents, doc.pages, doc.pages_ocr, doc.pages_not_read) == (1, 1, 1, 0)
    assert doc.characters >= len(FNR) and 0 < doc.ocr_seconds <= doc.seconds


def test_a_multi_page_tiff_is_read_page_by_page_up_to_the_limit():
    pages = [["Side en", "Ola Hansen"], LINES, ["Side tre", f"Kontonummer {synthetic.kontonummer(R)}"]]
    sample = read_bytes(scans.scanned_tiff(pages, size=SMALL_PAGE), "faks.tif", max_pages=2)
    got = {f.name: flat("\n".join(f.values)) for f in sample.fields}
    assert set(got) == {"page 1", "page 2"} and FNR in got["page 2"] and FNR not in got["page 1"]
    assert (sample.document.pages_ocr, sample.document.pages_not_read) == (2, 1)
    assert sample.skipped == [("page 3", "1 page past the limit of 2 pages: not read")]


# -- each preparation step, where it matters ------------------------------------------------------

@pytest.mark.parametrize("step, condition, seed", [
    ("deskew", {"skew": -8.0}, 101),
    ("despeckle", {"noise": 0.03}, 101),
    ("upscale", {"font_size": 13}, 100),
])
def test_each_preparation_step_reads_more(step, condition, seed):
    """The page (bench.documents_speed's: filler, then a name, address, fnr, mobile and e-mail) read
    with every step and without this one: more of the planted values with it."""
    CONDITIONS[f"test {step}"] = condition
    with_it = sum(ocr_page((f"test {step}", seed, ocr.STEPS))["found"].values())
    without = sum(ocr_page((f"test {step}", seed, tuple(s for s in ocr.STEPS if s != step)))["found"].values())
    assert with_it == 5 and without < with_it


@pytest.mark.parametrize("skew", [-8.0, -3.0, 0.0, 2.5, 6.0])
def test_the_skew_is_found(skew):
    page = scans.render_page(LINES * 3, skew=skew, noise=0.01)
    assert abs(ocr.skew_angle(page) - skew) <= 0.25


@pytest.mark.parametrize("options, speckled", [
    ({"noise": 0.01}, True),
    ({"noise": 0.03, "contrast": (140, 50)}, True),
    ({}, False),
    ({"font_size": 12}, False),  # small print is no speckle: the despeckle step leaves it alone
    ({"contrast": (200, 90), "blur": 1.0}, False),
])
def test_despeckle_paints_over_specks_only(options, speckled):
    page = scans.render_page(LINES * 3, **options)
    cleaned = ocr._despeckle(page, ocr.ink_threshold(page), 255)
    assert (cleaned is not page) is speckled


# -- what is not read, and why --------------------------------------------------------------------

@pytest.mark.parametrize("fmt, size, expected", [
    ("png", (24, 16), None),  # an icon: an empty document, no OCR, no error
    ("gif", (16, 200), None),
    ("bmp", (31, 31), None),
    ("png", (32, 40), "ocr off (--no-ocr): png"),  # just large enough to hold a line: declined
    ("jpeg", (200, 120), "ocr off (--no-ocr): jpeg"),
])
def test_icons_are_empty_documents_and_pictures_are_declined_without_ocr(fmt, size, expected):
    data = scans.tiny_image(fmt, size)
    if expected is None:
        sample = read_bytes(data, f"ikon.{fmt}", ocr=False)
        assert sample.fields == [] and sample.skipped == [] and sample.document.documents == 1
        assert sample.document.pages == 0
    else:
        with pytest.raises(Declined) as raised:
            read_bytes(data, f"bilde.{fmt}", ocr=False)
        assert raised.value.reason == expected


@pytest.mark.parametrize("cut, reason", [
    (lambda data: data[: len(data) // 2], "corrupt: png: not decodable (OSError)"),  # a copy cut short
    (lambda data: data[:16] + bytes(200), "corrupt: png: not a readable image (UnidentifiedImageError)"),
    (lambda data: data, None),
])
def test_a_broken_picture_is_corrupt_with_a_reason(cut, reason):
    data = cut(scans.scanned_image(["Ola Hansen"], size=(400, 120), noise=0.05))
    if reason is None:
        assert "Ola Hansen" in read_bytes(data, "bilde.png").fields[0].values[0]
    else:
        with pytest.raises(FormatError) as raised:
            read_bytes(data, "bilde.png")
        assert str(raised.value) == reason


def _fake_tesseract(folder: Path, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    exe = folder / "tesseract"
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(0o755)
    return folder


@pytest.mark.parametrize("script, reason", [
    (None, "tesseract is not installed"),
    ('echo "List of available languages (2):"; echo eng; echo osd\n',
     "tesseract has no Norwegian language data (tesseract-ocr-nor)"),
    ('echo "List of available languages (3):"; echo eng; echo nor; echo osd\n', None),
])
def test_availability_is_looked_up_on_path(tmp_path, monkeypatch, script, reason):
    folder = tmp_path / "bin"
    folder.mkdir()
    if script is not None:
        _fake_tesseract(folder, script)
    monkeypatch.setenv("PATH", str(folder))
    assert ocr.available() == reason
    if reason:
        with pytest.raises(Declined) as raised:
            read_bytes(scans.scanned_image(LINES, "png", size=SMALL_PAGE), "skann.png")
        assert raised.value.reason == f"ocr not available: png ({reason})"


def test_past_the_scans_ocr_budget_pages_are_counted_not_read():
    for data, name, part in ((scans.scanned_image(LINES, size=SMALL_PAGE), "skann.png", "page 1"),
                             (scans.scanned_tiff([LINES] * 3, size=SMALL_PAGE), "faks.tif", "pages 1–3")):
        sample = read_bytes(data, name, ocr_deadline=time.time() - 1)
        assert sample.fields == [] and sample.skipped == [(part, "ocr budget of the scan spent")]
        assert sample.document.pages_not_read == (3 if part == "pages 1–3" else 1)


@pytest.mark.parametrize("width, height, fits", [
    (6000, 6000, True), (40_000_000, 1, True), (7000, 7000, False), (30_000, 30_000, False),
])
def test_the_pixel_cap(width, height, fits):
    if fits:
        ocr.check_size(width, height)
    else:
        with pytest.raises(TooLarge, match="megapixels"):
            ocr.check_size(width, height)


def test_a_30000_pixel_square_png_is_refused_from_its_header(tmp_path):
    path = tmp_path / "plakat.png"
    path.write_bytes(scans.declared_png(30_000, 30_000))
    got = read_apart(path)
    assert got["error"] == "TooLarge"
    assert got["reason"] == "too large: png image of 900 megapixels exceeds 40 megapixels"
    assert got["peak_mib"] < 400


# -- the Tesseract child --------------------------------------------------------------------------

def test_the_child_runs_capped_alone_and_in_its_own_group(tmp_path, monkeypatch):
    folder = _fake_tesseract(tmp_path / "bin", "cat > /dev/null; echo \"as=$(ulimit -v) omp=$OMP_THREAD_LIMIT\"; "
                                               "awk '{print $5}' /proc/$$/stat; echo \"pid $$\"\n")
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    out = ocr.run_tesseract(b"png", 10).split()
    assert out[0] == f"as={ocr.CHILD_MEMORY // 1024}" and out[1] == "omp=1"
    assert out[2] == out[4] != str(os.getpgrp())  # a process group of its own, led by the child


def test_a_page_past_its_time_is_killed_with_all_it_started(tmp_path, monkeypatch):
    folder = _fake_tesseract(tmp_path / "bin", f'echo $$ > {tmp_path}/pid; sleep 300 & sleep 300\n')
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    started = time.monotonic()
    with pytest.raises(ocr.OcrFailed, match="took longer than"):
        ocr.run_tesseract(b"png", 0.5)
    assert time.monotonic() - started < 5
    group = int((tmp_path / "pid").read_text())
    assert _living(group) == []  # the sleeping grandchild went with its parent


def _living(group: int) -> list[int]:
    """Processes of process group `group` that are not dead (a zombie waits for init to reap it)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out
