"""What a file holds, judged by its content; the name's extension is only a claim to check."""

from __future__ import annotations

import os
from dataclasses import dataclass

from scanner.formats import logs
from scanner.formats.delimited import (
    HEADER_ROWS,
    LEAD_ROWS,
    MAX_JUDGED,
    csv_rows,
    looks_like_header,
    running_text,
    sniff,
    table_start,
)
from scanner.formats.header_words import NO_WORDS, HeaderWords
from scanner.formats.log_names import log_base
from scanner.formats.text import choose_encoding
from scanner.model.values import TooDeep, Unreadable, parse_json

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty archive
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"PAR1", "parquet"),
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\x7fELF", "elf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy Office, and password-protected xlsx
)

EXTENSIONS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".xlsx": "xlsx", ".txt": "text", ".log": "text", ".gz": "gzip", ".gzip": "gzip",
    ".bz2": "bzip2", ".zip": "zip", ".zst": "zstd", ".xz": "xz", ".pdf": "pdf", ".png": "png", ".jpg": "jpeg",
    ".jpeg": "jpeg", ".gif": "gif", ".tar": "tar", ".xls": "ole",
}

COMPRESSED = ("gzip", "bzip2", "zstd", "xz")
TEXTUAL = ("csv", "tsv", "json", "jsonl", "text", "log", "empty")
_FAMILIES = ({"csv", "tsv"}, {"json", "jsonl"})
# Bytes text does not hold: C0 controls but tab, newlines, form feed and ESC (colour codes in logs).
_CONTROL = bytes(sorted(set(range(32)) - {9, 10, 12, 13, 27}))
# Binary when more than this share of the head is control bytes: one NUL in a CSV export is a
# broken value, not a binary file (random bytes hold about 10%; text next to none).
BINARY_SHARE = 0.02


@dataclass(frozen=True)
class Detection:
    format: str  # what the content is
    claimed: str | None = None  # what the extension says

    @property
    def mismatch(self) -> bool:
        return self.claimed is not None and not compatible(self.claimed, self.format)


def compatible(claimed: str, found: str) -> bool:
    if claimed == found or (claimed == "text" and found in TEXTUAL) or found == "empty":
        return True
    return any(claimed in f and found in f for f in _FAMILIES)


def claimed_format(name: str | None) -> str | None:
    if not name:
        return None
    return EXTENSIONS.get(os.path.splitext(name)[1].lower())


def detect(head: bytes, name: str | None = None, complete: bool = False, words: HeaderWords = NO_WORDS) -> Detection:
    """`head` is the file's first bytes; `complete` says it is the whole file; `words` help tell
    a table's header row from a log line (see header_words)."""
    claimed = claimed_format(name)
    found = content_format(head, complete, words)
    if found == "jsonl" and (claimed == "text" or (name and log_base(os.path.basename(name)))):
        found = "log"  # JSON logging: messages are free text, and the odd line that is not JSON still counts
    if found == "text" and claimed in ("csv", "tsv"):
        found = claimed  # a single-column CSV has no delimiter to sniff
    if found == "text" and claimed in ("json", "jsonl") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        found = claimed  # broken JSON, or JSON Lines with bad lines: let the reader say which
    return Detection(found, claimed)


def magic(head: bytes) -> str | None:
    """The format a head's magic bytes name (gzip, zip, parquet, png, tar, …), if any."""
    for prefix, fmt in MAGIC:
        if head.startswith(prefix):
            if fmt == "zip" and b"xl/workbook.xml" in head:
                return "xlsx"
            return fmt
    if head[257:262] == b"ustar":
        return "tar"
    return None


def control_share(head: bytes) -> float:
    return (len(head) - len(head.translate(None, _CONTROL))) / len(head) if head else 0.0


def content_format(head: bytes, complete: bool = False, words: HeaderWords = NO_WORDS) -> str:
    if not head:
        return "empty"
    found = magic(head)
    if found is not None:
        return found
    if control_share(head) > BINARY_SHARE:
        return "binary"
    text = head.decode(choose_encoding(head, complete), errors="replace")
    lines = text.splitlines(keepends=True)
    if not complete:
        lines = lines[:-1]  # the last line may be cut mid-way
    return _json_kind(text, lines, complete) or _log_or_delimited(lines, words) or "text"


def _log_or_delimited(lines: list[str], words: HeaderWords) -> str | None:
    """A delimited file with a header row is a table; lines of a log format are a log (an app
    log's `10:00:00,123` would otherwise sniff as a two-column CSV); else a headerless table."""
    delimited = _delimited_kind(lines)
    if delimited:
        sample = [line for line in lines if line.strip()][:50]
        delimiter = "\t" if delimited == "tsv" else sniff(sample) or ","
        rows = list(csv_rows(sample[: LEAD_ROWS + HEADER_ROWS], delimiter, Unreadable()))
        # a header row names columns (under a title, perhaps); a syslog line with commas in its message is no header
        at, _ = table_start(rows, lambda row, under: looks_like_header(
            row[:MAX_JUDGED], [r[:MAX_JUDGED] for r in under], words))
        if at is not None and logs.detect_log([sample[0].rstrip("\r\n")]) is None:
            return delimited
    if logs.detect_log([line.rstrip("\r\n") for line in lines[:50]]):
        return "log"
    return delimited


def _json_kind(text: str, lines: list[str], complete: bool) -> str | None:
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped or stripped[0] not in "{[":
        return None
    if complete:
        try:
            parse_json(stripped)
            return "json"
        except TooDeep:
            return "json"  # JSON all the same: the reader counts what is too deep
        except ValueError:
            pass
    records = [line for line in lines if line.strip()][:20]
    if records and (len(records) >= 2 or complete) and all(_parses(line) for line in records):
        return "jsonl"
    # A document larger than the head cannot be parsed from it; the reader will tell.
    return None if complete else "json"


def _parses(line: str) -> bool:
    try:
        parse_json(line)
        return True
    except TooDeep:
        return True  # a line of JSON, too deep to read: the reader counts it
    except ValueError:
        return False


def _delimited_kind(lines: list[str]) -> str | None:
    sample = [line for line in lines if line.strip()][:50]
    if len(sample) < 2:
        return None
    delimiter = sniff(sample)
    if delimiter is None or running_text(sample, delimiter):
        return None  # a manual's sentences with a comma or two are not records
    return "tsv" if delimiter == "\t" else "csv"
