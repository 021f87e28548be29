import pytest

from detectors.vocabulary import hint


@pytest.mark.parametrize(
    "name,entity",
    [
        ("fnr", "NO_FODSELSNUMMER"), ("Fødselsnr", "NO_FODSELSNUMMER"), ("foedsels_nr", "NO_FODSELSNUMMER"),
        ("FODSELSNUMMER", "NO_FODSELSNUMMER"), ("kundeFnr", "NO_FODSELSNUMMER"), ("personnr", "NO_FODSELSNUMMER"),
        ("navn", "PERSON"), ("fornavn", "PERSON"), ("EtterNavn", "PERSON"), ("first_name", "PERSON"),
        ("adresse", "NO_ADDRESS"), ("postnr", "NO_ADDRESS"), ("poststed", "NO_ADDRESS"),
        ("tlf", "NO_PHONE_NUMBER"), ("kontakt_tlf", "NO_PHONE_NUMBER"), ("mobil", "NO_PHONE_NUMBER"),
        ("customerPhone", "NO_PHONE_NUMBER"), ("epost", "EMAIL_ADDRESS"), ("e_post", "EMAIL_ADDRESS"),
        ("epostadresse", "EMAIL_ADDRESS"), ("kontonr", "NO_BANK_ACCOUNT"), ("iban", "IBAN_CODE"),
        ("orgnr", "NO_ORGANIZATION_NUMBER"), ("malepunkt_id", "NO_METER_ID"), ("MålepunktID", "NO_METER_ID"),
        ("maalepunkt", "NO_METER_ID"), ("maalernr", "NO_METER_SERIAL"), ("kwh", "METER_READING"),
        ("forbruk", "METER_READING"), ("ip", "IP_ADDRESS"), ("klient_ip", "IP_ADDRESS"),
        ("remote_addr", "IP_ADDRESS"), ("ipadresse", "IP_ADDRESS"),
        ("mob", "NO_PHONE_NUMBER"), ("privattlf", "NO_PHONE_NUMBER"), ("e_mail", "EMAIL_ADDRESS"),
        ("f_nr", "NO_FODSELSNUMMER"), ("pers_nr", "NO_FODSELSNUMMER"), ("kunde_kommune", "NO_ADDRESS"),
        ("konto", "NO_BANK_ACCOUNT"), ("anlegg_id", "NO_METER_ID"), ("MålerSerienummer", "NO_METER_SERIAL"),
        ("timeverdi", "METER_READING"), ("bruker_ip", "IP_ADDRESS"),
    ],
)
def test_names_hint_entities(name, entity):
    assert entity in hint(name).entities


@pytest.mark.parametrize(
    "name,not_entity",
    [
        ("ipadresse", "NO_ADDRESS"),  # the longer key wins
        ("epostadresse", "NO_ADDRESS"),
        ("brukernavn", "PERSON"),
        ("hostname", "PERSON"),
        ("firmanavn", "PERSON"),
        ("japan", "CREDIT_CARD"),  # 'pan' only as a token or after a qualifier
        ("zipfile", "NO_ADDRESS"),
        ("kontor", "NO_BANK_ACCOUNT"),  # everyday words that contain a key
        ("regnskapskonto", "NO_BANK_ACCOUNT"),
        ("delegate", "NO_ADDRESS"),
        ("kommunenr", "NO_ADDRESS"),
        ("kid", "NO_BANK_ACCOUNT"),
        ("id", "NO_FODSELSNUMMER"),
    ],
)
def test_names_that_do_not_hint(name, not_entity):
    assert not_entity not in hint(name).entities


@pytest.mark.parametrize("name", ["kid", "KID_nr", "ordrenr", "order_id", "fakturanr", "versjon", "uuid", "serienr"])
def test_negative_names(name):
    assert hint(name).negative


@pytest.mark.parametrize("name,words", [("kunde_tlf", ["kunde", "tlf", "kundetlf"]), ("betaling_kid", []), ("ordrenr", [])])
def test_context_words(name, words):
    from detectors.vocabulary import context_words

    assert context_words(name) == words
