"""Exports of the inventory for the customer: JSON Lines (every view, for dashboards), CSV (one
view per file) and XLSX (one sheet per view, the Art. 30 gaps highlighted).

Cells that a spreadsheet would run as a formula (=, +, -, @ first) are written as text: a column
name in a scanned system must not become a formula on the customer's machine.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime

from scanner import __version__
from scanner.inventory import links, retention, views

EXPORT_VERSION = "1.2"  # 1.1: findings say free_text and in_log; 1.2: links and retention, art30's
# shares_identifiers_with and older_than_retention
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# the columns of each tabular view, in order; lists are joined with "; "
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "art30": [("controller", "Controller"), ("role", "Our role"), ("system", "System"), ("sources", "Sources"),
              ("environment", "Environment"), ("purpose", "Purpose"), ("legal_basis", "Legal basis"),
              ("data_subjects", "Data subjects"), ("retention", "Retention"),
              ("declared_categories", "Categories declared"), ("found_categories", "Categories found"),
              ("found_entity_types", "Entity types found"), ("found_not_declared", "Found, not declared"),
              ("declared_not_found", "Declared, not found"), ("locations", "Locations"),
              ("datasets", "Datasets"), ("row_estimate", "Rows (estimate)"), ("last_scanned", "Last scanned"),
              ("shares_identifiers_with", "Shares identifiers with"),
              ("older_than_retention", "Older than retention"), ("gaps", "Gaps")],
    "findings": [("source", "Source"), ("system", "System"), ("owner", "Owner"), ("environment", "Environment"),
                 ("location", "Location"), ("container", "Container"), ("dataset", "Dataset"), ("field", "Field"),
                 ("uri", "URI"), ("entity_type", "Entity type"), ("category", "Category"),
                 ("personal", "Personal"), ("confidence", "Confidence"), ("hits", "Hits"), ("sampled", "Sampled"),
                 ("ratio", "Hit ratio"), ("examples", "Examples (masked)"), ("declared_type", "Declared type"),
                 ("row_estimate", "Rows (estimate)"), ("status", "Status"), ("first_seen", "First seen"),
                 ("last_seen", "Last seen"), ("last_scan_id", "Last scan"), ("review_decision", "Review"),
                 ("review_state", "Review state"), ("review_reasons", "Reopened because"),
                 ("review_who", "Reviewed by"), ("review_at", "Reviewed at"), ("review_note", "Review note")],
    "sources": [("source", "Source"), ("type", "Type"), ("uri", "URI"), ("system", "System"), ("owner", "Owner"),
                ("role", "Our role"), ("purpose", "Purpose"), ("legal_basis", "Legal basis"),
                ("data_subjects", "Data subjects"), ("categories", "Categories declared"),
                ("retention", "Retention"), ("environment", "Environment"), ("declared_at", "Declared at")],
    "scans": [("scan_id", "Scan"), ("started_at", "Started"), ("finished_at", "Finished"), ("status", "Status"),
              ("exit_code", "Exit code"), ("sources", "Sources"), ("findings", "Findings"),
              ("tool_version", "kartlegg"), ("config_fingerprint", "Configuration")],
    "links": [("a_system", "From system"), ("a_dataset", "From"), ("a_kind", "Kind"), ("b_system", "To system"),
              ("b_dataset", "To"), ("b_kind", "Kind "), ("entity_types", "Identifiers"),
              ("shared", "Shared (at least)"), ("containment", "Containment (estimate)"), ("meaning", "What it means"),
              ("fields", "Fields")],
    "retention": [("status", "Status"), ("system", "System"), ("source", "Source"), ("dataset", "Dataset"),
                  ("oldest", "Oldest data"), ("oldest_by", "Read from"), ("declared", "Declared retention"),
                  ("over_days", "Over by (days)"), ("entity_types", "Identifiers")],
    "history": [("scanned_at", "Scanned at"), ("scan_id", "Scan"), ("source", "Source"), ("location", "Location"),
                ("uri", "URI"), ("entity_type", "Entity type"), ("category", "Category"),
                ("personal", "Personal"), ("confidence", "Confidence"), ("hits", "Hits"), ("sampled", "Sampled")],
}
SHEETS = {"art30": "Art. 30", "findings": "Findings", "links": "Links", "retention": "Retention",
          "sources": "Sources", "scans": "Scans", "history": "History"}


class Derived:
    """Links and retention of one export, each read from the inventory once whatever views use them."""

    def __init__(self, store):
        self.store = store
        self._links: list[dict] | None = None
        self._overdue: list[dict] | None = None

    @property
    def links(self) -> list[dict]:
        if self._links is None:
            self._links = links.links(self.store)
        return self._links

    @property
    def overdue(self) -> list[dict]:
        if self._overdue is None:
            self._overdue = retention.overdue(self.store)
        return self._overdue


def rows(store, view: str, include_gone: bool = False, derived: Derived | None = None) -> list[dict]:
    derived = derived or Derived(store)
    if view == "findings":
        return [_flat_review(r) for r in views.findings(store, include_gone=include_gone)]
    if view == "links":
        return [links.flat_dataset(r) for r in links.by_dataset(derived.links)]
    if view == "retention":
        return [retention.flat(r) for r in derived.overdue]
    if view == "art30":
        shared = links.linked_systems(derived.links)
        old = retention.by_system(derived.overdue)
        return [{**r, "shares_identifiers_with": shared.get(r["system"], []),
                 "older_than_retention": old.get(r["system"], [])} for r in views.art30(store)]
    return {"sources": views.sources, "scans": views.scans, "history": views.history}[view](store)


def _flat_review(row: dict) -> dict:
    r = row.get("review") or {}
    return {**row, "review_decision": r.get("decision"), "review_state": r.get("state"),
            "review_reasons": r.get("reasons") or [], "review_who": r.get("who"), "review_at": r.get("at"),
            "review_note": r.get("note")}


def safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def plain(value):
    """A value as a spreadsheet cell: lists joined, booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def cell(value):
    """A CSV cell: `plain`, with text that would start a formula defused by a leading apostrophe."""
    value = plain(value)
    return safe_text(value) if isinstance(value, str) else value


# -- JSON Lines ----------------------------------------------------------------------------------

def write_jsonl(store, fh, include_gone: bool = False) -> dict[str, int]:
    """A header, then every source, finding, Art. 30 row, scan and observation, one per line."""
    counts, derived = {}, Derived(store)
    dumps = lambda r: json.dumps(r, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    fh.write(dumps({"record": "inventory", "export_version": EXPORT_VERSION,
                    "exported_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                    "tool": {"name": "kartlegg", "version": __version__}, "inventory": store.masked_url,
                    "revision": store.revision()}) + "\n")
    for view, kind in (("sources", "source"), ("findings", "finding"), ("art30", "art30"), ("links", "link"),
                       ("retention", "retention"), ("scans", "scan"), ("history", "observation")):
        if view == "findings":
            data = views.findings(store, include_gone=include_gone)
        elif view == "links":
            data = links.by_dataset(derived.links)
        elif view == "retention":
            data = [{k: v for k, v in r.items() if k != "shown"} for r in derived.overdue]
        else:
            data = rows(store, view, derived=derived)
        for r in data:
            fh.write(dumps({"record": kind, **r}) + "\n")
        counts[view] = len(data)
    return counts


# -- CSV -------------------------------------------------------------------------------------------

def write_csv(store, fh, view: str = "findings", include_gone: bool = False, delimiter: str = ",") -> int:
    cols = COLUMNS[view]
    w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
    w.writerow([label for _, label in cols])
    data = rows(store, view, include_gone)
    for r in data:
        w.writerow([cell(r.get(key)) for key, _ in cols])
    return len(data)


# -- XLSX ------------------------------------------------------------------------------------------

def write_xlsx(store, path, include_gone: bool = False) -> dict[str, int]:
    """Write-only (streamed) workbook: tens of thousands of rows in seconds."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    gap_fill = PatternFill("solid", start_color="FFF4B6B6")
    head_fill = PatternFill("solid", start_color="FFDDE4EE")
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook(write_only=True)
    counts, derived = {}, Derived(store)
    for view in ("art30", "findings", "links", "retention", "sources", "scans", "history"):
        ws = wb.create_sheet(SHEETS[view])
        cols = COLUMNS[view]
        gap_cols = {"gaps", "found_not_declared", "declared_not_found", "older_than_retention"} \
            if view == "art30" else set()
        data = [[_xlsx_text(plain(r.get(key))) for key, _ in cols] for r in rows(store, view, include_gone, derived)]
        widths = [len(label) for _, label in cols]
        for values in data:
            for i, v in enumerate(values):
                if isinstance(v, str):
                    widths[i] = max(widths[i], min(len(v), 60))
        for i, w in enumerate(widths):  # before the first row: a write-only sheet takes them only then
            ws.column_dimensions[get_column_letter(i + 1)].width = w + 2
        ws.freeze_panes = "A2"
        if data:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(data) + 1}"
        head = []
        for _, label in cols:
            c = WriteOnlyCell(ws, label)
            c.font, c.fill = Font(bold=True), head_fill
            head.append(c)
        ws.append(head)
        for values in data:
            out = []
            for (key, _), v in zip(cols, values):
                if key in gap_cols and v:
                    c = WriteOnlyCell(ws, v)
                    c.fill, c.alignment = gap_fill, wrap
                    c.data_type = "s"
                    out.append(c)
                elif isinstance(v, str) and v.startswith("="):
                    c = WriteOnlyCell(ws, v)
                    c.data_type = "s"  # openpyxl takes "=…" for a formula: never, whatever the text
                    out.append(c)
                else:
                    out.append(v)
            ws.append(out)
        counts[view] = len(data)
    wb.save(path)
    return counts


def _xlsx_text(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):  # control characters (a column name can hold them) are not allowed in XLSX
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
    return value

