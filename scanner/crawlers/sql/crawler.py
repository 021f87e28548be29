"""Databases through SQLAlchemy: PostgreSQL, MySQL/MariaDB, SQLite, SQL Server, Oracle.

Connections are read-only, time-limited and few (`max_connections` per source); discovery reads
the catalog only, and each table is sampled with its engine's cheapest method.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from scanner.crawlers import change_tokens as versions
from scanner.crawlers.sql import sqlite as sql_sqlite
from scanner.model import values as model_values
from scanner.model.protocols import Crawler
from scanner.model.units import (
    DatasetSample,
    Failed,
    FieldSample,
    Location,
    Skip,
    WorkUnit,
    field_selected,
)
from scanner.system.log_events import event

log = logging.getLogger(__name__)

# SQLAlchemy and the modules built on it are imported by _load(), when a database is first read:
# choosing this crawler for a URL (`--validate`, the files crawler's import of it) must not cost
# the ~0.2 s of importing SQLAlchemy.
sa = ages = dialects = values = None


def _load() -> None:
    global sa, ages, dialects, values
    if values is None:
        import sqlalchemy

        from scanner.crawlers.sql import ages as _ages
        from scanner.crawlers.sql import dialects as _dialects
        from scanner.crawlers.sql import values as _values

        sa, ages, dialects = sqlalchemy, _ages, _dialects
        values = _values  # last: the others are set once this one is


def _ordered(index: dict) -> bool:
    """An index that keeps its keys in order (a B-tree), so MIN() reads one end of it: not a hash,
    BRIN, GIN or GiST index, on which MIN() reads the table."""
    options = index.get("dialect_options") or {}
    if any(k.endswith("_prefix") and str(v).upper() in ("FULLTEXT", "SPATIAL") for k, v in options.items()):
        return False  # MySQL/MariaDB
    return str(options.get("postgresql_using") or "btree").lower() in ("btree", "b-tree")


def read_only_url(url: str) -> sa.URL:
    """The URL the engine is made from. An SQLite file becomes a `mode=ro` URI (the file opened
    read-only by SQLite itself, not just by convention); each connection is then opened by
    `sqlite_connector`, which also keeps files from being made beside it."""
    from scanner.model.sources import with_driver

    _load()
    parsed = with_driver(sa.make_url(url))
    found = sql_sqlite.target(parsed) if parsed.get_backend_name() == "sqlite" else None
    if found is None:
        return parsed
    driver = {k: v for k, v in parsed.query.items() if k in sql_sqlite.DRIVER_ARGS}
    return parsed.set(database=sql_sqlite.file_uri(found.path),
                      query={**driver, **found.params, "mode": "ro", "uri": "true"})


def sqlite_connector(found: sql_sqlite.Target, source_name: str):
    """SQLAlchemy's do_connect for an SQLite file: each connection opened as sql_sqlite.plan
    decides from the files beside it at that moment."""
    warned = []

    def do_connect(_dialect, _record, _cargs, cparams):
        conn, plan = sql_sqlite.open_read_only(found, **cparams)
        if plan.unread and not warned:  # once per engine, not per pooled connection
            warned.append(True)
            event(log, logging.WARNING, "sqlite.wal_not_read", source=source_name,
                  reason="a -wal without its -shm whose commits cannot be read without writing beside it")
        return conn

    return do_connect


def connect_args(url: sa.URL, settings) -> dict:
    _load()
    backend = url.get_backend_name()
    timeout = int(settings.connect_timeout)
    if backend == "postgresql":
        return {"connect_timeout": timeout, "application_name": "kartlegg"}
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": timeout, "read_timeout": int(settings.statement_timeout) + 5}
    if backend == "sqlite":
        return {"timeout": settings.lock_timeout}
    if backend == "mssql":
        return {"timeout": timeout}
    return {}


class SqlCrawler(Crawler):
    NAME = "sql"
    SCHEMES = (
        "postgresql", "postgresql+psycopg2", "postgresql+psycopg", "postgres",
        "mysql", "mysql+pymysql", "mariadb", "mariadb+pymysql", "sqlite",
        "mssql", "mssql+pyodbc", "mssql+pymssql", "oracle", "oracle+oracledb",
    )
    EMPTY = "empty database: no tables or views"

    def __init__(self, source, settings):
        super().__init__(source, settings)
        _load()
        self._engine: sa.Engine | None = None

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            url = read_only_url(self.source.url)
            self._engine = sa.create_engine(
                url,
                connect_args=connect_args(url, self.settings),
                poolclass=sa.pool.QueuePool,
                pool_size=self.connections,  # the per-source connection limit
                max_overflow=0,
                pool_timeout=self.settings.statement_timeout * 2,
                pool_pre_ping=True,
                hide_parameters=True,  # error messages must not carry sampled values
                # PostgreSQL drivers parse json/jsonb themselves, recursively: a document a few
                # thousand levels deep fails the table. As text, sql_values parses it within a limit.
                **({"json_deserializer": model_values.json_text} if url.get_backend_name() == "postgresql" else {}),
            )
            found = sql_sqlite.target(url) if url.get_backend_name() == "sqlite" else None
            if found is not None:
                sa.event.listen(self._engine, "do_connect", sqlite_connector(found, self.source.name))
            dialects.make_read_only(self._engine, self.settings)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- discovery ------------------------------------------------------------------------------
    def discover(self) -> Iterator[WorkUnit | Skip | Failed]:
        with self.engine.connect() as conn:
            inspector = sa.inspect(conn)
            dialect = conn.dialect.name
            default_schema = inspector.default_schema_name
            schemas = [s for s in inspector.get_schema_names() if not dialects.is_system_schema(s)]
            # SQLite: the file's stat, taken before anything is read, stands for all its tables
            sqlite_file = self._sqlite_version() if dialect == "sqlite" else None
            for schema in schemas:
                try:
                    estimates = dialects.row_estimates(conn, schema)
                except sa.exc.DBAPIError:
                    conn.rollback()
                    estimates = {}
                try:
                    stamps = dialects.change_stamps(conn, schema)
                except sa.exc.DBAPIError:  # no token: the tables are read as before
                    conn.rollback()
                    stamps = {}
                catalog = self._catalog_names(conn, dialect, schema)
                names = [(n, "table") for n in inspector.get_table_names(schema=schema)]
                views = [(n, "view") for n in inspector.get_view_names(schema=schema)]
                if sqlite_file is not None and schema == "main":
                    stamps = {n: sqlite_file for n, _ in names}
                for name, kind in names + views:
                    location = Location(schema, name)
                    if not self.selected(location):
                        continue
                    if kind == "view" and not self.settings.views:
                        yield Skip(location, "view (use --views to sample views)")
                        continue
                    stamp = stamps.get(name) if kind == "table" else None
                    yield self._unit(conn, inspector, dialect, schema, default_schema, name, kind, estimates, stamp,
                                     catalog.get(name))

    def _sqlite_version(self) -> str | None:
        """The database file's and its WAL's stat (inode, size, mtime in ns): any write changes it,
        so every table of the file is read again. In-memory databases have none. The -shm is left
        out: readers write their read marks into it."""
        found = sql_sqlite.target(sa.make_url(self.source.url))
        if found is None or versions.file_stamp(found.path) is None:
            return None
        return versions.file_version([found.path, f"{found.path}-wal"], "sqlite-file")

    @staticmethod
    def _catalog_names(conn, dialect: str, schema: str) -> dict[str, list[str]]:
        """MySQL/MariaDB: each table's column names as the catalog holds them (see
        dialects.true_names); nothing for other engines, whose reflection reads the catalog."""
        if dialect not in ("mysql", "mariadb"):
            return {}
        try:
            return dialects.mysql_column_names(conn, schema)
        except sa.exc.DBAPIError:
            conn.rollback()
            return {}

    def _unit(self, conn, inspector, dialect, schema, default_schema, name, kind, estimates,
              stamp=None, catalog: list[str] | None = None) -> WorkUnit | Failed:
        location = Location(schema, name)
        try:
            columns = inspector.get_columns(name, schema=schema)
            pk = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
            try:  # what leads an index: a date column's MIN() comes from it at once (retention checks)
                leading = {i["column_names"][0] for i in inspector.get_indexes(name, schema=schema)
                           if i.get("column_names") and i["column_names"][0] and _ordered(i)}
            except (sa.exc.SQLAlchemyError, NotImplementedError):
                conn.rollback()
                leading = set()
        except sa.exc.SQLAlchemyError as exc:
            conn.rollback()
            return Failed(location, exc)
        real = dialects.true_names([c["name"] for c in columns], catalog)
        columns = [{**c, "name": real.get(c["name"], c["name"])} for c in columns]
        pk = [real.get(p, p) for p in pk]
        cols = []
        for c in columns:
            kind_ = values.kind_of(c["type"])
            cols.append(
                {
                    "name": c["name"],
                    "type": values.type_name(c["type"]),
                    "kind": kind_,
                    "nullable": c.get("nullable"),
                    "comment": c.get("comment"),
                    "integer": isinstance(c["type"], sa.types.Integer),
                    "temporal": isinstance(c["type"], (sa.types.Date, sa.types.DateTime)),
                    "indexed": c["name"] in leading or c["name"] in pk[:1],
                }
            )
        key = pk[0] if len(pk) == 1 and any(c["name"] == pk[0] and c["integer"] for c in cols) else None
        if dialect == "sqlite" and key is None:
            key = "rowid"
        estimate = estimates.get(name)
        # The change token (see sql_dialects.change_stamps): the catalog's word on the data, and
        # the columns, so a renamed or added column is a change too.
        version = None
        if stamp is not None:
            rule = {"mariadb": "mysql"}.get(dialect, dialect)
            version = versions.digest(rule, schema, name, stamp, [[c["name"], c["type"]] for c in cols])
        return WorkUnit(
            source=self.source.name,
            crawler=self.NAME,
            location=location,
            row_estimate=estimate,
            meta={"columns": cols, "key": key, "kind": kind, "schema_is_default": schema == default_schema},
            version=version,
        )

    # -- sampling ----------------------------------------------------------------------------------
    def sample(self, unit: WorkUnit) -> DatasetSample:
        cols = unit.meta["columns"]
        schema, name = unit.location.container, unit.location.dataset
        wanted = [c for c in cols if c["kind"] not in (values.BINARY, values.PASSED_OVER)
                  and self.selected_field(unit.location, c["name"])]
        skipped = [(c["name"], f"binary column ({c['type']})") for c in cols if c["kind"] == values.BINARY]
        wanted, beyond = model_values.cap_columns(wanted)  # one skipped record for the columns past the cap
        skipped += beyond
        if not wanted:
            return DatasetSample(unit, [], 0, "no readable columns", skipped, self._columns(cols))
        aged = ages.age_columns(cols)
        by_index = [a for a in aged if next(c for c in cols if c["name"] == a).get("indexed")]
        in_sample = [a for a in aged if a not in by_index]
        table = sa.table(name, *[sa.column(c["name"]) for c in wanted], *map(sa.column, in_sample), schema=schema)
        n = self.settings.sample_size  # the source's own settings (ScanSettings.for_source)
        key = unit.meta.get("key")
        with self.engine.connect() as conn:
            dialect = conn.dialect.name
            estimate = unit.row_estimate
            if dialect == "sqlite":
                estimate = dialects.sqlite_max_rowid(conn, sa.table(name, schema=schema))
            key_range = None
            if key and dialect in ("mysql", "mariadb", "sqlite") and (estimate or 0) > dialects.SMALL_FACTOR * n:
                key_col = sa.literal_column("rowid") if key == "rowid" else sa.column(key)
                key_table = sa.table(name, schema=schema)
                low, high = conn.execute(sa.select(sa.func.min(key_col), sa.func.max(key_col)).select_from(key_table)).one()
                key_range = (low, high) if low is not None else None
                if key == "rowid":
                    table = sa.table(name, *[sa.column(c["name"]) for c in wanted], *map(sa.column, in_sample),
                                     sa.column("rowid"), schema=schema)
            statements, method = dialects.plan(
                dialect, table, [c["name"] for c in wanted] + in_sample, estimate, n, key=key, key_range=key_range,
                seed=self.settings.seed,
            )
            rows = []
            for stmt in statements:
                rows.extend(dialects.rows(conn, stmt))
                if len(rows) >= n:
                    break
            rows = rows[:n]
            minimums = ages.indexed_minimums(conn, sa.table(name, schema=schema), by_index)
        width = len(wanted)
        age = ages.oldest(minimums, {a: [row[width + i] for row in rows] for i, a in enumerate(in_sample)})
        fields = []
        unreadable = model_values.Unreadable()  # cells that cannot be read (JSON nested too deep): counted
        for i, c in enumerate(wanted):
            column_values = [row[i] for row in rows]
            for field_name, vals in values.expand(c["name"], c["kind"], column_values, self.settings.value_cap,
                                                  unreadable).items():
                fields.append(FieldSample(field_name, c["type"], vals, c["nullable"], c["comment"]))
        return DatasetSample(unit, fields, len(rows), method, skipped, self._columns(cols),
                             details={**unreadable.details(), **({"oldest": age} if age else {})})

    def subject_search(self, unit: WorkUnit, matcher, options):
        from scanner.crawlers.sql import subject

        yield subject.search(self, unit, matcher, options.max_rows, options.keep_rows)

    @staticmethod
    def _columns(cols: list[dict]) -> list[dict]:
        return [{k: c[k] for k in ("name", "type", "nullable", "comment")} for c in cols]

    def selected_field(self, location: Location, column: str) -> bool:
        return field_selected(location, column, self.settings.include, self.settings.exclude)
