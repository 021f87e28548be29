"""One person in a dataset of files or objects: every member read whole, each a location of its
own (a request hands over or erases that file, not the dataset's key pattern)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.crawlers.objects import DatasetReader, iso
from scanner.model.units import Problem
from scanner.subject.matching import Found, Matcher, SearchOptions, search_fields


def search(reader: DatasetReader, matcher: Matcher, options: SearchOptions) -> Iterator[Found | Problem]:
    for reason, n in sorted((reader.unit.meta.get("unreadable") or {}).items()):
        # listed but not readable (archived, a special file): not searched, and said so
        yield Problem(reader.unit.location, f"{n} {'file or object' if n == 1 else 'files or objects'} not "
                      f"searched: {reason}", "skipped")
    for m in reader.members:
        where = reader._where(m.key)
        if options.since is not None and m.modified is not None and m.modified < options.since:
            yield Found(where, modified=iso(m.modified), passed_over=True)  # nothing in it is newer
            continue
        found = Found(where, modified=iso(m.modified), searched=reader.unit.meta.get("fields") or [],
                      method="full read")
        failed = False
        for fields, rows, problems in reader.member_parts(m):
            for p in problems:
                failed = failed or p.location == where
                yield p
            search_fields(found, matcher, fields, rows, options)
        if not failed or found.rows:  # what was read of a broken file still counts
            found.searched = sorted({*found.searched, *matcher.target.fields()})
            yield found
