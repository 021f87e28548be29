"""The cyclic garbage collector, set for how a scan allocates.

A scan allocates in bursts: a batch of 20,000 parsed log lines, a sample of 1,000 rows, their
detections and records. At CPython's default (a young collection every 700 net new containers)
a batch sets off dozens of young collections, and as survivors move up, full collections that
walk every long-lived object: the engine's gazetteers, patterns and tokenizer rules, the
inventory's rows. Measured with `gc.callbacks` on `bench.logs`' 20 MiB application log
(`--full --workers 1`): 0.35 s of a 3.6 s scan in the collector, 0.08 s from 20,000; on 500
small tables, 0.3 s of the coordinator's time, 0.09 s. What a scan makes is freed by reference
counting; the collector is there for reference cycles, which are rare in it, and it still runs
once their containers outnumber `YOUNG`, so what cycles hold stays bounded (a few MB).
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

YOUNG = 20_000  # net new containers between young collections (CPython's default: 700)

F = TypeVar("F", bound=Callable)


def _raised(threshold: tuple[int, ...]) -> tuple[int, ...]:
    # never lowered, and 0 (automatic collection off) stays off: a caller's own setting stands
    return (threshold[0] and max(YOUNG, threshold[0]), *threshold[1:])


_lock = threading.Lock()
_scans = 0  # scans running in this process (a library caller may run several at once)
_before: tuple[int, ...] | None = None  # the threshold before the first of them


@contextmanager
def scanning() -> Iterator[None]:
    """Within: the young generation collected every `YOUNG` containers; the threshold the
    process had is restored when the last scan running in it ends (a library caller's
    interpreter is its own)."""
    global _scans, _before
    with _lock:
        if _scans == 0:
            _before = gc.get_threshold()
            gc.set_threshold(*_raised(_before))
        _scans += 1
    try:
        yield
    finally:
        with _lock:
            _scans -= 1
            if _scans == 0 and _before is not None:
                gc.set_threshold(*_before)
                _before = None


def while_scanning(fn: F) -> F:
    """`fn` run inside `scanning()`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with scanning():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


_own_process = False  # set by for_this_process: the interpreter is kartlegg's, not a library caller's


def for_this_process() -> None:
    """A process that is kartlegg's own (a detection process, the command line's): set for its
    whole life, start-up included (the imports and the engine's build allocate a few hundred
    thousand objects that live as long as the process: ~0.1 s of the demo scan in the collector
    at the default threshold)."""
    global _own_process
    _own_process = True
    gc.set_threshold(*_raised(gc.get_threshold()))


def started() -> None:
    """In a process of kartlegg's own, once its scan is set up: what it holds then (modules, the
    engine, the inventory's connection) lives as long as the process, and frozen it is never
    walked again by the collections the scan sets off (their time on 500 small tables: ~0.39 →
    0.29 s, the older generation's 0.13 → 0.05 s). Elsewhere (a library caller's interpreter,
    a test's) nothing."""
    if _own_process:
        gc.freeze()


def leaving() -> None:
    """At the end of the command line's process: what it made is left to the interpreter's
    teardown uncollected. The teardown's last collection walked every object the process had
    (~0.18 s after the demo scan had ended) only to find garbage the process drops with its
    memory; what holds a resource is closed before this (reports, the inventory, pools), and
    `atexit` handlers still run."""
    gc.freeze()
