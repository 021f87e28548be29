"""The one pass's shortcuts change nothing: screens compiled with ASCII classes where those read
the same, and the name gazetteer's literal pass in front of its `may_contain`."""

from __future__ import annotations

import random

import pytest

from bench import corpus as corpus_mod
from bench.logs import write_log
from detectors import literals as literals_mod
from detectors import screen as screen_mod
from detectors.engine import Engine
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.recognizers.person import PersonRecognizer, odd_case_letters
from detectors.screen import Screen

pytestmark = pytest.mark.skipif(screen_mod.hyperscan is None, reason="hyperscan is not installed here")


@pytest.fixture(scope="module")
def engine():
    return Engine()


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    corpus = corpus_mod.build(2026, "full")
    path = tmp_path_factory.mktemp("log") / "app.log"
    write_log(path, 200_000, seed=11)
    out = [str(v) for col in corpus.columns for v in col.values if v is not None]
    out += [t.text for t in corpus.texts] + path.read_text(encoding="utf-8").splitlines()
    return list(dict.fromkeys(out))


# Names as text writes them, and near misses: each with whether may_contain lets it through.
NAMES = [
    ("Kari Nordmann ringte", True), ("KARI NORDMANN", True), ("hilsen Kari", True),
    ("Anne-Lise Berg", True), ("O'Brien", None), ("kari nordmann", False), ("kARI", False),
    ("Mozilla/5.0 (Windows NT 10.0)", None), ("x-Kari", None), ("Kari-x", None),
    ("\u212aari Nordmann", True),  # a Kelvin sign for the K: lower-cases to "kari"
    ("\u212bse Berg", True),  # an ångström sign for the Å of Åse
    ("\u0130DA", None), ("Åse Ødegård", True), ("ÅSE", True), ("Ødegård", True),
    ("INFO [kunde.api] heartbeat ok", False), ("request 1234 completed", False),
]


def test_the_name_literals_rule_out_only_what_may_contain_rules_out(engine, texts):
    person = next(r for r in engine.recognizers if isinstance(r, PersonRecognizer))
    batch = texts + [t for t, _ in NAMES]
    with_literals = Screen(engine.recognizers, use_hyperscan=True)
    with_literals.warm(build=True)
    without = Screen(engine.recognizers, use_hyperscan=True)
    without._literals = None
    assert with_literals.candidates(batch) == without.candidates(batch)
    i = engine.recognizers.index(person)
    which = with_literals._literal_hits(i, batch, None)
    assert which is not None and len(which) < len(batch) // 2  # the literal pass does rule out
    for j, (text, may) in enumerate(NAMES, start=len(texts)):
        if may is not None:
            assert person.may_contain(text) is may, text
        if person.may_contain(text):
            assert j in which, text


def test_name_literals_hold_every_form_a_name_is_written_in():
    person = PersonRecognizer()
    person.load()
    literals = set(person.may_contain_literals())
    for name in ("kari", "nordmann", "åse", "ødegård"):
        assert name.capitalize() in literals and name.upper() in literals
    assert "\u212a" in odd_case_letters() and "\u212b" in odd_case_letters() and "K" not in odd_case_letters()
    assert "kari" not in literals  # lower case is not how a name is written: may_contain turns it down
    assert person.literals_key() == person.literals_key()


@pytest.mark.parametrize(("screen", "ascii_"), [
    (r"(?:^|[^A-Za-z0-9_.,+-])\d{6}[ -]?\d{5}(?:[^A-Za-z0-9_]|$)", True),
    (r"(?:^|[^A-Za-z0-9_.,+-]|NO ?)\d{3} ?\d{3} ?\d{3}(?:[^A-Za-z0-9_]|$|(?i:mva))", True),
    (r"707057500\d{9}", True),
    (r"@[^\s@.]+\.[^\s@.]", False),  # \s: Unicode spaces
    (r"\bfnr\b", False),
    (r"[\p{L}.][ ]\d", False),
    (r"(?i:gate|plass)[ ]\d", True),  # Hyperscan folds the long s to s either way
    (r"(?i:kai)[ ]\d", True),  # and the Kelvin sign to k
    (r"(?i:mva)\d", True),
    (r"gate[ ]\d{1,4}[ ]Å", False),  # a non-ASCII literal
])
def test_ascii_classes_only_where_they_read_the_same(screen, ascii_):
    assert screen_mod._ascii_exact(screen) is ascii_


DIGITS = ["\u0660", "\u06f0", "\u0966", "\uff10"]  # Arabic-Indic, Persian, Devanagari, full-width zero


def test_a_match_in_other_digits_passes_its_screen(engine, texts):
    """Screens compiled with ASCII classes let every text with a non-ASCII digit through, so a
    recognizer that reads other scripts' digits is still asked."""
    rnd = random.Random(3)
    digits = [t for t in texts if sum(c.isdigit() for c in t) >= 8][:3000]
    mixed = []
    for t in digits:
        zero = rnd.choice(DIGITS)
        mixed.append("".join(chr(ord(zero) + int(c)) if c in "0123456789" else c for c in t))
    screen = Screen(engine.recognizers, use_hyperscan=True)
    candidates = screen.candidates(mixed)
    found = 0
    for i, rec in enumerate(engine.recognizers):
        if not isinstance(rec, KartleggPatternRecognizer):
            continue
        for text, cand in zip(mixed, candidates):
            if rec.find(text):
                found += 1
                assert i in cand, (rec.name, text)
    assert found > 100  # recognizers do read other scripts' digits, so the test has something to hold


@pytest.mark.parametrize(("literals", "kept"), [
    (["Kari", "Karianne", "Anne", "Ann", "Bo"], ["Kari", "Ann", "Bo"]),
    (["ANNE-LISE", "LISE", "ANNE"], ["LISE", "ANNE"]),
    (["Åse", "Åsebø", "Kåse"], ["Åse", "Kåse"]),  # "Kåse" holds "åse", not "Åse"
    (["Ola", "Ola"], ["Ola"]),
    (["Per", "Pe"], ["Pe"]),
    (["Liv", "Olivia"], ["Liv", "Olivia"]),  # case matters: "Olivia" holds "liv", not "Liv"
])
def test_a_literal_that_holds_another_is_left_out(literals, kept):
    assert literals_mod.minimal(literals) == kept


def test_the_minimal_literals_name_the_same_texts():
    rnd = random.Random(4)
    person = PersonRecognizer()
    person.load()
    every = person.may_contain_literals()
    fewer = literals_mod.minimal(every)
    assert len(fewer) < len(every) * 0.6
    names = [rnd.choice(every) for _ in range(300)]
    texts = [f"{rnd.choice(['x', 'Mr', '', 'hei '])}{name}{rnd.choice(['', 's', 'sen', ' 3'])}" for name in names]
    texts += ["INFO ok", "request 12 done", "Kvittering", "Bob", "ÅSE", "anne-lise"]
    assert [any(w in t for w in every) for t in texts] == [any(w in t for w in fewer) for t in texts]


def test_an_empty_cache_builds_the_name_literals_only_for_a_scan_that_repays_it(engine, texts, tmp_path, monkeypatch):
    monkeypatch.setenv("KARTLEGG_CACHE_DIR", str(tmp_path))
    person = next(i for i, r in enumerate(engine.recognizers) if isinstance(r, PersonRecognizer))
    keyed = []
    key = PersonRecognizer.literals_key
    monkeypatch.setattr(PersonRecognizer, "literals_key", lambda self: keyed.append(1) or key(self))
    screen = Screen(engine.recognizers, use_hyperscan=True)
    screen.warm()  # nothing cached: nothing built
    batch = texts[:5000]
    first = screen.candidates(batch)
    for _ in range(3):
        assert screen.candidates(batch[:100]) == first[:100]
    assert screen._literals.database(engine.recognizers[person]) is None
    assert not list(tmp_path.glob("literals-*.hsdb"))
    assert len(keyed) == 1  # a miss is remembered: the gazetteer is not hashed again for each batch
    monkeypatch.setattr(screen_mod, "BUILD_AFTER", 10_000)
    screen.candidates(batch)
    assert screen.candidates(batch) == first  # built now, from the third batch on: the same answers
    assert screen._literals.database(engine.recognizers[person]) is not None
    assert len(list(tmp_path.glob("literals-*.hsdb"))) == 1
    again = Screen(engine.recognizers, use_hyperscan=True)
    again.warm()  # cached now: loaded
    assert again._literals.database(engine.recognizers[person]) is not None
