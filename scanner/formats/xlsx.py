"""XLSX via openpyxl in read-only mode: every sheet, header row detected, fields named "Sheet!Header"."""

from __future__ import annotations

import zipfile
from itertools import islice

from scanner.crawlers.base import FieldSample
from scanner.crawlers.sql_values import cap
from scanner.formats.delimited import looks_like_header
from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.limits import Limits

BLANK_ROWS = 1000  # leading empty rows skipped before a sheet counts as empty


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def is_header(row: tuple) -> bool:
    """Mostly strings, and none of them looks like a value."""
    cells = [c for c in row if not _blank(c)]
    strings = [c for c in cells if isinstance(c, str)]
    return bool(cells) and len(strings) * 2 > len(cells) and looks_like_header(strings)


def read_xlsx(stream, limits: Limits) -> list[FieldSample]:
    """`stream` must be seekable (a zip)."""
    import openpyxl

    try:
        with zipfile.ZipFile(stream) as zf:
            # openpyxl loads shared strings whole; zipfile never yields more than the declared sizes.
            declared = sum(i.file_size for i in zf.infolist())
        if declared > limits.max_decompressed:
            raise TooLarge(limits.max_decompressed, "xlsx contents")
        stream.seek(0)
        wb = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        # openpyxl's messages can quote a cell ("invalid literal for int(): 'Kari Nordmann'"): only the type
        raise Corrupt(f"xlsx: the workbook does not open ({type(e).__name__})") from e
    try:
        fields: list[FieldSample] = []
        for ws in wb.worksheets:
            fields.extend(_sheet(ws, limits, limits.max_fields - len(fields)))
        return fields
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as e:
        raise Corrupt(f"xlsx: a sheet does not read ({type(e).__name__})") from e
    finally:
        wb.close()


def _sheet(ws, limits: Limits, room: int) -> list[FieldSample]:
    rows = ws.iter_rows(values_only=True)
    top = next((r for r in islice(rows, BLANK_ROWS) if not all(_blank(c) for c in r)), None)
    if top is None or room <= 0:
        return []
    names: list[str | None] = []
    if is_header(top):
        names = [None if _blank(c) else str(c).strip() for c in top]
        data = rows
    else:
        data = [top, *islice(rows, limits.max_rows - 1)]
    columns: list[list] = []
    for row in islice(data, limits.max_rows):
        for i, value in enumerate(row[:room]):
            while len(columns) <= i:
                columns.append([])
            if not _blank(value):
                columns[i].append(cap(value, limits.value_cap))
    while len(columns) < min(len(names), room):
        columns.append([])
    out = []
    for i, values in enumerate(columns):
        name = names[i] if i < len(names) and names[i] else f"col{i + 1}"
        if values or i < len(names):  # trailing empty columns are formatting, not data
            out.append(FieldSample(f"{ws.title}!{name}", None, values))
    return out
