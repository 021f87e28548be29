"""Log files as named fields: access logs, syslog, JSON lines, logfmt and timestamped application logs.

Findings are reported per field (`client_ip`, `query.email`, `message`) instead of per file.
Each entry (a line, or a line with its stack trace) becomes a list of (field, value) pairs;
fields that can never hold personal data (timestamps, levels, status codes, byte counts, HTTP
method and protocol, pids, durations) are not emitted at all.

Parsing is built for millions of lines: every parser has a cheap shape check before its
precompiled regex, and a file's dominant format is tried first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from urllib.parse import unquote

from scanner.formats.limits import Limits
from scanner.formats.text import iter_lines, pieces
from scanner.model.units import FieldSample
from scanner.model.values import cap_name, flatten_json, parse_json

FORMATS = ("json", "logfmt", "combined", "common", "syslog5424", "syslog3164", "timestamped", "text")

Pairs = list[tuple[str, object]]

DETECT_LINES = 200  # lines records() looks at to find the dominant format
MAX_ENTRY_LINES = 1000  # continuation lines joined into one entry; past it they are entries of their own
MAX_ENTRY_CHARS = 256 * 1024
_NO_CAP = 1 << 62  # records() keeps whole values: parse_lines cuts them into pieces

# Field names whose values are running text, judged as free text by the detectors.
_FREE_TEXT = frozenset({"message", "msg", "log", "text", "stack_trace", "stacktrace", "stack",
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

_LEVEL = (r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRIT|CRITICAL|SEVERE|ALERT|EMERG"
          r"|FINE|FINER|FINEST|CONFIG|trace|debug|info|notice|warn|warning|error|err|fatal|crit"
          r"|critical|Trace|Debug|Info|Notice|Warn|Warning|Error|Fatal|Critical)")
_LEVELS = frozenset(re.findall(r"[A-Za-z]+", _LEVEL))
_KEY = re.compile(r"[A-Za-z_@$][\w.\-\[\]$]{0,63}\Z")  # a name that may become a field name


def _drop(name: str) -> bool:
    return name in _DROP_KEYS or name.rpartition(".")[2] in _DROP_KEYS


def is_free_text(name: str) -> bool:
    """Whether a field holds running text (a log message) rather than one value."""
    if name.startswith(_STRUCTURED_PREFIXES):
        return False
    return name.rpartition(".")[2].removesuffix("[]").lower() in _FREE_TEXT


_ESCAPE = re.compile(r"((?:\\x[0-9A-Fa-f]{2})+)|\\(.)", re.DOTALL)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def _unescape_one(m: re.Match) -> str:
    if m.group(1):  # nginx writes " as \x22 and each byte of UTF-8 æøå as \xC3\xA6
        return bytes.fromhex(m.group(1).replace("\\x", "")).decode("utf-8", errors="replace")
    return _ESCAPES.get(m.group(2), m.group(2))


def _unescape(s: str) -> str:
    return _ESCAPE.sub(_unescape_one, s) if "\\" in s else s


# key=value pairs inside a free-text message ("Ny kunde: fnr=15076500565 epost=kari@example.no")
_KV_IN_TEXT = re.compile(r"""(?<![\w.\-/])([A-Za-z_][\w.\-]{0,63})=("[^"\\]*(?:\\.[^"\\]*)*"|'[^']*'|[^\s,;"']+)""")


def _message_pairs(message: str, out: Pairs) -> None:
    """Append `key=value` pairs found in a message, when it holds at least two."""
    if message.count("=") < 2:
        return
    found = []
    for key, value in _KV_IN_TEXT.findall(message):
        if value[:1] in "\"'":
            value = _unescape(value[1:-1]) if value[:1] == '"' else value[1:-1]
        else:
            value = value.rstrip(".)]}")
        if value:
            found.append((key, value))
    if len(found) >= 2:
        out.extend((k, v) for k, v in found if not _drop(k) and k != "message")


# --- JSON lines ------------------------------------------------------------------------------

_ROOT = "$"


def _json(line: str) -> tuple[str, Pairs] | None:
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
        if _drop(name):
            continue
        free = is_free_text(name)
        for v in reversed(values):
            if free and isinstance(v, str):
                v = v.rstrip("\r\n")  # Docker's json-file log keeps the line's newline
            pairs.append((name, v))
    return "json", pairs


# --- logfmt ----------------------------------------------------------------------------------

_LOGFMT_TOKEN = re.compile(r'([A-Za-z_@][\w.\-/@]*)=("[^"\\]*(?:\\.[^"\\]*)*"|\S*)|("[^"\\]*(?:\\.[^"\\]*)*"|\S+)')


def _logfmt(line: str) -> tuple[str, Pairs] | None:
    if line.count("=") < 3:
        return None
    kv: Pairs = []
    bare: list[str] = []
    for key, value, other in _LOGFMT_TOKEN.findall(line):
        if key:
            if value[:1] == '"' and len(value) >= 2 and value[-1] == '"':
                value = _unescape(value[1:-1])
            kv.append((key, value))
        else:
            bare.append(other)
    if len(kv) < 3 or len(kv) <= len(bare):
        return None
    pairs: Pairs = [(k, v) for k, v in kv if v and not _drop(k)]
    if bare:  # words outside any pair: kept, so nothing in the line goes unread
        pairs.append(("message", " ".join(bare)))
    return "logfmt", pairs


# --- access logs (nginx/Apache combined, common, vhost_combined) -----------------------------

_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'  # a quoted string with backslash escapes, unrolled for speed
_ACCESS_TAIL = (
    r" (?P<ident>\S+) (?P<user>\S+) \[(?P<time>\d[^\]]{0,40})\] " + _QUOTED.replace("(", "(?P<req>", 1) +
    r" (?:\d{3}|-) (?:\d+|-)"
    r"(?: " + _QUOTED.replace("(", "(?P<ref>", 1) + " " + _QUOTED.replace("(", "(?P<ua>", 1) + ")?"
    r"(?P<rest>.*)\Z"
)
_ACCESS = re.compile(r"(?P<ip>[\w.:%\-]+)" + _ACCESS_TAIL, re.DOTALL)
_ACCESS_VHOST = re.compile(r"(?P<vhost>[^\s\[\"]+) (?P<ip>[\w.:%\-]+)" + _ACCESS_TAIL, re.DOTALL)
_REST_TOKEN = re.compile(_QUOTED + r"|(\S+)")
_IP_LIST = re.compile(r"[0-9A-Fa-f.:\[\]%]+(?:\s*,\s*(?:[0-9A-Fa-f.:\[\]%]+|unknown))*\Z")
_SHORT_NUMBER = re.compile(r"[\d.:,]{1,9}\Z")  # request times, ports, counts in custom formats


def _decode(s: str) -> str:
    if "+" in s:
        s = s.replace("+", " ")
    return unquote(s, errors="replace") if "%" in s else s


def _query_pairs(query: str) -> Iterator[tuple[str, str, str]]:
    """(name, "=" or "", value), decoded as urllib.parse.parse_qsl(keep_blank_values=True) decodes
    them, but telling `?fnr=` (an empty value) from `?15076500565` (a bare word), and faster."""
    for part in query.split("&"):
        if part:
            name, eq, value = part.partition("=")
            yield _decode(name), eq, _decode(value)


def _url(url: str, prefix: str, out: Pairs) -> str:
    """The URL without query string (percent-decoded); the query's parameters appended as pairs."""
    url, _, query = url.partition("?")
    if "%" in url:
        url = unquote(url, errors="replace")
    if query:
        query = query.partition("#")[0]
        for name, eq, value in _query_pairs(query):
            if not value:
                if name and not eq:  # `?15076500565`: the value sits where a name would be
                    out.append((prefix, name))
            elif _KEY.match(name):
                out.append((f"{prefix}.{name}", value))
            else:  # a name no field should carry (personal data in the name, or junk)
                out.append((prefix, f"{name}={value}"))
    return url


def _access(line: str) -> tuple[str, Pairs] | None:
    if ' [' not in line or '"' not in line:
        return None
    m = _ACCESS.match(line) or _ACCESS_VHOST.match(line)
    if m is None:
        return None
    ip, ident, user, req, ref, ua, rest = m.group("ip", "ident", "user", "req", "ref", "ua", "rest")
    pairs: Pairs = [("client_ip", ip)]
    if ident != "-":
        pairs.append(("ident", ident))
    if user != "-":
        pairs.append(("remote_user", _unescape(user)))
    req = _unescape(req)
    parts = req.split(" ")
    if 2 <= len(parts) <= 3 and parts[0].isalpha() and parts[0].isupper() and (
            len(parts) == 2 or parts[2].startswith("HTTP/")):
        query: Pairs = []
        path = _url(parts[1], "query", query)
        if path:
            pairs.append(("path", path))
        pairs.extend(query)
    elif req and req != "-":  # junk a scanner or a TLS handshake sent to the HTTP port
        pairs.append(("request", req))
    fmt = "common"
    if ua is not None:
        fmt = "combined"
        if ref and ref != "-":
            query = []
            ref = _url(_unescape(ref), "referrer.query", query)
            pairs.append(("referrer", ref))
            pairs.extend(query)
        if ua and ua != "-":
            pairs.append(("user_agent", _unescape(ua)))
    if rest:
        first = True
        for quoted, word in _REST_TOKEN.findall(rest):
            if word:
                if word == "-" or _SHORT_NUMBER.match(word):
                    continue
                key, eq, value = word.partition("=")
                if eq and _KEY.match(key):
                    if value.startswith('"'):
                        value = value.strip('"')
                    if value and value != "-" and not _SHORT_NUMBER.match(value) and not _drop(key):
                        pairs.append((key, value))
                else:
                    pairs.append(("extra", word))
                continue
            quoted = _unescape(quoted)
            if quoted and quoted != "-":
                if first and _IP_LIST.match(quoted):
                    pairs.append(("forwarded_for", quoted))
                else:
                    pairs.append(("extra", quoted))
            first = False
    return fmt, pairs


# --- syslog ----------------------------------------------------------------------------------

_SYSLOG5424 = re.compile(r"<\d{1,3}>\d{1,2} (\S+) (\S+) (\S+) (\S+) (\S+) (.*)\Z", re.DOTALL)
_SD_ELEMENT = re.compile(r'\[([^\s\]=]+)((?:\s+[^\s=\]"]+="[^"\\]*(?:\\.[^"\\]*)*")*)\s*\]')
_SD_PARAM = re.compile(r'([^\s=\]"]+)="([^"\\]*(?:\\.[^"\\]*)*)"')


def _syslog5424(line: str) -> tuple[str, Pairs] | None:
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
                value = _unescape(value)
                if value and not _drop(name):
                    pairs.append((f"sd.{name}", value))
            pos = el.end()
        if pos == 0:
            return None
        message = rest[pos:].removeprefix(" ")
    else:
        return None
    message = message.removeprefix("\ufeff")
    if message:
        pairs.append(("message", message))
        _message_pairs(message, pairs)
    return "syslog5424", pairs


_BSD_TS = r"[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?"
_ISO_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
_SYSLOG3164 = re.compile(
    r"(?:<\d{1,3}>)?(?P<bsd>" + _BSD_TS + r")?(?(bsd)|" + _ISO_TS + r") "
    r"(?:(?P<host>[^\s\[]*[^\s\[:]) )?(?P<tag>[^\s:\[\]]+)(?:\[[^\]\s]*\])?:(?: (?P<msg>.*))?\Z", re.DOTALL)
_SYSLOG3164_UNTAGGED = re.compile(r"(?:<\d{1,3}>)?" + _BSD_TS + r" (?P<host>\S+)(?: (?P<msg>.*))?\Z", re.DOTALL)
_SYSLOG_FIRST = frozenset("<JFMASOND0123456789")


def _syslog3164(line: str) -> tuple[str, Pairs] | None:
    if line[:1] not in _SYSLOG_FIRST:
        return None
    m = _SYSLOG3164.match(line)
    if m is not None:
        host, tag, message = m.group("host", "tag", "msg")
        if host in _LEVELS or tag in _LEVELS:  # "2024-05-01T10:00:00Z INFO app: ...": an application log
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
    if message:
        pairs.append(("message", message))
        _message_pairs(message, pairs)
    return "syslog3164", pairs


# --- timestamped application logs ------------------------------------------------------------

_TIMESTAMPED = re.compile(
    r"(?:" + _LEVEL + r"\s+)?\[?(?:\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d|\d\d:\d\d:\d\d)(?:[.,]\d+)?"
    r"(?:\s?(?:Z|UTC|[+-]\d\d:?\d\d))?\]?(?:\s+(?P<rest>.*))?\Z", re.DOTALL)
# "- kunde.service - INFO - message" (Python's "%(asctime)s - %(name)s - %(levelname)s - %(message)s")
_PY_DASHES = re.compile(r"-\s+(?P<lg>\S+)\s+-\s+" + _LEVEL + r"\s+-\s+(?P<msg>.*)\Z", re.DOTALL)
_BRACKET = re.compile(r"\[([^\]]*)\]:?\s*")
_LEVEL_WORD = re.compile(r"[\[<]?" + _LEVEL + r"[\]>]?(?::|\s+|\Z)\s*")
_SPRING_PID = re.compile(r"\d+\s+---\s+(?:\[[^\]]*\]\s*)?")
# a logger named before the message: "c.e.Kunde - msg", "c.e.KundeService   : msg", "kunde.service: msg"
_NAMED_LOGGER = re.compile(r"([\w$]+(?:\.[\w$]+)+)(?:\s+[-:]|:)\s+")
# Python's logging.basicConfig default: "ERROR:root:message"
_PY_DEFAULT = re.compile(r"(?:CRITICAL|ERROR|WARNING|INFO|DEBUG):(?P<lg>[^:\s]*):(?P<msg>.*)\Z", re.DOTALL)


def _timestamped(line: str) -> tuple[str, Pairs] | None:
    first = line[:1]
    if first.isdigit() or first == "[" or (first in "TDINWECFSAtdinwecfs" and first != ""):
        m = _TIMESTAMPED.match(line)
    else:
        m = None
    if m is None:
        if first in "CEWID" and first != "" and (m := _PY_DEFAULT.match(line)) is not None:
            return "timestamped", _app_entry(m.group("lg"), m.group("msg"))
        return None
    rest = m.group("rest") or ""
    if rest[:1] == "-" and (p := _PY_DASHES.match(rest)) is not None:
        return "timestamped", _app_entry(p.group("lg"), p.group("msg"))
    logger = None
    pos = 0
    b = _BRACKET.match(rest)  # a thread before the level: "[worker-1] WARN"
    if b is not None and b.group(1).strip() not in _LEVELS:
        pos = b.end()
    if (lv := _LEVEL_WORD.match(rest, pos)) is not None:
        pos = lv.end()
        if (sp := _SPRING_PID.match(rest, pos)) is not None:
            pos = sp.end()
        if (b := _BRACKET.match(rest, pos)) is not None:  # after the level: the logger, or a thread
            pos = b.end()
            logger = b.group(1).strip() or None
    elif pos:
        logger = b.group(1).strip() or None  # "[kunde.service] message": no level at all
    if (n := _NAMED_LOGGER.match(rest, pos)) is not None:
        logger = n.group(1)
        pos = n.end()
    return "timestamped", _app_entry(logger, rest[pos:])


def _app_entry(logger: str | None, message: str) -> Pairs:
    pairs: Pairs = []
    if logger:
        pairs.append(("logger", logger))
    if message:
        pairs.append(("message", message))
        _message_pairs(message, pairs)
    return pairs


def _text(line: str) -> tuple[str, Pairs]:
    return "text", [("message", line)]


# --- entries and dispatch --------------------------------------------------------------------

# The order a line is tried in when the file has no dominant format: strict shapes first.
_PARSERS = (_json, _syslog5424, _access, _syslog3164, _timestamped, _logfmt)
_PARSER_OF = {"json": _json, "logfmt": _logfmt, "combined": _access, "common": _access,
              "syslog5424": _syslog5424, "syslog3164": _syslog3164, "timestamped": _timestamped}


def _order(dominant: str | None) -> tuple:
    first = _PARSER_OF.get(dominant or "")
    if first is None:
        return _PARSERS
    return (first, *(p for p in _PARSERS if p is not first))


def _parse(line: str, parsers: tuple) -> tuple[str, Pairs]:
    for parser in parsers:
        try:
            found = parser(line)
        except Exception:  # noqa: BLE001 - a line no parser understands is text, never an error
            found = None
        if found is not None:
            return found
    return _text(line)


_MORE = re.compile(r"\s*\.\.\. \d+ (?:more|common frames omitted)")
_PY_EXCEPTION = re.compile(r"\w+(?:\.\w+)*(?:Error|Exception|Warning|Exit|Interrupt|Iteration)(?::\s|\Z)")
# The last line of a traceback names the exception, whatever it is called (kunde.KundeFinnesIkke: …).
_PY_FINAL = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*(?::\s|\Z)")
_JAVA_EXCEPTION = re.compile(r"[A-Za-z_$][\w$]*(?:\.[\w$]+)+(?:Exception|Error|Throwable)(?::\s|\Z)")
_CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def _entries(lines: Iterable[str]) -> Iterator[list[str]]:
    """Lines grouped into entries: a line with its traceback, stack trace or indented continuation."""
    entry: list[str] | None = None
    size = 0
    traceback = False  # inside a Python traceback: its exception line belongs to it
    for line in lines:
        if line[-1:] in ("\n", "\r"):
            line = line.rstrip("\r\n")
        if not line or line.isspace():
            continue
        if entry is not None and len(entry) < MAX_ENTRY_LINES and size < MAX_ENTRY_CHARS:
            c = line[0]
            cont = False
            if c == " " or c == "\t":
                cont = True
            elif c == "T":
                if line.startswith("Traceback ("):
                    cont = traceback = True
                else:
                    cont = line.startswith(_CHAINED[1])
            elif c == "C":
                cont = line.startswith("Caused by:")
            elif c == ".":
                cont = _MORE.match(line) is not None
            elif c == "D":
                cont = line.startswith(_CHAINED[0])
            if not cont:
                # a Python traceback's last line, or a Java exception's first: "java.lang.X: ..."
                final = traceback and entry[-1][:1] in " \t" and _PY_FINAL.match(line) is not None
                if final:
                    traceback = False  # the traceback ends here: the next line is an entry again
                cont = final or (
                    ("Exception" in line or "Error" in line or "Throwable" in line)
                    and _JAVA_EXCEPTION.match(line) is not None)
            if cont:
                entry.append(line)
                size += len(line)
                continue
        if entry is not None:
            yield entry
        entry = [line]
        size = len(line)
        traceback = line.startswith("Traceback (")
    if entry is not None:
        yield entry


def _record(entry: list[str], parsers: tuple) -> tuple[str, Pairs]:
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


def _dominant(entries: Iterable[list[str]]) -> str | None:
    counts: dict[str, int] = {}
    total = 0
    for entry in entries:
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
    return _dominant(_entries(lines))


def records(lines: Iterable[str]) -> Iterator[Pairs]:
    """One list of (field, value) pairs per log entry; a line nothing understands is its message."""
    it = iter(lines)
    head = list(islice(it, DETECT_LINES))
    if head and head[0][:1] == "\ufeff":
        head[0] = head[0][1:]
    parsers = _order(detect_log(head))
    for entry in _entries(chain(head, it)):
        yield _record(entry, parsers)[1]


def parse_lines(lines: Iterable[str], limits: Limits) -> list[FieldSample]:
    """Values by field over at most max_rows entries; long values in pieces of at most value_cap."""
    return parse_entries(lines, limits)[0]


def parse_entries(lines: Iterable[str], limits: Limits) -> tuple[list[FieldSample], int]:
    """parse_lines, and how many log entries the fields came from (the sample's rows)."""
    out: dict[str, list] = {}
    dropped: dict[str, None] = {}  # past max_fields: listed (a few), not read
    cap = limits.value_cap
    n = 0
    for record in records(lines):
        if n >= limits.max_rows:
            break
        n += 1
        for name, value in record:
            if value is None or value == "":
                continue
            name = cap_name(name)  # a key of a structured-data element can be as long as its line
            values = out.get(name)
            if values is None:
                if len(out) >= limits.max_fields:
                    if len(dropped) < MAX_DROPPED_LISTED:
                        dropped[name] = None
                    continue
                values = out[name] = []
            if isinstance(value, str) and len(value) > cap:
                values.extend(pieces(value, cap))
            else:
                values.append(value)
    reason = f"beyond the first {limits.max_fields} fields of a log: not read"
    return [FieldSample(name, None, values, unstructured=is_free_text(name)) for name, values in out.items()] + [
        FieldSample(name, None, [], skipped_reason=reason) for name in dropped], n


MAX_DROPPED_LISTED = 50


def read_log(stream, limits: Limits) -> list[FieldSample]:
    """A binary stream of log lines, decoded and read up to limits.max_bytes."""
    return parse_lines((line.rstrip("\r\n") for line in iter_lines(stream, limits)), limits)
