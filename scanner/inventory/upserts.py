"""The upserts a scan's records are written with: one statement per table, built once per
dialect and run with many rows at a time (building a statement costs more than running it).

Each re-checks, row by row, which scan is newer, so no update is lost and the end state does not
depend on how two scanners' writes interleave: a row's values are those of the scan that
*started* later, `first_seen` the earliest and `last_seen` the latest scan that saw it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scanner.inventory.models import (
    ERROR,
    SCANNED,
    SKIPPED,
    UNCHANGED,
    Coverage,
    Finding,
    Location,
    Observation,
)

# a dataset both scanned and errored counts as errored
OUTCOME_RANK = {UNCHANGED: 1, SCANNED: 1, SKIPPED: 2, ERROR: 3}


def insert_for(conn: Connection):
    """The dialect's INSERT, which has ON CONFLICT."""
    return _insert(conn.dialect.name)


def _insert(dialect: str):
    # imported for the dialect in use: PostgreSQL's costs 45 ms, and most inventories are files
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


def _later(new, old):
    return sa.case((new > old, new), else_=old)


def _earlier(new, old):
    return sa.case((new < old, new), else_=old)


_STATEMENTS: dict[str, dict] = {}


def statements(dialect: str) -> dict:
    """The upserts of locations, findings, observations and coverage, built once per dialect."""
    if dialect in _STATEMENTS:
        return _STATEMENTS[dialect]
    insert = _insert(dialect)

    loc = Location.__table__
    ins = insert(loc)
    t, ex = loc.c, ins.excluded
    newer = ex.checked_at >= t.checked_at
    location = ins.on_conflict_do_update(index_elements=[t.source_id, t.uri], set_={
        "first_seen": _earlier(ex.first_seen, t.first_seen),
        "last_seen": _later(ex.last_seen, t.last_seen),
        "last_scan_id": sa.case((ex.last_seen >= t.last_seen, ex.last_scan_id), else_=t.last_scan_id),
        "checked_at": _later(ex.checked_at, t.checked_at),
        "status": sa.case((newer, ex.status), else_=t.status),
        "row_estimate": sa.case((newer, sa.func.coalesce(ex.row_estimate, t.row_estimate)), else_=t.row_estimate),
        # a dataset record sets the version ("" when it was not read whole: read it next time);
        # a finding's upsert of the same row (a file's own findings) passes NULL and leaves it
        "version": sa.case((newer, sa.func.coalesce(ex.version, t.version)), else_=t.version),
        "sealed": sa.func.coalesce(ex.sealed, t.sealed),
        # 0007: a dataset record says how old its data is ("" for `by`: not known); a finding's
        # upsert of the same row passes NULL and leaves it
        "oldest_at": sa.case((sa.and_(newer, ex.oldest_by.isnot(None)), ex.oldest_at), else_=t.oldest_at),
        "oldest_by": sa.case((sa.and_(newer, ex.oldest_by.isnot(None)), ex.oldest_by), else_=t.oldest_by),
    }).returning(t.id, t.source_id, t.uri)

    fnd = Finding.__table__
    ins = insert(fnd)
    t, ex = fnd.c, ins.excluded
    newer = ex.checked_at >= t.checked_at
    kept = ("category", "personal", "confidence", "hits", "sampled", "ratio", "examples", "fingerprints",
            "declared_type", "status", "free_text", "in_log", "sketch")
    finding = ins.on_conflict_do_update(index_elements=[t.location_id, t.entity_type], set_={
        **{k: sa.case((newer, getattr(ex, k)), else_=getattr(t, k)) for k in kept},
        "first_seen": _earlier(ex.first_seen, t.first_seen),
        "last_seen": _later(ex.last_seen, t.last_seen),
        "last_scan_id": sa.case((ex.last_seen >= t.last_seen, ex.last_scan_id), else_=t.last_scan_id),
        "checked_at": _later(ex.checked_at, t.checked_at),
    })

    observation = insert(Observation.__table__).on_conflict_do_nothing(
        index_elements=["scan_id", "location_id", "entity_type"])

    cov = Coverage.__table__
    ins = insert(cov)
    t = cov.c
    rank = lambda col: sa.case(OUTCOME_RANK, value=col, else_=0)  # noqa: E731
    coverage = ins.on_conflict_do_update(index_elements=[t.scan_id, t.source_id, t.uri], set_={
        "outcome": sa.case((rank(ins.excluded.outcome) > rank(t.outcome), ins.excluded.outcome), else_=t.outcome)})

    _STATEMENTS[dialect] = {"location": location, "finding": finding, "observation": observation,
                            "coverage": coverage}
    return _STATEMENTS[dialect]

