"""CSV and TSV: delimiter and header sniffing, tolerant of ragged rows and legacy encodings."""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain, islice

from scanner.formats.errors import Corrupt
from scanner.formats.header_words import NO_WORDS, HeaderWords
from scanner.formats.limits import Limits
from scanner.formats.text import iter_lines
from scanner.model.units import FieldSample
from scanner.model.values import Unreadable, beyond_cap, cap, cap_name

DELIMITERS = ",;\t|"
SNIFF_LINES = 50
SNIFF_CHARS = 1 << 20  # of the first lines: a row of 100,000 columns must not cost 50 such rows
SNIFFER_CHARS = 4096  # what csv.Sniffer sees: its regexes are quadratic on quote-rich text (5 s on 16 KiB)
HEADER_ROWS = 20  # rows below a candidate header it is compared with
MAX_JUDGED = 200  # columns of a candidate header that vote
# A header names columns; a cell with a run of digits or an @ is a value (fnr, phone, e-mail).
_VALUE_LIKE = re.compile(r"\d{3}|@")
_CAPITALISED = re.compile(r"[^\W\d_](?:[^\W\d_]|['-])*")
# A street address: a word, then a house number (Storgata 12, Kirkeveien 3B)
_ADDRESS_LIKE = re.compile(r"(?<![^\W\d_])[^\W\d_]{3,}\.? \d{1,3}[A-Za-z]?\Z")
JUDGED_CHARS = 128  # of a cell: what a name or a value looks like shows in its start


def sniff(lines: list[str]) -> str | None:
    """See _sniff; format detection and the reader ask about the same lines, so answers are kept."""
    return _sniff(tuple(lines))


@lru_cache(maxsize=8)  # the lines held are at most SNIFF_CHARS (plus one line) each time
def _sniff(lines: tuple[str, ...]) -> str | None:
    """The delimiter that splits the most rows into the same number (>= 2) of fields.

    csv.Sniffer's guess breaks ties: alone it is easily misled by commas inside
    Norwegian addresses in a semicolon file, so its pick is checked, not trusted.
    """
    try:
        text = "".join(lines)
        if len(text) > SNIFFER_CHARS:  # whole lines, where there is one within the cut
            text = text[: text.rfind("\n", 0, SNIFFER_CHARS) + 1] or text[:SNIFFER_CHARS]
        text = text.replace("\0", "\ufffd")
        preferred = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        preferred = None
    best, best_score = None, (0.0, 0)
    for d in ([preferred] if preferred else []) + list(DELIMITERS):
        score = _consistency(lines, d)
        if score > best_score:
            best, best_score = d, score
    return best if best_score[0] >= 0.6 else None


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    counts = [len(row) for row in csv_rows(lines, delimiter, Unreadable())]
    if len(counts) < 2:
        return (0.0, 0)
    width, n = Counter(counts).most_common(1)[0]
    return (n / len(counts), width) if width >= 2 else (0.0, 0)


def looks_like_header(cells: list, below: Iterable[list] = (), words: HeaderWords = NO_WORDS) -> bool:
    """Whether a first row names columns rather than holding values; `below` are the rows under it.

    Names are non-empty and distinct, and none holds a run of digits or an @ (a value). Each name
    then votes, the way csv.Sniffer.has_header compares a row with its columns: a word the
    column-name vocabulary knows votes header; a person's name or a street address votes data;
    a cell shaped like the values below it ("Ola Hansen" over "Kari Nordmann") votes data, one
    unlike a column whose values share a shape votes header. The row is a header when the
    header votes win, or when no cell looks like data at all. The vocabulary and the people's
    names are the caller's `words` (see header_words); without them, shapes alone vote.
    """
    names = [str(c).strip() if c is not None else "" for c in cells]
    if not names or not all(names) or len(set(names)) != len(names):
        return False
    return header_votes(list(enumerate(names)), below, words)


def header_votes(named: list[tuple[int, str]], below: Iterable[list], words: HeaderWords = NO_WORDS) -> bool:
    """looks_like_header for (column index, name) pairs: a sheet's header may leave columns blank."""
    named = [(i, n[:JUDGED_CHARS]) for i, n in named]
    if any(_VALUE_LIKE.search(n) for _, n in named):
        return False
    rows = [row for row in below]
    score, data_votes = 0, 0
    for i, name in named[:MAX_JUDGED]:
        vote = 0
        if _person_like(name, words):
            vote -= 1
        elif words.column_name(name):
            vote += 2
        elif _ADDRESS_LIKE.search(name):
            vote -= 1
        column = [v for v in (row[i] for row in rows if i < len(row)) if not _blank(v)]
        if column:
            vote += _shape_vote(name, column)
        score += vote
        data_votes += vote < 0
    return score > 0 or (score == 0 and not data_votes)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _person_like(name: str, words: HeaderWords) -> bool:
    """Words that are all capitalised, at least one of them a known first name or surname."""
    found = _CAPITALISED.findall(name)
    if not found or len(found) > 4 or not all(w[0].isupper() for w in found):
        return False
    known = words.person_name
    parts = [p.lower() for w in found for p in w.split("-") if p]
    return any(known(p) for p in parts) and (len(found) >= 2 or known(parts[0]))


class _Classes(dict):
    """str.translate table: upper-case letters to A, lower-case and other letters to a, digits to 9,
    spaces to a blank; punctuation stays. Filled as characters are met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = "A" if ch.isupper() else "a" if ch.isalpha() else "9" if ch.isdigit() else " " if ch.isspace() else ch
        self[code] = out
        return out


_CLASSES = _Classes()
_RUNS = re.compile(r"(.)\1+", re.S)


def _shape(value) -> str:
    """"Kari Nordmann" -> "Aa Aa", "Storgata 12" -> "Aa 9", "kari@example.no" -> "a@a.a"."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "9"
    if not isinstance(value, str):
        return type(value).__name__  # a date or time in a sheet
    return _RUNS.sub(r"\1", value.strip()[:64].translate(_CLASSES))


def _shape_vote(name: str, column: list) -> int:
    shapes = Counter(map(_shape, column))
    mine = _shape(name)
    share = shapes[mine] / len(column)
    if share >= 0.3:
        # shaped like the values below; one word ("Aa") is the shape of too many names to tell
        return -1 if len(mine) > 2 else 0
    dominant = shapes.most_common(1)[0][1] / len(column)
    return 1 if share == 0 and dominant >= 0.5 else 0


def first_lines(lines: Iterator[str]) -> list[str]:
    """The first SNIFF_LINES lines, fewer when they are long (but two at least: a row to compare)."""
    out: list[str] = []
    size = 0
    for line in lines:
        out.append(line)
        size += len(line)
        if len(out) >= SNIFF_LINES or (size >= SNIFF_CHARS and len(out) >= 2):
            break
    return out


def _no_nul(lines: Iterable[str]) -> Iterator[str]:
    # the csv module refuses a line with a NUL in it; the value around it is still worth reading
    for line in lines:
        yield line.replace("\0", "\ufffd") if "\0" in line else line


def _reason(e: csv.Error) -> str:
    """The csv module's message names the problem, never a value; kept to a fixed few all the same."""
    text = str(e)
    if "field larger than field limit" in text:
        return f"csv field longer than {csv.field_size_limit():,} characters"
    if "new-line character" in text:
        return "csv row with a bare carriage return"
    return "csv row does not parse"


def csv_rows(lines: Iterable[str], delimiter: str, unreadable: Unreadable) -> Iterator[list[str]]:
    """Non-blank rows; a row the csv module cannot parse is counted in `unreadable` and passed over.

    Every csv.Error has consumed at least the line it was raised on, so this ends.
    """
    reader = csv.reader(_no_nul(lines), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            unreadable[_reason(e)] += 1
            continue
        if any(c.strip() for c in row):
            yield row


def split_header(rows: Iterator[list[str]], words: HeaderWords = NO_WORDS
                 ) -> tuple[list[str] | None, Iterator[list[str]]]:
    """(the header row or None, the data rows): the first row is a header only when it does not
    look like the rows below it."""
    top = next(rows, None)
    if top is None:
        return None, iter(())
    below = list(islice(rows, HEADER_ROWS))
    if looks_like_header(top[:MAX_JUDGED], (r[:MAX_JUDGED] for r in below), words):
        return top, chain(below, rows)
    return None, chain([top], below, rows)


def read_csv(stream, limits: Limits, delimiter: str | None = None,
             unreadable: Unreadable | None = None) -> list[FieldSample]:
    """One field per column: the header's names, or col1, col2, … when the first row holds values.

    Columns past max_fields are not read; one skipped field stands for all of them. A row that
    does not parse is counted in `unreadable`; only a file none of whose rows parse is Corrupt.
    """
    unreadable = Unreadable() if unreadable is None else unreadable
    lines = iter_lines(stream, limits)
    first = first_lines(lines)
    delimiter = delimiter or sniff(first) or ","
    before = sum(unreadable.values())
    header, rows = split_header(csv_rows(chain(first, lines), delimiter, unreadable), limits.header_words)
    names = header_names(header, limits)
    columns: list[list] = [[] for _ in names]
    width = len(header) if header else 0
    read = 0
    for row in islice(rows, limits.max_rows):
        read += 1
        width = max(width, len(row))
        add_row(columns, row, limits)
    if not read and header is None and sum(unreadable.values()) > before:
        raise Corrupt("csv: no row parses")
    # Ragged rows longer than the header get positional names.
    fields = [FieldSample(names[i] if i < len(names) else f"col{i + 1}", None, values)
              for i, values in enumerate(columns)]
    if width > limits.max_fields:
        fields.append(beyond(limits, width, header))
    return fields


def add_row(columns: list[list], row: list[str], limits: Limits) -> None:
    """A row's cells onto their columns (up to the field cap); blank cells are not values."""
    for i, value in enumerate(row[: limits.max_fields]):
        while len(columns) <= i:
            columns.append([])
        if value.strip():
            columns[i].append(cap(value, limits.value_cap))


def header_names(header: list[str] | None, limits: Limits) -> list[str]:
    return [cap_name(c.strip()) for c in header[: limits.max_fields]] if header else []


def beyond(limits: Limits, width: int, header: list[str] | None = None) -> FieldSample:
    """The one skipped field that stands for columns max_fields+1 … width."""
    def name(i: int) -> str:
        return cap_name(header[i].strip(), 64) if header and i < len(header) and header[i].strip() else f"col{i + 1}"

    field, reason = beyond_cap(name(limits.max_fields), name(width - 1), width - limits.max_fields,
                               limits.max_fields)
    return FieldSample(field, None, [], skipped_reason=reason)


def read_tsv(stream, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    return read_csv(stream, limits, delimiter="\t", unreadable=unreadable)
