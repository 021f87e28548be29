"""`kartlegg report`: a self-contained HTML report from a JSONL report or from the inventory.

    kartlegg report report.jsonl -o report.html
    kartlegg report --inventory kartlegg-inventory.sqlite [--scan PREFIX] -o report.html
"""

from __future__ import annotations

import json

import click


def _from_jsonl(path: str):
    """The model of a JSONL report; a line that is not a usable record is a clear error naming the
    file and line, never a traceback."""
    from reports.html_model import Builder, ReportError

    builder = Builder()
    lines = 0
    try:
        with open(path, "rb") as fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    raise click.ClickException(f"{path}:{n}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
                except json.JSONDecodeError as exc:
                    raise click.ClickException(f"{path}:{n}: not a JSON record ({exc.msg}, column {exc.colno}); "
                                               "is the file cut or not a kartlegg report?") from None
                try:
                    builder.add(record)
                except ReportError as exc:
                    raise click.ClickException(f"{path}:{n}: {exc}") from None
                lines += 1
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None
    if not lines:
        raise click.ClickException(f"{path}: no records: not a kartlegg report")
    return builder.build()


def _from_inventory(url: str, scan_ref: str | None):
    from sqlalchemy.exc import SQLAlchemyError

    from reports.html_model import from_inventory
    from scanner.cli.inventory import open_store
    from scanner.model.redact import describe_error

    store = open_store(url, create=False)
    try:
        return from_inventory(store, scan_ref)
    except LookupError as exc:
        raise click.UsageError(str(exc).strip("'\"")) from None
    except SQLAlchemyError as exc:
        err = describe_error(exc, list(store.secrets))
        raise click.ClickException(f"the inventory failed: {err['type']}: {err['message']}") from None
    finally:
        store.dispose()


@click.command("report")
@click.argument("report_file", required=False, metavar="[REPORT.jsonl]",
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--inventory", "inventory_url", default=None, metavar="PATH|URL",
              help="Make the report from this inventory (an SQLite file or postgresql://…) instead of a JSONL report.")
@click.option("--scan", "scan_ref", default=None, metavar="SCAN_ID_PREFIX",
              help="With --inventory: the scan whose coverage and changes to show [default: the latest].")
@click.option("-o", "--output", default="report.html", show_default=True, help="HTML file; - for stdout.")
def report(report_file, inventory_url, scan_ref, output):
    """A self-contained HTML report: coverage, summary, heat map, riskiest locations, changes and a
    filterable findings table; no network requests, printable to PDF.

    \b
    From a scan's JSONL report:   kartlegg report report.jsonl -o report.html
    From the inventory:           kartlegg report --inventory kartlegg-inventory.sqlite -o report.html
    (the inventory's current findings, with the coverage and changes of the latest scan or --scan)
    """
    from reports.html import render

    if (report_file is None) == (inventory_url is None):
        raise click.UsageError("give a JSONL report or --inventory PATH|URL (exactly one of them)")
    if scan_ref is not None and inventory_url is None:
        raise click.UsageError("--scan needs --inventory (a JSONL report holds its own scan)")
    model = _from_jsonl(report_file) if report_file else _from_inventory(inventory_url, scan_ref)
    page = render(model)
    if output == "-":
        click.echo(page, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(page)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"{len(model.findings)} finding(s), {len(model.problems)} not scanned (skipped or failed). "
               f"Report: {output}", err=True)


__all__ = ["report"]
