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
_PERIOD = re.compile(r"(?<![\w.,])(\d{1,4}(?:[.,]\d{1,2})?|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
                     + r")\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)
# periods written as parts of one ("3 år og 6 måneder") are added; any other is another way of
# saying the first ("3 år (36 måneder)") or a further condition ("…, minimum 2 år")
_AND = re.compile(r"\s*(?:og|and|\+|&)\s*\Z", re.IGNORECASE)
# what a period runs from, wherever it is said ("etter avsluttet kundeforhold: 3 år")
_EVENT = re.compile(r"\b(?:etter|fra|regnet fra|from|after|since|following)\s+([^,.;:()]+)", re.IGNORECASE)
# …unless that is when the data was made: then the data's age is the measure
_MADE = re.compile(r"^(?:the\s+)?(?:opprett|registrer|innsamling|mottak|creation|created|collection|collected|"
                   r"registration|receipt|innhenting|lagring)", re.IGNORECASE)


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
    days, end = 0.0, None
    for m in found:
        if end is not None and not _AND.match(declared[end:m.start()]):
            break
        n = m.group(1).lower()
        count = float(n.replace(",", ".")) if n[0].isdigit() else _NUMBERS[n]
        days += count * _UNITS[m.group(2).lower()]
        end = m.end()
    event = _EVENT.search(declared)
    runs_from = event.group(1).strip() if event else None
    if runs_from and _MADE.match(runs_from):
        runs_from = None
    return Period(declared, days, runs_from or None)


def over(oldest: datetime, period: Period, now: datetime) -> timedelta | None:
    """How far past the period the oldest data is, or None when it is within it."""
    age = now - oldest
    return age - period.length if age > period.length else None
