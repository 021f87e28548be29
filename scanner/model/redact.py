"""The one gate between what kartlegg finds and what it writes.

Every record goes through `Redactor.record` before a report writer, the HTML report, the
inventory, the console or a log sees it; error messages, names and URLs printed elsewhere go
through the functions here too. So there is one place to get masking right:

- values found in names (table, schema, column, file, directory, key and sheet names) are masked
  like values, and a masked name carries a tag keyed on the real name (`~k3x9q2m7p1`), so two
  names that mask alike stay two locations, and the same name is the same location in every
  scan; the real parts travel sealed (AES-GCM under a key derived from the fingerprint key), so
  `kartlegg inventory show` can name them on the scanning machine and nowhere else;
- free text (error messages, comments, reasons) is masked by the detectors, plus the phrases in
  which databases quote the offending value, plus long digit runs with any separator; server
  addresses in connection errors are kept, since the operator needs them;
- credentials in any part of a URL or connect string become ***;
- control characters (C0, C1, ESC/OSC sequences, bidi overrides) are shown escaped, never raw.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from scanner.model.sealing import Sealer, _tag
from scanner.model.urls import MASKED, mask_url, mask_urls_in

MAX_MESSAGE = 500  # characters of one error message or reason
MAX_NAME = 512  # characters of one name read by the detectors (readers cap names at 256 already)
_MAX_CACHED = 50_000
TAG = re.compile(r"~(?:[a-z][0-9]){5}$")  # the tag a masked name ends with


# -- control characters ------------------------------------------------------------------------------
# C0, DEL, C1, and the Unicode format characters that reorder or hide text on a terminal
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def printable(text: str) -> str:
    """Text safe for a terminal, a log line or a report: control and format characters as
    `\\xNN`/`\\uNNNN`, and the bytes of a file name that are not UTF-8 (kept by Python as
    surrogates) as `\\xNN`."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that did not come from a byte
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        text)


# -- names and text ----------------------------------------------------------------------------------
# Separators the detectors do not read as word breaks, shown to them as spaces (same length, so
# offsets hold): kunde_01017012343, a phone with non-breaking spaces.
_AS_SPACE = str.maketrans({c: " " for c in "_\u00a0\u2007\u202f\u2009\u200a\u3000\t"})
# Cheap signs that a name may hold a value; names without one are not given to the detectors.
_SUSPECT = re.compile(r"@|\d{4,}|\d{1,3}(?:\.\d{1,3}){3}|\d(?:[\W_]{1,2}\d){5,}|[^\W\d_]{2,}[\W_]{1,3}[^\W\d_]{2,}|\d{4}\W*[^\W\d_]{2,}"
                      r"|[^\W\d_]{3,}\W{0,2}\d")
# Digit runs of 8 or more with any separators: phone numbers, fødselsnumre, accounts, meters,
# cards. A date or timestamp (19xx/20xx) and an IPv4 address are not.
_DIGITS = re.compile(r"(?<![\d*])\d(?:[\s._-]{0,2}\d){7,}(?![\d*])")
_DATE = re.compile(r"^(?:19|20)\d\d[-_./]?(?:0[1-9]|1[0-2])[-_./]?(?:0[1-9]|[12]\d|3[01])"
                   r"(?:[\sT_-]?[0-2]\d[:._-]?[0-5]\d(?:[:._-]?[0-5]\d)?)?$")
_URI_PARTS = re.compile(r"^(?P<scheme>(?:[A-Za-z][\w+.-]*:)?)(?://(?P<netloc>[^/?#]*))?(?P<path>[^?#]*)(?P<rest>.*)$", re.S)
_DOTTED_QUAD = re.compile(r"(?<!\d)(?<!\d\.)\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d)")
_SURROGATE = re.compile("[\ud800-\udfff]")
# An invoice, order or case number led by its year (faktura_2024-10023): no identifier of a
# person is written that way (a fødselsnummer splits after six digits, a phone number is not 19xx/20xx-…)
_YEAR_REFERENCE = re.compile(r"^(?:19|20)\d\d[-_./]\d{1,6}$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Where a database or driver quotes the offending value: always a value from the data.
_QUOTED_VALUE = re.compile(
    r"(?P<lead>(?:invalid input (?:syntax|value) for (?:type |enum )?[\w .\"()]+?|malformed [\w ]+ literal"
    r"|value too long for type [\w ()]+?|could not convert string to \w+|invalid literal for \w+\(\)(?: with base \d+)?"
    r"|incorrect [\w ]+ value|truncated incorrect [\w ]+ value|duplicate entry|value|values?|literal|string"
    r"|out of range value|for input string|unparseable date|cannot cast [\w ]+)\s*:?\s*)"
    r"(?P<q>[\"'])(?P<value>.*?)(?P=q)", re.I)
_KEY_VALUE = re.compile(r"(?P<lead>Key \((?:[^()]|\([^()]*\))*\)=\()(?P<value>(?:[^()]|\([^()]*\))*)(?P<end>\))")
_FAILING_ROW = re.compile(r"(?P<lead>Failing row contains \()(?P<value>.*)(?P<end>\))", re.S)
# An address the error says it connected to: the operator's server, not a person's.
_HOST_CONTEXT = re.compile(r"\b(?:server|host(?:name)?|endpoint|connect(?:ing|ion)?|proxy|listen(?:ing)?)\b[^,;]{0,32}$",
                           re.I)


def rough(text: str) -> str:
    """Without detectors (a repr, a traceback): e-mail addresses and long digit runs masked."""
    text = _EMAIL.sub(lambda m: m.group()[:1] + MASKED + "@" + m.group().rpartition("@")[2], text)
    return _DIGITS.sub(_mask_digits, text)


def _mask_digits(m: re.Match) -> str:
    run = m.group()
    if _DATE.match(run) or _IPV4.match(run) or _YEAR_REFERENCE.match(run):
        return run
    return "".join("*" if c.isdigit() else c for c in run)


# Record keys whose values are kartlegg's own words, ids, enumerations, keyed digests or values
# masked where they were found (examples, by `detectors.evidence.mask`):
# shown as they are (control characters escaped). Any other string is treated as text that may
# hold data, so a key added later is masked until someone says otherwise.
_OWN = frozenset({
    "record", "schema_version", "examples", "scan_id", "entity_type", "category", "fingerprints", "started_at", "finished_at",
    "at", "method", "format", "claimed", "layers", "type", "change", "state", "since_scan_id", "version", "sealed",
    "uri_kind", "executor", "scheduler", "name_kind", "since", "last_scan_id", "first_seen", "last_seen", "status",
    "decision", "revision", "kind", "unit", "modified", "tag", "newest", "oldest", "interrupted", "outcome",
    "in_log", "free_text", "sketch",
})
_HEADER_OWN = frozenset({"tool", "settings", "detectors", "executor", "inventory"})


class Redactor:
    """Masks what records, messages and names would otherwise carry in the clear.

    `engine`: the detection engine (None: digit runs and e-mail shapes only); `key`: the
    installation's fingerprint key (tags and seals); `secrets`: strings never to be shown
    (passwords); `hosts`: server names and addresses the operator gave, kept in messages.
    Deterministic, and masking its own output changes nothing.
    """

    def __init__(self, engine=None, key: bytes | None = None, secrets=(), hosts=(), enabled: bool = True):
        self.engine = engine
        self.key = key
        self.enabled = enabled
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.hosts = {h.lower() for h in hosts if h}
        self._sealer = Sealer(key) if key else None
        self._names: dict[str, str] = {}
        self._texts: dict[str, str] = {}
        self._urls: dict[str, str] = {}
        self._person = None
        if engine is not None:
            self._person = next((r for r in engine.recognizers if "PERSON" in r.supported_entities
                                 and hasattr(r, "may_contain")), None)

    def add_secrets(self, *secrets: str) -> None:
        self.secrets = sorted(set(self.secrets) | {s for s in secrets if s}, key=len, reverse=True)
        self._texts.clear()

    # -- names ---------------------------------------------------------------------------------
    def name(self, raw: str | None) -> str | None:
        """One name: unchanged when it holds no value, else masked and tagged."""
        if raw is None or raw == "":
            return raw
        cached = self._names.get(raw)
        if cached is None:
            cached = self._name(raw)
            if len(self._names) >= _MAX_CACHED:
                self._names.clear()
            self._names[raw] = cached
        return cached

    def _name(self, raw: str) -> str:
        if not self.enabled:
            return printable(raw)
        if len(raw) > MAX_NAME:  # a name is written into every record of its field: never a megabyte of it
            head = raw[: MAX_NAME - 12] + "…"  # with its tag, at most MAX_NAME: a second pass keeps it
            masked = self._mask(head, names=True) if _SUSPECT.search(head) else head
            return printable(masked) + (_tag(self.key, raw) if self.key else "")
        masked = self._mask(raw, names=True) if _SUSPECT.search(raw) else raw
        if masked == raw:
            return printable(raw)
        return printable(masked) + (_tag(self.key, raw) if self.key else "")

    def path(self, raw: str | None) -> str | None:
        """A `/`-separated name (a key, a relative path): each part on its own."""
        if not raw:
            return raw
        return "/".join(self.name(part) for part in raw.split("/"))

    # -- text ----------------------------------------------------------------------------------
    def text(self, raw: str | None, limit: int | None = MAX_MESSAGE) -> str | None:
        """Free text (an error message, a reason, a comment): values masked, secrets and
        credentials out, one line, at most `limit` characters."""
        if raw is None:
            return None
        raw = str(raw)
        cached = self._texts.get(raw)
        if cached is None:
            cached = self._text(raw)
            if len(self._texts) >= _MAX_CACHED:
                self._texts.clear()
            self._texts[raw] = cached
        if limit is not None and len(cached) > limit:
            return cached[: limit - 1] + "…"
        return cached

    def _text(self, text: str) -> str:
        if len(text) > 4 * MAX_MESSAGE:  # what is shown is cut at MAX_MESSAGE: the detectors need not read more
            text = text[: 4 * MAX_MESSAGE]
        text = mask_secrets(text, self.secrets)
        text = mask_urls_in(text)
        if self.enabled:
            text = _KEY_VALUE.sub(lambda m: m.group("lead") + "<value>" + m.group("end"), text)
            text = _FAILING_ROW.sub(lambda m: m.group("lead") + "<values>" + m.group("end"), text)
            text = _QUOTED_VALUE.sub(self._quoted, text)
            text = self._mask(text, names=False)
        return printable(" ".join(text.split()))

    def _quoted(self, m: re.Match) -> str:
        value = m.group("value")
        if not value or value == "<value>" or self._is_host(value):
            return m.group()
        return f"{m.group('lead')}{m.group('q')}<value>{m.group('q')}"

    def _is_host(self, value: str) -> bool:
        return value.lower() in self.hosts

    # -- the detectors -------------------------------------------------------------------------
    def _mask(self, text: str, names: bool) -> str:
        """Every personal value the detectors (and the digit and e-mail rules) find, masked."""
        from scanner.model import categories
        from scanner.model.masks import mask

        found: list[tuple[int, int, str]] = []
        if self.engine is not None:
            seen = _SURROGATE.sub("?", text.translate(_AS_SPACE))  # spaCy cannot take lone surrogates
            for d in self.engine.analyze_text(seen, threshold=0.5 if names else 0.4):
                if not categories.info(d.entity_type).personal:
                    continue
                if d.entity_type == "IP_ADDRESS" and not names and self._server_address(text, d.start, d.end):
                    continue
                found.append((d.start, d.end, d.entity_type))
            if names:
                found += self._person_pairs(text, {(s, e) for s, e, _ in found})
        for m in _EMAIL.finditer(text):
            found.append((m.start(), m.end(), "EMAIL_ADDRESS"))
        if names:  # a dotted quad inside a name (clients.84.210.12.7) has no spaces around it to read by
            found += [(m.start(), m.end(), "IP_ADDRESS") for m in _DOTTED_QUAD.finditer(text)
                      if all(int(o) < 256 for o in m.group().split("."))]
        out, end = [], 0
        for start, stop, entity in sorted(found):
            if start < end:
                continue
            out.append(text[end:start])
            out.append(mask(entity, text[start:stop]))
            end = stop
        out.append(text[end:])
        return _DIGITS.sub(_mask_digits, "".join(out))

    def _server_address(self, text: str, start: int, end: int) -> bool:
        address = text[start:end]
        if self._is_host(address):
            return True
        return bool(_HOST_CONTEXT.search(text[max(0, start - 48): start]))

    def _person_pairs(self, name: str, taken: set) -> list[tuple[int, int, str]]:
        """Two known name words joined by . _ - or a space (kari.nordmann, ola-hansen), read as
        "Kari Nordmann": user names, mailbox folders, keys of a JSON object keyed by person."""
        if self._person is None:
            return []
        words = list(_WORD.finditer(name))
        out = []
        for a, b in zip(words, words[1:]):
            gap = name[a.end(): b.start()]
            if gap not in (".", "_", "-", " ") or (a.start(), b.end()) in taken:
                continue
            text = f"{a.group().title()} {b.group().title()}"  # each word written as a name
            if not (self._person.may_contain(a.group().title()) and self._person.may_contain(b.group().title())):
                continue
            if any(d.entity_type == "PERSON" for d in self.engine.analyze_text(text)):
                out.append((a.start(), b.end(), "PERSON"))
        return out

    # -- URLs and locations --------------------------------------------------------------------
    def url(self, raw: str | None) -> str | None:
        """A location's URI: credentials masked, every path segment and the fragment as names
        (an S3 URI's bucket too); the rest exactly as written."""
        if not raw:
            return raw
        raw, frag_sep, frag = raw.partition("#")
        m = _URI_PARTS.match(raw)
        scheme, netloc, path, rest = m.group("scheme"), m.group("netloc"), m.group("path"), m.group("rest")
        if netloc is not None and scheme.lower() == "s3:":
            netloc = self._segment(netloc, "")
        head = printable(mask_url(scheme + ("//" + netloc if netloc is not None else "")))
        path = "/".join(self._segment(seg, "*=") for seg in path.split("/"))
        return head + path + printable(mask_url(rest) if rest else "") + (
            frag_sep + self._segment(frag, ".[]") if frag_sep else "")

    def _segment(self, quoted: str, safe: str) -> str:
        raw = unquote(quoted, errors="surrogateescape")
        masked = self.path(raw) if "/" in raw else self.name(raw)
        return quoted if masked == printable(raw) else quote(masked, safe=safe + "*~/")

    def location(self, loc: dict | None) -> dict | None:
        """A record's location with its names masked, and the real ones sealed when any was."""
        if not loc or not self.enabled:
            return self._printable_location(loc)
        out = dict(loc)
        real = {}
        for part, fn in (("container", self.path), ("dataset", self.path), ("field", self.name)):
            value = loc.get(part)
            if value:
                shown = fn(value)
                out[part] = shown
                if shown != printable(value):
                    real[part] = value
        if loc.get("uri"):
            out["uri"] = self.url(loc["uri"])
        if real and self._sealer is not None and "sealed" not in loc:
            out["sealed"] = self._sealer.seal({k: loc.get(k) for k in ("container", "dataset", "field")})
        return out

    def _printable_location(self, loc):
        if not loc:
            return loc
        return {k: printable(v) if isinstance(v, str) else v for k, v in loc.items()}

    def unseal(self, sealed: str) -> dict:
        if self._sealer is None:
            raise ValueError("no fingerprint key to unseal with")
        return self._sealer.unseal(sealed)

    # -- records -------------------------------------------------------------------------------
    def record(self, record: dict) -> dict:
        """A report record as it may leave: every kind, every field (see _OWN for what is
        kartlegg's own and shown as it is)."""
        kind = record.get("record")
        out = {}
        for key, value in record.items():
            if key == "location":
                out[key] = self.location(value)
            elif key == "source":
                out[key] = self.source(value)
            elif key == "sources" and kind == "scan":
                out[key] = [self.source(s) for s in value]
            elif kind == "scan" and key in _HEADER_OWN:
                out[key] = _walk_own(value)
            elif key == "columns" and isinstance(value, list):
                out[key] = [self.column(c) for c in value]
            elif key == "objects" and isinstance(value, dict):
                out[key] = self._objects(value)
            else:
                out[key] = self._value(key, value)
        return out

    def source(self, src: dict | None) -> dict | None:
        """A source as given by the operator: its URL's credentials masked, its name as given."""
        if not src:
            return src
        out = {k: (printable(v) if isinstance(v, str) else _walk_own(v)) for k, v in src.items()}
        if src.get("uri"):
            out["uri"] = self._source_url(src["uri"])
        return out

    def _source_url(self, uri: str) -> str:
        """A source's URL masked, once per source: every record of a scan names its source."""
        shown = self._urls.get(uri)
        if shown is None:
            if len(self._urls) >= _MAX_CACHED:
                self._urls.clear()
            shown = self._urls[uri] = printable(mask_url(uri))
        return shown

    def column(self, column: dict) -> dict:
        out = dict(column)
        if column.get("name"):
            out["name"] = self.name(str(column["name"]))
        if column.get("comment"):
            out["comment"] = self.text(column["comment"])
        if column.get("type"):
            out["type"] = self.name(str(column["type"]))
        return out

    def _objects(self, objects: dict) -> dict:
        out = {}
        for key, value in objects.items():
            if key == "members" and isinstance(value, list):
                out[key] = [{k: (self.path(v) if k == "key" and isinstance(v, str) else self._value(k, v))
                             for k, v in m.items()} if isinstance(m, dict) else self._value(key, m) for m in value]
            else:
                out[key] = self._value(key, value)
        return out

    def _value(self, key: str, value):
        if isinstance(value, str):
            return printable(value) if key in _OWN else self.text(value)
        if isinstance(value, list):
            return [self._value(key, v) for v in value]
        if isinstance(value, dict):
            if key == "location":
                return self.location(value)
            return {k: self._value(k, v) for k, v in value.items()}
        return value


def _walk_own(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_walk_own(v) for v in value]
    if isinstance(value, dict):
        return {k: _walk_own(v) for k, v in value.items()}
    return value


# -- errors ------------------------------------------------------------------------------------------
def describe_error(exc: BaseException, secrets: list[str] = ()) -> dict:
    """An exception as a record's `error`: its type, and its message with secrets and
    credentials out (the values in it are masked where the record is redacted)."""
    orig = getattr(exc, "orig", None)  # the driver's own message, without SQLAlchemy's SQL dump
    text = str(orig if orig is not None else exc) or type(exc).__name__
    return {"type": type(orig if orig is not None else exc).__name__, "message": scrub(text, secrets)}


SHORT_SECRET = 6  # a secret shorter than this is masked where it stands alone, not inside words


def mask_secrets(text: str, secrets) -> str:
    """`text` with every secret masked: a long one wherever it occurs, a short one (a password
    "p", "1234") where it stands as a token, between characters that are not letters or digits:
    masked inside words it would turn "port" into "***ort" and show which letter it is."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if len(secret) >= SHORT_SECRET:
            text = text.replace(secret, MASKED)
        elif secret in text:
            text = re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", MASKED, text)
    return text


def scrub(message: str, secrets=()) -> str:
    """Where a message is made, before any detector sees it: secrets and credentials out, one
    line, bounded. Values are masked later, by `Redactor.text`, which keeps server addresses."""
    message = mask_secrets(str(message), secrets)
    message = mask_urls_in(" ".join(str(message).split()))
    return message if len(message) <= 4 * MAX_MESSAGE else message[: 4 * MAX_MESSAGE - 1] + "…"
