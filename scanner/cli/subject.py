"""`kartlegg subject`: find one person's data in every system the inventory knows of."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import click

from scanner.cli.inventory import inventory_option
from scanner.cli.options import log_options


def _since(value: str | None) -> float | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected a date or time, 2026-11-01 or 2026-11-01T08:00") from None
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).timestamp()


@click.command(short_help="Find one person's data in every source the inventory knows.")
@click.argument("urls", nargs=-1, metavar="[URL...]")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              envvar="KARTLEGG_CONFIG", help="The scan configuration whose sources (and credentials) to search.")
@click.option("--id", "ids", multiple=True, required=True, metavar="KIND=VALUE",
              help="An identifier of the person, repeatable: fnr=, email=, phone=, name=, meter=, account=.")
@click.option("--no-validate", is_flag=True, help="Search for identifiers whose check digits do not hold.")
@inventory_option
@click.option("-o", "--output", default=None, metavar="FILE", help="Also write the records as JSON Lines to FILE.")
@click.option("--json", "as_json", is_flag=True, help="The records as JSON Lines on stdout instead of a table.")
@click.option("--show-values", is_flag=True,
              help="Show the matching values (the person's data) in the output; without it none are shown.")
@click.option("--export", "export_dir", default=None, metavar="DIR",
              help="Write the matching rows per location as JSON and CSV into DIR (access/portability request).")
@click.option("--erase-plan", is_flag=True,
              help="Add what deleting or correcting the person's data would touch (read-only; never executed).")
@click.option("--since", default=None, metavar="DATE",
              help="Files and objects (rotated logs among them) last written before DATE are passed over; "
                   "journald and CloudWatch are read whole.")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True,
              help="Matching rows counted (and exported) per location.")
@click.option("--controller", default=None, help="The controller the request is answered for (kept in the request log).")
@click.option("--requested-by", default=None, help="Who asked (kept in the request log) [default: the login name].")
@click.option("--profile", "aws_profile", default=None, help="AWS profile for s3:// and cloudwatch:// sources.")
@click.option("--region", "aws_region", default=None, help="AWS region for s3:// and cloudwatch:// sources.")
@click.option("--endpoint-url", default=None, metavar="URL", help="Endpoint for s3:// and cloudwatch:// sources.")
@log_options
@click.pass_context
def subject(ctx, urls, config_path, ids, no_validate, inventory_url, output, as_json, show_values, export_dir,
            erase_plan, since, max_rows, controller, requested_by, verbose, quiet, log_format, **aws):
    """Find one person's data in every source the inventory knows of (a data subject's request).

    \b
    kartlegg subject --id fnr=01817012309 --id email=kari@example.no --id phone="+47 412 34 567"
    \b
    The inventory decides where to look: the fields that hold identifiers of the kinds given,
    and running text with personal data, in the sources given as URLs or in --config (or, with
    neither, every source in the inventory that needs no credentials). Databases are asked with
    parameterised, read-only lookups (indexes answer); files, objects and logs are read whole.
    Identifiers are never printed; the request is logged in the inventory with fingerprints.
    \b
    Exit codes: 0 every location searched (found or not); 2 bad usage (an unknown kind, a
    fødselsnummer whose check digits fail); 3 some sources or locations could not be searched;
    5 an output could not be written.
    """
    from scanner.subject import identifiers as ids_module
    from scanner.system import log_events as logs

    logs.setup(logs.level_for(verbose, quiet, None), log_format or "text")
    try:
        idents = [ids_module.parse(spec, validate=not no_validate) for spec in ids]
    except ids_module.IdentifierError as exc:
        raise click.UsageError(str(exc)) from None
    from click.core import ParameterSource

    from scanner.cli.inventory import open_store
    from scanner.cli.subject_sources import planned, sources_for

    run = planned(urls, config_path, aws)
    if run is not None and run.inventory and ctx.get_parameter_source("inventory_url") == ParameterSource.DEFAULT:
        inventory_url = run.inventory  # the configuration's inventory
    store = open_store(inventory_url, create=False)
    sources, settings, unusable = sources_for(store, run)
    from detectors.evidence import Fingerprinter
    from scanner.cli.detection import fingerprint_key
    from scanner.subject.matching import SearchOptions
    from scanner.subject.run import Request, SubjectSearch

    key = fingerprint_key(lambda m: logs.event(logging.getLogger("scanner.cli.main"), logging.WARNING,
                                               "fingerprint.key_readable", message=m))
    request = Request(idents, sources, settings, SearchOptions(max_rows, bool(export_dir) or show_values, _since(since)),
                      show_values=show_values, erase_plan=erase_plan, export=bool(export_dir), controller=controller,
                      requested_by=requested_by or _login(), unusable=unusable)
    logs.add_secrets(*request.secrets)
    from detectors.engine import Engine
    from scanner.inventory.requests import log_request
    from scanner.model.redact import Redactor
    from scanner.system.outputs import EXIT_OUTPUT

    redactor = Redactor(Engine(), key, secrets=request.secrets, hosts=[h for s in sources for h in s.hosts])
    search = SubjectSearch(request, _findings(store), Fingerprinter(key), redactor)
    try:
        sink = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115 - closed in _emit
    except OSError as exc:
        click.echo(f"Error: cannot write {output}: {exc.strerror}", err=True)
        sys.exit(EXIT_OUTPUT)
    code = _emit(search, sink, as_json)
    exported = False
    if export_dir:
        from scanner.subject.export import write

        try:
            files = write(export_dir, request.request_id, search.exports)
            exported = True
        except OSError as exc:  # the request is logged all the same, as not exported
            click.echo(f"Error: cannot write the export into {export_dir}: {exc.strerror}", err=True)
            code = EXIT_OUTPUT
        else:
            if not as_json:
                click.echo(f"Exported {len(files) - 1} file(s) for {len(search.exports)} location(s) into "
                           f"{export_dir} (only the matching rows; hand the folder over as it is).", err=True)
    log_request(store, request, search, exported)
    sys.exit(code)


def _findings(store) -> list[dict]:
    from scanner.inventory.views import findings

    return findings(store)


def _login() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in a bare container
        return None


def _emit(search, sink, as_json: bool) -> int:
    from scanner.cli.subject_table import Table

    table = None if as_json else Table()
    try:
        for rec in search.records():
            line = json.dumps(rec, ensure_ascii=False, default=str)  # --show-values: dates, decimals
            if sink is not None:
                sink.write(line + "\n")
            if as_json:
                click.echo(line)
            else:
                table.add(rec)
    finally:
        if sink is not None:
            sink.close()
    if table is not None:
        table.print()
    return search.exit_code
