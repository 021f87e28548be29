"""Scrub error messages before they reach a report or a log."""

from __future__ import annotations

import re

_LONG_DIGITS = re.compile(r"\d(?:[ .-]?\d){5,}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MAX_MESSAGE = 500


def scrub(message: str, secrets: list[str] = ()) -> str:
    """No passwords, no long digit runs (identifiers), no e-mail addresses; bounded length.

    Database errors quote offending values ("invalid input syntax: '01019012345'"), so a message
    is treated as possibly holding personal data.
    """
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    message = _EMAIL.sub("<e-mail>", message)
    message = _LONG_DIGITS.sub("<number>", message)
    message = " ".join(message.split())
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def describe_error(exc: BaseException, secrets: list[str] = ()) -> dict:
    orig = getattr(exc, "orig", None)  # the driver's own message, without SQLAlchemy's SQL dump
    text = str(orig if orig is not None else exc) or type(exc).__name__
    return {"type": type(orig if orig is not None else exc).__name__, "message": scrub(text, secrets)}
