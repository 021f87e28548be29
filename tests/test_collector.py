"""The garbage collector is set for a scan while it runs (scanner.system.collector), and
given back as it was; a detection process keeps the setting for its life."""

from __future__ import annotations

import gc
import sqlite3
import time

import pytest

from scanner.system import collector


@pytest.fixture
def default_threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


class ThresholdWriter:
    """A report writer that notes the collector's threshold as each record arrives."""

    def __init__(self):
        self.seen: set[tuple[int, ...]] = set()
        self.records = 0

    def write(self, record: dict) -> None:
        self.seen.add(gc.get_threshold())
        self.records += 1

    def close(self) -> None:
        pass


def test_a_scan_collects_young_objects_less_often_and_gives_the_setting_back(tmp_path, engine,
                                                                             default_threshold):
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source
    from scanner.scan.run import scan

    path = tmp_path / "kunder.db"
    with sqlite3.connect(path) as db:
        db.execute("create table kunde (id integer primary key, epost text)")
        db.executemany("insert into kunde (epost) values (?)", [(f"kunde{i}@example.no",) for i in range(30)])
    writer = ThresholdWriter()
    scan([Source(f"sqlite:///{path}", "kunder")], ScanSettings(sample_size=50), [writer], engine=engine)
    assert writer.records >= 4  # header, dataset, finding, summary
    assert writer.seen == {(collector.YOUNG, 10, 10)}
    assert gc.get_threshold() == (700, 10, 10)


@pytest.mark.parametrize("before, within", [
    ((700, 10, 10), (collector.YOUNG, 10, 10)),
    ((50_000, 5, 3), (50_000, 5, 3)),  # a caller's own higher setting is never lowered
    ((0, 10, 10), (0, 10, 10)),  # nor turned on where it was turned off
])
def test_scanning_raises_the_young_threshold_only(before, within, default_threshold):
    gc.set_threshold(*before)
    with pytest.raises(RuntimeError), collector.scanning():
        assert gc.get_threshold() == within
        raise RuntimeError("a scan that fails gives the setting back too")
    assert gc.get_threshold() == before


def test_overlapping_scans_give_the_setting_back_when_the_last_ends(default_threshold):
    first, second = collector.scanning(), collector.scanning()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == (collector.YOUNG, 10, 10)  # the second scan still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_detection_process_keeps_the_setting(default_threshold):
    from scanner.scan.executors.detection import Detector

    detector = Detector(2, ((), "blank"), pool_after=0)
    try:
        assert detector.consider(0)
        deadline = time.monotonic() + 60
        while not detector.ready and time.monotonic() < deadline:
            time.sleep(0.05)
        assert detector.ready
        assert detector.call(gc.get_threshold)[0] == collector.YOUNG
    finally:
        detector.close()


# -- the command line's own process ---------------------------------------------------------------

STATES = """
import gc, sys
from scanner.system import collector
collector.started()
states = [gc.get_freeze_count(), gc.get_threshold()[0]]
collector.for_this_process()
states += [gc.get_threshold()[0]]
collector.started()
states += [gc.get_freeze_count() > 0]
gc.unfreeze()
collector.leaving()
states += [gc.get_freeze_count() > 0]
print(states)
"""


def test_only_a_process_of_kartleggs_own_freezes_what_it_holds_once_started():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STATES], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # started() alone (a library caller's interpreter): nothing frozen, the threshold left as it was
    assert done.stdout.split("\n")[0] == f"[0, 700, {collector.YOUNG}, True, True]"


def test_a_scan_through_the_cli_group_leaves_the_test_process_unfrozen(tmp_path):
    from click.testing import CliRunner

    from scanner.cli.main import cli

    path = tmp_path / "kunder.db"
    with sqlite3.connect(path) as db:
        db.execute("create table kunde (id integer primary key, epost text)")
        db.executemany("insert into kunde (epost) values (?)", [(f"kunde{i}@example.no",) for i in range(30)])
    before = gc.get_freeze_count()
    result = CliRunner().invoke(cli, ["scan", f"sqlite:///{path}", "-o", str(tmp_path / "r.jsonl"),
                                      "--no-inventory", "-q"])
    assert result.exit_code == 0, result.output
    assert '"record":"finding"' in (tmp_path / "r.jsonl").read_text(encoding="utf-8")  # the scan ran
    assert gc.get_freeze_count() == before
