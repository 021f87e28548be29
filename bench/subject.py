"""A data subject's request on a PostgreSQL estate: time per request, and proof from the server
that an indexed identifier column is answered by its index (no sequential scan of a 2-million-row
table) and that nothing but reads was sent.

    python -m bench.subject [--tables 49] [--rows 2000000] [--big 2000000] [--runs 3]

Starts its own throw-away PostgreSQL on 127.0.0.1 (tests/servers.py); builds `--tables` tables
as bench.sql_scan does (the demo estate's tables replicated server-side to `--rows` rows in all,
no indexes) plus `kunde_stor`, `--big` customers with indexes on fnr, e-mail and phone, one of
them the person asked for (whose identifiers the demo's `kunde` also holds, so the replicated
tables hold them too); scans it once at the default settings into an inventory with a
SELECT-only role; then runs `kartlegg subject --id fnr=… --id email=… --id phone=…` `--runs`
times as a user would (a new process each time, start-up included). Reported: the median wall
time of a request, the locations searched and found, `pg_stat_user_tables` for `kunde_stor`
before and after (sequential scans must not grow; index scans must), and the statements the
role sent (all reads).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from servers import PostgresServer  # noqa: E402

from bench.sql_scan import DB, build  # noqa: E402
from detectors import synthetic  # noqa: E402

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|COPY)\b", re.I)
CHUNK = 200_000


def kartlegg() -> str:
    return shutil.which("kartlegg", path=os.path.dirname(sys.executable)) or "kartlegg"


def big_table(server: PostgresServer, rows: int, person: dict) -> None:
    """`estate.kunde_stor`: `rows` customers, the person at a random place among them."""
    rnd = random.Random(5)
    fnrs = [synthetic.fodselsnummer(rnd) for _ in range(50_000)]
    at = rnd.randrange(rows)
    conn = server._connect(DB)
    try:
        cur = conn.cursor()
        cur.execute("CREATE TABLE estate.kunde_stor (kunde_id bigint PRIMARY KEY, fnr varchar(11), "
                    "navn varchar(100), epost varchar(120), tlf varchar(20))")
        for start in range(0, rows, CHUNK):
            buf = io.StringIO()
            for i in range(start, min(rows, start + CHUNK)):
                if i == at:
                    buf.write(f"{i}\t{person['fnr']}\t{person['navn']}\t{person['epost']}\t{person['tlf']}\n")
                else:
                    buf.write(f"{i}\t{fnrs[i % len(fnrs)]}\tKunde {i}\tkunde{i}@example.no\t"
                              f"{synthetic.format_phone(f'4{i % 10_000_000:07d}', 'spaced3')}\n")
            buf.seek(0)
            cur.copy_expert("COPY estate.kunde_stor FROM STDIN", buf)
        for col in ("fnr", "epost", "tlf"):
            cur.execute(f"CREATE INDEX kunde_stor_{col} ON estate.kunde_stor ({col})")
        cur.execute("ANALYZE estate.kunde_stor")
    finally:
        conn.close()


def table_stats(server: PostgresServer) -> tuple[int, int]:
    (seq, idx), = server.execute("SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables "
                                 "WHERE schemaname = 'estate' AND relname = 'kunde_stor'", database=DB)
    return int(seq), int(idx)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=49)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--big", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="kartlegg-subject-bench-"))
    try:
        with PostgresServer() as server:
            t = time.perf_counter()
            build(server, args.tables, args.rows, own_rows=False)  # the person in every table of a kind
            (fnr, navn, epost, tlf), = server.execute(
                "SELECT fnr, navn, epost, tlf FROM public.kunde ORDER BY kunde_id LIMIT 1", database=DB)
            person = {"fnr": fnr, "navn": navn, "epost": epost, "tlf": tlf}
            big_table(server, args.big, person)
            server.execute("GRANT SELECT ON estate.kunde_stor TO leser", database=DB)  # build() made the role
            print(f"estate: {args.tables} tables, {args.rows:,} rows + kunde_stor {args.big:,} rows "
                  f"(built in {time.perf_counter() - t:.0f} s)", flush=True)
            url = server.url(user="leser", password="bench-passord", database=DB)
            env = {**os.environ, "KARTLEGG_INVENTORY": str(work / "inventory.sqlite")}
            t = time.perf_counter()
            scan = subprocess.run([kartlegg(), "scan", url, "--include", "estate.*", "-o", str(work / "scan.jsonl"),
                                   "-q"], env=env)
            print(f"scan (default settings, inventory): {time.perf_counter() - t:.1f} s, exit {scan.returncode}")
            ids = ["--id", f"fnr={fnr}", "--id", f"email={epost}", "--id", f"phone={tlf}"]
            times, summary, lines = [], None, []
            seq0, idx0 = table_stats(server)
            log_at = len(server.log_text())
            for _ in range(args.runs):
                t = time.perf_counter()
                done = subprocess.run([kartlegg(), "subject", url, *ids, "--json"], env=env, capture_output=True,
                                      text=True)
                times.append(time.perf_counter() - t)
                lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
                summary = lines[-1]
                assert done.returncode == 0, done.stderr[-2000:]
            time.sleep(1.5)  # the server's statistics are flushed within a second of a session's end
            seq1, idx1 = table_stats(server)
            statements = re.findall(r" leser@bench LOG:  statement: (.*)", server.log_text()[log_at:])
            writes = [s for s in statements if WRITE.search(s)]
            big = next(r for r in lines if r["record"] == "match" and r["location"]["dataset"] == "kunde_stor")
            n = summary["locations"]
            print(f"request (fnr, e-mail, phone; a new process each, start-up included): median "
                  f"{statistics.median(times):.2f} s over {args.runs} runs ({', '.join(f'{x:.2f}' for x in times)}); "
                  f"search alone {summary['duration_s']:.2f} s")
            print(f"  locations searched {n['searched']}, found in {n['found']}, not found {n['not_found']}, "
                  f"errors {n['error']}, skipped {n['skipped']}; kunde_stor: {big['rows']} row(s), {big['method']}")
            print(f"  kunde_stor ({args.big:,} rows), pg_stat_user_tables over the {args.runs} requests: "
                  f"seq_scan +{seq1 - seq0}, idx_scan +{idx1 - idx0}")
            print(f"  statements sent by the read-only role: {len(statements)}, writes {len(writes)}")
            ok = seq1 == seq0 and idx1 > idx0 and not writes
            print("index lookups only on the indexed table, reads only:", "yes" if ok else "NO")
            return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
