"""`kartlegg plugins` and `kartlegg detectors`: what is installed — crawlers, detectors, report
writers and executors, and the entity types the detectors find."""

from __future__ import annotations

import json

import click

from scanner.cli.detection import print_table


@click.command("plugins", short_help="List the installed crawlers, detectors, writers, executors.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
def list_plugins(as_json):
    """Crawlers, detectors, report writers and executors that are installed."""
    from scanner.model.plugins import KINDS, available

    rows = [{"kind": kind, "name": p.name, "target": p.entry_point.value, "distribution": p.distribution}
            for kind, group in KINDS.items() for p in available(group).values()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    print_table(["kind", "name", "object", "distribution"],
                [[r["kind"], r["name"], r["target"], r["distribution"]] for r in rows])


@click.command(short_help="List entity types, their categories and detectors.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (a JSON array).")
def detectors(as_json):
    """Entity types, their categories and the detectors that find them."""
    from scanner.model import categories
    from scanner.model.plugins import DETECTORS, PluginError, available

    rows = []
    for name, plugin in available(DETECTORS).items():
        try:
            recognizer = plugin.create()
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
    print_table(["detector", "entity type", "category", "personal", "description"],
                [[r["detector"], "", "", "", f"failed to load: {r['error']}"] if "error" in r else
                 [r["detector"], r["entity_type"], r["category"], "yes" if r["personal"] else "no", r["description"]]
                 for r in rows],
                wrap=("description",))
