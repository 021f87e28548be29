"""One entry point for crawlers: detect a stream's format, unwrap archives, sample with the right reader."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field, replace

from scanner.formats import archives, logs
from scanner.formats.delimited import read_csv, read_tsv
from scanner.formats.detect import (
    COMPRESSED,
    DATABASES,
    WHOLE,
    Detection,
    database_reason,
    detect,
    magic,
    ole_kind,
    zip_kind,
)
from scanner.formats.documents import DOCUMENTS, DocStats, read_document
from scanner.formats.errors import Corrupt, Declined, FormatError, Unsupported
from scanner.formats.json_records import read_json, read_jsonl
from scanner.formats.limits import Limits
from scanner.formats.parquet import read_parquet
from scanner.formats.streams import as_utf8, peek, spool
from scanner.formats.text import iter_lines, read_text
from scanner.formats.xlsx import read_xlsx
from scanner.model.units import FieldSample
from scanner.model.values import Unreadable

STREAMED = {
    "csv": read_csv,
    "tsv": read_tsv,
    "json": read_json,
    "jsonl": read_jsonl,
    "text": read_text,
}
RANDOM_ACCESS = {"parquet": read_parquet, "xlsx": read_xlsx}


@dataclass
class Sample:
    format: str  # what the content is; for compressed files, what was inside
    fields: list[FieldSample]
    claimed: str | None = None  # what the name's extension said
    layers: tuple[str, ...] = ()  # containers unwrapped on the way in, outermost first
    mismatches: list[str] = field(default_factory=list)  # "name: named csv, holds parquet"
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (zip member, reason)
    warnings: list[str] = field(default_factory=list)  # sampled, but something was wrong (a truncated gzip)
    rows: int | None = None  # records read, where fields do not say it (log entries); None: the fullest field
    # values, lines or cells left out (JSON nested too deep, a row that does not parse), by reason
    unreadable: Unreadable = field(default_factory=Unreadable)
    document: DocStats | None = None  # a document's pages, OCR, characters and time

    @property
    def mismatch(self) -> bool:
        return bool(self.mismatches)


def read(stream, name: str | None = None, limits: Limits | None = None) -> Sample:
    """Sample a binary stream positioned at its start. Raises a FormatError subclass when it cannot.

    Seekable streams are read in place; others (S3 bodies) are spooled, up to
    max_decompressed, only for formats that need random access (Parquet, XLSX, zip).
    """
    return _read(stream, name, limits or Limits(), 0)


def open_text(stream, limits: Limits):
    """(stream, its head, whether the head is all of it), UTF-16/32 text re-encoded as UTF-8."""
    stream, head, complete = peek(stream, limits.head_bytes)
    if magic(head) is None:
        stream, wide = as_utf8(stream, head)
        if wide:
            stream, head, complete = peek(stream, limits.head_bytes)
    return stream, head, complete


def read_nested(stream, name: str | None, limits: Limits, depth: int) -> Sample:
    """`read` of a file found inside another (an attachment, an embedded file) at `depth`."""
    return _read(stream, name, limits, depth)


def _read(stream, name: str | None, limits: Limits, depth: int) -> Sample:
    stream, head, complete = open_text(stream, limits)
    found = detect(head, name, complete, limits.header_words)
    fmt = found.format
    if fmt in WHOLE:
        stream = spool(stream, limits.max_decompressed, fmt)
    if fmt in ("zip", "xlsx"):
        fmt = zip_kind(stream)
    elif fmt == "ole":
        fmt = ole_kind(stream)
    if fmt != found.format:
        found = replace(found, format=fmt)
    mismatches = [f"{name}: named {found.claimed}, holds {fmt}"] if found.mismatch else []

    if fmt in COMPRESSED or fmt == "zip":
        if depth >= limits.max_depth:
            raise Unsupported(f"{fmt} nested more than {limits.max_depth} deep", found.claimed)
        inner = _read_zip(stream, limits, depth) if fmt == "zip" else _read_compressed(found, stream, name, limits, depth)
        inner.mismatches[:0] = mismatches
        return inner
    if fmt == "empty":
        return Sample(fmt, [], found.claimed, (), mismatches)
    if fmt in DATABASES:
        raise Declined(database_reason(fmt), fmt, found.claimed)
    if fmt == "log":
        fields, rows = logs.parse_entries((line.rstrip("\r\n") for line in iter_lines(stream, limits)), limits)
        return Sample(fmt, fields, found.claimed, (), mismatches, rows=rows)
    if fmt in DOCUMENTS:
        doc = read_document(fmt, stream, name, limits, depth, _read)
        fields = doc.finish()
        return Sample(fmt, fields, found.claimed, (), mismatches + doc.mismatches, doc.skipped, doc.warnings,
                      unreadable=doc.unreadable, document=doc.stats)
    reader = STREAMED.get(fmt) or RANDOM_ACCESS.get(fmt)
    if reader is None:
        raise Unsupported(fmt, found.claimed)
    unreadable = Unreadable()
    return Sample(fmt, reader(stream, limits, unreadable=unreadable), found.claimed, (), mismatches,
                  unreadable=unreadable)


def _read_compressed(found: Detection, stream, name: str | None, limits: Limits, depth: int) -> Sample:
    inner_name = name.rsplit(".", 1)[0] if name and found.claimed == found.format else None
    notes: list[str] = []
    inner = _read(archives.decompress(found.format, stream, limits, notes), inner_name, limits, depth + 1)
    if notes and not any(f.values for f in inner.fields):
        raise Corrupt(notes[0].split(";")[0])  # nothing was readable before the cut
    return replace(inner, claimed=found.claimed, layers=(found.format, *inner.layers),
                   warnings=[*notes, *inner.warnings])


def _read_zip(stream, limits: Limits, depth: int) -> Sample:
    """Every member is read as a file of its own; fields are named "member:field"."""
    fields: list[FieldSample] = []
    skipped: list[tuple[str, str]] = []
    mismatches: list[str] = []
    warnings: list[str] = []
    errors: list[FormatError] = []
    unreadable = Unreadable()
    with zipfile.ZipFile(stream) as zf:
        for member, opened in archives.zip_members(zf, limits):
            try:
                if isinstance(opened, FormatError):
                    raise opened
                with opened:
                    inner = _read(opened, member, limits, depth + 1)
            except FormatError as e:
                errors.append(e)
                skipped.append((member, str(e)))
                continue
            fields += [replace(f, name=f"{member}:{f.name}") for f in inner.fields]
            unreadable.update(inner.unreadable)
            skipped += [(f"{member}:{m}", reason) for m, reason in inner.skipped]
            mismatches += inner.mismatches
            warnings += [f"{member}: {w}" for w in inner.warnings]
    if errors and not fields:
        raise errors[0]  # nothing readable: the zip is as unsupported as its members
    return Sample("zip", fields, "zip", ("zip",), mismatches, skipped, warnings, unreadable=unreadable)
