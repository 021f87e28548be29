"""JSON documents (streamed with ijson, whatever their size) and JSON Lines, as field paths."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable

from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.limits import Limits
from scanner.formats.streams import CHUNK
from scanner.formats.text import iter_lines
from scanner.model.units import FieldSample
from scanner.model.values import (
    MAX_JSON_PATHS,
    MAX_KEY,
    TooDeep,
    Unreadable,
    cap,
    cap_name,
    flatten_json,
    parse_json,
    too_deep,
)

_ROOT = "$"


def fields_of(records: Iterable, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    """Leaves of the records under dotted paths (`user.email`, `orders[].id`)."""
    out: dict[str, list] = defaultdict(list)
    for record in records:
        flatten_json(record, _ROOT, out, limits.value_cap, unreadable, limits.max_nesting)
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

    def __init__(self, limits: Limits, unreadable: Unreadable):
        self.limits = limits
        self.unreadable = unreadable
        self.out: dict[str, list] = defaultdict(list)
        self.records = 0  # items of a top-level array: the rows of the sample

    def full(self) -> bool:
        return bool(self.out) and all(len(v) >= self.limits.max_rows for v in self.out.values())

    def add(self, path: str, value) -> None:
        values = self.out.get(path)
        if values is not None and len(values) >= self.limits.max_rows:
            return
        if isinstance(value, str) and value[:1] in ("{", "["):
            # JSON inside a string: its own paths (or the string, when it is not JSON after all)
            flatten_json(value, path, self.out, self.limits.value_cap, self.unreadable, self.limits.max_nesting)
            return
        if values is None:
            if len(self.out) >= MAX_JSON_PATHS:
                return
            values = self.out[path]
        values.append(cap(value, self.limits.value_cap))


def _walk(events, leaves: _Leaves, limits: Limits) -> None:
    """Leaves from ijson.basic_parse's (event, value) pairs, which carry no prefix: a path is
    built only for a leaf, so a deep document costs no more than a flat one.

    A container that opens deeper than max_nesting is passed over to its end and counted as
    one unreadable value; the rest of the document is read.
    """
    # Each frame is [kind, key]: a map's current key, or None for an array (its items share `[]`).
    frames: list[list] = []
    records = None  # True when the document is an array of records: paths are relative to an item
    since_check = 0
    skipping = 0  # levels open inside a value too deep to read
    for event, value in events:
        if skipping:
            if event in ("start_map", "start_array"):
                skipping += 1
            elif event in ("end_map", "end_array"):
                skipping -= 1
                if not skipping:
                    leaves.unreadable[too_deep(limits.max_nesting)] += 1
                    if records and len(frames) == 1:
                        leaves.records += 1
                        if leaves.records >= limits.max_rows:
                            return
            continue
        if event == "map_key":
            frames[-1][1] = value
            continue
        if event in ("start_map", "start_array"):
            if records is None:
                records = event == "start_array"
            if len(frames) >= limits.max_nesting:
                skipping = 1
                continue
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
            parts.append(f".{cap_name(str(key), MAX_KEY)}")
        else:
            parts.append("[]")
    path = "".join(parts).removeprefix(".")
    return cap_name(path) if path else "value"


def read_json(stream, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    """A JSON document of any size, streamed: an array of records gives paths relative to each
    item (`kunde.epost`), any other document its own paths (`kunder[].epost`).

    Reading stops at max_bytes or when every path has max_rows values; a document cut there,
    or at the end of a prefix (limits.partial), is the sample so far. A file that ends early
    or breaks the syntax is Corrupt; ijson's messages quote the document, so they are not passed on.
    Values nested deeper than max_nesting are counted in `unreadable`; a document that holds
    nothing else is Corrupt.
    """
    import ijson

    unreadable = Unreadable() if unreadable is None else unreadable
    before = sum(unreadable.values())
    budget = _Budget(stream, limits.max_bytes)
    leaves = _Leaves(limits, unreadable)
    try:
        # basic_parse, not parse: parse builds a prefix string for every event, O(depth²) in all
        _walk(ijson.basic_parse(io.BufferedReader(budget, CHUNK), use_float=True), leaves, limits)
    except ijson.IncompleteJSONError as e:
        cut = budget.cut or limits.partial
        if cut and not leaves.out:
            raise TooLarge(limits.max_bytes, "the first JSON value") from None
        if not cut:
            raise Corrupt("json: the document ends before it is complete" if "premature EOF" in str(e)
                          else "json: invalid syntax") from None
    except ijson.JSONError:
        raise Corrupt("json: invalid syntax") from None
    if not leaves.out and sum(unreadable.values()) > before:
        raise Corrupt(too_deep(limits.max_nesting))
    return [FieldSample(path, None, values) for path, values in leaves.out.items()]


def json_lines(lines: Iterable[str], limits: Limits, unreadable: Unreadable) -> Iterable:
    """The records of JSON Lines; a line that does not parse, or is nested deeper than
    max_nesting, is counted in `unreadable` and passed over."""
    for line in lines:
        if not line.strip():
            continue
        try:
            yield parse_json(line, limits.max_nesting)
        except TooDeep as e:
            unreadable[e.reason] += 1
        except ValueError:
            unreadable["json line does not parse"] += 1


def read_jsonl(stream, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    """One record per line; lines that do not parse are counted and skipped unless none parse."""
    unreadable = Unreadable() if unreadable is None else unreadable
    before = sum(unreadable.values())
    records = []
    for record in json_lines(iter_lines(stream, limits), limits, unreadable):
        records.append(record)
        if len(records) >= limits.max_rows:
            break
    bad = sum(unreadable.values()) - before
    if bad and not records:
        deep = too_deep(limits.max_nesting)
        raise Corrupt(deep if unreadable[deep] == bad else f"jsonl: none of {bad} lines parse as JSON")
    return fields_of(records, limits, unreadable)
