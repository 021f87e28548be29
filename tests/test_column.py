import json
import random

import pytest

from detectors import synthetic
from detectors.column import classify_column

N = 200


def rnd(seed=7):
    return random.Random(seed)


def matched(result, min_confidence=0.5):
    return {v.entity_type for v in result.findings(min_confidence)}


def fnrs(r, n=N):
    return [synthetic.fodselsnummer(r) for _ in range(n)]


def test_fnr_column(engine):
    result = classify_column("fnr", "varchar(11)", fnrs(rnd()), engine)
    assert matched(result) == {"NO_FODSELSNUMMER"}  # never also a kontonummer column
    v = result.entities["NO_FODSELSNUMMER"]
    assert v.hits == v.sampled == N and v.confidence >= 0.9
    assert any("column-name" in r for r in v.reasons) and any("K1" in r for r in v.reasons)
    assert v.synthetic == N


def test_fnr_stored_as_bigint_lost_its_leading_zero(engine):
    r = rnd(3)
    values = [int(synthetic.fodselsnummer(r, tenor=False)) for _ in range(N)]
    assert any(len(str(v)) == 10 for v in values)
    result = classify_column("kunde_ref", "BIGINT", values, engine)
    assert matched(result) == {"NO_FODSELSNUMMER"}
    assert any("leading zero" in r for r in result.entities["NO_FODSELSNUMMER"].reasons)


@pytest.mark.parametrize("name", ["kontonr", "bankkonto", "ref"])
def test_kontonummer_column(engine, name):
    r = rnd(5)
    values = [synthetic.kontonummer(r) for _ in range(N)]
    assert matched(classify_column(name, "varchar", values, engine)) == {"NO_BANK_ACCOUNT"}


@pytest.mark.parametrize("name", ["ordrenr", "ref", "id", "transaksjon"])
def test_eleven_digit_order_numbers_are_not_personal(engine, name):
    r = rnd(11)
    values = [str(r.randint(10**10, 10**11 - 1)) for _ in range(500)]
    result = classify_column(name, "varchar", values, engine)
    assert matched(result) == set()
    if "NO_FODSELSNUMMER" in result.entities:  # a few pass by chance; they must not decide
        assert 0 < result.entities["NO_FODSELSNUMMER"].hits < 20


@pytest.mark.parametrize("name", ["serienr", "nummer", "id"])
@pytest.mark.parametrize("kind", ["random", "sequential"])
def test_eight_digit_serials_are_not_phone_numbers(engine, name, kind):
    r = rnd(13)
    if kind == "random":
        values = [r.randint(10**7, 10**8 - 1) for _ in range(N)]
    else:
        start = r.randint(2 * 10**7, 9 * 10**7)
        values = list(range(start, start + N))
    assert "NO_PHONE_NUMBER" not in matched(classify_column(name, "integer", values, engine))


def test_phone_numbers_stored_as_integers(engine):
    r = rnd(17)
    values = [int(synthetic.phone_digits(r)) for _ in range(N)]
    assert matched(classify_column("tlf", "INTEGER", values, engine)) == {"NO_PHONE_NUMBER"}


def test_formatted_phone_numbers_need_no_column_name(engine):
    r = rnd(19)
    values = [synthetic.phone(r, form=r.choice(["intl", "spaced3", "00", "paren"])) for _ in range(N)]
    assert matched(classify_column("felt7", "varchar", values, engine)) == {"NO_PHONE_NUMBER"}


def test_free_text_column_reports_every_entity(engine):
    r = rnd(23)
    notes = [
        f"Kunden ringte fra {synthetic.phone(r, 'intl')} og ba om ny faktura",
        f"Fødselsnummer {synthetic.fodselsnummer(r)} er registrert feil, rettet i dag",
        "Ingen personopplysninger i denne merknaden, bare en lang tekst om strømnettet",
        f"Svar sendt til kunde{r.randint(1, 99)}@example.no etter telefonsamtale med kunden",
    ] * 5
    result = classify_column("merknad", "text", notes, engine)
    assert result.free_text
    assert matched(result) == {"NO_PHONE_NUMBER", "NO_FODSELSNUMMER", "EMAIL_ADDRESS"}


def test_postnummer_and_poststed_by_name_and_shape(engine):
    assert matched(classify_column("postnr", "char(4)", ["0150", "7030", "1337", "9990"] * 20, engine)) == {"NO_ADDRESS"}
    assert matched(classify_column("poststed", "varchar", ["OSLO", "TRONDHEIM", "SANDVIKA"] * 20, engine)) == {"NO_ADDRESS"}
    # four digits without the name are just numbers
    assert matched(classify_column("antall", "char(4)", ["0150", "7030", "1337", "9990"] * 20, engine)) == set()


def test_consumption_next_to_a_meter_is_metering_data(engine):
    values = [round(random.Random(i).uniform(0, 9), 3) for i in range(N)]
    alone = classify_column("kwh", "numeric(10,3)", values, engine)
    beside = classify_column("kwh", "numeric(10,3)", values, engine, neighbours=["malepunkt_id", "tidspunkt"])
    assert matched(alone) == matched(beside) == {"METER_READING"}
    assert beside.entities["METER_READING"].confidence > alone.entities["METER_READING"].confidence


def test_name_alone_is_not_a_finding(engine):
    result = classify_column("fnr", "varchar", ["010190*****"] * 50, engine)
    assert matched(result) == set()
    assert result.entities["NO_FODSELSNUMMER"].confidence < 0.5


def test_empty_column(engine):
    result = classify_column("fnr", "varchar", [None, "", "  "], engine)
    assert result.sampled == 0 and result.findings() == []


def test_kid_numbers_are_not_accounts(engine):
    # 11-digit MOD11 KIDs pass the kontonummer check by construction; the name decides.
    r = rnd(29)
    values = [synthetic.kontonummer(r) for _ in range(N)]
    assert matched(classify_column("kid", "varchar", values, engine)) == set()


def test_evidence_is_masked(engine):
    r = rnd(31)
    values = fnrs(r, 20)
    result = classify_column("fnr", "varchar", values, engine, fingerprint=lambda e, v: "fp")
    dumped = json.dumps(result.to_dict())
    assert not any(v in dumped for v in values)
    assert result.entities["NO_FODSELSNUMMER"].examples and result.entities["NO_FODSELSNUMMER"].fingerprints == ["fp"] * 3


def test_street_addresses_by_name_and_shape(engine):
    values = ["Næsssvingen 973", "Hanssenekra 536", "Birkelandtoppen 05", "Øvre Bakke 12B", "Sørensenskrenten 7"] * 20
    assert matched(classify_column("adresse", "varchar", values, engine)) == {"NO_ADDRESS"}
    assert matched(classify_column("produkt", "varchar", ["Modell 300", "Serie 7", "Type 12B"] * 30, engine)) == set()


def test_company_names_in_a_name_column_are_not_people(engine):
    values = ["Rogaland Strøm AS", "Telemark Nett AS", "Fjord Kraft AS", "Agder Energi ASA"] * 25
    assert "PERSON" not in matched(classify_column("navn", "varchar", values, engine))
    assert "PERSON" not in matched(classify_column("leverandornavn", "varchar", values, engine))
