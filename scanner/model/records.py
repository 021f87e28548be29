"""The records of a kartlegg report. Field names are an interface: change them only with
SCHEMA_VERSION (major for removals and renames, minor for additions)."""

from __future__ import annotations

from datetime import UTC, datetime

SCHEMA_VERSION = "1.9"  # 1.1: dataset records may carry format and objects; 1.2: change records,
# findings may carry review, the header inventory, the summary suppressed and changes; 1.3: unchanged
# records (--incremental), dataset version, summary locations.unchanged, header sources' settings;
# 1.4: the header's executor; 1.5: location.sealed (names that held personal data, masked and tagged),
# the summary's interrupted (the signal that stopped the scan) and exit codes 4, 5, 129, 130, 143;
# 1.6: findings' free_text and in_log (what the scan knows of where they sit, for the HTML risk ranking);
# 1.7: findings' sketch (detectors.sketch: which identifier values two locations share);
# 1.8: dataset records' document (pages, OCR, characters and time of the documents read);
# 1.9: the summary's exit code 6 (nothing could be read: every source failed as a whole)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _base(kind: str, scan_id: str) -> dict:
    return {"record": kind, "schema_version": SCHEMA_VERSION, "scan_id": scan_id}


def header(scan_id: str, started_at: str, tool: dict, sources: list[dict], settings: dict, detectors: dict,
           inventory: dict | None = None, executor: dict | None = None) -> dict:
    return {**_base("scan", scan_id), "started_at": started_at, "tool": tool, "sources": sources,
            "settings": settings, "detectors": detectors, **({"inventory": inventory} if inventory else {}),
            **({"executor": executor} if executor else {})}


def finding(scan_id: str, source: dict, location: dict, verdict, declared_type: str | None,
            row_estimate: int | None, personal: bool, free_text: bool = False, in_log: str | None = None) -> dict:
    """`free_text`: the values are running text (a note, a log message, a plain-text file), not one
    value each; `in_log`: why the location is a log, in a few words ("the systemd journal"), or
    None. The scan knows both (the crawler, the format, the parser); a report cannot tell them
    from the record otherwise."""
    return {
        **_base("finding", scan_id),
        "source": source,
        "location": location,
        "entity_type": verdict.entity_type,
        "category": verdict.category,
        "personal": personal,
        "confidence": round(verdict.confidence, 3),
        "hits": verdict.hits,
        "sampled": verdict.sampled,
        "ratio": round(verdict.ratio, 4),
        "examples": verdict.examples,
        "fingerprints": verdict.fingerprints,
        "reasons": verdict.reasons,
        "synthetic": verdict.synthetic,
        "declared_type": declared_type,
        "row_estimate": row_estimate,
        "free_text": free_text,
        "in_log": in_log,
        **({"sketch": verdict.sketch} if getattr(verdict, "sketch", None) else {}),
    }


def dataset(scan_id: str, source: dict, location: dict, rows_sampled: int, row_estimate: int | None,
            fields: int, method: str, duration_ms: int, columns: list[dict], details: dict | None = None) -> dict:
    return {**_base("dataset", scan_id), "source": source, "location": location, "rows_sampled": rows_sampled,
            "row_estimate": row_estimate, "fields": fields, "method": method, "duration_ms": duration_ms,
            "columns": columns, **(details or {})}


def retention(scan_id: str, row: dict) -> dict:
    """A dataset holding personal data older than its source's declared retention (1.7)."""
    keys = ("source", "location", "system", "oldest", "declared", "period_days", "over_days", "runs_from", "status",
            "entity_types")
    return {**_base("retention", scan_id), **{k: row[k] for k in keys}}


def skipped(scan_id: str, source: dict, location: dict | None, reason: str) -> dict:
    return {**_base("skipped", scan_id), "source": source, "location": location, "reason": reason}


def unchanged(scan_id: str, source: dict, location: dict, last_read: dict, entity_types: list[str]) -> dict:
    return {**_base("unchanged", scan_id), "source": source, "location": location, "last_read": last_read,
            "entity_types": entity_types}


def error(scan_id: str, source: dict, location: dict | None, err: dict) -> dict:
    return {**_base("error", scan_id), "source": source, "location": location, "error": err}


def summary(scan_id: str, finished_at: str, duration_s: float, counts: dict, exit_code: int) -> dict:
    return {**_base("summary", scan_id), "finished_at": finished_at, "duration_s": round(duration_s, 3),
            **counts, "exit_code": exit_code}
