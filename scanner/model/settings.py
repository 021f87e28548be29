"""Scan settings: everything that changes what a scan looks at or reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

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


@dataclass(frozen=True)
class ScanSettings:
    sample_size: int = 1000  # rows per table
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    views: bool = False
    max_connections: int | None = None  # per source; None: the crawler's default (1 for databases)
    statement_timeout: float = 30.0  # seconds
    lock_timeout: float = 5.0
    connect_timeout: float = 10.0
    value_cap: int = 4096  # characters kept of one long text value
    min_confidence: float = 0.5
    seed: int = 20261124  # sampling is repeatable, so two scans compare like with like
    detectors: tuple[str, ...] = ()
    objects_per_dataset: int = 5  # files or objects read from one dataset (newest + random); 0: all
    object_bytes: int = 1 << 20  # bytes read from the start of each file or object
    max_object_bytes: int = 256 << 20  # cap for formats that need the whole object (Parquet, XLSX, zip)
    full: bool = False  # read every file, object and line, not a sample (audits)
    batch_rows: int = 20_000  # records classified at a time in a full read
    incremental: bool = False  # pass over datasets unchanged since they were last read (needs an inventory)

    def for_source(self, source) -> ScanSettings:
        """These settings with a source's own overrides (a configuration file's per-source keys)."""
        overrides = source.options.get("settings") or {}
        return replace(self, **overrides) if overrides else self

    def to_dict(self) -> dict:
        d = asdict(self)
        d["include"], d["exclude"], d["detectors"] = list(self.include), list(self.exclude), list(self.detectors)
        return d
