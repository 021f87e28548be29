"""One scan's record stream into the inventory (`Store.writer()`): the header opens the scan,
records go in batches of upserts (`scanner.inventory.upserts`), one short transaction each, and
the summary settles it: its status, and what the scan covered but did not see turns gone.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scanner.inventory.models import (
    COMPLETED,
    ERROR,
    FAILED,
    GONE,
    INCOMPLETE,
    INTERRUPTED,
    PRESENT,
    RUNNING,
    SCANNED,
    SKIPPED,
    UNCHANGED,
    Coverage,
    Finding,
    Location,
    Scan,
    Source,
)
from scanner.inventory.systems import canonical_uri
from scanner.inventory.upserts import OUTCOME_RANK, insert_for, statements
from scanner.model.categories import FROM_FIELD_RULES

log = logging.getLogger(__name__)


def parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def config_fingerprint(settings: dict, detectors: dict) -> str:
    blob = json.dumps({"settings": settings, "detectors": detectors}, sort_keys=True, separators=(",", ":"),
                      default=str)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def entities_of(detectors: dict) -> list[str] | None:
    """The entity types a scan's detectors could report, from its header; None when unknown."""
    listed = [d.get("entities") for d in detectors.get("detectors") or []]
    if not listed or any(e is None for e in listed):
        return None
    return sorted({e for entities in listed for e in entities} | FROM_FIELD_RULES)


def dataset_uri(location: dict) -> str:
    """The dataset's own URI from a location (a field's URI is the dataset's plus #field)."""
    uri = location["uri"]
    return uri.rsplit("#", 1)[0] if location.get("field") is not None and "#" in uri else uri


# Why locations were not read (skipped and error records), kept in the scan's counts (a JSON column,
# so no migration) for a report made from the inventory; a scan that misses more keeps the first ones.
REASONS_KEPT = 2000


def not_read_reason(record: dict) -> list[str]:
    """[source, coverage URI, reason] of a skipped or error record, the URI as its coverage row has it."""
    loc = record.get("location")
    uri = "" if loc is None else loc["uri"] if record["record"] == "skipped" and loc.get("field") is not None \
        else dataset_uri(loc)
    why = record.get("reason") if record["record"] == "skipped" else \
        f"{record['error'].get('type')}: {record['error'].get('message')}"
    return [record["source"]["name"], uri, str(why)]


def status_of(exit_code: int) -> str:
    return {0: COMPLETED, 1: COMPLETED, 3: INCOMPLETE}.get(exit_code, FAILED)


class InventoryWriter:
    """One scan's records into the inventory, in batches of `store.batch_size` records."""

    def __init__(self, store):
        self.store = store
        self.pending: list[dict] = []
        self.scan_id: str | None = None
        self.seen: datetime | None = None  # the scan's started_at
        self.settings: dict = {}
        self.entities: list[str] | None = None  # what the scan looked for
        self.sources: dict[str, int] = {}  # name → id
        self.finished = False
        self._release = None  # lets go of the scan's liveness lock (Store.hold_scan)
        self.reasons: list[list[str]] = []

    def write(self, record: dict) -> None:
        kind = record.get("record")
        if kind == "scan":
            self._begin(record)
        elif kind == "summary":
            self.flush()
            self._finish(record)
        elif kind in ("finding", "dataset", "error", "skipped", "unchanged"):
            if kind in ("error", "skipped") and len(self.reasons) < REASONS_KEPT:
                self.reasons.append(not_read_reason(record))
            self.pending.append(record)
            if len(self.pending) >= self.store.batch_size:
                self.flush()
        # other record kinds (a future `change`) are not the inventory's

    def close(self) -> None:
        try:
            self.flush()
            if self.scan_id is not None and not self.finished:  # the stream ended without a summary
                def work(conn):
                    conn.execute(sa.update(Scan).where(Scan.id == self.scan_id, Scan.status == RUNNING)
                                 .values(status=FAILED, finished_at=datetime.now(UTC)))
                self.store.transaction(work)
                self.finished = True
        finally:
            self._let_go()

    def _let_go(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    # -- the header --------------------------------------------------------------------------

    def _begin(self, record: dict) -> None:
        self.scan_id = record["scan_id"]
        self.seen = parse_time(record.get("started_at"))
        self.settings = record.get("settings") or {}
        self._release = self.store.hold_scan(self.scan_id)  # before the row says running
        self._sweep()
        sources = record.get("sources") or []

        self.entities = entities_of(record.get("detectors") or {})

        def work(conn):
            conn.execute(insert_for(conn)(Scan).values(
                id=self.scan_id, started_at=self.seen, tool_version=(record.get("tool") or {}).get("version"),
                config_fingerprint=config_fingerprint(self.settings, record.get("detectors") or {}),
                status=RUNNING, sources=sources, entities=self.entities,
            ).on_conflict_do_nothing(index_elements=[Scan.id]))
            for s in sorted(sources, key=lambda s: s["name"]):
                self._source(conn, s)

        self.store.transaction(work)

    def _source(self, conn: Connection, src: dict) -> int:
        sid = self.sources.get(src["name"])
        if sid is not None:
            return sid
        ins = insert_for(conn)(Source).values(name=src["name"], type=src.get("type"),
                                           uri=canonical_uri(src.get("uri"), src.get("type")))
        ins = ins.on_conflict_do_update(index_elements=[Source.name],
                                        set_={"type": ins.excluded.type, "uri": ins.excluded.uri})
        sid = conn.execute(ins.returning(Source.id)).scalar_one()
        self.sources[src["name"]] = sid
        return sid

    # -- records -----------------------------------------------------------------------------

    def flush(self) -> None:
        """The pending records in one transaction: one multi-row upsert per table, rows in URI
        order (one lock order for every writer, so two writers rarely deadlock)."""
        if not self.pending:
            return
        if self.scan_id is None:
            raise ValueError("inventory: records before the scan header")
        batch = self.pending
        sources = dict(self.sources)

        def work(conn):
            self.sources = dict(sources)  # a retried transaction starts again
            self._write_batch(conn, batch)

        self.store.transaction(work)
        self.pending = []

    def _write_batch(self, conn: Connection, batch: list[dict]) -> None:
        st = statements(conn.dialect.name)
        locations: dict[tuple[int, str], dict] = {}
        found: dict[tuple[int, str, str], dict] = {}
        covered: dict[tuple[int, str], dict] = {}
        for r in batch:
            sid = self._source(conn, r["source"])
            kind, loc = r["record"], r.get("location")
            if kind == "dataset":
                loc = {**loc, "field": None, "uri": dataset_uri(loc)}
                locations[(sid, loc["uri"])] = self._location_row(sid, loc, r.get("row_estimate"),
                                                                     r.get("version") or "", r.get("oldest") or {})
                self._cover(covered, sid, loc, SCANNED)
            elif kind == "unchanged":  # met, not read: nothing in it turns gone or changes
                self._cover(covered, sid, loc, UNCHANGED)
            elif kind == "finding":  # a dataset's own row, when in this batch, keeps its version
                locations.setdefault((sid, loc["uri"]), self._location_row(sid, loc, r.get("row_estimate")))
                found[(sid, loc["uri"], r["entity_type"])] = r
            elif kind == "error":
                self._cover(covered, sid, loc, ERROR)
            elif kind == "skipped":
                self._cover(covered, sid, loc, SKIPPED, field_level=bool(loc and loc.get("field") is not None))
        ids: dict[tuple[int, str], int] = {}
        if locations:
            rows = conn.execute(st["location"], [locations[k] for k in sorted(locations)])
            ids = {(row.source_id, row.uri): row.id for row in rows}
        if found:
            keys = sorted(found)
            conn.execute(st["finding"], [self._finding_row(ids[(sid, uri)], found[(sid, uri, et)])
                                         for sid, uri, et in keys])
            conn.execute(st["observation"], [self._observation_row(ids[(sid, uri)], found[(sid, uri, et)])
                                             for sid, uri, et in keys])
        if covered:
            conn.execute(st["coverage"], [covered[k] for k in sorted(covered)])

    def _location_row(self, sid: int, loc: dict, row_estimate: int | None, version: str | None = None,
                      oldest: dict | None = None) -> dict:
        at = oldest.get("at") if oldest else None
        return dict(source_id=sid, container=loc.get("container"), dataset=loc["dataset"], field=loc.get("field"),
                    uri=loc["uri"], first_seen=self.seen, last_seen=self.seen, last_scan_id=self.scan_id,
                    checked_at=self.seen, status=PRESENT, row_estimate=row_estimate, version=version,
                    oldest_at=datetime.fromisoformat(at.replace("Z", "+00:00")) if at else None,
                    oldest_by=None if oldest is None else (oldest.get("by") or "") if at else "",
                    sealed=loc.get("sealed"))

    def _finding_row(self, location_id: int, r: dict) -> dict:
        return dict(location_id=location_id, entity_type=r["entity_type"], category=r["category"],
                    personal=bool(r["personal"]), confidence=r["confidence"], hits=r["hits"], sampled=r["sampled"],
                    ratio=r.get("ratio"), examples=list(r.get("examples") or []),
                    fingerprints=list(r.get("fingerprints") or []), declared_type=r.get("declared_type"),
                    free_text=bool(r.get("free_text")), in_log=r.get("in_log"),  # not in records before 1.6
                    sketch=list(r["sketch"]) if r.get("sketch") else None,  # 1.7
                    first_seen=self.seen, last_seen=self.seen, last_scan_id=self.scan_id, checked_at=self.seen,
                    status=PRESENT)

    def _observation_row(self, location_id: int, r: dict) -> dict:
        return dict(scan_id=self.scan_id, location_id=location_id, entity_type=r["entity_type"],
                    category=r["category"], personal=bool(r["personal"]), confidence=r["confidence"],
                    hits=r["hits"], sampled=r["sampled"])

    def _cover(self, covered: dict, sid: int, loc: dict | None, outcome: str, field_level: bool = False) -> None:
        """What the scan did with a location, the worst outcome kept (errored over skipped over scanned)."""
        row = self._coverage_row(sid, loc, outcome, field_level)
        key = (sid, row["uri"])
        if key not in covered or OUTCOME_RANK.get(outcome, 0) > OUTCOME_RANK.get(covered[key]["outcome"], 0):
            covered[key] = row

    def _coverage_row(self, sid: int, loc: dict | None, outcome: str, field_level: bool = False) -> dict:
        if loc is None:
            values = dict(container=None, dataset=None, field=None, uri="")
        elif field_level:
            values = dict(container=loc.get("container"), dataset=loc["dataset"], field=loc["field"], uri=loc["uri"])
        else:
            values = dict(container=loc.get("container"), dataset=loc["dataset"], field=None, uri=dataset_uri(loc))
        return dict(scan_id=self.scan_id, source_id=sid, outcome=outcome, **values)

    # -- the summary -------------------------------------------------------------------------

    def _sweep(self) -> None:
        """Scans left running by a process that died are marked abandoned, and the log says so."""
        from scanner.system.log_events import event

        try:
            gone = self.store.sweep_abandoned()
        except Exception as exc:  # noqa: BLE001 - the scan goes on; the next one looks again
            event(log, logging.WARNING, "inventory.sweep_failed", error=type(exc).__name__)
            return
        if gone:
            event(log, logging.WARNING, "inventory.abandoned", scans=gone,
                  message="scans left running by a process that is gone are marked abandoned")

    def _finish(self, record: dict) -> None:
        counts = {k: record.get(k) for k in ("findings", "by_category", "locations", "sources")}
        if self.reasons:
            counts["not_read"] = self.reasons
        # stopped by a signal: what it did not reach is not gone, only not looked at
        interrupted = bool(record.get("interrupted"))

        def work(conn):
            conn.execute(sa.update(Scan).where(Scan.id == self.scan_id).values(
                finished_at=parse_time(record.get("finished_at")),
                status=INTERRUPTED if interrupted else status_of(record.get("exit_code", 3)),
                exit_code=record.get("exit_code"), counts=counts))
            for name, sid in sorted(self.sources.items()) if not interrupted else ():
                self._mark_gone(conn, sid)

        self.store.transaction(work)
        self.finished = True
        self._let_go()

    def _mark_gone(self, conn: Connection, sid: int) -> None:
        """Locations and findings of a source this scan covered but did not see turn gone:
        - in a dataset it scanned (a dataset record, no error): the fields and findings not seen;
        - datasets it did not meet at all, in a container it did meet, when the source did not
          fail and the scan was not narrowed by include/exclude: the dataset and all in it.
        A dataset that errored or was skipped, and a skipped field, keep what they had."""
        cov = conn.execute(sa.select(Coverage.container, Coverage.dataset, Coverage.field, Coverage.uri,
                                     Coverage.outcome)
                           .where(Coverage.scan_id == self.scan_id, Coverage.source_id == sid)).all()
        if any(c.dataset is None for c in cov if c.outcome in (ERROR, SKIPPED)):
            return  # the source failed, or was empty (a journal gone, a share not mounted): nothing turns gone
        if not any(c.outcome in (SCANNED, UNCHANGED) for c in cov):
            # nothing of the source was read: an empty share or bucket (the files crawler and S3 say
            # so at "." or the prefix) cannot tell "emptied" from "not mounted"; what it held stays
            return
        scanned = {(c.container, c.dataset) for c in cov if c.field is None and c.outcome == SCANNED}
        met = {(c.container, c.dataset) for c in cov if c.field is None}
        skipped_fields = {c.uri for c in cov if c.field is not None}
        containers = {c.container for c in cov}
        narrowed = bool(self.settings.get("include") or self.settings.get("exclude"))

        rows = conn.execute(sa.select(Location.id, Location.container, Location.dataset, Location.field,
                                      Location.uri, Location.status)
                            .where(Location.source_id == sid, Location.checked_at < self.seen)).all()
        vanished = set()  # datasets gone as a whole
        if not narrowed:
            vanished = {(r.container, r.dataset) for r in rows
                        if r.field is None and r.status == PRESENT and r.container in containers
                        and (r.container, r.dataset) not in met}
        # findings: those not seen in a scanned dataset (of the entity types the scan looked for),
        # and all of a vanished dataset's; none at a skipped field
        frows = conn.execute(sa.select(Finding.id, Finding.entity_type, Finding.location_id, Location.container,
                                       Location.dataset, Location.uri)
                             .join(Location, Finding.location_id == Location.id)
                             .where(Location.source_id == sid, Finding.status == PRESENT)).all()
        seen_now = {f.id for f in conn.execute(sa.select(Finding.id).join(Location, Finding.location_id == Location.id)
                                               .where(Location.source_id == sid, Finding.checked_at >= self.seen))}
        looked_for = set(self.entities) if self.entities is not None else None
        gone_findings = [f.id for f in frows if f.id not in seen_now and f.uri not in skipped_fields and (
            (f.container, f.dataset) in vanished
            or ((f.container, f.dataset) in scanned and (looked_for is None or f.entity_type in looked_for)))]
        going = set(gone_findings)
        still_found = {f.location_id for f in frows if f.id not in going}
        # locations: a vanished dataset and all in it; a field of a scanned dataset left with no finding
        gone_locations = [r.id for r in rows if r.uri not in skipped_fields and (
            (r.container, r.dataset) in vanished
            or (r.field is not None and (r.container, r.dataset) in scanned and r.id not in still_found))]
        for model, ids in ((Location, gone_locations), (Finding, gone_findings)):
            for i in range(0, len(ids), 500):
                # the condition again: a newer scan that saw the row meanwhile wins
                conn.execute(sa.update(model).where(model.id.in_(ids[i:i + 500]), model.checked_at < self.seen)
                             .values(status=GONE, checked_at=self.seen))
        for container, dataset in sorted(vanished, key=repr):
            uri = next(r.uri for r in rows if r.field is None and (r.container, r.dataset) == (container, dataset))
            conn.execute(statements(conn.dialect.name)["coverage"], [self._coverage_row(
                sid, {"container": container, "dataset": dataset, "field": None, "uri": uri}, GONE)])
