"""--incremental: pass over datasets the source says have not changed since they were last read.

A dataset's version in the inventory is a digest of two things: what the source says about its
last change (`WorkUnit.version`: modification counters, ETags, sizes and mtimes) and everything
else its findings depend on (the settings that choose what is read, the detectors, the model,
kartlegg's version). So a dataset is read again when its data changed, when the scan would read
or judge it differently, and after an upgrade; only a read without errors records a version.
"""

from __future__ import annotations

import hashlib
import json

from scanner import __version__
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source


def read_key(settings: ScanSettings, source: Source, detectors: dict) -> str:
    """What a read of the source depends on besides its data. `settings` are the source's own
    (ScanSettings.for_source); the table says which of them change what a read finds
    (`Setting.reads`): how gently or how long a read runs does not."""
    what = {
        "kartlegg": __version__,
        "crawler": source.crawler,
        "settings": settings.what_is_read(),
        "detectors": detectors,
    }
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def dataset_version(unit_version: str | None, key: str) -> str | None:
    if not unit_version:
        return None
    return "sha256:" + hashlib.sha256(f"{key}\0{unit_version}".encode("utf-8", "surrogateescape")).hexdigest()


def settle(batch: list[dict], version: str | None) -> None:
    """The dataset record of one read carries its version only when nothing in it failed."""
    if version and batch and batch[0]["record"] == "dataset" and not any(r["record"] == "error" for r in batch):
        batch[0]["version"] = version
