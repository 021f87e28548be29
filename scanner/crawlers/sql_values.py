"""From database column types and values to what the detectors can read.

Text and numbers are kept as they are (numbers hold fødselsnumre and phone numbers); JSON is
flattened into field paths (`payload.kunde.telefon`); arrays into their elements; binary columns
are skipped and counted; types that cannot hold an identifier (dates, booleans) are passed over.
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy import types as t

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


def flatten_json(value, prefix: str, out: dict[str, list], limit: int) -> None:
    """Leaves of a JSON document under dotted paths; list items share the path `name[]`."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            out[prefix].append(cap(value, limit))
            return
    stack = [(prefix, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                stack.append((f"{path}.{key}", child))
        elif isinstance(node, list):
            for child in node:
                stack.append((f"{path}[]", child))
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
                json.loads(v)
                docs += 1
            except ValueError:
                pass
    return docs >= 0.8 * len(texts)


def expand(column: str, kind: str, values: list, limit: int) -> dict[str, list]:
    """Sampled values of one column as {field name: values}."""
    if kind == SCALAR and looks_like_json(values):
        kind = JSON
    if kind == JSON:
        out: dict[str, list] = defaultdict(list)
        for v in values:
            if v is not None:
                flatten_json(v, column, out, limit)
        return dict(out)
    if kind == ARRAY:
        return {f"{column}[]": [cap(x, limit) for v in values if v for x in v]}
    return {column: [cap(v, limit) for v in values]}
