"""--full: every record of a stream, a batch at a time, so memory holds one batch and not the file.

Line formats (text, logs, JSON Lines, CSV/TSV) and Parquet are read to the end; the others
(a JSON document, XLSX, zip) are sampled as usual, and the sample says so in a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import chain, islice

from scanner.formats import archives, logs
from scanner.formats.delimited import (
    above_field,
    add_row,
    beyond,
    column_fields,
    csv_rows,
    first_lines,
    header_names,
    sniff,
    split_header,
)
from scanner.formats.detect import COMPRESSED, detect
from scanner.formats.errors import Corrupt
from scanner.formats.json_records import fields_of, json_lines
from scanner.formats.limits import Limits
from scanner.formats.reader import Sample, open_text, read
from scanner.formats.streams import spool
from scanner.formats.text import iter_lines, text_fields
from scanner.model.units import FieldSample
from scanner.model.values import Unreadable

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
    stream, head, complete = open_text(stream, limits)
    found = detect(head, name, complete, limits.header_words)
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
        unreadable = Unreadable()  # each batch's Sample carries what was left out since the last
        if fmt in ("csv", "tsv"):
            batches = _csv_batches(lines, batch_limits, "\t" if fmt == "tsv" else None, unreadable)
        elif fmt == "jsonl":
            batches = (fields_of(json_lines(batch, batch_limits, unreadable), batch_limits, unreadable)
                       for batch in chunks(lines, batch_rows))
        elif fmt == "log":
            for batch in chunks(lines, batch_rows):
                fields, rows = logs.parse_entries([line.rstrip("\r\n") for line in batch], batch_limits)
                yield Sample(fmt, fields, found.claimed, (), mismatches, rows=rows)
                mismatches = []
            return
        else:
            batches = (text_fields(batch, batch_limits) for batch in chunks(lines, batch_rows))
        for fields in batches:
            yield Sample(fmt, fields, found.claimed, (), mismatches, unreadable=Unreadable(unreadable))
            unreadable.clear()
            mismatches = []
        return
    if fmt == "parquet":
        for fields in _parquet_batches(spool(stream, limits.max_decompressed, fmt), batch_limits):
            yield Sample(fmt, fields, found.claimed, (), mismatches)
            mismatches = []
        return
    sample = read(stream, name, limits)
    yield replace(sample, mismatches=[*sample.mismatches, f"{name}: {sample.format} is sampled even in a full read"])


def _csv_batches(lines: Iterator[str], limits: Limits, delimiter: str | None,
                 unreadable: Unreadable) -> Iterator[list[FieldSample]]:
    first = first_lines(lines)
    delimiter = delimiter or sniff(first) or ","
    header, rows, over = split_header(csv_rows(chain(first, lines), delimiter, unreadable), limits.header_words,
                                      limits.value_cap)
    names = header_names(header, limits)
    width = len(header) if header else 0
    wide = False  # the columns past the cap are listed once, in the batch where they are first met
    for batch in chunks(rows, limits.max_rows):
        columns: list[list] = [[] for _ in names]
        for row in batch:
            width = max(width, len(row))
            add_row(columns, row, limits)
        fields = column_fields(names, columns) + above_field(over)
        over = []  # the first batch's
        if width > limits.max_fields and not wide:
            wide = True
            fields.append(beyond(limits, width, header))
        yield fields


def _parquet_batches(stream, limits: Limits) -> Iterator[list[FieldSample]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scanner.formats.parquet import _column, beyond_columns

    try:
        pf = pq.ParquetFile(stream, buffer_size=1 << 20)
        columns = [f.name for f in list(pf.schema_arrow)[: limits.max_fields]]
        schema = {f.name: f for f in pf.schema_arrow}
        rest = beyond_columns(pf.schema_arrow, limits)
        for batch in pf.iter_batches(batch_size=limits.max_rows, columns=columns):
            fields: list[FieldSample] = []
            for name, column in zip(batch.schema.names, batch.columns):
                fields.extend(_column(schema[name], column.to_pylist(), limits))
            yield fields + rest
            rest = []
    except (pa.ArrowException, OSError) as e:
        raise Corrupt(f"parquet: {e}") from e
