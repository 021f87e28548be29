"""The base class of kartlegg's pattern recognizers."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import regex

from detectors.recognizers.results import Pattern, Recognizer, result
from detectors.shape import Shape

LANGUAGE = "nb"
SHORT_TEXT = 256
# What screens (see SCREEN) put around a number for the look-arounds of its patterns, a
# superset of them: a value's edge or a character that is no ASCII word character (Python's \w
# holds more than ASCII, so whatever a pattern's look-behind lets through, this does).
SCREEN_BEFORE = r"(?:^|[^A-Za-z0-9_.,+-])"
SCREEN_AFTER = r"(?:[^A-Za-z0-9_]|$)"
REGEX_TIMEOUT_SECONDS = 60  # Presidio's: a pathological value must not stall the scan
_BACKREF = regex.compile(r"\\[1-9]|\(\?P=")
_RE_FLAGS = ((regex.DOTALL, re.DOTALL), (regex.MULTILINE, re.MULTILINE), (regex.IGNORECASE, re.IGNORECASE),
             (regex.VERBOSE, re.VERBOSE), (regex.ASCII, re.ASCII))
_RE_KNOWN = sum(r for r, _ in _RE_FLAGS)
_SPLIT_LOOKBEHIND = re.compile(r"\(\?<!((?:\[[^\]|()]*\]|\\[a-zA-Z.]|[^\\\[\]|()?{}*+])+)\|((?:\[[^\]|()]*\]|\\[a-zA-Z.]|[^\\\[\]|()?{}*+])+)\)")


def written_at(cls: type, name: str) -> int:
    """How far down the class's MRO the attribute `name` was written (0: by the class itself):
    whether a subclass changed one method without another it must agree with."""
    return next(i for i, c in enumerate(cls.__mro__) if name in c.__dict__)


def split_lookbehinds(source: str) -> str:
    r""""Not after A or B" with A and B of different widths as "not after A, not after B", the
    same condition in a form `re` reads (it wants each look-behind of one width):
    (?<![\w.,+-]|\d[ .-]) -> (?<![\w.,+-])(?<!\d[ .-])."""
    return _SPLIT_LOOKBEHIND.sub(r"(?<!\1)(?<!\2)", source)


def short_form(source: str, flags: int):
    """The pattern in Python's `re` where `re` reads it (most do; look-behinds of varying width
    and a few other `regex` features do not), else in `regex`: for short values `re` calls cost
    a third of `regex`'s, and short values cannot backtrack long enough to need `regex`'s
    timeout. Tests hold the two to the same matches on the quality corpus and the log lines."""
    if not flags & ~_RE_KNOWN:
        try:
            return re.compile(split_lookbehinds(source), sum(f for r, f in _RE_FLAGS if flags & r))
        except (re.error, ValueError, OverflowError):
            pass
    return regex.compile(source, flags=flags)


@dataclass(slots=True)
class Match:
    start: int
    end: int
    score: float
    pattern: Pattern
    metadata: dict = field(default_factory=dict)


class KartleggPatternRecognizer(Recognizer):
    """Pattern + check digits, where the pattern's score says how strong the written form is.

    Like Presidio's `PatternRecognizer`, with one difference: Presidio raises every match whose
    ``validate_result`` returns True to score 1.0, which would erase the difference between
    ``+47 412 34 567`` and a bare 8-digit id. Here ``is_valid`` drops a match that fails its
    check and keeps the pattern's own score otherwise; context words (in the text or the column
    name) then add to it.

    ``find`` is the matching itself; ``analyze`` wraps its matches in Presidio-shaped results
    with explanations. The engine uses ``find`` directly, so both see the same matches.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]]
    # What a match proves, for a finding's reasons.
    EVIDENCE: ClassVar[str] = "checksum-validated"
    FLAGS: ClassVar[int] = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE
    # For a value made only of digits: its length -> the one pattern that can match it whole
    # (None: no such shortcut). Most sampled values are bare numbers; this sends them past the
    # recognizers that cannot match their length, and answers with one fullmatch.
    WHOLE_DIGITS: ClassVar[dict[int, str] | None] = None
    # A regex every match contains, to rule values out with one search. By default all the
    # patterns joined; patterns with backreferences must name one (joined, groups renumber).
    PREFILTER: ClassVar[str | None] = None
    # A cheap regex every match in running text contains, checked before the patterns (address
    # patterns are costly and almost every log line has a word before a number).
    TEXT_NEEDS: ClassVar[str | None] = None
    # For the engine's one pass over a batch (detectors.screen): a regex without look-arounds or
    # back-references that every match contains, anchored on a literal where there is one.
    # None: the recognizer is asked value by value (`may_contain`).
    SCREEN: ClassVar[str | None] = None
    # Per pattern (by name): a cheap regex every match of it contains, so a value without one
    # skips the pattern ("\\d{4}[ \\t]": the postnummer of an address pattern).
    PATTERN_NEEDS: ClassVar[dict[str, str]] = {}
    # Per pattern (by name): a shorter pattern that matches where it starts whenever it matches
    # ("street + number" is the head of "street + number + postnummer"): where the shorter finds
    # nothing, the longer is not tried.
    PATTERN_HEADS: ClassVar[dict[str, str]] = {}
    # Words that say a match is something else ("invoice 96221651577"): they lower its score
    # unless a supporting context word is there too.
    COUNTER_CONTEXT: ClassVar[list[str]] = []

    def __init__(
        self,
        supported_language: str = LANGUAGE,
        patterns: list[Pattern] | None = None,
        context: list[str] | None = None,
        name: str | None = None,
    ):
        super().__init__(
            supported_entities=[self.ENTITY],
            name=name,
            supported_language=supported_language,
            context=list(context or self.CONTEXT),
        )
        self.patterns = list(patterns or self.PATTERNS)
        self.global_regex_flags = self.FLAGS
        self._short = None  # compiled on first use: `kartlegg detect` needs two or three
        self._long_forms = self._screen_forms = None

    def compile(self) -> None:
        """Compile the patterns now (a detection process and a benchmark want them before the
        first value; `kartlegg detect` only those a value reaches)."""
        if self._short is None:
            self._compile()

    def _compile(self) -> None:
        # `_short` is set last: it is what says "compiled", and a thread that sees it (the scan's
        # engine is warmed in the background while sources are listed) must see the rest too
        short = [(short_form(p.regex, self.FLAGS), p) for p in self.patterns]
        # Most values match none of the patterns: one search over all of them says so at once.
        # (Not where a pattern refers back to its own groups: joined, the numbers would shift.)
        backrefs = any(_BACKREF.search(p.regex) for p in self.patterns)
        self._joined = None if backrefs else "|".join(f"(?:{p.regex})" for p in self.patterns)
        prefilter = self.PREFILTER or self._joined
        self._any = short_form(prefilter, self.FLAGS) if prefilter else None
        self._needs = regex.compile(self.TEXT_NEEDS) if self.TEXT_NEEDS else None
        names = [p.name for p in self.patterns]
        # one compiled need per distinct expression: find() asks each once per text (the seven
        # address patterns with a postnummer share theirs)
        # in `regex` for the long forms, which run in `regex`; in `re` for the short ones only where
        # every pattern it guards runs in `re` too (the two read a digit or a letter by different
        # Unicode versions: a need must see at least what its patterns see)
        in_regex = {source: regex.compile(source) for source in set(self.PATTERN_NEEDS.values())}
        in_re = {source for source in in_regex
                 if all(type(c).__module__ == "re" for c, p in short if self.PATTERN_NEEDS.get(p.name) == source)}
        needs = {source: short_form(source, 0) if source in in_re else in_regex[source] for source in in_regex}
        self._pattern_needs = [needs[self.PATTERN_NEEDS[n]] if n in self.PATTERN_NEEDS else None for n in names]
        self._long_needs = [in_regex[self.PATTERN_NEEDS[n]] if n in self.PATTERN_NEEDS else None for n in names]
        self._pattern_heads = [names.index(self.PATTERN_HEADS[n]) if n in self.PATTERN_HEADS else None
                               for n in names]
        by_name = {p.name: (c, p) for c, p in short}
        self._whole = {n: by_name[name] for n, name in (self.WHOLE_DIGITS or {}).items()}
        base = KartleggPatternRecognizer
        cls = type(self)
        # the bounds are score()'s own only where score_bound was written with it or below it
        if (cls.select is base.select and written_at(cls, "score_bound") <= written_at(cls, "score")
                and not {"score", "score_bound", "select"} & vars(self).keys()):
            bounds = [self.score_bound(p) for p in self.patterns]
            self._after = [max(bounds[i + 1:], default=-math.inf) for i in range(len(bounds))]
        else:  # a select() or score() of its own, without bounds: every pattern is run
            self._after = None
        self._short = short

    @property
    def _long(self) -> list:
        """The patterns in `regex`, for texts longer than SHORT_TEXT (its timeout guards them):
        compiled on the first such text, since most scans of tables never meet one."""
        if self._long_forms is None:
            self._long_forms = [(regex.compile(p.regex, flags=self.FLAGS), p) for p in self.patterns]
        return self._long_forms

    @property
    def _screen(self) -> list:
        """For running text in may_contain: the patterns joined, or each."""
        if self._screen_forms is None:
            self._screen_forms = ([regex.compile(self._joined, flags=self.FLAGS)] if self._joined
                                  else [c for c, _ in self._long])
        return self._screen_forms

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if self.is_valid(pattern_text) else False

    def is_valid(self, text: str) -> bool:
        """Check digits and other rules a match must pass; override per identifier."""
        return True

    def accepts(self, shape: Shape) -> bool:
        """A necessary condition for any match: lets the fast path skip this recognizer."""
        return True

    def may_contain(self, text: str) -> bool:
        """False only when no pattern can match anywhere in `text` (lets free text skip the rest)."""
        if self._short is None:
            self._compile()
        if self._needs is not None and self._needs.search(text) is None:
            return False
        if self._any is not None and self._any.search(text) is None:
            return False
        return any(c.search(text) is not None for c in self._screen)

    def could_match(self, shape: Shape) -> bool:
        if shape.pure_digits and self.WHOLE_DIGITS is not None and shape.digits not in self.WHOLE_DIGITS:
            return False
        return self.accepts(shape)

    def annotate(self, text: str, metadata: dict) -> None:
        """Add what is known about one match (kind, synthetic, …) to its metadata."""

    def score(self, pattern: Pattern, text: str) -> float:
        """The score of one valid match: its pattern's, unless the match itself says more."""
        return pattern.score

    def score_bound(self, pattern: Pattern) -> float:
        """The highest score `score` can give a match of `pattern`. A subclass whose `score`
        can go above the pattern's own says so here; one that changes `score` without this has
        every pattern run (see `find`)."""
        return pattern.score

    def select(self, matches: list[Match]) -> list[Match]:
        """One reading per stretch of text: a match inside a stronger or longer one goes."""
        kept: list[Match] = []
        for m in sorted(matches, key=lambda m: (-m.score, m.start - m.end)):
            if not any(k.start <= m.start and m.end <= k.end for k in kept):
                kept.append(m)
        return sorted(kept, key=lambda m: (m.start, m.end))

    def find(self, text: str) -> list[Match]:
        return self._find(text, True)

    def find_screened(self, text: str) -> list[Match]:
        """`find` without the prefilter (PREFILTER, or the patterns joined), for a text a screen
        already named this recognizer for (the engine's `SCREEN` pass, or `may_contain`): the
        same matches, and for most such texts the prefilter would only pass them on."""
        return self._find(text, False)

    def find_screened_many(self, texts: Iterable[str]) -> Iterator[tuple[str, list[Match]]]:
        """`find_screened` over many texts: (text, matches) for those with a match, in order,
        the recognizer's patterns and checks looked up once for them all."""
        return self._find_all(texts, False)

    def _find(self, text: str, prefilter: bool) -> list[Match]:
        for _, matches in self._find_all((text,), prefilter):
            return matches
        return []

    def _find_all(self, texts: Iterable[str], prefilter: bool) -> Iterator[tuple[str, list[Match]]]:
        if self._short is None:
            self._compile()
        whole_digits, any_, after = self.WHOLE_DIGITS is not None, self._any if prefilter else None, self._after
        short_needs, long_needs, heads, run = self._pattern_needs, self._long_needs, self._pattern_heads, self._run
        is_valid, score, annotate, select = self.is_valid, self.score, self.annotate, self.select
        for text in texts:
            n = len(text)
            short = n <= SHORT_TEXT
            if short and whole_digits and text.isdigit():
                matches = self._find_whole(text)
                if matches:
                    yield text, matches
                continue
            if short and any_ is not None and any_.search(text) is None:
                continue
            matches = []
            patterns, needs = (self._short, short_needs) if short else (self._long, long_needs)
            whole = -math.inf  # the strongest whole-text match so far
            ran: dict[int, list | None] = {}  # a pattern's matches, once run (None: timed out)
            lacks: dict[object, bool] = {}  # a need's answer, once asked
            for i, (compiled, pattern) in enumerate(patterns):
                need = needs[i]
                if need is not None:
                    if need not in lacks:
                        lacks[need] = need.search(text) is None
                    if lacks[need]:
                        continue
                head = heads[i]
                if head is not None:
                    if head not in ran:
                        need = needs[head]  # a head that needs what is not here finds nothing
                        if need is not None and need not in lacks:
                            lacks[need] = need.search(text) is None
                        ran[head] = [] if need is not None and lacks[need] else run(patterns[head][0], text, short)
                    if ran[head] == []:
                        continue
                found = ran[i] if i in ran else run(compiled, text, short)
                for m in found or ():
                    start, end = m.span()
                    if start == end:
                        continue
                    value = text[start:end]
                    if not is_valid(value):
                        continue
                    match = Match(start, end, score(pattern, value), pattern)
                    annotate(value, match.metadata)
                    matches.append(match)
                    if start == 0 and end == n and match.score > whole:
                        whole = match.score
                if after is not None and whole >= after[i]:
                    break  # every later match would lie inside a whole-text one at least as strong: select() drops it
            if matches:
                yield text, select(matches) if len(matches) > 1 else matches

    @staticmethod
    def _run(compiled, text: str, short: bool) -> list | None:
        """A pattern's matches; None when a long text ran out of time (a pathological value
        must not stall the scan)."""
        try:
            # Short values cannot backtrack catastrophically; long ones get Presidio's timeout.
            return list(compiled.finditer(text) if short else compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS))
        except TimeoutError:
            return None

    def find_numbers(self, texts: Sequence[str]) -> Iterator[tuple[str, float, dict]]:
        """`find` over texts of ASCII digits, all of one length, at most SHORT_TEXT long: (text,
        score, metadata) of each whole-text match (a digit string has at most one, the whole of
        it: see `_find_whole`). The pattern is looked up once for them all."""
        if self._short is None:
            self._compile()
        entry = self._whole.get(len(texts[0])) if texts and self.WHOLE_DIGITS is not None else None
        if entry is None:
            return
        compiled, pattern = entry
        fullmatch, is_valid, score, annotate = compiled.fullmatch, self.is_valid, self.score, self.annotate
        for text in texts:
            if fullmatch(text) is not None and is_valid(text):
                value, metadata = score(pattern, text), {}
                annotate(text, metadata)
                yield text, value, metadata

    def _find_whole(self, text: str) -> list[Match]:
        """What find() returns for a digit string: at most one match, the whole of it."""
        entry = self._whole.get(len(text))
        if entry is None or entry[0].fullmatch(text) is None or not self.is_valid(text):
            return []
        match = Match(0, len(text), self.score(entry[1], text), entry[1])
        self.annotate(text, match.metadata)
        return [match]

    def analyze(self, text, entities=None, nlp_artifacts=None, regex_flags=None):
        if entities and self.ENTITY not in entities:
            return []
        return [result(self, m.start, m.end, m.score, m.pattern.name, m.pattern.regex, m.metadata)
                for m in self.find(text)]
