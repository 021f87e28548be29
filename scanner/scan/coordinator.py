"""The coordinator: one loop that hands a scan's units to an executor and takes their records
back as they are ready, in whatever order, to the one place that writes them.

Several sources are open at once (discovery of one overlaps reading of another), a source never
has more units submitted than the executor allows it (its connection limit, locally), and the
units that have been read but not yet examined are bounded by the executor's capacity: memory
holds a few samples and no findings, whatever the size of the estate.

A stop asked for (`stopped()`: a signal) ends the loop within `STOP_POLL` seconds: the records
of units already examined are written, nothing more is submitted, and `interrupted` says so.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from scanner.model import records
from scanner.model.jobs import Job, described
from scanner.model.protocols import Executor, Handle
from scanner.model.units import Failed, Skip, WorkUnit
from scanner.scan.incremental import dataset_version, read_key, settle
from scanner.system.log_events import event

log = logging.getLogger("scanner.scan.run")
STOP_POLL = 0.25  # seconds between looks at `stopped` while every unit is still running


@dataclass(eq=False)
class SourceRun:
    job: Job
    limit: int = 1  # units of this source submitted at once
    started: float = field(default_factory=time.monotonic)
    queue: deque = field(default_factory=deque)
    versions: dict = field(default_factory=dict)  # id(unit) → dataset version
    discovered: bool = False
    reading: int = 0  # submitted units still holding a connection
    open: int = 0  # submitted units whose records are not yet written

    @property
    def finished(self) -> bool:
        return self.discovered and not self.queue and not self.open


class Coordinator:
    def __init__(self, executor: Executor, scan_id: str, describe_detectors: dict, emit: Callable,
                 emit_all: Callable, progress, unchanged: Callable, source_done: Callable,
                 known: Callable[[str], dict], failed_sources: list[str],
                 stopped: Callable[[], bool] = lambda: False):
        self.executor = executor
        self.scan_id = scan_id
        self.detectors = describe_detectors
        self.emit, self.emit_all = emit, emit_all
        self.progress = progress
        self.unchanged = unchanged  # (unit, version, known, source) → True when it was passed over
        self.source_done = source_done
        self.known = known  # source name → what the inventory knows of its datasets (--incremental)
        self.failed_sources = failed_sources
        self.stopped = stopped
        self.interrupted = False  # the loop ended on `stopped` with units left
        self.pending: dict[Future, tuple[str, SourceRun, Handle | None]] = {}
        self.active: list[SourceRun] = []
        self.units = 0  # submitted
        self._turn = 0

    def run(self, jobs: deque[Job]) -> None:
        max_active = max(4, self.executor.capacity // 2)
        while jobs or self.active:
            if self.stopped():
                self._stop()
                return
            while jobs and len(self.active) < max_active:
                self._open(jobs.popleft())
            self._submit()
            if not self.pending:  # every open source finished without a future (nothing to read)
                self._close_finished()
                continue
            done, _ = wait(list(self.pending), timeout=STOP_POLL, return_when=FIRST_COMPLETED)
            for future in done:
                kind, run, handle = self.pending.pop(future)
                if kind == "discovery":
                    self._discovered(run, future)
                elif kind == "read":
                    run.reading -= 1
                else:
                    self._records(run, handle, future)
            self._close_finished()

    def _stop(self) -> None:
        """Write what is ready (units examined but not yet written), and no more."""
        self.interrupted = True
        for future, (kind, run, handle) in list(self.pending.items()):
            if kind == "records" and future.done() and not future.cancelled() and future.exception() is None:
                del self.pending[future]
                run.open -= 1
                batch = future.result()
                settle(batch, run.versions.get(id(handle.unit)))
                self.emit_all(batch)

    # -- sources ----------------------------------------------------------------------------------
    def _open(self, job: Job) -> None:
        run = SourceRun(job)
        self.active.append(run)
        self.pending[self.executor.discover(job)] = ("discovery", run, None)

    def _discovered(self, run: SourceRun, future: Future) -> None:
        job, source = run.job, run.job.source
        run.discovered = True
        src = source.describe()
        try:
            found = future.result()
        except Exception as exc:
            self.emit(records.error(self.scan_id, src, None, described(exc, source.secrets)))
            self.failed_sources.append(source.name)
            return
        units = [u for u in found if isinstance(u, WorkUnit)]
        key = read_key(job.settings, source, self.detectors)
        run.versions = {id(u): dataset_version(u.version, key) for u in units}
        known = self.known(source.name) if job.settings.incremental else {}
        event(log, logging.INFO, "source.started", source=source.name, type=source.crawler, uri=source.masked_url,
              datasets=len(units), known=len(known))
        self.progress.source_started(source, len(units))
        for skip in (u for u in found if isinstance(u, Skip)):
            self.emit(records.skipped(self.scan_id, src, skip.location.to_dict(source), skip.reason))
        for failed in (u for u in found if isinstance(u, Failed)):
            self.emit(records.error(self.scan_id, src, failed.location.to_dict(source),
                                    described(failed.error, source.secrets)))
        if known:
            units = [u for u in units if not self.unchanged(u, run.versions[id(u)], known, source)]
        run.queue.extend(units)
        run.limit = self.executor.limit(job)

    def _close_finished(self) -> None:
        for run in [r for r in self.active if r.finished]:
            self.active.remove(run)
            self.executor.release(run.job)
            self.source_done(run.job.source, run.started)

    # -- units -------------------------------------------------------------------------------------
    def _submit(self) -> None:
        """Units from the open sources in turn, while the executor has room."""
        capacity = self.executor.capacity
        while True:
            waiting = sum(r.open - r.reading for r in self.active)  # read, not yet examined
            ready = [r for r in self.active if r.queue and r.open < r.limit]
            if not ready or waiting >= capacity:
                return
            self._turn = (self._turn + 1) % len(ready)
            run = ready[self._turn]
            unit = run.queue.popleft()
            handle = self.executor.submit(run.job, unit)
            self.units += 1
            run.open += 1
            self.pending[handle.records] = ("records", run, handle)
            if handle.read is not handle.records:
                run.reading += 1
                self.pending[handle.read] = ("read", run, handle)

    def _records(self, run: SourceRun, handle: Handle, future: Future) -> None:
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
        settle(batch, run.versions.get(id(handle.unit)))
        self.emit_all(batch)
        self.progress.unit_done(handle.unit)
