"""What changed between a scan and the previous completed scan of the same source: each change a
dict shaped like a (future) JSONL `change` record."""

from __future__ import annotations

import sqlalchemy as sa

from scanner.inventory.models import COMPLETED, ERROR, GONE, SCANNED, Coverage, Location, Observation, Scan, Source

SCHEMA_VERSION = "1.1"
CONFIDENCE_JUMP = 0.2
_ORDER = {"new": 0, "gone": 1, "category_added": 2, "category_removed": 3, "confidence_changed": 4}


def previous_scan(conn, scan: Scan | sa.Row, source_name: str) -> str | None:
    """The latest completed scan that started before `scan` and covered the source."""
    rows = conn.execute(sa.select(Scan.id, Scan.sources)
                        .where(Scan.status == COMPLETED, Scan.id != scan.id, Scan.started_at < scan.started_at)
                        .order_by(Scan.started_at.desc())).all()
    for r in rows:
        if any(s.get("name") == source_name for s in (r.sources or [])):
            return r.id
    return None


def _observations(conn, scan_id: str, source_id: int) -> dict[int, dict[str, sa.Row]]:
    out: dict[int, dict[str, sa.Row]] = {}
    rows = conn.execute(sa.select(Observation).join(Location, Observation.location_id == Location.id)
                        .where(Observation.scan_id == scan_id, Location.source_id == source_id,
                               Observation.personal.is_(True))).scalars()
    for o in rows:
        out.setdefault(o.location_id, {})[o.entity_type] = o
    return out


def _evidence(o) -> dict:
    return {"confidence": o.confidence, "hits": o.hits, "sampled": o.sampled}


def changes(store, scan_id: str) -> list[dict]:
    """New personal-data locations, locations gone, categories added or removed per location and
    confidence jumps (|Δ| ≥ 0.2), per source of the scan, against that source's previous
    completed scan (with none, everything found is new). A location in a dataset the scan could
    not read (error, skipped) or of a source that failed is not reported gone."""
    out: list[dict] = []
    with store.session() as conn:
        scan = conn.execute(sa.select(Scan).where(Scan.id == scan_id)).scalar_one_or_none()
        if scan is None:
            raise KeyError(f"no scan {scan_id} in the inventory")
        for s in scan.sources or []:
            source = conn.execute(sa.select(Source).where(Source.name == s["name"])).scalar_one_or_none()
            if source is None:
                continue
            src = {"name": source.name, "type": source.type, "uri": source.uri}
            prev_id = previous_scan(conn, scan, source.name)
            now = _observations(conn, scan_id, source.id)
            before = _observations(conn, prev_id, source.id) if prev_id else {}
            cov = conn.execute(sa.select(Coverage).where(Coverage.scan_id == scan_id,
                                                         Coverage.source_id == source.id)).scalars().all()
            if any(c.dataset is None and c.outcome == ERROR for c in cov):
                failed, covered, skipped_fields = True, set(), set()
            else:
                failed = False
                outcome: dict[tuple, str] = {}
                for c in cov:
                    if c.field is None:
                        outcome[(c.container, c.dataset)] = c.outcome
                covered = {k for k, v in outcome.items() if v in (SCANNED, GONE)}
                skipped_fields = {c.uri for c in cov if c.field is not None}
            ids = set(now) | set(before)
            locs = {loc.id: loc for loc in conn.execute(sa.select(Location).where(Location.id.in_(ids))).scalars()} \
                if ids else {}

            def change(kind, loc, entity_type, category, b, a):
                out.append({"record": "change", "schema_version": SCHEMA_VERSION, "scan_id": scan_id,
                            "source": src,
                            "location": {"container": loc.container, "dataset": loc.dataset, "field": loc.field,
                                         "uri": loc.uri},
                            "change": kind, "entity_type": entity_type, "category": category,
                            "before": b, "after": a})

            for lid in sorted(ids, key=lambda i: locs[i].uri):
                loc, b, a = locs[lid], before.get(lid, {}), now.get(lid, {})
                if a and not b:
                    for et, o in sorted(a.items()):
                        change("new", loc, et, o.category, None, _evidence(o))
                elif b and not a:
                    if failed or loc.uri in skipped_fields or (loc.container, loc.dataset) not in covered:
                        continue
                    for et, o in sorted(b.items()):
                        change("gone", loc, et, o.category, _evidence(o), None)
                else:
                    cats_b = {o.category for o in b.values()}
                    cats_a = {o.category for o in a.values()}
                    state_b = {"categories": sorted(cats_b), "entity_types": sorted(b)}
                    state_a = {"categories": sorted(cats_a), "entity_types": sorted(a)}
                    for cat in sorted(cats_a - cats_b):
                        ets = sorted(et for et, o in a.items() if o.category == cat)
                        change("category_added", loc, ets[0] if len(ets) == 1 else None, cat, state_b, state_a)
                    for cat in sorted(cats_b - cats_a):
                        ets = sorted(et for et, o in b.items() if o.category == cat)
                        change("category_removed", loc, ets[0] if len(ets) == 1 else None, cat, state_b, state_a)
                    for et in sorted(set(a) & set(b)):
                        if abs(a[et].confidence - b[et].confidence) >= CONFIDENCE_JUMP - 1e-9:
                            change("confidence_changed", loc, et, a[et].category, b[et].confidence,
                                   a[et].confidence)
    return out
