"""The inventory through the command line: real scans of a changing SQLite estate, reviews that
later scans keep, diffs, declarations, exports read back, and scanners writing at once."""

from __future__ import annotations

import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from detectors import synthetic
from scanner.cli.main import cli
from scanner.inventory.models import Finding, Observation, Scan
from scanner.inventory.store import Store
from tests.reporting import of, scan_cli

ROWS = 60
INVENTORY_SCHEMA = json.loads((Path(__file__).parent.parent / "reports" / "inventory.schema.json").read_text())
FORMULA = '=HYPERLINK("http://x.invalid","klikk")'  # a column name a spreadsheet would run


def invoke(*args) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


class KundeDb:
    """A small customer database that changes between scans."""

    def __init__(self, path: Path, seed: int = 5):
        self.path = path
        self.r = random.Random(seed)
        self.fnrs = [synthetic.fodselsnummer(self.r) for _ in range(ROWS)]
        self.phones = [synthetic.phone(self.r, "intl") for _ in range(ROWS)]
        con = sqlite3.connect(path)
        con.executescript(f"""
            create table kunde (id integer primary key, fnr text, epost text, notat text, "{FORMULA.replace('"', '""')}" text);
            create table gammel_kunde (id integer primary key, personnr text);
            create table leverandor (id integer primary key, firma text, orgnr text);
            create table henvendelse (id integer primary key, tekst text);
        """)
        for i in range(ROWS):
            note = (f"Ring kunden tilbake, svar sendt til kunde{i}@example.no" if i < 3
                    else "Ingen merknad fra kundeservice denne gangen")
            con.execute('insert into kunde values (?,?,?,?,?)',
                        (i, self.fnrs[i], f"kunde{i}@example.no", note, f"k{i}@example.org"))
            con.execute("insert into gammel_kunde values (?,?)", (i, self.fnrs[i]))
            con.execute("insert into leverandor values (?,?,?)", (i, f"Leverandør {i} AS", synthetic.orgnr(self.r)))
            text = (f"Sak {i} er videresendt til drift{i}@nettselskap.no for oppfølging" if i % 6 == 0
                    else f"Sak {i} gjaldt målerbytte, som ble utført av montør i dag")
            con.execute("insert into henvendelse values (?,?)", (i, text))
        con.commit()
        con.close()

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def sql(self, script: str, rows=None) -> None:
        con = sqlite3.connect(self.path)
        if rows is None:
            con.executescript(script)
        else:
            con.executemany(script, rows)
        con.commit()
        con.close()


@pytest.fixture
def estate(tmp_path):
    return KundeDb(tmp_path / "kunder.db")


@pytest.fixture
def inventory(tmp_path, monkeypatch):
    path = tmp_path / "inv" / "kartlegg-inventory.sqlite"
    monkeypatch.setenv("KARTLEGG_INVENTORY", str(path))
    return path


def changes_of(lines) -> set[tuple]:
    return {(c["change"], c["location"]["dataset"], c["location"]["field"], c["entity_type"])
            for c in of(lines, "change")}


def test_a_changing_estate_produces_the_right_changes(estate, inventory):
    code, first, _ = scan_cli(estate.url)
    assert code == 0 and inventory.exists()
    assert first[0]["inventory"]["revision"] == "0007" and "uri" in first[0]["inventory"]
    # no earlier scan: everything found is new, compared with nothing
    news = of(first, "change")
    assert news and all(c["change"] == "new" and c["since_scan_id"] is None for c in news)
    assert {(c["location"]["dataset"], c["location"]["field"], c["entity_type"]) for c in news} == \
        {(f["location"]["dataset"], f["location"]["field"], f["entity_type"]) for f in of(first, "finding")
         if f["personal"]}
    assert first[-1]["record"] == "summary" and first[-1]["changes"] == {"new": len(news)}

    # a column with phone numbers added, a table dropped, a column renamed
    estate.sql("alter table leverandor add column mobil text; drop table gammel_kunde;"
               "alter table kunde rename column epost to e_post;")
    estate.sql("update leverandor set mobil = ? where id = ?", [(p, i) for i, p in enumerate(estate.phones)])
    code, second, out = scan_cli(estate.url)
    assert code == 0
    expected = {
        ("new", "leverandor", "mobil", "NO_PHONE_NUMBER"),
        ("new", "kunde", "e_post", "EMAIL_ADDRESS"),
        ("gone", "kunde", "epost", "EMAIL_ADDRESS"),
        ("gone", "gammel_kunde", "personnr", "NO_FODSELSNUMMER"),
    }
    assert changes_of(second) == expected
    assert all(c["since_scan_id"] == first[0]["scan_id"] for c in of(second, "change"))
    assert second[-1]["changes"] == {"gone": 2, "new": 2}
    assert "Changes since the previous scan" in out and "leverandor.mobil" in out
    # change records come before the summary, which stays last
    assert [r["record"] for r in second[-3:]][-1] == "summary" and second[-2]["record"] == "change"

    # `inventory diff` shows the same, for the latest scan and for --since the first
    code, text = invoke("inventory", "diff", "--json")
    assert code == 0
    diffed = [json.loads(line) for line in text.splitlines()]
    assert diffed == of(second, "change")
    code, text = invoke("inventory", "diff", "--since", first[0]["scan_id"][:8], "--scan", second[0]["scan_id"])
    assert code == 0 and "leverandor.mobil" in text and "gammel_kunde.personnr" in text
    # a third scan of the unchanged estate: no changes
    code, third, out = scan_cli(estate.url)
    assert [(c["change"], c["location"]["field"], c["entity_type"], c["since_scan_id"][:8])
            for c in of(third, "change")] == []
    assert third[-1]["changes"] == {} and "No changes since" in out
    code, text = invoke("inventory", "diff", "--since", "nope")
    assert code == 2 and "no scan 'nope'" in text

    # the inventory: the renamed column's old name and the dropped table are gone, with history
    store = Store.open(str(inventory))
    try:
        with store.session() as s:
            assert [sc.status for sc in s.scalars(sa.select(Scan))] == ["completed"] * 3
            gone = {(f.location_id, f.entity_type) for f in s.scalars(sa.select(Finding).where(Finding.status == "gone"))}
            assert len(gone) == 2
            assert s.scalar(sa.select(sa.func.count()).select_from(Observation)) == sum(
                len(of(r, "finding")) for r in (first, second, third))
    finally:
        store.dispose()


def test_a_false_positive_stays_suppressed_until_the_evidence_changes(estate, inventory):
    only = ("--include", "main.henvendelse", "--fail-on-findings=any")
    code, first, _ = scan_cli(estate.url, *only)
    assert code == 1  # e-mail addresses in free text
    assert {f["entity_type"] for f in of(first, "finding")} == {"EMAIL_ADDRESS"}

    code, out = invoke("inventory", "review", "main.henvendelse.tekst", "--false-positive",
                       "--note", "driftsadresser, ikke kunder", "--by", "kari.analytiker")
    assert code == 0 and "recorded as a false positive by kari.analytiker" in out
    code, again, out = scan_cli(estate.url, *only)
    assert code == 0  # suppressed: not a reason to fail
    (f,) = of(again, "finding")
    assert f["review"]["state"] == "suppressed" and f["review"]["decision"] == "false_positive"
    assert f["review"]["who"] == "kari.analytiker" and f["review"]["note"] == "driftsadresser, ikke kunder"
    assert again[-1]["suppressed"] == 1 and "1 suppressed as reviewed false positives" in out
    code, text = invoke("inventory", "list", "--json")
    assert all(r["location"] != "main.henvendelse.tekst" for r in json.loads(text))
    code, text = invoke("inventory", "list", "--json", "--suppressed")
    assert any(r["location"] == "main.henvendelse.tekst" for r in json.loads(text))

    # a new entity type at the location: it comes back, flagged
    estate.sql("update henvendelse set tekst = tekst || ' kunde med fnr ' || ? where id = ?",
               [(fnr, i) for i, fnr in enumerate(estate.fnrs) if i % 3 == 1])
    code, back, out = scan_cli(estate.url, *only)
    assert code == 1
    marks = {f["entity_type"]: f["review"] for f in of(back, "finding")}
    assert set(marks) == {"EMAIL_ADDRESS", "NO_FODSELSNUMMER"}
    assert all(m["state"] == "reopened" and m["reasons"] == ["new entity type NO_FODSELSNUMMER"]
               for m in marks.values())
    assert "reopened: new entity type NO_FODSELSNUMMER" in out


def test_a_review_of_one_entity_type_comes_back_when_its_hit_ratio_jumps(estate, inventory):
    code, first, _ = scan_cli(estate.url)
    notes = [f for f in of(first, "finding") if f["location"]["field"] == "notat"]
    assert [(f["entity_type"], f["hits"]) for f in notes] == [("EMAIL_ADDRESS", 3)]
    uri = notes[0]["location"]["uri"]
    code, out = invoke("inventory", "review", uri, "--false-positive", "--entity-type", "EMAIL_ADDRESS")
    assert code == 0
    code, out = invoke("inventory", "review", uri, "--confirm", "--entity-type", "PERSON")
    assert code == 2 and "no PERSON finding" in out
    code, second, _ = scan_cli(estate.url)
    assert [f["review"]["state"] for f in of(second, "finding") if f["location"]["field"] == "notat"] == ["suppressed"]
    # a confirmed location is marked so
    assert invoke("inventory", "review", "main.kunde.fnr", "--confirm")[0] == 0
    estate.sql("update kunde set notat = ? where id = ?",
               [(f"Ring kunden tilbake, svar sendt til kunde{i}@example.no", i) for i in range(30)])
    code, third, _ = scan_cli(estate.url)
    by_field = {f["location"]["field"]: f for f in of(third, "finding")}
    assert by_field["notat"]["review"]["state"] == "reopened"
    assert by_field["notat"]["review"]["reasons"] == ["EMAIL_ADDRESS hit ratio rose from 5% to 50%"]
    assert by_field["fnr"]["review"]["state"] == "confirmed"


@pytest.mark.parametrize("args, message", [
    (("main.kunde.nope", "--confirm"), "no location 'main.kunde.nope'"),
    (("main.kunde.fnr",), "give --false-positive or --confirm"),
])
def test_review_errors(estate, inventory, args, message):
    scan_cli(estate.url)
    code, out = invoke("inventory", "review", *args)
    assert code == 2 and message in out


def test_exports_read_back(estate, inventory, tmp_path):
    from openpyxl import load_workbook

    scan_cli(estate.url)
    declared = tmp_path / "declared.toml"
    declared.write_text("""
[sources."kunder.db"]
system = "Kundesystem"
owner = "Nettselskapet AS"
role = "processor"
purpose = "Fakturering og kundeservice"
legal_basis = "GDPR art. 6(1)(b)"
data_subjects = ["kunder"]
categories = ["identity", "contact", "metering"]
retention = "10 år"
environment = "production"

[sources.lonn]
system = "Lønn"
owner = "Nettselskapet AS"
role = "controller"
categories = ["identity", "financial"]
""", encoding="utf-8")
    assert invoke("inventory", "declare", "--file", str(declared))[0] == 0
    code, out = invoke("inventory", "declare", "kunder.db", "--environment", "prod")
    assert code == 2 and "'prod' is not one of" in out

    xlsx, art30_csv, jsonl = tmp_path / "inv.xlsx", tmp_path / "art30.csv", tmp_path / "inv.jsonl"
    assert invoke("inventory", "export", "--format", "xlsx", "-o", str(xlsx))[0] == 0
    assert invoke("inventory", "export", "--format", "csv", "--view", "art30", "--delimiter", ";",
                  "-o", str(art30_csv))[0] == 0
    assert invoke("inventory", "export", "--format", "jsonl", "-o", str(jsonl))[0] == 0
    code, text = invoke("inventory", "list", "--json")
    listed = json.loads(text)

    # JSON Lines: valid against the published schema, no raw value
    validator = jsonschema.Draft202012Validator(INVENTORY_SCHEMA, format_checker=jsonschema.FormatChecker())
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        validator.validate(line)
    assert lines[0]["record"] == "inventory"
    exported = {(r["location"], r["entity_type"]) for r in lines if r["record"] == "finding" and r["personal"]}
    assert exported == {(r["location"], r["entity_type"]) for r in listed} and len(exported) > 5
    # the export also holds what is not personal data (organisation numbers), marked so
    assert any(r["record"] == "finding" and not r["personal"] for r in lines)
    raw = jsonl.read_text(encoding="utf-8")
    assert not any(v in raw for v in estate.fnrs)

    # XLSX: every sheet, the findings equal the list, a formula-like name stays text, gaps filled
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Art. 30", "Findings", "Links", "Retention", "Sources", "Scans", "History"]
    head, *rows = list(wb["Findings"].iter_rows(values_only=True))
    assert head[:3] == ("Source", "System", "Owner")
    got = {(r[head.index("Location")], r[head.index("Entity type")]) for r in rows if r[head.index("Personal")] == "yes"}
    assert got == {(r["location"], r["entity_type"]) for r in listed}
    formula_cells = [c for row in wb["Findings"].iter_rows() for c in row
                     if isinstance(c.value, str) and c.value.startswith("=")]
    assert formula_cells == [] or all(c.data_type == "s" for c in formula_cells)
    assert any(isinstance(r[head.index("Field")], str) and r[head.index("Field")] == FORMULA for r in rows)
    art = wb["Art. 30"]
    ahead, *arows = list(art.iter_rows(values_only=True))
    by_system = {r[ahead.index("System")]: dict(zip(ahead, r)) for r in arows}
    kunde, lonn = by_system["Kundesystem"], by_system["Lønn"]
    assert kunde["Controller"] == "Nettselskapet AS" and kunde["Our role"] == "processor"
    assert kunde["Categories declared"] == "contact; identity; metering"
    assert kunde["Categories found"] == "contact; identity"
    assert kunde["Declared, not found"] == "metering" and kunde["Found, not declared"] in (None, "")
    assert "declared, not found: metering" in kunde["Gaps"]
    assert "declared, never scanned" in lonn["Gaps"]
    gap_col = ahead.index("Gaps") + 1
    kunde_row = next(i for i, r in enumerate(arows, start=2) if r[ahead.index("System")] == "Kundesystem")
    assert art.cell(row=kunde_row, column=gap_col).fill.start_color.rgb == "FFF4B6B6"
    assert art.cell(row=1, column=1).font.bold and art.freeze_panes == "A2"

    # CSV: the same Art. 30 rows, ';'-separated, with a BOM for Excel
    assert art30_csv.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(art30_csv, encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh, delimiter=";"))
    assert [r["System"] for r in csv_rows] == [r[ahead.index("System")] for r in arows]
    assert csv_rows[[r["System"] for r in csv_rows].index("Kundesystem")]["Gaps"] == kunde["Gaps"]


def test_findings_csv_defuses_formulas(estate, inventory, tmp_path):
    scan_cli(estate.url)
    out = tmp_path / "findings.csv"
    assert invoke("inventory", "export", "--format", "csv", "-o", str(out))[0] == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "'" + FORMULA in {r["Field"] for r in rows}
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())


def test_undeclared_personal_data_is_a_gap(estate, inventory):
    scan_cli(estate.url)
    code, text = invoke("inventory", "export", "--format", "jsonl", "-o", "-")
    art = [json.loads(line) for line in text.splitlines() if '"record":"art30"' in line]
    assert [(a["controller"], a["system"], a["gaps"]) for a in art] == [
        ("(not declared)", "kunder.db", ["personal data found, processing not declared"])]


def test_the_inventory_cannot_be_opened(estate):
    """A scan whose inventory cannot be opened writes nothing: the output could not be written (5)."""
    result = CliRunner().invoke(cli, ["scan", estate.url, "-o", "-", "--inventory",
                                      "postgresql://skanner:hemmelig@127.0.0.1:1/inventar"])
    assert result.exit_code == 5
    assert "cannot open the inventory postgresql://skanner:***@127.0.0.1:1/inventar" in result.output
    assert "hemmelig" not in result.output


def test_no_inventory(estate, inventory):
    code, lines, _ = scan_cli(estate.url, "--no-inventory")
    assert code == 0 and not inventory.exists()
    assert "inventory" not in lines[0] and "changes" not in lines[-1] and of(lines, "change") == []


def test_an_inventory_that_fails_mid_scan_loses_no_report(estate, tmp_path, engine):
    """The inventory's tables vanish during the scan: the report is whole, the scan ends with an
    error record for the inventory and exit code 5 (an output could not be written)."""
    from scanner.model.progress import Progress
    from scanner.scan.run import scan
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source
    from tests.reporting import report

    store = Store.open(str(tmp_path / "inv.sqlite"), batch_size=1)

    class Sabotage(Progress):
        def unit_done(self, unit, label=None):
            with store.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS observations"))

    from reports.jsonl import JsonlWriter

    out = tmp_path / "report.jsonl"
    writer = JsonlWriter(str(out))
    try:
        outcome = scan([Source(estate.url, "kunder")], ScanSettings(sample_size=100), [writer], engine=engine,
                       progress=Sabotage(), inventory=store)
    finally:
        writer.close()
        store.dispose()
    lines = report(out)
    assert outcome.exit_code == 5
    (err,) = of(lines, "error")
    assert err["source"]["name"] == "inventory" and "observations" in err["error"]["message"]
    assert len(of(lines, "dataset")) == 4 and of(lines, "finding")
    assert lines[-1]["record"] == "summary" and lines[-1]["exit_code"] == 5


def _kartlegg() -> str:
    return str(Path(sys.executable).with_name("kartlegg"))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_scanner_processes_write_one_inventory(backend, tmp_path, request):
    """Two `kartlegg scan` processes at once into one inventory, one of them scanning a source
    the other scans too: both scans complete, every observation is kept, and each finding ends
    with the scan that started later."""
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        server.create_database("inv_two_processes")
        url = server.url(database="inv_two_processes")
    else:
        url = str(tmp_path / "shared.sqlite")
    a = KundeDb(tmp_path / "kunder.db", seed=1)
    b = KundeDb(tmp_path / "andre.db", seed=2)
    env = {**os.environ, "KARTLEGG_INVENTORY": url}
    procs = [subprocess.Popen([_kartlegg(), "scan", a.url, "-o", str(tmp_path / "a.jsonl")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT),
             subprocess.Popen([_kartlegg(), "scan", a.url, b.url, "-o", str(tmp_path / "b.jsonl")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    from tests.reporting import report

    ra, rb = report(tmp_path / "a.jsonl"), report(tmp_path / "b.jsonl")
    store = Store.open(url)
    try:
        with store.session() as s:
            assert {sc.id: sc.status for sc in s.scalars(sa.select(Scan))} == {
                ra[0]["scan_id"]: "completed", rb[0]["scan_id"]: "completed"}
            assert s.scalar(sa.select(sa.func.count()).select_from(Observation)) == \
                len(of(ra, "finding")) + len(of(rb, "finding"))
            later = max((ra[0], rb[0]), key=lambda h: h["started_at"])["scan_id"]
            kunder = s.execute(sa.text("select f.last_scan_id from findings f join locations l on l.id = f.location_id "
                                       "join sources s on s.id = l.source_id where s.name = 'kunder.db'")).scalars().all()
            assert kunder and set(kunder) == {later}
            assert s.execute(sa.text("select count(*) from sources")).scalar() == 2
    finally:
        store.dispose()


def test_narrowed_scans_are_not_what_a_full_scan_is_compared_with(estate, inventory):
    """A scan of one table, or with one detector, in between two full scans: it turns nothing it
    did not look at gone, and the next full scan is compared with the last full look."""
    code, first, _ = scan_cli(estate.url)
    fnr = ("main", "kunde", "fnr")
    code, narrow, _ = scan_cli(estate.url, "--include", "main.kunde")
    assert code == 0 and of(narrow, "change") == []
    code, emails_only, _ = scan_cli(estate.url, "-d", "email_address")
    assert code == 0 and of(emails_only, "change") == []  # the fødselsnumre were not looked for: not gone
    code, text = invoke("inventory", "list", "--json")
    assert any((r["container"], r["dataset"], r["field"]) == fnr and r["status"] == "present"
               for r in json.loads(text))
    code, full, _ = scan_cli(estate.url)
    assert of(full, "change") == [] and full[-1]["changes"] == {}
    # and a real change after all that is still seen, against the last full scan
    estate.sql("alter table kunde drop column fnr")
    code, after, _ = scan_cli(estate.url)
    assert changes_of(after) == {("gone", "kunde", "fnr", "NO_FODSELSNUMMER")}
    assert of(after, "change")[0]["since_scan_id"] == full[0]["scan_id"]


def test_fail_on_findings_of_a_category_that_is_not_personal(estate, inventory):
    code, lines, _ = scan_cli(estate.url, "--fail-on-findings=organisation")
    assert code == 1
    assert any(f["entity_type"] == "NO_ORGANIZATION_NUMBER" and not f["personal"] for f in of(lines, "finding"))


def test_two_sources_of_one_name_are_not_merged(tmp_path, inventory):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = KundeDb(tmp_path / "a" / "kunder.db", seed=1), KundeDb(tmp_path / "b" / "kunder.db", seed=2)
    assert scan_cli(a.url)[0] == 0
    result = CliRunner().invoke(cli, ["scan", b.url, "-o", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2
    assert "the inventory's source 'kunder.db' is sqlite:///" + str(tmp_path / "a" / "kunder.db") in result.output
    assert "NAME=URL" in result.output
    code, lines, _ = scan_cli("kunder-b=" + b.url)
    assert code == 0 and lines[0]["sources"][0]["name"] == "kunder-b"
    assert all(c["change"] == "new" for c in of(lines, "change"))  # a source of its own
    # the same file by a relative path from its directory is the same source
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path / "a")
    try:
        code, again, _ = scan_cli("sqlite:///kunder.db")
    finally:
        os.chdir(cwd)
    assert code == 0 and of(again, "change") == []
    code, out = invoke("inventory", "scans", "--json")
    assert len(json.loads(out)) == 3


def test_a_declared_source_that_never_connected_is_never_scanned(estate, inventory, tmp_path):
    scan_cli(estate.url)
    code, _ = invoke("scan", "lonn=sqlite:///" + str(tmp_path / "finnes-ikke" / "lonn.db"))
    assert code == 2  # no such file: a usage error, nothing scanned or recorded
    assert invoke("inventory", "declare", "lonn", "--owner", "Nettselskapet AS", "--role", "controller",
                  "--categories", "identity,financial")[0] == 0
    code, text = invoke("inventory", "export", "--format", "jsonl", "-o", "-")
    art = {a["system"]: a for a in map(json.loads, text.splitlines()) if a["record"] == "art30"}
    assert "declared, never scanned" in art["lonn"]["gaps"] and art["lonn"]["declared_not_found"] == []


def test_an_inventory_password_with_reserved_characters(estate, postgres_server, tmp_path):
    """A password that must be %-encoded in the URL works, and is never printed, either way."""
    import sqlalchemy as sa

    password = "p@ss%w:rd/x"
    postgres_server.execute(f"CREATE ROLE inventar LOGIN PASSWORD '{password}'")
    postgres_server.execute("CREATE DATABASE inv_password OWNER inventar")
    url = sa.URL.create("postgresql+psycopg2", "inventar", password, "127.0.0.1", postgres_server.port,
                        "inv_password").render_as_string(hide_password=False)
    assert "%25" in url
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(cli, ["scan", estate.url, "-o", str(out), "--inventory", url])
    assert result.exit_code == 0, result.output
    text = out.read_text() + result.output
    assert "inventar:***@" in json.loads(out.read_text().splitlines()[0])["inventory"]["uri"]
    assert password not in text and "p%40ss%25w" not in text
    code, shown = invoke("inventory", "upgrade", "--inventory", url)
    assert code == 0 and "inventar:***@" in shown and password not in shown and "%25" not in shown
    bad = url.replace("%25w", "%25W")  # a wrong password: the error names the inventory, masked
    result = CliRunner().invoke(cli, ["inventory", "scans", "--inventory", bad])
    assert result.exit_code == 2 and "cannot open the inventory" in result.output
    assert "p@ss" not in result.output and "%40ss" not in result.output


def test_an_interrupted_scan_keeps_what_it_wrote_and_is_marked_failed(estate, tmp_path, engine):
    from scanner.model.progress import Progress
    from scanner.scan.run import scan
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source

    store = Store.open(str(tmp_path / "inv.sqlite"), batch_size=1)

    class CtrlC(Progress):
        def unit_done(self, unit, label=None):
            raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            scan([Source(estate.url, "kunder")], ScanSettings(sample_size=100), [], engine=engine, progress=CtrlC(),
                 inventory=store)
        with store.session() as s:
            (sc,) = s.scalars(sa.select(Scan)).all()
            assert sc.status == "failed" and sc.finished_at is not None
            assert s.scalar(sa.select(sa.func.count()).select_from(Observation)) > 0
    finally:
        store.dispose()


# -- names that hold personal data -------------------------------------------------------------------
def test_a_masked_location_is_found_and_its_real_names_shown_only_with_the_key(tmp_path, monkeypatch):
    """A table named after a person and a column named by a fødselsnummer are masked and tagged in
    the inventory; `inventory show` opens the real names with this installation's key, and says
    it cannot with another's."""
    rnd = random.Random(11)
    fnr = synthetic.fodselsnummer(rnd)
    db = tmp_path / "navn.db"
    con = sqlite3.connect(db)
    con.execute(f'create table "Kari Nordmann" (id integer primary key, "kunde_{fnr}" text, epost text)')
    con.executemany('insert into "Kari Nordmann" values (?,?,?)',
                    [(i, synthetic.fodselsnummer(rnd), f"kunde{i}@example.no") for i in range(30)])
    con.commit()
    con.close()
    inv = str(tmp_path / "inv.sqlite")
    code, lines, _ = scan_cli(f"sqlite:///{db}", "--inventory", inv)
    assert code == 0
    where = next(r["location"] for r in of(lines, "finding") if r["entity_type"] == "NO_FODSELSNUMMER")
    assert "Kari" not in json.dumps(lines) and fnr not in json.dumps(lines)
    assert "~" in where["dataset"] and "~" in where["field"] and where["sealed"].startswith("v1:")
    code, out = invoke("inventory", "show", where["uri"], "--inventory", inv)
    assert code == 0 and f"main.Kari Nordmann.kunde_{fnr}" in out and "NO_FODSELSNUMMER" in out
    code, out = invoke("inventory", "show", where["uri"], "--inventory", inv, "--json")
    shown = json.loads(out)[0]
    assert shown["real"] == {"container": "main", "dataset": "Kari Nordmann", "field": f"kunde_{fnr}"}
    other = tmp_path / "other.key"
    other.write_text("ab" * 32)
    other.chmod(0o600)
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(other))
    code, out = invoke("inventory", "show", where["uri"], "--inventory", inv)
    assert code == 0 and "cannot be opened here" in out and "Kari" not in out and fnr not in out
    code, out = invoke("inventory", "show", "main.nothing.here", "--inventory", inv)
    assert code == 2 and "no location" in out


@pytest.mark.parametrize("key_text, problem", [("", "is empty"), ("abcd", "holds 2 bytes"), ("x" * 64, "not a hex")])
def test_a_scan_with_a_key_that_would_not_protect_stops_before_reading(tmp_path, monkeypatch, key_text, problem):
    key = tmp_path / "bad.key"
    key.write_text(key_text)
    monkeypatch.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(key))
    db = KundeDb(tmp_path / "k.db")
    out = tmp_path / "r.jsonl"
    result = CliRunner().invoke(cli, ["scan", f"sqlite:///{db.path}", "-o", str(out)])
    assert result.exit_code == 2 and problem in result.output and not out.exists()
