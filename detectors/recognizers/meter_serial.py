"""Målernummer: the 16-digit serial an AMS meter reports on its HAN port."""

from __future__ import annotations

from detectors.checksums import gs1_valid
from detectors.recognizers.base import SCREEN_AFTER as A
from detectors.recognizers.base import SCREEN_BEFORE as B
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape


class MeterSerialRecognizer(KartleggPatternRecognizer):
    """16-digit GS1 meter serials (Aidon, Kamstrup, Kaifa … all use GS1 mod-10).

    One random 16-digit number in ten passes GS1, so a match counts only with a context word or
    a meter column. Vendor prefixes are not hard-coded: new vendors would be missed.
    """

    ENTITY = "NO_METER_SERIAL"
    PATTERNS = [Pattern("meter serial (16 digits)", r"(?<![\w.,+-])\d{16}(?![\w]|[.,-]\d)", 0.25)]
    # Not "han" (the pronoun) or "ams" (inside "teams"): "HAN-port" and "AMS-måler" are one token.
    CONTEXT = [
        "måler", "maler", "maaler", "meter", "serienummer", "serienr", "serial", "han-port", "hanport",
    ]
    EVIDENCE = "GS1 check digit"
    SCREEN = B + r"\d{16}" + A
    WHOLE_DIGITS = {16: "meter serial (16 digits)"}

    def is_valid(self, text: str) -> bool:
        return len(set(text)) > 1 and gs1_valid(text)

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 16
