"""A batch of timestamped log lines parsed as one block: one regex pass over the batch joined
(Python's `re`, in C) for the common line, "TIMESTAMP LEVEL [logger] message", and the line
parsers only for the lines of other shapes.

The block pattern is made from the timestamped parser's own patterns, each read within one line
(`\\s` without the line break, `[^...]` with it, `\\Z` as a line's end), and it refuses what
the parser treats on a path of its own: a rest that starts with `[` or `-`, or a message that
starts with a named logger. So a line either matches it and means what the parser would make of
it, or is handed to the parser (`tests/test_log_blocks.py` holds the two to each other).

Only a batch whose lines are all entries of their own takes this path: one where no line
could continue the entry before it (an indented line, a traceback, "Caused by:", an exception's
name) and none is blank. Others go through the entry grouping line by line, as before.

A batch whose every line is of the common shape is read a field at a time (`columns`): the
same values in the same order, without a list of pairs made for each line and taken apart
again (`tests/test_log_blocks.py` holds it to the records too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import itemgetter

from scanner.formats.logs import entries
from scanner.formats.logs import timestamped as ts
from scanner.formats.logs.fields import Pairs, message_pairs

_CLASS = re.compile(r"\[(?:\\.|[^\]\\])*\]")


def _one_line(pattern: str) -> str:
    r"""A line parser's pattern for a block of lines: nothing in it reads past a line's end.
    `\s` outside a class, negated classes and `\Z` are rewritten; what cannot be (`\W`, `\D`,
    `\S`, `.`, `\s` inside a class) is refused, so a parser's pattern that grows one fails here
    rather than reading two lines as one."""
    outside = _CLASS.sub("", pattern)
    if (re.search(r"\\[WDS]", pattern) or re.search(r"(?<!\\)\.", outside)
            or any("\\s" in c for c in _CLASS.findall(pattern))):
        raise ValueError(f"not readable within one line: {pattern}")
    pattern = pattern.replace(r"\s", r"[^\S\n]").replace(r"\Z", r"(?=\n|\Z)")
    return re.sub(r"\[\^(?!\\S\\n\])", r"[^\\n", pattern)


_HEAD = _one_line(ts.TIMESTAMP_HEAD)
# The head and the level part are atomic: each takes the match its line parser's pattern takes
# first, and is not tried shorter so that what follows fits (a line that fits only so is the
# line parser's, as the named logger in "INFO [main] kunde.service: ..." is).
_BLOCK = re.compile(
    r"^(?:(?P<head>(?>" + _HEAD + r"))[^\S\n]++(?=[^\[\-\n])(?>" + _one_line(ts.LEVEL_FIRST)
    + r")(?!" + _one_line(ts.NAMED_LOGGER) + r")(?P<msg>[^\n]*+)|(?P<other>[^\n]*+))$",
    re.MULTILINE)
_FIELDS = ("head", "bracket", "msg")
_AT = [_BLOCK.groupindex[g] - 1 for g in _FIELDS]

# What may make a line part of the entry before it (entries.entries) or an entry of none (blank):
# the start of a line that may continue one, and a Java exception's first line. Both are read
# after a line break, which `re` finds fast; the block is given one in front.
_NOT_ALONE = re.compile(r"\n(?:[ \t]|Traceback \(|The above exception|Caused by:|\.|During handling|[^\S\n]*(?:\n|\Z))")
_EXCEPTION = re.compile(r"\n" + _one_line(entries._JAVA_EXCEPTION.pattern))


def alone(block: str) -> bool:
    """Whether every line of the block is an entry of its own."""
    if "\r\n" in block or block.endswith("\r"):  # entries() strips a line's \r endings
        return False
    block = "\n" + block
    if _NOT_ALONE.search(block) is not None:
        return False
    if "Exception" in block or "Error" in block or "Throwable" in block:
        return _EXCEPTION.search(block) is None
    return True


def _rows(lines: list[str]) -> list[tuple] | None:
    """The block pattern's row of every line, or None when the block is not for this path."""
    block = "\n".join(lines)
    if not alone(block):
        return None
    rows = _BLOCK.findall(block)
    if len(rows) != len(lines):  # a line break inside a line: never from iter_lines
        return None
    return rows


def records(lines: list[str], parse) -> Iterator[Pairs] | None:
    """Each line's (field, value) pairs, or None when the block is not for this path.
    `parse(line)`: what the line parsers make of a line the block pattern leaves to them."""
    rows = _rows(lines)
    return None if rows is None else _records(rows, lines, parse)


def common(line: str) -> bool:
    """Whether a line is of the common shape `columns` reads (every line of its batch must be)."""
    m = _BLOCK.match(line)
    return m is not None and bool(m.group("head"))


def columns(lines: list[str]) -> list[tuple[str, list[str]]] | None:
    """What `records` gives, by field: each field's values in line order, the fields in the
    order the records first name them. None when a line is not of the common shape (it is the
    line parsers'), or when a `key=value` pair in a message is named `logger`: that field's
    values would interleave with the bracket's, line by line."""
    rows = _rows(lines)
    if rows is None:
        return None
    head_at, bracket_at, msg_at = _AT
    if not all(map(itemgetter(head_at), rows)):
        return None
    loggers = list(map(str.strip, map(itemgetter(bracket_at), rows)))
    messages = list(map(itemgetter(msg_at), rows))
    first: dict[str, tuple[int, int]] = {}  # a field -> (line, place in its record) where first named
    out: dict[str, list[str]] = {}
    for name, values in (("logger", loggers), ("message", messages)):
        at = next((i for i, value in enumerate(values) if value), None)
        if at is not None:
            first[name] = (at, len(first))
            out[name] = list(filter(None, values))
    bracketed = set(out)
    for i, message in enumerate(messages):
        if "=" in message:
            pairs: Pairs = []
            message_pairs(message, pairs)
            for place, (key, value) in enumerate(pairs, 2):
                values = out.get(key)
                if values is None:
                    values = out[key] = []
                    first[key] = (i, place)
                elif key in bracketed:  # `logger=` in a message: the bracket's field, line by line
                    return None
                values.append(value)
    return [(name, out[name]) for name in sorted(first, key=first.__getitem__)]


def _records(rows, lines, parse) -> Iterator[Pairs]:
    head_at, bracket_at, msg_at = _AT
    for row, line in zip(rows, lines):
        if not row[head_at]:
            yield parse(line)
            continue
        pairs: Pairs = []
        logger = row[bracket_at].strip()
        if logger:
            pairs.append(("logger", logger))
        message = row[msg_at]
        if message:
            pairs.append(("message", message))
            if "=" in message:
                message_pairs(message, pairs)
        yield pairs
