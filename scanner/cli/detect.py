"""`kartlegg detect`: the personal data in one text, for trying detectors out."""

from __future__ import annotations

import json
import sys

import click

from scanner.cli.detection import build_engine, fingerprint_key, print_table


@click.command(short_help="Find personal data in one text (values masked).")
@click.argument("text", required=False)
@click.option("--show-values", is_flag=True, help="Print the values found unmasked.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None, help="Minimum score (default 0.5).")
@click.option("--detector", "-d", multiple=True, metavar="NAME", help="Only these detectors (see `kartlegg detectors`).")
@click.option("--model", default=None, metavar="NAME|PATH", help="spaCy model; default: an installed Norwegian one, else blank.")
def detect(text, show_values, as_json, threshold, detector, model):
    """What personal data TEXT (or stdin, with - or no argument) contains.

    Values are masked unless --show-values is given; each carries a keyed fingerprint.
    """
    from detectors.engine import DEFAULT_THRESHOLD
    from detectors.evidence import Fingerprinter
    from scanner.model.masks import mask

    if text is None or text == "-":
        if sys.stdin.isatty() and text is None:
            raise click.UsageError("give TEXT, or - to read standard input")
        text = sys.stdin.read()
    fingerprint = Fingerprinter(fingerprint_key(lambda m: click.echo(f"Warning: {m}", err=True)))
    engine = build_engine(detector, model)
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    found = engine.analyze_text(text, threshold=threshold)
    rows = [
        {
            "entity_type": d.entity_type,
            "category": d.category,
            "start": d.start,
            "end": d.end,
            "score": round(d.score, 3),
            "value": d.text if show_values else mask(d.entity_type, d.text),
            "fingerprint": fingerprint(d.entity_type, d.text),
            "recognizer": d.recognizer,
            "context_word": d.context_word,
            **({"kind": d.metadata["kind"]} if "kind" in d.metadata else {}),
            **({"synthetic": d.synthetic} if d.synthetic else {}),
        }
        for d in found
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No personal data found.")
        return
    print_table(["entity type", "category", "score", "span", "value" if show_values else "value (masked)",
                 "context / notes"],
                [[r["entity_type"], r["category"], f"{r['score']:.2f}", f"{r['start']}-{r['end']}", r["value"],
                  _notes(r)] for r in rows],
                right=("score", "span"), wrap=("context / notes",))
    click.echo(f"{len(rows)} finding(s); values {'shown' if show_values else 'masked'}.", err=True)


def _notes(row: dict) -> str:
    """What else a finding says: the context word that raised it, a synthetic (test) series."""
    notes = [f"context: {row['context_word']}"] if row["context_word"] else []
    if row.get("synthetic"):
        notes.append(f"synthetic ({row['synthetic']})")
    return "; ".join(notes)
