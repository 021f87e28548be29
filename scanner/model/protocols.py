"""The protocols between the layers: crawlers (read a source), executors (run units of work),
writers (take records)."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import ClassVar

from scanner.model.jobs import Job
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source, scheme_of
from scanner.model.units import (
    DatasetSample,
    Failed,
    Location,
    Skip,
    WorkUnit,
    selected,
)


class Crawler(ABC):
    NAME: ClassVar[str]
    SCHEMES: ClassVar[tuple[str, ...]]

    LOGS: ClassVar[str | None] = None  # a source of nothing but logs: what the report calls them
    FILES: ClassVar[bool] = False  # datasets are files or objects, whose names may say they are logs
    # source options the scan's command line gives every source of this crawler (--profile, …)
    OPTIONS: ClassVar[frozenset[str]] = frozenset()
    CONNECTIONS: ClassVar[int] = 1  # concurrent reads per source unless --max-connections says otherwise
    EMPTY: ClassVar[str] = "empty: nothing to read"  # the reason a source that holds nothing is skipped whole

    def __init__(self, source: Source, settings: ScanSettings):
        self.source = source
        self.settings = settings

    @property
    def connections(self) -> int:
        return self.settings.max_connections or self.CONNECTIONS

    @property
    def sample_size(self) -> int:
        """Rows per unit: the source's own settings (ScanSettings.for_source) hold --sample-size
        SOURCE=N or the file's per-source sample_size, else the scan's."""
        return self.settings.sample_size

    @classmethod
    def for_workers(cls, source: Source) -> Source:
        """The source as workers on other machines need it to read (credentials only this
        machine can resolve, as a Secret); by default as it is."""
        return source

    @classmethod
    def handles(cls, url: str) -> bool:
        return scheme_of(url) in cls.SCHEMES

    @abstractmethod
    def discover(self) -> Iterator[WorkUnit | Skip | Failed]:
        """Every location in the source: units to sample, skips with a reason, or failures."""

    @abstractmethod
    def sample(self, unit: WorkUnit) -> DatasetSample:
        """Read a bounded sample of one unit. Raise on failure: the pipeline records it."""

    def sample_batches(self, unit: WorkUnit) -> Iterator[DatasetSample]:
        """--full: everything in the unit, a batch at a time; the last batch carries the unit's
        totals (rows, method, details) and no fields. Crawlers that cannot read everything sample."""
        yield self.sample(unit)

    # `kartlegg subject` asks a crawler that has it `subject_search(unit, matcher, options)`: one
    # person's identifiers in one unit, as scanner.subject.matching.Found values (one per location
    # searched: a table, a file) and Problems for what could not be read. A crawler without it is
    # read whole, as --full reads it (scanner.subject.streams).

    def close(self) -> None:
        """Release connections."""

    def selected(self, location: Location) -> bool:
        """--include / --exclude globs on container.dataset[.field]."""
        return selected(location.dotted(), self.settings.include, self.settings.exclude)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ExecutorError(Exception):
    """An executor that cannot run this scan (no scheduler, no workers, workers that differ)."""


def cores() -> int:
    """The cores this process may use (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


@dataclass(eq=False)
class Handle:
    job: Job
    unit: WorkUnit
    read: Future
    records: Future
    attempts: int = 1
    state: dict = field(default_factory=dict)  # the executor's own (a sample kept for a retry)


class Executor(ABC):
    NAME: str

    @classmethod
    def from_options(cls, workers: int | None = None, scheduler: str | None = None) -> Executor:
        """From `--workers` and `--scheduler` (checked by the scan's set-up)."""
        return cls()

    @abstractmethod
    def start(self, spec: tuple, engine) -> None:
        """Once, before the first unit, by whoever built the executor (the CLI, before it opens
        any output): `spec` is the scan's detector configuration (Job.engine_spec), `engine` the
        coordinator's engine built from it. Raises ExecutorError when it cannot run the scan."""

    @abstractmethod
    def describe(self) -> dict:
        """For the report header."""

    @property
    @abstractmethod
    def capacity(self) -> int:
        """Units that may wait, read, for their records: bounds the coordinator's memory."""

    @abstractmethod
    def limit(self, job: Job) -> int:
        """Units of the job's source submitted at once (after its discovery)."""

    @abstractmethod
    def discover(self, job: Job) -> Future:
        """A future of the source's discovery: WorkUnit, Skip and Failed values."""

    @abstractmethod
    def submit(self, job: Job, unit: WorkUnit) -> Handle: ...

    def backlog(self, units: int) -> None:
        """Each time round the coordinator's loop, in the thread that runs it (the scan's main
        thread): `units` of the open sources are not done yet (waiting for a connection, reading,
        or read and waiting for their records). The local executor starts its detection processes
        from here once one thread falls behind; by default nothing."""

    def retry(self, handle: Handle, exc: BaseException) -> bool:
        """The unit's records failed with `exc` (not the unit's own error: a lost worker); True
        when it has been submitted again."""
        return False

    def release(self, job: Job) -> None:
        """The source is done: close what was opened for it."""

    @abstractmethod
    def close(self) -> None: ...

    def abort(self) -> None:
        """The scan stops part-way (a signal, an output that cannot be written): end what runs
        now, without waiting for reads in progress. After `close` it does nothing."""
        self.close()


class Writer(ABC):
    """Where records go (entry-point group `kartlegg.reports`; the inventory's run is one too):
    every record of a scan in the order the run writes them, header first and summary last,
    already through the redaction gate. `close` ends the output (the HTML report is rendered
    then); a writer closed before the summary came holds a part-scan and must say so or drop it."""

    NAME: ClassVar[str]

    @abstractmethod
    def write(self, record: dict) -> None: ...

    @abstractmethod
    def close(self) -> None: ...
