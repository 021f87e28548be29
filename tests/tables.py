"""Every row of every table of an SQLite file, for tests that check generated estates."""

from __future__ import annotations

import sqlalchemy as sa


def sqlite_tables(database) -> dict[str, list[dict]]:
    engine = sa.create_engine(f"sqlite:///{database}")
    md = sa.MetaData()
    md.reflect(engine)
    with engine.connect() as conn:
        out = {name: [dict(r._mapping) for r in conn.execute(sa.select(t))] for name, t in md.tables.items()}
    engine.dispose()
    return out
