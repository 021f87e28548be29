"""One source of one scan as a worker needs it, and what comes back from a worker.

Everything here is picklable and has a `repr` without credentials: Dask logs the arguments of a
task that fails, and a debugger or traceback shows them too."""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.model.redact import describe_error
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source


class Secret:
    """A value that must reach a worker but never a log: its repr is masked."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self) -> str:
        return "Secret(***)"

    def __reduce__(self):
        return (Secret, (self.value,))



@dataclass(frozen=True, repr=False)
class Job:
    """One source of one scan, as a worker needs it: the source (its URL may carry a password),
    its own settings, the detector configuration and the fingerprint key."""

    scan_id: str
    source: Source
    settings: ScanSettings
    detectors: tuple[str, ...]
    model: str  # "blank" or the spaCy model the coordinator's engine loaded
    key: Secret = field(compare=False)  # the installation's fingerprint key: equal fingerprints everywhere
    version: str = ""  # the coordinator's kartlegg: a worker with another one would judge differently

    def __repr__(self) -> str:
        return f"Job(scan={self.scan_id[:8]}, source={self.source.name!r})"

    @property
    def engine_spec(self) -> tuple:
        return (self.detectors, self.model)



class RemoteError(Exception):
    """An exception from a worker, carried as its type name and scrubbed message: driver
    exceptions do not all pickle, and their text may hold values."""

    def __init__(self, type_name: str, message: str):
        super().__init__(message)
        self.type_name = type_name

    def __reduce__(self):
        return (RemoteError, (self.type_name, str(self)))



def described(exc: BaseException, secrets: list[str]) -> dict:
    if isinstance(exc, RemoteError):
        return {"type": exc.type_name, "message": str(exc)}
    return describe_error(exc, secrets)

