"""One pass over a batch of values for every recognizer's screen: which value may hold what.

Each pattern recognizer names a `SCREEN`: a regular expression without look-arounds or
back-references that every one of its matches contains (a literal anchor where there is one:
the `@` of an e-mail, the `707057500` of a målepunkt-ID, a street word before a house
number). The screens are compiled together into one Hyperscan database, which runs over a
whole batch joined into one buffer (a column's values, the lines of a log) and reports
(screen, end offset) pairs; an offset maps to its value by the batch's own offsets. Only the
recognizers a value's screens name look at it again, with their full patterns and checks, in
Python. Where Hyperscan is not installed, each screen is one `re`/`regex` pass over the buffer.

A screen is a necessary condition, never the decision: tests hold every match of every
recognizer on the quality corpora to its screen, so the answers are the engine's as before.
Recognizers without a screen (the name gazetteer, third-party plugins) are asked as before
(`may_contain`, or always).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import regex

from detectors.paths import cache_dir

log = logging.getLogger(__name__)

try:  # wheels for Linux, macOS and Windows; where none installs, the `re` fallback (~50x slower)
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None
_HS_ERROR = getattr(hyperscan, "error", Exception) if hyperscan is not None else Exception

# Values are joined with line breaks; ^ and $ match at them (a value's edges). A screen may take
# the break itself as the character before or after a number, never more, so a hit's last
# character is in its value or is the break right after it.
SEPARATOR = "\n"


def _compile_fallback(pattern: str):
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error:  # \p{..} classes: the regex module
        return regex.compile(pattern, regex.MULTILINE | regex.VERSION0)


class Screen:
    """`candidates(texts)`: per text, the indices (into `recognizers`) that may match it."""

    def __init__(self, recognizers: Sequence, use_hyperscan: bool | None = None):
        self.recognizers = list(recognizers)
        self.screened: list[tuple[int, str]] = []  # (recognizer index, screen)
        self.unscreened: list[int] = []  # recognizers asked value by value
        for i, r in enumerate(self.recognizers):
            screen = getattr(r, "SCREEN", None)
            if screen:
                self.screened.append((i, screen))
            else:
                self.unscreened.append(i)
        self.engine = "none"
        self._db = None
        self._ascii_only: set[int] = set()
        self._local = threading.local()  # Hyperscan's scratch space is one scan's at a time
        self._fallback = []
        if use_hyperscan is None:
            use_hyperscan = hyperscan is not None and os.environ.get("KARTLEGG_HYPERSCAN", "1") != "0"
        if self.screened and use_hyperscan and hyperscan is not None:
            try:
                self._db, ascii_only = _database([s for _, s in self.screened])
                self._ascii_only = {self.screened[j][0] for j in ascii_only}
                self.engine = "hyperscan"
            except (_HS_ERROR, AttributeError, TypeError) as exc:  # an older or odd build: re
                log.warning("Hyperscan could not compile the screens (%s); using re", exc)
                self._db = None
        if self._db is None and self.screened:
            self._fallback = [(i, _compile_fallback(s)) for i, s in self.screened]
            self.engine = "re"

    def __getstate__(self):  # a compiled database and scratch space stay in their process
        return {"recognizers": self.recognizers, "use": self.engine == "hyperscan"}

    def __setstate__(self, state):
        self.__init__(state["recognizers"], state["use"])

    def describe(self) -> dict:
        return {"engine": self.engine, "screens": len(self.screened)}

    def candidates(self, texts: Sequence[str]) -> list[set[int]]:
        """Per text, the recognizers (indices) that may match it; texts nothing may match share
        one empty set (most lines of a log: no set made for each)."""
        found: dict[int, set[int]] = {}
        if not texts:
            return []
        if self.screened:
            self._scan(texts, found)
        for i in self.unscreened:
            may = getattr(self.recognizers[i], "may_contain", None)
            for j, text in enumerate(texts):
                if may is None or may(text):
                    found.setdefault(j, set()).add(i)
        return [found.get(j, _NONE) for j in range(len(texts))]

    def _scan(self, texts: Sequence[str], found: dict[int, set[int]]) -> None:
        joined = SEPARATOR.join(texts)
        if self._db is not None:
            data = joined.encode("utf-8", "replace")
            if len(data) == len(joined):  # ASCII: byte offsets are character offsets
                lengths = map(len, texts)
            else:
                lengths = (len(t.encode("utf-8", "replace")) for t in texts)
            starts = [0, *accumulate(n + 1 for n in lengths)]
            ids = [i for i, _ in self.screened]
            digit = len(ids)  # UNICODE_DIGIT's id
            ascii_only = self._ascii_only

            def on_match(screen: int, start: int, end: int, flags: int, context) -> None:
                j = bisect_right(starts, end - 1) - 1
                at = found.get(j)
                if at is None:
                    at = found[j] = set()
                if screen == digit:
                    at.update(ascii_only)
                else:
                    at.add(ids[screen])

            scratch = getattr(self._local, "scratch", None)
            if scratch is None:
                scratch = self._local.scratch = hyperscan.Scratch(self._db)
            self._db.scan(data, match_event_handler=on_match, scratch=scratch)
            return
        starts = [0, *accumulate(len(t) + 1 for t in texts)]
        for i, compiled in self._fallback:
            for m in compiled.finditer(joined):
                found.setdefault(bisect_right(starts, m.end() - 1) - 1, set()).add(i)


_NONE: frozenset[int] = frozenset()
UNICODE_DIGIT = r"[^\D0-9]"  # a decimal digit other than 0-9 (Python's \d matches those too)


def _database(screens: list[str]):
    """A compiled Hyperscan database for the screens, and which of them were compiled for ASCII
    digits only; from the cache when it was built before (compiling costs a fraction of a
    second a start; loading, almost nothing).

    With Unicode properties, \\d is every script's digits and a screen such as \\d{16} is too
    large for Hyperscan: those screens are compiled with ASCII classes, and one more expression
    marks a value with a non-ASCII digit, which every such screen then lets through."""
    unicode = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE
    ascii_ = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_MULTILINE
    key = hashlib.sha256(repr((hyperscan.__version__, screens, 2)).encode()).hexdigest()[:20]
    path = cache_dir() / f"screens-{key}.hsdb"
    try:
        blob = path.read_bytes()
        ascii_only = [int(i) for i in blob[:blob.index(b"\n")].split(b",") if i]
        return hyperscan.loadb(blob[blob.index(b"\n") + 1 :], hyperscan.HS_MODE_BLOCK), ascii_only
    except (OSError, ValueError, _HS_ERROR):
        pass
    flags = [unicode if _fits(s, unicode) else ascii_ for s in screens]
    ascii_only = [i for i, f in enumerate(flags) if f == ascii_]
    expressions = [s.encode() for s in screens] + [UNICODE_DIGIT.encode()]
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
               flags=[*flags, unicode])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        tmp.write_bytes(",".join(map(str, ascii_only)).encode() + b"\n" + hyperscan.dumpb(db))
        tmp.replace(path)
    except OSError as exc:  # a read-only home: compiled again next time
        log.debug("screen database not cached: %s", exc)
    return db, ascii_only


def _fits(screen: str, flags: int) -> bool:
    try:
        hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
            expressions=[screen.encode()], ids=[0], elements=1, flags=[flags])
        return True
    except _HS_ERROR:
        return False
