"""`--workers N`: detection in a pool of processes, reading in threads within each source's
connection limit, one coordinator writing. On the demo estate (an SQLite customer system and a
file share with broken files; the `demo` fixture) the records must be those of a serial scan, apart from order and
timing; a pool process killed mid-scan loses nothing.
"""

from __future__ import annotations

from scanner.model.progress import Progress

import json
import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from reporting import comparable, of, report, scan_cli
from scanner.scan import run as pipeline
from scanner.scan.executors.local import ATTEMPTS, LocalExecutor, _Detector
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source

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
def test_workers_give_the_records_of_a_serial_scan(demo, serial, workers):
    code, lines, _ = scan_cli(*demo, "--workers", str(workers), "--no-inventory")
    assert code == 3
    assert lines[0]["executor"] == {"name": "local", "workers": workers}
    assert comparable(lines) == comparable(serial)


def test_full_reads_in_the_pool_equal_serial_full_reads(demo):
    files = demo[1]
    _, one, _ = scan_cli(files, "--full", "--workers", "1", "--no-inventory")
    _, two, _ = scan_cli(files, "--full", "--workers", "2", "--no-inventory")
    assert any("full read" in r["reasons"][0] for r in of(one, "finding"))
    assert comparable(two) == comparable(one)


def test_the_inventory_is_written_by_the_coordinator_alone(demo, serial, tmp_path):
    inventory = tmp_path / "inventory.sqlite"
    code, lines, _ = scan_cli(*demo, "--workers", "2", "--inventory", str(inventory))
    assert code == 3
    import sqlite3

    con = sqlite3.connect(inventory)
    (stored,) = con.execute("select count(*) from findings").fetchone()
    con.close()
    assert stored == len(of(serial, "finding"))


class KillOnce(Progress):
    """Kills one detection process when the first unit's records arrive: mid-scan."""

    def __init__(self):
        self.killed = None

    def unit_done(self, unit, label=None):
        if self.killed is None:
            import multiprocessing

            children = [p for p in multiprocessing.active_children() if p.pid]
            if children:
                self.killed = children[0].pid
                os.kill(self.killed, signal.SIGKILL)


def test_a_killed_detection_process_loses_nothing(demo, serial, tmp_path, engine):
    sources = [Source(url, name) for name, url in (d.split("=", 1) for d in demo)]
    out = tmp_path / "report.jsonl"
    from reports.jsonl import JsonlWriter

    writer = JsonlWriter(str(out))
    killer = KillOnce()
    executor = LocalExecutor(workers=2)
    executor.start(pipeline.engine_spec(ScanSettings(), engine), engine)
    try:
        outcome = pipeline.scan(sources, ScanSettings(), [writer], engine=engine, progress=killer, executor=executor)
    finally:
        writer.close()
    assert killer.killed is not None
    assert executor._detector.restarts >= 1
    assert outcome.exit_code == 3
    assert comparable(report(out)) == comparable(serial)


def test_a_call_that_keeps_killing_its_process_gives_up():
    detector = _Detector(2, ((), "blank"))
    detector.submitted = detector.workers  # past the first units, which are examined in a thread here
    try:
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
