"""`--executor local` (the default): this machine's cores.

Reading waits on the scanned system, so it runs in threads here, each source with as many
threads as its connection limit; detection needs a core, so it runs in one thread beside the
coordinator (with the coordinator's engine) and, once that thread falls behind, in a pool of
`workers` processes, each with its own engine built once (scanner.scan.executors.detection): a
scan of a few units never starts the pool, and while it starts, units are still examined in the
thread. A unit's sample goes to the pool through a pipe, never to disk. A pool process that dies
(killed, out of memory) takes no unit with it: the pool is rebuilt and the units it held are
examined again, up to `ATTEMPTS` times each.

A scan that stops part-way (`abort`: a signal, a report that cannot be written) ends the pool's
processes at once and does not wait for reads in progress; should the scan itself be killed,
the processes die with it (scanner.lifeline).
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from scanner.model.jobs import Job
from scanner.model.protocols import Executor, Handle, cores
from scanner.model.units import WorkUnit
from scanner.scan import unit as work
from scanner.scan.executors.detection import ATTEMPTS, Detector

DISCOVERY_THREADS = 4


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
        self._detector: Detector | None = None
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
        work.engine_for(spec, engine)  # the coordinator's engine serves the detection thread
        work.warm_in_background(spec)
        self._detector = Detector(self.workers, spec)
        self._detector.probe()  # a pool that could never start falls back before the header says what runs
        self.workers = self._detector.workers

    def backlog(self, units: int) -> None:
        if self._detector is not None:
            self._detector.consider(units)

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
