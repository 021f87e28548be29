"""The scan pipeline: sources → crawlers → samples → column classification → report records.

`examine` turns one sampled unit into records and needs nothing but the sample, an engine and
the settings, so it can run wherever the unit was sampled.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from detectors import categories
from detectors.column import classify_column
from detectors.engine import Engine
from detectors.evidence import Fingerprinter
from reports import records
from scanner import __version__
from scanner.crawlers.base import DatasetSample, Failed, Skip, Skipped, WorkUnit
from scanner.incremental import dataset_version, read_key, settle
from scanner.inventory import suppressed
from scanner.logs import event
from scanner.plugins import crawler_for
from scanner.names import masked_names
from scanner.redact import describe_error
from scanner.settings import ScanSettings
from scanner.sources import Source

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    scan_id: str
    exit_code: int
    summary: dict
    personal_locations: list[dict] = field(default_factory=list)
    not_scanned: list[dict] = field(default_factory=list)  # skipped and error records, for the console
    changes: list[dict] = field(default_factory=list)  # change records, with an inventory


class Progress:
    """What the console shows; the default shows nothing."""

    def source_started(self, source: Source, units: int) -> None: ...
    def unit_done(self, unit: WorkUnit) -> None: ...
    def close(self) -> None: ...


def examine(sample: DatasetSample, source: Source, engine: Engine, settings: ScanSettings,
            fingerprint: Callable[[str, str], str], scan_id: str, duration_ms: int) -> list[dict]:
    found = field_records(sample, source, engine, settings, fingerprint, scan_id)
    return [dataset_record(sample, source, scan_id, duration_ms), *found]


def dataset_record(sample: DatasetSample, source: Source, scan_id: str, duration_ms: int,
                   fields: int | None = None) -> dict:
    unit = sample.unit
    return records.dataset(scan_id, source.describe(), unit.location.to_dict(source), sample.rows_sampled,
                           unit.row_estimate, len(sample.fields) if fields is None else fields, sample.method,
                           duration_ms, sample.columns, sample.details)


def field_records(sample: DatasetSample, source: Source, engine: Engine, settings: ScanSettings,
                  fingerprint: Callable[[str, str], str], scan_id: str, observe=None) -> list[dict]:
    """Skipped fields, problems, and the findings of every field; `observe(uri, verdicts)` sees
    every entity's verdict, reported or not (a full read adds up hits across batches)."""
    unit = sample.unit
    src = source.describe()
    out = []
    masked_names(sample, engine)
    for name, reason in sample.skipped_fields:
        out.append(records.skipped(scan_id, src, unit.location.with_field(name).to_dict(source), reason))
    for p in sample.problems:
        if p.kind == "error":
            out.append(records.error(scan_id, src, p.location.to_dict(source), {"type": "ReadError", "message": p.reason}))
        else:
            out.append(records.skipped(scan_id, src, p.location.to_dict(source), p.reason))
    names = [f.name for f in sample.fields]
    for f in sample.fields:
        if f.skipped_reason is not None:  # a crawler that passed the reader's fields on as they came
            out.append(records.skipped(scan_id, src, unit.location.with_field(f.name).to_dict(source),
                                       f.skipped_reason))
            continue
        result = classify_column(f.name, f.declared_type, f.values, engine,
                                 neighbours=[n for n in names if n != f.name], fingerprint=fingerprint,
                                 free_text=True if f.unstructured else None)
        where = unit.location.with_field(None if f.dataset_level else f.name)
        if observe is not None:
            observe(where.uri(source), result.entities.values())
        for verdict in result.findings(settings.min_confidence):
            out.append(records.finding(scan_id, src, where.to_dict(source), verdict,
                                       f.declared_type, unit.row_estimate,
                                       categories.info(verdict.entity_type).personal))
    return out


class FullRead:
    """--full: the batches of one unit classified one by one, their findings merged per location
    and entity type, so memory holds one batch and the merged findings, never the data."""

    MAX_EXAMPLES = 5

    def __init__(self, max_columns: int = 200):
        self.findings: dict[tuple[str, str], dict] = {}
        self.hits: dict[tuple[str, str], int] = {}  # every batch's hits, also where a batch alone did not report
        self.values: dict[str | None, int] = {}  # values read per reported field, for `sampled`
        self.columns: dict[str, dict] = {}
        self.more_columns = 0
        self.max_columns = max_columns
        self.others: list[dict] = []  # skipped and error records, each once
        self._seen: set[str] = set()
        self.batches = 0

    def observe(self, uri: str, verdicts) -> None:
        for v in verdicts:
            key = (uri, v.entity_type)
            self.hits[key] = self.hits.get(key, 0) + v.hits

    def add(self, sample: DatasetSample, found: list[dict]) -> None:
        self.batches += bool(sample.fields)
        for f in sample.fields:
            key = None if f.dataset_level else f.name
            self.values[key] = self.values.get(key, 0) + len(f.values)
            if f.name in self.columns:
                continue
            if len(self.columns) < self.max_columns:
                self.columns[f.name] = {"name": f.name, "type": f.declared_type or
                                        ("text" if f.unstructured else "string")}
            else:
                self.more_columns += 1
        for r in found:
            if r["record"] != "finding":
                ident = repr((r["record"], r["location"], r.get("reason"), r.get("error")))
                if ident not in self._seen:
                    self._seen.add(ident)
                    self.others.append(r)
                continue
            key = (r["location"]["uri"], r["entity_type"])
            have = self.findings.get(key)
            if have is None:
                self.findings[key] = {**r, "batches": 1}
                continue
            have["batches"] += 1
            have["hits"] += r["hits"]
            have["confidence"] = max(have["confidence"], r["confidence"])
            have["synthetic"] = have.get("synthetic", 0) + r.get("synthetic", 0)
            for example, fp in zip(r["examples"], r.get("fingerprints") or [None] * len(r["examples"])):
                if len(have["examples"]) < self.MAX_EXAMPLES and fp not in (have.get("fingerprints") or []):
                    have["examples"].append(example)
                    if fp is not None:
                        have.setdefault("fingerprints", []).append(fp)

    def records(self, complete: bool) -> list[dict]:
        """`complete`: the crawler read everything in batches (not a sample passed off as one)."""
        out = list(self.others)
        for key, r in self.findings.items():
            batches = r.pop("batches")
            if not complete:
                out.append(r)
                continue
            r["hits"] = max(self.hits.get(key, r["hits"]), r["hits"])
            r["sampled"] = max(self.values.get(r["location"]["field"], r["sampled"]), r["hits"])
            r["ratio"] = round(r["hits"] / r["sampled"], 4) if r["sampled"] else 0.0
            r["reasons"] = [f"full read: {r['hits']} of {r['sampled']} values, reported from {batches} of "
                            f"{self.batches} batch(es)", *r["reasons"][1:]]
            out.append(r)
        return out


def full_read(crawler, unit: WorkUnit, source: Source, engine: Engine, settings: ScanSettings,
              fingerprint, scan_id: str) -> list[dict]:
    """Every batch of one unit, merged; the unit's failure is one error or skipped record."""
    src = source.describe()
    t = time.monotonic()
    merge = FullRead()
    last = None
    try:
        for batch in crawler.sample_batches(unit):
            merge.add(batch, field_records(batch, source, engine, settings, fingerprint, scan_id, merge.observe))
            last = batch
    except Skipped as exc:
        return [records.skipped(scan_id, src, unit.location.to_dict(source), exc.reason)]
    except Exception as exc:
        return [records.error(scan_id, src, unit.location.to_dict(source), describe_error(exc, source.secrets))]
    if not last.columns:
        last.columns = list(merge.columns.values())
    if merge.more_columns:
        last.details.setdefault("notes", []).append(
            f"{merge.more_columns} more fields than the {merge.max_columns} listed in columns")
    head = dataset_record(last, source, scan_id, int((time.monotonic() - t) * 1000),
                          fields=len(merge.columns) + merge.more_columns)
    return [head, *merge.records(last.complete)]


def bounded_map(pool, fn, items, ahead: int):
    """pool.map in order, but at most `ahead` results waiting: samples are large."""
    pending = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


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
               emit, progress) -> bool:
    """--incremental: a unit whose version is the one recorded at its last whole read is passed
    over, and the report says so."""
    loc = unit.location.to_dict(source)
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
) -> Outcome:
    """Scan `sources`, writing records to `writers`; with an `inventory` (a Store) the records go
    into it too, reviews in it mark the findings, and the report gets the scan's `change` records."""
    sources = list(sources)
    progress = progress or Progress()
    started, t0 = records.now(), time.monotonic()
    scan_id = str(uuid.uuid4())
    engine = engine or Engine(detectors=list(settings.detectors) or None)
    fingerprint = Fingerprinter()
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
            resolved.append((source, None, exc))
            continue
        resolved.append((Source(source.url, source.name, name, source.options), cls, None))

    detectors = engine.describe()
    emit(records.header(scan_id, started, {"name": "kartlegg", "version": __version__},
                        [described_source(s) for s, _, _ in resolved], settings.to_dict(), detectors,
                        inventory=run.describe() if run is not None else None))
    event(log, logging.INFO, "scan.started", scan_id=scan_id, sources=[s.name for s in sources],
          incremental=settings.incremental, inventory=run.describe()["uri"] if run is not None else None)

    try:
        for source, cls, problem in resolved:
            src = source.describe()
            if problem is not None:
                emit(records.error(scan_id, src, None, describe_error(problem, source.secrets)))
                failed_sources.append(source.name)
                continue
            own = settings.for_source(source)
            source_t0 = time.monotonic()
            with cls(source, own) as crawler:
                try:
                    found = list(crawler.discover())
                except Exception as exc:
                    emit(records.error(scan_id, src, None, describe_error(exc, source.secrets)))
                    failed_sources.append(source.name)
                    continue
                units = [u for u in found if isinstance(u, WorkUnit)]
                key = read_key(own, source, detectors)
                versions = {id(u): dataset_version(u.version, key) for u in units}
                known = run.versions(source.name) if run is not None and own.incremental else {}
                event(log, logging.INFO, "source.started", source=source.name, type=source.crawler,
                      uri=source.masked_url, datasets=len(units), known=len(known))
                for skip in (u for u in found if isinstance(u, Skip)):
                    emit(records.skipped(scan_id, src, skip.location.to_dict(source), skip.reason))
                for failed in (u for u in found if isinstance(u, Failed)):
                    emit(records.error(scan_id, src, failed.location.to_dict(source),
                                       describe_error(failed.error, source.secrets)))
                progress.source_started(source, len(units))
                if known:
                    units = [u for u in units if not _unchanged(u, versions[id(u)], known, source, src, scan_id,
                                                                 emit, progress)]

                def sample(unit: WorkUnit):
                    t = time.monotonic()
                    try:
                        return unit, crawler.sample(unit), None, int((time.monotonic() - t) * 1000)
                    except Exception as exc:
                        return unit, None, exc, int((time.monotonic() - t) * 1000)

                if own.full:
                    for unit in units:
                        batch = full_read(crawler, unit, source, engine, own, fingerprint, scan_id)
                        settle(batch, versions[id(unit)])
                        emit_all(batch)
                        progress.unit_done(unit)
                    _source_done(source, per_source, source_t0)
                    continue

                # Sampling waits on the scanned system, so up to `connections` units are read at once;
                # detection stays in this thread.
                with ThreadPoolExecutor(max_workers=crawler.connections) as pool:
                    for unit, result, exc, ms in bounded_map(pool, sample, units, 2 * crawler.connections):
                        if isinstance(exc, Skipped):
                            emit(records.skipped(scan_id, src, unit.location.to_dict(source), exc.reason))
                        elif exc is not None:
                            emit(records.error(scan_id, src, unit.location.to_dict(source),
                                               describe_error(exc, source.secrets)))
                        else:
                            try:
                                batch = examine(result, source, engine, own, fingerprint, scan_id, ms)
                            except Exception as exc:  # a detector bug loses one table, not the scan
                                batch = [records.error(scan_id, src, unit.location.to_dict(source),
                                                       describe_error(exc, source.secrets))]
                            settle(batch, versions[id(unit)])
                            emit_all(batch)
                        progress.unit_done(unit)
                _source_done(source, per_source, source_t0)
    except BaseException:  # Ctrl-C, a writer failing: what was written stays, the scan is marked failed
        if run is not None:
            run.abort()
        raise
    finally:
        progress.close()

    def exit_code() -> int:
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
        for record in changed:
            for w in writers:
                w.write(record)
    final = summary()
    if run is not None and run.error is None:
        final["changes"] = dict(sorted(Counter(c["change"] for c in changed).items()))
    code = exit_code()
    for w in writers:
        w.write(records.summary(scan_id, records.now(), time.monotonic() - t0, final, code))
    event(log, logging.INFO if code in (EXIT_OK, EXIT_FINDINGS) else logging.WARNING, "scan.finished",
          scan_id=scan_id, exit_code=code, findings=final["findings"], locations=final["locations"],
          sources_failed=final["sources"]["failed"], seconds=round(time.monotonic() - t0, 3),
          **({"changes": final["changes"]} if "changes" in final else {}))
    return Outcome(scan_id, code, final, personal_locations, not_scanned, changed)
