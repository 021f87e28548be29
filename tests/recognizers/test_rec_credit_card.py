import pytest
from stdnum import luhn

from detectors.recognizers.credit_card import CreditCardRecognizer
from detectors.shape import Shape

rec = CreditCardRecognizer()
GROUPED, CONTIGUOUS = (0.8, 0.9), (0.45, 0.55)


def with_check(body: str) -> str:
    return body + luhn.calc_check_digit(body)


# Issuers' published test numbers, and numbers generated here.
VALID = [
    ("4111111111111111", "4111111111111111", CONTIGUOUS, "visa"),
    ("4111 1111 1111 1111", "4111 1111 1111 1111", GROUPED, "visa"),
    ("4111-1111-1111-1111", "4111-1111-1111-1111", GROUPED, "visa"),
    ("4222222222222", "4222222222222", CONTIGUOUS, "visa"),
    ("5555 5555 5555 4444", "5555 5555 5555 4444", GROUPED, "mastercard"),
    ("2223003122003222", "2223003122003222", CONTIGUOUS, "mastercard"),
    ("3782 822463 10005", "3782 822463 10005", GROUPED, "amex"),
    ("378282246310005", "378282246310005", CONTIGUOUS, "amex"),
    ("6011 1111 1111 1117", "6011 1111 1111 1117", GROUPED, "discover/unionpay/maestro"),
    ("3530111333300000", "3530111333300000", CONTIGUOUS, "jcb"),
    ("3056 930902 5904", "3056 930902 5904", GROUPED, "diners"),
    (with_check("4" + "0" * 17), with_check("4" + "0" * 17), CONTIGUOUS, "visa"),  # 19 digits
    ("Kortnummer: 4111 1111 1111 1111, utløper 12/27.", "4111 1111 1111 1111", GROUPED, "visa"),
    ("pan=5555555555554444&exp=1227", "5555555555554444", CONTIGUOUS, "mastercard"),
]


def found(text):
    results = rec.analyze(text, [rec.ENTITY])
    assert all(r.entity_type == "CREDIT_CARD" for r in results)
    return [(text[r.start : r.end], r.score, r.recognition_metadata.get("issuer")) for r in results]


@pytest.mark.parametrize("text,match,band,issuer", VALID)
def test_finds(text, match, band, issuer):
    ((span, score, meta),) = found(text)
    assert span == match and band[0] <= score <= band[1] and meta == issuer


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112", "4111111111111112",  # Luhn off by one
        with_check("1" + "2" * 14), with_check("7359992891237"),  # no card issuer starts with 1 or 7
        with_check("34" + "1" * 13),  # Amex prefix, but 16 digits
        with_check("51" + "1" * 11),  # Mastercard prefix, but 13 digits
        "4111 1111-1111 1111",  # mixed separators
        "41111111111111111111", "4111 1111 1111 1111 1111",  # 20 digits
        "1.4111111111111111", "4111111111111111.5",  # decimals
        "707057500000000001",  # målepunkt-ID
    ],
)
def test_near_misses(text):
    assert found(text) == []


def test_context_words(in_text):
    ((_, score),) = in_text(rec, "Betalingskort 4111111111111111")
    assert score >= 0.8


@pytest.mark.parametrize("text", [v[0] for v in VALID])
def test_accepts_every_valid_value(text):
    assert rec.accepts(Shape.of(text))


def test_issuer_is_the_table_read_in_order():
    """The issuer, looked up by length and first digits once worked out, is the first row of the
    table whose prefix range and lengths hold the number, the second time as the first."""
    import random

    from detectors.recognizers import credit_card

    def by_table(number):
        for low, high, lengths, name in credit_card._ISSUERS:
            if len(number) in lengths and low <= number[: len(low)] <= high:
                return name
        return None

    rnd = random.Random(5)
    prefixes = ["4", "51", "55", "56", "2220", "2221", "2720", "2721", "34", "37", "3527", "3528", "3589", "3590",
                "300", "305", "306", "36", "38", "39", "6", "7", "0", "", "٣٤"]
    cases = [p + "".join(rnd.choice("0123456789") for _ in range(n - len(p)))
             for p in prefixes for n in range(max(len(p), 1), 21) for _ in range(3)]
    assert sum(by_table(c) is not None for c in cases) > 100
    for _ in range(2):
        assert [credit_card._issuer(c) for c in cases] == [by_table(c) for c in cases]
