"""Parallel scans: wall time against workers for an estate of many PostgreSQL tables, locally
(`--workers N`) and on a Dask LocalCluster, and the coordinator's CPU per unit.

    python -m bench.parallel [--tables 120] [--rows 1200000] [--runs 3] [--max-connections N]

Starts its own throw-away PostgreSQL on 127.0.0.1 (tests/servers.py) and builds the estate as
bench.sql_scan does (the demo estate's table kinds, each table with rows of its own, replicated
server-side), scanned at the default settings (one connection to the database, 1,000 rows a
table; `--max-connections N` to allow more) by a SELECT-only role. Each figure is the
median of `--runs` scans; the first local scan with N workers includes starting the pool (each
process builds its engine); the Dask cluster is started and warmed before timing.

The ceiling: PostgreSQL runs on the same cores as the scan. Each row prints the machine's CPU
seconds while it ran (`/proc/stat`: the scan, its detection processes and the server; anything
else running counts too) and how busy that kept the cores (CPU seconds / (wall seconds x
cores)). A row near 100% had the machine saturated: it goes faster only with less work per
unit, not with more processes. (One process with threads can cost more CPU than two processes
doing the same work: its threads contend for the interpreter lock.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from servers import PostgresServer  # noqa: E402

from bench.sql_scan import DB, Counting, build  # noqa: E402
from detectors.engine import Engine  # noqa: E402
from scanner.scan import run as pipeline  # noqa: E402
from scanner.scan.executors.dask import DaskExecutor  # noqa: E402
from scanner.scan.executors.local import LocalExecutor  # noqa: E402
from scanner.model.settings import ScanSettings  # noqa: E402
from scanner.model.sources import Source  # noqa: E402

SETTINGS = ScanSettings()  # defaults: one connection per database, as a scan without options runs


def busy_seconds() -> float:
    """CPU seconds every core of the machine has spent on anything but waiting, so far."""
    with open("/proc/stat") as fh:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fh.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def one(url: str, engine: Engine, executor) -> tuple[float, pipeline.Outcome, int, float]:
    writer = Counting()
    t, busy = time.perf_counter(), busy_seconds()
    executor.start(pipeline.engine_spec(SETTINGS, engine), engine)
    outcome = pipeline.scan([Source(url, crawler="sql")], SETTINGS, [writer], engine=engine, executor=executor)
    elapsed, busy = time.perf_counter() - t, busy_seconds() - busy
    assert outcome.exit_code == 0, [r for r in writer.records if r["record"] == "error"][:3]
    return elapsed, outcome, sum(r["record"] == "finding" for r in writer.records), busy


def measured(label: str, url: str, engine: Engine, make, runs: int, baseline: float | None) -> float:
    """The median wall seconds of `runs` scans, printed as a row with the machine's CPU."""
    times, cpu, busy = [], [], []
    for _ in range(runs):
        elapsed, outcome, findings, machine = one(url, engine, make())
        times.append(elapsed)
        busy.append(machine)
        cpu.append(outcome.stats["coordinator_cpu_s"] / max(outcome.stats["units"], 1))
    wall = statistics.median(times)
    speedup = f"{baseline / wall:.2f}x" if baseline else "1.00x"
    machine = statistics.median(busy)
    cores = len(os.sched_getaffinity(0))
    print(f"| {label} | {outcome.stats['units']} | {wall:.2f} | {outcome.stats['units'] / wall:.1f} | {speedup} | "
          f"{statistics.median(cpu) * 1000:.2f} | {machine:.1f} | {100 * machine / (wall * cores):.0f}% | {findings} |",
          flush=True)
    return wall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=120)
    parser.add_argument("--rows", type=int, default=1_200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-connections", type=int, default=None, help="per source (default: the crawler's, 1)")
    args = parser.parse_args(argv)
    global SETTINGS
    SETTINGS = ScanSettings(max_connections=args.max_connections)

    from distributed import LocalCluster

    engine = Engine().warm()  # built and warmed once before timing, as a long scan has it
    print(f"cores available: {len(os.sched_getaffinity(0))}; max connections per source: "
          f"{args.max_connections or 'default (1)'}")
    with PostgresServer() as server:
        t = time.perf_counter()
        made = build(server, args.tables, args.rows)
        print(f"estate: {len(made)} tables, {sum(n for _, n in made):,} rows, built in "
              f"{time.perf_counter() - t:.1f} s\n")
        url = server.url(user="leser", password="bench-passord", database=DB)
        print("| executor | units | wall s (median) | units/s | speed-up | coordinator CPU ms/unit "
              "| machine CPU s | cores busy | findings |")
        print("|---|---|---|---|---|---|---|---|---|")
        base = measured("local, --workers 1", url, engine, lambda: LocalExecutor(1), args.runs, None)
        measured("local, --workers 2", url, engine, lambda: LocalExecutor(2), args.runs, base)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address="127.0.0.1:0") as cluster:
            one(url, engine, DaskExecutor(cluster.scheduler_address))  # workers build their engines
            measured("dask, 2 workers x 1 thread (LocalCluster)", url, engine,
                     lambda: DaskExecutor(cluster.scheduler_address), args.runs, base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
