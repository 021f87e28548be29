"""The request log: one row per `kartlegg subject` run (see models.SubjectRequest)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from scanner.inventory.models import SubjectRequest
from scanner.inventory.views import iso


def log_request(store, request, search, exported: bool) -> None:
    r = request
    row = {"id": r.request_id, "started_at": r.started_at, "finished_at": datetime.now(UTC),
           "requested_by": r.requested_by, "controller": r.controller, "kinds": r.kinds,
           "fingerprints": [search.fingerprint(i.entity_type, i.canonical) for i in r.identifiers],
           "sources": [s.describe() for s in r.sources], "found": search.found, "counts": dict(search.counts),
           "exported": exported, "erase_plan": r.erase_plan, "exit_code": getattr(search, "exit_code", None)}
    with store.engine.begin() as conn:
        conn.execute(sa.insert(SubjectRequest).values(**row))


def requests(store, limit: int | None = None) -> list[dict]:
    with store.session() as s:
        q = sa.select(SubjectRequest).order_by(SubjectRequest.started_at.desc())
        if limit:
            q = q.limit(limit)
        return [{"request_id": r.id, "started_at": iso(r.started_at), "finished_at": iso(r.finished_at),
                 "requested_by": r.requested_by, "controller": r.controller, "kinds": r.kinds,
                 "fingerprints": r.fingerprints, "sources": [x.get("name") for x in (r.sources or [])],
                 "found": r.found or [], "counts": r.counts or {}, "exported": r.exported,
                 "erase_plan": r.erase_plan, "exit_code": r.exit_code}
                for r in s.scalars(q)]
