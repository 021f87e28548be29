"""Which characters a pattern's matches can start or end with, read from the pattern itself.

spaCy's suffix expression is some eighty alternatives, each ending in `$`; `re` tries every one
at every position of a word (5-15 µs a word), and the tokenizer asks it two or three times for
each word it has not met. Every match ends at the word's end, with one of the characters the
alternatives end with: a word that ends with none of them cannot match, and is not searched.
Its infix expression (20,000 characters) likewise starts every match with punctuation or a
symbol: a word of letters and digits holds no infix, and is not searched either.

The characters are read from the parsed pattern (`re._parser`), and the reading refuses what it
cannot bound (a negated class, `\\w`, `.`, a back-reference, case-insensitive parts, a match that
may be empty, a match that may end before the end): such a pattern is searched every time.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator

try:  # the parser behind re.compile; if its shape ever changes, no pattern is filtered
    from re import _constants as _C
    from re import _parser as _P
except ImportError:  # pragma: no cover - depends on the Python version
    _C = _P = None

_ANY = None  # any character: no bound
_READ = object()  # bounds not given: read them from the pattern
VERSION = 2  # of the reading: bounds kept by an earlier one are read again


def bounds(suffix: str | None, infix: str | None) -> dict:
    """A tokenizer's suffix and infix bounds, to keep with its rules (reading them costs ~15 ms)."""
    return {"version": VERSION, "of": of(suffix, infix), "suffix_ends": suffix and last_characters(suffix),
            "infix_starts": infix and first_characters(infix)}


def of(suffix: str | None, infix: str | None) -> str:
    """Which expressions bounds were read from: bounds kept for others are read again."""
    return hashlib.sha256(f"{suffix}\0{infix}".encode()).hexdigest()[:20]


def kept(known: dict | None, suffix: str | None, infix: str | None) -> dict:
    """`known` when it holds bounds of this reading for these expressions, else bounds read now."""
    if known and known.get("version") == VERSION and known.get("of") == of(suffix, infix):
        return known
    return bounds(suffix, infix)


def searcher(pattern: str, flags: int = 0, ends=_READ) -> Callable[[str], re.Match | None]:
    """`re.compile(pattern, flags).search`, skipping the search for a text whose last character
    no match can end with (the answer, None, is the same). `ends`: `last_characters` of the
    pattern, kept from before."""
    search = re.compile(pattern, flags).search
    if ends is _READ:
        ends = last_characters(pattern, flags)
    if not ends:
        return search
    starts, stops = ends

    def filtered(text: str) -> re.Match | None:
        if text and text[-1] != "\n":  # `$` also matches before a final line break
            o = ord(text[-1])
            i = bisect_right(starts, o) - 1
            if i < 0 or o > stops[i]:
                return None
        return search(text)

    return filtered


def finder(pattern: str, flags: int = 0, starts=_READ) -> Callable[[str], Iterator[re.Match]]:
    """`re.compile(pattern, flags).finditer`, skipping the search in a text that holds no
    character a match can start with (it finds nothing there either). `starts`:
    `first_characters` of the pattern, kept from before."""
    finditer = re.compile(pattern, flags).finditer
    if starts is _READ:
        starts = first_characters(pattern, flags)
    if not starts:
        return finditer
    holds = re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                                      for a, b in zip(*starts)) + "]").search

    def filtered(text: str) -> Iterator[re.Match]:
        return finditer(text) if holds(text) is not None else iter(())

    return filtered


def first_characters(pattern: str, flags: int = 0) -> tuple[list[int], list[int]] | None:
    """The code points every match's first character lies in, as sorted ranges (starts, stops),
    when every match holds a character; None when that cannot be told."""
    return _read(pattern, flags, re.IGNORECASE, lambda items: _edge(items, first=True))


def last_characters(pattern: str, flags: int = 0) -> tuple[list[int], list[int]] | None:
    """The code points every match's last character lies in, as sorted ranges (starts, stops),
    when every match ends at the text's end and holds a character; None when that cannot be told."""
    return _read(pattern, flags, re.IGNORECASE | re.MULTILINE, _anchored)


def _read(pattern: str, flags: int, refused: int, edge) -> tuple[list[int], list[int]] | None:
    """`edge` of the parsed pattern as ranges; None where it has a flag `refused` throughout,
    cannot be bounded, or may match nothing."""
    if _P is None:
        return None
    try:
        parsed = _P.parse(pattern, flags)
        if parsed.state.flags & refused:
            return None
        found = edge(list(parsed))
    except Exception:  # noqa: BLE001 - an unexpected shape of the parser's tree: no filter
        return None
    if found is _ANY or found[1]:
        return None
    return _ranges(found[0])


def _ranges(chars: set) -> tuple[list[int], list[int]]:
    spans = sorted((c, c) if isinstance(c, int) else c for c in chars)
    starts: list[int] = []
    stops: list[int] = []
    for lo, hi in spans:
        if stops and lo <= stops[-1] + 1:
            stops[-1] = max(stops[-1], hi)
        else:
            starts.append(lo)
            stops.append(hi)
    return starts, stops


def _anchored(items: list):
    """(characters, may be empty) of what a match of `items` ends with before its end anchor,
    or _ANY when a match may end elsewhere or the characters cannot be bounded."""
    if not items:
        return _ANY
    op, av = items[-1]
    if op is _C.AT and av in (_C.AT_END, _C.AT_END_STRING):
        return _edge(items[:-1], first=False)
    if op is _C.BRANCH:
        inner = [_anchored(list(alt)) for alt in av[1]]
    elif op is _C.SUBPATTERN and not av[1] & (re.IGNORECASE | re.MULTILINE):  # (?m:$): any line's end
        inner = [_anchored(list(av[3]))]
    elif op is _C.ATOMIC_GROUP:
        inner = [_anchored(list(av))]
    else:
        return _ANY
    if any(found is _ANY for found in inner):
        return _ANY
    chars = set().union(*(found[0] for found in inner))
    if not any(found[1] for found in inner):
        return chars, False
    before = _edge(items[:-1], first=False)  # an alternative may be empty: the character comes from before
    return _ANY if before is _ANY else (chars | before[0], before[1])


def _edge(items: list, first: bool):
    """(characters, may be empty) a match of the sequence `items` starts (`first`) or ends with."""
    chars: set = set()
    for op, av in items if first else reversed(items):
        found = _item(op, av, first)
        if found is _ANY:
            return _ANY
        chars |= found[0]
        if not found[1]:
            return chars, False
    return chars, True


def _item(op, av, first: bool):
    if op is _C.LITERAL:
        return {av}, False
    if op is _C.IN:
        chars = set()
        for o, a in av:
            if o is _C.LITERAL:
                chars.add(a)
            elif o is _C.RANGE:
                chars.add((a[0], a[1]))
            else:  # a negated class, a category (\w, \d, \s): not bounded here
                return _ANY
        return chars, False
    if op is _C.BRANCH:
        found = [_edge(list(alt), first) for alt in av[1]]
        if any(f is _ANY for f in found):
            return _ANY
        return set().union(*(f[0] for f in found)), any(f[1] for f in found)
    if op is _C.SUBPATTERN:
        return _ANY if av[1] & re.IGNORECASE else _edge(list(av[3]), first)
    if op is _C.ATOMIC_GROUP:
        return _edge(list(av), first)
    if op in _REPEATS:
        low, high, sub = av
        if high == 0:
            return set(), True
        found = _edge(list(sub), first)
        return _ANY if found is _ANY else (found[0], found[1] or low == 0)
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return set(), True  # takes no character
    return _ANY


_REPEATS = () if _C is None else tuple(
    getattr(_C, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(_C, name))
