"""The shortcuts the recognizers take for speed give the answers of the slow forms they replace.

- Patterns run on short values in Python's `re` where `re` reads them (look-behinds split);
  long texts stay with `regex` and its timeout: the same matches, span for span.
- A pattern skipped for lacking its literal (`PATTERN_NEEDS`) or its head (`PATTERN_HEADS`)
  would have found nothing: `find` equals running every pattern.
- IBAN, GS1, Luhn, organisation-number, phone and IP checks equal stdnum, phonenumbers and
  ipaddress on generated forms and near misses.
- The address patterns' word trees find what their word lists found.
"""

from __future__ import annotations

import ipaddress
import random

import pytest
import regex
from stdnum import ean as stdnum_ean
from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn
from stdnum.no import orgnr as stdnum_orgnr

from bench import corpus as corpus_mod
from bench.logs import write_log
from detectors import checksums, synthetic
from detectors.checksums import iban_valid
from detectors.engine import Engine
from detectors.recognizers.base import SHORT_TEXT, KartleggPatternRecognizer, short_form
from detectors.recognizers.ip_address import IpRecognizer, _looks_like_ipv6, _parse
from detectors.recognizers.phone import NorwegianPhoneRecognizer, parsed_national

TRICKY = [
    "41234567", "+47 412 34 567", "0047 41234567", "(+47) 412 34 567", "412-34-567", "41 23 45 67",
    "1.41234567", "9 412 34 567", "412 34 5678", "4123 4567 8901 2345", "4123-4567-8901-2345",
    "1234 56 78903", "987 654 321", "x987 654 321", "NO93 8601 1117 947", "Storgata 12, 0150 OSLO",
    "Kari Bergs gate 3", "Øvre Haugen 3B", "Postboks 123 Sentrum, 0101 Oslo", "Brann 2 – Molde 1",
    "Chrome/124.0.0.0", "10.0.0.1/24", "::ffff:10.1.2.3", "fe80::1%eth0", "ĸari@example.no",
    "KARI@EXAMPLE.NO", "kari@example.no.", "707057500012345678", "Sandvika 3 ganger",
]


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    corpus = corpus_mod.build(2026, "full")
    path = tmp_path_factory.mktemp("log") / "app.log"
    write_log(path, 200_000, seed=9)
    values = {str(v) for col in corpus.columns for v in col.values if v is not None}
    values |= {t.text for t in corpus.texts}
    values |= set(path.read_text(encoding="utf-8").splitlines())
    return sorted(values) + TRICKY


@pytest.fixture(scope="module")
def recognizers():
    return [r for r in Engine().recognizers if isinstance(r, KartleggPatternRecognizer)]


def test_short_forms_match_as_regex_does(recognizers, texts):
    short = [t for t in texts if len(t) <= SHORT_TEXT]
    compared = 0
    for r in recognizers:
        for p in r.patterns:
            fast = short_form(p.regex, r.FLAGS)
            slow = regex.compile(p.regex, flags=r.FLAGS)
            if fast is slow or type(fast).__module__ == "_regex":
                continue
            compared += 1
            differ = [t for t in short if [m.span() for m in fast.finditer(t)] != [m.span() for m in slow.finditer(t)]]
            assert not differ, (type(r).__name__, p.name, differ[:5])
    assert compared >= 15  # most patterns run in `re`


def _address_like(rnd: random.Random) -> list[str]:
    """Street names, qualifiers and house numbers put together right and nearly right: every
    suffix fused and apart, in any case, hyphenated, cut short, run on, before postal lines."""
    from detectors.recognizers import address

    words = (address._STRONG_WORDS + " " + address._TOPONYM_WORDS + " " + address._QUALIFIER_WORDS).split()
    words += ["gt.", "vn.", "Gt.", "allé", "terrasse"]
    out = []
    for _ in range(10_000):
        word = rnd.choice(words)
        word = rnd.choice([word, word[:-1], word + "e", word.upper(), word.title(), word + "t"])
        stem = rnd.choice(["Stor", "Kari Bergs ", "Øvre ", "nedre ", "St. Olavs ", "Bjørke", "X", "", "SANDE",
                           "Nord-", "ÅS", "øvre Bjørke", "Holmen-"])
        name = stem + (word if stem.endswith((" ", "-")) or not stem else word.lower())
        number = rnd.choice(["12", "3B", "4 a", "12-14", "3 H0301", "2024", "3 ganger", "12:30", "x", "7."])
        tail = rnd.choice(["", ", 0150 OSLO", "\n0150 Oslo", " 0150 oslo", ", 9405 HARSTAD", " – Molde 1"])
        lead = rnd.choice(["", "bor i ", "3 - ", "adresse: ", "X"])
        out.append(f"{lead}{name} {number}{tail}")
    return out


def test_address_trees_match_as_word_lists_do(texts):
    """The address patterns' prefix trees and leading letter test find what the word lists
    they replace found, span for span, on the corpus, the log and address-like near misses."""
    from detectors.recognizers import address

    def as_lists(source: str) -> str:
        for tree, words in ((address._STRONG_TREE, address._STRONG), (address._WEAK_TREE, address._WEAK),
                            (address._QUALIFIER_TREE, address._QUALIFIER)):
            source = source.replace(tree, words)
        return source.replace(r"(?=\p{L})", "")

    recognizer = address.AddressRecognizer()
    cases = [t for t in texts if recognizer.may_contain(t)] + _address_like(random.Random(8))
    flags = address.AddressRecognizer.FLAGS
    compared = 0
    for p in address.AddressRecognizer.PATTERNS:
        old = as_lists(p.regex)
        if old == p.regex:
            continue
        compared += 1
        fast, slow = regex.compile(p.regex, flags=flags), regex.compile(old, flags=flags)
        differ = [t for t in cases if [m.span() for m in fast.finditer(t)] != [m.span() for m in slow.finditer(t)]]
        assert not differ, (p.name, differ[:5])
    assert compared == 8  # all but the two of a postal line alone
    assert sum(bool(recognizer.find(t)) for t in cases) > 5000  # addresses, not only misses


def test_split_look_behinds_are_read_by_re():
    for source in (r"(?<![\w.,+-]|\d[ .-])\d{8}", r"(?<![\w.,+-]|\d[ ])\d{3} \d{3} \d{3}"):
        assert type(short_form(source, regex.IGNORECASE)).__module__ == "re"
    # what `re` cannot read stays in `regex`: \p classes, look-behinds of varying width
    for source in (r"\p{Lu}\p{Ll}+", r"(?<!\d[ ]?[–—])x", r"(?<!(?-i:\b[A-Z][A-Za-z]*)/)\d"):
        assert type(short_form(source, regex.IGNORECASE)).__module__ == "_regex"


class _EveryPattern:
    """A recognizer's find with nothing skipped: every pattern run, none stopped short by a
    whole-text match (see `test_a_whole_text_match_stops_only_what_select_drops`)."""

    def __init__(self, r: KartleggPatternRecognizer):
        self.r = type(r)()
        self.r.PATTERN_NEEDS = {}
        self.r.PATTERN_HEADS = {}
        self.r.load()
        self.r.compile()
        self.r._after = None

    def find(self, text):
        return self.r.find(text)


def test_skipped_patterns_would_have_found_nothing(recognizers, texts):
    skipping = [r for r in recognizers if r.PATTERN_NEEDS or r.PATTERN_HEADS or len(r.patterns) > 1]
    assert len(skipping) >= 8
    near_addresses = _address_like(random.Random(12))
    for r in skipping:
        everything = _EveryPattern(r)
        found = 0
        for t in texts + near_addresses:
            got = [(m.start, m.end, m.score, m.pattern.name, m.metadata) for m in r.find(t)]
            assert got == [(m.start, m.end, m.score, m.pattern.name, m.metadata) for m in everything.find(t)], t
            found += bool(got)
        assert found > 500


def _slow_national(text: str) -> str | None:
    """What the recognizer answered before it read its own forms: phonenumbers for all but
    8 bare digits."""
    return text if len(text) == 8 and text.isdigit() else parsed_national(text)


def _phone_forms(rnd: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        d = "".join(rnd.choice("0123456789") for _ in range(rnd.choice([7, 8, 8, 8, 9])))
        pre = rnd.choice(["", "", "+47", "0047", "(+47)", "(0047)", "+46", "47", "00"])
        sep = rnd.choice(["", " ", ".", "-"])
        if len(d) == 8 and rnd.random() < 0.5:
            d = rnd.choice([d[:3] + sep + d[3:5] + sep + d[5:], sep.join([d[:2], d[2:4], d[4:6], d[6:]])])
        out.append(pre + rnd.choice(["", " ", "-"]) + d)
    return out


@pytest.mark.parametrize("text", [
    "+47 412 34 567", "0047 41234567", "(+47) 41234567", "412 34 567", "41 23 45 67", "412.34.567",
    "+47 012 34 567", "+46 412 34 567", "00 12 34 56", "4123456", "+4741234567", "+47 41-23-45-67",
])
def test_phone_national_form_is_phonenumbers(text):
    assert NorwegianPhoneRecognizer._national(text) == _slow_national(text)


def test_phone_national_form_is_phonenumbers_on_generated_forms():
    forms = _phone_forms(random.Random(3), 20_000)
    assert [NorwegianPhoneRecognizer._national(t) for t in forms] == [_slow_national(t) for t in forms]


def test_iban_check_is_stdnums():
    rnd = random.Random(5)
    countries = [p[1] for p in stdnum_iban._ibandb.prefixes] + ["ZZ", "no"]
    cases = [synthetic.iban_no(rnd) for _ in range(2000)]
    for _ in range(20_000):
        cc = rnd.choice(countries)
        body = "".join(rnd.choice("0123456789" if rnd.random() < 0.8 else "0123456789ABCDEFXYZ")
                       for _ in range(rnd.randint(8, 30)))
        text = cc + "00" + body
        if rnd.random() < 0.7:
            text = cc + stdnum_iban.calc_check_digits(text) + body
        r = rnd.random()
        if r < 0.1:
            text = " ".join(text[i:i + 4] for i in range(0, len(text), 4))
        elif r < 0.15:
            text = text.lower()
        elif r < 0.2:
            text = text[:5] + rnd.choice(["-", ".", "_", "٣", "/", "Æ", "`", "\t", "‐"]) + text[5:]
        elif r < 0.25:
            text = rnd.choice([" ", "\t", "\n"]) + text + rnd.choice([" ", "\t", ""])
        cases.append(text)
    # Norwegian ones whose account has the postgiro prefix (0000 + 7 digits, Luhn) or not
    for _ in range(3000):
        bban = ("0000" if rnd.random() < 0.5 else "") + "".join(rnd.choice("0123456789") for _ in range(7))
        bban += "".join(rnd.choice("0123456789") for _ in range(11 - len(bban)))
        cases.append("NO" + stdnum_iban.calc_check_digits("NO00" + bban) + bban)
    cases += ["", "N", "NO", "NO93", "NO9386011117947", "NO93 8601 1117 947", "NO9300001117947"]
    assert sum(map(stdnum_iban.is_valid, cases)) > 2000  # valid ones, not only near misses
    assert [iban_valid(c) for c in cases] == [stdnum_iban.is_valid(c) for c in cases]


def _digit_strings(rnd: random.Random, valid, lengths: tuple[int, int], first: str) -> list[str]:
    """Random digit strings (`lengths`, starting with one of `first`), a third made valid by
    `valid` (the last digit chosen so), one in ten with a space, dash, letter or non-ASCII digit
    put in."""
    cases = []
    for _ in range(30_000):
        n = rnd.randint(*lengths)
        text = (rnd.choice(first) + "".join(rnd.choice("0123456789") for _ in range(n - 1)))[:n]
        if text and rnd.random() < 0.33:
            text = next((text[:-1] + d for d in "0123456789" if valid(text[:-1] + d)), text)
        if text and rnd.random() < 0.1:
            k = rnd.randrange(len(text))
            text = text[:k] + rnd.choice(" -a٣５²") + text[k + 1:]
        cases.append(text)
    return cases + ["", "0", "00", "٣٣", "８８８８８８８８８", "988077917", "988 077 917", "4111111111111111",
                    "707057500012345678"]


@pytest.mark.parametrize("ours, theirs, lengths, first", [
    ("gs1", lambda n: len(n) >= 2 and n.isdigit() and stdnum_ean.calc_check_digit(n[:-1]) == n[-1], (0, 20),
     "0123456789"),
    ("luhn", lambda n: n.isdigit() and stdnum_luhn.is_valid(n), (0, 20), "0123456789"),
    ("orgnr", lambda n: len(n) == 9 and n[0] in "89" and stdnum_orgnr.is_valid(n), (8, 10), "01899"),
])
def test_digit_checks_are_stdnums(ours, theirs, lengths, first):
    """The byte sums of gs1_valid, luhn_valid and orgnr_valid answer as python-stdnum does, on
    valid numbers, near misses and other digits alike (an error is an answer too)."""
    ours = getattr(checksums, f"{ours}_valid")

    def answer(fn, text):
        try:
            return fn(text)
        except Exception as exc:  # noqa: BLE001 - what each does with a digit int() refuses
            return type(exc)

    cases = _digit_strings(random.Random(11), lambda t: answer(theirs, t) is True, lengths, first)
    assert sum(answer(theirs, c) is True for c in cases) > 1000  # valid ones, not only near misses
    assert [answer(ours, c) for c in cases] == [answer(theirs, c) for c in cases]


def _interface(text: str):
    try:
        return ipaddress.ip_interface(text)
    except ValueError:
        return None


def test_ip_checks_are_ipaddresss():
    r = IpRecognizer()
    rnd = random.Random(4)
    cases = [str(ipaddress.IPv4Address(a + d)) for net in ipaddress.IPv4Address._constants._private_networks
             for a in (int(net.network_address), int(net.broadcast_address)) for d in (-1, 0, 1)
             if 0 <= a + d < 2**32]
    cases += [".".join(str(rnd.choice([rnd.randint(0, 255), rnd.randint(0, 20), 10, 127, 172, 192, 168, 256]))
                       for _ in range(4)) for _ in range(20_000)]
    cases += ["01.2.3.4", "1.2.3.04", "0.0.0.0", "255.255.255.255", "1.2.3.4/24", "::1", "fe80::1"]
    # IPv6: each private network's edges and just outside them, IPv4-mapped forms, random ones
    cases += [str(ipaddress.IPv6Address(a + d)) for net in ipaddress.IPv6Address._constants._private_networks
              for a in (int(net.network_address), int(net.broadcast_address)) for d in (-1, 0, 1)
              if 0 <= a + d < 2**128]
    cases += [str(ipaddress.IPv6Address(rnd.getrandbits(128) >> rnd.choice([0, 0, 64, 100, 120])))
              for _ in range(5_000)]
    cases += ["::ffff:10.1.2.3", "::ffff:8.8.8.8", "2001:db8::1/64", "fe80::1%eth0", "fc00::", "1.2.3.4:80",
              "::ffff:1.2.3.4/120", "1:2:3:4:5:6:7:8:9", "1.2.3", "", "::"]
    for c in cases:
        parsed = _interface(c)
        assert _parse(c) == parsed, c
        slow = parsed is not None and not (":" in c and "." not in c and not _looks_like_ipv6(c))
        assert r.is_valid(c) is slow, c
        if parsed is not None:
            got: dict = {}
            r.annotate(c, got)
            assert got == {"ip_version": parsed.ip.version, "private": parsed.ip.is_private}, c


def test_short_prefilters_rule_out_what_regex_rules_out(recognizers, texts):
    short = [t for t in texts if len(t) <= SHORT_TEXT]
    for r in recognizers:
        r.compile()
        if r._any is None or type(r._any).__module__ == "_regex":
            continue
        slow = regex.compile(r.PREFILTER or r._joined, flags=r.FLAGS)
        differ = [t for t in short if (r._any.search(t) is None) != (slow.search(t) is None)]
        assert not differ, (type(r).__name__, differ[:5])


def test_needs_rule_out_only_what_regex_rules_out(recognizers, texts):
    """A pattern's need (PATTERN_NEEDS) runs in `re` where `re` reads it and every pattern it
    guards runs in `re` too: it finds what `regex` finds, on the corpus, on words written with
    letters whose case folds oddly, and on digits newer than this Python's Unicode tables."""
    odd = ["GATA 1", "Plaſs 3", "PLASS 3", "ſøndre Bakke 2", "Torget 0150 OSLO", "KAIA 4", "ALLÉ 3",
           "Storgata 12, \U00010d40\U00010d41\U00010d42\U00010d43 OSLO", "1\U000116d0.2.3.4", "::\U00010d40"]
    for r in recognizers:
        r.compile()
        for name, source in r.PATTERN_NEEDS.items():
            fast = r._pattern_needs[[p.name for p in r.patterns].index(name)]
            slow = regex.compile(source)
            differ = [t for t in texts + odd if (fast.search(t) is None) != (slow.search(t) is None)]
            assert not differ, (type(r).__name__, source[:40], differ[:5])
    address = next(r for r in recognizers if type(r).__name__ == "AddressRecognizer")
    newer = "Storgata 12, \U00010d40\U00010d41\U00010d42\U00010d43 OSLO"  # Garay digits (Unicode 16)
    assert [(m.start, m.end, m.score) for m in address.find(newer)] == [(0, len(newer), 0.9)]


def test_findscreened_is_find(recognizers, texts):
    """Without its prefilter (for a text a screen named it for) a recognizer finds the same."""
    def spans(found):
        return [(m.start, m.end, m.score, m.pattern.name, m.metadata) for m in found]

    from detectors.plans import screened_is_find

    asked = [r for r in recognizers if screened_is_find(r)]
    assert {"EmailRecognizer", "IpRecognizer", "AddressRecognizer"} <= {type(r).__name__ for r in asked}
    for r in asked:
        assert all(spans(r.find_screened(t)) == spans(r.find(t)) for t in texts), type(r).__name__


def test_a_plugin_that_changes_find_is_asked_by_find():
    from detectors.plans import screened_is_find
    from detectors.recognizers.email import EmailRecognizer

    class Narrower(IpRecognizer):  # a plugin's: find changed, find_screened inherited
        def find(self, text):
            return [m for m in super().find(text) if "." in text[m.start:m.end]]

    class Both(IpRecognizer):
        def find(self, text):
            return super().find(text)

        def find_screened(self, text):
            return super().find_screened(text)

    assert screened_is_find(IpRecognizer()) and screened_is_find(EmailRecognizer()) and screened_is_find(Both())
    assert not screened_is_find(Narrower())


def _scored(score_of=None, bound_of=None, select=None):
    """A recognizer of three patterns (0.9 whole-text, 0.5, 0.4 inside it) with the score,
    score bound and select given."""
    from detectors.recognizers.results import Pattern

    body = {
        "ENTITY": "X", "CONTEXT": [],
        "PATTERNS": [Pattern("whole", r"^ab\d+$", 0.9), Pattern("digits", r"\d+", 0.5), Pattern("b", r"b", 0.4)],
    }
    if score_of:
        body["score"] = lambda self, pattern, text: score_of(pattern)
    if bound_of:
        body["score_bound"] = lambda self, pattern: bound_of(pattern)
    if select:
        body["select"] = select
    return type("Scored", (KartleggPatternRecognizer,), body)()


def _everything(r):
    slow = type(r)()
    slow.compile()
    slow._after = None
    return slow


@pytest.mark.parametrize("make,stops", [
    (lambda: _scored(), True),
    # a score() above the pattern's own, not declared: every pattern runs (0.95 beats the whole text)
    (lambda: _scored(score_of=lambda p: 0.95 if p.name == "b" else p.score), False),
    # the same, declared: the bound says the whole-text match cannot be beaten, so nothing is stopped
    (lambda: _scored(score_of=lambda p: 0.95 if p.name == "b" else p.score,
                     bound_of=lambda p: 0.95 if p.name == "b" else p.score), True),
    (lambda: _scored(score_of=lambda p: p.score / 2, bound_of=lambda p: p.score), True),
    (lambda: _scored(select=lambda self, matches: matches), False),
    # a subclass that changes score() below the class that wrote its bounds: the bounds are not its own
    (lambda: type("Higher", (type(_scored(score_of=lambda p: p.score, bound_of=lambda p: p.score)),),
                  {"score": lambda self, pattern, text: 0.95 if pattern.name == "b" else pattern.score})(), False),
])
def test_a_whole_text_match_stops_only_what_select_drops(make, stops):
    r = make()
    r.compile()
    assert (r._after is not None) is stops
    if stops:  # a score() set on the object itself is not what the bounds are of either
        patched = make()
        patched.score = lambda pattern, text: 0.95
        patched.compile()
        assert patched._after is None
    for text in ["ab12", "ab", "xab12", "ab12 ", "b", "12", "abb12"]:
        got = [(m.start, m.end, m.score, m.pattern.name) for m in r.find(text)]
        assert got == [(m.start, m.end, m.score, m.pattern.name) for m in _everything(r).find(text)], text
    if not stops:  # what the stop would have lost is found
        assert len(r.find("ab12")) > 1
