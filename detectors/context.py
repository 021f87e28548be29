"""Context words: which of a recognizer's words is near a match, and what it does to the score."""

from __future__ import annotations

import re
from functools import lru_cache

CONTEXT_FACTOR = 0.35
CONTEXT_FLOOR = 0.4
COUNTER_FACTOR = 0.4
PREFIX_WORDS = 6  # keywords before a match that may support it
SUFFIX_WORDS = 2  # and after it
SHORT_CONTEXT_WORD = 5


class ContextMatcher:
    """Which of a recognizer's context words supports one of the nearby tokens, if any.

    Norwegian compounds need substring matching (`telefon` in `kundetelefon`), but a short word
    as a substring fires everywhere (`ring` in `levering`, `org` in `morgen`): words shorter than
    SHORT_CONTEXT_WORD must start the token (`tlf` in `tlfnr`, `ip` in `ipadresse`). Compiled
    once per word list: one regex for the long words, a `startswith` tuple for the short ones.
    """

    def __init__(self, words: tuple[str, ...]):
        words = tuple(w.lower() for w in words)
        self.short = tuple(w for w in words if len(w) < SHORT_CONTEXT_WORD)
        long = [w for w in words if len(w) >= SHORT_CONTEXT_WORD]
        self.long = re.compile("|".join(map(re.escape, long))) if long else None
        # A token's word, worked out once: the words of logs and columns repeat line after line.
        self._seen: dict[str, str | None] = {}

    def __getstate__(self):  # the answers kept are this process's
        return {**self.__dict__, "_seen": {}}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._seen = {}

    def __call__(self, tokens) -> str | None:
        seen = self._seen
        for raw in tokens:
            word = seen.get(raw, _UNSEEN)
            if word is _UNSEEN:
                word = self.word(raw)
                if len(raw) <= MAX_KEPT_TOKEN:  # a long token (a line without spaces) seldom comes back
                    if len(seen) >= MAX_SEEN:
                        seen.clear()
                    seen[raw] = word
            if word is not None:
                return word
        return None

    def word(self, raw: str) -> str | None:
        """The context word one token holds, if any."""
        token = raw.lower().strip(".:;,()")
        if self.long is not None and (m := self.long.search(token)):
            return m.group()
        if self.short and token.startswith(self.short):
            return next(w for w in self.short if token.startswith(w))
        return None


_UNSEEN = object()
MAX_SEEN = 50_000  # tokens a matcher keeps the answer for
MAX_KEPT_TOKEN = 64  # characters: the longest token whose answer is kept


@lru_cache(maxsize=1024)
def matcher_for(words: tuple[str, ...]) -> ContextMatcher:
    return ContextMatcher(words)


def matchers(recognizer) -> tuple[ContextMatcher | None, ContextMatcher | None]:
    """The matchers of a recognizer's context words and of its counter-context words (None:
    it has none)."""
    counter = getattr(recognizer, "COUNTER_CONTEXT", None)
    return (matcher_for(tuple(recognizer.context)) if recognizer.context else None,
            matcher_for(tuple(counter)) if counter else None)


def context_word(recognizer, context) -> str | None:
    supports = matchers(recognizer)[0]
    return supports(context) if supports is not None else None


def counter_word(recognizer, words) -> str | None:
    counters = matchers(recognizer)[1]
    return counters(words) if counters is not None else None


def boost(score: float, word: str | None) -> float:
    if word is None:
        return score
    try:
        boosted = _BOOSTED.get(score)
    except TypeError:  # a plugin's score of a type that cannot be a key
        return _boosted(score)
    if boosted is None:  # a recognizer's scores are few: each is worked out once
        boosted = _boosted(score)
        if len(_BOOSTED) < MAX_BOOSTED:
            _BOOSTED[score] = boosted
    return boosted


def _boosted(score: float) -> float:
    return round(min(1.0, max(score + CONTEXT_FACTOR, CONTEXT_FLOOR)), 4)


_BOOSTED: dict[float, float] = {}
MAX_BOOSTED = 4096
