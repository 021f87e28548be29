import random

import pytest

from detectors.checksums import orgnr_valid
from detectors.recognizers.organization_number import OrganizationNumberRecognizer
from detectors.shape import Shape

rec = OrganizationNumberRecognizer()
VAT, PREFIXED, SPACED, BARE = (0.9, 0.95), (0.8, 0.9), (0.4, 0.49), (0.2, 0.3)


def generated(seed):
    rnd = random.Random(seed)
    while True:
        number = f"{rnd.choice('89')}{rnd.randint(0, 10**8 - 1):08d}"
        if orgnr_valid(number):
            return number


G = generated(9)
VALID = [
    ("NO 988 077 917 MVA", "NO 988 077 917 MVA", VAT),
    ("988077917MVA", "988077917MVA", VAT),
    ("NO988077917MVA", "NO988077917MVA", VAT),
    ("988 077 917 mva", "988 077 917 mva", VAT),
    ("NO 988077917", "NO 988077917", PREFIXED),
    ("988 077 917", "988 077 917", SPACED),
    ("988077917", "988077917", BARE),
    (G, G, BARE),
    (f"Faktura fra Eksempel AS, org.nr. {G[:3]} {G[3:6]} {G[6:]}.", f"{G[:3]} {G[3:6]} {G[6:]}", SPACED),
    (f"Foretaksregisteret: NO {G} MVA", f"NO {G} MVA", VAT),
    ("no 988077917", "988077917", BARE),  # lower-case "no" is a word, not the VAT prefix
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "NO_ORGANIZATION_NUMBER" for r in results)
    return [(text[r.start : r.end], r.score) for r in results]


@pytest.mark.parametrize("text,match,band", VALID)
def test_finds(text, match, band):
    ((span, score),) = found(text)
    assert span == match and band[0] <= score <= band[1]


@pytest.mark.parametrize(
    "text",
    [
        "988077918", "988077916", "NO 988 077 918 MVA",  # check digit off by one
        "123456785",  # passes mod 11, but Enhetsregisteret only issues 8xx and 9xx
        "000000000",
        "9880779170", "1988077917", "12345678903",  # longer digit runs
        "0.988077917", "988077917.5",  # decimals
        "988.077.917", "98 80 77 917",  # other groupings
        "1 988 077 917",  # an amount, not a number
    ],
)
def test_near_misses(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text,reported",
    [
        ("Org.nr. 988 077 917", True),
        ("orgnr: 988077917", True),
        ("Organisasjonsnummer 988077917", True),
        ("Foretaksnummer 988077917", True),
        ("Levert i morgen 988077917", False),  # "org" would match "morgen" and "Norge"
        ("Eksempel Norge 988077917", False),
    ],
)
def test_context_words(in_text, text, reported):
    ((_, score),) = in_text(rec, text)
    assert (score >= 0.5) == reported


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
