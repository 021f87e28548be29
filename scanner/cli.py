"""The `kartlegg` command line."""

from __future__ import annotations

import json
import re
import sys

import click

from scanner import __version__
from scanner.inventory.cli import inventory, open_store

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


def _sample_sizes(values: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    default, per_source = 1000, {}
    for value in values:
        name, _, number = value.rpartition("=")
        if not number.isdigit() or int(number) < 1:
            raise click.BadParameter(f"{value!r}: expected N or SOURCE=N with N >= 1", param_hint="--sample-size")
        if name:
            per_source[name] = int(number)
        else:
            default = int(number)
    return default, per_source


_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
          "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


class ByteSize(click.ParamType):
    """64K, 1M, 10MiB, 2G or a plain number of bytes (binary units)."""

    name = "size"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).strip().lower().replace(" ", "")
        number = text.rstrip("kmgib")
        unit = text[len(number):]
        try:
            size = int(float(number) * _UNITS[unit])
        except (ValueError, KeyError):
            self.fail(f"{value!r} is not a size (examples: 65536, 64K, 1M, 2GiB)", param, ctx)
        if size < 1024:
            self.fail(f"{value!r}: at least 1K", param, ctx)
        return size


_NAMED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.@-]*)=([A-Za-z][A-Za-z0-9+.-]*://.*)$", re.S)


def _named(url: str) -> tuple[str, str]:
    """NAME=URL names a source (a URL with a scheme: file:///srv/b, sqlite:////srv/b/kunder.db);
    anything else is a URL or path, named by default."""
    found = _NAMED.match(url)
    return (found.group(1), found.group(2)) if found else ("", url)


AWS_CRAWLERS = ("s3", "cloudwatch")  # sources that take --profile, --region and --endpoint-url


def _csv(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@cli.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("-o", "--output", default="report.jsonl", show_default=True, help="Report file; - for stdout.")
@click.option("--format", "report_format", default="jsonl", show_default=True, help="Report writer plugin.")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Only schema.table[.column], bucket/key or relative path matching (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip schema.table[.column], bucket/key or relative path matching (repeatable).")
@click.option("--sample-size", "sample_sizes", multiple=True, default=("1000",), show_default=True, metavar="[SOURCE=]N",
              help="Rows per table or dataset; SOURCE=N for one source (by name, see the report header).")
@click.option("--views", is_flag=True, help="Sample views too.")
@click.option("--max-connections", type=click.IntRange(1, 64), default=None,
              help="Concurrent reads per source [default: 1 for databases, 2 for journald, "
                   "4 for files and CloudWatch, 8 for S3].")
@click.option("--objects-per-dataset", type=click.IntRange(0), default=5, show_default=True,
              help="Files or objects read per dataset (newest + random); 0 reads all.")
@click.option("--read-bytes", "object_bytes", type=ByteSize(), default="1M", show_default=True,
              help="Bytes read from the start of each file or object.")
@click.option("--max-object-bytes", type=ByteSize(), default="256M", show_default=True,
              help="Cap on what one Parquet/XLSX/zip object may cost, fetched or decompressed.")
@click.option("--full", is_flag=True,
              help="Read every file, object and log line instead of a sample (audits; slow on large estates).")
@click.option("--profile", "aws_profile", default=None,
              help="AWS profile for s3:// and cloudwatch:// sources (default: the standard chain).")
@click.option("--region", "aws_region", default=None, help="AWS region for s3:// and cloudwatch:// sources.")
@click.option("--endpoint-url", default=None, metavar="URL",
              help="Endpoint for s3:// (MinIO, Ceph, …) and cloudwatch:// sources.")
@click.option("--statement-timeout", type=click.FloatRange(0.1), default=30.0, show_default=True, help="Seconds.")
@click.option("--value-cap", type=click.IntRange(16), default=4096, show_default=True, help="Characters kept of one value.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--detector", "-d", multiple=True, metavar="NAME", help="Only these detectors.")
@click.option("--inventory", "inventory_url", envvar="KARTLEGG_INVENTORY", default="kartlegg-inventory.sqlite",
              show_default=True, metavar="PATH|URL",
              help="Keep findings between scans here: an SQLite file, or postgresql://… shared by several scanners "
                   "[env KARTLEGG_INVENTORY].")
@click.option("--no-inventory", is_flag=True, help="Write the report only; keep no inventory.")
@click.option("--fail-on-findings", "fail_on", default=None, is_flag=False, flag_value="any", metavar="[CATEGORIES]",
              help="Exit 1 when personal data is found (or only for these categories/entity types, comma-separated).")
def scan(urls, output, report_format, include, exclude, sample_sizes, views, max_connections, objects_per_dataset,
         object_bytes, max_object_bytes, full, aws_profile, aws_region, endpoint_url, statement_timeout,
         value_cap, min_confidence, detector, inventory_url, no_inventory, fail_on):
    """Scan databases, object stores and files for personal data.

    \b
    Databases: postgresql://, mysql+pymysql://, mariadb+pymysql://, sqlite:///,
               mssql+pyodbc://, oracle+oracledb://
    Objects:   s3://bucket/prefix, or s3:// for every bucket the credentials list
    Files:     /path, ./path or file:///path; a quoted glob: '/var/log/nginx/*.log*'
    Logs:      log files as files (rotations are one dataset, lines parsed into fields),
               journald:// (or journald:///path/to/journal), cloudwatch:///log-group-prefix
    Names:     NAME=URL names a source (default: host/database, or the file name):
               kunder-b=sqlite:////srv/b/kunder.db
    \b
    Files and objects that differ only by date, partition or sequence number are one
    dataset (exports/*/*/maleverdi_*.csv); a few of each are read.
    \b
    Findings go into an inventory (an SQLite file here by default) that keeps what is where
    between scans; the report then also lists what changed since the previous scan, and
    findings reviewed as false positives stay suppressed (see `kartlegg inventory`).
    \b
    Exit codes: 0 completed; 1 completed and --fail-on-findings matched;
    2 bad usage or configuration; 3 some sources or locations could not be scanned.
    """
    from rich.console import Console

    from scanner import pipeline, plugins
    from scanner.console import print_summary, progress_for
    from scanner.settings import ScanSettings
    from scanner.sources import Source

    sample_size, per_source = _sample_sizes(sample_sizes)
    settings = ScanSettings(
        sample_size=sample_size, include=_csv(include), exclude=_csv(exclude), views=views,
        max_connections=max_connections, statement_timeout=statement_timeout, value_cap=value_cap,
        min_confidence=min_confidence, detectors=_csv(detector), objects_per_dataset=objects_per_dataset,
        object_bytes=object_bytes, max_object_bytes=max(max_object_bytes, object_bytes), full=full,
    )
    aws = {k: v for k, v in (("profile", aws_profile), ("region", aws_region), ("endpoint_url", endpoint_url)) if v}
    try:
        writer_cls = plugins.load(report_format, plugins.REPORTS)
        sources = [Source(u, name, crawler=plugins.crawler_for(u)[0]) for name, u in map(_named, urls)]
        sources = [
            Source(s.url, s.name, s.crawler, {
                **({"sample_size": per_source[s.name]} if s.name in per_source else {}),
                **(aws if s.crawler in AWS_CRAWLERS else {}),
            })
            for s in sources
        ]
        unknown = set(per_source) - {s.name for s in sources}
        if unknown:
            raise click.BadParameter(f"no source named {', '.join(sorted(unknown))}", param_hint="--sample-size")
    except plugins.PluginError as exc:
        raise click.UsageError(str(exc)) from None
    names = [s.name for s in sources]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise click.UsageError(f"two sources named {', '.join(map(repr, twice))}: name them, NAME=URL")
    engine = _engine(settings.detectors, None)
    store = None if no_inventory else open_store(inventory_url)
    if store is not None:
        clash = store.conflicts([s.describe() for s in sources])
        if clash:
            store.dispose()
            raise click.UsageError("; ".join(clash) + ". Name this source (NAME=URL, e.g. "
                                   "kunder-b=sqlite:////srv/b/kunder.db) or use another --inventory.")
    console = Console(stderr=True)
    try:
        writer = writer_cls(output)
    except OSError as exc:
        raise click.UsageError(f"cannot write the report to {output}: {exc.strerror}") from None
    try:
        outcome = pipeline.scan(
            sources, settings, [writer], engine=engine, progress=progress_for(console),
            fail_on=set(_csv((fail_on,))) if fail_on else set(), inventory=store,
        )
    finally:
        writer.close()
        if store is not None:
            store.dispose()
    print_summary(console if output == "-" else Console(), outcome, output)
    sys.exit(outcome.exit_code)


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True)
def list_plugins(as_json):
    """Crawlers, detectors and report writers that are installed."""
    from detectors.registry import GROUP as DETECTORS
    from scanner.plugins import CRAWLERS, REPORTS, group

    rows = []
    for kind, name in (("crawler", CRAWLERS), ("detector", DETECTORS), ("report", REPORTS)):
        for ep_name, ep in group(name).items():
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "?"
            rows.append({"kind": kind, "name": ep_name, "target": ep.value, "distribution": dist})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['kind']:<9} {r['name']:<24} {r['target']:<60} {r['distribution']}")


cli.add_command(inventory)


def main() -> None:
    cli(prog_name="kartlegg")
