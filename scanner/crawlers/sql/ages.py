"""How old a table's rows are, for retention checks: the oldest value of its date and time
columns, from `MIN()` where an index answers it at once, else from the rows sampled anyway.

Birth dates, expiry dates and deadlines say nothing about how long a row has been kept, and
values before 1900 or in the future are placeholders: all left out.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

_NOT_AGE = re.compile(r"f(?:ø|o|oe)dsel|f(?:ø|o)dt|birth|\bdob\b|born|utl(?:ø|o)p|expir|valid_?(?:to|until)|gyldig_?til"
                      r"|til_?dato|frist|due|deadline|end_?date|slutt|forfall", re.IGNORECASE)
_FLOOR = dt.datetime(1900, 1, 2, tzinfo=dt.UTC)


def age_columns(cols: list[dict]) -> list[str]:
    return [c["name"] for c in cols if c.get("temporal") and not _NOT_AGE.search(c["name"])]


def as_time(value) -> dt.datetime | None:
    """A cell as an aware datetime (naive ones taken as UTC), or None when it is not a usable time."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if not isinstance(value, dt.datetime):
        return None
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if value < _FLOOR or value > dt.datetime.now(dt.UTC) + dt.timedelta(days=1):
        return None
    return value


def indexed_minimums(conn, table: sa.TableClause, columns: list[str]) -> dict[str, dt.datetime]:
    """MIN() of each column that leads an index (answered from the index, not the table)."""
    out = {}
    for name in columns:
        try:
            column = sa.column(name)  # placeholders (1900-01-01, 0000-00-00) below the floor are not ages
            query = sa.select(sa.func.min(column)).select_from(table).where(column > _FLOOR.replace(tzinfo=None))
            found = as_time(conn.execute(query).scalar())
        except sa.exc.DBAPIError:
            conn.rollback()
            continue
        if found is not None:
            out[name] = found
    return out


def oldest(minimums: dict[str, dt.datetime], sampled: dict[str, list]) -> dict | None:
    """The dataset record's `oldest`: when, and by which column and how it was read."""
    best: tuple[dt.datetime, str] | None = None
    for name, when in minimums.items():
        if best is None or when < best[0]:
            best = (when, f"{name} (MIN over its index)")
    for name, cells in sampled.items():
        times = [t for t in map(as_time, cells) if t is not None]
        if times and (best is None or min(times) < best[0]):
            best = (min(times), f"{name} (oldest in the rows sampled)")
    if best is None:
        return None
    return {"at": best[0].astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"), "by": best[1]}
