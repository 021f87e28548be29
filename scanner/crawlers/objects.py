"""What the file-system and S3 crawlers share: datasets as units of work, and sampling one.

A unit carries the members chosen at discovery (newest + random), so sampling it elsewhere needs
only the source. Each member is read by the format readers; their fields are merged by name, and
a member that cannot be read becomes a Problem of the dataset instead of failing it.
"""

from __future__ import annotations

import io
import math
import posixpath
import random
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime

from scanner.crawlers.datasets import Dataset, Member
from scanner.crawlers.known_words import HEADER_WORDS
from scanner.formats import FormatError, Limits, Sample, TooLarge, Unsupported, read
from scanner.formats.batches import read_batches
from scanner.formats.documents import DOCUMENTS, DocStats
from scanner.formats.limits import human_size
from scanner.formats.log_names import is_log
from scanner.formats.streams import wide_encoding
from scanner.model.redact import describe_error, scrub
from scanner.model.units import (
    DatasetSample,
    FieldSample,
    Location,
    Problem,
    Skipped,
    WorkUnit,
)
from scanner.model.values import Unreadable, cap_name


class Denied(Exception):
    """The store refused to hand over a member (permissions, KMS key, archived storage class)."""


class ReadFailed(Exception):
    """No member of a dataset could be read, and not for a reason that makes it a skip."""


# opens a member for reading: yields (binary stream, whether it is only a prefix of the member);
# the third argument is to be called with the number of bytes each read takes from storage.
Opener = Callable[[Member, Limits, Callable[[int], None]], AbstractContextManager]


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def unit_for(source: str, crawler: str, container: str, base: str, ds: Dataset) -> WorkUnit:
    return WorkUnit(
        source=source,
        crawler=crawler,
        location=Location(container, ds.name, None, base),
        row_estimate=None,
        meta={
            "members": [m.to_dict() for m in ds.chosen()],
            "total": ds.count,
            "bytes": ds.bytes,
            "unreadable": dict(ds.unreadable),
            "newest": iso(ds.newest.modified) if ds.newest else None,
            "oldest": iso(ds.oldest),
        },
        version=ds.version,
    )


def unreadable_reason(ds: Dataset) -> str:
    parts = [f"{n} {'object' if n == 1 else 'objects'} {reason}" for reason, n in sorted(ds.unreadable.items())]
    return "nothing readable: " + "; ".join(parts)


# reads `n` bytes at `offset` of a member (a Range GET, a pread): used to sample logs in blocks
RangeRead = Callable[[Member, int, int, Callable[[int], None]], bytes]
COMPRESSED_SUFFIXES = (".gz", ".gzip", ".bz2", ".zst", ".xz", ".zip")
LOG_BLOCKS = 4  # head, two random blocks, tail


def block_plan(size: int, budget: int, seed: str) -> list[tuple[int, int]]:
    """(offset, length) of a log's head, tail and random blocks in between, `budget` bytes in all.

    A log is written at its end and read at its start: the head shows what the service logged
    when it started, the tail what it logs now, the middle anything in between.
    """
    if size <= budget:
        return [(0, size)]
    block = max(1, budget // LOG_BLOCKS)
    rnd = random.Random(seed)
    room = size - 2 * block  # bytes between head and tail
    middle = sorted(rnd.randrange(block, block + max(1, room - block)) for _ in range(LOG_BLOCKS - 2))
    plan, end = [(0, block)], block
    for start in middle:
        start = max(start, end)
        if start + block <= size - block:
            plan.append((start, block))
            end = start + block
    plan.append((size - block, block))
    return plan


def whole_lines(data: bytes, at_start: bool, at_end: bool) -> bytes:
    """A block cut to whole lines: a line cut by the block's edges is not a value."""
    if not at_start:
        cut = data.find(b"\n")
        if cut < 0:
            return data  # inside one line longer than the block: its piece is still read
        data = data[cut + 1:]
    if not at_end:
        cut = data.rfind(b"\n")
        if cut >= 0:
            data = data[: cut + 1]
    return data


class DatasetReader:
    """Reads the members of one dataset unit and merges their fields by name."""

    def __init__(self, unit: WorkUnit, open_member: Opener, settings, sample_size: int,
                 display: Callable[[str], str] = str, read_range: RangeRead | None = None):
        self.unit, self.open_member, self.settings = unit, open_member, settings
        self.display, self.read_range = display, read_range
        self.members = [Member.from_dict(m) for m in unit.meta["members"]]
        self.rows_each = max(1, math.ceil(sample_size / max(1, len(self.members))))
        self.limits = Limits.from_settings(settings, rows=self.rows_each, header_words=HEADER_WORDS)
        self.fetched = 0
        self.formats: list[str] = []
        self.notes: list[str] = []
        self.skips: list[str] = []
        self.errors: list[str] = []
        self.read_ok = 0
        self.blocks = 0
        self.skipped_fields: dict[str, str] = {}  # field -> why it was not read
        self.unreadable = Unreadable()  # values, lines and cells left out of what was read, by reason
        self.document = DocStats()  # pages, OCR, characters and time of the documents read

    def tally(self, n: int) -> None:
        self.fetched += n

    def _where(self, key: str) -> Location:
        loc = self.unit.location
        return Location(loc.container, self.display(key), None, loc.base)

    def in_blocks(self, m: Member) -> bool:
        # A log barely over the budget is read whole: blocks would leave slivers unread.
        return (self.read_range is not None and is_log(m.key) and m.size > self.settings.object_bytes * 5 // 4
                and not m.key.lower().endswith(COMPRESSED_SUFFIXES))

    def _samples(self, m: Member) -> Iterator[Sample]:
        name = self.display(posixpath.basename(m.key))
        if self.settings.full:
            with self.open_member(m, self.limits, self.tally) as (stream, _):
                yield from read_batches(stream, name, self.limits, self.settings.batch_rows)
            return
        if self.in_blocks(m):
            plan = block_plan(m.size, self.settings.object_bytes, f"{self.settings.seed}|{m.key}")
            rows = max(1, math.ceil(self.rows_each / len(plan)))
            head = self.read_range(m, 0, min(m.size, 4096), lambda n: None)
            if wide_encoding(head) is None:  # a UTF-16/32 block may start mid-character: read the head
                self.blocks = max(self.blocks, len(plan))
                yield from self._blocks(m, name, plan, rows)
                return
        with self.open_member(m, self.limits, self.tally) as (stream, partial):
            yield read(stream, name, replace(self.limits, partial=partial))

    def _blocks(self, m: Member, name: str, plan: list[tuple[int, int]], rows: int) -> Iterator[Sample]:
        for offset, length in plan:
            data = self.read_range(m, offset, length, self.tally)
            data = whole_lines(data, offset == 0, offset + length >= m.size)
            yield read(io.BytesIO(data), name, replace(self.limits, max_rows=rows, partial=True))

    def _problems(self, m: Member, sample: Sample) -> list[Problem]:
        loc = self.unit.location
        out = [Problem(self._where(m.key), scrub(w), "error") for w in sample.warnings]
        out += [Problem(Location(loc.container, f"{self.display(m.key)}:{member}", None, loc.base), scrub(reason),
                        "skipped") for member, reason in sample.skipped]
        return out

    def member_parts(self, m: Member) -> Iterator[tuple[list[FieldSample], int, list[Problem]]]:
        """(fields, rows, problems) per piece read of one member; a failure is a problem, not a raise."""
        got = False
        try:
            for sample in self._samples(m):
                if not got:
                    got = True
                    self.read_ok += 1
                    kinds = [*sample.layers, sample.format]
                    self.formats.append(">".join(k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1]))
                self.notes += sample.mismatches
                self.unreadable.update(sample.unreadable)
                self.document.add(sample.document)
                for f in sample.fields:  # whatever the reader: a name goes into every record of its field
                    f.name = cap_name(f.name)
                read = [f for f in sample.fields if f.skipped_reason is None]
                for f in sample.fields:
                    if f.skipped_reason is not None and f.name not in self.skipped_fields:
                        self.skipped_fields[f.name] = f.skipped_reason
                rows = sample.rows if sample.rows is not None else max((len(f.values) for f in read), default=0)
                yield read, rows, self._problems(m, sample)
        except (Denied, Unsupported, TooLarge) as e:
            self.skips.append(scrub(str(e)))
            yield [], 0, [Problem(self._where(m.key), scrub(str(e)), "skipped")]
        except FileNotFoundError:
            self.skips.append("gone since it was listed")
            yield [], 0, [Problem(self._where(m.key), "gone since it was listed", "skipped")]
        except Exception as e:  # one object that fails is an error of its own; the dataset goes on
            reason = _reason(e)
            kind = "skipped" if isinstance(e, PermissionError) else "error"
            (self.skips if kind == "skipped" else self.errors).append(reason)
            yield [], 0, [Problem(self._where(m.key), reason, kind)]

    def _nothing_read(self) -> None:
        if self.errors:
            more = f" (and {len(self.members) - 1} more)" if len(self.members) > 1 else ""
            raise ReadFailed(self.errors[0] + more)
        raise Skipped(_summarise(self.skips) or "nothing to read")

    def _finish(self, fields: list[FieldSample], rows: int, problems: list[Problem]) -> DatasetSample:
        kinds = sorted(set(self.formats))
        total = self.unit.meta["total"]
        objects = {
            "total": total,
            "sampled": self.read_ok,
            "bytes": self.unit.meta["bytes"],
            "read_bytes": self.fetched,
            "newest": self.unit.meta.get("newest"),
            "unreadable": self.unit.meta.get("unreadable") or {},
        }
        details = {"format": kinds[0] if len(kinds) == 1 else f"mixed ({', '.join(kinds)})", "objects": objects}
        if self.notes:
            details["notes"] = list(dict.fromkeys(self.notes))
        details.update(self.unreadable.details())
        if self.document:
            details["document"] = self.document.to_dict()
        if self.unit.meta.get("oldest"):  # its last write: every line or row in it is at least as old
            details["oldest"] = {"at": self.unit.meta["oldest"],
                                 "by": "the oldest file's or object's modification time"}
        return DatasetSample(
            unit=self.unit, fields=fields, rows_sampled=rows, method=self.method(kinds, total), problems=problems,
            skipped_fields=list(self.skipped_fields.items()),
            columns=[{"name": f.name, "type": f.declared_type or ("text" if f.unstructured else "string")}
                     for f in fields],
            details=details,
        )

    def method(self, kinds: list[str], total: int) -> str:
        if self.settings.full:
            return f"full read of all {total} file(s)/object(s)"
        lead = f"{len(self.members)} of {total} (newest + random): " if total > 1 else ""
        how = [_how(k.rsplit(">", 1)[-1], self.settings.object_bytes, total > 1) for k in kinds]
        if self.blocks:
            block = human_size(self.settings.object_bytes // LOG_BLOCKS)
            how.append(f"logs larger than {human_size(self.settings.object_bytes)}: head, tail and "
                       f"{self.blocks - 2} random blocks of {block}")
        return lead + ", ".join(dict.fromkeys(how))

    def sample(self) -> DatasetSample:
        merged: dict[str, FieldSample] = {}
        problems: list[Problem] = []
        rows = 0
        for m in self.members:
            for fields, n, found in self.member_parts(m):
                rows += n
                problems += found
                _merge(merged, fields)
        if not self.read_ok:
            self._nothing_read()
        return self._finish(list(merged.values()), rows, problems)

    def batches(self) -> Iterator[DatasetSample]:
        """--full: one DatasetSample per batch of records, every member, every byte; the last one
        carries the dataset's totals. Memory holds one batch, not the dataset."""
        rows = 0
        for m in self.members:
            for fields, n, found in self.member_parts(m):
                rows += n
                yield DatasetSample(self.unit, fields, n, "", problems=found)
        if not self.read_ok:
            self._nothing_read()
        final = self._finish([], rows, [])
        final.complete = True
        yield final


def _merge(merged: dict[str, FieldSample], fields: list[FieldSample]) -> None:
    for f in fields:
        have = merged.get(f.name)
        if have is None:
            merged[f.name] = FieldSample(f.name, f.declared_type, list(f.values), unstructured=f.unstructured,
                                         dataset_level=f.dataset_level)
        else:
            have.values.extend(f.values)


def _how(fmt: str, object_bytes: int, several: bool) -> str:
    if fmt == "parquet":
        return "first row group"
    if fmt == "xlsx":
        return "first rows of every sheet"
    each = " of each" if several else ""
    if fmt in DOCUMENTS:  # fetched whole; the text taken of it is the budget (documents.base)
        return f"whole document, up to {human_size(object_bytes)} of its text{each}"
    return f"first {human_size(object_bytes)}{each}"


def _summarise(reasons: list[str]) -> str:
    counts = Counter(reasons)
    return "; ".join(r if n == 1 else f"{r} ({n} objects)" for r, n in counts.most_common())


def _reason(e: Exception) -> str:
    if isinstance(e, FormatError):
        return scrub(str(e))
    if isinstance(e, OSError) and e.strerror:
        # The path is already in the record's location; strerror alone keeps the message free of it.
        return f"{type(e).__name__}: {e.strerror}"
    described = describe_error(e)
    return f"{described['type']}: {described['message']}"
