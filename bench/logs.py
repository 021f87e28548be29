"""Log scanning speed and memory: `--full` over large generated logs against a one-regex baseline over
the same bytes, and the default sampled scan of the same files.

    python -m bench.logs --size-mb 1024            # the BENCHMARKS.md figures
    python -m bench.logs --size-mb 50 --keep       # quick look; keep the files for other runs
    python -m bench.logs --size-mb 5 --logs nginx  # one log only

Two logs, each generated line by line (never held in memory), each in its own directory and
scanned on its own (`--logs app,nginx` chooses; default both):

- *app* (``app.log``): timestamped application lines of many shapes, about 4% of them with
  personal data (fødselsnummer, e-mail, phone, client IP), the rest operational noise with ids,
  durations and counters.
- *nginx* (``access.log``): nginx's "combined" access-log format. Client IPs from a pool of
  returning visitors (about 12% IPv6, in 2001:db8::/32), timestamps a few ms to a second apart,
  GET/POST/HEAD requests for API paths with 6-7 digit ids, static assets with content hashes,
  searches and paging query strings, status, bytes, referers and browser/bot user agents.
  About 4% of lines carry an e-mail address (``?email=``/``?epost=``, raw or as ``%40``) or a
  fødselsnummer (``?fnr=``, synthetic Tenor numbers from detectors.synthetic) in the query
  string or the referer's. The client IP on every line is personal data too (IP_ADDRESS).

For each log, in the same run:

- **baseline**: one compiled *bytes* regex, ``\\b[0-9]{11}\\b`` (an 11-digit run, what a
  fødselsnummer looks like), ``finditer`` over the file read in binary chunks of 4 MiB (each
  chunk cut at its last newline, the rest carried into the next), counting matches and lines.
  Python's ``re`` on one core: what a single-pattern grep-like pass costs.
- **sampled**: ``kartlegg scan DIR`` at its defaults (head, tail and random blocks).
- **full**: ``kartlegg scan DIR --full --workers 1``: every line, detection in a thread beside the
  scan, so one core; MiB/s, lines/s, peak memory and the ratio kartlegg / baseline.
- **goal** (issue 17): ``--full`` >= 30 MiB/s on that one core and peak memory < 400 MB.

kartlegg's MiB/s and lines/s are over the child process's wall time, start-up (interpreter,
engine, spaCy pipeline: a few seconds) included, and the goal is judged on them; the scan's own
duration (its summary record's ``duration_s``) is printed beside them. At small ``--size-mb``
the start-up is a large share of the wall time; at 1 GiB it is not.

Scans run with ``--no-inventory`` (a benchmark's temporary directories do not belong in an
inventory). The scanner runs as a child process; its peak memory is the kernel's high-water mark
for it (VmHWM), polled while it runs (with ``--workers 1`` no detection process is left out of it;
the sampled scan's detection processes, if any, are).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from detectors import synthetic

MiB = 1 << 20
CHUNK = 4 * MiB
# The baseline's one pattern: an 11-digit run between word boundaries (a fødselsnummer's shape).
BASELINE = re.compile(rb"\b[0-9]{11}\b")
GOAL_MIB_PER_S = 30.0  # --full, one core
GOAL_PEAK_BYTES = 400 * 10**6  # 400 MB

# -- the application log ------------------------------------------------------------------------

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


# -- the nginx access log (combined format) -------------------------------------------------------

PERSONAL_SHARE = 0.04
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
START = 1714514400  # 2024-05-01 00:00:00 +0200
TZ = 2 * 3600
USER_AGENTS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 "
     "Safari/605.1.15"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Mobile/15E148 Safari/604.1"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 "
     "Mobile Safari/537.36"),
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36 Edg/124.0.2478.67"),
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "MinSideApp/4.12.0 (iOS 17.4; iPhone14,5)",
    "okhttp/4.12.0",
    "curl/8.5.0",
]
UA_WEIGHTS = [30, 14, 18, 14, 5, 6, 4, 5, 3, 1]
REFERERS = ["-", "-", "-", "https://www.example.no/", "https://min.example.no/min-side",
            "https://www.google.com/", "https://min.example.no/min-side/fakturaer", "https://www.example.no/strompris"]
SEARCH_WORDS = ["strompris", "fastpris", "spotpris", "flytte", "maalerstand", "faktura", "avtale", "nettleie"]
SMALL = ("/health", "/metrics", "/robots.txt", "/favicon.ico", "/api/login", "/api/hendelser")
EMAIL_DOMAINS = ["example.no", "example.com", "epost.example.no", "firma.example.no"]


def _nginx_time(second: int) -> str:
    t = time.gmtime(second + TZ)
    return f"{t.tm_mday:02d}/{MONTHS[t.tm_mon - 1]}/{t.tm_year}:{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0200"


def _client_ips(rnd: random.Random, n: int) -> list[str]:
    ips = []
    for _ in range(n):
        if rnd.random() < 0.12:
            groups = [f"{rnd.getrandbits(16):x}" for _ in range(rnd.choice((2, 4, 5)))]
            tail = ":".join(groups[2:])
            ips.append(f"2001:db8:{groups[0]}:{groups[1]}" + (f"::{tail}" if tail else "::1"))
        else:
            first = rnd.choice([31, 46, 77, 78, 79, 80, 81, 84, 85, 88, 89, 91, 92, 109, 128, 129, 146, 158, 178,
                                185, 193, 195, 212, 213, 217])
            ips.append(f"{first}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}")
    return ips


def _email(rnd: random.Random) -> str:
    name = rnd.choice(["kari.nordmann", "ola", "per.hansen", "kunde", "anne-lise", "post", "faktura"])
    return f"{name}{rnd.randint(1, 9999)}@{rnd.choice(EMAIL_DOMAINS)}"


def _q_email(rnd: random.Random) -> str:
    """An e-mail as a query value: percent-encoded (`%40`) as browsers send it, or raw."""
    email = _email(rnd)
    return quote(email, safe="") if rnd.random() < 0.5 else email


def _plain_request(rnd: random.Random) -> tuple[str, str, int]:
    """(method, url, status) of an ordinary request: no personal data."""
    r = rnd.random()
    if r < 0.30:
        url = rnd.choice(["/static/js/app.{h}.js", "/static/css/main.{h}.css", "/static/img/logo.{h}.svg",
                          "/static/js/vendor.{h}.js"]).format(h=f"{rnd.getrandbits(64):016x}")
        return "GET", url, rnd.choice([200, 200, 304, 304, 304])
    if r < 0.55:
        cid = rnd.randint(100_000, 9_999_999)
        url = rnd.choice([f"/api/kunder/{cid}", f"/api/kunder/{cid}/avtaler", f"/api/kunder/{cid}/maalepunkter",
                          f"/api/kunder/{cid}/fakturaer?side={rnd.randint(1, 12)}&antall=20",
                          f"/api/fakturaer/{rnd.randint(100_000, 999_999)}/pdf"])
        return "GET", url, rnd.choice([200] * 12 + [401, 404, 500])
    if r < 0.65:
        return "POST", rnd.choice(["/api/maalerstand", "/api/login", "/api/hendelser", "/api/kunder/flytting"]), \
            rnd.choice([200, 201, 201, 204, 400, 401, 422])
    if r < 0.75:
        url = f"/sok?q={rnd.choice(SEARCH_WORDS)}" + (f"&side={rnd.randint(2, 5)}" if rnd.random() < 0.3 else "")
        return "GET", url, 200
    if r < 0.85:
        return rnd.choice(["GET", "GET", "HEAD"]), rnd.choice(["/health", "/metrics", "/favicon.ico", "/robots.txt"]), \
            rnd.choice([200, 200, 200, 404])
    url = rnd.choice(["/", "/min-side", "/min-side/fakturaer", "/min-side/maalerstand", "/strompris",
                      f"/kundeservice/artikkel/{rnd.randint(1000, 99999)}?utm_source=nyhetsbrev&utm_medium=epost"])
    return "GET", url, rnd.choice([200, 200, 200, 301, 302])


def _personal_request(rnd: random.Random, fnrs: list[str]) -> tuple[str, str, int, str | None]:
    """(method, url, status, referer or None) of a request carrying an e-mail or a fødselsnummer."""
    kind = rnd.randrange(5)
    if kind == 0:
        return "GET", f"/api/kunder/sok?email={_q_email(rnd)}&side=1", 200, None
    if kind == 1:
        return "GET", f"/api/kunder/oppslag?fnr={rnd.choice(fnrs)}", rnd.choice([200, 200, 404]), None
    if kind == 2:
        return "POST", f"/api/samtykke?fnr={rnd.choice(fnrs)}&kanal=web", 204, None
    if kind == 3:
        return "GET", f"/api/nyhetsbrev/avmeld?epost={_q_email(rnd)}&token={rnd.getrandbits(96):024x}", 200, None
    # the personal data is in the referer: a registration page that put it in its own URL
    return "GET", "/min-side/velkommen", 200, f"https://min.example.no/registrer?email={_q_email(rnd)}"


def write_nginx_log(path: Path, size: int, seed: int = 13) -> int:
    """An nginx combined-format access log of about `size` bytes; lines written."""
    rnd = random.Random(seed)
    fnrs = [synthetic.fodselsnummer(rnd) for _ in range(500)]
    clients = _client_ips(rnd, 3000)
    now, second, stamp = float(START), -1, ""
    written = lines = 0
    with open(path, "w", encoding="utf-8", buffering=1 << 20) as fh:
        while written < size:
            chunk, pending = [], 0
            while pending < min(size - written, MiB):  # about 1 MiB at a time; ASCII, so chars = bytes
                now += rnd.expovariate(20.0)  # about 20 requests a second
                if int(now) != second:
                    second = int(now)
                    stamp = _nginx_time(second)
                referer = None
                if rnd.random() < PERSONAL_SHARE:
                    method, url, status, referer = _personal_request(rnd, fnrs)
                else:
                    method, url, status = _plain_request(rnd)
                if referer is None:
                    referer = rnd.choice(REFERERS)
                proto = "HTTP/2.0" if rnd.random() < 0.4 else "HTTP/1.1"
                if status in (204, 304) or method == "HEAD":
                    body = 0
                elif status >= 300 or url.startswith(SMALL):
                    body = rnd.randint(60, 2000)
                else:
                    body = rnd.randint(400, 250_000)
                ua = rnd.choices(USER_AGENTS, UA_WEIGHTS)[0]
                line = (f'{rnd.choice(clients)} - - [{stamp}] "{method} {url} {proto}" {status} {body} '
                        f'"{referer}" "{ua}"\n')
                chunk.append(line)
                pending += len(line)
            fh.write("".join(chunk))
            written += pending
            lines += len(chunk)
    return lines


LOGS = {"app": ("app.log", write_log), "nginx": ("access.log", write_nginx_log)}


# -- the baseline: one regex over the bytes ------------------------------------------------------

def baseline_pass(path: Path, pattern: re.Pattern = BASELINE, chunk_size: int = CHUNK) -> dict:
    """One compiled bytes regex over the file in binary chunks cut at a newline: matches and lines."""
    matches = lines = size = 0
    carry = b""
    t0 = time.perf_counter()
    with open(path, "rb", buffering=0) as fh:
        while True:
            data = fh.read(chunk_size)
            if not data:
                break
            size += len(data)
            buf = carry + data if carry else data
            cut = buf.rfind(b"\n") + 1
            if cut == 0:  # no line end yet: keep reading
                carry = buf
                continue
            for _ in pattern.finditer(buf, 0, cut):
                matches += 1
            lines += buf.count(b"\n", 0, cut)
            carry = buf[cut:]
    if carry:  # a last line without its newline
        for _ in pattern.finditer(carry):
            matches += 1
        lines += 1
    wall = time.perf_counter() - t0
    return {"wall_s": wall, "bytes": size, "lines": lines, "matches": matches,
            "mib_per_s": size / MiB / wall if wall else float("inf"),
            "lines_per_s": lines / wall if wall else float("inf")}


# -- kartlegg ------------------------------------------------------------------------------------

def run_scan(args: list[str], report: Path) -> dict:
    cmd = [sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", *args, "--no-inventory",
           "-o", str(report)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _hwm(proc.pid))
        time.sleep(0.2)
    wall = time.monotonic() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"scan failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    with open(report, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    dataset = next(r for r in records if r["record"] == "dataset")
    findings = [r for r in records if r["record"] == "finding"]
    summary = next(r for r in records if r["record"] == "summary")
    return {"wall_s": wall, "scan_s": summary["duration_s"], "peak_rss_mib": peak / 1024, "rows": dataset["rows_sampled"],
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


def bench_log(name: str, work: Path, size_mb: int) -> dict:
    filename, write = LOGS[name]
    logdir = work / name
    logdir.mkdir(parents=True, exist_ok=True)
    path = logdir / filename
    print(f"## {name} ({path})", flush=True)
    if not path.exists() or path.stat().st_size < size_mb * MiB * 0.99:
        t0 = time.monotonic()
        lines = write(path, size_mb * MiB)
        print(f"generated {path.stat().st_size / MiB:.1f} MiB, {lines:,} lines in {time.monotonic() - t0:.1f} s",
              flush=True)
    size = path.stat().st_size

    base = baseline_pass(path)
    print(f"baseline: {base['wall_s']:.2f} s, {base['lines']:,} lines = {base['lines_per_s']:,.0f} lines/s, "
          f"{base['mib_per_s']:.1f} MiB/s, {base['matches']:,} matches of {BASELINE.pattern.decode()} "
          f"(Python re, one core)", flush=True)
    sampled = run_scan([str(logdir)], work / f"{name}-sampled.jsonl")
    print(f"sampled:  {sampled['wall_s']:.1f} s, {sampled['rows']:,} lines, "
          f"{sampled['read_bytes'] / MiB:.2f} MiB read, peak {sampled['peak_rss_mib']:.0f} MiB", flush=True)
    full = run_scan([str(logdir), "--full", "--workers", "1"], work / f"{name}-full.jsonl")
    full["lines_per_s"] = full["rows"] / full["wall_s"]
    full["mib_per_s"] = size / MiB / full["wall_s"]
    full["scan_mib_per_s"] = size / MiB / full["scan_s"] if full["scan_s"] else float("inf")
    print(f"full:     {full['wall_s']:.1f} s, {full['rows']:,} lines = {full['lines_per_s']:,.0f} lines/s, "
          f"{full['mib_per_s']:.2f} MiB/s, peak {full['peak_rss_mib']:.0f} MiB (--workers 1; wall time of the "
          f"process, start-up included: the scan itself took {full['scan_s']:.1f} s = "
          f"{full['scan_mib_per_s']:.2f} MiB/s)", flush=True)
    print(f"          hits {full['hits']}", flush=True)
    ratio = full["mib_per_s"] / base["mib_per_s"]
    speed_ok = full["mib_per_s"] >= GOAL_MIB_PER_S
    memory_ok = full["peak_rss_mib"] * MiB < GOAL_PEAK_BYTES
    print(f"kartlegg --full / baseline: {ratio:.4f}x" + (f" (the baseline is {1 / ratio:,.0f}x faster)" if ratio else ""))
    print(f"goal: --full >= {GOAL_MIB_PER_S:.0f} MiB/s per core: {full['mib_per_s']:.2f} MiB/s "
          f"{'PASS' if speed_ok else 'FAIL'}; peak < 400 MB: {full['peak_rss_mib'] * MiB / 1e6:.0f} MB "
          f"{'PASS' if memory_ok else 'FAIL'}: {'PASS' if speed_ok and memory_ok else 'FAIL'}\n", flush=True)
    return {"file": filename, "size_bytes": size, "lines": base["lines"], "baseline": base, "sampled": sampled,
            "full": full, "ratio_full_to_baseline": ratio,
            "goal": {"mib_per_s": GOAL_MIB_PER_S, "peak_bytes": GOAL_PEAK_BYTES, "speed": speed_ok,
                     "memory": memory_ok, "pass": speed_ok and memory_ok}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024, help="size of each log")
    parser.add_argument("--logs", default="app,nginx", help="which logs, comma-separated: app, nginx")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.logs.split(",") if n.strip()]
    unknown = [n for n in names if n not in LOGS]
    if unknown or not names:
        parser.error(f"--logs: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(LOGS)}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="kartlegg-bench-logs-"))
    results = {}
    try:
        for name in dict.fromkeys(names):
            results[name] = bench_log(name, work, args.size_mb)
        print("| log | MiB | lines | baseline MiB/s | baseline lines/s | --full MiB/s | --full lines/s | peak MiB "
              "| --full / baseline | goal (>= 30 MiB/s, < 400 MB) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, r in results.items():
            b, f = r["baseline"], r["full"]
            print(f"| {name} | {r['size_bytes'] / MiB:.1f} | {r['lines']:,} | {b['mib_per_s']:.1f} "
                  f"| {b['lines_per_s']:,.0f} | {f['mib_per_s']:.2f} | {f['lines_per_s']:,.0f} "
                  f"| {f['peak_rss_mib']:.0f} | {r['ratio_full_to_baseline']:.4f}x "
                  f"| {'PASS' if r['goal']['pass'] else 'FAIL'} |")
        if args.json:
            args.json.write_text(json.dumps({"size_mb": args.size_mb, "logs": results}, indent=2))
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
