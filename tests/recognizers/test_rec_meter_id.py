import pytest
from stdnum import ean

from detectors.checksums import gs1_valid
from detectors.recognizers.meter_id import MeterIdRecognizer
from detectors.shape import Shape

rec = MeterIdRecognizer()


def gsrn(body17: str) -> str:
    return body17 + ean.calc_check_digit(body17)


def off_by_one(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


DOC = "707057500000000001"  # the reference's example
GENERATED = gsrn("7070575000" + "1234567")
SWEDISH = gsrn("735999" + "28912370280")
DANISH = gsrn("57" + "131313000000000")

VALID = [
    (DOC, DOC),
    (GENERATED, GENERATED),
    (f"Målepunkt-ID: {GENERATED}.", GENERATED),
    (f"mpid={DOC}&from=2024-01-01", DOC),
    (f'{{"malepunkt_id": "{GENERATED}"}}', GENERATED),
    (f"Anlegget ({DOC}) er flyttet", DOC),
    # the reference's valid examples use the wider 707057500 prefix
    ("707057500999999997", "707057500999999997"),
    ("707057500123456785", "707057500123456785"),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "NO_METER_ID" for r in results)
    return [(text[r.start : r.end], r.score) for r in results]


@pytest.mark.parametrize("text,match", VALID)
def test_finds(text, match):
    assert found(text) == [(match, 0.95)]


@pytest.mark.parametrize(
    "text",
    [
        off_by_one(DOC), off_by_one(GENERATED),
        "707057500012345678",  # the reference's invalid example
        SWEDISH, DANISH,  # same format, other countries
        DOC[:-1],  # 17 digits
        "1" + DOC, DOC + "0",  # inside longer digit runs
        f"3.{DOC}", f"{DOC}.5", f"{DOC},5",  # decimals
        f"{DOC[:9]} {DOC[9:]}",
    ],
)
def test_near_misses(text):
    assert found(text) == []


def test_swedish_and_danish_examples_are_gs1_valid():
    # so the near-misses above are rejected by the prefix, not by the check digit
    assert gs1_valid(SWEDISH) and gs1_valid(DANISH)


def test_context_words(in_text):
    assert in_text(rec, f"Målepunkt-ID: {DOC}") == [(DOC, 1.0)]


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
