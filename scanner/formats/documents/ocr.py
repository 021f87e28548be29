"""Text from a picture of a page, by Tesseract (nor+eng) run as a child process.

Tesseract is called directly (`tesseract stdin stdout`, a PNG on its standard input) rather than
through a wrapper library: one process a page, one thread (OMP_THREAD_LIMIT=1: the scan's own
workers are the parallelism), an address-space cap, its own process group that is killed whole
when the page's time (`limits.ocr_page_seconds`, or what is left of the scan's OCR budget) runs out.

Before that the picture is prepared with Pillow: greyscale (transparency on white), salt-and-pepper
specks painted over, turned upright when scanned askew, and small text enlarged to the size
Tesseract reads best (capital letters of about 20 pixels: 300 dpi for body text). Each step is
kept because it measured better on rendered pages (bench.documents_speed --steps, and
tests/test_ocr.py on a page where it matters); the numbers are in the comments where they are.

Also here, as both the PDF and the picture readers need them alike: the scan's OCR budget, the
pixel cap, and why the rest of a document's pages are not read (`stop_reason`, `page_list`).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import time

from scanner.formats.errors import TooLarge

MAX_PIXELS = 40_000_000  # a page at 600 dpi is 35 megapixels; more is a bomb or a poster
MIN_SIDE = 32  # narrower or lower than this holds no line of text: an icon, a rule, a spacer
CHILD_MEMORY = 1 << 30  # Tesseract on a 40-megapixel page of text measured 200 MiB (and 8 s)
LANGUAGES = "nor+eng"
STEPS = ("despeckle", "deskew", "upscale")  # what `prepare` does, by default all
_CAP_HEIGHT = 20  # enlarged until capitals are this high: of 16, 20, 24 and 30, 20 read most (118/120, else 114-116)
_MAX_UPSCALE = 4.0
# Turned upright from a quarter degree: Tesseract copes with ±3° by itself on most words, but
# not with "@" (an e-mail read whole on pages at -3, -2, 0, 2, 3°: 5/5 turned from 0.25°, 3/5
# turned only from 3.25°, 3/5 not prepared at all), nor with 6° (20/20 turned, 2/20 not).
_DESKEW_FROM = 0.25
_availability: dict[str | None, str | None] = {}
try:
    import ctypes

    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: the page's timeout still ends its child
    _PRCTL = None


class OcrFailed(Exception):
    """OCR of one page did not finish: its time ran out or Tesseract failed. The message is the
    reason for the report and never holds any of the page's text."""


def available() -> str | None:
    """None when Tesseract with Norwegian is usable here, else why not. Looked up on PATH (as it
    is now: a scan run with another PATH looks again) and remembered."""
    path = os.environ.get("PATH")
    if path not in _availability:
        _availability[path] = _look_up()
    return _availability[path]


def _look_up() -> str | None:
    exe = shutil.which("tesseract")
    if exe is None:
        return "tesseract is not installed"
    try:
        done = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "tesseract does not run"
    langs = set((done.stdout + done.stderr).split())  # Tesseract 4 lists them on stderr
    if "nor" not in langs:
        return "tesseract has no Norwegian language data (tesseract-ocr-nor)"
    if "eng" not in langs:
        return "tesseract has no English language data (tesseract-ocr-eng)"
    return None


def seconds_left(limits) -> float:
    """What the page may take: its own cap, or less when the scan's OCR budget ends sooner."""
    left = limits.ocr_page_seconds
    if limits.ocr_deadline is not None:
        left = min(left, limits.ocr_deadline - time.time())
    return left


def budget_spent(limits) -> bool:
    """The scan's OCR budget (`limits.ocr_deadline`) is spent: no more OCR starts."""
    return limits.ocr_deadline is not None and time.time() >= limits.ocr_deadline


def page_list(pages: list[int]) -> str:
    """`page 4`, `pages 3–9`, `pages 2, 5, 7–9`: the pages a skipped record stands for."""
    spans: list[list[int]] = []
    for n in pages:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:8]) + (", …" if len(spans) > 8 else "")
    return f"page {text}" if len(pages) == 1 else f"pages {text}"


def stop_reason(doc, n: int, rest: int, ocr_only: bool = False) -> str | None:
    """Why page `n` and the `rest` after it (itself included) are not read, if they are not: the
    page limit, the scan's OCR budget (`ocr_only`: every page needs OCR), the document's time or
    its text budget. Shared by the PDF and the picture readers, so that their records agree."""
    pages = f"{rest} page" if rest == 1 else f"{rest} pages"
    limits = doc.limits
    if n > limits.max_pages:
        return f"{pages} past the limit of {limits.max_pages} pages: not read"
    if ocr_only and budget_spent(limits):
        return "ocr budget of the scan spent"
    if doc.out_of_time():
        return f"{pages} not read: the document took longer than {limits.document_seconds:g} s"
    if doc.full:
        return f"{pages} not read: the document's text budget is spent"
    return None


def check_size(width: int, height: int, what: str = "image") -> None:
    """Refuse a picture by its declared size, before a pixel of it is decoded."""
    if width * height > MAX_PIXELS:
        raise TooLarge(MAX_PIXELS // 1_000_000, f"{what} of {width}×{height} pixels", unit="megapixels")


def guard_pillow() -> None:
    """Pillow refuses to decode more than twice MAX_IMAGE_PIXELS (DecompressionBombError): set so
    that a picture past our own cap never decodes, even one we did not look at first (in a PDF)."""
    import warnings

    from PIL import Image

    if Image.MAX_IMAGE_PIXELS != MAX_PIXELS // 2:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2
        # between the two Pillow only warns; our own cap (check_size) is the one that refuses
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def recognise(image, limits, steps: tuple[str, ...] = STEPS) -> str:
    """The text Tesseract reads in `image` (a PIL image of a page), its usual misreadings of
    identifiers mended (`mended`). Raises OcrFailed."""
    return mended(run_tesseract(png_for_ocr(prepare(image, steps)), seconds_left(limits)))


# What OCR reads for "@" between an address's local part and its domain, and for 0 and 1 inside a
# run of digits: "kari&example.no", "7070575O0OO4..." become what the page says.
_AT = re.compile(r"(?<=[\w.+-])[&©®](?=[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b)")
_DIGIT_RUN = re.compile(r"(?<![\w])(?=[0-9OoIl|]*[0-9][0-9OoIl|]*[0-9])[0-9OoIl|]{6,}(?![\w])")
_AS_DIGITS = str.maketrans("OoIl|", "00111")


def mended(text: str) -> str:
    text = _AT.sub("@", text)
    return _DIGIT_RUN.sub(lambda m: m.group(0).translate(_AS_DIGITS) if sum(c.isdigit() for c in m.group(0))
                          >= 4 else m.group(0), text)


# -- preparing the picture ------------------------------------------------------------------------

def prepare(image, steps: tuple[str, ...] = STEPS):
    """`image` as Tesseract reads it best: greyscale, then the `steps` asked for (specks painted
    over, turned upright, small text enlarged). Each step tells ink from paper by the page's own
    threshold (Otsu's), so a dark photocopy is read as well as white paper.

    Planted identifiers read on 44 rendered pages of 11 kinds (bench.documents_speed --steps):
    216/220 with every step, 191/220 with none, 186 without despeckle, 194 without deskew, 205
    without upscale; 1.6 s a page against 0.9 s unprepared (A4 at 150 dpi, one thread).

    Contrast is not stretched: Tesseract finds its own threshold, and stretching measured nothing
    (planted identifiers 180/200 with and without it); clipping 1 % at each end, as
    ImageOps.autocontrast(cutoff=1) does, made small print solid black (7/15 against 15/15)."""
    page = greyscale(image)
    cut = ink_threshold(page)
    histogram = page.histogram()
    paper = max(range(cut + 1, 256), key=histogram.__getitem__) if cut < 255 else 255
    if "despeckle" in steps:
        page = _despeckle(page, cut, paper)
    angle = skew_angle(page, cut) if "deskew" in steps or "upscale" in steps else 0.0
    if "deskew" in steps and abs(angle) >= _DESKEW_FROM:
        page = page.rotate(-angle, resample=3, expand=True, fillcolor=paper)  # 3: bicubic
        angle = 0.0
    if "upscale" in steps:
        page = _upscale(page, cut, angle)
    return page


def greyscale(image):
    """Mode L (`image` itself if it is), transparency on white paper (a PNG's transparent background
    is not black ink). One channel at a time: a 40-megapixel RGBA picture is 160 MB already."""
    from PIL import Image

    if image.mode == "L":
        return image
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info):
        if image.mode in ("P", "PA"):
            image = image.convert("RGBA")
        alpha = image.getchannel("A") if "A" in image.getbands() else image.getchannel("a")
        paper = Image.new("L", image.size, 255)
        paper.paste(image.convert("L"), mask=alpha)
        return paper
    if image.mode.startswith("I"):  # 16- or 32-bit greys: scaled to 8 bits by their brightest, not clipped
        image = image.convert("I")
        top = image.getextrema()[1]
        if top > 255:
            return image.point(lambda v: v * 255 / top).convert("L")
    return image.convert("L")


def ink_threshold(page) -> int:
    """The grey level that parts ink (at or below it) from paper: Otsu's, from the histogram."""
    hist = page.histogram()
    total, weighted = sum(hist), sum(i * h for i, h in enumerate(hist))
    best, cut, below, below_weighted = -1.0, 127, 0, 0
    for level in range(255):
        below += hist[level]
        below_weighted += level * hist[level]
        if below == 0 or below == total:
            continue
        above = total - below
        spread = below * above * (below_weighted / below - (weighted - below_weighted) / above) ** 2
        if spread > best:
            best, cut = spread, level
    return cut


def _ink(page, cut: int):
    """Ink black (0) and paper white (255)."""
    return page.point(lambda v: 0 if v <= cut else 255)


def _lone_specks(page, cut: int):
    """A mask of the ink pixels with at most one ink neighbour in the 3 × 3 around them: specks of
    dust or sensor noise. Print has next to none: a stroke, even of 6-point text, is longer."""
    from PIL import ImageChops, ImageFilter

    dark = page.point(lambda v: 255 if v <= cut else 0)
    crowd = dark.filter(ImageFilter.Kernel((3, 3), [1] * 9, scale=9))  # 28 for a lone pixel, 57 with one neighbour
    return ImageChops.multiply(dark, crowd.point(lambda v: 255 if v < 70 else 0))


def _despeckle(page, cut: int, paper: int):
    """Salt and pepper painted over with the paper's grey where there is much of it (more than
    0.1 % of the pixels are specks: 0.004 % on 6-point print, 0.03 % on a faded JPEG, 0.25 % and
    up on a dusty scan). Only the specks: a 3 × 3 median filter, tried first, wiped out small print
    with them (planted identifiers on 16-pixel text with 1 % specks: 6/20 with it, 20/20 so)."""
    specks = _lone_specks(page, cut)
    if specks.histogram()[255] <= page.width * page.height * 0.001:
        return page
    page = page.copy()
    page.paste(paper, mask=specks)
    return page


def _row_profile(page) -> list[int]:
    """The darkness of each pixel row (0 white … 255 black), by Pillow's box filter: no numpy."""
    from PIL import ImageOps

    return list(ImageOps.invert(page).resize((1, page.height), resample=4).tobytes())  # 4: box


def skew_angle(page, cut: int | None = None, widest: int = 8) -> float:
    """The angle (degrees, anticlockwise) the text lines of `page` stand at: the turn that makes
    the row profile of a downscaled copy sharpest (text lines and the gaps between them apart)."""
    cut = ink_threshold(page) if cut is None else cut
    scale = min(1.0, 600 / max(page.size))
    small = _ink(page, cut).resize((max(1, int(page.width * scale)), max(1, int(page.height * scale))), resample=4)

    def sharpness(angle: float) -> float:
        rows = _row_profile(small.rotate(angle, resample=2, fillcolor=255) if angle else small)  # 2: bilinear
        return sum((a - b) ** 2 for a, b in zip(rows, rows[1:]))

    coarse = max(range(-widest, widest + 1), key=sharpness)  # whole degrees, then quarters
    return -max((coarse + d / 4 for d in range(-3, 4)), key=sharpness)


def text_height(page, cut: int | None = None, angle: float = 0.0) -> float | None:
    """The median height in pixels of the page's text lines (runs of rows with ink), or None; on a
    page askew by `angle` degrees, measured as if upright (a slanted line spans more rows)."""
    ink = _ink(page, ink_threshold(page) if cut is None else cut)
    if abs(angle) >= 0.25:
        ink = ink.rotate(-angle, fillcolor=255)
    rows = _row_profile(ink)
    # ink enough to be a line of text: a share of the darkest rows' (specks leave a little in every row)
    floor = max(3.0, 0.2 * sorted(rows)[int(len(rows) * 0.95)])
    runs, run = [], 0
    for v in rows:
        if v > floor:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    runs = sorted(r for r in runs if r >= 3)
    return float(runs[len(runs) // 2]) if runs else None


def _upscale(page, cut: int, angle: float):
    """Small text enlarged so that a line is about 1.4 × `_CAP_HEIGHT` (its capitals ≈ `_CAP_HEIGHT`),
    never past the pixel cap."""
    height = text_height(page, cut, angle)
    if not height:
        return page
    factor = min(_MAX_UPSCALE, _CAP_HEIGHT * 1.4 / height, (MAX_PIXELS / (page.width * page.height)) ** 0.5)
    if factor < 1.2:
        return page
    return page.resize((int(page.width * factor), int(page.height * factor)), resample=3)  # 3: bicubic


def png_for_ocr(page) -> bytes:
    import io

    out = io.BytesIO()
    page.save(out, "PNG", compress_level=1, dpi=(300, 300))
    return out.getvalue()


# -- running Tesseract ----------------------------------------------------------------------------

def _child_limits() -> None:  # runs in the child between fork and exec: the cap, and death with the scan
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    if _PRCTL is not None:  # Linux: killed when the scan's process ends, however it ends (SIGKILL too)
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_tesseract(png: bytes, timeout: float, psm: int = 3) -> str:
    """Tesseract's text for one PNG, within `timeout` seconds. Raises OcrFailed."""
    if timeout <= 0:
        raise OcrFailed("ocr budget of the scan spent")
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrFailed("tesseract is not installed")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.Popen([exe, "stdin", "stdout", "-l", LANGUAGES, "--psm", str(psm)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                            preexec_fn=_child_limits)
    try:
        out, _ = proc.communicate(png, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise OcrFailed(f"ocr took longer than {timeout:g} s: not read") from None
    except BaseException:
        _kill(proc)
        raise
    if proc.returncode != 0:
        # stderr is Tesseract's own words (and may quote nothing of the page): only its code is kept
        raise OcrFailed(f"ocr failed: tesseract exited with {proc.returncode}")
    return out.decode("utf-8", "replace")


def _kill(proc: subprocess.Popen) -> None:
    """The child's whole process group, so that nothing it started is left behind."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
