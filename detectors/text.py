"""Running text without Presidio's pipeline: the same answers, at the cost of the matching.

Presidio's `AnalyzerEngine.analyze` (with kartlegg's context enhancer and a blank pipeline)
runs each recognizer, raises a match's score when a context word is among the keywords near it
or in the caller's context, lowers it for a counter-context word, drops zero scores and matches
inside a stronger one of the same type, and orders by score. `TextAnalyzer` does exactly that
with `detectors.tokens` in place of spaCy, and only tokenizes a text that has a match.
Tests hold it to Presidio on the quality corpora (`Engine.reference`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from detectors.context import (
    CONTEXT_FACTOR,
    CONTEXT_FLOOR,
    COUNTER_FACTOR,
    PREFIX_WORDS,
    SUFFIX_WORDS,
    counter_word,
    matcher_for,
)
from detectors.detection import Detection
from detectors.recognizers.results import ID_KEY, NAME_KEY
from detectors.tokens import Tokenizer, Window


@dataclass(slots=True)
class _Hit:
    entity_type: str
    start: int
    end: int
    score: float
    recognizer: object
    metadata: dict = field(default_factory=dict)
    context_word: str | None = None


class TextAnalyzer:
    def __init__(self, recognizers: Sequence, tokenizer: Tokenizer | None = None):
        self.recognizers = list(recognizers)
        self._tokenizer = tokenizer

    @property
    def tokenizer(self) -> Tokenizer:
        # Built at the first match that needs context: compiling spaCy's rules costs 0.1 s.
        if self._tokenizer is None:
            self._tokenizer = Tokenizer()
        return self._tokenizer

    def analyze(self, text: str, context: Sequence[str] = (), entities: Sequence[str] | None = None,
                recognizers: Sequence | None = None) -> list[Detection]:
        """Every detection with a score above zero, strongest first (Presidio's order).
        `recognizers`: only these (a screen said the others cannot match)."""
        wanted = set(entities) if entities else None
        found: list[_Hit] = []
        for recognizer in self.recognizers if recognizers is None else recognizers:
            if wanted is not None and not wanted.intersection(recognizer.supported_entities):
                continue
            found.extend(hits(recognizer, text, list(entities) if entities else list(recognizer.supported_entities)))
        if not found:
            return []
        self._enhance(text, found, [c.lower() for c in context or ()])
        return [_detection(text, h) for h in _remove_duplicates(found)]

    def _enhance(self, text: str, hits: list[_Hit], context: list[str]) -> None:
        window = None
        folded = None
        for h in hits:
            r = h.recognizer
            counter = getattr(r, "COUNTER_CONTEXT", None)
            boost = bool(r.context) and not h.metadata.get("is_score_enhanced_by_context")
            if not (boost or counter):
                continue
            if folded is None:
                folded = text.casefold()
            # The words around a match are pieces of the text: a text that holds none of the
            # recognizer's words anywhere has none near the match, and needs no tokens.
            if (boost and _holds(folded, r.context)) or (counter and _holds(folded, counter)):
                if window is None:
                    window = Window(self.tokenizer, text, PREFIX_WORDS, SUFFIX_WORDS)
                around = window.around(h.start)
            else:
                around = []
            if boost:
                word = matcher_for(tuple(r.context))(around + context)
                if word:
                    h.score = min(max(h.score + CONTEXT_FACTOR, CONTEXT_FLOOR), 1.0)
                    h.context_word = word
                    continue
            if counter:
                against = counter_word(r, around)
                if against:
                    h.score = max(0.0, h.score - COUNTER_FACTOR)
                    h.metadata["counter_context"] = against


def _holds(folded: str, words) -> bool:
    """Whether a case-folded text holds any of the words anywhere (the context matcher's words
    match inside a token or at its start: either way, inside the text). Folded, not lower-cased:
    folding goes character by character, where lower-casing a word alone and inside a text can
    differ (Greek final sigma)."""
    return any(w.lower().casefold() in folded for w in words)


def hits(recognizer, text: str, entities: list[str]) -> list[_Hit]:
    """One recognizer's matches in `text` (its own `find` where it has one), metadata its own."""
    find = getattr(recognizer, "find", None)
    if find is not None and hasattr(recognizer, "ENTITY"):
        return [_Hit(recognizer.ENTITY, m.start, m.end, m.score, recognizer, dict(m.metadata)) for m in find(text)]
    out = []
    for r in recognizer.analyze(text, entities, None) or ():
        meta = {k: v for k, v in (r.recognition_metadata or {}).items() if k not in (NAME_KEY, ID_KEY)}
        out.append(_Hit(r.entity_type, r.start, r.end, r.score, recognizer, meta))
    return out


def _remove_duplicates(hits: list[_Hit]) -> list[_Hit]:
    """Presidio's `EntityRecognizer.remove_duplicates`: one of equal results, no zero scores,
    none inside another of its type with at least its score; strongest first."""
    unique: dict[tuple, _Hit] = {}
    for h in hits:
        unique.setdefault((h.entity_type, h.start, h.end, h.score), h)
    ordered = sorted(unique.values(), key=lambda h: (h.entity_type, h.start, -(h.end - h.start), -h.score))
    kept: list[_Hit] = []
    active: list[_Hit] = []
    entity = None
    for h in ordered:
        if h.entity_type != entity:
            entity, active = h.entity_type, []
        if h.score == 0:
            continue
        active = [a for a in active if a.end >= h.start]
        if any(h.start >= a.start and h.end <= a.end and h.score <= a.score for a in active):
            continue
        kept.append(h)
        active.append(h)
    return sorted(kept, key=lambda h: (-h.score, h.start, -(h.end - h.start)))


def _detection(text: str, h: _Hit) -> Detection:
    return Detection(h.entity_type, h.start, h.end, round(h.score, 4), text[h.start : h.end],
                     getattr(h.recognizer, "name", "?"), h.context_word, h.metadata)
