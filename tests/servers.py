"""Throw-away PostgreSQL and MariaDB servers for tests, listening on 127.0.0.1 only.

A pytest plugin (`pytest_plugins = ["servers"]` or `-p servers`): the session fixtures
`postgres_server` and `mariadb_server` start one server each per test session. Every server logs
every statement it executes, so a test can prove what a scanner sent (`log_text()`).

No process may outlive the test run: servers are stopped in `finally`, at interpreter exit, and,
should the test process be killed outright, by the kernel (the server gets a signal when the
process that started it dies).
"""

from __future__ import annotations

import atexit
import ctypes
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import pymysql
import pytest
import sqlalchemy as sa
from psycopg2 import sql as pgsql

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
_LIVE: set[_Server] = set()
_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


class MissingBinary(RuntimeError):
    """A server binary is not installed; the message names the Debian package."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent(sig: int):
    def preexec():
        _LIBC.prctl(_PR_SET_PDEATHSIG, sig)

    return preexec


def _run(argv: list[str], what: str, **kwargs) -> None:
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError(f"{what} failed ({result.returncode}): {' '.join(argv)}\n{result.stdout}{result.stderr}")


class _Server:
    name = "server"
    superuser = ""
    stop_signal = signal.SIGTERM

    def __init__(self):
        _sweep_orphans(self.name)
        self.dir = Path(tempfile.mkdtemp(prefix=f"kartlegg-{self.name}-"))
        (self.dir / "owner.pid").write_text(str(os.getpid()))
        self.log_path = self.dir / f"{self.name}.log"
        self.password = secrets.token_urlsafe(16)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.startup_seconds = 0.0
        _LIVE.add(self)
        began = time.monotonic()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def _start(self) -> None:
        raise NotImplementedError

    def _spawn(self, argv: list[str], ready, **kwargs) -> None:
        """Start `argv` on a fresh port until `ready()` connects; a port taken meanwhile is retried."""
        for _attempt in range(3):
            self.port = _free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [a.replace("{port}", str(self.port)) for a in argv],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    # own session: a Ctrl-C in the terminal must not kill the server mid-test;
                    # the fixture's finally or atexit stops it in order
                    start_new_session=True,
                    preexec_fn=_die_with_parent(int(self.stop_signal)),
                    **kwargs,
                )
            if self._wait_ready(ready):
                return
        raise RuntimeError(f"{self.name}: no free port after 3 attempts\n{self._stderr_text()[-3000:]}")

    def _wait_ready(self, ready) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                log = self._stderr_text()
                if "already in use" in log.lower():
                    self.proc = None
                    return False
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{log[-3000:]}")
            try:
                ready().close()
                return True
            except Exception as exc:  # not up yet: any driver error means "try again"
                last = exc
            if time.monotonic() > deadline:
                tail = self._stderr_text()[-3000:]
                raise RuntimeError(f"{self.name} not ready after {START_TIMEOUT}s: {last}\n{tail}")
            time.sleep(0.05)

    def _stderr_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_text(self) -> str:
        """Every statement the server executed (and, for PostgreSQL, its other messages)."""
        return self._stderr_text()

    def stop(self) -> None:
        _LIVE.discard(self)
        proc, self.proc = self.proc, None
        try:
            if proc is not None and proc.poll() is None:
                proc.send_signal(self.stop_signal)
                try:
                    proc.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def _execute(self, statement, params, database):
        conn = self._connect(database)  # each server's own driver, as its superuser
        try:
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return [tuple(row) for row in cur.fetchall()] if cur.description else None
        finally:
            conn.close()

    def _url(self, scheme: str, user, password, database, query=None) -> str:
        if user is None:
            user, password = self.superuser, self.password
        url = sa.URL.create(scheme, user, password, "127.0.0.1", self.port, database, query=query or {})
        return url.render_as_string(hide_password=False)


# -- PostgreSQL -------------------------------------------------------------------------------
def _pg_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    raise MissingBinary(
        "PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin or PATH: "
        "apt-get install postgresql (or run tools/ensure-services)"
    )


class PostgresServer(_Server):
    name = "postgres"
    superuser = "postgres"
    stop_signal = signal.SIGINT  # postmaster's "fast" shutdown: ends sessions, checkpoints, exits

    def _start(self) -> None:
        bindir = _pg_bindir()
        data = self.dir / "data"
        as_postgres = {}
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root. Popen drops to the postgres user itself
            # (not runuser), so the pid we hold and signal is the postmaster, not a wrapper that
            # would turn our SIGINT into SIGTERM ("smart" shutdown) and SIGKILL it two seconds later.
            pg = pwd.getpwnam("postgres")
            os.chown(self.dir, pg.pw_uid, pg.pw_gid)
            as_postgres = {"user": pg.pw_uid, "group": pg.pw_gid, "extra_groups": []}
        pwfile = self.dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        if as_postgres:
            os.chown(pwfile, as_postgres["user"], as_postgres["group"])
        try:
            _run([
                str(bindir / "initdb"), "-D", str(data), "-U", self.superuser, f"--pwfile={pwfile}",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
                "--no-sync", "--no-instructions",
            ], "initdb", **as_postgres)
        finally:
            pwfile.unlink(missing_ok=True)
        self._spawn([
            str(bindir / "postgres"), "-D", str(data), "-p", "{port}",
            "-c", "listen_addresses=127.0.0.1",
            "-c", f"unix_socket_directories={self.dir}",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "logging_collector=off",
            "-c", "log_statement=all",
            "-c", "log_line_prefix=%m [%p] %u@%d ",
        ], lambda: self._connect("postgres"), **as_postgres)

    def _connect(self, database: str):
        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.superuser, password=self.password,
            dbname=database, connect_timeout=5,
        )
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        return conn

    def url(self, user: str | None = None, password: str | None = None, database: str = "postgres") -> str:
        """SQLAlchemy URL; without `user`, the superuser with its password."""
        return self._url("postgresql+psycopg2", user, password, database)

    def execute(self, statement, params=None, database: str = "postgres"):
        """Run one statement as superuser (autocommit); rows if it returns any."""
        return self._execute(statement, params, database)

    def write_flushed(self, database: str, *statements: str) -> None:
        """Writes in one session whose statistics counters are flushed before it ends: from
        PostgreSQL 15 a backend flushes them at most once a second otherwise, and change tokens
        (pg_stat_user_tables) would miss the writes for that long."""
        conn = self._connect(database)
        try:
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                cur.execute("SELECT pg_stat_force_next_flush()")
        finally:
            conn.close()

    def create_database(self, name: str) -> None:
        self.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(name)))

    def create_readonly_role(self, name: str, password: str, database: str) -> None:
        """A login role that can read every table that exists now in `database`, and nothing else."""
        role = pgsql.Identifier(name)
        self.execute(pgsql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, pgsql.Literal(password)))
        self.execute(pgsql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(pgsql.Identifier(database), role))
        schemas = self.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'",
            database=database,
        )
        for (schema,) in schemas:
            s = pgsql.Identifier(schema)
            self.execute(pgsql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, role), database=database)
            self.execute(pgsql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, role), database=database)


# -- MariaDB ----------------------------------------------------------------------------------
def _mariadb_binaries() -> tuple[str, str]:
    # /usr/sbin is often missing from a non-root PATH
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin")
    install = shutil.which("mariadb-install-db")
    if not (server and install):
        raise MissingBinary(
            "MariaDB server binaries (mariadbd, mariadb-install-db) not found: "
            "apt-get install mariadb-server (or run tools/ensure-services)"
        )
    return server, install


def _quote_mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class MariaDBServer(_Server):
    name = "mariadb"
    superuser = "root"
    stop_signal = signal.SIGTERM  # mariadbd's normal shutdown

    def _start(self) -> None:
        server, install = _mariadb_binaries()
        data, sock = self.dir / "data", self.dir / "mariadbd.sock"
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        small = ["--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M"]
        _run([
            install, "--no-defaults", f"--datadir={data}", "--auth-root-authentication-method=normal",
            "--skip-test-db", "--skip-name-resolve", *as_root, *small,
        ], "mariadb-install-db")
        self.general_log = self.dir / "general.log"
        self._spawn([
            server, "--no-defaults", f"--datadir={data}", f"--socket={sock}", "--port={port}",
            "--bind-address=127.0.0.1", "--skip-name-resolve",
            "--general-log=1", f"--general-log-file={self.general_log}",
            f"--pid-file={self.dir / 'mariadbd.pid'}", f"--tmpdir={self.dir}",
            # 10.11 still defaults to latin1, which cannot hold every name a test may insert
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
            "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
            *as_root, *small,
        ], lambda: pymysql.connect(unix_socket=str(sock), user="root", password="", connect_timeout=5))
        # install-db leaves root without a password; its host-name entry is ignored under
        # --skip-name-resolve (and cannot be altered), so only the loopback entries matter
        conn = pymysql.connect(unix_socket=str(sock), user="root", password="", autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT host FROM mysql.user WHERE user = 'root'"
                            " AND host IN ('localhost', '127.0.0.1', '::1')")
                for (host,) in cur.fetchall():
                    cur.execute("ALTER USER 'root'@%s IDENTIFIED BY %s", (host, self.password))
        finally:
            conn.close()
        self.execute("SELECT 1")  # the TCP path the tests use

    def log_text(self) -> str:
        """The general query log: every statement the server received."""
        return self.general_log.read_text(errors="replace") if self.general_log.exists() else ""

    def error_log_text(self) -> str:
        return self._stderr_text()

    def _connect(self, database: str | None = None):
        return pymysql.connect(
            host="127.0.0.1", port=self.port, user=self.superuser, password=self.password,
            database=database or None, autocommit=True, charset="utf8mb4", connect_timeout=5,
        )

    def url(self, user: str | None = None, password: str | None = None, database: str = "",
            scheme: str = "mysql+pymysql") -> str:
        """SQLAlchemy URL (scheme `mysql+pymysql` or `mariadb+pymysql`); without `user`, root."""
        return self._url(scheme, user, password, database or None, {"charset": "utf8mb4"})

    def execute(self, statement: str, params=None, database: str = ""):
        """Run one statement as root (autocommit); rows if it returns any."""
        return self._execute(statement, params, database)

    def create_database(self, name: str) -> None:
        self.execute(f"CREATE DATABASE {_quote_mysql_ident(name)} CHARACTER SET utf8mb4")

    def create_readonly_user(self, name: str, password: str, database: str) -> None:
        """A user that can SELECT from `database` and do nothing else."""
        self.execute("CREATE USER %s@'%%' IDENTIFIED BY %s", (name, password))
        self.execute(f"GRANT SELECT ON {_quote_mysql_ident(database)}.* TO %s@'%%'", (name,))


# -- cleanup and fixtures ---------------------------------------------------------------------
@atexit.register
def _stop_all() -> None:
    for server in list(_LIVE):
        server.stop()


def _sweep_orphans(name: str) -> None:
    """Remove the directories of runs that were killed outright (their servers died with them)."""
    for path in Path(tempfile.gettempdir()).glob(f"kartlegg-{name}-*"):
        try:
            owner = int((path / "owner.pid").read_text())
        except (OSError, ValueError):
            continue
        if not Path(f"/proc/{owner}").exists():
            shutil.rmtree(path, ignore_errors=True)


def _on_sigterm(signum, frame) -> None:
    # SIGTERM (a CI timeout, `kill`) skips atexit: stop the servers, then die of the signal as before
    _stop_all()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _start_or_fail(cls):
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return cls()
    except MissingBinary as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def postgres_server():
    server = _start_or_fail(PostgresServer)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mariadb_server():
    server = _start_or_fail(MariaDBServer)
    try:
        yield server
    finally:
        server.stop()
