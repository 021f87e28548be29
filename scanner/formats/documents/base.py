"""What every document reader fills: running text by its place in the document, tables, fields,
attachments read through the same readers, and the document's counts for the dataset record.

A reader (pdf, office, mail, …) takes a binary stream and a `Document` and calls `text`, `table`,
`values` and `attachment` as it goes; `Document.sample` turns what it was given into a Sample.
Field names say where a finding sits: `page 3`, `body`, `table 1: Fødselsnummer`, `header.From`,
`attachment beboere.csv#epost`.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, fields, replace

from scanner.formats.delimited import looks_like_header, table_start
from scanner.formats.errors import FormatError, TooLarge
from scanner.formats.limits import Limits
from scanner.formats.text import paragraphs
from scanner.model.units import FieldSample
from scanner.model.values import Unreadable, cap_name

# A line that ends inside a number a page's line wrap cut: two digit groups ("telefon 97 33") or a
# group and its separator ("098636-"), before a line that starts with digits.
_CUT_NUMBER = re.compile(r"(?:\d+[ .-]\d+|\d[.-])$")


def safe_reason(e: BaseException) -> str:
    """A library's message as a reason: its first words only, up to anything quoted from the file
    (after a colon, in quotes or brackets); long digit runs left out."""
    text = (str(e).strip().splitlines() or [""])[0]
    text = re.split(r"""b'|b"|['"(\[{<]|: """, text)[0]
    return re.sub(r"\d{5,}", "…", text).strip(" :.,")[:120] or "no message"


def rejoin_numbers(text: str) -> str:
    """Numbers cut by a line wrap (PDF text layers and OCR keep the page's lines) joined again, so
    a phone number or fødselsnummer across two lines reads as one; an address block's
    "Storgata 12" over "0150 Oslo" stays apart (one digit group on the line above)."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        before = out[-1]
        if line[:1].isdigit() and _CUT_NUMBER.search(before[-40:]):
            out[-1] = before + ("" if before.endswith((".", "-")) else " ") + line
        else:
            out.append(line)
    return "\n".join(out)


@dataclass
class DocStats:
    """What was read of the documents of a dataset: the dataset record's `document` key."""

    documents: int = 0
    pages: int = 0  # pages (PDF, TIFF frames) and images read, by text layer or OCR
    pages_ocr: int = 0  # of those, read by OCR
    pages_not_read: int = 0  # past the page limit, the document's time or the scan's OCR budget
    characters: int = 0  # of text taken from the documents
    attachments: int = 0  # read through the readers (e-mail attachments, embedded files)
    seconds: float = 0.0  # reading the documents, OCR included
    ocr_seconds: float = 0.0

    def add(self, other: DocStats | None) -> None:
        if other is not None:
            for f in fields(self):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def __bool__(self) -> bool:
        return self.documents > 0

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["seconds"] = round(self.seconds, 3)
        out["ocr_seconds"] = round(self.ocr_seconds, 3)
        return out


def _same_shape(a: FieldSample, b: FieldSample) -> bool:
    return a.unstructured == b.unstructured and a.dataset_level == b.dataset_level


class Document:
    """The fields, skips and counts of one document as a reader finds them.

    Running text goes through `paragraphs` (a letter's address block stays together) and is
    judged as free text; table columns and header fields are judged as columns. Text past the
    document's character budget (`limits.max_bytes`) is left out and counted.
    """

    def __init__(self, name: str | None, limits: Limits, depth: int = 0, read_nested=None):
        self.name = name
        # reads a file found inside this one: scanner.formats.reader's own entry, handed in so
        # that documents and the reader that dispatches to them do not import each other
        self.read_nested = read_nested
        self.limits = limits
        self.depth = depth
        self.fields: dict[str, FieldSample] = {}
        self.skipped: list[tuple[str, str]] = []  # (part of the document, reason)
        self.warnings: list[str] = []
        self.unreadable = Unreadable()
        self.stats = DocStats(documents=1)
        self.mismatches: list[str] = []
        self._budget = limits.max_bytes
        self._started = time.monotonic()
        self._tables = 0

    # -- what readers call --------------------------------------------------------------------
    @property
    def full(self) -> bool:
        """The character budget is spent: a reader may stop reading."""
        return self._budget <= 0

    def out_of_time(self) -> bool:
        """The document has had its time (`limits.document_seconds`): count the rest, stop."""
        return time.monotonic() - self._started > self.limits.document_seconds

    def text(self, place: str, text: str | None) -> None:
        """Running text found at `place` (`page 3`, `body`, `header`, `comments`)."""
        if not text or not text.strip():
            return
        if self._budget <= 0:
            self.unreadable[f"text past {self._budget_words()} of a document"] += 1
            return
        text = rejoin_numbers(text)
        if len(text) > self._budget:
            self.unreadable[f"text past {self._budget_words()} of a document"] += 1
            text = text[: max(0, self._budget)]
        self._budget -= len(text)
        self.stats.characters += len(text)
        values = list(paragraphs(text.splitlines(), self.limits.value_cap))
        self._add(FieldSample(cap_name(place), None, values, unstructured=True))

    def values(self, place: str, values: list, declared_type: str | None = None) -> None:
        """Values of one field (a header, a metadata entry, a table column): judged as a column."""
        kept = []
        for v in values:
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            v = v if not isinstance(v, str) else v[: self.limits.value_cap]
            self._budget -= len(str(v))
            self.stats.characters += len(str(v))
            kept.append(v)
        if kept:
            self._add(FieldSample(cap_name(place), declared_type, kept))

    def table(self, rows: list[list], label: str | None = None, sep: str = ": ") -> None:
        """A table (a DOCX or ODT table, a spreadsheet): its header row names the columns
        (`table 2: Fødselsnummer`); a table without one has `table 2: column 3`. `label` names
        it instead of its number, `sep` joins the two (a sheet: `Kunder!Navn`, as in XLSX)."""
        self._tables += 1
        label = label or f"table {self._tables}"
        rows = [[("" if c is None else str(c)).strip() for c in row] for row in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        at, first = table_start(rows, lambda row, under: looks_like_header(row, under, self.limits.header_words))
        if at is None:
            names, body = [f"column {i + 1}" for i in range(width)], rows
        else:
            names = [h or f"column {i + 1}" for i, h in enumerate(rows[at])]
            body = rows[max(first, at + 1):]
            if at > 0:  # a title above the header: text
                self.text(label, "\n".join(" ".join(c for c in r if c) for r in rows[:at]))
        seen: dict[str, int] = {}
        for i, name in enumerate(names[: self.limits.max_fields]):
            n = seen[name] = seen.get(name, 0) + 1
            column = [r[i] for r in body[: self.limits.max_rows]]
            if width == 1 and at is None:
                self.text(f"{label}", "\n".join(column))  # a one-column table is a list of lines
            else:
                self.values(f"{label}{sep}{name}" + (f" ({n})" if n > 1 else ""), column)
        if len(names) > self.limits.max_fields:
            self.skipped.append((f"{label}{sep}{names[self.limits.max_fields]}…",
                                 f"columns beyond the first {self.limits.max_fields}: not read"))

    def attachment(self, filename: str, data, prefix: str = "attachment") -> None:
        """A file inside the document (an e-mail attachment, an embedded object), read through the
        same readers: its fields are `attachment NAME#field`, its problems the document's.
        `data`: bytes, or a seekable binary file (a large attachment spooled to disk)."""
        place = f"{prefix} {filename}"
        if data is None:
            self.skipped.append((place, "no content"))
            return
        if isinstance(data, (bytes, bytearray, memoryview)):
            size, stream = len(data), io.BytesIO(data)
        else:
            size, stream = data.seek(0, io.SEEK_END), data
            stream.seek(0)
        if size > self.limits.max_decompressed:
            self.skipped.append((place, str(TooLarge(self.limits.max_decompressed, place))))
            return
        if self.full:
            self.skipped.append((place, "not read: the document's text budget (--read-bytes) is spent"))
            return
        if self.depth + 1 > self.limits.max_depth:
            self.skipped.append((place, f"nested more than {self.limits.max_depth} deep: not read"))
            return
        if self.read_nested is None:
            self.skipped.append((place, "not read: no reader for files inside documents here"))
            return
        try:
            inner = self.read_nested(stream, filename, replace(self.limits, max_bytes=max(0, self._budget)),
                                     self.depth + 1)
        except FormatError as e:
            self.skipped.append((place, str(e)))
            return
        except RecursionError:
            self.skipped.append((place, "corrupt: nested too deep to parse"))
            return
        except Exception as e:  # noqa: BLE001 - a library's failure on one attachment fails only it
            self.skipped.append((place, f"corrupt: {type(e).__name__}: {safe_reason(e)}"))
            return
        self.stats.attachments += 1
        for f in inner.fields:
            inner_name = "" if f.dataset_level else f"#{f.name}"
            self._add(replace(f, name=cap_name(f"{place}{inner_name}"), dataset_level=False,
                              unstructured=f.unstructured or f.dataset_level))
        self.skipped += [(f"{place}#{part}", reason) for part, reason in inner.skipped]
        self.warnings += [f"{place}: {w}" for w in inner.warnings]
        self.mismatches += inner.mismatches
        self.unreadable.update(inner.unreadable)
        if inner.document is not None:
            got = replace(inner.document, documents=0, seconds=0.0)  # its time is within ours
            self.stats.add(got)
        self._budget -= sum(len(str(v)) for f in inner.fields for v in f.values)

    def skip(self, part: str, reason: str) -> None:
        self.skipped.append((part, reason))

    # -- the result ---------------------------------------------------------------------------
    def finish(self) -> list[FieldSample]:
        """The fields found, at most max_fields (one skipped part stands for the rest); the time
        taken goes into the counts."""
        self.stats.seconds = time.monotonic() - self._started
        # running text is bounded by the pages and characters read: a 500-page PDF keeps its pages
        text = [f for f in self.fields.values() if f.unstructured]
        found = [f for f in self.fields.values() if not f.unstructured]
        if len(found) > self.limits.max_fields:
            extra = found[self.limits.max_fields:]
            found = found[: self.limits.max_fields]
            self.skipped.append((f"{extra[0].name}…{extra[-1].name}" if len(extra) > 1 else extra[0].name,
                                 f"{len(extra)} more parts beyond the first {self.limits.max_fields}: not read"))
        kept = {id(f) for f in (*text, *found)}
        return [f for f in self.fields.values() if id(f) in kept]  # in the document's order

    def _add(self, f: FieldSample) -> None:
        have = self.fields.get(f.name)
        # running text is bounded by the character budget; a column by max_rows values
        room = len(f.values) if f.unstructured else self.limits.max_rows - (len(have.values) if have else 0)
        if len(f.values) > max(0, room):
            self.unreadable[f"values past the first {self.limits.max_rows} of a field"] += len(f.values) - max(0, room)
        if have is not None and _same_shape(have, f):
            have.values.extend(f.values[: max(0, room)])
        elif have is None:
            f.values = f.values[: max(0, room)]
            self.fields[f.name] = f
        else:  # the same place as text and as a column: both kept, told apart
            self._add(replace(f, name=f"{f.name} ({'text' if f.unstructured else 'values'})"))

    def _budget_words(self) -> str:
        from scanner.formats.limits import human_size

        return human_size(self.limits.max_bytes)

