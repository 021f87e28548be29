"""The HTML report's model: what a JSONL report or the inventory says, reduced to plain
dataclasses (`reports.html_types`), so one renderer (reports/html.py) serves both.

Only what the records hold goes in: masked examples, never fingerprints or raw values. The
inventory is read through its views (`scanner.inventory.views*`), never its tables.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from reports.html_types import Change, Finding, Model, Note, Problem
from scanner.model.places import change_detail, place

# The order of categories everywhere in the report: personal data first, the catch-all and what is
# not personal data last.
CATEGORIES = ("identity", "contact", "financial", "metering", "online_identifier", "other", "organisation")
EXIT_MEANING = {0: "completed", 1: "completed; --fail-on-findings matched", 2: "bad usage or configuration",
                3: "incomplete: some sources or locations could not be scanned",
                4: "a lock was not free within --lock-wait", 5: "the report or the inventory could not be written",
                6: "nothing could be read: every source failed as a whole",
                129: "stopped by SIGHUP", 130: "stopped by SIGINT", 143: "stopped by SIGTERM"}


class ReportError(ValueError):
    """A record the model cannot use; the CLI names the file and line."""


def change_of(c: dict) -> Change:
    return Change(c["change"], c["source"]["name"], place(c["location"]), c.get("entity_type"), c["category"],
                  ("confidence " if c["change"] == "confidence_changed" else "") + change_detail(c),
                  c.get("review"), c.get("since_scan_id"), c.get("before"), c.get("after"))


def _text_or_none(value) -> str | None:
    return str(value) if value else None


def _ratio(r: dict) -> float:
    if r.get("ratio") is not None:
        return float(r["ratio"])
    return r["hits"] / r["sampled"] if r.get("sampled") else 0.0


class Builder:
    """Takes records one at a time, so the HTML writer keeps the model, not the records, and the
    CLI can name the line a bad record is on (every field is read in `add`)."""

    def __init__(self, origin: str = "JSONL report"):
        self.model = Model(origin)
        self._unplaced = 0  # findings of a report before 1.6: not said to be in a log or free text
        self._sources: dict[str, dict] = {}
        self._summaries: list[dict] = []
        self._changes: list[Change] = []
        self._counts = Counter()
        self._failed_sources: set[str] = set()
        self._sketched: list[dict] = []  # personal findings with a linkage sketch (schema 1.7)

    def add(self, r: dict) -> None:
        if not isinstance(r, dict) or not isinstance(r.get("record"), str):
            raise ReportError("not a kartlegg report record (no 'record' field)")
        try:
            getattr(self, f"_{r['record']}", lambda _: None)(r)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ReportError(f"a {r['record']} record the report cannot use: {what}") from None

    def _scan(self, r: dict) -> None:
        self.model.scans.append({"scan_id": r["scan_id"], "started_at": r.get("started_at"), "finished_at": None,
                                 "tool_version": (r.get("tool") or {}).get("version"), "exit_code": None,
                                 "status": None})
        for s in r.get("sources") or []:
            self._sources.setdefault(s["name"], {"name": s["name"], "type": s.get("type"), "uri": s.get("uri")})
        if r.get("inventory"):
            self.model.inventory = r["inventory"].get("uri")

    def _source(self, r: dict) -> dict:
        s = r["source"]
        self._sources.setdefault(s["name"], {"name": s["name"], "type": s.get("type"), "uri": s.get("uri")})
        return s

    def _dataset(self, r: dict) -> None:
        self._source(r)
        r["location"]  # noqa: B018 - read, as in every kind: a dataset record without one is not usable
        self._counts["scanned"] += 1

    def _finding(self, r: dict) -> None:
        s, loc = self._source(r), r["location"]
        self._unplaced += "free_text" not in r
        self.model.findings.append(Finding(
            source=s["name"], location=place(loc), uri=loc["uri"],
            entity_type=r["entity_type"], category=r["category"], personal=bool(r["personal"]),
            confidence=float(r["confidence"]), hits=int(r["hits"]), sampled=int(r["sampled"]), ratio=_ratio(r),
            examples=[str(x) for x in r.get("examples") or []], reasons=[str(x) for x in r.get("reasons") or []],
            review=r.get("review"), field=loc.get("field"), in_log=_text_or_none(r.get("in_log")),
            free_text=bool(r.get("free_text"))))
        if r.get("sketch") and r.get("personal") and not (r.get("review") or {}).get("state") == "suppressed":
            self._sketched.append({"source": s["name"], "system": s["name"], "type": s.get("type"),
                                   "container": loc.get("container"), "dataset": loc["dataset"],
                                   "location": place(loc), "uri": loc["uri"], "entity_type": r["entity_type"],
                                   "in_log": r.get("in_log"), "sketch": list(r["sketch"])})

    def _retention(self, r: dict) -> None:
        self.model.retention = self.model.retention or []
        self.model.retention.append({"status": r["status"], "system": r.get("system") or r["source"]["name"],
                                     "shown": place(r["location"]), "oldest": dict(r["oldest"]),
                                     "declared": r["declared"], "over_days": int(r["over_days"]),
                                     "entity_types": list(r.get("entity_types") or [])})

    def _problem(self, r: dict, reason: str) -> None:
        s, loc = self._source(r), r.get("location")
        if loc is None:
            where, kind = "(whole source)", r["record"]
        else:
            where = place(loc)
            kind = "field skipped" if r["record"] == "skipped" and loc.get("field") else r["record"]
        self.model.problems.append(Problem(s["name"], where, kind, reason))

    def _skipped(self, r: dict) -> None:
        self._problem(r, r["reason"])
        if not (r["location"] or {}).get("field"):
            self._counts["skipped"] += 1  # as the scan's summary counts: datasets and empty sources, not fields

    def _error(self, r: dict) -> None:
        self._problem(r, f"{r['error']['type']}: {r['error']['message']}")
        self._counts["failed"] += 1
        if r["location"] is None:
            self._failed_sources.add(r["source"]["name"])

    def _unchanged(self, r: dict) -> None:
        self._source(r)
        self._counts["unchanged"] += 1

    def _change(self, r: dict) -> None:
        self._source(r)
        self._changes.append(change_of(r))

    def _summary(self, r: dict) -> None:
        self._summaries.append(r)
        for scan in self.model.scans:
            if scan["scan_id"] == r["scan_id"]:
                scan.update(finished_at=r.get("finished_at"), exit_code=r.get("exit_code"),
                            interrupted=r.get("interrupted"),
                            status=(f"interrupted by {r['interrupted']}: what was found until then"
                                    if r.get("interrupted") else EXIT_MEANING.get(r.get("exit_code"), "unknown")))

    def build(self) -> Model:
        m = self.model
        if self._sketched:
            from scanner.inventory.links import by_dataset, pairs

            m.links = by_dataset(pairs(self._sketched))
        m.sources = sorted(self._sources.values(), key=lambda s: s["name"])
        inventory_kept = bool(self._changes) or any("changes" in s for s in self._summaries)
        m.changes = self._changes if inventory_kept else None
        if inventory_kept and m.retention is None:
            m.retention = []  # checked against the inventory: nothing over
        m.coverage = {**{k: self._counts[k] for k in ("scanned", "skipped", "failed", "unchanged")},
                      "sources_total": len(m.sources), "sources_failed": len(self._failed_sources)}
        if self._counts["unchanged"]:
            m.notes.append(Note("note_unchanged", n=self._counts["unchanged"]))
        if self._summaries:
            told = Counter()
            for s in self._summaries:
                for k in ("scanned", "skipped", "failed"):
                    told[k] += (s.get("locations") or {}).get(k, 0)
            if any(told[k] != m.coverage[k] for k in told):
                m.notes.append(Note("note_counts", counts=", ".join(f"{k} {told[k]}"
                                                                     for k in ("scanned", "skipped", "failed"))))
            m.coverage["sources_total"] = max(m.coverage["sources_total"],
                                              sum((s.get("sources") or {}).get("total", 0) for s in self._summaries))
        else:
            m.notes.append(Note("note_no_summary"))
        if not m.scans:
            m.notes.append(Note("note_no_header"))
        if self._unplaced:
            m.notes.append(Note("note_old", n=self._unplaced))
        return m


def from_records(records) -> Model:
    b = Builder()
    for r in records:
        b.add(r)
    return b.build()


def from_inventory(store, scan_id: str | None = None) -> Model:
    """The inventory's current state (findings present now, from whichever scan saw them last),
    with the coverage and changes of `scan_id` (a full id or unique prefix; default: the latest
    completed or incomplete scan)."""
    from scanner.inventory import views, views_scan

    scan_id = views_scan.chosen(store, scan_id)
    m = Model("the inventory", inventory=store.masked_url)
    scans = {s["scan_id"]: s for s in views.scans(store)}
    rows = views.findings(store)
    shown = [scan_id] + sorted({r["last_scan_id"] for r in rows if r["last_scan_id"]} - {scan_id},
                               key=lambda i: scans.get(i, {}).get("started_at") or "", reverse=True)
    for sid in shown:
        s = scans.get(sid, {"scan_id": sid})
        m.scans.append({"scan_id": sid, "started_at": s.get("started_at"), "finished_at": s.get("finished_at"),
                        "tool_version": s.get("tool_version"), "exit_code": s.get("exit_code"),
                        "status": s.get("status")})
    for s in views.sources(store):
        m.sources.append({"name": s["source"], "type": s["type"], "uri": s["uri"]})
    for r in rows:
        m.findings.append(Finding(
            source=r["source"], location=r["location"], uri=r["uri"], entity_type=r["entity_type"],
            category=r["category"], personal=bool(r["personal"]), confidence=float(r["confidence"]), hits=r["hits"],
            sampled=r["sampled"], ratio=_ratio(r), examples=list(r["examples"] or []), reasons=[], review=r["review"],
            field=r["field"], in_log=r["in_log"], free_text=bool(r["free_text"])))
    for p in views_scan.not_read(store, scan_id):
        if p["dataset"] is None:
            where, kind = "(whole source)", "error"
        else:
            where, kind = p["location"], "field skipped" if p["field"] else p["outcome"]
        m.problems.append(Problem(p["source"], where, kind, p.get("reason")))
    chosen = scans.get(scan_id, {})
    counts = views_scan.counts(store, scan_id)
    loc = counts.get("locations") or {}
    src = counts.get("sources") or {}
    m.coverage = {"scanned": loc.get("scanned", 0), "skipped": loc.get("skipped", 0), "failed": loc.get("failed", 0),
                  "unchanged": loc.get("unchanged", 0),
                  "sources_total": src.get("total", len(chosen.get("sources") or [])),
                  "sources_failed": src.get("failed", 0)}
    m.changes = [change_of(c) for c in views_scan.changes(store, scan_id)]
    from scanner.inventory.links import by_dataset, links

    m.links = by_dataset(links(store))
    from scanner.inventory.retention import overdue

    m.retention = overdue(store)
    m.notes.append(Note("note_inventory", scan=scan_id))
    return m


# -- what the renderer shows, derived from the model -----------------------------------------------

def ordered_categories(cats) -> list[str]:
    known = [c for c in CATEGORIES if c in cats]
    return known + sorted(set(cats) - set(known))


def by_category(m: Model) -> list[dict]:
    """Per category: findings (all, as the scan's summary counts them), suppressed, locations and
    sources holding live findings, and whether it is personal data."""
    rows = []
    for cat in ordered_categories({f.category for f in m.findings}):
        fs = [f for f in m.findings if f.category == cat]
        live = [f for f in fs if not f.suppressed]
        rows.append({"category": cat, "findings": len(fs), "suppressed": len(fs) - len(live),
                     "locations": len({(f.source, f.uri) for f in live}), "sources": len({f.source for f in live}),
                     "personal": any(f.personal for f in fs)})
    return rows


def personal_locations(m: Model) -> set[tuple[str, str]]:
    """(source, URI) of every location with personal data: the one count the summary, the foot of
    the category table and the source table all show (data that is not personal has its own row)."""
    return {(f.source, f.uri) for f in m.live if f.personal}


def by_source(m: Model) -> list[dict]:
    problems = defaultdict(Counter)
    for p in m.problems:
        problems[p.source][p.kind] += 1
    rows = []
    for s in m.sources:
        fs = [f for f in m.findings if f.source == s["name"]]
        live = [f for f in fs if not f.suppressed]
        rows.append({**s, "findings": len(fs), "suppressed": len(fs) - len(live),
                     "locations": len({(f.source, f.uri) for f in live if f.personal}),
                     "categories": ordered_categories({f.category for f in live}),
                     "errors": problems[s["name"]]["error"], "skipped": problems[s["name"]]["skipped"]})
    return rows


def heat(m: Model) -> tuple[list[str], list[str], dict[tuple[str, str], int]]:
    """(sources, categories, (source, category) → locations with live findings of it)."""
    cells: dict[tuple[str, str], set] = defaultdict(set)
    for f in m.live:
        cells[(f.source, f.category)].add(f.uri)
    sources = [s["name"] for s in m.sources if any(k[0] == s["name"] for k in cells)]
    cats = ordered_categories({k[1] for k in cells})
    return sources, cats, {k: len(v) for k, v in cells.items()}
