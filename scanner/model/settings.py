"""Scan settings: everything that changes what a scan looks at or reports, declared once.

The fields of `ScanSettings` are the settings table: each is declared with `setting(...)`, which
gives its default, its kind (how a value is written and checked), its help text, its key in
configuration files, its command-line flag, whether a source may have its own value, and
whether it changes what a read finds. Everything else is made from that one declaration:

- the `kartlegg scan` options (scanner.cli.options),
- the configuration file's keys and their checks, under `scan:` and per source
  (scanner.scan.config_check),
- the scan's settings from the command line and the file (scanner.scan.plan),
- a source's own settings (`Source.settings`, applied by `ScanSettings.for_source`),
- the report header (`to_dict`) and the incremental read key (`what_is_read`,
  scanner.scan.incremental).

Adding a setting is adding one field here: `name: type = setting(default, Kind(...), "help",
flags=("--name",) ...)`. A crawler then reads it as `self.settings.name`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
          "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def parse_size(value) -> int:
    """64K, 1M, 10MiB, 2G or a plain number of bytes (binary units), at least 1K."""
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    else:
        text = str(value).strip().lower().replace(" ", "")
        number = text.rstrip("kmgib")
        try:
            size = int(float(number) * _UNITS[text[len(number):]])
        except (ValueError, KeyError):
            raise ValueError(f"{value!r} is not a size (examples: 65536, 64K, 1M, 2GiB)") from None
    if size < 1024:
        raise ValueError(f"{value!r}: at least 1K")
    return size


def size_text(size: int) -> str:
    """A size as people write it (1M, 256M, 64K): what `parse_size` reads back."""
    for unit, factor in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


# -- kinds: how a setting's values are written and checked ------------------------------------
# `check` takes a value as a configuration file gives it (YAML: numbers, strings, lists) and
# returns the setting's value, or raises ValueError saying what was expected (the caller names
# the file, line and key). The command line makes its option types from the same kinds.

def _range(low, high) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    return f" >= {low}" if low is not None else ""


@dataclass(frozen=True)
class Integer:
    low: int | None = None
    high: int | None = None

    def check(self, value) -> int:
        if isinstance(value, bool) or not isinstance(value, int) \
                or (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError(f"expected an integer{_range(self.low, self.high)}")
        return value

    def expected(self, metavar: str) -> str:
        """What a command-line value NAME=VALUE must be, in words (`with N >= 1`)."""
        bounds = _range(self.low, self.high)
        return f" with {metavar}{bounds}" if bounds else ""


@dataclass(frozen=True)
class Number:
    low: float | None = None
    high: float | None = None

    def check(self, value) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValueError(f"expected a number{_range(self.low, self.high)}")
        return float(value)


@dataclass(frozen=True)
class Switch:
    """On or off: `true`/`false` in a file, a flag on the command line."""

    def check(self, value) -> bool:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")  # noqa: TRY004 - every kind's problem is a ValueError
        return value


@dataclass(frozen=True)
class Patterns:
    """Globs or names: a list, or one string of comma-separated ones (as on the command line)."""

    def check(self, value) -> tuple[str, ...]:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of patterns")
        return tuple(v.strip() for v in value if v.strip())


@dataclass(frozen=True)
class Size:
    """Bytes: 64K, 1M, 10MiB, 2G or a plain number (`parse_size`)."""

    def check(self, value) -> int:
        return parse_size(value)


Kind = Integer | Number | Switch | Patterns | Size


# -- the table --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """One row of the settings table: a `ScanSettings` field and everything said about it."""

    kind: Kind
    help: str = ""  # the command-line help; for a setting without a flag, what it is
    key: str | None = ""  # its key in configuration files: "" the name, None none (not set from files)
    flags: tuple[str, ...] = ()  # its command-line option ("--read-bytes", "-d"); () none
    metavar: str | None = None
    per_source: bool = False  # a source may have its own (a file's per-source key, `Source.settings`)
    by_source: bool = False  # an Integer whose flag also takes SOURCE=N, for one source (--sample-size kunder=50)
    # it changes what a read finds, so a change reads everything again under --incremental; only
    # settings about how gently or how long a read runs say False (reading again is the safe side)
    reads: bool = True
    name: str = ""  # filled from the field
    default: Any = None  # filled from the field


def setting(default, kind: Kind, help: str = "", **about):
    """A `ScanSettings` field: its default and its row of the table (see `Setting`)."""
    return field(default=default, metadata={"setting": Setting(kind, help, **about)})


@dataclass(frozen=True)
class ScanSettings:
    """A scan's settings (or one source's: `for_source`). Each field is a row of the table."""

    sample_size: int = setting(
        1000, Integer(1), "Rows per table or dataset; SOURCE=N for one source (by name, see the report header).",
        flags=("--sample-size",), metavar="[SOURCE=]N", per_source=True, by_source=True)
    include: tuple[str, ...] = setting(
        (), Patterns(), "Only schema.table[.column], bucket/key or relative path matching (repeatable).",
        flags=("--include",), metavar="GLOB", per_source=True)
    exclude: tuple[str, ...] = setting(
        (), Patterns(), "Skip schema.table[.column], bucket/key or relative path matching (repeatable).",
        flags=("--exclude",), metavar="GLOB", per_source=True)
    views: bool = setting(False, Switch(), "Sample views too.", flags=("--views",), per_source=True)
    max_connections: int | None = setting(  # None: the crawler's default (Crawler.CONNECTIONS)
        None, Integer(1, 64), "Concurrent reads per source [default: 1 for databases, 2 for journald, "
                              "4 for files and CloudWatch, 8 for S3].",
        flags=("--max-connections",), per_source=True, reads=False)
    statement_timeout: float = setting(
        30.0, Number(0.1), "Seconds one database statement may run before it is cancelled.",
        flags=("--statement-timeout",), per_source=True, reads=False)
    lock_timeout: float = setting(5.0, Number(0), "Seconds a database read waits for a lock.", key=None, reads=False)
    connect_timeout: float = setting(10.0, Number(0), "Seconds to connect to a database or an object store.",
                                     key=None, reads=False)
    value_cap: int = setting(4096, Integer(16), "Characters kept of one value.", flags=("--value-cap",))
    min_confidence: float = setting(0.5, Number(0, 1), "Report a finding only at this confidence (0 to 1) or above.",
                                   flags=("--min-confidence",))
    seed: int = setting(  # sampling is repeatable, so two scans compare like with like
        20261124, Integer(), "The seed of every random sample.", key=None)
    detectors: tuple[str, ...] = setting(
        (), Patterns(), "Only these detectors.", flags=("--detector", "-d"), metavar="NAME")
    objects_per_dataset: int = setting(
        5, Integer(0), "Files or objects read per dataset (newest + random); 0 reads all.",
        flags=("--objects-per-dataset",), per_source=True)
    object_bytes: int = setting(
        1 << 20, Size(), "Bytes read from the start of each file or object.",
        key="read_bytes", flags=("--read-bytes",), per_source=True)
    max_object_bytes: int = setting(
        256 << 20, Size(), "Cap on what one Parquet/XLSX/zip object may cost, fetched or decompressed.",
        flags=("--max-object-bytes",), per_source=True)
    max_pages: int = setting(
        500, Integer(1), "Pages read of one PDF or multi-page image; the rest are counted as not read.",
        flags=("--max-pages",), per_source=True)
    ocr: bool = setting(
        True, Switch(), "Read scanned pages and images with Tesseract (nor+eng) where it is installed.",
        flags=("--ocr/--no-ocr",), per_source=True)
    ocr_page_seconds: float = setting(
        60.0, Number(1), "Seconds OCR may spend on one page or image.", flags=("--ocr-page-seconds",),
        reads=False)
    ocr_seconds: float = setting(
        3600.0, Number(0), "No OCR starts once the scan has run this many seconds; pages past it are counted "
                           "as not read.",
        flags=("--ocr-seconds",), reads=False)
    # when the scan's OCR budget ends (a wall-clock time, shared by every process): set by the scan
    ocr_deadline: float | None = setting(None, Number(0), "", key=None, reads=False)
    full: bool = setting(
        False, Switch(), "Read every file, object and log line instead of a sample (audits; slow on large estates).",
        flags=("--full",), per_source=True)
    batch_rows: int = setting(20_000, Integer(1), "Records classified at a time in a full read.", key=None,
                              reads=False)
    incremental: bool = setting(  # needs an inventory
        False, Switch(), "Pass over datasets the source says are unchanged since the inventory's last read of them.",
        flags=("--incremental",), reads=False)

    def for_source(self, source) -> ScanSettings:
        """These settings with a source's own (`Source.settings`: a configuration file's per-source
        keys, --sample-size SOURCE=N)."""
        return replace(self, **source.settings) if source.settings else self

    def to_dict(self) -> dict:
        """For the report header: every setting, lists for tuples."""
        return {s.name: _plain(getattr(self, s.name)) for s in SETTINGS}

    def what_is_read(self) -> dict:
        """The settings that change what a read finds (the incremental read key)."""
        return {s.name: _plain(getattr(self, s.name)) for s in SETTINGS if s.reads}


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


SETTINGS: tuple[Setting, ...] = tuple(
    replace(f.metadata["setting"], name=f.name, default=f.default,
            key=f.name if f.metadata["setting"].key == "" else f.metadata["setting"].key)
    for f in fields(ScanSettings))
# SOURCE=N on the command line is for integers a source may have its own of (scanner.scan.plan)
assert all(isinstance(s.kind, Integer) and s.per_source for s in SETTINGS if s.by_source)
BY_NAME = {s.name: s for s in SETTINGS}
PER_SOURCE = tuple(s.name for s in SETTINGS if s.per_source)  # what `Source.settings` may hold
