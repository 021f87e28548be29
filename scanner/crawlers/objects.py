"""What the file-system and S3 crawlers share: datasets as units of work, and sampling one.

A unit carries the members chosen at discovery (newest + random), so sampling it elsewhere needs
only the source. Each member is read by the format readers; their fields are merged by name, and
a member that cannot be read becomes a Problem of the dataset instead of failing it.
"""

from __future__ import annotations

import math
import posixpath
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime

from scanner.crawlers.base import DatasetSample, FieldSample, Location, Problem, Skipped, WorkUnit
from scanner.crawlers.datasets import Dataset, Member
from scanner.formats import FormatError, Limits, TooLarge, Unsupported, read
from scanner.formats.limits import human_size
from scanner.redact import describe_error, scrub


class Denied(Exception):
    """The store refused to hand over a member (permissions, KMS key, archived storage class)."""


class ReadFailed(Exception):
    """No member of a dataset could be read, and not for a reason that makes it a skip."""


# opens a member for reading: yields (binary stream, whether it is only a prefix of the member);
# the third argument is to be called with the number of bytes each read takes from storage.
Opener = Callable[[Member, Limits, Callable[[int], None]], AbstractContextManager]


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def unit_for(source: str, crawler: str, container: str, base: str, ds: Dataset) -> WorkUnit:
    return WorkUnit(
        source=source,
        crawler=crawler,
        location=Location(container, ds.name, None, base),
        row_estimate=None,
        meta={
            "members": [m.to_dict() for m in ds.chosen()],
            "total": ds.count,
            "bytes": ds.bytes,
            "unreadable": dict(ds.unreadable),
            "newest": iso(ds.newest.modified) if ds.newest else None,
        },
    )


def unreadable_reason(ds: Dataset) -> str:
    parts = [f"{n} {'object' if n == 1 else 'objects'} {reason}" for reason, n in sorted(ds.unreadable.items())]
    return "nothing readable: " + "; ".join(parts)


def sample_dataset(unit: WorkUnit, open_member: Opener, settings, sample_size: int,
                   display: Callable[[str], str] = str) -> DatasetSample:
    """Read the unit's chosen members, about sample_size rows in all.

    `display` turns a member key into a printable name.
    """
    members = [Member.from_dict(m) for m in unit.meta["members"]]
    loc = unit.location
    rows_each = max(1, math.ceil(sample_size / max(1, len(members))))
    limits = Limits.from_settings(settings, rows=rows_each)

    merged: dict[str, FieldSample] = {}
    formats: list[str] = []
    notes: list[str] = []
    problems: list[Problem] = []
    skips: list[str] = []
    errors: list[str] = []
    rows = 0
    read_ok = 0
    fetched = [0]

    def tally(n: int) -> None:
        fetched[0] += n

    for m in members:
        where = Location(loc.container, display(m.key), None, loc.base)
        try:
            with open_member(m, limits, tally) as (stream, partial):
                sample = read(stream, posixpath.basename(m.key), replace(limits, partial=partial))
        except (Denied, Unsupported, TooLarge) as e:
            skips.append(scrub(str(e)))
            problems.append(Problem(where, scrub(str(e)), "skipped"))
            continue
        except Exception as e:  # one object that fails is an error of its own; the dataset goes on
            reason = _reason(e)
            if isinstance(e, PermissionError):
                skips.append(reason)
                problems.append(Problem(where, reason, "skipped"))
            else:
                errors.append(reason)
                problems.append(Problem(where, reason, "error"))
            continue
        read_ok += 1
        formats.append(">".join((*sample.layers, sample.format)))
        notes += sample.mismatches
        problems += [Problem(where, scrub(w), "error") for w in sample.warnings]
        problems += [Problem(Location(loc.container, f"{display(m.key)}:{member}", None, loc.base), scrub(reason),
                             "skipped")
                     for member, reason in sample.skipped]
        rows += max((len(f.values) for f in sample.fields), default=0)
        for f in sample.fields:
            have = merged.get(f.name)
            if have is None:
                merged[f.name] = FieldSample(f.name, f.declared_type, list(f.values), unstructured=f.unstructured)
            else:
                have.values.extend(f.values)

    if not read_ok:
        if errors:
            more = f" (and {len(members) - 1} more)" if len(members) > 1 else ""
            raise ReadFailed(errors[0] + more)
        raise Skipped(_summarise(skips) or "nothing to read")

    kinds = sorted(set(formats))
    total, chosen = unit.meta["total"], len(members)
    objects = {
        "total": total,
        "sampled": read_ok,
        "bytes": unit.meta["bytes"],
        "read_bytes": fetched[0],
        "newest": unit.meta.get("newest"),
        "unreadable": unit.meta.get("unreadable") or {},
    }
    details = {"format": kinds[0] if len(kinds) == 1 else f"mixed ({', '.join(kinds)})", "objects": objects}
    if notes:
        details["notes"] = notes
    method = (f"{chosen} of {total} (newest + random): " if total > 1 else "") + ", ".join(
        dict.fromkeys(_how(k.rsplit(">", 1)[-1], settings.object_bytes, total > 1) for k in kinds))
    fields = list(merged.values())
    return DatasetSample(
        unit=unit,
        fields=fields,
        rows_sampled=rows,
        method=method,
        columns=[{"name": f.name, "type": f.declared_type or ("text" if f.unstructured else "string")} for f in fields],
        problems=problems,
        details=details,
    )


def _how(fmt: str, object_bytes: int, several: bool) -> str:
    if fmt == "parquet":
        return "first row group"
    if fmt == "xlsx":
        return "first rows of every sheet"
    each = " of each" if several else ""
    return f"first {human_size(object_bytes)}{each}"


def _summarise(reasons: list[str]) -> str:
    counts = Counter(reasons)
    return "; ".join(r if n == 1 else f"{r} ({n} objects)" for r, n in counts.most_common())


def _reason(e: Exception) -> str:
    if isinstance(e, FormatError):
        return scrub(str(e))
    if isinstance(e, OSError) and e.strerror:
        # The path is already in the record's location; strerror alone keeps the message free of it.
        return f"{type(e).__name__}: {e.strerror}"
    described = describe_error(e)
    return f"{described['type']}: {described['message']}"
