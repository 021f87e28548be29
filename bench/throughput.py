"""Values per second: kartlegg's fast path against one Presidio analyze() per value, same run.

    python -m bench.throughput [--n 20000] [--seed N] [--profile]

The corpus is the short (non-free-text) values of the quality corpus, grouped in their columns,
each column's name giving the context words, as a scan sees a column sample. Two variants:

- *unique*: every value occurs once in the whole corpus, so the fast path's per-sample
  deduplication gains nothing. This is the headline number.
- *duplicated*: each column sample drawn from a quarter of its values with Zipf weights, the way
  status codes, repeat customers and popular products repeat in real tables.

kartlegg: ``engine.analyze_values(sample, context=context_words(column))`` per column sample.
Baseline: ``AnalyzerEngine.analyze(value, language="nb", context=...)`` per value, with Presidio's
default predefined recognizers (instantiated for "nb"; SpacyRecognizer dropped: a blank pipeline
has no NER) plus the same Norwegian recognizers from the ``kartlegg.detectors`` entry points, on
the same offline blank spaCy pipeline. Both are scored for quality on the same values
(bench/quality.py's value-level rule, threshold 0.5).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from bench import corpus as corpus_mod
from bench.corpus import ENTITY_TYPES
from bench.quality import Counts
from detectors import offline
from scanner.model import plugins
from detectors.engine import DEFAULT_THRESHOLD, Engine, is_free_text
from detectors.recognizers.base import LANGUAGE
from detectors.vocabulary import context_words

GOAL = 20.0


@dataclass
class Sample:
    name: str
    context: list[str]
    values: list[str]
    labels: list[frozenset[str]]
    ignore: list[frozenset[str]]


def short_value_samples(n: int, seed: int) -> list[Sample]:
    """Column samples of short values, `n` values in all, each value unique in the corpus."""
    seen: set[str] = set()
    samples: list[Sample] = []
    total = 0
    while total < n:
        columns = [c for c in corpus_mod.build(seed, "full").columns if not c.free_text]
        random.Random(seed).shuffle(columns)  # a mix of kinds whatever n is
        for col in columns:
            keep = []
            for v, lab, ign in zip(col.values, col.labels, col.ignore):
                text = "" if v is None else str(v)
                if text.strip() and text not in seen and not is_free_text(text) and total + len(keep) < n:
                    seen.add(text)
                    keep.append((text, lab, ign))
            if not keep:
                continue
            samples.append(Sample(col.name, context_words(col.name), *map(list, zip(*keep))))
            total += len(keep)
            if total >= n:
                break
        seed += 1
    return samples


def duplicated(samples: list[Sample], seed: int) -> list[Sample]:
    rnd = random.Random(seed)
    out = []
    for s in samples:
        pool = max(1, len(s.values) // 4)
        picks = rnd.choices(range(pool), weights=[1 / (rank + 1) for rank in range(pool)], k=len(s.values))
        out.append(Sample(s.name, s.context, [s.values[i] for i in picks], [s.labels[i] for i in picks],
                          [s.ignore[i] for i in picks]))
    return out


def baseline_analyzer(engine: Engine) -> AnalyzerEngine:
    """What a Presidio user would build: the default registry for "nb" plus the Norwegian plugins."""
    offline.install()
    defaults = RecognizerRegistry()
    defaults.load_predefined_recognizers(languages=["en"])
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in defaults.recognizers:
        if not isinstance(recognizer, SpacyRecognizer):
            registry.add_recognizer(type(recognizer)(supported_language=LANGUAGE))
    for plugin in plugins.available(plugins.DETECTORS).values():
        registry.add_recognizer(plugin.create())
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": engine.model}])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


def run_kartlegg(engine: Engine, samples: list[Sample]) -> tuple[float, list[list[set[str]]]]:
    start = time.perf_counter()
    found = [engine.analyze_values(s.values, context=s.context) for s in samples]
    elapsed = time.perf_counter() - start
    return elapsed, [[{d.entity_type for d in ds if d.score >= DEFAULT_THRESHOLD} for ds in f] for f in found]


def run_baseline(analyzer: AnalyzerEngine, samples: list[Sample]) -> tuple[float, list[list[set[str]]]]:
    start = time.perf_counter()
    found = [[analyzer.analyze(v, language=LANGUAGE, context=s.context or None) for v in s.values] for s in samples]
    elapsed = time.perf_counter() - start
    return elapsed, [[{r.entity_type for r in rs if r.score >= DEFAULT_THRESHOLD} for rs in f] for f in found]


def score(samples: list[Sample], predicted: list[list[set[str]]]) -> tuple[dict[str, Counts], Counter]:
    """Per-entity counts (quality.py's value-level rule), and values per entity type kartlegg does not know."""
    counts: dict[str, Counts] = defaultdict(Counts)
    foreign: Counter = Counter()
    for s, preds in zip(samples, predicted):
        for gold, ignore, pred in zip(s.labels, s.ignore, preds):
            foreign.update(pred - set(ENTITY_TYPES))
            pred = pred & set(ENTITY_TYPES)
            for entity in sorted((gold | pred) - ignore):
                counts[entity].add(entity, gold, pred)
    return counts, foreign


def profile(engine: Engine, samples: list[Sample], top: int = 25) -> str:
    """cProfile of the fast path, then each recognizer's own share of it (timed separately)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for s in samples:
        engine.analyze_values(s.values, context=s.context)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)

    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    originals = {}
    for recognizer in engine.recognizers:
        originals[recognizer] = recognizer.analyze

        def timed(*args, _r=recognizer, _f=recognizer.analyze, **kwargs):
            t = time.perf_counter()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_r.name][0] += time.perf_counter() - t
                spent[_r.name][1] += 1

        recognizer.analyze = timed
    try:
        start = time.perf_counter()
        for s in samples:
            engine.analyze_values(s.values, context=s.context)
        total = time.perf_counter() - start
    finally:
        for recognizer, analyze in originals.items():
            recognizer.analyze = analyze
    out.write(f"\nper recognizer (fast path total {total:.2f} s for {sum(len(s.values) for s in samples)} values):\n")
    for name, (seconds, calls) in sorted(spent.items(), key=lambda kv: -kv[1][0]):
        out.write(f"  {name:32s} {seconds:7.3f} s  {calls:7d} calls  {1e6 * seconds / max(calls, 1):6.1f} µs/call\n")
    out.write(f"  {'(engine outside recognizers)':32s} {total - sum(s for s, _ in spent.values()):7.3f} s\n")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="values per variant")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="also cProfile kartlegg's fast path")
    args = parser.parse_args(argv)

    engine = Engine()
    analyzer = baseline_analyzer(engine)
    unique = short_value_samples(args.n, args.seed)
    variants = {"unique": unique, "duplicated": duplicated(unique, args.seed)}
    warm = unique[:3]
    run_kartlegg(engine, warm)
    run_baseline(analyzer, warm)

    rows, quality = [], {}
    for name, samples in variants.items():
        n = sum(len(s.values) for s in samples)
        distinct = len({v for s in samples for v in s.values})
        k_time, k_pred = run_kartlegg(engine, samples)
        b_time, b_pred = run_baseline(analyzer, samples)
        rows.append((name, n, distinct, n / k_time, n / b_time, b_time / k_time))
        quality[name] = (score(samples, k_pred), score(samples, b_pred))

    print(f"# kartlegg throughput (n={args.n}, seed {args.seed}, {len(unique)} column samples)\n")
    print(f"Baseline: {len(analyzer.registry.recognizers)} recognizers "
          f"({', '.join(sorted({type(r).__name__ for r in analyzer.registry.recognizers}))}).\n")
    print("| variant | values | distinct | kartlegg values/s | baseline values/s | speed-up |")
    print("|---|---|---|---|---|---|")
    for name, n, distinct, k, b, ratio in rows:
        print(f"| {name} | {n} | {distinct} | {k:,.0f} | {b:,.0f} | {ratio:.1f}x |")
    headline = rows[0][5]
    print(f"\nSpeed-up on unique values: {headline:.1f}x (goal >= {GOAL:.0f}x): {'PASS' if headline >= GOAL else 'FAIL'}\n")

    (k_counts, k_foreign), (b_counts, b_foreign) = quality["unique"]
    print("## Value-level quality on the unique variant (score >= 0.5)\n")
    print("| entity | kartlegg P | kartlegg R | baseline P | baseline R |")
    print("|---|---|---|---|---|")
    for entity in sorted(set(k_counts) | set(b_counts)):
        k, b = k_counts.get(entity, Counts()), b_counts.get(entity, Counts())
        print(f"| {entity} | {k.precision:.3f} | {k.recall:.3f} | {b.precision:.3f} | {b.recall:.3f} |")
    print(f"\nValues reported with an entity type outside kartlegg's set (none of them personal data in this "
          f"corpus: noise in an inventory): kartlegg "
          f"{sum(k_foreign.values())}, baseline {sum(b_foreign.values())} "
          f"({', '.join(f'{e} {n}' for e, n in b_foreign.most_common())}).")
    if args.profile:
        print("\n## cProfile of kartlegg's fast path (unique variant, by own time)\n")
        print("```\n" + profile(engine, unique) + "```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
