"""One person in a source read as batches (journald, CloudWatch Logs, a third-party crawler):
the unit read whole, as a full scan would read it, and its fields matched."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from scanner.model.units import Problem, WorkUnit
from scanner.subject.matching import Found, Matcher, SearchOptions, search_fields


def search(crawler, unit: WorkUnit, matcher: Matcher, options: SearchOptions) -> Iterator[Found | Problem]:
    crawler.settings = replace(crawler.settings, full=True)
    found = Found(unit.location, method="full read", searched=matcher.target.fields())
    for batch in crawler.sample_batches(unit):
        yield from batch.problems
        if batch.fields:
            search_fields(found, matcher, batch.fields, batch.rows_sampled, options)
    yield found
