"""Analysts' decisions on findings, applied to later scans.

A review is of a location as a whole or of one entity type there, and keeps the evidence it was
made on. The latest review that covers a finding decides:
- confirmed: the finding is marked confirmed;
- false positive: the finding is suppressed (kept in the report and the inventory, marked, not
  counted by --fail-on-findings) until the evidence changes materially — a new entity type at a
  location reviewed as a whole, or a much higher hit ratio — and then the finding (for a whole-
  location review: the location) comes back `reopened`, with the reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from scanner.inventory import REOPENED, SUPPRESSED, suppressed
from scanner.inventory.models import (
    CONFIRMED,
    FALSE_POSITIVE,
    PRESENT,
    Finding,
    Location,
    Review,
    Source,
)

RATIO_RISE = 0.2  # absolute rise in hit ratio that is material
RATIO_FACTOR = 2.0  # … or this many times the ratio reviewed, when it rose by at least RATIO_MIN_RISE
RATIO_MIN_RISE = 0.05


def ratio_rose(before: float | None, now: float | None) -> bool:
    if before is None or now is None:
        return False
    rise = now - before
    return rise >= RATIO_RISE - 1e-9 or (rise >= RATIO_MIN_RISE - 1e-9 and now >= RATIO_FACTOR * before)


def _pct(x: float) -> str:
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def material_changes(review: dict, found: dict[str, float | None]) -> list[str]:
    """Why the evidence at a location (`found`: entity type → hit ratio now) differs materially
    from what `review` was decided on; empty when it does not."""
    evidence = review.get("evidence") or {}
    before_types = set(evidence.get("entity_types") or ())
    ratios = evidence.get("ratio") or {}
    reasons = []
    if review.get("entity_type") is None:
        reasons += [f"new entity type {et}" for et in sorted(set(found) - before_types)]
        covered = sorted(found)
    else:
        covered = [review["entity_type"]] if review["entity_type"] in found else []
    for et in covered:
        if et in before_types and ratio_rose(ratios.get(et), found[et]):
            reasons.append(f"{et} hit ratio rose from {_pct(ratios[et])} to {_pct(found[et])}")
    return reasons


def latest(reviews: Iterable[dict], entity_type: str) -> dict | None:
    """The latest review covering `entity_type` (its own or the location's)."""
    covering = [r for r in reviews if r.get("entity_type") in (None, entity_type)]
    return max(covering, key=lambda r: (r["at"], r["id"])) if covering else None


def judge(reviews: list[dict], found: dict[str, float | None]) -> dict[str, dict]:
    """entity type → the `review` annotation of its finding, for the entity types at one location
    that a review covers."""
    out = {}
    for et in sorted(found):
        r = latest(reviews, et)
        if r is None:
            continue
        note = {"decision": r["decision"], "at": r["at"].isoformat().replace("+00:00", "Z"),
                "who": r.get("who"), "note": r.get("note")}
        if r["decision"] == CONFIRMED:
            out[et] = {**note, "state": CONFIRMED}
            continue
        reasons = material_changes(r, found)
        out[et] = {**note, "state": REOPENED, "reasons": reasons} if reasons else {**note, "state": SUPPRESSED}
    return out


def _row(r: Review) -> dict:
    at = r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)  # SQLite drops the zone
    return {"id": r.id, "entity_type": r.entity_type, "decision": r.decision, "note": r.note, "who": r.who,
            "at": at, "evidence": r.evidence}


def load(session, source_names: Iterable[str] | None = None) -> dict[tuple[str, str], list[dict]]:
    """(source name, location URI) → its reviews, for the named sources (all when None)."""
    q = (sa.select(Review, Source.name, Location.uri).join(Location, Review.location_id == Location.id)
         .join(Source, Location.source_id == Source.id))
    if source_names is not None:
        q = q.where(Source.name.in_(list(source_names)))
    out: dict[tuple[str, str], list[dict]] = {}
    for review, name, uri in session.execute(q).all():
        out.setdefault((name, uri), []).append(_row(review))
    return out


def decide(store, uri: str, decision: str, entity_type: str | None = None, note: str | None = None,
           who: str | None = None, source: str | None = None) -> int:
    """An analyst's decision on a location (all its findings, or one entity type), with the
    evidence it was made on (entity types, hit ratios) so a later scan can tell whether the
    evidence changed materially. Returns the review's id."""
    if decision not in (FALSE_POSITIVE, CONFIRMED):
        raise ValueError(f"decision must be {FALSE_POSITIVE} or {CONFIRMED}")
    with store.session() as s, s.begin():
        q = sa.select(Location).where(Location.uri == uri)
        if source is not None:
            q = q.join(Source, Location.source_id == Source.id).where(Source.name == source)
        locations = s.scalars(q).all()
        if len(locations) != 1:
            raise LookupError(f"{len(locations)} locations in the inventory at {uri}")
        loc = locations[0]
        fq = sa.select(Finding).where(Finding.location_id == loc.id, Finding.status == PRESENT)
        if entity_type is not None:
            fq = fq.where(Finding.entity_type == entity_type)
        found = s.scalars(fq).all()
        if entity_type is not None and not found:
            raise LookupError(f"no {entity_type} finding at {uri}")
        evidence = {"entity_types": sorted(f.entity_type for f in found),
                    "categories": sorted({f.category for f in found}),
                    "ratio": {f.entity_type: f.ratio for f in found},
                    "confidence": {f.entity_type: f.confidence for f in found},
                    "scan_id": loc.last_scan_id}
        r = Review(location_id=loc.id, entity_type=entity_type, decision=decision, note=note, who=who,
                   at=datetime.now(UTC), evidence=evidence)
        s.add(r)
        s.flush()
        return r.id


class ReviewBook:
    """The reviews of a scan's sources, applied to its finding records as they are written."""

    def __init__(self, reviews: dict[tuple[str, str], list[dict]]):
        self.reviews = reviews

    @classmethod
    def for_sources(cls, store, names: Iterable[str]) -> ReviewBook:
        with store.session() as s:
            return cls(load(s, names))

    def annotate(self, records: list[dict]) -> None:
        """Adds `review` to the finding records that a review covers; `records` are one dataset's,
        so every finding at a location is seen together."""
        if not self.reviews:
            return
        at: dict[tuple[str, str], list[dict]] = {}
        for r in records:
            if r["record"] == "finding" and r["personal"]:  # as the inventory's views judge them
                at.setdefault((r["source"]["name"], r["location"]["uri"]), []).append(r)
        for key, found in at.items():
            reviews = self.reviews.get(key)
            if not reviews:
                continue
            verdicts = judge(reviews, {r["entity_type"]: r.get("ratio") for r in found})
            for r in found:
                if r["entity_type"] in verdicts:
                    r["review"] = verdicts[r["entity_type"]]


__all__ = ["CONFIRMED", "FALSE_POSITIVE", "REOPENED", "SUPPRESSED", "ReviewBook", "decide", "judge", "load",
           "material_changes", "ratio_rose", "suppressed"]
