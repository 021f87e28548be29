"""A self-contained HTML report (`--format html`, `kartlegg report`): one file, inline CSS and JS,
no request of any kind (a Content-Security-Policy says so to the browser), printable to A4.

Everything that comes from records is escaped: names of tables, files and columns are chosen by
whoever owns the scanned system, and a file called `<script>….csv` is a name, not markup.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from html import escape
from importlib import resources

from reports import html_links
from reports import html_model as hm
from reports import html_risk as hr
from scanner.model.protocols import Writer

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
CHANGE_LABEL = {"new": "new", "gone": "gone", "category_added": "category added",
                "category_removed": "category removed", "confidence_changed": "confidence changed"}
KIND_ORDER = {"error": 0, "skipped": 1, "field skipped": 2}
RISK_SHOWN = 20


def _asset(name: str) -> str:
    return (resources.files("reports") / "html_assets" / name).read_text(encoding="utf-8")


def e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _when(iso: str | None) -> str:
    if not iso:
        return "unknown"
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return (t.astimezone(UTC) if t.tzinfo else t).strftime("%Y-%m-%d %H:%M:%S UTC")


def _review_badge(review: dict | None) -> str:
    if not review:
        return ""
    state = review.get("state") or ""
    title = "; ".join(x for x in (review.get("who") and f"by {review['who']}", review.get("note"),
                                  _when(review.get("at")) if review.get("at") else None) if x)
    text = state
    if state == "reopened" and review.get("reasons"):
        text += ": " + "; ".join(review["reasons"])
    elif state == "suppressed":  # why it is out of the counts must survive printing, so not only in title
        text += ": false positive" + (f" ({review['note']})" if review.get("note") else "")
    return f'<span class="badge {e(state)}" title="{e(title)}">{e(text)}</span>'


def _hits(f: hm.Finding) -> str:
    return f"{f.hits}/{f.sampled}" if f.hits else "name+shape"


def _table(head: list[tuple[str, str]], rows: list[str], caption: str = "", attrs: str = "", foot: str = "") -> str:
    ths = "".join(f'<th scope="col"{f" class={q(c)}" if c else ""}>{e(h)}</th>' for h, c in head)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return (f"<table{attrs}>{cap}<thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody>"
            f"{f'<tfoot>{foot}</tfoot>' if foot else ''}</table>")


def q(value) -> str:
    return f'"{e(value)}"'


# -- sections --------------------------------------------------------------------------------------

def _header(m: hm.Model) -> str:
    scans = m.scans or [{"scan_id": "unknown"}]
    first = scans[0]
    code = first.get("exit_code")
    parts = [first["status"]] if first.get("status") and first["status"] not in hm.EXIT_MEANING.values() else []
    if isinstance(code, int):
        parts.append(f"exit code {code}: {hm.EXIT_MEANING.get(code, 'unknown')}")
    status = ", ".join(parts) or "unknown (no summary record)"
    cls = "status-ok" if code in (0, 1) else "status-bad"
    ids = "".join(f"<div><code>{e(s['scan_id'])}</code> <span class=\"lede\">{e(_when(s.get('started_at')))}"
                  f"</span></div>" for s in scans)
    facts = [("Made from", e(m.origin)), ("Scan" + ("s" if len(scans) > 1 else ""), ids),
             ("Started", e(_when(first.get("started_at")))), ("Finished", e(_when(first.get("finished_at")))),
             ("Tool", e(f"kartlegg {first.get('tool_version') or '(version unknown)'}")),
             ("Inventory", e(m.inventory or "none kept")),
             ("Status", f'<span id="status" class="{cls}">{e(status)}</span>')]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    srcs = [f"<tr><td>{e(s['name'])}</td><td>{e(s.get('type'))}</td><td class=\"loc mono\">{e(s.get('uri'))}</td></tr>"
            for s in m.sources]
    notes = "".join(f'<p class="note">{e(n)}</p>' for n in m.notes)
    return (f'<header><h1>Personal data report</h1><p class="lede">What kartlegg found, where, and what it did '
            f'not look at. Values are masked; nothing here is a raw value.</p><dl class="facts">{dl}</dl>'
            f'{notes}{_table([("source", ""), ("type", ""), ("URI (password masked)", "")], srcs, "Sources")}'
            f'<nav class="toc">{_toc()}</nav></header>')


def _toc() -> str:
    return "".join(f'<a href="#{k}">{v}</a>' for k, v in (
        ("coverage", "Coverage"), ("summary", "Summary"), ("heatmap", "Heat map"), ("risk", "Riskiest locations"),
        ("changes", "Changes"), ("links", "Shared identifiers"), ("retention", "Retention"),
        ("findings", "Findings")))


def _stat(ident: str, n, label: str, cls: str = "") -> str:
    return f'<div class="stat {cls}"><span class="n" id="{ident}">{e(n)}</span><span class="l">{e(label)}</span></div>'


def _coverage(m: hm.Model) -> str:
    c = m.coverage
    stats = (_stat("cov-scanned", c["scanned"], "locations scanned")
             + _stat("cov-skipped", c["skipped"], "locations skipped", "warn" if c["skipped"] else "")
             + _stat("cov-failed", c["failed"], "locations failed", "bad" if c["failed"] else "")
             + (_stat("cov-unchanged", c["unchanged"], "datasets unchanged since their last read")
                if c.get("unchanged") else "")
             + _stat("cov-sources-failed", f"{c['sources_failed']}/{c['sources_total']}", "sources that failed",
                     "bad" if c["sources_failed"] else ""))
    probs = sorted(m.problems, key=lambda p: (KIND_ORDER.get(p.kind, 3), p.source, p.location))
    if probs:
        rows = [f'<tr data-kind="{e(p.kind)}"><td>{e(p.source)}</td><td class="loc">{e(p.location)}</td>'
                f'<td class="kind">{e(p.kind)}</td><td class="why">{e(p.reason)}</td></tr>' for p in probs]
        listing = ("<p>Not looked at, and why — findings there are unknown, not absent:</p>"
                   + _table([("source", ""), ("location", ""), ("", ""), ("reason", "")], rows,
                            attrs=' id="not-scanned"'))
    else:
        listing = "<p>Every location the scan met was read.</p>"
    return f'<section id="coverage"><h2>Coverage</h2><div class="stats">{stats}</div>{listing}</section>'


def _summary(m: hm.Model) -> str:
    total = len(m.findings)
    live = m.live
    stats = (_stat("total-findings", total, "findings")
             + _stat("total-personal-locations", len({(f.source, f.uri) for f in live if f.personal}),
                     "locations with personal data")
             + _stat("total-suppressed", total - len(live), "suppressed (false positives)"))
    rows = []
    for r in hm.by_category(m):
        np = "" if r["personal"] else ' <span class="badge np">not personal</span>'
        rows.append(f'<tr data-category="{e(r["category"])}"><th scope="row">{e(r["category"])}{np}</th>'
                    f'<td class="num n-findings">{r["findings"]}</td><td class="num n-suppressed">{r["suppressed"]}'
                    f'</td><td class="num n-locations">{r["locations"]}</td><td class="num">{r["sources"]}</td></tr>')
    foot = (f'<tr><td>all</td><td class="num" id="cat-total">{total}</td><td class="num">{total - len(live)}</td>'
            f'<td class="num">{len({(f.source, f.uri) for f in live})}</td><td class="num">'
            f'{len({f.source for f in live})}</td></tr>')
    cats = _table([("category", ""), ("findings", "num"), ("suppressed", "num"), ("locations", "num"),
                   ("sources", "num")], rows, "By category (locations and sources: not counting suppressed findings)",
                  ' id="by-category"', foot) if rows else "<p>No findings.</p>"
    srows = []
    for r in hm.by_source(m):
        srows.append(f'<tr data-source="{e(r["name"])}"><th scope="row">{e(r["name"])}</th><td>{e(r.get("type"))}</td>'
                     f'<td class="num n-findings">{r["findings"]}</td><td class="num">{r["locations"]}</td>'
                     f'<td>{e(", ".join(r["categories"]) or "–")}</td><td class="num">{r["skipped"]}</td>'
                     f'<td class="num">{r["errors"]}</td></tr>')
    srcs = _table([("source", ""), ("type", ""), ("findings", "num"), ("personal locations", "num"),
                   ("categories", ""), ("skipped", "num"), ("errors", "num")], srows, "By source",
                  ' id="by-source"')
    return f'<section id="summary"><h2>Summary</h2><div class="stats">{stats}</div>{srcs}{cats}</section>'


def _shade(n: int, top: int) -> str:
    if n <= 0 or top <= 0:
        return "h0"
    return f"h{min(5, 1 + (n - 1) * 5 // top) if top > 1 else 5}"


def _heatmap(m: hm.Model) -> str:
    sources, cats, cells = hm.heat(m)
    if not sources:
        return '<section id="heatmap"><h2>Heat map</h2><p>No findings to map.</p></section>'
    top = max(cells.values())
    head = [("source", "")] + [(c, "num") for c in cats]
    rows = []
    for s in sources:
        tds = "".join(f'<td class="cell {_shade(cells.get((s, c), 0), top)}" data-source="{e(s)}" '
                      f'data-category="{e(c)}">{cells.get((s, c), 0)}</td>' for c in cats)
        rows.append(f'<tr><th scope="row">{e(s)}</th>{tds}</tr>')
    legend = "".join(f'<span class="sw {_shade(n, top)}">{n}</span>' for n in sorted({1, max(1, top // 2), top}))
    return ('<section id="heatmap"><h2>Heat map</h2><p>Locations with findings, per source and category '
            '(suppressed findings not counted). The number is in each cell; the shade repeats it.</p>'
            + _table(head, rows, "Locations with findings", attrs=' class="heat" id="heat"') +
            f'<div class="legend">shade: <span class="sw h0">0</span>{legend}</div></section>')


def _risk(m: hm.Model) -> str:
    ranked = hr.risk(m, limit=None)
    items = []
    for r in ranked[:RISK_SHOWN]:
        why = "".join(f"<li>{e(x)}</li>" for x in r.reasons)
        items.append(f'<li data-score="{r.score:.1f}"><span class="score">{r.score:.1f}</span><div class="what">'
                     f'<strong class="mono">{e(r.location)}</strong> <span class="lede">{e(r.source)} · '
                     f'{e(", ".join(r.entity_types))}</span> {_review_badge(r.review)}<ul>{why}</ul></div></li>')
    more = f"<p>… and {len(ranked) - RISK_SHOWN} more locations in the findings below.</p>" \
        if len(ranked) > RISK_SHOWN else ""
    body = f'<ol class="risk" id="risk-list">{"".join(items)}</ol>{more}' if items else \
        "<p>No personal data outside suppressed findings.</p>"
    rule = ("Score = (weight of the most sensitive entity type × its evidence + 1 for each other entity type at "
            f"the location) × {hr.LOG_FACTOR:g} in a log × {hr.FREE_TEXT_FACTOR:g} in free text with "
            f"{hr.FREE_TEXT_MANY} or more hits. Weights: national ID {hr.WEIGHTS['national_id']}, financial "
            f"{hr.WEIGHTS['financial']}, identity {hr.WEIGHTS['identity']}, contact and metering "
            f"{hr.WEIGHTS['contact']}, online identifiers and other {hr.WEIGHTS['other']}. Evidence = confidence × "
            "(0.5 + 0.5 × hit ratio). Suppressed false positives and data that is not personal are left out.")
    return f'<section id="risk"><h2>Riskiest locations</h2><p class="lede">{e(rule)}</p>{body}</section>'


def _changes(m: hm.Model) -> str:
    title = '<section id="changes"><h2>Changes since the last scan</h2>'
    if m.changes is None:
        return title + "<p>This scan kept no inventory, so what changed since the last scan is not known.</p></section>"
    if not m.changes:
        return title + "<p>No changes since the previous scan.</p></section>"
    # a source whose every change has no earlier scan to compare with is met for the first time
    first = sorted({c.source for c in m.changes} - {c.source for c in m.changes if not c.first})
    intro = f"<p>No earlier scan of {e(', '.join(first))} in the inventory: what was found is recorded as new.</p>" \
        if first else ""
    order = {k: i for i, k in enumerate(CHANGE_LABEL)}
    rows = [f'<tr data-change="{e(c.kind)}"><td>{e(CHANGE_LABEL.get(c.kind, c.kind))}</td><td>{e(c.source)}</td>'
            f'<td class="loc">{e(c.location)}</td><td>{e(c.entity_type or "")} {_review_badge(c.review)}</td>'
            f'<td>{e(c.category)}</td><td>{e(c.detail)}</td>'
            f'<td class="why">{"first read" if c.first else e(c.since[:8])}</td></tr>'
            for c in sorted(m.changes, key=lambda c: (order.get(c.kind, 9), c.source, c.location))]
    counts = ", ".join(f"{n} {CHANGE_LABEL.get(k, k)}" for k, n in
                       sorted(Counter(c.kind for c in m.changes).items(), key=lambda kv: order.get(kv[0], 9)))
    return (title + intro + f"<p>{e(counts)}.</p>"
            + _table([("change", ""), ("source", ""), ("location", ""), ("entity type", ""), ("category", ""),
                      ("detail", ""), ("compared with scan", "")], rows, attrs=' id="changes-table"') + "</section>")


def _findings(m: hm.Model) -> str:
    fs = sorted(m.findings, key=lambda f: (f.suppressed, f.source, f.location, -f.confidence, f.entity_type))
    rows = []
    for f in fs:
        cls = ' class="suppressed"' if f.suppressed else ""
        text = " ".join((f.source, f.location, f.entity_type, f.category, f.state or "")).lower()
        np = "" if f.personal else ' <span class="badge np">not personal</span>'
        log = ' <span class="badge">log</span>' if f.in_log else ""
        rows.append(
            f'<tr{cls} data-source="{e(f.source)}" data-category="{e(f.category)}" data-text="{e(text)}">'
            f'<td>{e(f.source)}</td><td class="loc mono">{e(f.location)}{log}</td><td>{e(f.entity_type)}{np} '
            f'{_review_badge(f.review)}</td><td>{e(f.category)}</td><td class="num">{f.confidence:.2f}</td>'
            f'<td class="num">{e(_hits(f))}</td><td class="examples mono">{e(", ".join(f.examples[:3]))}</td>'
            f'<td class="why">{e("; ".join(f.reasons[:2]))}</td></tr>')
    sources = sorted({f.source for f in fs})
    cats = hm.ordered_categories({f.category for f in fs})
    opts = lambda values: "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in values)  # noqa: E731
    controls = (
        '<div class="filters" id="filters" hidden>'
        '<label>Filter <input type="search" id="filter-text" placeholder="location, entity type, …" '
        'autocomplete="off"></label>'
        f'<label>Source <select id="filter-source"><option value="">all sources</option>{opts(sources)}'
        '</select></label>'
        f'<label>Category <select id="filter-category"><option value="">all categories</option>{opts(cats)}'
        '</select></label><span class="count" id="filter-count" aria-live="polite"></span></div>')
    table = _table([("source", ""), ("location", ""), ("entity type", ""), ("category", ""), ("confidence", "num"),
                    ("hits", "num"), ("examples (masked)", ""), ("reasons", "")], rows,
                   f"{len(fs)} findings; suppressed false positives greyed, last", ' id="findings-table"')
    return f'<section id="findings"><h2>Findings</h2>{controls}{table}</section>'


def render(model: hm.Model) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = "kartlegg report — " + ", ".join(s["name"] for s in model.sources[:3]) if model.sources else \
        "kartlegg report"
    # the assets are ours, but a stray "</" would still end the element early
    css, js = _asset("report.css").replace("</", "<\\/"), _asset("report.js").replace("</", "<\\/")
    body = (_header(model) + "<main>" + _coverage(model) + _summary(model) + _heatmap(model) + _risk(model)
            + _changes(model) + html_links.section(model.links) + html_links.retention_section(model.retention)
            + _findings(model) + "</main>"
            + f"<footer>Generated {e(generated)} by kartlegg from {e(model.origin)}. Examples are masked by the "
              "scanner; fingerprints are left out.</footer>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{e(title)}</title>'
            f"<style>{css}</style></head><body>{body}<script>{js}</script></body></html>\n")


class HtmlWriter(Writer):
    """A report writer (`kartlegg scan … --format html -o report.html`): keeps the model as records
    come and renders it at close, since the summary comes last."""

    NAME = "html"

    def __init__(self, target: str = "-"):
        self.target = target
        self._builder = hm.Builder()
        # opened now, so a path that cannot be written fails before the scan starts
        self._fh = sys.stdout if target == "-" else open(target, "w", encoding="utf-8", errors="backslashreplace")

    def write(self, record: dict) -> None:
        self._builder.add(record)

    def close(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.write(render(self._builder.build()))
            self._fh.flush()
        finally:
            if self._fh is not sys.stdout:
                self._fh.close()
            self._fh = None
