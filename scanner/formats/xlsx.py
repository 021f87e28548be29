"""XLSX via openpyxl in read-only mode: every sheet, header row detected, fields named "Sheet!Header".

openpyxl holds a workbook's shared strings (the text of every text cell) in memory whole; a small
file can hold a huge table of them. They are read here instead: the sheets' first rows are looked
at first for the strings they use, and only those are kept, each cut at value_cap, up to a memory
budget. A cell whose string is past the budget reads as blank and is counted; the rest is read.
"""

from __future__ import annotations

import re
import sys
import zipfile
import zlib
from itertools import chain, islice

from scanner.formats.delimited import (
    HEADER_ROWS,
    LEAD_ROWS,
    above,
    above_field,
    header_votes,
    table_start,
)
from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.header_words import NO_WORDS, HeaderWords
from scanner.formats.limits import Limits, human_size
from scanner.formats.streams import CHUNK
from scanner.model.units import FieldSample
from scanner.model.values import Unreadable, beyond_cap, cap, cap_name

BLANK_ROWS = 1000  # leading empty rows skipped before a sheet counts as empty
SHEET_STOPS = "xlsx sheet stops at a part that does not parse"
BROKEN_STRING = "xlsx text cell whose shared string does not parse"
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml\Z")
_CELL_COLUMN = re.compile(r"[A-Z]{1,3}")
_PART_ERRORS = (zipfile.BadZipFile, EOFError, OSError, zlib.error)  # a zip member that does not inflate


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def is_header(row: tuple, below: list[tuple] = (), words: HeaderWords = NO_WORDS) -> bool:
    """Mostly strings, none of them looks like a value, and unlike the rows below (see
    delimited.looks_like_header); blank cells are columns without a name."""
    cells = [(i, c) for i, c in enumerate(row) if not _blank(c)]
    strings = [(i, c.strip()) for i, c in cells if isinstance(c, str)]
    if not cells or len(strings) * 2 <= len(cells) or len({s for _, s in strings}) != len(strings):
        return False
    return header_votes(strings, below, words)


class _Strings:
    """The shared strings the sample needs, by index. A cell asks for its string by index: one the
    sample reads but that was not kept (past the budget, broken XML) is blank and counted; one
    outside the rows and columns read is blank, and never read anyway."""

    def __init__(self, needed: set[int], unreadable: Unreadable, reason: str):
        self.kept: dict[int, str] = {}
        self.broken: set[int] = set()
        self.needed, self.unreadable, self.reason = needed, unreadable, reason

    def __getitem__(self, i: int):
        found = self.kept.get(i)
        if found is None and i in self.needed:
            self.unreadable[BROKEN_STRING if i in self.broken else self.reason] += 1
        return found

    def __len__(self) -> int:
        return len(self.kept)


class _Stop(Exception):
    pass


def _parser(start, end, text):
    """An expat parser (namespaces as `uri}name`) that refuses a document type declaration: an
    XLSX part has none, and entities are how XML is made to expand."""
    from xml.parsers import expat

    def refuse(*_args):
        raise _Stop

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    return parser


def _feed(parser, src) -> bool:
    """Parse to the end or to a _Stop; False when the XML breaks off."""
    from xml.parsers import expat

    try:
        while data := src.read(CHUNK):
            parser.Parse(data, False)
        parser.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError:
        return False
    return True


def _column_number(ref: str) -> int | None:
    letters = _CELL_COLUMN.match(ref)
    if letters is None:
        return None
    n = 0
    for ch in letters.group():
        n = n * 26 + ord(ch) - 64
    return n


def needed_strings(zf: zipfile.ZipFile, limits: Limits) -> set[int]:
    """Indices of the shared strings in the cells the sample reads: each sheet's first rows (as
    many as _sheet may look at), its first max_fields columns."""
    rows_read = BLANK_ROWS + LEAD_ROWS + HEADER_ROWS + limits.max_rows + 1  # a title or notes may sit above
    needed: set[int] = set()
    for name in (n for n in zf.namelist() if _SHEET.match(n)):
        state = {"rows": 0, "column": 0, "shared": False, "value": False}
        digits: list[str] = []

        def start(tag, attrs):
            local = tag.rpartition("}")[2]
            if local == "row":
                state["rows"] += 1
                state["column"] = 0
                if state["rows"] > rows_read:
                    raise _Stop
            elif local == "c":
                column = _column_number(attrs.get("r", ""))
                state["column"] = column if column is not None else state["column"] + 1
                state["shared"] = attrs.get("t") == "s" and state["column"] <= limits.max_fields
            elif local == "v" and state["shared"]:
                state["value"] = True
                digits.clear()

        def end(tag):
            local = tag.rpartition("}")[2]
            if local == "v" and state["value"]:
                state["value"] = False
                text = "".join(digits).strip()
                if text.isdigit():
                    needed.add(int(text))
            elif local == "c":
                state["shared"] = False

        def text(data):
            if state["value"] and len(digits) < 4:
                digits.append(data[:24])

        try:
            with zf.open(name) as src:
                _feed(_parser(start, end, text), src)
        except _PART_ERRORS:
            continue  # a sheet whose part does not inflate: openpyxl stops there too, and says so
    return needed


_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?sst\b[^>]*>")


def shared_strings(src, limits: Limits, unreadable: Unreadable, needed: set[int]) -> _Strings:
    """The strings at `needed` indices of sharedStrings.xml, streamed.

    The strings in between are passed over by counting their end tags, at the speed of
    bytes.count (a table can hold millions of strings no sample needs); each needed one is
    parsed alone by expat, inside the document's root tag, its text cut at value_cap characters
    as it is read. Reading stops after the last needed string, or once the strings kept take
    max_shared_strings bytes.
    """
    strings = _Strings(needed, unreadable,
                       f"xlsx text cell past {human_size(limits.max_shared_strings)} of shared strings")
    try:
        _read_strings(src, limits, strings)
    except _PART_ERRORS:
        strings.broken.update(needed - strings.kept.keys())  # the part does not inflate to the end
    return strings


def _read_strings(src, limits: Limits, strings: _Strings) -> None:
    needed = strings.needed
    wanted = sorted(needed)
    buf = src.read(CHUNK)
    root = _ROOT.search(buf)
    if not wanted or root is None or root.group(0).endswith(b"/>"):
        strings.broken.update(needed if root is None else ())
        return
    prefix = root.group(1) + b":" if root.group(1) else b""
    end_tag, close_root = b"</" + prefix + b"si>", b"</" + prefix + b"sst>"
    buf = buf[root.end():]
    index, used, at = 0, 0, 0  # at: the position in `wanted` of the next needed index
    element = None  # the needed string being parsed
    while at < len(wanted):
        cut = buf.find(end_tag)
        if cut < 0:  # no end in sight: parse or pass over all but what may start one, and read on
            keep = len(end_tag) - 1
            if element is None and index == wanted[at]:
                element = _Element(root.group(0), limits.value_cap)
            if len(buf) > keep:
                if element is not None:
                    element.feed(buf[:-keep])
                buf = buf[-keep:]
            more = src.read(CHUNK)
            if not more:
                break
            buf += more
            continue
        if element is None and index != wanted[at]:
            ends = buf.count(end_tag)
            if index + ends <= wanted[at]:  # every string in `buf` comes before the next needed one
                index += ends
                buf = buf[buf.rfind(end_tag) + len(end_tag):]
                continue
            index += 1
            buf = buf[cut + len(end_tag):]
            continue
        if element is None:
            element = _Element(root.group(0), limits.value_cap)
        element.feed(buf[:cut + len(end_tag)] + close_root)
        buf = buf[cut + len(end_tag):]
        value = element.value()
        element = None
        if value is None:
            strings.broken.add(index)
        else:
            used += sys.getsizeof(value) + 64
            if used > limits.max_shared_strings:
                break  # the rest is counted as cells ask for it
            strings.kept[index] = value
        index += 1
        at += 1
    if used <= limits.max_shared_strings:  # the document ended (or broke off) before them
        strings.broken.update(wanted[at:])


class _Element:
    """One <si> of the shared strings, parsed alone: its text, without phonetic guides (rPh),
    cut at `cap` characters; None when its XML does not parse."""

    def __init__(self, root: bytes, cap: int):
        self.parts: list[str] = []
        self.state = {"t": 0, "rph": 0, "kept": 0}
        self.cap = cap
        self.ok = True
        self.parser = _parser(self._start, self._end, self._text)
        self.feed(root)

    def _start(self, tag, _attrs):
        local = tag.rpartition("}")[2]
        if local == "t":
            self.state["t"] += 1
        elif local == "rPh":
            self.state["rph"] += 1

    def _end(self, tag):
        local = tag.rpartition("}")[2]
        if local == "t":
            self.state["t"] -= 1
        elif local == "rPh":
            self.state["rph"] -= 1

    def _text(self, data):
        room = self.cap - self.state["kept"]
        if self.state["t"] and not self.state["rph"] and room > 0:
            self.parts.append(data[:room])
            self.state["kept"] += min(room, len(data))

    def feed(self, data: bytes) -> None:
        from xml.parsers import expat

        if not self.ok:
            return
        try:
            self.parser.Parse(data, False)
        except (expat.ExpatError, _Stop):
            self.ok = False

    def value(self) -> str | None:
        from xml.parsers import expat

        try:
            if self.ok:
                self.parser.Parse(b"", True)
        except (expat.ExpatError, _Stop):
            self.ok = False
        return "".join(self.parts).replace("x005F_", "") if self.ok else None  # as openpyxl reads it


def _open(stream, limits: Limits, unreadable: Unreadable):
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import SHARED_STRINGS

    class Reader(ExcelReader):
        def read_strings(self):
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                needed = needed_strings(self.archive, limits)
                with self.archive.open(ct.PartName[1:]) as src:
                    self.shared_strings = shared_strings(src, limits, unreadable, needed)

    reader = Reader(stream, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def read_xlsx(stream, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    """`stream` must be seekable (a zip)."""
    unreadable = Unreadable() if unreadable is None else unreadable
    try:
        with zipfile.ZipFile(stream) as zf:
            # zipfile never yields more than the declared sizes: they bound what is decompressed
            declared = sum(i.file_size for i in zf.infolist())
        if declared > limits.max_decompressed:
            raise TooLarge(limits.max_decompressed, "xlsx contents")
        stream.seek(0)
        wb = _open(stream, limits, unreadable)
    except TooLarge:
        raise
    except Exception as e:  # noqa: BLE001 - openpyxl on a hostile file raises anything
        # openpyxl's messages can quote a cell ("invalid literal for int(): 'Kari Nordmann'"): only the type
        raise Corrupt(f"xlsx: the workbook does not open ({type(e).__name__})") from e
    try:
        fields: list[FieldSample] = []
        skipped: list[FieldSample] = []
        for ws in wb.worksheets:
            read, more = _sheet(ws, limits, limits.max_fields - len(fields), unreadable)
            fields += read
            skipped += more
        return fields + skipped
    finally:
        wb.close()


def _rows(ws, unreadable: Unreadable):
    """The sheet's rows (values only, as long as each row's own cells); a part that does not
    parse ends the sheet there, and is counted."""
    try:
        ws.reset_dimensions()  # a claimed A1:XFD1048576 must not pad every row to 16,384 cells
        yield from ws.iter_rows(values_only=True)
    except Exception:  # noqa: BLE001 - openpyxl on a hostile sheet raises anything
        unreadable[SHEET_STOPS] += 1


def _sheet(ws, limits: Limits, room: int, unreadable: Unreadable) -> tuple[list[FieldSample], list[FieldSample]]:
    """(fields read, the one skipped field for columns past the cap, if any)."""
    rows = _rows(ws, unreadable)
    top = next((r for r in islice(rows, BLANK_ROWS) if not all(_blank(c) for c in r)), None)
    if top is None:
        return [], []
    room = max(room, 0)
    # The header may sit under a title, notes and blank rows: each sheet is searched on its own.
    lead = [top, *islice(rows, LEAD_ROWS + HEADER_ROWS - 1)]
    at, start = table_start(lead, lambda row, under: is_header(
        row[:limits.max_fields], [r[:limits.max_fields] for r in under], limits.header_words))
    names: list[str | None] = []
    if at is not None:
        names = [None if _blank(c) else cap_name(str(c).strip()) for c in lead[at]]
    data = chain(lead[start:], rows)
    over = above(lead, at, start, limits.value_cap)
    columns: list[list] = []
    width = _width(lead[at]) if names else 0
    for row in islice(data, limits.max_rows):
        width = max(width, _width(row))
        for i, value in enumerate(row[:room]):
            while len(columns) <= i:
                columns.append([])
            if not _blank(value):
                columns[i].append(cap(value, limits.value_cap))
    while len(columns) < min(len(names), room):
        columns.append([])
    out = []
    for i, values in enumerate(columns):
        if values or i < len(names):  # trailing empty columns are formatting, not data
            out.append(FieldSample(f"{ws.title}!{_name(names, i)}", None, values))
    out.extend(above_field(over, f"{ws.title}!"))
    skipped = []
    if width > room:
        first, last = cap_name(_name(names, room), 64), cap_name(_name(names, width - 1), 64)
        name, reason = beyond_cap(f"{ws.title}!{first}", last, width - room, limits.max_fields, "columns",
                                  "of the workbook")
        skipped.append(FieldSample(name, None, [], skipped_reason=reason))
    return out, skipped


def _name(names: list[str | None], i: int) -> str:
    return names[i] if i < len(names) and names[i] else f"col{i + 1}"


def _width(row: tuple) -> int:
    """Columns up to the last one that holds something: trailing blanks are formatting."""
    n = len(row)
    while n and _blank(row[n - 1]):
        n -= 1
    return n
