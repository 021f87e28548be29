"""Payment card numbers (PAN): issuer prefix, length and Luhn."""

from __future__ import annotations

from detectors.checksums import luhn_valid, only_digits
from detectors.recognizers.base import SCREEN_BEFORE as B
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape

# (first digits low, high, lengths, issuer); the prefix range is compared on its own length.
_ISSUERS = (
    ("4", "4", (13, 16, 19), "visa"),
    ("51", "55", (16,), "mastercard"),
    ("2221", "2720", (16,), "mastercard"),
    ("34", "34", (15,), "amex"),
    ("37", "37", (15,), "amex"),
    ("3528", "3589", (16, 17, 18, 19), "jcb"),
    ("300", "305", (14, 16, 19), "diners"),
    ("36", "36", (14, 16, 19), "diners"),
    ("38", "39", (14, 16, 19), "diners"),
    ("6", "6", (16, 17, 18, 19), "discover/unionpay/maestro"),
)


def _issuer(number: str) -> str | None:
    # The answer depends on the length and the first _PREFIX characters alone: each is worked
    # out once (7 lengths x 10,000 prefixes at most; a column of cards checks every value twice)
    key = (len(number), number[:_PREFIX])
    name = _ISSUED.get(key, _UNSEEN)
    if name is _UNSEEN:
        name = next((name for low, high, lengths, name in _ISSUERS
                     if len(number) in lengths and low <= number[: len(low)] <= high), None)
        if len(_ISSUED) < MAX_ISSUED:  # other scripts' digits could make more
            _ISSUED[key] = name
    return name


_PREFIX = max(len(low) for low, _, _, _ in _ISSUERS)
MAX_ISSUED = 100_000
_ISSUED: dict[tuple[int, str], str | None] = {}
_UNSEEN = object()


class CreditCardRecognizer(KartleggPatternRecognizer):
    """Card numbers grouped as printed (4111 1111 1111 1111, 3782 822463 10005) or contiguous.

    Luhn passes one random number in ten and the prefixes cover about a third, so a contiguous
    number is only borderline; the printed grouping is convincing.
    """

    ENTITY = "CREDIT_CARD"
    PATTERNS = [
        Pattern(
            "card (groups of 4)",
            r"(?<![\w.,+-]|\d[ -])\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{3})?(?![\w]|[ .,-]\d)",
            0.85,
        ),
        Pattern(
            "card (4-6-5, Amex/Diners)",
            r"(?<![\w.,+-]|\d[ -])\d{4}([ -])\d{6}\1\d{4,5}(?![\w]|[ .,-]\d)",
            0.85,
        ),
        Pattern("card (13-19 digits)", r"(?<![\w.,+-])\d{13,19}(?![\w]|[.,-]\d)", 0.5),
    ]
    CONTEXT = [
        "kortnummer", "kortnr", "kort", "visa", "mastercard", "amex", "maestro", "card", "credit",
        "kreditt", "pan",
    ]
    EVIDENCE = "issuer prefix and Luhn check digit"
    SCREEN = B + r"\d{4}(?:[ -]?\d){9}"
    WHOLE_DIGITS = {n: "card (13-19 digits)" for n in range(13, 20)}
    PREFILTER = r"\d(?:[ -]?\d){12}"  # thirteen digits with at most single separators

    def is_valid(self, text: str) -> bool:
        number = only_digits(text)
        return _issuer(number) is not None and luhn_valid(number)

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 13

    def annotate(self, text, metadata) -> None:
        metadata["issuer"] = _issuer(only_digits(text))
