"""The `kartlegg` command line."""

from __future__ import annotations

import json
import sys

import click

from scanner import __version__

EXIT_OK = 0
EXIT_USAGE = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kartlegg")
def cli() -> None:
    """Find personal data in databases, object stores, files and logs."""


def _engine(detector: tuple[str, ...], model: str | None):
    from detectors.engine import Engine
    from detectors.registry import PluginError

    try:
        return Engine(detectors=list(detector) or None, model=model)
    except (PluginError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None


@cli.command()
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
    from detectors.evidence import Fingerprinter, mask

    if text is None or text == "-":
        if sys.stdin.isatty() and text is None:
            raise click.UsageError("give TEXT, or - to read standard input")
        text = sys.stdin.read()
    engine = _engine(detector, model)
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    fingerprint = Fingerprinter()
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
    width = max(len(r["entity_type"]) for r in rows)
    for r in rows:
        extra = f"  synthetic ({r['synthetic']})" if r.get("synthetic") else ""
        context = f"  context: {r['context_word']}" if r["context_word"] else ""
        click.echo(
            f"{r['entity_type']:<{width}}  {r['category']:<17}  {r['score']:.2f}  "
            f"{r['start']:>5}-{r['end']:<5}  {r['value']}{context}{extra}"
        )
    click.echo(f"{len(rows)} finding(s); values {'shown' if show_values else 'masked'}.", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def detectors(as_json):
    """Entity types, their categories and the detectors that find them."""
    from detectors import categories, registry
    from detectors.registry import PluginError

    rows = []
    for name, plugin in registry.available().items():
        try:
            recognizer = plugin.load()
        except PluginError as exc:  # a broken third-party plugin must not hide the others
            rows.append({"detector": name, "error": str(exc.__cause__ or exc)})
            continue
        for entity in recognizer.supported_entities:
            info = categories.info(entity)
            rows.append(
                {
                    "detector": name,
                    "entity_type": entity,
                    "category": info.category,
                    "personal": info.personal,
                    "description": info.description,
                    "recognizer": recognizer.name,
                    "distribution": plugin.distribution,
                }
            )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'DETECTOR':<24} {'ENTITY TYPE':<24} {'CATEGORY':<18} {'PERSONAL':<8} DESCRIPTION")
    for r in rows:
        if "error" in r:
            click.echo(f"{r['detector']:<24} failed to load: {r['error']}")
            continue
        click.echo(
            f"{r['detector']:<24} {r['entity_type']:<24} {r['category']:<18} "
            f"{'yes' if r['personal'] else 'no':<8} {r['description']}"
        )


def main() -> None:
    cli(prog_name="kartlegg")
