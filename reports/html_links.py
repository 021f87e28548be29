"""The HTML report's "Shared identifiers" section: where the same identifiers sit in more than one
dataset (scanner.inventory.links), as a graph drawn in SVG (no script, no request) and a table folded
below it; and the datasets older than their declared retention."""

from __future__ import annotations

import math
from html import escape

from reports.texts import Texts

MAX_ROWS = 40
MAX_NODES = 24
MAX_EDGES = 80  # the most telling links drawn; the table lists them all
KINDS = ("database", "object", "file", "log")
NUM = ' class="num"'


def e(value) -> str:
    return escape(str(value), quote=True)


def _kind(kind: str, tx: Texts) -> str:
    return tx(f"kind_{kind}") if kind in KINDS else kind


def section(links: list[dict] | None, tx: Texts) -> str:
    head = f'<section id="links"><h2>{e(tx("links"))}</h2>'
    if links is None:
        return ""
    if not links:
        return head + f"<p>{e(tx('links_none'))}</p></section>"
    across = sum(1 for r in links if r["a"]["source"] != r["b"]["source"])
    logs = sum(1 for r in links if "log" in (r["a"]["kind"], r["b"]["kind"]))
    lede = tx("links_lede", n=len(links), across=across, logs=logs)
    rows = []
    for r in links[:MAX_ROWS]:
        a, b = r["a"], r["b"]
        rows.append(f'<tr><td class="loc">{e(a["system"])}: {e(a["dataset"])} <span class="muted">'
                    f'({e(_kind(a["kind"], tx))})</span></td>'
                    f'<td class="loc">{e(b["system"])}: {e(b["dataset"])} <span class="muted">'
                    f'({e(_kind(b["kind"], tx))})</span></td>'
                    f'<td>{e(", ".join(tx.entity(t) for t in r["entity_types"]))}</td><td class="num">{r["shared"]}'
                    f'</td><td class="num">{r["containment"]:.0%}</td><td>{e(tx.meaning(r["meaning"]))}</td></tr>')
    more = tx("links_first", n=MAX_ROWS) if len(links) > MAX_ROWS else ""
    table = ('<table id="links-table"><caption>' + e(tx("links_caption", n=len(links)) + more)
             + f"</caption><thead><tr><th>{e(tx('links_from'))}</th><th>{e(tx('links_to'))}</th>"
             f"<th>{e(tx('links_ids'))}</th><th class=\"num\">{e(tx('links_shared'))}</th>"
             f"<th class=\"num\">{e(tx('links_containment'))}</th><th>{e(tx('links_meaning'))}</th></tr></thead>"
             "<tbody>" + "".join(rows) + "</tbody></table>")
    return (head + f'<p class="lede">{e(lede)}</p>' + graph(links, tx)
            + f'<details><summary>{e(tx("links_caption", n=len(links)))}</summary>{table}</details></section>')


def graph(links: list[dict], tx: Texts) -> str:
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
                     f'{e(", ".join(tx.entity(t) for t in r["entity_types"]))}, {r["shared"]}</title></line>')
    dots = []
    for key in order:
        x, y, angle = at[key]
        end = nodes[key]
        right = math.cos(angle) >= 0
        lx, ly = x + (10 if right else -10) * 1, y + 4
        label = f"{end['system']}: {end['dataset']}"
        label = label if len(label) <= 34 else label[:33] + "…"
        dots.append(f'<circle class="node {e(end["kind"])}" cx="{x:.1f}" cy="{y:.1f}" r="6"><title>{e(end["system"])}: '
                    f'{e(end["dataset"])} ({e(_kind(end["kind"], tx))})</title></circle>'
                    f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{"start" if right else "end"}">{e(label)}</text>')
    legend = ('<p class="legend">' + "".join(f'<span class="sw {k}"></span>{e(_kind(k, tx))} '
                                             for k in ("database", "file", "object", "log"))
              + e(tx("links_legend")) + "</p>")
    return (f'<figure class="links"><svg id="links-graph" viewBox="-150 0 {size + 300} {size}" role="img" '
            f'aria-label="{e(tx("links"))}">{"".join(lines)}{"".join(dots)}</svg>'
            f'<figcaption>{legend}</figcaption></figure>')


def retention_section(rows: list[dict] | None, tx: Texts) -> str:
    """Datasets with personal data older than declared (GDPR Art. 5(1)(e)); nothing without an inventory."""
    if rows is None:
        return ""
    head = f'<section id="retention"><h2>{e(tx("retention"))}</h2>'
    if not rows:
        return head + f"<p>{e(tx('retention_none'))}</p></section>"
    over = sum(1 for r in rows if r["status"] == "over")
    lede = tx("retention_lede", n=len(rows), over=over, check=len(rows) - over)
    body = "".join(
        f'<tr><td><span class="badge {"over" if r["status"] == "over" else "check"}">'
        f'{e(tx("ret_over") if r["status"] == "over" else tx("ret_check"))}</span></td>'
        f'<td>{e(r["system"])}</td><td class="loc">{e(r["shown"])}</td><td>{e(r["oldest"]["at"][:10])} '
        f'<span class="muted">({e(r["oldest"]["by"])})</span></td><td>{e(r["declared"])}</td>'
        f'<td class="num">{r["over_days"]:,}</td><td>{e(", ".join(tx.entity(t) for t in r["entity_types"]))}</td>'
        "</tr>" for r in rows)
    heads = "".join(f'<th{NUM if k == "ret_days" else ""}>{e(tx(k))}</th>' for k in (
        "status_l", "ret_system", "ret_dataset", "ret_oldest", "ret_declared", "ret_days", "links_ids"))
    return (head + f'<p class="lede">{e(lede)}</p><table id="retention-table"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{body}</tbody></table></section>")
