"""Structured log lines on stderr: `event key=value …` (text) or one JSON object per line.

What a log line may hold: events, counts, source names, masked URIs and location URIs as the
report has them, error types and scrubbed messages. Never a sampled value; and every line
passes a filter that replaces any secret the run knows (passwords from URLs, configuration and
password files) with ***. Other libraries' loggers are held at warning: botocore and
SQLAlchemy log request bodies and statements with parameters at debug.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from urllib.parse import quote

from scanner.model.redact import mask_secrets, printable
from scanner.model.urls import mask_urls_in

OURS = ("scanner", "detectors", "reports")
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def event(logger: logging.Logger, level: int, name: str, **fields) -> None:
    """One structured line: an event name and its fields."""
    if logger.isEnabledFor(level):
        logger.log(level, name, extra={"fields": fields})


class SecretFilter(logging.Filter):
    """Replaces known secrets, as given and %-encoded, in the formatted line."""

    def __init__(self):
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, *secrets: str) -> None:
        for s in secrets:
            if s:
                self.secrets.update({s, quote(s, safe="")})

    def scrub(self, text: str) -> str:
        # as in error messages: a short secret only where it stands alone, so "p" leaves "port" be
        return mask_secrets(text, self.secrets)


class _Formatter(logging.Formatter):
    def __init__(self, secrets: SecretFilter, as_json: bool):
        super().__init__()
        self.secrets = secrets
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        # control characters are shown escaped (a name with ESC sequences must not drive a
        # terminal or forge a log line); URLs lose their credentials
        fields = _shown(dict(getattr(record, "fields", None) or {}))
        # another library's message may carry %-args; ours never do
        message = printable(mask_urls_in(record.getMessage()))
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"
        if record.exc_info and record.exc_info[1] is not None:  # the type only: a traceback can quote data
            fields.setdefault("exception", type(record.exc_info[1]).__name__)
        if self.as_json:
            line = json.dumps({"ts": ts, "level": record.levelname.lower(), "logger": record.name,
                               "event": message, **fields}, ensure_ascii=False, default=str)
        else:
            pairs = " ".join(f"{k}={_text_value(v)}" for k, v in _flat(fields))
            line = f"{ts} {record.levelname.lower():<7} {message}" + (f" {pairs}" if pairs else "")
        return self.secrets.scrub(line)


def _shown(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): _shown(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown(v) for v in value]
    return value


def _flat(fields: dict, prefix: str = ""):
    """Nested counts as dotted keys (locations.scanned=47): what a grep or a log query wants."""
    for k, v in fields.items():
        if isinstance(v, dict) and v:
            yield from _flat(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _text_value(value) -> str:
    if isinstance(value, (dict, list, tuple)):
        value = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if (not text or any(c in text for c in ' "=\n\t')) else text


_SECRETS = SecretFilter()
_HANDLER: logging.Handler | None = None
_SETUP: tuple[str, str] | None = None  # (level, format) of the last setup()


def setup(level: str = "warning", fmt: str = "text", stream=None) -> SecretFilter:
    """(Re)configure logging for this process; returns the secret filter to add secrets to."""
    global _HANDLER, _SETUP
    _SETUP = (level, fmt)
    root = logging.getLogger()
    if _HANDLER is not None:
        root.removeHandler(_HANDLER)
    _HANDLER = logging.StreamHandler(stream or sys.stderr)
    _HANDLER.setFormatter(_Formatter(_SECRETS, fmt == "json"))
    root.addHandler(_HANDLER)
    root.setLevel(logging.WARNING)
    for name in OURS:
        logging.getLogger(name).setLevel(LEVELS[level])
    for noisy in ("presidio-analyzer", "presidio_analyzer"):
        logging.getLogger(noisy).setLevel(logging.ERROR)  # it warns about each unused language
    return _SECRETS


def add_secrets(*secrets: str) -> None:
    _SECRETS.add(*secrets)


def current() -> tuple | None:
    """This process's logging set-up with its secrets, for a worker process to adopt."""
    return None if _SETUP is None else (*_SETUP, sorted(_SECRETS.secrets))


def adopt(state: tuple | None) -> None:
    if state is not None:
        level, fmt, secrets = state
        setup(level, fmt)
        _SECRETS.secrets.update(secrets)


def level_for(verbose: int, quiet: int, configured: str | None = None) -> str:
    """-v/-q against the configured level (default warning): -v info, -vv debug, -q error."""
    names = list(LEVELS)
    start = names.index(configured) if configured in LEVELS else names.index("warning")
    return names[max(0, min(len(names) - 1, start - verbose + quiet))]
