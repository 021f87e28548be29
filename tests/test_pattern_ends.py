"""Searching only where a match's first or last character can be gives what searching always
gives: spaCy's suffix and infix expressions on words of every kind, and a table of patterns the
reading must bound, or refuse to."""

from __future__ import annotations

import json
import random
import re

import pytest

from bench.logs import write_log, write_nginx_log
from detectors.pattern_ends import (
    VERSION,
    bounds,
    finder,
    first_characters,
    last_characters,
    searcher,
)
from detectors.tokens import Tokenizer, rules

PATTERNS = [  # (pattern, bounded at its last character, bounded at its first)
    (r"km$|kg$|%$", True, True),
    (r"(?<=[0-9])(?:km|m|cm)$", True, True),
    (r"(?:a|bc?)$", True, True),
    (r"x(?:|y)$", True, True),  # an empty alternative: the x before it ends the match
    (r"x(?:$|y$)", True, True),  # an alternative of only the anchor: the x before it ends the match
    (r"(?:$|y$)", False, False),
    (r"(?:x|)$", False, False),  # may be empty: never bounded
    (r"[a-c]+$|\.{2,}$", True, True),
    (r"a$|b", False, True),  # one alternative ends anywhere
    (r"a\Z|b\Z", True, True),
    (r"(?i)ab$", False, False),
    (r"(?i:ab)$", False, False),
    (r"(?m:a$)", False, True),  # multiline in a group: $ at any line's end
    (r"(?ms:a$)", False, True),
    (r"a(?m:$)", False, True),
    (r"(?:(?m:a$)|b$)", False, True),
    (r"(?s:a$)", True, True),  # other flags in a group change nothing here
    (r"[^a]$", False, False),
    (r"\w$", False, False),
    (r"\d$", False, False),
    (r".$", False, False),
    (r"(a)\1$", False, True),
    (r"(?>ab|c)$", True, True),
    (r"a*$", False, False),
    (r"ab{0}$", True, True),
    (r"(?<=a)[:/](?=b)", False, True),
    (r"(?<=[0-9])[+\-*^](?=[0-9-])|\.\.+|…", False, True),
    (r"(?:--|—)(?=[a-z])", False, True),
    (r"x?y", False, True),
    (r"x?", False, False),  # may be empty
    (r"\bfoo", False, True),
    (r"[\u4e00-\u9fff]", False, True),
    (r"[^\d]", False, False),
]
ALPHABET = "abcxy:/+-*^.…—0123456789 kmgc%\n\u4e00\u9fffAB"


def _texts(seed: int, n: int = 2000) -> list[str]:
    rnd = random.Random(seed)
    return [""] + ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(1, 8))) for _ in range(n)]


def _spans(found) -> list:
    return [m.span() for m in found]


@pytest.mark.parametrize(("pattern", "last", "first"), PATTERNS)
def test_a_filtered_search_finds_what_a_search_finds(pattern, last, first):
    plain = re.compile(pattern)
    assert (last_characters(pattern) is not None) is last
    assert (first_characters(pattern) is not None) is first
    search, finditer = searcher(pattern), finder(pattern)
    for text in _texts(len(pattern)):
        m, ours = plain.search(text), search(text)
        assert (m and m.span()) == (ours and ours.span()), (pattern, text)
        assert _spans(plain.finditer(text)) == _spans(finditer(text)), (pattern, text)


@pytest.fixture(scope="module")
def log_lines(tmp_path_factory):
    where = tmp_path_factory.mktemp("logs")
    write_log(where / "app.log", 200_000, seed=3)
    write_nginx_log(where / "access.log", 200_000, seed=3)
    return [line for name in ("app.log", "access.log") for line in (where / name).read_text("utf-8").splitlines()]


def test_spacys_suffix_and_infix_are_bounded_and_filter_alike(log_lines):
    data = rules()
    suffix, infix = re.compile(data["suffix"]), re.compile(data["infix"])
    assert last_characters(data["suffix"]) is not None and first_characters(data["infix"]) is not None
    search, finditer = searcher(data["suffix"]), finder(data["infix"])
    words = {w for line in log_lines for w in line.split()}
    starts, stops = last_characters(data["suffix"])
    # every character a suffix may end with, at the end of a word, and the words around them
    words |= {f"x{chr(c)}" for a, b in zip(starts, stops) for c in range(a, min(b, a + 40) + 1)}
    words |= {"10km", "5kg.", "kr.", "(status", "200)", "registrert", "x\n", "a...", "US$", "'s", "ok!"}
    words |= set(_texts(7, 5000))
    skipped = 0
    for word in sorted(words):
        m = suffix.search(word)
        assert (m and m.span()) == ((found := search(word)) and found.span()), word
        assert _spans(infix.finditer(word)) == _spans(finditer(word)), word
        skipped += m is None
    assert skipped > len(words) // 3


def test_the_bounds_kept_with_the_tokenizer_rules_are_the_bounds_read_now():
    data = rules()
    kept = json.loads(json.dumps(data["bounds"]))  # as the rules file holds them
    assert kept == json.loads(json.dumps(bounds(data["suffix"], data["infix"])))
    assert kept["version"] == VERSION and kept["suffix_ends"] and kept["infix_starts"]


def test_a_tokenizer_with_rules_of_an_earlier_reading_reads_the_bounds_again():
    data = {**rules(), "bounds": {**rules()["bounds"], "version": VERSION - 1, "suffix_ends": [[0], [0]]}}
    stale, fresh = Tokenizer(data), Tokenizer()
    words = ["10km", "registrert", "(status", "200)", "a...b", "kunde@example.no", "x" * 50]
    assert [stale._pieces(w) for w in words] == [fresh._pieces(w) for w in words]
    assert stale.suffix("registrert") is None and stale.suffix.__name__ == "filtered"


def test_bounds_kept_for_other_expressions_are_read_again():
    tokenizer = Tokenizer({**rules(), "suffix": r"x$|!$"})  # the rules file's bounds are spaCy's suffix's
    assert tokenizer.suffix("ax").span() == (1, 2) and tokenizer.suffix("a!").span() == (1, 2)
    assert tokenizer.suffix("a.") is None


def test_a_rules_file_with_bounds_of_an_earlier_reading_is_kept_again(tmp_path, monkeypatch):
    import detectors.tokens as tokens

    data = rules()
    monkeypatch.setenv("KARTLEGG_CACHE_DIR", str(tmp_path))
    path = tmp_path / f"tokenizer-{tokens.LANGUAGE}-spacy-{tokens.spacy_version()}-v{tokens.RULES_VERSION}.json"
    path.write_text(json.dumps({**data, "bounds": {**data["bounds"], "version": VERSION - 1}}), encoding="utf-8")
    rules.cache_clear()
    try:
        fresh = bounds(data["suffix"], data["infix"])
        assert json.loads(json.dumps(rules()["bounds"])) == json.loads(json.dumps(fresh))
        assert json.loads(path.read_text(encoding="utf-8"))["bounds"]["version"] == VERSION
    finally:
        rules.cache_clear()
