import os
import subprocess
import sys
import textwrap

import pytest

from detectors.context import context_word
from detectors.engine import Detection, Engine, resolve_overlaps


def kinds(found):
    return [(d.entity_type, d.text) for d in found]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ring meg på 41234567 i morgen", [("NO_PHONE_NUMBER", "41234567")]),
        ("Ordre 41234567 er sendt", []),  # a bare 8-digit number needs context
        ("tlf: +47 412 34 567", [("NO_PHONE_NUMBER", "+47 412 34 567")]),
        ("fnr: 01817012309", [("NO_FODSELSNUMMER", "01817012309")]),
        ("Kontonummer 01817012309 for utbetaling", [("NO_BANK_ACCOUNT", "01817012309")]),
        ("Betal til 1234.56.78903", [("NO_BANK_ACCOUNT", "1234.56.78903")]),
        ("Sjekk 12345678903 i morgen", []),  # valid kontonummer, but bare and without context
        ("Målepunkt 707057500000000001 er flyttet", [("NO_METER_ID", "707057500000000001")]),
        ("Anlegg 735999289123702800 i Sverige", []),  # Swedish GSRN
        ("send til kari.nordmann@example.no", [("EMAIL_ADDRESS", "kari.nordmann@example.no")]),
        ("IBAN NO93 8601 1117 947", [("IBAN_CODE", "NO93 8601 1117 947")]),
        ("os.system('ls'); app.service.ma er oppe", []),  # URL fragments are not findings
        ("2024-05-01 10:12:33 ordre 20231224123 ferdig", []),  # dates and timestamps are not either
    ],
)
def test_text(engine, text, expected):
    assert kinds(engine.analyze_text(text)) == expected


def test_one_value_is_never_two_entities(engine):
    for text in ["01817012309", "fnr 01817012309", "kontonr 01817012309"]:
        found = engine.analyze_text(text, threshold=0)
        spans = [(d.start, d.end) for d in found]
        assert len(spans) == len(set(spans)) == 1, found


def test_synthetic_numbers_are_marked(engine):
    (d,) = engine.analyze_text("fnr 01817012309")
    assert d.synthetic == "tenor" and d.metadata["kind"] == "fodselsnummer"
    (d,) = engine.analyze_text("fnr 15108695088")
    assert d.synthetic is None


SHORT_VALUES = [
    ("01817012309", ["fnr"]), ("01817012309", ["kontonr"]), ("01817012309", []), ("018170 12309", []),
    ("41234567", ["tlf"]), ("41234567", []), ("tlf 41234567", []), ("+47 412 34 567", []),
    ("1234.56.78903", []), ("12345678903", ["konto"]), ("707057500000000001", []),
    ("7359992891237028", ["maalernr"]), ("kari@example.no", []), ("10.20.30.40", ["ip"]),
    ("NO9386011117947", []), ("4111 1111 1111 1111", []), ("988077917", ["orgnr"]),
    ("Kari Nordmann", ["navn"]), ("Nordmann, Kari", []), ("Storgata 12B, 0150 OSLO", []),
    ("Kari", ["fornavn"]), ("ordre 20231224123", []), ("abc", []), ("1.2.3", []),
]


@pytest.mark.parametrize("value,context", SHORT_VALUES)
def test_fast_path_agrees_with_the_full_engine(engine, value, context):
    def key(found):
        return sorted((d.entity_type, d.start, d.end, round(d.score, 2)) for d in found)

    (fast,) = engine.analyze_values([value], context=context)
    assert key(fast) == key(engine.analyze_text(value, threshold=0, context=context))


def test_values_are_deduplicated_and_none_is_empty(engine):
    out = engine.analyze_values(["kari@example.no", None, "kari@example.no", ""])
    assert out[0] is out[2] and out[1] == [] and out[3] == []


def _d(entity, start, end, score, context=None):
    return Detection(entity, start, end, score, "x" * (end - start), "r", context)


def test_overlaps_prefer_context_then_score_then_length():
    fnr, acct = _d("NO_FODSELSNUMMER", 0, 11, 0.8), _d("NO_BANK_ACCOUNT", 0, 11, 0.55, "konto")
    assert resolve_overlaps([fnr, acct]) == [acct]
    assert resolve_overlaps([fnr, _d("NO_BANK_ACCOUNT", 0, 11, 0.2)]) == [fnr]
    person, address = _d("PERSON", 0, 12, 0.85), _d("NO_ADDRESS", 0, 19, 0.6)
    assert resolve_overlaps([person, address]) == [address]
    apart = [_d("PERSON", 0, 5, 0.85), _d("NO_PHONE_NUMBER", 6, 14, 0.6)]
    assert resolve_overlaps(apart) == apart


GUARD = textwrap.dedent(
    """
    import socket

    class NetworkUsed(Exception):
        pass

    def deny(*args, **kwargs):
        raise NetworkUsed(f"network use: {args[:2]}")

    socket.socket.connect = deny
    socket.socket.connect_ex = deny
    socket.create_connection = deny
    socket.getaddrinfo = deny

    from detectors.engine import Engine
    engine = Engine()
    found = engine.analyze_text(
        "Send til kari.nordmann@example.no eller ola@firma.co.uk, se https://example.com/x?a=1 "
        "og ring 412 34 567. fnr 01817012309"
    )
    assert {d.entity_type for d in found} >= {"EMAIL_ADDRESS", "NO_FODSELSNUMMER"}, found
    print("ANALYSED", len(found))
    try:
        socket.create_connection(("127.0.0.1", 9))
    except NetworkUsed:
        print("GUARD-ACTIVE")
    """
)


def test_building_and_analysing_opens_no_network_connection(tmp_path):
    env = dict(os.environ)
    env.update(
        HOME=str(tmp_path),  # no tldextract or spaCy caches from earlier runs
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        KARTLEGG_CACHE_DIR=str(tmp_path / "kartlegg"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # the key is made at the default place
    )
    env.pop("KARTLEGG_FINGERPRINT_KEY_FILE", None)
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    proc = subprocess.run([sys.executable, "-c", GUARD], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ANALYSED" in proc.stdout and "GUARD-ACTIVE" in proc.stdout
    assert "NetworkUsed" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "text,expected",
    [
        ("INFO KID 6433916 matched invoice 96221651577", []),  # a chance-valid FH-nummer labelled as an invoice
        ("faktura 15108695088 er sendt", []),  # counter-context lowers a bare candidate below 0.5
        ("fnr 15108695088 på faktura", [("NO_FODSELSNUMMER", "15108695088")]),  # supporting context wins
        ("pasient fnr 81212121223", [("NO_FODSELSNUMMER", "81212121223")]),  # FH-nummer
    ],
)
def test_counter_context_and_fh_numbers(engine, text, expected):
    assert kinds(engine.analyze_text(text)) == expected


def test_whole_digit_shortcut_equals_the_regex_path(engine):
    """find() answers digit strings with one fullmatch; it must say what the patterns say."""
    import random

    from detectors import synthetic
    from detectors.recognizers.base import KartleggPatternRecognizer

    r = random.Random(11)
    values = [synthetic.fodselsnummer(r) for _ in range(50)] + [synthetic.kontonummer(r) for _ in range(50)]
    values += [synthetic.orgnr(r) for _ in range(50)] + [synthetic.meter_id(r) for _ in range(50)]
    values += [synthetic.meter_serial(r) for _ in range(50)] + [synthetic.card(r).replace(" ", "") for _ in range(50)]
    values += [synthetic.phone(r, "plain") for _ in range(50)] + ["0047" + synthetic.phone_digits(r) for _ in range(50)]
    values += [str(r.randint(0, 10**n - 1)).zfill(n) for n in range(1, 21) for _ in range(40)]
    checked = 0
    for rec in engine.recognizers:
        if not isinstance(rec, KartleggPatternRecognizer) or rec.WHOLE_DIGITS is None:
            continue
        for v in values:
            fast = [(m.start, m.end, m.score, m.pattern.name) for m in rec.find(v)]
            saved, rec.WHOLE_DIGITS = rec.WHOLE_DIGITS, None
            try:
                slow = [(m.start, m.end, m.score, m.pattern.name) for m in rec.find(v)]
            finally:
                rec.WHOLE_DIGITS = saved
            assert fast == slow, (rec.name, v)
            checked += bool(fast)
    assert checked > 300  # the table holds real matches, not only misses


@pytest.mark.parametrize(
    "words,tokens,expected",
    [
        (("telefon",), ["kundetelefon"], "telefon"),  # long words: anywhere in a compound
        (("ring",), ["levering"], None),  # short words: only at the start of a token
        (("ring",), ["Ring"], "ring"),
        (("org",), ["morgen", "Norge"], None),
        (("tlf",), ["tlfnr:"], "tlf"),
        (("ip",), ["skip", "ipadresse"], "ip"),
        (("konto", "kontonr"), ["bankkontoen"], "konto"),
        ((), ["fnr"], None),
    ],
)
def test_context_word_rule(words, tokens, expected):
    from detectors.engine import ContextMatcher

    assert ContextMatcher(words)(tokens) == expected


@pytest.mark.parametrize("score,boosted", [(0.9, 1.0), (0.65, 1.0), (0.6, 0.95), (0.3, 0.65), (0.05, 0.4),
                                            (0.0, 0.4), (-0.0, 0.4), (1, 1.0), (0.123456, 0.4735)])
def test_a_context_word_boosts_a_score_the_same_every_time(score, boosted):
    from detectors.context import boost

    class Unhashable(float):  # a plugin's score of a type that cannot be a key
        __hash__ = None

    assert boost(score, None) == score
    assert boost(score, "fnr") == boost(score, "tlf") == boosted  # the first time and from what is kept
    assert boost(Unhashable(score), "fnr") == boosted


def test_screening_free_text_changes_no_result(engine, monkeypatch):
    """Text that no recognizer's screen lets through is never looked at again: it must never
    lose a finding (each value judged by every recognizer is the reference)."""
    import random
    import string

    from bench import corpus
    from detectors import synthetic

    rnd = random.Random(3)
    known = {"name": "Kari Nordmann", "name2": "Ola Hansen", "first": "Ingrid", "name_rev": "NORDMANN, KARI",
             "ts": "2024-05-01 10:00:00,123", "clf_ts": "01/May/2024:10:00:00 +0200", "email": "kari@example.no",
             "ip": "203.0.113.5", "host": "app01.intern", "version": "2.14.3", "uuid": "3f2a9c1e-4b5d-4e6f-8a7b"}

    def fill(template: str) -> str:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        return template.format(**{n: known.get(n, str(rnd.randint(1, 10**rnd.randint(1, 11)))) for n in names})

    texts = [fill(t) for group in (corpus.LOG_LINES, corpus.POSITIVE_LOGS, corpus.NAME_SENTENCES,
                                   corpus.NEGATIVE_SENTENCES) for t in group for _ in range(3)]
    texts += [f"Kunden {synthetic.format_phone(synthetic.phone_digits(rnd), 'spaced2')} bor i Storgata {i}, "
              f"0150 OSLO, konto {synthetic.kontonummer(rnd)}, fnr {synthetic.fodselsnummer(rnd)}" for i in range(30)]
    texts += ["request 5d41402abc4b completed in 3120 ms (status 200)", "pool stats: active=3 idle=5 waiting=0"]
    screened = engine.analyze_values(texts)
    skipped = sum(1 for c in engine.screen.candidates(texts) if not c)
    unscreened = Engine()  # one that has not met these values (an engine remembers what it found)
    everyone = set(range(len(unscreened.recognizers)))
    monkeypatch.setattr(unscreened.screen, "candidates", lambda batch: [set(everyone) for _ in batch])
    monkeypatch.setattr(unscreened.screen, "hits", lambda batch: {j: set(everyone) for j in range(len(batch))})
    assert screened == unscreened.analyze_values(texts)
    assert skipped >= 2  # the screen does screen something


def test_the_nlp_vocabulary_is_bounded_over_a_long_scan(monkeypatch):
    """spaCy keeps every token string it sees; over a huge log that would be all the memory."""
    import random

    from detectors import presidio_text
    from detectors.engine import Engine

    monkeypatch.setattr(presidio_text, "MAX_VOCABULARY", 3_000)
    monkeypatch.setattr(presidio_text, "VOCAB_CHECK_EVERY", 50)
    engine = Engine(pipeline="presidio")  # kartlegg's own text path keeps no vocabulary
    rnd = random.Random(4)
    sizes = []
    for _ in range(2_000):
        engine.analyze_text(f"sak {rnd.getrandbits(48):x} fra Kunde{rnd.getrandbits(32):x} ref {rnd.getrandbits(40):x}")
        sizes.append(len(engine.analyzer.nlp_engine.nlp["nb"].vocab.strings))
    assert max(sizes) < 3_000 + 50 * 10  # a check every 50 texts, a few new strings each
    found = engine.analyze_text("Kari Nordmann har fnr 15076500565")
    assert {d.entity_type for d in found} >= {"PERSON", "NO_FODSELSNUMMER"}



def _counting(e, monkeypatch) -> list:
    """The texts the engine analyses: short values by the recognizers named for them, numbers a
    length at a time, free text as running text."""
    analysed = []
    short, numbers, text = e._analyze_short, e._analyze_numbers, e.analyze_text
    monkeypatch.setattr(e, "_analyze_short", lambda texts, *a: analysed.extend(texts) or short(texts, *a))
    monkeypatch.setattr(e, "analyze_text", lambda t, *a, **k: analysed.append(t) or text(t, *a, **k))

    def counted(texts, column_words, resolve, out):
        before = set(out)
        numbers(texts, column_words, resolve, out)
        analysed.extend(t for t in out if t not in before)

    monkeypatch.setattr(e, "_analyze_numbers", counted)
    return analysed


BATCH = ["41234567", "kari@example.no", "ikke noe", "tlf 41234567", "41234567", "12345678901"]
ANALYSED = ["12345678901", "41234567", "kari@example.no", "tlf 41234567"]  # "ikke noe": screened out


def test_values_met_before_are_not_analysed_again_and_answer_the_same(monkeypatch):
    from detectors import engine as engine_module

    e = Engine()
    analysed = _counting(e, monkeypatch)
    first = e.analyze_values(BATCH, context=["kunde"])
    assert sorted(analysed) == ANALYSED and first[5] == []  # each once; the last a screen's hit, no finding
    analysed.clear()
    assert e.analyze_values(BATCH, context=["kunde"]) == first and analysed == []
    # another field's context words, or overlaps left unresolved, are other questions: asked anew
    by_name = e.analyze_values(BATCH, context=["telefon"])
    assert sorted(analysed) == ANALYSED
    assert by_name[0][0].score > first[0][0].score  # the column's name supports the bare number
    analysed.clear()
    e.analyze_values(BATCH, context=["kunde"], resolve=False)
    assert len(analysed) == 4
    # bounded: when full, everything kept goes (every field's), and answers stay the same
    monkeypatch.setattr(engine_module, "MAX_REMEMBERED", 6)
    many = [f"kunde{i}@example.no" for i in range(5)]
    assert e.analyze_values(many) == Engine().analyze_values(many)
    assert e._remembered_values <= 6 and sum(map(len, e._remembered.values())) <= 6
    analysed.clear()
    assert e.analyze_values(BATCH, context=["kunde"]) == first and sorted(analysed) == ANALYSED
    # and in characters: a value longer than all of it is analysed each time, never kept, and
    # what the other fields keep stays
    monkeypatch.setattr(engine_module, "MAX_REMEMBERED_CHARS", 100)
    long = "Kunden ringte fra 41234567 og ba om ny faktura til kari@example.no " * 3
    analysed.clear()
    assert e.analyze_values([long]) == e.analyze_values([long]) and analysed == [long, long]
    assert e.analyze_values(BATCH, context=["kunde"]) == first and analysed == [long, long]
    # at a scan's end, nothing is kept
    e.forget()
    analysed.clear()
    e.analyze_values(BATCH, context=["kunde"])
    assert sorted(analysed) == ANALYSED


def _with_plugin(monkeypatch, make, name: str, instead_of: str | None = None) -> None:
    """A third-party detector plugin `name` (its recognizer made by `make()`) beside the
    built-ins, or instead of the built-in `instead_of`, as entry points would load it."""
    from scanner.model import plugins

    class Theirs:
        distribution = "theirs 1.0"

        def create(self):
            return make()

    Theirs.name = name
    select = plugins.select
    monkeypatch.setattr(plugins, "select", lambda group, names=None: [
        *(p for p in select(group, names) if p.name != instead_of), Theirs()])


def test_an_engine_with_a_third_party_detector_remembers_nothing(monkeypatch):
    from detectors.recognizers.email import EmailRecognizer

    class TheirEmail(EmailRecognizer):  # a plugin's: its answers may change from call to call
        pass

    _with_plugin(monkeypatch, TheirEmail, "their_email")
    e = Engine()
    analysed = _counting(e, monkeypatch)
    assert e.analyze_values(BATCH) == e.analyze_values(BATCH) and len(analysed) == 2 * len(ANALYSED)


def _numbers_table() -> list[str]:
    """Numbers of every length a recognizer takes whole, valid ones and near misses, and random
    digit strings of every other length up to free text."""
    import random

    from detectors import synthetic

    r = random.Random(17)
    valid = [synthetic.fodselsnummer(r) for _ in range(40)] + [synthetic.kontonummer(r) for _ in range(40)]
    valid += [synthetic.orgnr(r) for _ in range(40)] + [synthetic.meter_id(r) for _ in range(40)]
    valid += [synthetic.meter_serial(r) for _ in range(40)] + [synthetic.card(r).replace(" ", "") for _ in range(40)]
    valid += [synthetic.phone(r, "plain") for _ in range(40)] + ["0047" + synthetic.phone_digits(r) for _ in range(40)]
    valid += ["01817012309", "41817012483", "30108299939", "81212121223", "01667012372"]  # every fnr kind
    near = [v[:-1] + str((int(v[-1]) + 1) % 10) for v in valid] + [v[1:] + v[0] for v in valid]
    noise = [str(r.randint(0, 10**n - 1)).zfill(n) for n in [*range(1, 31), 63, 64, 65, 80] for _ in range(25)]
    # other scripts' digits, alone and mixed with ASCII ones: never bare numbers to the engine
    arabic, wide = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"), str.maketrans("0123456789", "０１２３４５６７８９")
    other = [v.translate(arabic) for v in valid[::7]] + [v.translate(wide) for v in valid[::9]]
    other += [v[:5] + v[5:].translate(arabic) for v in valid[::11]]
    return valid + near + noise + other


def _one_at_a_time(e, texts, context, resolve):
    """detections_by_text as it was defined: each value with the recognizers its screen names."""
    context = [c.lower() for c in context]
    words = {id(r): context_word(r, context) for r in e.recognizers}
    out = {}
    for text, cand in zip(texts, e.screen.candidates(texts)):
        if cand:
            found = e._analyze_value(text, cand, context, words, resolve)
            if found:
                out[text] = found
    return out


@pytest.mark.parametrize("context", [(), ("fnr",), ("telefon",), ("kontonummer",), ("kortnummer", "pan"),
                                     ("målepunkt",), ("faktura",)])
@pytest.mark.parametrize("resolve", [True, False])
def test_numbers_a_length_at_a_time_equal_one_at_a_time(context, resolve):
    texts = list(dict.fromkeys(_numbers_table()))
    e = Engine()
    fast = e.detections_by_text(texts, context, resolve)
    slow = _one_at_a_time(Engine(), texts, context, resolve)
    assert fast == slow
    assert e.detections_by_text(texts[::-1], context, resolve) == fast  # answered from what it remembers
    # metadata is left out of a detection's equality: it is compared on its own
    assert {t: [d.metadata for d in ds] for t, ds in fast.items()} == {t: [d.metadata for d in ds] for t, ds in slow.items()}
    kinds = {d.entity_type for ds in fast.values() for d in ds}
    assert resolve or kinds >= {"NO_FODSELSNUMMER", "NO_BANK_ACCOUNT", "NO_ORGANIZATION_NUMBER", "NO_METER_ID",
                     "NO_METER_SERIAL", "CREDIT_CARD", "NO_PHONE_NUMBER"}  # the table holds real matches


def test_find_numbers_is_find_over_each_number():
    from detectors.recognizers.base import KartleggPatternRecognizer

    texts = _numbers_table()
    checked = 0
    for rec in Engine().recognizers:
        if not isinstance(rec, KartleggPatternRecognizer) or rec.WHOLE_DIGITS is None:
            continue
        for n in rec.WHOLE_DIGITS:
            group = [t for t in texts if len(t) == n]
            expected = [(t, m.score, m.metadata) for t in group for m in rec.find(t)]
            assert list(rec.find_numbers(group)) == expected, (rec.name, n)
            checked += len(expected)
    assert checked > 200


def test_a_plugin_that_finds_numbers_its_own_way_is_asked_its_own_way(monkeypatch):
    """A subclass that changes `find` without `find_numbers` is asked value by value; one that
    defines `find_numbers` is asked a length at a time. (Without a screen: a plugin's screen
    sends numbers through the screen, see below.)"""
    from detectors.recognizers.fodselsnummer import FodselsnummerRecognizer

    class FindsNothing(FodselsnummerRecognizer):
        SCREEN = None

        def find(self, text):
            return []

    class FindsEveryNumber(FodselsnummerRecognizer):
        SCREEN = None

        def find_numbers(self, texts):
            return ((t, 0.9, {"theirs": True}) for t in texts)

    for cls, expected in ((FindsNothing, []), (FindsEveryNumber, [(0.9, {"theirs": True})])):
        with monkeypatch.context() as patch:  # one plugin at a time
            _with_plugin(patch, lambda cls=cls: cls(name="Theirs"), "their_fnr", instead_of="no_fodselsnummer")
            e = Engine()
        theirs = [(d.score, d.metadata) for d in e.analyze_values(["15108695088"], resolve=False)[0]
                  if d.recognizer == "Theirs"]
        assert theirs == expected, cls


def _resolved_one_by_one(detections):
    """resolve_overlaps' general rule, for detections that all cover the same stretch."""
    from detectors.detection import _strength

    kept = []
    for d in sorted(detections, key=_strength, reverse=True):
        if all(d.end <= k.start or d.start >= k.end for k in kept):
            kept.append(d)
    return sorted(kept, key=lambda d: (d.start, d.end))


def test_one_stretch_is_settled_as_overlaps_are():
    """A number that passes two checks is settled without sorting: the same winner, the first
    of equals included."""
    import itertools
    import random

    r = random.Random(3)
    entities = ["NO_FODSELSNUMMER", "NO_BANK_ACCOUNT", "NO_ORGANIZATION_NUMBER", "CREDIT_CARD", "NO_METER_SERIAL"]
    cases = 0
    # a plugin's: empty stretches (a sort keeps each of them) and NaN scores (no order to go by)
    empty = [Detection("X", 3, 3, 0.5, "", "a"), Detection("Y", 3, 3, 0.9, "", "b")]
    nan = [Detection("X", 0, 4, s, "xxxx", f"r{i}") for i, s in enumerate([0.5, float("nan"), 0.9])]
    for ds in (empty, nan):
        for order in itertools.permutations(ds):
            assert [d.recognizer for d in resolve_overlaps(list(order))] == [
                d.recognizer for d in _resolved_one_by_one(list(order))]
    for _ in range(400):
        ds = [Detection(r.choice(entities), 0, 11, r.choice([0.3, 0.55, 0.8, 1.0]), "x" * 11, f"r{i}",
                        r.choice([None, "fnr", "konto"])) for i in range(r.randint(2, 4))]
        for order in itertools.permutations(ds):
            expected = _resolved_one_by_one(list(order))
            got = resolve_overlaps(list(order))
            assert got == expected and got[0].recognizer == expected[0].recognizer
            cases += 1
    assert cases > 1000


def test_a_plugin_screen_still_decides_for_numbers(monkeypatch):
    """A plugin's screen may be stricter than its patterns (this one's look-arounds are all in
    the screen): where one is loaded, numbers are screened as every other value is."""
    from detectors.recognizers.base import (
        SCREEN_AFTER,
        SCREEN_BEFORE,
        KartleggPatternRecognizer,
    )
    from detectors.recognizers.results import Pattern

    class EmployeeId(KartleggPatternRecognizer):
        ENTITY = "EMPLOYEE_ID"
        PATTERNS = [Pattern("employee id", r"\d{7}", 0.6)]
        CONTEXT = ["ansatt"]
        SCREEN = SCREEN_BEFORE + r"\d{7}" + SCREEN_AFTER

    _with_plugin(monkeypatch, EmployeeId, "employee_id")
    e = Engine()
    assert e.detections_by_text(["123456789"]) == {}  # the screen wants seven digits alone
    assert [d.text for d in e.detections_by_text(["1234567"])["1234567"]] == ["1234567"]
    assert e.detections_by_text(["15108695088"], ["fnr"]) == Engine().detections_by_text(["15108695088"], ["fnr"])


def test_a_plugin_shape_test_still_decides(monkeypatch):
    """kartlegg's own recognizers skip their shape tests once a screen has named them; a
    plugin's `accepts` may be what keeps it from values its patterns would match, and is asked."""
    from detectors.recognizers.base import KartleggPatternRecognizer
    from detectors.recognizers.results import Pattern

    class Ticket(KartleggPatternRecognizer):
        ENTITY = "TICKET"
        PATTERNS = [Pattern("ticket", r"T-\d{4}", 0.6)]
        CONTEXT = []
        SCREEN = r"T-\d{4}"

        def accepts(self, shape):
            return shape.length <= 6  # a ticket alone, never inside a longer value

    _with_plugin(monkeypatch, Ticket, "ticket")
    e = Engine()
    found = e.detections_by_text(["T-1234", "sak T-1234"])
    assert [d.entity_type for d in found["T-1234"]] == ["TICKET"]
    assert "sak T-1234" not in found


def test_a_plugin_prefilter_still_decides(monkeypatch):
    """A plugin's PREFILTER may be stricter than its patterns, as its screen may be: it is asked
    as before, where kartlegg's own recognizers skip theirs after a screen."""
    from detectors.recognizers.base import KartleggPatternRecognizer
    from detectors.recognizers.results import Pattern

    class Ticket(KartleggPatternRecognizer):
        ENTITY = "TICKET"
        PATTERNS = [Pattern("ticket", r"T-\d{4}", 0.6)]
        CONTEXT = []
        SCREEN = r"T-\d{4}"
        PREFILTER = r"^T-\d{4}$"  # a ticket alone, never inside a longer value

    _with_plugin(monkeypatch, Ticket, "ticket")
    found = Engine().detections_by_text(["T-1234", "x T-1234", "RAPPORT-20240818.XLSX"])
    assert list(found) == ["T-1234"]


@pytest.mark.parametrize("value", ["+47 \u0664\u0661\u0662\u0663\u0664\u0665\u0666\u0667",
                                   "Storgata \u0661\u0662", "Storgata \uff11\uff12",
                                   "tlf \u0664\u0661\u0662\u0663\u0664\u0665\u0666\u0667"])
def test_other_scripts_digits_meet_the_shape_tests_as_before(engine, value):
    """A short value with another script's digits is shape-tested, as it always was (a Shape
    counts ASCII digits): the values path finds no more in it than before, whatever running text
    finds."""
    assert engine.analyze_values([value]) == [[]]


@pytest.mark.parametrize("numbers", [["12345678901", "00000000000", "4"], ["99999999", "1" * 64]])
def test_numbers_without_detections_answer_a_list_of_their_own(numbers):
    """Numbers with nothing found are remembered with one shared empty answer: a caller that
    adds to the list it was given changes no other answer, now or from memory."""
    e = Engine()
    for _ in range(2):
        answers = e.analyze_values(numbers)
        assert answers == [[]] * len(numbers)
        for a in answers:
            a.append("caller's own")
        assert e.analyze_values(numbers) == [[]] * len(numbers)
        assert e.detections_by_text(numbers) == {}


@pytest.fixture(scope="module")
def corpus_columns():
    from bench import corpus as corpus_mod

    corpus = corpus_mod.build(11, "small")
    return [([str(v) for v in col.values if v is not None], [col.name]) for col in corpus.columns]


@pytest.mark.parametrize("resolve", [True, False])
def test_short_values_together_equal_one_at_a_time(corpus_columns, resolve):
    """A column's short values go to each recognizer named for them together: the answers are
    those of each value on its own, column for column (the column's name as context, and none)."""
    e, reference = Engine(), Engine()
    found = 0
    for values, name in corpus_columns:
        for context in (name, ()):
            texts = list(dict.fromkeys(v for v in values if v.strip()))
            together = e.detections_by_text(texts, context, resolve)
            assert together == _one_at_a_time(reference, texts, context, resolve), (name, context)
            found += len(together)
            e.forget()
    assert found > 1000
