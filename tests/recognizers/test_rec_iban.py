import pytest
from stdnum import iban

from detectors.recognizers.iban import IbanRecognizer
from detectors.shape import Shape

rec = IbanRecognizer()


def grouped(compact: str) -> str:
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


NO_GENERATED = "NO" + iban.calc_check_digits("NO00" + "15031234562") + "15031234562"
VALID = [
    ("NO9386011117947", "NO9386011117947", "NO"),
    ("NO93 8601 1117 947", "NO93 8601 1117 947", "NO"),
    (NO_GENERATED, NO_GENERATED, "NO"),
    (grouped(NO_GENERATED), grouped(NO_GENERATED), "NO"),
    ("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00", "DE"),
    ("DE89370400440532013000", "DE89370400440532013000", "DE"),
    ("GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19", "GB"),
    ("ES91 2100 0418 4502 0005 1332", "ES91 2100 0418 4502 0005 1332", "ES"),
    ("no9386011117947", "no9386011117947", "NO"),
    ("Overfør til IBAN NO93 8601 1117 947, takk.", "NO93 8601 1117 947", "NO"),
    ("iban=DE89370400440532013000&bic=COBADEFFXXX", "DE89370400440532013000", "DE"),
    ("(NO9386011117947)", "NO9386011117947", "NO"),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "IBAN_CODE" for r in results)
    return [(text[r.start : r.end], r.score, r.recognition_metadata.get("country")) for r in results]


@pytest.mark.parametrize("text,match,country", VALID)
def test_finds(text, match, country):
    ((span, score, meta),) = found(text)
    assert span == match and 0.8 <= score <= 0.9 and meta == country


@pytest.mark.parametrize(
    "text",
    [
        "NO9286011117947", "NO93 8601 1117 948",  # mod 97
        "NO9386011117946",  # inner kontonummer check (and mod 97)
        "NO938601111794",  # too short for Norway
        "DE89 3704 0044 0532 0130 01",
        "XX93 8601 1117 947",  # no such country
        "ANO9386011117947", "NO93860111179471",  # inside longer runs
        "no93 8601 1117 947",  # printed groups are upper case
        "ordre AB12345678901234",
    ],
)
def test_near_misses(text):
    assert found(text) == []


def test_context_words(in_text):
    ((_, score),) = in_text(rec, "Kontonummer (IBAN): NO93 8601 1117 947")
    assert score == 1.0


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
