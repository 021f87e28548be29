"""Quiet is not silent: `-q` drops the progress and the tables, never a failure; a source with
nothing in it (no journal, an empty bucket, an empty directory) says so, counted as skipped."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner

from scanner.cli.main import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, ["scan", *args], catch_exceptions=False)


def records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def csv_file(tmp_path):
    path = tmp_path / "data" / "kunder.csv"
    path.parent.mkdir()
    path.write_text("navn,epost\nOla,ola@example.no\nKari,kari@example.no\n", encoding="utf-8")
    return path


def test_quiet_still_says_an_unreachable_source_failed(tmp_path):
    out = tmp_path / "r.jsonl"
    result = invoke(f"postgresql://skanner:Hemmelig-42@127.0.0.1:{closed_port()}/kunder", "-q", "--no-inventory",
                    "-o", str(out))
    assert result.exit_code == 6
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: 127.0.0.1/kunder (whole source): OperationalError")]
    assert len(errors) == 1
    assert "could not be scanned" in lines[-1] and "Exit code 6" in lines[-1]
    assert "Hemmelig-42" not in result.output


def test_quiet_says_each_failed_location_and_how_the_run_ended(tmp_path, csv_file):
    (csv_file.parent / "brutt.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    result = invoke(str(csv_file.parent), "-q", "--no-inventory", "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 3, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith("Error: ")][0].startswith("Error: data brutt.xlsx")
    assert "Exit code 3" in lines[-1]


def test_quiet_prints_nothing_when_all_went_well(tmp_path, csv_file):
    result = invoke(str(csv_file), "-q", "--no-inventory", "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 0 and result.output == ""
    result = invoke(str(csv_file), "-q", "--no-inventory", "-o", str(tmp_path / "r.jsonl"), "--fail-on-findings")
    assert result.exit_code == 1 and "Exit code 1" in result.output  # not 0: the last line says why


def test_a_journal_directory_without_journal_files_is_an_empty_source(tmp_path):
    journal = tmp_path / "journal"
    journal.mkdir()
    out = tmp_path / "r.jsonl"
    result = invoke(f"journald://{journal}", "--no-inventory", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = records(out)
    skipped = [r for r in lines if r["record"] == "skipped"]
    assert [(r["location"], r["reason"]) for r in skipped] == [(None, "empty: no journal files found")]
    assert lines[-1]["locations"]["skipped"] == 1
    assert "Not scanned" in result.output and "empty: no journal files found" in result.output
    assert "RuntimeError" not in result.output
    quiet = invoke(f"journald://{journal}", "-q", "--no-inventory", "-o", str(out))
    assert "Skipped: journald:" in quiet.output and "no journal files found" in quiet.output


def test_an_empty_directory_says_so_even_when_quiet(tmp_path):
    empty = tmp_path / "tom"
    empty.mkdir()
    out = tmp_path / "r.jsonl"
    result = invoke(str(empty), "-q", "--no-inventory", "-o", str(out))
    assert result.exit_code == 0
    assert "Skipped: tom" in result.output and "no files" in result.output
    assert records(out)[-1]["locations"]["skipped"] == 1


def test_an_empty_bucket_says_so_and_is_recorded_as_skipped(aws_env, tmp_path):
    aws_env.create_bucket("tom-boette")
    out, inventory = tmp_path / "r.jsonl", tmp_path / "inv.sqlite"
    args = ["s3://tom-boette", "--endpoint-url", aws_env.endpoint, "--inventory", str(inventory), "-o", str(out)]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert "Not scanned" in result.output and "empty: no objects" in result.output
    assert records(out)[-1]["locations"]["skipped"] == 1
    quiet = invoke(*args, "-q")
    assert quiet.exit_code == 0 and "Skipped: tom-boette" in quiet.output and "empty" in quiet.output


def test_a_source_with_nothing_in_it_is_skipped_whole(tmp_path):
    # an SQLite database without tables: the crawler finds nothing, the coordinator says so
    import sqlite3

    db = tmp_path / "tom.db"
    sqlite3.connect(db).close()
    out, inventory = tmp_path / "r.jsonl", tmp_path / "inv.sqlite"
    for _ in range(2):  # the second scan, of an empty source, turns nothing gone and fails nothing
        result = invoke(f"sqlite:///{db}", "--inventory", str(inventory), "-o", str(out))
        assert result.exit_code == 0, result.output
        skipped = [r for r in records(out) if r["record"] == "skipped"]
        assert [(r["location"], r["reason"]) for r in skipped] == [(None, "empty database: no tables or views")]
        assert "(whole source)" in result.output


@pytest.mark.parametrize("empty", ["directory", "bucket"])
def test_a_source_found_empty_keeps_what_the_inventory_held(aws_env, tmp_path, empty):
    """An empty share cannot tell "emptied" from "not mounted", nor an empty prefix "deleted" from
    "moved": what the inventory held stays, rather than turning gone."""
    out, inventory = tmp_path / "r.jsonl", tmp_path / "inv.sqlite"
    rows = "navn,epost\nOla Nordmann,ola@example.no\nKari Nordmann,kari@example.no\n"
    if empty == "directory":
        share = tmp_path / "share"
        share.mkdir()
        (share / "kunder.csv").write_text(rows, encoding="utf-8")
        source, args = str(share), []

        def empty_it():
            (share / "kunder.csv").unlink()
    else:
        s3 = aws_env.create_bucket("snart-tom")
        s3.put_object(Bucket="snart-tom", Key="kunder.csv", Body=rows.encode())
        source, args = "s3://snart-tom", ["--endpoint-url", aws_env.endpoint]

        def empty_it():
            s3.delete_object(Bucket="snart-tom", Key="kunder.csv")
    first = invoke(source, *args, "--inventory", str(inventory), "-o", str(out))
    assert first.exit_code == 0, first.output
    assert any(r["record"] == "finding" for r in records(out))
    empty_it()
    second = invoke(source, *args, "--inventory", str(inventory), "-o", str(out))
    assert second.exit_code == 0, second.output
    assert [r for r in records(out) if r["record"] == "change"] == []
    assert records(out)[-1].get("changes", {}) == {}
