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
(`may_contain`, or always); one that names the literals its `may_contain` needs (the gazetteer's
names as text writes them) is asked only about the values of a batch that hold one of them,
found in one more Hyperscan pass (`detectors.literals`).

Screens are compiled with ASCII classes wherever those read the same as Unicode ones
(`_ascii_exact`): Unicode properties made the one pass five times slower.
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

from detectors.literals import Literals
from detectors.paths import cache_dir, readable, write_cached

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
        self._literals = Literals() if use_hyperscan and hyperscan is not None else None
        self._asked = 0  # values of large batches asked about: what repays building a literal database
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

    def warm(self, build: bool = False) -> None:
        """Load the literal databases now where they are cached (milliseconds), not in the first
        large batch; `build`: build the others too (~1 s each, once per installation)."""
        if self._literals is not None:
            for i in self.unscreened:
                if (db := self._literals.database(self.recognizers[i], build)) is not None:
                    self._literals.scratch(db)

    def candidates(self, texts: Sequence[str]) -> list[set[int]]:
        """Per text, the recognizers (indices) that may match it; texts nothing may match share
        one empty set (most lines of a log: no set made for each)."""
        found = self.hits(texts)
        return [found.get(j, _NONE) for j in range(len(texts))]

    def hits(self, texts: Sequence[str]) -> dict[int, set[int]]:
        """`candidates` for the texts something may match alone: text index -> recognizers (an
        empty set for a text with a non-ASCII digit when no screen was compiled for ASCII only)."""
        found: dict[int, set[int]] = {}
        if not texts:
            return found
        buffer = None
        if self.screened:
            buffer = self._scan(texts, found)
        large = len(texts) >= LITERAL_BATCH and self._literals is not None
        if large and self.unscreened:
            self._asked += len(texts)
        for i in self.unscreened:
            may = getattr(self.recognizers[i], "may_contain", None)
            if may is None:
                for j in range(len(texts)):
                    found.setdefault(j, set()).add(i)
                continue
            # A batch worth it: a literal pass names the texts may_contain has to look at.
            which = self._literal_hits(i, texts, buffer, build=self._asked >= BUILD_AFTER) if large else None
            for j in range(len(texts)) if which is None else sorted(which):
                if may(texts[j]):
                    found.setdefault(j, set()).add(i)
        return found

    def _buffer(self, texts: Sequence[str]) -> tuple[bytes, list[int]]:
        """The texts joined as Hyperscan reads them, and where each starts in it."""
        joined = SEPARATOR.join(texts)
        data = joined.encode("utf-8", "replace")
        if len(data) == len(joined):  # ASCII: byte offsets are character offsets
            lengths = map(len, texts)
        else:
            lengths = (len(t.encode("utf-8", "replace")) for t in texts)
        return data, [0, *accumulate(n + 1 for n in lengths)]

    def _literal_hits(self, i: int, texts: Sequence[str], buffer, build: bool = True) -> set[int] | None:
        """The texts holding one of recognizer i's `may_contain_literals`, or None without them
        (`build`: build its database if none is cached)."""
        db = self._literals.database(self.recognizers[i], build) if self._literals is not None else None
        if db is None:
            return None
        data, starts = buffer or self._buffer(texts)
        hit: set[int] = set()

        def on_match(_id: int, start: int, end: int, flags: int, context) -> None:
            hit.add(bisect_right(starts, end - 1) - 1)

        db.scan(data, match_event_handler=on_match, scratch=self._literals.scratch(db))
        return hit

    def _scan(self, texts: Sequence[str], found: dict[int, set[int]]):
        if self._db is not None:
            data, starts = buffer = self._buffer(texts)
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
            return buffer
        joined = SEPARATOR.join(texts)
        starts = [0, *accumulate(len(t) + 1 for t in texts)]
        for i, compiled in self._fallback:
            for m in compiled.finditer(joined):
                found.setdefault(bisect_right(starts, m.end() - 1) - 1, set()).add(i)
        return None


_NONE: frozenset[int] = frozenset()
LITERAL_BATCH = 64  # texts in a call before a literal pass pays for itself
# Values asked about before a literal database that is not cached is built: building takes ~1 s
# (once per installation), `may_contain` ~5 µs a value, so a scan builds it once it has asked
# about as many values as the build costs; a small scan on an empty cache never waits for it.
BUILD_AFTER = 200_000
# A decimal digit other than 0-9, which Python's \d matches too. Hyperscan's Unicode tables are
# older than Python's: digits of the newest scripts (Newa, Kawi, ...) are not among them.
UNICODE_DIGIT = r"[^\D0-9]"


def _database(screens: list[str]):
    """A compiled Hyperscan database for the screens, and which of them were compiled for ASCII
    digits only; from the cache when it was built before (compiling costs a fraction of a
    second a start; loading, almost nothing).

    With Unicode properties, \\d is every script's digits and a screen such as \\d{16} is too
    large for Hyperscan: those screens are compiled with ASCII classes, and one more expression
    marks a value with a non-ASCII digit, which every such screen then lets through."""
    unicode = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE
    ascii_ = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_MULTILINE
    key = hashlib.sha256(repr((hyperscan.__version__, screens, 3)).encode()).hexdigest()[:20]
    path = cache_dir() / f"screens-{key}.hsdb"
    try:
        blob = readable(path).read_bytes()
        ascii_only = [int(i) for i in blob[:blob.index(b"\n")].split(b",") if i]
        return hyperscan.loadb(blob[blob.index(b"\n") + 1 :], hyperscan.HS_MODE_BLOCK), ascii_only
    except (OSError, ValueError, _HS_ERROR):
        pass
    flags = [ascii_ if _ascii_exact(s) or not _fits(s, unicode) else unicode for s in screens]
    ascii_only = [i for i, f in enumerate(flags) if f == ascii_]
    expressions = [s.encode() for s in screens] + [UNICODE_DIGIT.encode()]
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
               flags=[*flags, unicode])
    exc = write_cached(path, ",".join(map(str, ascii_only)).encode() + b"\n" + hyperscan.dumpb(db))
    if exc is not None:  # a read-only home: compiled again next time
        log.debug("screen database not cached: %s", exc)
    return db, ascii_only


# What reads differently under Unicode properties than in ASCII, besides \d and \D (which the
# non-ASCII-digit expression covers): word, space and boundary classes, properties, POSIX
# classes and non-ASCII literals. (Hyperscan folds the Kelvin sign and the long s to k and s
# with or without them.)
_UNICODE_SENSITIVE = re.compile(r"\\[wWsSbBpPX]|\[:|[^\x00-\x7f]")


def _ascii_exact(screen: str) -> bool:
    """Whether ASCII classes give this screen the same matches as Unicode ones, given the
    expression that lets every value with a non-ASCII digit through. Unicode properties cost
    Hyperscan dearly: the organisation number's screen ran at 41 MiB/s with them, 790 without."""
    return _UNICODE_SENSITIVE.search(screen) is None


def _fits(screen: str, flags: int) -> bool:
    try:
        hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
            expressions=[screen.encode()], ids=[0], elements=1, flags=[flags])
        return True
    except _HS_ERROR:
        return False
