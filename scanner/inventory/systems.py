"""Sources as systems: a source's URI as the inventory keeps it, whether two URIs are the same
system, and what the customer declares a source to be (`scanner.inventory.declared`), which
scans never overwrite.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from scanner.inventory.models import Source
from scanner.inventory.upserts import insert_for


def canonical_uri(uri: str | None, kind: str | None) -> str | None:
    """A source's URI as the inventory keeps it: relative file and SQLite paths made absolute,
    so the same source scanned from another directory is the same source, and two files of the
    same name in different directories are not."""
    if not uri:
        return uri
    if kind == "files" and "://" not in uri:
        return "file://" + os.path.abspath(os.path.expanduser(uri))
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////"):
        path = uri[len("sqlite:///"):]
        if path and not path.startswith(":memory:") and not path.startswith("file:"):
            return "sqlite:///" + os.path.abspath(path)
    return uri


_FAMILY = {"mariadb": "mysql", "postgres": "postgresql"}  # one server protocol under two names


def same_place(uri: str) -> str:
    """What makes two source URIs the same system: for a server, the protocol family, host, port
    and database — not the driver, the user or connection options."""
    try:
        parts = urlsplit(uri)
        if not parts.hostname:
            return uri
        family = parts.scheme.split("+", 1)[0].lower()
        return f"{_FAMILY.get(family, family)}://{parts.hostname.lower()}:{parts.port or ''}{parts.path.rstrip('/')}"
    except ValueError:
        return uri


def conflicts(store, sources: list[dict]) -> list[str]:
    """Sources (as in a report header) whose name the inventory already gives to a source at
    another URI: scanning them would merge two systems into one."""
    names = {s["name"]: canonical_uri(s.get("uri"), s.get("type")) for s in sources}
    with store.session() as s:
        known = dict(s.execute(sa.select(Source.name, Source.uri).where(Source.name.in_(list(names)))).all())
    return [f"the inventory's source {name!r} is {known[name]}, not {uri}"
            for name, uri in sorted(names.items())
            if known.get(name) and uri and same_place(known[name]) != same_place(uri)]


def declare(store, source: str, **metadata) -> None:
    """Declared metadata for a source (see `declared.FIELDS`), from configuration; scans never
    overwrite it. Keys not given keep their value; a key given as None is cleared."""
    from scanner.inventory.declared import validate

    metadata = validate(source, metadata)

    def work(conn):
        values = {**metadata, "declared_at": datetime.now(UTC)} if metadata else {}
        ins = insert_for(conn)(Source).values(name=source, **values)
        conn.execute(ins.on_conflict_do_update(index_elements=[Source.name], set_=values)
                     if values else ins.on_conflict_do_nothing(index_elements=[Source.name]))

    store.transaction(work)
