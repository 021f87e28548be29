"""What the commands that find or show personal data share: the installation's fingerprint key,
the detection engine, each a usage error (exit 2) when it cannot be had, and their tables."""

from __future__ import annotations

import click


def fingerprint_key(warn) -> bytes:
    """The installation's fingerprint key, checked before anything is read: a key that would
    not protect the fingerprints (empty, short, not hex) or cannot be read is a usage error."""
    from detectors.evidence import KeyProblem, load_key

    try:
        return load_key(warn=warn)
    except KeyProblem as exc:
        raise click.UsageError(str(exc)) from None


def build_engine(detectors: tuple[str, ...], model: str | None):
    """The engine with these detectors (all when none) and spaCy model."""
    from detectors.engine import Engine
    from scanner.model.plugins import PluginError

    try:
        return Engine(detectors=list(detectors) or None, model=model)
    except (PluginError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None


def print_table(headings: list[str], rows: list[list[str]], right: tuple[str, ...] = (),
                wrap: tuple[str, ...] = ()) -> None:
    """Rows under their headings, aligned, as the scan's console tables are (rich). Cells are
    text, never console markup, with control characters shown escaped; off a terminal (a pipe, a
    file) the table is as wide as its cells, never cut. `right`: headings of right-aligned
    columns; `wrap`: of columns that may wrap on a narrow terminal (the others never do)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from scanner.model.redact import printable

    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=400)
    table = Table(header_style="bold")
    for heading in headings:
        table.add_column(heading, justify="right" if heading in right else "left", no_wrap=heading not in wrap)
    for row in rows:
        table.add_row(*(Text(printable(str(cell))) for cell in row))
    console.print(table)
