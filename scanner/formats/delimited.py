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
LEAD_ROWS = 10  # rows at the top of a table looked through for its header (titles, notes, blank lines)
MAX_JUDGED = 200  # columns of a candidate header that vote
# A header names columns; a cell with a run of digits or an @ is a value (fnr, phone, e-mail).
_VALUE_LIKE = re.compile(r"\d{3}|@")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT_OR_AT = re.compile(r"[\d@]")
# A word of running text: letters, perhaps joined by a hyphen or an apostrophe (e-post, don't)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
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


def is_phrase(field: str) -> bool:
    """Running text, not a value: three words or more, most of them words, two of them in lower
    case ("open the portal"). A name is capitalised words, an address or a code holds digits."""
    tokens = field.split()
    words = [t for t in tokens if _WORD.fullmatch(t.strip(".,:;!?()\"'"))]
    return len(words) >= 3 and len(words) * 3 >= len(tokens) * 2 and sum(w[0].islower() for w in words) >= 2


def is_sentence_row(line: str, delimiter: str) -> bool:
    """A line that is a sentence with the delimiter in it, not a record: writing puts a space
    after a comma (a CSV writer does not), no field is quoted, and most pieces are phrases."""
    pieces = line.rstrip("\r\n").split(delimiter)
    if len(pieces) < 2 or line.lstrip().startswith('"') or delimiter + '"' in line:
        return False
    if not all(p[:1].isspace() for p in pieces[1:] if p):
        return False
    return sum(map(is_phrase, pieces)) * 2 > len(pieces)


def running_text(lines: list[str], delimiter: str) -> bool:
    """Whether lines the delimiter splits are prose (a manual, a letter): most of the lines that
    hold it are sentences. Judged on lines, so a record spread over lines by quotes is not."""
    split = [line for line in lines if delimiter in line]
    return bool(split) and sum(is_sentence_row(line, delimiter) for line in split) * 2 >= len(split)


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    counts = [len(row) for row in csv_rows(lines, delimiter, Unreadable())]
    if len(counts) < 2:
        return (0.0, 0)
    width, n = Counter(counts).most_common(1)[0]
    return (n / len(counts), width) if width >= 2 else (0.0, 0)


def looks_like_header(cells: list, below: Iterable[list] = (), words: HeaderWords = NO_WORDS) -> bool:
    """Whether a first row names columns rather than holding values; `below` are the rows under it.

    Names are non-empty and distinct, and none is a value on its own (an @, or no letters at
    all). Each name then votes, the way csv.Sniffer.has_header compares a row with its columns:
    a word the column-name vocabulary knows votes header; a person's name, a street address or
    a run of digits votes data; a cell shaped like the values below it ("Ola Hansen" over "Kari
    Nordmann") votes data, one unlike a column whose values share a shape votes header, and so
    does a label (letters only: "Tlf.", "E-post adresse") over a column of numbers, dates,
    identifiers or e-mails however varied. The row is a header when the header votes win, or
    when no cell looks like data at all. The vocabulary and the people's names are the caller's
    `words` (see header_words); without them, shapes alone vote.
    """
    names = [str(c).strip() if c is not None else "" for c in cells]
    rows = [row for row in below]
    # Trailing empty cells (an export's `a;b;c;`) name no column, so long as no row below fills them.
    names = names[:max(_extent(names), max((_extent(r) for r in rows), default=0))]
    if not names or not all(names) or len(set(names)) != len(names):
        return False
    return header_votes(list(enumerate(names)), rows, words)


def header_votes(named: list[tuple[int, str]], below: Iterable[list], words: HeaderWords = NO_WORDS) -> bool:
    """looks_like_header for (column index, name) pairs: a sheet's header may leave columns blank."""
    named = [(i, n[:JUDGED_CHARS]) for i, n in named]
    if any(_pure_value(n) for _, n in named):
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
        # "Forbruk 2023" may head a column, but a digit run is what values hold: it counts against
        valued = bool(_VALUE_LIKE.search(name))
        vote -= valued
        column = [v for v in (row[i] for row in rows if i < len(row)) if not _blank(v)]
        if column:
            vote += _shape_vote(name, column) or _kind_vote(name, column)
        score += vote
        data_votes += vote < 0 or valued
    return score > 0 or (score == 0 and not data_votes)


def _pure_value(cell: str) -> bool:
    """A cell no header holds: an e-mail, or no letters at all (a number, a date, an identifier)."""
    return "@" in cell or not _LETTER.search(cell)


def is_label(cell) -> bool:
    """Text that can name a column: letters, with spaces and punctuation (Tlf., E-post adresse,
    Fødselsdato), and none of what values are made of (digits, an @)."""
    return isinstance(cell, str) and bool(_LETTER.search(cell)) and not _DIGIT_OR_AT.search(cell)


def _value_kind(value) -> bool:
    """A value of another kind than a label: a number or date cell, or text holding digits or an @."""
    return not isinstance(value, str) or bool(_DIGIT_OR_AT.search(value))


def _kind_vote(name: str, column: list) -> int:
    """A label over a column that mostly holds numbers, dates, identifiers or e-mails names it,
    however varied their shapes (phones written three ways, e-mails of every form)."""
    if not is_label(name):
        return 0
    return 1 if sum(map(_value_kind, column)) >= 0.6 * len(column) else 0


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


def _filled(row) -> int:
    return sum(not _blank(c) for c in row)  # rows here are clipped to MAX_JUDGED cells


def _extent(row) -> int:
    """Cells up to the last one that holds something: trailing blanks are formatting."""
    n = len(row)
    while n and _blank(row[n - 1]):
        n -= 1
    return n


def table_width(rows: list) -> int:
    """The width most rows fill (the wider one on a tie): the table's, where titles are one cell."""
    counts = Counter(_extent(r) for r in rows if _filled(r))
    return max(counts, key=lambda w: (counts[w], w)) if counts else 0


def is_title(row, width: int) -> bool:
    """One cell of words over a wider table: a title or a note ("Kundeliste per 01.05.2024"),
    never a header (a header names the columns, not one of them) and not a record."""
    cells = [c for c in row if not _blank(c)]
    return len(cells) == 1 and width >= 2 and isinstance(cells[0], str) and bool(_LETTER.search(cells[0]))


def _sparse(row, width: int) -> bool:
    """Filling at most half the table's columns: group names over a header, a note, or a header
    that names only some columns."""
    return _filled(row) < width and _filled(row) * 2 <= width


def _all_labels(row) -> bool:
    return all(is_label(c) for c in row if not _blank(c))


def table_start(rows: list, judge) -> tuple[int | None, int]:
    """(index of the header row or None, index of the first data row) among a table's first rows.

    `judge(row, below)` says whether a row names the columns of the rows below it. Titles and
    notes above a table (one cell of words), blank rows, and a header's upper row (group names
    over some columns, or repeated labels) are passed over; the rows of neither kind are data.
    Only LEAD_ROWS rows are looked through: a table does not start further down.
    """
    # The layout is judged on the first MAX_JUDGED cells: a row of 100,000 must not cost that many
    # steps for each row looked through.
    clipped = [r[:MAX_JUDGED] for r in rows[:LEAD_ROWS + HEADER_ROWS]]
    lead = [k for k in range(min(len(rows), LEAD_ROWS)) if _filled(clipped[k])]

    def below(k: int) -> list:
        return [r for r, c in zip(rows[k + 1:k + 1 + HEADER_ROWS], clipped[k + 1:]) if _filled(c)]

    for n, k in enumerate(lead):
        row, under = clipped[k], below(k)
        width = table_width([r[:MAX_JUDGED] for r in under])
        if is_title(row, width):
            continue
        sparse = _sparse(row, width)
        if not sparse and judge(rows[k], under):
            return k, k + 1
        after = lead[n + 1] if n + 1 < len(lead) else None
        if (sparse or _all_labels(row)) and after is not None and not _sparse(clipped[after], width) \
                and judge(rows[after], below(after)):
            return after, after + 1  # the header is the second of two header rows
        if sparse and judge(rows[k], under):
            return k, k + 1  # a header that leaves columns unnamed
        return None, k
    return None, 0  # nothing but titles in sight: read them as values rather than lose a table


# The rows above a table's header (a title, notes, a group row): neither names nor data, but
# text that may name a person ("Kundeliste for Kari Nordmann"), read as running text.
ABOVE = "(above the table)"


def above(lead: list, at: int | None, start: int, value_cap: int) -> list[str]:
    """The text of the rows before the data that are not its header, a line per row."""
    out = []
    for k, row in enumerate(lead[:start]):
        if k != at:
            line = " ".join(str(c).strip() for c in row if not _blank(c))
            if line:
                out.append(line[:value_cap])
    return out


def above_field(texts: list[str], prefix: str = "") -> list[FieldSample]:
    return [FieldSample(prefix + ABOVE, None, texts, unstructured=True)] if texts else []


def split_header(rows: Iterator[list[str]], words: HeaderWords = NO_WORDS, value_cap: int = 4096
                 ) -> tuple[list[str] | None, Iterator[list[str]], list[str]]:
    """(the header row or None, the data rows, the text above the table): a row is a header only
    when it does not look like the rows below it; titles and notes above the table are neither
    (see table_start), and come back as text."""
    lead = list(islice(rows, LEAD_ROWS + HEADER_ROWS))
    if not lead:
        return None, iter(()), []
    at, start = table_start(lead, lambda row, under: looks_like_header(
        row[:MAX_JUDGED], (r[:MAX_JUDGED] for r in under), words))
    return (lead[at] if at is not None else None), chain(lead[start:], rows), above(lead, at, start, value_cap)


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
    header, rows, over = split_header(csv_rows(chain(first, lines), delimiter, unreadable), limits.header_words,
                                      limits.value_cap)
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
    fields = column_fields(names, columns) + above_field(over)
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
    """The header's names; its empty cells at the end (an export's `a;b;c;`) name no column."""
    return [cap_name(c.strip()) for c in header[: min(_extent(header), limits.max_fields)]] if header else []


def column_fields(names: list[str], columns: list[list]) -> list[FieldSample]:
    """One field per column. Ragged rows longer than the header get positional names; empty
    columns past the header's names and past the last value are a delimiter at each line's end."""
    n = len(columns)
    while n > len(names) and not columns[n - 1]:
        n -= 1
    return [FieldSample(names[i] if i < len(names) else f"col{i + 1}", None, columns[i]) for i in range(n)]


def beyond(limits: Limits, width: int, header: list[str] | None = None) -> FieldSample:
    """The one skipped field that stands for columns max_fields+1 … width."""
    def name(i: int) -> str:
        return cap_name(header[i].strip(), 64) if header and i < len(header) and header[i].strip() else f"col{i + 1}"

    field, reason = beyond_cap(name(limits.max_fields), name(width - 1), width - limits.max_fields,
                               limits.max_fields)
    return FieldSample(field, None, [], skipped_reason=reason)


def read_tsv(stream, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    return read_csv(stream, limits, delimiter="\t", unreadable=unreadable)
