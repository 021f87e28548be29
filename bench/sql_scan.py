"""Scanning PostgreSQL: wall time and rows/s over ~50 tables and ~2 million rows, and how the
time grows with the number of tables and with the size of one table.

    python -m bench.sql_scan [--tables 50] [--rows 2000000] [--sizes 10000,100000,1000000,3000000]

Starts its own throw-away PostgreSQL on 127.0.0.1 (tests/servers.py), builds the estate from
the generated demo estate's tables (each table a slice of 2,000 of one estate table's rows that no
other table holds, replicated server-side to its size), ANALYZEs it, and scans it at the default
sample size with a SELECT-only role. The engine is built once before timing, as a long scan would.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from servers import PostgresServer  # noqa: E402

from detectors.engine import Engine  # noqa: E402
from scanner.scan import run as pipeline  # noqa: E402
from demo.estate import EMPTY_TABLE, build_metadata, populate  # noqa: E402
from scanner.model.settings import ScanSettings  # noqa: E402
from scanner.model.sources import Source  # noqa: E402

DB = "bench"
SEED_ROWS = 2000
SIZES = (1_000, 5_000, 20_000, 60_000, 114_000)  # cycled: 10 rounds of these ≈ 2M rows


class Counting:
    def __init__(self):
        self.records = []

    def write(self, record):
        self.records.append(record)

    def close(self):
        pass


def build(server: PostgresServer, tables: int, total_rows: int, own_rows: bool = True) -> list[tuple[str, int]]:
    """The estate: `tables` tables of the demo estate's kinds, `total_rows` rows in all, and the
    kinds' own tables in `public`. With `own_rows`, each table holds a slice of SEED_ROWS generated
    rows no other table holds, replicated to its size (`public` keeps the first slice), so a scan
    meets a value again only where the generator repeats one, not in every table of a kind (the
    engine remembers what it analysed). Without, every table repeats its kind's SEED_ROWS."""
    server.create_database(DB)
    engine = sa.create_engine(server.url(database=DB))
    kinds = [t.name for t in build_metadata().sorted_tables if t.name != EMPTY_TABLE]
    # slices of SEED_ROWS, twice a sample: a sample of a table holds some rows twice, as before
    slices = 1 + -(-tables // len(kinds)) if own_rows else 1
    populate(engine, rows=slices * SEED_ROWS, schema=None)
    scale = total_rows / (sum(SIZES) * tables / len(SIZES))
    made = []
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA estate")
        for i in range(tables):
            kind, size = kinds[i % len(kinds)], max(100, int(SIZES[i % len(SIZES)] * scale))
            name = f"t{i:02d}_{kind.lower().replace(' ', '_')}"
            offset = (1 + i // len(kinds)) * SEED_ROWS if own_rows else 0
            copies = -(-size // SEED_ROWS)
            conn.exec_driver_sql(
                f'CREATE TABLE estate."{name}" AS SELECT m.* FROM (SELECT * FROM public."{kind}" '
                f"ORDER BY ctid LIMIT {SEED_ROWS} OFFSET {offset}) m, generate_series(1, {copies}) g LIMIT {size}"
            )
            made.append((name, size))
        if own_rows:  # the kinds' own tables keep their first slice (foreign keys not checked: a bench)
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            for kind in kinds:
                conn.exec_driver_sql(f'DELETE FROM public."{kind}" WHERE ctid NOT IN '
                                     f'(SELECT ctid FROM public."{kind}" ORDER BY ctid LIMIT {SEED_ROWS})')
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    server.create_readonly_role("leser", "bench-passord", DB)
    return made


def timed_scan(url: str, engine: Engine, include: tuple[str, ...] = ()) -> tuple[float, list[dict]]:
    writer = Counting()
    t = time.perf_counter()
    outcome = pipeline.scan([Source(url, crawler="sql")], ScanSettings(include=include), [writer], engine=engine)
    elapsed = time.perf_counter() - t
    assert outcome.exit_code == 0, [r for r in writer.records if r["record"] == "error"][:3]
    return elapsed, writer.records


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--sizes", default="10000,100000,1000000,3000000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    engine = Engine().warm()  # built and warmed once before timing, as a long scan has it
    with PostgresServer() as server:
        t = time.perf_counter()
        made = build(server, args.tables, args.rows)
        total = sum(n for _, n in made)
        print(f"estate: {len(made)} tables, {total:,} rows, built in {time.perf_counter() - t:.1f} s\n")
        url = server.url(user="leser", password="bench-passord", database=DB)

        print("## Whole estate (default sample size 1000 rows per table)\n")
        print("| tables | estate rows | rows sampled | wall s | sampled rows/s | estate rows/s | findings |")
        print("|---|---|---|---|---|---|---|")
        for n in sorted({10, 25, args.tables}):
            include = tuple(f"estate.{name}" for name, _ in made[:n])
            elapsed, records = timed_scan(url, engine, include)
            sampled = sum(r["rows_sampled"] for r in records if r["record"] == "dataset")
            rows = sum(size for _, size in made[:n])
            findings = sum(r["record"] == "finding" for r in records)
            print(f"| {n} | {rows:,} | {sampled:,} | {elapsed:.2f} | {sampled / elapsed:,.0f} | "
                  f"{rows / elapsed:,.0f} | {findings} |")

        print("\n## One table (kunde) by size\n")
        print("| table rows | sampling method | rows sampled | wall s |")
        print("|---|---|---|---|")
        admin = sa.create_engine(server.url(database=DB))
        with admin.connect() as conn:
            kunder = conn.exec_driver_sql("SELECT count(*) FROM public.kunde").scalar()
        for size in sizes:
            copies = -(-size // kunder)
            with admin.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS estate.kunde_stor")
                conn.exec_driver_sql(
                    f"CREATE TABLE estate.kunde_stor AS SELECT m.* FROM public.kunde m, "
                    f"generate_series(1, {copies}) g LIMIT {size}"
                )
                conn.exec_driver_sql("ANALYZE estate.kunde_stor")
                conn.exec_driver_sql("GRANT SELECT ON estate.kunde_stor TO leser")
            elapsed, records = timed_scan(url, engine, ("estate.kunde_stor",))
            (ds,) = [r for r in records if r["record"] == "dataset"]
            print(f"| {size:,} | {ds['method']} | {ds['rows_sampled']:,} | {elapsed:.2f} |")
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
