"""The detection engine, built and warmed in the forkserver before it forks a process.

The forkserver imports this module (its preload list, see `detection.Detector`) with the scan's
engine spec in its environment: it builds that engine once and warms it (patterns compiled, the
screens' database loaded, the tokenizer's rules compiled: ~0.4 s of a core), and every detection
process forked from it starts with it, instead of each building its own while the scan waits.
Anywhere else the import does nothing. It is preloaded before the detectors are, so that the
collector is set for the forkserver's start-up as for any process of kartlegg's own
(scanner.system.collector), and what the engine holds is frozen before the first fork.
"""

from __future__ import annotations

import json
import os
import sys

SPEC_ENV = "KARTLEGG_FORKSERVER_ENGINE"  # JSON: [detectors, model]


def spec_env(spec: tuple) -> dict[str, str]:
    """The environment that has a forkserver warm the engine of `spec`."""
    detectors, model = spec
    return {SPEC_ENV: json.dumps([list(detectors), model])}


def _warm_in_forkserver() -> None:
    raw = os.environ.pop(SPEC_ENV, None)
    if not raw or "multiprocessing.forkserver" not in sys.modules:
        return
    from scanner.system import collector

    try:
        detectors, model = json.loads(raw)
        spec = (tuple(detectors), model)
        collector.for_this_process()  # before the detectors' imports
        from scanner.scan import unit

        unit.engine_for(spec).warm()
    except Exception:  # noqa: BLE001 - each process then builds its own, as it would without this
        return
    # The processes forked from here inherit the engine: frozen, their collections never walk
    # it, nor write to its pages (which a fork shares until written).
    collector.started()


_warm_in_forkserver()
