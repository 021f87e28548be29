"""The riskiest locations of the HTML report: a simple, documented score, so a reader can see
why a location ranks where it does.

(weight of the most sensitive entity type × its evidence + 1 per other entity type there)
× 2 in a log × 1.5 in free text with ≥ 10 hits; only personal findings that are not suppressed.
Whether a finding is in a log or in free text is the scan's word (its records' in_log and
free_text): the ranking knows no crawler, format or log file name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reports.html_types import Finding, Model

# Entity types that identify a person by a national number. D-, H- and FH-nummer are reported as
# NO_FODSELSNUMMER; the rest are what a third-party detector for a neighbouring country would call them.
NATIONAL_IDS = frozenset({"NO_FODSELSNUMMER", "NO_D_NUMBER", "SE_PERSONNUMMER", "DK_CPR", "FI_HETU", "US_SSN",
                          "UK_NINO", "NATIONAL_ID"})
WEIGHTS = {"national_id": 10, "financial": 6, "identity": 4, "contact": 3, "metering": 3, "online_identifier": 2,
           "other": 2}
LOG_FACTOR = 2.0
FREE_TEXT_FACTOR = 1.5
FREE_TEXT_MANY = 10  # hits at a free-text location that make it "many"


@dataclass
class Risk:
    source: str
    location: str
    score: float
    reasons: list[str]
    entity_types: list[str]
    review: dict | None
    # what the reasons say, for the page to put in plain words
    top: str = ""  # the most sensitive entity type there
    ratio: float = 0.0  # its hit ratio
    in_log: str | None = None
    free_hits: int = 0  # hits in free text, when they made it "many"


def _weight(f: Finding) -> tuple[int, str]:
    if f.entity_type in NATIONAL_IDS:
        return WEIGHTS["national_id"], f"national ID ({f.entity_type})"
    cat = f.category if f.category in WEIGHTS else "other"
    return WEIGHTS[cat], f"{f.category} ({f.entity_type})"


def _evidence(f: Finding) -> float:
    return f.confidence * (0.5 + 0.5 * min(max(f.ratio, 0.0), 1.0))


def risk(m: Model, limit: int | None = 20) -> list[Risk]:
    """Locations ranked by a risk score (personal, not suppressed findings only):
    (weight of the most sensitive entity type × its evidence + 1 per other entity type)
    × 2 in a log × 1.5 in free text with ≥ 10 hits. Weights: national ID 10, financial 6,
    identity 4, contact and metering 3, online identifiers and other 2. Evidence: confidence
    × (0.5 + 0.5 × hit ratio)."""
    at: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in m.live:
        if f.personal:
            at[(f.source, f.uri)].append(f)
    out = []
    for (source, _), fs in at.items():
        top = max(fs, key=lambda f: (_weight(f)[0], _evidence(f)))
        weight, label = _weight(top)
        ev = _evidence(top)
        score = weight * ev
        reasons = [f"{label}: weight {weight}",
                   f"×{ev:.2f} evidence (confidence {top.confidence:.2f}, hit ratio {top.ratio:.0%})"]
        others = sorted({f.entity_type for f in fs} - {top.entity_type})
        if others:
            score += len(others)
            reasons.append(f"+{len(others)}: also {', '.join(others)}")
        log = next((f.in_log for f in fs if f.in_log), None)
        if log:
            score *= LOG_FACTOR
            reasons.append(f"×{LOG_FACTOR:g}: in {log}")
        hits = sum(f.hits for f in fs if f.free_text)
        if hits >= FREE_TEXT_MANY:
            score *= FREE_TEXT_FACTOR
            reasons.append(f"×{FREE_TEXT_FACTOR:g}: free text with {hits} hits")
        reviewed = next((f.review for f in fs if f.state == "reopened"), None) or \
            next((f.review for f in fs if f.review), None)
        out.append(Risk(source, top.location, round(score, 1), reasons, sorted({f.entity_type for f in fs}), reviewed,
                        top.entity_type, top.ratio, log, hits if hits >= FREE_TEXT_MANY else 0))
    out.sort(key=lambda r: (-r.score, r.source, r.location))
    return out if limit is None else out[:limit]
