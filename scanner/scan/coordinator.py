"""The coordinator: one loop that hands a scan's units to an executor and takes their records
back as they are ready, in whatever order, as a stream of events for the run to write.

Several sources are open at once (discovery of one overlaps reading of another), a source never
has more units *reading* than the executor allows it (its connection limit, locally) — a unit
that has been read gives its connection back while it is examined, so the next table of a
database is read while the last one is judged — and the units that have been read but not yet
examined are bounded by the executor's capacity: memory holds a few samples and no findings,
whatever the size of the estate.

Each time round the loop tells the executor how many units of the open sources are not done yet
(`Executor.backlog`): the local executor starts its detection processes from that, in this thread
(the scan's main thread), once one detection thread falls behind.

The coordinator writes nothing and calls nothing of the run: `events()` yields what happened
(records of a unit or a source, a source started or finished), and the run decides what to do
with it. The only thing it asks is whether a unit may be passed over (`Passover`, --incremental).

A stop asked for (`stopped()`: a signal) ends the loop within `STOP_POLL` seconds: the records
of units already examined are yielded, nothing more is submitted, and `interrupted` says so.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from scanner.model import records
from scanner.model.jobs import Job, described
from scanner.model.protocols import Executor, Handle
from scanner.model.sources import Source
from scanner.model.units import Failed, Skip, WorkUnit
from scanner.scan.incremental import dataset_version, read_key, settle
from scanner.system.log_events import event

log = logging.getLogger("scanner.scan.run")
STOP_POLL = 0.25  # seconds between looks at `stopped` while every unit is still running


# -- what the loop yields -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Records:
    """Records to write: one unit's (`unit` set: the unit is done) or a source's own."""

    source: Source
    batch: list[dict]
    unit: WorkUnit | None = None


@dataclass(frozen=True)
class SourceStarted:
    source: Source
    units: int  # to read (after --incremental passed some over)


@dataclass(frozen=True)
class SourceFinished:
    source: Source
    started: float  # time.monotonic() at its opening
    failed: bool  # its discovery failed: nothing of it was read


Event = Records | SourceStarted | SourceFinished


def empty_reason(job: Job) -> str:
    """Why a source whose crawler found nothing at all is skipped whole, in its crawler's words."""
    from scanner.model import plugins

    reason = plugins.load(job.source.crawler, plugins.CRAWLERS).EMPTY
    if job.settings.include or job.settings.exclude:
        return reason.split(":", 1)[0] + ": nothing matched --include/--exclude"
    return reason


class Passover:
    """--incremental: whether a unit may be passed over, as an `unchanged` record (None: read it)."""

    def unchanged(self, source: Source, unit: WorkUnit, version: str | None) -> dict | None:
        return None

    def known(self, source: Source) -> int:
        """How many of the source's datasets the inventory knows (for the log)."""
        return 0


@dataclass(eq=False)
class SourceRun:
    job: Job
    limit: int = 1  # units of this source submitted at once
    started: float = field(default_factory=time.monotonic)
    queue: deque = field(default_factory=deque)
    versions: dict = field(default_factory=dict)  # id(unit) → dataset version
    discovered: bool = False
    failed: bool = False
    holding: set = field(default_factory=set)  # id() of submitted handles still holding a connection
    open: int = 0  # submitted units whose records are not yet written

    @property
    def reading(self) -> int:
        return len(self.holding)

    @property
    def finished(self) -> bool:
        return self.discovered and not self.queue and not self.open


class Coordinator:
    def __init__(self, executor: Executor, scan_id: str, describe_detectors: dict, passover: Passover | None = None,
                 stopped: Callable[[], bool] = lambda: False):
        self.executor = executor
        self.scan_id = scan_id
        self.detectors = describe_detectors
        self.passover = passover or Passover()
        self.stopped = stopped
        self.interrupted = False  # the loop ended on `stopped` with units left
        self.pending: dict[Future, tuple[str, SourceRun, Handle | None]] = {}
        self.active: list[SourceRun] = []
        self.units = 0  # submitted
        self._turn = 0

    def events(self, jobs: deque[Job]) -> Iterator[Event]:
        max_active = max(4, self.executor.capacity // 2)
        while jobs or self.active:
            if self.stopped():
                yield from self._stop()
                return
            while jobs and len(self.active) < max_active:
                self._open(jobs.popleft())
            self._submit()
            self.executor.backlog(sum(len(r.queue) + r.open for r in self.active))
            if not self.pending:  # every open source finished without a future (nothing to read)
                yield from self._close_finished()
                continue
            done, _ = wait(list(self.pending), timeout=STOP_POLL, return_when=FIRST_COMPLETED)
            for future in done:
                kind, run, handle = self.pending.pop(future)
                if kind == "discovery":
                    yield from self._discovered(run, future)
                elif kind == "read":
                    run.holding.discard(id(handle))
                else:
                    yield from self._records(run, handle, future)
            yield from self._close_finished()

    def _stop(self) -> Iterator[Event]:
        """Yield what is ready (units examined but not yet written), and no more."""
        self.interrupted = True
        for future, (kind, run, handle) in list(self.pending.items()):
            if kind == "records" and future.done() and not future.cancelled() and future.exception() is None:
                del self.pending[future]
                run.open -= 1
                run.holding.discard(id(handle))
                batch = future.result()
                settle(batch, run.versions.get(id(handle.unit)))
                yield Records(run.job.source, batch)

    # -- sources ----------------------------------------------------------------------------------
    def _open(self, job: Job) -> None:
        run = SourceRun(job)
        self.active.append(run)
        self.pending[self.executor.discover(job)] = ("discovery", run, None)

    def _discovered(self, run: SourceRun, future: Future) -> Iterator[Event]:
        job, source = run.job, run.job.source
        run.discovered = True
        src = source.describe()
        try:
            found = future.result()
        except Exception as exc:
            run.failed = True
            yield Records(source, [records.error(self.scan_id, src, None, described(exc, source.secrets))])
            return
        if not found:  # reached, and nothing in it: said, not a silent scan of nothing
            yield SourceStarted(source, 0)
            yield Records(source, [records.skipped(self.scan_id, src, None, empty_reason(job))])
            return
        units = [u for u in found if isinstance(u, WorkUnit)]
        key = read_key(job.settings, source, self.detectors)
        run.versions = {id(u): dataset_version(u.version, key) for u in units}
        own = [records.skipped(self.scan_id, src, s.location.to_dict(source), s.reason)
               for s in found if isinstance(s, Skip)]
        own += [records.error(self.scan_id, src, f.location.to_dict(source), described(f.error, source.secrets))
                for f in found if isinstance(f, Failed)]
        passed = []
        if job.settings.incremental:
            for unit in units:
                record = self.passover.unchanged(source, unit, run.versions[id(unit)])
                if record is not None:
                    passed.append((unit, record))
            units = [u for u in units if not any(u is p for p, _ in passed)]
        event(log, logging.INFO, "source.started", source=source.name, type=source.crawler, uri=source.masked_url,
              datasets=len(units) + len(passed),
              known=self.passover.known(source) if job.settings.incremental else 0)
        yield SourceStarted(source, len(units) + len(passed))
        if own:
            yield Records(source, own)
        for unit, record in passed:
            yield Records(source, [record], unit)
        run.queue.extend(units)
        run.limit = self.executor.limit(job)

    def _close_finished(self) -> Iterator[Event]:
        for run in [r for r in self.active if r.finished]:
            self.active.remove(run)
            self.executor.release(run.job)
            yield SourceFinished(run.job.source, run.started, run.failed)

    # -- units -------------------------------------------------------------------------------------
    def _submit(self) -> None:
        """Units from the open sources in turn, while the executor has room."""
        capacity = self.executor.capacity
        while True:
            waiting = sum(r.open - r.reading for r in self.active)  # read, not yet examined
            ready = [r for r in self.active if r.queue and r.reading < r.limit]
            if not ready or waiting >= capacity:
                return
            self._turn = (self._turn + 1) % len(ready)
            run = ready[self._turn]
            unit = run.queue.popleft()
            handle = self.executor.submit(run.job, unit)
            self.units += 1
            run.open += 1
            self.pending[handle.records] = ("records", run, handle)
            run.holding.add(id(handle))  # until its read is done, or its records when they are one future
            if handle.read is not handle.records:
                self.pending[handle.read] = ("read", run, handle)

    def _records(self, run: SourceRun, handle: Handle, future: Future) -> Iterator[Event]:
        try:
            batch = future.result()
        except Exception as exc:
            if self.executor.retry(handle, exc):
                self.pending[handle.records] = ("records", run, handle)
                return
            batch = [records.error(self.scan_id, run.job.source.describe(),
                                   handle.unit.location.to_dict(run.job.source),
                                   described(exc, run.job.source.secrets))]
        run.open -= 1
        run.holding.discard(id(handle))
        settle(batch, run.versions.get(id(handle.unit)))
        yield Records(run.job.source, batch, handle.unit)
