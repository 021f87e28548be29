"""Files and objects grouped into datasets: keys that differ only by date, partition or sequence.

`exports/malerdata/2024/01/maleverdi_0001.csv`, `year=2024/month=01/part-0003.parquet` and
`dump-20240501.sql.gz` each stand for many keys of one dataset. The pattern replaces every varying
part with `*`, so it is also a glob that matches its members. Grouping streams: a dataset keeps
its counts, its newest member, a seeded random reservoir and a running digest of every member (its
change token), never the list of its members, so a bucket of millions of keys costs memory per
dataset, not per key.
"""

from __future__ import annotations

import heapq
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from scanner.crawlers.change_tokens import Members
from scanner.formats.log_names import log_base

_HIVE = re.compile(r"^([^=/]+)=[^/]*$")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Dates and timestamps in one piece (20240501, 2024-05-01T10:00:00Z, 2024_05_01-1000): one `*`.
_DATETIME = re.compile(
    r"(?<![0-9])(?:19|20)\d\d([-_.]?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T_ -]?\d\d(?:[:._-]?\d\d){1,2}(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)?(?![0-9])"
)
# Hashes and random tokens: long runs of letters and digits that contain at least one digit.
_TOKEN = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]*[0-9])(?=[0-9A-Za-z]*[A-Za-z])[0-9A-Za-z]{16,}(?![0-9A-Za-z])")
_HEX = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{8,}(?![0-9A-Za-z])")
_DIGITS = re.compile(r"\d+")
_STARS = re.compile(r"\*(?:[-_.:]?\*)+")


def pattern_of(key: str) -> str:
    """The key with its varying parts as `*`; keys of one dataset share it.

    A log file and its rotations share `name.log*`, whatever the rotation scheme.
    """
    *dirs, name = key.split("/")
    base = log_base(name)
    if base is not None:
        last = f"{_segment(base)}*"
    else:
        suffix = _SUFFIX.search(name)
        cut = suffix.start() if suffix and suffix.start() > 0 else len(name)
        last = _segment(name[:cut]) + name[cut:]  # `.sql.bz2`, `.mp4` are kinds, not sequence numbers
    return "/".join([*(_directory(s) for s in dirs), last])


# Extensions, kept as written: up to three of letters (and digits after a letter), a few long each.
_SUFFIX = re.compile(r"(?:\.[A-Za-z][A-Za-z0-9]{0,7}){1,3}$")


def _directory(seg: str) -> str:
    hive = _HIVE.match(seg)
    return f"{hive.group(1)}=*" if hive else _segment(seg)


def _segment(seg: str) -> str:
    seg = _UUID.sub("*", seg)
    seg = _DATETIME.sub("*", seg)
    seg = _TOKEN.sub("*", seg)
    seg = _HEX.sub("*", seg)
    seg = _DIGITS.sub("*", seg)
    return _STARS.sub("*", seg)


@dataclass(frozen=True)
class Member:
    """One file or object: what discovery knows without reading it."""

    key: str  # object key, or the path relative to the root
    size: int
    modified: float  # epoch seconds
    tag: str | None = None  # ETag, or device:inode for files: what incremental scans compare

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Member:
        return cls(**d)


@dataclass
class Dataset:
    pattern: str
    seed: str
    want: int  # members to sample; 0 means all
    count: int = 0
    bytes: int = 0
    unreadable: Counter = field(default_factory=Counter)  # reason -> members not sampled
    newest: Member | None = None
    oldest: float | None = None  # the earliest modification time of a readable member (retention checks)
    _reservoir: list = field(default_factory=list)  # (random priority, key, member)
    _all: list = field(default_factory=list)  # only when want == 0
    _first: Member | None = None
    # the change token of every member (readable or not, chosen or not): see `version`
    _members: Members = field(default_factory=lambda: Members("members"), repr=False, compare=False)

    def add(self, member: Member, unreadable: str | None = None, stamp: tuple | None = None) -> None:
        """`stamp`: what the store says about the member's last change (path, inode, size, mtime in
        ns; key, ETag, LastModified, size); by default the member's own key, size, mtime and tag.
        Why it cannot be read is part of it: an archived object restored is a change."""
        stamp = stamp if stamp is not None else (member.key, member.size, member.modified, member.tag)
        self._members.add(*stamp, unreadable)
        self.count += 1
        self.bytes += member.size
        if self._first is None:
            self._first = member
        if unreadable:
            self.unreadable[unreadable] += 1
            return
        if self.newest is None or (member.modified, member.key) > (self.newest.modified, self.newest.key):
            self.newest = member
        if member.modified and (self.oldest is None or member.modified < self.oldest):
            self.oldest = member.modified
        if self.want == 0:
            self._all.append(member)
            return
        # A seeded priority per key, kept smallest-first: the same keys are chosen whatever the
        # listing order, so two scans of an unchanged bucket read the same objects.
        priority = random.Random(f"{self.seed}|{member.key}".encode("utf-8", "surrogateescape")).random()
        item = (-priority, member.key, member)
        if len(self._reservoir) < self.want:
            heapq.heappush(self._reservoir, item)
        elif item > self._reservoir[0]:
            heapq.heapreplace(self._reservoir, item)

    @property
    def readable(self) -> int:
        return self.count - sum(self.unreadable.values())

    @property
    def version(self) -> str:
        """The dataset's change token: a digest over every member's stamp, so a member changed,
        added or removed changes it, whichever members sampling picks."""
        return self._members.hexdigest()

    @property
    def name(self) -> str:
        """The pattern, or the key itself when the dataset has a single member."""
        return self._first.key if self.count == 1 and self._first else self.pattern

    def chosen(self) -> list[Member]:
        """The newest member, then random ones: newest first."""
        if self.newest is None:
            return []
        if self.want == 0:
            pool = self._all
        else:
            pool = [m for _, _, m in sorted(self._reservoir, reverse=True)]
        rest = [m for m in pool if m.key != self.newest.key]
        limit = len(pool) if self.want == 0 else self.want
        picked = [self.newest, *rest][:limit]
        return sorted(picked, key=lambda m: (-m.modified, m.key))


class Grouper:
    """Streams members into datasets by pattern."""

    def __init__(self, per_dataset: int, seed: int | str):
        self.per_dataset = per_dataset
        self.seed = str(seed)
        self.datasets: dict[str, Dataset] = {}

    def add(self, member: Member, unreadable: str | None = None, stamp: tuple | None = None) -> Dataset:
        pattern = pattern_of(member.key)
        ds = self.datasets.get(pattern)
        if ds is None:
            ds = self.datasets[pattern] = Dataset(pattern, f"{self.seed}|{pattern}", self.per_dataset)
        ds.add(member, unreadable, stamp)
        return ds

    def __iter__(self):
        return iter(sorted(self.datasets.values(), key=lambda d: d.pattern))
