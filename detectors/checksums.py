"""Check-digit rules for Norwegian and international identifiers.

Pure functions over digit strings; recognizers and column classification share them.
python-stdnum covers the standard ones; the fødselsnummer family is done here because
stdnum rejects D-numbers issued after 2021, the 2032 rule, H/FH and synthetic test numbers.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import cache
from operator import mul

from stdnum import ean, luhn
from stdnum import iban as _iban
from stdnum.iso7064 import mod_97_10
from stdnum.no import kontonr as _kontonr
from stdnum.no import orgnr as _orgnr

_FNR_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_KONTO_W = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True, slots=True)
class FnrInfo:
    """What a valid 11-digit national identity number is."""

    kind: str  # fodselsnummer | d_nummer | h_nummer | fh_nummer
    synthetic: str | None = None  # tenor | syntpop | None
    new_rule: bool = False  # valid only under the 2032 K1 rule


def _mod11_remainder(digits: str, weights: tuple[int, ...]) -> int:
    if len(digits) == len(weights) and digits.isascii():
        # the digits' bytes weighed in C, each byte 48 ('0') too many
        return (sum(map(mul, weights, digits.encode())) - 48 * sum(weights)) % 11
    return sum(w * int(d) for w, d in zip(weights, digits)) % 11


def fnr_info(number: str) -> FnrInfo | None:
    """Classify an 11-digit string as a member of the fødselsnummer family, or None.

    K2 is always checked; K1 allows remainders 0-3 (the 2032 rule) only for fødselsnummer
    and D-nummer and their Tenor forms, because applying it everywhere lets random digit
    strings pass far too often.
    """
    if len(number) != 11 or not number.isdigit():
        return None
    if not number.isascii():
        return _fnr_info(number)
    # the digits' bytes weighed in C, each byte 48 ('0') too many (every column of numbers that
    # could be fødselsnumre checks each of them)
    b = number.encode()
    if (sum(map(mul, _FNR_K2, b)) - _FNR_K2_ZEROS) % 11 != 0:
        return None
    r1 = (sum(map(mul, _FNR_K1, b)) - _FNR_K1_ZEROS) % 11
    if b[0] >= 56:  # 8 or 9
        return _FNR_KINDS[("fh_nummer", None, False)] if r1 == 0 else None
    day, month, yy = b[0] * 10 + b[1] - 528, b[2] * 10 + b[3] - 528, b[4] * 10 + b[5] - 528
    return _fnr_kind(r1, day, month, yy)


def _fnr_kind(r1: int, day: int, month: int, yy: int) -> FnrInfo | None:
    kind, synthetic = "fodselsnummer", None
    if day > 40:
        day -= 40
        kind = "d_nummer"
    if month > 80:
        month -= 80
        synthetic = "tenor"
    elif month > 65:
        month -= 65
        synthetic = "syntpop"
    elif month > 40:
        if kind == "d_nummer":
            return None
        month -= 40
        kind = "h_nummer"

    new_rule_allowed = kind in ("fodselsnummer", "d_nummer") and synthetic != "syntpop"
    if r1 != 0 and not (new_rule_allowed and r1 <= 3):
        return None
    if not _date_exists(day, month, yy):
        return None
    return _FNR_KINDS[(kind, synthetic, r1 != 0)]


def _fnr_info(number: str) -> FnrInfo | None:
    """fnr_info of any script's digits, a digit at a time."""
    r1 = (_mod11_remainder(number[:9], _FNR_W1) + int(number[9])) % 11
    if (_mod11_remainder(number[:10], _FNR_W2) + int(number[10])) % 11 != 0:
        return None
    if int(number[0]) >= 8:  # any script's 8 or 9 (a test of "89" left out other scripts' FH numbers)
        return _FNR_KINDS[("fh_nummer", None, False)] if r1 == 0 else None
    return _fnr_kind(r1, int(number[0:2]), int(number[2:4]), int(number[4:6]))


# K1 and K2 over the check digit too (weight 1): a valid number's sum is 0 mod 11
_FNR_K1, _FNR_K2 = (*_FNR_W1, 1), (*_FNR_W2, 1)
_FNR_K1_ZEROS, _FNR_K2_ZEROS = 48 * sum(_FNR_K1), 48 * sum(_FNR_K2)
# Every answer there is, made once (frozen: one instance serves every number of its kind)
_FNR_KINDS = {(kind, synthetic, new_rule): FnrInfo(kind, synthetic, new_rule)
              for kind in ("fodselsnummer", "d_nummer", "h_nummer", "fh_nummer")
              for synthetic in (None, "tenor", "syntpop") for new_rule in (False, True)}


def _date_exists(day: int, month: int, yy: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        # The century is unknowable under the 2032 rule; like Skatteetaten's validator,
        # accept 29 February whenever 19YY or 20YY is a leap year (YY divisible by 4).
        return yy % 4 == 0
    return day <= _MONTH_DAYS[month]


_MONTH_DAYS = (0, *(calendar.monthrange(2001, m)[1] for m in range(1, 13)))  # a common year


def kontonummer_valid(number: str) -> bool:
    """11-digit Norwegian bank account number (mod 11, weights 5,4,3,2,7,6,5,4,3,2).

    Unlike stdnum.no.kontonr this rejects the postgiro forms (7 digits, 0000 prefix),
    which would let 00000000000 pass.
    """
    if len(number) != 11 or not number.isdigit() or number.startswith("0000"):
        return False
    r = _mod11_remainder(number[:10], _KONTO_W)
    check = (11 - r) % 11
    return check != 10 and check == int(number[10])


# The sums below weigh an ASCII number's bytes in C, each byte 48 ('0') too many, as
# `_mod11_remainder` does: a column of meter ids or card numbers checks every value. Other
# digits (Arabic-Indic, full-width) take python-stdnum's path; tests hold the two to each other.

def gs1_valid(number: str) -> bool:
    """GS1 mod-10 check digit (GSRN, GTIN, meter serials)."""
    if len(number) < 2 or not number.isdigit():
        return False
    if number.isascii():
        payload = number[-2::-1].encode()  # from the right: weights 3, 1, 3, ...
        odd, even = payload[::2], payload[1::2]
        total = 3 * (sum(odd) - 48 * len(odd)) + sum(even) - 48 * len(even)
        return (10 - total) % 10 == ord(number[-1]) - 48
    return ean.calc_check_digit(number[:-1]) == number[-1]


# a digit's byte -> its double's digit sum, as a byte (Luhn's doubled positions)
_LUHN_DOUBLED = bytes.maketrans(b"0123456789", bytes(48 + (2 * d) // 10 + (2 * d) % 10 for d in range(10)))


def luhn_valid(number: str) -> bool:
    if not number.isdigit():
        return False
    if number.isascii():
        b = number[::-1].encode()
        return (sum(b[::2]) + sum(b[1::2].translate(_LUHN_DOUBLED)) - 48 * len(b)) % 10 == 0
    return luhn.is_valid(number)


_ORGNR_W = (3, 2, 7, 6, 5, 4, 3, 2, 1)


def orgnr_valid(number: str) -> bool:
    """Organisasjonsnummer: 9 digits, mod 11; Enhetsregisteret only issues 8xx and 9xx."""
    if len(number) != 9 or number[0] not in "89":
        return False
    if number.isascii() and number.isdigit():
        return _mod11_remainder(number, _ORGNR_W) == 0
    return _orgnr.is_valid(number)


# An IBAN's letters as numbers for mod 97 (A=10 … Z=35), for the plain-ASCII case.
_BASE36 = str.maketrans({c: str(10 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")})


@cache
def _iban_country(cc: str):
    """stdnum's BBAN structure and country module for a country code, or None: looked up once,
    not on every number (stdnum walks its country table and compiles the structure each call)."""
    props = _iban._ibandb.info(cc)[0][1] if len(cc) == 2 else {}
    if not props:
        return None
    module = _iban._get_cc_module(cc)
    return _iban._struct_to_re(props.get("bban", "")), module


def iban_valid(number: str) -> bool:
    """IBAN with mod 97 and, where stdnum knows the country (NO included), the inner check.

    The same answers as stdnum's ``iban.is_valid`` (tests hold the two to each other), at a
    fraction of its cost: a column of IBANs checks every value.
    """
    if number.isascii() and "`" not in number:
        # stdnum's compact() for ASCII (its character map sends only ` elsewhere), without its
        # walk through that map character by character: a third of the check's cost
        number = number.translate(_IBAN_SEPARATORS).strip().upper()
    else:
        try:
            number = _iban.compact(number)
        except Exception:  # noqa: BLE001 - stdnum's own answer to what it cannot clean
            return False
    moved = number[4:] + number[:4]
    if moved.isascii() and moved.isalnum():
        if int(moved.translate(_BASE36)) % 97 != 1:
            return False
    elif not mod_97_10.is_valid(moved):  # non-ASCII digits and other oddities: stdnum decides
        return False
    country = _iban_country(number[:2])
    if country is None or not country[0].match(number[4:]):
        return False
    module = country[1]
    if module is None:
        return True
    if module.__name__ == "stdnum.no.iban":  # its validate starts over with stdnum's slow path
        return _no_bban_valid(number[4:])
    return module.is_valid(number)


_IBAN_SEPARATORS = str.maketrans("", "", " -.")
_KONTONR_W = (6, 7, 8, 9, 4, 5, 6, 7, 8, 9)  # stdnum.no.kontonr's weights (not kontonummer_valid's)


def _no_bban_valid(bban: str) -> bool:
    """stdnum.no.kontonr.is_valid on a Norwegian IBAN's BBAN, which the structure check has made
    11 ASCII digits: a leading 0000 (a postgiro number) leaves 7 for the Luhn check."""
    if not (len(bban) == 11 and bban.isascii() and bban.isdigit()):
        return _kontonr.is_valid(bban)
    if bban.startswith("0000"):
        return luhn_valid(bban[4:])
    return _mod11_remainder(bban[:10], _KONTONR_W) == ord(bban[-1]) - 48


_ASCII_NON_DIGITS = bytes(c for c in range(128) if not chr(c).isdigit())


def only_digits(text: str) -> str:
    if text.isascii():  # nearly always: a bare number as it is, else one bytes translate
        return text if text.isdigit() else text.encode().translate(None, _ASCII_NON_DIGITS).decode()
    return "".join(c for c in text if c.isdigit())
