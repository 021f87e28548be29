"""--full: every record of a stream, a batch at a time, so memory holds one batch and not the file.

Line formats (text, logs, JSON Lines, CSV/TSV) and Parquet are read to the end; the others
(a JSON document, XLSX, zip) are sampled as usual, and the sample says so in a note.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain, islice

from scanner.crawlers.base import FieldSample
from scanner.crawlers.sql_values import cap
from scanner.formats import archives, logs
from scanner.formats.delimited import SNIFF_LINES, looks_like_header, sniff
from scanner.formats.detect import COMPRESSED, detect
from scanner.formats.errors import Corrupt
from scanner.formats.json_records import fields_of
from scanner.formats.limits import Limits
from scanner.formats.reader import Sample, read
from scanner.formats.streams import CHUNK, UTF16_BOMS, Utf16AsUtf8, peek, spool
from scanner.formats.text import iter_lines, text_fields

UNLIMITED = 1 << 60


def full_limits(limits: Limits) -> Limits:
    """No cap on bytes, rows or decompressed size: a full read is bounded by the data, in time only."""
    return replace(limits, max_rows=UNLIMITED, max_bytes=UNLIMITED, max_decompressed=UNLIMITED, partial=False)


def chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def read_batches(stream, name: str | None, limits: Limits, batch_rows: int) -> Iterator[Sample]:
    """Samples of up to batch_rows records each, in file order. `limits` (the sampling limits)
    still cap values, fields and what the non-line formats read."""
    stream, head, complete = peek(stream, limits.head_bytes)
    if head.startswith(UTF16_BOMS):
        stream = io.BufferedReader(Utf16AsUtf8(stream), CHUNK)
        stream, head, complete = peek(stream, limits.head_bytes)
    found = detect(head, name, complete)
    fmt = found.format
    mismatches = [f"{name}: named {found.claimed}, holds {fmt}"] if found.mismatch else []
    full = full_limits(limits)
    batch_limits = replace(limits, max_rows=batch_rows)
    if fmt in COMPRESSED:
        notes: list[str] = []
        inner_name = name.rsplit(".", 1)[0] if name and found.claimed == fmt else None
        inner = archives.decompress(fmt, stream, full, notes)
        for sample in read_batches(inner, inner_name, limits, batch_rows):
            yield replace(sample, claimed=found.claimed, layers=(fmt, *sample.layers),
                          mismatches=mismatches + sample.mismatches)
            mismatches = []
        if notes:
            yield Sample(fmt, [], found.claimed, (fmt,), [], warnings=notes)
        return
    if fmt in ("text", "log", "jsonl", "csv", "tsv"):
        lines = iter_lines(stream, full)
        if fmt in ("csv", "tsv"):
            batches = _csv_batches(lines, batch_limits, "\t" if fmt == "tsv" else None)
        elif fmt == "jsonl":
            batches = (_jsonl_fields(batch, batch_limits) for batch in chunks(lines, batch_rows))
        elif fmt == "log":
            for batch in chunks(lines, batch_rows):
                fields, rows = logs.parse_entries((line.rstrip("\r\n") for line in batch), batch_limits)
                yield Sample(fmt, fields, found.claimed, (), mismatches, rows=rows)
                mismatches = []
            return
        else:
            batches = (text_fields(batch, batch_limits) for batch in chunks(lines, batch_rows))
        for fields in batches:
            yield Sample(fmt, fields, found.claimed, (), mismatches)
            mismatches = []
        return
    if fmt == "parquet":
        for fields in _parquet_batches(spool(stream, limits.max_decompressed, fmt), batch_limits):
            yield Sample(fmt, fields, found.claimed, (), mismatches)
            mismatches = []
        return
    sample = read(stream, name, limits)
    yield replace(sample, mismatches=[*sample.mismatches, f"{name}: {sample.format} is sampled even in a full read"])


def _jsonl_fields(lines: list[str], limits: Limits) -> list[FieldSample]:
    records = []
    for line in lines:
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
    return fields_of(records, limits)


def _csv_batches(lines: Iterator[str], limits: Limits, delimiter: str | None) -> Iterator[list[FieldSample]]:
    first = list(islice(lines, SNIFF_LINES))
    delimiter = delimiter or sniff(first) or ","
    rows = (r for r in csv.reader(chain(first, lines), delimiter=delimiter) if any(c.strip() for c in r))
    try:
        top = next(rows, None)
        names: list[str] = []
        if top is not None and looks_like_header(top):
            names = [c.strip() for c in top[: limits.max_fields]]
        elif top is not None:
            rows = chain([top], rows)
        for batch in chunks(rows, limits.max_rows):
            columns: list[list] = [[] for _ in names]
            for row in batch:
                for i, value in enumerate(row[: limits.max_fields]):
                    while len(columns) <= i:
                        columns.append([])
                    if value.strip():
                        columns[i].append(cap(value, limits.value_cap))
            yield [FieldSample(names[i] if i < len(names) else f"col{i + 1}", None, values)
                   for i, values in enumerate(columns)]
    except csv.Error as e:
        raise Corrupt(f"csv: {e}") from e


def _parquet_batches(stream, limits: Limits) -> Iterator[list[FieldSample]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner.formats.parquet import _column

    try:
        pf = pq.ParquetFile(stream, buffer_size=1 << 20)
        columns = [f.name for f in list(pf.schema_arrow)[: limits.max_fields]]
        schema = {f.name: f for f in pf.schema_arrow}
        for batch in pf.iter_batches(batch_size=limits.max_rows, columns=columns):
            fields: list[FieldSample] = []
            for name, column in zip(batch.schema.names, batch.columns):
                fields.extend(_column(schema[name], column.to_pylist(), limits))
            yield fields
    except (pa.ArrowException, OSError) as e:
        raise Corrupt(f"parquet: {e}") from e
