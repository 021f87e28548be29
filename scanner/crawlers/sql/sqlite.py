"""Opening an SQLite file so that nothing is written beside it, on a read-only directory or medium
too.

`mode=ro` alone is not enough: SQLite opens a WAL-mode database's `-wal` with O_CREAT whatever the
mode, and needs its `-shm` (the shared WAL index) to read one, so a read-only open of a WAL database
creates both files next to it, and fails where it cannot. Which open is safe depends on the files
that are there when a connection is made (`plan`):

- no `-wal`, rollback-journal database: `mode=ro`. Shared file locks, nothing created; a hot
  journal a crashed writer left makes the open fail, as it cannot be rolled back read-only.
- no `-wal`, WAL-mode database: `immutable=1`. No connection has it open in WAL mode (one would
  have made the `-wal`), so every commit is in the file.
- `-wal` and `-shm`: `mode=ro`, like any reader: it shares live writers' index and sees every
  commit.
- `-wal` holding a committed transaction, no `-shm` (a killed writer's, or a backup that left the
  `-shm` out): `vfs=unix-none` with exclusive locking, so the WAL index is built in the
  connection's own memory and the `-wal`'s commits are read with no `-shm` made.
- `-wal` holding nothing committed and no `-shm`, or an empty database file: `immutable=1`; there
  is nothing more to read, and SQLite would delete such a `-wal`.

A connection with its own WAL index tries to checkpoint the `-wal` when it closes; the checkpoint's
writes fail on the O_RDONLY database file, so nothing changes. Only when that index is empty would
the checkpoint succeed and SQLite delete the `-wal`: hence `wal_has_commit`, which mirrors SQLite's
recovery. It reads at most `WAL_CHECK_BYTES` to find the first commit; a `-wal` whose first
transaction is larger is not read (`immutable=1`), and the crawler logs that its commits were left
out.

The trade-off: `immutable=1` and `unix-none` take no lock. They are used only when no connection
has the database open in WAL mode (a WAL connection keeps the `-shm` while it lives), so nothing
writes; a writer that opens it while the scan reads can make a table's read fail (SQLITE_CORRUPT)
or mix rows of before and after its checkpoint, and the next scan reads it again (its change token
moves). With `-shm` present the scan takes read marks in it like any reader (it writes into the
`-shm`, which is how readers keep a writer from recycling WAL frames they read), and never writes
the database or the `-wal`: the database file is always opened O_RDONLY.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import struct
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

WAL_HEADER = 32
FRAME_HEADER = 24
WAL_MAGIC = (0x377F0682, 0x377F0683)  # the low bit: checksums over big-endian words
WAL_VERSION = 3007000
WAL_CHECK_BYTES = 64 << 20  # the checksum runs at ~15 MB/s in Python: a few seconds at most
# pysqlite's own keyword arguments, which SQLAlchemy takes from the URL's query; the rest of the
# query are SQLite URI parameters
DRIVER_ARGS = {"uri", "timeout", "isolation_level", "detect_types", "check_same_thread", "cached_statements"}
# URI parameters with which the user chose the open; kartlegg's choice is then left out
CHOSEN = {"immutable", "vfs", "nolock"}


@dataclass(frozen=True)
class Target:
    """An SQLite file a URL names, and the SQLite URI parameters it gives."""

    path: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    params: dict[str, str]
    exclusive: bool = False  # PRAGMA locking_mode=EXCLUSIVE before the first read: an in-memory WAL index
    unread: bool = False  # a -wal whose commits this open leaves out


def target(url) -> Target | None:
    """The file of an `sqlite://` SQLAlchemy URL, or None for an in-memory database.

    Takes `sqlite:///path` and the URI form `sqlite:///file:path?mode=ro&uri=true` (whose path
    may be percent-encoded)."""
    database = url.database or ""
    query = {k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()}
    params = {}
    if database.startswith("file:"):
        database = unquote(database[len("file:"):], errors="surrogateescape")
        if database.startswith("//"):  # file://localhost/path or file:///path
            authority, _, rest = database[2:].partition("/")
            database = "/" + rest if authority in ("", "localhost") else database
        if str(query.get("uri", "")).lower() in ("true", "1", "yes", "on"):
            params = {k: v for k, v in query.items() if k not in DRIVER_ARGS}
    if not database or database == ":memory:" or params.get("mode") == "memory":
        return None
    return Target(database, params)


def plan(path: str, chosen: dict[str, str] | None = None) -> Plan:
    """How to open `path` read-only without writing beside it (the module's table), decided from
    the files there now."""
    chosen = {k: v for k, v in (chosen or {}).items() if k != "mode"}
    read_only = {"mode": "ro", **chosen}
    immutable = {**read_only, "immutable": "1"}
    if CHOSEN & set(chosen):
        return Plan(read_only)
    wal, shm = f"{path}-wal", f"{path}-shm"
    if not os.path.exists(wal):
        return Plan(immutable if is_wal_mode(path) else read_only)
    if _size(path) == 0:  # SQLite deletes the -wal of an empty database file when it opens it
        return Plan(immutable)
    if os.path.exists(shm):
        return Plan(read_only)
    committed = wal_has_commit(wal)
    if committed:
        return Plan({**read_only, "vfs": "unix-none"}, exclusive=True)
    return Plan(immutable, unread=committed is None)


def file_uri(path: str) -> str:
    """`path` as an SQLite URI filename: absolute, with `?`, `#`, `%`, spaces and non-ASCII
    percent-encoded, and an empty authority (`file:///…`) so that a path starting `//` stays one."""
    return "file://" + quote(os.fsencode(os.path.abspath(path)), safe="/")


def uri(path: str, params: dict[str, str]) -> str:
    return file_uri(path) + "?" + "&".join(f"{quote(k)}={quote(str(v))}" for k, v in params.items())


def open_read_only(found: Target, **kwargs) -> tuple[sqlite3.Connection, Plan]:
    """A DB-API connection to `found` opened as `plan` decides now (SQLAlchemy's do_connect calls
    this for every new connection), and that plan."""
    chosen = plan(found.path, found.params)
    try:
        return connect(found.path, chosen, **kwargs), chosen
    except sqlite3.OperationalError:
        if chosen.params.get("vfs") != "unix-none" or found.params.get("vfs"):
            raise
    # an SQLite built without the unix-none VFS (not for Unix): the -wal is left out
    chosen = Plan({**{k: v for k, v in chosen.params.items() if k != "vfs"}, "immutable": "1"}, unread=True)
    return connect(found.path, chosen, **kwargs), chosen


def connect(path: str, chosen: Plan, **kwargs) -> sqlite3.Connection:
    kwargs = {k: v for k, v in kwargs.items() if k != "uri"}
    conn = sqlite3.connect(uri(path, chosen.params), uri=True, **kwargs)
    if chosen.exclusive:
        # Before anything is read: the WAL index is then built in this connection's memory, so no
        # -shm is made. unix-none turns the exclusive lock this takes into a no-op.
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    return conn


def is_wal_mode(path: str) -> bool:
    """The database header's read and write versions (offsets 18, 19) are 2 in WAL mode."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(20)
    except OSError:
        return False  # SQLite's own open reports it
    return header[:16] == b"SQLite format 3\x00" and header[18:20] == b"\x02\x02"


def wal_has_commit(path: str) -> bool | None:
    """True when SQLite's recovery of this WAL file would find a committed transaction: a valid
    header, then frames whose salts match it and whose running checksum holds, up to one whose
    commit field (the database's size after the commit) is not zero. Mirrors walIndexRecover; any
    doubt is False, which costs the `-wal`'s commits, never the `-wal` itself. None: no commit in
    the first WAL_CHECK_BYTES, so undecided."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return _wal_has_commit(path, st.st_ino, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _wal_has_commit(path: str, _inode: int, _size: int, _mtime: int) -> bool | None:
    """wal_has_commit, once per version of the file (every pooled connection asks)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(WAL_HEADER)
            if len(header) < WAL_HEADER:
                return False
            magic, version, page, _, salt1, salt2, sum1, sum2 = struct.unpack(">8I", header)
            if magic not in WAL_MAGIC or version != WAL_VERSION or not 512 <= page <= 65536 or page & (page - 1):
                return False
            order = ">" if magic & 1 else "<"
            running = _checksum(order, header[:24], (0, 0))
            if running != (sum1, sum2):
                return False
            while len(frame := fh.read(FRAME_HEADER + page)) == FRAME_HEADER + page:
                if fh.tell() > WAL_CHECK_BYTES:
                    return None
                number, commit, fsalt1, fsalt2, fsum1, fsum2 = struct.unpack(">6I", frame[:FRAME_HEADER])
                if (fsalt1, fsalt2) != (salt1, salt2) or number == 0:
                    return False
                running = _checksum(order, frame[FRAME_HEADER:], _checksum(order, frame[:8], running))
                if running != (fsum1, fsum2):
                    return False
                if commit:
                    return True
    except OSError:
        return False
    return False


def _checksum(order: str, data: bytes, start: tuple[int, int]) -> tuple[int, int]:
    """SQLite's WAL checksum (walChecksumBytes) over 32-bit words in `order`, continued from
    `start`."""
    s1, s2 = start
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s1 = (s1 + words[i] + s2) & 0xFFFFFFFF
        s2 = (s2 + words[i + 1] + s1) & 0xFFFFFFFF
    return s1, s2


def _size(path: str) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None
