"""The scan's own engine is warmed in a thread while sources are listed; detection waits for it
instead of compiling the same patterns beside it."""

from __future__ import annotations

import threading

from detectors.engine import Engine
from detectors.recognizers.base import KartleggPatternRecognizer
from scanner.scan import unit


def _compiled(engine) -> list[bool]:
    return [r._short is not None for r in engine.recognizers if isinstance(r, KartleggPatternRecognizer)]


def test_detection_waits_for_the_background_warm(monkeypatch):
    monkeypatch.setattr(unit, "_engines", {})
    engine = Engine()
    spec = ("background-warm-test", "blank")
    unit.engine_for(spec, engine)
    assert not all(_compiled(engine))  # built, not warmed: `kartlegg detect` pays for what it uses only
    thread = unit.warm_in_background(spec)
    assert thread.name == "kartlegg-warm"
    with unit._detecting:  # where every detection starts
        assert all(_compiled(engine))
        assert engine.text._tokenizer is not None
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_a_failing_warm_is_left_to_the_first_detection(monkeypatch, capsys):
    monkeypatch.setattr(unit, "_engines", {})
    engine = Engine()

    def broken():
        raise RuntimeError("model missing")

    monkeypatch.setattr(engine, "warm", broken)
    spec = ("broken-warm-test", "blank")
    unit.engine_for(spec, engine)
    seen = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args))
    unit.warm_in_background(spec).join(timeout=60)
    assert seen == [] and "Traceback" not in capsys.readouterr().err
    with unit._detecting:  # not left held
        pass
