"""A context matcher's answer kept for a token it has met is the answer it would give anew."""

from __future__ import annotations

import pickle

import pytest

from detectors import context
from detectors.context import ContextMatcher

WORDS = ("telefon", "mobil", "tlf", "ip", "fødselsnummer", "Straße", "ΟΔΟΣ")
TOKENS = ["kundetelefon", "Telefon:", "(tlfnr)", "tipp", "ip-adresse", "levering", "STRASSE", "straße",
          "mobilnr.", "", "fødselsnummer,", "οδος", "οδοσ", "ODOS", "ipv6", "x", "mobi", "teleskop", "telefonen"]


def uncached(words, tokens):
    fresh = ContextMatcher(words)
    return next((w for w in map(fresh.word, tokens) if w is not None), None)


@pytest.mark.parametrize("tokens", [[t] for t in TOKENS] + [TOKENS, TOKENS[::-1], ["levering", "tipp", "x"]])
def test_a_kept_answer_is_the_answer(tokens):
    matcher = ContextMatcher(WORDS)
    for _ in range(3):  # met before: from what it kept
        assert matcher(tokens) == uncached(WORDS, tokens)


def test_one_matcher_answers_each_token_as_a_new_one_would():
    matcher = ContextMatcher(WORDS)
    for _ in range(2):
        for token in TOKENS + TOKENS[::-1]:
            assert matcher([token]) == uncached(WORDS, [token])


def test_answers_hold_past_the_matchers_bound(monkeypatch):
    monkeypatch.setattr(context, "MAX_SEEN", 4)
    matcher = ContextMatcher(WORDS)
    for i in range(40):
        tokens = [TOKENS[(i * 7 + j) % len(TOKENS)] for j in range(3)]
        assert matcher(tokens) == uncached(WORDS, tokens)
    assert len(matcher._seen) <= 4


def test_a_pickled_matcher_keeps_no_answers():
    matcher = ContextMatcher(WORDS)
    matcher(TOKENS)
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy._seen == {} and copy(TOKENS) == matcher(TOKENS)


def test_a_long_token_is_answered_but_not_kept():
    matcher = ContextMatcher(WORDS)
    long = "x" * (context.MAX_KEPT_TOKEN + 1) + "telefon"
    assert matcher([long]) == "telefon" and long not in matcher._seen
    assert matcher(["kundetelefon"]) == "telefon" and "kundetelefon" in matcher._seen


def test_a_matcher_pickled_without_kept_answers_still_answers():
    matcher = ContextMatcher(WORDS)
    state = {k: v for k, v in matcher.__dict__.items() if k != "_seen"}  # as pickled before answers were kept
    copy = ContextMatcher.__new__(ContextMatcher)
    copy.__setstate__(state)
    assert copy(TOKENS) == matcher(TOKENS)
