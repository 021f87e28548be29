"""Executors: where a scan's units of work are read and examined (entry-point group
`kartlegg.executors`; the names are `kartlegg scan --executor` values).

The coordinator (scanner.coordinator) decides what to submit and writes every record; an
executor only runs units. Each submitted unit is a `Handle` with two futures: `read` is done when
the unit no longer holds one of its source's connections, `records` when its records are ready.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from concurrent.futures import Future
from dataclasses import dataclass, field

from scanner.crawlers.base import WorkUnit
from scanner.work import Job


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
        """Before the first unit: `spec` is the scan's detector configuration (Job.engine_spec),
        `engine` the coordinator's engine built from it."""

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
