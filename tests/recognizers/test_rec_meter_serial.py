import random

import pytest
from stdnum import ean

from detectors.recognizers.meter_serial import MeterSerialRecognizer
from detectors.shape import Shape

rec = MeterSerialRecognizer()
AIDON, KAMSTRUP, KAIFA = "7359992891237028", "5706567274389702", "6970631403757615"
_rnd = random.Random(16)
_BODIES = [str(_rnd.randint(10**14, 10**15 - 1)) for _ in range(3)]
GENERATED = [body + ean.calc_check_digit(body) for body in _BODIES]


def off_by_one(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


VALID = [
    (AIDON, AIDON),
    (KAMSTRUP, KAMSTRUP),
    (KAIFA, KAIFA),
    *[(g, g) for g in GENERATED],
    (f"Målernr. {AIDON} ble byttet", AIDON),
    (f"meter_serial={KAMSTRUP};", KAMSTRUP),
    (f"({KAIFA})", KAIFA),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "NO_METER_SERIAL" for r in results)
    return [(text[r.start : r.end], r.score) for r in results]


@pytest.mark.parametrize("text,match", VALID)
def test_finds_with_a_weak_score(text, match):
    ((span, score),) = found(text)
    assert span == match and 0.2 <= score < 0.5  # one random number in ten passes GS1


@pytest.mark.parametrize(
    "text",
    [
        off_by_one(AIDON), off_by_one(KAMSTRUP), off_by_one(KAIFA),
        "0000000000000000",
        AIDON[:-1],  # 15 digits
        "1" + AIDON, AIDON + "0", "70705750000000000017",  # longer digit runs
        f"0.{AIDON}", f"{AIDON}.25", f"{AIDON},25",  # decimals
        f"{AIDON[:8]} {AIDON[8:]}",
    ],
)
def test_near_misses(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text,reported",
    [
        (f"Målernummer {AIDON}", True),
        (f"AMS-måler {KAMSTRUP} montert", True),
        (f"maalernr: {KAIFA}", True),
        (f"HAN-port serial {KAIFA}", True),
        (f"Ordre {AIDON} sendt", False),
        (f"Han ringte om {AIDON}", False),  # "han" is the pronoun, not the HAN port
    ],
)
def test_context_words(in_text, text, reported):
    ((_, score),) = in_text(rec, text)
    assert (score >= 0.5) == reported


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))
