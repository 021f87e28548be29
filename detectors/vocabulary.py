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
        "sourceip", "srcip", "dstip", "hostip", "xforwardedfor", "forwardedfor", "xrealip", "realip",
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


# Place words that name an address's town only beside a street or postcode field (a bare
# `sted` may be any place). Short or everyday ones (`by`, `place`) only as the whole name:
# `created_by` is a user, `workplace` no town.
_PLACE_TOKENS = frozenset({"sted", "poststed", "town", "city", "locality", "tettsted", "posttown", "stad"})
_PLACE_NAMES = frozenset({"by", "bynavn", "stedsnavn", "place", "ort", "bosted", "kommune"})


def place_word(name: str) -> bool:
    """Whether a field's own name (a JSON path's last part) says it holds a town or place."""
    parts = tokens(name.rpartition(".")[2])
    return bool(parts) and (parts[-1] in _PLACE_TOKENS or "".join(parts) in _PLACE_NAMES)


# What ties a consumption figure to a household: a meter, a customer, a person or an address.
_HOUSEHOLD_ENTITIES = frozenset({"NO_METER_ID", "NO_METER_SERIAL", "NO_FODSELSNUMMER", "PERSON", "NO_ADDRESS"})


def links_to_household(name: str) -> bool:
    """Whether a neighbouring field ties a table's readings to a meter, customer or household."""
    h = hint(name)
    if h.negative:  # a count or an amount of customers (`antall_kunder`) ties no reading to one
        return False
    return bool(h.entities & _HOUSEHOLD_ENTITIES) or names_a_person_key(name)


_ID_TOKENS = frozenset({"id", "nr", "no", "nummer", "number", "key", "ref", "uuid", "guid", "seq", "pk", "fk"})


def names_a_key(name: str) -> bool:
    """Whether a field's name says it holds a key of the thing it names (`avlesning_id`,
    `reading_no`), not the thing: a reading's id is no reading."""
    parts = tokens(name.rpartition(".")[2])
    return len(parts) > 1 and parts[-1] in _ID_TOKENS


_NETWORK_TOKENS = frozenset({"client", "klient", "remote", "peer", "source", "src", "dst", "dest", "destination",
                             "host", "server", "gateway", "gw", "addr", "nat", "forwarded", "upstream", "proxy"})


def network_word(name: str) -> bool:
    """Whether a field's name speaks of a network end (`client`, `upstream`, `peer_addr`): its
    dotted quads are addresses, however small their numbers."""
    return bool(_NETWORK_TOKENS & set(tokens(name)))


_GEO_TOKENS = frozenset({"lat", "lon", "lng", "latitude", "longitude", "breddegrad", "lengdegrad", "utm", "utme",
                         "utmn", "epsg", "srid", "koordinat", "koordinater", "coordinate", "coordinates", "coord",
                         "coords", "gps", "geom", "geometry", "wkt", "geojson", "posisjon"})


def geo_word(name: str) -> bool:
    """Whether a field places its row on a map (latitude, UTM, EPSG, a GeoJSON geometry)."""
    return bool(_GEO_TOKENS & set(tokens(name)))


# Words of a field that names a person, a household or what a person holds, or their key
# (`kunde_id`, `ansattnr`, `customerId`, `anlegg_id`, `contract`, `meter`). Stems of five letters
# or more also lead a compound (`kundenr`); shorter ones only as a word of their own (`elev`
# is a pupil, `elevation` is not).
_PERSON_KEY_STEMS = frozenset({
    "kunde", "customer", "ansatt", "employee", "abonnent", "abonnement", "subscriber", "subscription",
    "husstand", "household", "husholdning", "beboer", "resident", "person", "pasient", "patient",
    "medlem", "member", "elev", "student", "klient", "client", "forbruker", "consumer", "leietaker",
    "tenant", "bolig", "residence", "leilighet", "boenhet", "anlegg", "installasjon", "installation",
    "avtale", "contract", "account", "bruker", "user", "malepunkt", "meterpoint", "meteringpoint",
    "meter", "maler", "owner", "eier",
})


def names_a_person_key(name: str) -> bool:
    """Whether a field names a person, a household or what one holds, or its key."""
    return any(p in _PERSON_KEY_STEMS or any(p.startswith(s) for s in _PERSON_KEY_STEMS if len(s) >= 5)
               for p in tokens(name))


_KEY_NAMES = frozenset({"id", "nr", "no", "pk", "uuid", "guid", "key", "ref", "objectid", "fid", "gid"})


def names_only_a_key(name: str) -> bool:
    """Whether a field is a row's key by its name (`id`, `ns_nr`, `objectid`), saying nothing of the row."""
    parts = tokens(name.rpartition(".")[2])
    return (len(parts) == 1 and parts[0] in _KEY_NAMES) or names_a_key(name)


_MEASURE_TOKENS = frozenset({"quantity", "qty", "value", "verdi", "mengde", "volum", "volume", "reading", "readings",
                             "measurement", "measured", "maling", "malt", "avlest", "register"})


def measure_word(name: str) -> bool:
    """Whether a field's own name (a path's last part) is a generic word for a measured amount."""
    parts = tokens(name.rpartition(".")[2])
    return bool(parts) and parts[-1] in _MEASURE_TOKENS


def is_key(name: str) -> bool:
    """Whether a name, normalised and joined, is one of the vocabulary's own keys."""
    return "".join(tokens(name)) in _KEYS
