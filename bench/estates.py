"""Estate-level quality: generated, labelled estates scanned the way a user scans them, scored per part.

    python -m bench.quality --estates [--seed N] [--size small|full] [--json out.json]
    python -m bench.estates --sql-url postgresql://… [--size small|full]   # the ops estate in any database
    python -m bench.estates --server postgresql|mariadb                    # … in a throw-away server

Three estates: `demo` (demo/estate.py in SQLite and the file share of demo/estate_files.py),
`ops` (bench/estate_ops.py: an IT-operations company and a power retailer) and `holdout`
(bench/estate_holdout.py: a grid company and its MSP, written blind to the detectors and the other
estates, so its score measures generalisation rather than fit). Each is written to a
temporary directory and scanned by `kartlegg scan ... --no-inventory` in a subprocess. A finding is
the unit (part, dataset, field, entity type); the labels say which entity types a correct scanner
reports for each dataset and field, files grouped into datasets the way the crawlers group them.

Parts: `sql` (the database), `files`, `logs`. In the demo share, the files under `logg/`, files
with a log name (`*.log`, rotations) and JSON-lines files count as logs, the rest as files.

Only the core entity types are scored: the personal types kartlegg's built-in detectors report
(CORE below: fødselsnummer, person, phone, e-mail, address, bank account, IBAN, card, meter ID,
meter serial, meter reading, IP address). Organisation numbers and names are not personal data;
LOCATION comes only from an optional spaCy model and no estate labels it; third-party types are
unknown to the labels. Each part gets TP/FP/FN, precision, recall and micro F1 over these, and
every FP and FN is listed with its dataset and field.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scanner.crawlers.datasets import pattern_of
from scanner.crawlers.files import display
from scanner.formats.log_names import is_log
from scanner.model import categories

CORE = frozenset(e for e, i in categories.ENTITIES.items() if i.personal) - {"LOCATION"}
PARTS = ("sql", "files", "logs")
TARGET = 0.98
# rows per table (SQL), rows per file-share export, lines per log
SIZES = {"small": {"rows": 300, "file_rows": 300, "log_lines": 2000},
         "full": {"rows": 2000, "file_rows": 1000, "log_lines": 20000}}

Key = tuple[str, str, str | None]  # (part, dataset, field)
Expected = dict[Key, frozenset[str]]
FileLabels = dict[str, dict[str | None, frozenset[str]]]


@dataclass
class Error:
    kind: str  # FP | FN
    part: str
    dataset: str
    field: str | None
    entity: str
    detail: str


@dataclass
class PartScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class EstateScore:
    name: str
    parts: dict[str, PartScore] = field(default_factory=lambda: {p: PartScore() for p in PARTS})
    errors: list[Error] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(p.f1 >= TARGET for p in self.parts.values())

    def to_dict(self) -> dict:
        return {"estate": self.name, "seconds": round(self.seconds, 1), "pass": self.passed,
                "parts": {k: v.to_dict() for k, v in self.parts.items()},
                "errors": [e.__dict__ for e in self.errors]}


# -- labels and findings as (part, dataset, field) -> entity types --------------------------------------
def file_expected(labels: FileLabels, part_of: Callable[[str], str]) -> Expected:
    """Per-file labels grouped into datasets as the crawlers group them (pattern_of, display)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for rel in labels:
        groups[pattern_of(rel)].append(rel)
    out: dict[Key, set[str]] = defaultdict(set)
    for pattern, members in groups.items():
        name = display(members[0]) if len(members) == 1 else pattern
        for rel in members:
            for fld, entities in labels[rel].items():
                out[(part_of(rel), name, fld)] |= entities
    return {k: frozenset(v) for k, v in out.items()}


def reported(lines: list[dict], part_of: Callable[[dict], str]) -> dict[Key, dict[str, dict]]:
    """(part, dataset, field) -> {entity type: its finding record}."""
    out: dict[Key, dict[str, dict]] = defaultdict(dict)
    for r in lines:
        if r.get("record") == "finding":
            loc = r["location"]
            out[(part_of(r), loc["dataset"], loc["field"])][r["entity_type"]] = r
    return out


def whole_documents(expected: Expected, found: dict[Key, dict[str, dict]]) -> dict[Key, dict[str, dict]]:
    """Findings of a dataset labelled as a whole (field None: plain text, a document) gathered
    under None, whichever part of it they name (`page 2`, `body`, `attachment a.csv#epost`)."""
    whole = {(part, dataset) for part, dataset, fld in expected if fld is None}
    out: dict[Key, dict[str, dict]] = defaultdict(dict)
    for (part, dataset, fld), records in found.items():
        out[(part, dataset, None if (part, dataset) in whole else fld)].update(records)
    return out


def score(name: str, expected: Expected, found: dict[Key, dict[str, dict]]) -> EstateScore:
    """TP/FP/FN per part over CORE; every error listed."""
    found = whole_documents(expected, found)
    result = EstateScore(name)
    for key in sorted(set(expected) | set(found), key=lambda k: (k[0], k[1], k[2] or "")):
        part, dataset, fld = key
        gold = expected.get(key, frozenset()) & CORE
        got = found.get(key, {})
        predicted = set(got) & CORE
        counts = result.parts.setdefault(part, PartScore())
        counts.tp += len(gold & predicted)
        for entity in sorted(predicted - gold):
            counts.fp += 1
            f = got[entity]
            why = (f.get("reasons") or [""])[0]
            unlabelled = "" if key in expected else "; field not in the labels"
            result.errors.append(Error("FP", part, dataset, fld, entity,
                                       f"confidence {f.get('confidence')}, {f.get('hits')}/{f.get('sampled')} hits"
                                       f"{unlabelled}; {why}"))
        for entity in sorted(gold - predicted):
            counts.fn += 1
            others = ", ".join(f"{e} {got[e].get('confidence')}" for e in sorted(got)) or "nothing"
            result.errors.append(Error("FN", part, dataset, fld, entity, f"reported: {others}"))
    return result


# -- scanning ---------------------------------------------------------------------------------------------
def scan(sources: list[str], workdir: Path, workers: int = 1) -> list[dict]:
    """`kartlegg scan SOURCES --no-inventory` as a user runs it; the report's records."""
    out = workdir / "report.jsonl"
    cmd = [sys.executable, "-c", "from scanner.cli.main import main; main()", "scan", *sources,
           "--no-inventory", "-o", str(out), "-q", "--workers", str(workers)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir, check=False)
    if done.returncode not in (0, 1, 3):  # 3: some locations unreadable, which the demo share has on purpose
        raise RuntimeError(f"kartlegg scan exited {done.returncode}: {done.stderr[-2000:]}")
    with open(out, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


# -- the estates ------------------------------------------------------------------------------------------
def demo_file_part(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return "logs" if rel.startswith("logg/") or is_log(rel) or ".jsonl" in name else "files"


# The demo share labels the payment sheet, whose header sits below two title rows, by position
# (col1…), as kartlegg read it when the labels were written; a correct scanner finds the header.
_DEMO_HEADER = {"Innbetalinger!col1": "Innbetalinger!Dato", "Innbetalinger!col2": "Innbetalinger!Kunde",
                "Innbetalinger!col3": "Innbetalinger!Fra konto", "Innbetalinger!col4": "Innbetalinger!Beløp",
                "Innbetalinger!col5": "Innbetalinger!KID"}


def _found_headers(labels: FileLabels) -> FileLabels:
    return {rel: {_DEMO_HEADER.get(f, f) if isinstance(f, str) else f: e for f, e in fields.items()}
            for rel, fields in labels.items()}


def build_demo(tmp: Path, seed: int, size: str) -> tuple[list[str], Expected, Callable[[dict], str]]:
    import sqlalchemy as sa

    from demo import estate, estate_files

    n = SIZES[size]
    engine = sa.create_engine(f"sqlite:///{tmp / 'kundesystem.db'}")
    try:
        estate.populate(engine, rows=n["rows"], seed=seed)
    finally:
        engine.dispose()
    labels = _found_headers(estate_files.write_estate(tmp / "filer", seed=seed, rows=n["file_rows"]))
    expected: Expected = {("sql", t, c): e for (t, c), e in estate.EXPECTED.items()}
    expected.update(file_expected(labels, demo_file_part))
    sources = [f"sql=sqlite:///{tmp / 'kundesystem.db'}", f"files=file://{tmp / 'filer'}"]

    def part_of(r: dict) -> str:
        return "sql" if r["source"]["name"] == "sql" else demo_file_part(r["location"]["dataset"])

    return sources, expected, part_of


def build_ops(tmp: Path, seed: int, size: str, sql_url: str | None = None
              ) -> tuple[list[str], Expected, Callable[[dict], str]]:
    """`sql_url`: populate and scan that database (PostgreSQL, MariaDB, …) instead of the SQLite file;
    the estate's 30 tables are dropped and created there, so point it at a scratch database."""
    from bench import estate_ops

    n = SIZES[size]
    w = estate_ops.write_estate(tmp, seed=seed, rows=n["rows"], log_lines=n["log_lines"])
    if sql_url:
        import sqlalchemy as sa

        engine = sa.create_engine(sql_url)
        try:
            estate_ops.populate(engine, rows=n["rows"], seed=seed)
        finally:
            engine.dispose()
    expected: Expected = {("sql", t, c): e for (t, c), e in w.sql.items()}
    expected.update(file_expected(w.file_labels, lambda rel: "files"))
    expected.update(file_expected(w.log_labels, lambda rel: "logs"))
    sources = [f"sql={sql_url or f'sqlite:///{w.database}'}", f"files=file://{w.files}", f"logs=file://{w.logs}"]
    return sources, expected, lambda r: r["source"]["name"]


def build_holdout(tmp: Path, seed: int, size: str) -> tuple[list[str], Expected, Callable[[dict], str]]:
    """bench/estate_holdout.py: SQLite, a file share and a log directory, each its own source."""
    from bench import estate_holdout

    n = SIZES[size]
    w = estate_holdout.write_estate(tmp, seed=seed, rows=n["rows"], log_lines=n["log_lines"])
    expected: Expected = {("sql", t, c): e for (t, c), e in w.sql.items()}
    expected.update(file_expected(w.file_labels, lambda rel: "files"))
    expected.update(file_expected(w.log_labels, lambda rel: "logs"))
    sources = [f"sql=sqlite:///{w.database}", f"files=file://{w.files}", f"logs=file://{w.logs}"]
    return sources, expected, lambda r: r["source"]["name"]


ESTATES = {"demo": build_demo, "ops": build_ops, "holdout": build_holdout}


def run(seed: int = 2026, size: str = "small", names: tuple[str, ...] = tuple(ESTATES),
        workers: int = 1, sql_url: str | None = None) -> list[EstateScore]:
    """`sql_url` replaces the ops estate's SQLite file by that database (see build_ops)."""
    results = []
    for name in names:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"kartlegg-estate-{name}-") as tmp:
            if name == "ops" and sql_url:
                sources, expected, part_of = build_ops(Path(tmp), seed, size, sql_url)
            else:
                sources, expected, part_of = ESTATES[name](Path(tmp), seed, size)
            lines = scan(sources, Path(tmp), workers)
        result = score(name, expected, reported(lines, part_of))
        result.seconds = time.perf_counter() - t0
        results.append(result)
    return results


def render(results: list[EstateScore], seed: int, size: str) -> str:
    out = [f"# kartlegg estate quality (seed {seed}, size {size})", "",
           f"Core micro F1 per part over {', '.join(sorted(CORE))}; target >= {TARGET} per part.", "",
           "| estate | part | TP | FP | FN | precision | recall | F1 | |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for part in PARTS:
            c = r.parts[part]
            out.append(f"| {r.name} | {part} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.3f} | {c.recall:.3f} | "
                       f"{c.f1:.3f} | {'PASS' if c.f1 >= TARGET else 'FAIL'} |")
    for r in results:
        out += ["", f"## Errors: {r.name} ({len(r.errors)}, scanned in {r.seconds:.1f} s)", ""]
        out += [f"- {e.part} {e.kind} {e.entity}: {e.dataset} / {e.field} ({e.detail})" for e in r.errors] or ["none"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.estates --sql-url URL`: the ops estate with its tables in any SQLAlchemy database."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.estates", description=main.__doc__)
    parser.add_argument("--sql-url", help="populate and scan this database instead of a SQLite file "
                                          "(its estate tables are dropped and recreated)")
    parser.add_argument("--server", choices=("postgresql", "mariadb"),
                        help="start a throw-away server on 127.0.0.1 (tests/servers.py) and use it as --sql-url")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--estate", choices=sorted(ESTATES), action="append",
                        help="estates to score (default: ops with --sql-url, else all)")
    args = parser.parse_args(argv)
    names = tuple(args.estate or (("ops",) if args.sql_url or args.server else ESTATES))
    if args.server:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from servers import MariaDBServer, PostgresServer

        with (PostgresServer if args.server == "postgresql" else MariaDBServer)() as server:
            server.create_database("estate")
            results = run(args.seed, args.size, names, sql_url=server.url(database="estate"))
    else:
        results = run(args.seed, args.size, names, sql_url=args.sql_url)
    sys.stdout.write(render(results, args.seed, args.size))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
