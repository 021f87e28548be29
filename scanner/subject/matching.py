"""Whether a value holds one of the person's identifiers, and what a location's search found.

The same rules for every kind of source: an equality field's value *is* an identifier (or holds
it inside a longer value: `tlf 412 34 567`), running text holds it somewhere; both on the
identifier's own normalised forms (`scanner.subject.identifiers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scanner.model.units import Location
from scanner.subject.identifiers import Identifier
from scanner.subject.targets import Target


class Matcher:
    """The person's identifiers against the fields of one target dataset."""

    def __init__(self, identifiers: Sequence[Identifier], target: Target):
        self.identifiers = list(identifiers)
        self.target = target
        self._equal = {name: [i for i in self.identifiers if i.kind in kinds] for name, kinds in target.equal.items()}

    def field_kinds(self, name: str, unstructured: bool = False) -> list[Identifier]:
        """The identifiers a field is searched for ([] when it is not searched): in a field of a file
        read whole, every one, in any spelling (a phone column with an e-mail in it is still searched)."""
        if unstructured or name in self.target.text or name in self._equal:
            return self.identifiers
        return []

    def native(self, name: str) -> list[Identifier]:
        """The identifiers whose kind the inventory found in this field (what an index is asked for)."""
        return self._equal.get(name, []) if name not in self.target.text else self.identifiers

    @staticmethod
    def kinds_in(value: object, identifiers: Sequence[Identifier]) -> set[str]:
        found = set()
        for ident in identifiers:
            if ident.kind not in found and (ident.equals(value) or ident.found_in(value)):
                found.add(ident.kind)
        return found


@dataclass
class Found:
    """What the search of one location (a table, a file, an object, a log stream) found."""

    location: Location
    rows: int = 0
    fields: dict[str, set[str]] = field(default_factory=dict)  # field → kinds matched there
    exact: bool = True  # rows counted as records; False: at least this many (fields not aligned)
    more: bool = False  # stopped at the row cap: at least `rows`
    keys: list[str] = field(default_factory=list)  # what a deletion would go by (primary key columns)
    columns: list[str] = field(default_factory=list)  # the exported records' columns
    records: list[dict] = field(default_factory=list)  # the matching records (kept for --export only)
    searched: list[str] = field(default_factory=list)  # the fields looked at
    method: str = ""
    modified: str | None = None
    passed_over: bool = False  # last written before --since: not read

    @property
    def kinds(self) -> list[str]:
        return sorted({k for ks in self.fields.values() for k in ks})

    def add(self, name: str, kinds: set[str]) -> None:
        self.fields.setdefault(name, set()).update(kinds)


@dataclass(frozen=True)
class SearchOptions:
    max_rows: int = 10_000  # records kept and counted per location; past it: "at least"
    keep_rows: bool = False  # --export: the matching records themselves
    since: float | None = None  # --since (epoch seconds): files and objects last modified before it are passed over


def search_fields(found: Found, matcher: Matcher, fields: list, rows: int, options: SearchOptions) -> None:
    """One batch of a dataset read as fields (a file's columns, a log's parsed fields): counted
    as records where the fields line up (a table, a CSV file), else as the most matching values
    of one field (a log's fields come and go from line to line)."""
    aligned = rows > 0 and all(len(f.values) == rows for f in fields)
    hit_rows: set[int] = set()
    best = 0
    loose: list[dict] = []
    for f in fields:
        idents = matcher.field_kinds(f.name, f.unstructured or f.dataset_level)
        if not idents:
            continue
        n = 0
        for i, value in enumerate(f.values):
            kinds = Matcher.kinds_in(value, idents)
            if kinds:
                found.add(f.name, kinds)
                n += 1
                hit_rows.add(i)
                if options.keep_rows and not aligned and len(found.records) + len(loose) < options.max_rows:
                    loose.append({"field": f.name, "value": value})
        best = max(best, n)
    if aligned:
        found.rows += len(hit_rows)
        if options.keep_rows:
            names = [f.name for f in fields]
            found.columns = list(dict.fromkeys([*found.columns, *names]))
            for i in sorted(hit_rows)[: max(0, options.max_rows - len(found.records))]:
                found.records.append({f.name: f.values[i] for f in fields})
    else:
        found.rows += best
        found.exact = found.exact and best == 0
        found.records += loose
        if loose:
            found.columns = ["field", "value"]
    if found.rows > options.max_rows:
        found.more = True
