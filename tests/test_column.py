import json
import random
import re

import pytest

from detectors import field_shapes, synthetic
from detectors.column import classify_column
from detectors.recognizers.fodselsnummer import FodselsnummerRecognizer
from detectors.roles import (
    is_role_mailbox,
    network_prefix,
    organisation_account,
    organisation_phone,
)
from scanner.model.masks import mask

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


@pytest.mark.parametrize("name,neighbours,personal", [
    ("kwh", ["malepunkt_id", "tidspunkt"], True),
    ("forbruk_kwh", ["kunde_id", "time"], True),
    ("consumption", ["meter", "hour"], True),
    ("energi", ["husstand", "dato"], True),
    ("kwh", ["fnr", "periode"], True),
    ("kwh", ["navn", "adresse"], True),
    ("forbruk", ["anleggsnr", "dato"], True),
    # a datacentre's, a building's or a machine's consumption: no household behind it
    ("rack_power_kwh", ["rack_id", "datacenter", "ts"], False),
    ("kwh", [], False),
    ("energy", ["bygg", "etasje", "maned"], False),
    ("kwh", ["pdu", "parameter", "site"], False),
    ("avlesning_id", ["malepunkt_id", "forbruk_kwh"], False),  # a reading's key, not a reading
    ("Sammendrag!Sum forbruk kWh", ["Sammendrag!Prisområde", "Sammendrag!Antall kunder"], False),  # totals
    ("maleravlesning_nr", ["kunde_id"], False),
])
def test_consumption_is_personal_only_tied_to_a_household(engine, name, neighbours, personal):
    values = [round(random.Random(i).uniform(0, 9), 3) for i in range(N)]
    result = classify_column(name, "numeric(10,3)", values, engine, neighbours=neighbours)
    assert matched(result) == ({"METER_READING"} if personal else set())


PLACES = ["Oslo", "Bergen", "Trondheim", "Mo i Rana", "Ål", "Stavanger", "Bodø", "Sandvika"] * 8


@pytest.mark.parametrize("name,neighbours,address", [
    ("sted", ["gate", "postnr"], True),
    ("sted", ["gateadresse"], True),
    ("by", ["adresse", "postnummer"], True),
    ("town", ["street", "zip"], True),
    ("adresser[].sted", ["adresser[].gate", "adresser[].postnr"], True),
    ("kunde_sted", ["kunde_adresse", "kunde_postnr"], True),
    ("poststed", [], True),  # says so by its own name
    ("sted", [], False),  # a bare place: a site, a meeting room
    ("sted", ["rom", "tidspunkt"], False),
    ("created_by", ["adresse", "postnr"], False),  # a user, not a town
    ("workplace", ["street", "zip"], False),
])
def test_a_place_beside_street_or_postcode_is_part_of_the_address(engine, name, neighbours, address):
    result = classify_column(name, "varchar", PLACES, engine, neighbours=neighbours)
    assert ("NO_ADDRESS" in matched(result)) == address


ROLES = ["post@firma.no", "faktura@example.no", "support@example.com", "noreply@example.no",
         "no-reply@example.com", "kundeservice@example.no", "post.mottak@kommune.example.no", "Faktura@Example.no",
         # Norwegian compounds of function words, with their endings
         "driftssentral@example.no", "vaktleder@example.no", "kundesenteret@example.no", "itdrift@example.no",
         "backup-alerts@example.com", "salgsleder@example.no", "driftsvarsel@example.no"]
PEOPLE = ["kari.nordmann@example.no", "ola@example.com", "kari.support@example.no", "kunde17@example.no",
          "per.hansen@firma.no", "support.kari@example.no", "nora@example.no", "noa@example.no",
          "heier@example.no", "teame@example.no", "nete@example.no"]


@pytest.mark.parametrize("address", ROLES)
def test_role_mailboxes_are_told_from_people(address):
    assert is_role_mailbox(address)


@pytest.mark.parametrize("address", PEOPLE)
def test_people_are_not_role_mailboxes(address):
    assert not is_role_mailbox(address)


def test_a_long_local_part_is_judged_at_once():
    # compounds split with backtracking: a hostile local part must not take exponential time
    assert not is_role_mailbox("webshop" * 9 + "q@example.no")
    assert not is_role_mailbox("post" * 40 + "@example.no")  # longer than any mailbox's local part


@pytest.mark.parametrize("kind", ["first_names_no", "surnames_no"])
def test_no_name_of_the_gazetteer_is_a_role_mailbox(kind):
    from pathlib import Path

    import detectors

    names = (Path(detectors.__file__).parent / "data" / f"{kind}.txt").read_text().lower().split()
    assert len(names) > 1000
    # "Mediå" (also spelt "Mediaa") is a surname and, spelt out, the press office's mailbox (media@)
    assert set(n for n in names if is_role_mailbox(f"{n}@example.no")) <= {"mediå", "mediaa"}


@pytest.mark.parametrize("name", ["epost", "kontakt", "felt3"])
def test_a_field_of_role_mailboxes_only_is_not_personal(engine, name):
    result = classify_column(name, "varchar", ROLES * 10, engine)
    assert matched(result) == set()
    assert "role mailboxes" in result.entities["EMAIL_ADDRESS"].reasons[-1]


def test_role_mailboxes_beside_people_are_reported_and_counted(engine):
    result = classify_column("epost", "varchar", ROLES * 5 + PEOPLE[:2] * 5, engine)
    assert matched(result) == {"EMAIL_ADDRESS"}
    roles = len(ROLES) * 5
    assert any(f"{roles} of the {roles + 10} values hold only role mailboxes" in r
               for r in result.entities["EMAIL_ADDRESS"].reasons)


@pytest.mark.parametrize("name,values,free_text", [
    ("text", ["Fra: noreply@firma.no\nTil: kari.nordmann@example.no\nEmne: Faktura"] * 3, True),
    ("text", ["Til: kari.nordmann@example.no, kopi: post@firma.no"] * 3, True),
    ("mottakere", ["post@firma.no, ola.hansen@example.no"] * 5, None),
    ("mottakere", ["ola.hansen@example.no; faktura@firma.no"] * 5, None),
])
def test_a_persons_address_beside_a_role_mailbox_is_a_persons(engine, name, values, free_text):
    assert "EMAIL_ADDRESS" in matched(classify_column(name, None, values, engine, free_text=free_text))


def test_role_mailboxes_in_running_text_are_not_a_finding(engine):
    notes = [f"Send spørsmål til {a} så svarer vi innen to dager, hilsen driftsavdelingen" for a in ROLES] * 4
    assert matched(classify_column("merknad", "text", notes, engine)) == set()
    notes.append("Kontakt Kari på kari.nordmann@example.no om avtalen, hun svarer i morgen tidlig")
    assert "EMAIL_ADDRESS" in matched(classify_column("merknad", "text", notes, engine))


ORG_PHONES = [  # (text, whether the number in it is an organisation's)
    ("Nordlys Energi AS · Sentralbord 22 12 34 56 · Org.nr. 923 609 016 MVA", True),
    ("Spørsmål? Ring kundesenteret på 22 12 34 56 eller skriv til oss.", True),
    ("Kundeservice: 22 12 34 56 (hverdager 08–16)", True),
    ("Døgnvakt ved strømbrudd: 22 12 34 56", True),
    ("Nordlys Energi AS, telefon 22 12 34 56, org.nr. 923 609 016", True),
    ("Brukerstøtte nås på +47 22 12 34 56.", True),
    # near misses: the customer's own number, even where a service is named before it
    ("Kunden kan nås på telefon 41 23 45 67.", False),
    ("Kunden ringte kundeservice fra mobil 41 23 45 67 i går.", False),
    ("Ring meg på 41 23 45 67, hilsen Kari", False),
    ("Kontaktperson: Kari Nordmann, tlf. 41 23 45 67", False),
    ("Sentralbordet satte over til Kari.\nHennes nummer er 41 23 45 67.", False),  # another line
    ("Ring kundesenteret på 22 12 34 56, eller saksbehandler Kari på 912 34 567", False),  # the second number
    ("Support: Kari Nordmann 41 23 45 67", False),  # a person at the desk, named between
]


@pytest.mark.parametrize("text,organisation", ORG_PHONES)
def test_an_organisations_phone_number_is_told_by_the_words_before_it(text, organisation):
    digits = list(re.finditer(r"(?:\+47 )?(?:\d\d(?: \d\d){3}|\d{3} \d\d \d{3})", text))[-1]  # the last number
    assert organisation_phone(text, digits.start(), digits.end()) is organisation


def test_an_organisations_phone_numbers_in_running_text_are_not_a_finding(engine):
    notes = [text for text, organisation in ORG_PHONES if organisation] * 3
    result = classify_column("tekst", "text", notes, engine, free_text=True)
    assert "NO_PHONE_NUMBER" not in matched(result)
    assert "an organisation's phone numbers" in result.entities["NO_PHONE_NUMBER"].reasons[-1]
    notes.append("Kunden kan nås på mobil 41 23 45 67 etter klokken fire.")
    assert "NO_PHONE_NUMBER" in matched(classify_column("tekst", "text", notes, engine, free_text=True))


ORG_ACCOUNTS = [  # (text, whether the account number in it is an organisation's)
    ("Betales til konto 1234.56.78903 (Nordlys Energi AS)", True),
    ("Bankkonto 1234 56 78903 · Org.nr. 923 609 016 MVA", True),
    ("Kontonummer 12345678903 tilhører Fjordkraft Nett AS.", True),
    # near misses: a refund to the customer, a customer's account beside the company's name
    ("Tilgodehavende betales til konto 1234.56.78903.", False),
    ("Kunden har konto 1234.56.78903 i Sparebanken Vest ASA.", False),
    ("Refusjon til 1234.56.78903 fra Nordlys Energi AS", False),
    ("Kontonummer: 12345678903", False),
    ("Kari Nordmann, kontonummer 1234.56.78903, ansatt i Nordlys Energi AS", False),
    ("Lønn utbetales til 1234.56.78903 fra Nordlys Energi AS", False),
    ("Konto 1234.56.78903. Kari jobber i en stor bedrift, Vestlandsnett Entreprenør og Service AS", False),
]


@pytest.mark.parametrize("text,organisation", ORG_ACCOUNTS)
def test_an_organisations_account_is_told_by_its_line(text, organisation):
    number = re.search(r"\d{4}[. ]?\d\d[. ]?\d{5}", text)
    assert organisation_account(text, number.start(), number.end()) is organisation


@pytest.mark.parametrize("text,network", [
    ("Trafikk fra 171.34.0.0/16 ble blokkert.", True),
    ("ruten 10.20.0.0/16 via 10.0.0.1", True),
    ("Klienten 171.34.2.9/24 logget inn.", False),  # a host's address written with its prefix
    ("Klienten 171.34.2.9 logget inn.", False),
    ("enkeltvert 10.0.0.7/32", False),
])
def test_a_network_prefix_is_no_ones_address(text, network):
    m = re.search(r"\d+\.\d+\.\d+\.\d+(?:/\d+)?", text)
    assert network_prefix(text, m.start(), m.end()) is network


def _versions(r: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        kind = i % 4
        out.append([f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 40)}",
                    f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 30)}",
                    f"10.0.{r.randint(10000, 22000)}.{r.randint(1, 900)}",
                    f"{r.randint(1, 4)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}"][kind])
    return out


def _addresses(r: random.Random, n: int, private: bool) -> list[str]:
    if private:
        return [f"10.{r.randint(0, 3)}.{r.randint(0, 40)}.{r.randint(1, 254)}" for _ in range(n)]
    return [f"{r.randint(1, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}" for _ in range(n)]


@pytest.mark.parametrize("name,values,ip", [
    ("value", _versions(rnd(1), 200), False),  # versions beside 1.2.3 and 10.0.19041.1
    ("data", [f"{a}.{b}.{c}.{d}" for a, b, c, d in zip(*[range(1, 9)] * 4)] * 10, False),  # small parts only
    ("felt2", ["1.2.3.4", "2.0.0.1", "3.1.4.15", "1.0.0.0", "4.2.0.7"] * 20, False),
    ("value", _addresses(rnd(2), 200, private=True), True),
    ("value", _addresses(rnd(3), 200, private=False), True),
    ("ip", _versions(rnd(4), 200), True),  # the name says addresses: the name wins
    ("address", [f"10.0.{i % 5}.{i % 25 + 1}" for i in range(200)], True),  # a private network's hosts
    ("detail", [f"{11 + i % 200}.{i % 255}.{i * 7 % 255}.{i % 250 + 1}" for i in range(50)] + ["1.5", "2.25"] * 3,
     True),  # decimals are no versions
    ("client", [f"10.0.0.{i % 30 + 1}" for i in range(200)], True),  # a small lab network, named so
    ("upstream_addr", [f"10.1.{i % 3}.{i % 20 + 1}" for i in range(200)], True),
    ("x-forwarded-for", [f"10.0.{i % 3}.{i % 20 + 1}" for i in range(200)], True),
])
def test_a_field_of_versions_is_not_ip_addresses(engine, name, values, ip):
    assert ("IP_ADDRESS" in matched(classify_column(name, "varchar", values, engine))) == ip


def test_urls_are_judged_where_the_identifier_sits(engine):
    r = rnd(5)
    urls = [f"/api/v1/kunde?fnr={synthetic.fodselsnummer(r)}&side=2" if i % 10 == 0
            else f"/api/v1/produkt/{r.randint(1000, 99999)}?side={r.randint(1, 9)}" for i in range(200)]
    assert "NO_FODSELSNUMMER" in matched(classify_column("url", "varchar", urls, engine))
    paths = [f"/api/v2/malepunkt/{synthetic.meter_id(r)}/forbruk" if i % 20 == 0
             else f"/static/app.{r.randint(10**6, 10**7)}.js" for i in range(200)]
    assert matched(classify_column("path", None, paths, engine)) == {"NO_METER_ID"}
    full = [f"https://min.example.no/kunde?epost=kari{i}%40example.no&x=1" if i % 10 == 0
            else f"https://min.example.no/side/{i}" for i in range(100)]
    assert matched(classify_column("referer", None, full, engine)) == {"EMAIL_ADDRESS"}
    plain = [f"/api/v1/ordre/{r.randint(10**10, 10**11 - 1)}/status" for _ in range(300)]
    assert matched(classify_column("path", None, plain, engine)) == set()  # ids, a few valid by chance


def test_chance_matches_in_running_text_are_not_identifiers(engine):
    r = rnd(6)
    jobs = [f"worker ferdig med jobb {r.randint(10**10, 10**11 - 1)} på {r.randint(1, 900)} ms" for _ in range(3000)]
    assert sum(1 for j in jobs if FodselsnummerRecognizer().find(j)) > 5  # the trap is real
    result = classify_column("message", None, jobs, engine, free_text=True)
    assert "NO_FODSELSNUMMER" not in matched(result)
    # real ones among them are found: far more pass than chance gives
    real = jobs[:2000] + [f"ny kunde registrert {synthetic.fodselsnummer(r)} i dag" for _ in range(200)]
    assert "NO_FODSELSNUMMER" in matched(classify_column("message", None, real, engine, free_text=True))
    # and so is one with a context word, however few
    named = jobs + [f"fødselsnummer {synthetic.fodselsnummer(r)} rettet"]
    assert "NO_FODSELSNUMMER" in matched(classify_column("message", None, named, engine, free_text=True))
    # a minority of real ones, well above what chance gives among a thousand numbers
    few = jobs[:990] + [f"ny kunde {synthetic.fodselsnummer(r)} i dag" for _ in range(10)]
    assert "NO_FODSELSNUMMER" in matched(classify_column("message", None, few, engine, free_text=True))
    # an identifier in a written form of its own is no bare number, whatever surrounds it
    dotted = [f"ordre {r.randint(10**10, 10**11 - 1)} betalt" for _ in range(300)]
    dotted += [f"betalt fra {k[:4]}.{k[4:6]}.{k[6:]} i går" for k in (synthetic.kontonummer(r) for _ in range(10))]
    assert "NO_BANK_ACCOUNT" in matched(classify_column("message", None, dotted, engine, free_text=True))


def test_a_mixed_field_reports_its_unmistakable_values(engine):
    r = rnd(7)
    mixed = [[f"kari{i}@example.no", synthetic.phone(r), r.choice(["rød", "blå", "ja", "12"]), "1.2.3.4"][i % 4]
             for i in range(200)]
    assert matched(classify_column("value", None, mixed, engine)) == {"EMAIL_ADDRESS"}
    few = ["ja", "nei", "12", "rød"] * 50 + ["kari@example.no", "ola@example.no"]
    assert matched(classify_column("value", None, few, engine)) == set()  # two are not a column's worth


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


def test_dotted_quads_in_notes_that_write_versions_are_versions(engine):
    r = rnd(8)
    notes = [r.choice([
        f"Oppdatert agenten til {r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 300)}, jobben kjører igjen.",
        f"Kunden kjører {r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 200)} og får feilmelding.",
        f"Ny programvare {r.randint(10, 24)}.{r.randint(0, 9)}.{r.randint(1000, 9000)}.{r.randint(1, 99)} lagt inn.",
        "Møtet 14.05.2024 flyttes, beløp 1.234.567 kroner.",
    ]) for _ in range(200)]
    assert "IP_ADDRESS" not in matched(classify_column("kommentar", "text", notes, engine))
    # addresses in notes, with or without versions beside them, named by the words around them
    with_ips = notes + [f"Klient {r.randint(11, 200)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)} "
                        "fikk ikke kontakt med serveren i dag" for _ in range(20)]
    assert "IP_ADDRESS" in matched(classify_column("kommentar", "text", with_ips, engine))
    mixed = [f"laptop 10.0.{r.randint(0, 30)}.{r.randint(1, 254)} har Windows 10.0.19045.{r.randint(1000, 5000)}"
             for _ in range(50)]
    assert "IP_ADDRESS" in matched(classify_column("kommentar", "text", mixed, engine))  # hosts beside versions
    dates = [f"Møte {r.randint(1, 28)}.{r.randint(1, 12)}.2024 om ruteren {r.randint(11, 200)}.{r.randint(0, 255)}.1.{r.randint(1, 254)} "
             "som har falt ut flere ganger denne uken" for _ in range(50)]
    assert "IP_ADDRESS" in matched(classify_column("kommentar", "text", dates, engine))  # dates are no versions


def test_addresses_in_a_log_that_also_writes_versions_stay_addresses(engine):
    r = rnd(9)
    lines = [r.choice([
        f"Innlogging OK for kunde fra {r.randint(11, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
        f"Treg spørring mot db-osl-02, versjon {r.randint(9, 16)}.{r.randint(0, 4)}.{r.randint(0, 9)}.{r.randint(0, 4000)}",
        "550 5.1.1 mottaker ukjent",
    ]) for _ in range(300)]
    assert "IP_ADDRESS" in matched(classify_column("message", None, lines, engine, free_text=True))


@pytest.mark.parametrize("name,values,ip", [
    ("scope", ["10.20.0.0/16", "10.21.0.0/16", "192.168.10.0/24", "172.16.0.0/12"] * 20, False),  # networks
    ("subnet_ip", ["10.20.0.0/16", "2001:db8::/32"] * 40, False),  # named so or not
    ("ip", [f"10.20.3.{i % 250 + 1}/24" for i in range(80)], True),  # a host's address with its netmask
    ("address", [f"10.20.{i % 9}.{i % 250 + 1}" for i in range(80)] + ["10.20.0.0/16"] * 5, True),
])
def test_networks_are_no_ones_address(engine, name, values, ip):
    assert ("IP_ADDRESS" in matched(classify_column(name, "varchar", values, engine))) == ip


@pytest.mark.parametrize("name,values,person", [
    ("eier", ["Driftssentralen", "Økonomi", "Kundesenteret", "Montørgruppe", "Servicedesk"] * 10, False),
    ("name", ["nettstasjoner"], False),
    ("navn", ["felles", "drift", "backup", "kunde"] * 10, False),  # lower-case labels
    ("kontaktperson", ["Zhang Wei", "Olusegun Adeyemi", "Wojciech Nowak", "Aino Virtanen", "Li Na"] * 10, True),
    ("fornavn", ["Kari", "Ola", "Ingrid", "Per", "Siri", "Jonas"] * 10, True),
    ("etternavn", ["Nordmann", "Hansen", "Berg", "Johansen", "Dahl"] * 10, True),
])
def test_a_name_column_holds_names_of_people(engine, name, values, person):
    assert ("PERSON" in matched(classify_column(name, "varchar", values, engine))) == person


@pytest.mark.parametrize("name,neighbours,values,reading", [
    ("Quantity", ["MeteringPointId", "StartTime", "Unit"], None, True),  # Elhub's hourly values
    ("payload.registers[].value", ["payload.meter.gsrn", "payload.registers[].obis"], None, True),
    ("verdi", ["maalernummer", "tidspunkt"], None, True),
    ("Quantity", ["ProductId", "Price"], None, False),  # an order line's quantity
    ("value", ["malepunkt_id"], ["OK", "FEIL", "OK"] * 20, False),  # a status, not a measure
    ("value_id", ["malepunkt_id"], None, False),
])
def test_measured_values_beside_a_meter_are_readings(engine, name, neighbours, values, reading):
    values = values or [f"{random.Random(i).uniform(0, 9):.3f}" for i in range(N)]
    result = classify_column(name, None, values, engine, neighbours=neighbours)
    assert ("METER_READING" in matched(result)) == reading


@pytest.mark.parametrize("name,values", [
    ("fornavn", ["kari", "ola", "ingrid", "per", "siri", "jonas"] * 10),  # lower case, known names
    ("navn", ["kari nordmann", "ola hansen", "per berg"] * 10),
    ("ETTERNAVN", ["NORDMANN", "HANSEN", "BERG", "DAHL"] * 10),
])
def test_name_columns_in_any_case(engine, name, values):
    assert "PERSON" in matched(classify_column(name, "varchar", values, engine))


def test_a_long_hostile_value_is_no_url_and_costs_little(engine):
    from detectors.field_shapes import is_url

    assert not is_url("/" + "?" * 4094 + " x")
    assert is_url("/api/v1/kunde?fnr=1&side=2") and not is_url("/x") and not is_url("kari@example.no")


def _url_field_as_defined(texts):
    return bool(texts) and sum(map(field_shapes.is_url, texts)) >= field_shapes.URL_SHARE * len(texts)


URL = "/api/kunde?id=1"


@pytest.mark.parametrize("texts", [
    [], [URL], ["plain"], [URL, "plain"], [URL, "plain", "plain"], [URL, URL, "plain"],
    ["/a", URL], ["/a b", URL, URL], ["https://x.no/a", "/a", "/", "x"], [URL] * 5 + ["x"] * 5,
    [URL] * 4 + ["x"] * 5, ["x"] * 5 + [URL] * 5, ["/a/b"] * 3 + ["/c"] * 3, ["//", "/x/", "/?"],
])
def test_url_field_stops_early_with_the_same_answer(texts):
    assert field_shapes.url_field(texts) == _url_field_as_defined(texts)


def test_repeated_values_count_each_time(engine):
    values = ["41234567", "kari@example.no", "41234567", "ikke noe", "41234567", "kari@example.no"]
    r = classify_column("kontakt", "text", values, engine)
    assert (r.entities["NO_PHONE_NUMBER"].hits, r.entities["EMAIL_ADDRESS"].hits) == (3, 2)
    assert r.entities["NO_PHONE_NUMBER"].examples == [mask("NO_PHONE_NUMBER", "41234567")]
    once = classify_column("kontakt", "text", list(dict.fromkeys(values)), engine)
    assert (once.entities["NO_PHONE_NUMBER"].hits, once.entities["EMAIL_ADDRESS"].hits) == (1, 1)


def test_verdicts_keep_the_order_values_met_their_entities(engine):
    # the first line's phone number is a weak match (no context word): not counted in prose, yet
    # its entity is the first the values met, and the verdicts keep that order
    lines = ["ble sendt til kunde 41234567 i går", "Kari Nordmann ringte om fakturaen i går kveld",
             "kari@example.no bekreftet kl 12", "tlf 41234567 ble oppdatert av kundesenteret"] * 3
    found = engine.analyze_values(lines, resolve=True)
    assert any(d.entity_type == "NO_PHONE_NUMBER" and d.score < 0.5 for d in found[0])
    met = list(dict.fromkeys(d.entity_type for per_line in found for d in per_line))
    verdicts = list(classify_column("melding", "text", lines, engine, free_text=True).entities)
    assert verdicts == [e for e in met if e in verdicts] and verdicts[0] == "NO_PHONE_NUMBER"


def _tallies_one_value_at_a_time(texts, found, variants, free_text):
    """The tallies as defined: every occurrence in order, one at a time."""
    from collections import defaultdict

    from detectors import column
    from detectors.field_rules import Tally

    tallies = defaultdict(Tally)
    for text in texts:
        if text not in found and text not in variants:
            continue
        forms = [found.get(form, []) for form in (text, *variants.get(text, ()))]
        for entity, d, padded, strong, unmistakable, digits, length, role, chance, near, synthetic_, mobile in (
                column._contribution(text, forms, free_text)):
            t = tallies[entity]
            if d is None:
                continue
            t.hits += 1
            t.score_sum += d.score
            t.strong += strong
            t.unmistakable += unmistakable
            if digits and len(t.numbers) < column.MAX_NUMBERS:
                t.numbers.append(int(digits))
            if length:
                t.lengths.add(length)
            t.role += role
            t.chance_prone += chance
            t.context += near
            t.synthetic += synthetic_
            t.mobile += mobile
            t.padded += padded
            if len(t.examples) < column.MAX_EXAMPLES and d.text not in t.examples:
                t.examples.append(d.text)
            t.values.add(d.text)
    return tallies


def _mixed(seed, n):
    r = random.Random(seed)
    pool = ([synthetic.phone(r) for _ in range(40)] + [f"tlf {synthetic.phone(r)}" for _ in range(40)]
            + fnrs(r, 60) + [f"kunde{i}@example.no" for i in range(30)] + ["post@example.no", "ikke noe", "12345"])
    return [r.choice(pool) for _ in range(n)]


@pytest.mark.parametrize("texts,free_text", [
    (["41234567", "tlf 41234567", "41234567", "ingenting", "tlf 41234567"] * 7, False),
    (_mixed(1, 400), False),
    (_mixed(2, 3000), False),  # more than MAX_NUMBERS matches: the first ones met are kept
    (_mixed(3, 300), True),
    ([str(int(f)) for f in fnrs(rnd(4), 50) if f.startswith("0")] * 3 + ["1234567890"], False),  # leading zero lost
    ([], False),
])
def test_tallies_per_distinct_value_are_the_tallies_one_value_at_a_time(engine, texts, free_text):
    from detectors import column

    variants = {t: column._variants(t)[1:] for t in dict.fromkeys(texts) if len(t) == 10 and t.isdigit()}
    found = engine.detections_by_text(texts + [v for vs in variants.values() for v in vs], resolve=free_text)
    got = column._tallies(texts, found, variants, free_text)
    want = _tallies_one_value_at_a_time(texts, found, variants, free_text)
    assert list(got) == list(want) and got == want  # the same floats, numbers in the same order
    if len(texts) > 100:
        assert any(len({d.score for ds in found.values() for d in ds if d.entity_type == e}) > 1 for e in got)


@pytest.mark.parametrize("texts", [
    ["x", "x", URL, URL, URL], ["x", "x", "x", URL, URL], [URL, "x", URL, "x", "x"],
    ["/a", "/a", "/a", "x", "x", "x", "x"], ["/a b"] * 3 + [URL] * 3, [URL] * 3 + ["/a b"] * 4,
])
def test_url_field_counts_repeated_values_as_often_as_they_occur(texts):
    assert field_shapes.url_field(texts) == _url_field_as_defined(texts)


def test_a_word_that_starts_with_no_part_is_no_compound(monkeypatch):
    """The first-two-letters test rules out only words the full splitting would rule out: role
    words and unit parts joined, with endings and links, and names and near misses."""
    import random

    from detectors import roles

    rnd = random.Random(3)
    parts = sorted(roles._PARTS)
    words = [rnd.choice(parts) + rnd.choice(roles._LINKS) + rnd.choice(parts) + rnd.choice(roles._ENDINGS)
             for _ in range(3000)]
    words += [w[1:] for w in words[:500]] + [w[:-1] for w in words[:500]] + parts
    words += ["kari", "nordmann", "olahansen", "k", "", "ts", "kundes", "x" + parts[0], "æøå", "sentralen"]

    class Everything:
        def __contains__(self, item):
            return True

    def answers():
        roles._compound.cache_clear()
        roles._parts.cache_clear()
        return [roles._compound(w) for w in words]

    quick = answers()
    monkeypatch.setattr(roles, "_STARTS", Everything())
    assert answers() == quick
    assert sum(quick) > 1000 and not all(quick)
    roles._compound.cache_clear()
