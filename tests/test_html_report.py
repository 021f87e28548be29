"""The HTML report: its model from crafted records (table-driven), escaping of hostile names, the
risk ranking, `kartlegg report` and its errors, and the page itself in headless Chromium — opened
from a real scan, numbers read back, filtered, printed to PDF, with no request but the file."""

from __future__ import annotations

import base64
import gzip
import importlib.machinery
import importlib.util
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from detectors import synthetic
from reports import html_model as hm
from reports import html_risk as hr
from reports.html import HtmlWriter, render
from scanner.cli.report import report as report_cmd
from scanner.model.records import SCHEMA_VERSION
from scanner.model.units import FieldSample
from scanner.scan.findings import log_reason, running_text
from tests.reporting import VALIDATOR, of, report as read_report

ROOT = Path(__file__).parent.parent
SCREENSHOT = ROOT / "tools" / "report-screenshot"
HOSTILE = "<script>alert(1)</script>"
SCAN = "5c1f0e2a-0000-4000-8000-000000000001"



@pytest.fixture(scope="module", autouse=True)
def english():
    """These tests read the English wording; the language otherwise follows the locale."""
    before = os.environ.get("KARTLEGG_LANG")
    os.environ["KARTLEGG_LANG"] = "en"
    yield
    if before is None:
        os.environ.pop("KARTLEGG_LANG", None)
    else:
        os.environ["KARTLEGG_LANG"] = before


def unwrapped(page: str) -> str:
    """The page without the <wbr> that let locations wrap at their separators."""
    return page.replace("<wbr>", "")


# -- crafted records, each valid against the published schema ---------------------------------------

DB = {"name": "kunder.db", "type": "sql", "uri": "sqlite:///srv/kunder.db"}
FILES = {"name": "filer", "type": "files", "uri": "/srv/filer"}
JOURNAL = {"name": "journal", "type": "journald", "uri": "journald://"}


def where(src: dict, container, dataset: str, field=None) -> dict:
    if src["type"] == "files":
        uri = f"file://{container}/{dataset}" + (f"#{field}" if field else "")
    elif src["type"] == "journald":
        uri = f"journald://{container}/{dataset}" + (f"#{field}" if field else "")
    else:
        uri = f"{src['uri']}/{container}/{dataset}" + (f"#{field}" if field else "")
    return {"container": container, "dataset": dataset, "field": field, "uri": uri}


def rec(kind: str, **fields) -> dict:
    r = {"record": kind, "schema_version": SCHEMA_VERSION, "scan_id": SCAN, **fields}
    VALIDATOR.validate(r)
    return r


def finding(src, container, dataset, field, entity, category, confidence=0.99, hits=100, sampled=100,
            personal=True, reasons=(), review=None, examples=(), free_text=False, in_log=None) -> dict:
    extra = {"review": review} if review else {}
    return rec("finding", source=src, location=where(src, container, dataset, field), entity_type=entity,
               category=category, personal=personal, confidence=confidence, hits=hits, sampled=sampled,
               ratio=round(hits / sampled, 4) if sampled else 0.0, examples=list(examples), fingerprints=[],
               reasons=list(reasons), synthetic=0, declared_type=None, row_estimate=None, free_text=free_text,
               in_log=in_log, **extra)


def dataset(src, container, dataset_name, fmt=None) -> dict:
    extra = {"format": fmt} if fmt else {}
    return rec("dataset", source=src, location=where(src, container, dataset_name), rows_sampled=100,
               row_estimate=None, fields=3, method="first 100 rows", duration_ms=3, columns=[], **extra)


def skipped(src, container, dataset_name, field=None, reason="unsupported: pdf") -> dict:
    return rec("skipped", source=src, location=where(src, container, dataset_name, field), reason=reason)


def error(src, container=None, dataset_name=None, message="boom") -> dict:
    loc = where(src, container, dataset_name) if dataset_name else None
    return rec("error", source=src, location=loc, error={"type": "ReadFailed", "message": message})


def header(*sources) -> dict:
    return rec("scan", started_at="2024-05-01T10:00:00.000Z", tool={"name": "kartlegg", "version": "0.1.0"},
               sources=list(sources), settings={"sample_size": 100, "min_confidence": 0.5},
               detectors={"language": "nb", "model": "blank", "detectors": []})


def summary(findings: list[dict], locations=(0, 0, 0), exit_code=0, changes=None) -> dict:
    by_cat: dict[str, int] = {}
    for f in findings:
        by_cat[f["category"]] = by_cat.get(f["category"], 0) + 1
    extra = {"changes": changes} if changes is not None else {}
    return rec("summary", finished_at="2024-05-01T10:00:05.000Z", duration_s=5.0, findings=len(findings),
               by_category=by_cat, locations=dict(zip(("scanned", "skipped", "failed"), locations)),
               sources={"total": 1, "failed": 0}, exit_code=exit_code, **extra)


SUPPRESSED = {"decision": "false_positive", "state": "suppressed", "at": "2024-04-01T09:00:00Z", "who": "kari",
              "note": "driftsadresser", "reasons": []}
REOPENED = {"decision": "false_positive", "state": "reopened", "at": "2024-04-01T09:00:00Z", "who": "kari",
            "note": None, "reasons": ["new entity type NO_FODSELSNUMMER"]}

FNR = finding(DB, "main", "kunde", "fnr", "NO_FODSELSNUMMER", "identity")
NAME = finding(DB, "main", "kunde", "fnr", "PERSON", "identity", confidence=0.6, hits=10)
EMAIL = finding(DB, "main", "kunde", "epost", "EMAIL_ADDRESS", "contact")
ORGNR = finding(DB, "main", "leverandor", "orgnr", "NO_ORGANIZATION_NUMBER", "organisation", personal=False)
NOTE_FP = finding(DB, "main", "henvendelse", "tekst", "EMAIL_ADDRESS", "contact", hits=20, review=SUPPRESSED)

MODEL_CASES = [
    # name, records, expected: findings, {category: (findings, suppressed, locations)}, coverage, heat cells
    ("one column", [dataset(DB, "main", "kunde"), FNR],
     1, {"identity": (1, 0, 1)}, (1, 0, 0, 0), {("kunder.db", "identity"): 1}),
    ("two entity types at one field are one location", [dataset(DB, "main", "kunde"), FNR, NAME],
     2, {"identity": (2, 0, 1)}, (1, 0, 0, 0), {("kunder.db", "identity"): 1}),
    ("a suppressed finding counts as a finding, not as a location", [dataset(DB, "main", "henvendelse"), NOTE_FP],
     1, {"contact": (1, 1, 0)}, (1, 0, 0, 0), {}),
    ("not personal data is counted and mapped, in its own category",
     [dataset(DB, "main", "kunde"), dataset(DB, "main", "leverandor"), EMAIL, ORGNR],
     2, {"contact": (1, 0, 1), "organisation": (1, 0, 1)}, (2, 0, 0, 0),
     {("kunder.db", "contact"): 1, ("kunder.db", "organisation"): 1}),
    ("a skipped dataset is a skipped location", [skipped(FILES, "/srv/filer", "faktura.pdf")],
     0, {}, (0, 1, 0, 0), {}),
    ("a skipped field is not a skipped location", [dataset(DB, "main", "vedlegg"),
                                                   skipped(DB, "main", "vedlegg", "innhold", "binary column (BLOB)")],
     0, {}, (1, 0, 0, 0), {}),
    ("a failed dataset", [error(FILES, "/srv/filer", "kunder.csv.gz", "gzip: truncated")], 0, {}, (0, 0, 1, 0), {}),
    ("a source that failed as a whole", [error(DB, message="unable to open database file")],
     0, {}, (0, 0, 1, 1), {}),
]


@pytest.mark.parametrize("name, records, n_findings, categories, coverage, cells", MODEL_CASES,
                         ids=[c[0] for c in MODEL_CASES])
def test_model_numbers(name, records, n_findings, categories, coverage, cells):
    findings = [r for r in records if r["record"] == "finding"]
    scanned = sum(r["record"] == "dataset" for r in records)
    skipped_n = sum(r["record"] == "skipped" and not r["location"]["field"] for r in records)
    failed = sum(r["record"] == "error" for r in records)
    m = hm.from_records([header(DB, FILES), *records, summary(findings, (scanned, skipped_n, failed))])
    assert len(m.findings) == n_findings
    assert {r["category"]: (r["findings"], r["suppressed"], r["locations"]) for r in hm.by_category(m)} == categories
    c = m.coverage
    assert (c["scanned"], c["skipped"], c["failed"], c["sources_failed"]) == coverage
    assert hm.heat(m)[2] == cells
    assert not m.notes  # the summary agrees with the records


def test_a_summary_that_disagrees_with_the_records_is_said_so():
    m = hm.from_records([header(DB), dataset(DB, "main", "kunde"), FNR, summary([FNR], (3, 0, 0))])
    assert any("other numbers of locations" in n for n in m.notes)
    cut = hm.from_records([header(DB), dataset(DB, "main", "kunde"), FNR])
    assert any("no summary record" in n for n in cut.notes)
    assert "no summary record" in render(cut)


def test_changes_are_unknown_without_an_inventory_and_none_with_one():
    plain = hm.from_records([header(DB), FNR, summary([FNR])])
    assert plain.changes is None and "what changed since the last scan is not known" in render(plain)
    kept = hm.from_records([header(DB), FNR, summary([FNR], changes={})])
    assert kept.changes == [] and "No changes since the previous scan." in render(kept)
    new = rec("change", source=DB, location=FNR["location"], change="new", entity_type="NO_FODSELSNUMMER",
              category="identity", before=None, after={"confidence": 0.99, "hits": 100, "sampled": 100},
              since_scan_id="4b0e0000-0000-4000-8000-000000000000")
    page = render(hm.from_records([header(DB), FNR, new, summary([FNR], changes={"new": 1})]))
    assert 'data-change="new"' in page and "100/100 at 0.99" in page


# -- escaping ------------------------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def hostile_records() -> list[dict]:
    evil_src = {"name": f"{HOSTILE}db", "type": "sql", "uri": f"sqlite:///{HOSTILE}.db"}
    attr = '" onmouseover="alert(2)" x="'
    review = {**SUPPRESSED, "note": HOSTILE, "who": attr}
    return [
        header(evil_src, FILES),
        dataset(FILES, "/srv/filer", f"{HOSTILE}.csv", "csv"),
        finding(FILES, "/srv/filer", f"{HOSTILE}.csv", attr, "EMAIL_ADDRESS", "contact",
                reasons=[HOSTILE], examples=[f"k***@{HOSTILE}"]),
        finding(evil_src, HOSTILE, "kunde", "fnr", f"X_{HOSTILE}", "other", review=review),
        skipped(FILES, "/srv/filer", f"{HOSTILE}.pdf", reason=HOSTILE),
        error(FILES, "/srv/filer", f"{HOSTILE}.gz", message=f"</style>{HOSTILE}"),
        rec("change", source=FILES, location=where(FILES, "/srv/filer", f"{HOSTILE}.csv", attr), change="new",
            entity_type="EMAIL_ADDRESS", category="contact", before=None,
            after={"confidence": 0.99, "hits": 100, "sampled": 100}, since_scan_id="x", review=REOPENED),
        summary([], (1, 1, 1), 3, changes={"new": 1}),
    ]


def test_hostile_names_are_text_not_markup():
    page = render(hm.from_records(hostile_records()))
    assert HOSTILE not in page and 'onmouseover="' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in unwrapped(page)  # shown, as text
    parsed = Tags()
    parsed.feed(page)
    assert [t for t, _ in parsed.tags].count("script") == 1  # ours, and no other
    assert [t for t, _ in parsed.tags].count("style") == 1
    assert not any(k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    assert "</" not in "".join(parsed.script_text)  # nothing in the inline script could end it early
    # attribute values read back whole, quotes and all
    rows = [a for t, a in parsed.tags if t == "tr" and "data-text" in a]
    assert {a["data-source"] for a in rows} == {f"{HOSTILE}db", "filer"}
    assert any('by " onmouseover="alert(2)" x="' in a.get("title", "") for _, a in parsed.tags)


def test_the_csp_forbids_every_request():
    page = render(hm.from_records([header(DB), FNR, summary([FNR])]))
    parsed = Tags()
    parsed.feed(page)
    (csp,) = [a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    assert not [a for t, a in parsed.tags if t in ("link", "img", "iframe") or "src" in a or "href" in a
                and not a["href"].startswith("#")]
    assert "fingerprint" not in page.replace("fingerprints are left out", "")


# -- the risk ranking ------------------------------------------------------------------------------------

# Where a finding sits (in_log, free_text) is the scan's word: these records say what a scan would.

def app_log(field="message", hits=30, sampled=100, fmt="log", name="app.log"):
    return [dataset(FILES, "/srv/logs", name, fmt),
            finding(FILES, "/srv/logs", name, field, "NO_FODSELSNUMMER", "identity", confidence=0.9, hits=hits,
                    sampled=sampled, reasons=[f"free text: {hits}/{sampled} sampled values contain NO_FODSELSNUMMER"],
                    free_text=True, in_log=log_reason("files", name, fmt))]


def email_col(table="kunde", field="epost", **kw):
    return [dataset(DB, "main", table), finding(DB, "main", table, field, "EMAIL_ADDRESS", "contact", **kw)]


def journal_email():
    return [dataset(JOURNAL, "web01", "nginx.service", "journal"),
            finding(JOURNAL, "web01", "nginx.service", "query.epost", "EMAIL_ADDRESS", "contact",
                    in_log=log_reason("journald", "nginx.service", "journal"))]


def notes(hits):
    return [dataset(DB, "main", f"notat{hits}"),
            finding(DB, "main", f"notat{hits}", "tekst", "EMAIL_ADDRESS", "contact", hits=hits, sampled=100,
                    reasons=[f"free text: {hits}/100 sampled values contain EMAIL_ADDRESS"], free_text=True)]


RISK_CASES = [
    # name, records of the higher location, records of the lower one
    ("a national ID in a log above an e-mail column", app_log(), email_col()),
    ("a national ID column above e-mail in the journal", [dataset(DB, "main", "kunde"), FNR], journal_email()),
    ("e-mail in the journal above an e-mail column", journal_email(), email_col()),
    ("a log by its format above the same data in a CSV", app_log(fmt="gzip>log", name="a.log.gz"),
     app_log(fmt="csv", name="a.csv")),
    ("free text with 10 hits above free text with 9", notes(10), notes(9)),
    ("a higher hit ratio above a lower one", email_col("a", hits=90), email_col("b", hits=30)),
    ("financial above contact",
     [dataset(DB, "main", "konto"), finding(DB, "main", "konto", "nr", "NO_BANK_ACCOUNT", "financial")], email_col()),
    ("two entity types above one", [dataset(DB, "main", "kunde"), FNR, NAME],
     [dataset(DB, "main", "k2"), finding(DB, "main", "k2", "fnr", "NO_FODSELSNUMMER", "identity")]),
]


@pytest.mark.parametrize("name, higher, lower", RISK_CASES, ids=[c[0] for c in RISK_CASES])
def test_risk_order(name, higher, lower):
    for records in (higher + lower, lower + higher):  # not the order they came in
        ranked = hr.risk(hm.from_records([header(DB, FILES, JOURNAL), *records]))
        top = {(f["source"]["name"], hm.place(f["location"])) for f in higher if f["record"] == "finding"}
        assert len(ranked) == 2, ranked
        assert (ranked[0].source, ranked[0].location) in top and ranked[0].score > ranked[1].score, ranked


@pytest.mark.parametrize("records, score, reasons", [
    ([dataset(DB, "main", "kunde"), FNR], 9.9, ["national ID (NO_FODSELSNUMMER): weight 10",
                                                "×0.99 evidence (confidence 0.99, hit ratio 100%)"]),
    # 10 × 0.9 × (0.5 + 0.5 × 0.4) × 2 × 1.5
    (app_log(hits=40), 18.9, ["national ID (NO_FODSELSNUMMER): weight 10",
                              "×0.63 evidence (confidence 0.90, hit ratio 40%)",
                              "×2: in a log file (format log)",
                              "×1.5: free text with 40 hits"]),
    (app_log(hits=9), 10 * 0.9 * 0.545 * 2, None),  # a log, but few hits in its free text
    (email_col(confidence=0.8, hits=0, sampled=0), 1.2, ["contact (EMAIL_ADDRESS): weight 3",
                                                         "×0.40 evidence (confidence 0.80, hit ratio 0%)"]),
    ([dataset(DB, "main", "kunde"), FNR, NAME, EMAIL], 10.9, None),  # +1 for PERSON; EMAIL is another field
])
def test_risk_score_and_its_reasons(records, score, reasons):
    ranked = hr.risk(hm.from_records([header(DB, FILES), *records]))
    assert ranked[0].score == pytest.approx(score, abs=0.05)
    if reasons is not None:
        assert ranked[0].reasons == reasons


def test_suppressed_and_not_personal_findings_are_not_ranked_and_reopened_ones_are_marked():
    reopened = finding(DB, "main", "kunde", "notat", "NO_FODSELSNUMMER", "identity", review=REOPENED)
    suppressed_fnr = finding(DB, "main", "gammel", "fnr", "NO_FODSELSNUMMER", "identity", review=SUPPRESSED)
    m = hm.from_records([header(DB), suppressed_fnr, ORGNR, EMAIL, reopened])
    ranked = hr.risk(m)
    assert [r.location for r in ranked] == ["main.kunde.notat", "main.kunde.epost"]
    assert ranked[0].review["state"] == "reopened"
    page = render(m)
    risk_part = page[page.index('id="risk-list"'):page.index('id="changes"')]
    assert "main.gammel.fnr" not in risk_part and "main.leverandor.orgnr" not in risk_part
    assert "reopened: new entity type NO_FODSELSNUMMER" in risk_part
    assert re.search(r'<tr class="suppressed"[^>]*>\s*<td>kunder\.db</td><td class="loc mono">main\.gammel\.fnr',
                     unwrapped(page))


@pytest.mark.parametrize("crawler, name, fmt, reason", [
    ("journald", "nginx.service", "journal", "the systemd journal"),
    ("cloudwatch", "web-*", "cloudwatch", "CloudWatch Logs"),
    ("files", "api/access.log*", "mixed (gzip>log, log)", "a log file (format mixed (gzip>log, log))"),
    ("s3", "logs/app.json", "gzip>log", "a log file (format gzip>log)"),
    ("files", "app.log", "text", "a log file (by its name)"),  # the lines were not a known log format
    ("s3", "api/access.log*", None, "a log file (by its name)"),  # a group of rotated logs
    ("files", "catalog.csv", "csv", None),  # "log" inside a word is no log
    ("files", "blog/innlegg.json", "json", None),
    ("sql", "log", None, None),  # a table called log is a table
])
def test_what_counts_as_a_log(crawler, name, fmt, reason):
    assert log_reason(crawler, name, fmt) == reason


@pytest.mark.parametrize("field, judged, in_log, free_text", [
    (FieldSample("notat", "text", []), True, None, True),  # the classifier judged the values running text
    (FieldSample("message", None, [], unstructured=True), False, None, True),  # the reader said so
    (FieldSample("text", None, [], unstructured=True, dataset_level=True), False, None, True),  # a plain-text file
    (FieldSample("msg", None, []), False, "a log file (by its name)", True),  # a log's message, by its name
    (FieldSample("client_ip", None, []), False, "the systemd journal", False),
    (FieldSample("message", "varchar", []), False, None, False),  # a column called message is a column
])
def test_what_counts_as_free_text(field, judged, in_log, free_text):
    assert running_text(field, judged, in_log) is free_text


def test_the_report_takes_the_scan_s_word_for_where_a_finding_sits():
    """The report knows no crawler, format or log name: what the records say is what it ranks by;
    a report older than 1.6 says neither, and the page says so."""
    told = finding(DB, "main", "log", "melding", "EMAIL_ADDRESS", "contact", hits=30, free_text=True,
                   in_log="a log file (by its name)")
    (got,) = hm.from_records([header(DB), told]).findings
    assert (got.in_log, got.free_text) == ("a log file (by its name)", True)
    journal = {k: v for k, v in journal_email()[1].items() if k not in ("free_text", "in_log")}
    m = hm.from_records([header(JOURNAL), journal])
    assert (m.findings[0].in_log, m.findings[0].free_text) == (None, False)
    assert any("older than schema 1.6" in n for n in m.notes)


# -- kartlegg report: inputs and errors ----------------------------------------------------------------

def write_lines(path: Path, lines: list) -> Path:
    path.write_bytes(b"".join((x if isinstance(x, bytes) else json.dumps(x).encode()) + b"\n" for x in lines))
    return path


def run_report(*args) -> tuple[int, str]:
    result = CliRunner().invoke(report_cmd, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


GOOD = [header(DB), dataset(DB, "main", "kunde"), FNR, summary([FNR], (1, 0, 0))]


@pytest.mark.parametrize("lines, message", [
    (GOOD[:2] + [b'{"record": "finding", "scan_id'], "r.jsonl:3: not a JSON record"),
    (GOOD[:1] + [b"\xff\xfe{}"], "r.jsonl:2: not UTF-8"),
    (GOOD[:2] + [{**FNR, "entity_type": None} | {"location": None}], "r.jsonl:3: a finding record"),
    ([{k: v for k, v in FNR.items() if k != "confidence"}], "r.jsonl:1: a finding record the report cannot use: "
                                                            "missing 'confidence'"),
    ([[1, 2, 3]], "r.jsonl:1: not a kartlegg report record"),
    ([], "r.jsonl: no records"),
    ([b"", b"  "], "r.jsonl: no records"),
])
def test_a_bad_report_is_a_clear_error(tmp_path, lines, message):
    path = write_lines(tmp_path / "r.jsonl", lines)
    code, out = run_report(str(path), "-o", str(tmp_path / "r.html"))
    assert code == 1 and message in out and "Traceback" not in out
    assert not (tmp_path / "r.html").exists()


def test_a_good_report_renders_to_a_file_and_to_stdout(tmp_path):
    path = write_lines(tmp_path / "r.jsonl", GOOD)
    code, out = run_report(str(path), "-o", str(tmp_path / "r.html"))
    assert code == 0 and "Report:" in out
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    result = CliRunner().invoke(report_cmd, [str(path), "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>") and "main.kunde.fnr" in result.stdout


@pytest.mark.parametrize("args, message", [
    ((), "exactly one of them"),
    (("r.jsonl", "--inventory", "inv.sqlite"), "exactly one of them"),
    (("r.jsonl", "--scan", "abc"), "--scan needs --inventory"),
    (("missing.jsonl",), "does not exist"),
    (("--inventory", "missing.sqlite"), "no inventory at missing.sqlite"),
    (("--inventory", "postgresql://u:hemmelig@127.0.0.1:1/x"), "cannot open the inventory"),
])
def test_report_usage_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write_lines(tmp_path / "r.jsonl", GOOD)
    (tmp_path / "inv.sqlite").touch()
    code, out = run_report(*args, "-o", "out.html")
    assert code == 2 and message in out and "hemmelig" not in out
    assert not (tmp_path / "out.html").exists()


def test_the_writer_writes_stdout(capsys, tmp_path):
    w = HtmlWriter("-")
    for r in GOOD:
        w.write(r)
    w.close()
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    with pytest.raises(OSError):  # at once, so `kartlegg scan` refuses before it scans
        HtmlWriter(str(tmp_path / "no such dir" / "r.html"))


# -- a real estate, scanned twice with an inventory ---------------------------------------------------

def build_estate(root: Path) -> dict:
    r = random.Random(11)
    db = root / "kunder.db"
    con = sqlite3.connect(db)
    con.executescript(f"""
        create table kunde (id integer primary key, fnr text, epost text, notat text, bilde blob);
        create table leverandor (id integer primary key, orgnr text);
        create table gammel (id integer primary key, personnr text);
        create table "{HOSTILE}" (id integer primary key, epost text);
    """)
    for i in range(80):
        note = f"Svar sendt til drift{i}@nettselskap.no" if i % 4 == 0 else "Ingen merknad denne gangen"
        con.execute("insert into kunde values (?,?,?,?,?)",
                    (i, synthetic.fodselsnummer(r), f"kunde{i}@example.no", note, b"\x00\x01"))
        con.execute("insert into leverandor values (?,?)", (i, synthetic.orgnr(r)))
        con.execute("insert into gammel values (?,?)", (i, synthetic.fodselsnummer(r)))
        con.execute(f'insert into "{HOSTILE}" values (?,?)', (i, f"k{i}@example.org"))
    con.commit()
    con.close()
    files = root / "filer"
    (files / "logg").mkdir(parents=True)
    (files / "logg" / "app.log").write_text("".join(
        f"2024-05-01 10:{i % 60:02d}:00,123 INFO [kunde.registrering] Ny kunde registrert "
        f"fnr={synthetic.fodselsnummer(r)}\n" if i % 2 == 0 else
        f"2024-05-01 10:{i % 60:02d}:00,123 INFO [helse] ok: {i} forespørsler\n" for i in range(120)))
    (files / HOSTILE.rsplit("/", 1)[0]).mkdir()  # a file named <script>alert(1)</script>.csv, relatively
    (files / f"{HOSTILE}.csv").write_text("navn,epost\n" + "".join(
        f"Kari Nordmann,kari{i}@example.no\n" for i in range(40)))
    (files / "oppdatering.bin").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4)  # a program
    return {"db": db, "files": files}


def change_estate(estate: dict) -> None:
    """A table gone, one new, and a truncated archive (the first scan must complete: an incomplete
    scan is no baseline for changes)."""
    r = random.Random(12)
    con = sqlite3.connect(estate["db"])
    con.executescript("drop table gammel; create table ny (id integer primary key, fnr text);")
    con.executemany("insert into ny values (?,?)", [(i, synthetic.fodselsnummer(r)) for i in range(60)])
    con.commit()
    con.close()
    (estate["files"] / "kunder.csv.gz").write_bytes(gzip.compress(
        ("fnr\n" + "".join(synthetic.fodselsnummer(r) + "\n" for _ in range(2000))).encode())[:300])


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, engine):
    """Two scans of the estate into one inventory (a review and a change in between); the second
    scan written as JSONL and, by the HTML writer, as HTML; and both made into HTML by the CLI."""
    from reports.jsonl import JsonlWriter
    from scanner.inventory.store import Store
    from scanner.scan.run import scan
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source

    root = tmp_path_factory.mktemp("estate")
    estate = build_estate(root)
    sources = [Source(f"sqlite:///{estate['db']}", "kunder.db"), Source(str(estate["files"]), "filer")]
    store = Store.open(str(root / "inventory.sqlite"))
    try:
        first = root / "first.jsonl"
        w = JsonlWriter(str(first))
        assert scan(sources, ScanSettings(sample_size=100), [w], engine=engine, inventory=store).exit_code == 0
        w.close()
        notat = next(f["location"]["uri"] for f in of(read_report(first), "finding")
                     if f["location"]["field"] == "notat")
        store.review(notat, "false_positive", note="driftsadresser", who="kari")
        change_estate(estate)
        jsonl, by_writer = root / "report.jsonl", root / "by-writer.html"
        writers = [JsonlWriter(str(jsonl)), HtmlWriter(str(by_writer))]
        outcome = scan(sources, ScanSettings(sample_size=100), writers, engine=engine, inventory=store)
        for w in writers:
            w.close()
    finally:
        store.dispose()
    from_jsonl, from_inventory = root / "report.html", root / "inventory.html"
    assert run_report(str(jsonl), "-o", str(from_jsonl))[0] == 0
    assert run_report("--inventory", str(root / "inventory.sqlite"), "-o", str(from_inventory))[0] == 0
    return {"root": root, "records": read_report(jsonl), "jsonl": jsonl, "html": from_jsonl,
            "by_writer": by_writer, "inventory_html": from_inventory, "inventory": root / "inventory.sqlite",
            "scan_id": outcome.scan_id}


def test_the_scan_is_what_the_report_needs(scanned):
    """The estate holds what the other tests rely on; if a detector changes, this says so first."""
    lines = scanned["records"]
    states = {f["location"]["field"]: (f.get("review") or {}).get("state") for f in of(lines, "finding")}
    assert states["notat"] == "suppressed"
    assert {(c["change"], c["location"]["dataset"]) for c in of(lines, "change")} >= {("new", "ny"), ("gone", "gammel")}
    assert {r["location"]["dataset"] for r in of(lines, "skipped") if r["location"]} >= {"oppdatering.bin"}
    assert {r["location"]["dataset"] for r in of(lines, "error")} == {"kunder.csv.gz"}
    assert any(f["location"]["dataset"] == "logg/app.log" and f["entity_type"] == "NO_FODSELSNUMMER"
               for f in of(lines, "finding"))
    assert any(f["location"]["dataset"] == f"{HOSTILE}.csv" for f in of(lines, "finding"))


def test_the_scan_says_where_findings_sit(scanned):
    found = {(f["location"]["dataset"], f["location"]["field"], f["entity_type"]): f
             for f in of(scanned["records"], "finding")}
    log = found[("logg/app.log", "message", "NO_FODSELSNUMMER")]
    assert (log["in_log"], log["free_text"]) == ("a log file (format log)", True)
    fnr = found[("kunde", "fnr", "NO_FODSELSNUMMER")]
    assert (fnr["in_log"], fnr["free_text"]) == (None, False)
    note = next(f for k, f in found.items() if k[:2] == ("kunde", "notat"))
    assert (note["in_log"], note["free_text"]) == (None, True)  # the classifier judged it running text


def test_a_full_read_says_it_too(scanned, engine):
    """A full read's batches do not know the dataset's format; the last one does, and tells all."""
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source
    from scanner.scan.run import scan

    class Kept:
        def __init__(self):
            self.records = []

        def write(self, record):
            self.records.append(record)

        def close(self):
            pass

    kept = Kept()
    source = Source(str(scanned["root"] / "filer"), "filer")
    scan([source], ScanSettings(sample_size=100, full=True, include=("logg/*",)), [kept], engine=engine)
    (log,) = [f for f in of(kept.records, "finding") if f["location"]["field"] == "message"
              and f["entity_type"] == "NO_FODSELSNUMMER"]
    assert (log["in_log"], log["free_text"]) == ("a log file (format log)", True)


def test_the_writer_and_the_cli_render_the_same_page(scanned):
    def steady(page: str) -> str:
        return re.sub(r"Generated [^<]* by kartlegg", "Generated … by kartlegg", page)

    by_writer, by_cli = (steady(scanned[k].read_text(encoding="utf-8")) for k in ("by_writer", "html"))
    assert by_writer == by_cli


def test_the_inventory_report(scanned):
    page = scanned["inventory_html"].read_text(encoding="utf-8")
    assert scanned["scan_id"] in page and "inventory " in page
    assert 'data-change="new"' in page and 'data-change="gone"' in page
    assert re.search(r'<tr class="suppressed"[^>]*>\s*<td>kunder\.db</td><td class="loc mono">main\.kunde\.notat',
                     unwrapped(page))
    assert "main.gammel.personnr" not in page.split('id="findings-table"')[1]  # gone: not in what is there now
    # the inventory keeps no reasons, yet ranks the same: the log's message is free text by its name
    from scanner.inventory.store import Store

    store = Store.open(str(scanned["inventory"]))
    try:
        from_store = hr.risk(hm.from_inventory(store), limit=None)
    finally:
        store.dispose()
    from_report = hr.risk(hm.from_records(scanned["records"]), limit=None)
    assert [(r.location, r.score) for r in from_store] == [(r.location, r.score) for r in from_report]
    assert from_store[0].location == "logg/app.log#message" and "×2: in a log file" in from_store[0].reasons[-2]
    prefix = scanned["scan_id"][:8]
    code, out = run_report("--inventory", str(scanned["inventory"]), "--scan", prefix, "-o", "-")
    assert code == 0 and scanned["scan_id"] in out
    code, out = run_report("--inventory", str(scanned["inventory"]), "--scan", "zzzz", "-o", "-")
    assert code == 2 and "no scan 'zzzz' in the inventory" in out


# -- in the browser ------------------------------------------------------------------------------------

def _screenshot_tool():
    """tools/report-screenshot, whose Chromium flags the tests share (it has no .py to import by)."""
    loader = importlib.machinery.SourceFileLoader("report_screenshot", str(SCREENSHOT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    tool = _screenshot_tool()
    missing = tool.missing()
    if missing:
        pytest.fail(f"headless Chromium is needed for the HTML report tests: missing {', '.join(missing)}; "
                    "install the Debian packages chromium and chromium-driver (tools/ensure-services does)")
    os.environ["SE_OFFLINE"] = "true"
    driver = tool.chromium(str(tmp_path_factory.mktemp("chromium-profile")), logs=True)
    yield driver
    driver.quit()


def open_page(driver, path: Path) -> list[dict]:
    """Loads the page; returns the browser console entries of the load."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.resolve().as_uri())
    return driver.get_log("browser")


def requested(driver) -> list[tuple[str, str, str | None]]:
    """(document, URL, why Chromium blocked it or None) of every request since the last call,
    Chromium's own pages included."""
    sent, blocked = {}, {}
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        params = msg.get("params", {})
        if msg["method"] == "Network.requestWillBeSent":
            sent[params["requestId"]] = (params.get("documentURL"), params["request"]["url"])
        elif msg["method"] == "Network.loadingFailed" and params.get("blockedReason"):
            blocked[params["requestId"]] = params["blockedReason"]
    return [(doc, url, blocked.get(rid)) for rid, (doc, url) in sent.items()]


def assert_only_itself(driver, page: Path, refused_ok: bool = False) -> None:
    """The page asked for nothing but itself (or, with `refused_ok`, whatever else it asked for
    the CSP refused before it left)."""
    uri = page.resolve().as_uri()
    seen = requested(driver)
    assert [u for d, u, why in seen if d == uri and not (refused_ok and why == "csp")] == [uri], seen
    # Chromium's own new-tab page loads its resources; nothing else may ask for anything
    assert not [u for d, u, why in seen if not (d or "").startswith("chrome:") and not (refused_ok and why == "csp")
                and u.split(":", 1)[0] in ("http", "https", "ws", "wss", "ftp", "data")], seen


def visible_rows(driver) -> int:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#findings-table tbody tr'))"
        ".filter(r => getComputedStyle(r).display !== 'none').length")


def text_of(driver, css: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css).text.strip()


def test_the_page_loads_clean_and_asks_for_nothing(browser, scanned):
    console = open_page(browser, scanned["html"])
    assert not [e for e in console if e["level"] == "SEVERE"], console
    assert not [e for e in console if "Content Security Policy" in e["message"]], console
    assert_only_itself(browser, scanned["html"])
    assert browser.execute_script("return document.scripts.length") == 1
    # the file named <script>alert(1)</script>.csv is shown by its name and never ran
    assert browser.execute_script(
        "return Array.from(document.querySelectorAll('#findings-table td.loc'))"
        f".some(td => td.textContent.startsWith({json.dumps(HOSTILE + '.csv')}))")
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


@pytest.mark.parametrize("csp", [True, False])
def test_the_request_checks_would_see_a_request(browser, scanned, tmp_path, csp):
    """A page that asks for a font and an image: with the CSP the browser refuses and says so;
    without it the request goes out and the check catches it."""
    page = scanned["html"].read_text(encoding="utf-8")
    leak = ('<link rel="stylesheet" href="https://fonts.example.invalid/a.css">'
            '<img src="https://example.invalid/pixel.png" alt="">')
    page = page.replace("</header>", leak + "</header>")
    if not csp:
        page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    leaky = tmp_path / "leaky.html"
    leaky.write_text(page, encoding="utf-8")
    console = open_page(browser, leaky)
    refused = [e for e in console if "Content Security Policy" in e["message"]]
    if csp:
        assert len(refused) == 2 and all(e["level"] == "SEVERE" for e in refused), console
        assert_only_itself(browser, leaky, refused_ok=True)
        open_page(browser, leaky)
        with pytest.raises(AssertionError):  # refused, but asked for
            assert_only_itself(browser, leaky)
    else:
        assert not refused
        with pytest.raises(AssertionError):
            assert_only_itself(browser, leaky, refused_ok=True)


def test_the_numbers_shown_are_the_summary(browser, scanned):
    from selenium.webdriver.common.by import By

    open_page(browser, scanned["html"])
    lines = scanned["records"]
    s = lines[-1]
    assert s["record"] == "summary"
    assert int(text_of(browser, "#total-findings")) == s["findings"] == int(text_of(browser, "#cat-total"))
    shown = {tr.get_attribute("data-category"): int(tr.find_element(By.CSS_SELECTOR, ".n-findings").text)
             for tr in browser.find_elements(By.CSS_SELECTOR, "#by-category tbody tr")}
    assert shown == s["by_category"]
    assert int(text_of(browser, "#total-suppressed")) == s["suppressed"] == 1
    for key in ("scanned", "skipped", "failed"):
        assert int(text_of(browser, f"#cov-{key}")) == s["locations"][key], key
    assert text_of(browser, "#cov-sources-failed") == f"{s['sources']['failed']}/{s['sources']['total']}"
    expected: dict[tuple, set] = {}
    for f in of(lines, "finding"):
        if (f.get("review") or {}).get("state") != "suppressed":
            expected.setdefault((f["source"]["name"], f["category"]), set()).add(f["location"]["uri"])
    cells = {(td.get_attribute("data-source"), td.get_attribute("data-category")): int(td.text)
             for td in browser.find_elements(By.CSS_SELECTOR, "#heat td.cell")}
    assert {k: v for k, v in cells.items() if v} == {k: len(v) for k, v in expected.items()}
    assert len(browser.find_elements(By.CSS_SELECTOR, "#not-scanned tbody tr")) == \
        len(of(lines, "skipped")) + len(of(lines, "error"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#changes-table tbody tr")) == len(of(lines, "change"))


def test_the_filter(browser, scanned):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(browser, scanned["html"])
    findings = of(scanned["records"], "finding")
    assert browser.find_element(By.ID, "filters").is_displayed()
    assert visible_rows(browser) == len(findings)
    box = browser.find_element(By.ID, "filter-text")
    category = Select(browser.find_element(By.ID, "filter-category"))
    source = Select(browser.find_element(By.ID, "filter-source"))

    def expect(n: int):
        assert visible_rows(browser) == n
        assert text_of(browser, "#filter-count") == f"{n} of {len(findings)} findings shown"

    box.send_keys("NO_FODSELSNUMMER")  # case does not matter
    expect(sum(f["entity_type"] == "NO_FODSELSNUMMER" for f in findings))
    box.clear()
    box.send_keys(" ")  # an input event with an empty filter
    category.select_by_value("contact")
    contact = [f for f in findings if f["category"] == "contact"]
    expect(len(contact))
    box.send_keys("epost")
    both = [f for f in contact if "epost" in hm.place(f["location"]).lower()]
    assert 0 < len(both) < len(contact)
    expect(len(both))
    # every option says how many rows it would leave with the other filters as they are
    labels = {o.get_attribute("value"): o.text for o in category.options}
    assert labels["contact"] == f"contact ({len(both)})"
    identity = [f for f in findings if f["category"] == "identity" and "epost" in hm.place(f["location"]).lower()]
    assert labels["identity"] == f"identity ({len(identity)})"
    source.select_by_value("filer")
    expect(sum(f["source"]["name"] == "filer" for f in both))
    source.select_by_value("")
    category.select_by_value("")
    box.clear()
    box.send_keys(" ")
    expect(len(findings))


def test_without_javascript_every_row_shows_and_the_controls_do_not(browser, scanned):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        open_page(browser, scanned["html"])
        assert visible_rows(browser) == len(of(scanned["records"], "finding"))
        assert not browser.find_element(By.ID, "filters").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_print_layout_and_pdf(browser, scanned, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_page(browser, scanned["html"])
    Select(browser.find_element(By.ID, "filter-category")).select_by_value("organisation")
    assert visible_rows(browser) < len(of(scanned["records"], "finding"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert visible_rows(browser) == len(of(scanned["records"], "finding"))  # a filter does not cut a printout
        assert not browser.find_element(By.ID, "filters").is_displayed()
        style = browser.execute_script("""
            const css = (sel, prop) => getComputedStyle(document.querySelector(sel)).getPropertyValue(prop);
            return {row: css('#findings-table tbody tr', 'break-inside'), h2: css('h2', 'break-after'),
                    cell: css('#heat td.cell', 'print-color-adjust')
                          || css('#heat td.cell', '-webkit-print-color-adjust'),
                    head: css('#findings-table thead', 'display')};""")
        assert style == {"row": "avoid", "h2": "avoid", "cell": "exact", "head": "table-header-group"}
        pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {
            "printBackground": True, "preferCSSPageSize": True})["data"])
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-1024:]
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 1
    (tmp_path / "report.pdf").write_bytes(pdf)


def test_the_inventory_page_loads_clean(browser, scanned):
    from selenium.webdriver.common.by import By

    console = open_page(browser, scanned["inventory_html"])
    assert not [e for e in console if e["level"] in ("SEVERE", "WARNING")], console
    assert_only_itself(browser, scanned["inventory_html"])
    grey = browser.find_element(By.CSS_SELECTOR, "#findings-table tr.suppressed td.loc")
    assert grey.text == "main.kunde.notat" and grey.value_of_css_property("color") != \
        browser.find_element(By.CSS_SELECTOR, "#findings-table tbody tr:not(.suppressed) td.loc") \
        .value_of_css_property("color")


def test_the_screenshot_tool(scanned, tmp_path):
    out = tmp_path / "shot.png"
    done = subprocess.run([sys.executable, str(SCREENSHOT), str(scanned["html"]), "-o", str(out), "--width", "1000"],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "SE_OFFLINE": "true"})
    assert done.returncode == 0, done.stderr
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1000 and height > 1500  # the whole page, not the window
