"""Which sources `kartlegg subject` searches: those given (URLs, a configuration's sources with
their credentials), named as the inventory knows them; or, with none given, every source in
the inventory whose URL needs no credentials (files, SQLite, S3 through the default chain)."""

from __future__ import annotations

from dataclasses import replace

import click

from scanner.model.urls import MASKED


def planned(urls, config_path, aws: dict):
    """The sources and settings given (URLs, --config) as a scan would plan them, or None."""
    if not urls and not config_path:
        return None
    from scanner.scan import config as configuration
    from scanner.scan.plan import SetupError, plan

    config = None
    if config_path:
        try:
            config = configuration.load(config_path)
        except configuration.ConfigError as exc:
            raise click.UsageError("invalid configuration:\n  " + "\n  ".join(exc.problems)) from None
    try:
        return plan({"urls": urls, **aws}, {k for k, v in aws.items() if v}, config)
    except SetupError as exc:
        raise click.UsageError(str(exc)) from None


def sources_for(store, run):
    """(sources, settings, unusable) for the planned run (None: the inventory's own sources);
    unusable are (source dict, reason) pairs."""
    from scanner.inventory.systems import canonical_uri, same_place
    from scanner.inventory.views import sources as known_sources
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source

    known = known_sources(store)
    if run is None:
        usable, unusable = [], []
        for k in known:
            if MASKED in (k["uri"] or "") or not k["type"]:
                unusable.append(({"name": k["source"], "type": k["type"], "uri": k["uri"]},
                                 "its credentials are not in the inventory: give its URL or --config"))
            else:
                usable.append(Source(k["uri"], k["source"], k["type"]))
        if not usable and not unusable:
            raise click.UsageError("the inventory holds no sources: scan first")
        return usable, ScanSettings(), unusable
    by_name = {k["source"] for k in known}
    by_place = {same_place(canonical_uri(k["uri"], k["type"]) or ""): k["source"] for k in known}
    sources = []
    for s in run.sources:
        if s.name not in by_name:  # scanned under another name, or another spelling of its URL
            other = by_place.get(same_place(canonical_uri(s.masked_url, s.crawler) or ""))
            if other:
                s = replace(s, name=other)
        sources.append(s)
    return sources, run.settings, []
