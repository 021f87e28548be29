"""From database column types and values to what the detectors can read.

Text and numbers are kept as they are (numbers hold fødselsnumre and phone numbers); JSON is
flattened into field paths (`payload.kunde.telefon`); arrays into their elements; binary columns
are skipped and counted; types that cannot hold an identifier (dates, booleans) are passed over.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy import types as t

from scanner.crawlers.caps import (
    MAX_FIELDS, MAX_KEY, MAX_NAME, MAX_NESTING, TooDeep, Unreadable, beyond_cap, cap_name, parse_json,
)

__all__ = ["MAX_FIELDS", "MAX_NESTING", "Unreadable", "beyond_cap", "cap", "cap_columns", "cap_name", "expand",
           "flatten_json", "json_text", "kind_of", "looks_like_json", "type_name"]

BINARY = "binary"
JSON = "json"
ARRAY = "array"
SCALAR = "scalar"
PASSED_OVER = "passed_over"
MAX_JSON_PATHS = 200  # per column: a document store in one column must not explode the report


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


def cap(value, limit: int):
    if isinstance(value, str) and len(value) > limit:
        return value[:limit]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None  # binary in a text-typed column (SQLite): nothing the detectors can read
    return value


def json_text(text: str) -> str:
    """The JSON a driver fetched, kept as text: flatten_json parses it within the nesting limit."""
    return text


def flatten_json(value, prefix: str, out: dict[str, list], limit: int, unreadable: Counter | None = None,
                 max_nesting: int = MAX_NESTING) -> None:
    """Leaves of a JSON document under dotted paths; list items share the path `name[]`.

    A part nested deeper than max_nesting is left out and counted in `unreadable`; the rest of
    the document is still read.
    """
    if isinstance(value, str):
        try:
            value = parse_json(value, max_nesting)
        except TooDeep as e:
            if unreadable is not None:
                unreadable[e.reason] += 1
            return
        except ValueError:
            out[prefix].append(cap(value, limit))
            return
    stack = [(prefix, value, 0)]
    while stack:
        path, node, depth = stack.pop()
        if isinstance(node, (dict, list)) and depth >= max_nesting:
            # a document a driver handed over already parsed can be as deep as it likes
            if unreadable is not None:
                unreadable[TooDeep(max_nesting).reason] += 1
        elif isinstance(node, dict):
            for key, child in node.items():
                stack.append((cap_name(f"{path}.{cap_name(str(key), MAX_KEY)}", MAX_NAME), child, depth + 1))
        elif isinstance(node, list):
            for child in node:
                stack.append((f"{path}[]", child, depth + 1))
        elif node is not None and not isinstance(node, bool):
            if path in out or len(out) < MAX_JSON_PATHS:
                out[path].append(cap(node, limit))


def looks_like_json(values: list) -> bool:
    """Text columns that hold JSON documents (MariaDB's JSON type is LONGTEXT underneath)."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return False
    docs = 0
    for v in texts:
        v = v.strip()
        if v[0] in "{[" and v[-1] in "}]":
            try:
                parse_json(v)
                docs += 1
            except TooDeep:
                docs += 1  # JSON all the same: flatten_json counts it as unreadable
            except ValueError:
                pass
    return docs >= 0.8 * len(texts)


def expand(column: str, kind: str, values: list, limit: int, unreadable: Counter | None = None) -> dict[str, list]:
    """Sampled values of one column as {field name: values}; values that cannot be read (JSON
    nested too deep) are counted in `unreadable`, and the column's other values still read."""
    if kind == SCALAR and looks_like_json(values):
        kind = JSON
    if kind == JSON:
        out: dict[str, list] = defaultdict(list)
        for v in values:
            if v is not None:
                flatten_json(v, column, out, limit, unreadable)
        return dict(out)
    if kind == ARRAY:
        return {f"{column}[]": [cap(x, limit) for v in values if v for x in v]}
    return {column: [cap(v, limit) for v in values]}


def cap_columns(columns: list[dict], limit: int = MAX_FIELDS) -> tuple[list[dict], list[tuple[str, str]]]:
    """The first `limit` columns of a table, and one (field, reason) standing for the rest: a table
    of thousands of columns is read like a wide file, with one skipped record and not thousands."""
    if len(columns) <= limit:
        return columns, []
    rest = columns[limit:]
    return columns[:limit], [beyond_cap(rest[0]["name"], rest[-1]["name"], len(rest), limit, "columns")]
