"""Quality of kartlegg's detectors on the generated corpus (bench/corpus.py).

    python -m bench.quality [--seed N] [--size small|full] [--json out.json]
    python -m bench.quality --estates [--seed N] [--size small|full] [--json out.json]

Three levels:

- *Value level, structured values.* A value counts as predicted for entity E when
  ``engine.analyze_values`` with the column's name as context words yields E with score >= 0.5.
  Weak forms without context and chance matches (see bench/corpus.py) are not judged value by
  value: a bare 8-digit phone number or bare 11-digit kontonummer in a column named ``ref`` is
  left to the column level, and so is an order number that happens to be a valid fødselsnummer.
- *Value level, free text.* ``engine.analyze_text(text, threshold=0.5)``; a planted span is found
  when a detection of the same type overlaps it, and a detection is right when it overlaps a
  planted span of its type.
- *Column level.* ``classify_column(...).findings(0.5)`` against the column's expected types;
  hard-negative columns must produce no finding at all.

Names get their own line: PERSON recall over Norwegian sentences (log lines excluded), the
precision of PERSON detections, and the share of name-free sentences with a PERSON detection.

With --estates, the generated estates are scanned and scored instead (bench/estates.py): core micro
F1 per estate and part (SQL, files, logs), every error listed; exit 1 when a part is below 0.98.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from bench import corpus as corpus_mod
from bench.corpus import ENTITY_TYPES, PERSON, Corpus
from scanner.model import categories
from detectors.column import classify_column
from detectors.engine import DEFAULT_THRESHOLD, Engine
from detectors.vocabulary import context_words

VALUE_TARGETS = {
    "NO_FODSELSNUMMER": 0.99,
    "NO_METER_ID": 0.99,
    "NO_BANK_ACCOUNT": 0.99,
    "CREDIT_CARD": 0.99,
    "EMAIL_ADDRESS": 0.99,
    "NO_PHONE_NUMBER": 0.97,
}
PERSON_RECALL = 0.90
PERSON_FALSE_POSITIVES = 0.05
BINS = [(0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]
MAX_ERRORS_SHOWN = 6


@dataclass
class Counts:
    tp: int = 0  # gold items found
    fn: int = 0
    hits: int = 0  # predictions that are right (differs from tp only for overlapping spans)
    fp: int = 0

    def add(self, entity: str, gold: set, predicted: set) -> None:
        """One value's verdict on `entity` under the value-level rule."""
        if entity in gold and entity in predicted:
            self.tp += 1
            self.hits += 1
        elif entity in gold:
            self.fn += 1
        else:
            self.fp += 1

    @property
    def precision(self) -> float:
        return self.hits / (self.hits + self.fp) if self.hits + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class Report:
    seed: int
    size: str
    structured: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    text: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    columns: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    hard_negative_fps: list[dict] = field(default_factory=list)
    calibration: dict[str, list[int]] = field(default_factory=dict)  # bin -> [findings, correct]
    person: dict[str, float] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)

    def targets(self) -> list[tuple[str, float, str, bool]]:
        """(what, measured, target, passed) for every target line."""
        out = []
        for level, counts in (("structured", self.structured), ("free text", self.text)):
            for entity, target in VALUE_TARGETS.items():
                c = counts.get(entity, Counts())
                out.append((f"value {level} {entity} precision", c.precision, f">= {target}", c.precision >= target))
                out.append((f"value {level} {entity} recall", c.recall, f">= {target}", c.recall >= target))
        personal_fps = [x for x in self.hard_negative_fps if x["personal"]]
        out.append(("hard-negative columns with a personal-data finding", len(personal_fps), "== 0", not personal_fps))
        p = self.person
        out.append(("PERSON recall in Norwegian sentences", p["recall"], f">= {PERSON_RECALL}",
                    p["recall"] >= PERSON_RECALL))
        out.append(("PERSON false detections (1 - precision)", 1 - p["precision"], f"<= {PERSON_FALSE_POSITIVES}",
                    1 - p["precision"] <= PERSON_FALSE_POSITIVES))
        out.append(("name-free sentences with a PERSON detection", p["fp_rate"], f"<= {PERSON_FALSE_POSITIVES}",
                    p["fp_rate"] <= PERSON_FALSE_POSITIVES))
        return out

    def to_dict(self) -> dict:
        table = lambda d: {k: v.to_dict() for k, v in sorted(d.items())}  # noqa: E731
        return {
            "seed": self.seed, "size": self.size, "stats": self.stats,
            "value_structured": table(self.structured), "value_text": table(self.text),
            "column": table(self.columns), "hard_negative_fps": self.hard_negative_fps,
            "calibration": self.calibration, "person": self.person,
            "targets": [{"what": w, "measured": m, "target": t, "pass": ok} for w, m, t, ok in self.targets()],
            "errors": self.errors,
        }


def _predicted(detections, threshold=DEFAULT_THRESHOLD) -> set[str]:
    return {d.entity_type for d in detections if d.score >= threshold and d.entity_type in ENTITY_TYPES}


def evaluate_values(corpus: Corpus, engine: Engine, report: Report) -> None:
    for col in corpus.columns:
        if col.free_text:
            continue  # judged span by span in evaluate_text
        found = engine.analyze_values(col.values, context=context_words(col.name))
        for value, gold, ignore, detections in zip(col.values, col.labels, col.ignore, found):
            predicted = _predicted(detections)
            for entity in sorted((gold | predicted) - ignore):
                report.structured[entity].add(entity, gold, predicted)
                if not (entity in gold and entity in predicted):
                    report.errors.append({
                        "level": "value", "kind": "FN" if entity in gold else "FP", "entity": entity,
                        "column": col.qualified, "value": repr(value),
                        "got": sorted((d.entity_type, d.score) for d in detections),
                    })


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate_text(corpus: Corpus, engine: Engine, report: Report) -> None:
    names_found = names_total = person_hits = person_fp = 0
    name_free = name_free_flagged = 0
    by_form: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # form -> [found, planted]
    for item in corpus.texts:
        detections = [d for d in engine.analyze_text(item.text, threshold=DEFAULT_THRESHOLD)
                      if d.entity_type in ENTITY_TYPES]
        for start, end, entity in item.spans:
            hit = any(d.entity_type == entity and _overlaps((d.start, d.end), (start, end)) for d in detections)
            c = report.text[entity]
            c.tp += hit
            c.fn += not hit
            if not hit:
                report.errors.append({"level": "text", "kind": "FN", "entity": entity, "span": item.text[start:end],
                                      "text": item.text, "got": [(d.entity_type, d.text, d.score) for d in detections]})
        for d in detections:
            right = any(e == d.entity_type and _overlaps((d.start, d.end), (s, t)) for s, t, e in item.spans)
            c = report.text[d.entity_type]
            c.hits += right
            c.fp += not right
            if not right:
                report.errors.append({"level": "text", "kind": "FP", "entity": d.entity_type, "span": d.text,
                                      "text": item.text, "got": [(d.entity_type, d.text, d.score)]})
        if item.kind == "log":
            continue
        gold_names = [(s, t) for s, t, e in item.spans if e == PERSON]
        persons = [d for d in detections if d.entity_type == PERSON]
        names_total += len(gold_names)
        for g in gold_names:
            found = any(_overlaps((d.start, d.end), g) for d in persons)
            names_found += found
            by_form[_name_form(item.text[g[0]:g[1]])][0] += found
            by_form[_name_form(item.text[g[0]:g[1]])][1] += 1
        right = sum(any(_overlaps((d.start, d.end), g) for g in gold_names) for d in persons)
        person_hits += right
        person_fp += len(persons) - right
        if not gold_names:
            name_free += 1
            name_free_flagged += bool(persons)
    report.person = {
        "names": names_total,
        "recall": names_found / names_total if names_total else 1.0,
        "precision": person_hits / (person_hits + person_fp) if person_hits + person_fp else 1.0,
        "name_free_sentences": name_free,
        "fp_rate": name_free_flagged / name_free if name_free else 0.0,
        "by_form": dict(sorted(by_form.items())),
    }


def _name_form(name: str) -> str:
    if "," in name:
        return "Etternavn, Fornavn"
    if name.isupper():
        return "ALL CAPS"
    return "first name only" if " " not in name else "Fornavn (Mellomnavn) Etternavn"


def evaluate_columns(corpus: Corpus, engine: Engine, report: Report) -> None:
    calibration = {f"{lo:.1f}-{hi:.1f}": [0, 0] for lo, hi in BINS}
    for col in corpus.columns:
        result = classify_column(col.name, col.declared_type, col.values, engine, neighbours=col.neighbours)
        findings = result.findings(DEFAULT_THRESHOLD)
        predicted = {f.entity_type for f in findings}
        for entity in sorted(col.expected | predicted):
            c = report.columns[entity]
            if entity in col.expected and entity in predicted:
                c.tp += 1
                c.hits += 1
            elif entity in col.expected:
                c.fn += 1
                v = result.entities.get(entity)
                report.errors.append({
                    "level": "column", "kind": "FN", "entity": entity, "column": col.qualified,
                    "declared_type": col.declared_type, "sample": [repr(x) for x in col.values[:4]],
                    "got": _verdict(v) if v else "no verdict",
                })
            elif entity not in col.optional:
                c.fp += 1
        for f in findings:
            wrong = f.entity_type not in col.expected | col.optional
            if wrong:
                entry = {
                    "level": "column", "kind": "FP", "entity": f.entity_type, "column": col.qualified,
                    "declared_type": col.declared_type, "hard_negative": col.hard_negative,
                    "personal": categories.info(f.entity_type).personal, "got": _verdict(f),
                    "sample": [repr(x) for x in col.values[:4]],
                }
                report.errors.append(entry)
                if col.hard_negative:
                    report.hard_negative_fps.append(entry)
            label = next(f"{lo:.1f}-{hi:.1f}" for lo, hi in BINS if f.confidence < hi or hi == 1.0)
            calibration[label][0] += 1
            calibration[label][1] += not wrong
    report.calibration = calibration


def _verdict(v) -> dict:
    return {"confidence": round(v.confidence, 3), "matched": v.matched, "hits": v.hits, "sampled": v.sampled,
            "ratio": round(v.ratio, 3), "reasons": v.reasons}


def evaluate(corpus: Corpus, engine: Engine) -> Report:
    report = Report(corpus.seed, corpus.size)
    t0 = time.perf_counter()
    evaluate_values(corpus, engine, report)
    t1 = time.perf_counter()
    evaluate_text(corpus, engine, report)
    t2 = time.perf_counter()
    evaluate_columns(corpus, engine, report)
    t3 = time.perf_counter()
    report.stats = {
        "columns": len(corpus.columns),
        "hard_negative_columns": sum(c.hard_negative for c in corpus.columns),
        "values": sum(len(c.values) for c in corpus.columns if not c.free_text),
        "values_judged": sum(
            1 for c in corpus.columns if not c.free_text for lab, ign in zip(c.labels, c.ignore) if lab - ign),
        "chance_matches": sum(
            1 for c in corpus.columns if not c.free_text for v, lab in zip(c.values, c.labels)
            if corpus_mod.chance_matches(v) - lab),
        "text_items": len(corpus.texts),
        "planted_spans": sum(len(t.spans) for t in corpus.texts),
        "seconds_values": round(t1 - t0, 2), "seconds_text": round(t2 - t1, 2), "seconds_columns": round(t3 - t2, 2),
    }
    return report


# -- rendering ---------------------------------------------------------------------------------------
def _counts_table(counts: dict[str, Counts], with_targets: bool) -> list[str]:
    head = "| entity | TP | FP | FN | precision | recall | F1 |" + (" target | |" if with_targets else "")
    rows = [head, "|---" * (head.count("|") - 1) + "|"]
    for entity in sorted(counts):
        c = counts[entity]
        row = f"| {entity} | {c.tp} | {c.fp} | {c.fn} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} |"
        if with_targets:
            t = VALUE_TARGETS.get(entity)
            ok = t is None or (c.precision >= t and c.recall >= t)
            row += f" {'>= ' + str(t) if t else ''} | {('PASS' if ok else 'FAIL') if t else ''} |"
        rows.append(row)
    return rows


def render(report: Report) -> str:
    s = report.stats
    out = [
        f"# kartlegg quality (seed {report.seed}, size {report.size})", "",
        f"{s['columns']} columns ({s['hard_negative_columns']} hard negatives), {s['values']} structured values "
        f"({s['values_judged']} labelled values judged value by value; {s['chance_matches']} values pass another "
        f"type's check by chance and are left to the column level), {s['text_items']} free-text items with "
        f"{s['planted_spans']} planted spans.", "",
        "## Value level: structured values (analyze_values, column name as context, score >= 0.5)", "",
        *_counts_table(report.structured, True), "",
        "## Value level: free text (analyze_text, threshold 0.5, span overlap)", "",
        *_counts_table(report.text, True), "",
        "## Column level (classify_column findings, confidence >= 0.5)", "",
        *_counts_table(report.columns, False), "",
        "## Hard-negative columns with a finding (target: none)", "",
    ]
    if report.hard_negative_fps:
        out += ["| column | entity | personal | confidence | ratio | reasons |", "|---|---|---|---|---|---|"]
        for x in report.hard_negative_fps:
            g = x["got"]
            out.append(f"| {x['column']} | {x['entity']} | {x['personal']} | {g['confidence']} | {g['ratio']} | "
                       f"{'; '.join(g['reasons'])} |")
    else:
        out.append("none")
    p = report.person
    out += [
        "", "## Names in Norwegian sentences", "",
        "| planted names | recall | precision | name-free sentences | share flagged |", "|---|---|---|---|---|",
        f"| {p['names']} | {p['recall']:.3f} | {p['precision']:.3f} | {p['name_free_sentences']} | {p['fp_rate']:.3f} |",
        "", "| written form | planted | found | recall |", "|---|---|---|---|",
        *(f"| {form} | {n} | {found} | {found / n:.3f} |" for form, (found, n) in p["by_form"].items()),
        "", "## Calibration of column confidence", "",
        "| confidence | findings | correct | share correct |", "|---|---|---|---|",
    ]
    for label, (n, correct) in report.calibration.items():
        out.append(f"| {label} | {n} | {correct} | {correct / n:.3f} |" if n else f"| {label} | 0 | 0 | - |")
    out += ["", "## Targets", "", "| target | measured | required | |", "|---|---|---|---|"]
    for what, measured, target, ok in report.targets():
        m = f"{measured:.4f}" if isinstance(measured, float) else str(measured)
        out.append(f"| {what} | {m} | {target} | {'PASS' if ok else 'FAIL'} |")
    out += ["", "## Errors (first few per level, kind and entity)", ""]
    shown: dict[tuple, int] = defaultdict(int)
    for e in report.errors:
        key = (e["level"], e["kind"], e["entity"])
        shown[key] += 1
        if shown[key] <= MAX_ERRORS_SHOWN:
            if e["level"] == "column":
                what = f"column {e['column']} ({e['declared_type']}, e.g. {', '.join(e['sample'][:2])})"
            elif e["level"] == "value":
                what = f"{e['value']} in {e['column']}"
            else:
                what = f"{e['span']!r} in {e['text']!r}"
            out.append(f"- {e['level']} {e['kind']} {e['entity']}: {what} -> got {e['got']}")
    hidden = {k: n - MAX_ERRORS_SHOWN for k, n in shown.items() if n > MAX_ERRORS_SHOWN}
    if hidden:
        out.append("- (not shown: " + ", ".join(f"{n} more {' '.join(k)}" for k, n in sorted(hidden.items())) + ")")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--size", choices=sorted(corpus_mod.SIZES), default="small")
    parser.add_argument("--json", metavar="PATH", help="also write the full report, every error included")
    parser.add_argument("--estates", action="store_true",
                        help="score the generated estates (demo, ops, holdout) per part instead of the corpus")
    args = parser.parse_args(argv)
    if args.estates:
        return _estates(args)
    engine = Engine()
    report = evaluate(corpus_mod.build(args.seed, args.size), engine)
    sys.stdout.write(render(report))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report.to_dict(), fh, ensure_ascii=False, indent=1)
    return 0 if all(ok for *_, ok in report.targets()) else 1


def _estates(args) -> int:
    from bench import estates

    results = estates.run(args.seed, args.size)
    sys.stdout.write(estates.render(results, args.seed, args.size))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"seed": args.seed, "size": args.size, "target": estates.TARGET, "core": sorted(estates.CORE),
                       "estates": [r.to_dict() for r in results]}, fh, ensure_ascii=False, indent=1)
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
