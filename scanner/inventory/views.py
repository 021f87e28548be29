"""Read-side views of the inventory: one row per finding, the scans, a field's history, and the
record of processing (GDPR Art. 30) with what was declared and what was found side by side.

Rows are plain dicts of JSON-able values, so every export format writes the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa

from scanner.inventory import SUPPRESSED
from scanner.inventory.models import (
    COMPLETED,
    INCOMPLETE,
    PRESENT,
    SCANNED,
    Coverage,
    Finding,
    Location,
    Observation,
    Scan,
    Source,
)
from scanner.inventory.reviews import judge
from scanner.inventory.reviews import load as load_reviews
from scanner.model.places import place

UNDECLARED = "(not declared)"


def iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    if t.tzinfo is None:  # SQLite keeps no zone; every time stored is UTC
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def dotted(container: str | None, dataset: str, field: str | None) -> str:
    return ".".join(p for p in (container, dataset, field) if p)


def shown(container: str | None, dataset: str, field: str | None, uri: str) -> str:
    """A location as the console shows it (schema.table.column, bucket/key#field, path#field)."""
    return place({"container": container, "dataset": dataset, "field": field, "uri": uri})


def system_of(source: Source) -> str:
    return source.system or source.name


def declared(source: Source) -> dict:
    return {"system": source.system, "owner": source.owner, "role": source.role, "purpose": source.purpose,
            "legal_basis": source.legal_basis, "data_subjects": source.data_subjects or [],
            "categories": source.categories or [], "retention": source.retention,
            "environment": source.environment, "declared_at": iso(source.declared_at)}


def sources(store) -> list[dict]:
    with store.session() as s:
        rows = s.scalars(sa.select(Source).order_by(Source.name)).all()
        return [{"source": r.name, "type": r.type, "uri": r.uri, **declared(r)} for r in rows]


def findings(store, include_gone: bool = False, source: str | None = None, personal_only: bool = False) -> list[dict]:
    """One row per finding (location × entity type), with its location, source, declared system
    and the review that covers it (if any)."""
    with store.session() as s:
        q = (sa.select(Finding, Location, Source).join(Location, Finding.location_id == Location.id)
             .join(Source, Location.source_id == Source.id))
        if not include_gone:
            q = q.where(Finding.status == PRESENT)
        if source is not None:
            q = q.where(Source.name == source)
        if personal_only:
            q = q.where(Finding.personal.is_(True))
        rows = s.execute(q).all()
        reviews = load_reviews(s, {src.name for _, _, src in rows})
    at_location: dict[int, dict[str, float | None]] = defaultdict(dict)
    for f, loc, _ in rows:
        if f.status == PRESENT:
            at_location[loc.id][f.entity_type] = f.ratio
    verdicts = {}
    out = []
    for f, loc, src in sorted(rows, key=lambda r: (r[2].name, r[1].uri, r[0].entity_type)):
        if loc.id not in verdicts:
            verdicts[loc.id] = judge(reviews.get((src.name, loc.uri), []), at_location.get(loc.id, {}))
        review = verdicts[loc.id].get(f.entity_type) if f.status == PRESENT else None
        out.append({
            "source": src.name, "system": system_of(src), "owner": src.owner, "environment": src.environment,
            "container": loc.container, "dataset": loc.dataset, "field": loc.field,
            "location": shown(loc.container, loc.dataset, loc.field, loc.uri), "uri": loc.uri,
            "entity_type": f.entity_type, "category": f.category, "personal": f.personal,
            "confidence": f.confidence, "hits": f.hits, "sampled": f.sampled, "ratio": f.ratio,
            "examples": f.examples or [], "fingerprints": f.fingerprints or [], "declared_type": f.declared_type,
            "free_text": bool(f.free_text), "in_log": f.in_log, "sketch": f.sketch or [],
            "row_estimate": loc.row_estimate, "status": f.status, "first_seen": iso(f.first_seen),
            "last_seen": iso(f.last_seen), "last_scan_id": f.last_scan_id,
            "review": review,
        })
    return out


def scans(store, limit: int | None = None) -> list[dict]:
    with store.session() as s:
        q = sa.select(Scan).order_by(Scan.started_at.desc())
        if limit:
            q = q.limit(limit)
        return [{"scan_id": r.id, "started_at": iso(r.started_at), "finished_at": iso(r.finished_at),
                 "status": r.status, "exit_code": r.exit_code, "tool_version": r.tool_version,
                 "config_fingerprint": r.config_fingerprint,
                 "sources": [x.get("name") for x in (r.sources or [])],
                 "findings": (r.counts or {}).get("findings"),
                 "by_category": (r.counts or {}).get("by_category") or {}}
                for r in s.scalars(q)]


def history(store, source: str | None = None) -> list[dict]:
    """Every observation: a finding as one scan saw it, oldest scan first."""
    with store.session() as s:
        q = (sa.select(Observation, Location.uri, Location.container, Location.dataset, Location.field, Source.name,
                       Scan.started_at)
             .join(Location, Observation.location_id == Location.id).join(Source, Location.source_id == Source.id)
             .join(Scan, Observation.scan_id == Scan.id))
        if source is not None:
            q = q.where(Source.name == source)
        rows = s.execute(q.order_by(Scan.started_at, Location.uri, Observation.entity_type)).all()
    return [{"scan_id": o.scan_id, "scanned_at": iso(started), "source": name,
             "location": shown(container, dataset, field, uri), "uri": uri, "entity_type": o.entity_type,
             "category": o.category, "personal": o.personal, "confidence": o.confidence, "hits": o.hits,
             "sampled": o.sampled}
            for o, uri, container, dataset, field, name, started in rows]


def versions(store, source: str) -> dict[str, dict]:
    """What --incremental compares with: the source's present datasets last read whole,
    {dataset URI: {version, scan_id, at, entity_types}}, the entity types being what is present
    in the dataset now."""
    with store.session() as s:
        rows = s.execute(sa.select(Location.uri, Location.container, Location.dataset, Location.version,
                                   Location.last_scan_id, Location.last_seen)
                         .join(Source, Location.source_id == Source.id)
                         .where(Source.name == source, Location.field.is_(None), Location.status == PRESENT,
                                Location.version.isnot(None), Location.version != "")).all()
        found = s.execute(sa.select(Location.container, Location.dataset, Finding.entity_type).distinct()
                          .join(Location, Finding.location_id == Location.id)
                          .join(Source, Location.source_id == Source.id)
                          .where(Source.name == source, Finding.status == PRESENT)).all()
    entities: dict[tuple, set] = {}
    for f in found:
        entities.setdefault((f.container, f.dataset), set()).add(f.entity_type)
    return {r.uri: {"version": r.version, "scan_id": r.last_scan_id, "at": iso(r.last_seen),
                    "entity_types": sorted(entities.get((r.container, r.dataset), ()))}
            for r in rows}


def find_locations(store, ref: str, source: str | None = None) -> list[tuple[str, str, str]]:
    """Locations matching `ref`: a URI as in the report, or the location as the console shows it
    (schema.table.column, table.column, bucket/key#field, path#field). Returns (source, uri,
    shown) triples."""
    with store.session() as s:
        q = sa.select(Source.name, Location.uri, Location.container, Location.dataset, Location.field) \
            .join(Source, Location.source_id == Source.id)
        if source is not None:
            q = q.where(Source.name == source)
        exact = s.execute(q.where(Location.uri == ref)).all()
        if exact:
            return [(n, u, shown(c, d, f, u)) for n, u, c, d, f in exact]
        out = []
        for n, u, c, d, f in s.execute(q).all():
            names = {shown(c, d, f, u), dotted(c, d, f), dotted(None, d, f)}
            if ref in names:
                out.append((n, u, shown(c, d, f, u)))
        return sorted(set(out))


def location_details(store, source: str, uri: str) -> dict:
    """One location as `kartlegg inventory show` lists it, with its sealed real names."""
    with store.session() as s:
        loc, src = s.execute(sa.select(Location, Source).join(Source, Location.source_id == Source.id)
                             .where(Source.name == source, Location.uri == uri)).one()
        found = s.scalars(sa.select(Finding).where(Finding.location_id == loc.id)
                          .order_by(Finding.entity_type)).all()
        return {"source": src.name, "uri": loc.uri, "location": shown(loc.container, loc.dataset, loc.field, loc.uri),
                "container": loc.container, "dataset": loc.dataset, "field": loc.field, "status": loc.status,
                "first_seen": iso(loc.first_seen), "last_seen": iso(loc.last_seen), "sealed": loc.sealed,
                "findings": [{"entity_type": f.entity_type, "category": f.category, "confidence": f.confidence,
                              "hits": f.hits, "sampled": f.sampled, "status": f.status, "examples": f.examples or [],
                              "first_seen": iso(f.first_seen), "last_seen": iso(f.last_seen)} for f in found]}


# -- the record of processing (Art. 30) -----------------------------------------------------------

def _joined(values) -> str | None:
    vals = sorted({v for v in values if v})
    return "; ".join(vals) if vals else None


def art30(store) -> list[dict]:
    """One row per controller and system: what was declared (purpose, legal basis, data subjects,
    categories, retention) next to what scans found (categories, entity types, locations), and the
    gaps: categories found but not declared, declared but not found, systems found holding
    personal data with no declaration, and declared systems never scanned."""
    srcs = {r["source"]: r for r in sources(store)}
    live = [f for f in findings(store, personal_only=True)
            if not (f["review"] and f["review"]["state"] == SUPPRESSED)]
    with store.session() as s:
        # read at least one dataset of it in a finished scan (a source that never connected was not)
        scanned = set(s.scalars(sa.select(Source.name).distinct()
                                .join(Coverage, Coverage.source_id == Source.id)
                                .join(Scan, Coverage.scan_id == Scan.id)
                                .where(Coverage.outcome == SCANNED, Scan.status.in_((COMPLETED, INCOMPLETE)))))
        last = dict(s.execute(sa.select(Source.name, sa.func.max(Scan.started_at))
                              .join(Location, Location.source_id == Source.id)
                              .join(Scan, Scan.id == Location.last_scan_id).group_by(Source.name)).all())
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, r in srcs.items():
        groups[(r["owner"] or UNDECLARED, r["system"] or name)].append(name)
    found_by_source: dict[str, list[dict]] = defaultdict(list)
    for f in live:
        found_by_source[f["source"]].append(f)
    rows = []
    for (controller, system), names in sorted(groups.items()):
        decl = [srcs[n] for n in names]
        found = [f for n in names for f in found_by_source[n]]
        declared_any = any(d["declared_at"] for d in decl)
        if not found and not declared_any:
            continue  # scanned, nothing personal, nothing declared: not a processing activity
        d_cats = sorted({c for d in decl for c in d["categories"]})
        f_cats = sorted({f["category"] for f in found})
        locations = sorted({(f["source"], f["location"]) for f in found})
        datasets = sorted({(f["source"], shown(f["container"], f["dataset"], None, f["uri"].split("#")[0]))
                           for f in found})
        gaps = []
        if found and not declared_any:
            gaps.append("personal data found, processing not declared")
        never = sorted(n for n in names if srcs[n]["declared_at"] and n not in scanned)
        if never:
            gaps.append("declared, never scanned" + ("" if len(names) == 1 else f": {', '.join(never)}"))
        undeclared = [c for c in f_cats if c not in d_cats] if declared_any else []
        # declared but not found: only what was declared for sources that were read
        d_cats_read = sorted({c for d in decl if d["source"] in scanned for c in d["categories"]})
        missing = [c for c in d_cats_read if c not in f_cats]
        gaps += [f"found, not declared: {c}" for c in undeclared]
        gaps += [f"declared, not found: {c}" for c in missing]
        if declared_any:
            for key, label in (("purpose", "purpose"), ("legal_basis", "legal basis"), ("retention", "retention"),
                               ("role", "role"), ("data_subjects", "data subjects")):
                if not any(d[key] for d in decl):
                    gaps.append(f"{label} not declared")
        rows.append({
            "controller": controller,
            "role": _joined(d["role"] for d in decl),
            "system": system,
            "sources": sorted(names),
            "environment": _joined(d["environment"] for d in decl),
            "purpose": _joined(d["purpose"] for d in decl),
            "legal_basis": _joined(d["legal_basis"] for d in decl),
            "data_subjects": sorted({x for d in decl for x in d["data_subjects"]}),
            "retention": _joined(d["retention"] for d in decl),
            "declared_categories": d_cats,
            "found_categories": f_cats,
            "found_entity_types": sorted({f["entity_type"] for f in found}),
            "found_not_declared": undeclared,
            "declared_not_found": missing,
            "locations": len(locations),
            "datasets": [f"{n}: {d}" for n, d in datasets],
            "row_estimate": sum({(f["source"], f["container"], f["dataset"]): f["row_estimate"] or 0
                                 for f in found}.values()) or None,
            "last_scanned": max((iso(last[n]) for n in names if last.get(n)), default=None),
            "gaps": gaps,
        })
    return rows


__all__ = ["art30", "find_locations", "findings", "history", "scans", "sources", "versions"]
