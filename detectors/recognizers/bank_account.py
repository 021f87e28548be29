"""Kontonummer: Norwegian bank account numbers (11 digits, mod 11)."""

from __future__ import annotations

from detectors.checksums import kontonummer_valid, only_digits
from detectors.recognizers.base import SCREEN_AFTER as A
from detectors.recognizers.base import SCREEN_BEFORE as B
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape


class BankAccountRecognizer(KartleggPatternRecognizer):
    """Account numbers as banks print them (1234.56.78903, 1234 56 78903) or bare.

    About 9% of random 11-digit numbers pass the check, and every fødselsnummer does, so a bare
    number needs a context word; the engine settles fødselsnummer against kontonummer.
    """

    ENTITY = "NO_BANK_ACCOUNT"
    PATTERNS = [
        Pattern("kontonummer (1234.56.78903)", r"(?<![\w.,+-])\d{4}\.\d{2}\.\d{5}(?![\w]|[.,-]\d)", 0.7),
        Pattern(
            "kontonummer (1234 56 78903)",
            r"(?<![\w.,+-]|\d[ -])\d{4}([ -])\d{2}\1\d{5}(?![\w]|[ .,-]\d)",
            0.6,
        ),
        Pattern("kontonummer (11 digits)", r"(?<![\w.,+-])\d{11}(?![\w]|[.,-]\d)", 0.3),
    ]
    # "konto" is also inside "kontor"; rare next to an 11-digit number.
    CONTEXT = ["kontonummer", "kontonr", "konto", "kto", "betal", "bank", "account", "giro"]
    EVIDENCE = "checksum-validated (mod 11)"
    SCREEN = B + r"(?:\d{4}\.\d{2}\.\d{5}|\d{4} \d{2} \d{5}|\d{4}-\d{2}-\d{5}|\d{11})" + A
    WHOLE_DIGITS = {11: "kontonummer (11 digits)"}

    def is_valid(self, text: str) -> bool:
        return kontonummer_valid(only_digits(text))

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 11
