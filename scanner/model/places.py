"""How a person reads a record's location and a change: shared by the console, the inventory's
views and the HTML report, and light to import (no detection engine behind it)."""

from __future__ import annotations


def place(loc: dict) -> str:
    """A location as a reader scans for it: schema.table.column, bucket/key#field, path#field."""
    fld = loc.get("field")
    uri = loc.get("uri") or ""
    if uri.startswith("file://"):
        return loc["dataset"] + (f"#{fld}" if fld else "")
    if uri.startswith("s3://"):
        return f"{loc['container']}/{loc['dataset']}" + (f"#{fld}" if fld else "")
    return ".".join(p for p in (loc.get("container"), loc.get("dataset"), fld) if p)


def change_detail(c: dict) -> str:
    """A change record's before → after, in a few words."""
    if c["change"] == "confidence_changed":
        return f"{c['before']:.2f} → {c['after']:.2f}"
    if c["change"] in ("new", "gone"):
        e = c["after"] or c["before"]
        return f"{e['hits']}/{e['sampled']} at {e['confidence']:.2f}"
    return f"{', '.join(c['before']['categories']) or '-'} → {', '.join(c['after']['categories']) or '-'}"
