"""Progress events of a scan, for whoever shows them (the console); the default shows nothing."""

from __future__ import annotations

from scanner.model.sources import Source
from scanner.model.units import WorkUnit


class Progress:
    """What the console shows; the default shows nothing."""

    def source_started(self, source: Source, units: int) -> None: ...
    def unit_done(self, unit: WorkUnit, label: str | None = None) -> None: ...
    def source_done(self, source: Source) -> None: ...
    def close(self) -> None: ...

