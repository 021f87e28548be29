"""JSON lines logs (structured logging, Docker's json-file driver): one object per line, its
paths as field names (`user.email`, `tags[]`)."""

from __future__ import annotations

from collections import defaultdict

from scanner.formats.logs.fields import Pairs, dropped, is_message_field
from scanner.model.values import flatten_json, parse_json

_ROOT = "$"
_NO_CAP = 1 << 62  # values are kept whole here: the field samples cut them into pieces


def parse_json_line(line: str) -> tuple[str, Pairs] | None:
    if line[:1] != "{" or line[-1:] != "}":
        return None
    try:
        doc = parse_json(line)  # a line nested too deep is a TooDeep ValueError: read as text
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    flat: dict[str, list] = defaultdict(list)
    flatten_json(doc, _ROOT, flat, _NO_CAP)
    pairs: Pairs = []
    # flatten_json walks a stack, so paths (and list items) come out last first
    for path, values in reversed(flat.items()):
        name = path[len(_ROOT):].removeprefix(".") or "value"
        if dropped(name):
            continue
        message = is_message_field(name)
        for v in reversed(values):
            if message and isinstance(v, str):
                v = v.rstrip("\r\n")  # Docker's json-file log keeps the line's newline
            pairs.append((name, v))
    return "json", pairs
