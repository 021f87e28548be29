"""The throw-away database servers: loopback only, read-only accounts, statement logs, clean stop."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

import servers
from servers import MariaDBServer, MissingBinary, PostgresServer

INSUFFICIENT_PRIVILEGE = "42501"  # SQLSTATE
MYSQL_COMMAND_DENIED = 1142


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.split(":")
            if state == "0A" and int(hexport, 16) == port:
                raw = bytes.fromhex(addr)
                # /proc prints each 32-bit word in host (little-endian) order
                ip = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(str(ipaddress.ip_address(ip)))
    return found


def processes_in(directory: Path) -> set[int]:
    """Pids whose working directory or command line lies in `directory` (servers chdir to their data)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if cwd.startswith(str(directory)) or str(directory) in cmdline:
            found.add(int(entry.name))
    return found


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


# -- PostgreSQL -------------------------------------------------------------------------------
def test_postgres_answers_over_tcp_on_loopback_only(postgres_server):
    with _engine(postgres_server.url()).connect() as conn:
        assert conn.execute(sa.text("SELECT host(inet_server_addr())")).scalar() == "127.0.0.1"
        assert conn.execute(sa.text("SHOW listen_addresses")).scalar() == "127.0.0.1"
    assert listening_addresses(postgres_server.port) == {"127.0.0.1"}
    assert postgres_server.url().startswith(f"postgresql+psycopg2://postgres:{postgres_server.password}@127.0.0.1:")


def test_postgres_readonly_role_cannot_write(postgres_server):
    postgres_server.create_database("readonly_check")
    postgres_server.execute("CREATE SCHEMA kunder", database="readonly_check")
    for table in ("public.t", "kunder.k"):
        postgres_server.execute(f"CREATE TABLE {table} (x int); INSERT INTO {table} VALUES (1)",
                                database="readonly_check")
    postgres_server.create_readonly_role("leser", "lese pass'ord", "readonly_check")

    engine = _engine(postgres_server.url("leser", "lese pass'ord", "readonly_check"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT (SELECT x FROM public.t) + (SELECT x FROM kunder.k)")).scalar() == 2
    for statement in ("INSERT INTO public.t VALUES (2)", "UPDATE kunder.k SET x = 3", "CREATE TABLE public.u (x int)",
                      "CREATE TABLE kunder.u (x int)", "DELETE FROM public.t"):
        with engine.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied") as err:
            conn.execute(sa.text(statement))
            conn.commit()
        assert err.value.orig.pgcode == INSUFFICIENT_PRIVILEGE, statement
    assert postgres_server.execute("SELECT count(*) FROM public.t", database="readonly_check") == [(1,)]


def test_postgres_log_records_every_statement(postgres_server):
    probe = f"kartlegg-probe-{secrets.token_hex(4)}"
    with _engine(postgres_server.url()).connect() as conn:
        conn.execute(sa.text(f"SELECT '{probe}' AS via_sqlalchemy"))
    postgres_server.execute(f"SELECT '{probe}' AS via_execute")
    log = postgres_server.log_text()
    assert f"statement: SELECT '{probe}' AS via_sqlalchemy" in log
    assert f"statement: SELECT '{probe}' AS via_execute" in log


def test_postgres_stop_leaves_nothing_behind():
    with PostgresServer() as server:
        pid, directory = server.pid, server.dir
        assert server.execute("SELECT 1") == [(1,)]
        assert pid in processes_in(directory) and len(processes_in(directory)) > 1  # postmaster and children
        assert server.startup_seconds < 30
    assert not Path(f"/proc/{pid}").exists()
    assert not directory.exists()
    assert processes_in(directory) == set()
    server.stop()  # twice is harmless


def test_missing_postgres_names_the_package(monkeypatch):
    monkeypatch.setattr(servers.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(servers.shutil, "which", lambda name, **kwargs: None)
    with pytest.raises(MissingBinary, match="apt-get install postgresql"):
        PostgresServer()
    with pytest.raises(MissingBinary, match="apt-get install mariadb-server"):
        MariaDBServer()


# -- MariaDB ----------------------------------------------------------------------------------
@pytest.mark.parametrize("scheme", ["mysql+pymysql", "mariadb+pymysql"])
def test_mariadb_answers_over_tcp_on_loopback_only(mariadb_server, scheme):
    with _engine(mariadb_server.url(scheme=scheme)).connect() as conn:
        assert conn.execute(sa.text("SELECT @@bind_address")).scalar() == "127.0.0.1"
        host = conn.execute(sa.text("SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()"))
        assert host.scalar().startswith("127.0.0.1:")
    assert listening_addresses(mariadb_server.port) == {"127.0.0.1"}


def test_mariadb_readonly_user_cannot_write(mariadb_server):
    mariadb_server.create_database("readonly_check")
    mariadb_server.execute("CREATE TABLE t (x int)", database="readonly_check")
    mariadb_server.execute("INSERT INTO t VALUES (1)", database="readonly_check")
    mariadb_server.create_readonly_user("leser", "lese pass'ord", "readonly_check")

    engine = _engine(mariadb_server.url("leser", "lese pass'ord", "readonly_check"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT x FROM t")).scalar() == 1
    for statement, command in (("INSERT INTO t VALUES (2)", "INSERT"), ("UPDATE t SET x = 3", "UPDATE"),
                               ("CREATE TABLE u (x int)", "CREATE"), ("DROP TABLE t", "DROP")):
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match=f"{command} command denied") as err:
            conn.execute(sa.text(statement))
            conn.commit()
        assert err.value.orig.args[0] == MYSQL_COMMAND_DENIED, statement
    assert mariadb_server.execute("SELECT count(*) FROM t", database="readonly_check") == [(1,)]


def test_mariadb_log_records_every_statement(mariadb_server):
    probe = f"kartlegg-probe-{secrets.token_hex(4)}"
    with _engine(mariadb_server.url()).connect() as conn:
        conn.execute(sa.text(f"SELECT '{probe}' AS via_sqlalchemy"))
    mariadb_server.execute(f"SELECT '{probe}' AS via_execute")
    log = mariadb_server.log_text()
    assert f"Query\tSELECT '{probe}' AS via_sqlalchemy" in log
    assert f"Query\tSELECT '{probe}' AS via_execute" in log


def test_mariadb_stop_leaves_nothing_behind():
    with MariaDBServer() as server:
        pid, directory = server.pid, server.dir
        assert server.execute("SELECT 1") == [(1,)]
        assert pid in processes_in(directory)
        assert server.startup_seconds < 30
    assert not Path(f"/proc/{pid}").exists()
    assert not directory.exists()
    assert processes_in(directory) == set()
