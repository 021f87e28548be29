"""Small pieces of the HTML report that every section uses: escaping, tables, numbers, badges, and
locations that wrap where a reader would break them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape

from reports import html_types as ht
from reports.texts import Texts

# where a location may wrap: after a path separator, never inside a name
_BREAKS = re.compile(r"(?<=[/.#_:\\-])")


def e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def q(value) -> str:
    return f'"{e(value)}"'


def wrap(value) -> str:
    """Escaped text with a <wbr> after each separator: `kunder.db/main.kunde.fnr` breaks at
    its dots and slashes, not mid-word (escaping each part keeps entities whole)."""
    parts = _BREAKS.split("" if value is None else str(value))
    return "<wbr>".join(e(p) for p in parts)


def when(iso: str | None, tx: Texts) -> str:
    if not iso:
        return tx("unknown")
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return (t.astimezone(UTC) if t.tzinfo else t).strftime("%Y-%m-%d %H:%M:%S UTC")


def table(head: list[tuple[str, str]], rows: list[str], caption: str = "", attrs: str = "", foot: str = "") -> str:
    ths = "".join(f'<th scope="col"{f" class={q(c)}" if c else ""}>{e(h)}</th>' for h, c in head)
    cap = f"<caption>{e(caption)}</caption>" if caption else ""
    return (f"<table{attrs}>{cap}<thead><tr>{ths}</tr></thead><tbody>{''.join(rows)}</tbody>"
            f"{f'<tfoot>{foot}</tfoot>' if foot else ''}</table>")


def stat(ident: str, n, label: str, cls: str = "") -> str:
    return f'<div class="stat {cls}"><span class="n" id="{ident}">{e(n)}</span><span class="l">{e(label)}</span></div>'


def entity(entity_type: str | None, tx: Texts) -> str:
    """The entity type in plain words; the raw name stays in the title for a technician."""
    if not entity_type:
        return ""
    return f'<span class="et" title="{e(entity_type)}">{e(tx.entity(entity_type))}</span>'


def hits(f: ht.Finding, tx: Texts) -> str:
    # no value matched: the finding stands on the field's name and the values' shape
    return f"{f.hits}/{f.sampled}" if f.hits else tx("name_shape")


def review_badge(review: dict | None, tx: Texts) -> str:
    if not review:
        return ""
    state = review.get("state") or ""
    title = "; ".join(x for x in (review.get("who") and tx("by", who=review["who"]), review.get("note"),
                                  when(review.get("at"), tx) if review.get("at") else None) if x)
    text = tx.status(state)
    if state == "reopened" and review.get("reasons"):
        text += ": " + "; ".join(review["reasons"])
    elif state == "suppressed":  # why it is out of the counts must survive printing, so not only in title
        text += f": {tx('false_positive')}" + (f" ({review['note']})" if review.get("note") else "")
    return f'<span class="badge {e(state)}" title="{e(title)}">{e(text)}</span>'


def note(n, tx: Texts) -> str:
    """A model's note in the page's language (a plain string is shown as it is)."""
    key = getattr(n, "key", None)
    return tx(key, **n.args) if key else str(n)
