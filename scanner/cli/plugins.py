"""`kartlegg plugins` and `kartlegg detectors`: what is installed — crawlers, detectors, report
writers and executors, and the entity types the detectors find."""

from __future__ import annotations

import json

import click


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True)
def list_plugins(as_json):
    """Crawlers, detectors, report writers and executors that are installed."""
    from scanner.model.plugins import KINDS, available

    rows = [{"kind": kind, "name": p.name, "target": p.entry_point.value, "distribution": p.distribution}
            for kind, group in KINDS.items() for p in available(group).values()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['kind']:<9} {r['name']:<24} {r['target']:<60} {r['distribution']}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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
    click.echo(f"{'DETECTOR':<24} {'ENTITY TYPE':<24} {'CATEGORY':<18} {'PERSONAL':<8} DESCRIPTION")
    for r in rows:
        if "error" in r:
            click.echo(f"{r['detector']:<24} failed to load: {r['error']}")
            continue
        click.echo(
            f"{r['detector']:<24} {r['entity_type']:<24} {r['category']:<18} "
            f"{'yes' if r['personal'] else 'no':<8} {r['description']}"
        )
