"""One person's rows in one table: parameterised lookups, never a table read into the scanner.

Equality fields are asked for the identifier's forms with `IN (…)` (bound parameters, so the
database's indexes answer: an integer column by the number, a text column by each written form);
running text and JSON by containment (`LIKE '%…%'`, escaped). On a table of at most
SMALL_ROWS rows an equality column is also searched by containment for every identifier given,
in any spelling (`tlf 412-34-567`, an address in a note), and e-mail addresses and names
case-insensitively; on a larger one only what an index can answer. Containment is a regular
expression where the database has them (bound, like every value), else LIKE on the written forms.
Only the rows the database returns are looked at, and each is checked again here with the
identifier's own rules (a containment hit inside a longer number is not a match), so the count
is of rows that hold the person's identifiers, not of rows a LIKE let through.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa

from scanner.crawlers.sql import dialects, values
from scanner.model.units import WorkUnit
from scanner.subject.identifiers import Identifier, normal
from scanner.subject.matching import Found, Matcher

SMALL_ROWS = 200_000
REGEX_DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "oracle")  # SQLAlchemy's regexp_match
_NUMERIC = ("NUMERIC", "DECIMAL", "NUMBER", "FLOAT", "DOUBLE", "REAL", "BIGINT", "INT", "SMALLINT", "MONEY")


def column_of(field: str, columns: dict[str, dict]) -> str | None:
    """The table column a field of the inventory belongs to (a JSON path's column)."""
    if field in columns:
        return field
    owners = [c for c in columns if field.startswith((c + ".", c + "["))]
    return max(owners, key=len) if owners else None


def _numeric(col: dict) -> bool:
    return col.get("integer") or str(col.get("type", "")).upper().startswith(_NUMERIC)


def _plain(value):
    """A cell as JSON can hold it (for --export)."""
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return str(value)


class TableSearch:
    def __init__(self, crawler, unit: WorkUnit, matcher: Matcher, max_rows: int, keep_rows: bool):
        self.crawler, self.unit, self.matcher = crawler, unit, matcher
        self.max_rows, self.keep_rows = max_rows, keep_rows
        self.cols = {c["name"]: c for c in unit.meta["columns"]}
        self.equal: dict[str, list[Identifier]] = {}
        self.text: dict[str, list[Identifier]] = {}
        for name in matcher.target.fields():
            col = column_of(name, self.cols)
            if col is None or self.cols[col]["kind"] == values.BINARY:
                continue
            idents = matcher.native(name)
            structured = name == col and self.cols[col]["kind"] == values.SCALAR and name not in matcher.target.text
            into = self.equal if structured else self.text
            have = into.setdefault(col, [])
            have += [i for i in idents if i not in have]
        self.readable = [c for c in self.cols if self.cols[c]["kind"] != values.BINARY]
        self.regex = False
        self.small = False
        # a name asked for, and two or more text columns of names: first and last may sit apart
        names = [i for i in matcher.identifiers if i.kind == "name"]
        self.people = [c for c, idents in self.equal.items() if any(i.kind == "name" for i in idents)
                       and not _numeric(self.cols[c])]
        self.split = names[0].split_name() if names and len(self.people) >= 2 else None

    def conditions(self, table: sa.TableClause, small: bool) -> list:
        conds = []
        for col, idents in self.equal.items():
            c = table.c[col]
            numeric = _numeric(self.cols[col])
            for ident in idents:
                if numeric:
                    if ident.integers:
                        conds.append(c.in_(list(ident.integers)))
                    continue
                if ident.insensitive and small:
                    conds.append(sa.func.lower(c).in_(sorted({f.lower() for f in ident.forms})))
                else:
                    conds.append(c.in_(list(ident.forms)))
            if small and not numeric:  # a small table's text holds any of them, in any spelling
                for ident in self.matcher.identifiers:
                    conds += self._contains(c, ident)
        for col, idents in self.text.items():
            c = table.c[col]
            text = c if self.cols[col]["kind"] == values.SCALAR and not _numeric(self.cols[col]) else sa.cast(c, sa.Text)
            for ident in idents:
                conds += self._contains(text, ident)
        if self.split is not None:  # first and last name in columns of their own
            first, last = self.split
            lowered = [sa.func.lower(table.c[p]) for p in self.people]
            conds.append(sa.and_(sa.or_(*[c == first for c in lowered]), sa.or_(*[c == last for c in lowered])))
        return conds

    def _contains(self, expr, ident: Identifier) -> list:
        """Rows whose text may hold the identifier in any spelling: a regular expression where the
        database has them (bound, like every value here), else the written forms with LIKE."""
        if self.regex:
            return [(sa.func.lower(expr) if ident.insensitive else expr).regexp_match(ident.sql_regex)]
        if ident.insensitive:
            return [sa.func.lower(expr).contains(f.lower(), autoescape=True) for f in dict.fromkeys(ident.forms)]
        return [expr.contains(f, autoescape=True) for f in ident.forms]

    def run(self) -> Found:
        loc = self.unit.location
        found = Found(loc, searched=sorted(set(self.equal) | set(self.text)))
        found.method = "; ".join(p for p in (
            f"index lookup: {', '.join(sorted(self.equal))}" if self.equal else "",
            f"text search: {', '.join(sorted(self.text))}" if self.text else "") if p)
        if not self.equal and not self.text:
            return found
        table = sa.table(loc.dataset, *[sa.column(c) for c in self.readable], schema=loc.container)
        with self.crawler.engine.connect() as conn:
            estimate = self.unit.row_estimate
            if conn.dialect.name == "sqlite":
                estimate = dialects.sqlite_max_rowid(conn, sa.table(loc.dataset, schema=loc.container))
            small = estimate is not None and estimate <= SMALL_ROWS
            self.regex = conn.dialect.name in REGEX_DIALECTS
            self.small = small
            conds = self.conditions(table, small)
            if not conds:
                return found
            try:
                found.keys = list(sa.inspect(conn).get_pk_constraint(loc.dataset, schema=loc.container)
                                  .get("constrained_columns") or [])
            except sa.exc.SQLAlchemyError:
                conn.rollback()
            rows = conn.execute(sa.select(*table.c).where(sa.or_(*conds)).limit(self.max_rows + 1)).all()
        if len(rows) > self.max_rows:
            rows, found.more = rows[: self.max_rows], True
        found.columns = list(self.readable)
        for row in rows:
            if self._check(row, found):
                found.rows += 1
                if self.keep_rows:
                    found.records.append({c: _plain(v) for c, v in zip(self.readable, row)})
        return found

    def _check(self, row, found: Found) -> bool:
        cells = dict(zip(self.readable, row))
        hit = False
        for col, idents in self.equal.items():
            kinds = Matcher.kinds_in(cells[col], self.matcher.identifiers if self.small else idents)
            if kinds:
                found.add(col, kinds)
                hit = True
        for col, idents in self.text.items():
            kinds = {i.kind for i in idents if i.found_in(cells[col])}
            if kinds:
                found.add(col, kinds)
                hit = True
        if self.split is not None:
            first, last = self.split
            held = {normal("name", cells[c]) for c in self.people if cells[c] is not None}
            if first in held and last in held:
                for c in self.people:
                    found.add(c, {"name"})
                hit = True
        return hit


def search(crawler, unit: WorkUnit, matcher: Matcher, max_rows: int, keep_rows: bool) -> Found:
    return TableSearch(crawler, unit, matcher, max_rows, keep_rows).run()
