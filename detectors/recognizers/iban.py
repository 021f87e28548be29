"""IBAN: international bank account numbers of any country."""

from __future__ import annotations

from detectors.checksums import iban_valid
from detectors.recognizers.base import SCREEN_BEFORE as B
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape


class IbanRecognizer(KartleggPatternRecognizer):
    """IBANs compact (NO9386011117947) or printed in groups of four (NO93 8601 1117 947).

    Validated by mod 97 and the country's BBAN structure; for Norway also the inner
    kontonummer check digit.
    """

    ENTITY = "IBAN_CODE"
    # The printed form is upper case only: case-insensitive, a following 4-letter word
    # ("… 0005 1332 oslo") would join the last group and spoil the whole match.
    PATTERNS = [
        Pattern("IBAN (compact)", r"(?<![\w.,+-])[a-z]{2}\d{2}[a-z0-9]{11,30}(?!\w)", 0.85),
        Pattern(
            "IBAN (groups of 4)",
            r"(?<![\w.,+-])(?-i:[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?!\w)",
            0.85,
        ),
    ]
    CONTEXT = ["iban", "konto", "account", "bank", "betal", "swift", "bic"]
    EVIDENCE = "checksum-validated (mod 97, country format)"
    SCREEN = B + r"[A-Za-z]{2}\d{2}[ ]?[A-Za-z0-9]{4}"
    PREFILTER = r"[A-Za-z]{2}\d{2}"  # country code and check digits

    def is_valid(self, text: str) -> bool:
        return iban_valid(text)

    def accepts(self, shape: Shape) -> bool:
        return shape.letters and shape.digits >= 2 and shape.length >= 15

    def annotate(self, text, metadata) -> None:
        metadata["country"] = text[:2].upper()
