"""The leak oracle: nothing kartlegg finds leaves in the clear.

Canaries of every entity type are planted in cells, in every kind of name (schema, table,
column, directory, file, S3 key, sheet, zip member, JSON key, a headerless file's first row),
in column comments, in values a database error will quote, and as passwords in URLs — across
SQLite, PostgreSQL, MariaDB, files of every format and S3 (moto). Scans then run with every
output on: JSONL and HTML reports, SQLite and PostgreSQL inventories, every export format and
view, the inventory's HTML report and console views, `-vv` text and JSON logs, the stdout and
stderr of a scan with a failing source, and a Dask cluster's records and worker logs. Every
artifact is searched for every canary, raw and reformatted. Nothing may be found.

The oracle is shown to work: the same scan with the redaction layer switched off (by a
sitecustomize the test writes, so kartlegg itself has no such switch) must report leaks on each
channel — names, quoted database values, URL passwords.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from leak_oracle import Oracle, artifact_text

REPO = Path(__file__).parent.parent
KARTLEGG = [sys.executable, "-c", "from scanner.cli.main import main; main()"]
PG_DB, MY_DB = "lekkasje", "lekkasje"


# -- the estate ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def oracle(engine):
    o = Oracle()
    o.engine = engine
    return o


def _people_rows(o: Oracle, where: str, n: int = 1) -> list[dict]:
    e = o.engine
    return [{"navn": o.person(f"{where} cell navn", e), "fnr": o.fnr(f"{where} cell fnr"),
             "tlf": o.phone(f"{where} cell tlf"), "epost": o.email(f"{where} cell epost"),
             "adresse": o.street(f"{where} cell adresse"), "konto": o.account(f"{where} cell konto"),
             "iban": o.iban(f"{where} cell iban"), "malepunkt": o.meter(f"{where} cell malepunkt"),
             "kort": o.card(f"{where} cell kort"), "klient_ip": o.ip(f"{where} cell ip")} for _ in range(n)]


def _filler(n: int) -> list[dict]:
    """Plain rows beside the canaries, so columns are judged as columns are."""
    return [{"navn": "", "fnr": "", "tlf": "", "epost": "", "adresse": "", "konto": "", "iban": "", "malepunkt": "",
             "kort": "", "klient_ip": ""} for _ in range(n)]


def _csv(rows: list[dict], delimiter: str = ";", header: bool = True) -> str:
    cols = list(rows[0])
    lines = ([delimiter.join(cols)] if header else []) + [delimiter.join(str(r[c]) for c in cols) for r in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def share(oracle, tmp_path_factory):
    """A file share with canaries in cells and in every kind of name; its root is named plainly
    (the operator gives it, and it is the source's name)."""
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    o, e = oracle, oracle.engine
    root = tmp_path_factory.mktemp("leak") / "share"
    person_dir = root / "kunder" / o.person("directory name", e)
    person_dir.mkdir(parents=True)
    (person_dir / f"kunde_{o.fnr('file name fnr')}.csv").write_text(_csv(_people_rows(o, "csv", 3)), encoding="utf-8")
    # headerless: the first row is data and must not become column names
    rows = _people_rows(o, "headerless", 4)
    (root / "uten_overskrift.csv").write_text(_csv(rows, header=False), encoding="utf-8")
    (root / f"{o.email('file name email')}.txt").write_text(
        f"Hei, ring meg på {o.phone('text file phone')} eller skriv til {o.email('text file email')}.\n"
        f"Hilsen {o.person('text file person', e)}, {o.street('text file street')}\n", encoding="utf-8")
    keyed = {o.email("JSON key email"): {"tlf": o.phone("JSON keyed value")},
             o.phone("JSON key phone"): {"navn": o.person("JSON keyed person", e)}}
    (root / "api").mkdir()
    (root / "api" / "kontakter.json").write_text(json.dumps(keyed), encoding="utf-8")
    (root / "api" / "hendelser.jsonl").write_text(
        "\n".join(json.dumps({"kunde": r}) for r in _people_rows(o, "jsonl", 3)) + "\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = o.person("sheet name", e)[:31]
    rows = _people_rows(o, "xlsx", 3)
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
    wb.save(root / "rapport.xlsx")
    rows = _people_rows(o, "parquet", 3)
    table = pa.table({**{k: [r[k] for r in rows] for k in rows[0]}, o.email("parquet column name"): ["x"] * 3})
    pq.write_table(table, root / "eksport.parquet")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{o.phone('zip member name')}.csv", _csv(_people_rows(o, "zip", 2)))
    (root / "overforing.zip").write_bytes(buf.getvalue())
    (root / "dump.csv.gz").write_bytes(gzip.compress(_csv(_people_rows(o, "gzip", 2)).encode()))
    (root / "logs").mkdir()
    lines = [f'2024-05-0{i + 1}T10:00:00Z INFO innlogging bruker={o.email("log line email")} '
             f'ip={o.ip("log line ip")} tlf={o.phone("log line phone")} fnr={o.fnr("log line fnr")}'
             for i in range(3)]
    (root / "logs" / "app.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sqlite_db(oracle, tmp_path_factory):
    o, e = oracle, oracle.engine
    path = tmp_path_factory.mktemp("leak-sqlite") / "kunder.db"
    conn = sqlite3.connect(path)
    rows = _people_rows(o, "sqlite", 3) + _filler(2)
    table = f"kunde_{o.fnr('sqlite table name')}"
    person_col = o.person("sqlite column name", e)
    cols = list(rows[0])
    conn.execute(f'CREATE TABLE "{table}" ({", ".join(f"{c} TEXT" for c in cols)}, "{person_col}" TEXT, data TEXT)')
    for r in rows:
        conn.execute(f'INSERT INTO "{table}" VALUES ({", ".join("?" * (len(cols) + 2))})',
                     [*r.values(), "ja", json.dumps({o.phone("sqlite JSON key"): {"epost": o.email("sqlite JSON value")}})])
    other = o.person("sqlite table name person", e)
    conn.execute(f'CREATE TABLE "{other}" (notat TEXT)')
    conn.execute(f'INSERT INTO "{other}" VALUES (?)', ("Kunden ringte om avtalen.",))
    conn.commit()
    conn.close()
    return path


@pytest.fixture(scope="module")
def pg_estate(oracle, postgres_server):
    """Canaries in schema, table and column names, comments, cells, and in values the views
    below make PostgreSQL quote in its errors; a read-only role whose password is a canary."""
    o, e, pg = oracle, oracle.engine, postgres_server
    pg.create_database(PG_DB)
    schema = o.person("postgres schema name", e)
    table = f"kunde_{o.phone('postgres table name')}"
    email_col = o.email("postgres column name")
    rows = _people_rows(o, "postgres", 3) + _filler(2)
    cols = list(rows[0])
    quoted = f'"{schema}"."{table}"'
    stmts = [f'CREATE SCHEMA "{schema}"',
             f'CREATE TABLE {quoted} ({", ".join(f"{c} text" for c in cols)}, "{email_col}" text, nbsp text)',
             f"COMMENT ON COLUMN {quoted}.navn IS 'Kontakt {o.person('postgres column comment', e)}, "
             f"tlf {o.phone('postgres column comment phone')}'",
             f"COMMENT ON TABLE {quoted} IS 'Eier {o.person('postgres table comment', e)}'"]
    for r in rows:
        values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in r.values())
        phone = o.phone("postgres error value nbsp") if r["navn"] else ""
        spaced = "\u00a0".join((phone[:2], phone[2:4], phone[4:6], phone[6:])) if phone else ""
        stmts.append(f"INSERT INTO {quoted} VALUES ({values}, 'x', 'tlf {spaced}')")
    # views whose reading fails with the offending value quoted in the error message
    stmts += [f'CREATE VIEW "{schema}".feil_navn AS SELECT navn::int AS n FROM {quoted} WHERE navn <> \'\'',
              f'CREATE VIEW "{schema}".feil_fnr AS SELECT (fnr || \'_\')::bigint AS n FROM {quoted} WHERE fnr <> \'\'',
              f'CREATE VIEW "{schema}".feil_nbsp AS SELECT nbsp::int AS n FROM {quoted} WHERE nbsp <> \'tlf \'',
              f'CREATE VIEW "{schema}".feil_epost AS SELECT epost::inet AS n FROM {quoted} WHERE epost <> \'\'']
    for s in stmts:
        pg.execute(s, database=PG_DB)
    password = o.password("postgres password (query string)")
    pg.create_readonly_role("lekkasje_leser", password, PG_DB)
    base = sa.URL.create("postgresql", "lekkasje_leser", None, "127.0.0.1", pg.port, PG_DB)
    good = base.render_as_string(hide_password=False) + f"?password={password}&application_name=kartlegg"
    bad = sa.URL.create("postgresql", "lekkasje_leser", o.password("postgres wrong password (userinfo)"),
                        "127.0.0.1", pg.port, PG_DB).render_as_string(hide_password=False)
    return {"good": good, "bad": bad}


@pytest.fixture(scope="module")
def mariadb_estate(oracle, mariadb_server):
    o, e, my = oracle, oracle.engine, mariadb_server
    my.create_database(MY_DB)
    table = o.person("mariadb table name", e)
    fnr_col = f"kunde_{o.fnr('mariadb column name')}"
    rows = _people_rows(o, "mariadb", 3) + _filler(2)
    cols = list(rows[0])
    comment = f"Ansvarlig {o.person('mariadb column comment', e)}"
    my.execute(f"CREATE TABLE `{table}` ({', '.join(f'`{c}` TEXT' for c in cols)}, "
               f"`{fnr_col}` TEXT COMMENT '{comment}')", database=MY_DB)
    for r in rows:
        my.execute(f"INSERT INTO `{table}` VALUES ({', '.join(['%s'] * (len(cols) + 1))})",
                   [*r.values(), r["fnr"]], database=MY_DB)
    password = o.password("mariadb password (userinfo)")
    my.create_readonly_user("lekkasje_leser", password, MY_DB)
    return sa.URL.create("mysql+pymysql", "lekkasje_leser", password, "127.0.0.1", my.port, MY_DB,
                         query={"charset": "utf8mb4"}).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def s3_estate(oracle, moto_server):
    o, e = oracle, oracle.engine
    bucket = "lekkasje-test"
    s3 = moto_server.create_bucket(bucket)
    person = o.person("s3 key directory", e)
    s3.put_object(Bucket=bucket, Key=f"kunder/{person}/eksport_{o.fnr('s3 key fnr')}.csv",
                  Body=_csv(_people_rows(o, "s3 csv", 3)).encode())
    s3.put_object(Bucket=bucket, Key=f"logger/{o.email('s3 key email')}.jsonl",
                  Body=("\n".join(json.dumps(r) for r in _people_rows(o, "s3 jsonl", 2)) + "\n").encode())
    return f"s3://{bucket}"


@pytest.fixture(scope="module")
def sources(share, sqlite_db, pg_estate, mariadb_estate, s3_estate):
    return [f"share=file://{share}", f"kunder-db=sqlite:///{sqlite_db}", f"pg={pg_estate['good']}",
            f"pg-feil={pg_estate['bad']}", f"maria={mariadb_estate}", f"s3-data={s3_estate}"]


# -- running kartlegg --------------------------------------------------------------------------------
def _run(args: list[str], cwd: Path, env: dict, name: str, artifacts: dict, timeout: float = 600) -> int:
    done = subprocess.run([*KARTLEGG, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    artifacts[f"{name} stdout"] = done.stdout
    artifacts[f"{name} stderr"] = done.stderr
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.returncode


def _env(aws_env, extra_path: str | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (extra_path, str(REPO)) if p),
           "COLUMNS": "250"}
    env.pop("KARTLEGG_INVENTORY", None)
    return env


def _files(directory: Path, artifacts: dict) -> None:
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            artifacts[str(path.relative_to(directory))] = artifact_text(path)


def _scans_with_every_output(sources, work: Path, env: dict, endpoint: str, pg_inventory: str | None,
                             artifacts: dict) -> None:
    common = ["--views", "--workers", "2", "--endpoint-url", endpoint, "--sample-size", "50"]
    inv = str(work / "inventory.sqlite")
    rc = _run(["scan", *sources, *common, "-o", "report1.jsonl", "--html", "report1.html", "--inventory", inv, "-vv"],
              work, env, "scan 1 (-vv text)", artifacts)
    assert rc == 3  # the source with the wrong password, and the views that fail
    rc = _run(["scan", *sources, *common, "-o", "report2.jsonl", "--html", "report2.html", "--inventory", inv,
               "--incremental", "-vv", "--log-format", "json"], work, env, "scan 2 (incremental, -vv json)", artifacts)
    assert rc == 3
    if pg_inventory:
        _run(["scan", *sources, *common, "-o", "report3.jsonl", "--inventory", pg_inventory, "-v"],
             work, env, "scan 3 (PostgreSQL inventory)", artifacts)
    for fmt, out in (("xlsx", "inventory.xlsx"), ("jsonl", "inventory.jsonl")):
        assert _run(["inventory", "export", "--format", fmt, "-o", out, "--inventory", inv], work, env,
                    f"export {fmt}", artifacts) == 0
    for view in ("findings", "art30", "sources", "scans", "history"):
        assert _run(["inventory", "export", "--format", "csv", "--view", view, "-o", f"{view}.csv", "--all",
                     "--inventory", inv], work, env, f"export csv {view}", artifacts) == 0
    assert _run(["report", "--inventory", inv, "-o", "inventory.html"], work, env, "inventory html", artifacts) == 0
    assert _run(["report", "report1.jsonl", "-o", "report1-again.html"], work, env, "report html", artifacts) == 0
    # the customer's report: in Norwegian (reasons translated, entity types in words) and as a PDF
    assert _run(["report", "report1.jsonl", "--lang", "nb", "-o", "rapport.html", "--pdf", "rapport.pdf"], work, env,
                "report nb + pdf", artifacts) == 0
    assert _run(["report", "--inventory", inv, "--lang", "nb", "-o", "register.html"], work, env, "inventory html nb",
                artifacts) == 0
    # -q still says every failure on stderr
    rc = _run(["scan", *sources, *common, "-o", "report-q.jsonl", "--no-inventory", "-q"], work, env, "scan -q",
              artifacts)
    assert rc == 3 and "Exit code 3" in artifacts["scan -q stderr"]
    for args in (["list"], ["list", "--json", "--all"], ["diff"], ["scans"], ["diff", "--json"]):
        assert _run(["inventory", *args, "--inventory", inv], work, env, f"inventory {' '.join(args)}", artifacts) == 0


def _pg_dump(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = [r[0] for r in conn.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
            return "\n".join(repr(row) for t in tables for row in conn.execute(sa.text(f'SELECT * FROM "{t}"')))
    finally:
        engine.dispose()


def _assert_no_leaks(oracle: Oracle, artifacts: dict) -> None:
    found = oracle.search(artifacts)
    listed = "\n".join(f"  {label} ({kind}) in {where}: {hit!r}" for label, kind, where, hit in found[:40])
    assert not found, f"{len(found)} canaries leaked:\n{listed}"


# -- the proof -------------------------------------------------------------------------------------
def test_no_canary_leaves_in_any_artifact(oracle, sources, postgres_server, aws_env, tmp_path):
    postgres_server.create_database("lekkasje_inventar")
    pg_inventory = postgres_server.url(database="lekkasje_inventar")
    artifacts: dict[str, str] = {}
    _scans_with_every_output(sources, tmp_path, _env(aws_env), aws_env.endpoint, pg_inventory, artifacts)
    _files(tmp_path, artifacts)
    artifacts["PostgreSQL inventory"] = _pg_dump(pg_inventory)
    report = [json.loads(line) for line in (tmp_path / "report1.jsonl").read_text().splitlines()]
    kinds = {r["record"] for r in report}
    assert {"finding", "dataset", "error", "summary"} <= kinds
    # the planted values were found (the oracle looks where kartlegg looked)
    found = {r["entity_type"] for r in report if r["record"] == "finding"}
    assert {"NO_FODSELSNUMMER", "NO_PHONE_NUMBER", "EMAIL_ADDRESS", "PERSON", "NO_ADDRESS", "NO_BANK_ACCOUNT",
            "IBAN_CODE", "NO_METER_ID", "CREDIT_CARD", "IP_ADDRESS"} <= found
    # names and errors were met masked: tagged names, quoted values replaced
    uris = " ".join(r["location"]["uri"] for r in report if r.get("location"))
    assert uris.count("~") >= 5 and any("sealed" in r["location"] for r in report if r.get("location"))
    errors = " ".join(r["error"]["message"] for r in report if r["record"] == "error")
    assert "invalid input syntax" in errors and "<value>" in errors and "password authentication failed" in errors
    assert len(artifacts) > 35
    assert "Sammendrag" in artifacts["rapport.pdf"]  # the PDF is searched as its text, not its bytes
    _assert_no_leaks(oracle, artifacts)


def test_no_canary_leaves_a_dask_cluster(oracle, share, sqlite_db, pg_estate, tmp_path, engine):
    distributed = pytest.importorskip("distributed")
    from reports.jsonl import JsonlWriter
    from scanner.scan.executors.dask import DaskExecutor
    from scanner.scan.run import engine_spec, scan
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source

    srcs = [Source(f"file://{share}", "share"), Source(f"sqlite:///{sqlite_db}", "kunder-db"), Source(pg_estate["good"], "pg")]
    settings = ScanSettings(sample_size=50, views=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0") as cluster:
        executor = DaskExecutor(cluster.scheduler_address)
        executor.start(engine_spec(settings, engine), engine)
        out = tmp_path / "dask.jsonl"
        writer = JsonlWriter(str(out))
        try:
            outcome = scan(srcs, settings, [writer], engine=engine, executor=executor)
        finally:
            writer.close()
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
            logs = client.get_worker_logs()
            scheduler_logs = client.get_scheduler_logs()
    assert outcome.summary["findings"] > 0
    artifacts = {"dask report": out.read_text(),
                 "worker logs": json.dumps(logs, default=str), "scheduler logs": json.dumps(scheduler_logs, default=str)}
    _assert_no_leaks(oracle, artifacts)


SITECUSTOMIZE = '''
# Written by tests/test_leaks.py: the redaction layer switched off, to show the oracle sees leaks.
# URL masking first: every module that masks URLs imports it from scanner.model.urls.
import scanner.model.urls as u
u.mask_url = lambda url: url
u.mask_urls_in = lambda text: text
import scanner.model.redact as r
r.Redactor.record = lambda self, record: record
r.Redactor.location = lambda self, loc: loc
r.Redactor.name = lambda self, raw: raw
r.Redactor.path = lambda self, raw: raw
r.Redactor.text = lambda self, raw, limit=None: raw
'''


def test_the_oracle_finds_leaks_when_redaction_is_off(oracle, sources, aws_env, tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
    artifacts: dict[str, str] = {}
    env = _env(aws_env, str(hook))
    _run(["scan", *sources[:3], "--views", "--workers", "1", "--sample-size", "50", "-o", "report.jsonl",
          "--html", "report.html", "--inventory", "inventory.sqlite", "-vv"], tmp_path, env, "scan", artifacts)
    _files(tmp_path / ".", artifacts)
    found = oracle.search({k: v for k, v in artifacts.items() if not k.startswith("hook")})
    labels = {label for label, *_ in found}
    # every channel leaks without the layer: names, values quoted by the database, URL passwords
    assert {"directory name", "sqlite table name", "postgres schema name"} <= labels, sorted(labels)
    assert any(label.startswith("postgres error value") for label in labels) or \
        any(label == "postgres cell navn" and kind == "person" and "report" in where
            for label, kind, where, _ in found), sorted(labels)
    assert "postgres password (query string)" in labels, sorted(labels)
