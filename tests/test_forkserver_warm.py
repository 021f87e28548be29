"""The forkserver builds the scan's engine once, for the detection processes it forks: the spec
travels in its environment, is used only there, and an engine built so is the one the processes
ask for."""

from __future__ import annotations

import gc
import importlib
import os
import subprocess
import sys
from pathlib import Path

from scanner.scan import unit
from scanner.scan.executors import warm

SPEC = (("no_fodselsnummer", "email_address"), "blank")


def test_the_spec_travels_as_json_and_comes_back_the_same():
    env = warm.spec_env(SPEC)
    assert list(env) == [warm.SPEC_ENV]
    detectors, model = __import__("json").loads(env[warm.SPEC_ENV])
    assert (tuple(detectors), model) == SPEC


def test_outside_a_forkserver_the_import_builds_nothing(monkeypatch):
    monkeypatch.setenv(warm.SPEC_ENV, warm.spec_env(SPEC)[warm.SPEC_ENV])
    monkeypatch.delitem(sys.modules, "multiprocessing.forkserver", raising=False)
    monkeypatch.setattr(unit, "_engines", {})
    importlib.reload(warm)
    assert SPEC not in unit._engines


def test_in_a_forkserver_the_engine_is_built_and_warm(monkeypatch):
    monkeypatch.setenv(warm.SPEC_ENV, warm.spec_env(SPEC)[warm.SPEC_ENV])
    monkeypatch.setitem(sys.modules, "multiprocessing.forkserver", sys.modules.get("multiprocessing.forkserver")
                        or importlib.import_module("multiprocessing.forkserver"))
    monkeypatch.setattr(unit, "_engines", {})
    from scanner.system import collector

    monkeypatch.setattr(collector, "_own_process", False)  # given back: this (test) process is not a forkserver
    threshold = gc.get_threshold()
    try:
        importlib.reload(warm)
        # the collector set as for a process of kartlegg's own, and the warm engine frozen
        assert gc.get_threshold()[0] > 700 and gc.get_freeze_count() > 0
    finally:  # this (test) process is not a forkserver
        gc.unfreeze()
        gc.set_threshold(*threshold)
    engine = unit._engines[SPEC]
    assert [p.name for p in engine.plugins] == list(SPEC[0])
    assert warm.SPEC_ENV not in os.environ  # taken, not passed on to what it starts


def test_a_bad_spec_is_ignored(monkeypatch):
    monkeypatch.setenv(warm.SPEC_ENV, "not json")
    monkeypatch.setattr(unit, "_engines", {})
    importlib.reload(warm)
    assert unit._engines == {}


CHECK = """
import multiprocessing, os
from concurrent.futures import ProcessPoolExecutor
from scanner.scan import unit
from scanner.scan.executors import warm
from scanner.system import lifeline

SPEC = (("no_fodselsnummer", "email_address"), "blank")


def has_engine(spec):
    import gc
    # inherited from the forkserver: its collector's setting, and the engine frozen
    return spec in unit._engines and gc.get_freeze_count() > 1000 and gc.get_threshold()[0] > 700


if __name__ == "__main__":
    lifeline.start_forkserver([warm.__name__, "scanner.scan.unit"], warm.spec_env(SPEC))
    assert warm.SPEC_ENV not in os.environ
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        # no initializer: the engine is there because the forkserver built it before forking
        print(pool.submit(has_engine, SPEC).result(timeout=120), SPEC in unit._engines)
"""


def test_forked_processes_start_with_the_forkservers_engine(tmp_path):
    # in a process of its own: this one's forkserver may be running already, started without it
    script = tmp_path / "check.py"
    script.write_text(CHECK)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "False"]  # in the forked process, not in the scan's
