"""Which parser reads a line: a file's dominant format is found from its first entries and tried
first, the others after it in a fixed order, and a line no parser understands is its own message.

Parsing is built for millions of lines: every parser has a cheap shape check before its
precompiled regex, so trying the wrong ones costs little.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice

from scanner.formats.logs import blocks
from scanner.formats.logs.access import parse_access
from scanner.formats.logs.entries import entries
from scanner.formats.logs.fields import Pairs
from scanner.formats.logs.json_lines import parse_json_line
from scanner.formats.logs.logfmt import parse_logfmt
from scanner.formats.logs.syslog3164 import parse_syslog3164
from scanner.formats.logs.syslog5424 import parse_syslog5424
from scanner.formats.logs.timestamped import parse_timestamped

FORMATS = ("json", "logfmt", "combined", "common", "syslog5424", "syslog3164", "timestamped", "text")

DETECT_LINES = 200  # lines records() looks at to find the dominant format

# The order a line is tried in when the file has no dominant format: strict shapes first.
_PARSERS = (parse_json_line, parse_syslog5424, parse_access, parse_syslog3164, parse_timestamped, parse_logfmt)
_PARSER_OF = {"json": parse_json_line, "logfmt": parse_logfmt, "combined": parse_access, "common": parse_access,
              "syslog5424": parse_syslog5424, "syslog3164": parse_syslog3164, "timestamped": parse_timestamped}


def _order(dominant: str | None) -> tuple:
    first = _PARSER_OF.get(dominant or "")
    if first is None:
        return _PARSERS
    return (first, *(p for p in _PARSERS if p is not first))


def _text(line: str) -> tuple[str, Pairs]:
    return "text", [("message", line)]


def _parse(line: str, parsers: tuple) -> tuple[str, Pairs]:
    for parser in parsers:
        try:
            found = parser(line)
        except Exception:  # noqa: BLE001 - a line no parser understands is text, never an error
            found = None
        if found is not None:
            return found
    return _text(line)


def _record(entry: list[str], parsers: tuple) -> tuple[str, Pairs]:
    """An entry's first line parsed; the lines after it (a stack trace) belong to its message."""
    fmt, pairs = _parse(entry[0], parsers)
    if len(entry) > 1:
        more = "\n".join(entry[1:])
        for i, (name, value) in enumerate(pairs):
            if name == "message" and isinstance(value, str):
                pairs[i] = ("message", f"{value}\n{more}")
                break
        else:
            pairs.append(("message", more))
    return fmt, pairs


def _dominant(grouped: Iterable[list[str]]) -> str | None:
    counts: dict[str, int] = {}
    total = 0
    for entry in grouped:
        total += 1
        fmt, _ = _parse(entry[0], _PARSERS)
        counts[fmt] = counts.get(fmt, 0) + 1
    counts.pop("text", None)
    if not counts or 2 * sum(counts.values()) < total:
        return None
    return max(FORMATS[:-1], key=lambda f: counts.get(f, 0))


def detect_log(lines: list[str]) -> str | None:
    """The dominant log format of a file's first lines, or None when it is not a log.

    Lines are grouped into entries first (a stack trace belongs to the line before it), and at
    least half of the entries must parse as some log format.
    """
    return _dominant(entries(lines))


def columns(lines: list[str]) -> list[tuple[str, list[str]]] | None:
    """A batch's values by field, as `records` would give them, when its dominant format is
    timestamped and every line is an entry of the common shape (`blocks.columns`); None when
    the batch is for `records`."""
    if not lines or not blocks.common(lines[0]) or detect_log(lines[:DETECT_LINES]) != "timestamped":
        return None  # (a byte-order mark is not of the common shape)
    return blocks.columns(lines)


def records(lines: Iterable[str]) -> Iterator[Pairs]:
    """One list of (field, value) pairs per log entry; a line nothing understands is its message.
    A list of lines (a batch in memory) of timestamped lines may be parsed as a block, and one
    whose lines are each an entry of their own is parsed without grouping them into entries."""
    it = iter(lines)
    head = list(islice(it, DETECT_LINES))
    if head and head[0][:1] == "\ufeff":
        head[0] = head[0][1:]
    dominant = detect_log(head)
    parsers = _order(dominant)
    if isinstance(lines, list):  # a batch in memory
        batch = head + lines[len(head):]
        if dominant == "timestamped":  # one pass over it
            block = blocks.records(batch, lambda line: _parse(line, parsers)[1])
            if block is not None:
                yield from block
                return
        elif (joined := "\n".join(batch)).count("\n") == len(batch) - 1 and blocks.alone(joined):
            # every line an entry of its own (none holds a line break of its own): no grouping to do
            for line in batch:
                yield _parse(line, parsers)[1]
            return
    for entry in entries(chain(head, it)):
        yield _record(entry, parsers)[1]
