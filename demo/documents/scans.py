"""Scanned pages, drawn on the spot: lines of text rendered to a page image the way a scanner or a
phone camera leaves them (a little skewed, speckled, grey, small), written as PNG, JPEG, TIFF
(one page or many), GIF, BMP, WebP, or as a PDF of page images without a text layer.

The caller passes the lines, so it plants what it wants (a fødselsnummer on page 2, a name and an
address in a letter's head). Everything is deterministic for the same lines, options and seed.
A hostile picture is here too: a PNG that declares 30,000 × 30,000 pixels in a few hundred bytes.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path

# A4 at 150 dpi, the resolution an office scanner's "document" setting and many phone apps give.
A4_150 = (1240, 1754)
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_FORMATS = {"png": "PNG", "jpeg": "JPEG", "tiff": "TIFF", "gif": "GIF", "bmp": "BMP", "webp": "WEBP"}


def font(size: int):
    """A scalable font of `size` pixels: DejaVu Sans where the system has it, else Pillow's own
    bundled font (both draw æøå)."""
    from PIL import ImageFont

    if _DEJAVU.exists():
        return ImageFont.truetype(str(_DEJAVU), size)
    return ImageFont.load_default(size=size)


def render_page(lines: list[str], *, size: tuple[int, int] = A4_150, font_size: int = 24, skew: float = 0.0,
                noise: float = 0.0, blur: float = 0.0, contrast: tuple[int, int] = (255, 0), seed: int = 0,
                margin: int | None = None, line_gap: float = 1.5):
    """A page image (PIL, mode L) with `lines` written from the top-left margin down.

    `skew` turns the page by that many degrees (positive: anticlockwise, as a sheet fed askew),
    `noise` sprinkles that share of pixels black or white (salt and pepper, a dusty scanner glass;
    in steps of 1/128), `blur` softens it by that radius, `contrast` is the paper's and the ink's
    grey level (255, 0: white and black; 200, 90: a faded copy; 150, 60: a dark photocopy).
    Lines that do not fit the page are left out: pass fewer, or a larger page.
    """
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    paper, ink = contrast
    page = Image.new("L", size, paper)
    draw = ImageDraw.Draw(page)
    face = font(font_size)
    margin = margin if margin is not None else size[0] // 10
    y = margin
    step = int(font_size * line_gap)
    for line in lines:
        if y + step > size[1] - margin // 2:
            break
        if line:
            draw.text((margin, y), line, fill=ink, font=face)
        y += step
    if skew:
        page = page.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=paper)
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        page = _speckle(page, noise, rnd)
    return page


def _speckle(page, share: float, rnd: random.Random):
    """Salt and pepper: `share` of the pixels set black or white at random."""
    from PIL import Image

    dice = Image.frombytes("L", page.size, rnd.randbytes(page.size[0] * page.size[1]))
    cut = max(1, min(127, round(share * 128)))
    page = page.copy()
    page.paste(0, mask=dice.point(lambda v: 255 if v < cut else 0))
    page.paste(255, mask=dice.point(lambda v: 255 if cut <= v < 2 * cut else 0))
    return page


def image_bytes(page, fmt: str = "png", *, quality: int = 75, dpi: int = 150) -> bytes:
    """One page image as `fmt` (png, jpeg, tiff, gif, bmp, webp)."""
    out = io.BytesIO()
    options = {"quality": quality} if fmt in ("jpeg", "webp") else {}
    if fmt in ("png", "jpeg", "tiff", "bmp"):
        options["dpi"] = (dpi, dpi)
    page.save(out, _FORMATS[fmt], **options)
    return out.getvalue()


def scanned_image(lines: list[str], fmt: str = "png", **render) -> bytes:
    """`lines` rendered as one scanned page (see `render_page` for the options) in format `fmt`."""
    quality = render.pop("quality", 75)
    return image_bytes(render_page(lines, **render), fmt, quality=quality)


def scanned_tiff(pages: list[list[str]], *, compression: str = "group4", **render) -> bytes:
    """A multi-page TIFF, one frame a page, as a fax or a document scanner writes it: bilevel,
    CCITT group 4 (`compression="tiff_lzw"` keeps it greyscale)."""
    seed = render.pop("seed", 0)
    images = [render_page(lines, seed=seed + i, **render) for i, lines in enumerate(pages)]
    if compression == "group4":
        images = [im.point(lambda v: 255 if v > 128 else 0).convert("1") for im in images]
    out = io.BytesIO()
    images[0].save(out, "TIFF", save_all=True, append_images=images[1:], compression=compression, dpi=(150, 150))
    return out.getvalue()


def scanned_pdf(pages: list[list[str]], *, bilevel: bool = False, dpi: int = 150, title: str | None = None,
                author: str | None = None, **render) -> bytes:
    """A PDF of page images and no text layer, as a scanner's "scan to PDF" writes it: each page
    one image (JPEG, or CCITT group 4 when `bilevel`), with the `title` and `author` given."""
    import time

    seed = render.pop("seed", 0)
    images = [render_page(lines, seed=seed + i, **render) for i, lines in enumerate(pages)]
    if bilevel:
        images = [im.point(lambda v: 255 if v > 128 else 0).convert("1") for im in images]
    out = io.BytesIO()
    scanned = time.struct_time((2024, 1 + seed % 12, 1 + seed % 28, 9, 30, 0, 0, 1, 0))  # not the clock: same bytes
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi), title=title or "Skann",
                    author=author, creator="Skanner", producer="Skanner", creationDate=scanned, modDate=scanned)
    return out.getvalue()


def declared_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring `width` × `height` greyscale pixels, with an IDAT of a few
    rows only: a picture that would take width × height bytes if decoded (a decompression bomb
    by its header). Nothing of that size is ever allocated here."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\x00" + b"\xff" * width, 9) if width <= 1 << 16 else zlib.compress(b"\x00", 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def tiny_image(fmt: str = "png", size: tuple[int, int] = (24, 16)) -> bytes:
    """An icon or thumbnail (`size` pixels): too small to hold readable text."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, (30, 90, 160))
    ImageDraw.Draw(im).ellipse((2, 2, size[0] - 3, size[1] - 3), fill=(240, 200, 40))
    return image_bytes(im, fmt)
