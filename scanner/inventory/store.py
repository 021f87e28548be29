"""The inventory store: consumes a scan's record stream (it is a report writer) and keeps what
is where between scans, in SQLite (embedded) or PostgreSQL (shared).

Concurrency: every write is an `INSERT … ON CONFLICT DO UPDATE` or an `UPDATE … WHERE` that
re-checks its condition, in short transactions (one per batch of records), retried on deadlock.
Which scan wins when two write the same rows: the one that *started* later (its `started_at` is
the time it saw things), whatever order the writes arrive in; `first_seen` is the earliest and
`last_seen` the latest scan that saw a row. So no update is lost and the end state does not
depend on how two scanners' writes interleave.

A running scan holds a liveness lock that its process loses however it ends (an flock on a file in
the `-scans` directory beside an SQLite inventory, a session advisory lock in a PostgreSQL one), so
the next scan can tell a scan still running, here or on another machine, from one whose process
was killed: that one is marked `abandoned`. Another process's write lock on an SQLite inventory
is waited for (`lock_wait`, kartlegg scan --lock-wait), then `InventoryLocked` (exit code 4).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError

from scanner.inventory.models import (
    ABANDONED,
    COMPLETED,
    CONFIRMED,
    ERROR,
    FAILED,
    FALSE_POSITIVE,
    GONE,
    INCOMPLETE,
    INTERRUPTED,
    PRESENT,
    RUNNING,
    SCANNED,
    SKIPPED,
    UNCHANGED,
    Coverage,
    Finding,
    Location,
    Observation,
    Review,
    Scan,
    Source,
)

MIGRATIONS = Path(__file__).parent / "migrations"
_OUTCOME_RANK = {UNCHANGED: 1, SCANNED: 1, SKIPPED: 2, ERROR: 3}  # a dataset both scanned and errored counts as errored
_RETRY_PGCODES = {"40P01", "40001"}  # deadlock, serialization failure
_PG_MIGRATE_LOCK = 0x6B61_7274  # advisory lock: one migration at a time
_SQLITE_PENDING_BYTE = 0x4000_0000  # SQLite's lock bytes in the database file (rollback-journal mode) start here
_SQLITE_WAL_WRITE_BYTE = 120  # … and in WAL mode the write lock is this byte of the -shm file

log = logging.getLogger(__name__)


def _url_text(url) -> str:
    """An SQLAlchemy URL (or string) as the string it was given as, password and all, for
    `scanner.redact` to mask: there is one URL-masking function, not one per kind of URL."""
    return url if isinstance(url, str) else url.render_as_string(hide_password=False)


def parse_time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def config_fingerprint(settings: dict, detectors: dict) -> str:
    blob = json.dumps({"settings": settings, "detectors": detectors}, sort_keys=True, separators=(",", ":"),
                      default=str)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def canonical_uri(uri: str | None, kind: str | None) -> str | None:
    """A source's URI as the inventory keeps it: relative file and SQLite paths made absolute,
    so the same source scanned from another directory is the same source, and two files of the
    same name in different directories are not."""
    if not uri:
        return uri
    if kind == "files" and "://" not in uri:
        return "file://" + os.path.abspath(os.path.expanduser(uri))
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////"):
        path = uri[len("sqlite:///"):]
        if path and not path.startswith(":memory:") and not path.startswith("file:"):
            return "sqlite:///" + os.path.abspath(path)
    return uri


_FAMILY = {"mariadb": "mysql"}  # one server protocol under two names


def same_place(uri: str) -> str:
    """What makes two source URIs the same system: for a server, the protocol family, host, port
    and database — not the driver, the user or connection options."""
    try:
        parts = urlsplit(uri)
        if not parts.hostname:
            return uri
        family = parts.scheme.split("+", 1)[0].lower()
        return f"{_FAMILY.get(family, family)}://{parts.hostname.lower()}:{parts.port or ''}{parts.path.rstrip('/')}"
    except ValueError:
        return uri


def entities_of(detectors: dict) -> list[str] | None:
    """The entity types a scan's detectors could report, from its header; None when unknown."""
    listed = [d.get("entities") for d in detectors.get("detectors") or []]
    if not listed or any(e is None for e in listed):
        return None
    return sorted({e for entities in listed for e in entities})


def dataset_uri(location: dict) -> str:
    """The dataset's own URI from a location (a field's URI is the dataset's plus #field)."""
    uri = location["uri"]
    return uri.rsplit("#", 1)[0] if location.get("field") is not None and "#" in uri else uri


def status_of(exit_code: int) -> str:
    return {0: COMPLETED, 1: COMPLETED, 3: INCOMPLETE}.get(exit_code, FAILED)


class Store:
    """`Store.open(url)`; then `store.writer()` (or the store itself) goes into
    `pipeline.scan(..., writers=[...])`."""

    NAME = "inventory"

    def __init__(self, engine: Engine, batch_size: int = 200):
        from scanner.system.lock import DEFAULT_WAIT

        self.engine = engine
        self.batch_size = batch_size
        self.lock_wait = DEFAULT_WAIT  # seconds another process's lock is waited for (--lock-wait)
        self._default: InventoryWriter | None = None
        self._lock = threading.Lock()

    # -- opening and migrating --------------------------------------------------------------

    @classmethod
    def open(cls, url: str, migrate: bool = True, batch_size: int = 200, **engine_kwargs) -> Store:
        """A URL (sqlite:///path, postgresql://…) or a plain file path (an SQLite file). An SQLite
        file and its directory are created on first use; the schema is upgraded to head."""
        if "://" not in url:
            url = f"sqlite:///{Path(url).expanduser().resolve()}"
        from scanner.model.sources import with_driver

        u = with_driver(make_url(url))
        if u.get_backend_name() == "sqlite":
            if u.database and u.database != ":memory:" and not u.database.startswith("file:"):
                Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine_kwargs.setdefault("connect_args", {"timeout": 60})
        engine = sa.create_engine(u, **engine_kwargs)
        if u.get_backend_name() == "sqlite":
            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                if u.database and u.database != ":memory:":
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.close()
        store = cls(engine, batch_size=batch_size)
        if migrate:
            store.migrate()
        return store

    def alembic_config(self, connection: Connection | None = None):
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if connection is not None:
            config.attributes["connection"] = connection
        else:  # the URL goes through ConfigParser interpolation: a %-encoded password must not break it
            config.set_main_option("sqlalchemy.url",
                                   self.engine.url.render_as_string(hide_password=False).replace("%", "%%"))
        return config

    def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema, one process at a time: PostgreSQL through an advisory lock, an SQLite
        file through an flock on its directory (SQLite's DDL is not transactional under the
        driver, so two first scans at once would both create the tables)."""
        from alembic import command

        self._alembic(command.upgrade, revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        self._alembic(command.downgrade, revision)

    def _alembic(self, fn, revision: str) -> None:
        with _sqlite_migration_lock(self.engine), self.engine.connect() as conn:
            sqlite_db = conn.dialect.name == "sqlite"
            if sqlite_db:
                # SQLite alters a table by copying it; with foreign keys on, dropping the old copy of
                # a referenced table fails. The pragma only works outside a transaction.
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATE_LOCK})
                    fn(self.alembic_config(conn), revision)
            finally:
                if sqlite_db:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def masked_url(self) -> str:
        from scanner.model.redact import mask_url

        return mask_url(_url_text(self.engine.url))

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be printed, for error messages: every credential in the URL, as given
        and %-encoded."""
        from scanner.model.redact import url_secrets

        return tuple(url_secrets(_url_text(self.engine.url)))

    # -- writing ----------------------------------------------------------------------------

    def writer(self) -> InventoryWriter:
        """A writer for one scan's record stream (write/close), as report writers are."""
        return InventoryWriter(self)

    def write(self, record: dict) -> None:
        with self._lock:
            if self._default is None:
                self._default = self.writer()
        self._default.write(record)
        if record.get("record") == "summary":
            self.close()

    def close(self) -> None:
        with self._lock:
            w, self._default = self._default, None
        if w is not None:
            w.close()

    def transaction(self, work, attempts: int = 8):
        """Run `work(conn)` in one transaction, again on a deadlock, and on a busy SQLite file
        until `lock_wait` seconds have passed (SQLite itself waits up to a minute each time):
        then InventoryLocked, naming the holder."""
        from scanner.system.lock import InventoryLocked

        began, attempt = time.monotonic(), 0
        while True:
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except DBAPIError as exc:
                code = getattr(exc.orig, "pgcode", None)
                busy = "database is locked" in str(exc.orig)
                waited = time.monotonic() - began
                if busy and waited >= self.lock_wait:
                    raise InventoryLocked(self.masked_url, self._sqlite_holder(), waited=round(waited)) from exc
                if not busy and (attempt >= attempts - 1 or code not in _RETRY_PGCODES):
                    raise
            time.sleep(min(1.0, 0.05 * (2 ** attempt)))
            attempt += 1

    def wait_writable(self, wait: float, on_wait=None) -> None:
        """Return once the inventory can be written: an SQLite file another process is writing
        is waited for, up to `wait` seconds (`on_wait(InventoryLocked)` once, when the wait
        begins), then InventoryLocked. A file that refuses writes is an OutputError."""
        import sqlite3

        from scanner.system.lock import InventoryLocked
        from scanner.system.outputs import OutputError

        database = _sqlite_file(self.engine)
        if database is None:
            return
        deadline, told = time.monotonic() + wait, False
        while True:
            try:  # a connection of its own, so its busy timeout can be short
                probe = sqlite3.connect(database, timeout=max(0.0, min(1.0, deadline - time.monotonic())),
                                        isolation_level=None)
                try:
                    probe.execute("BEGIN IMMEDIATE")
                    probe.execute("ROLLBACK")
                    return
                finally:
                    probe.close()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise OutputError(f"cannot write the inventory {self.masked_url}: {exc}") from None
            if time.monotonic() >= deadline:
                raise InventoryLocked(self.masked_url, self._sqlite_holder(), waited=wait)
            if on_wait is not None and not told:
                on_wait(InventoryLocked(self.masked_url, self._sqlite_holder()))
                told = True

    def _sqlite_holder(self) -> dict | None:
        database = _sqlite_file(self.engine)
        return _sqlite_write_holder(database) if database else None

    def conflicts(self, sources: list[dict]) -> list[str]:
        """Sources (as in a report header) whose name the inventory already gives to a source at
        another URI: scanning them would merge two systems into one."""
        names = {s["name"]: canonical_uri(s.get("uri"), s.get("type")) for s in sources}
        with self.session() as s:
            known = dict(s.execute(sa.select(Source.name, Source.uri).where(Source.name.in_(list(names)))).all())
        return [f"the inventory's source {name!r} is {known[name]}, not {uri}"
                for name, uri in sorted(names.items())
                if known.get(name) and uri and same_place(known[name]) != same_place(uri)]

    def declare(self, source: str, **metadata) -> None:
        """Declared metadata for a source (see `declared.FIELDS`), from configuration; scans never
        overwrite it. Keys not given keep their value; a key given as None is cleared."""
        from scanner.inventory.declared import validate

        metadata = validate(source, metadata)

        def work(conn):
            values = {**metadata, "declared_at": datetime.now(UTC)} if metadata else {}
            ins = _insert(conn)(Source).values(name=source, **values)
            conn.execute(ins.on_conflict_do_update(index_elements=[Source.name], set_=values)
                         if values else ins.on_conflict_do_nothing(index_elements=[Source.name]))

        self.transaction(work)

    def review(self, uri: str, decision: str, entity_type: str | None = None, note: str | None = None,
               who: str | None = None, source: str | None = None) -> int:
        """An analyst's decision on a location (all its findings, or one entity type), with the
        evidence it was made on (entity types, hit ratios) so a later scan can tell whether the
        evidence changed materially. Returns the review's id."""
        if decision not in (FALSE_POSITIVE, CONFIRMED):
            raise ValueError(f"decision must be {FALSE_POSITIVE} or {CONFIRMED}")
        with self.session() as s, s.begin():
            q = sa.select(Location).where(Location.uri == uri)
            if source is not None:
                q = q.join(Source, Location.source_id == Source.id).where(Source.name == source)
            locations = s.scalars(q).all()
            if len(locations) != 1:
                raise LookupError(f"{len(locations)} locations in the inventory at {uri}")
            loc = locations[0]
            fq = sa.select(Finding).where(Finding.location_id == loc.id, Finding.status == PRESENT)
            if entity_type is not None:
                fq = fq.where(Finding.entity_type == entity_type)
            found = s.scalars(fq).all()
            if entity_type is not None and not found:
                raise LookupError(f"no {entity_type} finding at {uri}")
            evidence = {"entity_types": sorted(f.entity_type for f in found),
                        "categories": sorted({f.category for f in found}),
                        "ratio": {f.entity_type: f.ratio for f in found},
                        "confidence": {f.entity_type: f.confidence for f in found},
                        "scan_id": loc.last_scan_id}
            r = Review(location_id=loc.id, entity_type=entity_type, decision=decision, note=note, who=who,
                       at=datetime.now(UTC), evidence=evidence)
            s.add(r)
            s.flush()
            return r.id

    @contextmanager
    def run_lock(self, key: str, what: str, wait: float = 0.0, on_wait=None):
        """With PostgreSQL, an advisory lock held for the run, so runs of one configuration on
        different machines sharing this inventory do not overlap; with SQLite nothing (the run's
        file lock covers the one machine that can reach the file). Waits up to `wait` seconds
        (`on_wait(Busy)` once, naming the holder); then Busy."""
        from scanner.system.lock import Busy

        if self.engine.dialect.name != "postgresql":
            yield
            return
        digest = hashlib.sha256(("run:" + key).encode("utf-8", "surrogateescape")).digest()
        k = int.from_bytes(digest[:8], "big", signed=True)
        what = what + " (another machine, by the inventory's lock)"
        with self.engine.connect() as conn:
            deadline, told = time.monotonic() + wait, False
            while not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": k}).scalar():
                conn.commit()
                if time.monotonic() >= deadline:
                    raise Busy(what, _advisory_holder(conn, k), waited=wait)
                if on_wait is not None and not told:
                    on_wait(Busy(what, _advisory_holder(conn, k)))
                    told = True
                time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
            # who holds it, for a run that waits: the session's application_name
            conn.execute(sa.text("SELECT set_config('application_name', :n, false)"), {"n": _holder_tag()})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": k})
                conn.commit()

    # -- running scans ------------------------------------------------------------------------

    def hold_scan(self, scan_id: str):
        """Take the scan's liveness lock (before its row says `running`); returns the function
        that lets go of it (after the row says how the scan ended)."""
        path = self._scan_lock_path(scan_id)
        if path is not None:
            return _hold_file(path)
        if self.engine.dialect.name != "postgresql":
            return lambda: None
        conn = self.engine.connect()
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

    def sweep_abandoned(self) -> list[str]:
        """Mark `abandoned` the scans whose row says `running` but whose liveness lock nobody
        holds: their process died without a word. A scan running (here or on another machine
        sharing the inventory) holds its lock and is left alone. Returns the scans marked."""
        if _sqlite_file(self.engine) is None and self.engine.dialect.name != "postgresql":
            return []  # an in-memory database: no other process could have run a scan in it
        with self.engine.connect() as conn:
            running = list(conn.execute(sa.select(Scan.id).where(Scan.status == RUNNING)).scalars())
            gone = [scan_id for scan_id in running if not self._scan_alive(conn, scan_id)]
        if not gone:
            return []

        def work(conn):  # the status again: a scan that ended meanwhile keeps how it ended
            conn.execute(sa.update(Scan).where(Scan.id.in_(gone), Scan.status == RUNNING).values(status=ABANDONED))

        self.transaction(work)
        for scan_id in gone:
            path = self._scan_lock_path(scan_id)
            if path is not None:
                path.unlink(missing_ok=True)
        return gone

    def _scan_lock_path(self, scan_id: str) -> Path | None:
        database = _sqlite_file(self.engine)
        if database is None:
            return None
        # a digest: the name is safe whatever a report fed to Store.write calls its scan
        return Path(database + "-scans") / (hashlib.sha256(scan_id.encode()).hexdigest()[:32] + ".lock")

    def _scan_alive(self, conn: Connection, scan_id: str) -> bool:
        path = self._scan_lock_path(scan_id)
        if path is not None:
            return _file_held(path)
        key = _scan_key(scan_id)
        if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:c, :k)"), key).scalar():
            return True
        conn.execute(sa.text("SELECT pg_advisory_unlock(:c, :k)"), key)
        return False

    # -- reading ----------------------------------------------------------------------------

    def versions(self, source: str) -> dict[str, dict]:
        """The source's present datasets last read whole: {dataset URI: {version, scan_id, at,
        entity_types}}, the entity types being what is present in the dataset now."""
        with self.session() as s:
            rows = s.execute(sa.select(Location.uri, Location.container, Location.dataset, Location.version,
                                       Location.last_scan_id, Location.last_seen)
                             .join(Source, Location.source_id == Source.id)
                             .where(Source.name == source, Location.field.is_(None), Location.status == PRESENT,
                                    Location.version.isnot(None), Location.version != "")).all()
            found = s.execute(sa.select(Location.container, Location.dataset, Finding.entity_type).distinct()
                              .join(Location, Finding.location_id == Location.id)
                              .join(Source, Location.source_id == Source.id)
                              .where(Source.name == source, Finding.status == PRESENT)).all()
        from scanner.inventory.views import iso

        entities: dict[tuple, set] = {}
        for f in found:
            entities.setdefault((f.container, f.dataset), set()).add(f.entity_type)
        return {r.uri: {"version": r.version, "scan_id": r.last_scan_id,
                        "at": iso(r.last_seen),
                        "entity_types": sorted(entities.get((r.container, r.dataset), ()))}
                for r in rows}

    def session(self):
        from sqlalchemy.orm import Session

        return Session(self.engine)


def _sqlite_file(engine: Engine) -> str | None:
    """The SQLite inventory's file, absolute; None for PostgreSQL and in-memory databases."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return str(Path(database).expanduser().resolve())


def _me() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds")}


def _holder_tag() -> str:
    """What a PostgreSQL session holding a run's lock calls itself (63 characters at most)."""
    return f"kartlegg {os.getpid()}@{socket.gethostname()}"[:63]


def _advisory_holder(conn: Connection, key: int) -> dict | None:
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


def _sqlite_write_holder(database: str) -> dict | None:
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
def _sqlite_migration_lock(engine: Engine):
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


def _insert(conn: Connection):
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


def _later(new, old):
    return sa.case((new > old, new), else_=old)


def _earlier(new, old):
    return sa.case((new < old, new), else_=old)


_STATEMENTS: dict[str, dict] = {}


def statements(dialect: str) -> dict:
    """The upserts, built once per dialect and run with many rows at a time (building a
    statement costs more than running it)."""
    if dialect in _STATEMENTS:
        return _STATEMENTS[dialect]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    loc = Location.__table__
    ins = insert(loc)
    t, ex = loc.c, ins.excluded
    newer = ex.checked_at >= t.checked_at
    location = ins.on_conflict_do_update(index_elements=[t.source_id, t.uri], set_={
        "first_seen": _earlier(ex.first_seen, t.first_seen),
        "last_seen": _later(ex.last_seen, t.last_seen),
        "last_scan_id": sa.case((ex.last_seen >= t.last_seen, ex.last_scan_id), else_=t.last_scan_id),
        "checked_at": _later(ex.checked_at, t.checked_at),
        "status": sa.case((newer, ex.status), else_=t.status),
        "row_estimate": sa.case((newer, sa.func.coalesce(ex.row_estimate, t.row_estimate)), else_=t.row_estimate),
        # a dataset record sets the version ("" when it was not read whole: read it next time);
        # a finding's upsert of the same row (a file's own findings) passes NULL and leaves it
        "version": sa.case((newer, sa.func.coalesce(ex.version, t.version)), else_=t.version),
        "sealed": sa.func.coalesce(ex.sealed, t.sealed),
    }).returning(t.id, t.source_id, t.uri)

    fnd = Finding.__table__
    ins = insert(fnd)
    t, ex = fnd.c, ins.excluded
    newer = ex.checked_at >= t.checked_at
    kept = ("category", "personal", "confidence", "hits", "sampled", "ratio", "examples", "fingerprints",
            "declared_type", "status")
    finding = ins.on_conflict_do_update(index_elements=[t.location_id, t.entity_type], set_={
        **{k: sa.case((newer, getattr(ex, k)), else_=getattr(t, k)) for k in kept},
        "first_seen": _earlier(ex.first_seen, t.first_seen),
        "last_seen": _later(ex.last_seen, t.last_seen),
        "last_scan_id": sa.case((ex.last_seen >= t.last_seen, ex.last_scan_id), else_=t.last_scan_id),
        "checked_at": _later(ex.checked_at, t.checked_at),
    })

    observation = insert(Observation.__table__).on_conflict_do_nothing(
        index_elements=["scan_id", "location_id", "entity_type"])

    cov = Coverage.__table__
    ins = insert(cov)
    t = cov.c
    rank = lambda col: sa.case(_OUTCOME_RANK, value=col, else_=0)  # noqa: E731
    coverage = ins.on_conflict_do_update(index_elements=[t.scan_id, t.source_id, t.uri], set_={
        "outcome": sa.case((rank(ins.excluded.outcome) > rank(t.outcome), ins.excluded.outcome), else_=t.outcome)})

    _STATEMENTS[dialect] = {"location": location, "finding": finding, "observation": observation,
                            "coverage": coverage}
    return _STATEMENTS[dialect]


class InventoryWriter:
    """One scan's records into the inventory, in batches of `store.batch_size` records."""

    def __init__(self, store: Store):
        self.store = store
        self.pending: list[dict] = []
        self.scan_id: str | None = None
        self.seen: datetime | None = None  # the scan's started_at
        self.settings: dict = {}
        self.entities: list[str] | None = None  # what the scan looked for
        self.sources: dict[str, int] = {}  # name → id
        self.finished = False
        self._release = None  # lets go of the scan's liveness lock (Store.hold_scan)

    def write(self, record: dict) -> None:
        kind = record.get("record")
        if kind == "scan":
            self._begin(record)
        elif kind == "summary":
            self.flush()
            self._finish(record)
        elif kind in ("finding", "dataset", "error", "skipped", "unchanged"):
            self.pending.append(record)
            if len(self.pending) >= self.store.batch_size:
                self.flush()
        # other record kinds (a future `change`) are not the inventory's

    def close(self) -> None:
        try:
            self.flush()
            if self.scan_id is not None and not self.finished:  # the stream ended without a summary
                def work(conn):
                    conn.execute(sa.update(Scan).where(Scan.id == self.scan_id, Scan.status == RUNNING)
                                 .values(status=FAILED, finished_at=datetime.now(UTC)))
                self.store.transaction(work)
                self.finished = True
        finally:
            self._let_go()

    def _let_go(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()

    # -- the header --------------------------------------------------------------------------

    def _begin(self, record: dict) -> None:
        self.scan_id = record["scan_id"]
        self.seen = parse_time(record.get("started_at"))
        self.settings = record.get("settings") or {}
        self._release = self.store.hold_scan(self.scan_id)  # before the row says running
        self._sweep()
        sources = record.get("sources") or []

        self.entities = entities_of(record.get("detectors") or {})

        def work(conn):
            conn.execute(_insert(conn)(Scan).values(
                id=self.scan_id, started_at=self.seen, tool_version=(record.get("tool") or {}).get("version"),
                config_fingerprint=config_fingerprint(self.settings, record.get("detectors") or {}),
                status=RUNNING, sources=sources, entities=self.entities,
            ).on_conflict_do_nothing(index_elements=[Scan.id]))
            for s in sorted(sources, key=lambda s: s["name"]):
                self._source(conn, s)

        self.store.transaction(work)

    def _source(self, conn: Connection, src: dict) -> int:
        sid = self.sources.get(src["name"])
        if sid is not None:
            return sid
        ins = _insert(conn)(Source).values(name=src["name"], type=src.get("type"),
                                           uri=canonical_uri(src.get("uri"), src.get("type")))
        ins = ins.on_conflict_do_update(index_elements=[Source.name],
                                        set_={"type": ins.excluded.type, "uri": ins.excluded.uri})
        sid = conn.execute(ins.returning(Source.id)).scalar_one()
        self.sources[src["name"]] = sid
        return sid

    # -- records -----------------------------------------------------------------------------

    def flush(self) -> None:
        """The pending records in one transaction: one multi-row upsert per table, rows in URI
        order (one lock order for every writer, so two writers rarely deadlock)."""
        if not self.pending:
            return
        if self.scan_id is None:
            raise ValueError("inventory: records before the scan header")
        batch = self.pending
        sources = dict(self.sources)

        def work(conn):
            self.sources = dict(sources)  # a retried transaction starts again
            self._write_batch(conn, batch)

        self.store.transaction(work)
        self.pending = []

    def _write_batch(self, conn: Connection, batch: list[dict]) -> None:
        st = statements(conn.dialect.name)
        locations: dict[tuple[int, str], dict] = {}
        found: dict[tuple[int, str, str], dict] = {}
        covered: dict[tuple[int, str], dict] = {}
        for r in batch:
            sid = self._source(conn, r["source"])
            kind, loc = r["record"], r.get("location")
            if kind == "dataset":
                loc = {**loc, "field": None, "uri": dataset_uri(loc)}
                locations[(sid, loc["uri"])] = self._location_row(sid, loc, r.get("row_estimate"),
                                                                     r.get("version") or "")
                self._cover(covered, sid, loc, SCANNED)
            elif kind == "unchanged":  # met, not read: nothing in it turns gone or changes
                self._cover(covered, sid, loc, UNCHANGED)
            elif kind == "finding":  # a dataset's own row, when in this batch, keeps its version
                locations.setdefault((sid, loc["uri"]), self._location_row(sid, loc, r.get("row_estimate")))
                found[(sid, loc["uri"], r["entity_type"])] = r
            elif kind == "error":
                self._cover(covered, sid, loc, ERROR)
            elif kind == "skipped":
                self._cover(covered, sid, loc, SKIPPED, field_level=bool(loc and loc.get("field") is not None))
        ids: dict[tuple[int, str], int] = {}
        if locations:
            rows = conn.execute(st["location"], [locations[k] for k in sorted(locations)])
            ids = {(row.source_id, row.uri): row.id for row in rows}
        if found:
            keys = sorted(found)
            conn.execute(st["finding"], [self._finding_row(ids[(sid, uri)], found[(sid, uri, et)])
                                         for sid, uri, et in keys])
            conn.execute(st["observation"], [self._observation_row(ids[(sid, uri)], found[(sid, uri, et)])
                                             for sid, uri, et in keys])
        if covered:
            conn.execute(st["coverage"], [covered[k] for k in sorted(covered)])

    def _location_row(self, sid: int, loc: dict, row_estimate: int | None, version: str | None = None) -> dict:
        return dict(source_id=sid, container=loc.get("container"), dataset=loc["dataset"], field=loc.get("field"),
                    uri=loc["uri"], first_seen=self.seen, last_seen=self.seen, last_scan_id=self.scan_id,
                    checked_at=self.seen, status=PRESENT, row_estimate=row_estimate, version=version,
                    sealed=loc.get("sealed"))

    def _finding_row(self, location_id: int, r: dict) -> dict:
        return dict(location_id=location_id, entity_type=r["entity_type"], category=r["category"],
                    personal=bool(r["personal"]), confidence=r["confidence"], hits=r["hits"], sampled=r["sampled"],
                    ratio=r.get("ratio"), examples=list(r.get("examples") or []),
                    fingerprints=list(r.get("fingerprints") or []), declared_type=r.get("declared_type"),
                    first_seen=self.seen, last_seen=self.seen, last_scan_id=self.scan_id, checked_at=self.seen,
                    status=PRESENT)

    def _observation_row(self, location_id: int, r: dict) -> dict:
        return dict(scan_id=self.scan_id, location_id=location_id, entity_type=r["entity_type"],
                    category=r["category"], personal=bool(r["personal"]), confidence=r["confidence"],
                    hits=r["hits"], sampled=r["sampled"])

    def _cover(self, covered: dict, sid: int, loc: dict | None, outcome: str, field_level: bool = False) -> None:
        """What the scan did with a location, the worst outcome kept (errored over skipped over scanned)."""
        row = self._coverage_row(sid, loc, outcome, field_level)
        key = (sid, row["uri"])
        if key not in covered or _OUTCOME_RANK.get(outcome, 0) > _OUTCOME_RANK.get(covered[key]["outcome"], 0):
            covered[key] = row

    def _coverage_row(self, sid: int, loc: dict | None, outcome: str, field_level: bool = False) -> dict:
        if loc is None:
            values = dict(container=None, dataset=None, field=None, uri="")
        elif field_level:
            values = dict(container=loc.get("container"), dataset=loc["dataset"], field=loc["field"], uri=loc["uri"])
        else:
            values = dict(container=loc.get("container"), dataset=loc["dataset"], field=None, uri=dataset_uri(loc))
        return dict(scan_id=self.scan_id, source_id=sid, outcome=outcome, **values)

    # -- the summary -------------------------------------------------------------------------

    def _sweep(self) -> None:
        """Scans left running by a process that died are marked abandoned, and the log says so."""
        from scanner.system.log_events import event

        try:
            gone = self.store.sweep_abandoned()
        except Exception as exc:  # noqa: BLE001 - the scan goes on; the next one looks again
            event(log, logging.WARNING, "inventory.sweep_failed", error=type(exc).__name__)
            return
        if gone:
            event(log, logging.WARNING, "inventory.abandoned", scans=gone,
                  message="scans left running by a process that is gone are marked abandoned")

    def _finish(self, record: dict) -> None:
        counts = {k: record.get(k) for k in ("findings", "by_category", "locations", "sources")}
        # stopped by a signal: what it did not reach is not gone, only not looked at
        interrupted = bool(record.get("interrupted"))

        def work(conn):
            conn.execute(sa.update(Scan).where(Scan.id == self.scan_id).values(
                finished_at=parse_time(record.get("finished_at")),
                status=INTERRUPTED if interrupted else status_of(record.get("exit_code", 3)),
                exit_code=record.get("exit_code"), counts=counts))
            for name, sid in sorted(self.sources.items()) if not interrupted else ():
                self._mark_gone(conn, sid)

        self.store.transaction(work)
        self.finished = True
        self._let_go()

    def _mark_gone(self, conn: Connection, sid: int) -> None:
        """Locations and findings of a source this scan covered but did not see turn gone:
        - in a dataset it scanned (a dataset record, no error): the fields and findings not seen;
        - datasets it did not meet at all, in a container it did meet, when the source did not
          fail and the scan was not narrowed by include/exclude: the dataset and all in it.
        A dataset that errored or was skipped, and a skipped field, keep what they had."""
        cov = conn.execute(sa.select(Coverage.container, Coverage.dataset, Coverage.field, Coverage.uri,
                                     Coverage.outcome)
                           .where(Coverage.scan_id == self.scan_id, Coverage.source_id == sid)).all()
        if any(c.dataset is None for c in cov if c.outcome == ERROR):
            return  # the source failed
        scanned = {(c.container, c.dataset) for c in cov if c.field is None and c.outcome == SCANNED}
        met = {(c.container, c.dataset) for c in cov if c.field is None}
        skipped_fields = {c.uri for c in cov if c.field is not None}
        containers = {c.container for c in cov}
        narrowed = bool(self.settings.get("include") or self.settings.get("exclude"))

        rows = conn.execute(sa.select(Location.id, Location.container, Location.dataset, Location.field,
                                      Location.uri, Location.status)
                            .where(Location.source_id == sid, Location.checked_at < self.seen)).all()
        vanished = set()  # datasets gone as a whole
        if not narrowed:
            vanished = {(r.container, r.dataset) for r in rows
                        if r.field is None and r.status == PRESENT and r.container in containers
                        and (r.container, r.dataset) not in met}
        # findings: those not seen in a scanned dataset (of the entity types the scan looked for),
        # and all of a vanished dataset's; none at a skipped field
        frows = conn.execute(sa.select(Finding.id, Finding.entity_type, Finding.location_id, Location.container,
                                       Location.dataset, Location.uri)
                             .join(Location, Finding.location_id == Location.id)
                             .where(Location.source_id == sid, Finding.status == PRESENT)).all()
        seen_now = {f.id for f in conn.execute(sa.select(Finding.id).join(Location, Finding.location_id == Location.id)
                                               .where(Location.source_id == sid, Finding.checked_at >= self.seen))}
        looked_for = set(self.entities) if self.entities is not None else None
        gone_findings = [f.id for f in frows if f.id not in seen_now and f.uri not in skipped_fields and (
            (f.container, f.dataset) in vanished
            or ((f.container, f.dataset) in scanned and (looked_for is None or f.entity_type in looked_for)))]
        going = set(gone_findings)
        still_found = {f.location_id for f in frows if f.id not in going}
        # locations: a vanished dataset and all in it; a field of a scanned dataset left with no finding
        gone_locations = [r.id for r in rows if r.uri not in skipped_fields and (
            (r.container, r.dataset) in vanished
            or (r.field is not None and (r.container, r.dataset) in scanned and r.id not in still_found))]
        for model, ids in ((Location, gone_locations), (Finding, gone_findings)):
            for i in range(0, len(ids), 500):
                # the condition again: a newer scan that saw the row meanwhile wins
                conn.execute(sa.update(model).where(model.id.in_(ids[i:i + 500]), model.checked_at < self.seen)
                             .values(status=GONE, checked_at=self.seen))
        for container, dataset in sorted(vanished, key=repr):
            uri = next(r.uri for r in rows if r.field is None and (r.container, r.dataset) == (container, dataset))
            conn.execute(statements(conn.dialect.name)["coverage"], [self._coverage_row(
                sid, {"container": container, "dataset": dataset, "field": None, "uri": uri}, GONE)])
