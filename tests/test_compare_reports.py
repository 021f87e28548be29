"""tools/compare_reports.py: two reports of one estate are the same apart from what differs
between any two runs, and every other difference is shown."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from compare_reports import differences, main  # noqa: E402

HEADER = {"record": "scan", "schema_version": "1.7", "scan_id": "a", "started_at": "2026-12-06T10:00:00Z",
          "tool": {"name": "kartlegg", "version": "0.1.0"}, "inventory": {"revision": "0007"}}
DATASET = {"record": "dataset", "scan_id": "a", "location": {"uri": "file:///srv/a/x.csv"}, "rows_sampled": 10,
           "duration_ms": 12, "version": "sha256:aa", "objects": {"newest": "2026-12-06T10:00:00Z"}}
FINDING = {"record": "finding", "scan_id": "a", "location": {"uri": "file:///srv/a/x.csv#fnr"},
           "entity_type": "NO_FODSELSNUMMER", "confidence": 0.9, "hits": 10, "free_text": False,
           "detectors": [{"name": "x", "version": "0.0.1"}]}


def _with(record: dict, **changes) -> dict:
    out = json.loads(json.dumps(record))
    for path, value in changes.items():
        node = out
        *head, last = path.split("__")
        for key in head:
            node = node[key]
        node[last] = value
    return out


SAME = [
    ("ids and times", [_with(HEADER, scan_id="b", started_at="2026-12-07T00:00:00Z")]),
    ("durations and change tokens", [_with(DATASET, duration_ms=999, version="sha256:bb", objects__newest="x")]),
    ("the tool's version", [_with(HEADER, tool__version="0.2.0")]),
]
DIFFERENT = [
    ("a confidence", _with(FINDING, confidence=0.8)),
    ("a location", _with(FINDING, location__uri="file:///srv/a/y.csv#fnr")),
    ("rows sampled", _with(DATASET, rows_sampled=11)),
    ("a detector's version", _with(FINDING, detectors=[{"name": "x", "version": "0.0.2"}])),
    ("the inventory's revision", _with(HEADER, inventory__revision="0006")),
    ("the schema version", _with(HEADER, schema_version="1.8")),
]


@pytest.mark.parametrize("what, changed", SAME, ids=[s[0] for s in SAME])
def test_what_differs_between_any_two_runs_is_ignored(what, changed):
    before = [HEADER, DATASET, FINDING]
    after = [next((c for c in changed if c["record"] == r["record"]), r) for r in reversed(before)]  # any order
    assert differences(before, after) == []


@pytest.mark.parametrize("what, changed", DIFFERENT, ids=[d[0] for d in DIFFERENT])
def test_every_other_difference_is_shown(what, changed):
    before = [HEADER, DATASET, FINDING]
    after = [changed if r["record"] == changed["record"] else r for r in before]
    assert len(differences(before, after)) == 2  # one line out, one in


def test_allowed_changes_are_named_on_the_command_line(tmp_path):
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_text("\n".join(json.dumps(r) for r in [HEADER, _with(FINDING, location__uri="file:///old/x")]))
    new = _with(FINDING, location__uri="file:///new/x", in_log=None)
    after.write_text("\n".join(json.dumps(r) for r in [_with(HEADER, schema_version="1.7",
                                                               inventory__revision="0006"), new]))
    assert main([str(before), str(after)]) == 1
    assert main([str(before), str(after), "--schema", "--ignore", "revision", "--new-key", "in_log",
                 "--path", "/old=/new"]) == 0
    (tmp_path / "broken.jsonl").write_text("{not json")
    assert main([str(before), str(tmp_path / "broken.jsonl")]) == 2
