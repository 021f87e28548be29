"""What differs between database engines: read-only sessions, catalog row estimates, sampling.

Every sampling statement is a SQLAlchemy construct with quoted identifiers, so a table named
`x"; drop table y; --` is sampled, not executed.
"""

from __future__ import annotations

import random

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import TableSample

SYSTEM_SCHEMAS = {
    "information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema", "sys",
    "INFORMATION_SCHEMA", "guest", "db_owner", "db_accessadmin", "db_securityadmin", "db_ddladmin",
    "db_backupoperator", "db_datareader", "db_datawriter", "db_denydatareader", "db_denydatawriter",
    "SYS", "SYSTEM", "OUTLN", "XDB", "CTXSYS", "MDSYS", "ORDSYS", "DBSNMP", "APPQOSSYS", "AUDSYS",
    "GSMADMIN_INTERNAL", "LBACSYS", "OJVMSYS", "WMSYS", "DVSYS", "ORDDATA", "OLAPSYS",
}
WINDOWS = 8  # random windows per table when sampling by key ranges
SMALL_FACTOR = 5  # tables up to this many times the sample size are read with a plain LIMIT
READ_PREFIXES = ("select", "with", "show", "set", "pragma", "explain", "describe", "begin", "rollback")


class WriteAttempt(RuntimeError):
    """A statement that is not a read reached the connection: refused before it is sent."""


def is_system_schema(name: str | None) -> bool:
    return name is not None and (name in SYSTEM_SCHEMAS or name.startswith(("pg_temp_", "pg_toast_temp_")))


# -- read-only, time-limited sessions ----------------------------------------------------------
def session_statements(dialect: str, settings) -> list[str]:
    st_ms, lock_ms = int(settings.statement_timeout * 1000), int(settings.lock_timeout * 1000)
    if dialect == "postgresql":
        return [
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            f"SET statement_timeout = {st_ms}",
            f"SET lock_timeout = {lock_ms}",
            f"SET idle_in_transaction_session_timeout = {st_ms * 2}",
        ]
    if dialect in ("mysql", "mariadb"):
        return [
            "SET SESSION TRANSACTION READ ONLY",
            f"SET SESSION lock_wait_timeout = {max(1, lock_ms // 1000)}",
            f"SET SESSION innodb_lock_wait_timeout = {max(1, lock_ms // 1000)}",
        ]
    if dialect == "sqlite":
        return ["PRAGMA query_only = ON", f"PRAGMA busy_timeout = {lock_ms}"]
    if dialect == "mssql":
        return [f"SET LOCK_TIMEOUT {lock_ms}", "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"]
    return []


def _mysql_statement_timeout(cursor, settings) -> None:
    # MariaDB and MySQL name the per-statement limit differently; try both, keep whichever works.
    for stmt in (
        f"SET SESSION max_statement_time = {settings.statement_timeout:g}",
        f"SET SESSION max_execution_time = {int(settings.statement_timeout * 1000)}",
    ):
        try:
            cursor.execute(stmt)
            return
        except Exception:
            continue


def make_read_only(engine: sa.Engine, settings) -> None:
    """Make every connection of `engine` read-only and time-limited, and refuse writes."""
    dialect = engine.dialect.name
    statements = session_statements(dialect, settings)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if dialect == "oracle":
            dbapi_connection.call_timeout = int(settings.statement_timeout * 1000)
        if dialect == "mssql":
            dbapi_connection.timeout = int(settings.statement_timeout)
        cursor = dbapi_connection.cursor()
        try:
            for stmt in statements:
                cursor.execute(stmt)
            if dialect in ("mysql", "mariadb"):
                _mysql_statement_timeout(cursor, settings)
        finally:
            cursor.close()
        if dialect == "postgresql":
            dbapi_connection.commit()

    if dialect == "oracle":

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _only_reads(conn, cursor, statement, parameters, context, executemany):
        head = statement.lstrip().split(None, 1)[0].lower() if statement.strip() else ""
        if head not in READ_PREFIXES:
            raise WriteAttempt(f"kartlegg only reads; refused a {head.upper()!r} statement")
        return statement, parameters


# -- row estimates from the catalog (never count(*)) ---------------------------------------------
def row_estimates(conn: sa.Connection, schema: str | None) -> dict[str, int]:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        q = sa.text(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            # Only relations TABLESAMPLE works on; views and foreign tables get no estimate, so
            # they are read with a plain LIMIT.
            "WHERE n.nspname = :s AND c.relkind IN ('r', 'p', 'm')"
        )
        rows = conn.execute(q, {"s": schema or "public"})
    elif dialect in ("mysql", "mariadb"):
        q = sa.text(
            "SELECT table_name, table_rows FROM information_schema.tables "
            "WHERE table_schema = COALESCE(:s, DATABASE())"
        )
        rows = conn.execute(q, {"s": schema})
    elif dialect == "mssql":
        q = sa.text(
            "SELECT t.name, SUM(p.row_count) FROM sys.dm_db_partition_stats p JOIN sys.tables t "
            "ON t.object_id = p.object_id JOIN sys.schemas s ON s.schema_id = t.schema_id "
            "WHERE p.index_id IN (0, 1) AND s.name = COALESCE(:s, SCHEMA_NAME()) GROUP BY t.name"
        )
        rows = conn.execute(q, {"s": schema})
    elif dialect == "oracle":
        q = sa.text("SELECT table_name, num_rows FROM all_tables WHERE owner = COALESCE(:s, USER)")
        rows = conn.execute(q, {"s": schema})
    else:
        return {}
    # -1 (PostgreSQL, never analysed) and NULL mean unknown.
    return {name: int(n) for name, n in rows if n is not None and int(n) >= 0}


# -- change tokens from the catalog (see versions.py) ---------------------------------------------
# MySQL/MariaDB engines whose UPDATE_TIME follows every committed write. Aria's does not (seen on
# MariaDB 10.11: an UPDATE left it unchanged), and other engines (MEMORY, FEDERATED, CONNECT) keep
# none or keep it elsewhere: their tables are always read.
MYSQL_TIMED_ENGINES = frozenset({"innodb", "myisam"})


def change_stamps(conn: sa.Connection, schema: str | None) -> dict[str, tuple]:
    """table name -> what the catalog says about its last change, in one query per schema; a table
    left out has no token and is always read. Views never have one: their data lives elsewhere.

    PostgreSQL: the cumulative counters of pg_stat_user_tables (inserted, updated, deleted tuples),
    the relation's oid and file node (TRUNCATE, VACUUM FULL and CLUSTER write a new file without
    counting tuples; a table dropped and made again has a new oid) and the database's stats reset
    time (counters reset to zero could climb back to the same values; PostgreSQL 15 also sets it
    when one table's counters are reset). No token on a standby (a
    replica counts none of the writes it replays), with track_counts off, or for a partitioned
    table (its writes are counted on its partitions). Known limit: from PostgreSQL 15 a backend
    flushes its counters at transaction end only when a second has passed since its last flush,
    else after about 10 s idle (60 s at most, or when the session ends), so a write committed
    that shortly before discovery can show only in the next scan's token (a delay, never a miss).
    A crash (not a clean restart) loses the counters: after one, the first token differs unless
    writes bring every counter back to exactly its old value.

    MySQL/MariaDB: information_schema.TABLES' UPDATE_TIME and CREATE_TIME, with TABLE_ROWS and
    AUTO_INCREMENT. TABLE_ROWS is an estimate, but InnoDB's follows inserts and deletes, and
    TRUNCATE resets it to 0 where neither time moves (seen on MariaDB 10.11 for an InnoDB
    TRUNCATE); an estimate refreshed by ANALYZE costs a rescan, never a missed change. AUTO_INCREMENT tells
    inserts apart within one second. DATA_LENGTH is left out: for InnoDB it is persistent
    statistics by the page, which moves when statistics are recalculated, not with each write.
    UPDATE_TIME has one-second resolution, so a table written in the last second has no token (a
    second write in the same second would look the same). InnoDB keeps UPDATE_TIME in memory: it
    is NULL after a restart, or when the table left the dictionary cache, until the next write,
    and the table has no token until then. Partitioned tables have none (UPDATE_TIME and
    TABLE_ROWS are kept per partition). MySQL 8 caches these columns for a day
    (information_schema_stats_expiry): the session's cache is turned off, or there is no token.

    SQL Server and Oracle: none. Their candidates (sys.dm_db_index_usage_stats' last_user_update,
    lost at restart; ORA_ROWSCN, which needs a table read; DBA_TAB_MODIFICATIONS, flushed
    periodically) cannot be checked here without a server, so their tables are always read.
    """
    dialect = conn.dialect.name
    if dialect == "postgresql":
        rows = conn.execute(sa.text(
            "SELECT c.relname, c.relkind, c.oid, pg_relation_filenode(c.oid), s.n_tup_ins, s.n_tup_upd, "
            "s.n_tup_del, pg_stat_get_db_stat_reset_time(d.oid), pg_is_in_recovery(), "
            "current_setting('track_counts') "
            "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
            "JOIN pg_database d ON d.datname = current_database() "
            "WHERE s.schemaname = :s"
        ), {"s": schema or "public"}).all()
        if not rows or rows[0][8] or rows[0][9] != "on":
            return {}
        return {name: (oid, node, ins, upd, dele, reset)
                for name, kind, oid, node, ins, upd, dele, reset, _, _ in rows if kind != "p"}
    if dialect in ("mysql", "mariadb"):
        if not getattr(conn.dialect, "is_mariadb", False) and not _mysql_fresh_statistics(conn):
            return {}
        rows = conn.execute(sa.text(
            "SELECT table_name, engine, create_time, update_time, table_rows, auto_increment, create_options, "
            "update_time >= NOW() - INTERVAL 1 SECOND "
            "FROM information_schema.tables WHERE table_schema = COALESCE(:s, DATABASE()) AND table_type <> 'VIEW'"
        ), {"s": schema}).all()
        return {name: (engine.lower(), str(created), str(updated), table_rows, auto_increment)
                for name, engine, created, updated, table_rows, auto_increment, options, recent in rows
                if engine and engine.lower() in MYSQL_TIMED_ENGINES and updated is not None and not recent
                and "partitioned" not in (options or "").lower()}
    return {}


def _mysql_fresh_statistics(conn: sa.Connection) -> bool:
    """MySQL 8: information_schema statistics straight from the engine, not a day-old cache.
    True when the session reads them fresh (MySQL 5.7 has no cache at all)."""
    try:
        conn.exec_driver_sql("SET SESSION information_schema_stats_expiry = 0")
        return True
    except sa.exc.DBAPIError:
        pass
    try:
        expiry = conn.exec_driver_sql("SELECT @@session.information_schema_stats_expiry").scalar()
    except sa.exc.DBAPIError:
        return True  # no such variable: nothing is cached
    return expiry is not None and int(expiry) == 0


# -- column names as the catalog holds them --------------------------------------------------------
def mysql_column_names(conn: sa.Connection, schema: str | None) -> dict[str, list[str]]:
    """table or view -> its columns' names in order, from information_schema, in one query per
    schema (the schema a bound parameter, so any name is only data)."""
    rows = conn.execute(sa.text(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = COALESCE(:s, DATABASE()) ORDER BY table_name, ordinal_position"
    ), {"s": schema})
    names: dict[str, list[str]] = {}
    for table, column in rows:
        names.setdefault(table, []).append(column)
    return names


def true_names(reflected: list[str], catalog: list[str] | None) -> dict[str, str]:
    """reflected name -> the column's real name, where they differ. SQLAlchemy reflects MySQL
    columns by parsing SHOW CREATE TABLE and leaves a backtick in a name escaped (`a``b` for
    a`b), so a statement quoting it names a column that does not exist. The catalog's names, in
    the same order, say what each is; nothing is renamed unless every pair matches that way (a
    SQLAlchemy that unescapes them itself needs nothing renamed)."""
    if catalog is None or len(catalog) != len(reflected):
        return {}
    pairs = list(zip(reflected, catalog))
    if any(seen != real and seen != real.replace("`", "``") for seen, real in pairs):
        return {}
    return {seen: real for seen, real in pairs if seen != real}


def sqlite_max_rowid(conn: sa.Connection, table: sa.TableClause) -> int | None:
    """SQLite has no catalog estimate; max(rowid) is an index lookup and bounds the count."""
    # as text with the dialect's own quoting: a statement built per table name is compiled anew for
    # every table (SQLAlchemy's cache is keyed by it), a third of the cost of sampling a small table
    name = conn.dialect.identifier_preparer.format_table(table)
    try:
        return conn.exec_driver_sql(f"SELECT max(rowid) FROM {name}").scalar()
    except sa.exc.DBAPIError:  # WITHOUT ROWID tables
        return None


# -- sampling ---------------------------------------------------------------------------------------
@compiles(TableSample, "mssql")
def _mssql_tablesample(element, compiler, **kw):
    percent = compiler.process(list(element._get_method().clauses)[0], **kw)
    kw["asfrom"] = True
    return f"{compiler.visit_alias(element, **kw)} TABLESAMPLE SYSTEM ({percent} PERCENT)"


@compiles(TableSample, "oracle")
def _oracle_tablesample(element, compiler, **kw):
    percent = compiler.process(list(element._get_method().clauses)[0], **kw)
    kw["asfrom"] = True
    table = compiler.process(element.element, **kw)
    alias = compiler.preparer.format_alias(element, element.name)
    return f"{table} SAMPLE BLOCK ({percent}) {alias}"


def sample_percent(estimate: int, n: int) -> float:
    """Block-sampling percentage expected to yield about 3n rows (blocks are uneven)."""
    return round(min(100.0, max(0.0001, 300.0 * n / max(estimate, 1))), 4)


def block_sample(table: sa.TableClause, columns: list[str], estimate: int, n: int, seed: int | None) -> sa.Select:
    """PostgreSQL/SQL Server/Oracle: a block sample, whose cost follows the sample, not the table."""
    repeatable = sa.literal_column(str(int(seed))) if seed is not None else None
    sampled = sa.tablesample(table, sa.func.system(sample_percent(estimate, n)), name="s", seed=repeatable)
    return sa.select(*[sampled.c[c] for c in columns]).limit(n)


HEAD = "kartlegg_head"  # a statement's execution option: (table, columns, n) of a plain head


def head(table: sa.TableClause, columns: list[str], n: int) -> sa.Select:
    return sa.select(*[table.c[c] for c in columns]).limit(n).execution_options(**{HEAD: (table, columns, n)})


def rows(conn: sa.Connection, stmt: sa.Select) -> list:
    """A sampling statement's rows. In SQLite a plain head (how every small table is sampled) is
    sent as text with the dialect's own quoting, as `sqlite_max_rowid` is: the construct is built
    per table name, so SQLAlchemy compiles it anew for every table (0.87 against 0.16 ms a table
    of the 500 small ones, in the scan's main process). Only SQLite, whose driver never formats a
    statement (psycopg2 and PyMySQL may read a `%` in a name as a placeholder, by how they are
    called); elsewhere a sampled table is seldom small enough for the compiling to count."""
    plain = stmt.get_execution_options().get(HEAD)
    if plain is None or conn.dialect.name != "sqlite":
        return conn.execute(stmt).all()
    table, columns, n = plain
    quote = conn.dialect.identifier_preparer
    listed = ", ".join(quote.quote(c) for c in columns)
    return conn.exec_driver_sql(f"SELECT {listed} FROM {quote.format_table(table)} LIMIT {int(n)}").all()


def key_windows(
    table: sa.TableClause, columns: list[str], key: str, low: int, high: int, n: int, rnd: random.Random
) -> list[sa.Select]:
    """MySQL/MariaDB/SQLite: a few windows starting at random points of an integer key.

    Each window is an index range scan, so the cost follows the sample size, not the table.
    """
    per = max(1, -(-n // WINDOWS))
    starts = sorted(rnd.randint(low, high) for _ in range(WINDOWS)) if high > low else [low]
    key_col = table.c[key]
    return [
        sa.select(*[table.c[c] for c in columns]).where(key_col >= start).order_by(key_col).limit(per)
        for start in starts
    ]


def plan(
    dialect: str, table: sa.TableClause, columns: list[str], estimate: int | None, n: int,
    key: str | None = None, key_range: tuple[int, int] | None = None, seed: int = 0,
) -> tuple[list[sa.Select], str]:
    """The statements that sample about n rows, and a description for the report."""
    small = estimate is None or estimate <= SMALL_FACTOR * n
    if dialect in ("postgresql", "mssql", "oracle") and not small:
        method = {"postgresql": "TABLESAMPLE SYSTEM", "mssql": "TABLESAMPLE SYSTEM", "oracle": "SAMPLE BLOCK"}
        return (
            [block_sample(table, columns, estimate, n, seed if dialect == "postgresql" else None)],
            f"{method[dialect]} ({sample_percent(estimate, n)}%)",
        )
    if key and key_range and key_range[0] is not None and not small:
        low, high = key_range
        return key_windows(table, columns, key, low, high, n, random.Random(seed)), (
            f"{WINDOWS} random key ranges on {key}"
        )
    return [head(table, columns, n)], f"first {n} rows" + ("" if small else " (no sampling key)")
