"""Målepunkt-ID: the 18-digit GSRN of a Norwegian metering point (Elhub)."""

from __future__ import annotations

from detectors.checksums import gs1_valid
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape


class MeterIdRecognizer(KartleggPatternRecognizer):
    """Norwegian metering point IDs: GS1 prefix 707057500 + serial + GS1 check digit.

    Elhub's IDs start 7070575000, but valid IDs under the wider 707057500 prefix occur in
    published examples; the prefix is still specific enough to stand alone. Sweden's anläggnings-ID (735999…) and Denmark's
    (57…) share the format but are not Norwegian metering points.
    """

    ENTITY = "NO_METER_ID"
    PATTERNS = [Pattern("målepunkt-ID (GSRN)", r"(?<![\w.,+-])707057500\d{9}(?![\w]|[.,-]\d)", 0.95)]
    CONTEXT = [
        "målepunkt", "malepunkt", "maalepunkt", "mpid", "gsrn", "metering", "elhub", "anlegg",
    ]
    EVIDENCE = "GSRN prefix 707057500 and GS1 check digit"
    SCREEN = r"707057500\d{9}"
    WHOLE_DIGITS = {18: "målepunkt-ID (GSRN)"}

    def is_valid(self, text: str) -> bool:
        return gs1_valid(text)

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 18
