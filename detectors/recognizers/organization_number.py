"""Organisasjonsnummer: the 9-digit number of a Norwegian legal entity (Enhetsregisteret)."""

from __future__ import annotations

from detectors.checksums import only_digits, orgnr_valid
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape

_NUMBER = r"\d{3}[ ]?\d{3}[ ]?\d{3}"
_AFTER = r"(?![\w]|[.,-]\d)"


class OrganizationNumberRecognizer(KartleggPatternRecognizer):
    """Organisation numbers, strongest in the VAT form (NO 988 077 917 MVA).

    An enkeltpersonforetak's number identifies a person; the number itself cannot show that.
    """

    ENTITY = "NO_ORGANIZATION_NUMBER"
    # "NO" stays case-sensitive: in Nynorsk text "no" means "now".
    PATTERNS = [
        Pattern("orgnr (VAT, MVA)", r"(?<![\w.,+-])(?:(?-i:NO)[ ]?)?" + _NUMBER + r"[ ]?MVA\b", 0.95),
        Pattern("orgnr (VAT, NO prefix)", r"(?<![\w.,+-])(?-i:NO)[ ]?" + _NUMBER + _AFTER, 0.85),
        Pattern("orgnr (ddd ddd ddd)", r"(?<![\w.,+-]|\d[ ])\d{3} \d{3} \d{3}(?![\w]|[ .,-]\d)", 0.45),
        Pattern("orgnr (9 digits)", r"(?<![\w.,+-])\d{9}" + _AFTER, 0.25),
    ]
    # Not "org": it is inside "morgen" and "Norge".
    CONTEXT = [
        "orgnr", "org.nr", "orgnummer", "organisasjon", "organization", "organisation", "foretak",
        "enhetsregister", "brreg", "mva",
    ]
    EVIDENCE = "checksum-validated (mod 11)"
    SCREEN = r"(?:^|[^A-Za-z0-9_.,+-]|NO ?)\d{3} ?\d{3} ?\d{3}(?:[^A-Za-z0-9_]|$|(?i:mva))"
    WHOLE_DIGITS = {9: "orgnr (9 digits)"}

    def is_valid(self, text: str) -> bool:
        return orgnr_valid(only_digits(text))

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 9
