"""A running scan's liveness lock, which its process loses however it ends: an flock on a file in
the `-scans` directory beside an SQLite inventory, a session advisory lock in a PostgreSQL one.
So the next scan can tell a scan still running, here or on another machine, from one whose
process was killed: that one is marked `abandoned`.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scanner.inventory.locks import sqlite_file
from scanner.inventory.models import ABANDONED, RUNNING, Scan


def hold(store, scan_id: str):
    """Take the scan's liveness lock (before its row says `running`); returns the function
    that lets go of it (after the row says how the scan ended)."""
    path = lock_path(store.engine, scan_id)
    if path is not None:
        return _hold_file(path)
    if store.engine.dialect.name != "postgresql":
        return lambda: None
    conn = store.engine.connect()
    key = _scan_key(scan_id)
    conn.execute(sa.text("SELECT pg_try_advisory_lock(:c, :k)"), key)  # unique but for a 2**-64 chance
    conn.commit()

    def release() -> None:
        try:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:c, :k)"), key)
            conn.commit()
        except Exception:  # noqa: BLE001 - a connection gone took the lock with it
            pass
        finally:
            conn.close()

    return release


def sweep_abandoned(store) -> list[str]:
    """Mark `abandoned` the scans whose row says `running` but whose liveness lock nobody
    holds: their process died without a word. A scan running (here or on another machine
    sharing the inventory) holds its lock and is left alone. Returns the scans marked."""
    engine = store.engine
    if sqlite_file(engine) is None and engine.dialect.name != "postgresql":
        return []  # an in-memory database: no other process could have run a scan in it
    with engine.connect() as conn:
        running = list(conn.execute(sa.select(Scan.id).where(Scan.status == RUNNING)).scalars())
        gone = [scan_id for scan_id in running if not _alive(engine, conn, scan_id)]
    if not gone:
        return []

    def work(conn):  # the status again: a scan that ended meanwhile keeps how it ended
        conn.execute(sa.update(Scan).where(Scan.id.in_(gone), Scan.status == RUNNING).values(status=ABANDONED))

    store.transaction(work)
    for scan_id in gone:
        path = lock_path(engine, scan_id)
        if path is not None:
            path.unlink(missing_ok=True)
    return gone


def lock_path(engine, scan_id: str) -> Path | None:
    """The file whose flock says a scan of an SQLite inventory runs; None for PostgreSQL."""
    database = sqlite_file(engine)
    if database is None:
        return None
    # a digest: the name is safe whatever a report fed to Store.write calls its scan
    return Path(database + "-scans") / (hashlib.sha256(scan_id.encode()).hexdigest()[:32] + ".lock")


def _alive(engine, conn: Connection, scan_id: str) -> bool:
    path = lock_path(engine, scan_id)
    if path is not None:
        return _file_held(path)
    key = _scan_key(scan_id)
    if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:c, :k)"), key).scalar():
        return True
    conn.execute(sa.text("SELECT pg_advisory_unlock(:c, :k)"), key)
    return False


def _me() -> dict:
    """Who holds a scan's lock file, written in it for people looking at a scan that seems stuck."""
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds")}


def _scan_key(scan_id: str) -> dict:
    """A scan's advisory lock: two int4 keys, a space of their own beside the bigint run locks."""
    digest = hashlib.sha256(("scan:" + scan_id).encode()).digest()
    return {"c": int.from_bytes(digest[:4], "big", signed=True), "k": int.from_bytes(digest[4:8], "big", signed=True)}


def _hold_file(path: Path):
    """An flock held until the returned function is called; the kernel drops it if we die."""
    path.parent.mkdir(exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # new: only a sweeper's look can hold it, for a moment
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(_me()).encode())  # for people looking at a scan that seems stuck
    except BaseException:
        os.close(fd)
        raise

    def release() -> None:
        try:
            path.unlink(missing_ok=True)  # first: a sweeper that opens it now finds the scan settled
        finally:
            os.close(fd)

    return release


def _file_held(path: Path) -> bool:
    """Whether a process holds the flock on `path`; one that cannot be looked at counts as held."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
