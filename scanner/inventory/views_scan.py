"""One scan as a report made from the inventory shows it: which scan, what it could not read, what
its summary counted and what changed since the scan before. Rows are plain dicts, as in `views`,
so a report needs no table of the inventory's own.
"""

from __future__ import annotations

import sqlalchemy as sa

from scanner.inventory.changes import changes, latest_scan, resolve_scan
from scanner.inventory.models import ERROR, SKIPPED, Coverage, Scan, Source
from scanner.inventory.views import shown


def chosen(store, ref: str | None = None) -> str:
    """The scan a full id or a unique prefix of one names, or without one the latest completed or
    incomplete scan; LookupError when there is none."""
    scan_id = resolve_scan(store, ref) if ref else latest_scan(store)
    if scan_id is None:
        raise LookupError("the inventory holds no finished scan")
    return scan_id


def not_read(store, scan_id: str) -> list[dict]:
    """What the scan could not read (error) or passed over (skipped), by source and URI: source,
    container, dataset (None: the whole source failed), field (a skipped field), uri, outcome and
    location as the console shows it, and the reason the scan gave (None: a scan written before the
    inventory kept reasons, or past the writer's REASONS_KEPT)."""
    with store.session() as s:
        scan = s.get(Scan, scan_id)
        why = {(name, uri): reason for name, uri, reason in ((scan.counts or {}).get("not_read") or [])} \
            if scan is not None else {}
        q = (sa.select(Coverage, Source.name).join(Source, Coverage.source_id == Source.id)
             .where(Coverage.scan_id == scan_id, Coverage.outcome.in_((ERROR, SKIPPED))))
        rows = s.execute(q.order_by(Source.name, Coverage.uri)).all()
        return [{"source": name, "container": c.container, "dataset": c.dataset, "field": c.field, "uri": c.uri,
                 "outcome": c.outcome, "reason": why.get((name, c.uri)),
                 "location": shown(c.container, c.dataset, c.field, c.uri) if c.dataset is not None else None}
                for c, name in rows]


def counts(store, scan_id: str) -> dict:
    """The counts of the scan's summary record (findings, by_category, locations, sources); empty
    when the scan did not finish or is not in the inventory."""
    with store.session() as s:
        scan = s.get(Scan, scan_id)
        return dict(scan.counts or {}) if scan is not None else {}


__all__ = ["changes", "chosen", "counts", "not_read"]
