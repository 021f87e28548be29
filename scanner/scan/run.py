"""The run of one scan: header → records → writers and inventory → changes → summary.

`scan` writes the header, has the coordinator (scanner.scan.coordinator) run the sources' units
on an executor, writes every record the coordinator yields — to the report writers and the
inventory, through the one redaction gate — then the changes and the summary. What the summary
and the exit code say is counted in a `Tally`.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from detectors.engine import Engine
from detectors.evidence import Fingerprinter
from scanner import __version__
from scanner.inventory import suppressed
from scanner.model import records
from scanner.model.jobs import Job, Secret
from scanner.model.plugins import crawler_for
from scanner.model.progress import Progress
from scanner.model.protocols import Executor
from scanner.model.redact import Redactor, describe_error
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import WorkUnit
from scanner.scan.coordinator import (
    Coordinator,
    Passover,
    Records,
    SourceFinished,
    SourceStarted,
)
from scanner.scan.executors.local import LocalExecutor
from scanner.system import collector
from scanner.system.lock import Busy
from scanner.system.log_events import event

if TYPE_CHECKING:
    from scanner.inventory.run import InventoryRun

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_BUSY = 4  # a lock (another run of the configuration, the inventory) was not free within --lock-wait
EXIT_OUTPUT = 5  # the report or the inventory could not be written (scanner.system.outputs)
EXIT_UNREAD = 6  # nothing could be read: every source failed as a whole (refused, unknown host, auth, access)
# a stop signal: 128 + its number (SIGHUP 129, SIGINT 130, SIGTERM 143; scanner.system.interrupt)

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    scan_id: str
    exit_code: int
    summary: dict
    personal_locations: list[dict] = field(default_factory=list)
    not_scanned: list[dict] = field(default_factory=list)  # skipped and error records, for the console
    changes: list[dict] = field(default_factory=list)  # change records, with an inventory
    # units run and the coordinator thread's CPU seconds (submitting, writing report and inventory)
    stats: dict = field(default_factory=dict)
    interrupted: str | None = None  # the signal that stopped the scan part-way (SIGTERM, …)


class _Labelled(Progress):
    """The console's progress with each unit named as the report names it (masked)."""

    def __init__(self, inner: Progress, redactor: Redactor):
        self.inner, self.redactor = inner, redactor

    def source_started(self, source: Source, units: int) -> None:
        self.inner.source_started(source, units)

    def unit_done(self, unit: WorkUnit, label: str | None = None) -> None:
        loc = unit.location
        self.inner.unit_done(unit, ".".join(p for p in (self.redactor.path(loc.container), self.redactor.path(loc.dataset),
                                                        self.redactor.name(loc.field)) if p))

    def source_done(self, source: Source) -> None:
        self.inner.source_done(source)

    def close(self) -> None:
        self.inner.close()


def engine_spec(settings: ScanSettings, engine: Engine) -> tuple:
    """What a worker needs to build the same engine (Job.engine_spec): the detectors, and the
    model by name ("blank": the bundled blank pipeline, wherever it lies there)."""
    return tuple(settings.detectors), "blank" if engine.ner_recognizer is None else engine.model


def fails_on(record: dict, fail_on: set[str]) -> bool:
    """--fail-on-findings: 'any' personal finding, or findings in the named categories/entity types."""
    if record["record"] != "finding" or not fail_on:
        return False
    if "any" in fail_on:
        return record["personal"]
    return record["category"] in fail_on or record["entity_type"] in fail_on


class Tally:
    """What the written records add up to: the summary's counts, the console's lists, the exit code."""

    def __init__(self, fail_on: set[str] = frozenset(), sources: int = 0):
        self.fail_on = fail_on
        self.sources = sources
        self.counts = Counter()
        self.by_category = Counter()
        self.per_source = Counter()  # (source name, record kind)
        self.personal_locations: list[dict] = []
        self.not_scanned: list[dict] = []
        self.failed_sources: list[str] = []
        self.matched_fail = False

    def add(self, record: dict) -> None:
        kind = record["record"]
        if kind == "finding":
            self.counts["findings"] += 1
            self.by_category[record["category"]] += 1
            if suppressed(record):
                self.counts["suppressed"] += 1
            else:
                if record["personal"]:
                    self.personal_locations.append(record)
                self.matched_fail = self.matched_fail or fails_on(record, self.fail_on)
        elif kind == "dataset":
            self.counts["scanned"] += 1
        elif kind == "skipped" and (record["location"] or {}).get("field") is None:  # a dataset, an empty source
            self.counts["skipped"] += 1
            self.not_scanned.append(record)
        elif kind == "error":
            self.counts["failed"] += 1
            self.not_scanned.append(record)
        elif kind == "unchanged":
            self.counts["unchanged"] += 1
        self.per_source[(record["source"]["name"] if "source" in record else None, kind)] += 1

    def source_failed(self, name: str) -> None:
        self.failed_sources.append(name)

    @property
    def nothing_read(self) -> bool:
        """Every source failed as a whole: no source was reached at all."""
        return len(set(self.failed_sources)) >= self.sources > 0

    def of_source(self, name: str) -> dict[str, int]:
        return {kind: self.per_source[(name, kind)] for kind in ("dataset", "unchanged", "skipped", "error", "finding")}

    def exit_code(self, interrupt=None, inventory: InventoryRun | None = None) -> int:
        if interrupt is not None:
            return interrupt.exit_code
        if inventory is not None and inventory.error is not None:  # the report is whole; the inventory is not
            return EXIT_BUSY if isinstance(inventory.error, Busy) else EXIT_OUTPUT
        if self.failed_sources and self.nothing_read:
            return EXIT_UNREAD
        if self.failed_sources or self.counts["failed"]:
            return EXIT_INCOMPLETE
        return EXIT_FINDINGS if self.matched_fail else EXIT_OK

    def summary(self, sources: int, incremental: bool, inventory: bool, interrupted: str | None) -> dict:
        c = self.counts
        return {
            "findings": c["findings"],
            "by_category": dict(sorted(self.by_category.items())),
            "locations": {"scanned": c["scanned"], "skipped": c["skipped"], "failed": c["failed"],
                          **({"unchanged": c["unchanged"]} if incremental else {})},
            "sources": {"total": sources, "failed": len(self.failed_sources)},
            **({"suppressed": c["suppressed"]} if inventory else {}),
            **({"interrupted": interrupted} if interrupted else {}),
        }


class _Incremental(Passover):
    """--incremental against the inventory: a unit whose version is the one recorded at its last
    whole read is passed over, and the report says so."""

    def __init__(self, inventory: InventoryRun | None, redactor: Redactor, scan_id: str):
        self.inventory, self.redactor, self.scan_id = inventory, redactor, scan_id
        self._known: dict[str, dict] = {}

    def _of(self, source: Source) -> dict:
        if source.name not in self._known:
            self._known[source.name] = self.inventory.versions(source.name) if self.inventory is not None else {}
        return self._known[source.name]

    def known(self, source: Source) -> int:
        return len(self._of(source))

    def unchanged(self, source: Source, unit: WorkUnit, version: str | None) -> dict | None:
        known = self._of(source)
        if version is None or not known:
            return None
        loc = self.redactor.location(unit.location.to_dict(source))  # the inventory keeps URIs as reports show them
        last = known.get(loc["uri"])
        if last is None or last["version"] != version:
            return None
        return records.unchanged(self.scan_id, source.describe(), loc, {"scan_id": last["scan_id"], "at": last["at"]},
                                 last["entity_types"])


def _log_record(record: dict) -> None:
    kind, loc = record["record"], record.get("location")
    where = {"source": record["source"]["name"], "location": loc["uri"] if loc else None} if "source" in record else {}
    if kind == "error":
        event(log, logging.WARNING, "location.failed" if loc else "source.failed", **where,
              error=record["error"]["type"], message=record["error"]["message"])
    elif kind == "skipped":
        event(log, logging.DEBUG, "location.skipped", **where, reason=record["reason"])
    elif kind == "unchanged":
        event(log, logging.DEBUG, "dataset.unchanged", **where, last_read=record["last_read"]["scan_id"])
    elif kind == "dataset":
        event(log, logging.DEBUG, "dataset.read", **where, rows=record["rows_sampled"], fields=record["fields"],
              ms=record.get("duration_ms"))


class _Output:
    """Where every record goes: through the redaction gate, into the inventory and the writers,
    and into the tally."""

    def __init__(self, writers: list, redactor: Redactor, tally: Tally, inventory: InventoryRun | None):
        self.writers, self.redactor, self.tally, self.inventory = writers, redactor, tally, inventory

    def write(self, record: dict) -> None:
        record = self.redactor.record(record)  # the one gate: nothing below sees a raw value or name
        if self.inventory is not None:
            self.inventory.write(record)
        for w in self.writers:
            w.write(record)
        self.tally.add(record)
        _log_record(record)

    def batch(self, batch: list[dict]) -> None:
        if self.inventory is not None:
            self.inventory.annotate(batch)  # one dataset's records: every finding at a location together
        for record in batch:
            self.write(record)

    def to_writers(self, record: dict) -> None:
        """After the inventory has settled: changes and the summary go to the report alone."""
        for w in self.writers:
            w.write(record)


def _resolved(sources: list[Source]) -> list[tuple[Source, Exception | None]]:
    """Each source with its crawler's entry-point name, or why none could be found."""
    out = []
    for source in sources:
        try:
            name, _ = crawler_for(source.url, source.crawler or None)
        except Exception as exc:
            out.append((source, exc))
            continue
        out.append((replace(source, crawler=name), None))  # every other field as it was
    return out


@collector.while_scanning
def scan(
    sources: Iterable[Source],
    settings: ScanSettings,
    writers: list,
    engine: Engine | None = None,
    progress: Progress | None = None,
    fail_on: set[str] = frozenset(),
    inventory=None,
    executor: Executor | None = None,
    interrupt=None,
) -> Outcome:
    """Scan `sources`, writing records to `writers`; with an `inventory` (a Store) the records go
    into it too, reviews in it mark the findings, and the report gets the scan's `change` records.
    `executor` runs the units: one the caller has started (the CLI starts it before it opens any
    output, so a cluster it cannot reach leaves no half-written report), or by default one
    detection thread in this process, started here. The scan closes it.
    `interrupt` (scanner.system.interrupt.Interrupt): once it is requested the scan stops reading,
    ends the executor and writes what it has, with a summary marked `interrupted`."""
    sources = list(sources)
    started, t0 = records.now(), time.monotonic()
    scan_id = str(uuid.uuid4())
    engine = engine or Engine(detectors=list(settings.detectors) or None)
    spec = engine_spec(settings, engine)
    if executor is None:
        executor = LocalExecutor(workers=1)
        executor.start(spec, engine)
    fingerprint = Fingerprinter()
    redactor = Redactor(engine, fingerprint.key,
                        secrets=[x for s in sources for x in s.secrets] + list(inventory.secrets if inventory else ()),
                        hosts=[h for s in sources for h in s.hosts])
    progress = _Labelled(progress or Progress(), redactor)
    run = None
    if inventory is not None:
        # SQLAlchemy's ORM and the inventory's models only when there is an inventory (~0.15 s)
        from scanner.inventory.run import InventoryRun

        run = InventoryRun(inventory, [s.name for s in sources])
    tally = Tally(fail_on, len(sources))
    out = _Output(writers, redactor, tally, run)
    resolved = _resolved(sources)
    detectors = engine.describe()
    try:
        out.write(records.header(scan_id, started, {"name": "kartlegg", "version": __version__},
                                 [s.described() for s, _ in resolved], settings.to_dict(), detectors,
                                 inventory=run.describe() if run is not None else None,
                                 executor=executor.describe()))
    except BaseException:  # a report that cannot be written: the inventory's scan is marked failed
        if run is not None:
            run.abort()
        raise
    event(log, logging.INFO, "scan.started", scan_id=scan_id, sources=[s.name for s in sources],
          incremental=settings.incremental, executor=executor.describe(),
          inventory=run.describe()["uri"] if run is not None else None)

    jobs = deque()
    # one OCR budget for the whole scan, whichever process or machine reads the pages
    settings = replace(settings, ocr_deadline=time.time() + settings.ocr_seconds)
    for source, problem in resolved:
        if problem is not None:
            out.write(records.error(scan_id, source.describe(), None, describe_error(problem, source.secrets)))
            tally.source_failed(source.name)
            continue
        jobs.append(Job(scan_id, source, settings.for_source(source), spec[0], spec[1], Secret(fingerprint.key),
                        __version__))

    coordinator = Coordinator(executor, scan_id, detectors, _Incremental(run, redactor, scan_id),
                              stopped=(lambda: interrupt.requested) if interrupt is not None else (lambda: False))
    cpu = time.thread_time()
    whole = False  # every unit ran: the executor may finish in its own time
    try:
        for ev in coordinator.events(jobs):
            if isinstance(ev, Records):
                out.batch(ev.batch)
                if ev.unit is not None:
                    progress.unit_done(ev.unit)
            elif isinstance(ev, SourceStarted):
                progress.source_started(ev.source, ev.units)
            elif isinstance(ev, SourceFinished):
                if ev.failed:
                    tally.source_failed(ev.source.name)
                progress.source_done(ev.source)
                n = tally.of_source(ev.source.name)
                event(log, logging.INFO, "source.finished", source=ev.source.name, scanned=n["dataset"],
                      unchanged=n["unchanged"], skipped=n["skipped"], failed=n["error"], findings=n["finding"],
                      seconds=round(time.monotonic() - ev.started, 3))
        cpu = time.thread_time() - cpu
        whole = not coordinator.interrupted
    except BaseException:  # a writer failing, an exception: what was written stays, the scan is marked failed
        if run is not None:
            run.abort()
        raise
    finally:
        try:
            if coordinator.interrupted:
                event(log, logging.WARNING, "scan.interrupted", scan_id=scan_id, signal=interrupt.name,
                      message="stopped reading; ending the detection processes and writing what was found so far")
            executor.close() if whole else executor.abort()
        finally:
            progress.close()
    stop = interrupt if coordinator.interrupted else None
    interrupted = stop.name if stop is not None else None

    def summary() -> dict:
        return tally.summary(len(sources), settings.incremental, run is not None, interrupted)

    changed: list[dict] = []
    if run is not None:
        if run.error is None:
            changed = run.finish(records.summary(scan_id, records.now(), time.monotonic() - t0, summary(),
                                                 tally.exit_code(stop, run)))
        else:
            run.finish(None)
        if run.error is not None:
            inv = {"name": "inventory", "type": "inventory", "uri": inventory.masked_url}
            out.write(records.error(scan_id, inv, None, describe_error(run.error, inventory.secrets)))
        changed = [redactor.record(c) for c in changed]
        for record in changed:
            out.to_writers(record)
        if run.error is None and run.recorded and not interrupted:
            overdue = [redactor.record(r) for r in run.retention(scan_id)]
            for record in overdue:
                out.to_writers(record)
            if overdue:
                event(log, logging.WARNING, "scan.retention", datasets=len(overdue),
                      over=sum(r["status"] == "over" for r in overdue))
    final = summary()
    # a part-scan is compared with nothing; a scan that read nothing is not in the inventory
    if run is not None and run.error is None and run.recorded and not interrupted:
        final["changes"] = dict(sorted(Counter(c["change"] for c in changed).items()))
    code = tally.exit_code(stop, run)
    out.to_writers(records.summary(scan_id, records.now(), time.monotonic() - t0, final, code))
    event(log, logging.INFO if code in (EXIT_OK, EXIT_FINDINGS) else logging.WARNING, "scan.finished",
          scan_id=scan_id, exit_code=code, findings=final["findings"], locations=final["locations"],
          sources_failed=final["sources"]["failed"], seconds=round(time.monotonic() - t0, 3),
          **({"changes": final["changes"]} if "changes" in final else {}),
          **({"interrupted": interrupted} if interrupted else {}))
    return Outcome(scan_id, code, final, tally.personal_locations, tally.not_scanned, changed,
                   {"units": coordinator.units, "coordinator_cpu_s": round(cpu, 4)}, interrupted=interrupted)
