"""The detectors' knowledge of words, lent to the format readers for judging header rows.

The readers may not import the detectors (see scanner.formats.header_words); the crawlers may,
so they build the readers' Limits with these words: a cell the column-name vocabulary knows
votes "header", one that is a known first name or surname votes "data".
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from detectors.vocabulary import hint
from scanner.formats.header_words import HeaderWords


def column_name(name: str) -> bool:
    """Whether the column-name vocabulary knows the cell (fnr, Epost, Fødselsnummer, or a name it
    knows to say "not personal data": both name a column)."""
    return bool(hint(name).keys)


@cache
def _person_names() -> frozenset[str]:
    """The person recognizer's first names and surnames (lower case), read once. Read as files
    rather than through detectors.recognizers.person, which would load Presidio with them."""
    out: set[str] = set()
    for name in ("first_names_no.txt", "surnames_no.txt"):
        text = (files("detectors") / "data" / name).read_text(encoding="utf-8")
        out.update(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return frozenset(out)


def person_name(word: str) -> bool:
    """Whether a lower-case word is a first name or a surname of people in Norway."""
    return word in _person_names()


HEADER_WORDS = HeaderWords(column_name=column_name, person_name=person_name)
