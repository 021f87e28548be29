import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite

from scanner.crawlers.sql import dialects as d
from scanner.crawlers.sql import sqlite as sql_sqlite
from scanner.crawlers.sql.crawler import read_only_url
from scanner.model.settings import ScanSettings

EVIL = 'x"; drop table y; --'
DIALECTS = {"postgresql": postgresql, "mysql": mysql, "sqlite": sqlite, "mssql": mssql, "oracle": oracle}
QUOTED = {
    "postgresql": '"x""; drop table y; --"',
    "oracle": '"x""; drop table y; --"',
    "sqlite": '"x""; drop table y; --"',
    "mysql": '`x"; drop table y; --`',
    "mssql": '[x"; drop table y; --]',
}


def compiled(stmt, dialect):
    return str(stmt.compile(dialect=DIALECTS[dialect].dialect(), compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("dialect", list(DIALECTS))
@pytest.mark.parametrize("estimate", [None, 100, 10**7])
def test_sampling_sql_compiles_with_quoted_identifiers(dialect, estimate):
    table = sa.table(EVIL, sa.column("id"), sa.column("fnr"), schema="kunde")
    statements, method = d.plan(dialect, table, ["id", "fnr"], estimate, 1000, key="id", key_range=(1, 10**7), seed=7)
    assert statements and method
    for stmt in statements:
        sql = compiled(stmt, dialect)
        assert QUOTED[dialect] in sql
        assert sql.replace(QUOTED[dialect], "").count("drop table") == 0
        assert "random" not in sql.lower()  # never ORDER BY random()


@pytest.mark.parametrize(
    "dialect,expected",
    [("postgresql", "TABLESAMPLE system(0.03) REPEATABLE (7)"), ("mssql", "TABLESAMPLE SYSTEM (0.03 PERCENT)"),
     ("oracle", "SAMPLE BLOCK (0.03)")],
)
def test_large_tables_use_block_sampling(dialect, expected):
    table = sa.table("maaleverdi", sa.column("kwh"))
    (stmt,), method = d.plan(dialect, table, ["kwh"], 10**7, 1000, seed=7)
    assert expected in compiled(stmt, dialect)


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
def test_large_tables_use_key_windows(dialect):
    table = sa.table("maaleverdi", sa.column("id"), sa.column("kwh"))
    statements, method = d.plan(dialect, table, ["id", "kwh"], 10**7, 1000, key="id", key_range=(1, 10**7), seed=7)
    assert len(statements) == d.WINDOWS and "key ranges" in method
    assert all("WHERE maaleverdi.id >=" in compiled(s, dialect) for s in statements)


def test_the_sample_percentage_shrinks_with_the_table():
    assert d.sample_percent(10**6, 1000) > d.sample_percent(10**8, 1000)
    assert d.sample_percent(100, 1000) == 100.0


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "mssql"])
def test_every_session_is_read_only_and_time_limited(dialect):
    statements = " ".join(d.session_statements(dialect, ScanSettings(statement_timeout=12, lock_timeout=3)))
    assert ("READ ONLY" in statements) or ("query_only" in statements) or ("LOCK_TIMEOUT" in statements)
    assert "3" in statements


@pytest.mark.parametrize("given,path,params", [
    ("sqlite:////data/kunder.db", "/data/kunder.db", {}),
    ("sqlite:////data/kunder 2024#1.db", "/data/kunder 2024#1.db", {}),  # encoded, not a fragment
    ("sqlite:////data/100%25.db", "/data/100%.db", {}),  # SQLAlchemy decodes the path once
    ("sqlite:////data/kundeløp.db?timeout=3", "/data/kundeløp.db", {}),
    ("sqlite:///file:/data/a%3Fb.db?uri=true&mode=rw", "/data/a?b.db", {}),  # never rw
    ("sqlite:///file:///data/k.db?uri=true&vfs=unix-dotfile", "/data/k.db", {"vfs": "unix-dotfile"}),
    ("sqlite:///file:////srv/k.db?uri=true", "//srv/k.db", {}),
])
def test_sqlite_files_are_opened_read_only(given, path, params):
    url = read_only_url(given)
    assert url.query["mode"] == "ro" and url.query["uri"] == "true"
    assert {k: v for k, v in url.query.items() if k not in ("mode", "uri", "timeout")} == params
    # the URI names the same file
    assert sql_sqlite.target(url) == sql_sqlite.Target(path, {"mode": "ro", **params})
    assert url.database.startswith("file://") and not set("?# ") & set(url.database)


@pytest.mark.parametrize("given", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:mem?mode=memory&uri=true"])
def test_in_memory_sqlite_is_no_file(given):
    assert sql_sqlite.target(read_only_url(given)) is None


@pytest.mark.parametrize("statement", ["INSERT INTO t VALUES (1)", "update t set x = 1", "DELETE FROM t",
                                       "CREATE TABLE z (x int)", "drop table t", "  alter table t add y int"])
def test_writes_are_refused_before_they_reach_the_database(tmp_path, statement):
    path = tmp_path / "w.db"
    setup = sa.create_engine(f"sqlite:///{path}")
    with setup.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x int)")
    engine = sa.create_engine(read_only_url(f"sqlite:///{path}"))
    d.make_read_only(engine, ScanSettings())
    with engine.connect() as conn:
        with pytest.raises(d.WriteAttempt):
            conn.exec_driver_sql(statement)
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0


@pytest.mark.parametrize("reflected,catalog,expected", [
    # SQLAlchemy's MySQL reflection leaves backticks doubled
    (["id", "a``b", "````"], ["id", "a`b", "``"], {"a``b": "a`b", "````": "``"}),
    # near misses: a SQLAlchemy that unescapes them itself, names that only look escaped, no catalog
    (["id", "a`b"], ["id", "a`b"], {}),
    (["a``b"], ["a``b"], {}),
    (["id", "a``b"], None, {}),
    # the catalog does not line up (a column added between the two reads, another order): no renaming
    (["id", "a``b"], ["id", "a`b", "ny"], {}),
    (["a``b", "id"], ["id", "a`b"], {}),
])
def test_mysql_column_names_are_the_catalogs(reflected, catalog, expected):
    assert d.true_names(reflected, catalog) == expected


# names a statement built as text must quote: quotes, a colon and a percent sign (placeholders
# in other drivers and in sa.text), brackets, spaces, letters outside ASCII
HOSTILE_TABLES = [EVIL, "kunde:id", "100% kunder", "[kunde]", "kundeløp æøå", 'a""b', "select"]
HOSTILE_COLUMNS = ['f"nr', "e:post", "%s", "navn ", "ÆØÅ"]


@pytest.mark.parametrize("name", HOSTILE_TABLES)
def test_a_plain_head_in_sqlite_is_text_with_the_dialects_quoting_and_reads_the_same_rows(tmp_path, name):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'k.db'}")
    meta = sa.MetaData()
    table = sa.Table(name, meta, *[sa.Column(c, sa.Text) for c in HOSTILE_COLUMNS])
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{c: f"{c}-{i}" for c in HOSTILE_COLUMNS} for i in range(12)])
    sent = []
    sa.event.listen(engine, "before_cursor_execute", lambda conn, cursor, statement, *a: sent.append(statement))
    light = sa.table(name, *[sa.column(c) for c in HOSTILE_COLUMNS], schema="main")
    columns = HOSTILE_COLUMNS[::-1]
    with engine.connect() as conn:
        (stmt,), _ = d.plan("sqlite", light, columns, 12, 5)
        got = d.rows(conn, stmt)
        as_built = conn.execute(stmt).all()
    assert [tuple(r) for r in got] == [tuple(r) for r in as_built] and len(got) == 5
    assert got[0][0] == "ÆØÅ-0" and got[0][-1] == 'f"nr-0'
    assert sent[0].endswith("LIMIT 5") and sent[1].endswith("LIMIT ? OFFSET ?")  # text, then the construct


# elsewhere a plain head is the construct: tests/test_scan_databases.py reads tables with these
# names and worse (a `%` that PyMySQL and psycopg2 would take for a placeholder) in MariaDB and
# PostgreSQL


def test_key_windows_are_executed_as_built(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'k.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE maaleverdi (id INTEGER PRIMARY KEY, kwh REAL)")
        conn.exec_driver_sql("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100) "
                             "INSERT INTO maaleverdi (kwh) SELECT i * 1.5 FROM s")
    table = sa.table("maaleverdi", sa.column("id"), sa.column("kwh"))
    statements, _ = d.plan("sqlite", table, ["id", "kwh"], 10**7, 16, key="id", key_range=(1, 100), seed=7)
    with engine.connect() as conn:
        for stmt in statements:
            assert d.rows(conn, stmt) == conn.execute(stmt).all()
