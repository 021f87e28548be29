"""Web server access logs: nginx/Apache combined, common and vhost_combined, with whatever a custom
format appends (request times, X-Forwarded-For, `key=value` extras). The request's query string
and the referrer's become fields of their own (`query.email`, `referrer.query.fnr`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

from scanner.formats.logs.fields import KEY, Pairs, dropped, unescape

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
            elif KEY.match(name):
                out.append((f"{prefix}.{name}", value))
            else:  # a name no field should carry (personal data in the name, or junk)
                out.append((prefix, f"{name}={value}"))
    return url


def parse_access(line: str) -> tuple[str, Pairs] | None:
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
        pairs.append(("remote_user", unescape(user)))
    _request(unescape(req), pairs)
    fmt = "common"
    if ua is not None:
        fmt = "combined"
        if ref and ref != "-":
            query: Pairs = []
            ref = _url(unescape(ref), "referrer.query", query)
            pairs.append(("referrer", ref))
            pairs.extend(query)
        if ua and ua != "-":
            pairs.append(("user_agent", unescape(ua)))
    if rest:
        _rest(rest, pairs)
    return fmt, pairs


def _request(req: str, pairs: Pairs) -> None:
    """The request line's path and query parameters; the whole line when it is no HTTP request."""
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


def _rest(rest: str, pairs: Pairs) -> None:
    """What a custom log format writes after the standard fields: X-Forwarded-For first (a quoted
    list of addresses), then `key=value` extras and anything else, short numbers left out."""
    first = True
    for quoted, word in _REST_TOKEN.findall(rest):
        if word:
            if word == "-" or _SHORT_NUMBER.match(word):
                continue
            key, eq, value = word.partition("=")
            if eq and KEY.match(key):
                if value.startswith('"'):
                    value = value.strip('"')
                if value and value != "-" and not _SHORT_NUMBER.match(value) and not dropped(key):
                    pairs.append((key, value))
            else:
                pairs.append(("extra", word))
            continue
        quoted = unescape(quoted)
        if quoted and quoted != "-":
            if first and _IP_LIST.match(quoted):
                pairs.append(("forwarded_for", quoted))
            else:
                pairs.append(("extra", quoted))
        first = False
