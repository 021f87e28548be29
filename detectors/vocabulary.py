"""Column-name vocabulary: what a field's name says about its contents.

Names are normalised (lower case, æ→ae, ø→o, å→a, oe→o, aa→a, separators and camelCase split)
so `Fødselsnr`, `foedsels_nr`, `FODSELSNR` and `fodselsNr` read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_CAMEL = re.compile(r"(?<=[a-zæøå0-9])(?=[A-ZÆØÅ])")
_SPLIT = re.compile(r"[^a-z0-9]+")

# Entity type -> names (normalised, no separators). Longer keys win over keys they contain:
# `ipadresse` is an IP address, not a postal address; `brukernavn` is not a person's name.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "NO_FODSELSNUMMER": (
        "fnr", "fodselsnr", "fodselsnummer", "personnr", "personnummer", "pnr", "persnr", "ident",
        "personident", "nin", "ssn", "dnr", "dnummer", "fnummer", "birthnumber", "nationalid",
        "nationalidentitynumber", "socialsecuritynumber", "folkeregisterident",
    ),
    "PERSON": (
        "navn", "fornavn", "mellomnavn", "etternavn", "fulltnavn", "kundenavn", "kontaktperson",
        "name", "firstname", "lastname", "surname", "fullname", "givenname", "familyname",
        "middlename", "contactperson", "customername", "personnavn", "eiernavn", "mottaker", "eier",
        "displayname", "contactname",
    ),
    "NO_ADDRESS": (
        "adresse", "gateadresse", "gatenavn", "husnr", "husnummer", "postnr", "postnummer",
        "poststed", "postboks", "zip", "zipcode", "postcode", "postalcode", "city", "street",
        "address", "addr", "adr", "gate", "leveringsadresse", "fakturaadresse", "bosted", "streetaddress",
        "kommune", "postal",
    ),
    "NO_PHONE_NUMBER": (
        "tlf", "tlfnr", "telefon", "telefonnr", "telefonnummer", "mobil", "mobilnr", "mobilnummer",
        "mobiltelefon", "phone", "phonenumber", "msisdn", "cellphone", "mobile", "tel", "telephone",
        "mob", "mobnr", "tlfnummer",
    ),
    "EMAIL_ADDRESS": (
        "epost", "epostadresse", "email", "emailaddress", "mail", "mailadresse", "emailadresse",
    ),
    "NO_BANK_ACCOUNT": (
        "kontonr", "kontonummer", "bankkonto", "bankkontonr", "bankkontonummer", "accountnumber",
        "bankaccount", "bankaccountnumber", "utbetalingskonto", "konto",
    ),
    "IBAN_CODE": ("iban",),
    "CREDIT_CARD": ("kortnr", "kortnummer", "pan", "cardnumber", "creditcard", "betalingskort"),
    "NO_ORGANIZATION_NUMBER": (
        "orgnr", "orgnummer", "organisasjonsnummer", "organisasjonsnr", "foretaksnr",
        "foretaksnummer", "mvanr", "vatnumber", "organizationnumber",
    ),
    "NO_METER_ID": (
        "malepunkt", "malepunktid", "malepunktnr", "meteringpointid", "meteringpoint", "mpid",
        "gsrn", "anleggsnr", "anleggsnummer", "anleggsid", "anleggid", "malepunktnummer",
    ),
    "NO_METER_SERIAL": (
        "malernummer", "malernr", "malerid", "meterid", "meterserial", "meterserialnumber",
        "malerserienr", "malerserienummer", "amsmaler", "meterno", "meternumber",
    ),
    "METER_READING": (
        "forbruk", "kwh", "timeforbruk", "maleverdi", "maleravlesning", "avlesning", "effekt",
        "consumption", "meterreading", "energy", "energi", "kw", "wh", "mwh", "timeverdi",
    ),
    "IP_ADDRESS": (
        "ip", "ipadresse", "ipaddress", "ipaddr", "klientip", "clientip", "remoteaddr", "remoteip",
        "sourceip", "srcip", "dstip", "hostip",
    ),
}

# Names that say "not personal data" and outrank a shorter personal key they contain.
NEGATIVE: tuple[str, ...] = (
    "kid", "kidnr", "kidnummer", "ordrenr", "ordrenummer", "ordre", "order", "orderid",
    "ordernumber", "ordernr", "fakturanr", "fakturanummer", "invoice", "invoicenumber",
    "versjon", "version", "sku", "hash", "checksum", "sjekksum", "uuid", "guid", "tidsstempel",
    "timestamp", "sekvens", "sequence", "seq", "antall", "count", "belop", "amount", "pris",
    "price", "artikkelnr", "produktnr", "lopenr", "serienr", "serienummer", "serial",
    "brukernavn", "username", "hostname", "vertsnavn", "filnavn", "filename", "tabellnavn",
    "tablename", "servicenavn", "servicename", "produktnavn", "productname", "firmanavn",
    "companyname", "selskapsnavn", "bedriftsnavn", "dbname", "schemaname", "kolonnenavn",
    "columnname", "mailserver", "mailhost", "transaksjonsid", "transactionid", "referanse",
    "reference", "saksnr", "saksnummer", "ticket", "batch", "jobid", "requestid",
    "leverandor", "leverandornavn", "supplier", "vendor", "firma", "selskap", "bedrift",
    "organisasjon", "organisasjonsnavn", "produkt", "vare", "varenavn", "kategori",
    # software versions, which a dotted quad (10.2.3.4) in them is, not an IP address
    "firmware", "fw", "build", "release", "revisjon", "revision",
)

# Short keys match only as a whole token or after one of these qualifiers (`kundefnr`,
# `kontakttlf`): as bare substrings they would fire inside unrelated words (`japan`, `zipfile`).
QUALIFIERS = (
    "kunde", "kontakt", "contact", "customer", "client", "klient", "bruker", "user", "ansatt", "employee",
    "person", "eier", "owner", "privat", "mobil", "jobb", "hjem", "home", "work", "primary",
    "sekundaer", "secondary", "faktura", "billing", "remote", "source", "src", "dst", "host",
)
SHORT = 3
# Keys that are everyday words or parts of them (`kontor`, `delegate`, `kommunenr`,
# `regnskapskonto`): like short keys, they count only as a whole token or after a qualifier.
WHOLE_WORD = {"konto", "gate", "eier", "kommune", "mobil", "navn", "name", "mail", "build"}

_KEYS: dict[str, str] = {k: e for e, keys in VOCABULARY.items() for k in keys}
_KEYS.update({k: "NEGATIVE" for k in NEGATIVE})


def normalise(name: str) -> str:
    name = _CAMEL.sub("_", name).lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("oe", "o"), ("aa", "a")):
        name = name.replace(a, b)
    return name


def tokens(name: str) -> list[str]:
    return [t for t in _SPLIT.split(normalise(name)) if t]


def context_words(name: str) -> list[str]:
    """The column name as context words for recognizers: its tokens and its joined form.

    None for a name that says "not personal" (`betaling_kid`, `ordrenr`): its other words must
    not lift weak matches (`betaling` would make 11-digit KIDs kontonumre).
    """
    h = hint(name)
    if h.negative and not h.entities:
        return []
    parts = tokens(name)
    joined = "".join(parts)
    return parts + ([joined] if joined and joined not in parts else [])


@dataclass(frozen=True)
class NameHint:
    entities: frozenset[str] = frozenset()
    negative: bool = False
    keys: tuple[str, ...] = field(default=())

    def supports(self, entity_type: str) -> bool:
        return entity_type in self.entities


def _matches(key: str, parts: list[str], joined: str) -> bool:
    if key in parts or key == joined:
        return True
    if len(key) <= SHORT or key in WHOLE_WORD:
        return any(joined == q + key or joined == key + q for q in QUALIFIERS)
    return key in joined


@lru_cache(maxsize=4096)  # every column is asked, and estates repeat their column names
def hint(name: str) -> NameHint:
    parts = tokens(name)
    joined = "".join(parts)
    found = [k for k in _KEYS if _matches(k, parts, joined)]
    # A key inside a longer matching key says less than the longer one.
    found = [k for k in found if not any(k != o and k in o for o in found)]
    entities = frozenset(_KEYS[k] for k in found if _KEYS[k] != "NEGATIVE")
    negative = any(_KEYS[k] == "NEGATIVE" for k in found)
    return NameHint(entities, negative, tuple(sorted(found)))


def postal_code_key(name: str) -> bool:
    h = hint(name)
    return any(k in ("postnr", "postnummer", "zip", "zipcode", "postcode", "postalcode") for k in h.keys)


def place_key(name: str) -> bool:
    return any(k in ("poststed", "city", "bosted", "kommune") for k in hint(name).keys)


def street_key(name: str) -> bool:
    return any("adresse" in k or k in ("street", "address", "addr", "streetaddress") for k in hint(name).keys)
