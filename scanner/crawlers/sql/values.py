"""From database column types and values to what the detectors can read.

Text and numbers are kept as they are (numbers hold fødselsnumre and phone numbers); JSON is
flattened into field paths (`payload.kunde.telefon`); arrays into their elements; binary columns
are skipped and counted; types that cannot hold an identifier (dates, booleans) are passed over.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy import types as t

from scanner.model.values import (
    MAX_FIELDS,
    MAX_JSON_PATHS,
    MAX_NESTING,
    Unreadable,
    beyond_cap,
    cap,
    cap_name,
    flatten_json,
    looks_like_json,
)

__all__ = ["MAX_FIELDS", "MAX_NESTING", "Unreadable", "beyond_cap", "cap", "cap_name", "expand",
           "flatten_json", "kind_of", "looks_like_json", "type_name"]

BINARY = "binary"
JSON = "json"
ARRAY = "array"
SCALAR = "scalar"
PASSED_OVER = "passed_over"


def kind_of(column_type: sa.types.TypeEngine) -> str:
    if isinstance(column_type, (t.LargeBinary, t._Binary)) or type(column_type).__name__.upper() in (
        "BYTEA", "BLOB", "LONGBLOB", "MEDIUMBLOB", "TINYBLOB", "RAW", "VARBINARY", "IMAGE",
    ):
        return BINARY
    if isinstance(column_type, t.JSON) or type(column_type).__name__.upper() in ("JSON", "JSONB"):
        return JSON
    if isinstance(column_type, t.ARRAY):
        return ARRAY
    if isinstance(column_type, (t.Boolean, t.Date, t.DateTime, t.Time, t.Interval, t.Uuid)):
        return PASSED_OVER
    return SCALAR


def type_name(column_type: sa.types.TypeEngine) -> str:
    try:
        return str(column_type)
    except Exception:  # some reflected types cannot render without a dialect
        return type(column_type).__name__


def expand(column: str, kind: str, values: list, limit: int, unreadable: Counter | None = None) -> dict[str, list]:
    """Sampled values of one column as {field name: values}; values that cannot be read (JSON
    nested too deep) are counted in `unreadable`, and the column's other values still read."""
    if kind == SCALAR and looks_like_json(values):
        kind = JSON
    if kind == JSON:
        return _json_fields(column, values, limit, unreadable)
    if kind == ARRAY:
        return {f"{column}[]": [cap(x, limit) for v in values if v for x in v]}
    return {column: [cap(v, limit) for v in values]}



def _json_fields(column: str, values: list, limit: int, unreadable: Counter | None) -> dict[str, list]:
    """JSON documents flattened into field paths, kept row by row: a path that holds one value
    per document (`diff.felt`, `diff.fra`) has None where a row lacks it, so the values of two
    such paths at one index come from one document (an audit row's field name and its old
    value). Paths into lists (`adresser[].gate`) hold any number per row and are only gathered."""
    out: dict[str, list] = {}
    gathered: set[str] = set()
    for row, v in enumerate(values):
        if v is None:
            continue
        one: dict[str, list] = defaultdict(list)
        flatten_json(v, column, one, limit, unreadable)
        for path, found in one.items():
            if path not in out and len(out) >= MAX_JSON_PATHS:
                continue  # as flatten_json caps one document's paths, the column's are capped too
            have = out.setdefault(path, [])
            if path in gathered or "[]" in path or len(found) != 1:
                if path not in gathered:
                    gathered.add(path)
                    have[:] = [x for x in have if x is not None]
                have.extend(found)
                continue
            have.extend([None] * (row - len(have)))
            have.append(found[0])
    for path, have in out.items():
        if path not in gathered:
            have.extend([None] * (len(values) - len(have)))
    return out
