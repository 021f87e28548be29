"""Literal databases for recognizers that have no screen but know the strings they need.

The name gazetteer has no regular expression to screen with, but every text its `may_contain`
accepts holds one of ~68,000 literal forms of a known name. Hyperscan's literal compiler reads
them all in one pass over a batch (~800 MiB/s on log lines, against ~5 µs a line for
`may_contain`), so `may_contain` runs only on the texts that hold one.

A literal that holds another is left out (`minimal`): a text with "Karianne" holds "Kari", so
the texts a pass names are the same with 30,000 literals as with 68,000, and compiling takes
~0.6 s instead of ~2.8. A database is built once per installation and gazetteer, kept in the
cache directory (`detectors.paths`) and loaded in milliseconds after that; a recognizer's
`literals_key()` names what its literals are made from without making them. Where none is
cached, a scan builds it only once it has asked about enough values to repay the build
(`detectors.screen`), so a small scan on an empty cache never waits for it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import unicodedata

from detectors.paths import cache_dir, readable, write_cached

log = logging.getLogger(__name__)

try:
    import hyperscan
except ImportError:  # pragma: no cover - depends on the platform
    hyperscan = None
_HS_ERROR = getattr(hyperscan, "error", Exception) if hyperscan is not None else Exception
VERSION = 2  # of how a database is built and stored


def minimal(literals: list[str]) -> list[str]:
    """The literals that hold no other one: a text holds one of these iff it holds one of all."""
    every = set(literals)
    out = []
    for lit in dict.fromkeys(literals):
        n = len(lit)
        if not any(lit[i:j] in every for i in range(n) for j in range(i + 1, n + 1) if j - i < n):
            out.append(lit)
    return out


class Literals:
    """Per recognizer, its literal database: loaded from the cache, or built when asked to."""

    def __init__(self):
        self._dbs: dict[int, object] = {}  # recognizer id -> database, or None (none to be had)
        self._made_of: dict[int, tuple | None] = {}  # recognizer id -> what names its database
        self._lock = threading.Lock()
        self._local = threading.local()  # scratch space is one scan's at a time

    def database(self, recognizer, build: bool = False):
        """The recognizer's database; None where it has no literals, or none is cached and
        `build` is false (asked again later, it may be built then: a cache miss costs a stat)."""
        key = id(recognizer)
        if key in self._dbs:
            return self._dbs[key]
        with self._lock:
            if key not in self._dbs:
                if key not in self._made_of:  # naming it hashes the gazetteer: once
                    self._made_of[key] = _made_of(recognizer)
                made_of = self._made_of[key]
                if made_of is None:
                    self._dbs[key] = None
                else:
                    path = _path(made_of)
                    source = readable(path) if path is not None else None
                    db = _load(source) if source is not None and source.exists() else None
                    if db is None and not build:
                        return None
                    self._dbs[key] = db if db is not None else _build(recognizer, made_of[0], path)
        return self._dbs[key]

    def scratch(self, db):
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = {}
        s = scratches.get(id(db))
        if s is None:
            s = scratches[id(db)] = hyperscan.Scratch(db)
        return s


def _made_of(recognizer) -> tuple | None:
    """What names a recognizer's database in the cache, or None where it has no literals."""
    if hyperscan is None or not hasattr(recognizer, "may_contain_literals"):
        return None
    name = f"{type(recognizer).__module__}.{type(recognizer).__qualname__}"
    made_of = recognizer.literals_key() if hasattr(recognizer, "literals_key") else None
    return (name, made_of)


def _path(made_of: tuple):
    if made_of[1] is None:  # no key: never cached, built in each process that needs it
        return None
    # the Unicode tables too: the odd-case letters among the literals come from them
    made = (VERSION, hyperscan.__version__, unicodedata.unidata_version, made_of)
    key = hashlib.sha256(repr(made).encode()).hexdigest()[:20]
    return cache_dir() / f"literals-{key}.hsdb"


def _load(path):
    try:
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except (OSError, _HS_ERROR):
        return None


def _build(recognizer, name: str, path):
    literals = [s.encode("utf-8") for s in minimal([s for s in recognizer.may_contain_literals() if s])]
    if not literals:
        return None
    try:
        db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        # one id each: with a shared id Hyperscan's literal compiler takes minutes, not seconds
        db.compile(expressions=literals, ids=list(range(len(literals))), elements=len(literals),
                   flags=0, literal=True)
    except (_HS_ERROR, TypeError) as exc:  # an older build without the literal compiler
        log.warning("Hyperscan could not compile %s's literals (%s); asking it text by text", name, exc)
        return None
    if path is not None and (exc := write_cached(path, hyperscan.dumpb(db))) is not None:
        log.debug("literal database not cached: %s", exc)  # a read-only home: compiled again next time
    return db
