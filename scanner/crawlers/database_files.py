"""Database files the file walk finds (or is given as a path): an SQLite or DuckDB file is read as
the database it is, each of its tables a dataset of the files source, sampled by the SQL crawler
(SQLite) or as it samples (DuckDB, through duckdb itself: crawlers.duckdb_tables).

A file is a database by its content: the walk reads the head of every file that is a whole
number of database pages (512 bytes and up; text files seldom are) and of every name an SQLite
companion has. Its tables are named `kunder.db:main.kunde` (the file's path in the source, then
the table, as a zip's members are `eksport.zip:kunder.csv`), in the container of every other file
of the source.

Nothing is written: the file is opened `mode=ro&immutable=1` through the descriptor the walk's
checks opened (`/proc/self/fd/N`, so a symlink swapped in since cannot lead elsewhere), so no lock,
journal, `-wal` or `-shm` is made or touched beside it. A `-wal` is left out (a database in use is
scanned as `sqlite:///PATH`, which reads its commits); its `-wal`, `-shm` and `-journal` are parts
of it, not files of their own. A DuckDB file is opened read-only, its `.wal`'s commits read in
memory and nothing written (see duckdb_tables). Other databases (Access, Berkeley DB) are listed by
name with the reason they are not read.
"""

from __future__ import annotations

import os
import stat
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from scanner.crawlers import change_tokens as versions
from scanner.crawlers.datasets import Member
from scanner.crawlers.sql import sqlite as sql_sqlite
from scanner.crawlers.sql.crawler import SqlCrawler
from scanner.formats import own_outputs
from scanner.formats.detect import DATABASES, database_reason, magic
from scanner.model.sources import Source
from scanner.model.units import Failed, Location, Skip, WorkUnit, path_selected

PAGE = 512  # the smallest database page: a database file is a whole number of them
HEAD = 512  # the first page: SQLite's header, DuckDB's, Access's and Berkeley DB's magic
READ = ("sqlite", "duckdb")  # what is read as a database
COMPANIONS = {"sqlite": ("-wal", "-shm", "-journal"), "duckdb": (".wal",)}


def may_be(size: int) -> bool:
    """Whether a file of `size` bytes can be a database file (a whole number of pages)."""
    return size >= PAGE and size % PAGE == 0


def kind_of(fd: int) -> str | None:
    """The database a file holds, by its first bytes: "sqlite", "duckdb", "access", …; None."""
    found = magic(os.pread(fd, HEAD, 0))
    return found if found in DATABASES else None


def kind_at(path: str) -> str | None:
    """kind_of the regular file at `path` (not through a symlink); None when there is none."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        return kind_of(fd) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    finally:
        os.close(fd)


def is_sqlite(path: str) -> bool:
    return kind_at(path) == "sqlite"


def named_companion(path: str) -> bool:
    """Whether `path` is named as a database's `-wal`, `-shm` or `-journal` is."""
    return path.endswith(tuple(s for suffixes in COMPANIONS.values() for s in suffixes))


def companion(path: str) -> bool:
    """Whether `path` is the `-wal`, `-shm` or `-journal` of a database file beside it, which is
    read with it, not on its own."""
    for kind, suffixes in COMPANIONS.items():
        for suffix in suffixes:
            if path.endswith(suffix) and len(path) > len(suffix) and kind_at(path[: -len(suffix)]) == kind:
                return True
    return False


def _url(path: str) -> str:
    return f"sqlite:///{sql_sqlite.file_uri(path)}?immutable=1&uri=true"


def _through(fd: int, path: str) -> str:
    """The path SQLite opens: the descriptor itself where /proc shows it, else the path."""
    proc = f"/proc/self/fd/{fd}"
    return proc if os.path.exists(proc) else path


class _FileDatabase(SqlCrawler):
    """The SQL crawler over one database file of a files source: --exclude names its tables and
    columns as the files source does (`kunder.db:main.kunde.fnr`); --include chose the file."""

    def __init__(self, source: Source, settings, dataset: str, exclude: tuple[str, ...]):
        super().__init__(source, settings)
        self.dataset, self.exclude = dataset, exclude

    def selected_field(self, location: Location, column: str) -> bool:
        return path_selected(f"{self.dataset}.{column}", (), self.exclude)


@contextmanager
def _duckdb(files, key: str, fd: int, dataset: str = ""):
    """duckdb_tables over the DuckDB file open as `fd`: --exclude names its columns as _FileDatabase's."""
    # imported here: it imports SQLAlchemy, which a walk of a share need not
    from scanner.crawlers import duckdb_tables

    def selected(_where: Location, column: str) -> bool:
        return path_selected(f"{dataset}.{column}", (), files.settings.exclude)

    with duckdb_tables.connect(fd, os.path.join(files.root, key)) as conn:
        yield duckdb_tables.Tables(conn, files.settings, selected)


@contextmanager
def _database(files, key: str, fd: int, dataset: str = ""):
    """The SQL crawler over the file open as `fd` (found at `key` in the files source)."""
    path = _through(fd, os.path.join(files.root, key))
    source = Source(_url(path), files.source.name, SqlCrawler.NAME)
    sql = _FileDatabase(source, replace(files.settings, include=(), exclude=()), dataset, files.settings.exclude)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield sql
    finally:
        sql.close()


def _sqlite_tables(files, rel: str, fd: int, asked: bool) -> list | None:
    """The SQL crawler's units of the SQLite file; None when it is kartlegg's own inventory."""
    with _database(files, rel, fd) as sql:
        if not asked:
            import sqlalchemy as sa

            with sql.engine.connect() as conn:
                tables = set(sa.inspect(conn).get_table_names())
            if own_outputs.is_inventory(tables):
                return None
        return list(sql.discover())


def discover(files, rel: str, st: os.stat_result, kind: str, fd: int, asked: bool) -> Iterator[WorkUnit | Skip | Failed]:
    """The tables of the database file at `rel` (open as `fd`, its stat `st`) as units of the files
    source; `asked`: the source names this very file, so even kartlegg's own inventory is read."""
    from scanner.crawlers import duckdb_tables

    where = files._location(rel)
    if kind not in READ:
        yield Skip(where, database_reason(kind))
        return
    if kind == "duckdb" and not duckdb_tables.available():
        yield Skip(where, duckdb_tables.NOT_INSTALLED)
        return
    name = files.display(rel)
    tag = f"{st.st_dev}:{st.st_ino}"
    stamp = [st.st_ino, st.st_size, st.st_mtime_ns]
    try:
        if kind == "duckdb":
            # taken before anything is read (as `st`): a commit meanwhile is read again next time
            stamp.append(duckdb_tables.wal_stamp(fd, os.path.join(files.root, rel)))
            with _duckdb(files, rel, fd) as tables:
                found = tables.discover()
        else:
            found = _sqlite_tables(files, rel, fd, asked)
    except Exception as exc:  # noqa: BLE001 - a broken or encrypted file (or one a writer holds) fails itself
        yield Failed(where, exc)
        return
    if found is None:
        yield Skip(where, "kartlegg's own inventory: not scanned (give its path to scan it)")
        return
    if not found:
        yield Skip(where, f"{kind} database with no tables")
    for item in found:
        table = f"{name}:{item.location.container}.{item.location.dataset}"
        location = Location(where.container, table, None, where.base)
        if not path_selected(table, (), files.settings.exclude):
            continue
        if isinstance(item, Skip):
            yield Skip(location, item.reason)
        elif isinstance(item, Failed):
            yield Failed(location, item.error)
        else:
            columns = [[c["name"], c["type"]] for c in item.meta["columns"]]
            version = versions.digest("database-file", rel, stamp,
                                      item.location.container, item.location.dataset, columns)
            database = {"kind": kind, "path": rel, "size": st.st_size, "modified": st.st_mtime, "tag": tag,
                        "schema": item.location.container, "table": item.location.dataset}
            yield WorkUnit(files.source.name, files.NAME, location, item.row_estimate,
                           {**item.meta, "database": database}, version)


def is_table(unit: WorkUnit) -> bool:
    return "database" in unit.meta


@contextmanager
def _opened(files, unit: WorkUnit):
    """(the SQL crawler, or duckdb_tables, over the unit's file; the unit as that reader names it)."""
    db = unit.meta["database"]
    member = Member(db["path"], db["size"], db["modified"], db["tag"])
    reader = _duckdb if db["kind"] == "duckdb" else _database
    with files._fd(member) as fd, reader(files, db["path"], fd, unit.location.dataset) as sql:
        yield sql, replace(unit, crawler=SqlCrawler.NAME, location=Location(db["schema"], db["table"]))


def sample(files, unit: WorkUnit):
    with _opened(files, unit) as (sql, table):
        found = sql.sample(table)
    found.unit = unit
    found.details = {"format": unit.meta["database"]["kind"], **found.details}
    return found


def subject_search(files, unit: WorkUnit, matcher, options):
    with _opened(files, unit) as (sql, table):
        found = list(sql.subject_search(table, matcher, options))
    for f in found:
        if hasattr(f, "location") and f.location == table.location:
            f.location = unit.location
    yield from found
