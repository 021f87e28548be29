"""Personal data kept longer than declared: each dataset's age (what the scan that read it last
said: a table's oldest date, the oldest file's modification time) against its source's declared
retention (`kartlegg inventory declare --retention`, a configuration's `declare: retention:`).

"faktura holds invoices from 2011; declared retention 10 years". A period that runs from an event
kartlegg cannot see ("10 år etter avsluttet kundeforhold") makes older data a question to check
(status `check`); one that runs from when the data was made makes it a breach (`over`).
Datasets without personal data, and findings suppressed as false positives, are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import sqlalchemy as sa

from scanner.inventory.models import PRESENT, Location, Source
from scanner.inventory.views import findings, iso, shown, sources
from scanner.model import retention as periods

SUPPRESSED = "suppressed"


def overdue(store, now: datetime | None = None, scan_id: str | None = None) -> list[dict]:
    """Datasets with personal data older than their source's declared retention, most over first;
    with `scan_id`, only those that scan read."""
    now = now or datetime.now(UTC)
    declared = {s["source"]: s for s in sources(store)}
    bounded = [name for name, s in declared.items() if periods.parse(s.get("retention")) is not None]
    if not bounded:  # nothing declares a retention period: no finding needs reading (every scan asks)
        return []
    personal: dict[tuple, set[str]] = defaultdict(set)
    for name in bounded:
        for f in findings(store, source=name, personal_only=True):
            if not (f["review"] and f["review"]["state"] == SUPPRESSED):
                personal[(f["source"], f["container"], f["dataset"])].add(f["entity_type"])
    q = (sa.select(Location, Source.name).join(Source, Location.source_id == Source.id)
         .where(Location.field.is_(None), Location.status == PRESENT, Location.oldest_at.isnot(None)))
    if scan_id is not None:
        q = q.where(Location.last_scan_id == scan_id)
    with store.session() as s:
        rows = s.execute(q).all()
    out = []
    for loc, name in rows:
        types = personal.get((name, loc.container, loc.dataset))
        period = periods.parse((declared.get(name) or {}).get("retention"))
        if not types or period is None:
            continue
        oldest = loc.oldest_at if loc.oldest_at.tzinfo else loc.oldest_at.replace(tzinfo=UTC)
        past = periods.over(oldest, period, now)
        if past is None:
            continue
        src = declared[name]
        out.append({"source": {"name": name, "type": src["type"], "uri": src["uri"]},
                    "location": {"container": loc.container, "dataset": loc.dataset, "field": None, "uri": loc.uri},
                    "shown": shown(loc.container, loc.dataset, None, loc.uri), "system": src.get("system") or name,
                    "oldest": {"at": iso(oldest), "by": loc.oldest_by or ""}, "declared": period.declared,
                    "period_days": round(period.days), "over_days": past.days, "runs_from": period.runs_from,
                    "status": "check" if period.runs_from else "over", "entity_types": sorted(types)})
    return sorted(out, key=lambda r: (r["status"] != "over", -r["over_days"], r["source"]["name"], r["shown"]))


def flat(row: dict) -> dict:
    """One row of a table (CSV, XLSX)."""
    return {"system": row["system"], "source": row["source"]["name"], "dataset": row["shown"],
            "oldest": row["oldest"]["at"], "oldest_by": row["oldest"]["by"], "declared": row["declared"],
            "over_days": row["over_days"], "status": row["status"], "entity_types": row["entity_types"]}


def by_system(rows: list[dict]) -> dict[str, list[str]]:
    """system → "dataset (oldest YYYY-MM-DD)" for the Art. 30 view."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        out[r["system"]].append(f"{r['shown']} (oldest {r['oldest']['at'][:10]}, {r['status']})")
    return dict(out)
