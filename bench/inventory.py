"""The inventory at scale: writing a scan's records, computing its changes, and exporting, in
SQLite and in PostgreSQL, for an estate of many tables and fields.

    python -m bench.inventory [--tables 1000] [--fields 20] [--scans 2] [--backends sqlite,postgresql]

Record streams are generated (no detection): every table has `--fields` fields with one or two
findings each; the second scan changes a tenth of the tables (a field added, one dropped, a
confidence jump) so `changes` has work to do. PostgreSQL is a throw-away server on 127.0.0.1
(tests/servers.py). Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from detectors.column import EntityVerdict  # noqa: E402
from scanner.model import records  # noqa: E402
from scanner.inventory.changes import changes  # noqa: E402
from scanner.inventory.export import write_csv, write_jsonl, write_xlsx  # noqa: E402
from scanner.inventory.store import Store  # noqa: E402

SOURCE = {"name": "kundesystem", "type": "sql", "uri": "postgresql://leser:***@db.invalid/kunder"}
TYPES = [("NO_FODSELSNUMMER", "identity"), ("EMAIL_ADDRESS", "contact"), ("NO_PHONE_NUMBER", "contact"),
         ("NO_METER_ID", "metering"), ("NO_BANK_ACCOUNT", "financial")]


def stream(scan_no: int, tables: int, fields: int, rnd: random.Random) -> list[dict]:
    scan_id = f"bench-{scan_no}"
    started = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=scan_no)
    out = [records.header(scan_id, started.isoformat().replace("+00:00", "Z"), {"name": "kartlegg", "version": "bench"},
                          [SOURCE], {"sample_size": 1000, "min_confidence": 0.5}, {"language": "nb", "model": "x",
                                                                                   "detectors": []})]
    n = 0
    for t in range(tables):
        changed = scan_no > 0 and t % 10 == 0
        names = [f"f{j:02d}" for j in range(fields - (1 if changed else 0))] + (["added"] if changed else [])
        loc = {"container": "public", "dataset": f"t{t:05d}", "field": None,
               "uri": f"{SOURCE['uri']}/public/t{t:05d}"}
        out.append(records.dataset(scan_id, SOURCE, loc, 1000, 50_000, len(names), "tablesample", 5,
                                   [{"name": f, "type": "text"} for f in names]))
        for j, f in enumerate(names):
            for et, cat in TYPES[j % 5: j % 5 + 1 + (j % 3 == 0)]:
                conf = 0.6 if (changed and j == 0) else 0.95
                v = EntityVerdict(et, cat, 900, 1000, 0.9, conf, True, reasons=["bench"], examples=["01019*****"],
                                  fingerprints=["hmac-sha256:" + f"{rnd.getrandbits(128):032x}"])
                out.append(records.finding(scan_id, SOURCE, {**loc, "field": f, "uri": f"{loc['uri']}#{f}"}, v,
                                           "text", 50_000, True))
                n += 1
    out.append(records.summary(scan_id, (started + timedelta(hours=1)).isoformat(), 3600.0,
                               {"findings": n, "by_category": {}, "locations": {"scanned": tables, "skipped": 0,
                                                                                "failed": 0},
                                "sources": {"total": 1, "failed": 0}}, 0))
    return out


def run(url: str, args) -> dict:
    rnd = random.Random(1)
    store = Store.open(url)
    row = {}
    try:
        for s in range(args.scans):
            recs = stream(s, args.tables, args.fields, rnd)
            w = store.writer()
            t = time.perf_counter()
            for r in recs:
                w.write(r)
            w.close()
            dt = time.perf_counter() - t
            row[f"write{s}"] = (len(recs), dt)
        t = time.perf_counter()
        found = changes(store, f"bench-{args.scans - 1}")
        row["changes"] = (len(found), time.perf_counter() - t)
        t = time.perf_counter()
        write_csv(store, io.StringIO(), "findings")
        row["csv"] = time.perf_counter() - t
        t = time.perf_counter()
        write_csv(store, io.StringIO(), "art30")
        row["art30"] = time.perf_counter() - t
        t = time.perf_counter()
        write_jsonl(store, io.StringIO())
        row["jsonl"] = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            write_xlsx(store, Path(d) / "x.xlsx")
            row["xlsx"] = time.perf_counter() - t
    finally:
        store.dispose()
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--fields", type=int, default=20)
    ap.add_argument("--scans", type=int, default=2)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as d:
                results[backend] = run(str(Path(d) / "inventory.sqlite"), args)
        else:
            from servers import PostgresServer

            with PostgresServer() as server:
                server.create_database("inventory_bench")
                results[backend] = run(server.url(database="inventory_bench"), args)
    print(f"{args.tables} tables × {args.fields} fields, {args.scans} scans\n")
    print("| store | scan | records | write s | records/s | changes (n, s) | CSV findings s | Art. 30 s | JSONL s "
          "| XLSX s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for backend, row in results.items():
        for s in range(args.scans):
            n, dt = row[f"write{s}"]
            last = s == args.scans - 1
            extra = (f"{row['changes'][0]}, {row['changes'][1]:.2f} | {row['csv']:.2f} | {row['art30']:.2f} | "
                     f"{row['jsonl']:.2f} | {row['xlsx']:.2f}") if last else " | | | | "
            print(f"| {backend} | {s + 1} | {n:,} | {dt:.1f} | {n / dt:,.0f} | {extra} |")


if __name__ == "__main__":
    main()
