"""A declared retention period, as people write it ("10 år etter avsluttet kundeforhold", "36
måneder", "5 years from the last order"), read into a length of time and what it runs from.

GDPR Art. 5(1)(e): personal data is kept no longer than its purpose needs. A period with no
starting point runs from when the data was made, so data older than it is over the limit; a
period that runs from an event kartlegg cannot see (the end of a customer relationship) makes
older data a question to check, not a breach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_NUMBERS = {"en": 1, "ett": 1, "ei": 1, "one": 1, "a": 1, "to": 2, "two": 2, "tre": 3, "three": 3, "fire": 4,
            "four": 4, "fem": 5, "five": 5, "seks": 6, "six": 6, "sju": 7, "syv": 7, "seven": 7, "åtte": 8,
            "eight": 8, "ni": 9, "nine": 9, "ti": 10, "ten": 10, "elleve": 11, "eleven": 11, "tolv": 12,
            "twelve": 12, "femten": 15, "fifteen": 15, "tjue": 20, "twenty": 20}
_UNITS = {"år": 365.25, "year": 365.25, "years": 365.25, "yr": 365.25, "yrs": 365.25,
          "måned": 30.44, "måneder": 30.44, "mnd": 30.44, "month": 30.44, "months": 30.44,
          "uke": 7, "uker": 7, "week": 7, "weeks": 7, "dag": 1, "dager": 1, "døgn": 1, "day": 1, "days": 1}
_PERIOD = re.compile(r"(?<!\w)(\d{1,4}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")\s*("
                     + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)
_FROM = re.compile(r"^\s*(?:,\s*)?(etter|fra|regnet fra|from|after|since|following)\b\s*(.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Period:
    declared: str  # as written
    days: float
    runs_from: str | None  # "avsluttet kundeforhold": an event the data's age does not show

    @property
    def length(self) -> timedelta:
        return timedelta(days=self.days)


def parse(declared: str | None) -> Period | None:
    """The period a declaration names, or None ("så lenge kunden er aktiv", "ukjent", nothing)."""
    if not declared:
        return None
    found = list(_PERIOD.finditer(declared))
    if not found:
        return None
    days = 0.0
    for m in found:
        n = m.group(1).lower()
        count = int(n) if n.isdigit() else _NUMBERS[n]
        days += count * _UNITS[m.group(2).lower()]
    rest = _FROM.match(declared[found[-1].end():])
    runs_from = rest.group(2).strip(" .") or rest.group(1) if rest else None
    return Period(declared, days, runs_from or None)


def over(oldest: datetime, period: Period, now: datetime) -> timedelta | None:
    """How far past the period the oldest data is, or None when it is within it."""
    age = now - oldest
    return age - period.length if age > period.length else None
