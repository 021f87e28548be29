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
