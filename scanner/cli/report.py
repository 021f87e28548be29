"""`kartlegg report`: a self-contained HTML report from a JSONL report or from the inventory.

    kartlegg report report.jsonl -o report.html
    kartlegg report --inventory kartlegg-inventory.sqlite [--scan PREFIX] -o report.html
    kartlegg report report.jsonl --lang nb --pdf report.pdf
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click


class PdfFailed(click.ClickException):
    exit_code = 5  # as for a report that cannot be written


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


@click.command("report", short_help="Write an HTML or PDF report of a scan or the inventory.")
@click.argument("report_file", required=False, metavar="[REPORT.jsonl]",
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--inventory", "inventory_url", default=None, metavar="PATH|URL",
              help="Make the report from this inventory (an SQLite file or postgresql://…) instead of a JSONL report.")
@click.option("--scan", "scan_ref", default=None, metavar="SCAN_ID_PREFIX",
              help="With --inventory: the scan whose coverage and changes to show [default: the latest].")
@click.option("-o", "--output", default="report.html", show_default=True,
              help="HTML file; - for stdout; a name ending in .pdf writes a PDF.")
@click.option("--lang", type=click.Choice(["nb", "en"]), default=None,
              help="Language of the report [default: the configuration's output.lang, else KARTLEGG_LANG, else "
                   "the locale: nb, nn or no → nb, else en].")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", envvar="KARTLEGG_CONFIG",
              help="A scan configuration whose output.lang is the default language [env KARTLEGG_CONFIG].")
@click.option("--pdf", "pdf_path", default=None, metavar="PATH",
              help="Also print the report to this PDF (headless Chromium, Debian package chromium).")
@click.pass_context
def report(ctx, report_file, inventory_url, scan_ref, output, lang, config_path, pdf_path):
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
    if output.lower().endswith(".pdf") and pdf_path is not None:
        raise click.UsageError(f"-o {output} and --pdf {pdf_path}: give the PDF once (-o is then the HTML file)")
    if config_path and not Path(config_path).is_file():
        from click.core import ParameterSource

        # a KARTLEGG_CONFIG left over from scans is no reason to refuse a report that needs no file
        if ctx.get_parameter_source("config_path") != ParameterSource.ENVIRONMENT:
            raise click.BadParameter(f"no such file: {config_path}", param_hint="--config")
        config_path = None
    lang = lang or (_configured_lang(config_path) if config_path else None)
    model = _from_jsonl(report_file) if report_file else _from_inventory(inventory_url, scan_ref)
    page = render(model, lang)
    if output.lower().endswith(".pdf") and pdf_path is None:
        output, pdf_path = None, output
    if output == "-":
        click.echo(page, nl=False)
    elif output:
        _write(output, page)
    if pdf_path:
        _pdf(page, output if output and output != "-" else None, pdf_path)
    written = ", ".join(x for x in (output if output != "-" else None, pdf_path) if x)
    if written:
        # counted as the report counts them: locations; a skipped column is a field of a location read
        fields = sum(p.kind == "field skipped" for p in model.problems)
        click.echo(f"{len(model.findings)} finding(s), {len(model.problems) - fields} location(s) not scanned "
                   f"(skipped or failed)" + (f", {fields} field(s) skipped" if fields else "")
                   + f". Report: {written}", err=True)


def _configured_lang(path: str) -> str | None:
    """output.lang of a scan configuration, read on its own: the report needs no credentials, so the
    rest of the file (environment variables, secret files) is not resolved here."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}", param_hint="--config") from None
    output = data.get("output") if isinstance(data, dict) else None
    lang = output.get("lang") if isinstance(output, dict) else None
    if lang is not None and lang not in ("nb", "en"):
        raise click.BadParameter(f"{path}: output.lang: expected one of: nb, en, got {lang!r}", param_hint="--config")
    return lang


def _write(path: str, page: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(page)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


def _pdf(page: str, html_path: str | None, pdf_path: str) -> None:
    from reports.pdf import PdfError, print_pdf

    with tempfile.TemporaryDirectory(prefix="kartlegg-report-") as tmp:
        if html_path is None:
            html_path = str(Path(tmp) / "report.html")
            _write(html_path, page)
        try:
            print_pdf(Path(html_path), Path(pdf_path))
        except (PdfError, OSError) as exc:
            raise PdfFailed(f"cannot write {pdf_path}: {exc}") from None


__all__ = ["report"]
