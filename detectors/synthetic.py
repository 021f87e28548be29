"""Synthetic identifiers with valid check digits, for the demo estate, tests and benchmarks.

Generated at run time from a seeded Random, so no real person's identifier is ever committed.
Fødselsnumre default to Tenor test numbers (month + 80), which Skatteetaten issues to no one.
"""

from __future__ import annotations

import random

from stdnum import ean, luhn
from stdnum import iban as _iban

from detectors.checksums import fnr_info, kontonummer_valid, orgnr_valid

PHONE_FORMS = ("plain", "spaced3", "spaced2", "intl", "intl_plain", "00", "paren", "intl2")


_FNR_WEIGHTS = ((3, 7, 6, 1, 8, 9, 4, 5, 2), (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))


def fodselsnummer(rnd: random.Random, kind: str = "fodselsnummer", tenor: bool = True) -> str:
    """A valid number of `kind` (fodselsnummer, d_nummer, h_nummer), check digits computed."""
    while True:
        day, month, yy = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(0, 99)
        if kind == "d_nummer":
            day += 40
        if kind == "h_nummer":
            month += 40
        elif tenor:
            month += 80
        digits = f"{day:02d}{month:02d}{yy:02d}{rnd.randint(0, 999):03d}"
        for weights in _FNR_WEIGHTS:
            check = (11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11) % 11
            if check == 10:  # no valid number with this body: draw another
                break
            digits += str(check)
        if len(digits) == 11:
            return digits


def kontonummer(rnd: random.Random) -> str:
    while True:
        number = f"{rnd.randint(1000, 9999)}{rnd.randint(0, 99):02d}{rnd.randint(0, 9999):04d}"
        for check in "0123456789":
            if kontonummer_valid(number + check) and fnr_info(number + check) is None:
                return number + check


def orgnr(rnd: random.Random) -> str:
    while True:
        number = f"{rnd.choice('89')}{rnd.randint(0, 9999999):07d}"
        for check in "0123456789":
            if orgnr_valid(number + check):
                return number + check


def meter_id(rnd: random.Random) -> str:
    body = "7070575000" + f"{rnd.randint(0, 9999999):07d}"
    return body + ean.calc_check_digit(body)


def meter_serial(rnd: random.Random) -> str:
    body = f"{rnd.randint(1, 9)}{rnd.randint(0, 10**14 - 1):014d}"
    return body + ean.calc_check_digit(body)


def card(rnd: random.Random) -> str:
    prefix = rnd.choice(["4", "51", "55", "2221", "37", "6011"])
    length = 15 if prefix == "37" else 16
    body = prefix + "".join(str(rnd.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def iban_no(rnd: random.Random) -> str:
    account = kontonummer(rnd)
    return "NO" + _iban.calc_check_digits("NO00" + account) + account


def phone_digits(rnd: random.Random, mobile: bool = True) -> str:
    first = rnd.choice("49") if mobile else rnd.choice("2357")
    if first == "5":
        return f"5{rnd.randint(0, 7)}{rnd.randint(0, 999999):06d}"
    return f"{first}{rnd.randint(0, 9999999):07d}"


def phone(rnd: random.Random, form: str | None = None, mobile: bool = True) -> str:
    return format_phone(phone_digits(rnd, mobile), form or rnd.choice(PHONE_FORMS))


def format_phone(d: str, form: str) -> str:
    """An 8-digit national number in one of the written forms seen in data."""
    return {
        "plain": d,
        "spaced3": f"{d[:3]} {d[3:5]} {d[5:]}",
        "spaced2": f"{d[:2]} {d[2:4]} {d[4:6]} {d[6:]}",
        "intl": f"+47 {d[:3]} {d[3:5]} {d[5:]}",
        "intl_plain": f"+47{d}",
        "00": f"0047 {d}",
        "paren": f"(+47) {d[:3]} {d[3:5]} {d[5:]}",
        "intl2": f"+47 {d[:2]} {d[2:4]} {d[4:6]} {d[6:]}",
    }[form]
