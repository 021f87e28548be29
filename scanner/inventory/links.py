"""Where the same identifiers sit in more than one place: the inventory's findings compared by
their linkage sketches (detectors.sketch), so `kartlegg inventory links` can say "the
fødselsnumre of `kunde.fnr` in the CIS also appear in `eksport/*.csv` on the file share and in
the query strings of `access.log`". Copies, exports and leaks into logs are where personal data
escapes the purpose it was collected for.

A link needs at least one fingerprint in common (each is one identifier in both places; an IP
address, shared by chance far more often, needs three). Fields of one dataset are not linked
to each other.
"""

from __future__ import annotations

from collections import defaultdict

from detectors import sketch as sketches
from scanner.inventory.views import findings, shown

MIN_SHARED = {"IP_ADDRESS": 3}
SUPPRESSED = "suppressed"

DATABASE, FILE, OBJECT, LOG = "database", "file", "object", "log"
_KIND_OF_SOURCE = {"sql": DATABASE, "files": FILE, "s3": OBJECT, "journald": LOG, "cloudwatch": LOG}
_ORDER = {DATABASE: 0, OBJECT: 1, FILE: 2, LOG: 3}


def _kind(f: dict) -> str:
    if f.get("in_log"):
        return LOG
    return _KIND_OF_SOURCE.get(f.get("type") or "", FILE)


def meaning(a: dict, b: dict) -> str:
    """What a link says, in a few words, from where its two ends sit."""
    kinds = {a["kind"], b["kind"]}
    if LOG in kinds:
        return "identifiers written into a log: kept as long as the log, outside the system's purpose"
    if a["source"] == b["source"]:
        if kinds == {DATABASE}:
            return "within one database: a copy, a history or a duplicate of the data"
        return "copies of the same data in several files or objects"
    if DATABASE in kinds and kinds & {FILE, OBJECT}:
        return "an export or copy out of a database onto a file share or object store"
    if kinds == {DATABASE}:
        return "the same people in two databases: an integration or a copy between systems"
    return "copies of the same data in several files or objects"


def links(store, min_shared: int = 1, source: str | None = None) -> list[dict]:
    """One row per pair of fields (in different datasets) whose identifiers overlap, most telling first."""
    from scanner.inventory.views import sources

    known = {s["source"]: s for s in sources(store)}
    found = []
    for f in findings(store, personal_only=True):
        if f["sketch"] and not (f["review"] and f["review"]["state"] == SUPPRESSED):
            src = known.get(f["source"], {})
            found.append({**f, "type": src.get("type"), "system": src.get("system") or f["source"]})
    return pairs(found, min_shared, source)


def pairs(found: list[dict], min_shared: int = 1, source: str | None = None) -> list[dict]:
    """The links among findings given as {source, system, type, container, dataset, location, uri,
    entity_type, in_log, sketch} (the inventory's, or one scan report's)."""
    by_type: dict[str, list[dict]] = defaultdict(list)
    for f in found:
        by_type[f["entity_type"]].append(f)
    out = []
    for entity, group in sorted(by_type.items()):
        need = max(min_shared, MIN_SHARED.get(entity, 1))
        holders: dict[str, list[int]] = defaultdict(list)  # fingerprint → the findings whose sketch has it
        for i, f in enumerate(group):
            for h in f["sketch"]:
                holders[h].append(i)
        candidates = {(i, j) for idx in holders.values() for n, i in enumerate(idx) for j in idx[n + 1:]}
        for i, j in sorted(candidates):
            fa, fb = group[i], group[j]
            if (fa["source"], fa["container"], fa["dataset"]) == (fb["source"], fb["container"], fb["dataset"]):
                continue
            if source is not None and source not in (fa["source"], fb["source"]):
                continue
            c = sketches.compare(fa["sketch"], fb["sketch"])
            if c["shared"] < need:
                continue
            a, b = _end(fa), _end(fb)
            if (_ORDER[a["kind"]], a["source"], a["location"]) > (_ORDER[b["kind"]], b["source"], b["location"]):
                a, b = b, a
            out.append({"entity_type": entity, "a": a, "b": b, "shared": c["shared"], "jaccard": c["jaccard"],
                        "containment": c["containment"], "meaning": meaning(a, b)})
    out.sort(key=lambda r: (*rank(r)[:3], r["entity_type"], r["a"]["location"], r["b"]["location"]))
    return out


def _end(f: dict) -> dict:
    return {"source": f["source"], "system": f.get("system") or f["source"], "location": f["location"],
            "dataset": shown(f["container"], f["dataset"], None, f["uri"].split("#")[0]), "uri": f["uri"],
            "kind": _kind(f)}


def flat(row: dict) -> dict:
    """A link as one row of a table (CSV, XLSX)."""
    return {"entity_type": row["entity_type"], "a_system": row["a"]["system"], "a_location": row["a"]["location"],
            "a_kind": row["a"]["kind"], "b_system": row["b"]["system"], "b_location": row["b"]["location"],
            "b_kind": row["b"]["kind"], "shared": row["shared"], "jaccard": row["jaccard"],
            "containment": row["containment"], "meaning": row["meaning"]}


def linked_systems(rows: list[dict]) -> dict[str, list[str]]:
    """system → the other systems it shares identifiers with (for the Art. 30 view)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        a, b = r["a"]["system"], r["b"]["system"]
        if a != b:
            out[a].add(b)
            out[b].add(a)
    return {k: sorted(v) for k, v in out.items()}


def by_dataset(rows: list[dict]) -> list[dict]:
    """The field-level links gathered per pair of datasets: which identifiers, through which fields."""
    out: dict[tuple, dict] = {}
    for r in rows:
        a, b = r["a"], r["b"]
        key = (a["source"], a["dataset"], b["source"], b["dataset"])
        have = out.get(key)
        if have is None:
            have = out[key] = {"a": {k: a[k] for k in ("source", "system", "dataset", "kind")},
                               "b": {k: b[k] for k in ("source", "system", "dataset", "kind")},
                               "entity_types": [], "fields": [], "shared": 0, "containment": 0.0,
                               "meaning": r["meaning"]}
        if r["entity_type"] not in have["entity_types"]:
            have["entity_types"].append(r["entity_type"])
        have["fields"].append(f"{a['location']} ↔ {b['location']}")
        have["shared"] = max(have["shared"], r["shared"])
        have["containment"] = max(have["containment"], r["containment"])
    return sorted(out.values(), key=rank)


def rank(r: dict) -> tuple:
    """Most telling first: across systems before within one, logs first, then the most shared."""
    a, b = r["a"], r["b"]
    return (a["source"] == b["source"], LOG not in (a["kind"], b["kind"]), -r["shared"], a.get("dataset", ""),
            b.get("dataset", ""))


def flat_dataset(row: dict) -> dict:
    """A dataset-level link as one row of a table (CSV, XLSX)."""
    return {"a_system": row["a"]["system"], "a_dataset": row["a"]["dataset"], "a_kind": row["a"]["kind"],
            "b_system": row["b"]["system"], "b_dataset": row["b"]["dataset"], "b_kind": row["b"]["kind"],
            "entity_types": row["entity_types"], "shared": row["shared"], "containment": row["containment"],
            "meaning": row["meaning"], "fields": row["fields"]}
