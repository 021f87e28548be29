"""CSV and TSV: delimiter and header sniffing, tolerant of ragged rows and legacy encodings."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from collections import Counter
from itertools import chain, islice

from scanner.crawlers.base import FieldSample
from scanner.crawlers.sql_values import cap
from scanner.formats.errors import Corrupt
from scanner.formats.limits import Limits
from scanner.formats.text import iter_lines

DELIMITERS = ",;\t|"
SNIFF_LINES = 50
# A header names columns; a cell with a run of digits or an @ is a value (fnr, phone, e-mail).
_VALUE_LIKE = re.compile(r"\d{3}|@")


def sniff(lines: list[str]) -> str | None:
    """See _sniff; format detection and the reader ask about the same lines, so answers are kept."""
    return _sniff(tuple(lines))


@lru_cache(maxsize=32)
def _sniff(lines: tuple[str, ...]) -> str | None:
    """The delimiter that splits the most rows into the same number (>= 2) of fields.

    csv.Sniffer's guess breaks ties: alone it is easily misled by commas inside
    Norwegian addresses in a semicolon file, so its pick is checked, not trusted.
    """
    try:
        preferred = csv.Sniffer().sniff("".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        preferred = None
    best, best_score = None, (0.0, 0)
    for d in ([preferred] if preferred else []) + list(DELIMITERS):
        score = _consistency(lines, d)
        if score > best_score:
            best, best_score = d, score
    return best if best_score[0] >= 0.6 else None


def _consistency(lines: list[str], delimiter: str) -> tuple[float, int]:
    try:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return (0.0, 0)
    if len(counts) < 2:
        return (0.0, 0)
    width, n = Counter(counts).most_common(1)[0]
    return (n / len(counts), width) if width >= 2 else (0.0, 0)


def looks_like_header(cells: list) -> bool:
    names = [str(c).strip() for c in cells]
    return bool(names) and all(names) and len(set(names)) == len(names) and not any(
        _VALUE_LIKE.search(n) for n in names
    )


def read_csv(stream, limits: Limits, delimiter: str | None = None) -> list[FieldSample]:
    """One field per column: the header's names, or col1, col2, … when the first row holds values."""
    lines = iter_lines(stream, limits)
    first = list(islice(lines, SNIFF_LINES))
    delimiter = delimiter or sniff(first) or ","
    rows = (r for r in csv.reader(chain(first, lines), delimiter=delimiter) if any(c.strip() for c in r))
    names: list[str] = []
    columns: list[list] = []
    try:
        top = next(rows, None)
        dropped: list[str] = []
        if top is not None and looks_like_header(top):
            names = [c.strip() for c in top[: limits.max_fields]]
            dropped = [c.strip() for c in top[limits.max_fields:]]
        elif top is not None:
            rows = chain([top], rows)
            dropped = [f"col{i + 1}" for i in range(limits.max_fields, len(top))]
        for row in islice(rows, limits.max_rows):
            for i, value in enumerate(row[: limits.max_fields]):
                while len(columns) <= i:
                    columns.append([])
                if value.strip():
                    columns[i].append(cap(value, limits.value_cap))
    except csv.Error as e:  # a quoted field running past the field size limit, a NUL byte
        raise Corrupt(f"csv: {e}") from e
    while len(columns) < len(names):
        columns.append([])
    # Ragged rows longer than the header get positional names.
    return [
        FieldSample(names[i] if i < len(names) else f"col{i + 1}", None, values) for i, values in enumerate(columns)
    ] + [FieldSample(name, None, [], skipped_reason=beyond(limits)) for name in dropped]


def beyond(limits: Limits) -> str:
    return f"beyond the first {limits.max_fields} fields of a wide file: not read"


def read_tsv(stream, limits: Limits) -> list[FieldSample]:
    return read_csv(stream, limits, delimiter="\t")
