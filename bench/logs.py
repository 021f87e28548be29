"""Log scanning speed and memory: `--full` over one large plain application log, and the default
sampled scan of the same file.

    python -m bench.logs --size-mb 1024            # the BENCHMARKS.md figures
    python -m bench.logs --size-mb 50 --keep       # quick look; keep the file for other runs

The log is generated line by line (never held in memory): timestamped application lines of
many shapes, about 4% of them with personal data (fødselsnummer, e-mail, phone, client IP), the
rest operational noise with ids, durations and counters. The scanner runs as a child process;
its peak memory is the kernel's high-water mark for it (VmHWM), polled while it runs.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from detectors import synthetic

MiB = 1 << 20
LOGGERS = ["kunde.api", "faktura.batch", "maaling.import", "auth", "db.pool", "http.client", "scheduler"]
NOISE = [
    "request {rid} completed in {ms} ms (status 200)",
    "pool stats: active={n} idle={m} waiting=0",
    "imported {n} meter readings from batch {rid}",
    "cache miss for key tariff:{n}, loading from db",
    "retrying job {rid} (attempt {m}/5)",
    "heartbeat ok, lag {ms} ms",
    "scheduled task faktura-purring finished: {n} invoices, {m} reminders",
]
PERSONAL = [
    "ny kunde registrert fnr={fnr} epost={email}",
    "kunde {fnr} endret mobilnummer til {phone}",
    "innlogging feilet for {email} fra {ip}",
    "sender faktura til {email} (kunde {fnr})",
]


def write_log(path: Path, size: int, seed: int = 11) -> int:
    """Lines written, about `size` bytes in all."""
    rnd = random.Random(seed)
    fnrs = [synthetic.fodselsnummer(rnd) for _ in range(500)]
    written = lines = 0
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as fh:
        while written < size:
            chunk = []
            for _ in range(10_000):
                ts = f"2024-05-{rnd.randint(1, 28):02d} {rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:" \
                     f"{rnd.randint(0, 59):02d},{rnd.randint(0, 999):03d}"
                level = rnd.choice(["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"])
                if rnd.random() < 0.04:
                    msg = rnd.choice(PERSONAL).format(
                        fnr=rnd.choice(fnrs), email=f"kunde{rnd.randint(1, 99999)}@example.no",
                        phone=synthetic.phone(rnd), ip=f"203.0.113.{rnd.randint(1, 254)}")
                else:
                    msg = rnd.choice(NOISE).format(rid=f"{rnd.getrandbits(48):012x}", ms=rnd.randint(1, 5000),
                                                   n=rnd.randint(0, 100000), m=rnd.randint(0, 9))
                chunk.append(f"{ts} {level} [{rnd.choice(LOGGERS)}] {msg}\n")
            text = "".join(chunk)
            fh.write(text)
            written += len(text.encode())
            lines += len(chunk)
    return lines


def run_scan(args: list[str], report: Path) -> dict:
    cmd = [sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", *args, "-o", str(report)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _hwm(proc.pid))
        time.sleep(0.2)
    wall = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    records = [json.loads(line) for line in open(report, encoding="utf-8")]
    dataset = next(r for r in records if r["record"] == "dataset")
    findings = [r for r in records if r["record"] == "finding"]
    return {"wall_s": wall, "peak_rss_mib": peak / 1024, "rows": dataset["rows_sampled"],
            "read_bytes": dataset["objects"]["read_bytes"], "findings": len(findings),
            "hits": {f"{r['location']['field']}:{r['entity_type']}": r["hits"] for r in findings}}


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the generated log")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kartlegg-bench-logs-"))
    logdir = work / "log"
    logdir.mkdir(parents=True, exist_ok=True)
    path = logdir / "app.log"
    try:
        if not path.exists() or path.stat().st_size < args.size_mb * MiB * 0.99:
            t0 = time.monotonic()
            lines = write_log(path, args.size_mb * MiB)
            print(f"generated {path} ({path.stat().st_size / MiB:.0f} MiB, {lines:,} lines) in "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
        size = path.stat().st_size
        sampled = run_scan([str(logdir)], work / "sampled.jsonl")
        print(f"sampled: {sampled['wall_s']:.1f} s, {sampled['rows']:,} lines, "
              f"{sampled['read_bytes'] / MiB:.2f} MiB read, peak {sampled['peak_rss_mib']:.0f} MiB", flush=True)
        full = run_scan([str(logdir), "--full"], work / "full.jsonl")
        full["lines_per_s"] = full["rows"] / full["wall_s"]
        full["mib_per_s"] = size / MiB / full["wall_s"]
        print(f"full:    {full['wall_s']:.1f} s, {full['rows']:,} lines = {full['lines_per_s']:,.0f} lines/s, "
              f"{full['mib_per_s']:.2f} MiB/s, peak {full['peak_rss_mib']:.0f} MiB, hits {full['hits']}", flush=True)
        if args.json:
            args.json.write_text(json.dumps({"size_bytes": size, "sampled": sampled, "full": full}, indent=2))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
