"""One sampled unit into report records: its dataset record, the fields it skipped, and the
findings of every field. Nothing here touches the scanned system: these run wherever a unit's
sample is, the coordinator's thread, a pool process or a Dask worker.

A finding also says where it sits, as far as the scan knows and a reader of the record could
not tell: in running text (`free_text`) and in a log (`in_log`, and why). The HTML report's risk
ranking weighs both; it knows no crawler, format or file-naming rule itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from detectors import sketch as sketches
from detectors.column import classify_column
from detectors.engine import Engine
from detectors.keyed import classify_keyed, key_columns
from detectors.premises import settle_premises
from scanner.formats.log_names import is_log
from scanner.formats.logs import is_message_field
from scanner.model import categories, plugins, records
from scanner.model.redact import Redactor, printable
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import DatasetSample, FieldSample

LOG_FORMATS = frozenset({"log", "journal", "cloudwatch"})  # a dataset's format, or a part of one ("gzip>log")


@lru_cache(maxsize=64)
def _crawler(name: str):
    """The crawler class of a source (what it says of its datasets: `LOGS`, `FILES`), or None."""
    try:
        return plugins.load(name, plugins.CRAWLERS) if name else None
    except plugins.PluginError:
        return None


def log_reason(crawler: str, dataset: str, fmt: str | None) -> str | None:
    """Why a dataset is a log, in a few words ("the systemd journal"), or None: what read it (a
    crawler of nothing but logs names them, `Crawler.LOGS`), the format its lines were parsed as,
    or, for a file or object (`Crawler.FILES`), its name (access.log.1, syslog; a group of
    rotated logs is named with a trailing *)."""
    cls = _crawler(crawler)
    if cls is not None and cls.LOGS:
        return cls.LOGS
    by_format = log_format(fmt)
    if by_format is not None:
        return by_format
    if cls is not None and cls.FILES and is_log((dataset or "").rstrip("*")):
        return "a log file (by its name)"
    return None


def log_format(fmt: str | None) -> str | None:
    """A log by the format of a dataset record ("log", "gzip>log", "mixed (csv, log)"), or None.
    Whole words only: "catalog" is no log."""
    if LOG_FORMATS & set(re.split(r"[^a-z0-9_]+", (fmt or "").lower())):
        return f"a log file (format {fmt})"
    return None


def running_text(f: FieldSample, judged: bool, in_log: str | None) -> bool:
    """Whether a field's findings sit in running text rather than in one value each: its values
    were judged so (`judged`, the classifier's own call), the reader said so (a note, a log's
    message), it is a plain-text file's whole content, or it is the message field of a log."""
    return judged or f.unstructured or f.dataset_level or (in_log is not None and is_message_field(f.name))


def examine(sample: DatasetSample, source: Source, engine: Engine, settings: ScanSettings,
            fingerprint: Callable[[str, str], str], scan_id: str, duration_ms: int) -> list[dict]:
    found = field_records(sample, source, engine, settings, fingerprint, scan_id)
    return [dataset_record(sample, source, scan_id, duration_ms), *found]


def dataset_record(sample: DatasetSample, source: Source, scan_id: str, duration_ms: int,
                   fields: int | None = None) -> dict:
    unit = sample.unit
    return records.dataset(scan_id, source.describe(), unit.location.to_dict(source), sample.rows_sampled,
                           unit.row_estimate, len(sample.fields) if fields is None else fields, sample.method,
                           duration_ms, sample.columns, sample.details)


def field_records(sample: DatasetSample, source: Source, engine: Engine, settings: ScanSettings,
                  fingerprint: Callable[[str, str], str], scan_id: str, observe=None) -> list[dict]:
    """Skipped fields, problems, and the findings of every field; `observe` (a list) gets
    (uri, entity type, hits) of every entity's verdict, reported or not: a full read adds up hits
    across batches."""
    unit = sample.unit
    src = source.describe()
    out = []
    names_as_values(sample, engine)
    for name, reason in sample.skipped_fields:
        out.append(records.skipped(scan_id, src, unit.location.with_field(name).to_dict(source), reason))
    for p in sample.problems:
        if p.kind == "error":
            out.append(records.error(scan_id, src, p.location.to_dict(source), {"type": "ReadError", "message": p.reason}))
        else:
            out.append(records.skipped(scan_id, src, p.location.to_dict(source), p.reason))
    names = [f.name for f in sample.fields]
    keyed = key_columns([f for f in sample.fields if f.skipped_reason is None])
    # a batch of a full read has no format yet: FullRead looks again with the last batch's
    in_log = log_reason(source.crawler, unit.location.dataset, (sample.details or {}).get("format"))
    judged = []
    for f in sample.fields:
        if f.skipped_reason is not None:
            continue
        neighbours = [n for n in names if n != f.name and _same_table(n, f.name)]
        key = keyed.get(f.name)
        if key is not None:  # an attribute/value table: the value column judged per attribute
            result = classify_keyed(f.name, f.declared_type, f.values, key.name, key.values, engine,
                                    neighbours=neighbours, fingerprint=fingerprint)
        else:
            result = classify_column(f.name, f.declared_type, f.values, engine, neighbours=neighbours,
                                     fingerprint=fingerprint, free_text=True if f.unstructured else None)
        judged.append((f.name, result, neighbours))
    settle_premises(judged, settings.min_confidence)  # what only the whole dataset tells
    results = iter(judged)
    for f in sample.fields:
        if f.skipped_reason is not None:  # a crawler that passed the reader's fields on as they came
            out.append(records.skipped(scan_id, src, unit.location.with_field(f.name).to_dict(source),
                                       f.skipped_reason))
            continue
        result = next(results)[1]
        where = unit.location.with_field(None if f.dataset_level else f.name)
        if observe is not None:
            uri = where.uri(source)
            observe.extend((uri, v.entity_type, v.hits) for v in result.entities.values())
        for verdict in result.findings(settings.min_confidence):
            out.append(records.finding(scan_id, src, where.to_dict(source), verdict,
                                       f.declared_type, unit.row_estimate,
                                       categories.info(verdict.entity_type).personal,
                                       free_text=running_text(f, result.free_text, in_log), in_log=in_log))
    return out


def _same_table(a: str, b: str) -> bool:
    """Whether two fields of a dataset sit in one table: a workbook's sheets (`Kunder!Navn`,
    `Sammendrag!Sum kWh`) are tables of their own, and a total on a summary sheet has nothing
    to do with the customer numbers on another."""
    return "!" not in a or "!" not in b or a.partition("!")[0] == b.partition("!")[0]


_REDACTORS: dict[int, Redactor] = {}


def names_as_values(sample: DatasetSample, engine: Engine) -> None:
    """A field name that holds a value (a headerless file's first row, a JSON object keyed by
    e-mail address, a logfmt key that is a person's name) is classified among the field's
    values, so the field is reported for what its name gave away too. The name itself is
    masked where every record is, in `Redactor.record`."""
    redactor = _REDACTORS.get(id(engine))
    if redactor is None or redactor.engine is not engine:
        redactor = _REDACTORS[id(engine)] = Redactor(engine)
    for f in sample.fields:
        if redactor.name(f.name) != printable(f.name):
            f.values.append(f.name)


class FullRead:
    """--full: the batches of one unit classified one by one, their findings merged per location
    and entity type, so memory holds one batch and the merged findings, never the data."""

    MAX_EXAMPLES = 5

    def __init__(self, max_columns: int = 200):
        self.findings: dict[tuple[str, str], dict] = {}
        self.hits: dict[tuple[str, str], int] = {}  # every batch's hits, also where a batch alone did not report
        self.values: dict[str | None, int] = {}  # values read per reported field, for `sampled`
        self.columns: dict[str, dict] = {}
        self.more_columns = 0
        self.max_columns = max_columns
        self.others: list[dict] = []  # skipped and error records, each once
        self._seen: set[str] = set()
        self.batches = 0
        self.format: str | None = None  # the dataset's, from the batch that carries it (the last)

    def observe(self, seen: list[tuple[str, str, int]]) -> None:
        for uri, entity_type, hits in seen:
            self.hits[(uri, entity_type)] = self.hits.get((uri, entity_type), 0) + hits

    def add(self, sample: DatasetSample, found: list[dict]) -> None:
        self.batches += bool(sample.fields)
        self.format = (sample.details or {}).get("format") or self.format
        for f in sample.fields:
            key = None if f.dataset_level else f.name
            self.values[key] = self.values.get(key, 0) + len(f.values)
            if f.name in self.columns:
                continue
            if len(self.columns) < self.max_columns:
                self.columns[f.name] = {"name": f.name, "type": f.declared_type or
                                        ("text" if f.unstructured else "string")}
            else:
                self.more_columns += 1
        for r in found:
            if r["record"] != "finding":
                ident = repr((r["record"], r["location"], r.get("reason"), r.get("error")))
                if ident not in self._seen:
                    self._seen.add(ident)
                    self.others.append(r)
                continue
            key = (r["location"]["uri"], r["entity_type"])
            have = self.findings.get(key)
            if have is None:
                self.findings[key] = {**r, "batches": 1}
                continue
            have["batches"] += 1
            have["hits"] += r["hits"]
            have["confidence"] = max(have["confidence"], r["confidence"])
            have["synthetic"] = have.get("synthetic", 0) + r.get("synthetic", 0)
            have["free_text"] = bool(have.get("free_text") or r.get("free_text"))
            have["in_log"] = have.get("in_log") or r.get("in_log")
            if r.get("sketch"):
                have["sketch"] = sketches.merge(have.get("sketch"), r["sketch"])
            for example, fp in zip(r["examples"], r.get("fingerprints") or [None] * len(r["examples"])):
                if len(have["examples"]) < self.MAX_EXAMPLES and fp not in (have.get("fingerprints") or []):
                    have["examples"].append(example)
                    if fp is not None:
                        have.setdefault("fingerprints", []).append(fp)

    def records(self, complete: bool) -> list[dict]:
        """`complete`: the crawler read everything in batches (not a sample passed off as one)."""
        out = list(self.others)
        by_format = log_format(self.format)
        for key, r in self.findings.items():
            batches = r.pop("batches")
            read_by = _crawler(r["source"].get("type", ""))
            if by_format is not None and not (read_by is not None and read_by.LOGS):
                # what the batches could not know: the format is the dataset's, told at the end
                r["in_log"] = by_format
                r["free_text"] = bool(r.get("free_text") or is_message_field(r["location"].get("field") or ""))
            if not complete:
                out.append(r)
                continue
            r["hits"] = max(self.hits.get(key, r["hits"]), r["hits"])
            r["sampled"] = max(self.values.get(r["location"]["field"], r["sampled"]), r["hits"])
            r["ratio"] = round(r["hits"] / r["sampled"], 4) if r["sampled"] else 0.0
            r["reasons"] = [f"full read: {r['hits']} of {r['sampled']} values, reported from {batches} of "
                            f"{self.batches} batch(es)", *r["reasons"][1:]]
            out.append(r)
        return out
