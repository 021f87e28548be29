"""`--executor dask`: units on a real Dask cluster (a LocalCluster: a scheduler in this process,
worker processes started by nannies, all on 127.0.0.1).

The records must be those of a serial scan; credentials reach the workers in task arguments
only (never in a key, a log line or a worker's environment); a worker killed while it reads a
table loses nothing, and a unit whose workers keep dying becomes an error record. A PostgreSQL
table locked by the test holds a unit mid-read for as long as the test needs.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import threading
import time

import psycopg2
import pytest
import sqlalchemy as sa

from reporting import comparable, of, report, scan_cli
from scanner.scan import run as pipeline
from scanner.model.units import Location
from demo.estate import populate
from scanner.model.protocols import ExecutorError
from scanner.scan.executors.dask import DaskExecutor, gate_name, unit_key
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source

distributed = pytest.importorskip("distributed")  # an extra: `pip install 'kartlegg[dask]'`

DB, PASSWORD = "dask_estate", "Dask-Lese-Passord-7"
LOCKED = ("public", "kunde")
SLOW = ScanSettings(lock_timeout=120, statement_timeout=120, max_connections=2)


@pytest.fixture(scope="module")
def cluster():
    import dask

    # One retry of a task whose worker died, then KilledWorker; leases of a dead worker's
    # Semaphore lapse after 4 s (the default 30 s would only slow the tests); a worker holds only
    # the task it runs, so a killed one takes no queued bystander with it.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                          "distributed.scheduler.worker-saturation": 1.0,
                          "distributed.scheduler.locks.lease-timeout": "4s",
                          "distributed.scheduler.locks.lease-validation-interval": "1s"}):
        saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("AWS_")}
        try:
            cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address="127.0.0.1:0")
        finally:
            os.environ.update(saved)
        try:
            yield cluster
        finally:
            cluster.close()


@pytest.fixture(scope="module")
def observer(cluster):
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        yield client


@pytest.fixture(scope="module")
def pg(postgres_server):
    postgres_server.create_database(DB)
    engine = sa.create_engine(postgres_server.url(database=DB))
    populate(engine, rows=200, schema="arkiv")
    engine.dispose()
    postgres_server.execute("ANALYZE", database=DB)
    postgres_server.create_readonly_role("dask_skanner", PASSWORD, DB)
    return postgres_server


@pytest.fixture
def pg_source(pg):
    return Source(pg.url(user="dask_skanner", password=PASSWORD, database=DB), "kunder-pg")


def scan_with(executor, source, settings, tmp_path, engine, name="report.jsonl"):
    from reports.jsonl import JsonlWriter

    out = tmp_path / name
    writer = JsonlWriter(str(out))
    try:
        sources = source if isinstance(source, list) else [source]
        if executor is not None:  # the caller starts what it built; the scan starts its own default
            executor.start(pipeline.engine_spec(settings, engine), engine)
        outcome = pipeline.scan(sources, settings, [writer], engine=engine, executor=executor)
    finally:
        writer.close()
    return outcome, report(out)


def test_the_demo_estate_on_a_cluster_gives_the_records_of_a_serial_scan(cluster, demo):
    code, serial, _ = scan_cli(*demo, "--workers", "1", "--no-inventory")
    code_dask, lines, _ = scan_cli(*demo, "--scheduler", cluster.scheduler_address, "--no-inventory")
    assert code_dask == code == 3
    assert lines[0]["executor"]["name"] == "dask" and lines[0]["executor"]["workers"] == 2
    assert comparable(lines) == comparable(serial)


def test_a_database_with_a_password_is_read_by_the_workers_and_the_password_is_nowhere(
        cluster, observer, pg, pg_source, tmp_path, engine):
    outcome, lines = scan_with(DaskExecutor(cluster.scheduler_address), pg_source, ScanSettings(), tmp_path, engine)
    _, serial = scan_with(None, pg_source, ScanSettings(), tmp_path, engine, "serial.jsonl")
    assert outcome.exit_code == 0
    assert comparable(lines) == comparable(serial)
    assert ("kunde", "fnr", "NO_FODSELSNUMMER") in {
        (r["location"]["dataset"], r["location"]["field"], r["entity_type"]) for r in of(lines, "finding")}
    logs = [line for lines_ in observer.get_worker_logs().values() for _, line in lines_]
    logs += [line for _, line in observer.get_scheduler_logs()]
    seen = "\n".join(logs) + "\n".join(map(str, observer.run(lambda: dict(os.environ)).values()))
    assert PASSWORD not in seen
    assert PASSWORD not in (tmp_path / "report.jsonl").read_text()
    # the workers closed the scan's connections when it ended
    assert not pg.execute("SELECT 1 FROM pg_stat_activity WHERE usename = 'dask_skanner'", database=DB)


def _waiting_readers(pg) -> int:
    return len(pg.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'kartlegg' "
                          "AND wait_event_type = 'Lock'", database=DB))


def _wait_for(what, predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _worker_reading(observer, digest: str) -> str | None:
    """The worker whose task for the locked table is running."""
    for worker, keys in observer.processing().items():
        if any(str(k).endswith(digest) for k in keys):
            return worker
    return None


def _kill(observer, worker: str) -> None:
    pid = observer.run(os.getpid, workers=[worker])[worker]
    os.kill(pid, signal.SIGKILL)


class LockedTable:
    """ACCESS EXCLUSIVE on one table: a reader of it waits, mid-task, until the lock goes."""

    def __init__(self, pg):
        self.conn = psycopg2.connect(host="127.0.0.1", port=pg.port, user=pg.superuser, password=pg.password,
                                     dbname=DB)
        with self.conn.cursor() as cur:
            cur.execute(f"LOCK TABLE {LOCKED[0]}.{LOCKED[1]} IN ACCESS EXCLUSIVE MODE")

    def release(self):
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None


def _scan_in_background(cluster, pg_source, tmp_path, engine):
    result = {}

    def run():
        try:
            result["outcome"], result["lines"] = scan_with(DaskExecutor(cluster.scheduler_address), pg_source, SLOW,
                                                           tmp_path, engine)
        except BaseException as exc:  # shown by the test
            result["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_worker_killed_mid_read_loses_nothing(cluster, observer, pg, pg_source, tmp_path, engine):
    digest = hashlib.sha256(Location(*LOCKED).uri(pg_source).encode()).hexdigest()[:12]
    lock = LockedTable(pg)
    try:
        thread, result = _scan_in_background(cluster, pg_source, tmp_path, engine)
        worker = _wait_for("a worker reading the locked table",
                           lambda: _waiting_readers(pg) and _worker_reading(observer, digest))
        _kill(observer, worker)
        # the unit runs again on a worker that is alive, and waits for the lock there too
        _wait_for("the unit on another worker", lambda: _waiting_readers(pg) >= 2 or (
            (w := _worker_reading(observer, digest)) and w != worker))
    finally:
        lock.release()
    thread.join(180)
    assert "error" not in result, result.get("error")
    _, serial = scan_with(None, pg_source, SLOW, tmp_path, engine, "serial.jsonl")
    assert result["outcome"].exit_code == 0
    assert not of(result["lines"], "error")
    assert comparable(result["lines"]) == comparable(serial)


def test_a_unit_whose_workers_keep_dying_becomes_an_error_record(cluster, observer, pg, pg_source, tmp_path,
                                                                 engine):
    digest = hashlib.sha256(Location(*LOCKED).uri(pg_source).encode()).hexdigest()[:12]
    lock = LockedTable(pg)
    try:
        thread, result = _scan_in_background(cluster, pg_source, tmp_path, engine)
        killed = set()
        for _ in range(2):  # allowed-failures is 1: the second death is the last
            worker = _wait_for("a live worker reading the locked table", lambda: _waiting_readers(pg) and (
                (w := _worker_reading(observer, digest)) not in killed and w))
            _kill(observer, worker)
            killed.add(worker)
        thread.join(180)
    finally:
        lock.release()
    assert "error" not in result, result.get("error")
    errors = of(result["lines"], "error")
    assert [(e["location"]["dataset"], e["error"]["type"]) for e in errors] == [(LOCKED[1], "WorkerLost")]
    assert "died" in errors[0]["error"]["message"]
    assert result["outcome"].exit_code == 3
    others = {r["location"]["uri"] for r in of(result["lines"], "dataset")}
    assert len(others) >= 10 and not any(u.endswith("/public/kunde") for u in others)


def _sqlite_source(path, tables: int, limit: int) -> Source:
    con = sqlite3.connect(path)
    for t in range(tables):
        con.execute(f"create table kunde_{t} (id integer primary key, epost text)")
        con.executemany(f"insert into kunde_{t} (epost) values (?)", [(f"k{t}.{i}@example.no",) for i in range(20)])
    con.commit()
    con.close()
    return Source(f"sqlite:///{path}", path.name, settings={"max_connections": limit})


def test_sources_with_different_limits_opening_as_others_close_give_the_records_of_a_serial_scan(
        cluster, tmp_path, engine):
    # The coordinator opens four sources at a time (two workers) and the next as one finishes,
    # so later sources take their Semaphores while earlier ones hold theirs. Every source has its
    # own connection limit: two sources given one Semaphore would fail ("Inconsistent max
    # leases"). The large one, opened fourth, is still reading when the later ones open.
    sources = [_sqlite_source(tmp_path / f"liten_{i}.db", 3, 2 + i) for i in range(3)]
    sources.append(_sqlite_source(tmp_path / "stor.db", 40, 1))
    sources += [_sqlite_source(tmp_path / f"sen_{i}.db", 2, 5 + i) for i in range(3)]
    share = tmp_path / "filer"
    share.mkdir()
    for i, name in enumerate(["kunder.csv", "leverandorer.csv", "ansatte.csv"]):
        (share / name).write_text("navn;epost\n" + "".join(f"Kari;k{i}.{j}@example.no\n" for j in range(20)))
    sources.append(Source(f"file://{share}", "filer", settings={"max_connections": 8}))
    outcome, lines = scan_with(DaskExecutor(cluster.scheduler_address), sources, ScanSettings(), tmp_path, engine)
    _, serial = scan_with(None, sources, ScanSettings(), tmp_path, engine, "serial.jsonl")
    assert [(e["source"]["name"], e["error"]["message"]) for e in of(lines, "error")] == []
    assert outcome.exit_code == 0
    assert comparable(lines) == comparable(serial)
    assert {r["source"]["name"] for r in of(lines, "dataset")} == {s.name for s in sources}


@pytest.mark.parametrize("a,b,same", [
    (("scan-1", "kunder.db", "sqlite:////srv/kunder.db"), ("scan-1", "kunder.db", "sqlite:////srv/kunder.db"), True),
    (("scan-1", "kunder.db", "sqlite:////srv/kunder.db"), ("scan-2", "kunder.db", "sqlite:////srv/kunder.db"), False),
    (("scan-1", "kunder.db", "sqlite:////srv/kunder.db"), ("scan-1", "kunder-b", "sqlite:////srv/kunder.db"), False),
    (("scan-1", "db/kunder", "postgresql://u:pw@db01/kunder"), ("scan-1", "db/kunder", "postgresql://u:pw@db02/kunder"),
     False),
    # scan ids that share their first eight characters are still two scans
    (("01234567-aaaa", "kunder.db", "sqlite:////k.db"), ("01234567-bbbb", "kunder.db", "sqlite:////k.db"), False),
])
def test_semaphore_names_are_one_per_scan_and_source(a, b, same):
    name_a, name_b = (gate_name(scan, Source(url, name)) for scan, name, url in (a, b))
    assert (name_a == name_b) is same
    for scan, name, url in (a, b):
        # the scheduler logs and shows names: no source name, database or password in them
        assert "kunder" not in gate_name(scan, Source(url, name)) and "pw" not in gate_name(scan, Source(url, name))


def test_task_keys_name_no_location_and_no_credential():
    key = unit_key("0123456789abcdef", 7, "postgresql://u:***@db/kunder/fodselsnummer_register")
    assert key.startswith("kartlegg-unit-01234567-000007-") and "kunder" not in key and "***" not in key


def test_s3_credentials_resolved_here_reach_workers_that_have_none(cluster, observer, aws_env):
    assert set(observer.run(lambda: os.environ.get("AWS_ACCESS_KEY_ID")).values()) == {None}
    s3 = aws_env.create_bucket("dask-bucket")
    s3.put_object(Bucket="dask-bucket", Key="eksport/kunder.csv",
                  Body="navn;epost\nOla Nordmann;ola.nordmann@example.no\nKari Hansen;kari.hansen@example.no\n"
                       "Per Berg;per.berg@example.no\nAnne Lie;anne.lie@example.no\n".encode())
    code, lines, _ = scan_cli("s3://dask-bucket", "--endpoint-url", aws_env.endpoint, "--scheduler",
                              cluster.scheduler_address, "--no-inventory")
    assert code == 0, of(lines, "error")
    assert ("eksport/kunder.csv", "epost", "EMAIL_ADDRESS") in {
        (r["location"]["dataset"], r["location"]["field"], r["entity_type"]) for r in of(lines, "finding")}
    secret = aws_env.scanner.secret_key
    assert not any(secret in line for lines_ in observer.get_worker_logs().values() for _, line in lines_)


def test_tls_between_scanner_scheduler_and_workers(tmp_path, engine, demo):
    from distributed import Security

    security = Security.temporary()
    source = Source(demo[0].split("=", 1)[1], "kundesystem.db")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0", security=security) as tls_cluster:
        address = tls_cluster.scheduler_address
        assert address.startswith("tls://")
        outcome, lines = scan_with(DaskExecutor(address, security=security), source, ScanSettings(), tmp_path, engine)
        assert outcome.exit_code == 0 and of(lines, "finding")
        with pytest.raises(ExecutorError, match="cannot reach the Dask scheduler"):
            DaskExecutor(address, timeout=3).start(pipeline.engine_spec(ScanSettings(), engine), engine)


def test_no_scheduler_is_exit_3_and_no_report(tmp_path, demo):
    import socket

    import dask
    from click.testing import CliRunner

    from scanner.cli.main import cli

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    out = tmp_path / "report.jsonl"
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = CliRunner().invoke(cli, ["scan", demo[0], "--scheduler", f"tcp://127.0.0.1:{port}",
                                          "--no-inventory", "-o", str(out)])
    assert result.exit_code == 3
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.output
    assert not out.exists()
