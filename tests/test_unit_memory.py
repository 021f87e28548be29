"""What a detection process keeps from one unit to the next, and lets go at a scan's end: the
values its engines and fingerprinters remembered are the scan's data."""

from __future__ import annotations

from types import SimpleNamespace

from detectors.engine import Engine
from scanner.scan import unit


def _job(key: bytes):
    return SimpleNamespace(key=SimpleNamespace(value=key))


def test_one_fingerprinter_per_key_and_nothing_kept_after_the_scan(monkeypatch):
    monkeypatch.setattr(unit, "_engines", {})
    monkeypatch.setattr(unit, "_fingerprinters", {})
    monkeypatch.setattr(unit, "_crawlers", {})
    engine = unit.engine_for(("unit-memory-test", "blank"), Engine())
    first = unit.fingerprinter(_job(b"a" * 32))
    assert unit.fingerprinter(_job(b"a" * 32)) is first  # batch after batch, what it made serves again
    other = unit.fingerprinter(_job(b"b" * 32))
    assert other is not first and other("IP_ADDRESS", "203.0.113.5") != first("IP_ADDRESS", "203.0.113.5")
    engine.analyze_values(["kari@example.no", "41234567"], context=["kunde"])
    assert engine._remembered_values == 2

    unit.release("scan-1", "one source")  # a source done: the scan goes on, and so does its memory
    assert engine._remembered_values == 2 and unit.fingerprinter(_job(b"a" * 32)) is first
    unit.release("scan-1")  # the scan done
    assert engine._remembered_values == 0 and engine._remembered == {}
    assert unit.fingerprinter(_job(b"a" * 32)) is not first
    assert unit.fingerprinter(_job(b"a" * 32))("IP_ADDRESS", "203.0.113.5") == first("IP_ADDRESS", "203.0.113.5")
