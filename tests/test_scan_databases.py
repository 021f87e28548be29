"""`kartlegg scan` against real PostgreSQL and MariaDB servers seeded with the generated estate.

The scanner connects with an account that can only SELECT; per column, what it reports must
be exactly what the estate planted (hard negatives included), and the server's own statement
log must show that it never wrote.
"""

import json
import re
import time

import jsonschema
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scanner.cli.main import cli
from demo.estate import EMPTY_TABLE, EXPECTED, populate

DB, ARCHIVE = "kundesystem", "arkiv"
ROWS = 300
VALIDATOR = jsonschema.Draft202012Validator(json.load(open("reports/report.schema.json")))
WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|COPY|CALL|DO)\b", re.I)


def scan(url, tmp_path, *args):
    out = tmp_path / "report.jsonl"
    result = CliRunner().invoke(cli, ["scan", url, "-o", str(out), *args], catch_exceptions=False)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        VALIDATOR.validate(line)
    return result, lines


def by_column(lines):
    found = {}
    for r in lines:
        if r["record"] == "finding":
            found.setdefault((r["location"]["dataset"], r["location"]["field"]), set()).add(r["entity_type"])
    return found


def assert_estate_found(lines, schemas):
    found = by_column(lines)
    wrong = {}
    for column, expected in EXPECTED.items():
        got = found.get(column, set())
        if got != set(expected):
            wrong[column] = {"expected": sorted(expected), "got": sorted(got)}
    assert not wrong, json.dumps({f"{t}.{c}": v for (t, c), v in wrong.items()}, indent=1, ensure_ascii=False)
    unexpected = set(found) - set(EXPECTED)
    assert not unexpected
    datasets = {(r["location"]["container"], r["location"]["dataset"]): r for r in lines if r["record"] == "dataset"}
    assert {c for c, _ in datasets} == set(schemas)
    empty = next(r for (c, d), r in datasets.items() if d == EMPTY_TABLE)
    assert empty["rows_sampled"] == 0
    assert all(r["rows_sampled"] == ROWS for (c, d), r in datasets.items() if d != EMPTY_TABLE)
    skipped = {(r["location"]["dataset"], r["location"]["field"]) for r in lines if r["record"] == "skipped"}
    assert ("vedlegg", "innhold") in skipped  # binary
    assert lines[-1]["exit_code"] == 0 and lines[-1]["locations"]["failed"] == 0


@pytest.fixture(scope="module")
def pg(postgres_server):
    postgres_server.create_database(DB)
    engine = sa.create_engine(postgres_server.url(database=DB))
    populate(engine, rows=ROWS, schema=ARCHIVE)
    engine.dispose()
    postgres_server.execute("ANALYZE", database=DB)
    postgres_server.create_readonly_role("skanner", "Lese-Passord-1", DB)
    return postgres_server


@pytest.fixture(scope="module")
def maria(mariadb_server):
    mariadb_server.create_database(DB)
    engine = sa.create_engine(mariadb_server.url(database=DB))
    populate(engine, rows=ROWS, schema=ARCHIVE)
    engine.dispose()
    mariadb_server.create_readonly_user("skanner", "Lese-Passord-2", DB)
    mariadb_server.execute(f"GRANT SELECT ON `{ARCHIVE}`.* TO 'skanner'@'%'")
    return mariadb_server


def test_postgresql_estate_with_a_select_only_role(pg, tmp_path):
    url = pg.url(user="skanner", password="Lese-Passord-1", database=DB)
    result, lines = scan(url, tmp_path)
    assert result.exit_code == 0, result.output
    assert_estate_found(lines, {"public", ARCHIVE})
    text = json.dumps(lines)
    assert "Lese-Passord-1" not in text and "Lese-Passord-1" not in result.output
    # every statement the scanner's role sent, from the server's own log
    statements = re.findall(r" skanner@kundesystem LOG:  statement: (.*)", pg.log_text())
    assert statements and any(s.startswith("SELECT") for s in statements)
    writes = [s for s in statements if WRITE.search(s.split("FROM")[0]) and not s.startswith(("SELECT", "SET", "SHOW"))]
    assert writes == []
    assert any("TRANSACTION READ ONLY" in s for s in statements)


def test_mariadb_estate_with_a_select_only_user(maria, tmp_path):
    for scheme in ("mysql+pymysql", "mariadb+pymysql"):
        url = maria.url(user="skanner", password="Lese-Passord-2", database=DB, scheme=scheme)
        result, lines = scan(url, tmp_path)
        assert result.exit_code == 0, result.output
        assert_estate_found(lines, {DB, ARCHIVE})
        assert "Lese-Passord-2" not in json.dumps(lines)
    log = maria.log_text()
    ids = set(re.findall(r"(\d+) Connect\s+skanner@", log))
    statements = [m.group(2) for m in re.finditer(r"\s(\d+) Query\s+(.*)", log) if m.group(1) in ids]
    assert statements and any(s.startswith("SELECT") for s in statements)
    assert [s for s in statements if not s.upper().startswith(("SELECT", "SET", "SHOW", "ROLLBACK", "COMMIT", "BEGIN"))] == []
    assert any("TRANSACTION READ ONLY" in s for s in statements)


def test_a_table_the_role_cannot_read_becomes_an_error_record(pg, tmp_path):
    pg.execute("CREATE TABLE hemmelig (id int primary key, fnr text)", database=DB)
    try:
        url = pg.url(user="skanner", password="Lese-Passord-1", database=DB)
        result, lines = scan(url, tmp_path, "--include", "public.*")
        assert result.exit_code == 3
        errors = [r for r in lines if r["record"] == "error"]
        assert [e["location"]["dataset"] for e in errors] == ["hemmelig"]
        assert "permission" in errors[0]["error"]["message"].lower()
        assert any(r["record"] == "finding" for r in lines)  # the rest was scanned
    finally:
        pg.execute("DROP TABLE hemmelig", database=DB)


def test_large_postgresql_table_is_block_sampled(pg, tmp_path):
    pg.execute("CREATE TABLE stor AS SELECT g AS id, md5(g::text) AS verdi FROM generate_series(1, 200000) g",
               database=DB)
    pg.execute("ANALYZE stor", database=DB)
    pg.execute("GRANT SELECT ON stor TO skanner", database=DB)
    try:
        url = pg.url(user="skanner", password="Lese-Passord-1", database=DB)
        _, lines = scan(url, tmp_path, "--include", "public.stor", "--sample-size", "500")
        (ds,) = [r for r in lines if r["record"] == "dataset"]
        assert ds["method"].startswith("TABLESAMPLE SYSTEM") and 0 < ds["rows_sampled"] <= 500
        assert ds["row_estimate"] == pytest.approx(200000, rel=0.1)
    finally:
        pg.execute("DROP TABLE stor", database=DB)


def test_postgresql_arrays_and_jsonb_become_fields(pg, tmp_path):
    pg.execute("CREATE TABLE kontakt (id int primary key, telefoner text[], data jsonb)", database=DB)
    pg.execute(
        "INSERT INTO kontakt SELECT g, ARRAY['+47 4' || lpad((g * 7919 % 10000000)::text, 7, '0')], "
        "jsonb_build_object('kunde', jsonb_build_object('epost', 'k' || g || '@example.no')) "
        "FROM generate_series(1, 200) g", database=DB)
    pg.execute("GRANT SELECT ON kontakt TO skanner", database=DB)
    try:
        url = pg.url(user="skanner", password="Lese-Passord-1", database=DB)
        _, lines = scan(url, tmp_path, "--include", "public.kontakt")
        assert by_column(lines) == {("kontakt", "telefoner[]"): {"NO_PHONE_NUMBER"},
                                    ("kontakt", "data.kunde.epost"): {"EMAIL_ADDRESS"}}
    finally:
        pg.execute("DROP TABLE kontakt", database=DB)


@pytest.mark.parametrize("limit", [1, 2])
def test_connections_per_source_stay_within_the_limit(pg, tmp_path, limit):
    role = f"begrenset{limit}"
    pg.create_readonly_role(role, "Lese-Passord-3", DB)
    url = pg.url(user=role, password="Lese-Passord-3", database=DB)
    result, lines = scan(url, tmp_path, "--max-connections", str(limit))
    assert result.exit_code == 0
    # each backend process is one connection; the pool keeps them for the whole scan
    pids = set(re.findall(rf"\[(\d+)\] {role}@kundesystem LOG:  statement:", pg.log_text()))
    assert 1 <= len(pids) <= limit
    statements = re.findall(rf" {role}@kundesystem LOG:  statement: (.*)", pg.log_text())
    assert "SET statement_timeout = 30000" in statements and "SET lock_timeout = 5000" in statements


def test_views_are_read_with_limit_not_tablesample(pg, tmp_path):
    pg.execute("CREATE TABLE mange AS SELECT g AS id, 'k' || g || '@example.no' AS epost FROM generate_series(1, 50000) g",
               database=DB)
    pg.execute("CREATE VIEW mange_v AS SELECT epost FROM mange", database=DB)
    pg.execute("ANALYZE mange", database=DB)
    pg.execute("GRANT SELECT ON mange, mange_v TO skanner", database=DB)
    try:
        url = pg.url(user="skanner", password="Lese-Passord-1", database=DB)
        result, lines = scan(url, tmp_path, "--include", "public.mange*", "--views", "--sample-size", "200")
        assert result.exit_code == 0
        methods = {r["location"]["dataset"]: r["method"] for r in lines if r["record"] == "dataset"}
        assert methods["mange"].startswith("TABLESAMPLE") and methods["mange_v"].startswith("first 200 rows")
        assert by_column(lines)[("mange_v", "epost")] == {"EMAIL_ADDRESS"}
    finally:
        pg.execute("DROP VIEW mange_v", database=DB)
        pg.execute("DROP TABLE mange", database=DB)


# -- hostile identifiers: every name below is read like any other ----------------------------------
# Each name is a schema (`s` + name), a table (the name), its integer key (`id` + name) and its
# e-mail column (the name again). Near misses: a plain name, and names that only look like quoting
# or parameters to one layer or another (PyMySQL's %s and %(name)s, SQLAlchemy's :name).
HOSTILE = {
    "plain": "vanlig",
    "backtick": "bak`tikk",
    "doubled-backticks": "to``tikker",
    "trailing-backtick": "slutt`",
    "double-quote": 'si"tat',
    "single-quote": "ap'ostrof",
    "space": "med mellomrom",
    "dot": "punk.tum",
    "percent-s": "pro%sent",
    "percent-dict": "%(s)s",
    "percent-alone": "100%",
    "colon-bind": "kolon:s",
    "backslash": "bak\\strek",
    "unicode": "kundeløp_名前",
    "reserved-word": "order",
    "injection": "x`; drop table y; --",
}
HOSTILE_ROWS = 200


def _mysql_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _grant_pattern(name: str) -> str:
    """A database name in GRANT is a LIKE pattern: its \\, _ and % escaped to mean themselves."""
    return _mysql_ident(re.sub(r"([\\_%])", r"\\\1", name))


def _scan_hostile(url, directory, *args):
    """A scan from a module fixture, which runs before the per-test inventory is set: none."""
    out = directory / "report.jsonl"
    result = CliRunner().invoke(cli, ["scan", url, "-o", str(out), "--no-inventory", *args], catch_exceptions=False)
    assert out.exists(), result.output
    return result, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def _hostile_lines(lines) -> dict[str, dict]:
    """schema -> what the scan reported for it: its dataset record, findings and errors."""
    out = {}
    for r in lines:
        if r["record"] in ("dataset", "finding", "error") and r.get("location"):
            entry = out.setdefault(r["location"]["container"], {"dataset": None, "findings": set(), "errors": []})
            if r["record"] == "dataset":
                entry["dataset"] = r
            elif r["record"] == "finding":
                entry["findings"].add((r["location"]["dataset"], r["location"]["field"], r["entity_type"]))
            else:
                entry["errors"].append(r["error"]["message"])
    return out


@pytest.fixture(scope="module")
def maria_hostile(mariadb_server, tmp_path_factory):
    """Every hostile name in MariaDB, read by a user that may only SELECT from those schemas, with
    a sample small enough that each table is read by key ranges."""
    mariadb_server.execute("CREATE USER 'fiende'@'%' IDENTIFIED BY 'Lese-Passord-6'")
    for name in HOSTILE.values():
        schema, table = _mysql_ident("s" + name), _mysql_ident(name)
        mariadb_server.create_database("s" + name)
        mariadb_server.execute(f"CREATE TABLE {schema}.{table} ({_mysql_ident('id' + name)} INT AUTO_INCREMENT "
                               f"PRIMARY KEY, {_mysql_ident(name)} VARCHAR(100)) ENGINE=InnoDB")
        # no parameters: PyMySQL formats a statement with % only when it is given some
        mariadb_server.execute(f"INSERT INTO {schema}.{table} ({_mysql_ident(name)}) "
                               f"SELECT CONCAT('kunde', seq, '@example.no') FROM seq_1_to_{HOSTILE_ROWS}",
                               database="s" + name)
        mariadb_server.execute(f"ANALYZE TABLE {schema}.{table}")
        mariadb_server.execute(f"GRANT SELECT ON {_grant_pattern('s' + name)}.* TO 'fiende'@'%'")
    url = mariadb_server.url(user="fiende", password="Lese-Passord-6")
    result, lines = _scan_hostile(url, tmp_path_factory.mktemp("maria-hostile"), "--sample-size", "10")
    return result, _hostile_lines(lines)


@pytest.fixture(scope="module")
def pg_hostile(postgres_server, tmp_path_factory):
    """The same names in PostgreSQL; one larger table is block-sampled (TABLESAMPLE)."""
    from psycopg2 import sql as pgsql

    postgres_server.create_database("fiendtlig")
    for name in HOSTILE.values():
        schema, table = pgsql.Identifier("s" + name), pgsql.Identifier("s" + name, name)
        rows = 50_000 if name == HOSTILE["injection"] else HOSTILE_ROWS
        postgres_server.execute(pgsql.SQL("CREATE SCHEMA {}").format(schema), database="fiendtlig")
        postgres_server.execute(pgsql.SQL("CREATE TABLE {} ({} int PRIMARY KEY, {} text)").format(
            table, pgsql.Identifier("id" + name), pgsql.Identifier(name)), database="fiendtlig")
        postgres_server.execute(pgsql.SQL("INSERT INTO {} SELECT g, 'kunde' || g || '@example.no' "
                                          "FROM generate_series(1, {}) g").format(table, pgsql.Literal(rows)),
                                database="fiendtlig")
    postgres_server.execute("ANALYZE", database="fiendtlig")
    postgres_server.create_readonly_role("fiende", "Lese-Passord-7", "fiendtlig")
    url = postgres_server.url(user="fiende", password="Lese-Passord-7", database="fiendtlig")
    result, lines = _scan_hostile(url, tmp_path_factory.mktemp("pg-hostile"))
    return result, _hostile_lines(lines)


@pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))
def test_mariadb_reads_tables_whatever_their_names(maria_hostile, name):
    result, found = maria_hostile
    entry = found.get("s" + name)
    assert entry is not None, "the table was not reported at all"
    assert entry["errors"] == []
    assert entry["dataset"]["rows_sampled"] == 10
    assert entry["dataset"]["method"] == f"8 random key ranges on id{name}"
    assert entry["findings"] == {(name, name, "EMAIL_ADDRESS")}


@pytest.mark.parametrize("name", list(HOSTILE.values()), ids=list(HOSTILE))
def test_postgresql_reads_tables_whatever_their_names(pg_hostile, name):
    result, found = pg_hostile
    entry = found.get("s" + name)
    assert entry is not None, "the table was not reported at all"
    assert entry["errors"] == []
    assert entry["dataset"]["rows_sampled"] == (1000 if name == HOSTILE["injection"] else HOSTILE_ROWS)
    method = entry["dataset"]["method"]
    assert method.startswith("TABLESAMPLE") if name == HOSTILE["injection"] else method.startswith("first")
    assert entry["findings"] == {(name, name, "EMAIL_ADDRESS")}


def test_hostile_names_leave_the_scans_clean(maria_hostile, pg_hostile):
    for result, found in (maria_hostile, pg_hostile):
        assert result.exit_code == 0, result.output
        assert set(found) == {"s" + name for name in HOSTILE.values()}


@pytest.mark.parametrize("server", ["mariadb", "postgresql"])
def test_incremental_scans_pass_over_hostile_names_unchanged(maria_hostile, pg_hostile, mariadb_server,
                                                             postgres_server, tmp_path, server):
    # the catalog's change tokens (UPDATE_TIME, pg_stat_user_tables) are looked up by these names
    if server == "mariadb":
        url = mariadb_server.url(user="fiende", password="Lese-Passord-6")
    else:
        url = postgres_server.url(user="fiende", password="Lese-Passord-7", database="fiendtlig")
    inventory = str(tmp_path / "inventory.sqlite")
    kinds, versions = [], {}
    time.sleep(1.1)  # MariaDB's UPDATE_TIME has one-second resolution: a table written in the last second has no token
    for name in ("first", "second"):
        out = tmp_path / f"{name}.jsonl"
        result = CliRunner().invoke(cli, ["scan", url, "-o", str(out), "--inventory", inventory, "--incremental"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        kinds.append({r["location"]["dataset"]: r["record"] for r in lines if r["record"] in ("dataset", "unchanged")})
        versions = versions or {r["location"]["dataset"]: r.get("version") for r in lines if r["record"] == "dataset"}
    assert kinds[0] == {name: "dataset" for name in HOSTILE.values()}
    # A table the first scan could get no change token for is read again: InnoDB keeps UPDATE_TIME
    # in memory only, and a long test session's other tables can push a table out of its cache (a
    # delay, never a miss). Tokens are the rule: most tables must be passed over.
    assert kinds[1] == {name: "unchanged" if versions[name] else "dataset" for name in HOSTILE.values()}
    assert sum(1 for v in versions.values() if v) >= len(HOSTILE) // 2, versions
