"""kartlegg never scans its own outputs unless asked (issue 21): this scan's report, HTML report and
inventory (with its -wal, -shm and -scans locks), earlier reports and inventories by their content,
the fingerprint key and subject exports are skipped with a reason; a path given as the source is
read; files that only look like ours are read."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from reporting import findings, of, reasons, report

from scanner.cli.main import cli
from scanner.formats.own_outputs import is_subject_manifest, report_kind

PEOPLE_CSV = "navn,epost\nKari Nordmann,kari@example.no\nOla Hansen,ola@example.no\nIngrid Bråten,ib@example.no\n"
HEADER = {"record": "scan", "schema_version": "1.8", "scan_id": "x", "started_at": "2026-01-01T00:00:00Z",
          "tool": {"name": "kartlegg", "version": "0.1.0"}, "sources": []}
OUR_HTML = ('<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8"><meta name="generator" '
            'content="kartlegg 0.1.0"><title>Rapport</title></head><body><table><tr><td>Kari Nordmann</td>'
            "<td>kari@example.no</td></tr></table></body></html>\n")


def scan(cwd: Path, *args) -> tuple[int, list[dict]]:
    """`kartlegg scan ARGS` run in `cwd`, its report written outside it."""
    out = cwd.parent / f"{cwd.name}-out.jsonl"
    here = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, ["scan", *args, "-o", str(out)], catch_exceptions=False)
    finally:
        os.chdir(here)
    return result.exit_code, report(out)


def jsonl(*records) -> str:
    return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records)


def previous_scan(directory: Path) -> None:
    """What a scan leaves in a directory: its report, HTML report and inventory with its locks."""
    data = directory.parent / f"{directory.name}-data"
    data.mkdir()
    (data / "kunder.csv").write_text(PEOPLE_CSV)
    result = CliRunner().invoke(cli, ["scan", str(data), "-o", str(directory / "report.jsonl"),
                                      "--inventory", str(directory / "kartlegg-inventory.sqlite")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (directory / "r.html").write_text(OUR_HTML)


def test_this_scans_own_outputs_are_not_read_even_before_they_are_written(tmp_path):
    (tmp_path / "kunder.csv").write_text(PEOPLE_CSV)
    out = tmp_path / "report.jsonl"
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "-o", str(out), "--html", str(tmp_path / "r.html"),
                                      "--inventory", str(tmp_path / "inv.sqlite")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = report(out)
    assert {r["location"]["dataset"] for r in of(lines, "dataset")} == {"kunder.csv"}
    skipped = reasons(lines)
    assert skipped["report.jsonl"] == "this scan's own report: not scanned"
    assert skipped["r.html"] == "this scan's own HTML report: not scanned"
    assert skipped["inv.sqlite"] == "this scan's own inventory: not scanned"
    assert not [d for d in skipped if d.startswith("inv.sqlite-") and d != "inv.sqlite-scans"]  # -wal, -shm: with it
    assert all(d == "kunder.csv" for d, _, _ in findings(lines))


def test_earlier_reports_and_inventories_are_told_by_their_content(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    previous_scan(share)
    os.rename(share / "report.jsonl", share / "resultat.json")  # any name: the content says what it is
    (share / "kunder.csv").write_text(PEOPLE_CSV)
    code, lines = scan(share, ".", "--no-inventory")
    skipped = reasons(lines)
    assert skipped["resultat.json"] == "kartlegg's own report: not scanned (give its path to scan it)"
    assert skipped["r.html"] == "kartlegg's own HTML report: not scanned (give its path to scan it)"
    assert skipped["kartlegg-inventory.sqlite"] == "kartlegg's own inventory: not scanned (give its path to scan it)"
    assert set(skipped) <= {"resultat.json", "r.html", "kartlegg-inventory.sqlite", "kartlegg-inventory.sqlite-scans"}
    assert {r["location"]["dataset"] for r in of(lines, "dataset")} == {"kunder.csv"}
    assert not any(d != "kunder.csv" for d, _, _ in findings(lines))  # no `report.jsonl#tool.name` PERSON


def test_an_own_output_given_by_its_path_is_read(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    previous_scan(share)
    code, lines = scan(share, "report.jsonl", "--no-inventory")
    assert [r["location"]["dataset"] for r in of(lines, "dataset")] == ["report.jsonl"]
    code, lines = scan(share, "kartlegg-inventory.sqlite", "--no-inventory")
    datasets = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert "kartlegg-inventory.sqlite:main.scans" in datasets and not reasons(lines)


def test_the_fingerprint_key_is_not_read(tmp_path, monkeypatch):
    key = tmp_path / "fingerprint.key"
    key.write_text("ab" * 32 + "\n")
    key.chmod(0o600)
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(key))
    (tmp_path / "kunder.csv").write_text(PEOPLE_CSV)
    code, lines = scan(tmp_path, ".", "--no-inventory")
    assert reasons(lines)["fingerprint.key"] == "kartlegg's fingerprint key: not scanned"


def test_a_subject_export_is_not_read(tmp_path):
    export = tmp_path / "innsyn-2026-01"
    (export / "kunder").mkdir(parents=True)
    (export / "manifest.json").write_text(json.dumps(
        {"request_id": "r-1", "locations": [{"source": "kunder", "location": "x", "rows": 1}]}, indent=1))
    (export / "kunder" / "kunde.csv").write_text(PEOPLE_CSV)
    (tmp_path / "kunder.csv").write_text(PEOPLE_CSV)
    code, lines = scan(tmp_path, ".", "--no-inventory")
    assert reasons(lines)["innsyn-2026-01"].startswith("kartlegg's subject export")
    assert {r["location"]["dataset"] for r in of(lines, "dataset")} == {"kunder.csv"}
    code, lines = scan(export, ".", "--no-inventory")  # asked: the export itself is the source
    assert "kunder/kunde.csv" in {r["location"]["dataset"] for r in of(lines, "dataset")}


def _alembic_but_not_ours(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE alembic_version (version_num TEXT); INSERT INTO alembic_version VALUES ('a1');"
                       "CREATE TABLE scans (id INTEGER PRIMARY KEY, navn TEXT, epost TEXT);")
    conn.executemany("INSERT INTO scans (navn, epost) VALUES (?, ?)",
                     [("Kari Nordmann", "kari@example.no"), ("Ola Hansen", "ola@example.no")] * 10)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("name, content", [
    ("other.jsonl", jsonl({**HEADER, "tool": {"name": "annet"}}, {"navn": "Kari Nordmann", "epost": "kari@example.no"})),
    ("tools.jsonl", jsonl({"tool": {"name": "kartlegg"}, "navn": "Kari Nordmann", "epost": "kari@example.no"},
                          {"tool": {"name": "x"}, "navn": "Ola Hansen", "epost": "ola@example.no"})),
    ("second.jsonl", jsonl({"navn": "Kari Nordmann", "epost": "kari@example.no"}, HEADER)),
    ("side.html", OUR_HTML.replace('name="generator" content="kartlegg 0.1.0"', 'name="generator" content="Hugo"')),
    ("mentions.html", OUR_HTML.replace('<meta name="generator" content="kartlegg 0.1.0">', "").replace(
        "<td>Kari", '<td><meta name="generator" content="kartlegg"> Kari')),
    ("alembic.db", None),
])
def test_near_misses_are_read(tmp_path, name, content):
    """Each beside a real report of ours, which is passed over."""
    (tmp_path / "ours.jsonl").write_text(jsonl(HEADER, {"record": "summary"}))
    if content is None:
        _alembic_but_not_ours(tmp_path / name)
    else:
        (tmp_path / name).write_text(content)
    code, lines = scan(tmp_path, ".", "--no-inventory")
    assert reasons(lines)["ours.jsonl"].startswith("kartlegg's own report")
    datasets = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert any(d == name or d.startswith(f"{name}:") for d in datasets), reasons(lines)
    assert any(d == name or d.startswith(f"{name}:") for d, _, _ in findings(lines))


def test_report_kind_reads_a_first_record_longer_than_its_head():
    big = jsonl({**HEADER, "sources": [{"name": "x" * 100}] * 2000})
    assert len(big) > 64 * 1024
    assert report_kind(big.encode()[: 64 * 1024]) == "report"
    assert report_kind(jsonl({**HEADER, "tool": {"name": "annet"}}).encode()) is None
    assert report_kind(b'{"record":"scan","tool":{"name":"kartlegg"}') is None  # cut short, yet under the head
    assert is_subject_manifest(b'{\n "request_id": "r-1",\n "locations": [\n') is True
    assert is_subject_manifest(b'{"locations": [], "request_id": "r"}') is False


@pytest.mark.parametrize("companion", ["-wal", "-shm", "-journal"])
def test_this_scans_inventory_companions_pass_with_it_while_it_is_still_empty(tmp_path, companion):
    """At the walk the inventory may still be 0 bytes with its -wal beside it: the companion goes
    with the inventory (listed once), not as an SQLite write-ahead log of its own."""
    from scanner.crawlers.files import FileCrawler
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source

    inventory = tmp_path / "inv.sqlite"
    inventory.write_bytes(b"")
    side = tmp_path / f"inv.sqlite{companion}"
    side.write_bytes(b"\x37\x7f\x06\x82" + os.urandom(4092))  # a -wal's magic, then anything
    crawler = FileCrawler(Source(str(tmp_path), crawler="files", options={"outputs": {"inventory": str(inventory)}}),
                          ScanSettings())
    assert crawler._special(side.name, str(side), side.stat()) == []
    skip = crawler._special(inventory.name, str(inventory), inventory.stat())
    assert [s.reason for s in skip] == ["this scan's own inventory: not scanned"]


@pytest.mark.parametrize("first, kind", [
    ({"record": "scan", "tool": {"name": "kartlegg", "version": "0.1.0"}}, "report"),
    ({"record": "request", "schema_version": "1.0", "request_id": "r", "tool": {"name": "kartlegg"}},
     "subject request report"),
    ({"record": "inventory", "export_version": "1.2", "tool": {"name": "kartlegg"}}, "inventory export"),
    ({"record": "request", "tool": {"name": "annet"}}, None),       # someone else's request log
    ({"record": "inventory", "tool": "kartlegg"}, None),
    ({"record": "finding", "tool": {"name": "kartlegg"}}, None),    # a record, not the first of an output
    ({"record": "scan"}, None),
])
def test_every_jsonl_kartlegg_writes_is_told_by_its_first_record(first, kind):
    assert report_kind(jsonl(first, {"record": "summary"}).encode()) == kind
    # longer than the head that is read: the pattern decides, and decides alike
    long = {"record": first["record"], **({"tool": first["tool"]} if "tool" in first else {}), "pad": "x" * 70000}
    assert report_kind(jsonl(long).encode()[: 64 * 1024]) == kind


def test_a_subject_report_and_an_inventory_export_on_a_share_are_not_read(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "innsyn.jsonl").write_text(jsonl({"record": "request", "schema_version": "1.0", "request_id": "r",
                                              "tool": {"name": "kartlegg", "version": "0.1.0"}},
                                             {"record": "match", "note": "Kari Nordmann, kari@example.no"}))
    (share / "eksport.jsonl").write_text(jsonl({"record": "inventory", "export_version": "1.2",
                                               "tool": {"name": "kartlegg", "version": "0.1.0"}},
                                              {"record": "source", "owner": "Kari Nordmann kari@example.no"}))
    (share / "kunder.csv").write_text(PEOPLE_CSV)
    code, lines = scan(share, ".", "--no-inventory")
    skipped = reasons(lines)
    assert skipped["innsyn.jsonl"].startswith("kartlegg's own subject request report: not scanned")
    assert skipped["eksport.jsonl"].startswith("kartlegg's own inventory export: not scanned")
    assert {d for d, _, _ in findings(lines)} == {"kunder.csv"}
