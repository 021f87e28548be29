"""The caps every reader obeys, so that one file cannot take a scan's memory or time; and the words
the header judgement knows, which every reader that judges a first row needs too."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.formats.header_words import NO_WORDS, HeaderWords

# Defined beside the values they cap, where the database crawler reads them too.
from scanner.model.values import MAX_FIELDS, MAX_NESTING

MiB = 1 << 20


def human_size(n: float) -> str:
    """1 KiB, 1.5 MiB: sizes in messages, where a long digit run would be scrubbed as an identifier."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            if unit == "bytes":
                return f"{int(n)} bytes"
            return f"{n:.0f} {unit}" if n == int(n) else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


@dataclass(frozen=True)
class Limits:
    max_rows: int = 1000  # rows, records or lines sampled per dataset (per sheet)
    value_cap: int = 4096  # characters kept of one value
    max_fields: int = MAX_FIELDS  # columns per dataset: past it, one skipped record stands for the rest
    max_nesting: int = MAX_NESTING  # JSON levels: a deeper value or line is counted unreadable, not read
    max_bytes: int = 16 * MiB  # text a reader consumes; reaching it just ends the sample
    max_line_bytes: int = 1 * MiB  # longer lines are cut there and their rest skipped
    max_decompressed: int = 256 * MiB  # decompressed or spooled bytes; past it is TooLarge
    max_members: int = 100  # zip members read
    max_depth: int = 3  # archives inside archives
    head_bytes: int = 64 * 1024  # what format detection looks at
    # An XLSX's shared strings (every text cell's value) are held in memory while its sheets are
    # read; past this many bytes of them, the cells that need the rest are counted unreadable.
    max_shared_strings: int = 32 * MiB
    # Documents (scanner.formats.documents): pages read of one PDF or TIFF, and OCR. `ocr` on reads
    # images and pages without text through Tesseract where it is installed; each page gets at
    # most `ocr_page_seconds`, and no OCR starts after `ocr_deadline` (a wall-clock time shared by
    # every process of a scan: the scan's OCR budget). `document_seconds` caps the time one
    # document's text extraction may take before the rest of its pages is counted as not read.
    max_pages: int = 500
    ocr: bool = True
    ocr_page_seconds: float = 60.0
    ocr_deadline: float | None = None
    document_seconds: float = 120.0
    # The stream is only the first bytes of a larger object (an S3 range read): its sudden end
    # is the end of the sample, not a truncated file.
    partial: bool = False
    # Known column names and people's names for telling a header row from data (header_words):
    # carried here because Limits reaches every reader, inside archives too. Not a cap: left out
    # of equality and repr.
    header_words: HeaderWords = field(default=NO_WORDS, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings, rows: int | None = None, header_words: HeaderWords = NO_WORDS) -> Limits:
        return cls(max_rows=rows or settings.sample_size, value_cap=settings.value_cap,
                   max_bytes=settings.object_bytes, max_decompressed=settings.max_object_bytes,
                   max_pages=settings.max_pages, ocr=settings.ocr, ocr_page_seconds=settings.ocr_page_seconds,
                   ocr_deadline=settings.ocr_deadline, header_words=header_words)
