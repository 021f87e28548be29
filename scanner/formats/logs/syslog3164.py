"""Syslog as BSD syslogd and rsyslog write it (RFC 3164: `May  1 10:00:00 host sshd[123]: msg`,
or with an ISO timestamp): host, program and the message. A line whose "host" or "tag" is a log
level is an application log, not syslog."""

from __future__ import annotations

import re

from scanner.formats.logs.fields import LEVELS, Pairs, message_entry

_BSD_TS = r"[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?"
_ISO_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
_SYSLOG3164 = re.compile(
    r"(?:<\d{1,3}>)?(?P<bsd>" + _BSD_TS + r")?(?(bsd)|" + _ISO_TS + r") "
    r"(?:(?P<host>[^\s\[]*[^\s\[:]) )?(?P<tag>[^\s:\[\]]+)(?:\[[^\]\s]*\])?:(?: (?P<msg>.*))?\Z", re.DOTALL)
_SYSLOG3164_UNTAGGED = re.compile(r"(?:<\d{1,3}>)?" + _BSD_TS + r" (?P<host>\S+)(?: (?P<msg>.*))?\Z", re.DOTALL)
_SYSLOG_FIRST = frozenset("<JFMASOND0123456789")


def parse_syslog3164(line: str) -> tuple[str, Pairs] | None:
    if line[:1] not in _SYSLOG_FIRST:
        return None
    m = _SYSLOG3164.match(line)
    if m is not None:
        host, tag, message = m.group("host", "tag", "msg")
        if host in LEVELS or tag in LEVELS:  # "2024-05-01T10:00:00Z INFO app: ...": an application log
            return None
        if host is None and m.group("bsd") is None:
            return None
    else:
        m = _SYSLOG3164_UNTAGGED.match(line)
        if m is None:
            return None
        host, message = m.group("host", "msg")
        tag = None
    pairs: Pairs = []
    if host:
        pairs.append(("host", host))
    if tag:
        pairs.append(("program", tag))
    return "syslog3164", message_entry(message, pairs)
