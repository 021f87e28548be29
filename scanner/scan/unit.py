"""What a worker does with one unit of work, in whatever process or machine it runs: the scan's
description (a `Job`) travels with the unit, and the worker keeps one detection engine and one
crawler per source for as long as it is needed.

Everything here is picklable and has a `repr` without credentials: Dask logs the arguments of a
task that fails, and a debugger or traceback shows them too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import nullcontext

from scanner.model import records
from scanner.model.jobs import Job, RemoteError, described
from scanner.model.units import DatasetSample, Failed, Skipped, WorkUnit
from scanner.scan.findings import FullRead, dataset_record
from scanner.scan.findings import examine as examine_sample
from scanner.scan.findings import field_records as records_of

# -- what one process keeps ------------------------------------------------------------------------
_engines: dict[tuple, object] = {}
_crawlers: dict[tuple[str, str], object] = {}
_fingerprinters: dict[bytes, object] = {}
_built = threading.Lock()
_detecting = threading.Lock()  # one engine per process, used by one thread at a time
FORGET_WAIT = 30.0  # seconds a scan's end waits for a detection in progress before letting go of the memory


def engine_for(spec: tuple, engine=None):
    """The process's engine for `spec`, built once (or `engine`, the coordinator's own)."""
    with _built:
        if spec not in _engines:
            if engine is None:
                from detectors.engine import Engine

                detectors, model = spec
                engine = Engine(detectors=list(detectors) or None, model=None if model == "blank" else model)
            _engines[spec] = engine
        return _engines[spec]


def warm_in_background(spec: tuple) -> threading.Thread:
    """The coordinator's engine warmed (patterns compiled, tokenizer built, an NER model loaded) in
    a thread while the scan lists its sources and samples its first units. The thread holds
    `_detecting` from before this returns until it is done, so the first detection waits for it
    rather than compiling the same patterns beside it."""
    engine = engine_for(spec)
    holding = threading.Event()

    def warm() -> None:
        with _detecting:
            holding.set()
            try:
                engine.warm()
            except Exception:  # noqa: BLE001 - the first detection meets it again, and records it
                pass

    thread = threading.Thread(target=warm, name="kartlegg-warm", daemon=True)
    thread.start()
    holding.wait()
    return thread


def fingerprinter(job: Job) -> Callable[[str, str], str]:
    """The process's fingerprinter for the scan's key: one, so that what it remembers (a log's
    client addresses, batch after batch) serves the next batch."""
    from detectors.evidence import Fingerprinter

    with _built:
        found = _fingerprinters.get(job.key.value)
        if found is None:
            found = _fingerprinters[job.key.value] = Fingerprinter(job.key.value)
        return found


def open_crawler(job: Job):
    """The process's crawler for the job's source in this scan (its connections are reused)."""
    from scanner.model.plugins import CRAWLERS, load

    ident = (job.scan_id, job.source.name)
    with _built:
        crawler = _crawlers.get(ident)
        if crawler is None:
            crawler = _crawlers[ident] = load(job.source.crawler, CRAWLERS)(job.source, job.settings)
        return crawler


def release(scan_id: str, source_name: str | None = None) -> int:
    """Close the crawlers (connections, clients) this process holds for a scan or one of its
    sources; returns how many. At a scan's end, the values this process's engines and
    fingerprinters remembered are let go (another scan's on a shared Dask worker too: they are
    found again)."""
    with _built:
        idents = [i for i in _crawlers if i[0] == scan_id and source_name in (None, i[1])]
        crawlers = [_crawlers.pop(i) for i in idents]
        for ident in [i for i in _redactors if i[0] == scan_id and source_name in (None, i[1])]:
            del _redactors[ident]
        engines = []
        if source_name is None:  # the scan is over: what was remembered for it is its data
            engines = list(_engines.values())
            _fingerprinters.clear()
    if engines:
        # after a detection still running here (a Dask task a cancel does not stop), so that it
        # does not fill the memory again; not for ever: a memory left is no leak of the report's
        held = _detecting.acquire(timeout=FORGET_WAIT)
        try:
            for engine in engines:
                engine.forget()
        finally:
            if held:
                _detecting.release()
    for crawler in crawlers:
        try:
            crawler.close()
        except Exception:
            pass
    return len(crawlers)


def describe_engine(spec: tuple) -> dict:
    """What the engine this process would use reports of itself (checked equal to the coordinator's)."""
    from scanner import __version__

    return {"kartlegg": __version__, "detectors": engine_for(spec).describe()}


# -- the steps ---------------------------------------------------------------------------------------
def same_version(job: Job) -> None:
    from scanner import __version__

    if job.version and job.version != __version__:
        raise RemoteError("VersionMismatch", f"this worker runs kartlegg {__version__}, the scan {job.version}")


def discovered(job: Job) -> list:
    """Discovery of the job's source: units, skips and failures, with failures made picklable."""
    same_version(job)
    crawler = open_crawler(job)
    out = []
    for found in crawler.discover():
        if isinstance(found, Failed):
            err = described(found.error, job.source.secrets)
            found = Failed(found.location, RemoteError(err["type"], err["message"]))
        out.append(found)
    return out


def read(job: Job, unit: WorkUnit) -> tuple[DatasetSample | None, list[dict] | None, int]:
    """(sample, None, ms) or (None, the records saying why not, ms)."""
    crawler = open_crawler(job)
    t = time.monotonic()
    try:
        sample = crawler.sample(unit)
    except Skipped as exc:
        return None, [records.skipped(job.scan_id, job.source.describe(), unit.location.to_dict(job.source),
                                      exc.reason)], _ms(t)
    except Exception as exc:
        return None, [failed(job, unit, exc)], _ms(t)
    return sample, None, _ms(t)


def examine(job: Job, sample: DatasetSample, duration_ms: int) -> list[dict]:
    """The records of one sampled unit: its dataset record, then skips, problems and findings."""
    engine = engine_for(job.engine_spec)
    try:
        fingerprint = fingerprinter(job)  # before the detection lock: it takes `_built`
        with _detecting:
            return examine_sample(sample, job.source, engine, job.settings, fingerprint, job.scan_id, duration_ms)
    except Exception as exc:  # a detector bug loses one table, not the scan
        return [failed(job, sample.unit, exc)]


def field_records(job: Job, sample: DatasetSample) -> tuple[list[dict], list[tuple[str, str, int]]]:
    """One batch of a full read: its records, and every entity's hits (uri, entity, hits)."""
    seen: list[tuple[str, str, int]] = []
    engine, fingerprint = engine_for(job.engine_spec), fingerprinter(job)  # before the detection lock
    with _detecting:
        found = records_of(sample, job.source, engine, job.settings, fingerprint, job.scan_id, seen)
    return found, seen


def full_read(job: Job, unit: WorkUnit, detect=None) -> list[dict]:
    """--full: every batch of one unit, merged. `detect(sample)` classifies one batch, here or
    in a pool; by default in this process."""
    crawler = open_crawler(job)
    detect = detect or (lambda batch: field_records(job, batch))
    t = time.monotonic()
    merge = FullRead()
    last = None
    try:
        for batch in crawler.sample_batches(unit):
            found, seen = detect(batch)
            merge.observe(seen)
            merge.add(batch, found)
            last = batch
    except Skipped as exc:
        return [records.skipped(job.scan_id, job.source.describe(), unit.location.to_dict(job.source), exc.reason)]
    except Exception as exc:
        return [failed(job, unit, exc)]
    if not last.columns:
        last.columns = list(merge.columns.values())
    if merge.more_columns:
        last.details.setdefault("notes", []).append(
            f"{merge.more_columns} more fields than the {merge.max_columns} listed in columns")
    head = dataset_record(last, job.source, job.scan_id, _ms(t), fields=len(merge.columns) + merge.more_columns)
    return [head, *merge.records(last.complete)]


def run_unit(job: Job, unit: WorkUnit, gate=None) -> list[dict]:
    """One unit from start to end in this process (a Dask task): read it, holding `gate` (the
    source's connection limit across the cluster) only while reading, then examine it. The
    records leave redacted, so no raw name or quoted value crosses the network."""
    try:
        same_version(job)
    except RemoteError as exc:
        return redacted(job, [failed(job, unit, exc)])
    if job.settings.full:
        with gate if gate is not None else nullcontext():
            return redacted(job, full_read(job, unit))
    with gate if gate is not None else nullcontext():
        sample, why_not, ms = read(job, unit)
    return redacted(job, why_not if why_not is not None else examine(job, sample, ms))


_redactors: dict[tuple, object] = {}


def redacted(job: Job, batch: list[dict]) -> list[dict]:
    """The records as the coordinator's redactor would make them (same engine, key and secrets:
    masking is deterministic, and masking again changes nothing)."""
    from scanner.model.redact import Redactor

    ident = (job.scan_id, job.source.name)
    engine = engine_for(job.engine_spec)  # before taking _built, which engine_for takes too
    with _built:
        redactor = _redactors.get(ident)
        if redactor is None:
            redactor = _redactors[ident] = Redactor(engine, job.key.value, secrets=job.source.secrets,
                                                     hosts=job.source.hosts)
    with _detecting:
        return [redactor.record(r) for r in batch]


def failed(job: Job, unit: WorkUnit, exc: BaseException) -> dict:
    return records.error(job.scan_id, job.source.describe(), unit.location.to_dict(job.source),
                         described(exc, job.source.secrets))


def _ms(t: float) -> int:
    return int((time.monotonic() - t) * 1000)
