"""The scan pipeline: sources → crawlers → samples → column classification → report records.

`scan` writes the header, hands the sources to the coordinator (which has an executor read and
examine their units, scanner.examine doing the examining) and writes every record it gets back,
to the report writers and the inventory, then the changes and the summary.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from detectors.engine import Engine
from detectors.evidence import Fingerprinter
from scanner import __version__
from scanner.inventory import suppressed
from scanner.model import records
from scanner.model.jobs import Job, Secret
from scanner.model.plugins import crawler_for
from scanner.model.progress import Progress
from scanner.model.redact import Redactor, describe_error
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import WorkUnit
from scanner.scan.coordinator import Coordinator
from scanner.scan.executors.local import LocalExecutor
from scanner.system.lock import Busy
from scanner.system.log_events import event

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_BUSY = 4  # a lock (another run of the configuration, the inventory) was not free within --lock-wait
EXIT_OUTPUT = 5  # the report or the inventory could not be written (scanner.outputs)
# a stop signal: 128 + its number (SIGHUP 129, SIGINT 130, SIGTERM 143; scanner.interrupt)

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


def described_source(source: Source) -> dict:
    """A source in the report header: with its own settings, where a configuration gave some."""
    own = {k: v for k, v in source.options.items() if k in ("sample_size", "settings")}
    if "settings" in own:
        own = {**{k: v for k, v in own.items() if k != "settings"},
               **{k: list(v) if isinstance(v, tuple) else v for k, v in own["settings"].items()}}
    return {**source.describe(), **({"settings": own} if own else {})}


def _unchanged(unit: WorkUnit, version: str | None, known: dict, source: Source, src: dict, scan_id: str,
               emit, progress, redactor: Redactor) -> bool:
    """--incremental: a unit whose version is the one recorded at its last whole read is passed
    over, and the report says so."""
    loc = redactor.location(unit.location.to_dict(source))  # the inventory keeps URIs as reports show them
    last = known.get(loc["uri"])
    if version is None or last is None or last["version"] != version:
        return False
    emit(records.unchanged(scan_id, src, loc, {"scan_id": last["scan_id"], "at": last["at"]}, last["entity_types"]))
    progress.unit_done(unit)
    return True


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


def _source_done(source: Source, per_source: Counter, t0: float) -> None:
    n = {kind: per_source[(source.name, kind)] for kind in ("dataset", "unchanged", "skipped", "error", "finding")}
    event(log, logging.INFO, "source.finished", source=source.name, scanned=n["dataset"], unchanged=n["unchanged"],
          skipped=n["skipped"], failed=n["error"], findings=n["finding"], seconds=round(time.monotonic() - t0, 3))


def scan(
    sources: Iterable[Source],
    settings: ScanSettings,
    writers: list,
    engine: Engine | None = None,
    progress: Progress | None = None,
    fail_on: set[str] = frozenset(),
    inventory=None,
    executor=None,
    interrupt=None,
) -> Outcome:
    """Scan `sources`, writing records to `writers`; with an `inventory` (a Store) the records go
    into it too, reviews in it mark the findings, and the report gets the scan's `change` records.
    `executor` runs the units (default: this process, one detection thread); the scan closes it.
    `interrupt` (scanner.interrupt.Interrupt): once it is requested the scan stops reading, ends
    the executor and writes what it has, with a summary marked `interrupted`."""
    sources = list(sources)
    progress = progress or Progress()
    started, t0 = records.now(), time.monotonic()
    scan_id = str(uuid.uuid4())
    engine = engine or Engine(detectors=list(settings.detectors) or None)
    fingerprint = Fingerprinter()
    redactor = Redactor(engine, fingerprint.key,
                        secrets=[x for s in sources for x in s.secrets] + list(inventory.secrets if inventory else ()),
                        hosts=[h for s in sources for h in s.hosts])
    progress = _Labelled(progress, redactor)
    counts = Counter()
    by_category = Counter()
    personal_locations: list[dict] = []
    not_scanned: list[dict] = []
    failed_sources: list[str] = []
    matched_fail = False
    per_source = Counter()  # (source name, record kind)
    run = None
    if inventory is not None:
        from scanner.inventory.run import InventoryRun

        run = InventoryRun(inventory, [s.name for s in sources])

    def emit(record: dict) -> None:
        nonlocal matched_fail
        record = redactor.record(record)  # the one gate: nothing below sees a raw value or name
        if run is not None:
            run.write(record)
        for w in writers:
            w.write(record)
        kind = record["record"]
        if kind == "finding":
            counts["findings"] += 1
            by_category[record["category"]] += 1
            if suppressed(record):
                counts["suppressed"] += 1
            else:
                if record["personal"]:
                    personal_locations.append(record)
                matched_fail = matched_fail or fails_on(record, fail_on)
        elif kind == "dataset":
            counts["scanned"] += 1
        elif kind == "skipped" and record["location"] and record["location"].get("field") is None:
            counts["skipped"] += 1
            not_scanned.append(record)
        elif kind == "error":
            counts["failed"] += 1
            not_scanned.append(record)
        elif kind == "unchanged":
            counts["unchanged"] += 1
        per_source[(record["source"]["name"] if "source" in record else None, kind)] += 1
        _log_record(record)

    def emit_all(batch: list[dict]) -> None:
        if run is not None:
            run.annotate(batch)  # one dataset's records: every finding at a location together
        for record in batch:
            emit(record)

    resolved = []
    for source in sources:
        try:
            name, cls = crawler_for(source.url, source.crawler or None)
        except Exception as exc:
            resolved.append((source, exc))
            continue
        resolved.append((Source(source.url, source.name, name, source.options), None))

    detectors = engine.describe()
    spec = engine_spec(settings, engine)
    executor = executor or LocalExecutor(workers=1)
    try:
        emit(records.header(scan_id, started, {"name": "kartlegg", "version": __version__},
                            [described_source(s) for s, _ in resolved], settings.to_dict(), detectors,
                            inventory=run.describe() if run is not None else None, executor=executor.describe()))
    except BaseException:  # a report that cannot be written: the inventory's scan is marked failed
        if run is not None:
            run.abort()
        raise
    event(log, logging.INFO, "scan.started", scan_id=scan_id, sources=[s.name for s in sources],
          incremental=settings.incremental, executor=executor.describe(),
          inventory=run.describe()["uri"] if run is not None else None)

    jobs = deque()
    for source, problem in resolved:
        if problem is not None:
            emit(records.error(scan_id, source.describe(), None, describe_error(problem, source.secrets)))
            failed_sources.append(source.name)
            continue
        jobs.append(Job(scan_id, source, settings.for_source(source), spec[0], spec[1], Secret(fingerprint.key),
                        __version__))

    def unchanged(unit, version, known, source) -> bool:
        return _unchanged(unit, version, known, source, source.describe(), scan_id, emit, progress, redactor)

    def source_done(source, source_t0) -> None:
        progress.source_done(source)
        _source_done(source, per_source, source_t0)

    coordinator = Coordinator(executor, scan_id, detectors, emit, emit_all, progress, unchanged, source_done,
                              known=run.versions if run is not None else (lambda name: {}),
                              failed_sources=failed_sources,
                              stopped=(lambda: interrupt.requested) if interrupt is not None else (lambda: False))
    cpu = time.thread_time()
    whole = False  # every unit ran: the executor may finish in its own time
    try:
        executor.start(spec, engine)
        coordinator.run(jobs)
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
    interrupted = interrupt.name if coordinator.interrupted else None

    def exit_code() -> int:
        if interrupted:
            return interrupt.exit_code
        if run is not None and run.error is not None:  # the report is whole; the inventory is not
            return EXIT_BUSY if isinstance(run.error, Busy) else EXIT_OUTPUT
        if failed_sources or counts["failed"]:
            return EXIT_INCOMPLETE
        return EXIT_FINDINGS if matched_fail else EXIT_OK

    def summary() -> dict:
        return {
            "findings": counts["findings"],
            "by_category": dict(sorted(by_category.items())),
            "locations": {"scanned": counts["scanned"], "skipped": counts["skipped"], "failed": counts["failed"],
                          **({"unchanged": counts["unchanged"]} if settings.incremental else {})},
            "sources": {"total": len(sources), "failed": len(failed_sources)},
            **({"suppressed": counts["suppressed"]} if run is not None else {}),
            **({"interrupted": interrupted} if interrupted else {}),
        }

    changed: list[dict] = []
    if run is not None:
        if run.error is None:
            changed = run.finish(records.summary(scan_id, records.now(), time.monotonic() - t0, summary(),
                                                 exit_code()))
        else:
            run.finish(None)
        if run.error is not None:
            inv = {"name": "inventory", "type": "inventory", "uri": inventory.masked_url}
            emit(records.error(scan_id, inv, None, describe_error(run.error, inventory.secrets)))
        changed = [redactor.record(c) for c in changed]
        for record in changed:
            for w in writers:
                w.write(record)
    final = summary()
    if run is not None and run.error is None and not interrupted:  # a part-scan is compared with nothing
        final["changes"] = dict(sorted(Counter(c["change"] for c in changed).items()))
    code = exit_code()
    for w in writers:
        w.write(records.summary(scan_id, records.now(), time.monotonic() - t0, final, code))
    event(log, logging.INFO if code in (EXIT_OK, EXIT_FINDINGS) else logging.WARNING, "scan.finished",
          scan_id=scan_id, exit_code=code, findings=final["findings"], locations=final["locations"],
          sources_failed=final["sources"]["failed"], seconds=round(time.monotonic() - t0, 3),
          **({"changes": final["changes"]} if "changes" in final else {}),
          **({"interrupted": interrupted} if interrupted else {}))
    return Outcome(scan_id, code, final, personal_locations, not_scanned, changed,
                   {"units": coordinator.units, "coordinator_cpu_s": round(cpu, 4)}, interrupted=interrupted)
