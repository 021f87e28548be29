import pytest

from detectors.recognizers.phone import NorwegianPhoneRecognizer
from detectors.shape import Shape

rec = NorwegianPhoneRecognizer()
INTL, SPACED, BARE = (0.7, 0.8), (0.5, 0.65), (0.2, 0.35)


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "NO_PHONE_NUMBER" for r in results)
    return [(text[r.start : r.end], r.score, r.recognition_metadata.get("phone_type")) for r in results]


VALID = [
    ("41234567", "41234567", BARE),
    ("412 34 567", "412 34 567", SPACED),
    ("41 23 45 67", "41 23 45 67", SPACED),
    ("412-34-567", "412-34-567", SPACED),
    ("+47 412 34 567", "+47 412 34 567", INTL),
    ("+4741234567", "+4741234567", INTL),
    ("0047 41234567", "0047 41234567", INTL),
    ("(+47) 912 34 567", "(+47) 912 34 567", INTL),
    ("+47 22 12 34 56", "+47 22 12 34 56", INTL),
    ("+47-412-34-567", "+47-412-34-567", INTL),
    ("Ring meg på 412 34 567 i kveld.", "412 34 567", SPACED),
    ("Tlf: +47 412 34 567.", "+47 412 34 567", INTL),
    ("mobil 91234567, takk", "91234567", BARE),
    ("tel:+4722123456", "+4722123456", INTL),
    ("Kontor: 22 12 34 56 (sentralbord)", "22 12 34 56", SPACED),
    ("id=98765432&x=1", "98765432", BARE),  # dialable: bare numbers need context
    ("49123456", "49123456", BARE),  # phonenumbers calls 42/43/44/49 unallocated, Nkom does not
    ("43123456", "43123456", BARE),
    ("Longyearbyen 79 02 34 56", "79 02 34 56", SPACED),
]


@pytest.mark.parametrize("text,match,band", VALID)
def test_finds(text, match, band):
    ((span, score, _),) = found(text)
    assert span == match
    assert band[0] <= score <= band[1]


@pytest.mark.parametrize(
    "text",
    [
        "12345678",  # 1xx: short numbers
        "113", "112", "1881", "116123", "02000", "09999",
        "80012345", "85012345",  # 8xx: service numbers
        "58123456", "59123456",  # machine-to-machine
        "99999999", "00000000",  # placeholders
        "412345678", "4123456789", "341234567",  # 9 and 10 digits
        "1.41234567", "41234567.5", "41234567,5",  # decimals
        "20231224123",  # 11-digit timestamp
        "+46 412 34 567",  # Swedish
        "+47 812 34 567",  # Norwegian service number
        "412 34 567 89", "41 23 45 67 89", "1 412 34 567",  # longer spaced runs
        "10.20.30.40", "4111 1111 1111 1111", "1234.56.78903", "12345678903",
        "NO9386011117947",
        "2024-01-02 41234",
    ],
)
def test_near_misses(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text,kind",
    [("41234567", "mobile"), ("91234567", "mobile"), ("22123456", "fixed"), ("55123456", "fixed"),
     ("+47 79 02 34 56", "fixed"), ("73123456", "fixed")],
)
def test_phone_type(text, kind):
    ((_, _, phone_type),) = found(text)
    assert phone_type == kind


@pytest.mark.parametrize(
    "text,match,reported",
    [
        ("Ring meg på 41234567 i morgen", "41234567", True),
        ("Ordre 41234567 er sendt", "41234567", False),
        ("Telefon: 91234567", "91234567", True),
        ("mob. 41234567", "41234567", True),
        ("SMS til 41234567", "41234567", True),
        ("Vipps 41234567 for billetten", "41234567", True),
        ("Faktura 41234567 forfaller", "41234567", False),
    ],
)
def test_context_words_lift_bare_numbers(in_text, text, match, reported):
    ((span, score),) = in_text(rec, text)
    assert span == match and (score >= 0.5) == reported


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
