"""Incremental scans of PostgreSQL: a nightly scan where little changed, against reading it all.

    python -m bench.incremental [--tables 50] [--rows 500000] [--changed 1,5]

Starts its own throw-away PostgreSQL (tests/servers.py), builds the sql_scan estate, and scans it
with an SQLite inventory: once in full, again with --incremental and nothing changed, and again
after writing to N tables. The engine is built once before timing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from servers import PostgresServer  # noqa: E402

from bench.sql_scan import DB, Counting, build  # noqa: E402
from detectors.engine import Engine  # noqa: E402
from scanner.scan import run as pipeline  # noqa: E402
from scanner.inventory.store import Store  # noqa: E402
from scanner.model.settings import ScanSettings  # noqa: E402
from scanner.model.sources import Source  # noqa: E402


def scan(url: str, engine: Engine, store: Store, incremental: bool) -> tuple[float, dict]:
    writer = Counting()
    t = time.perf_counter()
    outcome = pipeline.scan([Source(url, "estate", crawler="sql")], ScanSettings(incremental=incremental), [writer],
                            engine=engine, inventory=store)
    elapsed = time.perf_counter() - t
    assert outcome.exit_code == 0, [r for r in writer.records if r["record"] == "error"][:3]
    return elapsed, outcome.summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=50)
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--changed", default="1,5")
    args = parser.parse_args(argv)

    engine = Engine().warm()  # built and warmed once before timing, as a long scan has it
    with PostgresServer() as server, tempfile.TemporaryDirectory() as tmp:
        made = build(server, args.tables, args.rows)
        url = server.url(user="leser", password="bench-passord", database=DB)
        store = Store.open(str(Path(tmp) / "inventory.sqlite"))
        admin = sa.create_engine(server.url(database=DB))
        print(f"estate: {len(made)} tables, {sum(n for _, n in made):,} rows\n")
        print("| scan | datasets read | unchanged | wall s |")
        print("|---|---|---|---|")

        def row(label: str, incremental: bool) -> None:
            elapsed, summary = scan(url, engine, store, incremental)
            loc = summary["locations"]
            print(f"| {label} | {loc['scanned']} | {loc.get('unchanged', '-')} | {elapsed:.2f} |")

        row("first, full", False)
        time.sleep(1.1)  # statistics of the build flushed
        row("incremental, nothing changed", True)
        row("full again, nothing changed", False)
        offset = 0
        for n in (int(c) for c in args.changed.split(",")):
            with admin.begin() as conn:
                for name, _ in made[offset:offset + n]:
                    conn.exec_driver_sql(f'DELETE FROM estate."{name}" WHERE ctid IN '
                                         f'(SELECT ctid FROM estate."{name}" LIMIT 1)')
                conn.exec_driver_sql("SELECT pg_stat_force_next_flush()")
            offset += n
            time.sleep(0.2)
            row(f"incremental, {n} table(s) written", True)
        admin.dispose()
        store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
