"""The inventory store: consumes a scan's record stream (it is a report writer) and keeps what
is where between scans, in SQLite (embedded) or PostgreSQL (shared).

Concurrency: every write is an `INSERT … ON CONFLICT DO UPDATE` or an `UPDATE … WHERE` that
re-checks its condition, in short transactions (one per batch of records), retried on deadlock.
Which scan wins when two write the same rows: the one that *started* later (its `started_at` is
the time it saw things), whatever order the writes arrive in; `first_seen` is the earliest and
`last_seen` the latest scan that saw a row. So no update is lost and the end state does not
depend on how two scanners' writes interleave.

A running scan holds a liveness lock that its process loses however it ends (`liveness`), so the
next scan can tell a scan still running, here or on another machine, from one whose process was
killed: that one is marked `abandoned`. Another process's write lock on an SQLite inventory is
waited for (`lock_wait`, kartlegg scan --lock-wait), then `InventoryLocked` (exit code 4).

Here: opening, migrating, transactions and waiting. The rest has a module of its own, and the
Store's methods for it are the names callers know: a scan's records (`writer`, `upserts`),
sources and their declarations (`systems`), reviews (`reviews`), locks (`locks`, `liveness`) and
what --incremental compares with (`views.versions`).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError

from scanner.inventory import liveness, locks, reviews, systems, views
from scanner.inventory.writer import InventoryWriter

MIGRATIONS = Path(__file__).parent / "migrations"


def head_revision() -> str:
    """The newest migration, by its file name (0001_…, 0002_…: revisions are numbered in order;
    a test holds this to alembic's own head)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))
_RETRY_PGCODES = {"40P01", "40001"}  # deadlock, serialization failure
_PG_MIGRATE_LOCK = 0x6B61_7274  # advisory lock: one migration at a time


def _url_text(url) -> str:
    """An SQLAlchemy URL (or string) as the string it was given as, password and all, for
    `scanner.model.urls` to mask: there is one URL-masking function, not one per kind of URL."""
    return url if isinstance(url, str) else url.render_as_string(hide_password=False)


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
        if revision == "head" and self._current() == head_revision():
            return  # up to date: no need to import alembic (a fifth of a second of every scan)
        from alembic import command

        self._alembic(command.upgrade, revision)

    def _current(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no table yet: a new inventory
            return None

    def downgrade(self, revision: str) -> None:
        from alembic import command

        self._alembic(command.downgrade, revision)

    def _alembic(self, fn, revision: str) -> None:
        with locks.migration_lock(self.engine), self.engine.connect() as conn:
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
        return self._current()

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def masked_url(self) -> str:
        from scanner.model.urls import mask_url

        return mask_url(_url_text(self.engine.url))

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never be printed, for error messages: every credential in the URL, as given
        and %-encoded."""
        from scanner.model.urls import url_secrets

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

        database = locks.sqlite_file(self.engine)
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
        database = locks.sqlite_file(self.engine)
        return locks.sqlite_write_holder(database) if database else None

    def session(self):
        from sqlalchemy.orm import Session

        return Session(self.engine)

    # -- sources, reviews, locks: see their modules ---------------------------------------------

    def conflicts(self, sources: list[dict]) -> list[str]:
        """Sources whose name the inventory gives to another system (`systems.conflicts`)."""
        return systems.conflicts(self, sources)

    def declare(self, source: str, **metadata) -> None:
        """Declared metadata for a source, which scans never overwrite (`systems.declare`)."""
        systems.declare(self, source, **metadata)

    def review(self, uri: str, decision: str, entity_type: str | None = None, note: str | None = None,
               who: str | None = None, source: str | None = None) -> int:
        """An analyst's decision on a location, with its evidence; its id (`reviews.decide`)."""
        return reviews.decide(self, uri, decision, entity_type, note, who, source)

    def run_lock(self, key: str, what: str, wait: float = 0.0, on_wait=None):
        """One run of a configuration at a time across machines (`locks.run_lock`)."""
        return locks.run_lock(self.engine, key, what, wait, on_wait)

    def hold_scan(self, scan_id: str):
        """The scan's liveness lock; returns the function that lets go of it (`liveness.hold`)."""
        return liveness.hold(self, scan_id)

    def sweep_abandoned(self) -> list[str]:
        """Scans left running by a process that is gone, marked abandoned (`liveness`)."""
        return liveness.sweep_abandoned(self)

    def versions(self, source: str) -> dict[str, dict]:
        """What --incremental compares with (`views.versions`)."""
        return views.versions(self, source)
