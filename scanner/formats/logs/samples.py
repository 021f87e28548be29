"""A log's entries as field samples: values gathered by field name, long ones in pieces, and the
fields past max_fields listed (a few) as skipped rather than read."""

from __future__ import annotations

from collections.abc import Iterable

from scanner.formats.limits import Limits
from scanner.formats.logs.dispatch import columns, records
from scanner.formats.logs.fields import is_message_field
from scanner.formats.text import iter_lines, pieces
from scanner.model.units import FieldSample
from scanner.model.values import cap_name

MAX_DROPPED_LISTED = 50


def parse_lines(lines: Iterable[str], limits: Limits) -> list[FieldSample]:
    """Values by field over at most max_rows entries; long values in pieces of at most value_cap."""
    return parse_entries(lines, limits)[0]


def parse_entries(lines: Iterable[str], limits: Limits) -> tuple[list[FieldSample], int]:
    """parse_lines, and how many log entries the fields came from (the sample's rows)."""
    out: dict[str, list] = {}
    dropped: dict[str, None] = {}  # past max_fields: listed (a few), not read
    cap = limits.value_cap
    by_field = columns(lines) if isinstance(lines, list) and len(lines) <= limits.max_rows else None
    if by_field is not None:  # a batch of common timestamped lines: a field at a time
        for name, values in by_field:
            slot = _slot(cap_name(name), out, dropped, limits.max_fields)
            if slot is not None:
                _add(slot, values, cap)
        n = len(lines)
    else:
        n = _by_record(lines, limits, out, dropped)
    reason = f"beyond the first {limits.max_fields} fields of a log: not read"
    read = [FieldSample(name, None, values, unstructured=is_message_field(name)) for name, values in out.items()]
    return read + [FieldSample(name, None, [], skipped_reason=reason) for name in dropped], n


def _add(slot: list, values: list[str], cap: int) -> None:
    if max(map(len, values), default=0) <= cap:
        slot.extend(values)
        return
    for value in values:
        if len(value) > cap:
            slot.extend(pieces(value, cap))
        else:
            slot.append(value)


def _by_record(lines: Iterable[str], limits: Limits, out: dict[str, list], dropped: dict[str, None]) -> int:
    """The records' values into `out`, a record at a time; how many records were read."""
    slots: dict[str, list | None] = {}  # a field's name as written -> its values (None: dropped)
    cap = limits.value_cap
    n = 0
    for record in records(lines):
        if n >= limits.max_rows:
            break
        n += 1
        for name, value in record:
            if value is None or value == "":
                continue
            values = slots.get(name, _UNSEEN)
            if values is _UNSEEN:
                values = slots[name] = _slot(cap_name(name), out, dropped, limits.max_fields)
            if values is None:
                continue
            if isinstance(value, str) and len(value) > cap:
                values.extend(pieces(value, cap))
            else:
                values.append(value)
    return n


_UNSEEN = object()  # a field name not met yet (None: met and dropped)


def _slot(name: str, out: dict[str, list], dropped: dict[str, None], max_fields: int) -> list | None:
    """The values of a field met for the first time (a key of a structured-data element can be as
    long as its line, so names are capped), or None past max_fields: listed (a few), not read."""
    values = out.get(name)
    if values is None:
        if len(out) >= max_fields:
            if len(dropped) < MAX_DROPPED_LISTED:
                dropped[name] = None
            return None
        values = out[name] = []
    return values


def read_log(stream, limits: Limits) -> list[FieldSample]:
    """A binary stream of log lines, decoded and read up to limits.max_bytes."""
    return parse_lines((line.rstrip("\r\n") for line in iter_lines(stream, limits)), limits)
