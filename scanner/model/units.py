"""The crawler protocol: discover units of work, then sample each one.

A unit of work (one table, one object group, one log dataset) is a plain, picklable and
JSON-able value, so it can be sampled in another process or on another machine by a crawler
rebuilt there from the same Source.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

from scanner.model.redact import rough
from scanner.model.sources import Source


@dataclass(frozen=True)
class Location:
    container: str | None  # schema, bucket, root directory, host or log group
    dataset: str  # table, key pattern, relative path or stream
    field: str | None = None  # column, JSON path or parsed log field
    base: str | None = None  # the container's own URI (s3://bucket, file:///root), when it has one

    def __repr__(self) -> str:  # tracebacks and Dask's log of a failed task show reprs: no raw values
        return f"Location({rough(self.dotted())!r})"

    def with_field(self, name: str | None) -> Location:
        return Location(self.container, self.dataset, name, self.base)

    def dotted(self) -> str:
        return ".".join(p for p in (self.container, self.dataset, self.field) if p)

    def uri(self, source: Source) -> str:
        frag = f"#{quote(self.field, safe='.[]')}" if self.field else ""
        if self.base is not None:
            return f"{self.base.rstrip('/')}/{quote(self.dataset, safe='/*=')}{frag}"
        parts = [p for p in (self.container, self.dataset) if p is not None]
        path = "/".join(quote(p, safe="") for p in parts)
        # connection options (?charset=, ?sslmode=, ?password=) say how to connect, not where
        # the data is: a location's URI is the server, database and path alone
        root = source.masked_url.split("?", 1)[0].split("#", 1)[0]
        return f"{root.rstrip('/')}/{path}{frag}"

    def to_dict(self, source: Source) -> dict:
        d = asdict(self)
        del d["base"]
        return {**d, "uri": self.uri(source)}


@dataclass(frozen=True)
class WorkUnit:
    source: str  # the Source's name
    crawler: str
    location: Location
    row_estimate: int | None = None
    meta: dict = field(default_factory=dict, hash=False, compare=False)  # crawler-specific, JSON-able
    # What the source says about the unit's last change (modification counters, ETags, sizes and
    # mtimes), as a digest: equal versions mean unchanged, so --incremental can pass it over.
    # None: the source cannot tell, and the unit is always read.
    version: str | None = field(default=None, compare=False)

    def __repr__(self) -> str:  # meta lists keys and paths: kept out of logs and tracebacks
        return f"WorkUnit(source={self.source!r}, crawler={self.crawler!r}, location={self.location!r})"


@dataclass
class FieldSample:
    name: str
    declared_type: str | None
    values: list  # raw sampled values: kept in memory, never written out
    nullable: bool | None = None
    comment: str | None = None
    unstructured: bool = False  # running text (a note, a log message): judged as free text
    dataset_level: bool = False  # the whole content of a plain-text file: findings belong to the dataset
    skipped_reason: str | None = None  # a field the reader saw but did not read: listed, not classified


@dataclass(frozen=True)
class Problem:
    """Part of a unit that could not be read (one object of a dataset): listed, not lost."""

    location: Location
    reason: str
    kind: str = "skipped"  # "skipped": deliberately not read (type, permission); "error": broken


@dataclass
class DatasetSample:
    unit: WorkUnit
    fields: list[FieldSample]
    rows_sampled: int
    method: str  # how the rows were chosen, for the report
    skipped_fields: list[tuple[str, str]] = field(default_factory=list)  # (field, reason)
    columns: list[dict] = field(default_factory=list)  # what discovery saw: name, type, nullable, comment
    problems: list[Problem] = field(default_factory=list)
    details: dict = field(default_factory=dict)  # extra dataset-record keys (format, objects), JSON-able
    complete: bool = False  # the last batch of a full read: everything was read, not sampled


@dataclass(frozen=True)
class Skip:
    """A location discovery found but will not sample, with the reason."""

    location: Location
    reason: str


class Skipped(Exception):
    """Raised by sample(): nothing in the unit can or may be read (all PDFs, all access denied)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class Failed:
    """A location discovery found but could not read (its definition, its permissions)."""

    location: Location
    error: BaseException


def selected(dotted: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    # A table is included when a pattern names it or one of its columns (`kunde.fnr`).
    inc = not include or any(
        fnmatch.fnmatchcase(dotted, p) or fnmatch.fnmatchcase(dotted, p.rsplit(".", 1)[0]) for p in include
    )
    return inc and not any(fnmatch.fnmatchcase(dotted, p) for p in exclude)


def field_selected(location: Location, name: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """Column patterns (`schema.table.column`) narrow only the tables they name."""
    dotted, table = location.with_field(name).dotted(), location.dotted()
    column_patterns = [p for p in include if p.count(".") >= 2 and fnmatch.fnmatchcase(table, p.rsplit(".", 1)[0])]
    if column_patterns and not any(fnmatch.fnmatchcase(dotted, p) for p in column_patterns):
        return False
    return not any(fnmatch.fnmatchcase(dotted, p) for p in exclude)


def path_selected(name: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    """--include / --exclude for keys and paths (`bucket/key`, `group/stream`, a relative path):
    `*` crosses `/`."""
    return (not include or any(fnmatch.fnmatchcase(name, p) for p in include)) and not any(
        fnmatch.fnmatchcase(name, p) for p in exclude
    )
