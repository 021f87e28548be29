"""`kartlegg subject`'s records as a table on the terminal: where the person was found first,
then where they were looked for and not found, then what could not be searched."""

from __future__ import annotations

import json

ORDER = {"match": 0, "erase_plan": 0, "not_found": 2, "skipped": 3, "error": 4}
SHOWN = {"match": "found", "erase_plan": "erase plan", "not_found": "not found", "skipped": "skipped",
         "error": "error"}


def _where(rec: dict) -> str:
    loc = rec.get("location")
    if not loc:
        return "(the whole source)"
    parts = [p for p in (loc.get("container"), loc.get("dataset")) if p]
    return ".".join(parts) if rec["source"].get("type") == "sql" else "/".join(parts)


class Table:
    def __init__(self):
        self.rows: list[dict] = []
        self.header: dict | None = None
        self.summary: dict | None = None

    def add(self, rec: dict) -> None:
        kind = rec["record"]
        if kind == "request":
            self.header = rec
        elif kind == "summary":
            self.summary = rec
        else:
            self.rows.append(rec)

    def print(self) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table as RichTable

        from scanner.cli.console import wide

        console = wide(Console())
        if self.header:
            kinds = ", ".join(i["kind"] for i in self.header["identifiers"])
            console.print(f"Request {self.header['request_id']}: identifiers {kinds} (not shown)")
        table = RichTable(header_style="bold")
        for col in ("result", "source", "location", "identifiers", "rows", "note"):
            table.add_column(col, overflow="fold")
        for i, rec in sorted(enumerate(self.rows), key=lambda x: (ORDER.get(x[1]["record"], 9), x[0])):
            kind = rec["record"]
            ids = ", ".join(rec.get("identifiers") or [])
            rows = str(rec.get("rows", "")) + ("" if rec.get("rows_exact", True) else "+")
            note = rec.get("reason") or (rec.get("error") or {}).get("message") or rec.get("action") or ""
            if kind == "match" and rec.get("values"):
                note = json.dumps(rec["values"], ensure_ascii=False, default=str)
            elif kind == "match":
                note = "fields " + ", ".join(f"{f['name']} ({', '.join(f['identifiers'])})" for f in rec["fields"])
            table.add_row(*map(escape, (SHOWN.get(kind, kind), rec["source"]["name"], _where(rec), ids,
                                        rows if kind in ("match", "erase_plan") else "", note)))
        console.print(table)
        if self.summary:
            n = self.summary["locations"]
            console.print(f"Found in {n['found']} of {n['searched']} location(s) searched "
                          f"({self.summary['rows']} row(s)); {n['skipped']} skipped, {n['error']} error(s).")
