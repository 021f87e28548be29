"""kartlegg's own text path and one-pass screen against Presidio's pipeline: the same answers.

The reference is what the engine was before it had its own text path: Presidio's
AnalyzerEngine with spaCy's tokenizer and lemmas (`Engine(pipeline="presidio")`), every value
looked at by every recognizer (no screen). The quality corpus (full size: every column, every
free text) and generated log lines must come out identical, detection for detection: entity,
span, score, context word and metadata.
"""

from __future__ import annotations

import random

import pytest

from bench import corpus as corpus_mod
from bench.logs import write_log
from detectors.engine import Engine
from detectors.recognizers.base import KartleggPatternRecognizer
from detectors.screen import Screen
from detectors.vocabulary import context_words

SEED = 2026


@pytest.fixture(scope="module")
def corpus():
    return corpus_mod.build(SEED, "full")


@pytest.fixture(scope="module")
def log_lines(tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "app.log"
    write_log(path, 400_000, seed=5)
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines + TRICKY


TRICKY = [
    "  leading spaces fnr 15076500565", "two  spaces  tlf  41234567", "tab\tseparated\t41234567\ttlf",
    "e-post: kari@example.no;tlf(412 34 567)", "f.eks. bl.a. kl. 12:00 ring 41234567", "ms): fnr=15076500565",
    "https://x.no/a?fnr=15076500565&tlf=41234567 ok", ":) hei Kari :-) 41234567", "NORDMANN,KARI 41234567",
    "faktura 15108695088 er sendt", "fnr 15108695088 på faktura", "linje1\nfnr\n15076500565\n\nslutt",
    "Storgata 12, 0150 OSLO og Kari Bergs gate 3", "IBAN NO93 8601 1117 947 konto", "::ffff:10.1.2.3 fe80::1",
]


@pytest.fixture(scope="module")
def ours():
    return Engine()


@pytest.fixture(scope="module")
def presidio():
    engine = Engine(pipeline="presidio")
    everyone = set(range(len(engine.recognizers)))
    engine.screen.candidates = lambda batch: [set(everyone) for _ in batch]  # no screen either
    engine.screen.hits = lambda batch: {j: set(everyone) for j in range(len(batch))}
    return engine


def key(found):
    return [(d.entity_type, d.start, d.end, d.score, d.text, d.recognizer, d.context_word, d.metadata) for d in found]


def test_running_text_is_presidios(ours, presidio, corpus, log_lines):
    texts = [t.text for t in corpus.texts] + log_lines[:3000]
    differ = [(t, key(ours.analyze_text(t, threshold=0)), key(presidio.analyze_text(t, threshold=0)))
              for t in texts]
    differ = [d for d in differ if d[1] != d[2]]
    assert not differ, differ[:5]
    assert sum(1 for t in texts if ours.analyze_text(t)) > 300  # the corpus holds findings


def test_column_samples_are_presidios(ours, presidio, corpus):
    checked = 0
    for col in corpus.columns:
        context = context_words(col.name)
        a = ours.analyze_values(col.values, context=context, resolve=col.free_text)
        b = presidio.analyze_values(col.values, context=context, resolve=col.free_text)
        assert [key(x) for x in a] == [key(x) for x in b], col.qualified
        checked += sum(1 for x in a if x)
    assert checked > 10_000


def test_log_batches_are_presidios(ours, presidio, log_lines):
    a = ours.analyze_values(log_lines, resolve=True)
    b = presidio.analyze_values(log_lines, resolve=True)
    assert [key(x) for x in a] == [key(x) for x in b]
    assert sum(1 for x in a if x) > 50


@pytest.mark.parametrize("use_hyperscan", [True, False], ids=["hyperscan", "re"])
def test_every_match_passes_its_screen(ours, corpus, log_lines, use_hyperscan):
    """A screen is a necessary condition: whatever a recognizer finds, its screen lets through."""
    screen = Screen(ours.recognizers, use_hyperscan=use_hyperscan)
    if use_hyperscan and screen.engine != "hyperscan":
        pytest.skip("hyperscan is not installed on this platform")
    texts = [str(v) for col in corpus.columns for v in col.values if v is not None]
    texts += [t.text for t in corpus.texts] + log_lines
    texts = list(dict.fromkeys(texts))
    candidates = screen.candidates(texts)
    found = missed = 0
    for i, rec in enumerate(ours.recognizers):  # the name gazetteer through its may_contain
        find = rec.find if isinstance(rec, KartleggPatternRecognizer) else rec.analyze
        for text, cand in zip(texts, candidates):
            if find(text):
                found += 1
                missed += i not in cand
    assert missed == 0
    assert found > 15_000
    assert sum(1 for c in candidates if not c) > len(texts) // 10  # and it screens


def test_screens_are_what_hyperscan_accepts():
    """No look-arounds or back-references: Hyperscan refuses them (and so the one-pass scan)."""
    import re

    for rec in Engine().recognizers:
        screen = getattr(rec, "SCREEN", None)
        if screen:
            assert not re.search(r"\(\?<?[=!]|\\[1-9]", screen), rec.name


def test_batches_map_hits_to_their_values(ours):
    """Offsets map to values through multi-byte characters and values with line breaks."""
    rnd = random.Random(1)
    values = []
    for i in range(300):
        pad = rnd.choice(["", "æøå ", "ÆØÅ—", "→", "\n", "a\nb "])
        values.append(pad + ("kari@example.no" if i % 7 == 0 else f"x{i}") + pad)
    for use in (True, False):
        screen = Screen(ours.recognizers, use_hyperscan=use)
        email = next(i for i, r in enumerate(ours.recognizers) if "EMAIL_ADDRESS" in r.supported_entities)
        got = [email in c for c in screen.candidates(values)]
        assert got == ["kari@" in v for v in values], screen.engine


def test_presidios_patterns_are_kept_as_they_are():
    from presidio_analyzer.predefined_recognizers import EmailRecognizer, IpRecognizer

    from detectors.recognizers import email, ip_address

    assert email.PRESIDIO_PATTERN == EmailRecognizer.PATTERNS[0].regex
    theirs = {p.name: (p.regex, p.score) for p in IpRecognizer.PATTERNS}
    for name, pattern in ip_address._PRESIDIO.items():
        assert (pattern.regex, pattern.score) == theirs[name]


def test_tokens_are_spacys(corpus, log_lines):
    import spacy

    from detectors.tokens import Tokenizer

    nlp = spacy.blank("nb")
    ours = Tokenizer()
    texts = [t.text for t in corpus.texts] + log_lines[:5000] + TRICKY
    texts += [str(v) for col in corpus.columns[::3] for v in col.values[:50] if v is not None]
    differ = [t for t in texts if [(x.text, x.idx) for x in nlp(t)] != [(x.text, x.idx) for x in ours(t)]]
    assert not differ, differ[:5]


def test_email_found_in_stretches_as_in_the_whole_text(ours, corpus, log_lines):
    """The e-mail recognizer runs Presidio's pattern on the whitespace-free stretches holding an
    `@` only; the matches must be the pattern's over the whole text."""
    rec = next(r for r in ours.recognizers if r.supported_entities == ["EMAIL_ADDRESS"])
    texts = [t.text for t in corpus.texts] + log_lines + [str(v) for col in corpus.columns for v in col.values
                                                         if v is not None and "@" in str(v)]
    texts += ["a@b.no c@d.no", " x@y.no ", "x@y.no.", "post@asker.no,kari@x.no", "@@ a@@b.no", "æ@ø.no å",
              "kari.nordmann@example.no\tola@example.com\nper@x.no", "a" * 300 + " kari@example.no " + "b" * 300]

    def key(found):
        return [(m.start, m.end, m.score, dict(m.metadata)) for m in found]

    found = 0
    for text in texts:
        whole = KartleggPatternRecognizer.find(rec, text)
        assert key(rec.find(text)) == key(whole), text
        found += bool(whole)
    assert found > 1000


# A text without any of a recognizer's context words anywhere is judged without its tokens: the
# column's words alone may still support a match, and a counter word anywhere needs the tokens.
CONTEXT_CASES = [
    ("tlf 41234567", ()),  # the word beside the match
    ("41234567 er nummeret", ("telefon",)),  # the column's word alone
    ("41234567 er nummeret", ()),  # no word at all
    ("ring meg i morgen, eller send en melding hvis det passer bedre: 41234567", ()),  # far from it
    ("kundetelefon: 41234567", ("kommentar",)),  # a compound that holds the word
    ("faktura 15076500565 betalt", ("fnr",)),  # a counter word in the text, a context word in the column
    ("fnr 15076500565", ("faktura",)),
    ("sendt fra 10.1.2.3 til kari@example.no", ("ip",)),
    ("Versjon 1.2.3.4 installert", ()),
    ("TLF 41234567", ("notat",)),  # case
]


@pytest.mark.parametrize("text,context", CONTEXT_CASES)
def test_context_words_in_and_beside_the_text_are_presidios(ours, presidio, text, context):
    a = key(ours.analyze_text(text, threshold=0, context=list(context)))
    assert a == key(presidio.analyze_text(text, threshold=0, context=list(context)))
    assert a  # each case holds a match whose context is judged
