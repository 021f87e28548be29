"""Fuzzing the file readers: mutated files of every format, scanned by `kartlegg scan`, and the
hostile files of issue 15 one by one, each with its peak memory.

    python -m bench.fuzz --files 10000 --seed 15          # the BENCHMARKS.md figures
    python -m bench.fuzz --files 500 --no-hostile         # a quick look
    python -m bench.fuzz --files 2000 --full              # the same through --full's batch readers

Seeds are valid files of every format the readers handle, generated on the spot from synthetic
data (the demo file estate of demo/estate_files.py, plus log formats, xz, tar, nested Parquet,
UTF-16): CSV, TSV, JSON, JSON Lines, XLSX, Parquet, text, logs, gzip, bzip2, zstd, xz, zip, tar.
Each fuzzed file is a seed with one to three mutations from a seeded RNG: bit flips, truncation,
duplication, splicing with another seed, deep nesting, huge fields, control bytes, wide rows,
bare carriage returns, a wrong extension; compressed seeds are mutated inside and packed again as
often as outside.

A scan of a directory of fuzzed files must end with exit code 0, 1 or 3 and a report every line
of which is valid; every file must have a dataset, skipped or error record (nothing silently
dropped); and it must end within the timeout (else it is a hang). Files are scanned in batches;
a batch that crashes or hangs is scanned again file by file, so that each crash and hang is
counted against its file. Peak memory is the largest resident set of any one process of the scan
(wait4's ru_maxrss, which covers reaped descendants, and /proc's VmHWM polled: the figure the
< 400 MB goal is about), and beside it the most all its processes held at once (VmRSS summed).
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import lzma
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import hostile

MiB = 1 << 20
# Compressed seeds: (suffix, pack, unpack), so a mutation can land inside the compressed data.
_PACKERS = {
    ".gz": (lambda d: gzip.compress(d, mtime=0), gzip.decompress),
    ".bz2": (bz2.compress, bz2.decompress),
    ".xz": (lzma.compress, lzma.decompress),
}
try:
    import zstandard

    _PACKERS[".zst"] = (lambda d: zstandard.ZstdCompressor().compress(d),
                        lambda d: zstandard.ZstdDecompressor().decompressobj().decompress(d))
except ImportError:  # the scanner says zstd is unsupported then; the seeds are mutated as they are
    pass
_LETTERS = "ghjkmnpqrstvwxz"  # no hex digit, no vowel: names that neither group nor read as words


@dataclass(frozen=True)
class Seed:
    name: str  # a relative path whose suffixes say the format (`kunder.csv.gz`)
    data: bytes


# --- Seeds --------------------------------------------------------------------------------------


def seeds(workdir: Path, seed: int = 15) -> list[Seed]:
    """Valid files of every format the readers handle."""
    from demo import estate_files

    estate = workdir / "estate"
    estate_files.write_estate(estate, seed=seed, rows=20)
    out = []
    for path in sorted(estate.rglob("*")):
        rel = path.relative_to(estate).as_posix()
        if path.is_symlink() or not path.is_file() or rel.split("/")[0] in ("bomber", "spesial", "lenker"):
            continue
        out.append(Seed(path.name, path.read_bytes()))
    shutil.rmtree(estate, ignore_errors=True)
    return out + _more_seeds(random.Random(seed))


def _more_seeds(rnd: random.Random) -> list[Seed]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    people = hostile.people(30, seed=rnd.randint(0, 10**6))
    csv_text = hostile.people_csv(30, seed=rnd.randint(0, 10**6))
    records = [{"kunde": {"navn": n, "fnr": f, "kontakt": {"epost": e, "mobil": [m]}}, "aktiv": True, "poeng": 1.5}
               for n, f, e, m in people]
    jsonl = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    ts = "2024-05-01T10:00:00Z"
    logs = {
        "access.log": "".join(f'203.0.113.{i} - - [01/May/2024:10:00:{i % 60:02d} +0200] "GET /kunde?epost={e}&fnr={f} '
                              f'HTTP/1.1" 200 512 "-" "curl/8.0"\n' for i, (_, f, e, _) in enumerate(people)),
        "messages": "".join(f"May  1 10:00:{i % 60:02d} web01 app[123]: ny kunde {f} {e}\n"
                            for i, (_, f, e, _) in enumerate(people)),
        "audit.log": "".join(f'<14>1 {ts} web01 app 123 ID47 [sd kunde="{f}"] endret {e}\n' for _, f, e, _ in people),
        "svc.log": "".join(f'time={ts} level=info msg="ny kunde" fnr={f} epost={e} tlf={m}\n' for _, f, e, m in people),
        "json.log": "".join(json.dumps({"ts": ts, "level": "info", "msg": f"kunde {n}", "fnr": f}) + "\n"
                            for n, f, _, _ in people),
    }
    out = [Seed(name, text.encode()) for name, text in logs.items()]
    app = io.StringIO()
    for i, (n, f, e, _) in enumerate(people):
        app.write(f"2024-05-01 10:00:{i % 60:02d},123 INFO [kunde.api] ny kunde fnr={f} epost={e}\n")
        if i % 10 == 0:
            app.write('Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nValueError: feil\n')
    out.append(Seed("app.log", app.getvalue().encode()))
    out += [
        Seed("kunder.csv", csv_text.encode("cp1252", errors="replace")),
        Seed("kunder.tsv", csv_text.replace(";", "\t").encode()),
        Seed("kunder.jsonl", jsonl.encode()),
        Seed("kunder.json", json.dumps({"eksportert": ts, "kunder": records}, ensure_ascii=False).encode()),
        Seed("utf16.csv", csv_text.encode("utf-16")),
        Seed("utf16le.csv", csv_text.encode("utf-16-le")),
        Seed("notat.txt", "\n".join(f"Kunden {n} (fnr {f}) ba om svar på {e}." for n, f, e, _ in people).encode()),
        Seed("kunder.csv.xz", lzma.compress(csv_text.encode())),
        Seed("kunder.jsonl.gz", gzip.compress(jsonl.encode(), mtime=0)),
        Seed("notat.txt.bz2", bz2.compress("\n".join(n for n, *_ in people).encode())),
    ]
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as tf:
        for name, data in (("kunder.csv", csv_text.encode()), ("kunder.jsonl", jsonl.encode())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    out.append(Seed("arkiv.tar", tar.getvalue()))
    out.append(Seed("arkiv.tar.gz", gzip.compress(tar.getvalue(), mtime=0)))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(hostile.member("kunder.csv"), csv_text)
        zf.writestr(hostile.member("data/kunder.jsonl"), jsonl)
        zf.writestr(hostile.member("indre.zip"), _zip_of("kunder.csv", csv_text.encode()))
    out.append(Seed("pakke.zip", zbuf.getvalue()))
    table = pa.table({
        "navn": [n for n, *_ in people], "fnr": [f for _, f, _, _ in people],
        "kontakt": [{"epost": e, "mobil": [m]} for _, _, e, m in people],
        "attributter": pa.array([[("kanal", "epost")] for _ in people], pa.map_(pa.string(), pa.string())),
        "belop": [rnd.random() * 1000 for _ in people],
    })
    pbuf = io.BytesIO()
    pq.write_table(table, pbuf)
    out.append(Seed("kunder.parquet", pbuf.getvalue()))
    xbuf = Path(tempfile.mkdtemp()) / "k.xlsx"
    hostile.shared_strings_xlsx(xbuf, rows=20)
    out.append(Seed("rapport.xlsx", xbuf.read_bytes()))
    shutil.rmtree(xbuf.parent, ignore_errors=True)
    try:
        import zstandard

        out.append(Seed("kunder.jsonl.zst", zstandard.ZstdCompressor().compress(jsonl.encode())))
    except ImportError:
        pass
    return out + _document_seeds(rnd)


def _document_seeds(rnd: random.Random) -> list[Seed]:
    """Documents that attack their readers (issue 20): a PDF bomb, objects nested 100,000 deep,
    10,000 pages, a PNG that declares 30,000 × 30,000 pixels, a DOCX that declares 2 GiB, a sheet
    row repeated a million times, an e-mail forwarded 50 deep; and an Outlook message and a
    legacy .doc and .xls, which the demo share does not hold. (Letters, contracts, invoices,
    e-mail, a scanned form, HTML and XML come from the demo share.)"""
    from demo.documents import legacy, mail, office, pdfs, scans

    customers = office.people(rnd, 6)
    letter = office.letter(rnd, customers[0])
    return [
        Seed("bombe.pdf", pdfs.flate_bomb(1 << 28)),
        Seed("nestet.pdf", pdfs.nested_arrays(100_000)),
        Seed("tusen_sider.pdf", pdfs.many_pages(10_000, ["Side", f"Kunde {customers[1].name}"])),
        Seed("stort_bilde.png", scans.declared_png(30_000, 30_000)),
        Seed("bombe.docx", office.declared_bomb(office.docx(letter))),
        Seed("rader.ods", office.repeated_row_ods()),
        Seed("videresendt.eml", _fixed_boundaries(mail.nested(rnd, 50))),
        Seed("klage.msg", mail.complaint_msg(rnd, attachment=True)),
        Seed("brev.doc", legacy.doc(letter)),
        Seed("kunder.xls", legacy.xls(office.customer_sheets(rnd, customers))),
        Seed("presentasjon.pptx", office.pptx(letter)),
    ]


def _fixed_boundaries(message) -> bytes:
    """A message's bytes with boundaries of its own, not the random ones the stdlib draws."""
    for i, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"==fuzz-{i}==")
    return bytes(message)


def _zip_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(hostile.member(name), data)
    return buf.getvalue()


# --- Mutations ----------------------------------------------------------------------------------


def _flip(data: bytes, rnd: random.Random, _seeds) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.choice((1, 2, 8, 64))):
        if b:
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
    return bytes(b)


def _truncate(data: bytes, rnd: random.Random, _seeds) -> bytes:
    return data[: rnd.randrange(len(data) + 1)]


def _duplicate(data: bytes, rnd: random.Random, _seeds) -> bytes:
    if not data:
        return data
    a = rnd.randrange(len(data))
    piece = data[a: a + rnd.randint(1, 4096)]
    at = rnd.randrange(len(data) + 1)
    return data[:at] + piece * rnd.choice((2, 10, 200)) + data[at:]


def _splice(data: bytes, rnd: random.Random, seeds: list[Seed]) -> bytes:
    other = rnd.choice(seeds).data
    return data[: rnd.randrange(len(data) + 1)] + other[rnd.randrange(len(other) + 1):]


def _nest(data: bytes, rnd: random.Random, _seeds) -> bytes:
    depth = rnd.choice((300, 5000, 100_000))
    at = rnd.randrange(len(data) + 1)
    inner = hostile.nested(depth).encode() if rnd.random() < 0.7 else b"[" * depth
    return data[:at] + inner + data[at:]


def _huge_field(data: bytes, rnd: random.Random, _seeds) -> bytes:
    at = rnd.randrange(len(data) + 1)
    size = rnd.choice((5000, 200_000, 2 * MiB))
    quote = rnd.choice((b"", b'"'))
    return data[:at] + quote + bytes([rnd.choice(b"Ax9 \xc3")]) * size + data[at:]


def _control(data: bytes, rnd: random.Random, _seeds) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.choice((1, 5, 100))):
        b.insert(rnd.randrange(len(b) + 1), rnd.choice((0, 1, 8, 11, 13, 27, 127, 0xFF, 0xFE)))
    return bytes(b)


def _wide(data: bytes, rnd: random.Random, _seeds) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.choice((b",", b";", b"\t", b"|", b'","')) * rnd.choice((500, 20_000)) + data[at:]


def _carriage(data: bytes, rnd: random.Random, _seeds) -> bytes:
    return data.replace(b"\n", rnd.choice((b"\r", b"\r\r\n", b"\n\n\n")))


MUTATIONS = (_flip, _truncate, _duplicate, _splice, _nest, _huge_field, _control, _wide, _carriage)
_EXTENSIONS = (".csv", ".tsv", ".json", ".jsonl", ".txt", ".log", ".parquet", ".xlsx", ".gz", ".zip", ".xz", ".zst")


def _split_name(name: str) -> tuple[str, str]:
    """("kunder", ".csv.gz"): the stem in letters only, so that fuzzed names never group."""
    stem, dot, rest = name.partition(".")
    suffix = dot + rest if dot else ""
    letters = "".join(c for c in stem.lower() if "a" <= c <= "z") or "fil"
    return letters[:24], suffix


def _json_value(rnd: random.Random):
    return rnd.choice((
        lambda: json.loads(hostile.nested(rnd.choice((200, 257, 300)))),
        lambda: "DEEP",  # swapped for a document too deep to build in Python
        lambda: "A" * rnd.choice((5000, 300_000)),
        lambda: "".join(chr(rnd.randrange(0, 32)) for _ in range(20)),
        lambda: "{" * 50 + "[" * 50,
        lambda: rnd.choice((None, True, 1e308, -1, "", [], {})),
    ))()


def _replace_leaf(doc, rnd: random.Random):
    """`doc` with one value replaced (a value nested too deep, a huge string, control characters)."""
    if isinstance(doc, dict) and doc and rnd.random() < 0.8:
        key = rnd.choice(list(doc))
        doc[key] = _replace_leaf(doc[key], rnd)
        return doc
    if isinstance(doc, list) and doc and rnd.random() < 0.8:
        i = rnd.randrange(len(doc))
        doc[i] = _replace_leaf(doc[i], rnd)
        return doc
    return _json_value(rnd)


def _dumps(doc) -> bytes:
    text = json.dumps(doc, ensure_ascii=False)
    return text.replace('"DEEP"', hostile.nested(100_000)).encode()


def _inside(suffix: str, data: bytes, rnd: random.Random, seeds: list[Seed]) -> bytes | None:
    """A mutation that keeps the container valid, so it reaches the reader inside: one value of a
    JSON document or of one JSON line, or one member of a zip (an XLSX part). None: not such a file."""
    if suffix.endswith((".json", ".jsonl")):
        lines = data.split(b"\n") if suffix.endswith(".jsonl") else [data]
        i = rnd.randrange(len(lines))
        try:
            lines[i] = _dumps(_replace_leaf(json.loads(lines[i]), rnd))
        except ValueError:
            return None
        return b"\n".join(lines)
    if suffix.endswith((".zip", ".xlsx")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as src:
                members = [(i, src.read(i)) for i in src.infolist()]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):  # RuntimeError: an encrypted member
            return None
        target = rnd.randrange(len(members)) if members else -1
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for n, (info, body) in enumerate(members):
                dst.writestr(hostile.member(info.filename),
                             rnd.choice(MUTATIONS)(body, rnd, seeds) if n == target else body)
        return out.getvalue()
    return None


def mutate(seed: Seed, rnd: random.Random, seeds: list[Seed]) -> tuple[str, bytes]:
    """(suffix, data) of one fuzzed file made from `seed`."""
    stem, suffix = _split_name(seed.name)
    data = seed.data
    if rnd.random() < 0.4 and (inner := _inside(suffix, data, rnd, seeds)) is not None:
        return suffix, inner
    packer = next((p for ext, p in _PACKERS.items() if suffix.endswith(ext)), None)
    inside = packer is not None and rnd.random() < 0.5
    if inside:
        try:
            data = packer[1](data)
        except Exception:  # noqa: BLE001 - a seed that does not unpack is mutated as it is
            inside = False
    for _ in range(rnd.choice((1, 1, 2, 3))):
        data = rnd.choice(MUTATIONS)(data, rnd, seeds)
    if inside:
        data = packer[0](data)
    if suffix.endswith(".zip") and rnd.random() < 0.3:
        data = _zip_of(stem + ".csv", rnd.choice(MUTATIONS)(hostile.people_csv(20).encode(), rnd, seeds))
    if rnd.random() < 0.1:
        suffix = rnd.choice(_EXTENSIONS)  # the name claims another format
    return suffix, data


def _code(i: int) -> str:
    out = ""
    while True:
        i, r = divmod(i, len(_LETTERS))
        out = _LETTERS[r] + out
        if not i:
            return out


def write_corpus(root: Path, n: int, seed: int = 15, start: int = 0, seed_files: list[Seed] | None = None) -> list[str]:
    """`n` fuzzed files under `root`; their relative paths. Deterministic for (seed, start)."""
    root.mkdir(parents=True, exist_ok=True)
    seed_files = seed_files or seeds(root.parent, seed)
    rels = []
    for i in range(start, start + n):
        rnd = random.Random(f"{seed}:{i}")
        base = seed_files[i % len(seed_files)]  # every seed in turn: every reader gets its share
        suffix, data = mutate(base, rnd, seed_files)
        stem, _ = _split_name(base.name)
        rel = f"{_code(i)}-{stem}{suffix}"
        (root / rel).write_bytes(data)
        rels.append(rel)
    return rels


# --- Scanning -----------------------------------------------------------------------------------


@dataclass
class Scan:
    code: int | None  # None: killed at the timeout
    wall_s: float
    peak_rss_mib: float  # the largest process (the scan, a detection worker): ru_maxrss
    peak_total_mib: float = 0.0  # all its processes together, at their fullest moment (polled)
    report: list[dict] = field(default_factory=list)
    invalid: str | None = None  # why the report is not a valid report
    stderr: str = ""

    @property
    def hung(self) -> bool:
        return self.code is None

    @property
    def crashed(self) -> bool:
        return not self.hung and (self.code not in (0, 1, 3) or self.invalid is not None)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return pids


def _status_kib(pid: int, key: str = "VmHWM:") -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _hwm_kib(pid: int) -> int:
    return _status_kib(pid, "VmHWM:")


def scan(target: Path, report: Path, timeout: float, extra: tuple[str, ...] = ()) -> Scan:
    """`kartlegg scan TARGET` in a child process of its own session, watched for time and memory."""
    state = Path(tempfile.mkdtemp(prefix="inventory-"))  # the inventory and what it keeps beside it
    inventory = state / "inventory.sqlite"
    cmd = [sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", str(target), "-o", str(report),
           "--inventory", str(inventory), *extra]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    t0 = time.monotonic()
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, start_new_session=True)
    peak, total, status, usage = 0, 0, None, None
    while status is None:
        pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, usage = st, ru
            break
        tree = _tree(proc.pid)
        peak = max([peak, *(_hwm_kib(p) for p in tree)])
        total = max(total, sum(_status_kib(p, "VmRSS:") for p in tree))
        if time.monotonic() - t0 > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            status = None
            break
        time.sleep(0.05)
    proc.returncode = -1  # reaped here; keep Popen from waiting on it again
    wall = time.monotonic() - t0
    peak = max(peak, usage.ru_maxrss if usage else 0)  # KiB on Linux
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace")[-3000:]
    err.close()
    code = None if status is None else os.waitstatus_to_exitcode(status)
    result = Scan(code, wall, peak / 1024, max(total, peak) / 1024, stderr=stderr)
    if code is not None:
        result.report, result.invalid = _read_report(report)
    shutil.rmtree(state, ignore_errors=True)
    return result


def _read_report(path: Path) -> tuple[list[dict], str | None]:
    import jsonschema

    schema = json.loads((Path(__file__).resolve().parent.parent / "reports" / "report.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    try:
        lines = [json.loads(line) for line in open(path, encoding="utf-8")]
    except (OSError, ValueError) as e:
        return [], f"unreadable report: {type(e).__name__}"
    for line in lines:
        error = next(iter(validator.iter_errors(line)), None)
        if error is not None:
            return lines, f"invalid {line.get('record')} record: {error.message[:200]}"
    if not lines or lines[-1].get("record") != "summary":
        return lines, "no summary record"
    return lines, None


def dropped(rels: list[str], lines: list[dict]) -> list[str]:
    """Files with no dataset, skipped or error record of their own (a zip member's names the zip)."""
    seen = set()
    for r in lines:
        if r.get("record") in ("dataset", "skipped", "error") and r.get("location"):
            seen.add(r["location"]["dataset"])
            seen.add(r["location"]["dataset"].split(":", 1)[0])
    return [rel for rel in rels if rel not in seen]


# --- The benchmark --------------------------------------------------------------------------------


def fuzz(n: int, seed: int, workdir: Path, batch: int, timeout: float, log=print, extra: tuple[str, ...] = ()) -> dict:
    seed_files = seeds(workdir, seed)
    totals = {"files": 0, "crashes": 0, "hangs": 0, "dropped": 0, "peak_rss_mib": 0.0, "peak_total_mib": 0.0,
              "wall_s": 0.0, "seeds": len(seed_files), "problems": []}
    for start in range(0, n, batch):
        root = workdir / f"batch-{start // batch}"
        rels = write_corpus(root, min(batch, n - start), seed, start, seed_files)
        result = scan(root, workdir / "report.jsonl", timeout, extra)
        totals["files"] += len(rels)
        totals["wall_s"] += result.wall_s
        totals["peak_rss_mib"] = max(totals["peak_rss_mib"], result.peak_rss_mib)
        totals["peak_total_mib"] = max(totals["peak_total_mib"], result.peak_total_mib)
        if result.hung or result.crashed:
            log(f"  batch {start // batch}: {'hang' if result.hung else 'crash'} ({result.code}); file by file")
            _one_by_one(root, rels, workdir, timeout, totals, extra)
        else:
            lost = dropped(rels, result.report)
            totals["dropped"] += len(lost)
            totals["problems"] += [{"file": rel, "problem": "dropped"} for rel in lost]
        log(f"  {totals['files']} files: {totals['crashes']} crashes, {totals['hangs']} hangs, "
            f"{totals['dropped']} dropped, peak {totals['peak_rss_mib']:.0f} MiB "
            f"(all processes {totals['peak_total_mib']:.0f} MiB), {totals['wall_s']:.0f} s")
        shutil.rmtree(root, ignore_errors=True)
    return totals


def _one_by_one(root: Path, rels: list[str], workdir: Path, timeout: float, totals: dict,
                extra: tuple[str, ...] = ()) -> None:
    for rel in rels:
        alone = workdir / "alone"
        shutil.rmtree(alone, ignore_errors=True)
        alone.mkdir()
        shutil.copy(root / rel, alone / rel)
        result = scan(alone, workdir / "alone.jsonl", timeout, extra)
        totals["peak_rss_mib"] = max(totals["peak_rss_mib"], result.peak_rss_mib)
        if result.hung or result.crashed:
            kind = "hangs" if result.hung else "crashes"
            totals[kind] += 1
            keep = workdir / "found" / rel
            keep.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / rel, keep)
            totals["problems"].append({"file": str(keep), "problem": kind[:-1] if kind == "hangs" else "crash",
                                       "code": result.code, "invalid": result.invalid,
                                       "stderr": result.stderr[-500:]})
        elif dropped([rel], result.report):
            totals["dropped"] += 1
            totals["problems"].append({"file": rel, "problem": "dropped"})


def hostile_files(workdir: Path, timeout: float, log=print, extra: tuple[str, ...] = ()) -> list[dict]:
    """Each hostile file alone in a directory, scanned: exit code, records, peak memory."""
    out = []
    for name, writer in hostile.HOSTILE.items():
        root = workdir / f"hostile-{name.replace('.', '-')}"
        root.mkdir(parents=True, exist_ok=True)
        writer(root / name)
        size = (root / name).stat().st_size
        result = scan(root, workdir / "hostile.jsonl", timeout, extra)
        kinds: dict[str, int] = {}
        for r in result.report:
            kinds[r["record"]] = kinds.get(r["record"], 0) + 1
        dataset = next((r for r in result.report if r["record"] == "dataset"), {})
        row = {"file": name, "bytes": size, "code": result.code, "wall_s": round(result.wall_s, 1),
               "peak_rss_mib": round(result.peak_rss_mib), "peak_total_mib": round(result.peak_total_mib),
               "records": kinds, "invalid": result.invalid,
               "unreadable": dataset.get("unreadable"), "lost": bool(dropped([name], result.report))}
        log(f"  {name}: {human(size)}, exit {result.code}, {row['peak_rss_mib']} MiB "
            f"(all processes {row['peak_total_mib']} MiB), {row['wall_s']} s, {kinds}")
        out.append(row)
        shutil.rmtree(root, ignore_errors=True)
    return out


def human(n: int) -> str:
    from scanner.formats.limits import human_size

    return human_size(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--batch", type=int, default=500, help="files per scan")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a scan counts as hung")
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile files of issue 15")
    parser.add_argument("--full", action="store_true", help="scan with --full (every record, in batches)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kartlegg-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    extra = ("--full",) if args.full else ()
    try:
        if not args.no_hostile:
            print("hostile files, one scan each:")
            results["hostile"] = hostile_files(workdir, args.timeout, extra=extra)
        print(f"{args.files} fuzzed files (seed {args.seed}), {args.batch} per scan:")
        results["fuzz"] = fuzz(args.files, args.seed, workdir, args.batch, args.timeout, extra=extra)
    finally:
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        if args.workdir is None and not (workdir / "found").exists():
            shutil.rmtree(workdir, ignore_errors=True)
    fz = results["fuzz"]
    worst = max([fz["peak_rss_mib"], *(h["peak_rss_mib"] for h in results.get("hostile", []))])
    bad_hostile = [h["file"] for h in results.get("hostile", []) if h["code"] not in (0, 1, 3) or h["invalid"] or h["lost"]]
    print(f"\n{fz['files']} files: {fz['crashes']} crashes, {fz['hangs']} hangs, {fz['dropped']} dropped; "
          f"peak RSS {worst:.0f} MiB (goal < 400){'; hostile files failing: ' + ', '.join(bad_hostile) if bad_hostile else ''}")
    if fz["problems"]:
        print(f"problem files kept in {workdir / 'found'}" if (workdir / "found").exists() else "")
    return 0 if not (fz["crashes"] or fz["hangs"] or fz["dropped"] or bad_hostile or worst >= 400) else 1


if __name__ == "__main__":
    raise SystemExit(main())
