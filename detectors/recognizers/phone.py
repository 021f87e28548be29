"""Norwegian phone numbers (8 digits, +47), judged by Nkom's numbering plan."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from detectors.checksums import only_digits
from detectors.recognizers.base import SCREEN_AFTER as A
from detectors.recognizers.base import SCREEN_BEFORE as B
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.results import Pattern
from detectors.shape import Shape

# Not part of a longer number, a decimal, or the national part of a +47 number.
_BEFORE = r"(?<![\w.,+-]|\d[ .-])"
_AFTER = r"(?![\w]|[ .,-]\d)"


def _nkom_kind(national: str) -> str | None:
    """The range's use in Nkom's plan: mobile, fixed, or None when not a subscriber's number.

    phonenumbers lags Nkom (42/43/44/49 are "unallocated" there), so it only parses. 0xxxx,
    1xx and 8xx are short or service numbers; 58/59 are machine-to-machine, not people.
    """
    if len(national) != 8 or not national.isdigit() or len(set(national)) == 1:
        return None  # repeated digits are placeholders (99999999), not subscribers
    if national[0] in "49":
        return "mobile"
    if national[0] in "2367" or "50" <= national[:2] <= "57":
        return "fixed"
    return None


_SUBSCRIBER_FIRST = "2345679"  # what _nkom_kind can call mobile or fixed
# +47 / 0047 / (+47) / (0047) or nothing, then the 8 digits with single blanks, dots or dashes
_PLAIN_FORM = re.compile(r"(?:\+47|0047|\(\+47\)|\(0047\))?[ .-]?[0-9](?:[ .-]?[0-9]){7}")


def parsed_national(text: str) -> str | None:
    """The national number phonenumbers reads out of `text` (region NO), or None."""
    try:
        number = phonenumbers.parse(text, "NO")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 47 or not phonenumbers.is_possible_number(number):
        return None
    return str(number.national_number)


class NorwegianPhoneRecognizer(KartleggPatternRecognizer):
    """Norwegian phone numbers in the forms people and systems write them.

    Most 8-digit numbers are dialable, so a bare one scores low and counts only with a context
    word or a column of mostly phone numbers; +47 and the spaced forms are convincing alone.
    """

    ENTITY = "NO_PHONE_NUMBER"
    PATTERNS = [
        Pattern(
            "phone (+47 / 0047)",
            r"(?<![\w.,+-])(?:\+47|0047|\(\+47\)|\(0047\))[ .-]?\d(?:[ .-]?\d){7}" + _AFTER,
            0.75,
        ),
        Pattern("phone (ddd dd ddd)", _BEFORE + r"\d{3}([ -])\d{2}\1\d{3}" + _AFTER, 0.6),
        Pattern("phone (dd dd dd dd)", _BEFORE + r"\d{2}([ -])\d{2}\1\d{2}\1\d{2}" + _AFTER, 0.55),
        Pattern("phone (8 digits)", _BEFORE + r"\d{8}" + _AFTER, 0.3),
    ]
    # No "ring" alone would be nicer (it is inside every -ering word: levering, endring), but
    # "ring meg på …" is how people ask to be called.
    CONTEXT = [
        "telefon", "tlf", "mobil", "mob", "phone", "tel", "msisdn", "sms", "ring", "kontakt",
        "vipps",
    ]
    EVIDENCE = "valid Norwegian number range (Nkom)"
    SCREEN = (B + r"(?:(?:\+47|0047|\(\+47\)|\(0047\))[ .-]?\d(?:[ .-]?\d){7}|\d{3} \d{2} \d{3}|\d{3}-\d{2}-\d{3}"
              r"|\d{2} \d{2} \d{2} \d{2}|\d{2}-\d{2}-\d{2}-\d{2}|\d{8})" + A)
    WHOLE_DIGITS = {8: "phone (8 digits)", 12: "phone (+47 / 0047)"}  # 41234567, 004741234567
    PREFILTER = r"\d(?:[ .-]?\d){7}"  # eight digits with at most single separators

    @staticmethod
    @lru_cache(maxsize=4096)  # is_valid and annotate parse the same match
    def _national(text: str) -> str | None:
        if len(text) == 8 and text.isdigit():
            return text  # already a national number: parsing would return it unchanged
        # The patterns' own forms of a subscriber's number (+47/0047, then 8 digits in groups)
        # parse to their 8 digits; phonenumbers (20 µs a call) only for the rest. Tests hold
        # the two to each other on every form the patterns match.
        digits = only_digits(text)
        if text[:1] in "+0(" and digits[:2] == "47" or digits[:4] == "0047":
            digits = digits[4:] if digits[:4] == "0047" else digits[2:]
        if len(digits) == 8 and digits[0] in _SUBSCRIBER_FIRST and _PLAIN_FORM.fullmatch(text):
            return digits
        return parsed_national(text)

    def is_valid(self, text: str) -> bool:
        national = self._national(text)
        return national is not None and _nkom_kind(national) is not None

    def accepts(self, shape: Shape) -> bool:
        return shape.digits >= 8

    def annotate(self, text, metadata) -> None:
        national = self._national(text)
        if national is not None:
            metadata["phone_type"] = _nkom_kind(national)
