"""What one value, line or cell may cost, shared by the database crawler and the format readers.

A value past a cap (JSON nested too deep) is counted per reason and left out; it never fails
more than itself, and the dataset record says how many there were (`unreadable`). This module
imports nothing of the scanner, so both `scanner.formats` and `sql_values` can use it.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from itertools import accumulate

# Levels of JSON objects and arrays read. Deeper documents are hostile or broken: json.loads
# would recurse into a RecursionError, and ijson's prefixes cost O(depth²) memory.
MAX_NESTING = 256
# Columns or fields read per dataset: a wide file must not explode the report.
MAX_FIELDS = 200
# Characters of a field name (a header cell, a JSON key, a path of keys): a name is written into
# every record of its field, so a megabyte-long header cell must not be.
MAX_NAME = 256
MAX_KEY = 64  # of one key in a JSON path

# A JSON string, unrolled so that it is matched in linear time.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def too_deep(max_nesting: int) -> str:
    return f"json nested deeper than {max_nesting} levels"


class TooDeep(ValueError):
    """A JSON value nested deeper than the limit. A ValueError, as json.loads raises for bad JSON,
    so callers that treat unparseable text as plain text keep doing so."""

    def __init__(self, max_nesting: int):
        self.reason = too_deep(max_nesting)
        super().__init__(self.reason)


def nesting(text: str) -> int:
    """How deep the brackets of a JSON text go, strings left out (exact for valid JSON)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def parse_json(text: str | bytes, max_nesting: int = MAX_NESTING):
    """json.loads, except that a valid document nested deeper than max_nesting raises TooDeep.

    Counting opening brackets is enough for nearly every value; only a value with more of them
    than the limit has its depth measured.
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    if text.count("[") + text.count("{") > max_nesting and nesting(text) > max_nesting:
        _check_syntax(text)  # invalid JSON stays a ValueError, whatever its depth
        raise TooDeep(max_nesting)
    return json.loads(text)


def _check_syntax(text: str) -> None:
    import ijson

    try:
        for _ in ijson.basic_parse(io.BytesIO(text.encode("utf-8", errors="replace"))):
            pass
    except ijson.JSONError:
        raise ValueError("invalid JSON") from None


class Unreadable(Counter):
    """Values, lines or cells left out of a dataset's sample, by reason (never the value)."""

    def details(self) -> dict:
        """The dataset record's `unreadable` key; nothing when everything could be read."""
        if not self:
            return {}
        return {"unreadable": {"values": sum(self.values()), "reasons": dict(sorted(self.items()))}}


def cap_name(name: str, limit: int = MAX_NAME) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def beyond_cap(first: str, last: str, more: int, cap: int, what: str = "fields", of: str = "") -> tuple[str, str]:
    """(field, reason) of the one skipped record that stands for every field past the cap."""
    name = first if more == 1 else f"{first}…{last}"
    return name, f"{more:,} more {what} beyond the first {cap}{' ' + of if of else ''}: not read"


MAX_JSON_PATHS = 200  # per column: a document store in one column must not explode the report


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


def cap_columns(columns: list[dict], limit: int = MAX_FIELDS) -> tuple[list[dict], list[tuple[str, str]]]:
    """The first `limit` columns of a table, and one (field, reason) standing for the rest: a table
    of thousands of columns is read like a wide file, with one skipped record and not thousands."""
    if len(columns) <= limit:
        return columns, []
    rest = columns[limit:]
    return columns[:limit], [beyond_cap(rest[0]["name"], rest[-1]["name"], len(rest), limit, "columns")]
