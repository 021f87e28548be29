"""Parquet via pyarrow: the first row group only, one column at a time, nested columns as paths."""

from __future__ import annotations

from collections import defaultdict

from scanner.formats.errors import Corrupt
from scanner.formats.limits import Limits
from scanner.model.units import FieldSample
from scanner.model.values import Unreadable, beyond_cap, cap, cap_name, flatten_json


def beyond_columns(schema, limits: Limits) -> list[FieldSample]:
    """One skipped field for every column past max_fields (none when there are no more)."""
    rest = list(schema)[limits.max_fields:]
    if not rest:
        return []
    name, reason = beyond_cap(cap_name(rest[0].name, 64), cap_name(rest[-1].name, 64), len(rest), limits.max_fields,
                              "columns")
    return [FieldSample(name, None, [], skipped_reason=reason)]


def read_parquet(stream, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    """`stream` must be seekable: the footer (schema, row groups) is at the end of the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # buffer_size streams pages instead of loading whole column chunks.
        pf = pq.ParquetFile(stream, buffer_size=1 << 20)
        schema = pf.schema_arrow
        has_rows = pf.metadata.num_row_groups > 0
        fields: list[FieldSample] = []
        broken: pa.ArrowException | OSError | None = None
        for f in list(schema)[: limits.max_fields]:
            values = []
            if has_rows:
                batch = None
                try:
                    batches = pf.iter_batches(batch_size=limits.max_rows, row_groups=[0], columns=[f.name])
                    batch = next(batches, None)
                    values = batch.column(0).to_pylist() if batch is not None else []
                except (ValueError, OverflowError, pa.ArrowException, OSError) as e:
                    # one column Python cannot hold (a timestamp out of range), or whose pages are
                    # damaged, must not cost the others
                    converting = batch is not None and isinstance(e, (ValueError, OverflowError))
                    if not converting:
                        broken = broken or e
                    fields.append(FieldSample(cap_name(f.name), str(f.type), [], skipped_reason=(
                        "values do not convert" if converting else "values do not read")))
                    continue
            fields.extend(_column(f, values, limits, unreadable))
        if broken is not None and all(f.skipped_reason for f in fields):
            raise broken  # no column reads: the file is corrupt, not one of its columns
        fields += beyond_columns(schema, limits)
    except (pa.ArrowException, OSError) as e:
        raise Corrupt(f"parquet: {e}") from e
    return fields


def _column(f, values: list, limits: Limits, unreadable: Unreadable | None = None) -> list[FieldSample]:
    import pyarrow.types as pt

    if not pt.is_nested(f.type):
        return [FieldSample(cap_name(f.name), str(f.type), [cap(v, limits.value_cap) for v in values])]
    if pt.is_map(f.type):  # to_pylist gives maps as (key, value) pairs
        values = [dict(v) if v is not None else None for v in values]
    out: dict[str, list] = defaultdict(list)
    for v in values:
        if v is not None:
            flatten_json(v, cap_name(f.name), out, limits.value_cap, unreadable, limits.max_nesting)
    return [FieldSample(path, None, vals) for path, vals in out.items()]
