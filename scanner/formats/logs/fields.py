"""What every log parser shares about fields: which names are never emitted, which hold running
text, the escapes log writers use, and `key=value` pairs found inside a message."""

from __future__ import annotations

import re

Pairs = list[tuple[str, object]]

# Field names whose values are running text, judged as free text by the detectors.
_MESSAGE_NAMES = frozenset({"message", "msg", "log", "text", "stack_trace", "stacktrace", "stack",
                            "exception", "traceback"})
_STRUCTURED_PREFIXES = ("query.", "referrer.query.", "sd.")
# JSON and logfmt keys that never hold personal data (matched on the last component of a path).
_DROP_KEYS = frozenset({
    "ts", "time", "timestamp", "@timestamp", "datetime", "level", "severity", "lvl", "loglevel",
    "levelname", "level_name", "log_level", "severity_text", "@version", "pid", "status",
    "status_code", "statuscode", "http_status", "method", "http_method", "proto", "protocol",
    "bytes", "bytes_sent", "body_bytes_sent", "duration", "duration_ms", "elapsed", "elapsed_ms",
    "latency", "latency_ms", "took", "took_ms", "response_time", "request_time",
})

LEVEL = (r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|SEVERE|ALERT|EMERG"
         r"|FINE|FINER|FINEST|CONFIG|trace|debug|info|notice|warn|warning|error|err|fatal|crit"
         r"|critical|Trace|Debug|Info|Notice|Warn|Warning|Error|Fatal|Critical)")
LEVELS = frozenset(re.findall(r"[A-Za-z]+", LEVEL))
KEY = re.compile(r"[A-Za-z_@$][\w.\-\[\]$]{0,63}\Z")  # a name that may become a field name


def dropped(name: str) -> bool:
    """Whether a field can never hold personal data (a timestamp, a level, a byte count)."""
    return name in _DROP_KEYS or name.rpartition(".")[2] in _DROP_KEYS


def is_message_field(name: str) -> bool:
    """Whether a log field holds running text (a message, a stack trace) rather than one value.

    Not to be confused with detectors.engine.is_free_text, which judges a value, not a name.
    """
    if name.startswith(_STRUCTURED_PREFIXES):
        return False
    return name.rpartition(".")[2].removesuffix("[]").lower() in _MESSAGE_NAMES


_ESCAPE = re.compile(r"((?:\\x[0-9A-Fa-f]{2})+)|\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def _unescape_one(m: re.Match) -> str:
    if m.group(1):  # nginx writes " as \x22 and each byte of UTF-8 æøå as \xC3\xA6
        return bytes.fromhex(m.group(1).replace("\\x", "")).decode("utf-8", errors="replace")
    return _ESCAPES.get(m.group(2), m.group(2))


def unescape(s: str) -> str:
    """A quoted value as written: backslash escapes and nginx's \\xHH bytes decoded."""
    return _ESCAPE.sub(_unescape_one, s) if "\\" in s else s


# key=value pairs inside a free-text message ("Ny kunde: fnr=15076500565 epost=kari@example.no")
_KV_IN_TEXT = re.compile(r"""(?<![\w.\-/])([A-Za-z_][\w.\-]{0,63})=("[^"\\]*(?:\\.[^"\\]*)*"|'[^']*'|[^\s,;"']+)""")


def message_pairs(message: str, out: Pairs) -> None:
    """Append `key=value` pairs found in a message, when it holds at least two."""
    if message.count("=") < 2:
        return
    found = []
    for key, value in _KV_IN_TEXT.findall(message):
        if value[:1] in "\"'":
            value = unescape(value[1:-1]) if value[:1] == '"' else value[1:-1]
        else:
            value = value.rstrip(".)]}")
        if value:
            found.append((key, value))
    if len(found) >= 2:
        out.extend((k, v) for k, v in found if not dropped(k) and k != "message")


def message_entry(message: str, pairs: Pairs) -> Pairs:
    """A line's message appended, with the key=value pairs it holds; an empty one is left out."""
    if message:
        pairs.append(("message", message))
        message_pairs(message, pairs)
    return pairs
