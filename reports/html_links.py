"""The HTML report's "Shared identifiers" section: where the same identifiers sit in more than one
dataset (scanner.inventory.links), as a table and as a graph drawn in SVG (no script, no request)."""

from __future__ import annotations

import math
from html import escape

MAX_ROWS = 40
MAX_NODES = 24
MAX_EDGES = 80  # the most telling links drawn; the table lists them all
KIND_LABEL = {"database": "database", "object": "object store", "file": "file share", "log": "log"}


def e(value) -> str:
    return escape(str(value), quote=True)


def section(links: list[dict] | None) -> str:
    head = '<section id="links"><h2>Shared identifiers</h2>'
    if links is None:
        return ""
    if not links:
        return head + ("<p>No identifier was seen in more than one dataset (each finding keeps a keyed sketch of "
                       "its identifiers; two datasets that share one hold the same person's data).</p></section>")
    across = sum(1 for r in links if r["a"]["source"] != r["b"]["source"])
    logs = sum(1 for r in links if "log" in (r["a"]["kind"], r["b"]["kind"]))
    lede = (f"{len(links)} pair(s) of datasets hold the same identifiers ({across} across systems, {logs} with a "
            "log). Copies, exports and identifiers written into logs are where personal data leaves the purpose "
            "it was collected for. <em>Shared</em> counts identifiers seen in both (at least: each scan sampled); "
            "<em>containment</em> estimates the share of the smaller dataset's identifiers found in the larger. "
            "Values are compared only as keyed fingerprints.")
    rows = []
    for r in links[:MAX_ROWS]:
        a, b = r["a"], r["b"]
        rows.append(f'<tr><td class="loc">{e(a["system"])}: {e(a["dataset"])} <span class="muted">'
                    f'({e(KIND_LABEL.get(a["kind"], a["kind"]))})</span></td>'
                    f'<td class="loc">{e(b["system"])}: {e(b["dataset"])} <span class="muted">'
                    f'({e(KIND_LABEL.get(b["kind"], b["kind"]))})</span></td>'
                    f'<td>{e(", ".join(r["entity_types"]))}</td><td class="num">{r["shared"]}</td>'
                    f'<td class="num">{r["containment"]:.0%}</td><td>{e(r["meaning"])}</td></tr>')
    more = f"; the first {MAX_ROWS} shown" if len(links) > MAX_ROWS else ""
    table = ('<table id="links-table"><caption>' + e(f"{len(links)} linked pair(s), most telling first{more}")
             + "</caption><thead><tr><th>from</th><th>to</th><th>identifiers</th><th class=\"num\">shared</th>"
             '<th class="num">containment</th><th>what it means</th></tr></thead><tbody>' + "".join(rows)
             + "</tbody></table>")
    return head + f'<p class="lede">{lede}</p>' + graph(links) + table + "</section>"


def graph(links: list[dict]) -> str:
    """The datasets of the most telling links on a circle, grouped by system; a line per link,
    thicker the more of one dataset is in the other, red where a log is one end."""
    nodes: dict[tuple, dict] = {}
    for r in links[:MAX_EDGES]:
        for end in (r["a"], r["b"]):
            key = (end["source"], end["dataset"])
            if key not in nodes and len(nodes) < MAX_NODES:
                nodes[key] = end
    order = sorted(nodes, key=lambda k: (nodes[k]["source"], k[1]))
    size, radius = 760, 250
    cx = cy = size / 2
    at = {}
    for i, key in enumerate(order):
        angle = 2 * math.pi * i / max(1, len(order)) - math.pi / 2
        at[key] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), angle)
    lines = []
    for r in links[:MAX_EDGES]:
        ka, kb = (r["a"]["source"], r["a"]["dataset"]), (r["b"]["source"], r["b"]["dataset"])
        if ka not in at or kb not in at:
            continue
        (x1, y1, _), (x2, y2, _) = at[ka], at[kb]
        cls = "log" if "log" in (r["a"]["kind"], r["b"]["kind"]) else ("across" if ka[0] != kb[0] else "within")
        width = 1 + 4 * r["containment"]
        lines.append(f'<line class="link {cls}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke-width="{width:.1f}"><title>{e(r["a"]["dataset"])} ↔ {e(r["b"]["dataset"])}: '
                     f'{e(", ".join(r["entity_types"]))}, {r["shared"]} shared</title></line>')
    dots = []
    for key in order:
        x, y, angle = at[key]
        end = nodes[key]
        right = math.cos(angle) >= 0
        lx, ly = x + (10 if right else -10) * 1, y + 4
        label = f"{end['system']}: {end['dataset']}"
        label = label if len(label) <= 34 else label[:33] + "…"
        dots.append(f'<circle class="node {e(end["kind"])}" cx="{x:.1f}" cy="{y:.1f}" r="6"><title>{e(end["system"])}: '
                    f'{e(end["dataset"])} ({e(KIND_LABEL.get(end["kind"], end["kind"]))})</title></circle>'
                    f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{"start" if right else "end"}">{e(label)}</text>')
    shown = f"the {len(order)} datasets of the most telling links" if len(nodes) < len(
        {(x["source"], x["dataset"]) for r in links for x in (r["a"], r["b"])}) else f"{len(order)} datasets"
    legend = ('<p class="legend">' + e(shown) + ': <span class="sw database"></span>database '
              '<span class="sw file"></span>file share <span class="sw object"></span>object store '
              '<span class="sw log"></span>log; a red line has a log at one end, a dark one crosses systems</p>')
    return (f'<figure class="links"><svg id="links-graph" viewBox="-150 0 {size + 300} {size}" role="img" '
            f'aria-label="datasets that share identifiers">{"".join(lines)}{"".join(dots)}</svg>'
            f'<figcaption>{legend}</figcaption></figure>')


def retention_section(rows: list[dict] | None) -> str:
    """Datasets with personal data older than declared (GDPR Art. 5(1)(e)); nothing without an inventory."""
    if rows is None:
        return ""
    head = '<section id="retention"><h2>Older than declared retention</h2>'
    if not rows:
        return head + ("<p>No dataset with personal data is older than its source's declared retention (a source "
                       "that declares none is not checked: see the Art. 30 view's gaps).</p></section>")
    over = sum(1 for r in rows if r["status"] == "over")
    lede = (f"{len(rows)} dataset(s) hold personal data older than their source's declared retention: {over} over it, "
            f"{len(rows) - over} to check (the period runs from an event, such as the end of a customer relationship, "
            "that the data's age does not show). Age: a table's oldest date (birth and expiry dates left out), or "
            "the oldest file's modification time.")
    body = "".join(
        f'<tr><td><span class="badge {"over" if r["status"] == "over" else "check"}">{e(r["status"])}</span></td>'
        f'<td>{e(r["system"])}</td><td class="loc">{e(r["shown"])}</td><td>{e(r["oldest"]["at"][:10])} '
        f'<span class="muted">({e(r["oldest"]["by"])})</span></td><td>{e(r["declared"])}</td>'
        f'<td class="num">{r["over_days"]:,}</td><td>{e(", ".join(r["entity_types"]))}</td></tr>' for r in rows)
    return (head + f'<p class="lede">{e(lede)}</p><table id="retention-table"><thead><tr><th>status</th>'
            '<th>system</th><th>dataset</th><th>oldest data</th><th>declared retention</th>'
            '<th class="num">over by (days)</th><th>identifiers</th></tr></thead><tbody>' + body
            + "</tbody></table></section>")
