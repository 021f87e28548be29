"""`kartlegg inventory …`: list, show, diff, review, declare, export, scans, requests, upgrade.

Every subcommand takes --inventory (or KARTLEGG_INVENTORY); the default is the SQLite file
`kartlegg-inventory.sqlite` in the current directory, next to the report, so one working
directory per customer keeps customers apart.
"""

from __future__ import annotations

import getpass
import json
import os
import sys

import click

ENV = "KARTLEGG_INVENTORY"
DEFAULT = "kartlegg-inventory.sqlite"
_OPENED: list = []  # stores this command opened: their secrets are scrubbed from any error


def inventory_option(f):
    return click.option("--inventory", "inventory_url", envvar=ENV, default=DEFAULT, show_default=True,
                        metavar="PATH|URL",
                        help=f"Inventory: an SQLite file, or postgresql://… shared by several scanners "
                             f"[env {ENV}].")(f)


class _NotRaised(Exception):
    pass


def _alembic_error() -> type[Exception]:
    """alembic's CommandError when a migration ran (and so alembic was imported): an inventory
    that is up to date is opened without importing alembic, a fifth of a second."""
    module = sys.modules.get("alembic.util")
    return getattr(module, "CommandError", _NotRaised) if module else _NotRaised


def open_store(url: str, create: bool = True, writing: bool = False):
    """The store at `url`, migrated to the current schema; a clear usage error (password
    masked) when it cannot be opened. `writing` (a scan): an inventory that is there but cannot
    be opened or written (a read-only directory, a full disk, a server that refuses) is an
    OutputError (exit code 5); a malformed URL or a missing driver stays a usage error."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from scanner.inventory.store import Store
    from scanner.model.redact import describe_error

    if not create and "://" not in url and not os.path.exists(url):
        raise click.UsageError(f"no inventory at {url} (scan first, or give --inventory)")
    try:
        store = Store.open(url)
        _OPENED.append(store)
        return store
    except (ArgumentError, SQLAlchemyError, _alembic_error(), OSError, ImportError, ValueError) as exc:
        from scanner.model.urls import mask_url, url_secrets

        shown, secrets = url, ()
        if "://" in url:
            shown, secrets = mask_url(url), url_secrets(url)
        err = describe_error(exc, list(secrets))
        hint = " (made by a newer kartlegg?)" if isinstance(exc, _alembic_error()) else ""
        message = f"cannot open the inventory {shown}: {err['type']}: {err['message']}{hint}"
        if writing and not isinstance(exc, (ArgumentError, _alembic_error(), ImportError, ValueError)):
            from scanner.system.outputs import OutputError

            if "unable to open database file" in message or "readonly database" in message:
                message += " (SQLite writes beside the file: its directory must be writable)"
            raise OutputError(message) from None
        raise click.UsageError(message) from None


def _console():
    from rich.console import Console

    from scanner.cli.console import wide

    return wide(Console())


class InventoryGroup(click.Group):
    """A database failure after the inventory opened (a busy SQLite file, a PostgreSQL that went
    away) is a clear error, not a traceback."""

    def invoke(self, ctx):
        from sqlalchemy.exc import SQLAlchemyError

        from scanner.model.redact import describe_error

        try:
            return super().invoke(ctx)
        except SQLAlchemyError as exc:
            err = describe_error(exc, [x for store in _OPENED for x in store.secrets])
            raise click.ClickException(f"the inventory failed: {err['type']}: {err['message']}") from None


@click.group(cls=InventoryGroup, short_help="Show and keep the inventory: what is where, since when.")
def inventory() -> None:
    """The data inventory: what personal data is where, since when, what changed."""


@inventory.command("list", short_help="List the personal data in the inventory, with review state.")
@inventory_option
@click.option("--all", "include_gone", is_flag=True, help="Also findings that are gone.")
@click.option("--source", default=None, help="Only this source (by name).")
@click.option("--suppressed/--no-suppressed", default=False, show_default=True,
              help="Also findings suppressed as reviewed false positives.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
def list_findings(inventory_url, include_gone, source, suppressed, as_json):
    """Personal data in the inventory, one row per location and entity type."""
    from rich.markup import escape
    from rich.table import Table

    from scanner.inventory import SUPPRESSED
    from scanner.inventory.views import findings

    store = open_store(inventory_url, create=False)
    rows = [r for r in findings(store, include_gone=include_gone, source=source, personal_only=True)
            if suppressed or not (r["review"] and r["review"]["state"] == SUPPRESSED)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No personal data in the inventory.")
        return
    table = Table(header_style="bold")
    for col in ("source", "location", "entity type", "category", "confidence", "hits", "last seen", "status",
                "review"):
        table.add_column(col, justify="right" if col in ("confidence", "hits") else "left")
    for r in rows:
        review = ""
        if r["review"]:
            review = r["review"]["state"] + (": " + "; ".join(r["review"].get("reasons") or []) if
                                             r["review"].get("reasons") else "")
        table.add_row(*map(escape, (r["source"], r["location"], r["entity_type"], r["category"],
                                    f"{r['confidence']:.2f}", f"{r['hits']}/{r['sampled']}",
                                    (r["last_seen"] or "")[:10], r["status"], review)))
    _console().print(table)


@inventory.command(short_help="Show what a scan changed since the one before.")
@inventory_option
@click.option("--scan", "scan_ref", default=None, metavar="SCAN", help="The scan to look at (default: the latest).")
@click.option("--since", "since_ref", default=None, metavar="SCAN",
              help="Compare with this earlier scan instead of each source's previous one.")
@click.option("--json", "as_json", is_flag=True, help="The change records, one JSON object per line.")
def diff(inventory_url, scan_ref, since_ref, as_json):
    """What changed: new personal-data locations, locations gone, categories added or removed,
    confidence jumps. SCAN may be a unique prefix of a scan id (see `kartlegg inventory scans`)."""
    from scanner.cli.console import print_changes
    from scanner.inventory.changes import changes, latest_scan, resolve_scan

    store = open_store(inventory_url, create=False)
    try:
        scan_id = resolve_scan(store, scan_ref) if scan_ref else latest_scan(store)
        since = resolve_scan(store, since_ref) if since_ref else None
    except LookupError as exc:
        raise click.UsageError(str(exc)) from None
    if scan_id is None:
        raise click.UsageError("the inventory has no finished scan yet")
    found = changes(store, scan_id, since=since)
    if as_json:
        for c in found:
            click.echo(json.dumps(c, ensure_ascii=False, separators=(",", ":")))
        return
    print_changes(_console(), found, scan_id, since, limit=None)


@inventory.command(short_help="Confirm a finding or mark it a false positive.")
@inventory_option
@click.argument("location")
@click.option("--false-positive", "decision", flag_value="false_positive", help="Not personal data: suppress it.")
@click.option("--confirm", "decision", flag_value="confirmed", help="Personal data: confirmed.")
@click.option("--entity-type", default=None, metavar="TYPE",
              help="Only this entity type at the location (default: all of them).")
@click.option("--note", default=None, metavar="TEXT", help="Why (kept with the decision).")
@click.option("--source", default=None, help="The source, when the location is in more than one.")
@click.option("--by", "who", default=None, metavar="NAME", help="Who decides [default: the login name].")
def review(inventory_url, location, decision, entity_type, note, source, who):
    """Record an analyst's decision on LOCATION: a URI from the report, or the location as
    listed (schema.table.column, bucket/key#field, path#field).

    A false positive stays suppressed in later scans until its evidence changes materially
    (a new entity type at the location, a much higher hit ratio); then it comes back reopened.
    """
    from rich.markup import escape

    from scanner.inventory.views import find_locations

    if decision is None:
        raise click.UsageError("give --false-positive or --confirm")
    store = open_store(inventory_url, create=False)
    matches = find_locations(store, location, source)
    if not matches:
        raise click.UsageError(f"no location {location!r} in the inventory (see `kartlegg inventory list`)")
    if len(matches) > 1:
        listed = "\n".join(f"  {m[0]}: {m[1]}" for m in matches[:10])
        raise click.UsageError(f"{location!r} matches {len(matches)} locations; give the URI or --source:\n{listed}")
    name, uri, shown = matches[0]
    who = who or os.environ.get("KARTLEGG_USER") or _login()
    try:
        store.review(uri, decision, entity_type=entity_type, note=note, who=who, source=name)
    except (LookupError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    what = "a false positive" if decision == "false_positive" else "confirmed"
    _console().print(f"{escape(name)}: {escape(shown)}" + (f" ({escape(entity_type)})" if entity_type else "")
                     + f" recorded as {what} by {escape(who)}.")


@inventory.command(short_help="Show one location: findings, history, real names.")
@inventory_option
@click.argument("location")
@click.option("--source", default=None, help="The source, when the location is in more than one.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
def show(inventory_url, location, source, as_json):
    """One LOCATION (a URI from the report, or the location as listed): its findings and
    history, and, where its names held personal data and are shown masked, the real names.

    The real names are sealed in the inventory with a key derived from this installation's
    fingerprint key: they open only on the scanning machine (or one given its key), and are
    printed only here, on request.
    """
    from rich.markup import escape
    from rich.table import Table

    from scanner.cli.detection import fingerprint_key
    from scanner.inventory.views import find_locations, location_details
    from scanner.model.redact import Redactor, printable

    store = open_store(inventory_url, create=False)
    matches = find_locations(store, location, source)
    if not matches:
        raise click.UsageError(f"no location {location!r} in the inventory (see `kartlegg inventory list`)")
    redactor = Redactor(key=fingerprint_key(lambda m: click.echo(f"Warning: {m}", err=True)))
    out = []
    for name, uri, _ in matches:
        details = location_details(store, name, uri)
        if details.get("sealed"):
            try:
                details["real"] = redactor.unseal(details["sealed"])
            except ValueError as exc:
                details["real"] = {"error": str(exc)}
        out.append(details)
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = _console()
    for d in out:
        console.print(f"[bold]{escape(printable(d['location']))}[/bold]  ({escape(d['source'])}, {d['status']}, "
                      f"first seen {d['first_seen']}, last seen {d['last_seen']})")
        console.print(f"  uri: {escape(printable(d['uri']))}")
        real = d.get("real")
        if real and "error" in real:
            console.print(f"  real names: cannot be opened here ({escape(real['error'])})")
        elif real:
            shown = ".".join(printable(real[k]) for k in ("container", "dataset", "field") if real.get(k))
            console.print(f"  real names (shown on request; personal data): {escape(shown)}")
        if d["findings"]:
            table = Table(header_style="bold")
            for col in ("entity type", "category", "confidence", "hits", "status", "first seen", "last seen"):
                table.add_column(col)
            for f in d["findings"]:
                table.add_row(*map(escape, (f["entity_type"], f["category"], f"{f['confidence']:.2f}",
                                            f"{f['hits']}/{f['sampled']}", f["status"], f["first_seen"] or "",
                                            f["last_seen"] or "")))
            console.print(table)


def _login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return "unknown"


@inventory.command(short_help="Declare what a source is: owner, role, purpose, retention.")
@inventory_option
@click.argument("source", required=False)
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None,
              help="A TOML file of [sources.NAME] tables (see the README).")
@click.option("--system", default=None, help="The system the source belongs to (default: the source).")
@click.option("--owner", default=None, help="Owner: the customer (controller) or business unit.")
@click.option("--role", type=click.Choice(["controller", "processor"]), default=None, help="Our role.")
@click.option("--purpose", default=None)
@click.option("--legal-basis", default=None)
@click.option("--data-subjects", default=None, metavar="A,B", help="Categories of data subjects, comma-separated.")
@click.option("--categories", default=None, metavar="A,B",
              help="Categories of personal data held (identity, contact, financial, metering, online_identifier).")
@click.option("--retention", default=None)
@click.option("--environment", type=click.Choice(["production", "staging", "test", "development"]), default=None)
def declare(inventory_url, source, path, **metadata):
    """Declared metadata for SOURCE (its name in the report header), or for every source in
    --file. Scans never change it; the Art. 30 export sets it beside what was found."""
    from scanner.inventory.declared import DeclarationError, load

    if (source is None) == (path is None):
        raise click.UsageError("give a SOURCE with options, or --file")
    try:
        declared = load(path) if path else {source: {k: v for k, v in metadata.items() if v is not None}}
    except DeclarationError as exc:
        raise click.UsageError(str(exc)) from None
    if source and not declared[source]:
        raise click.UsageError("nothing to declare: give --owner, --role, --purpose, …")
    store = open_store(inventory_url)
    for name, values in declared.items():
        try:
            store.declare(name, **values)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    click.echo(f"Declared {len(declared)} source(s): {', '.join(sorted(declared))}.")


@inventory.command(short_help="Export the inventory: XLSX, CSV views or JSON Lines.")
@inventory_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), required=True)
@click.option("-o", "--output", default=None,
              help="File to write [default: kartlegg-inventory.EXT, or kartlegg-VIEW.csv]; - for stdout (not xlsx).")
@click.option("--view", type=click.Choice(["findings", "art30", "links", "retention", "sources", "scans", "history"]), default="findings",
              show_default=True, help="CSV only: which view (JSON Lines and XLSX hold them all).")
@click.option("--all", "include_gone", is_flag=True, help="Also findings that are gone.")
@click.option("--delimiter", type=click.Choice([",", ";", "tab"]), default=",", show_default=True,
              help="CSV only; ';' suits a Norwegian Excel.")
def export(inventory_url, fmt, output, view, include_gone, delimiter):
    """Export the inventory for the customer: findings, the record of processing (Art. 30) with
    declared and found side by side and the gaps, sources, scans and each field's history."""
    from scanner.inventory.export import write_csv, write_jsonl, write_xlsx

    store = open_store(inventory_url, create=False)
    if output is None:
        output = f"kartlegg-{view}.csv" if fmt == "csv" else f"kartlegg-inventory.{fmt}"
    if fmt == "xlsx" and output == "-":
        raise click.UsageError("XLSX goes to a file: give -o FILE.xlsx")
    try:
        if fmt == "xlsx":
            counts = write_xlsx(store, output, include_gone=include_gone)
        else:
            fh = sys.stdout if output == "-" else open(output, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                                                       newline="" if fmt == "csv" else None)
            try:
                if fmt == "csv":
                    counts = {view: write_csv(store, fh, view, include_gone,
                                              "\t" if delimiter == "tab" else delimiter)}
                else:
                    counts = write_jsonl(store, fh, include_gone=include_gone)
            finally:
                if fh is not sys.stdout:
                    fh.close()
    except OSError as exc:
        raise click.UsageError(f"cannot write {output}: {exc.strerror}") from None
    if output != "-":
        click.echo(f"Wrote {output}: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + ".", err=True)


@inventory.command(short_help="List the scans recorded, newest first.")
@inventory_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def scans(inventory_url, limit, as_json):
    """The scans recorded, newest first.

    \b
    Status: running; completed; incomplete (some sources or locations could not be scanned);
    failed (it stopped on an error); interrupted (a signal stopped it: what it wrote is kept);
    abandoned (its process died without a word: a later scan, or this listing, found so).
    """
    from rich.markup import escape
    from rich.table import Table

    from scanner.inventory.views import scans as scan_rows

    store = open_store(inventory_url, create=False)
    try:  # scans whose process died show as abandoned, not as running forever
        store.sweep_abandoned()
    except Exception:  # noqa: BLE001 - a listing needs no write access; the next scan marks them
        pass
    rows = scan_rows(store, limit)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(header_style="bold")
    for col in ("scan", "started", "status", "exit", "findings", "sources"):
        table.add_column(col)
    for r in rows:
        table.add_row(*map(escape, (r["scan_id"], r["started_at"] or "", r["status"], "" if r["exit_code"] is None else str(r["exit_code"]),
                                    str(r["findings"] if r["findings"] is not None else ""),
                                    ", ".join(r["sources"]))))
    _console().print(table)


@inventory.command(short_help="Create the inventory or upgrade its schema.")
@inventory_option
def upgrade(inventory_url):
    """Create the inventory, or upgrade its schema to this version of kartlegg."""
    store = open_store(inventory_url)
    click.echo(f"{store.masked_url}: schema revision {store.revision()}")
