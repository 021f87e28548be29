"""The `kartlegg` command line: the command group and its subcommands, each in its own module
(which never imports this one)."""

from __future__ import annotations

import click

from scanner import __version__
from scanner.cli import scan as scan_command
from scanner.cli.detect import detect
from scanner.cli.inventory import inventory
from scanner.cli.inventory_views import links, requests, retention
from scanner.cli.plugins import detectors, list_plugins
from scanner.cli.report import report
from scanner.cli.subject import subject
from scanner.system import collector


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kartlegg")
def cli() -> None:
    """Find personal data in databases, object stores, files and logs."""


cli.add_command(detect)
cli.add_command(detectors)
cli.add_command(scan_command.scan)
cli.add_command(list_plugins)
cli.add_command(scan_command.init)
cli.add_command(inventory)
inventory.add_command(links)
inventory.add_command(requests)
inventory.add_command(retention)
cli.add_command(report)
cli.add_command(subject)


def main() -> None:
    # this process is kartlegg's own, from before a command imports what it needs to after it
    # ends (`cli`, which tests invoke, leaves the interpreter's collector alone)
    collector.for_this_process()
    scan_command.STANDALONE = True  # a stop signal may end this process at once (scanner.system.interrupt)
    try:
        cli(prog_name="kartlegg")
    finally:
        collector.leaving()
