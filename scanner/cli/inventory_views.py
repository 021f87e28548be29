"""`kartlegg inventory links`, `retention` and `requests`: what the inventory knows across sources
and time — the same identifiers in several places, data kept longer than declared, and the data
subjects' requests answered."""

from __future__ import annotations

import json

import click

from scanner.cli.inventory import _console, inventory_option, open_store


@click.command(short_help="List datasets that share identifiers: copies, exports, logs.")
@inventory_option
@click.option("--fields", "by_field", is_flag=True, help="One row per pair of fields, not per pair of datasets.")
@click.option("--min-shared", type=click.IntRange(1), default=1, show_default=True,
              help="Identifiers two places must have in common (IP addresses: at least 3).")
@click.option("--source", default=None, help="Only links with one end in this source.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N (most telling first).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
def links(inventory_url, by_field, min_shared, source, limit, as_json):
    """Where the same identifiers occur in more than one dataset or source: copies, exports and
    leaks into logs, found by the keyed fingerprints of the values each scan sampled.

    \b
    "shared": identifiers seen in both places (a lower bound: each scan sampled its data);
    "containment": the estimated share of the smaller place's identifiers found in the larger
    (an export copied from a table is near 1). No value is ever compared in clear.
    """
    from rich.markup import escape
    from rich.table import Table

    from scanner.inventory.links import by_dataset
    from scanner.inventory.links import links as link_rows

    rows = link_rows(open_store(inventory_url, create=False), min_shared, source)
    if not by_field:
        rows = by_dataset(rows)
    total = len(rows)
    rows = rows[:limit] if limit else rows
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(header_style="bold")
    for col in ("from", "to", "identifiers", "shared", "containment", "what it means"):
        table.add_column(col, overflow="fold")
    for r in rows:
        ends = [(e["system"], e["location"] if by_field else e["dataset"], e["kind"]) for e in (r["a"], r["b"])]
        types = r["entity_type"] if by_field else ", ".join(r["entity_types"])
        table.add_row(*map(escape, (*(f"{s}: {loc} ({k})" for s, loc, k in ends), types, str(r["shared"]),
                                    f"{r['containment']:.0%}", r["meaning"])))
    _console().print(table)
    if len(rows) < total:
        click.echo(f"{len(rows)} of {total} shown (--limit).")
    if not rows:
        click.echo("No identifiers found in more than one place (scans keep a sketch of each field's "
                   "identifiers from kartlegg 0.1 schema 1.7 on: scan again to fill it).")


@click.command(short_help="List the data subjects' requests answered, newest first.")
@inventory_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def requests(inventory_url, limit, as_json):
    """The data subjects' requests answered (`kartlegg subject`), newest first: who asked, for which
    controller, the kinds of identifiers (fingerprinted), where the person was found."""
    from rich.markup import escape
    from rich.table import Table

    from scanner.inventory.requests import requests as request_rows

    rows = request_rows(open_store(inventory_url, create=False), limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(header_style="bold")
    for col in ("request", "started", "by", "controller", "identifiers", "found in", "rows", "exit"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*map(escape, (r["request_id"], r["started_at"] or "", r["requested_by"] or "",
                                    r["controller"] or "", ", ".join(r["kinds"]),
                                    f"{len(r['found'])} location(s)", str(sum(f["rows"] for f in r["found"])),
                                    "" if r["exit_code"] is None else str(r["exit_code"]))))
    _console().print(table)


@click.command(short_help="List personal data older than its declared retention.")
@inventory_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
def retention(inventory_url, as_json):
    """Personal data older than its source's declared retention (GDPR Art. 5(1)(e)): each dataset's
    oldest date (a table's date columns, the oldest file's modification time, as the last scan read
    it) against `retention` in the declared metadata.

    \b
    Status "over": the period runs from when the data was made, and the data is older.
    Status "check": the period runs from an event kartlegg cannot see ("10 år etter avsluttet
    kundeforhold"), so the older data must be checked against it.
    """
    from rich.markup import escape
    from rich.table import Table

    from scanner.inventory.retention import overdue

    rows = overdue(open_store(inventory_url, create=False))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(header_style="bold")
    for col in ("status", "system", "dataset", "oldest", "declared retention", "over by", "identifiers"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(*map(escape, (r["status"], r["system"], r["shown"], f"{r['oldest']['at'][:10]} ({r['oldest']['by']})",
                                    r["declared"], f"{r['over_days']} days", ", ".join(r["entity_types"]))))
    _console().print(table)
    if not rows:
        click.echo("No personal data older than its declared retention (datasets whose source declares none "
                   "are not checked: see the Art. 30 view's gaps).")
