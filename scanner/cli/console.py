"""What a person at a terminal sees: a progress bar while scanning, a summary at the end."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from scanner.model.places import change_detail, place
from scanner.model.progress import Progress as NoProgress
from scanner.model.redact import printable


class BarProgress(NoProgress):
    """One bar per source being scanned (several at once), with units done/total and the last
    unit, on stderr; only when stderr is a terminal."""

    def __init__(self, console: Console):
        self._bar = Progress(
            # markup=False: a key or file name like "[red]x.csv" is a name, not console markup
            TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[current]}", markup=False), console=console, transient=True,
        )
        self._tasks: dict[str, int] = {}
        self._bar.start()

    def source_started(self, source, units):
        self._tasks[source.name] = self._bar.add_task(printable(source.name), total=units, current="")

    def unit_done(self, unit, label=None):
        task = self._tasks.get(unit.source)
        if task is not None:  # the label is the unit's masked name: never its raw one
            self._bar.update(task, advance=1, current=printable(label or ""))

    def source_done(self, source):
        task = self._tasks.pop(source.name, None)
        if task is not None:
            self._bar.remove_task(task)

    def close(self):
        self._bar.stop()


def _cell(text: str) -> str:
    """A table cell: console markup escaped, control characters shown (records are redacted
    already; this is the last check before a terminal)."""
    return escape(printable(text))


def progress_for(console: Console) -> NoProgress:
    return BarProgress(console) if console.is_terminal else NoProgress()


def wide(console: Console) -> Console:
    """Off a terminal (a log, a pipe) there is no width to respect: never truncate locations."""
    return console if console.is_terminal else Console(file=console.file, width=200)


SUMMARY_ROWS = 50  # the console's table; the report has every location (a table of thousands
# of rows is unreadable, and rendering it took longer than scanning 500 small tables)


def print_summary(console: Console, outcome, report_target: str | None) -> None:
    console = wide(console)
    locations = outcome.personal_locations
    if locations:
        several = len({r["source"]["name"] for r in locations}) > 1
        table = Table(title="Personal data found", header_style="bold")
        columns = (["source"] if several else []) + ["location", "entity type", "category", "confidence", "hits"]
        for col in columns:
            table.add_column(col, justify="right" if col in ("confidence", "hits") else "left", no_wrap=True)
        ordered = sorted(locations, key=lambda r: (r["source"]["name"], r["location"]["uri"], -r["confidence"]))
        for r in ordered[:SUMMARY_ROWS]:
            where = place(r["location"])
            hits = f"{r['hits']}/{r['sampled']}" if r["hits"] else "name+shape"
            row = ([r["source"]["name"]] if several else []) + [
                where, r["entity_type"] + _review_mark(r.get("review")), r["category"], f"{r['confidence']:.2f}", hits,
            ]
            table.add_row(*map(_cell, row))
        console.print(table)
        if len(ordered) > SUMMARY_ROWS:
            console.print(f"… and {len(ordered) - SUMMARY_ROWS} more location(s) with personal data in the report.")
    _print_not_scanned(console, outcome.not_scanned)
    first = sorted({c["source"]["name"] for c in outcome.changes if c.get("since_scan_id") is None})
    if first:
        console.print(f"First scan of {_cell(', '.join(first))} in the inventory: what was found is recorded as new.")
    compared = [c for c in outcome.changes if c.get("since_scan_id") is not None]
    if compared:
        print_changes(console, compared, outcome.scan_id, None, limit=25)
    elif "changes" in outcome.summary and not outcome.changes and not first and _compared(outcome.summary):
        console.print("No changes since the previous scan.")
    console.print(_cell(summary_line(outcome, report_target)))


def _compared(summary: dict) -> bool:
    """Whether anything was there to compare: some source read (not every one failed)."""
    sources, loc = summary["sources"], summary["locations"]
    return sources["failed"] < sources["total"] and bool(loc["scanned"] or loc.get("unchanged"))


def summary_line(outcome, report_target: str | None) -> str:
    s = outcome.summary
    loc = s["locations"]
    return (
        f"{s['findings']} finding(s) in {loc['scanned']} location(s) scanned; "
        f"{loc['skipped']} skipped, {loc['failed']} failed; "
        f"{s['sources']['failed']}/{s['sources']['total']} source(s) could not be scanned."
        + (f" {loc['unchanged']} unchanged since their last read, not read again (--incremental)."
           if loc.get("unchanged") else "")
        + (f" {s['suppressed']} suppressed as reviewed false positives." if s.get("suppressed") else "")
        + (f" Report: {report_target}" if report_target and report_target != "-" else "")
    )


QUIET_LINES = 50


def _empty(skipped: dict) -> bool:
    """A skipped record that says a source (or a bucket, a directory) held nothing to read."""
    return (skipped["location"] or {}).get("dataset") in (None, "", ".") or skipped["reason"].startswith("empty")


def print_quiet(echo, outcome, report_target: str | None) -> None:
    """-q: no progress and no tables, but never silent about what went wrong: one line per source
    or location not scanned (errors first, then empty sources), and the last line when the exit
    code is not 0. `echo` writes a line to stderr."""
    problems = [r for r in outcome.not_scanned if r["record"] == "error" or _empty(r)]
    problems.sort(key=lambda r: (r["record"] != "error", r["source"]["name"]))
    for r in problems[:QUIET_LINES]:
        where = place(r["location"]) if r["location"] else "(whole source)"
        why = r["reason"] if r["record"] == "skipped" else f"{r['error']['type']}: {r['error']['message']}"
        echo(printable(f"{'Error' if r['record'] == 'error' else 'Skipped'}: {r['source']['name']} {where}: {why}"))
    if len(problems) > QUIET_LINES:
        echo(f"… and {len(problems) - QUIET_LINES} more in the report.")
    if outcome.exit_code != 0:
        echo(printable(summary_line(outcome, report_target)) + f" Exit code {outcome.exit_code}.")


def _review_mark(review: dict | None) -> str:
    if not review:
        return ""
    if review["state"] == "reopened":
        return " (reopened: " + "; ".join(review.get("reasons") or []) + ")"
    return f" ({review['state']})"


_CHANGE_LABEL = {"new": "new", "gone": "gone", "category_added": "category added",
                 "category_removed": "category removed", "confidence_changed": "confidence"}


def print_changes(console: Console, changes: list[dict], scan_id: str, since: str | None,
                  limit: int | None = 25) -> None:
    """The change records of a scan, as a table: what is new first."""
    console = wide(console)
    against = f"scan {since}" if since else "the previous scan of each source"
    if not changes:
        console.print(f"No changes in scan {_cell(scan_id)} since {_cell(against)}.")
        return
    table = Table(title=f"Changes since {against}", header_style="bold")
    several = len({c["source"]["name"] for c in changes}) > 1
    for col in (["source"] if several else []) + ["change", "location", "entity type", "category", "detail"]:
        table.add_column(col, no_wrap=col != "detail")
    order = {k: i for i, k in enumerate(_CHANGE_LABEL)}
    ordered = sorted(changes, key=lambda c: (order[c["change"]], c["source"]["name"], c["location"]["uri"]))
    shown = ordered if limit is None else ordered[:limit]
    for c in shown:
        row = ([c["source"]["name"]] if several else []) + [
            _CHANGE_LABEL[c["change"]], place(c["location"]), (c["entity_type"] or "") + _review_mark(c.get("review")),
            c["category"], change_detail(c)]
        table.add_row(*map(_cell, row))
    console.print(table)
    if len(changes) > len(shown):
        console.print(f"… and {len(changes) - len(shown)} more: kartlegg inventory diff")


def _print_not_scanned(console: Console, problems: list[dict], limit: int = 25) -> None:
    """What was not looked at, and why: errors first."""
    if not problems:
        return
    table = Table(title="Not scanned", header_style="bold")
    for col in ("source", "location", "outcome", "reason"):
        table.add_column(col, no_wrap=col != "reason")
    ordered = sorted(problems, key=lambda r: (r["record"] != "error", r["source"]["name"]))
    for r in ordered[:limit]:
        where = place(r["location"]) if r["location"] else "(whole source)"
        why = r["reason"] if r["record"] == "skipped" else f"{r['error']['type']}: {r['error']['message']}"
        table.add_row(*map(_cell, (r["source"]["name"], where, "error" if r["record"] == "error" else "skipped", why)))
    console.print(table)
    if len(problems) > limit:
        console.print(f"… and {len(problems) - limit} more in the report.")
