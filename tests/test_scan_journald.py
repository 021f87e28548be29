"""`kartlegg scan journald://…` on real journal files, written by systemd-journal-remote from the
journal export format, and read by the real journalctl."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from detectors import synthetic
from reporting import findings, of, reasons, scan_cli

REMOTE = "/lib/systemd/systemd-journal-remote"
pytestmark = pytest.mark.skipif(not (shutil.which("journalctl") and Path(REMOTE).exists()),
                                reason="make test installs systemd-journal-remote (tools/ensure-services)")
R = random.Random(8)
FNR = [synthetic.fodselsnummer(R) for _ in range(5)]


def export(entries: list[dict]) -> str:
    out = []
    for i, e in enumerate(entries):
        fields = {"__CURSOR": f"s=0;i={i}", "__REALTIME_TIMESTAMP": str(1_714_550_400_000_000 + i * 1000),
                  "__MONOTONIC_TIMESTAMP": str(i + 1), "_BOOT_ID": "0123456789abcdef0123456789abcdef",
                  "_HOSTNAME": "kunde-app01", **e}
        out.append("".join(f"{k}={v}\n" for k, v in fields.items()))
    return "\n".join(out) + "\n"


def entries(n_api: int = 120, n_nginx: int = 150) -> list[dict]:
    rows = []
    for i in range(n_api):
        rows.append({"_SYSTEMD_UNIT": "kunde-api.service", "SYSLOG_IDENTIFIER": "kunde-api", "PRIORITY": "6",
                     "MESSAGE": f"2024-05-01 10:00:{i % 60:02d},123 INFO [kunde.registrering] Ny kunde "
                                f"fnr={FNR[i % 5]} epost=kunde{i}@example.no"})
    for i in range(n_nginx):
        rows.append({"_SYSTEMD_UNIT": "nginx.service", "SYSLOG_IDENTIFIER": "nginx", "PRIORITY": "6",
                     "MESSAGE": f'203.0.113.{i % 250 + 1} - - [01/May/2024:10:00:00 +0200] "GET /sok?epost='
                                f'bruker{i}%40example.no&side=2 HTTP/1.1" 200 512 "-" "Mozilla/5.0"'})
    for i in range(30):  # the kernel's messages belong to no unit
        rows.append({"_TRANSPORT": "kernel", "SYSLOG_IDENTIFIER": "kernel", "PRIORITY": "4",
                     "MESSAGE": f"usb 1-{i % 4}: new device, serial {i:04d} owner admin{i}@example.no"})
    for i in range(40):
        rows.append({"_SYSTEMD_UNIT": "cron.service", "SYSLOG_IDENTIFIER": "CRON", "PRIORITY": "6",
                     "MESSAGE": f"pam_unix(cron:session): session opened for user root(uid=0) by (uid={i})"})
    return rows


@pytest.fixture(scope="module")
def journal(tmp_path_factory):
    d = tmp_path_factory.mktemp("journal")
    path = d / "system.journal"
    subprocess.run([REMOTE, "-o", str(path), "-"], input=export(entries()).encode(), check=True,
                   capture_output=True, timeout=60)
    return path


def run(*args) -> tuple[int, list[dict]]:
    code, lines, _ = scan_cli(*args)
    return code, lines


def test_units_are_datasets_and_messages_are_parsed_into_fields(journal):
    code, lines = run(f"journald://{journal}")
    assert code == 0
    assert findings(lines) == {
        ("kunde-api.service", "message", "NO_FODSELSNUMMER"),
        ("kunde-api.service", "message", "EMAIL_ADDRESS"),
        ("kunde-api.service", "fnr", "NO_FODSELSNUMMER"),
        ("kunde-api.service", "epost", "EMAIL_ADDRESS"),
        ("nginx.service", "client_ip", "IP_ADDRESS"),
        ("nginx.service", "query.epost", "EMAIL_ADDRESS"),
        ("kernel", "message", "EMAIL_ADDRESS"),
    }
    datasets = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    assert set(datasets) == {"kunde-api.service", "nginx.service", "cron.service", "kernel"}
    assert {r["location"]["container"] for r in of(lines, "dataset")} == {"kunde-app01"}
    # a journal shorter than the sample is read once: the oldest and newest halves do not overlap
    assert datasets["kunde-api.service"]["rows_sampled"] == 120 and datasets["cron.service"]["rows_sampled"] == 40


def test_a_sample_smaller_than_the_journal_takes_the_oldest_and_newest(journal):
    _, lines = run(f"journald://{journal}", "--sample-size", "20")
    ds = next(r for r in of(lines, "dataset") if r["location"]["dataset"] == "nginx.service")
    assert ds["rows_sampled"] == 20 and ds["method"] == "oldest 10 and newest 10 entries"


def test_units_in_the_url_narrow_the_scan(journal):
    _, lines = run(f"journald://{journal}?unit=nginx.service")
    assert {r["location"]["dataset"] for r in of(lines, "dataset")} == {"nginx.service"}


def test_a_full_read_counts_every_entry(journal):
    _, lines = run(f"journald://{journal}", "--full")
    api = {r["location"]["field"]: r for r in of(lines, "finding")
           if r["location"]["dataset"] == "kunde-api.service" and r["entity_type"] == "EMAIL_ADDRESS"}
    assert api["epost"]["hits"] == 120 and api["epost"]["sampled"] == 120
    rows = {r["location"]["dataset"]: r["rows_sampled"] for r in of(lines, "dataset")}
    assert rows == {"kunde-api.service": 120, "nginx.service": 150, "cron.service": 40, "kernel": 30}


def test_without_journalctl_the_source_is_one_clean_skip(journal, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on it
    code, lines = run("journald://")
    assert code == 0
    (skip,) = of(lines, "skipped")
    assert skip["reason"].startswith("journalctl not found")
    assert not of(lines, "error") and not of(lines, "dataset")
    assert reasons(lines) == {"journal": skip["reason"]}


def test_another_hosts_journal_is_refused_with_the_reason(journal):
    code, lines = run("journald://db01.intern")
    assert code == 6  # nothing could be read
    (err,) = of(lines, "error")
    assert "not another host's: db01.intern" in err["error"]["message"]


def test_a_journalctl_that_hangs_is_stopped(journal, tmp_path, monkeypatch):
    # fault injection: journalctl stuck on a broken journal file, as a stand-in that never answers
    fake = tmp_path / "bin" / "journalctl"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho x >&2\nexec sleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    code, lines = run(f"journald://{journal}", "--statement-timeout", "1")
    assert code == 6  # the only source failed: nothing could be read
    (err,) = of(lines, "error")
    assert err["error"]["type"] == "TimeoutError"
