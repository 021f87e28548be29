"""What the header judgement knows of words, handed in by the caller.

Whether a first row names columns (`fnr;navn;epost`) or holds values (`Kari;Nordmann;Oslo`)
is clearer when some words are known: column names from the detectors' vocabulary, first names
and surnames from their gazetteers. Those belong to the detectors, which the format readers may
not import (formats and detectors are sibling layers), so the crawlers pass them in on Limits.
Without them, the judgement goes by the shape of the cells alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


def _unknown(_word: str) -> bool:
    return False


@dataclass(frozen=True)
class HeaderWords:
    # Module-level functions, not lambdas: Limits, which carries this, may be pickled to a worker.
    column_name: Callable[[str], bool] = _unknown  # a cell the column-name vocabulary knows (Fnr, epost)
    person_name: Callable[[str], bool] = _unknown  # a lower-case word that is a first name or a surname


NO_WORDS = HeaderWords()  # the neutral default: shapes alone decide
