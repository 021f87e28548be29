"""The tables of a DuckDB database file, read with the duckdb package itself.

duckdb-engine (DuckDB under SQLAlchemy) breaks on SQLAlchemy 2.1, so a DuckDB file is not read
by the SQL crawler: this module gives what the SQL crawler gives for an SQLite file (units named
by schema and table, their columns; samples of the same fields), for database_files to name.

Nothing is written and nothing is fetched: the file is opened read-only (a shared lock: a DuckDB
process writing it keeps the scan out, and the file fails with duckdb's word on it), with no
temporary directory to spill into (it would be `FILE.tmp` beside the file), no extension installed
or loaded and no file but the database itself read (a view over `read_csv('/etc/…')` fails); the
configuration is locked so no statement can undo that.
duckdb has no statement timeout: a timer interrupts a statement that runs past
`statement_timeout`. duckdb is imported only when a DuckDB file is met.

duckdb opens a file by its name, whatever it is given (it resolves `/proc/self/fd/N` and opens
what that names), and replays the commits in its `.wal` in memory, writing nothing back: the name
is checked to still be the file the walk opened, and the `.wal` is part of the change token.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from scanner.crawlers.sql import ages, values
from scanner.model import values as model_values
from scanner.model.units import DatasetSample, FieldSample, Location, Skip, WorkUnit

CONFIG = {
    "enable_external_access": False,  # only the database file itself: no COPY, read_csv, httpfs, extension files
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "temp_directory": "",  # no spilling to FILE.tmp beside the file
    "threads": 1,  # a repeatable reservoir sample needs one thread; the walk reads files side by side anyway
    "memory_limit": "512MB",
    "lock_configuration": True,
}
NOT_INSTALLED = "duckdb database: not read (the duckdb package is not installed: pip install duckdb)"
_SYSTEM = ("information_schema", "pg_catalog")
_NUMBERS = re.compile(r"(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|VARINT|BIGNUM)\b")
_INTEGERS = re.compile(r"U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?$")
_PASSED_OVER = re.compile(r"(BOOLEAN|DATE|TIME|TIMESTAMP|INTERVAL|UUID)\b")
_NESTED = re.compile(r"(STRUCT|MAP|UNION|JSON)\b|.*\]$")  # LIST is `T[]`, ARRAY `T[3]`
# A nested value is read as its JSON text, cut at this many characters (then read as plain text).
DOCUMENT_CHARS = 64 * 1024


def available() -> bool:
    return importlib.util.find_spec("duckdb") is not None


def kind_of(type_name: str) -> str:
    """What the SQL crawler's values.kind_of says of the like SQL type: lists, structs and maps
    are JSON (flattened into `col[]`, `col.felt`), BLOB and BIT are binary."""
    upper = type_name.upper()
    if upper in ("BLOB", "BYTEA", "BIT", "BITSTRING", "VARBINARY"):
        return values.BINARY
    if _NESTED.match(upper):
        return values.JSON
    if _PASSED_OVER.match(upper):
        return values.PASSED_OVER
    return values.SCALAR


def name_of(fd: int, path: str) -> str:
    """The name of the file open as `fd` (found at `path`): what duckdb will open."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # no /proc: the path, its symlinks resolved
        return os.path.realpath(path)


def wal_stamp(fd: int, path: str) -> list[int] | None:
    """The `.wal`'s stat: its commits are read with the file, so they change what is read."""
    from scanner.crawlers.change_tokens import file_stamp

    return file_stamp(name_of(fd, path) + ".wal")


def _same(fd: int, name: str) -> None:
    mine = os.fstat(fd)
    try:
        there = os.stat(name, follow_symlinks=False)
    except OSError:
        there = None
    if there is None or (mine.st_dev, mine.st_ino) != (there.st_dev, there.st_ino) or os.path.realpath(name) != name:
        raise OSError(f"{os.path.basename(name)} was moved or replaced while it was opened: not read")


@contextmanager
def connect(fd: int, path: str):
    """duckdb over the file open as `fd` (found at `path`), when its name still leads to it before
    and after duckdb opened it (a file swapped in meanwhile is not read)."""
    import duckdb

    name = name_of(fd, path)
    _same(fd, name)
    conn = duckdb.connect(name, read_only=True, config=dict(CONFIG))
    try:
        _same(fd, name)
        yield conn
    finally:
        conn.close()


@contextmanager
def time_limit(conn, seconds: float):
    timer = threading.Timer(seconds, conn.interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def discover(conn, settings) -> list[WorkUnit | Skip]:
    """Units as the SQL crawler's discover gives them (Location(schema, table), meta columns),
    with no source name or version: database_files names them within the files source."""
    with time_limit(conn, settings.statement_timeout):
        tables = conn.execute(
            "SELECT table_schema, table_name, table_type FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema NOT IN (?, ?) "
            "ORDER BY table_schema, table_name", list(_SYSTEM)).fetchall()
        columns = conn.execute(
            "SELECT table_schema, table_name, column_name, data_type, is_nullable, column_comment "
            "FROM information_schema.columns WHERE table_catalog = current_database() "
            "ORDER BY table_schema, table_name, ordinal_position").fetchall()
        estimates = {(s, t): n for s, t, n in conn.execute(
            "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() "
            "WHERE database_name = current_database()").fetchall()}
        default = conn.execute("SELECT current_schema()").fetchone()[0]
    by_table: dict[tuple[str, str], list[dict]] = {}
    for schema, table, name, type_name, nullable, comment in columns:
        upper = type_name.upper()
        by_table.setdefault((schema, table), []).append({
            "name": name, "type": type_name, "kind": kind_of(type_name), "nullable": nullable == "YES",
            "comment": comment, "integer": bool(_INTEGERS.match(upper)),
            "temporal": upper.startswith(("DATE", "TIMESTAMP")) and not _NESTED.match(upper), "indexed": False})
    found: list[WorkUnit | Skip] = []
    for schema, table, table_type in tables:
        location = Location(schema, table)
        if table_type == "VIEW" and not settings.views:
            found.append(Skip(location, "view (use --views to sample views)"))
            continue
        meta = {"columns": by_table.get((schema, table), []), "key": None,
                "kind": "view" if table_type == "VIEW" else "table", "schema_is_default": schema == default}
        found.append(WorkUnit("", "duckdb", location, estimates.get((schema, table)), meta))
    return found


def _select(col: dict, limit: int) -> str:
    """A column as it is read: numbers as they are, nested values as JSON text and the rest (dates
    too, which a subject search exports) as text, each cut in the database so no cell costs more
    than its cap."""
    q = _quote(col["name"])
    if col["kind"] == values.JSON:
        return f"left(CAST(to_json({q}) AS VARCHAR), {DOCUMENT_CHARS})"
    if col["kind"] in (values.SCALAR, values.PASSED_OVER) and not _NUMBERS.match(col["type"].upper()):
        return f"left(CAST({q} AS VARCHAR), {int(limit)})"
    return q


def _read(conn, sql: str, seconds: float, budget: int) -> list[tuple]:
    """The rows of `sql`, fetched in parts within a time limit; past `budget` characters of
    text the rest is left unread."""
    rows: list[tuple] = []
    spent = 0
    with time_limit(conn, seconds):
        result = conn.execute(sql)
        while spent <= budget:
            part = result.fetchmany(1000)
            if not part:
                break
            rows += part
            spent += sum(len(v) for row in part for v in row if isinstance(v, str))
    return rows


def _table(location: Location) -> str:
    return f"{_quote(location.container)}.{_quote(location.dataset)}"


def sample(conn, unit: WorkUnit, settings, selected) -> DatasetSample:
    """DatasetSample of the table as SqlCrawler.sample gives it: the same fields, kinds, skipped
    columns and `oldest`. `selected(location, column)` says which columns --exclude leaves."""
    cols = unit.meta["columns"]
    wanted = [c for c in cols if c["kind"] not in (values.BINARY, values.PASSED_OVER)
              and selected(unit.location, c["name"])]
    skipped = [(c["name"], f"binary column ({c['type']})") for c in cols if c["kind"] == values.BINARY]
    wanted, beyond = model_values.cap_columns(wanted)
    skipped += beyond
    columns = [{k: c[k] for k in ("name", "type", "nullable", "comment")} for c in cols]
    if not wanted:
        return DatasetSample(unit, [], 0, "no readable columns", skipped, columns)
    aged = ages.age_columns(cols)
    n = settings.sample_size
    # dates as text, which ages reads: no time zone database, infinity or year 20000 to convert
    listed = ", ".join([_select(c, settings.value_cap) for c in wanted]
                       + [f"CAST({_quote(a)} AS VARCHAR)" for a in aged])
    # reservoir: every row has the same chance, and REPEATABLE (one thread) gives the same rows again
    sql = (f"SELECT {listed} FROM {_table(unit.location)} "
           f"USING SAMPLE reservoir({int(n)} ROWS) REPEATABLE ({int(settings.seed) % (1 << 31)})")
    rows = _read(conn, sql, settings.statement_timeout, settings.max_object_bytes)[:n]
    width = len(wanted)
    age = ages.oldest({}, {a: [row[width + i] for row in rows] for i, a in enumerate(aged)})
    fields = []
    unreadable = model_values.Unreadable()
    for i, c in enumerate(wanted):
        for name, vals in values.expand(c["name"], c["kind"], [row[i] for row in rows], settings.value_cap,
                                        unreadable).items():
            fields.append(FieldSample(name, c["type"], vals, c["nullable"], c["comment"]))
    return DatasetSample(unit, fields, len(rows), f"reservoir sample (up to {n} rows, repeatable)", skipped, columns,
                         details={**unreadable.details(), **({"oldest": age} if age else {})})


def search(conn, unit: WorkUnit, matcher, options, settings) -> Iterator:
    """One person's rows: the table read whole, part by part, each row checked here as a file's
    are (no index to ask: a DuckDB table is scanned by column anyway)."""
    from scanner.subject.matching import Found, search_fields

    cols = [c for c in unit.meta["columns"] if c["kind"] != values.BINARY]
    found = Found(unit.location, searched=[c["name"] for c in cols], method="full read")
    if not cols:
        yield found
        return
    sql = f"SELECT {', '.join(_select(c, settings.value_cap) for c in cols)} FROM {_table(unit.location)}"
    unreadable = model_values.Unreadable()
    with time_limit(conn, settings.statement_timeout):
        result = conn.execute(sql)
    while not found.more:
        with time_limit(conn, settings.statement_timeout):
            part = result.fetchmany(settings.batch_rows)
        if not part:
            break
        fields = [FieldSample(name, c["type"], vals)
                  for i, c in enumerate(cols)
                  for name, vals in values.expand(c["name"], c["kind"], [row[i] for row in part],
                                                  settings.value_cap, unreadable).items()]
        search_fields(found, matcher, fields, len(part), options)
    found.searched = sorted({*found.searched, *matcher.target.fields()})
    yield found


class Tables:
    """sample and subject_search as the SQL crawler has them, over one open DuckDB file."""

    def __init__(self, conn, settings, selected):
        self.conn, self.settings, self.selected = conn, settings, selected

    def discover(self) -> list[WorkUnit | Skip]:
        return discover(self.conn, self.settings)

    def sample(self, unit: WorkUnit) -> DatasetSample:
        return sample(self.conn, unit, self.settings, self.selected)

    def subject_search(self, unit: WorkUnit, matcher, options) -> Iterator:
        return search(self.conn, unit, matcher, options, self.settings)
