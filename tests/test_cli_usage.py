"""A command line that cannot mean what it says is a usage error before any work (exit 2); a run
that could read nothing at all exits 6 and is not recorded as a scan; one spelling of a source
is the same source as another; secrets are masked without masking letters of words."""

from __future__ import annotations

import json
import socket
import sqlite3

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scanner.cli.main import cli
from scanner.inventory.models import Scan
from scanner.inventory.models import Source as SourceRow
from scanner.inventory.store import Store
from scanner.model.redact import Redactor, scrub


@pytest.fixture
def fnr_csv(tmp_path):
    import random

    from detectors import synthetic

    rnd = random.Random(21)
    path = tmp_path / "kunder.csv"
    rows = "\n".join(f"Ola Nordmann,{synthetic.fodselsnummer(rnd)}" for _ in range(20))
    path.write_text("navn,fodselsnummer\n" + rows + "\n", encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["scan", *args], catch_exceptions=False)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again: nothing listens there


def scans_in(inventory) -> list[str]:
    store = Store.open(f"sqlite:///{inventory}")
    try:
        with store.session() as s:
            return list(s.execute(sa.select(Scan.status)).scalars())
    finally:
        store.dispose()


# -- --fail-on-findings ---------------------------------------------------------------------------
@pytest.mark.parametrize("value,code", [
    ("identity", 1), ("IDENTITY", 1), ("no_fodselsnummer", 1), ("NO_FODSELSNUMMER", 1), ("identity,contact", 1),
    ("any", 1), ("financial", 0), ("Financial,metering", 0),
])
def test_fail_on_findings_takes_categories_and_entity_types_in_either_case(fnr_csv, tmp_path, value, code):
    result = invoke(str(fnr_csv), f"--fail-on-findings={value}", "--no-inventory", "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == code, result.output


@pytest.mark.parametrize("value,said", [
    ("identiy", "unknown category or entity type 'identiy'"),
    ("bogus", "unknown category or entity type 'bogus'"),
    ("identity,bogus", "unknown category or entity type 'bogus'"),
    ("", "an empty category"),
    ("identity,,", "an empty category"),
    ("/srv/data", "is a path or URL"),
    ("postgresql://h/db", "is a path or URL"),
])
def test_an_unknown_fail_on_value_is_a_usage_error_before_any_work(fnr_csv, tmp_path, value, said):
    out = tmp_path / "r.jsonl"
    inventory = tmp_path / "inv.sqlite"
    result = invoke(str(fnr_csv), f"--fail-on-findings={value}", "--inventory", str(inventory), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert said in result.output
    if said.startswith("unknown"):  # the valid ones are listed
        assert "identity" in result.output and "NO_FODSELSNUMMER" in result.output
    assert not out.exists() and not inventory.exists()


def test_fail_on_findings_does_not_swallow_a_path(fnr_csv, tmp_path):
    # `--fail-on-findings FILE` took the file as its value: said so, not "nothing to scan"
    result = invoke("--fail-on-findings", str(fnr_csv), "--no-inventory", "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2
    assert "--fail-on-findings=CATEGORIES" in result.output and "after the sources" in result.output
    assert "nothing to scan" not in result.output
    # a file name in the working directory, without a slash, is still a path
    result = CliRunner().invoke(cli, ["scan", "--fail-on-findings", "kunder.csv", "--no-inventory"])
    assert result.exit_code == 2 and "path or URL" in result.output
    # after the sources the flag alone means any personal data
    result = invoke(str(fnr_csv), "--no-inventory", "-o", str(tmp_path / "r.jsonl"), "--fail-on-findings")
    assert result.exit_code == 1, result.output


def test_a_configuration_files_fail_on_findings_is_checked_too(fnr_csv, tmp_path):
    config = tmp_path / "k.yaml"
    config.write_text(f"sources:\n  - path: {fnr_csv}\nscan:\n  fail_on_findings: [identiy]\n"
                      "inventory:\n  enabled: false\n", encoding="utf-8")
    result = invoke("--config", str(config), "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 2 and "identiy" in result.output
    config.write_text(f"sources:\n  - path: {fnr_csv}\nscan:\n  fail_on_findings: [IDENTITY]\n"
                      "inventory:\n  enabled: false\n", encoding="utf-8")
    assert invoke("--config", str(config), "-o", str(tmp_path / "r.jsonl")).exit_code == 1


# -- paths that do not exist ----------------------------------------------------------------------
@pytest.mark.parametrize("spec", ["{tmp}/nope", "./nope-{n}", "file://{tmp}/nope", "sqlite:///{tmp}/nope.db",
                                  "journald://{tmp}/nope", "{tmp}/nope/*.csv", "navn=file://{tmp}/nope"])
def test_a_path_that_does_not_exist_is_a_usage_error_and_nothing_is_written(tmp_path, spec):
    url = spec.format(tmp=tmp_path, n=tmp_path.name)
    out, inventory = tmp_path / "r.jsonl", tmp_path / "inv.sqlite"
    result = invoke(url, "--inventory", str(inventory), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert "no such file or directory" in result.output and "nope" in result.output
    assert not out.exists() and not inventory.exists()


def test_a_glob_whose_directory_exists_is_not_a_usage_error(tmp_path, fnr_csv):
    result = invoke(f"{fnr_csv.parent}/*.csv", "--no-inventory", "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 0, result.output


# -- nothing could be read ------------------------------------------------------------------------
def test_a_run_that_reached_no_source_exits_6_and_is_not_recorded(tmp_path):
    out, inventory = tmp_path / "r.jsonl", tmp_path / "inv.sqlite"
    url = f"postgresql://skanner:p@127.0.0.1:{closed_port()}/kunder"
    result = invoke(url, "--inventory", str(inventory), "-o", str(out))
    assert result.exit_code == 6, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["record"] for r in lines] == ["scan", "error", "summary"]  # the report says what failed
    assert lines[-1]["exit_code"] == 6
    assert scans_in(inventory) == []  # no scan of nothing in the inventory
    assert "No changes since the previous scan" not in result.output
    store = Store.open(f"sqlite:///{inventory}")
    try:
        with store.session() as s:
            assert list(s.execute(sa.select(SourceRow.name)).scalars()) == []
    finally:
        store.dispose()


def test_one_source_read_and_one_unreachable_is_exit_3_and_recorded(tmp_path, fnr_csv):
    inventory = tmp_path / "inv.sqlite"
    url = f"postgresql://skanner:p@127.0.0.1:{closed_port()}/kunder"
    result = invoke(str(fnr_csv), url, "--inventory", str(inventory), "-o", str(tmp_path / "r.jsonl"),
                    )
    assert result.exit_code == 3, result.output
    assert scans_in(inventory) == ["incomplete"]


# -- one source whatever its URL's spelling ---------------------------------------------------------
def test_postgres_and_postgresql_are_the_same_source(postgres_server, tmp_path):
    pg = postgres_server
    db = "stavemaater"
    if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)):
        pg.create_database(db)
        pg.execute("CREATE TABLE kunde (id int primary key, epost text)", database=db)
        pg.execute("INSERT INTO kunde SELECT g, 'kunde' || g || '@example.no' FROM generate_series(1, 30) g",
                   database=db)
    inventory = tmp_path / "inv.sqlite"
    base = pg.url(database=db)  # postgresql+psycopg2://…
    seen = []
    for scheme in ("postgresql", "postgres", "postgresql+psycopg2", "POSTGRES"):
        url = scheme + "://" + base.split("://", 1)[1]
        out = tmp_path / f"{scheme}.jsonl"
        result = invoke(url, "--inventory", str(inventory), "-o", str(out))
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in out.read_text().splitlines()]
        assert pg.password not in out.read_text()
        seen.append((lines[0]["sources"][0]["name"], lines[0]["sources"][0]["uri"].split("://")[0]))
        if scheme == "postgres":  # the second spelling: nothing new, nothing gone
            assert [r for r in lines if r["record"] == "change"] == []
    assert {name for name, _ in seen} == {f"127.0.0.1/{db}"}
    assert seen[1][1] == "postgresql"  # the alias is spelt as the one name in the report
    assert scans_in(inventory) == ["completed"] * 4


# -- the console ------------------------------------------------------------------------------------
def test_the_not_scanned_table_heads_every_column(tmp_path):
    db = tmp_path / "k.db"
    con = sqlite3.connect(db)
    con.execute("create table t (a text)")
    con.execute("create view brutt as select nope from t")
    con.commit()
    con.close()
    result = invoke(f"sqlite:///{db}", "--views", "--no-inventory", "-o", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 3
    header = next(line for line in result.output.splitlines() if "source" in line and "reason" in line)
    cells = [c.strip() for c in header.strip().strip("┃").split("┃")]
    assert cells == ["source", "location", "outcome", "reason"]


def test_a_first_scan_that_failed_does_not_say_no_changes(tmp_path, fnr_csv):
    inventory = tmp_path / "inv.sqlite"
    url = f"postgresql://skanner:p@127.0.0.1:{closed_port()}/kunder"
    for args in ([url], [url, str(fnr_csv)]):
        result = invoke(*args, "--inventory", str(inventory), "-o", str(tmp_path / "r.jsonl"))
        assert "No changes since the previous scan" not in result.output, result.output


# -- secrets ----------------------------------------------------------------------------------------
MESSAGE = ('connection to server at "127.0.0.1", port 1 failed: Connection refused Is the server running '
           'on that host and accepting TCP/IP connections? dsn user=u password=p host=h u:p@h')


@pytest.mark.parametrize("mask", [lambda m, s: scrub(m, s), lambda m, s: Redactor(secrets=s).text(m, limit=None)])
def test_a_short_secret_is_masked_as_a_token_not_inside_words(mask):
    masked = mask(MESSAGE, ["p"])
    assert "port 1" in masked and "accepting" in masked and "***ort" not in masked
    assert "password=***" in masked and "u:***@h" in masked
    assert " p " not in masked and "=p " not in masked and ":p@" not in masked


@pytest.mark.parametrize("mask", [lambda m, s: scrub(m, s), lambda m, s: Redactor(secrets=s).text(m, limit=None)])
def test_a_long_secret_is_masked_wherever_it_stands(mask):
    masked = mask("login failed for skannerHemmelig-42x and Hemmelig-42", ["Hemmelig-42"])
    assert "Hemmelig-42" not in masked and masked.count("***") == 2


def test_a_one_letter_password_is_never_printed(tmp_path):
    out = tmp_path / "r.jsonl"
    result = invoke(f"postgresql://u:p@127.0.0.1:{closed_port()}/db", "--no-inventory", "-o", str(out))
    assert result.exit_code == 6
    for text in (result.output, out.read_text()):
        assert "***ort" not in text and "acce***ting" not in text and "port" in text
        assert "u:p@" not in text
    assert "u:***@" in out.read_text()


def test_validate_warns_of_a_configured_path_that_does_not_exist(tmp_path):
    """In a configuration a missing path fails its source at run time (an unmounted share must not
    stop the others); --validate says so before the night's run."""
    (tmp_path / "finnes").mkdir()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"version: 1\nsources:\n  - path: {tmp_path / 'borte'}\n  - path: {tmp_path / 'finnes'}\n"
                   "inventory:\n  enabled: false\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["scan", "--config", str(cfg), "--validate"])
    assert result.exit_code == 0, result.output
    assert f"no such file or directory: {tmp_path / 'borte'}" in result.stderr
    assert "finnes" not in result.stderr
