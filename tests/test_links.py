"""Which identifiers two places share: the linkage sketch (detectors.sketch) held to exact set
arithmetic, and `kartlegg inventory links` on an estate where a database's customers were
exported to a share and written into a log, beside a file of other people that shares nothing."""

from __future__ import annotations

import csv
import io
import json
import os
import random
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from subject_estate import write_estate

from detectors import sketch, synthetic
from detectors.evidence import Fingerprinter
from scanner.cli.main import cli

FP = Fingerprinter(b"k" * 32)
INVENTORY_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((Path(__file__).parent.parent / "reports" / "inventory.schema.json").read_text()))


def fnrs(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    return list(dict.fromkeys(synthetic.fodselsnummer(rnd) for _ in range(n)))


# (size of A, size of B, how many of B are in A)
CASES = [(1000, 100, 100), (1000, 100, 50), (5000, 5000, 2500), (40, 30, 10), (2000, 300, 0)]


@pytest.mark.parametrize("na, nb, common", CASES)
def test_sketches_estimate_what_two_sets_share(na, nb, common):
    a = fnrs(na, 1)
    b = a[:common] + fnrs(nb - common, 2)
    sa_, sb = sketch.sketch("NO_FODSELSNUMMER", a, FP), sketch.sketch("NO_FODSELSNUMMER", b, FP)
    c = sketch.compare(sa_, sb)
    exact_jaccard = common / len(set(a) | set(b))
    if common == 0:
        assert c["shared"] == 0 and c["jaccard"] == 0
        return
    assert c["shared"] >= 1  # every shared fingerprint is one identifier in both
    assert abs(c["jaccard"] - exact_jaccard) < 0.15
    assert abs(c["containment"] - common / min(len(a), len(b))) < 0.3


def test_a_sketch_is_the_same_however_the_values_are_split_or_written():
    values = fnrs(3000, 3)
    whole = sketch.sketch("NO_FODSELSNUMMER", values, FP)
    parts = [sketch.sketch("NO_FODSELSNUMMER", values[i:i + 700], FP) for i in range(0, 3000, 700)]
    merged = []
    for p in parts:
        merged = sketch.merge(merged, p)
    assert merged == whole and len(whole) == sketch.K
    assert 2000 < sketch.distinct(whole) < 4500
    spaced = [f"{v[:6]} {v[6:]}" for v in values]  # another spelling, the same fingerprints
    assert sketch.sketch("NO_FODSELSNUMMER", spaced, FP) == whole
    assert sketch.sketch("NO_PHONE_NUMBER", ["+47 412 34 567"], FP) == sketch.sketch("NO_PHONE_NUMBER", ["41234567"], FP)


@pytest.fixture
def linked(tmp_path):
    sources = write_estate(tmp_path)
    share = tmp_path / "share"
    (share / "eksport" / "andre.csv").write_text(  # people the database does not hold: no link
        "fnr;epost\n" + "".join(f"{f};person{i}@annet.example.no\n" for i, f in enumerate(fnrs(60, 99))),
        encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", *sources, "-o", str(tmp_path / "r.jsonl"), "-q"],
                                catch_exceptions=False)
    assert result.exit_code in (0, 3)
    return tmp_path


def links(*args) -> list[dict]:
    result = CliRunner().invoke(cli, ["inventory", "links", "--json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_links_show_the_export_and_the_log_and_not_the_stranger(linked):
    rows = links()
    pairs = {(r["a"]["dataset"], r["b"]["dataset"]): r for r in rows}
    export = pairs[("main.kunde", "eksport/kunder.csv")]
    assert {"NO_FODSELSNUMMER", "EMAIL_ADDRESS"} <= set(export["entity_types"])
    assert export["meaning"].startswith("an export or copy out of a database") and export["containment"] > 0.8
    log = pairs[("main.kunde", "logg/app.log")]
    assert log["b"]["kind"] == "log" and "log" in log["meaning"]
    assert not any("eksport/andre.csv" in pair for pair in pairs)  # strangers share nothing
    assert rows[0]["a"]["source"] != rows[0]["b"]["source"]  # across systems first
    fields = links("--fields")
    assert any(r["a"]["location"] == "main.kunde.fnr" and r["b"]["location"] == "eksport/kunder.csv#fodselsnummer"
               for r in fields)
    assert not any(r["entity_type"] == "PERSON" for r in fields)  # names link nothing (many share them)


def test_links_are_in_every_export_and_the_html_report(linked):
    out = linked / "links.csv"
    r = CliRunner().invoke(cli, ["inventory", "export", "--format", "csv", "--view", "links", "-o", str(out)])
    assert r.exit_code == 0, r.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert any(t["From"] == "main.kunde" and t["To"] == "eksport/kunder.csv" for t in table)
    xlsx = linked / "inv.xlsx"
    assert CliRunner().invoke(cli, ["inventory", "export", "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    wb = load_workbook(xlsx, read_only=True)
    assert "Links" in wb.sheetnames and len(list(wb["Links"].iter_rows())) > 1
    art30 = [dict(zip([c.value for c in rows[0]], [c.value for c in row]))
             for rows in [list(wb["Art. 30"].iter_rows())] for row in rows[1:]]
    assert any("share" in (a.get("Shares identifiers with") or "") for a in art30 if a["System"] == "kunder")
    jsonl = linked / "inv.jsonl"
    assert CliRunner().invoke(cli, ["inventory", "export", "--format", "jsonl", "-o", str(jsonl)]).exit_code == 0
    records = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    for rec in records:
        INVENTORY_SCHEMA.validate(rec)
    assert any(rec["record"] == "link" for rec in records)
    page = linked / "inv.html"
    r = CliRunner().invoke(cli, ["report", "--inventory", os.environ["KARTLEGG_INVENTORY"], "-o", str(page)])
    assert r.exit_code == 0, r.output
    html = page.read_text(encoding="utf-8")
    start = html.index('<section id="links">')
    section = html[start:html.index("</section>", start)]
    assert "<svg" in section and "main.kunde" in section and "eksport/kunder.csv" in section
    assert "eksport/andre.csv" not in section
    r = CliRunner().invoke(cli, ["report", str(linked / "r.jsonl"), "-o", str(linked / "scan.html")])
    assert r.exit_code == 0 and '<section id="links">' in (linked / "scan.html").read_text(encoding="utf-8")
