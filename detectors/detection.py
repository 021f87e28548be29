"""One detection, and how overlapping detections are settled."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.model import categories

# When two detectors claim the same characters and context does not settle it, the more
# specific identifier wins (its chance of passing its check at random is lower).
PRIORITY = (
    "NO_METER_ID",
    "IBAN_CODE",
    "EMAIL_ADDRESS",
    "NO_FODSELSNUMMER",
    "CREDIT_CARD",
    "NO_METER_SERIAL",
    "NO_BANK_ACCOUNT",
    "NO_ORGANIZATION_NUMBER",
    "NO_PHONE_NUMBER",
    "IP_ADDRESS",
    "NO_ADDRESS",
    "PERSON",
)
_RANK = {name: i for i, name in enumerate(PRIORITY)}


@dataclass(slots=True, unsafe_hash=True)  # not frozen: one is made per match, and frozen
class Detection:                            # dataclasses pay a setattr call per field for it
    """One match. `text` is the raw value: it stays in memory and is masked before output.
    Treated as immutable (`dataclasses.replace` makes a changed copy)."""

    entity_type: str
    start: int
    end: int
    score: float
    text: str
    recognizer: str
    context_word: str | None = None
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def category(self) -> str:
        return categories.category(self.entity_type)

    @property
    def synthetic(self) -> str | None:
        return self.metadata.get("synthetic")


def is_free_text(value: str) -> bool:
    """Sentences and long strings need in-text context words (a window of tokens)."""
    if len(value) > 64:
        return True
    tokens = value.split()
    return len(tokens) >= 4 and sum(1 for token in tokens if token.isalpha()) >= 4


def _strength(d: Detection) -> tuple:
    return (d.context_word is not None, d.score, d.end - d.start, -_RANK.get(d.entity_type, 99))


def resolve_overlaps(detections: list[Detection]) -> list[Detection]:
    """One entity per stretch of text.

    A value that passes two checks (every valid fødselsnummer is a valid kontonummer) is
    reported once: the detection backed by context wins, then the higher score, the longer
    span and the more specific identifier. A name inside an address is part of the address.
    """
    if len(detections) < 2:
        return detections
    addresses = [d for d in detections if d.entity_type == "NO_ADDRESS"]
    if addresses:
        detections = [
            d
            for d in detections
            if d.entity_type != "PERSON" or not any(a.start <= d.start and d.end <= a.end for a in addresses)
        ]
    first = detections[0]
    if first.start < first.end and all(d.start == first.start and d.end == first.end and d.score == d.score
                                       for d in detections):
        # one stretch (a number that passes two checks): the strongest, the first of equals (a
        # sort keeps more than one only of empty stretches, and orders NaN scores otherwise)
        return [max(detections, key=_strength)]
    kept: list[Detection] = []
    for d in sorted(detections, key=_strength, reverse=True):
        if all(d.end <= k.start or d.start >= k.end for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: (d.start, d.end))
