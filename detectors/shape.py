"""A value's cheap outline, so the fast path only runs recognizers that could match it."""

from __future__ import annotations

import re
from typing import NamedTuple

_DEL_DIGITS = str.maketrans("", "", "0123456789")
# A letter, found in C; also the few numeric signs Python's \w holds (², ½): a shape test is a
# necessary condition, so saying "letters" of more values only sends them on to be matched.
_LETTER = re.compile(r"[^\W\d_]")


class Shape(NamedTuple):  # a tuple: made for every value, and a key of the engine's plans
    length: int
    digits: int
    letters: bool
    upper: bool
    has_at: bool
    has_colon: bool
    has_dot: bool
    pure_digits: bool

    @classmethod
    def of(cls, text: str) -> Shape:
        n = len(text)
        digits = n - len(text.translate(_DEL_DIGITS))
        letters = digits < n and not text.isdigit() and _LETTER.search(text) is not None
        return _new(cls, (n, digits, letters, letters and text != text.lower(), "@" in text, ":" in text,
                          "." in text, digits == n and n > 0))


_new = tuple.__new__
