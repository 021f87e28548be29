"""Documents of every kind, scanned as a share, scored per document and category.

    python -m bench.documents [--per-kind 40] [--seed 20] [--workers 2] [--keep DIR]
    python -m bench.documents --hostile      # each hostile document alone: exit, records, memory

Writes bench.document_set's labelled documents (half with personal data, hard negatives among
the rest), scans them with the installed `kartlegg scan` (every file its own dataset, every
file read), and compares the personal-data categories reported for each document with its
labels: precision, recall and F1 over (document, category) pairs, for text documents and for
scanned ones (OCR), and per kind. Documents that were skipped or failed are listed: the goal is
none. The ceiling is 1.0: every planted category found, nothing on the negatives.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.document_set import SCANNED_KINDS, TEXT_KINDS, write_set
from scanner.model.categories import info


def scan(root: Path, report: Path, workers: int, extra: tuple[str, ...] = ()) -> float:
    t0 = time.monotonic()
    cmd = [str(Path(sys.executable).parent / "kartlegg"), "scan", str(root), "-o", str(report), "-q",
           "--objects-per-dataset", "0", "--workers", str(workers), "--no-inventory", *extra]
    rc = subprocess.run(cmd, check=False).returncode
    if rc not in (0, 1, 3):
        raise SystemExit(f"kartlegg scan failed: exit {rc}")
    return time.monotonic() - t0


def found(report: Path) -> tuple[dict[str, set[str]], dict[str, str], dict[str, dict]]:
    """(categories reported per dataset, skip/error reasons per dataset, document counts per dataset)."""
    cats: dict[str, set[str]] = defaultdict(set)
    problems: dict[str, str] = {}
    docs: dict[str, dict] = {}
    for line in report.open():
        r = json.loads(line)
        loc = r.get("location") or {}
        ds = loc.get("dataset")
        if r["record"] == "finding" and r.get("personal"):
            cats[ds].add(info(r["entity_type"]).category)
        elif r["record"] in ("skipped", "error") and ds:
            problems[ds if not loc.get("field") else f"{ds}#{loc['field']}"] = r.get("reason") or str(r.get("error"))
        elif r["record"] == "dataset" and r.get("document"):
            docs[ds] = r["document"]
    return cats, problems, docs


def score(labels: dict[str, frozenset[str]], cats: dict[str, set[str]], paths: list[str]) -> dict:
    tp = fp = fn = 0
    wrong = []
    for rel in paths:
        want, got = set(labels[rel]), cats.get(rel, set())
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        if want != got:
            wrong.append((rel, sorted(want - got), sorted(got - want)))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"documents": len(paths), "precision": p, "recall": r, "f1": f1, "wrong": wrong}


def hostile(seed: int = 20) -> int:
    """Each of bench.fuzz's hostile documents alone in a directory, scanned with default settings:
    its exit code, what the report says of it, the largest process and the whole tree's memory."""
    import random

    from bench import fuzz

    print(f"{'file':<20} {'size':>10} {'exit':>4} {'seconds':>7} {'largest MiB':>11} {'all MiB':>7}  records")
    with tempfile.TemporaryDirectory() as tmp:
        for i, seed_file in enumerate(fuzz._document_seeds(random.Random(seed))):
            folder = Path(tmp) / f"d{i}"
            folder.mkdir()
            (folder / seed_file.name).write_bytes(seed_file.data)
            result = fuzz.scan(folder, Path(tmp) / f"r{i}.jsonl", timeout=900)
            said = [f"{r['record']}: {r.get('reason') or (r.get('error') or {}).get('message') or r.get('format')}"
                    for r in result.report if r["record"] in ("dataset", "skipped", "error") and r.get("location")]
            print(f"{seed_file.name:<20} {len(seed_file.data):>10,} {result.code!s:>4} {result.wall_s:>7.1f} "
                  f"{result.peak_rss_mib:>11.0f} {result.peak_total_mib:>7.0f}  {'; '.join(said)[:160]}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-kind", type=int, default=40)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="write the documents and the report here and keep them")
    ap.add_argument("--kinds", help="comma-separated kinds (default: all)")
    ap.add_argument("--show", type=int, default=5, help="wrong documents to list per kind")
    ap.add_argument("--hostile", action="store_true", help="scan each hostile document alone instead")
    args = ap.parse_args(argv)
    if args.hostile:
        return hostile(args.seed)
    kinds = tuple(args.kinds.split(",")) if args.kinds else TEXT_KINDS + SCANNED_KINDS
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        root = work / "dokumenter"
        t0 = time.monotonic()
        labels = write_set(root, args.per_kind, args.seed, kinds)
        written = time.monotonic() - t0
        report = work / "documents.jsonl"
        took = scan(root, report, args.workers)
        cats, problems, docs = found(report)
    print(f"{len(labels)} documents ({args.per_kind} per kind, {sum(map(bool, labels.values()))} with personal "
          f"data) written in {written:.1f} s, scanned in {took:.1f} s with --workers {args.workers}")
    print(f"{'kind':<10} {'docs':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    by_kind = defaultdict(list)
    for rel in labels:
        by_kind[rel.split("/")[0].replace("scan-pdf", "scan.pdf")].append(rel)
    for kind in kinds:
        s = score(labels, cats, by_kind[kind])
        print(f"{kind:<10} {s['documents']:>5} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f}")
        for rel, missed, extra in s["wrong"][: args.show]:
            print(f"    {rel}: missed {missed or '-'}, extra {extra or '-'}")
    for group, members in (("text", TEXT_KINDS), ("scanned", SCANNED_KINDS)):
        paths = [rel for k in members if k in kinds for rel in by_kind[k]]
        if paths:
            s = score(labels, cats, paths)
            print(f"{group} documents: {s['documents']}, precision {s['precision']:.3f}, recall {s['recall']:.3f}, "
                  f"F1 {s['f1']:.3f}")
    pages = sum(d.get("pages", 0) for d in docs.values())
    ocr = sum(d.get("pages_ocr", 0) for d in docs.values())
    ocr_s = sum(d.get("ocr_seconds", 0) for d in docs.values())
    print(f"pages read {pages}, of them by OCR {ocr} ({ocr_s:.1f} s of OCR, "
          f"{ocr / ocr_s if ocr_s else 0:.2f} pages/s a process)")
    unread = {k: v for k, v in problems.items() if k.split("#")[0] in labels}
    print(f"documents or parts skipped or failed: {len(unread)}")
    for where, why in sorted(unread.items())[:20]:
        print(f"    {where}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
