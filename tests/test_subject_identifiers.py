"""The identifiers `kartlegg subject --id` takes: each kind's written forms are the identifier,
and its near misses are not (table-driven, per kind, both in a stored value and in running text)."""

from __future__ import annotations

import pytest

from scanner.subject.identifiers import IdentifierError, normal, norwegian_iban, parse

FNR = "09826377965"  # synthetic (Tenor), leading zero
ACCOUNT = "32017210334"
METER = "707057500075412082"

# (--id spec, a stored value that is the identifier, True) / (…, a near miss, False)
EQUALS = [
    (f"fnr={FNR}", FNR, True),
    (f"fnr={FNR}", "098263 77965", True),
    (f"fnr={FNR}", "098263-77965", True),
    (f"fnr={FNR}", int(FNR), True),  # an integer column lost the leading zero
    (f"fnr={FNR}", "9826377965", True),
    ("fnr=098263 77965", FNR, True),
    (f"fnr={FNR}", "09826377964", False),
    (f"fnr={FNR}", FNR + "1", False),
    (f"fnr={FNR}", "fnr " + FNR + "x", False),
    ("phone=41234567", "41234567", True),
    ("phone=41234567", "+47 412 34 567", True),
    ("phone=41234567", "0047 41234567", True),
    ("phone=41234567", "41 23 45 67", True),
    ("phone=41234567", 4741234567, True),
    ("phone=+4741234567", 41234567, True),
    ("phone=41234567", "41234568", False),
    ("phone=41234567", "141234567", False),
    ("phone=41234567", "+46 412 34 567", False),
    ("email=Kari.Nordmann@Example.no", "kari.nordmann@example.no", True),
    ("email=kari.nordmann@example.no", " KARI.NORDMANN@EXAMPLE.NO ", True),
    ("email=kari.nordmann@example.no", "kari.nordmann@example.com", False),
    ("email=kari.nordmann@example.no", "xkari.nordmann@example.no", False),
    ("name=Kari Nordmann", "kari  nordmann", True),
    ("name=Kari Nordmann", "Nordmann, Kari", True),
    ("name=Kari Nordmann", "Kari Nordmannsen", False),
    ("name=Kari Nordmann", "Kari", False),
    (f"account={ACCOUNT}", "3201.72.10334", True),
    (f"account={ACCOUNT}", "3201 72 10334", True),
    (f"account={ACCOUNT}", norwegian_iban(ACCOUNT), True),
    (f"account={norwegian_iban(ACCOUNT)}", ACCOUNT, True),
    (f"account={ACCOUNT}", "3201.72.10335", False),
    (f"meter={METER}", METER, True),
    (f"meter={METER}", int(METER), True),
    (f"meter={METER}", METER[:-1] + "3", False),
]

# (--id spec, running text, whether it holds the identifier)
FOUND_IN = [
    (f"fnr={FNR}", f"Kunden har fnr {FNR}.", True),
    (f"fnr={FNR}", "fnr: 098263 77965, adresse", True),
    (f"fnr={FNR}", '{"fnr": 9826377965}', True),  # a JSON number without its zero
    (f"fnr={FNR}", f"ordre 9{FNR}7", False),
    (f"fnr={FNR}", f"{FNR}0", False),
    ("phone=41234567", "ring +47 412 34 567 i dag", True),
    ("phone=41234567", "tlf:41234567", True),
    ("phone=41234567", "id=1412345679", False),
    ("phone=41234567", "41234567890", False),
    ("email=kari@example.no", "GET /sok?email=kari%40example.no&side=2", True),
    ("email=kari@example.no", "Svar til KARI@EXAMPLE.NO.", True),
    ("email=kari@example.no", "ola.kari@example.no", False),
    ("email=kari@example.no", "kari@example.no.evil", False),
    ("name=Kari Nordmann", "Kari Nordmann ringte", True),
    ("name=Kari Nordmann", "kontakt: Nordmann, Kari", True),
    ("name=Kari Nordmann", "Kari Nordmannsen ringte", False),
    ("name=Kari Nordmann", "Lars Nordmann og Kari Olsen", False),
    (f"account={ACCOUNT}", "kontonr 3201.72.10334 for refusjon", True),
    (f"account={ACCOUNT}", f"IBAN {norwegian_iban(ACCOUNT)}", True),
    (f"account={ACCOUNT}", f"ref 9{ACCOUNT}", False),
]


@pytest.mark.parametrize("spec, value, expected", EQUALS)
def test_a_stored_value_is_the_identifier_or_not(spec, value, expected):
    assert parse(spec).equals(value) is expected


@pytest.mark.parametrize("spec, text, expected", FOUND_IN)
def test_running_text_holds_the_identifier_or_not(spec, text, expected):
    assert parse(spec).found_in(text) is expected


@pytest.mark.parametrize("spec", [f"fnr={FNR}", "phone=+47 412 34 567", "email=Kari@Example.no",
                                  "name=Kari Nordmann", f"account={ACCOUNT}", f"meter={METER}"])
def test_every_sql_form_is_the_identifier(spec):
    ident = parse(spec)
    assert ident.forms and all(ident.equals(f) for f in ident.forms)
    assert all(ident.equals(n) for n in ident.integers)
    assert all(ident.found_in(f"tekst {f} tekst") for f in ident.forms)


def test_the_canonical_form_is_what_fingerprints_are_made_of():
    assert parse("phone=+47 412 34 567").canonical == parse("phone=41234567").canonical == "41234567"
    assert parse("email=Kari@Example.NO").canonical == "kari@example.no"
    assert normal("fnr", 9826377965) == FNR
    assert repr(parse(f"fnr={FNR}")) == "Identifier(fnr)"  # no value in logs or tracebacks


@pytest.mark.parametrize("spec", ["fnr=01017012346", "phone=12345678", f"meter={METER[:-1]}3",
                                  "account=12345678901"])
def test_check_digits_are_checked_unless_told_not_to(spec):
    with pytest.raises(IdentifierError):
        parse(spec)
    assert parse(spec, validate=False).kind == spec.split("=")[0]
