"""Syslog as RFC 5424 writes it (`<165>1 2024-05-01T10:00:00Z host app 123 ID47 [sd@1 k="v"] msg`):
host, program, structured-data parameters (`sd.name`) and the message."""

from __future__ import annotations

import re

from scanner.formats.logs.fields import Pairs, dropped, message_entry, unescape

_SYSLOG5424 = re.compile(r"<\d{1,3}>\d{1,2} (\S+) (\S+) (\S+) (\S+) (\S+) (.*)\Z", re.DOTALL)
_SD_ELEMENT = re.compile(r'\[([^\s\]=]+)((?:\s+[^\s=\]"]+="[^"\\]*(?:\\.[^"\\]*)*")*)\s*\]')
_SD_PARAM = re.compile(r'([^\s=\]"]+)="([^"\\]*(?:\\.[^"\\]*)*)"')


def parse_syslog5424(line: str) -> tuple[str, Pairs] | None:
    if line[:1] != "<":
        return None
    m = _SYSLOG5424.match(line)
    if m is None:
        return None
    _ts, host, app, _procid, _msgid, rest = m.groups()
    pairs: Pairs = []
    if host != "-":
        pairs.append(("host", host))
    if app != "-":
        pairs.append(("program", app))
    if rest[:1] == "-":
        message = rest[2:] if rest[1:2] == " " else rest[1:]
        if message and rest[1:2] != " ":
            return None
    elif rest[:1] == "[":
        pos = 0
        while (el := _SD_ELEMENT.match(rest, pos)) is not None:
            for name, value in _SD_PARAM.findall(el.group(2)):
                value = unescape(value)
                if value and not dropped(name):
                    pairs.append((f"sd.{name}", value))
            pos = el.end()
        if pos == 0:
            return None
        message = rest[pos:].removeprefix(" ")
    else:
        return None
    return "syslog5424", message_entry(message.removeprefix("\ufeff"), pairs)
