"""`kartlegg scan` end to end on real SQLite files built in temp dirs."""

import hashlib
import json
import random
import sqlite3

import jsonschema
import pytest
from click.testing import CliRunner

from detectors import synthetic
from scanner.cli import cli

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
    assert result.exit_code == 3
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
