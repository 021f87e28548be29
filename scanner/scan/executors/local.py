"""`--executor local` (the default): this machine's cores.

Reading waits on the scanned system, so it runs in threads here, each source with as many
threads as its connection limit; detection needs a core, so it runs in a pool of `workers`
processes, each with its own engine built once (with one worker: one thread beside the
coordinator, with the coordinator's engine). The first `workers` units are examined in that
thread while the processes start, so a run with a unit or two to read never waits for them.
A unit's sample goes to the pool through a pipe, never to disk. A pool process that dies (killed, out of memory) takes no unit with it: the pool
is rebuilt and the units it held are examined again, up to `ATTEMPTS` times each.

A scan that stops part-way (`abort`: a signal, a report that cannot be written) ends the pool's
processes at once and does not wait for reads in progress; should the scan itself be killed,
the processes die with it (scanner.lifeline).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import (
    CancelledError,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from scanner.model.jobs import Job
from scanner.model.protocols import Executor, Handle, cores
from scanner.model.units import WorkUnit
from scanner.scan import unit as work
from scanner.system import lifeline
from scanner.system import log_events as logs
from scanner.system.log_events import event

ATTEMPTS = 3  # examinations of one unit in a pool that broke each time before it is an error record
DISCOVERY_THREADS = 4

log = logging.getLogger(__name__)


def _warm(spec: tuple, log_state, forkserver: int | None = None) -> None:
    lifeline.worker_started(forkserver)
    logs.adopt(log_state)
    work.engine_for(spec)


class _Detector:
    """Where samples are examined: one thread, or a process pool rebuilt when it breaks."""

    def __init__(self, workers: int, spec: tuple):
        self.workers = workers
        self.spec = spec
        self._pool = None  # the process pool, when there is one
        self._thread = None  # one thread: with one worker, and for the first units of a pool
        self._lock = threading.Lock()
        self._stopped = False  # aborted: no pool is built again
        self.submitted = 0
        self.restarts = 0

    def _one_thread(self):  # under the lock
        if self._stopped:
            raise CancelledError("the scan is stopping")
        self._thread = self._thread or ThreadPoolExecutor(1, thread_name_prefix="kartlegg-detect")
        return self._thread

    def _current(self):
        with self._lock:
            if self._stopped:
                raise CancelledError("the scan is stopping")
            if self._pool is not None and getattr(self._pool, "_broken", False):
                # its processes are ended here, not left to the pool: a worker it spawned while
                # breaking is never terminated by it, and its manager thread (which the
                # interpreter joins at exit) waits for that worker for ever
                _terminate(self._pool)
                self._pool = None
                self.restarts += 1
                event(log, logging.WARNING, "executor.restarted", executor="local", restarts=self.restarts,
                      reason="a detection process died (killed, or out of memory); its units are examined again")
            if self._pool is None and self.workers > 1:
                # forkserver: a fork of this process would copy its threads' locks mid-use
                ctx = multiprocessing.get_context("forkserver")
                try:
                    # started here (the main thread, at the scan's start), so it can die with the scan
                    server = lifeline.start_forkserver(["scanner.scan.unit"])
                    self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_warm,
                                                     initargs=(self.spec, logs.current(), server))
                except OSError as exc:  # no semaphores or helper processes here (a locked-down sandbox)
                    event(log, logging.WARNING, "executor.fallback", executor="local", workers=self.workers,
                          reason=f"cannot start detection processes ({type(exc).__name__}: {exc}); "
                                 "examining in one thread")
                    self.workers = 1
            return self._pool or self._one_thread()

    def submit(self, fn, *args) -> Future:
        with self._lock:
            self.submitted += 1
            if self.workers > 1 and self.submitted <= self.workers:
                # the first units are examined here while the processes start and build their
                # engines: a scan with a unit or two to read (an incremental run) never waits for them
                return self._one_thread().submit(fn, *args)
        try:
            return self._current().submit(fn, *args)
        except BrokenProcessPool:  # it broke since: the next one is new
            return self._current().submit(fn, *args)

    def call(self, fn, *args):
        """fn(*args) in the pool, waiting for it; a pool that breaks meanwhile is rebuilt and the
        call made again, `ATTEMPTS` times in all."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self.submit(fn, *args).result()
            except BrokenProcessPool:
                if attempt == ATTEMPTS:
                    raise

    def close(self) -> None:
        with self._lock:
            pool, thread, self._pool, self._thread = self._pool, self._thread, None, None
        if thread is not None:
            thread.shutdown(wait=True, cancel_futures=True)
        if pool is not None:
            if getattr(pool, "_broken", False):  # see _current: waiting on it could be for ever
                _terminate(pool)
            else:
                pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        """End the detection processes now; units being examined are lost (the scan is stopping)."""
        with self._lock:
            self._stopped = True
            pool, thread, self._pool, self._thread = self._pool, self._thread, None, None
        if thread is not None:
            thread.shutdown(wait=False, cancel_futures=True)
        if pool is not None:
            _terminate(pool)


def _terminate(pool: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """End a pool's processes and its manager thread now. The process table is the pool's own
    (its manager thread adds to it: a worker spawned while the pool breaks is in it only later),
    so it is read again until the manager thread has ended: the interpreter joins that thread at
    exit, and it waits for every worker in the table."""
    processes = getattr(pool, "_processes", None) or {}  # the dict itself: shutdown forgets it
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in list(processes.values()) if p.is_alive()]
        late = time.monotonic() > deadline
        for p in alive:
            p.kill() if late else p.terminate()
        for p in alive:
            p.join(0.2 if not late else 1.0)
        if (manager is None or not manager.is_alive()) and not any(p.is_alive() for p in list(processes.values())):
            return
        if late:
            if manager is not None:
                manager.join(1.0)
            return
        if manager is not None:
            manager.join(0.1)


def _copy(target: Future, source: Future) -> None:
    if source.cancelled():
        target.cancel()
    elif source.exception() is not None:
        target.set_exception(source.exception())
    else:
        target.set_result(source.result())


class LocalExecutor(Executor):
    NAME = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or cores()
        self._detector: _Detector | None = None
        self._discovery = ThreadPoolExecutor(DISCOVERY_THREADS, thread_name_prefix="kartlegg-discover")
        self._readers: dict[str, ThreadPoolExecutor] = {}
        self._scans: set[str] = set()
        self._lock = threading.Lock()
        self._ended = False  # closed or aborted

    @classmethod
    def from_options(cls, workers=None, scheduler=None) -> LocalExecutor:
        return cls(workers)

    def start(self, spec: tuple, engine) -> None:
        if self._detector is not None:
            return
        work.engine_for(spec, engine)  # the coordinator's engine serves a single worker thread
        self._detector = _Detector(self.workers, spec)
        self._detector._current()  # a pool that cannot be made here falls back before the header says so
        self.workers = self._detector.workers

    def describe(self) -> dict:
        return {"name": self.NAME, "workers": self.workers}

    @property
    def capacity(self) -> int:
        return 2 * self.workers

    def limit(self, job: Job) -> int:
        return work.open_crawler(job).connections

    def discover(self, job: Job) -> Future:
        self._scans.add(job.scan_id)
        return self._discovery.submit(work.discovered, job)

    def _reader(self, job: Job) -> ThreadPoolExecutor:
        with self._lock:
            pool = self._readers.get(job.source.name)
            if pool is None:
                connections = work.open_crawler(job).connections
                pool = self._readers[job.source.name] = ThreadPoolExecutor(
                    connections, thread_name_prefix=f"kartlegg-read-{len(self._readers)}")
            return pool

    def submit(self, job: Job, unit: WorkUnit) -> Handle:
        handle = Handle(job, unit, read=None, records=Future())  # read: set below, before anyone waits on it
        handle.read = self._reader(job).submit(self._read, handle)
        return handle

    def _read(self, handle: Handle) -> None:
        job, unit = handle.job, handle.unit
        try:
            if job.settings.full:  # batches are examined one by one as they are read
                handle.records.set_result(work.full_read(job, unit, detect=partial(self._detector.call,
                                                                                    work.field_records, job)))
                return
            sample, why_not, ms = work.read(job, unit)
            if why_not is not None:
                handle.records.set_result(why_not)
                return
            handle.state["sample"] = (sample, ms)
            self._examine(handle)
        except BaseException as exc:
            if not handle.records.done():
                handle.records.set_exception(exc)
            raise

    def _examine(self, handle: Handle) -> None:
        sample, ms = handle.state["sample"]
        try:
            examined = self._detector.submit(work.examine, handle.job, sample, ms)
        except BrokenProcessPool as exc:
            handle.records.set_exception(exc)
            return
        examined.add_done_callback(partial(_copy, handle.records))

    def retry(self, handle: Handle, exc: BaseException) -> bool:
        if not isinstance(exc, BrokenProcessPool) or "sample" not in handle.state or handle.attempts >= ATTEMPTS:
            return False
        handle.attempts += 1
        handle.records = Future()
        self._examine(handle)
        return True

    def release(self, job: Job) -> None:
        with self._lock:
            pool = self._readers.pop(job.source.name, None)
        if pool is not None:
            pool.shutdown(wait=True)
        work.release(job.scan_id, job.source.name)

    def close(self) -> None:
        if self._end():
            return
        self._discovery.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            readers, self._readers = list(self._readers.values()), {}
        for pool in readers:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._detector is not None:
            self._detector.close()
        for scan_id in self._scans:
            work.release(scan_id)

    def abort(self) -> None:
        """Stop now: no new read starts, the detection processes end; a read in progress is left
        to its thread (a table locked by someone else may hold it for as long as its timeout)."""
        if self._end():
            return
        self._discovery.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            readers, self._readers = list(self._readers.values()), {}
        for pool in readers:
            pool.shutdown(wait=False, cancel_futures=True)
        if self._detector is not None:
            self._detector.abort()

    def _end(self) -> bool:
        """True when the executor had already ended."""
        with self._lock:
            ended, self._ended = self._ended, True
        return ended
