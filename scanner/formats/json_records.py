"""JSON documents (streamed with ijson, whatever their size) and JSON Lines, as field paths."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterable

from scanner.crawlers.base import FieldSample
from scanner.crawlers.sql_values import MAX_JSON_PATHS, cap, flatten_json
from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.limits import Limits
from scanner.formats.streams import CHUNK
from scanner.formats.text import iter_lines

_ROOT = "$"


def fields_of(records: Iterable, limits: Limits) -> list[FieldSample]:
    """Leaves of the records under dotted paths (`user.email`, `orders[].id`)."""
    out: dict[str, list] = defaultdict(list)
    for record in records:
        flatten_json(record, _ROOT, out, limits.value_cap)
    return [FieldSample(_name(path), None, values) for path, values in out.items()]


def _name(path: str) -> str:
    name = path[len(_ROOT):].removeprefix(".")
    return name or "value"


class _Budget(io.RawIOBase):
    """At most `budget` bytes of a stream; `cut` tells whether more was there."""

    def __init__(self, stream, budget: int):
        self._stream, self._left = stream, budget
        self.cut = False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self._left <= 0:
            self.cut = self.cut or bool(self._stream.read(1))
            return 0
        data = self._stream.read(min(len(b), self._left))
        self._left -= len(data)
        b[: len(data)] = data
        return len(data)


class _Leaves:
    """Scalar values by field path, from ijson's event stream, at most max_rows per path."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.out: dict[str, list] = defaultdict(list)
        self.records = 0  # items of a top-level array: the rows of the sample

    def full(self) -> bool:
        return bool(self.out) and all(len(v) >= self.limits.max_rows for v in self.out.values())

    def add(self, path: str, value) -> None:
        values = self.out.get(path)
        if values is None:
            if len(self.out) >= MAX_JSON_PATHS:
                return
            values = self.out[path]
        if len(values) >= self.limits.max_rows:
            return
        if isinstance(value, str) and value[:1] in "{[":
            flatten_json(value, path, self.out, self.limits.value_cap)  # JSON inside a string
        else:
            values.append(cap(value, self.limits.value_cap))


def _walk(events, leaves: _Leaves, limits: Limits) -> None:
    # Each frame is [kind, key]: a map's current key, or None for an array (its items share `[]`).
    frames: list[list] = []
    records = None  # True when the document is an array of records: paths are relative to an item
    since_check = 0
    for _, event, value in events:
        if event == "map_key":
            frames[-1][1] = value
            continue
        if event in ("start_map", "start_array"):
            if records is None:
                records = event == "start_array"
            frames.append(["map" if event == "start_map" else "array", None])
            continue
        if event in ("end_map", "end_array"):
            frames.pop()
            if records and len(frames) == 1:
                leaves.records += 1
                if leaves.records >= limits.max_rows:
                    return
            continue
        if records is None:
            records = False
        if value is None or isinstance(value, bool):
            if records and len(frames) == 1:
                leaves.records += 1
            continue
        leaves.add(_path(frames, records), value)
        if records and len(frames) == 1:
            leaves.records += 1
            if leaves.records >= limits.max_rows:
                return
        since_check += 1
        if since_check >= 1000:
            since_check = 0
            if leaves.full():
                return


def _path(frames: list[list], records: bool) -> str:
    parts: list[str] = []
    for kind, key in frames[1:] if records else frames:
        if kind == "map":
            parts.append(f".{key}")
        else:
            parts.append("[]")
    path = "".join(parts).removeprefix(".")
    return path or "value"


def read_json(stream, limits: Limits) -> list[FieldSample]:
    """A JSON document of any size, streamed: an array of records gives paths relative to each
    item (`kunde.epost`), any other document its own paths (`kunder[].epost`).

    Reading stops at max_bytes or when every path has max_rows values; a document cut there,
    or at the end of a prefix (limits.partial), is the sample so far. A file that ends early
    or breaks the syntax is Corrupt; ijson's messages quote the document, so they are not passed on.
    """
    import ijson

    budget = _Budget(stream, limits.max_bytes)
    leaves = _Leaves(limits)
    try:
        _walk(ijson.parse(io.BufferedReader(budget, CHUNK), use_float=True), leaves, limits)
    except ijson.IncompleteJSONError as e:
        cut = budget.cut or limits.partial
        if cut and not leaves.out:
            raise TooLarge(limits.max_bytes, "the first JSON value") from None
        if not cut:
            raise Corrupt("json: the document ends before it is complete" if "premature EOF" in str(e)
                          else "json: invalid syntax") from None
    except ijson.JSONError:
        raise Corrupt("json: invalid syntax") from None
    return [FieldSample(path, None, values) for path, values in leaves.out.items()]


def read_jsonl(stream, limits: Limits) -> list[FieldSample]:
    """One record per line; lines that do not parse are skipped unless none parse."""
    records, bad = [], 0
    for line in iter_lines(stream, limits):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:
            bad += 1
        if len(records) >= limits.max_rows:
            break
    if bad and not records:
        raise Corrupt(f"jsonl: none of {bad} lines parse as JSON")
    return fields_of(records, limits)
