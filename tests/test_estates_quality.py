"""The two labelled estates (bench/estates.py: the demo utility and the IT-operations company
with a power retailer), written, scanned through the CLI in a subprocess and scored per part:
core micro F1 >= 0.98 on SQL, files and logs (issue 18). The holdout estate is measured in
BENCHMARKS.md, not held here: its labels were written blind and one of them is argued."""

from __future__ import annotations

import pytest

from bench import estates


@pytest.mark.parametrize("name", ["demo", "ops"])
def test_estate_scores_per_part(name):
    (result,) = estates.run(size="small", names=(name,))
    errors = [f"{e.part} {e.kind} {e.entity}: {e.dataset} / {e.field}" for e in result.errors]
    assert {part: round(s.f1, 3) for part, s in result.parts.items() if s.f1 < estates.TARGET} == {}, errors
    assert all(s.tp for s in result.parts.values())  # every part holds personal data to find
