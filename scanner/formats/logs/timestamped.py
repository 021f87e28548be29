"""Application logs that start with a timestamp or a level (Logback, Log4j, Spring Boot, Python's
logging, most home-made formats): the logger's name and the message, whatever sits between."""

from __future__ import annotations

import re

from scanner.formats.logs.fields import LEVEL, LEVELS, Pairs, message_entry

# A line's head: an optional level, then the time with its fraction and zone (see logs.blocks).
TIMESTAMP_HEAD = (r"(?:" + LEVEL + r"\s+)?\[?(?:\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d|\d\d:\d\d:\d\d)(?:[.,]\d+)?"
                  r"(?:\s?(?:Z|UTC|[+-]\d\d:?\d\d))?\]?")
_TIMESTAMPED = re.compile(TIMESTAMP_HEAD + r"(?:\s+(?P<rest>.*))?\Z", re.DOTALL)
# "- kunde.service - INFO - message" (Python's "%(asctime)s - %(name)s - %(levelname)s - %(message)s")
_PY_DASHES = re.compile(r"-\s+(?P<lg>\S+)\s+-\s+" + LEVEL + r"\s+-\s+(?P<msg>.*)\Z", re.DOTALL)
_BRACKET = re.compile(r"\[([^\]]*)\]:?\s*")
_LEVEL_WORD = re.compile(r"[\[<]?" + LEVEL + r"[\]>]?(?::|\s+|\Z)\s*")
_SPRING_PID = re.compile(r"\d+\s+---\s+(?:\[[^\]]*\]\s*)?")
LEVEL_FIRST = (_LEVEL_WORD.pattern + "(?:" + _SPRING_PID.pattern + ")?"
               + r"(?:\[(?P<bracket>[^\]]*)\]:?\s*)?")  # _BRACKET, its group named
_LEVEL_FIRST = re.compile(LEVEL_FIRST)
# a logger named before the message: "c.e.Kunde - msg", "c.e.KundeService   : msg", "kunde.service: msg"
NAMED_LOGGER = r"([\w$]+(?:\.[\w$]+)+)(?:\s+[-:]|:)\s+"
_NAMED_LOGGER = re.compile(NAMED_LOGGER)
# Python's logging.basicConfig default: "ERROR:root:message"
_PY_DEFAULT = re.compile(r"(?:CRITICAL|ERROR|WARNING|INFO|DEBUG):(?P<lg>[^:\s]*):(?P<msg>.*)\Z", re.DOTALL)


def parse_timestamped(line: str) -> tuple[str, Pairs] | None:
    first = line[:1]
    if first.isdigit() or first == "[" or (first in "TDINWECFSAtdinwecfs" and first != ""):
        m = _TIMESTAMPED.match(line)
    else:
        m = None
    if m is None:
        if first in "CEWID" and first != "" and (m := _PY_DEFAULT.match(line)) is not None:
            return "timestamped", _app_entry(m.group("lg"), m.group("msg"))
        return None
    rest = m.group("rest") or ""
    if rest[:1] == "-" and (p := _PY_DASHES.match(rest)) is not None:
        return "timestamped", _app_entry(p.group("lg"), p.group("msg"))
    logger = None
    pos = 0
    if rest[:1] != "[":
        # The common line ("INFO [kunde.api] message"): the steps below in one match, as they
        # would go without a bracket first (each optional step is tried once, never backtracked).
        if (f := _LEVEL_FIRST.match(rest)) is not None:
            pos = f.end()
            if f.group("bracket") is not None:
                logger = f.group("bracket").strip() or None
    else:
        b = _BRACKET.match(rest)  # a thread before the level: "[worker-1] WARN"
        if b is not None and b.group(1).strip() not in LEVELS:
            pos = b.end()
        if (lv := _LEVEL_WORD.match(rest, pos)) is not None:
            pos = lv.end()
            if (sp := _SPRING_PID.match(rest, pos)) is not None:
                pos = sp.end()
            if (b := _BRACKET.match(rest, pos)) is not None:  # after the level: the logger, or a thread
                pos = b.end()
                logger = b.group(1).strip() or None
        elif pos:
            logger = b.group(1).strip() or None  # "[kunde.service] message": no level at all
    if (n := _NAMED_LOGGER.match(rest, pos)) is not None:
        logger = n.group(1)
        pos = n.end()
    return "timestamped", _app_entry(logger, rest[pos:])


def _app_entry(logger: str | None, message: str) -> Pairs:
    pairs: Pairs = []
    if logger:
        pairs.append(("logger", logger))
    return message_entry(message, pairs)
