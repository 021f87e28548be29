"""What changed between a scan and the previous completed scan of the same source (or a chosen
earlier scan): each change a JSONL `change` record."""

from __future__ import annotations

import sqlalchemy as sa

from scanner.inventory import SUPPRESSED
from scanner.inventory.models import (
    COMPLETED,
    ERROR,
    GONE,
    SCANNED,
    Coverage,
    Location,
    Observation,
    Scan,
    Source,
)
from scanner.inventory.reviews import judge
from scanner.inventory.reviews import load as load_reviews
from scanner.model.categories import FROM_FIELD_RULES
from scanner.model.records import SCHEMA_VERSION

CONFIDENCE_JUMP = 0.2


def covers(earlier: list | None, now: list | None) -> bool:
    """Whether a scan that could find the entity types `earlier` looked for all that one with
    `now` did (None: every entity type, as for scans recorded before this was kept)."""
    if earlier is None:
        return True
    return now is not None and set(now) - FROM_FIELD_RULES <= set(earlier)


def baselines(conn, scan: Scan, source_id: int, since: Scan | None) -> dict[tuple, str]:
    """(container, dataset) → the scan to compare it with: the latest completed scan before this
    one (or no later than `since`) that scanned that dataset, looking for at least the entity
    types this one did. A narrowed scan (--include, a skipped table, -d) in between is passed
    over for what it did not look at."""
    q = (sa.select(Coverage.container, Coverage.dataset, Scan.id, Scan.entities)
         .join(Scan, Coverage.scan_id == Scan.id)
         .where(Coverage.source_id == source_id, Coverage.outcome == SCANNED, Coverage.field.is_(None),
                Scan.status == COMPLETED, Scan.id != scan.id,
                Scan.started_at <= since.started_at if since is not None else Scan.started_at < scan.started_at)
         .order_by(Scan.started_at.desc()))
    out: dict[tuple, str] = {}
    for container, dataset, scan_id, entities in conn.execute(q):
        if (container, dataset) not in out and covers(entities, scan.entities):
            out[(container, dataset)] = scan_id
    return out


def _observations(conn, scan_id: str, source_id: int) -> dict[int, dict[str, sa.Row]]:
    # rows, not ORM instances: read-only here, and a scan of many tables has thousands (an
    # instance costs ~10x a row to build)
    out: dict[int, dict[str, sa.Row]] = {}
    rows = conn.execute(sa.select(Observation.__table__).join(Location, Observation.location_id == Location.id)
                        .where(Observation.scan_id == scan_id, Location.source_id == source_id,
                               Observation.personal.is_(True)))
    for o in rows:
        out.setdefault(o.location_id, {})[o.entity_type] = o
    return out


def _evidence(o) -> dict:
    return {"confidence": o.confidence, "hits": o.hits, "sampled": o.sampled}


def _ratios(obs: dict[str, sa.Row]) -> dict[str, float]:
    return {et: (o.hits / o.sampled if o.sampled else 0.0) for et, o in obs.items()}


def resolve_scan(store, ref: str) -> str:
    """A scan id from its full id or a unique prefix of it."""
    with store.session() as conn:
        ids = conn.execute(sa.select(Scan.id).where(Scan.id.startswith(ref, autoescape=True))
                           .order_by(Scan.started_at.desc()).limit(2)).scalars().all()
    if ref in ids:
        return ref
    if len(ids) != 1:
        raise LookupError(f"no scan {ref!r} in the inventory" if not ids else f"more than one scan starts with {ref!r}")
    return ids[0]


def latest_scan(store) -> str | None:
    with store.session() as conn:
        return conn.execute(sa.select(Scan.id).where(Scan.status.in_((COMPLETED, "incomplete")))
                            .order_by(Scan.started_at.desc()).limit(1)).scalar_one_or_none()


def changes(store, scan_id: str, since: str | None = None) -> list[dict]:
    """New personal-data locations, locations gone, categories added or removed per location and
    confidence jumps (|Δ| ≥ 0.2), per dataset the scan read, against the last scan that read it
    (`baselines`), or the last as of `since`; a dataset never read before: everything found is
    new. Nothing is reported gone in a dataset the scan could not read (error, skipped), at a
    skipped field, for a source that failed, or of an entity type the scan did not look for.
    Findings suppressed as false positives are left out; others carry their review."""
    out: list[dict] = []
    with store.session() as conn:
        scan = conn.execute(sa.select(Scan).where(Scan.id == scan_id)).scalar_one_or_none()
        if scan is None:
            raise KeyError(f"no scan {scan_id} in the inventory")
        base = None
        if since is not None:
            base = conn.execute(sa.select(Scan).where(Scan.id == since)).scalar_one_or_none()
            if base is None:
                raise KeyError(f"no scan {since} in the inventory")
        # what the column rules report was looked for too, though scans recorded before they were
        # counted in did not list it
        looked_for = set(scan.entities) | FROM_FIELD_RULES if scan.entities is not None else None
        reviews = load_reviews(conn, [s["name"] for s in scan.sources or []])
        for s in scan.sources or []:
            source = conn.execute(sa.select(Source).where(Source.name == s["name"])).scalar_one_or_none()
            if source is None:
                continue
            src = {"name": source.name, "type": source.type, "uri": s.get("uri", source.uri)}
            cov = conn.execute(sa.select(Coverage.__table__).where(Coverage.scan_id == scan_id,
                                                                   Coverage.source_id == source.id)).all()
            if any(c.dataset is None and c.outcome == ERROR for c in cov):
                continue  # the source failed: nothing to compare
            outcome = {(c.container, c.dataset): c.outcome for c in cov if c.field is None}
            read = {k for k, v in outcome.items() if v in (SCANNED, GONE)}
            skipped_fields = {c.uri for c in cov if c.field is not None}
            against = baselines(conn, scan, source.id, base)
            now = _observations(conn, scan_id, source.id)
            by_baseline = {prev: _observations(conn, prev, source.id) for prev in sorted(set(against.values()))}
            seen_before = {lid for obs in by_baseline.values() for lid in obs}
            ids = set(now) | seen_before
            locs = {loc.id: loc for loc in conn.execute(sa.select(Location.__table__).where(Location.id.in_(ids)))} \
                if ids else {}
            before: dict[int, dict[str, sa.Row]] = {}
            for lid in seen_before:  # each dataset against its own baseline only
                loc = locs[lid]
                prev = against.get((loc.container, loc.dataset))
                if prev is None or lid not in by_baseline[prev] or loc.uri in skipped_fields:
                    continue
                before[lid] = {et: o for et, o in by_baseline[prev][lid].items()
                               if looked_for is None or et in looked_for}
            ids = set(now) | set(before)

            def change(kind, loc, entity_type, category, b, a, types):
                marks = [verdicts[et] for et in types if et in verdicts]
                if marks and all(m["state"] == SUPPRESSED for m in marks):
                    return
                record = {"record": "change", "schema_version": SCHEMA_VERSION, "scan_id": scan_id,
                          "source": src,
                          "location": {"container": loc.container, "dataset": loc.dataset, "field": loc.field,
                                       "uri": loc.uri},
                          "change": kind, "entity_type": entity_type, "category": category,
                          "before": b, "after": a, "since_scan_id": against.get((loc.container, loc.dataset))}
                if len(marks) == 1:
                    record["review"] = marks[0]
                out.append(record)

            for lid in sorted(ids, key=lambda i: locs[i].uri):
                loc, b, a = locs[lid], before.get(lid, {}), now.get(lid, {})
                if (loc.container, loc.dataset) not in read:
                    continue
                verdicts = judge(reviews.get((source.name, loc.uri), []), _ratios(a or b))
                if a and not b:
                    for et, o in sorted(a.items()):
                        change("new", loc, et, o.category, None, _evidence(o), [et])
                elif b and not a:
                    for et, o in sorted(b.items()):
                        change("gone", loc, et, o.category, _evidence(o), None, [et])
                elif a and b:
                    cats_b = {o.category for o in b.values()}
                    cats_a = {o.category for o in a.values()}
                    state_b = {"categories": sorted(cats_b), "entity_types": sorted(b)}
                    state_a = {"categories": sorted(cats_a), "entity_types": sorted(a)}
                    for cat in sorted(cats_a - cats_b):
                        ets = sorted(et for et, o in a.items() if o.category == cat)
                        change("category_added", loc, ets[0] if len(ets) == 1 else None, cat, state_b, state_a, ets)
                    for cat in sorted(cats_b - cats_a):
                        ets = sorted(et for et, o in b.items() if o.category == cat)
                        change("category_removed", loc, ets[0] if len(ets) == 1 else None, cat, state_b, state_a,
                               ets)
                    for et in sorted(set(a) & set(b)):
                        if abs(a[et].confidence - b[et].confidence) >= CONFIDENCE_JUMP - 1e-9:
                            change("confidence_changed", loc, et, a[et].category, b[et].confidence,
                                   a[et].confidence, [et])
    return out
