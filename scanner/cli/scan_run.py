"""The run of `kartlegg scan` under its configuration's lock: the executor, the inventory and its
locks, the report writers, the scan itself and what the console says of it."""

from __future__ import annotations

import logging
from contextlib import nullcontext
from functools import partial

import click

from scanner.cli.detection import build_engine
from scanner.cli.inventory import open_store
from scanner.system import collector

log = logging.getLogger("scanner.cli.main")  # the name the log lines have always had


def waiting(wait: float, busy) -> None:
    """Said once, when a run has to wait for a lock: who holds it and how long the run waits."""
    from scanner.system import log_events as logs

    logs.event(log, logging.INFO, "scan.waiting", message=str(busy), wait=wait)
    click.echo(f"Waiting up to {wait:g} s (--lock-wait): {busy}.", err=True)


def run_scan(run, quiet: bool, interrupt) -> int:
    """The scan itself, under the run's lock; returns the exit code. Set-up first (the
    inventory, its locks, the report files); once the report is being written a signal is
    answered by the scan (`interrupt`), which ends with a summary marked interrupted."""
    from rich.console import Console

    from scanner.cli.console import print_quiet, print_summary, progress_for
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
    engine = build_engine(run.settings.detectors, None)
    executor = _executor(run)
    store = None
    on_wait = partial(waiting, run.lock_wait)
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
            store.wait_writable(run.lock_wait, on_wait=on_wait)
            clash = store.conflicts([s.describe() for s in run.sources])
            if clash:
                raise click.UsageError("; ".join(clash) + ". Name this source (NAME=URL, e.g. "
                                       "kunder-b=sqlite:////srv/b/kunder.db) or use another --inventory.")
            for name, metadata in sorted(run.declared.items()):
                store.declare(name, **metadata)
        with (store.run_lock(run.lock_key, run.lock_what, run.lock_wait, on_wait=on_wait) if store is not None
              else nullcontext()):
            writers = []
            try:
                for cls, what, target in zip(writer_classes, ("report", "HTML report"), (run.output, run.html)):
                    try:
                        # only the HTML writer has a language; a third-party writer keeps its signature
                        extra = {"lang": run.lang} if getattr(cls, "NAME", None) == "html" and run.lang else {}
                        writers.append(Output(cls(output_path(target), **extra), what, target))
                    except OSError as exc:
                        raise cannot_write(what, target, exc) from None
                console = Console(stderr=True)
                interrupt.defer()  # from here a signal stops the scan, which writes what it has
                collector.started()
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
    if quiet:  # quiet is not silent: what was not scanned, and how the run ended when not 0
        print_quiet(partial(click.echo, err=True), outcome, run.output)
    else:
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
