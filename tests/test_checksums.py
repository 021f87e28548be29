import pytest

from detectors import checksums
from detectors.checksums import fnr_info, gs1_valid, iban_valid, kontonummer_valid, orgnr_valid

# (number, kind, synthetic) from ../shared/reference/norwegian-identifiers.md
VALID_FNR = [
    ("01817012309", "fodselsnummer", "tenor"),
    ("41817012483", "d_nummer", "tenor"),
    ("41814061033", "d_nummer", "tenor"),
    ("30108299939", "fodselsnummer", None),  # valid only under the 2032 K1 rule
    ("01417012326", "h_nummer", None),
    ("81212121223", "fh_nummer", None),
    ("01667012372", "fodselsnummer", "syntpop"),
    ("41017012337", "d_nummer", None),
    ("15108695088", "fodselsnummer", None),
    ("01017012343", "fodselsnummer", None),
    ("29020030052", "fodselsnummer", None),  # 29.02: accepted like Skatteetaten's validator
]

INVALID_FNR = [
    "01817012308",  # K2 off by one
    "01817012319",  # K1 off by one
    "00000000000",
    "20231224123",  # a timestamp: month 23
    "12345678903",  # valid kontonummer, month 34
    "86011117947",  # valid kontonummer starting with 8: FH only under the old K1 rule
    "3010829993",  # 10 digits
    "301082999390",  # 12 digits
    "3010829993a",
    "31048012345",  # 31 April
]


@pytest.mark.parametrize("number,kind,synthetic", VALID_FNR)
def test_valid_fnr(number, kind, synthetic):
    info = fnr_info(number)
    assert info is not None and info.kind == kind and info.synthetic == synthetic


@pytest.mark.parametrize("number", INVALID_FNR)
def test_invalid_fnr(number):
    assert fnr_info(number) is None


def test_2032_rule_only_for_fnr_and_dnr():
    assert fnr_info("30108299939").new_rule
    assert not fnr_info("15108695088").new_rule


def test_every_valid_fnr_passes_kontonummer():
    # the collision the engine must settle: K2 is the kontonummer check
    for number, _, _ in VALID_FNR:
        assert kontonummer_valid(number)


@pytest.mark.parametrize(
    "number,valid",
    [("86011117947", True), ("12345678903", True), ("15031234562", True), ("12345678904", False),
     ("00000000000", False), ("00001234567", False), ("1234567", False)],
)
def test_kontonummer(number, valid):
    assert kontonummer_valid(number) is valid


@pytest.mark.parametrize(
    "number,valid",
    [("707057500000000001", True), ("707057500999999997", True), ("707057500123456785", True),
     ("707057500012345678", False), ("7359992891237028", True), ("7359992891237027", False)],
)
def test_gs1(number, valid):
    assert gs1_valid(number) is valid


@pytest.mark.parametrize("number,valid", [("988077917", True), ("988077918", False), ("123456785", False)])
def test_orgnr(number, valid):
    # 123456785 passes mod 11 but Enhetsregisteret issues only 8xx/9xx numbers
    assert orgnr_valid(number) is valid


@pytest.mark.parametrize("number,valid", [("NO9386011117947", True), ("NO9286011117947", False)])
def test_iban(number, valid):
    assert iban_valid(number) is valid


@pytest.mark.parametrize("kind", ["fodselsnummer", "d_nummer", "h_nummer"])
def test_synthetic_numbers_are_valid_and_of_their_kind(kind):
    import random

    from detectors import synthetic

    rnd = random.Random(3)
    for _ in range(500):
        info = fnr_info(synthetic.fodselsnummer(rnd, kind=kind, tenor=kind != "h_nummer"))
        assert info is not None and info.kind == kind


def test_fnr_info_weighs_ascii_digits_as_it_weighs_any_digits():
    """The ASCII path (bytes weighed in C) says what the digit-at-a-time path says, on every
    kind, near misses and random numbers; other scripts' digits take the second."""
    import random

    from detectors import synthetic

    r = random.Random(5)
    numbers = [n for n, _, _ in VALID_FNR] + [n for n in INVALID_FNR if len(n) == 11 and n.isdigit()]
    numbers += [synthetic.fodselsnummer(r) for _ in range(2000)]
    numbers += [n[:k] + str((int(n[k]) + d) % 10) + n[k + 1:] for n in numbers[:500] for k in range(11) for d in (1, 5)]
    numbers += [str(r.randrange(10**11)).zfill(11) for _ in range(20000)]
    valid = 0
    for n in numbers:
        info = fnr_info(n)
        assert (None if info is None else (info.kind, info.synthetic, info.new_rule)) == _reference_fnr(n), n
        valid += info is not None
    assert valid > 2000 and valid < len(numbers) / 2
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    for n, kind, synthetic_ in VALID_FNR:
        info = fnr_info(n.translate(arabic))
        assert info is not None and (info.kind, info.synthetic) == (kind, synthetic_)


def _reference_fnr(number: str):
    """The rules of ../shared/reference (K2; K1 with the 2032 rule for fødselsnummer and D-nummer
    and their Tenor forms; the date; +40 day for D, +40 month for H, +65 SyntPop, +80 Tenor; FH
    from 8 or 9), written plainly, one digit at a time: (kind, synthetic, new_rule) or None."""
    import calendar

    d = [int(c) for c in number]
    r1 = (sum(w * x for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), d)) + d[9]) % 11
    if (sum(w * x for w, x in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), d)) + d[10]) % 11:
        return None
    if d[0] >= 8:
        return ("fh_nummer", None, False) if r1 == 0 else None
    day, month, yy = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]
    kind, synthetic = ("d_nummer", None) if day > 40 else ("fodselsnummer", None)
    day -= 40 if day > 40 else 0
    if month > 80:
        month, synthetic = month - 80, "tenor"
    elif month > 65:
        month, synthetic = month - 65, "syntpop"
    elif month > 40:
        if kind == "d_nummer":
            return None
        month, kind = month - 40, "h_nummer"
    if r1 and not (kind in ("fodselsnummer", "d_nummer") and synthetic != "syntpop" and r1 <= 3):
        return None
    if not 1 <= month <= 12 or day < 1:
        return None
    leap = month == 2 and day == 29
    if (not leap and day > calendar.monthrange(2001, month)[1]) or (leap and yy % 4):
        return None
    return kind, synthetic, r1 != 0


@pytest.mark.parametrize("text,digits", [
    ("12345678901", "12345678901"), ("1234.56.78903", "12345678903"), ("+47 412 34 567", "4741234567"),
    ("", ""), ("abc", ""), ("NO93 8601 1117 947", "9386011117947"), ("١٢٣ 45", "١٢٣45"), ("4²5", "4²5"),
    ("\x00 9\x7f", "9"),
])
def test_only_digits_keeps_the_digits_in_order(text, digits):
    assert checksums.only_digits(text) == digits == "".join(c for c in text if c.isdigit())
