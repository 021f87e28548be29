"""Scheduled operation: a configuration file run again and again — incremental scans that pass
over what did not change, a lock that keeps two runs apart, and log lines that never carry a
password or a value found."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from detectors import synthetic
from scanner.cli.main import cli
from scanner.system.lock import Busy, run_lock
from tests.reporting import of, report

PASSWORD = "Pl@nl:agt/%20#skanner"  # what a URL, YAML or a log line could mangle
ROWS = 40


@pytest.fixture(autouse=True)
def _configured_inventory(monkeypatch):
    """These tests name their inventory in the file; KARTLEGG_INVENTORY would win over it."""
    monkeypatch.delenv("KARTLEGG_INVENTORY", raising=False)


def run(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def kinds(lines: list[dict]) -> dict[str, str]:
    """dataset → what this scan did with it: read, unchanged, error."""
    out = {}
    for r in lines:
        if r["record"] in ("dataset", "unchanged") and r["location"]:
            out[r["location"]["dataset"]] = "read" if r["record"] == "dataset" else "unchanged"
        elif r["record"] == "error" and r["location"]:
            out.setdefault(r["location"]["dataset"], "error")
    return out


# -- PostgreSQL, from a configuration file ------------------------------------------------------

DB = "inkrementell"


@pytest.fixture(scope="module")
def pg(postgres_server):
    postgres_server.create_database(DB)
    r = random.Random(3)
    engine = sa.create_engine(postgres_server.url(database=DB))
    with engine.begin() as conn:
        conn.exec_driver_sql("create table kunde (id int primary key, fnr text, epost text)")
        conn.exec_driver_sql("create table maaler (id int primary key, malepunkt text, merknad text)")
        conn.exec_driver_sql("create table hendelse (id int primary key, tekst text)")
        for i in range(ROWS):
            conn.execute(sa.text("insert into kunde values (:i, :f, :e)"),
                         {"i": i, "f": synthetic.fodselsnummer(r), "e": f"kunde{i}@example.no"})
            conn.execute(sa.text("insert into maaler values (:i, :m, 'ok')"), {"i": i, "m": synthetic.meter_id(r)})
            conn.execute(sa.text("insert into hendelse values (:i, 'Måler avlest uten avvik')"), {"i": i})
    engine.dispose()
    postgres_server.create_readonly_role("planlagt", PASSWORD, DB)
    return postgres_server


def change(server, *statements: str) -> None:
    server.write_flushed(DB, *statements)
    time.sleep(0.2)


def test_incremental_scans_of_a_database_from_a_configuration(pg, tmp_path):
    (tmp_path / "pw").write_text(PASSWORD + "\n")
    cfg = tmp_path / "scan.yaml"
    cfg.write_text(textwrap.dedent(f"""
        sources:
          - name: maalerdata
            driver: postgresql
            host: 127.0.0.1
            port: {pg.port}
            database: {DB}
            user: planlagt
            password_file: pw
            declare: {{owner: Nettselskapet AS, role: processor, categories: [identity, metering]}}
        scan: {{incremental: true, sample_size: 100}}
        output: {{report: "reports/{{datetime}}-{{config}}.jsonl"}}
        inventory: {{path: inventory.sqlite}}
    """))

    def scan(*extra) -> list[dict]:
        before = set((tmp_path / "reports").glob("*.jsonl")) if (tmp_path / "reports").exists() else set()
        code, out, err = run("scan", "--config", str(cfg), *extra)
        assert code in (0, 1), out + err
        (new,) = set((tmp_path / "reports").glob("*.jsonl")) - before
        time.sleep(1.01)  # {datetime} has whole seconds: one report per scan
        return report(new)

    first = scan()
    assert kinds(first) == {"kunde": "read", "maaler": "read", "hendelse": "read"}
    from scanner.inventory.models import Source
    from scanner.inventory.store import Store

    store = Store.open(str(tmp_path / "inventory.sqlite"))
    try:  # the file's declared metadata went into the inventory before the scan
        with store.session() as s:
            declared = s.scalars(sa.select(Source).where(Source.name == "maalerdata")).one()
            assert (declared.owner, declared.role, declared.categories) == \
                ("Nettselskapet AS", "processor", ["identity", "metering"])
    finally:
        store.dispose()
    assert all(r.get("version", "").startswith("sha256:") for r in of(first, "dataset"))
    assert first[0]["sources"][0]["uri"].startswith("postgresql+psycopg2://planlagt:***@127.0.0.1")

    second = scan()
    assert kinds(second) == {"kunde": "unchanged", "maaler": "unchanged", "hendelse": "unchanged"}
    unchanged = {r["location"]["dataset"]: r for r in of(second, "unchanged")}
    assert unchanged["kunde"]["last_read"]["scan_id"] == first[0]["scan_id"]
    assert set(unchanged["kunde"]["entity_types"]) >= {"NO_FODSELSNUMMER", "EMAIL_ADDRESS"}
    assert second[-1]["locations"] == {"scanned": 0, "skipped": 0, "failed": 0, "unchanged": 3}
    assert of(second, "change") == []  # nothing read, nothing changed, nothing gone

    # one table gets phone numbers; the others are not read again
    r = random.Random(9)
    change(pg, "alter table maaler add column telefon text",
           *[f"update maaler set telefon = '{synthetic.phone(r, 'intl')}' where id = {i}" for i in range(ROWS)])
    third = scan()
    assert kinds(third) == {"kunde": "unchanged", "maaler": "read", "hendelse": "unchanged"}
    new = {(c["location"]["field"], c["entity_type"]) for c in of(third, "change") if c["change"] == "new"}
    assert new == {("telefon", "NO_PHONE_NUMBER")}
    assert not [c for c in of(third, "change") if c["change"] == "gone"]  # unread tables lose nothing

    # a delete counts as a change too
    change(pg, "delete from hendelse where id = 0")
    assert kinds(scan()) == {"kunde": "unchanged", "maaler": "unchanged", "hendelse": "read"}

    # other settings read everything again: the findings depend on them
    assert set(kinds(scan("--sample-size", "50")).values()) == {"read"}
    # and without --incremental everything is read, whatever the versions
    code, out, err = run("scan", "--config", str(cfg), "--no-inventory", "-o", str(tmp_path / "full.jsonl"))
    assert code == 2 and "--incremental compares with the inventory" in out + err

    # the password went nowhere
    for path in [*tmp_path.rglob("*.jsonl"), tmp_path / "inventory.sqlite"]:
        data = path.read_bytes()
        assert PASSWORD.encode() not in data and b"agt%2F" not in data and b"agt/" not in data, path


# -- files ---------------------------------------------------------------------------------------

def test_incremental_scans_of_files_read_what_changed_and_what_failed(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "kunder.csv").write_text("navn;epost\n" + "".join(f"Kunde {i};k{i}@example.no\n" for i in range(30)))
    (share / "notater.txt").write_text("Ingen merknader.\n")
    (share / "eksport_2024-01.csv.gz").write_bytes(b"\x1f\x8b\x08\x00broken")  # one broken member
    (share / "eksport_2024-02.csv.gz").write_bytes(gzip.compress(b"id;telefon\n1;+47 412 34 567\n"))
    inv = tmp_path / "inv.sqlite"

    def scan(*extra) -> list[dict]:
        out = tmp_path / f"r{time.monotonic_ns()}.jsonl"
        code, stdout, stderr = run("scan", str(share), "--incremental", "--inventory", str(inv), "-o", str(out),
                                   *extra)
        assert code in (0, 1, 3), stdout + stderr
        return report(out)

    first = scan()
    datasets = {r["location"]["dataset"]: r for r in of(first, "dataset")}
    assert {"kunder.csv", "notater.txt"} <= set(datasets)
    broken = next(d for d in datasets if d.startswith("eksport"))
    assert "version" not in datasets[broken]  # a read with an error records no version

    html = tmp_path / "second.html"
    second = scan("--html", str(html))
    assert kinds(second)["kunder.csv"] == kinds(second)["notater.txt"] == "unchanged"
    page = html.read_text()  # the HTML report says so too
    assert 'id="cov-unchanged"' in page and "not read again" in page
    assert kinds(second)[broken] == "read"  # read again until it reads cleanly

    with open(share / "notater.txt", "a") as f:
        f.write("Kunden ba om svar til kari.nordmann@example.no\n")
    third = scan()
    assert kinds(third)["notater.txt"] == "read" and kinds(third)["kunder.csv"] == "unchanged"
    assert any(c["change"] == "new" and c["entity_type"] == "EMAIL_ADDRESS" for c in of(third, "change"))

    os.utime(share / "kunder.csv")  # touched, same content: the source cannot tell, so it is read
    assert kinds(scan())["kunder.csv"] == "read"


# -- the lock -------------------------------------------------------------------------------------

@pytest.fixture
def small(tmp_path):
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "a.txt").write_text("Kontakt: kari.nordmann@example.no\n")
    cfg = tmp_path / "scan.yaml"
    cfg.write_text(textwrap.dedent("""
        sources: [{name: share, path: share}]
        output: {report: report.jsonl}
        inventory: {path: inv.sqlite}
        lock: {directory: locks}
    """))
    return cfg


def test_two_runs_of_one_configuration_never_overlap(small):
    from scanner.scan import config

    cfg = config.load(small)
    with run_lock(cfg.key, str(small), cfg.lock["directory"]):
        code, out, err = run("scan", "--config", str(small), "--lock-wait", "0")
        assert code == 4
        assert f"another run of {small} is in progress (pid {os.getpid()}" in err
        assert not (small.parent / "report.jsonl").exists()
        t = time.monotonic()
        code, _, err = run("scan", "--config", str(small), "--lock-wait", "1.5")
        assert code == 4 and time.monotonic() - t >= 1.4
        assert f"Waiting up to 1.5 s (--lock-wait): another run of {small} is in progress (pid {os.getpid()}" in err
        assert "gave up after 1.5 s" in err
    code, out, err = run("scan", "--config", str(small))  # released: runs
    assert code == 0 and (small.parent / "report.jsonl").exists()
    # another configuration is another lock
    other = small.with_name("other.yaml")
    other.write_text(small.read_text().replace("report.jsonl", "other.jsonl"))
    with run_lock(cfg.key, str(small), cfg.lock["directory"]):
        assert run("scan", "--config", str(other))[0] == 0


def test_a_lock_held_by_a_killed_run_is_free(small):
    from scanner.scan import config

    cfg = config.load(small)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from scanner.system.lock import run_lock
        with run_lock({cfg.key!r}, "x", {cfg.lock['directory']!r}):
            print("held", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy):
            with run_lock(cfg.key, "x", cfg.lock["directory"]):
                pass
        holder.kill()
        holder.wait()
        with run_lock(cfg.key, "x", cfg.lock["directory"]):  # the kernel dropped the dead run's lock
            pass
    finally:
        holder.kill()
        holder.wait()


def test_runs_on_two_machines_sharing_a_postgresql_inventory_never_overlap(postgres_server):
    from scanner.inventory.store import Store

    postgres_server.create_database("inventory_locks")
    url = postgres_server.url(database="inventory_locks")
    one, two = Store.open(url), Store.open(url)
    try:
        with one.run_lock("config:/etc/kartlegg/scan.yaml", "scan.yaml"):
            with pytest.raises(Busy, match="another machine"):
                with two.run_lock("config:/etc/kartlegg/scan.yaml", "scan.yaml"):
                    pass
            with two.run_lock("config:/etc/kartlegg/other.yaml", "other.yaml"):
                pass
        with two.run_lock("config:/etc/kartlegg/scan.yaml", "scan.yaml"):
            pass
    finally:
        one.dispose()
        two.dispose()


# -- logging --------------------------------------------------------------------------------------

def test_log_lines_are_structured_and_never_carry_secrets_or_values(pg, tmp_path):
    fnrs = [row[0] for row in pg.execute("select fnr from kunde", database=DB)]
    (tmp_path / "pw").write_text(PASSWORD)
    cfg = tmp_path / "scan.yaml"
    cfg.write_text(textwrap.dedent(f"""
        sources:
          - name: db
            url: postgresql://planlagt@127.0.0.1:{pg.port}/{DB}
            password_file: pw
          - name: broken
            url: postgresql://planlagt@127.0.0.1:{pg.port}/no_such_database
            password_file: pw
        output: {{report: report.jsonl}}
        inventory: {{path: inv.sqlite}}
        logging: {{format: json, level: debug}}
    """))
    proc = subprocess.run([str(Path(sys.executable).with_name("kartlegg")), "scan", "--config", str(cfg)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 3, proc.stderr[-2000:]  # the broken source
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    assert lines and len(lines) == len(proc.stderr.splitlines())  # nothing but JSON lines on stderr
    events = [line["event"] for line in lines]
    for expected in ("scan.started", "source.started", "dataset.read", "source.failed", "scan.finished"):
        assert expected in events, events
    assert all({"ts", "level", "logger", "event"} <= set(line) for line in lines)
    failed = next(line for line in lines if line["event"] == "source.failed")
    assert failed["level"] == "warning" and failed["source"] == "broken"
    finished = next(line for line in lines if line["event"] == "scan.finished")
    assert finished["exit_code"] == 3 and finished["locations"]["scanned"] == 3
    everything = proc.stderr + proc.stdout
    assert PASSWORD not in everything and "agt%2F" not in everything
    assert not [f for f in fnrs if f in everything]
    assert "kunde0@example.no" not in everything


@pytest.mark.parametrize("flags, shows, hides", [
    ([], ["Personal data found"], ["scan.started"]),  # default: warnings and the summary
    (["-v"], ["scan.started", "source.finished"], ["dataset.read"]),
    (["-vv"], ["dataset.read"], []),
    (["-q"], [], ["scan.started", "finding(s) in"]),
])
def test_verbosity(tmp_path, flags, shows, hides):
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("Kontakt: kari.nordmann@example.no\n")
    code, out, err = run("scan", str(share), "-o", str(tmp_path / "r.jsonl"), "--inventory", str(tmp_path / "i"),
                         *flags)
    assert code == 0
    for text in shows:
        assert text in out + err
    for text in hides:
        assert text not in out + err
    if flags == ["-q"]:
        assert out == ""
    if flags == ["-v"]:  # text lines: time, level, event, key=value
        line = next(line for line in err.splitlines() if " scan.started " in line)
        assert line.split()[1] == "info" and "incremental=False" in line
