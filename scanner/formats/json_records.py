"""JSON documents, arrays of records (streamed item by item) and JSON Lines, as field paths."""

from __future__ import annotations

import codecs
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from scanner.crawlers.base import FieldSample
from scanner.crawlers.sql_values import flatten_json
from scanner.formats.errors import Corrupt, TooLarge
from scanner.formats.limits import Limits
from scanner.formats.streams import CHUNK
from scanner.formats.text import iter_lines

_ROOT = "$"
_DECODER = json.JSONDecoder()


def fields_of(records: Iterable, limits: Limits) -> list[FieldSample]:
    """Leaves of the records under dotted paths (`user.email`, `orders[].id`)."""
    out: dict[str, list] = defaultdict(list)
    for record in records:
        flatten_json(record, _ROOT, out, limits.value_cap)
    return [FieldSample(_name(path), None, values) for path, values in out.items()]


def _name(path: str) -> str:
    name = path[len(_ROOT):].removeprefix(".")
    return name or "value"


class _Text:
    """Decoded text read on demand, so one array item at a time is held rather than the file."""

    def __init__(self, stream, budget: int, partial: bool = False):
        self.stream, self.budget, self.limit, self.partial = stream, budget, budget, partial
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.text, self.pos, self.eof, self.exhausted = "", 0, False, False

    def fill(self) -> bool:
        if self.eof or self.exhausted:
            return False
        # Grow reads with the pending text, so one large item is not re-parsed once per chunk.
        want = min(max(CHUNK, len(self.text) - self.pos), self.budget)
        if want <= 0:
            self.exhausted = True
            return False
        data = self.stream.read(want)
        self.budget -= len(data)
        self.text = self.text[self.pos:] + self.decoder.decode(data, final=not data)
        self.pos = 0
        self.eof = not data
        return bool(data)

    def next_char(self) -> str:
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.text) or not self.fill():
                return self.text[self.pos: self.pos + 1]

    def value(self):
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
                # A number at the very end of the buffer may continue in the next chunk.
                if end < len(self.text) or self.eof:
                    self.pos = end
                    return value
            except json.JSONDecodeError as e:
                if self.eof and self.partial:  # the prefix we fetched ends inside this value
                    raise TooLarge(self.limit, "one JSON value") from e
                if self.eof:
                    raise Corrupt(f"json: {e.msg} at char {e.pos}") from e
            if not self.fill():
                if self.exhausted:
                    raise TooLarge(self.limit, "one JSON value")
                continue  # reached the end: one more try with eof set


def _top_level(text: _Text, limits: Limits) -> Iterator:
    if text.next_char() != "[":
        yield text.value()
        return
    text.pos += 1
    count = 0
    while count < limits.max_rows:
        c = text.next_char()
        if c == ",":
            text.pos += 1
            continue
        if c in ("]", ""):
            return
        try:
            yield text.value()
        except TooLarge:
            if count:  # the records read so far are the sample
                return
            raise
        count += 1


def read_json(stream, limits: Limits) -> list[FieldSample]:
    """A single document, or an array whose items are records (paths relative to each item)."""
    text = _Text(stream, limits.max_bytes, limits.partial)
    return fields_of(_top_level(text, limits), limits)


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
