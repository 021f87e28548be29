"""What the engine asks of each recognizer, decided once per engine: which recognizers are
kartlegg's own, which answer through which of their methods, and which of them look at a value a
screen named them for or at a number of a given length."""

from __future__ import annotations

from detectors.recognizers.base import SHORT_TEXT, KartleggPatternRecognizer, written_at
from detectors.shape import Shape

_BASE = KartleggPatternRecognizer


def is_own(recognizer) -> bool:
    """One of kartlegg's own detectors (not a plugin's)."""
    return type(recognizer).__module__.partition(".")[0] == "detectors"


def is_presidio_class(recognizer) -> bool:
    """A plain Presidio recognizer (a third-party plugin), told without importing Presidio."""
    return any(c.__module__.startswith("presidio_analyzer") for c in type(recognizer).__mro__)


def screened_is_find(recognizer) -> bool:
    """Whether `find_screened` answers for a pattern recognizer as its `find` does: no class
    below the one that wrote `find_screened` changed `find` (IP addresses drop what was
    upgraded *to* in both; a plugin that changes `find` alone is asked by `find`)."""
    if not isinstance(recognizer, _BASE):
        return False
    cls = type(recognizer)
    return written_at(cls, "find_screened") <= written_at(cls, "find")


def batched(recognizer) -> bool:
    """Whether `find_screened_many` answers for many values as `find_screened` does for each:
    the base class's find chain, unchanged."""
    return screened_is_find(recognizer) and all(
        getattr(type(recognizer), m) is getattr(_BASE, m) for m in ("find_screened", "find_screened_many", "_find",
                                                                   "_find_all"))


def find_method(recognizer) -> str | None:
    """The method whose matches the engine reads as they are (start, end, score, metadata), or
    None for a recognizer asked through Presidio's `analyze`: `find` for every pattern
    recognizer (as running text asks it), `find_names` for kartlegg's own name gazetteer (a
    plugin's subclass of it may refine `analyze` alone, and is asked by that)."""
    if isinstance(recognizer, _BASE):
        return "find"
    if is_own(recognizer) and hasattr(recognizer, "find_names") and hasattr(recognizer, "ENTITY"):
        return "find_names"
    return None


def short_plan(plan: list[tuple], cand: frozenset) -> list[tuple]:
    """(recognizer, its shape test or None, whether it is kartlegg's own) for the recognizers
    (indices) `cand` names, in the engine's order (`plan`: (index, recognizer, shape test or
    None) each).

    A plugin's shape test decides for every value. kartlegg's own are necessary conditions of
    their patterns for an ASCII value, whose Shape counts every digit and letter the patterns see
    (the text path, which has no shape tests, is held to this one by tests); once a screen has
    named the recognizer they rule out almost nothing (99 of 7,597 pairs on bench.throughput's
    values), so an ASCII value skips them. Another script's digits are not in Shape.digits: such a
    value is still tested, as before."""
    return [(r, accepts, is_own(r)) for i, r, accepts in plan if i in cand]


def number_plan(plan: list[tuple], screened: set[int], n: int) -> list[tuple]:
    """(recognizer, what it asks of a text first or None, whether `find_numbers` answers for
    it) for the recognizers that could match a number of n digits, in the engine's order. A
    recognizer with a screen (its index in `screened`) is asked without it; one without, as the
    screen would ask it."""
    shape = Shape.of("0" * n)  # every number of n ASCII digits has this shape
    out = []
    for i, r, accepts in plan:
        if accepts is not None and not accepts(shape):
            continue
        may = None if i in screened else getattr(r, "may_contain", None)
        cls = type(r)
        # find_numbers answers as find does, unless a subclass changed how find answers
        whole = (isinstance(r, _BASE) and n in (r.WHOLE_DIGITS or ()) and n <= SHORT_TEXT
                 and (cls.find_numbers is not _BASE.find_numbers
                      or (cls.find is _BASE.find and cls._find_whole is _BASE._find_whole)))
        out.append((r, may, whole))
    return out
