"""`--executor dask --scheduler tcp://HOST:8786`: units of work on a Dask distributed cluster.

Each unit (one table, one object dataset, one log dataset) is one task, `scanner.work.run_unit`,
which reads the unit on a worker and examines it there: raw values never leave the worker that
read them, never enter Dask's memory manager (which may spill to disk) and never cross the
network; what comes back is the unit's records, masked like every report record. Discovery is a
task too, so the coordinator needs no route to the scanned systems.

A source's connection limit holds across the cluster: reading takes a lease of a Dask
`Semaphore` named for the scan and the source, released before examining. Workers need only
kartlegg installed (`pip install 'kartlegg[dask]'`, the same version): the job carries the
source's URL with its password, the detector configuration and the fingerprint key, in task
arguments whose `repr` is masked, and S3/CloudWatch credentials resolved here. Use TLS between
client, scheduler and workers (docs/distributed.md) so they are encrypted on the wire.

A worker that dies mid-task loses nothing: the scheduler runs the task again elsewhere; a task
that has taken down `distributed.scheduler.allowed-failures` + 1 workers becomes an error record.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import warnings
from concurrent.futures import Future

from scanner import __version__
from scanner.model.jobs import Job, RemoteError
from scanner.model.protocols import Executor, ExecutorError, Handle
from scanner.model.sources import Source, mask_url
from scanner.model.units import WorkUnit
from scanner.scan import unit as work

def unit_key(scan_id: str, number: int, uri: str) -> str:
    """The task's key: unique in the scan and free of names and credentials (the scheduler logs
    keys); the digest lets an operator match a task to a location."""
    return f"kartlegg-unit-{scan_id[:8]}-{number:06d}-{hashlib.sha256(uri.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}"


def gate_name(scan_id: str, source: Source) -> str:
    """The name of a source's Semaphore: the whole scan id, so two scans on one cluster never
    share leases, and a digest of the source's name and masked URL, so each source of a scan has
    its own whatever order sources open and close in (Dask refuses a second Semaphore of one name
    with another limit). Free of names and credentials: the scheduler logs and shows it."""
    digest = hashlib.sha256(f"{source.name}\n{source.masked_url}".encode("utf-8", "surrogateescape")).hexdigest()
    return f"kartlegg-{scan_id}-{digest[:16]}"


class DaskExecutor(Executor):
    NAME = "dask"

    def __init__(self, scheduler: str, security=None, timeout: float | None = None):
        self.scheduler = scheduler
        self.security = security  # distributed.Security; None: Dask's configuration (distributed.comm.tls.*)
        self.timeout = timeout  # None: Dask's distributed.comm.timeouts.connect
        self.client = None
        self.threads = 0
        self._spec = None
        self._count = itertools.count()
        self._futures: set = set()  # held until done: a Dask future dropped is a task cancelled
        self._lock = threading.Lock()
        self._gates: dict[tuple[str, str], object] = {}  # (scan id, source name) -> Semaphore
        self._jobs: dict[str, Job] = {}
        self._scans: set[str] = set()

    @classmethod
    def from_options(cls, workers=None, scheduler=None) -> DaskExecutor:
        return cls(scheduler)

    @property
    def masked_scheduler(self) -> str:
        return mask_url(self.scheduler)

    def start(self, spec: tuple, engine) -> None:
        if self.client is not None:
            return
        import dask
        from dask.utils import parse_timedelta
        from distributed import Client

        if self.timeout is None:
            self.timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")
        try:
            self.client = Client(self.scheduler, security=self.security, timeout=self.timeout,
                                 set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:  # TypeError: tls:// with no TLS set up
            raise ExecutorError(f"cannot reach the Dask scheduler at {self.masked_scheduler}: "
                                f"{type(exc).__name__}: {exc}") from None
        try:
            self.client.wait_for_workers(1, timeout=self.timeout)
        except TimeoutError:
            self.close()
            raise ExecutorError(f"no Dask worker joined the scheduler at {self.masked_scheduler} "
                                f"within {self.timeout:g} s") from None
        self._spec = spec
        mine = {"kartlegg": __version__, "detectors": engine.describe()}
        try:
            theirs = self.client.run(work.describe_engine, spec)
        except Exception as exc:
            self.close()
            raise ExecutorError(f"the Dask workers cannot run kartlegg: {type(exc).__name__}: {exc}") from None
        differ = sorted(addr for addr, d in theirs.items() if d != mine)
        if differ:
            self.close()
            raise ExecutorError(f"Dask workers {', '.join(differ)} run another kartlegg or detector set than "
                                f"this one (kartlegg {__version__}); install the same on every worker")
        self.threads = sum(self.client.nthreads().values())

    def describe(self) -> dict:
        return {"name": self.NAME, "scheduler": self.masked_scheduler,
                **({"workers": self.threads} if self.threads else {})}

    @property
    def capacity(self) -> int:
        return 2 * max(self.threads, 1)

    def limit(self, job: Job) -> int:
        return self.capacity  # the source's Semaphore limits its reads; this only keeps sources mixed

    def _shipped(self, job: Job) -> Job:
        """The job as workers get it: the source as its crawler ships it (AWS credentials resolved here)."""
        with self._lock:
            have = self._jobs.get(job.source.name)
            if have is None or have.scan_id != job.scan_id:
                from scanner.model.plugins import CRAWLERS, load

                source = load(job.source.crawler, CRAWLERS).for_workers(job.source)
                have = self._jobs[job.source.name] = Job(job.scan_id, source, job.settings, job.detectors,
                                                         job.model, job.key, job.version)
            return have

    def _gate(self, job: Job):
        from distributed import Semaphore

        from scanner.model.plugins import CRAWLERS, load

        with self._lock:
            gate = self._gates.get((job.scan_id, job.source.name))
            if gate is None:
                leases = job.settings.max_connections or load(job.source.crawler, CRAWLERS).CONNECTIONS
                gate = self._gates[(job.scan_id, job.source.name)] = Semaphore(
                    max_leases=leases, name=gate_name(job.scan_id, job.source),
                    scheduler_rpc=self.client.scheduler, loop=self.client.loop)
            return gate

    def discover(self, job: Job) -> Future:
        self._scans.add(job.scan_id)
        return self._bridge(self.client.submit(
            work.discovered, self._shipped(job), key=f"kartlegg-discover-{job.scan_id[:8]}-{next(self._count):06d}",
            pure=False))

    def submit(self, job: Job, unit: WorkUnit) -> Handle:
        key = unit_key(job.scan_id, next(self._count), unit.location.uri(job.source))
        done = self._bridge(self.client.submit(work.run_unit, self._shipped(job), unit, self._gate(job), key=key,
                                               pure=False))
        return Handle(job, unit, read=done, records=done)

    def _bridge(self, future) -> Future:
        """A concurrent.futures Future that follows a Dask one (the coordinator waits on those)."""
        out = Future()
        with self._lock:
            self._futures.add(future)

        def follow(f):
            try:
                out.set_result(f.result())
            except BaseException as exc:
                out.set_exception(_explained(exc))
            finally:
                with self._lock:
                    self._futures.discard(f)

        future.add_done_callback(follow)
        return out

    def release(self, job: Job) -> None:
        with self._lock:
            gate = self._gates.pop((job.scan_id, job.source.name), None)
            self._jobs.pop(job.source.name, None)
        try:
            self.client.run(work.release, job.scan_id, job.source.name)
        except Exception:  # a worker gone: its connections went with it
            pass
        if gate is not None:
            with warnings.catch_warnings():  # a lease a dead worker held: it lapses by itself
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    gate.close()
                except Exception:
                    pass

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        with self._lock:
            futures, self._futures = list(self._futures), set()
        if futures:  # first: a task left would remember its values again after the release
            client.cancel(futures)
        try:
            for scan_id in self._scans:
                client.run(work.release, scan_id)
        except Exception:
            pass
        client.close()


def _explained(exc: BaseException) -> BaseException:
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return RemoteError("WorkerLost", "every Dask worker that ran this unit died while running it; "
                                         "the scheduler gave up on it (distributed.scheduler.allowed-failures)")
    return exc
