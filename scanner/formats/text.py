"""Plain text in paragraphs and logs line by line; also the decoding and bounded line reading the CSV reader shares."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator
from itertools import islice

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


LINE_BLOCK = 1 << 20  # bytes read at a time, split into lines in C
_BOM = b"\xef\xbb\xbf"


def iter_lines(stream, limits: Limits) -> Iterator[str]:
    """Decoded lines with their endings, at most max_bytes read in all.

    A line longer than max_line_bytes is cut there and its rest skipped, so one huge line
    (a minified blob, a bomb of zeros) neither fills memory nor turns into many fake lines.
    Read a block at a time, split and decoded a block at a time: a full read of a log goes
    through millions of lines.
    """
    head = read_upto(stream, CHUNK)
    encoding = choose_encoding(head, complete=len(head) < CHUNK)
    buf = io.BufferedReader(Chain(head, stream), CHUNK)
    budget = limits.max_bytes
    cap = limits.max_line_bytes
    pending = b""  # the start of a line the blocks so far have not ended (at most `cap` bytes)
    cut = False  # `pending` was cut at `cap`: the rest of its line is being skipped
    while budget > 0:
        block = buf.read(min(LINE_BLOCK, budget))
        if not block:
            break
        budget -= len(block)
        first = block.find(b"\n")
        if first < 0:  # no line ends in this block
            if not cut:
                pending += block
                if len(pending) > cap:
                    pending, cut = pending[:cap], True
            continue
        yield _line(pending if cut else pending + block[:first], cap, encoding)
        last = block.rfind(b"\n")
        if last > first:
            yield from _lines(block[first + 1:last], cap, encoding)
        pending, cut = block[last + 1:], False
        if len(pending) > cap:
            pending, cut = pending[:cap], True
    if pending:  # the last line, without an ending (the data or the budget ended)
        yield pending[:cap].decode(encoding, errors="replace")


def _line(content: bytes, cap: int, encoding: str) -> str:
    """One ended line: cut to `cap` bytes with its ending kept, as a line reader with a limit does."""
    line = content + b"\n" if len(content) < cap else content[:cap] + b"\n"
    return line.decode(encoding, errors="replace")


def _lines(region: bytes, cap: int, encoding: str) -> Iterator[str]:
    """The ended lines of a block's middle (every line ends in the block)."""
    parts = region.split(b"\n")
    if max(map(len, parts)) < cap and not (encoding == "utf-8-sig" and _BOM in region):
        # no line to cut, no byte-order mark to drop at a line's start: one decode for all
        for line in region.decode(encoding, errors="replace").split("\n"):
            yield line + "\n"
        return
    for part in parts:
        yield _line(part, cap, encoding)


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


# Lines of one paragraph judged together: a letter's address block (street over postcode and
# town), a label over its value, a name over the sentence about it. Text without blank lines (a
# listing, a console capture) is cut into runs of this many lines.
PARAGRAPH_LINES = 8


def paragraphs(lines: Iterable[str], value_cap: int) -> Iterator[str]:
    """The non-blank lines in paragraphs of at most PARAGRAPH_LINES lines and value_cap
    characters; a line longer than that in pieces of its own."""
    block: list[str] = []
    size = 0
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip():
            if block:
                yield "\n".join(block)
                block, size = [], 0
            continue
        if len(line) > value_cap:
            if block:
                yield "\n".join(block)
                block, size = [], 0
            yield from pieces(line, value_cap)
            continue
        if block and (len(block) >= PARAGRAPH_LINES or size + len(line) + 1 > value_cap):
            yield "\n".join(block)
            block, size = [], 0
        block.append(line)
        size += len(line) + 1
    if block:
        yield "\n".join(block)


def text_fields(lines: Iterable[str], limits: Limits) -> list[FieldSample]:
    """One field, "text", holding the file's paragraphs (see `paragraphs`), up to max_rows values."""
    values = list(islice(paragraphs(lines, limits.value_cap), limits.max_rows))
    return [FieldSample("text", None, values, unstructured=True, dataset_level=True)]


def read_text(stream, limits: Limits, unreadable=None) -> list[FieldSample]:
    """The first non-blank lines of a plain-text file as one dataset-level field (every line reads:
    `unreadable` is taken only for the readers' common signature)."""
    return text_fields(iter_lines(stream, limits), limits)
