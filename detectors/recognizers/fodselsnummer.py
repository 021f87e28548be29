"""Fødselsnummer, D-nummer, H-nummer, FH-nummer and synthetic test numbers (Tenor, SyntPop)."""

from __future__ import annotations

from functools import lru_cache

from detectors.checksums import FnrInfo, fnr_info, only_digits
from detectors.recognizers.base import SCREEN_AFTER as A
from detectors.recognizers.base import SCREEN_BEFORE as B
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape


class FodselsnummerRecognizer(KartleggPatternRecognizer):
    """Norwegian national identity numbers, validated with both check digits and the date.

    Every valid fødselsnummer also passes the kontonummer check; the engine decides between the
    two with context, so one value is never reported as both.
    """

    ENTITY = "NO_FODSELSNUMMER"
    PATTERNS = [
        # Not the tail of a grouped number (a spaced Amex card: 3765 517633 53412).
        Pattern("fnr (DDMMYY IIIKK)", r"(?<![\w.,+-])(?<!\b\d{4}[ -])\d{6}[ -]\d{5}(?![\w]|[.,-]\d)", 0.9),
        Pattern("fnr (11 digits)", r"(?<![\w.,+-])\d{11}(?![\w]|[.,-]\d)", 0.8),
    ]
    CONTEXT = [
        "fødselsnummer", "fodselsnummer", "foedselsnummer", "fødselsnr", "fodselsnr", "fnr",
        "personnummer", "personnr", "pnr", "persnr", "d-nummer", "dnummer", "dnr", "h-nummer",
        "personident", "ident", "folkeregister", "national", "ssn", "nin",
    ]
    COUNTER_CONTEXT = [
        "faktura", "invoice", "ordre", "order", "kid", "referanse", "reference", "saksnr", "sak",
        "transaksjon", "transaction", "batch", "ticket", "bilag", "voucher",
        # a product's numbers: an 11-digit article number passes the check about as often as chance
        "artikkel", "article", "varenummer", "varenr", "delenummer", "delenr", "produktnummer", "produktnr",
        "serienummer", "serienr", "lagernummer",
    ]
    EVIDENCE = "checksum-validated (K1, K2, date)"
    SCREEN = B + r"\d{6}[ -]?\d{5}" + A
    WHOLE_DIGITS = {11: "fnr (11 digits)"}

    @staticmethod
    @lru_cache(maxsize=4096)  # is_valid and annotate check the same match
    def _info(text: str) -> FnrInfo | None:
        return fnr_info(only_digits(text))

    def is_valid(self, text: str) -> bool:
        return self._info(text) is not None

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 11

    def annotate(self, text, metadata) -> None:
        info = self._info(text)
        if info is not None:
            metadata["kind"] = info.kind
            metadata["synthetic"] = info.synthetic
