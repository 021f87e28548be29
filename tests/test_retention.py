"""Retention checks: a declared period read from how people write it, a table's and a share's
age read without reading more than a scan does, and personal data older than declared reported in
the scan's JSONL, `kartlegg inventory retention`, the Art. 30 view and the HTML reports."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook

from detectors import synthetic
from scanner.cli.main import cli
from scanner.model.retention import over, parse

REPORT = jsonschema.Draft202012Validator(json.loads(Path("reports/report.schema.json").read_text()))
INVENTORY = jsonschema.Draft202012Validator(json.loads(Path("reports/inventory.schema.json").read_text()))
YEAR = 365.25

PERIODS = [
    ("10 år", 10 * YEAR, None),
    ("10 år etter avsluttet kundeforhold", 10 * YEAR, "avsluttet kundeforhold"),
    ("ti år", 10 * YEAR, None),
    ("36 måneder", 36 * 30.44, None),
    ("3 år og 6 måneder", 3 * YEAR + 6 * 30.44, None),
    ("90 dager", 90, None),
    ("5 years from the last order", 5 * YEAR, "the last order"),
    ("Bokføringsloven: 5 år fra regnskapsårets slutt", 5 * YEAR, "regnskapsårets slutt"),
    ("2 uker", 14, None),
    ("1,5 år", 1.5 * YEAR, None),
    ("2.5 years", 2.5 * YEAR, None),
    ("3 år (36 måneder)", 3 * YEAR, None),  # the same period said twice: not six years
    ("10 år etter avsluttet kundeforhold, minimum 2 år", 10 * YEAR, "avsluttet kundeforhold"),
    ("Etter avsluttet kundeforhold: 3 år", 3 * YEAR, "avsluttet kundeforhold"),
    ("5 years from creation", 5 * YEAR, None),  # from when it was made: its age is the measure
    ("fra opprettelse: 2 år", 2 * YEAR, None),
]
NOT_PERIODS = ["så lenge kunden er aktiv", "ukjent", "", None, "til sletting", "år 2020"]


@pytest.mark.parametrize("text, days, runs_from", PERIODS)
def test_a_declared_period_is_read_as_people_write_it(text, days, runs_from):
    p = parse(text)
    assert p is not None and abs(p.days - days) < 0.01 and p.runs_from == runs_from


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_what_names_no_period_is_not_one(text):
    assert parse(text) is None


def test_over_is_how_far_past_the_period_the_oldest_data_is():
    now = datetime(2026, 12, 7, tzinfo=UTC)
    p = parse("10 år")
    assert over(datetime(2011, 3, 2, tzinfo=UTC), p, now).days > 365
    assert over(datetime(2020, 1, 1, tzinfo=UTC), p, now) is None


@pytest.fixture
def estate(tmp_path):
    """A billing database with invoices from 2011 (indexed) and notes from 2019 (not indexed), a
    customer table with birth dates and expiry dates only, and a share with an export last written
    in 2015 and one written now."""
    import random

    rnd = random.Random(4)
    db = tmp_path / "fakturering.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE faktura (fakturanr INTEGER PRIMARY KEY, fnr TEXT, kontonr TEXT, opprettet DATETIME)")
        c.exec_driver_sql("CREATE INDEX ix_faktura_opprettet ON faktura (opprettet)")
        c.exec_driver_sql("CREATE TABLE notat (id INTEGER PRIMARY KEY, epost TEXT, skrevet DATETIME)")
        c.exec_driver_sql("CREATE TABLE kunde (id INTEGER PRIMARY KEY, fnr TEXT, fodselsdato DATE, utlopsdato DATE)")
        c.exec_driver_sql("CREATE TABLE tariff (id INTEGER PRIMARY KEY, navn TEXT, fra DATETIME)")  # nothing personal
        for i in range(120):
            when = datetime(2011, 3, 2) + timedelta(days=30 * i)
            c.exec_driver_sql("INSERT INTO faktura VALUES (?, ?, ?, ?)",
                              (i, synthetic.fodselsnummer(rnd), synthetic.kontonummer(rnd), when.isoformat(" ")))
            c.exec_driver_sql("INSERT INTO notat VALUES (?, ?, ?)",
                              (i, f"kunde{i}@example.no", (datetime(2019, 5, 1) + timedelta(days=i)).isoformat(" ")))
            c.exec_driver_sql("INSERT INTO kunde VALUES (?, ?, ?, ?)",
                              (i, synthetic.fodselsnummer(rnd), "1950-01-01", (now + timedelta(days=400)).date()))
            c.exec_driver_sql("INSERT INTO tariff VALUES (?, ?, ?)", (i, f"H{i}", "2001-01-01 00:00:00"))
        c.exec_driver_sql("INSERT INTO faktura VALUES (999, NULL, NULL, '1900-01-01 00:00:00')")  # a placeholder
    engine.dispose()
    share = tmp_path / "share"
    (share / "eksport").mkdir(parents=True)
    for name, year in (("kunder_2015.csv", 2015), ("kunder_ny.csv", None)):
        path = share / "eksport" / name
        path.write_text("fnr;navn\n" + "".join(f"{synthetic.fodselsnummer(rnd)};Kari Nordmann\n" for _ in range(40)),
                        encoding="utf-8")
        if year:
            stamp = datetime(year, 6, 1, tzinfo=UTC).timestamp()
            os.utime(path, (stamp, stamp))
    config = tmp_path / "scan.yaml"
    config.write_text(f"""version: 1
sources:
  - name: fakturering
    url: sqlite:///{db}
    declare:
      system: Fakturering
      retention: 10 år
  - name: share
    path: {share}
    declare:
      system: Filserver
      retention: 5 år etter avsluttet kundeforhold
output:
  report: {tmp_path / 'report.jsonl'}
""", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "--config", str(config), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in (tmp_path / "report.jsonl").read_text(encoding="utf-8").splitlines()]
    for line in lines:
        REPORT.validate(line)
    return tmp_path, lines


def test_the_age_of_a_dataset_is_read_without_reading_more(estate):
    _, lines = estate
    ages = {r["location"]["dataset"]: r.get("oldest") for r in lines if r["record"] == "dataset"}
    assert ages["faktura"]["at"].startswith("2011-03-02") and "MIN over its index" in ages["faktura"]["by"]
    assert ages["notat"]["at"].startswith("2019-05-01") and "rows sampled" in ages["notat"]["by"]
    assert ages["kunde"] is None  # birth and expiry dates say nothing of how long a row is kept
    assert ages["eksport/kunder_2015.csv"]["at"].startswith("2015-06-01")
    assert ages["eksport/kunder_ny.csv"]["at"][:4] == str(datetime.now(UTC).year)


def test_personal_data_older_than_declared_is_reported(estate):
    tmp_path, lines = estate
    found = {r["location"]["dataset"]: r for r in lines if r["record"] == "retention"}
    assert set(found) == {"faktura", "eksport/kunder_2015.csv"}  # not notat (2019), not tariff (nothing personal)
    assert found["faktura"]["status"] == "over" and found["faktura"]["declared"] == "10 år"
    assert found["faktura"]["over_days"] > 365 and "NO_FODSELSNUMMER" in found["faktura"]["entity_types"]
    assert found["eksport/kunder_2015.csv"]["status"] == "check"  # "etter avsluttet kundeforhold"
    result = CliRunner().invoke(cli, ["inventory", "retention", "--json"], catch_exceptions=False)
    rows = json.loads(result.output)
    assert [(r["location"]["dataset"], r["status"]) for r in rows] == [("faktura", "over"),
                                                                        ("eksport/kunder_2015.csv", "check")]


def test_retention_is_in_the_exports_and_the_html_reports(estate):
    tmp_path, _ = estate
    art30 = tmp_path / "art30.csv"
    assert CliRunner().invoke(cli, ["inventory", "export", "--format", "csv", "--view", "art30",
                                    "-o", str(art30)]).exit_code == 0
    rows = {r["System"]: r for r in csv.DictReader(io.StringIO(art30.read_text(encoding="utf-8-sig")))}
    assert "main.faktura (oldest 2011-03-02, over)" in rows["Fakturering"]["Older than retention"]
    xlsx = tmp_path / "inv.xlsx"
    assert CliRunner().invoke(cli, ["inventory", "export", "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    sheet = list(load_workbook(xlsx, read_only=True)["Retention"].iter_rows(values_only=True))
    assert sheet[0][0] == "Status" and {r[3] for r in sheet[1:]} == {"main.faktura", "eksport/kunder_2015.csv"}
    jsonl = tmp_path / "inv.jsonl"
    assert CliRunner().invoke(cli, ["inventory", "export", "--format", "jsonl", "-o", str(jsonl)]).exit_code == 0
    records = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    for rec in records:
        INVENTORY.validate(rec)
    assert sum(rec["record"] == "retention" for rec in records) == 2
    for args in (["--inventory", os.environ["KARTLEGG_INVENTORY"]], [str(tmp_path / "report.jsonl")]):
        page = tmp_path / "page.html"
        result = CliRunner().invoke(cli, ["report", *args, "-o", str(page)])
        assert result.exit_code == 0, result.output
        html = page.read_text(encoding="utf-8")
        start = html.index('<section id="retention">')
        section = html[start:html.index("</section>", start)]
        assert "faktura" in section and "2011-03-02" in section and "10 år" in section and "notat" not in section


def test_a_cloudwatch_log_group_is_as_old_as_its_oldest_event(aws_env, tmp_path):
    logs = aws_env.client("logs")
    logs.create_log_group(logGroupName="gammel-app")
    logs.create_log_stream(logGroupName="gammel-app", logStreamName="api/1")
    start = int((datetime.now(UTC) - timedelta(days=3)).timestamp() * 1000)
    rnd = __import__("random").Random(2)
    logs.put_log_events(logGroupName="gammel-app", logStreamName="api/1", logEvents=[
        {"timestamp": start + i * 1000, "message": f"INFO ny kunde fnr={synthetic.fodselsnummer(rnd)}"}
        for i in range(30)])
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(cli, ["scan", "cloudwatch://gammel-app", "--endpoint-url", aws_env.endpoint,
                                      "-o", str(out), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (dataset,) = [json.loads(x) for x in out.read_text().splitlines() if '"record": "dataset"' in x
                  or '"record":"dataset"' in x]
    REPORT.validate(dataset)
    expected = datetime.fromtimestamp(start / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    assert dataset["oldest"] == {"at": expected, "by": "the oldest event of its streams"}
