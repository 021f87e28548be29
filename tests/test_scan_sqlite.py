"""`kartlegg scan` end to end on real SQLite files built in temp dirs."""

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from detectors import synthetic
from scanner.cli.main import cli
from scanner.crawlers.sql import sqlite as sql_sqlite

SCHEMA = json.load(open("reports/report.schema.json"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
EVIL = 'x"; drop table y; --'


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "kunder.db"
    r = random.Random(5)
    con = sqlite3.connect(path)
    con.executescript(
        f"""
        create table kunde (id integer primary key, fnr text, navn text, epost text, tlf integer,
                            ordrenr text, payload json, bilde blob, opprettet timestamp);
        create table "{EVIL.replace('"', '""')}" (id integer primary key, epost text);
        create table y (id integer primary key, verdi text);
        create table tom (id integer primary key, fnr text);
        create view kunde_epost as select epost from kunde;
        create table gammel (id integer primary key, x text);
        create view brutt as select x from gammel;
        drop table gammel;
        """
    )
    rows = []
    for i in range(300):
        payload = json.dumps({"kunde": {"telefon": synthetic.phone(r, "intl"), "nivaa": i % 3}, "status": "aktiv"})
        rows.append((synthetic.fodselsnummer(r), "Kari Nordmann", f"kunde{i}@example.no",
                     int(synthetic.phone_digits(r)), str(r.randint(10**10, 10**11 - 1)), payload, b"\x00\x01",
                     "2024-01-01 10:00:00"))
    con.executemany("insert into kunde (fnr, navn, epost, tlf, ordrenr, payload, bilde, opprettet) "
                    "values (?,?,?,?,?,?,?,?)", rows)
    con.executemany(f'insert into "{EVIL.replace(chr(34), chr(34) * 2)}" (epost) values (?)',
                    [(f"a{i}@example.no",) for i in range(20)])
    con.execute("insert into y (verdi) values ('bevares')")
    con.commit()
    con.close()
    return path


def run(*args):
    result = CliRunner().invoke(cli, ["scan", *args], catch_exceptions=False)
    return result


def report(path):
    lines = [json.loads(line) for line in open(path, encoding="utf-8")]
    for line in lines:
        VALIDATOR.validate(line)
    return lines


def findings(lines):
    return {(r["location"]["dataset"], r["location"]["field"], r["entity_type"]) for r in lines if r["record"] == "finding"}


def test_scan_finds_what_is_there_and_nothing_else(db, tmp_path):
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = tmp_path / "r.jsonl"
    result = run(f"sqlite:///{db}", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = report(out)
    assert [lines[0]["record"], lines[-1]["record"]] == ["scan", "summary"]
    assert findings(lines) == {
        ("kunde", "fnr", "NO_FODSELSNUMMER"),
        ("kunde", "navn", "PERSON"),
        ("kunde", "epost", "EMAIL_ADDRESS"),
        ("kunde", "tlf", "NO_PHONE_NUMBER"),
        ("kunde", "payload.kunde.telefon", "NO_PHONE_NUMBER"),
        (EVIL, "epost", "EMAIL_ADDRESS"),
    }
    skipped = {(r["location"]["dataset"], r["location"]["field"]): r["reason"] for r in lines if r["record"] == "skipped"}
    assert "binary" in skipped[("kunde", "bilde")]
    assert "view" in skipped[("kunde_epost", None)] and "view" in skipped[("brutt", None)]
    datasets = {r["location"]["dataset"] for r in lines if r["record"] == "dataset"}
    assert datasets == {"kunde", EVIL, "y", "tom"}
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # read-only: the file is unchanged


def test_report_holds_no_raw_values(db, tmp_path):
    out = tmp_path / "r.jsonl"
    run(f"sqlite:///{db}", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    con = sqlite3.connect(db)
    for fnr, epost in con.execute("select fnr, epost from kunde"):
        assert fnr not in text and epost not in text
    finding = next(r for r in report(out) if r["record"] == "finding" and r["entity_type"] == "NO_FODSELSNUMMER")
    assert finding["examples"] and all("*" in e for e in finding["examples"])
    assert all(f.startswith("hmac-sha256:") for f in finding["fingerprints"])


def test_a_failing_location_becomes_an_error_record(db, tmp_path):
    out = tmp_path / "r.jsonl"
    result = run(f"sqlite:///{db}", "--views", "-o", str(out))
    assert result.exit_code == 3
    lines = report(out)
    errors = [r for r in lines if r["record"] == "error"]
    assert [e["location"]["dataset"] for e in errors] == ["brutt"]
    assert ("kunde_epost", "epost", "EMAIL_ADDRESS") in findings(lines)  # the scan went on
    assert lines[-1]["locations"]["failed"] == 1 and lines[-1]["exit_code"] == 3


def test_include_and_exclude(db, tmp_path):
    out = tmp_path / "r.jsonl"
    run(f"sqlite:///{db}", "--include", "main.kunde", "--exclude", "main.kunde.navn", "-o", str(out))
    found = findings(report(out))
    assert {f[0] for f in found} == {"kunde"} and not any(f[1] == "navn" for f in found)
    run(f"sqlite:///{db}", "--include", "main.kunde.fnr", "-o", str(out))
    assert findings(report(out)) == {("kunde", "fnr", "NO_FODSELSNUMMER")}


@pytest.mark.parametrize("fail_on,code", [(None, 0), ("any", 1), ("identity", 1), ("financial", 0), ("EMAIL_ADDRESS", 1)])
def test_fail_on_findings(db, tmp_path, fail_on, code):
    args = [f"sqlite:///{db}", "-o", str(tmp_path / "r.jsonl"), "--include", "main.kunde"]
    if fail_on == "any":
        args.append("--fail-on-findings")
    elif fail_on:
        args.append(f"--fail-on-findings={fail_on}")
    assert run(*args).exit_code == code


def test_unreachable_source_masks_the_password(tmp_path):
    out = tmp_path / "r.jsonl"
    result = run("postgresql://scanner:Hemmelig-passord-42@127.0.0.1:9/kunder", "-o", str(out),
                 "--statement-timeout", "2")
    assert result.exit_code == 6  # nothing could be read
    text = out.read_text()
    assert "Hemmelig-passord-42" not in text and "Hemmelig-passord-42" not in result.output
    lines = report(out)
    assert lines[0]["sources"][0]["uri"] == "postgresql://scanner:***@127.0.0.1:9/kunder"
    assert [r["record"] for r in lines] == ["scan", "error", "summary"]


@pytest.mark.parametrize("args", [["ftp://example.invalid/x"], ["sqlite:///x.db", "-d", "nope"], ["sqlite:///x.db", "--format", "nope"]])
def test_bad_usage_exits_2(args, tmp_path):
    result = CliRunner().invoke(cli, ["scan", *args, "-o", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2


def test_report_to_stdout(db):
    result = CliRunner().invoke(cli, ["scan", f"sqlite:///{db}", "-o", "-", "--include", "main.tom"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["record"] for r in lines] == ["scan", "dataset", "summary"]


def test_large_sqlite_table_is_sampled_by_rowid_windows(tmp_path):
    path = tmp_path / "stor.db"
    con = sqlite3.connect(path)
    con.execute("create table logg (id integer primary key, melding text)")
    con.executemany("insert into logg (melding) values (?)", [(f"linje {i}",) for i in range(30000)])
    con.commit()
    con.close()
    out = tmp_path / "r.jsonl"
    run(f"sqlite:///{path}", "--sample-size", "500", "-o", str(out))
    (ds,) = [r for r in report(out) if r["record"] == "dataset"]
    assert ds["rows_sampled"] == 500 and "random key ranges" in ds["method"]


def test_plugins_lists_every_kind():
    result = CliRunner().invoke(cli, ["plugins", "--json"])
    rows = json.loads(result.output)
    kinds = {(r["kind"], r["name"]) for r in rows}
    assert {("crawler", "sql"), ("report", "jsonl"), ("detector", "no_fodselsnummer")} <= kinds


def test_sample_size_per_source(db, tmp_path):
    out = tmp_path / "r.jsonl"
    result = run(f"sqlite:///{db}", "--include", "main.kunde", "--sample-size", "50", "--sample-size", "kunder.db=120",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    (ds,) = [r for r in report(out) if r["record"] == "dataset"]
    assert ds["rows_sampled"] == 120
    assert {c["name"]: c["type"] for c in ds["columns"]}["bilde"] == "BLOB"
    assert run(f"sqlite:///{db}", "--sample-size", "nope=3", "-o", str(out)).exit_code == 2
    assert run(f"sqlite:///{db}", "--sample-size", "x", "-o", str(out)).exit_code == 2


# -- read-only for real: nothing made, changed or removed beside the file ---------------------------
# Every state a file can be found in: the table `kunde` is in the database file; `nye_kunder` was
# committed after the last checkpoint, so in WAL states it is only in the -wal.
BOTH, FILE_ONLY = {"kunde", "nye_kunder"}, {"kunde"}


def _rows(conn, table: str, start: int) -> None:
    """One transaction: a table and 30 e-mail addresses."""
    conn.execute("begin")
    conn.execute(f"create table {table} (id integer primary key, epost text)")
    conn.executemany(f"insert into {table} (epost) values (?)", [(f"kunde{start + i}@example.no",) for i in range(30)])
    conn.execute("commit")


def _wal_writer(path):
    """A writer with `kunde` checkpointed into the file and `nye_kunder` only in the -wal; closing
    it (the last connection) would checkpoint the -wal into the file and delete it."""
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    _rows(writer, "kunde", 0)
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _rows(writer, "nye_kunder", 100)
    return writer


def _copy(src, dst, suffixes) -> None:
    for suffix in suffixes:
        shutil.copyfile(f"{src}{suffix}", f"{dst}{suffix}")


def _rollback(path, scratch):
    conn = sqlite3.connect(path, isolation_level=None)
    _rows(conn, "kunde", 0)
    _rows(conn, "nye_kunder", 100)
    conn.close()


def _wal_live(path, scratch):
    return _wal_writer(path)  # kept open by the test: -wal and -shm beside the file


def _wal_closed(path, scratch):
    _wal_writer(path).close()  # checkpointed: no -wal, no -shm, a WAL-mode header


def _wal_without_shm(path, scratch):
    """A backup that left out the -shm (as many do): the -wal's commits are nowhere else."""
    writer = _wal_writer(scratch)
    _copy(scratch, path, ["", "-wal"])
    writer.close()


def _wal_and_shm_writer_gone(path, scratch):
    """A writer killed mid-work: -wal and a stale -shm, nobody has the file open."""
    writer = _wal_writer(scratch)
    _copy(scratch, path, ["", "-wal", "-shm"])
    writer.close()


def _uncommitted_wal(path, scratch):
    """Near miss: a -wal with valid frames (salts and checksums hold) but no commit frame, as a
    writer killed inside a large transaction leaves it, and no -shm."""
    writer = _wal_writer(scratch)
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    writer.execute("PRAGMA cache_size = 10")  # the transaction spills pages into the -wal early
    writer.execute("begin")
    writer.executemany("insert into nye_kunder (epost) values (?)", [("x" * 500,) for _ in range(2000)])
    assert os.path.getsize(f"{scratch}-wal") > 32 * 1024  # frames, none of them a commit
    _copy(scratch, path, ["", "-wal"])
    writer.execute("rollback")
    writer.close()


def _torn_commit(path, scratch):
    """Near miss: the -wal's only transaction has a commit frame whose checksum fails (a torn
    write): SQLite's recovery finds nothing committed in it."""
    writer = _wal_writer(scratch)
    _copy(scratch, path, ["", "-wal"])
    writer.close()
    with open(f"{path}-wal", "r+b") as fh:
        fh.seek(-100, os.SEEK_END)
        byte = fh.read(1)
        fh.seek(-100, os.SEEK_END)
        fh.write(bytes([byte[0] ^ 0xFF]))


def _empty_wal(path, scratch):
    """Near miss: a -wal of 0 bytes (what a TRUNCATE checkpoint leaves) and no -shm."""
    writer = _wal_writer(scratch)
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _copy(scratch, path, ["", "-wal"])
    writer.close()


# state -> (builder, the open sql_sqlite.plan picks, the tables a scan must find)
STATES = {
    "rollback-journal": (_rollback, "mode=ro", BOTH),
    "wal-writer-open": (_wal_live, "mode=ro", BOTH),
    "wal-checkpointed": (_wal_closed, "immutable", BOTH),
    "wal-without-shm": (_wal_without_shm, "unix-none", BOTH),
    "wal-and-stale-shm": (_wal_and_shm_writer_gone, "mode=ro", BOTH),
    "wal-uncommitted-frames": (_uncommitted_wal, "immutable", BOTH),
    "wal-torn-commit": (_torn_commit, "immutable", FILE_ONLY),
    "wal-empty": (_empty_wal, "immutable", BOTH),
}


def _build(state: str, directory: Path):
    build, _, _ = STATES[state]
    scratch = directory.parent / f"{directory.name}-scratch"
    scratch.mkdir()
    path = directory / "kunder.db"
    return path, build(str(path), str(scratch / "kunder.db"))


def _open_kind(path) -> str:
    params = sql_sqlite.plan(str(path)).params
    return "unix-none" if params.get("vfs") == "unix-none" else "immutable" if "immutable" in params else "mode=ro"


def _contents(directory: Path, ignore=()) -> dict[str, str]:
    """Every file in the directory with a digest of its bytes (`ignore`d names: listed only)."""
    return {p.name: "" if p.name in ignore else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.iterdir())}


def _found(lines) -> set[str]:
    return {f[0] for f in findings(lines) if f[2] == "EMAIL_ADDRESS"}


@pytest.mark.parametrize("state", list(STATES))
def test_scanning_sqlite_makes_changes_and_removes_nothing_beside_it(tmp_path, state):
    directory = tmp_path / "data"
    directory.mkdir()
    path, writer = _build(state, directory)
    try:
        assert _open_kind(path) == STATES[state][1]
        # readers write their read marks into a -shm that is there: only its listing must hold
        before = _contents(directory, ignore={"kunder.db-shm"})
        out = tmp_path / "r.jsonl"
        result = run(f"sqlite:///{path}", "-o", str(out), "--no-inventory")
        assert result.exit_code == 0, result.output
        assert _contents(directory, ignore={"kunder.db-shm"}) == before
        assert _found(report(out)) == STATES[state][2]
    finally:
        if writer is not None:
            writer.close()


def _as_nobody(cmd: list[str]) -> list[str]:
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd] if os.geteuid() == 0 else cmd


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"), reason="needs setpriv to drop root")
@pytest.mark.parametrize("state", ["rollback-journal", "wal-writer-open", "wal-checkpointed", "wal-without-shm",
                                   "wal-and-stale-shm"])
def test_a_database_in_a_read_only_directory_is_scanned(state):
    # Permission bits do not stop root, so when the tests run as root the scan runs as nobody.
    root = Path(tempfile.mkdtemp(prefix="kartlegg-ro-"))
    writer = None
    try:
        root.chmod(0o755)
        directory, home = root / "data", root / "home"
        directory.mkdir()
        home.mkdir()
        home.chmod(0o777)
        path, writer = _build(state, directory)
        for p in directory.iterdir():
            p.chmod(0o644)
        directory.chmod(0o555)
        before = _contents(directory, ignore={"kunder.db-shm"})
        out = home / "report.jsonl"
        env = {**{k: v for k, v in os.environ.items() if k != "KARTLEGG_FINGERPRINT_KEY_FILE"},
               "XDG_CONFIG_HOME": str(home / "config"), "KARTLEGG_CACHE_DIR": str(home / "c"), "HOME": str(home),
               "PYTHONPATH": str(Path(__file__).parent.parent), "KARTLEGG_INVENTORY": str(home / "inventory.sqlite")}
        cmd = [sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", f"sqlite:///{path}",
               "-o", str(out)]
        done = subprocess.run(_as_nobody(cmd), env=env, cwd=home, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        lines = report(out)
        assert not [r for r in lines if r["record"] == "error"]
        assert _found(lines) == STATES[state][2]
        assert _contents(directory, ignore={"kunder.db-shm"}) == before
    finally:
        if writer is not None:
            writer.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("state", ["rollback-journal", "wal-writer-open", "wal-checkpointed", "wal-without-shm"])
def test_incremental_scans_pass_over_an_unchanged_file_and_read_a_changed_one(tmp_path, state):
    directory = tmp_path / "data"
    directory.mkdir()
    path, writer = _build(state, directory)

    def scan(name):
        out = tmp_path / name
        result = run(f"sqlite:///{path}", "-o", str(out), "--incremental")
        assert result.exit_code == 0, result.output
        return {r["location"]["dataset"]: r["record"] for r in report(out) if r["record"] in ("dataset", "unchanged")}

    try:
        assert scan("first.jsonl") == {"kunde": "dataset", "nye_kunder": "dataset"}
        # the scan's own reads moved nothing its token is made of
        assert scan("second.jsonl") == {"kunde": "unchanged", "nye_kunder": "unchanged"}
        if writer is None:
            writer = sqlite3.connect(path, isolation_level=None)
        writer.execute("insert into kunde (epost) values ('ny.kunde@example.no')")
        assert scan("third.jsonl") == {"kunde": "dataset", "nye_kunder": "dataset"}
    finally:
        if writer is not None:
            writer.close()


def test_a_hot_journal_fails_the_scan_and_is_left_for_the_next_writer(tmp_path):
    # A writer killed mid-transaction left its rollback journal: the file holds half a
    # transaction, and only a writer may roll it back. Reading it anyway would sample torn pages.
    directory, scratch = tmp_path / "data", tmp_path / "scratch.db"
    directory.mkdir()
    writer = sqlite3.connect(scratch, isolation_level=None)
    _rows(writer, "kunde", 0)
    writer.execute("begin")
    writer.executemany("insert into kunde (epost) values (?)", [("x" * 200,) for _ in range(2000)])
    writer.execute("commit")
    writer.execute("PRAGMA cache_size = 5")  # the transaction writes pages, and its journal, early
    writer.execute("begin")
    writer.execute("update kunde set epost = 'endret'")
    _copy(scratch, directory / "kunder.db", ["", "-journal"])
    writer.execute("rollback")
    writer.close()
    before = _contents(directory)
    out = tmp_path / "r.jsonl"
    result = run(f"sqlite:///{directory / 'kunder.db'}", "-o", str(out), "--no-inventory")
    assert result.exit_code == 6  # the only source failed: nothing could be read
    assert [r["record"] for r in report(out)] == ["scan", "error", "summary"]
    assert _contents(directory) == before


def test_a_wal_too_large_to_check_is_left_out_and_said_so(tmp_path, monkeypatch):
    # The first transaction in the -wal is larger than the check reads: its commits are not read
    # (immutable=1), the file stays as it is, and the log says so.
    monkeypatch.setattr(sql_sqlite, "WAL_CHECK_BYTES", 4096)
    directory = tmp_path / "data"
    directory.mkdir()
    path, _ = _build("wal-without-shm", directory)
    before = _contents(directory)
    out = tmp_path / "r.jsonl"
    result = run(f"sqlite:///{path}", "-o", str(out), "--no-inventory")
    assert result.exit_code == 0, result.output
    assert _found(report(out)) == FILE_ONLY
    assert "sqlite.wal_not_read" in result.output
    assert _contents(directory) == before
