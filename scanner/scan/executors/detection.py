"""Where the local executor examines samples: one thread beside the coordinator (with the
coordinator's engine) and, once that thread falls behind, a pool of processes, each with its own
engine built once (`Detector`).

The pool is started only when calls wait behind the thread and the scan has enough units left for
it to repay its start (`POOL_AFTER`): a scan of a few units (an incremental run, a small database)
never starts it, and while it starts, calls still go to the thread. It is started from the
coordinator's loop, the scan's main thread, so the forkserver that forks its processes dies with
the scan (scanner.lifeline). A pool process that dies (killed, out of memory) takes no call with
it: the pool is rebuilt and the call made again, up to `ATTEMPTS` times.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import (
    CancelledError,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    as_completed,
)
from concurrent.futures.process import BrokenProcessPool

from scanner.scan import unit as work
from scanner.scan.executors import warm
from scanner.system import collector, lifeline
from scanner.system import log_events as logs
from scanner.system.log_events import event

ATTEMPTS = 3  # examinations of one unit in a pool that broke each time before it is an error record
# Seconds of examination left for one thread (the scan's units not yet done x the thread's CPU time
# per unit so far) from which, with units waiting behind the thread, the detection processes are
# started. WHY: starting them costs a forkserver that imports the detectors (~1.3 s of a core,
# measured) and then an engine in each process (~0.5 s each): ~2.3 s before a process takes a
# unit. At the default (as many workers as cores) that start-up takes cores from the thread, which
# goes on at about 2/3 of its speed meanwhile (~1.5 s of work done), so with W seconds of work
# left on 2 cores the pool ends at 2.3 + (W - 1.5) / 2 and the thread alone at W: the pool is
# sooner only from W ~ 3.1 s (measured: 56 PostgreSQL tables, W ~ 7.8 s, 9.4 s in one thread and
# 7.1 s with the pool; a 16-table SQLite scan, W ~ 3 s, 3.31 s in one thread and 5.27 s with a pool
# started at once). The estimate is made from the first units, which ran ~1.4x the mean on the demo
# estate (4.2 s estimated, 3.0 s in all): 5 s keeps a scan near the break-even in the thread. A
# pool that starts too soon on a small or busy machine costs more than one that starts late.
# Since then the forkserver builds the engine once for every process (executors/warm.py): the
# start costs ~0.7 s of a core and the processes are ready ~0.45 s after it: the pool ends at
# ~1.15 + (W - 0.5) / 2, sooner than the thread from W ~ 1.8 s, which an estimate 1.4x too high
# reads as 2.5 s. Measured at 5 s, 500 small tables (`bench.startup`, W estimated at ~4-5 s)
# took 7.2 s when the estimate fell under 5 s and the pool never started, 5.5 s when it did;
# at 2.5 s the pool starts every time (5.4-5.5 s), and the 16-table demo (1.7 s) never starts it.
POOL_AFTER = 2.5
# Calls the thread must have made (the one it is making included) before its time per unit is
# trusted: units vary tenfold (an empty table, a file that is skipped, a wide JSON column), and an
# estimate from the first one alone started the pool for the 57-unit demo estate.
MEASURED = 3
POOL_AFTER_ENV = "KARTLEGG_POOL_AFTER"  # seconds, overriding POOL_AFTER; 0: start the pool at the scan's start

log = logging.getLogger("scanner.scan.executors.local")  # the executor's, as its events were before


def _warm(spec: tuple, log_state, forkserver: int | None = None) -> None:
    lifeline.worker_started(forkserver)
    logs.adopt(log_state)
    collector.for_this_process()
    work.engine_for(spec).warm()  # before the first unit, while the thread works


def _pool_after() -> float:
    """POOL_AFTER, or KARTLEGG_POOL_AFTER from the environment (0: start the pool at once)."""
    try:
        return float(os.environ.get(POOL_AFTER_ENV, POOL_AFTER))
    except ValueError:
        return POOL_AFTER


def no_semaphores() -> OSError | None:
    """Why no process pool can be made here (no POSIX semaphores: a locked-down sandbox), else
    None: asked at the start, so the report header says what will run though the pool may be
    started only later. A semaphore made and unlinked at once, as the pool's queues make theirs."""
    try:
        import _multiprocessing
        from multiprocessing.synchronize import SEMAPHORE

        _multiprocessing.SemLock(SEMAPHORE, 1, 1, f"/kartlegg-probe-{os.getpid()}-{threading.get_ident()}", True)
    except OSError as exc:
        return exc
    except Exception:  # noqa: BLE001 - an interpreter without this internal: the pool's own start will tell
        return None
    return None


class Detector:
    """Where samples are examined: one thread, and a process pool once that thread falls behind
    (`consider`), rebuilt when it breaks."""

    def __init__(self, workers: int, spec: tuple, pool_after: float | None = None):
        self.workers = workers
        self.spec = spec
        self.pool_after = _pool_after() if pool_after is None else pool_after
        self._pool = None  # the process pool, once there is one
        self._ready = False  # the first pool has a process with its engine built: calls go to it
        self._thread = None  # one thread: every call until the pool is ready, and for good with one worker
        self._warming: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False  # aborted: no pool is built again
        self._queued = 0  # calls waiting for the thread (not the one it is running)
        self._since: float | None = None  # time.monotonic() when the thread's current call began
        self._examined = 0  # calls the thread has run, in `_cpu` seconds of its CPU
        self._cpu = 0.0
        self.submitted = 0
        self.restarts = 0
        self.pool_started: float | None = None  # time.monotonic() when the first pool was started

    # -- the thread ----------------------------------------------------------------------------
    def _one_thread(self):  # under the lock
        if self._stopped:
            raise CancelledError("the scan is stopping")
        self._thread = self._thread or ThreadPoolExecutor(1, thread_name_prefix="kartlegg-detect")
        return self._thread

    def _timed(self, fn, args):
        """fn(*args) in the thread, counted: what `consider` estimates the thread's work from."""
        with self._lock:
            self._queued -= 1
            self._since = time.monotonic()
        cpu = time.thread_time()
        try:
            return fn(*args)
        finally:
            spent = time.thread_time() - cpu
            with self._lock:
                self._since = None
                self._examined += 1
                self._cpu += spent

    # -- the pool ------------------------------------------------------------------------------
    def probe(self) -> None:
        """At the scan's start: where no pool could ever be made (no semaphores), fall back to the
        thread now, though the pool itself would be started only later."""
        problem = no_semaphores() if self.workers > 1 else None
        if problem is not None:
            with self._lock:
                self._fall_back(f"cannot start detection processes ({type(problem).__name__}: {problem})")

    def consider(self, outstanding: int) -> bool:
        """From the coordinator's loop (the main thread, where the forkserver must be started
        for the lifeline): start the pool when the thread has calls waiting behind it and the
        scan's `outstanding` units would keep it busy for `pool_after` seconds or more, each at
        the CPU time the thread has taken per call so far (`MEASURED` calls at least). With
        `pool_after` 0, at once. True when it started it now."""
        with self._lock:
            if self.workers < 2 or self.pool_started is not None or self._stopped:
                return False
            reason = "started at once"
            if self.pool_after > 0:
                if self._queued < 1:  # the thread keeps up (reads are the slower part): no pool helps
                    return False
                running = self._since is not None  # counted with the time it has taken so far
                calls = self._examined + running
                if calls < MEASURED:
                    return False
                per_unit = (self._cpu + (time.monotonic() - self._since if running else 0.0)) / calls
                left = per_unit * outstanding
                if left < self.pool_after:
                    return False
                reason = (f"{self._queued} unit(s) wait for the detection thread; about {left:.1f} s of "
                          f"examination left ({outstanding} units at {per_unit * 1000:.0f} ms)")
            pool = self._new_pool()
            if pool is None:
                return False
            self._pool, self.pool_started = pool, time.monotonic()
            event(log, logging.INFO, "executor.pool_started", executor="local", workers=self.workers, reason=reason)
            # the processes are forked (the forkserver first imports the detectors, ~1 s) and build
            # their engines in another thread: the coordinator's loop goes on, and calls go to the
            # thread meanwhile
            self._warming = threading.Thread(target=self._warm_up, args=(pool,), name="kartlegg-pool-start",
                                             daemon=True)
            self._warming.start()
            return True

    def _new_pool(self):  # under the lock
        # forkserver: a fork of this process would copy its threads' locks mid-use
        ctx = multiprocessing.get_context("forkserver")
        try:
            # from the main thread (`consider`), so it dies with the scan; a rebuild finds it running
            # the engine is built and warmed once, in the forkserver, and inherited by each process
            server = lifeline.start_forkserver([warm.__name__, "scanner.scan.unit"], warm.spec_env(self.spec))
            return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_warm,
                                       initargs=(self.spec, logs.current(), server))
        except OSError as exc:  # no semaphores or helper processes here (a locked-down sandbox)
            self._fall_back(f"cannot start detection processes ({type(exc).__name__}: {exc})")
            return None

    def _fall_back(self, why: str) -> None:  # under the lock
        event(log, logging.WARNING, "executor.fallback", executor="local", workers=self.workers,
              reason=f"{why}; examining in one thread")
        self.workers = 1

    def _warm_up(self, pool) -> None:
        """Until a process of the pool has its engine (or the pool cannot be made to), calls go to
        the thread. A pool broken while starting is rebuilt, `ATTEMPTS` times in all."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                futures = [pool.submit(os.getpid) for _ in range(self.workers)]  # one per process
                next(as_completed(futures)).result()
            except (BrokenProcessPool, CancelledError, RuntimeError) as exc:  # RuntimeError: shut down
                with self._lock:
                    if self._pool is not pool or self._stopped:
                        return
                    _terminate(pool)
                    self._pool = None
                    if attempt == ATTEMPTS:
                        self._fall_back(f"the detection processes died while starting ({type(exc).__name__})")
                        return
                    self.restarts += 1
                    event(log, logging.WARNING, "executor.restarted", executor="local", restarts=self.restarts,
                          reason="a detection process died while starting; the pool is started again")
                    pool = self._pool = self._new_pool()
                    if pool is None:
                        return
                continue
            with self._lock:
                self._ready = self._pool is pool
            return

    def _target(self):
        """Under the lock: the pool once it is ready (a broken one rebuilt), else the thread."""
        if self._stopped:
            raise CancelledError("the scan is stopping")
        if self._pool is not None and self._ready:
            if getattr(self._pool, "_broken", False):
                # its processes are ended here, not left to the pool: a worker it spawned while
                # breaking is never terminated by it, and its manager thread (which the
                # interpreter joins at exit) waits for that worker for ever
                _terminate(self._pool)
                self.restarts += 1
                event(log, logging.WARNING, "executor.restarted", executor="local", restarts=self.restarts,
                      reason="a detection process died (killed, or out of memory); its units are examined again")
                self._pool = self._new_pool()
            if self._pool is not None:
                return self._pool
        return self._one_thread()

    def _submit(self, fn, args) -> Future:
        with self._lock:
            target = self._target()
            if target is self._thread:
                self._queued += 1
                return target.submit(self._timed, fn, args)
        return target.submit(fn, *args)

    def submit(self, fn, *args) -> Future:
        with self._lock:
            self.submitted += 1
        try:
            return self._submit(fn, args)
        except BrokenProcessPool:  # it broke since: the next one is new
            return self._submit(fn, args)

    def call(self, fn, *args):
        """fn(*args) where calls go now, waiting for it; a pool that breaks meanwhile is rebuilt
        and the call made again, `ATTEMPTS` times in all."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self.submit(fn, *args).result()
            except BrokenProcessPool:
                if attempt == ATTEMPTS:
                    raise

    @property
    def ready(self) -> bool:
        """Calls go to the pool (it has started and has a process with its engine)."""
        return self._ready and self._pool is not None

    def close(self) -> None:
        with self._lock:
            pool, thread, self._pool, self._thread = self._pool, self._thread, None, None
            warming = self._warming
        if thread is not None:
            thread.shutdown(wait=True, cancel_futures=True)
        if pool is not None:
            if getattr(pool, "_broken", False):  # see _target: waiting on it could be for ever
                _terminate(pool)
            else:
                pool.shutdown(wait=True, cancel_futures=True)
        if warming is not None:
            warming.join(5.0)

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
