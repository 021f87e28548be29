"""The inventory's own locks, beside the database's: one migration at a time, one run of a
configuration at a time across the machines that share a PostgreSQL inventory, and who holds an
SQLite inventory's write lock, so a scan that waits for it can name the holder.

A running scan's liveness lock is in `scanner.inventory.liveness`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import time
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

_SQLITE_PENDING_BYTE = 0x4000_0000  # SQLite's lock bytes in the database file (rollback-journal mode) start here
_SQLITE_WAL_WRITE_BYTE = 120  # … and in WAL mode the write lock is this byte of the -shm file


def sqlite_file(engine: Engine) -> str | None:
    """The SQLite inventory's file, absolute; None for PostgreSQL and in-memory databases."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return str(Path(database).expanduser().resolve())


@contextmanager
def run_lock(engine: Engine, key: str, what: str, wait: float = 0.0, on_wait=None):
    """With PostgreSQL, an advisory lock held for the run, so runs of one configuration on
    different machines sharing this inventory do not overlap; with SQLite nothing (the run's
    file lock covers the one machine that can reach the file). Waits up to `wait` seconds
    (`on_wait(Busy)` once, naming the holder); then Busy."""
    from scanner.system.lock import Busy

    if engine.dialect.name != "postgresql":
        yield
        return
    digest = hashlib.sha256(("run:" + key).encode("utf-8", "surrogateescape")).digest()
    k = int.from_bytes(digest[:8], "big", signed=True)
    what = what + " (another machine, by the inventory's lock)"
    with engine.connect() as conn:
        deadline, told = time.monotonic() + wait, False
        while not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": k}).scalar():
            conn.commit()
            if time.monotonic() >= deadline:
                raise Busy(what, advisory_holder(conn, k), waited=wait)
            if on_wait is not None and not told:
                on_wait(Busy(what, advisory_holder(conn, k)))
                told = True
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        # who holds it, for a run that waits: the session's application_name
        conn.execute(sa.text("SELECT set_config('application_name', :n, false)"), {"n": holder_tag()})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": k})
            conn.commit()


def holder_tag() -> str:
    """What a PostgreSQL session holding a run's lock calls itself (63 characters at most)."""
    return f"kartlegg {os.getpid()}@{socket.gethostname()}"[:63]


def advisory_holder(conn: Connection, key: int) -> dict | None:
    """Who holds the advisory lock `key` (a bigint: PostgreSQL shows its two halves)."""
    whole = key & 0xFFFF_FFFF_FFFF_FFFF
    try:
        row = conn.execute(sa.text(
            "SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
            "AND l.classid::bigint = :hi AND l.objid::bigint = :lo"),
            {"hi": whole >> 32, "lo": whole & 0xFFFF_FFFF}).first()
        conn.commit()
    except DBAPIError:  # statistics not visible to this role: the holder stays unnamed
        conn.rollback()
        return None
    if row is None:
        return None
    found = re.fullmatch(r"kartlegg (\d+)@(.*)", row[0] or "")
    since = row[1].astimezone(UTC).isoformat(timespec="seconds") if row[1] else None
    return {"pid": int(found[1]), "host": found[2], "since": since} if found else {"since": since}


def sqlite_write_holder(database: str) -> dict | None:
    """The process holding an SQLite file's write lock, from the kernel's list of locks (Linux
    /proc/locks, this machine only): the WAL write lock is a byte of the -shm file; in rollback-
    journal mode the RESERVED, PENDING and EXCLUSIVE locks are bytes of the database file."""
    wanted = {}
    for path, first, last in ((database + "-shm", _SQLITE_WAL_WRITE_BYTE, _SQLITE_WAL_WRITE_BYTE),
                              (database, _SQLITE_PENDING_BYTE, _SQLITE_PENDING_BYTE + 511)):
        try:
            wanted[os.stat(path).st_ino] = (first, last)
        except OSError:
            continue
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        f = line.split()  # 1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 120 120  ("->" marks a waiter)
        if len(f) < 8 or "->" in f or f[1] not in ("POSIX", "OFDLCK") or f[3] != "WRITE":
            continue
        try:
            pid, inode = int(f[4]), int(f[5].rsplit(":", 1)[1])
            start, end = int(f[6]), (1 << 63 if f[7] == "EOF" else int(f[7]))
        except (ValueError, IndexError):
            continue
        span = wanted.get(inode)
        if span and start <= span[1] and end >= span[0] and pid > 0 and pid != os.getpid():
            return {"pid": pid, "host": socket.gethostname()}
    return None


@contextmanager
def migration_lock(engine: Engine):
    """An SQLite file's migrations one at a time (its DDL is not transactional under the driver);
    PostgreSQL's take an advisory lock in the migration's own transaction (Store.migrate)."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    # the directory, not the file: closing any descriptor of the database file would drop
    # SQLite's own POSIX locks in this process, and a lock file would be left lying about
    fd = os.open(Path(database).expanduser().resolve().parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock
