"""AWS CloudWatch Logs: `kartlegg scan cloudwatch:///aws/lambda/` reads the log groups whose name
starts with the prefix (netloc + path of the URL: `cloudwatch://app-logs` → `app-logs`,
`cloudwatch://` → every group the credentials can describe).

Credentials, `--profile`, `--region` and `--endpoint-url` work as for S3. A group's streams are
grouped into datasets by name pattern like S3 keys (Lambda's `2024/05/01/[$LATEST]0a1b…` streams
are one dataset, `*/*/*/[$LATEST]*`); of each dataset the most recently written stream and a few
random ones are read, the newest events of each. `--full` reads every event of every stream, from
the head, in batches. Each event's message is parsed by the log parsers, so findings name a field
(`user.email`, `client_ip`, `query.email`, `message`).

Only DescribeLogGroups, DescribeLogStreams and GetLogEvents are called. Throttling is retried by
botocore's adaptive mode, which also slows the client down. A group or stream the scanner may not
read is a `skipped` record with the reason; other failures are errors, and the scan goes on.
"""

from __future__ import annotations

import fnmatch
import math
import re
import time
from collections.abc import Iterator
from urllib.parse import quote, unquote

from scanner.crawlers.aws import client as aws
from scanner.crawlers.aws.client import LazyClient
from scanner.crawlers.aws.client import error_code as aws_error_code
from scanner.crawlers.datasets import Grouper, Member
from scanner.crawlers.objects import iso, unit_for
from scanner.formats import Limits
from scanner.formats.logs import parse_lines
from scanner.model.protocols import Crawler
from scanner.model.redact import describe_error, scrub
from scanner.model.units import (
    DatasetSample,
    Failed,
    FieldSample,
    Location,
    Problem,
    Skip,
    Skipped,
    WorkUnit,
    path_selected,
)

EMPTY = "without events"  # streams that were created but never written to
MAX_EVENTS = 10_000  # GetLogEvents' own limit per call
# In a sample, a group's streams are listed most recently written first and the listing stops
# here: DescribeLogStreams is slow (50 a call, a few calls a second), and a Lambda function's group
# gathers a stream per container for as long as its retention.
MAX_LISTED_STREAMS = 10_000
MAX_PAGES = 50  # GetLogEvents calls for one stream's sample
MAX_EMPTY_PAGES = 3  # GetLogEvents may answer empty pages while older events remain
# A full read stops at events ingested after the listing (plus this margin, for clock skew and a
# lastIngestionTime that lags): a stream written faster than it is read would never end otherwise.
LIVE_MARGIN_MS = 60_000
DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})
_GLOB = re.compile(r"[*?\[]")
_XML_CODE = re.compile(r"<Code>([A-Za-z0-9.]{1,64})</Code>")


def parse(url: str) -> str:
    """The log group name prefix a URL names ('' for all groups). Group names hold only letters,
    digits and `_-./#`, so a query is dropped and escapes are decoded."""
    rest = url.split("://", 1)[1] if "://" in url else ""
    return unquote(rest.partition("?")[0])


def group_uri(group: str) -> str:
    return f"cloudwatch://{quote(group, safe='/')}"


def error_code(exc: BaseException) -> str | None:
    """The error's code; from an XML body too, when something in front of the service (a proxy,
    an emulator's auth layer) answered in XML and botocore's JSON parser left only the status."""
    code = aws_error_code(exc)
    if code is not None and code.isdigit():
        found = _XML_CODE.search(str(exc.response.get("Error", {}).get("Message", "")))
        if found:
            return found.group(1)
    return code


def refusal(exc: BaseException) -> str | None:
    """The reason CloudWatch refused for good (permissions, a KMS key, gone), or None."""
    code = error_code(exc)
    if code is None:
        return None
    message = str(exc.response.get("Error", {}).get("Message", "")).lower()
    if code in DENIED or code.startswith("KMS"):
        if "kms" in message or code.startswith("KMS"):
            return f"KMS key denied ({code}): the log group is encrypted with a key the scanner may not use"
        return f"access denied ({code})"
    if code == "ResourceNotFoundException":
        return "gone since it was listed"
    return None


def _reason(exc: BaseException) -> str:
    described = describe_error(exc)
    return f"{described['type']}: {described['message']}"


def _has_events(stream: dict) -> bool:
    return any(stream.get(k) for k in ("lastIngestionTime", "lastEventTimestamp", "firstEventTimestamp"))


def _member(stream: dict) -> Member:
    when = stream.get("lastEventTimestamp") or stream.get("lastIngestionTime") or stream.get("creationTime") or 0
    ingested = stream.get("lastIngestionTime")
    return Member(stream["logStreamName"], int(stream.get("storedBytes") or 0), when / 1000,
                  str(ingested) if ingested else None)


# What DescribeLogStreams says about a stream's last change, for its dataset's change token:
# lastIngestionTime moves with every PutLogEvents, firstEventTimestamp when retention drops old
# events, creationTime when a stream is deleted and made again. storedBytes is deprecated (AWS
# reports 0) and uploadSequenceToken ignored since 2023: the first is kept for stores that still
# count, the second left out. AWS updates these fields eventually (lastEventTimestamp "typically
# in less than an hour"), so a change can show a scan late, never not at all.
STAMP_FIELDS = ("creationTime", "firstEventTimestamp", "lastEventTimestamp", "lastIngestionTime", "storedBytes")


def _stamp(stream: dict) -> tuple:
    return (stream["logStreamName"], *(stream.get(k) for k in STAMP_FIELDS))


def _lines(message: str) -> list[str]:
    """An event's message as log lines. A JSON document stays whole even when pretty-printed."""
    text = message.rstrip("\r\n")
    stripped = text.strip()
    if stripped[:1] == "{" and stripped[-1:] == "}" and "\n" in stripped:
        return [stripped]
    return text.splitlines()


def _merge(merged: dict[str, FieldSample], fields: list[FieldSample]) -> None:
    for f in fields:
        have = merged.get(f.name)
        if have is None:
            merged[f.name] = FieldSample(f.name, f.declared_type, list(f.values), unstructured=f.unstructured)
        else:
            have.values.extend(f.values)


def _columns(fields: list[FieldSample]) -> list[dict]:
    return [{"name": f.name, "type": "text" if f.unstructured else "string"} for f in fields]


class CloudWatchCrawler(Crawler):
    NAME = "cloudwatch"
    SCHEMES = ("cloudwatch",)
    LOGS = "CloudWatch Logs"
    OPTIONS = aws.OPTIONS
    CONNECTIONS = 4  # streams read at once: GetLogEvents has an account-wide rate quota
    EMPTY = "empty: no log groups or streams"

    @classmethod
    def for_workers(cls, source):
        return aws.for_workers(source)

    def __init__(self, source, settings):
        super().__init__(source, settings)
        self.prefix = parse(source.url)
        self._client = LazyClient("logs", self)

    @property
    def client(self):
        return self._client.get()

    def close(self) -> None:
        self._client.close()

    # -- selection ------------------------------------------------------------------------------
    def wanted(self, group: str, stream: str) -> bool:
        """--include / --exclude globs match `group/stream` (`*` crosses `/`)."""
        name = f"{group}/{stream}"
        return path_selected(name, self.settings.include, self.settings.exclude)

    def group_wanted(self, group: str) -> bool:
        """Whether any stream of the group can pass --include/--exclude: a group no pattern can
        select is not listed at all."""
        head = f"{group}/"
        s = self.settings
        if any(p.endswith("*") and fnmatch.fnmatchcase(head, p) for p in s.exclude):
            return False  # `group/*` (or `app-*`) excluded, whatever the streams are called
        if not s.include:
            return True
        for p in s.include:
            found = _GLOB.search(p)
            literal = p[: found.start()] if found else p
            if head.startswith(literal) or literal.startswith(head):
                return True
        return False

    # -- discovery ------------------------------------------------------------------------------
    def _groups(self) -> Iterator[dict]:
        args = {"logGroupNamePrefix": self.prefix} if self.prefix else {}
        for page in self.client.get_paginator("describe_log_groups").paginate(**args):
            yield from page.get("logGroups", [])

    def _streams(self, group: str) -> Iterator[dict]:
        pages = self.client.get_paginator("describe_log_streams").paginate(
            logGroupName=group, orderBy="LastEventTime", descending=True,
        )
        for page in pages:
            yield from page.get("logStreams", [])

    def discover(self) -> Iterator[WorkUnit | Skip | Failed]:
        groups = self._groups()
        while True:
            try:
                group = next(groups)
            except StopIteration:
                return
            except Exception as exc:  # the groups found so far are still scanned
                where = Location(self.prefix or None, "*", None, group_uri(self.prefix) if self.prefix else "cloudwatch://*")
                reason = refusal(exc)
                yield Skip(where, reason) if reason else Failed(where, exc)
                return
            name = group["logGroupName"]
            if self.group_wanted(name):
                yield from self._group(name)

    def _group(self, group: str) -> Iterator[WorkUnit | Skip | Failed]:
        base = group_uri(group)
        grouper = Grouper(0 if self.settings.full else self.settings.objects_per_dataset, self.settings.seed)
        listed = 0
        capped = False
        first_event: dict[str, int] = {}  # stream → its oldest event (ms), for retention checks
        try:
            for stream in self._streams(group):
                if not self.settings.full and listed >= MAX_LISTED_STREAMS:
                    capped = True
                    break
                listed += 1
                if self.wanted(group, stream["logStreamName"]):
                    grouper.add(_member(stream), None if _has_events(stream) else EMPTY, _stamp(stream))
                    if stream.get("firstEventTimestamp"):
                        first_event[stream["logStreamName"]] = stream["firstEventTimestamp"]
        except Exception as exc:
            where = Location(group, "*", None, base)
            reason = refusal(exc)
            yield Skip(where, reason) if reason else Failed(where, exc)
            return
        listed_at = int(time.time() * 1000)
        for ds in grouper:
            unit = unit_for(self.source.name, self.NAME, group, base, ds)
            unit.meta["listed_at"] = listed_at
            firsts = [first_event[m["key"]] for m in unit.meta["members"] if m["key"] in first_event]
            if firsts:
                unit.meta["first_event"] = iso(min(firsts) / 1000)
            if capped:
                # the token still holds: a stream written to moves to the head of the listing
                unit.meta["capped"] = MAX_LISTED_STREAMS
            yield unit

    # -- sampling -------------------------------------------------------------------------------
    def _newest(self, group: str, stream: str, n: int) -> tuple[list[str], int]:
        """(messages, bytes) of the newest `n` events of a stream, oldest first, paging backwards;
        a page started beyond --read-bytes of the stream is the last."""
        pages: list[list[dict]] = []
        got = size = empty = 0
        token = None
        for _ in range(MAX_PAGES):
            args = {"logGroupName": group, "logStreamName": stream, "limit": min(MAX_EVENTS, n - got),
                    "startFromHead": False}
            if token:
                args["nextToken"] = token
            response = self.client.get_log_events(**args)
            events = response.get("events", [])
            pages.append(events)
            got += len(events)
            size += sum(len(e.get("message", "").encode("utf-8", "surrogatepass")) for e in events)
            empty = 0 if events else empty + 1
            new = response.get("nextBackwardToken")
            if got >= n or size >= self.settings.object_bytes or not new or new == token or empty >= MAX_EMPTY_PAGES:
                break
            token = new
        messages = [e.get("message", "") for page in reversed(pages) for e in page]
        return messages[-n:] if len(messages) > n else messages, size

    def _every(self, group: str, member: Member, listed_at: int | None) -> Iterator[list[dict]]:
        """Every event of a stream from its head, a page at a time, until the forward token repeats.
        Events ingested after the stream was listed are left for the next scan."""
        known = [int(member.tag)] if member.tag and member.tag.isdigit() else []
        cutoff = max(known + [listed_at or 0]) + LIVE_MARGIN_MS if known or listed_at else None
        token = None
        while True:
            args = {"logGroupName": group, "logStreamName": member.key, "startFromHead": True, "limit": MAX_EVENTS}
            if token:
                args["nextToken"] = token
            response = self.client.get_log_events(**args)
            events = response.get("events", [])
            if cutoff is not None:
                kept = [e for e in events if int(e.get("ingestionTime") or 0) <= cutoff]
                if events and not kept:
                    return  # only events written since the listing: caught up
                events = kept
            if events:
                yield events
            new = response.get("nextForwardToken")
            if not new or new == token:
                return
            token = new

    def _parse(self, messages: list[str]) -> list[FieldSample]:
        lines = [line for m in messages for line in _lines(m)]
        if not lines:
            return []
        return parse_lines(lines, Limits.from_settings(self.settings, rows=len(lines)))

    def _problem(self, unit: WorkUnit, stream: str, exc: BaseException) -> Problem:
        loc = unit.location
        reason = refusal(exc)
        return Problem(Location(loc.container, stream, None, loc.base), scrub(reason or _reason(exc)),
                       "skipped" if reason else "error")

    def _details(self, unit: WorkUnit, sampled: int, read_bytes: int) -> dict:
        meta = unit.meta
        objects = {"total": meta["total"], "sampled": sampled, "bytes": meta["bytes"], "read_bytes": read_bytes,
                   "newest": meta.get("newest"), "unreadable": meta.get("unreadable") or {}}
        details = {"format": "cloudwatch", "objects": objects}
        if meta.get("first_event"):
            details["oldest"] = {"at": meta["first_event"], "by": "the oldest event of its streams"}
        if meta.get("capped"):
            note = f"only the {meta['capped']} most recently written streams of the log group were listed"
            details["notes"] = [note]
        return details

    def _nothing_read(self, unit: WorkUnit, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        if all(p.kind == "skipped" for p in problems):
            raise Skipped(first.reason + more)
        raise RuntimeError(f"no stream could be read: {first.reason}{more}")

    def _members(self, unit: WorkUnit) -> list[Member]:
        return [Member.from_dict(m) for m in unit.meta["members"]]

    def _empty(self, unit: WorkUnit) -> DatasetSample:
        total = unit.meta["total"]
        return DatasetSample(unit, [], 0, f"no events in {'the stream' if total == 1 else f'any of {total} streams'}",
                             details=self._details(unit, 0, 0))

    def sample(self, unit: WorkUnit) -> DatasetSample:
        members = self._members(unit)
        if not members:
            return self._empty(unit)
        group = unit.location.container
        each = max(1, math.ceil(self.sample_size / len(members)))
        merged: dict[str, FieldSample] = {}
        problems: list[Problem] = []
        rows = read_bytes = ok = 0
        for m in members:
            try:
                messages, size = self._newest(group, m.key, each)
            except Exception as exc:  # one stream that fails is a problem of the dataset
                problems.append(self._problem(unit, m.key, exc))
                continue
            ok += 1
            rows += len(messages)
            read_bytes += size
            _merge(merged, self._parse(messages))
        if not ok:
            self._nothing_read(unit, problems)
        fields = list(merged.values())
        total = unit.meta["total"]
        if total == 1:
            streams = "the stream"
        elif len(members) < total:
            streams = f"each of {len(members)} of {total} streams (newest + random)"
        else:
            streams = f"each of all {total} streams"
        return DatasetSample(unit, fields, rows, f"newest {each} events of {streams}", problems=problems,
                             columns=_columns(fields), details=self._details(unit, ok, read_bytes))

    def sample_batches(self, unit: WorkUnit) -> Iterator[DatasetSample]:
        """--full: every event of every stream, `batch_rows` events a batch; the last batch carries
        the totals. A batch is parsed per stream, so each stream's own format is detected."""
        members = self._members(unit)
        if not members:
            yield self._empty(unit)
            return
        group = unit.location.container
        batch: list[tuple[str, list[str]]] = []  # (stream, messages)
        in_batch = rows = read_bytes = ok = 0
        problems: list[Problem] = []

        def flush() -> DatasetSample:
            merged: dict[str, FieldSample] = {}
            for _, messages in batch:
                _merge(merged, self._parse(messages))
            return DatasetSample(unit, list(merged.values()), in_batch, "")

        for m in members:
            read_any = False
            try:
                for events in self._every(group, m, unit.meta.get("listed_at")):
                    read_any = True
                    for event in events:
                        message = event.get("message", "")
                        read_bytes += len(message.encode("utf-8", "surrogatepass"))
                        if not batch or batch[-1][0] != m.key:
                            batch.append((m.key, []))
                        batch[-1][1].append(message)
                        in_batch += 1
                        rows += 1
                        if in_batch >= self.settings.batch_rows:
                            yield flush()
                            batch, in_batch = [], 0
            except Exception as exc:
                problem = self._problem(unit, m.key, exc)
                problems.append(problem)
                yield DatasetSample(unit, [], 0, "", problems=[problem])
                if not read_any:
                    continue
            ok += 1
        if batch:
            yield flush()
        if not ok:
            self._nothing_read(unit, problems)
        total = unit.meta["total"]
        yield DatasetSample(unit, [], rows, f"every event of all {total} stream(s) (full read)",
                            details=self._details(unit, ok, read_bytes), complete=True)
