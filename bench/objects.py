"""Scanning object stores and files: many small objects, and a few very large ones.

    python -m bench.objects [--small 10000] [--large-gb 1] [--skip-large] [--workdir DIR] [--json FILE]
    python -m bench.objects --small 2000 --large-gb 0.2        # a quick run

Three parts, each scanned by `kartlegg scan` run as a subprocess: its wall time, CPU time and peak
RSS come from wait4's rusage, taken by a small launcher process that forks it (see LAUNCHER):

1. *Small objects on S3*: a bucket of N objects of ~2-8 KB in ~100 datasets (60% CSV in dated
   partitions, JSON Lines in hive partitions, .csv.gz dumps, Parquet parts, logs and notes), all
   holding synthetic personal data. Scanned with the defaults (5 objects per dataset) and with
   `--objects-per-dataset 0` (every object) at 8 and 16 connections.
2. *Large objects on S3*: a plain CSV, a gzip CSV (compressed size) and a Parquet file with many
   row groups, `--large-gb` each, generated on disk in chunks and uploaded by multipart. Each
   prefix is scanned on its own; the plain CSV also with `--read-bytes 256M` (and once more with a
   larger sample, so the reader really consumes more). Peak RSS must stay far below the object size.
3. *The same on the file system*: the small objects as a directory tree, the large ones as files.

The S3 server is moto (`python -m moto.server`) in a process of its own on 127.0.0.1, so its
memory is not the scanner's; its request log gives the number of S3 requests of each scan. Moto
answers every GET, ranged or not, by copying the whole object in memory first, so a Range GET on
a 1 GB object costs it about as much as a full read: the table shows that per-request cost.
Nothing here is real data: identifiers come from `detectors.synthetic` with valid check digits.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import product
from pathlib import Path

from detectors import synthetic

REPO = Path(__file__).resolve().parent.parent
REGION = "eu-north-1"
MB = 1_000_000
SMALL_BUCKET = "bench-small"
LARGE_BUCKET = "bench-large"

FIRST = ("Ola", "Kari", "Nils", "Ingrid", "Per", "Anne", "Lars", "Marit", "Jonas", "Sofie", "Emma", "Henrik",
         "Sigrid", "Magnus", "Ida", "Øystein", "Åse", "Bjørn", "Solveig", "Torbjørn", "Kristin", "Eirik",
         "Hanne", "Sindre", "Ragnhild", "Even", "Tone", "Håkon", "Liv", "Trond")
LAST = ("Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
        "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen",
        "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Solberg", "Bakken", "Lie", "Strand", "Moen",
        "Kristoffersen", "Sæther", "Aasen")
STREETS = ("Storgata", "Kirkeveien", "Skolegata", "Parkveien", "Fjordveien", "Granveien", "Eikeveien",
           "Strandgata", "Bjørkeveien", "Sjøgata", "Dronningens gate", "Kongens gate")
PLACES = (("0155", "Oslo"), ("5003", "Bergen"), ("7010", "Trondheim"), ("4006", "Stavanger"),
          ("9008", "Tromsø"), ("3015", "Drammen"), ("1606", "Fredrikstad"), ("8006", "Bodø"))
DOMAINS = ("example.no", "firma.no", "epost.example.com", "post.example.org")
SYSTEMS = ("crm", "erp", "hr", "fakturering", "nett", "kundeservice", "lonn", "innkjop", "logistikk", "marked",
           "portal", "drift")
TABLES = ("kunder", "fakturaer", "kontakter", "ansatte", "avtaler", "maalepunkter", "betalinger", "henvendelser",
          "leveranser", "abonnement")
APPS = ("minside", "app", "kasse", "booking", "varsling", "innlogging", "betaling", "sok", "chat", "levering",
        "kampanje", "profil", "kurv", "admin", "ruter", "sms")
SERVICES = ("kundesenter", "sentralbord", "montor", "saksbehandling", "inkasso", "felt", "hms", "vakt")

# column name -> value maker (rnd, person) ; the person dict keeps one row consistent
PERSONAL = {
    "fnr": lambda r, p: p["fnr"],
    "navn": lambda r, p: p["navn"],
    "telefon": lambda r, p: p["telefon"],
    "epost": lambda r, p: p["epost"],
    "kontonummer": lambda r, p: p["konto"],
    "adresse": lambda r, p: p["adresse"],
    "maalepunkt_id": lambda r, p: synthetic.meter_id(r),
    "orgnr": lambda r, p: synthetic.orgnr(r),
}
ALIASES = {"fnr": ("fnr", "fodselsnummer", "personnr"), "navn": ("navn", "kundenavn", "fullt_navn"),
           "telefon": ("telefon", "mobil", "tlf"), "epost": ("epost", "e_post", "email"),
           "kontonummer": ("kontonummer", "konto"), "adresse": ("adresse", "gateadresse")}
NEUTRAL = {
    "belop": lambda r, p: f"{r.randint(10, 99999)},{r.randint(0, 99):02d}",
    "status": lambda r, p: r.choice(("aktiv", "avsluttet", "ny", "sperret")),
    "kanal": lambda r, p: r.choice(("web", "telefon", "butikk", "app")),
    "antall": lambda r, p: str(r.randint(1, 500)),
}


def ascii_fold(s: str) -> str:
    return s.lower().translate(str.maketrans({"ø": "o", "å": "aa", "æ": "ae", " ": "."}))


def person(rnd: random.Random) -> dict:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    postnr, sted = rnd.choice(PLACES)
    return {
        "fnr": synthetic.fodselsnummer(rnd),
        "navn": f"{first} {last}",
        "telefon": synthetic.phone(rnd),
        "epost": f"{ascii_fold(first)}.{ascii_fold(last)}{rnd.randint(1, 99)}@{rnd.choice(DOMAINS)}",
        "konto": synthetic.kontonummer(rnd),
        "adresse": f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}, {postnr} {sted}",
    }


# -- small objects --------------------------------------------------------------------------------
@dataclass
class SmallDataset:
    kind: str  # csv, jsonl, csvgz, parquet, text
    name: str
    columns: list[str]  # output names; the value maker is looked up by canonical name
    makers: list
    count: int
    pool: list = field(default_factory=list)  # rows (lists of strings) to draw from


def plan_small(n: int, n_datasets: int, rnd: random.Random) -> list[SmallDataset]:
    shares = (("csv", 0.60), ("jsonl", 0.15), ("csvgz", 0.10), ("parquet", 0.08), ("text", 0.07))
    kinds = []
    for kind, share in shares:
        kinds += [kind] * max(1, round(n_datasets * share))
    kinds = kinds[:n_datasets]
    pairs = iter(product(SYSTEMS, TABLES))
    seen = Counter()
    datasets = []
    for kind in kinds:
        if kind in ("csv", "csvgz", "parquet"):
            system, table = next(pairs)
            name = f"{system}/{table}"
        else:  # names must differ by more than digits, or their datasets would merge
            words = APPS if kind == "jsonl" else SERVICES
            k = seen[kind]
            seen[kind] += 1
            name = words[k % len(words)] + ("" if k < len(words) else "_" + "abcdefghij"[k // len(words) % 10])
        canon = ["fnr", "navn"] + rnd.sample(["telefon", "epost", "kontonummer", "adresse", "maalepunkt_id",
                                              "orgnr"], rnd.randint(1, 4))
        neutral = rnd.sample(sorted(NEUTRAL), rnd.randint(1, 2))
        columns = ["id"] + [rnd.choice(ALIASES.get(c, (c,))) for c in canon] + neutral
        makers = [None] + [PERSONAL[c] for c in canon] + [NEUTRAL[c] for c in neutral]
        datasets.append(SmallDataset(kind, name, columns, makers, 0))
    base, extra = divmod(n, len(datasets))
    for i, ds in enumerate(datasets):
        ds.count = base + (i < extra)
    for ds in datasets:
        for j in range(300):
            p = person(rnd)
            ds.pool.append([str(100000 + j)] + [m(rnd, p) for m in ds.makers[1:]])
    return datasets


def small_objects(datasets: list[SmallDataset], rnd: random.Random):
    """(key, bytes) for every object."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = date(2023, 1, 1)
    for ds in datasets:
        for j in range(ds.count):
            day = start + timedelta(days=j)
            target = rnd.randint(2000, 8000)
            rows: list[list[str]] = []
            size = 0
            while size < (target * 3 if ds.kind == "csvgz" else target):
                row = rnd.choice(ds.pool)
                rows.append(row)
                size += sum(len(v) for v in row) + len(row) + (12 * len(row) if ds.kind in ("jsonl", "text") else 0)
            if ds.kind == "csv":
                key = f"exports/{ds.name}/{day:%Y/%m/%d}/{ds.name.split('/')[1]}_{j:04d}.csv"
                body = csv_text(ds.columns, rows).encode()
            elif ds.kind == "csvgz":
                key = f"archive/{ds.name}-{day:%Y%m%d}.csv.gz"
                body = gzip.compress(csv_text(ds.columns, rows).encode(), compresslevel=6, mtime=0)
            elif ds.kind == "jsonl":
                key = f"events/{ds.name}/dt={day:%Y-%m-%d}/part-{j:05d}.jsonl"
                body = "".join(json.dumps(jsonl_record(ds.columns, row, day), ensure_ascii=False) + "\n"
                               for row in rows).encode()
            elif ds.kind == "parquet":
                key = f"lake/{ds.name}/year={day.year}/month={day.month:02d}/part-{j:04d}.parquet"
                table = pa.table({c: [r[i] for r in rows] for i, c in enumerate(ds.columns)})
                buf = io.BytesIO()
                pq.write_table(table, buf)
                body = buf.getvalue()
            else:
                ext = "log" if len(ds.name) % 2 else "txt"
                key = f"logs/{ds.name}/{ds.name.strip('_')}-{day:%Y-%m-%d}.{ext}"
                body = "".join(text_line(ds.columns, row, day, k) for k, row in enumerate(rows)).encode()
            yield key, body


def csv_text(columns: list[str], rows: list[list[str]]) -> str:
    return ";".join(columns) + "\n" + "".join(";".join(r) + "\n" for r in rows)


def jsonl_record(columns: list[str], row: list[str], day: date) -> dict:
    values = dict(zip(columns, row))
    return {"id": int(values.pop("id")), "tidspunkt": f"{day:%Y-%m-%d}T10:{int(row[0]) % 60:02d}:00Z",
            "hendelse": "oppdatert", "kunde": values}


TAILS = ("", " ringte tilbake senere", " sak lukket og kunden var fornøyd", " (se også sak 12 og 13)",
         ". Ny avtale er sendt")


def text_line(columns: list[str], row: list[str], day: date, k: int) -> str:
    """A log line in words, without the commas that would make a file of them pass for CSV."""
    values = dict(zip(columns, row))
    words = " og ".join(f"{c} {v.replace(',', '')}" for c, v in values.items() if c != "id")
    tail = TAILS[(k * 7 + int(values["id"])) % len(TAILS)]
    return f"{day:%Y-%m-%d}T08:{k % 60:02d}:00Z INFO sak {values['id']}: henvendelse fra {words}{tail}\n"


# -- large objects --------------------------------------------------------------------------------
LARGE_COLUMNS = ("id", "fodselsnummer", "navn", "telefon", "epost", "kontonummer", "adresse", "belop", "dato")


def large_pool(rnd: random.Random, n: int = 20000) -> list[str]:
    """Rows without their id: `;`-joined."""
    rows = []
    for _ in range(n):
        p = person(rnd)
        rows.append(";".join((p["fnr"], p["navn"], p["telefon"], p["epost"], p["konto"], p["adresse"],
                              f"{rnd.randint(10, 99999)},{rnd.randint(0, 99):02d}",
                              f"20{rnd.randint(10, 24)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}")))
    return rows


def csv_chunks(pool: list[str], rows_per_chunk: int = 40000):
    """Encoded CSV, header first, ids counting up, forever."""
    yield (";".join(LARGE_COLUMNS) + "\n").encode()
    i = 0
    while True:
        yield "".join(f"{i + k};{pool[(i + k) % len(pool)]}\n" for k in range(rows_per_chunk)).encode()
        i += rows_per_chunk


def write_csv(path: Path, pool: list[str], size: int) -> None:
    with open(path, "wb") as f:
        for chunk in csv_chunks(pool):
            f.write(chunk)
            if f.tell() >= size:
                break


def write_csv_gz(path: Path, pool: list[str], size: int) -> int:
    """A single gzip member grown until its compressed size reaches `size`; returns uncompressed bytes."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip container, fastest level
    raw = 0
    with open(path, "wb") as f:
        for chunk in csv_chunks(pool):
            raw += len(chunk)
            f.write(comp.compress(chunk))
            if f.tell() >= size:
                break
        f.write(comp.flush())
    return raw


def write_parquet(path: Path, pool: list[str], size: int, rows_per_group: int = 50000) -> int:
    """Row groups of `rows_per_group` rows until the file reaches `size`; returns the row-group count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    split = [r.split(";") for r in pool]
    cols = {c: [r[i] for r in split] for i, c in enumerate(LARGE_COLUMNS[1:])}
    reps = -(-rows_per_group // len(pool))
    strings = {c: pa.array((v * reps)[:rows_per_group], pa.string()) for c, v in cols.items()}
    schema = pa.schema([("id", pa.int64())] + [(c, pa.string()) for c in cols])
    groups = 0
    with open(path, "wb") as f, pq.ParquetWriter(f, schema, compression="snappy") as writer:
        while f.tell() < size:
            ids = pa.array(range(groups * rows_per_group, (groups + 1) * rows_per_group), pa.int64())
            writer.write_table(pa.table([ids, *strings.values()], schema=schema), row_group_size=rows_per_group)
            groups += 1
    return groups


# -- servers and scans ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def aws_env(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": str(workdir / "no-aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": str(workdir / "no-aws-credentials")})
    return env


class Moto:
    """`python -m moto.server` in its own process; its request log counts S3 requests."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "moto.log"
        self.proc = None

    def __enter__(self):
        tmp = self.workdir / "moto-tmp"  # objects beyond moto's key buffer spill here
        tmp.mkdir(exist_ok=True)
        env = {**aws_env(self.workdir), "TMPDIR": str(tmp)}
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=2).read()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start; see {self.log_path}") from None
                time.sleep(0.2)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def cpu_s(self) -> float:
        """User + system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_size(self) -> int:
        self._log.flush()
        return self.log_path.stat().st_size

    def requests_since(self, offset: int) -> Counter:
        """Request lines logged after `offset`, by method."""
        with open(self.log_path, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
        return Counter(m.group(1) for m in _REQUEST.finditer(_ANSI.sub("", text)))

    def client(self, connections: int = 32):
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name=REGION)
        return session.client("s3", endpoint_url=self.endpoint, config=Config(
            max_pool_connections=connections, s3={"addressing_style": "path"}, retries={"max_attempts": 5}))


_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours its request lines
_REQUEST = re.compile(r'"(GET|HEAD|PUT|POST|DELETE) /')


def kartlegg_cmd() -> list[str]:
    script = Path(sys.executable).parent / "kartlegg"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from scanner.cli.main import main; main()"]


@dataclass
class Run:
    part: str
    label: str
    args: list[str]
    exit_code: int = 0
    wall_s: float = 0.0
    scan_s: float = 0.0  # the report's duration_s: after start-up and engine build
    peak_rss_mb: float = 0.0
    datasets: int = 0
    listed: int = 0  # objects/files discovered
    read: int = 0  # objects/files sampled
    store_bytes: int = 0
    read_bytes: int = 0
    cpu_s: float = 0.0  # the scanner's user + system CPU time
    moto_cpu_s: float = 0.0  # the S3 server's, during the scan
    rows: int = 0  # rows sampled, summed over datasets
    sample_s: float = 0.0  # time the sampling threads spent (duration_ms summed over datasets)
    findings: int = 0
    errors: int = 0
    skipped: int = 0
    requests: dict = field(default_factory=dict)
    formats: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    @property
    def read_per_s(self) -> float:
        return self.read / self.scan_s if self.scan_s else 0.0

    @property
    def listed_per_s(self) -> float:
        return self.listed / self.scan_s if self.scan_s else 0.0

    @property
    def mb_per_s(self) -> float:
        return self.read_bytes / MB / self.scan_s if self.scan_s else 0.0


# Runs the scanner as its child and reports that child's rusage. Linux carries the peak RSS of the
# process that forks into the child's ru_maxrss (exec records the old address space's high-water
# mark), so the fork must come from a small process like this one, not from the benchmark, whose
# own RSS (data, pyarrow, boto3) would otherwise be the floor of every figure.
LAUNCHER = """
import json, os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t
with open(sys.argv[1], "w") as f:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "wall_s": wall, "maxrss_kb": ru.ru_maxrss,
               "cpu_s": ru.ru_utime + ru.ru_stime}, f)
"""


def scan(part: str, label: str, urls: list[str], opts: list[str], workdir: Path, env: dict,
         moto: Moto | None = None) -> Run:
    report = workdir / "reports" / f"{part}-{label}.jsonl".replace(" ", "_").replace("/", "_")
    report.parent.mkdir(exist_ok=True)
    args = [*urls, *opts]
    run = Run(part, label, args)
    offset = moto.log_size() if moto else 0
    moto_cpu = moto.cpu_s() if moto else 0.0
    measured = report.with_suffix(".rusage.json")
    with open(report.with_suffix(".log"), "wb") as log:
        subprocess.run([sys.executable, "-c", LAUNCHER, str(measured), *kartlegg_cmd(), "scan", *args,
                        "-o", str(report)], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
    usage = json.loads(measured.read_text())
    run.exit_code, run.wall_s = usage["exit"], usage["wall_s"]
    run.peak_rss_mb = usage["maxrss_kb"] / 1024  # KiB on Linux
    run.cpu_s = usage["cpu_s"]
    if moto:
        time.sleep(0.2)  # let the server's log catch up
        run.requests = dict(moto.requests_since(offset))
        run.moto_cpu_s = moto.cpu_s() - moto_cpu
    formats = Counter()
    if not report.exists():  # the scanner failed before writing anything: say why
        run.problems.append(report.with_suffix(".log").read_text(errors="replace").strip()[-500:])
        print(f"  {part:<18} {label:<32} failed: exit {run.exit_code}: {run.problems[0]}", flush=True)
        return run
    with open(report) as f:
        for line in f:
            r = json.loads(line)
            kind = r["record"]
            if kind == "dataset":
                o = r["objects"]
                run.datasets += 1
                run.listed += o["total"]
                run.read += o["sampled"]
                run.store_bytes += o["bytes"]
                run.read_bytes += o["read_bytes"]
                run.rows += r.get("rows_sampled") or 0
                run.sample_s += (r.get("duration_ms") or 0) / 1000
                formats[r.get("format", "?")] += 1
            elif kind == "finding":
                run.findings += 1
            elif kind == "error":
                run.errors += 1
                run.problems.append(r.get("error") or r)
            elif kind == "skipped":
                run.skipped += 1
                run.problems.append(r.get("reason") or r)
            elif kind == "summary":
                run.scan_s = r["duration_s"]
    run.formats = dict(formats)
    print(f"  {part:<18} {label:<32} {run.wall_s:7.1f} s  rss {run.peak_rss_mb:6.0f} MB  exit {run.exit_code}",
          flush=True)
    if run.exit_code not in (0, 1):
        print(f"    problems: {run.problems[:3]}", flush=True)
    return run


# -- the benchmark --------------------------------------------------------------------------------
def upload_small(client, objects, threads: int) -> tuple[int, int]:
    client.create_bucket(Bucket=SMALL_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    count, size = [0], [0]
    lock = threading.Lock()

    def put(item):
        key, body = item
        client.put_object(Bucket=SMALL_BUCKET, Key=key, Body=body)
        with lock:
            count[0] += 1
            size[0] += len(body)

    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(put, objects):
            pass
    return count[0], size[0]


def write_small_files(root: Path, objects) -> None:
    for key, body in objects:
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def range_get_ms(client, bucket: str, key: str, tries: int = 3) -> float:
    times = []
    for _ in range(tries):
        t = time.perf_counter()
        client.get_object(Bucket=bucket, Key=key, Range="bytes=0-65535")["Body"].read()
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2] * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10000, help="small objects (default 10000)")
    parser.add_argument("--datasets", type=int, default=100, help="datasets the small objects form")
    parser.add_argument("--large-gb", type=float, default=1.0, help="size of each large object (GB, 10^9 bytes)")
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument("--skip-small", action="store_true")
    parser.add_argument("--connections", default="8,16", help="--max-connections for the read-all S3 scans")
    parser.add_argument("--upload-threads", type=int, default=32)
    parser.add_argument("--big-sample", type=int, default=50000,
                        help="--sample-size of the extra 256M run on the plain CSV (0 to skip)")
    parser.add_argument("--workdir", help="where the data goes (a temporary directory inside it, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the data and reports")
    parser.add_argument("--json", help="write all results to this file")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="kartlegg-objects-", dir=args.workdir))
    env = aws_env(workdir)
    runs: list[Run] = []
    info: dict = {"started": datetime.now().isoformat(timespec="seconds"), "args": vars(args), "cpus": os.cpu_count()}
    print(f"workdir {workdir}", flush=True)
    try:
        # Start-up and engine build alone: the floor under every peak RSS below.
        empty = workdir / "empty"
        empty.mkdir()
        runs.append(scan("baseline", "empty directory", [str(empty)], [], workdir, env))

        with Moto(workdir) as moto:
            client = moto.client(max(args.upload_threads, 10))
            s3 = ["--endpoint-url", moto.endpoint]
            if not args.skip_small:
                rnd = random.Random(args.seed)
                t = time.perf_counter()
                datasets = plan_small(args.small, args.datasets, rnd)
                objects = list(small_objects(datasets, rnd))
                info["small_generate_s"] = round(time.perf_counter() - t, 1)
                kinds = Counter(ds.kind for ds in datasets)
                by_kind = Counter()
                for ds in datasets:
                    by_kind[ds.kind] += ds.count
                t = time.perf_counter()
                n, size = upload_small(client, objects, args.upload_threads)
                up = time.perf_counter() - t
                info["small"] = {"objects": n, "bytes": size, "datasets": len(datasets), "datasets_by_kind": kinds,
                                 "objects_by_kind": by_kind, "upload_s": round(up, 1),
                                 "upload_threads": args.upload_threads}
                print(f"small: {n} objects, {size / MB:.1f} MB, {len(datasets)} datasets "
                      f"({dict(kinds)}), uploaded in {up:.1f} s ({n / up:.0f} PUT/s)", flush=True)
                t = time.perf_counter()
                listed = sum(len(page.get("Contents", [])) for page in client.get_paginator("list_objects_v2")
                             .paginate(Bucket=SMALL_BUCKET))
                info["small"]["boto3_list_s"] = round(time.perf_counter() - t, 2)
                print(f"small: boto3 lists the {listed} keys in {info['small']['boto3_list_s']} s", flush=True)
                url = [f"s3://{SMALL_BUCKET}"]
                runs.append(scan("s3 small", "default (5 per dataset)", url, s3, workdir, env, moto))
                for c in [int(c) for c in args.connections.split(",") if c]:
                    runs.append(scan("s3 small", f"all objects, {c} connections", url,
                                     [*s3, "--objects-per-dataset", "0", "--max-connections", str(c)],
                                     workdir, env, moto))
                root = workdir / "files-small"
                t = time.perf_counter()
                write_small_files(root, objects)
                info["small"]["files_write_s"] = round(time.perf_counter() - t, 1)
                del objects
                runs.append(scan("files small", "default (5 per dataset)", [str(root)], [], workdir, env))
                runs.append(scan("files small", "all files", [str(root)], ["--objects-per-dataset", "0"], workdir, env))
                runs.append(scan("files small", "all files, 8 connections", [str(root)],
                                 ["--objects-per-dataset", "0", "--max-connections", "8"], workdir, env))
                shutil.rmtree(root)

            if not args.skip_large:
                size = int(args.large_gb * 1e9)
                large = workdir / "large"
                pool = large_pool(random.Random(args.seed + 1))
                made = {}
                for kind, name, writer in (("csv", "kunder_2024.csv", write_csv),
                                           ("gzip", "kunder_2024.csv.gz", write_csv_gz),
                                           ("parquet", "kunder_2024.parquet", write_parquet)):
                    (large / kind).mkdir(parents=True)
                    path = large / kind / name
                    t = time.perf_counter()
                    extra = writer(path, pool, size)
                    gen = time.perf_counter() - t
                    made[kind] = path
                    info.setdefault("large", {})[kind] = {
                        "key": f"{kind}/{name}", "bytes": path.stat().st_size, "generate_s": round(gen, 1),
                        **({"uncompressed_bytes": extra} if kind == "gzip" else {}),
                        **({"row_groups": extra, "rows_per_group": 50000} if kind == "parquet" else {}),
                    }
                    print(f"large {kind}: {path.stat().st_size / MB:,.0f} MB written in {gen:.1f} s", flush=True)
                from boto3.s3.transfer import TransferConfig

                client.create_bucket(Bucket=LARGE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
                transfer = TransferConfig(multipart_chunksize=64 * 1024 * 1024, max_concurrency=4)
                for kind, path in made.items():
                    t = time.perf_counter()
                    client.upload_file(str(path), LARGE_BUCKET, f"{kind}/{path.name}", Config=transfer)
                    info["large"][kind]["upload_s"] = round(time.perf_counter() - t, 1)
                    info["large"][kind]["moto_range_get_ms"] = round(
                        range_get_ms(client, LARGE_BUCKET, f"{kind}/{path.name}"), 0)
                    print(f"large {kind}: uploaded in {info['large'][kind]['upload_s']} s; one 64 KiB Range GET "
                          f"from moto takes {info['large'][kind]['moto_range_get_ms']:.0f} ms", flush=True)
                for kind in made:
                    runs.append(scan("s3 large", kind, [f"s3://{LARGE_BUCKET}/{kind}/"], s3, workdir, env, moto))
                runs.append(scan("s3 large", "csv --read-bytes 256M", [f"s3://{LARGE_BUCKET}/csv/"],
                                 [*s3, "--read-bytes", "256M"], workdir, env, moto))
                if args.big_sample:
                    runs.append(scan("s3 large", f"csv --read-bytes 256M --sample-size {args.big_sample}",
                                     [f"s3://{LARGE_BUCKET}/csv/"],
                                     [*s3, "--read-bytes", "256M", "--sample-size", str(args.big_sample)],
                                     workdir, env, moto))
        # moto is gone: its copies of the large objects with it
        if not args.skip_large:
            for kind, path in made.items():
                runs.append(scan("files large", kind, [str(path.parent)], [], workdir, env))
            runs.append(scan("files large", "csv --read-bytes 256M", [str(made["csv"].parent)],
                             ["--read-bytes", "256M"], workdir, env))
            if args.big_sample:
                runs.append(scan("files large", f"csv --read-bytes 256M --sample-size {args.big_sample}",
                                 [str(made["csv"].parent)],
                                 ["--read-bytes", "256M", "--sample-size", str(args.big_sample)], workdir, env))
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print_tables(runs, info)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"info": info, "runs": [{**asdict(r), "read_per_s": r.read_per_s, "listed_per_s": r.listed_per_s,
                                               "mb_per_s": r.mb_per_s} for r in runs]}, f, indent=2, default=str)
    return 0 if all(r.exit_code in (0, 1) for r in runs) else 1


def print_tables(runs: list[Run], info: dict) -> None:
    def mb(n):
        return f"{n / MB:,.1f}"

    def reqs(r):
        if not r.requests:
            return "-"
        return " ".join(f"{k} {v:,}" for k, v in sorted(r.requests.items()))

    def moto_cpu(r):
        return f"{r.moto_cpu_s:.1f}" if r.part.startswith("s3") else "-"

    base = [r for r in runs if r.part == "baseline"]
    if base:
        print(f"\nbaseline (start-up + engine, empty directory): wall {base[0].wall_s:.1f} s, "
              f"peak RSS {base[0].peak_rss_mb:.0f} MB")
    small = [r for r in runs if r.part.endswith("small")]
    if small:
        print("\n### Many small objects\n")
        print("| source | run | datasets | listed | read | MB listed | MB read | rows sampled | wall s | scan s "
              "| listed/s | read/s | MB/s read | scanner CPU s | S3 server CPU s | S3 requests | peak RSS MB "
              "| findings |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in small:
            print(f"| {r.part.split()[0]} | {r.label} | {r.datasets} | {r.listed:,} | {r.read:,} "
                  f"| {mb(r.store_bytes)} | {mb(r.read_bytes)} | {r.rows:,} | {r.wall_s:.1f} | {r.scan_s:.1f} "
                  f"| {r.listed_per_s:,.0f} | {r.read_per_s:,.0f} | {r.mb_per_s:.2f} | {r.cpu_s:.1f} "
                  f"| {moto_cpu(r)} | {reqs(r)} | {r.peak_rss_mb:.0f} | {r.findings} |")
    large = [r for r in runs if r.part.endswith("large")]
    if large:
        print("\n### Large objects\n")
        for kind, d in info.get("large", {}).items():
            extra = ""
            if "uncompressed_bytes" in d:
                extra = f", {d['uncompressed_bytes'] / MB:,.0f} MB uncompressed"
            if "row_groups" in d:
                extra = f", {d['row_groups']} row groups of {d['rows_per_group']:,} rows"
            print(f"- {kind}: {d['bytes'] / MB:,.0f} MB{extra}; generated in {d['generate_s']} s, uploaded in "
                  f"{d.get('upload_s', '-')} s; one 64 KiB Range GET from moto: {d.get('moto_range_get_ms', 0):.0f} ms")
        print("\n| source | object | MB | MB read | rows sampled | wall s | scan s | MB/s read | scanner CPU s "
              "| S3 server CPU s | S3 requests | peak RSS MB | format | findings |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in large:
            print(f"| {r.part.split()[0]} | {r.label} | {mb(r.store_bytes)} | {r.read_bytes / MB:,.2f} | {r.rows:,} "
                  f"| {r.wall_s:.1f} | {r.scan_s:.1f} | {r.mb_per_s:.2f} | {r.cpu_s:.1f} | {moto_cpu(r)} "
                  f"| {reqs(r)} | {r.peak_rss_mb:.0f} | {', '.join(r.formats) or '-'} | {r.findings} |")
    bad = [r for r in runs if r.exit_code not in (0, 1) or r.errors]
    for r in bad:
        print(f"\n{r.part} {r.label}: exit {r.exit_code}, {r.errors} errors, {r.skipped} skipped: {r.problems[:3]}")


if __name__ == "__main__":
    raise SystemExit(main())
