"""`--workers N`: detection in one thread and, once that thread falls behind, in a pool of
processes; reading in threads within each source's connection limit, one coordinator writing. On
the demo estate (an SQLite customer system and a file share with broken files; the `demo`
fixture) the records must be those of a serial scan, apart from order and timing; a pool process
killed mid-scan loses nothing; a scan of a few units never starts the pool.

The demo estate is about at the size where the pool starts by itself (detection.POOL_AFTER), so
the tests that are about the pool start it at once (`eager_pool`) or at a low threshold.
"""

from __future__ import annotations

from scanner.model.progress import Progress

import json
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from reporting import comparable, of, report, scan_cli
from scanner.scan import run as pipeline
from scanner.scan.executors import detection
from scanner.scan.executors.detection import ATTEMPTS, Detector
from scanner.scan.executors.local import LocalExecutor
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.system import lifeline

WAIT = 120.0  # seconds for a pool to start: far beyond what it takes


@pytest.fixture
def started(monkeypatch):
    """The local executors the CLI starts in this test, to look at afterwards."""
    made = []
    start = LocalExecutor.start

    def recording(self, spec, engine):
        made.append(self)
        return start(self, spec, engine)

    monkeypatch.setattr(LocalExecutor, "start", recording)
    return made


@pytest.fixture
def eager_pool(monkeypatch):
    """The pool started at the scan's start, whatever the backlog (KARTLEGG_POOL_AFTER=0)."""
    monkeypatch.delenv(detection.POOL_AFTER_ENV, raising=False)
    monkeypatch.setattr(detection, "POOL_AFTER", 0.0)


def _wait_until(predicate, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class PoolServes(Progress):
    """Holds the coordinator at a unit's records, once the pool has been started, until the pool
    takes calls: the units after it are examined in the pool however fast the thread is."""

    def __init__(self, executor: LocalExecutor):
        self.executor = executor

    def unit_done(self, unit, label=None):
        detector = self.executor._detector
        if detector.pool_started is not None:
            _wait_until(lambda: detector.ready or detector.workers == 1, "the pool to take calls")


@pytest.fixture(scope="module")
def serial(demo):
    code, lines, _ = scan_cli(*demo, "--workers", "1", "--no-inventory")
    assert code == 3  # the estate's planted broken files
    return lines


def test_serial_scan_of_the_demo_estate_reads_both_sources(serial):
    datasets = of(serial, "dataset")
    assert {r["source"]["name"] for r in datasets} == {"kundesystem.db", "filer"}
    assert len(datasets) > 30 and len(of(serial, "finding")) > 100
    assert serial[0]["executor"] == {"name": "local", "workers": 1}


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_give_the_records_of_a_serial_scan(demo, serial, workers, eager_pool, started):
    code, lines, _ = scan_cli(*demo, "--workers", str(workers), "--no-inventory")
    assert code == 3
    assert lines[0]["executor"] == {"name": "local", "workers": workers}
    assert started[0]._detector.pool_started is not None
    assert comparable(lines) == comparable(serial)


def test_full_reads_in_the_pool_equal_serial_full_reads(demo, eager_pool, started):
    files = demo[1]
    _, one, _ = scan_cli(files, "--full", "--workers", "1", "--no-inventory")
    _, two, _ = scan_cli(files, "--full", "--workers", "2", "--no-inventory")
    assert started[0]._detector.pool_started is None and started[1]._detector.pool_started is not None
    assert any("full read" in r["reasons"][0] for r in of(one, "finding"))
    assert comparable(two) == comparable(one)


def _scan(sources, executor: LocalExecutor, engine, tmp_path, progress=None):
    from reports.jsonl import JsonlWriter

    out = tmp_path / f"report-{time.monotonic_ns()}.jsonl"
    writer = JsonlWriter(str(out))
    executor.start(pipeline.engine_spec(ScanSettings(), engine), engine)
    try:
        outcome = pipeline.scan(sources, ScanSettings(), [writer], engine=engine, progress=progress,
                                executor=executor)
    finally:
        writer.close()
    return outcome, report(out)


def test_a_scan_of_a_few_units_never_starts_the_pool(tmp_path, engine, monkeypatch):
    monkeypatch.delenv(detection.POOL_AFTER_ENV, raising=False)
    share = tmp_path / "share"
    share.mkdir()
    for n, name in enumerate(("kunder", "ansatte", "notater", "leverandorer")):  # four datasets, four units
        (share / f"{name}.txt").write_text(f"Kontakt: kari.nordmann{n}@example.no, tlf 412 34 56{n}\n" * 50)
    sources = [Source(f"file://{share}", "share")]
    forkserver, children = lifeline.forkserver_pid(), multiprocessing.active_children()
    executor = LocalExecutor(workers=2)
    outcome, two = _scan(sources, executor, engine, tmp_path)
    assert two[0]["executor"] == {"name": "local", "workers": 2}
    assert executor._detector.submitted == 4 and executor._detector.pool_started is None
    assert multiprocessing.active_children() == children and lifeline.forkserver_pid() == forkserver
    _, one = _scan(sources, LocalExecutor(workers=1), engine, tmp_path)
    assert outcome.exit_code == 0 and len(of(two, "finding")) >= 4
    assert comparable(two) == comparable(one)


def test_a_backlog_starts_the_pool_and_the_records_are_those_of_a_serial_scan(demo, serial, tmp_path, engine,
                                                                            monkeypatch):
    """The rule itself, not the eager start: at a low threshold the demo estate's backlog starts
    the pool part-way, so its units are examined some in the thread, the rest in the pool."""
    monkeypatch.delenv(detection.POOL_AFTER_ENV, raising=False)
    monkeypatch.setattr(detection, "POOL_AFTER", 0.2)
    sources = [Source(url, name) for name, url in (d.split("=", 1) for d in demo)]
    executor = LocalExecutor(workers=2)
    outcome, lines = _scan(sources, executor, engine, tmp_path, progress=PoolServes(executor))
    detector = executor._detector
    assert detector.pool_started is not None and detector.restarts == 0
    assert detection.MEASURED <= detector._examined < detector.submitted  # units in the thread, the rest in the pool
    assert outcome.exit_code == 3
    assert comparable(lines) == comparable(serial)


def test_the_pool_waits_for_the_thread_to_fall_behind():
    detector = Detector(2, ((), "blank"), pool_after=1.0)
    gate = threading.Event()

    def busy(waiting: int) -> None:
        """The thread held by a call that takes no CPU, `waiting` calls behind it."""
        gate.clear()
        detector.submit(gate.wait, WAIT)
        for _ in range(waiting):
            detector.submit(sum, [1, 2])
        _wait_until(lambda: detector._since is not None, "the thread's call")

    def free() -> None:
        gate.set()
        _wait_until(lambda: detector._queued == 0 and detector._since is None, "the thread's calls")

    try:
        busy(0)
        assert not detector.consider(1000)  # nothing waits behind the thread: it keeps up
        free()
        busy(1)
        assert not detector.consider(1000)  # two calls so far: too few to judge its time per unit
        free()
        busy(1)
        assert not detector.consider(2)  # a unit or two left: less work than a pool's start
        time.sleep(0.5)  # 4 calls in >= 0.5 s: >= 125 ms a unit
        assert detector.consider(1000)  # a backlog of 1000 units: the pool is started
        assert detector.pool_started is not None
        free()
        assert detector.call(os.getpid) == os.getpid()  # while the pool starts, calls go to the thread
        _wait_until(lambda: detector.ready, "the pool to take calls")
        assert detector.call(os.getpid) != os.getpid()
        assert not detector.consider(1000)  # once
    finally:
        gate.set()
        detector.close()


class KillOnce(PoolServes):
    """Kills one detection process while the pool holds units: mid-scan."""

    def __init__(self, executor: LocalExecutor):
        super().__init__(executor)
        self.killed = None

    def unit_done(self, unit, label=None):
        super().unit_done(unit, label)
        pool = self.executor._detector._pool
        if self.killed is None and pool is not None and self.executor._detector.ready and pool._pending_work_items:
            children = [p for p in multiprocessing.active_children() if p.pid]
            if children:
                self.killed = children[0].pid
                os.kill(self.killed, signal.SIGKILL)


def test_a_killed_detection_process_loses_nothing(demo, serial, tmp_path, engine, eager_pool):
    sources = [Source(url, name) for name, url in (d.split("=", 1) for d in demo)]
    executor = LocalExecutor(workers=2)
    killer = KillOnce(executor)
    outcome, lines = _scan(sources, executor, engine, tmp_path, progress=killer)
    assert killer.killed is not None
    assert executor._detector.restarts >= 1
    assert outcome.exit_code == 3
    assert comparable(lines) == comparable(serial)


def test_a_call_that_keeps_killing_its_process_gives_up():
    detector = Detector(2, ((), "blank"), pool_after=0)
    try:
        assert detector.consider(0)  # the pool, at once
        _wait_until(lambda: detector.ready, "the pool to take calls")
        with pytest.raises(BrokenProcessPool):
            detector.call(os._exit, 9)
        assert detector.restarts == ATTEMPTS - 1
        assert detector.call(sum, [1, 2]) == 3  # a new pool serves the next call
    finally:
        detector.close()


@pytest.mark.parametrize("args, message", [
    (["--workers", "0"], "--workers"),
    (["--executor", "nosuch"], "no executor named 'nosuch'"),
    (["--executor", "dask"], "--executor dask needs --scheduler"),
    (["--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler is for --executor dask"),
    (["--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"], "--workers is for the local executor"),
])
def test_executor_options_are_checked_before_anything_connects(tmp_path, args, message):
    from click.testing import CliRunner

    from scanner.cli.main import cli

    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-inventory", "-o", str(tmp_path / "r.jsonl"),
                                      *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r.jsonl").exists()


def test_validate_shows_the_executor(tmp_path):
    from click.testing import CliRunner

    from scanner.cli.main import cli

    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--validate", "--workers", "3"])
    assert result.exit_code == 0 and "executor  local, 3 worker(s)" in result.output
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--validate", "--scheduler", "tls://u:pw@sched:8786"])
    assert "executor  dask, scheduler tls://u:***@sched:8786" in result.output


def test_config_file_sets_workers(tmp_path):
    from click.testing import CliRunner

    from scanner.cli.main import cli

    cfg = tmp_path / "scan.yaml"
    cfg.write_text(f"version: 1\nsources:\n  - path: {tmp_path}\nscan:\n  workers: 2\n")
    result = CliRunner().invoke(cli, ["scan", "-c", str(cfg), "--validate"])
    assert result.exit_code == 0 and "local, 2 worker(s)" in result.output
    cfg.write_text(f"version: 1\nsources:\n  - path: {tmp_path}\nscan:\n  workers: 0\n")
    result = CliRunner().invoke(cli, ["scan", "-c", str(cfg), "--validate"])
    assert result.exit_code == 2 and "scan.workers" in result.output


def test_plugins_lists_the_executors():
    from click.testing import CliRunner

    from scanner.cli.main import cli

    rows = json.loads(CliRunner().invoke(cli, ["plugins", "--json"]).output)
    assert {r["name"] for r in rows if r["kind"] == "executor"} == {"local", "dask"}


def test_a_source_repr_and_a_job_repr_carry_no_password():
    from scanner.model.jobs import Job, Secret

    source = Source("postgresql://skanner:Hemmelig-Passord@db.example:5432/kunder")
    job = Job("0" * 36, source, ScanSettings(), (), "blank", Secret(b"k" * 32), "x")
    for text in (repr(source), repr(job), repr(job.key), str([job, source])):
        assert "Hemmelig-Passord" not in text and "kkkk" not in text
    assert "***" in repr(source)
