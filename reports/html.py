"""A self-contained HTML report (`--format html`, `kartlegg report`): one file, inline CSS and JS,
no request of any kind (a Content-Security-Policy says so to the browser), printable to A4, in
Norwegian bokmål or English (reports.texts).

Everything that comes from records is escaped: names of tables, files and columns are chosen by
whoever owns the scanned system, and a file called `<script>….csv` is a name, not markup.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import UTC, datetime
from importlib import resources

from reports import html_links
from reports import html_model as hm
from reports import html_risk as hr
from reports import html_summary as hs
from reports.html_parts import e, entity, hits, review_badge, stat, table, wrap
from reports.texts import Texts
from scanner.model.protocols import Writer

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
CHANGE_ORDER = ("new", "gone", "category_added", "category_removed", "confidence_changed")
KIND_ORDER = {"error": 0, "skipped": 1, "field skipped": 2}
RISK_SHOWN = 10
FINDINGS_SHOWN = 50  # rows the findings table shows until a filter or "show all" (the script's; print shows all)


def _asset(name: str) -> str:
    return (resources.files("reports") / "html_assets" / name).read_text(encoding="utf-8")


def _reason(text: str | None, tx: Texts) -> str:
    if text is None:
        return e(tx("no_reason"))
    return f'<span title="{e(text)}">{e(tx.reason(text))}</span>' if tx.reason(text) != text else e(text)


def _coverage(m: hm.Model, tx: Texts) -> str:
    c = m.coverage
    stats = (stat("cov-scanned", c["scanned"], tx.n(c["scanned"], "cov_scanned").split(" ", 1)[1])
             + stat("cov-skipped", c["skipped"], tx.n(c["skipped"], "cov_skipped").split(" ", 1)[1],
                    "warn" if c["skipped"] else "")
             + stat("cov-failed", c["failed"], tx.n(c["failed"], "cov_failed").split(" ", 1)[1],
                    "bad" if c["failed"] else "")
             + (stat("cov-unchanged", c["unchanged"], tx("cov_unchanged")) if c.get("unchanged") else "")
             + stat("cov-sources-failed", f"{c['sources_failed']}/{c['sources_total']}", tx("cov_sources_failed"),
                    "bad" if c["sources_failed"] else ""))
    probs = sorted(m.problems, key=lambda p: (KIND_ORDER.get(p.kind, 3), p.source, p.location))
    if probs:
        rows = [f'<tr data-kind="{e(p.kind)}"><td>{e(p.source)}</td><td class="loc">'
                f'{wrap(tx("whole_source") if p.location == "(whole source)" else p.location)}</td>'
                f'<td class="kind">{e(tx.kind(p.kind))}</td><td class="why">{_reason(p.reason, tx)}</td></tr>'
                for p in probs]
        listing = (f"<p>{e(tx('not_looked'))}</p>"
                   + table([(tx("source"), ""), (tx("location"), ""), (tx("outcome"), ""), (tx("reason"), "")], rows,
                           attrs=' id="not-scanned"'))
    else:
        listing = f"<p>{e(tx('all_read'))}</p>"
    return f'<section id="coverage"><h2>{e(tx("coverage"))}</h2><div class="stats">{stats}</div>{listing}</section>'


def _numbers(m: hm.Model, tx: Texts) -> str:
    total, live = len(m.findings), m.live
    personal = hm.personal_locations(m)
    stats = (stat("total-findings", total, tx("findings_stat"))
             + stat("total-personal-locations", len(personal), tx("personal_locations"))
             + stat("total-suppressed", total - len(live), tx("suppressed_stat")))
    rows = []
    for r in hm.by_category(m):
        np = "" if r["personal"] else f' <span class="badge np">{e(tx("not_personal"))}</span>'
        rows.append(f'<tr data-category="{e(r["category"])}"><th scope="row">{e(tx.category(r["category"]))}{np}</th>'
                    f'<td class="num n-findings">{r["findings"]}</td><td class="num n-suppressed">{r["suppressed"]}'
                    f'</td><td class="num n-locations">{r["locations"]}</td><td class="num">{r["sources"]}</td></tr>')
    # the foot counts locations and sources as the summary does: those with personal data
    foot = (f'<tr><td>{e(tx("all_personal"))}</td><td class="num" id="cat-total">{total}</td>'
            f'<td class="num">{total - len(live)}</td><td class="num" id="cat-personal-locations">{len(personal)}</td>'
            f'<td class="num">{len({s for s, _ in personal})}</td></tr>')
    cats = table([(tx("category"), ""), (tx("findings"), "num"), (tx("suppressed"), "num"), (tx("locations"), "num"),
                  (tx.n(2, "n_source").split(" ", 1)[1], "num")], rows, tx("by_category"), ' id="by-category"', foot) \
        if rows else f"<p>{e(tx('no_findings'))}</p>"
    srows = [f'<tr data-source="{e(r["name"])}"><th scope="row">{e(r["name"])}</th><td>{e(r.get("type"))}</td>'
             f'<td class="num n-findings">{r["findings"]}</td><td class="num n-locations">{r["locations"]}</td>'
             f'<td>{e(", ".join(tx.category(c) for c in r["categories"]) or "–")}</td><td class="num">{r["skipped"]}'
             f'</td><td class="num">{r["errors"]}</td></tr>' for r in hm.by_source(m)]
    srcs = table([(tx("source"), ""), (tx("type"), ""), (tx("findings"), "num"), (tx("personal_locations"), "num"),
                  (tx("categories"), ""), (tx("skipped"), "num"), (tx("errors"), "num")], srows, tx("by_source"),
                 ' id="by-source"')
    return (f'<section id="summary"><h2>{e(tx("numbers"))}</h2><div class="stats">{stats}</div>{srcs}{cats}'
            "</section>")


def _shade(n: int, top: int) -> str:
    if n <= 0 or top <= 0:
        return "h0"
    return f"h{min(5, 1 + (n - 1) * 5 // top) if top > 1 else 5}"


def _heatmap(m: hm.Model, tx: Texts) -> str:
    sources, cats, cells = hm.heat(m)
    head = f'<section id="heatmap"><h2>{e(tx("heatmap"))}</h2>'
    if not sources:
        return head + f"<p>{e(tx('heat_none'))}</p></section>"
    top = max(cells.values())
    rows = []
    for s in sources:
        tds = "".join(f'<td class="cell {_shade(cells.get((s, c), 0), top)}" data-source="{e(s)}" '
                      f'data-category="{e(c)}">{cells.get((s, c), 0)}</td>' for c in cats)
        rows.append(f'<tr><th scope="row">{e(s)}</th>{tds}</tr>')
    legend = "".join(f'<span class="sw {_shade(n, top)}">{n}</span>' for n in sorted({1, max(1, top // 2), top}))
    return (head + f'<p>{e(tx("heat_lede"))}</p>'
            + table([(tx("source"), "")] + [(tx.category(c), "num") for c in cats], rows, tx("heat_caption"),
                    attrs=' class="heat" id="heat"')
            + f'<div class="legend">{e(tx("shade"))} <span class="sw h0">0</span>{legend}</div></section>')


def _risk_item(r: hr.Risk, tx: Texts) -> str:
    return (f'<li data-score="{r.score:.1f}"><span class="score" title="{e("; ".join(r.reasons))}">'
            f'{e(tx.number(r.score, 1))}</span><div class="what"><strong class="mono">{wrap(r.location)}</strong> '
            f'<span class="muted">{e(r.source)}</span> {review_badge(r.review, tx)}'
            f'<div class="why">{e(hs.why(r, tx))}</div></div></li>')


def _risk(m: hm.Model, tx: Texts) -> str:
    ranked = hr.risk(m, limit=None)
    items = "".join(_risk_item(r, tx) for r in ranked[:RISK_SHOWN])
    more = f"<p>{e(tx('risk_more', more=tx.n(len(ranked) - RISK_SHOWN, 'n_location')))}</p>" if len(ranked) > RISK_SHOWN else ""
    body = f'<ol class="risk" id="risk-list">{items}</ol>{more}' if items else f"<p>{e(tx('risk_none'))}</p>"
    w = hr.WEIGHTS
    rule = tx("rule", log=f"{hr.LOG_FACTOR:g}", free=f"{hr.FREE_TEXT_FACTOR:g}", many=hr.FREE_TEXT_MANY,
              w_id=w["national_id"], w_fin=w["financial"], w_ident=w["identity"], w_contact=w["contact"],
              w_other=w["other"])
    return (f'<section id="risk"><h2>{e(tx("risk"))}</h2>{body}<details class="rule"><summary>{e(tx("how_ranked"))}'
            f'</summary><p id="risk-rule">{e(rule)}</p></details></section>')


def _detail(c, tx: Texts) -> str:
    """A change's before → after; a finding on name and shape alone has no hits to count."""
    try:
        if c.kind in ("new", "gone"):
            x = c.after or c.before
            seen = f"{x['hits']}/{x['sampled']}" if x["hits"] else tx("name_shape")
            return tx("detail_found", hits=seen, confidence=tx.number(x["confidence"]))
        if c.kind == "confidence_changed":
            return f"{tx('confidence')} {tx.number(c.before)} → {tx.number(c.after)}"
        return " → ".join(", ".join(tx.category(k) for k in x["categories"]) or "–" for x in (c.before, c.after))
    except (KeyError, TypeError, ValueError):
        return c.detail  # a change record of another shape: as the model put it


def _changes(m: hm.Model, tx: Texts) -> str:
    title = f'<section id="changes"><h2>{e(tx("changes"))}</h2>'
    if m.changes is None:
        return title + f"<p>{e(tx('changes_unknown'))}</p></section>"
    if not m.changes:
        failed = m.coverage.get("sources_failed", 0)
        # a source that failed was not compared with anything: "no changes" would be a claim
        text = tx("changes_none_failed", n=failed) if failed else tx("changes_none")
        return title + f"<p>{e(text)}</p></section>"
    order = {k: i for i, k in enumerate(CHANGE_ORDER)}
    rows = [f'<tr data-change="{e(c.kind)}"><td>{e(tx.change(c.kind))}</td><td>{e(c.source)}</td>'
            f'<td class="loc">{wrap(c.location)}</td><td>{entity(c.entity_type, tx)} {review_badge(c.review, tx)}</td>'
            f'<td>{e(tx.category(c.category))}</td><td>{e(_detail(c, tx))}</td>'
            f'<td class="why">{e(tx("first_read")) if c.first else e(c.since[:8])}</td></tr>'
            for c in sorted(m.changes, key=lambda c: (order.get(c.kind, 9), c.source, c.location))]
    listing = table([(tx("change"), ""), (tx("source"), ""), (tx("location"), ""), (tx("entity_type"), ""),
                     (tx("category"), ""), (tx("detail"), ""), (tx("compared"), "")], rows,
                    attrs=' id="changes-table"')
    if all(c.first for c in m.changes):
        # a first scan: every finding is "new", and listing them again repeats the findings
        return (title + f'<details class="first-scan noprint-open"><summary id="changes-first">'
                f'{e(tx("first_scan", n=len(m.changes)))}</summary>{listing}</details></section>')
    first = sorted({c.source for c in m.changes} - {c.source for c in m.changes if not c.first})
    intro = f"<p>{e(tx('first_sources', sources=', '.join(first)))}</p>" if first else ""
    counts = ", ".join(f"{n} {tx.change(k)}" for k, n in
                       sorted(Counter(c.kind for c in m.changes).items(), key=lambda kv: order.get(kv[0], 9)))
    return title + intro + f"<p>{e(counts)}.</p>" + listing + "</section>"


def _findings(m: hm.Model, tx: Texts) -> str:
    fs = sorted(m.findings, key=lambda f: (f.suppressed, f.source, f.location, -f.confidence, f.entity_type))
    rows = []
    for f in fs:
        cls = ' class="suppressed"' if f.suppressed else ""
        text = " ".join((f.source, f.location, f.entity_type, tx.entity(f.entity_type), f.category,
                         tx.category(f.category), f.state or "")).lower()
        np = "" if f.personal else f' <span class="badge np">{e(tx("not_personal"))}</span>'
        log = f' <span class="badge">{e(tx("log"))}</span>' if f.in_log else ""
        rows.append(
            f'<tr{cls} data-source="{e(f.source)}" data-category="{e(f.category)}" data-text="{e(text)}">'
            f'<td>{e(f.source)}</td><td class="loc mono">{wrap(f.location)}{log}</td><td>{entity(f.entity_type, tx)}'
            f'{np} {review_badge(f.review, tx)}</td><td>{e(tx.category(f.category))}</td>'
            f'<td class="num">{e(tx.number(f.confidence))}</td>'
            f'<td class="num hits" title="{e("; ".join(f.reasons[:2]))}">{e(hits(f, tx))}</td>'
            f'<td class="examples mono">{wrap(", ".join(f.examples[:3]))}</td></tr>')
    sources = sorted({f.source for f in fs})
    cats = hm.ordered_categories({f.category for f in fs})
    opts = lambda values, say: "".join(f'<option value="{e(v)}">{e(say(v))}</option>' for v in values)  # noqa: E731
    controls = (
        f'<div class="filters" id="filters" hidden data-limit="{FINDINGS_SHOWN}" data-shown="{e(tx("shown_of"))}">'
        f'<label>{e(tx("filter"))} <input type="search" id="filter-text" placeholder="{e(tx("filter_ph"))}" '
        'autocomplete="off"></label>'
        f'<label>{e(tx("source"))} <select id="filter-source"><option value="">{e(tx("all_sources"))}</option>'
        f'{opts(sources, str)}</select></label>'
        f'<label>{e(tx("category"))} <select id="filter-category"><option value="">{e(tx("all_categories"))}'
        f'</option>{opts(cats, tx.category)}</select></label><span class="count" id="filter-count" aria-live="polite">'
        f'</span><button type="button" id="show-all" hidden>{e(tx("show_all"))}</button></div>')
    listing = table([(tx("source"), ""), (tx("location"), "loc"), (tx("entity_type"), ""), (tx("category"), ""),
                     (tx("confidence"), "num"), (tx("hits"), "num"), (tx("examples"), "")], rows,
                    tx("findings_caption", n=len(fs)), ' id="findings-table"')
    return f'<section id="findings"><h2>{e(tx("findings_h"))}</h2>{controls}{listing}</section>'


def render(model: hm.Model, lang: str | None = None) -> str:
    tx = Texts(lang)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = "kartlegg — " + ", ".join(s["name"] for s in model.sources[:3]) if model.sources else "kartlegg"
    # the assets are ours, but a stray "</" would still end the element early
    css, js = _asset("report.css").replace("</", "<\\/"), _asset("report.js").replace("</", "<\\/")
    origin = tx(hs.ORIGIN[model.origin]) if model.origin in hs.ORIGIN else model.origin
    body = (hs.header(model, tx) + "<main>" + hs.executive(model, tx) + hs.toc(tx) + _coverage(model, tx)
            + _numbers(model, tx) + _heatmap(model, tx) + _risk(model, tx) + _changes(model, tx)
            + html_links.section(model.links, tx) + html_links.retention_section(model.retention, tx)
            + _findings(model, tx) + hs.about(model, tx) + "</main>"
            + f"<footer>{e(tx('footer', when=generated, origin=origin))}</footer>")
    # the generator tag is how a later `kartlegg scan` of this directory knows the file is its own
    return (f'<!DOCTYPE html>\n<html lang="{tx.lang}"><head><meta charset="utf-8">'
            '<meta name="generator" content="kartlegg">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{e(tx("title"))} — {e(title)}</title>'
            f"<style>{css}</style></head><body>{body}<script>{js}</script></body></html>\n")


class HtmlWriter(Writer):
    """A report writer (`kartlegg scan … --format html -o report.html`): keeps the model as records
    come and renders it at close, since the summary comes last. `lang`: nb or en; by default
    KARTLEGG_LANG or the locale (reports.texts)."""

    NAME = "html"

    def __init__(self, target: str = "-", lang: str | None = None):
        self.target, self.lang = target, lang
        self._builder = hm.Builder()
        # opened now, so a path that cannot be written fails before the scan starts
        self._fh = sys.stdout if target == "-" else open(target, "w", encoding="utf-8", errors="backslashreplace")

    def write(self, record: dict) -> None:
        self._builder.add(record)

    def close(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.write(render(self._builder.build(), self.lang))
            self._fh.flush()
        finally:
            if self._fh is not sys.stdout:
                self._fh.close()
            self._fh = None
