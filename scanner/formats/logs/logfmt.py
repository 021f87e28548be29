"""logfmt (`level=info user=kari@example.no msg="..."`): at least three pairs, and more pairs than
bare words, or the line is something else with an `=` in it."""

from __future__ import annotations

import re

from scanner.formats.logs.fields import Pairs, dropped, unescape

_LOGFMT_TOKEN = re.compile(r'([A-Za-z_@][\w.\-/@]*)=("[^"\\]*(?:\\.[^"\\]*)*"|\S*)|("[^"\\]*(?:\\.[^"\\]*)*"|\S+)')


def parse_logfmt(line: str) -> tuple[str, Pairs] | None:
    if line.count("=") < 3:
        return None
    kv: Pairs = []
    bare: list[str] = []
    for key, value, other in _LOGFMT_TOKEN.findall(line):
        if key:
            if value[:1] == '"' and len(value) >= 2 and value[-1] == '"':
                value = unescape(value[1:-1])
            kv.append((key, value))
        else:
            bare.append(other)
    if len(kv) < 3 or len(kv) <= len(bare):
        return None
    pairs: Pairs = [(k, v) for k, v in kv if v and not dropped(k)]
    if bare:  # words outside any pair: kept, so nothing in the line goes unread
        pairs.append(("message", " ".join(bare)))
    return "logfmt", pairs
