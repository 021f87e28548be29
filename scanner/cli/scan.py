"""`kartlegg scan`: its options, the plan made of them and the configuration file, and the run
under the configuration's lock; `kartlegg init`: the example configuration.

The scan settings' options come from the settings table (scanner.cli.options); the options
here are the run's own: what to read (--config), where to write, the inventory, the executor,
the lock and the log.
"""

from __future__ import annotations

import logging
import sys
from functools import partial

import click
from click.core import ParameterSource

from scanner.cli.detection import fingerprint_key
from scanner.cli.options import log_options, setting_options

EXIT_BUSY = 4  # a lock was not free within --lock-wait: another run of the configuration, a locked inventory
# the `kartlegg` command itself (scanner.cli.main.main), not a caller in the same process (tests):
# a stop signal may then end the process at once
STANDALONE = False

log = logging.getLogger("scanner.cli.main")  # the name the log lines have always had


@click.command(short_help="Scan databases, object stores, files and logs.")
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
@click.option("--lang", type=click.Choice(["nb", "en"]), default=None,
              help="Language of the --html report: nb (bokmål) or en [default: the configuration's output.lang, "
                   "else KARTLEGG_LANG, else the locale].")
@setting_options
@click.option("--profile", "aws_profile", default=None,
              help="AWS profile for s3:// and cloudwatch:// sources (default: the standard chain).")
@click.option("--region", "aws_region", default=None, help="AWS region for s3:// and cloudwatch:// sources.")
@click.option("--endpoint-url", default=None, metavar="URL",
              help="Endpoint for s3:// (MinIO, Ceph, …) and cloudwatch:// sources.")
@click.option("--inventory", "inventory_url", envvar="KARTLEGG_INVENTORY", default="kartlegg-inventory.sqlite",
              show_default=True, metavar="PATH|URL",
              help="Keep findings between scans here: an SQLite file, or postgresql://… shared by several scanners "
                   "[env KARTLEGG_INVENTORY].")
@click.option("--no-inventory", is_flag=True, help="Write the report only; keep no inventory.")
@click.option("--fail-on-findings", "fail_on", default=None, is_flag=False, flag_value="any", metavar="[CATEGORIES]",
              help="Exit 1 when personal data is found (or only for these categories/entity types, comma-separated, "
                   "either case: --fail-on-findings=identity,EMAIL_ADDRESS; `kartlegg detectors` lists them).")
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
@log_options(quiet="Less: only errors in the log, no progress or tables; what could not be scanned, and the "
                   "last line when the exit code is not 0, are still said on stderr.")
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
    2 bad usage or configuration (an unknown --fail-on-findings category, a malformed
    URL, a path that does not exist), found before anything is read or written;
    3 some sources or locations could not be scanned; 4 a lock was not free within
    --lock-wait (another run of the same configuration, an inventory another process is
    writing); 5 the report or the inventory could not be written (a full disk, a
    read-only directory); 6 nothing could be read: every source failed as a whole
    (connection refused, unknown host, authentication, access denied), the report
    holds the errors and the inventory records no scan;
    130, 143, 129 stopped by SIGINT, SIGTERM, SIGHUP: the findings so far are written
    and the report ends with a summary marked interrupted (a second signal stops at once).
    -q still prints every failure, and the last line when the exit code is not 0.
    """
    from scanner.scan.plan import SetupError, plan
    from scanner.system import log_events as logs

    if params["fail_on"] is not None:
        params["fail_on"] = _fail_on(params["fail_on"])
    config = None
    if config_path:  # the configuration's reader (YAML) is imported only for one
        from scanner.scan import config as configuration

        try:
            config = configuration.load(config_path)
        except configuration.ConfigError as exc:
            raise ConfigProblem(exc.problems) from None
    _check_paths(urls, params, config)
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
    from scanner.cli.scan_run import run_scan, waiting
    from scanner.system.interrupt import Interrupted, exit_now, handled
    from scanner.system.lock import Busy, run_lock
    from scanner.system.outputs import EXIT_OUTPUT, OutputError

    with handled(exit_at_once=STANDALONE) as interrupt:
        try:
            with run_lock(run.lock_key, run.lock_what, run.lock_directory, run.lock_wait,
                          on_wait=partial(waiting, run.lock_wait)):
                code = run_scan(run, quiet > 0, interrupt)
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
    if STANDALONE and (interrupt.requested or code == EXIT_OUTPUT):
        exit_now(code)  # a read still running (a locked table) would otherwise hold the exit up
    sys.exit(code)


class ConfigProblem(click.UsageError):
    def __init__(self, problems: list[str]):
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))

    def show(self, file=None):  # the problems are the message; no usage line above them
        click.echo(f"Error: {self.format_message()}", err=True, file=file)


def _fail_on(value: str) -> str:
    """--fail-on-findings, checked before anything else (a typo would make a gate that never
    fails), spelt as records spell the categories and entity types."""
    from scanner.scan.config_check import NotCategories, fail_on_values

    try:
        return ",".join(fail_on_values(value))
    except NotCategories as exc:
        raise click.UsageError(f"--fail-on-findings: {exc}. Write --fail-on-findings=CATEGORIES (with =), "
                               "or put --fail-on-findings after the sources.") from None
    except ValueError as exc:
        raise click.UsageError(f"--fail-on-findings: {exc}") from None


def _check_paths(urls, params: dict, config) -> None:
    """A path on the command line that does not exist is a usage error, before anything is
    opened or written (not a scan of nothing, recorded in the inventory). A Dask cluster's
    workers read paths on their own machines: those are not checked here."""
    from scanner.model.sources import missing_path
    from scanner.scan.plan import named

    scan_cfg = config.scan if config is not None else {}
    if params.get("scheduler") or params.get("executor") == "dask" or scan_cfg.get("scheduler") \
            or scan_cfg.get("executor") == "dask":
        return
    for spec in urls:
        missing = missing_path(named(spec)[1])
        if missing is not None:
            raise click.UsageError(f"no such file or directory: {missing}")


def _check_detectors(names) -> None:
    from scanner.model.plugins import DETECTORS, available

    unknown = [n for n in names if n not in available(DETECTORS)]
    if unknown:
        raise click.UsageError(f"unknown detector {', '.join(unknown)} (see `kartlegg detectors`)")


def _print_plan(run, config) -> None:
    """--validate: what would be scanned, where it would be written, and how."""
    from scanner.model.protocols import cores
    from scanner.model.sources import missing_path
    from scanner.model.urls import mask_url
    from scanner.system.lock import lock_path

    click.echo(f"Configuration {config.path if config else '(command line)'} is valid.")
    for s in run.sources:
        d = s.described()
        own = ", ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                        for k, v in (d.get("settings") or {}).items())
        click.echo(f"  source {s.name:<24} {s.crawler:<10} {s.masked_url}" + (f"  [{own}]" if own else "")
                   + ("  (declared)" if s.name in run.declared else ""))
        # a configuration's missing path is not a usage error (a share unmounted tonight must not
        # stop the other sources), but --validate is where to hear of it
        missing = None if run.executor == "dask" else missing_path(s.url)
        if missing is not None:
            click.echo(f"  warning: source {s.name}: no such file or directory: {missing} "
                       "(a scan reports this source as failed)", err=True)
    inventory = "none" if run.inventory is None else (
        mask_url(run.inventory) if "://" in run.inventory else run.inventory)
    click.echo(f"  report    {run.output} ({run.report_format})" + (f", HTML {run.html}" if run.html else ""))
    click.echo(f"  inventory {inventory}" + (", incremental" if run.settings.incremental else ""))
    click.echo(f"  lock      {lock_path(run.lock_key, run.lock_directory)}")
    where = (f"dask, scheduler {mask_url(run.scheduler)}" if run.executor == "dask" else
             f"{run.executor}, {run.workers or cores()} worker(s)")
    click.echo(f"  executor  {where}")


@click.command(short_help="Write an example scan configuration to edit.")
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
