"""One run per configuration at a time: a scheduled scan that outlasts its interval must not
start a second scan of the same systems (twice the load on a customer's production, two writers
of one inventory).

An flock on a file named for the configuration, in a directory private to the user. The kernel
drops the lock when the process dies, so a crashed run never blocks the next one; the file is
left in place (removing it would let a third run lock a new file while the second still holds
the old one). With a PostgreSQL inventory, an advisory lock in it covers runs on other machines
(Kubernetes pods on different nodes).

A run that finds the lock held waits for it (`--lock-wait`, default a minute), saying once who
holds it, then gives up: exit code 4.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_WAIT = 60.0  # seconds a run waits for a lock before it gives up (--lock-wait)


class Busy(Exception):
    """Another run of the same configuration holds the lock."""

    def __init__(self, what: str, holder: dict | None, waited: float | None = None):
        self.what, self.holder, self.waited = what, holder or {}, waited
        super().__init__(self.describe() + (f"; gave up after {waited:g} s (--lock-wait)" if waited else ""))

    def describe(self) -> str:
        return f"another run of {self.what} is in progress{held_by(self.holder)}"


class InventoryLocked(Busy):
    """Another process holds the inventory's write lock (an SQLite file it is writing)."""

    def describe(self) -> str:
        return f"the inventory {self.what} is locked by another process{held_by(self.holder, 'held by ')}"


def held_by(holder: dict | None, lead: str = "") -> str:
    """` (pid 1234 on host-a, since …)` of what is known about a lock's holder."""
    holder = holder or {}
    who = " ".join(p for p in (f"pid {holder['pid']}" if holder.get("pid") else "",
                               f"on {holder['host']}" if holder.get("host") else "") if p)
    when = f"since {holder['since']}" if holder.get("since") else ""
    shown = ", ".join(p for p in (who, when) if p)
    return f" ({lead}{shown})" if shown else ""


def default_directory() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        return Path(runtime) / "kartlegg"
    return Path(tempfile.gettempdir()) / f"kartlegg-{os.getuid()}"


def _private_directory(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = path.stat()
    if st.st_uid != os.getuid():  # in a shared /tmp another user could own it and hold our locks
        raise PermissionError(f"lock directory {path} belongs to another user (uid {st.st_uid})")
    return path


def lock_path(key: str, directory: str | Path | None = None) -> Path:
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return _private_directory(Path(directory) if directory else default_directory()) / f"{digest}.lock"


@contextmanager
def run_lock(key: str, what: str, directory: str | Path | None = None, wait: float = 0.0, on_wait=None):
    """Hold the lock for `key` (shown to people as `what`), waiting up to `wait` seconds;
    `on_wait(holder)` is called once when the wait begins."""
    path = lock_path(key, directory)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(what, _holder(fd), waited=wait) from None
                if on_wait is not None and not told:
                    on_wait(Busy(what, _holder(fd)))
                    told = True
                time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "what": what,
                                  "since": datetime.now(UTC).isoformat(timespec="seconds")}).encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the flock


def _holder(fd: int) -> dict | None:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"null")
    except (OSError, ValueError):
        return None
