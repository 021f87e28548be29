"""PDF: the text layer page by page (`page 3`), the metadata (author, title, subject, keywords), and
pages without a text layer read by OCR from their largest images (scanner.formats.documents.ocr).

Read with pypdf rather than pdfminer.six. On the 40 generated documents of bench.documents_speed
(letters, invoices, contracts, reports, manuals: 184 pages) pypdf read the text layer at 517
pages/s, pdfminer.six at 88 pages/s, both finding all 96 planted identifiers. On hostile files
pypdf has limits of its own (pypdf.Configuration) where pdfminer.six has none: a 1 GiB flate
stream stops pypdf at its cap in 0.6 s and 189 MiB, while pdfminer.six inflates all of it (14 s,
2 GiB); 10,000 pages took pypdf 12 s, pdfminer.six 16 s; arrays nested 100,000 deep end both in
a RecursionError (or, in a page dictionary, a page pypdf reads around); a file cut in half
neither reads by itself (pypdf does after `_salvage`).

Hostile PDFs end in a reason, not in the scan's memory: every stream inflates to at most
`_INFLATE` bytes, objects nested deeper than Python recurses fail their page (or the file), at most
`limits.max_pages` pages are read (the rest counted and named in one skipped record), and the
document's time (`limits.document_seconds`) and character budget stop it too. pypdf's own
warnings quote the file's bytes: they are counted, never passed on.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time

from scanner.formats.documents import ocr
from scanner.formats.errors import Corrupt, Declined, FormatError, TooLarge

_INFLATE = 64 << 20  # one stream's inflated bytes: a page's content is kilobytes, a scanned page a few MB
_SALVAGE = 64 << 20  # a file cut short is salvaged up to this size
_MIN_TEXT = 20  # fewer non-space characters than this: a scanned page (a page number, a stamp at most)
_MAX_IMAGES = 3  # images OCR'd on one page without text: the largest, and those a quarter its size
_OCR_OFF = "ocr off (--no-ocr)"
_INFLATED = f"too large: a stream inflates past {_INFLATE >> 20} MiB"
_BUDGET_SPENT = "ocr budget of the scan spent"


def _configuration() -> dict:
    return dict(
        zlib_maximum_output_length=_INFLATE, lzw_maximum_output_length=_INFLATE,
        run_length_maximum_output_length=_INFLATE, jbig2_maximum_output_length=_INFLATE,
        brotli_maximum_output_length=_INFLATE, array_based_stream_maximum_output_length=_INFLATE,
        maximum_declared_stream_length=_INFLATE, image_maximum_buffer_size=3 * ocr.MAX_PIXELS,
        stream_decoding_work_maximum_length=4 * _INFLATE,
        jbig2dec_binary=None,  # no helper programs run on a hostile file
    )


class _Repairs(logging.Handler):
    """Counts pypdf's warnings (a rebuilt cross-reference table, a bad object skipped): the file is
    damaged and was read in part. Their text quotes the file, so it is dropped."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


_LOG = logging.getLogger("pypdf")
_LOG.propagate = False  # its warnings quote the file: counted, never logged (files are read in threads)
_COUNTS = threading.local()


class _ThreadRepairs(logging.Handler):
    """pypdf's warnings of the thread that reads, counted in that thread's current counter."""

    def emit(self, record: logging.LogRecord) -> None:
        counter = getattr(_COUNTS, "current", None)
        if counter is not None:
            counter.count += 1


_LOG.addHandler(_ThreadRepairs(logging.WARNING))


@contextlib.contextmanager
def _counting_repairs():
    handler, before = _Repairs(), getattr(_COUNTS, "current", None)
    _COUNTS.current = handler
    try:
        yield handler
    finally:
        _COUNTS.current = before


def _why(e: BaseException) -> str:
    """A library's message as a reason: its first words only, up to anything quoted from the file
    (after a colon, in quotes or brackets); long digit runs left out."""
    text = (str(e).strip().splitlines() or [""])[0]
    text = re.split(r"""b'|b"|['"(\[{<]|: """, text)[0]
    text = re.sub(r"\d{5,}", "…", text).strip(" :.,")[:120]
    return text or type(e).__name__


def read_pdf(stream, doc, fmt: str) -> None:
    from pypdf import PdfReader, apply_configuration

    ocr.guard_pillow()
    with apply_configuration(**_configuration()), _counting_repairs() as repairs:
        try:
            reader = _open(PdfReader, stream, doc)
        except RecursionError as e:
            raise Corrupt("pdf: nested too deep to parse") from e
        except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on a broken file
            raise Corrupt(f"pdf: {_why(e)}") from e
        _unlock(reader)
        _metadata(reader, doc)
        _Pages(reader, doc).read()
        if repairs.count:
            doc.warnings.append(f"pdf: damaged: {repairs.count} repair{'s' if repairs.count > 1 else ''} while reading")


def _open(PdfReader, stream, doc):
    """pypdf's reader on the stream; on a file cut short (no cross-reference table or trailer at
    its end: a copy or download that stopped), on what it holds up to its last whole object."""
    from pypdf.errors import LimitReachedError

    try:
        return PdfReader(stream, strict=False)
    except (LimitReachedError, RecursionError, MemoryError):
        raise
    except Exception:  # noqa: BLE001 - try once more on the salvaged part, else the first error
        salvaged = _salvage(stream)
        if salvaged is None:
            raise
    try:
        reader = PdfReader(salvaged, strict=False)
    except Exception:  # noqa: BLE001
        stream.seek(0)
        return PdfReader(stream, strict=False)  # the first error, as the reason
    doc.warnings.append("pdf: cut short: read up to its last whole object")
    return reader


def _salvage(stream):
    """The objects of a PDF that ends early, closed with a trailer that makes pypdf rebuild its
    cross-references by scanning; None when there is nothing to salvage or the file is large
    (salvage holds it whole, as pypdf's own rebuild does)."""
    import io

    stream.seek(0, 2)
    if stream.tell() > _SALVAGE:
        return None
    stream.seek(0)
    data = stream.read()
    if b"%%EOF" in data[-1024:]:
        return None  # it ends as a PDF does: broken otherwise, not cut short
    end = data.rfind(b"endobj")
    numbers = [int(m.group(1)) for m in re.finditer(rb"(\d{1,7})\s+\d{1,5}\s+obj\b", data[: max(end, 0)])]
    if not numbers:
        return None
    tail = b"\ntrailer\n<< /Size %d >>\nstartxref\n0\n%%%%EOF\n" % (max(numbers) + 1)
    return io.BytesIO(data[: end + len(b"endobj")] + tail)


def _unlock(reader) -> None:
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")  # many PDFs are encrypted with an empty user password: only copying is barred
    except Exception as e:  # noqa: BLE001 - an unknown security handler or algorithm
        raise Declined(f"encrypted pdf: {_why(e)}", "pdf") from e
    if not opened:
        raise Declined("encrypted pdf: no password", "pdf")


def _metadata(reader, doc) -> None:
    """The document information dictionary and XMP: who wrote it (author, XMP creators, last
    modified by) as one field judged as a column; title, subject and keywords as text. The
    /Creator entry is the writing program ("Microsoft Word"), not a person: left out."""
    def entry(key: str):
        value = info.get(key)
        return value.get_object() if hasattr(value, "get_object") else value

    try:
        info = reader.metadata or {}
        people = [entry(k) for k in ("/Author", "/LastModifiedBy", "/Last-Modified-By")]
        words = {k: entry(f"/{k.title()}") for k in ("title", "subject", "keywords")}
        xmp = reader.xmp_metadata
        if xmp is not None:
            people += list(xmp.dc_creator or [])
            words["title"] = words["title"] or next(iter((xmp.dc_title or {}).values()), None)
            words["subject"] = words["subject"] or next(iter((xmp.dc_description or {}).values()), None)
    except Exception as e:  # noqa: BLE001 - broken metadata does not stop the pages
        doc.skip("metadata", f"corrupt: {_why(e)}")
        return
    people = list(dict.fromkeys(str(p).strip() for p in people if p is not None and str(p).strip()))
    doc.values("metadata.author", people)
    for key, value in words.items():
        if value is not None:
            doc.text(f"metadata.{key}", str(value))


class _Pages:
    """Reading a PDF's pages in order, until the page limit, the time or the text budget ends it."""

    def __init__(self, reader, doc):
        self.reader, self.doc, self.limits = reader, doc, doc.limits
        self.skipped: dict[str, list[int]] = {}  # reason -> pages
        self.failed: list[str] = []
        self.ocr_wanted = 0  # pages that needed OCR
        self._missing: str | None | bool = False  # why Tesseract is not usable; False: not looked up yet

    def read(self) -> None:
        try:
            pages = self.reader.pages
            total = len(pages)
        except RecursionError as e:
            raise Corrupt("pdf: nested too deep to parse") from e
        except Exception as e:  # noqa: BLE001 - a page tree that does not parse
            raise Corrupt(f"pdf: page tree: {_why(e)}") from e
        stats = self.doc.stats
        for i in range(total):
            n = i + 1
            stop = ocr.stop_reason(self.doc, n, total - i)
            if stop:
                stats.pages_not_read += total - i
                self.doc.skip(ocr.page_list(list(range(n, total + 1))), stop)
                break
            try:
                self._page(pages[i], n)
            except FormatError as e:
                self._skip(n, str(e))
            except RecursionError:
                self._fail(n, "corrupt: nested too deep to parse")
            except MemoryError:
                self._fail(n, "corrupt: too large to hold in memory")
            except Exception as e:  # noqa: BLE001 - one broken page does not end the document
                from pypdf.errors import LimitReachedError

                if isinstance(e, LimitReachedError):
                    self._fail(n, _INFLATED)
                else:
                    self._fail(n, f"corrupt: {type(e).__name__}: {_why(e)}")
        self._finish(total)

    def _skip(self, n: int, reason: str) -> None:
        self.skipped.setdefault(reason, []).append(n)
        self.doc.stats.pages_not_read += 1

    def _fail(self, n: int, reason: str) -> None:
        self.failed.append(reason)
        self._skip(n, reason)

    def _finish(self, total: int) -> None:
        for reason, pages in self.skipped.items():
            self.doc.skip(ocr.page_list(pages), reason)
        # nothing but page images, none read for want of OCR: declined, as a picture would be (its
        # metadata with it: the record says the document was not read, which is what counts)
        if total and self.ocr_wanted == total:
            if len(self.skipped.get(_OCR_OFF, [])) == total:
                raise Declined(f"{_OCR_OFF}: pdf", "pdf")
            if self._missing and len(self.skipped.get(f"ocr not available ({self._missing})", [])) == total:
                raise Declined(f"ocr not available: pdf ({self._missing})", "pdf")
        if total and len(self.failed) == total and not self.doc.fields:
            if self.failed[0] == _INFLATED:
                raise TooLarge(_INFLATE, "a pdf stream inflated")
            raise Corrupt(f"pdf: {self.failed[0].removeprefix('corrupt: ')}")

    # -- one page ---------------------------------------------------------------------------------
    def _page(self, page, n: int) -> None:
        text = page.extract_text() or ""
        if sum(not c.isspace() for c in text) >= _MIN_TEXT:
            self.doc.text(f"page {n}", text)
            self.doc.stats.pages += 1
            return
        images = _largest_images(page)
        if not images:
            self.doc.text(f"page {n}", text)
            self.doc.stats.pages += 1  # an empty page, or one of drawings: read, nothing on it
            return
        self.ocr_wanted += 1
        why_not = self._why_no_ocr()
        if why_not:
            self._skip(n, why_not)
            if text.strip():
                self.doc.text(f"page {n}", text)
            return
        read = [text] if text.strip() else []
        started = time.monotonic()
        try:
            for key, width, height in images:
                ocr.check_size(width, height, "page image")
                read.append(ocr.recognise(_decoded(page, key), self.limits))
        except (ocr.OcrFailed, TooLarge) as e:
            self._skip(n, str(e))
            return
        finally:
            self.doc.stats.ocr_seconds += time.monotonic() - started
        self.doc.text(f"page {n}", "\n".join(read))
        self.doc.stats.pages += 1
        self.doc.stats.pages_ocr += 1

    def _why_no_ocr(self) -> str | None:
        if not self.limits.ocr:
            return _OCR_OFF
        if self._missing is False:
            self._missing = ocr.available()
        if self._missing:
            return f"ocr not available ({self._missing})"
        if ocr.budget_spent(self.limits):
            return _BUDGET_SPENT
        return None


def _largest_images(page) -> list[tuple[object, int, int]]:
    """The page's images worth OCR, largest first: (key for page.images, width, height) by their
    declared size, nothing decoded yet. Icons and rules (under ocr.MIN_SIDE) are left out."""
    found = []
    for key in page.images.keys():
        width, height = _declared_size(page, key)
        if width >= ocr.MIN_SIDE and height >= ocr.MIN_SIDE:
            found.append((key, width, height))
    found.sort(key=lambda k: -k[1] * k[2])
    if not found:
        return []
    largest = found[0][1] * found[0][2]
    return [f for f in found if f[1] * f[2] * 4 >= largest][:_MAX_IMAGES]


def _decoded(page, key):
    """The PIL image of one of the page's images. A filter Pillow or pypdf cannot decode (JBIG2
    without its helper, an odd colour space) is the page's problem, told as such."""
    from pypdf.errors import LimitReachedError

    try:
        image = page.images[key].image
        image.load()
    except LimitReachedError:
        raise
    except Exception as e:  # noqa: BLE001 - each decoder raises its own
        raise ocr.OcrFailed(f"page image not decodable ({type(e).__name__})") from e
    return image


def _declared_size(page, key) -> tuple[int, int]:
    """/Width and /Height of an image XObject (through the forms that hold it), or of an inline
    image (already decoded by pypdf's content parsing, within its limits)."""
    path = [key] if isinstance(key, str) else list(key)
    if path[0].startswith("~"):
        image = page.images[key].image
        return image.size if image is not None else (0, 0)
    holder = page
    for name in path:
        resources = holder.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject").get_object() if resources is not None and "/XObject" in resources else {}
        holder = xobjects[name].get_object()
    try:
        return int(holder.get("/Width", 0)), int(holder.get("/Height", 0))
    except (TypeError, ValueError):
        return 0, 0
