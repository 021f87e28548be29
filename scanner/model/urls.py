"""Credentials in URLs and connect strings, masked: in any part of a URL (userinfo, query keys,
ODBC `PWD=`, Oracle's `user/password@host`), wherever a URL is printed."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlsplit

MASKED = "***"

# -- URLs and connect strings --------------------------------------------------------------------------
# Query keys and connect-string keys whose values are credentials: password=, sslpassword=,
# token=, secret=, api_key=, X-Amz-Signature=, sig= (Azure SAS), PWD= (ODBC), …
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key|credential|auth|signature|^sig$|^sas|session", re.I)

_CONNECT_PAIR = re.compile(r"(?i)(?P<key>[A-Za-z_][\w .-]*?)\s*=\s*(?P<value>\{[^}]*\}|[^;&]*)")

_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")

_SLASH_PASSWORD = re.compile(r"(?<![\w/])(?P<user>[A-Za-z_][\w$#.-]*)/(?P<password>[^\s/@]+)@(?P<host>[\w.-]+)")



def _mask_connect_string(text: str) -> str:
    """`DRIVER={…};SERVER=x;UID=u;PWD=secret` with the secret values masked."""
    return _CONNECT_PAIR.sub(lambda m: f"{m.group('key')}={MASKED}" if _SECRET_KEY.search(m.group("key").strip())
                             and m.group("value") else m.group(), text)



def _userinfo(url: str) -> tuple[int, int] | None:
    """Where the password of `scheme://user:password@host` is: between the first `:` after
    `//` and the last `@` before any `?` or `#`, so a password with a raw `/` or `@` in it is
    masked whole."""
    start = url.find("://")
    if start < 0:
        return None
    start += 3
    end = min((i for i in (url.find("?", start), url.find("#", start)) if i >= 0), default=len(url))
    at = url.rfind("@", start, end)
    colon = url.find(":", start, at) if at >= 0 else -1
    return (colon + 1, at) if colon >= 0 else None



def mask_url(url: str) -> str:
    """The URL with every credential masked: the userinfo password, secret query parameters
    (also inside an ODBC `odbc_connect` string) and `user/password@host` connect strings. The
    rest is left exactly as written (`sqlite:////abs/path` keeps its four slashes)."""
    where = _userinfo(url)
    masked = url if where is None else url[: where[0]] + MASKED + url[where[1]:]
    try:
        parts = urlsplit(masked)
    except ValueError:  # not even a URL urlsplit accepts (postgresql://[::1): mask by pattern
        masked = re.sub(r"(?i)([?&;](?:[^=&;]*))=([^&;]*)",
                        lambda m: f"{m.group(1)}={MASKED}" if _SECRET_KEY.search(m.group(1)[1:]) else m.group(), masked)
        return _SLASH_PASSWORD.sub(lambda m: f"{m.group('user')}/{MASKED}@{m.group('host')}", masked)
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(_SECRET_KEY.search(k) or "=" in v for k, v in pairs):
            query = "&".join(_masked_pair(k, v) for k, v in pairs)
            head, sep, _ = masked.partition("?")
            masked = head + sep + query + (f"#{parts.fragment}" if parts.fragment else "")
    return _SLASH_PASSWORD.sub(lambda m: f"{m.group('user')}/{MASKED}@{m.group('host')}", masked)



def _masked_pair(key: str, value: str) -> str:
    if _SECRET_KEY.search(key):
        value = MASKED
    elif "=" in value and ";" in value or key.lower() in ("odbc_connect", "dsn", "connect_string"):
        value = _mask_connect_string(value)
    return f"{quote(key, safe='_.-')}={quote(value, safe='*_.-/:,{}@ ').replace(' ', '+')}"



def url_secrets(url: str) -> list[str]:
    """Every credential in a URL, as written and decoded: what must never appear in any output."""
    found: list[str] = []
    where = _userinfo(url)
    if where is not None and where[1] > where[0]:
        found.append(url[where[0]: where[1]])
    try:
        parts = urlsplit(url)
        for k, v in parse_qsl(parts.query, keep_blank_values=True):
            if _SECRET_KEY.search(k):
                found.append(v)
            elif "=" in v:
                found += [m.group("value") for m in _CONNECT_PAIR.finditer(v)
                          if _SECRET_KEY.search(m.group("key").strip()) and m.group("value")]
    except ValueError:
        found += [v for k, v in re.findall(r"[?&;]([^=&;]*)=([^&;]*)", url) if _SECRET_KEY.search(k)]
    found += [m.group("password") for m in _SLASH_PASSWORD.finditer(url)]
    out: list[str] = []
    for s in found:
        for form in (s, unquote(s), quote(s, safe=""), unquote(s).replace("+", " ")):
            if form and form not in out:
                out.append(form)
    return out



# -- one spelling per system ------------------------------------------------------------------------
# Other names of a scheme, as SQLAlchemy and libpq take them: `postgres://` is `postgresql://`. The
# driver after `+` is kept (it says how to connect); where the identity of a server is compared
# (the inventory's `same_place`) the driver is dropped and MariaDB is MySQL's protocol.
SCHEME_ALIASES = {"postgres": "postgresql"}


def canonical_scheme(url: str) -> str:
    """The URL with its scheme's other name replaced by the one name (`postgres+psycopg2://h/db`
    → `postgresql+psycopg2://h/db`); everything after the scheme as written."""
    head, sep, rest = url.partition("://")
    if not sep:
        return url
    family, plus, driver = head.partition("+")
    canonical = SCHEME_ALIASES.get(family.lower())
    return f"{canonical}{plus}{driver}{sep}{rest}" if canonical else url


def mask_urls_in(text: str) -> str:
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group()), _SLASH_PASSWORD.sub(
        lambda m: f"{m.group('user')}/{MASKED}@{m.group('host')}", text))



# SQLAlchemy's own URL pattern (sqlalchemy.engine.url._parse_url), so a database URL is judged
# readable exactly as make_url would judge it without importing SQLAlchemy (~0.2 s) for `--validate`;
# tests/test_url_check.py holds the two to the same verdicts.
_SQLALCHEMY_URL = re.compile(r"""
    (?P<name>[\w\+]+)://
    (?:(?P<username>[^:/]*)(?::(?P<password>[^@]*))?@)?
    (?:(?:\[(?P<ipv6host>[^/\?]+)\]|(?P<ipv4host>[^/:\?]+))?(?::(?P<port>[^/\?]*))?)?
    (?:/(?P<database>[^\?]*))?
    (?:\?(?P<query>.*))?
    """, re.X)


def database_url_readable(url: str) -> bool:
    """Whether SQLAlchemy's make_url would read `url`: its pattern matches and a port is a number."""
    m = _SQLALCHEMY_URL.match(url)
    if m is None:
        return False
    port = m.group("port")
    if port is not None:  # "host:/db" too: an empty port is not a number either
        try:
            int(port)
        except ValueError:
            return False
    return True
