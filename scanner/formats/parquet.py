"""Parquet via pyarrow: the first row group only, one column at a time, nested columns as paths."""

from __future__ import annotations

from collections import defaultdict

from scanner.crawlers.base import FieldSample
from scanner.crawlers.sql_values import cap, flatten_json
from scanner.formats.delimited import beyond
from scanner.formats.errors import Corrupt
from scanner.formats.limits import Limits


def read_parquet(stream, limits: Limits) -> list[FieldSample]:
    """`stream` must be seekable: the footer (schema, row groups) is at the end of the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # buffer_size streams pages instead of loading whole column chunks.
        pf = pq.ParquetFile(stream, buffer_size=1 << 20)
        schema = pf.schema_arrow
        has_rows = pf.metadata.num_row_groups > 0
        fields: list[FieldSample] = []
        for f in list(schema)[: limits.max_fields]:
            values = []
            if has_rows:
                batches = pf.iter_batches(batch_size=limits.max_rows, row_groups=[0], columns=[f.name])
                batch = next(batches, None)
                try:
                    values = batch.column(0).to_pylist() if batch is not None else []
                except (ValueError, OverflowError, pa.ArrowException):
                    # one column Python cannot hold (a timestamp out of range) must not cost the others
                    fields.append(FieldSample(f.name, str(f.type), [], skipped_reason="values do not convert"))
                    continue
            fields.extend(_column(f, values, limits))
        fields += [FieldSample(f.name, str(f.type), [], skipped_reason=beyond(limits))
                   for f in list(schema)[limits.max_fields:]]
    except (pa.ArrowException, OSError) as e:
        raise Corrupt(f"parquet: {e}") from e
    return fields


def _column(f, values: list, limits: Limits) -> list[FieldSample]:
    import pyarrow.types as pt

    if not pt.is_nested(f.type):
        return [FieldSample(f.name, str(f.type), [cap(v, limits.value_cap) for v in values])]
    if pt.is_map(f.type):  # to_pylist gives maps as (key, value) pairs
        values = [dict(v) if v is not None else None for v in values]
    out: dict[str, list] = defaultdict(list)
    for v in values:
        if v is not None:
            flatten_json(v, f.name, out, limits.value_cap)
    return [FieldSample(path, None, vals) for path, vals in out.items()]
