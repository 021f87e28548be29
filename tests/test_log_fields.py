"""Log fields judged as what they are (issue 18): identifiers inside URLs (request paths, query
strings) are found where they sit; numbers that pass a check only by chance (11-digit job ids)
are not identifiers; versions and user agents are not addresses. Real log files, scanned
through the CLI in full and sampled."""

from __future__ import annotations

import json
import random

import pytest
from reporting import of, scan_cli

from detectors import synthetic
from detectors.checksums import fnr_info

LINES = 3000


def _job(r: random.Random) -> int:
    return r.randint(10**10, 10**11 - 1)


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    root = tmp_path_factory.mktemp("logs")
    r = random.Random(9)
    with open(root / "access.log", "w") as f:
        for i in range(LINES):
            if i % 25 == 0:
                path = f"/api/v2/malepunkt/{synthetic.meter_id(r)}/forbruk"
            elif i % 25 == 1:
                path = f"/api/v1/kunde?fnr={synthetic.fodselsnummer(r)}&side=2"
            else:
                path = f"/api/v1/ordre/{_job(r)}/status"
            f.write(f'203.0.113.{r.randint(1, 254)} - - [01/May/2024:10:00:{i % 60:02d} +0200] "GET {path} HTTP/1.1" '
                    f'200 512 "-" "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0.0.0 Safari/537.36"\n')
    with open(root / "web.jsonl", "w") as f:
        for i in range(LINES):
            path = (f"/api/v2/malepunkt/{synthetic.meter_id(r)}/forbruk" if i % 30 == 0
                    else f"/api/v1/produkt/{r.randint(1000, 99999)}")
            f.write(json.dumps({"ts": "2024-05-01T10:00:00Z", "path": path, "client_ip": f"198.51.100.{r.randint(1, 254)}",
                                "user_agent": "Mozilla/5.0 Chrome/124.0.0.0", "version": "10.2.3.4"}) + "\n")
    with open(root / "worker.log", "w") as f:
        for i in range(LINES):
            user = f" user=kari{i}@example.no" if i % 40 == 0 else ""
            f.write(f'ts=2024-05-01T10:00:00Z level=info msg="jobb ferdig" job={_job(r)} build=1.2.3.4 '
                    f'duration_ms={r.randint(1, 999)}{user}\n')
    with open(root / "batch.log", "w") as f:
        for _ in range(LINES):
            f.write(f"2024-05-01 10:00:00,123 INFO [batch] jobb {_job(r)} ferdig på {r.randint(1, 900)} ms\n")
    return root


EXPECTED = {
    ("access.log", "client_ip"): {"IP_ADDRESS"},
    ("access.log", "path"): {"NO_METER_ID"},
    ("access.log", "query.fnr"): {"NO_FODSELSNUMMER"},
    ("web.jsonl", "client_ip"): {"IP_ADDRESS"},
    ("web.jsonl", "path"): {"NO_METER_ID"},
    ("worker.log", "user"): {"EMAIL_ADDRESS"},
}


def _found(lines) -> dict:
    out: dict = {}
    for f in of(lines, "finding"):
        out.setdefault((f["location"]["dataset"], f["location"]["field"]), set()).add(f["entity_type"])
    return out


def test_the_traps_are_real(logs):
    """Some job ids are valid fødselsnumre, or nothing here would test the chance rule."""
    text = (logs / "batch.log").read_text()
    ids = [w for w in text.split() if len(w) == 11 and w.isdigit()]
    assert sum(fnr_info(i) is not None for i in ids) >= 10


@pytest.mark.parametrize("mode", [["--full"], []])
def test_log_fields_are_judged_for_what_they_hold(logs, mode):
    code, lines, _ = scan_cli(str(logs), "--no-inventory", *mode)
    assert code == 0
    found = _found(lines)
    if not mode:  # a sample sees fewer lines: what it reports must still be right
        assert set(found) <= set(EXPECTED) and all(found[k] <= EXPECTED[k] for k in found)
        assert found[("access.log", "client_ip")] == {"IP_ADDRESS"}
    else:
        assert found == EXPECTED
