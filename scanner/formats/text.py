"""Plain text and logs, line by line; also the decoding and bounded line reading the CSV reader shares."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator

from scanner.formats.limits import Limits
from scanner.formats.streams import CHUNK, Chain, read_upto
from scanner.model.units import FieldSample


def choose_encoding(sample: bytes, complete: bool = True) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

    Norwegian Excel exports are cp1252, where æøå are single bytes that are never valid UTF-8.
    A sample that is UTF-8 apart from a few broken bytes stays UTF-8 (decoded with replacement)
    rather than turning every æøå in it into mojibake.
    """
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
            return encoding
        except UnicodeDecodeError:
            if encoding == "utf-8-sig" and _mostly_utf8(sample):
                return encoding
    return "latin-1"


def _mostly_utf8(sample: bytes) -> bool:
    text = sample.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    return sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd") > broken


def iter_lines(stream, limits: Limits) -> Iterator[str]:
    """Decoded lines with their endings, at most max_bytes read in all.

    A line longer than max_line_bytes is cut there and its rest skipped, so one huge line
    (a minified blob, a bomb of zeros) neither fills memory nor turns into many fake lines.
    """
    head = read_upto(stream, CHUNK)
    encoding = choose_encoding(head, complete=len(head) < CHUNK)
    buf = io.BufferedReader(Chain(head, stream), CHUNK)
    budget = limits.max_bytes
    while budget > 0:
        line = buf.readline(min(limits.max_line_bytes, budget))
        if not line:
            return
        budget -= len(line)
        if not line.endswith(b"\n"):
            while budget > 0 and (rest := buf.readline(min(CHUNK, budget))):
                budget -= len(rest)
                if rest.endswith(b"\n"):
                    line += b"\n"
                    break
        yield line.decode(encoding, errors="replace")


def pieces(line: str, size: int) -> Iterator[str]:
    """A long line in pieces of at most `size` characters, cut after a comma or space where one is near.

    One line can hold a whole table (a mysqldump INSERT, a minified JSON array): cutting it at
    value_cap would leave everything after the first few kilobytes unread.
    """
    start = 0
    while len(line) - start > size:
        end = start + size
        # a comma first: between the values of a record, where a space may sit inside a name
        cut = line.rfind(",", start + size // 2, end)
        if cut < 0:
            cut = line.rfind(" ", start + size // 2, end)
        end = cut + 1 if cut > 0 else end
        yield line[start:end]
        start = end
    if start < len(line):
        yield line[start:]


def text_fields(lines: Iterable[str], limits: Limits) -> list[FieldSample]:
    """One field, "text", holding the non-blank lines (long lines in pieces), up to max_rows values."""
    values: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        for piece in pieces(line, limits.value_cap):
            values.append(piece)
            if len(values) >= limits.max_rows:
                return [FieldSample("text", None, values, unstructured=True, dataset_level=True)]
    return [FieldSample("text", None, values, unstructured=True, dataset_level=True)]


def read_text(stream, limits: Limits, unreadable=None) -> list[FieldSample]:
    """The first non-blank lines of a plain-text file as one dataset-level field (every line reads:
    `unreadable` is taken only for the readers' common signature)."""
    return text_fields(iter_lines(stream, limits), limits)
