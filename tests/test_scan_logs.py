"""Log files end to end: rotated siblings as one dataset, lines parsed into fields, head/tail/random
block sampling, --full, and files that grow or rotate while they are read."""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

import pytest

from detectors import synthetic
from reporting import findings, of, report, scan_cli
from scanner.model.units import WorkUnit
from scanner.crawlers.files import FileCrawler
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source

R = random.Random(17)
FNR = [synthetic.fodselsnummer(R) for _ in range(20)]
MiB = 1 << 20


def access_line(i: int, email: bool = True) -> str:
    query = f"epost=kunde{i}%40example.no&side={i % 7}" if email else f"side={i % 7}&sort=navn"
    return (f'203.0.113.{i % 250 + 1} - - [01/May/2024:10:{i % 60:02d}:00 +0200] "GET /kunder/sok?{query} HTTP/1.1" '
            f'200 {512 + i} "https://portal.example.no/start" "Mozilla/5.0 (X11; Linux x86_64)"\n')


def app_line(i: int) -> str:
    return (f"2024-05-01 10:{i % 60:02d}:00,123 INFO [kunde.registrering] Ny kunde registrert "
            f"fnr={FNR[i % 20]} epost=kunde{i}@example.no\n")


def quiet_line(i: int) -> str:
    return f"2024-05-01 10:{i % 60:02d}:00,123 INFO [helse] ok: {i} forespørsler, kø {i % 9}\n"


def run(*args) -> tuple[int, list[dict]]:
    code, lines, _ = scan_cli(*args)
    return code, lines


@pytest.fixture
def logs(tmp_path):
    root = tmp_path / "log"
    nginx = root / "nginx"
    nginx.mkdir(parents=True)
    (nginx / "access.log").write_text("".join(access_line(i) for i in range(200)))
    (nginx / "access.log.1").write_text("".join(access_line(i) for i in range(200, 400)))
    (nginx / "access.log.2.gz").write_bytes(gzip.compress("".join(access_line(i) for i in range(400, 600)).encode()))
    (root / "syslog").write_text("".join(
        f"May  1 10:00:{i % 60:02d} kunde-app01 sshd[{1000 + i}]: Accepted password for ola from 198.51.100.{i % 200 + 1}"
        f" port 22 ssh2\n" for i in range(100)))
    (root / "app.log").write_text(
        "".join(app_line(i) for i in range(50))
        + "2024-05-01 10:01:00,000 ERROR [kunde.oppslag] Oppslag feilet\n"
        + "Traceback (most recent call last):\n"
        + '  File "/srv/app/kunde.py", line 42, in finn\n'
        + "    raise KundeFinnesIkke(fnr)\n"
        + f"kunde.KundeFinnesIkke: ingen kunde med fnr {FNR[0]}\n"
        + "".join(quiet_line(i) for i in range(50)))
    (root / "hendelser.jsonl").write_text("".join(
        f'{{"ts": "2024-05-01T10:00:{i % 60:02d}Z", "level": "info", "bruker": {{"epost": "kunde{i}@example.no"}}, '
        f'"msg": "innlogget"}}\n' for i in range(80)))
    (root / "worker.log").write_text("".join(
        f'time=2024-05-01T10:00:{i % 60:02d}Z level=info kunde_epost=kunde{i}@example.no msg="faktura sendt" '
        f"belop={100 + i}\n" for i in range(80)))
    return root


def test_log_files_are_parsed_into_fields_and_rotations_are_one_dataset(logs):
    code, lines = run(str(logs))
    assert code == 0
    found = findings(lines)
    expected = {
        ("nginx/access.log*", "client_ip", "IP_ADDRESS"),
        ("nginx/access.log*", "query.epost", "EMAIL_ADDRESS"),
        ("app.log", "message", "NO_FODSELSNUMMER"),
        ("app.log", "message", "EMAIL_ADDRESS"),
        ("app.log", "fnr", "NO_FODSELSNUMMER"),
        ("app.log", "epost", "EMAIL_ADDRESS"),
        ("syslog", "message", "IP_ADDRESS"),
        ("hendelser.jsonl", "bruker.epost", "EMAIL_ADDRESS"),
        ("worker.log", "kunde_epost", "EMAIL_ADDRESS"),
    }
    assert expected <= found, expected - found
    assert {d for d, _, _ in found} == {d for d, _, _ in expected}
    datasets = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    access = datasets["nginx/access.log*"]
    assert access["objects"]["total"] == 3 and access["format"] in ("log", "mixed (gzip>log, log)")
    assert datasets["syslog"]["format"] == "log" and datasets["app.log"]["format"] == "log"


def test_a_traceback_stays_with_its_entry(logs):
    sample = sample_of(logs, "app.log")
    messages = next(f for f in sample.fields if f.name == "message").values
    trace = [m for m in messages if "Traceback" in m]
    assert len(trace) == 1 and FNR[0] in trace[0] and "Oppslag feilet" in trace[0]


def sample_of(root: Path, dataset: str, settings: ScanSettings | None = None, before=None):
    settings = settings or ScanSettings()
    source = Source(str(root), crawler="files")
    with FileCrawler(source, settings) as crawler:
        unit = next(u for u in crawler.discover() if isinstance(u, WorkUnit) and u.location.dataset == dataset)
        if before:
            before()
        return crawler.sample(unit)


def big_log(path: Path, lines: int, personal_from: int) -> None:
    with open(path, "w") as fh:
        for i in range(lines):
            fh.write(app_line(i) if i >= personal_from else quiet_line(i))


def test_a_large_log_is_sampled_at_its_head_tail_and_random_blocks(tmp_path):
    root = tmp_path / "log"
    root.mkdir()
    big_log(root / "app.log", 60_000, personal_from=57_000)  # ~5 MiB; personal data only at the end
    code, lines = run(str(root))
    assert code == 0
    (ds,) = of(lines, "dataset")
    assert ds["method"] == "first 1 MiB, logs larger than 1 MiB: head, tail and 2 random blocks of 256 KiB"
    assert ds["objects"]["read_bytes"] <= MiB and (root / "app.log").stat().st_size > 4 * MiB
    assert ("app.log", "fnr", "NO_FODSELSNUMMER") in findings(lines)  # found in the tail block


def test_full_reads_every_line_in_bounded_batches(tmp_path):
    root = tmp_path / "log"
    root.mkdir()
    big_log(root / "app.log", 30_000, personal_from=27_000)
    code, lines = run(str(root), "--full")
    assert code == 0
    by_field = {(r["location"]["field"], r["entity_type"]): r for r in of(lines, "finding")}
    fnr = by_field[("fnr", "NO_FODSELSNUMMER")]
    assert fnr["hits"] == 3000 and fnr["sampled"] == 3000
    assert fnr["reasons"][0].startswith("full read: 3000 of 3000 values, reported from 1 of 2 batch(es)")
    (ds,) = of(lines, "dataset")
    assert ds["rows_sampled"] == 30_000 and ds["method"].startswith("full read")


def test_lines_appended_while_a_log_is_read_are_left_for_the_next_scan(tmp_path):
    root = tmp_path / "log"
    root.mkdir()
    log = root / "app.log"
    log.write_text("".join(app_line(i) for i in range(100)))

    def grow():
        with open(log, "a") as fh:
            fh.write("".join(access_line(i) for i in range(100)))  # a different shape: easy to spot

    sample = sample_of(root, "app.log", before=grow)
    values = [v for f in sample.fields for v in f.values]
    assert not any("203.0.113." in str(v) for v in values)
    assert sample.details["objects"]["read_bytes"] == sum(len(app_line(i).encode()) for i in range(100))


def test_a_log_rotated_between_listing_and_reading_is_read_without_errors_or_twice(tmp_path):
    root = tmp_path / "log"
    root.mkdir()
    (root / "app.log").write_text("".join(app_line(i) for i in range(100)))
    (root / "app.log.1").write_text("".join(app_line(i) for i in range(100, 200)))
    settings = ScanSettings()
    source = Source(str(root), crawler="files")
    with FileCrawler(source, settings) as crawler:
        (unit,) = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
        os.rename(root / "app.log.1", root / "app.log.2")
        os.rename(root / "app.log", root / "app.log.1")
        (root / "app.log").write_text("".join(app_line(i) for i in range(200, 230)))
        sample = crawler.sample(unit)
    assert not sample.problems
    emails = [v for f in sample.fields if f.name == "epost" for v in f.values]
    assert len(emails) == len(set(emails))  # no line counted twice


def test_a_full_read_across_a_rotation_reads_every_file_once(tmp_path):
    root = tmp_path / "log"
    root.mkdir()
    (root / "app.log").write_text("".join(app_line(i) for i in range(100)))
    (root / "app.log.1").write_text("".join(app_line(i) for i in range(100, 200)))
    settings = ScanSettings(full=True, batch_rows=50)
    source = Source(str(root), crawler="files")
    with FileCrawler(source, settings) as crawler:
        (unit,) = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
        batches = crawler.sample_batches(unit)
        seen = [v for f in next(batches).fields if f.name == "epost" for v in f.values]
        os.rename(root / "app.log.1", root / "app.log.2")  # logrotate, after the first batch
        os.rename(root / "app.log", root / "app.log.1")
        (root / "app.log").write_text("".join(app_line(i) for i in range(200, 230)))
        for batch in batches:
            assert not batch.problems
            seen += [v for f in batch.fields if f.name == "epost" for v in f.values]
    assert len(seen) == len(set(seen)) == 200  # the two listed files, each once; the new one next time


@pytest.mark.parametrize("batch_rows", [100, 20_000])
def test_full_read_hits_do_not_depend_on_the_batch_size(tmp_path, batch_rows):
    # a few e-mails spread thin: some batches hold too few to report on their own
    root = tmp_path / "log"
    root.mkdir()
    lines = [app_line(i) if i % 97 == 0 else quiet_line(i) for i in range(3000)]
    (root / "app.log").write_text("".join(lines))
    from scanner.scan.run import scan
    from reports.jsonl import JsonlWriter

    out = tmp_path / "r.jsonl"
    writer = JsonlWriter(str(out))
    scan([Source(str(root), crawler="files")], ScanSettings(full=True, batch_rows=batch_rows), [writer])
    writer.close()
    found = {(r["location"]["field"], r["entity_type"]): r for r in of(report(out), "finding")}
    assert found[("epost", "EMAIL_ADDRESS")]["hits"] == len(range(0, 3000, 97))


def test_a_database_scan_with_full_is_still_a_sample_and_says_so(tmp_path):
    import sqlite3

    db = tmp_path / "k.db"
    con = sqlite3.connect(db)
    con.execute("create table kunde (id integer primary key, epost text)")
    con.executemany("insert into kunde (epost) values (?)", [(f"k{i}@example.no",) for i in range(3000)])
    con.commit()
    con.close()
    _, lines = run(f"sqlite:///{db}", "--full")
    (f,) = of(lines, "finding")
    assert f["sampled"] == 1000 and not f["reasons"][0].startswith("full read")


@pytest.mark.parametrize("full", [False, True])
def test_rows_of_a_mixed_log_are_its_entries(tmp_path, full):
    root = tmp_path / "log"
    root.mkdir()
    (root / "blandet.log").write_text("".join(access_line(i) if i % 2 else app_line(i) for i in range(120)))
    _, lines = run(str(root), *(["--full"] if full else []))
    (ds,) = of(lines, "dataset")
    assert ds["rows_sampled"] == 120 and ds["format"] == "log"
