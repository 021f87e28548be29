"""A batch of timestamped lines parsed as one block gives, record for record, what the line
parsers and the entry grouping give: on generated application logs, on lines built from every
piece the timestamped parser knows, and on batches the block path must hand back (traces,
indented and blank lines, exceptions)."""

from __future__ import annotations

import random

import pytest

from bench.logs import write_log
from scanner.formats.limits import Limits
from scanner.formats.logs import blocks, parse_entries
from scanner.formats.logs.dispatch import columns, records
from tests.test_log_parse_fast import (
    BRACKETS,
    GAPS,
    LEVEL_WORDS,
    MESSAGES,
    PIDS,
    STAMPS,
    _built,
)

BATCH = Limits(max_rows=20_000)


def by_lines(lines):
    """The same lines, through the line-at-a-time path (an iterator is never parsed as a block)."""
    return list(records(iter(lines)))


def _stamped(rnd: random.Random, n: int) -> list[str]:
    """Timestamped lines of random pieces: a dominant format the block path takes."""
    return [rnd.choice(STAMPS[:2]) + " " + "".join(rnd.choice(GAPS + LEVEL_WORDS + BRACKETS + PIDS + MESSAGES)
                                                   for _ in range(4)) for _ in range(n)]


def test_a_generated_application_log_reads_the_same(tmp_path):
    path = tmp_path / "app.log"
    write_log(path, 300_000, seed=9)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert blocks.records(lines, lambda line: None) is not None  # the block path is taken
    for start in range(0, len(lines), 20_000):
        batch = lines[start:start + 20_000]
        assert list(records(batch)) == by_lines(batch)
        assert parse_entries(batch, BATCH) == parse_entries(iter(batch), BATCH)


def test_built_lines_read_the_same():
    rnd = random.Random(5)
    built = list(_built())
    rnd.shuffle(built)
    head = ["2024-05-01 12:00:00,123 INFO [kunde.api] ok"] * 200  # the batch's dominant format
    checked = 0
    for start in range(0, len(built), 5000):
        batch = head + built[start:start + 5000]
        if not blocks.alone("\n".join(batch)):
            continue
        assert list(records(batch)) == by_lines(batch)
        checked += len(batch)
    assert checked > len(built) // 2
    batch = head + _stamped(rnd, 20_000)
    assert blocks.alone("\n".join(batch))
    assert list(records(batch)) == by_lines(batch)


@pytest.mark.parametrize(("extra", "alone"), [
    ("    at kunde.Service.lagre(Service.java:42)", False),
    ("\tat kunde.Service.lagre(Service.java:42)", False),
    ("Traceback (most recent call last):", False),
    ("Caused by: java.io.IOException: borte", False),
    ("... 12 more", False),
    ("java.lang.IllegalStateException: kunde 15076500565 finnes", False),
    ("", False),
    ("   ", False),
    ("During handling of the above exception, another exception occurred:", False),
    ("2024-05-01 12:00:01,000 ERROR [kunde.api] Error: kunde finnes ikke", True),
    ("2024-05-01 12:00:01,000 ERROR [kunde.api] NullPointerException i lagre()", True),
    ("kunde.KundeFinnesIkke: 15076500565", True),  # a traceback's last line, but there is no traceback
    ("2024-05-01 12:00:01,000 INFO [kunde.api] fnr=15076500565 epost=kari@example.no", True),
    ("2024-05-01 12:00:01,000 INFO [kunde.api] Kari Nordmann\r", False),  # entries() strips a \r ending
    ("2024-05-01 12:00:01,000 INFO [kunde.api] a\rb", True),
    ("2024-05-01 12:00:01,000 INFO [kunde.api] \x0c", True),
    ("\x0c", False),  # blank, as str.isspace() has it
])
def test_batches_with_continuations_are_handed_back(extra, alone):
    rnd = random.Random(len(extra))
    lines = _stamped(rnd, 300)
    lines.insert(150, extra)
    assert blocks.alone("\n".join(lines)) is alone
    assert (blocks.records(lines, lambda line: []) is not None) is alone
    assert list(records(lines)) == by_lines(lines)
    assert parse_entries(lines, BATCH) == parse_entries(iter(lines), BATCH)


def test_a_batch_past_its_row_limit_reads_the_same():
    lines = _stamped(random.Random(1), 3000)
    small = Limits(max_rows=1000, max_fields=3)
    assert parse_entries(lines, small) == parse_entries(iter(lines), small)


def test_other_formats_are_not_read_as_a_block():
    access = ['10.0.0.1 - - [01/May/2024:00:00:00 +0200] "GET /a HTTP/1.1" 200 1 "-" "curl/8"'] * 300
    assert list(records(access)) == by_lines(access)


def test_the_last_line_ending_in_a_carriage_return_is_handed_back():
    lines = _stamped(random.Random(2), 300) + ["2024-05-01 12:00:01,000 INFO [kunde.api] Kari\r"]
    assert not blocks.alone("\n".join(lines))
    assert list(records(lines)) == by_lines(lines)


@pytest.mark.parametrize("pattern", [r"\W+", r"a\Db", r"a\Sb", r"a.b", r"[\s,]+", r"(?:x|\S)"])
def test_a_pattern_that_reads_past_a_line_is_refused(pattern):
    with pytest.raises(ValueError, match="one line"):
        blocks._one_line(pattern)


@pytest.mark.parametrize(("pattern", "one_line"), [
    (r"\s+x", r"[^\S\n]+x"), (r"[^\]]*", r"[^\n\]]*"), (r"a\Z", r"a(?=\n|\Z)"), (r"[.,]\d", r"[.,]\d"),
    (r"\.x", r"\.x"),
])
def test_a_pattern_is_read_within_one_line(pattern, one_line):
    assert blocks._one_line(pattern) == one_line


@pytest.mark.parametrize("batch", [
    ["a=1 b=2", "x.y.FooException:\nbar"],  # an exception's name after a line break inside an element
    ["user=kari id=5", "com.acme.KundeError:\ncaused here", "c=3"],
    ["a=1 b=2", "melding\n  at x.y(Z.java:1)", "c=3 d=4"],
])
def test_lines_holding_line_breaks_are_grouped_as_before(batch):
    assert list(records(batch)) == by_lines(batch)


def test_single_line_entries_of_any_format_read_the_same():
    rnd = random.Random(3)
    lines = [rnd.choice(['10.0.0.1 - - [01/May/2024:00:00:00 +0200] "GET /a?fnr=1 HTTP/1.1" 200 1 "-" "curl/8"',
                         'level=info msg="Kari ringte" tlf=41234567', '{"msg": "hei", "user": "kari"}',
                         "<34>Oct 11 22:14:15 host su: 'su root' failed for kari", "fri tekst uten format"])
             for _ in range(500)]
    assert list(records(lines)) == by_lines(lines)


def test_a_batch_of_common_lines_is_read_a_field_at_a_time(tmp_path):
    path = tmp_path / "app.log"
    write_log(path, 200_000, seed=4)
    lines = path.read_text(encoding="utf-8").splitlines()[:3000]
    assert columns(lines) is not None  # the field-at-a-time path is taken
    for limits in (BATCH, Limits(max_rows=3000, max_fields=3), Limits(max_rows=3000, value_cap=30)):
        assert parse_entries(lines, limits) == parse_entries(iter(lines), limits)


def _common(rnd: random.Random, n: int) -> list[str]:
    return [f"2024-05-01 12:00:{i % 60:02d},000 INFO [{rnd.choice(['a', 'b.c', ' '])}] "
            + rnd.choice(["ok", "a=1 b=2", "x=1 y=2 a=3", "kunde fnr=15076500565 epost=kari@example.no", "a=1"])
            for i in range(n)]


@pytest.mark.parametrize(("extra", "taken"), [
    ("2024-05-01 12:00:01,000 INFO [kunde.api] z=9 q=8", True),  # new fields late in the batch
    ("2024-05-01 12:00:01,000 INFO [kunde.api] logger=x a=1", False),  # would interleave with the bracket's
    ("2024-05-01 12:00:01,000 INFO kunde.service: ny kunde", False),  # a named logger: the line parser's
    ("2024-05-01 12:00:01,000 - kunde.service - INFO - ny kunde a=1 b=2", False),  # Python's dashes
    ("2024-05-01 12:00:01,000 INFO [kunde.api] message=x a=1", True),  # a message pair is never a field
    ("2024-05-01 12:00:01,000 INFO []", True),  # neither a logger nor a message
])
def test_fields_read_a_field_at_a_time_are_the_records_fields(extra, taken):
    lines = _common(random.Random(len(extra)), 400)
    lines.insert(250, extra)
    assert (columns(lines) is not None) is taken
    for limits in (BATCH, Limits(max_rows=1000, max_fields=4)):
        assert parse_entries(lines, limits) == parse_entries(iter(lines), limits)


def test_a_batch_with_a_byte_order_mark_or_another_format_is_read_by_record():
    lines = _common(random.Random(8), 300)
    assert columns(lines) is not None
    assert columns(["\ufeff" + lines[0], *lines[1:]]) is None
    assert columns(['10.0.0.1 - - [01/May/2024:00:00:00 +0200] "GET /a HTTP/1.1" 200 1 "-" "curl/8"'] * 300) is None
    assert columns([]) is None
