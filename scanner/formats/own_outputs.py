"""kartlegg's own outputs, told by their content: its JSONL and HTML reports, its inventory, the
manifest of a subject export. A scan passes them over unless it is pointed at one by its path
(see crawlers.own_files): what they hold is what kartlegg already found, masked, and reading them
would report kartlegg's own words (`report.jsonl#tool.name` as a PERSON)."""

from __future__ import annotations

import json
import re

HEAD_BYTES = 64 * 1024  # enough for a report's first record, an HTML report's <head>, a manifest's start
# The first record of each JSONL kartlegg writes, by what it is: a scan's report, a subject
# request's report (scanner/subject), an inventory export (scanner/inventory/export.py).
KINDS = {"scan": "report", "request": "subject request report", "inventory": "inventory export"}
# The header record as they write it: `record` first, then `tool` among its first keys.
_REPORT = re.compile(rb'\A\{"record":\s*"(scan|request|inventory)",.{0,400}?"tool":\s*\{"name":\s*"kartlegg"',
                     re.S)
# reports/html.py's <head> names its generator
_HTML = re.compile(rb'<meta\s+name="generator"\s+content="kartlegg[\s"]', re.I)
_HEAD_END = re.compile(rb"</head\s*>", re.I)
# An inventory's tables (scanner/inventory/models.py), all of them: an application's own alembic
# database with a `scans` table is not one.
INVENTORY_TABLES = frozenset({"alembic_version", "scans", "sources", "locations", "findings", "observations",
                              "coverage"})
_MANIFEST = re.compile(rb'\A\s*\{\s*"request_id":\s*"[^"]*",\s*"locations":\s*\[')


def may_be_report(start: bytes) -> bool:
    """Whether a file starting with these bytes may be a report (JSON or HTML) at all."""
    start = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith((b'{"record"', b"<"))


def report_kind(head: bytes) -> str | None:
    """What kartlegg output this is: "report" for a scan's JSONL report (its first record the
    scan's header), "subject request report", "inventory export", "HTML report"; None for
    anything else."""
    if head.startswith(b"{"):
        first = head.split(b"\n", 1)[0]
        if b"\n" in head or len(head) < HEAD_BYTES:  # the whole first record: it must parse and say so
            try:
                record = json.loads(first)
            except ValueError:
                return None
            tool = record.get("tool") if isinstance(record, dict) else None
            ours = isinstance(tool, dict) and tool.get("name") == "kartlegg"
            return KINDS.get(record.get("record")) if ours else None
        m = _REPORT.match(first)
        return KINDS[m.group(1).decode()] if m else None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        end = _HEAD_END.search(head)
        return "HTML report" if _HTML.search(head[: end.start() if end else len(head)]) else None
    return None


def is_inventory(tables: set[str]) -> bool:
    """The tables of an SQLite file are those of a kartlegg inventory."""
    return INVENTORY_TABLES <= set(tables)


def is_subject_manifest(head: bytes) -> bool:
    """The manifest.json of `kartlegg subject --export` (scanner/subject/export.py)."""
    return _MANIFEST.match(head) is not None
