"""The top of the HTML report, for the reader who reads nothing else: which scan, then an executive
summary on the first screen — what was scanned, where the personal data is, the five most urgent
locations and why in plain words, and what was not scanned. The details follow further down."""

from __future__ import annotations

from collections import Counter, defaultdict

from reports import html_model as hm
from reports import html_risk as hr
from reports.html_parts import e, note, review_badge, stat, table, when, wrap
from reports.texts import Texts

TOP = 5
REASONS_SHOWN = 3
ORIGIN = {"JSONL report": "jsonl_report", "the inventory": "the_inventory"}


def status(scan: dict, tx: Texts) -> tuple[str, str]:
    """(status in words, css class) of a scan."""
    code = scan.get("exit_code")
    parts = []
    if scan.get("interrupted"):
        parts.append(tx.interrupted(scan["interrupted"]))
    elif scan.get("status") and not isinstance(code, int):
        parts.append(tx.status(scan["status"]))
    if isinstance(code, int):
        parts.append(tx("exit_code", code=code, meaning=tx.exit(code)))
    return ", ".join(parts) or tx("no_summary_status"), "status-ok" if code in (0, 1) else "status-bad"


def header(m: hm.Model, tx: Texts) -> str:
    first = (m.scans or [{"scan_id": tx("unknown")}])[0]
    words, cls = status(first, tx)
    return (f'<header><h1>{e(tx("title"))}</h1><p class="lede">{e(when(first.get("started_at"), tx))} · '
            f'<span id="status" class="{cls}">{e(words)}</span> · {e(tx("lede"))}</p></header>')


def about(m: hm.Model, tx: Texts) -> str:
    """The scan's particulars: ids, times, tool, inventory and sources."""
    scans = m.scans or [{"scan_id": tx("unknown")}]
    first = scans[0]
    ids = "".join(f"<div><code>{e(s['scan_id'])}</code> <span class=\"lede\">{e(when(s.get('started_at'), tx))}"
                  f"</span></div>" for s in scans)
    facts = [(tx("made_from"), e(tx(ORIGIN[m.origin]) if m.origin in ORIGIN else m.origin)),
             (tx.n(len(scans), "scan").split(" ", 1)[1], ids),
             (tx("started"), e(when(first.get("started_at"), tx))), (tx("finished"), e(when(first.get("finished_at"), tx))),
             (tx("tool"), e(f"kartlegg {first.get('tool_version') or tx('version_unknown')}")),
             (tx("inventory"), e(m.inventory or tx("none_kept"))), (tx("status"), e(status(first, tx)[0]))]
    dl = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in facts)
    srcs = [f"<tr><td>{e(s['name'])}</td><td>{e(s.get('type'))}</td><td class=\"loc mono\">{wrap(s.get('uri'))}</td>"
            "</tr>" for s in m.sources]
    return (f'<section id="about"><h2>{e(tx("about"))}</h2><dl class="facts">{dl}</dl>'
            + table([(tx("source"), ""), (tx("type"), ""), (tx("uri"), "")], srcs, tx("sources")) + "</section>")


def why(r: hr.Risk, tx: Texts) -> str:
    """Why a location is urgent, in words a customer reads: what is there, and where it sits."""
    parts = [tx.entity(r.top)]
    if r.in_log:
        parts.append(tx("why_log"))
    if r.free_hits:
        parts.append(tx("why_free", hits=r.free_hits))
    elif r.ratio >= 0.5:
        parts.append(tx("why_most"))
    others = [tx.entity(t) for t in r.entity_types if t != r.top]
    text = " ".join(parts[:1]) + (", " + ", ".join(parts[1:]) if parts[1:] else "")
    return text + (f"; {tx('why_also', types=', '.join(others))}" if others else "")


def _where(m: hm.Model, tx: Texts) -> str:
    at: dict[str, set] = defaultdict(set)
    types: dict[str, Counter] = defaultdict(Counter)
    for f in m.live:
        if f.personal:
            at[f.category].add((f.source, f.uri))
            types[f.category][f.entity_type] += 1
    if not at:
        return f"<p>{e(tx('exec_none'))}</p>"
    items = []
    for cat in hm.ordered_categories(at):
        words = ", ".join(tx.entity(t) for t, _ in types[cat].most_common())
        items.append(f'<li data-category="{e(cat)}"><strong>{e(tx.category(cat))}</strong>: '
                     f'{e(tx("exec_cat", locations=tx.n(len(at[cat]), "n_location"), types=words))}</li>')
    return f'<ul class="where">{"".join(items)}</ul>'


def _top(m: hm.Model, tx: Texts) -> str:
    items = []
    for r in hr.risk(m, limit=TOP):
        items.append(f'<li><strong class="loc mono">{wrap(r.location)}</strong> <span class="muted">{e(r.source)}'
                     f'</span> {review_badge(r.review, tx)}<div class="why">{e(why(r, tx))}</div></li>')
    return f'<ol class="top" id="exec-top">{"".join(items)}</ol>' if items else f"<p>{e(tx('exec_none'))}</p>"


def _not_scanned(m: hm.Model, tx: Texts) -> str:
    # locations, as the coverage counts them (skipped and failed); a skipped field is in the coverage list
    missed = [p for p in m.problems if p.kind != "field skipped"]
    if not missed:
        return f"<p>{e(tx('exec_not_none'))}</p>"
    reasons = Counter(tx.reason(p.reason) if p.reason else tx.kind(p.kind) for p in missed)
    top = "".join(f"<li>{e(r)} ({n})</li>" for r, n in reasons.most_common(REASONS_SHOWN))
    return (f'<p id="exec-not-scanned">{e(tx("exec_not_text", n=tx.n(len(missed), "n_location")))}</p>'
            f'<ul class="reasons">{top}</ul><p><a href="#coverage">{e(tx("exec_not_more"))}</a></p>')


def executive(m: hm.Model, tx: Texts) -> str:
    c = m.coverage
    names = ", ".join(s["name"] for s in m.sources)
    scanned = tx("exec_scanned_text", sources=f"{tx.n(len(m.sources), 'n_source')} ({names})",
                 read=tx.n(c.get("scanned", 0), "n_location"), skipped=c.get("skipped", 0), failed=c.get("failed", 0))
    personal = len(hm.personal_locations(m))
    stats = (stat("exec-findings", len(m.findings), tx("findings_stat"))
             + stat("exec-personal-locations", personal, tx.n(personal, "loc_with_pd").split(" ", 1)[1]))
    notes = "".join(f'<p class="note">{e(note(n, tx))}</p>' for n in m.notes)
    return (f'<section id="executive" class="exec"><h2>{e(tx("exec"))}</h2><div class="exec-grid"><div>'
            f'<h3>{e(tx("exec_scanned"))}</h3><p id="exec-scanned">{e(scanned)}</p><div class="stats">{stats}</div>'
            f'<h3>{e(tx("exec_where"))}</h3>{_where(m, tx)}'
            f'<h3>{e(tx("exec_not"))}</h3>{_not_scanned(m, tx)}</div>'
            f'<div><h3>{e(tx("exec_top"))}</h3>{_top(m, tx)}</div></div>{notes}</section>')


def toc(tx: Texts) -> str:
    links = "".join(f'<a href="#{k}">{e(tx(v))}</a>' for k, v in (
        ("coverage", "coverage"), ("summary", "numbers"), ("heatmap", "heatmap"), ("risk", "risk"),
        ("changes", "changes"), ("findings", "findings_h"), ("about", "about")))
    return f'<nav class="toc" aria-label="{e(tx("toc"))}">{links}</nav>'
