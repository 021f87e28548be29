"""The timestamped-log parser's one-match path for "LEVEL [logger] message" lines gives what its
step-by-step matching gives, on generated application logs and on lines built from every piece
the steps know (levels, threads, Spring pids, brackets, named loggers, odd spacing)."""

from __future__ import annotations

import itertools
import random

from bench.logs import write_log
from scanner.formats.logs import timestamped as ts
from scanner.formats.logs.fields import LEVELS


def reference(line: str):
    """parse_timestamped as it was, every step its own match."""
    first = line[:1]
    if first.isdigit() or first == "[" or (first in "TDINWECFSAtdinwecfs" and first != ""):
        m = ts._TIMESTAMPED.match(line)
    else:
        m = None
    if m is None:
        if first in "CEWID" and first != "" and (m := ts._PY_DEFAULT.match(line)) is not None:
            return "timestamped", ts._app_entry(m.group("lg"), m.group("msg"))
        return None
    rest = m.group("rest") or ""
    if rest[:1] == "-" and (p := ts._PY_DASHES.match(rest)) is not None:
        return "timestamped", ts._app_entry(p.group("lg"), p.group("msg"))
    logger = None
    pos = 0
    b = ts._BRACKET.match(rest)
    if b is not None and b.group(1).strip() not in LEVELS:
        pos = b.end()
    if (lv := ts._LEVEL_WORD.match(rest, pos)) is not None:
        pos = lv.end()
        if (sp := ts._SPRING_PID.match(rest, pos)) is not None:
            pos = sp.end()
        if (b := ts._BRACKET.match(rest, pos)) is not None:
            pos = b.end()
            logger = b.group(1).strip() or None
    elif pos:
        logger = b.group(1).strip() or None
    if (n := ts._NAMED_LOGGER.match(rest, pos)) is not None:
        logger = n.group(1)
        pos = n.end()
    return "timestamped", ts._app_entry(logger, rest[pos:])


STAMPS = ["2024-05-01 12:00:00,123", "2024-05-01T12:00:00.123Z", "12:00:00", "[2024-05-01 12:00:00]",
          "2024/05/01 12:00:00 +02:00", "INFO 2024-05-01 12:00:00", "2024-05-01 12:00:00"]
GAPS = [" ", "  ", "\t", ""]
LEVEL_WORDS = ["INFO", "WARN", "error", "Debug", "[INFO]", "<ERROR>", "INFO:", "TRACE", "INFORMATION", "Inf", ""]
PIDS = ["", "12345 --- ", "1 --- [main] ", "77 ---"]
BRACKETS = ["", "[kunde.api] ", "[worker-1]: ", "[ ] ", "[INFO] ", "[a]b ", "[unclosed "]
MESSAGES = ["request done", "c.e.KundeService : saved 15076500565", "kunde.service: ny kunde fnr=15076500565 epost=a@b.no",
            "- dash first", "", "[x] y", "Exception: boom", "a.b - c", "  spaced", "x=1 y=2"]


def _built():
    for stamp, gap, level, pid, bracket, message in itertools.product(
            STAMPS, GAPS[:2], LEVEL_WORDS, PIDS, BRACKETS, MESSAGES):
        yield f"{stamp}{gap}{level}{' ' if level else ''}{pid}{bracket}{message}"


def test_fast_path_equals_the_steps_on_built_lines():
    lines = list(_built())
    rnd = random.Random(7)
    lines += ["".join(rnd.choice(GAPS + LEVEL_WORDS + BRACKETS + PIDS + MESSAGES) for _ in range(5))
              for _ in range(5000)]
    lines += [rnd.choice(STAMPS) + " " + "".join(rnd.choice(GAPS + LEVEL_WORDS + BRACKETS + PIDS + MESSAGES)
                                                for _ in range(4)) for _ in range(20000)]
    differ = [line for line in lines if ts.parse_timestamped(line) != reference(line)]
    assert not differ, differ[:5]
    assert sum(1 for line in lines if reference(line) is not None) > 20000


def test_fast_path_equals_the_steps_on_an_application_log(tmp_path):
    path = tmp_path / "app.log"
    write_log(path, 300_000, seed=3)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [ts.parse_timestamped(line) for line in lines] == [reference(line) for line in lines]
