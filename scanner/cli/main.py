"""The `kartlegg` command line."""

from __future__ import annotations

import json
import logging
import sys
from contextlib import nullcontext
from functools import partial

import click
from click.core import ParameterSource

from scanner import __version__
from scanner.cli.inventory import inventory, open_store
from scanner.cli.report import report

EXIT_BUSY = 4  # a lock was not free within --lock-wait: another run of the configuration, a locked inventory
_STANDALONE = False  # the `kartlegg` command itself (main), not a caller in the same process (tests)
LOG_FORMATS = ("text", "json")

log = logging.getLogger("scanner.cli.main")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kartlegg")
def cli() -> None:
    """Find personal data in databases, object stores, files and logs."""


def fingerprint_key(warn) -> bytes:
    """The installation's fingerprint key, checked before anything is read: a key that would
    not protect the fingerprints (empty, short, not hex) or cannot be read is a usage error."""
    from detectors.evidence import KeyProblem, load_key

    try:
        return load_key(warn=warn)
    except KeyProblem as exc:
        raise click.UsageError(str(exc)) from None


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
    from detectors.evidence import Fingerprinter
    from scanner.model.masks import mask
    from scanner.model.redact import printable

    if text is None or text == "-":
        if sys.stdin.isatty() and text is None:
            raise click.UsageError("give TEXT, or - to read standard input")
        text = sys.stdin.read()
    fingerprint = Fingerprinter(fingerprint_key(lambda m: click.echo(f"Warning: {m}", err=True)))
    engine = _engine(detector, model)
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
    width = max(len(r["entity_type"]) for r in rows)
    for r in rows:
        extra = f"  synthetic ({r['synthetic']})" if r.get("synthetic") else ""
        context = f"  context: {printable(r['context_word'])}" if r["context_word"] else ""
        click.echo(
            f"{r['entity_type']:<{width}}  {r['category']:<17}  {r['score']:.2f}  "
            f"{r['start']:>5}-{r['end']:<5}  {printable(r['value'])}{context}{extra}"
        )
    click.echo(f"{len(rows)} finding(s); values {'shown' if show_values else 'masked'}.", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def detectors(as_json):
    """Entity types, their categories and the detectors that find them."""
    from detectors import registry
    from detectors.registry import PluginError
    from scanner.model import categories

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


class ByteSize(click.ParamType):
    """64K, 1M, 10MiB, 2G or a plain number of bytes (binary units)."""

    name = "size"

    def convert(self, value, param, ctx):
        from scanner.model.settings import parse_size

        try:
            return parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def log_options(fn):
    fn = click.option("--log-format", type=click.Choice(LOG_FORMATS), default=None,
                      help="Log lines on stderr as text (key=value) or JSON [default: text, or the config's].")(fn)
    fn = click.option("-q", "--quiet", count=True, help="Less: only errors in the log, no progress or summary.")(fn)
    fn = click.option("-v", "--verbose", count=True, help="More log lines: -v each source, -vv each dataset.")(fn)
    return fn


@cli.command()
@click.argument("urls", nargs=-1, metavar="[URL...]")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              envvar="KARTLEGG_CONFIG",
              help="A scan configuration (YAML; `kartlegg init` writes an example) [env KARTLEGG_CONFIG].")
@click.option("--validate", is_flag=True,
              help="Check the configuration and show what would be scanned, without connecting to anything.")
@click.option("-o", "--output", default="report.jsonl", show_default=True,
              help="Report file; - for stdout; {date}, {datetime} and {config} are filled in.")
@click.option("--format", "report_format", default="jsonl", show_default=True, help="Report writer plugin.")
@click.option("--html", default=None, metavar="PATH", help="Also write the report as one self-contained HTML file.")
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
@click.option("--incremental", is_flag=True,
              help="Pass over datasets the source says are unchanged since the inventory's last read of them.")
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
@click.option("--workers", type=click.IntRange(1, 256), default=None, envvar="KARTLEGG_WORKERS",
              help="Detection processes [default: every core; 1 examines in a thread beside the scan].")
@click.option("--executor", default=None, metavar="NAME", envvar="KARTLEGG_EXECUTOR",
              help="Where units are read and examined: local (this machine) or dask (a cluster) [default: local].")
@click.option("--scheduler", default=None, metavar="ADDRESS", envvar="KARTLEGG_SCHEDULER",
              help="The Dask scheduler, tcp://HOST:8786 or tls://HOST:8786 (implies --executor dask).")
@click.option("--lock-wait", type=click.FloatRange(0), default=60.0, show_default=True, metavar="SECONDS",
              help="How long to wait for a lock before giving up (exit 4): another run of this configuration "
                   "(the run lock, and with a PostgreSQL inventory its advisory lock), and an SQLite inventory "
                   "another process is writing. The configuration's lock.wait, if given, is the default.")
@log_options
@click.pass_context
def scan(ctx, urls, config_path, validate, verbose, quiet, log_format, **params):
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
    Scheduled scans: --config FILE holds the sources (credentials from the environment or
    files), settings, declared metadata, outputs, inventory, lock and logging; options given
    here win over the file. Two runs of one configuration never overlap.
    \b
    Exit codes: 0 completed; 1 completed and --fail-on-findings matched;
    2 bad usage or configuration (a malformed URL too); 3 some sources or locations
    could not be scanned; 4 a lock was not free within --lock-wait (another run of the
    same configuration, an inventory another process is writing); 5 the report or the
    inventory could not be written (a full disk, a read-only directory);
    130, 143, 129 stopped by SIGINT, SIGTERM, SIGHUP: the findings so far are written
    and the report ends with a summary marked interrupted (a second signal stops at once).
    """
    from scanner.scan import config as configuration
    from scanner.scan.plan import SetupError, plan
    from scanner.system import log_events as logs

    config = None
    if config_path:
        try:
            config = configuration.load(config_path)
        except configuration.ConfigError as exc:
            raise ConfigProblem(exc.problems) from None
    level = logs.level_for(verbose, quiet, (config.logging.get("level") if config else None))
    logs.setup(level, log_format or (config.logging.get("format") if config else None) or "text")
    given = {name for name in params
             if ctx.get_parameter_source(name) in (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)}
    try:
        run = plan({**params, "urls": urls}, given, config)
    except SetupError as exc:
        raise click.UsageError(str(exc)) from None
    logs.add_secrets(*run.secrets)
    _check_detectors(run.settings.detectors)
    fingerprint_key(lambda m: logs.event(log, logging.WARNING, "fingerprint.key_readable", message=m))
    if validate:
        _print_plan(run, config)
        return
    from scanner.system.interrupt import Interrupted, exit_now, handled
    from scanner.system.lock import Busy, run_lock
    from scanner.system.outputs import EXIT_OUTPUT, OutputError

    with handled(exit_at_once=_STANDALONE) as interrupt:
        try:
            with run_lock(run.lock_key, run.lock_what, run.lock_directory, run.lock_wait,
                          on_wait=partial(_waiting, run.lock_wait)):
                code = _run_scan(run, quiet > 0, interrupt)
        except Busy as exc:
            logs.event(log, logging.ERROR, "scan.locked", message=str(exc))
            click.echo(f"Error: {exc}", err=True)
            code = EXIT_BUSY
        except OutputError as exc:
            logs.event(log, logging.ERROR, "scan.output_failed", message=str(exc))
            click.echo(f"Error: {exc}", err=True)
            code = EXIT_OUTPUT
        except Interrupted as exc:
            logs.event(log, logging.WARNING, "scan.interrupted", signal=interrupt.name or str(exc),
                       message="stopped before the scan began: nothing was scanned")
            click.echo(f"Stopped by {interrupt.name or exc} before the scan began: nothing was scanned.", err=True)
            code = exc.exit_code
        except PermissionError as exc:
            raise click.UsageError(str(exc)) from None
    if _STANDALONE and (interrupt.requested or code == EXIT_OUTPUT):
        exit_now(code)  # a read still running (a locked table) would otherwise hold the exit up
    sys.exit(code)


def _waiting(wait: float, busy) -> None:
    """Said once, when a run has to wait for a lock: who holds it and how long the run waits."""
    from scanner.system import log_events as logs

    logs.event(log, logging.INFO, "scan.waiting", message=str(busy), wait=wait)
    click.echo(f"Waiting up to {wait:g} s (--lock-wait): {busy}.", err=True)


class ConfigProblem(click.UsageError):
    def __init__(self, problems: list[str]):
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))

    def show(self, file=None):  # the problems are the message; no usage line above them
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


def _check_detectors(names) -> None:
    from detectors import registry

    unknown = [n for n in names if n not in registry.available()]
    if unknown:
        raise click.UsageError(f"unknown detector {', '.join(unknown)} (see `kartlegg detectors`)")


def _print_plan(run, config) -> None:
    from scanner.model.protocols import cores
    from scanner.model.redact import mask_url
    from scanner.scan.run import described_source
    from scanner.system.lock import lock_path

    click.echo(f"Configuration {config.path if config else '(command line)'} is valid.")
    for s in run.sources:
        d = described_source(s)
        own = ", ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                        for k, v in (d.get("settings") or {}).items())
        click.echo(f"  source {s.name:<24} {s.crawler:<10} {s.masked_url}" + (f"  [{own}]" if own else "")
                   + ("  (declared)" if s.name in run.declared else ""))
    inventory = "none" if run.inventory is None else (
        mask_url(run.inventory) if "://" in run.inventory else run.inventory)
    click.echo(f"  report    {run.output} ({run.report_format})" + (f", HTML {run.html}" if run.html else ""))
    click.echo(f"  inventory {inventory}" + (", incremental" if run.settings.incremental else ""))
    click.echo(f"  lock      {lock_path(run.lock_key, run.lock_directory)}")
    where = (f"dask, scheduler {mask_url(run.scheduler)}" if run.executor == "dask" else
             f"{run.executor}, {run.workers or cores()} worker(s)")
    click.echo(f"  executor  {where}")


def _run_scan(run, quiet: bool, interrupt) -> int:
    """The scan itself, under the run's lock; returns the exit code. Set-up first (the
    inventory, its locks, the report files); once the report is being written a signal is
    answered by the scan (`interrupt`), which ends with a summary marked interrupted."""
    from rich.console import Console

    from scanner.cli.console import print_summary, progress_for
    from scanner.model import plugins
    from scanner.model.progress import Progress as NoProgress
    from scanner.model.protocols import ExecutorError
    from scanner.scan import run as pipeline
    from scanner.scan.plan import output_path
    from scanner.system import log_events as logs
    from scanner.system.outputs import Output, cannot_write

    try:
        writer_classes = [plugins.load(run.report_format, plugins.REPORTS)]
        if run.html:
            writer_classes.append(plugins.load("html", plugins.REPORTS))
    except plugins.PluginError as exc:
        raise click.UsageError(str(exc)) from None
    engine = _engine(run.settings.detectors, None)
    executor = _executor(run)
    store = None
    waiting = partial(_waiting, run.lock_wait)
    try:
        try:
            executor.start(pipeline.engine_spec(run.settings, engine), engine)
        except ExecutorError as exc:
            executor.close()
            logs.event(log, logging.ERROR, "scan.executor_failed", executor=run.executor, message=str(exc))
            click.echo(f"Error: {exc}", err=True)
            return pipeline.EXIT_INCOMPLETE
        if run.inventory is not None:
            store = open_store(run.inventory, writing=True)
            store.lock_wait = run.lock_wait
            logs.add_secrets(*store.secrets)
            store.wait_writable(run.lock_wait, on_wait=waiting)
            clash = store.conflicts([s.describe() for s in run.sources])
            if clash:
                raise click.UsageError("; ".join(clash) + ". Name this source (NAME=URL, e.g. "
                                       "kunder-b=sqlite:////srv/b/kunder.db) or use another --inventory.")
            for name, metadata in sorted(run.declared.items()):
                store.declare(name, **metadata)
        with (store.run_lock(run.lock_key, run.lock_what, run.lock_wait, on_wait=waiting) if store is not None
              else nullcontext()):
            writers = []
            try:
                for cls, what, target in zip(writer_classes, ("report", "HTML report"), (run.output, run.html)):
                    try:
                        writers.append(Output(cls(output_path(target)), what, target))
                    except OSError as exc:
                        raise cannot_write(what, target, exc) from None
                console = Console(stderr=True)
                interrupt.defer()  # from here a signal stops the scan, which writes what it has
                outcome = pipeline.scan(
                    run.sources, run.settings, writers, engine=engine,
                    progress=NoProgress() if quiet else progress_for(console), fail_on=run.fail_on, inventory=store,
                    executor=executor, interrupt=interrupt,
                )
            finally:
                _close_all(writers)
    finally:
        executor.abort()  # nothing when the scan closed it; else its detection processes end now
        if store is not None:
            store.dispose()
    if not quiet:
        print_summary(console if run.output == "-" else Console(), outcome, run.output)
    if outcome.interrupted:
        click.echo(f"Stopped by {outcome.interrupted}: the report holds what was found until then, and ends "
                   "with a summary marked interrupted.", err=True)
    return outcome.exit_code


def _close_all(writers: list) -> None:
    """Close every writer (the HTML report is written now); then raise the first failure."""
    from scanner.system.outputs import OutputError

    failure = None
    for w in writers:
        try:
            w.close()
        except OutputError as exc:
            failure = failure or exc
    if failure is not None:
        raise failure


def _executor(run):
    """The plan's executor, built (not started: that may connect to a cluster)."""
    from scanner.model import plugins

    try:
        cls = plugins.load(run.executor, plugins.EXECUTORS)
    except plugins.PluginError as exc:
        raise click.UsageError(str(exc)) from None
    return cls.from_options(workers=run.workers, scheduler=run.scheduler)


@cli.command("plugins")
@click.option("--json", "as_json", is_flag=True)
def list_plugins(as_json):
    """Crawlers, detectors, report writers and executors that are installed."""
    from detectors.registry import GROUP as DETECTORS
    from scanner.model.plugins import CRAWLERS, EXECUTORS, REPORTS, group

    rows = []
    for kind, name in (("crawler", CRAWLERS), ("detector", DETECTORS), ("report", REPORTS),
                       ("executor", EXECUTORS)):
        for ep_name, ep in group(name).items():
            dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "?"
            rows.append({"kind": kind, "name": ep_name, "target": ep.value, "distribution": dist})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['kind']:<9} {r['name']:<24} {r['target']:<60} {r['distribution']}")


@cli.command()
@click.argument("path", default="kartlegg.yaml", metavar="[PATH]")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path, force):
    """Write a commented example scan configuration to PATH (default kartlegg.yaml; - for stdout).

    Edit it, check it with `kartlegg scan --config PATH --validate`, then run
    `kartlegg scan --config PATH` (by hand, from cron, a systemd timer or a Kubernetes CronJob).
    """
    from pathlib import Path

    from scanner.scan.config import example

    if path == "-":
        click.echo(example(), nl=False)
        return
    target = Path(path)
    if target.exists() and not force:
        raise click.UsageError(f"{path} exists; --force overwrites it")
    try:
        target.write_text(example(), encoding="utf-8")
    except OSError as exc:
        raise click.UsageError(f"cannot write {path}: {exc.strerror}") from None
    click.echo(f"Wrote {path}. Check it: kartlegg scan --config {path} --validate", err=True)


cli.add_command(inventory)
cli.add_command(report)


def main() -> None:
    global _STANDALONE
    _STANDALONE = True  # a stop signal may end this process at once (scanner.interrupt)
    cli(prog_name="kartlegg")
