import random

import pytest
from stdnum import luhn

from detectors.checksums import kontonummer_valid
from detectors.recognizers.bank_account import BankAccountRecognizer
from detectors.shape import Shape

rec = BankAccountRecognizer()
DOTTED, SPACED, BARE = (0.65, 0.75), (0.55, 0.65), (0.25, 0.35)


def first(pred, seed):
    rnd = random.Random(seed)
    while True:
        number = f"{rnd.randint(10**10, 10**11 - 1)}"
        if pred(number):
            return number


GENERATED = first(kontonummer_valid, 1)
ORDER_NUMBER = first(lambda n: not kontonummer_valid(n), 2)
KID = first(lambda n: luhn.is_valid(n) and not kontonummer_valid(n), 3)  # MOD10 KID

VALID = [
    ("12345678903", "12345678903", BARE),
    ("86011117947", "86011117947", BARE),
    ("15031234562", "15031234562", BARE),
    (GENERATED, GENERATED, BARE),
    ("1234.56.78903", "1234.56.78903", DOTTED),
    ("8601.11.17947", "8601.11.17947", DOTTED),
    ("1234 56 78903", "1234 56 78903", SPACED),
    ("1503-12-34562", "1503-12-34562", SPACED),
    ("Betal til 1234.56.78903 innen fredag.", "1234.56.78903", DOTTED),
    ("Kontonr: 8601 11 17947", "8601 11 17947", SPACED),
    ("konto=12345678903;", "12345678903", BARE),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "NO_BANK_ACCOUNT" for r in results)
    return [(text[r.start : r.end], r.score) for r in results]


@pytest.mark.parametrize("text,match,band", VALID)
def test_finds(text, match, band):
    ((span, score),) = found(text)
    assert span == match and band[0] <= score <= band[1]


@pytest.mark.parametrize(
    "text",
    [
        "12345678904", "12345678902", "1234.56.78904",  # check digit off by one
        "00000000000", "0000.00.00000", "00001234567",  # all zeros, postgiro prefix
        ORDER_NUMBER, f"Ordre {ORDER_NUMBER}", KID, f"KID: {KID}",
        "1234567890", "123456789031", "912345678903",  # 10 and 12 digits
        "1.12345678903", "12345678903.0", "12345678903,50",  # decimals
        "1234.56.789034", "1234.567.8903", "1234 56.78903",  # wrong grouping
        "7 1234 56 78903",  # part of a longer spaced run
        "NO9386011117947",  # inside an IBAN
    ],
)
def test_near_misses(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text,reported",
    [
        ("Kontonummer 12345678903 for utbetaling", True),
        ("Utbetales til 86011117947", True),
        ("bankkonto: 15031234562", True),
        ("Sjekk 12345678903 i morgen", False),
        ("ordre 20231224123 ferdig", False),  # a timestamp that happens to pass mod 11
    ],
)
def test_context_words_lift_bare_numbers(in_text, text, reported):
    ((_, score),) = in_text(rec, text)
    assert (score >= 0.5) == reported


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
