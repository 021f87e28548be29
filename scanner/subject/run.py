"""`kartlegg subject`: one person's data in every source the inventory knows of, as records.

The run is a stream of records like a scan's: a `request` header (identifier kinds and keyed
fingerprints, never the values), one `match` per location that holds the person (a table, a
file, an object, a log stream) with the kinds found there and the row count, `not_found` for
each location searched without a match, `skipped`/`error` for what could not be searched, with
`erase_plan` records when asked, and a `summary` last. Nothing a source holds is in them unless
--show-values asks for it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from scanner.model.redact import describe_error, scrub
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import Failed, Location, Problem, Skip
from scanner.subject import streams
from scanner.subject.identifiers import Identifier
from scanner.subject.matching import Found, Matcher, SearchOptions
from scanner.subject.targets import Target, targets

SCHEMA_VERSION = "1.0"
EXIT_OK, EXIT_INCOMPLETE = 0, 3
MAX_SHOWN = 5  # values per field --show-values prints


@dataclass
class Request:
    identifiers: list[Identifier]
    sources: list[Source]
    settings: ScanSettings = field(default_factory=ScanSettings)
    options: SearchOptions = field(default_factory=SearchOptions)
    show_values: bool = False
    erase_plan: bool = False
    export: bool = False  # --export: the matching rows are written out (the CLI writes them)
    controller: str | None = None
    requested_by: str | None = None
    unusable: list[tuple[dict, str]] = field(default_factory=list)  # (source, why it cannot be searched)
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def kinds(self) -> list[str]:
        return sorted({i.kind for i in self.identifiers})

    @property
    def secrets(self) -> list[str]:
        """What must never appear in a message: the identifiers in every form, and credentials."""
        forms = [f for i in self.identifiers for f in (*i.forms, i.canonical, *map(str, i.integers))]
        return [*forms, *(s for src in self.sources for s in src.secrets)]


def iso(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SubjectSearch:
    """Runs a Request against the inventory's findings: `records()` yields the record stream;
    `found` and `counts` hold what the request log keeps."""

    def __init__(self, request: Request, findings: list[dict], fingerprint, redactor=None):
        """`redactor` (scanner.model.redact.Redactor): the scans' one gate for what leaves — names of
        files, tables and fields that hold someone's identifier masked, error messages masked; the
        matching values that --show-values asks for pass it unmasked."""
        self.request = request
        self.redactor = redactor
        self.plan = targets(findings, set(request.kinds))
        self.known = {f["source"] for f in findings}
        self.fingerprint = fingerprint
        self.counts = {"searched": 0, "found": 0, "not_found": 0, "error": 0, "skipped": 0, "passed_over": 0}
        self.rows = 0
        self.found: list[dict] = []  # {source, uri, kinds, rows}: for the request log
        self.exports: list[tuple[Source, Found, dict]] = []  # with the location as the records name it

    def header(self) -> dict:
        r = self.request
        return {"record": "request", "schema_version": SCHEMA_VERSION, "request_id": r.request_id,
                "started_at": iso(r.started_at), "tool": tool(),
                "identifiers": [{"kind": i.kind, "fingerprint": self.fingerprint(i.entity_type, i.canonical)}
                                for i in r.identifiers],
                "controller": r.controller, "requested_by": r.requested_by,
                "sources": [s.describe() for s in r.sources],
                "options": {"max_rows": r.options.max_rows, "since": r.options.since and
                            iso(datetime.fromtimestamp(r.options.since, UTC)),
                            "export": r.export, "erase_plan": r.erase_plan,
                            "show_values": r.show_values}}

    def records(self) -> Iterator[dict]:
        for rec in self._records():
            yield rec if rec["record"] == "match" else self._safe(rec)  # a match passed it in _match

    def _safe(self, rec: dict) -> dict:
        if self.redactor is None or rec["record"] in ("request", "summary"):  # ours alone: kinds, counts
            return rec
        values = rec.pop("values", None)
        rec = self.redactor.record(rec)
        if values is not None:
            rec["values"] = values
        return rec

    def _records(self) -> Iterator[dict]:
        t0 = time.monotonic()
        yield self.header()
        for described, why in self.request.unusable:
            self.counts["skipped"] += 1
            yield {"record": "skipped", "source": described, "location": None, "reason": why}
        for source in self.request.sources:
            yield from self._source(source)
        code = EXIT_INCOMPLETE if self.counts["error"] or self.counts["skipped"] else EXIT_OK
        self.exit_code = code
        yield {"record": "summary", "request_id": self.request.request_id, "locations": dict(self.counts),
               "rows": self.rows, "duration_s": round(time.monotonic() - t0, 3), "exit_code": code}

    # -- one source -------------------------------------------------------------------------------
    def _source(self, source: Source) -> Iterator[dict]:
        from scanner.model.plugins import CRAWLERS, load

        plan = self.plan.get(source.name)
        if not plan:
            why = ("not in the inventory: scan it first" if source.name not in self.known else
                   "the inventory holds no identifier of these kinds here, nor running text with personal data")
            yield self._outcome("skipped", source, None, why)
            return
        settings = whole(self.request.settings.for_source(source))
        try:
            crawler = load(source.crawler, CRAWLERS)(source, settings)
        except Exception as exc:  # noqa: BLE001 - a plugin that cannot be built fails this source only
            yield self._outcome("error", source, None, exc=exc)
            return
        seen: set[tuple] = set()
        try:
            units = list(crawler.discover())  # discovery holds a connection while it runs: done first
            for unit in units:
                key = (unit.location.container, unit.location.dataset)
                target = plan.get(key)
                if target is None:
                    continue
                seen.add(key)
                if isinstance(unit, Skip):
                    yield self._outcome("skipped", source, unit.location, unit.reason)
                elif isinstance(unit, Failed):
                    yield self._outcome("error", source, unit.location, exc=unit.error)
                else:
                    yield from self._unit(crawler, source, unit, target)
        except Exception as exc:  # noqa: BLE001 - a source that fails mid-search: the others go on
            yield self._outcome("error", source, None, exc=exc)
        finally:
            crawler.close()
        for key, target in sorted(plan.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
            if key not in seen:
                loc = Location(target.container, target.dataset)
                yield self._outcome("skipped", source, loc, "in the inventory, not in the source now "
                                    "(gone, renamed, or its name is masked in the inventory)")

    def _unit(self, crawler, source: Source, unit, target: Target) -> Iterator[dict]:
        matcher = Matcher(self.request.identifiers, target)
        try:
            search = getattr(crawler, "subject_search", None)
            found = (search(unit, matcher, self.request.options) if search is not None
                     else streams.search(crawler, unit, matcher, self.request.options))
            for item in found:
                if isinstance(item, Problem):
                    yield self._outcome(item.kind, source, item.location, item.reason)
                elif item.passed_over:
                    self.counts["passed_over"] += 1
                elif item.rows:
                    yield from self._match(source, item)
                else:
                    self.counts["searched"] += 1
                    self.counts["not_found"] += 1
                    yield {"record": "not_found", "source": source.describe(),
                           "location": item.location.to_dict(source), "searched": item.searched,
                           "method": item.method}
        except Exception as exc:  # noqa: BLE001 - one location that fails is an error record
            yield self._outcome("error", source, unit.location, exc=exc)

    def _match(self, source: Source, found: Found) -> Iterator[dict]:
        self.counts["searched"] += 1
        self.counts["found"] += 1
        self.rows += found.rows
        location = found.location.to_dict(source)
        rec = {"record": "match", "source": source.describe(), "location": location, "identifiers": found.kinds,
               "rows": found.rows, "rows_exact": found.exact and not found.more,
               "fields": [{"name": name, "identifiers": sorted(kinds)} for name, kinds in sorted(found.fields.items())],
               "method": found.method}
        if found.modified:
            rec["modified"] = found.modified
        if self.request.show_values and found.records:
            rec["values"] = found.records[:MAX_SHOWN]
        rec = self._safe(rec)  # the request log and the export's names as the records name them
        self.found.append({"source": source.name, "uri": rec["location"]["uri"], "kinds": found.kinds,
                           "rows": found.rows})
        if self.request.export:
            self.exports.append((source, found, rec["location"]))
        yield rec
        if self.request.erase_plan:
            yield erase_record(source, found, location)

    def _outcome(self, kind: str, source: Source, location: Location | None, reason: str | None = None,
                 exc: BaseException | None = None) -> dict:
        self.counts[kind] += 1
        rec = {"record": kind, "source": source.describe(),
               "location": location.to_dict(source) if location is not None else None}
        if exc is not None:
            rec["error"] = describe_error(exc, self.request.secrets)
        else:
            rec["reason"] = scrub(reason or "", self.request.secrets)
        return rec


WHOLE_ROWS = 1 << 40
WHOLE_VALUE = 1 << 20


def whole(settings: ScanSettings) -> ScanSettings:
    """A scan's settings for reading everything a request must see: every record of every file
    (XLSX and JSON documents too, which a full scan still samples), every byte up to the cap on one
    object (--max-object-bytes), values of up to a MiB whole."""
    return replace(settings, full=True, include=(), exclude=(), sample_size=WHOLE_ROWS,
                   object_bytes=settings.max_object_bytes, value_cap=max(settings.value_cap, WHOLE_VALUE))


def erase_record(source: Source, found: Found, location: dict) -> dict:
    """What deleting or correcting the person's data here would touch; kartlegg never does it."""
    if source.crawler == "sql":
        how = (f"delete or correct {found.rows} row(s) by {', '.join(found.keys)}" if found.keys else
               f"delete or correct {found.rows} row(s) matched on {', '.join(sorted(found.fields))} "
               "(the table has no primary key)")
    else:
        how = (f"remove or redact {found.rows} record(s) in this {'object' if source.crawler == 's3' else 'file'}"
               if found.exact else f"remove or redact the matching entries in fields {', '.join(sorted(found.fields))}")
    return {"record": "erase_plan", "source": source.describe(), "location": location, "keys": found.keys,
            "fields": sorted(found.fields), "rows": found.rows, "action": how, "executed": False}


def tool() -> dict:
    from scanner import __version__

    return {"name": "kartlegg", "version": __version__}
