"""Pictures (PNG, JPEG, TIFF, GIF, BMP, WebP): the text on them by OCR, as `page 1` (a TIFF's
frames `page 1`, `page 2`, … up to `limits.max_pages`).

A picture is sized up from its header before a pixel is decoded: past ocr.MAX_PIXELS it is too
large (a decompression bomb declares 30,000 × 30,000 in a few hundred bytes), under ocr.MIN_SIDE
on a side it is an icon or a thumbnail and holds no text (read as an empty document, no OCR).
With OCR off, or without Tesseract, the picture is declined with that reason; when the scan's
OCR budget is spent its pages are counted as not read.
"""

from __future__ import annotations

import re
import time

from scanner.formats.documents import ocr
from scanner.formats.errors import Corrupt, Declined, TooLarge

_MULTI_PAGE = ("tiff",)  # an animated GIF's or WebP's frames are not pages: the first is read


def _open(stream, fmt: str):
    from PIL import Image, UnidentifiedImageError

    ocr.guard_pillow()
    try:
        return Image.open(stream)  # the header only: pixels are decoded on load
    except Image.DecompressionBombError as e:  # past twice Pillow's limit: its message gives the size
        found = re.search(r"\((\d+) pixels\)", str(e))
        size = f" of {int(found.group(1)) // 1_000_000} megapixels" if found else ""
        raise TooLarge(ocr.MAX_PIXELS // 1_000_000, f"{fmt} image{size}", unit="megapixels") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise Corrupt(f"{fmt}: not a readable image ({type(e).__name__})") from e


def read_image(stream, doc, fmt: str) -> None:
    image = _open(stream, fmt)
    width, height = image.size
    ocr.check_size(width, height, f"{fmt} image")
    if width < ocr.MIN_SIDE or height < ocr.MIN_SIDE:
        return  # an icon, a logo, a spacer: no line of text fits
    if not doc.limits.ocr:
        raise Declined(f"ocr off (--no-ocr): {fmt}", fmt)
    missing = ocr.available()
    if missing:
        raise Declined(f"ocr not available: {fmt} ({missing})", fmt)
    frames = getattr(image, "n_frames", 1) if fmt in _MULTI_PAGE else 1
    stats, limits = doc.stats, doc.limits
    failed: list[str] = []
    for i in range(frames):
        n = i + 1
        stop = ocr.stop_reason(doc, n, frames - i, ocr_only=True)
        if stop:
            stats.pages_not_read += frames - i
            doc.skip(ocr.page_list(list(range(n, frames + 1))), stop)
            break
        started = time.monotonic()
        try:
            if i:
                image.seek(i)
                ocr.check_size(*image.size, f"{fmt} page")
            if min(image.size) < ocr.MIN_SIDE:
                stats.pages += 1
                continue
            if image.format == "JPEG":
                image.draft("L", image.size)  # decoded straight to grey: a third of the memory
            image.load()
            page = ocr.greyscale(image)
            if frames == 1 and page is not image:
                image.close()  # its colour pixels are not needed again: freed before the page is prepared
            text = ocr.recognise(page, limits)
        except (ocr.OcrFailed, TooLarge) as e:
            stats.pages_not_read += 1
            doc.skip(f"page {n}", str(e))
            continue
        except (OSError, SyntaxError, ValueError, EOFError) as e:  # a frame cut short or not decodable
            stats.pages_not_read += 1
            failed.append(type(e).__name__)
            doc.skip(f"page {n}", f"corrupt: {fmt} page not decodable ({type(e).__name__})")
            continue
        finally:
            stats.ocr_seconds += time.monotonic() - started
        stats.pages += 1
        stats.pages_ocr += 1
        doc.text(f"page {n}", text)
    if failed and len(failed) == frames:
        raise Corrupt(f"{fmt}: not decodable ({failed[0]})")
