import pytest

from detectors.recognizers.fodselsnummer import FodselsnummerRecognizer
from detectors.shape import Shape

rec = FodselsnummerRecognizer()


def found(text):
    return [(text[r.start : r.end], r.score, dict(r.recognition_metadata)) for r in rec.analyze(text, [rec.ENTITY])]


@pytest.mark.parametrize(
    "text,match,min_score",
    [
        ("01817012309", "01817012309", 0.8),
        ("018170 12309", "018170 12309", 0.9),
        ("018170-12309", "018170-12309", 0.9),
        ("fnr: 15108695088.", "15108695088", 0.8),
        ("Kunden (f.nr 41017012337) ringte", "41017012337", 0.8),
        ("id=30108299939&x=1", "30108299939", 0.8),
        ("81212121223", "81212121223", 0.8),
        ("Kari 01817012309 41234567", "01817012309", 0.8),  # space-separated fields
    ],
)
def test_finds(text, match, min_score):
    hits = found(text)
    assert [h[0] for h in hits] == [match]
    assert hits[0][1] >= min_score
    assert rec.accepts(Shape.of(text))


@pytest.mark.parametrize(
    "text",
    [
        "01817012308",  # check digit off by one
        "01817012319",
        "00000000000",
        "20231224123",  # timestamp
        "12345678903",  # valid kontonummer, no date
        "86011117947",
        "123401817012309",  # inside a longer digit run
        "0181701230",  # 10 digits
        "3.01817012309",  # decimal
        "01817012309-4",
        "ordre 1234567890123",
        "3765 517633 53412",  # the tail of a spaced Amex card number
    ],
)
def test_near_misses(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "number,kind,synthetic",
    [("01817012309", "fodselsnummer", "tenor"), ("41017012337", "d_nummer", None),
     ("01667012372", "fodselsnummer", "syntpop"), ("01417012326", "h_nummer", None)],
)
def test_marks_kind_and_synthetic(number, kind, synthetic):
    (_, _, meta), = found(number)
    assert meta["kind"] == kind and meta["synthetic"] == synthetic
