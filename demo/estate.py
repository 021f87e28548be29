"""The demo estate: the customer system of a fictional Norwegian electricity utility, generated.

Every value is generated from a seed at run time: fødselsnumre are Tenor test numbers (month + 80,
issued to no one), account numbers, meter IDs, serials, cards and IBANs get valid check digits from
`detectors.synthetic`, names and streets come from Faker's Norwegian locale (or a short list when
Faker is not installed), e-mail addresses use example domains.

`EXPECTED` says what a correct scanner reports per column (JSON columns per field path, in the
crawler's notation `payload.kunde.telefon`, list items as `name[]`). Hard negatives (random order
numbers, 8-digit serials, KIDs, version strings, company names) expect nothing.

    python -m scanner.estate sqlite:///demo-out/estate.db --rows 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import cycle, islice

import sqlalchemy as sa
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from stdnum import luhn

from detectors import synthetic

FNR, PERSON, ADDRESS, PHONE, EMAIL = "NO_FODSELSNUMMER", "PERSON", "NO_ADDRESS", "NO_PHONE_NUMBER", "EMAIL_ADDRESS"
BANK, IBAN, METER_ID, METER_SERIAL = "NO_BANK_ACCOUNT", "IBAN_CODE", "NO_METER_ID", "NO_METER_SERIAL"
READING, IP, ORGNR, CARD = "METER_READING", "IP_ADDRESS", "NO_ORGANIZATION_NUMBER", "CREDIT_CARD"

ARCHIVE_TABLE = "kunde_historikk"  # the table that goes into the second schema
EMPTY_TABLE = "kunde_arkiv"
BATCH = 2000
START = dt.datetime(2025, 1, 1)


# -- schema -----------------------------------------------------------------------------------
def build_metadata(schema: str | None = None) -> MetaData:
    """All tables; `schema` names the second schema for the archive table (None: default schema)."""
    md = MetaData()
    Table("kunde", md,
          Column("kunde_id", BigInteger, primary_key=True, autoincrement=False),
          Column("fnr", String(11)), Column("navn", String(100)), Column("adresse", String(100)),
          Column("postnr", String(4)), Column("poststed", String(50)), Column("tlf", String(20)),
          Column("epost", String(120)), Column("kontonr", String(11)), Column("created_at", DateTime))
    Table("customer_contact", md,
          Column("contact_id", BigInteger, primary_key=True, autoincrement=False),
          Column("customer_id", BigInteger, ForeignKey("kunde.kunde_id")),
          Column("first_name", String(60)), Column("last_name", String(60)), Column("phone", BigInteger),
          Column("email", String(120)), Column("national_id", BigInteger))
    Table("maalepunkt", md,
          Column("malepunkt_id", String(18), primary_key=True),
          Column("kunde_id", BigInteger, ForeignKey("kunde.kunde_id")), Column("anleggsadresse", String(150)))
    Table("maaler", md,
          Column("maalernr", String(16), primary_key=True),
          Column("malepunkt_id", String(18), ForeignKey("maalepunkt.malepunkt_id")), Column("modell", String(40)))
    Table("maaleverdi", md,
          Column("malepunkt_id", String(18), ForeignKey("maalepunkt.malepunkt_id"), primary_key=True),
          Column("tidspunkt", DateTime, primary_key=True), Column("kwh", Numeric(10, 3)))
    Table("faktura", md,
          Column("fakturanr", BigInteger, primary_key=True, autoincrement=False),
          Column("kunde_id", BigInteger, ForeignKey("kunde.kunde_id")), Column("kid", String(25)),
          Column("belop", Numeric(12, 2)), Column("forfallsdato", DateTime), Column("kontonr", String(13)),
          Column("iban", String(20)), Column("kortnr", String(19), nullable=True))
    Table("henvendelse", md,
          Column("henvendelse_id", BigInteger, primary_key=True, autoincrement=False),
          Column("kunde_id", BigInteger, ForeignKey("kunde.kunde_id")), Column("opprettet", DateTime),
          Column("kanal", String(20)), Column("notat", Text))
    Table("ordre", md,
          Column("ordrenr", BigInteger, primary_key=True, autoincrement=False),
          Column("kunde_id", BigInteger, ForeignKey("kunde.kunde_id")), Column("produkt", String(40)),
          Column("serienr", Integer), Column("versjon", String(20)), Column("bestilt", DateTime))
    Table("leverandor", md,
          Column("leverandor_id", BigInteger, primary_key=True, autoincrement=False),
          Column("orgnr", String(20)), Column("navn", String(100)))
    Table("innlogging", md,
          Column("innlogging_id", BigInteger, primary_key=True, autoincrement=False),
          Column("kunde_id", BigInteger, ForeignKey("kunde.kunde_id")), Column("ip", String(45)),
          Column("user_agent", String(300)), Column("tidspunkt", DateTime))
    Table("hendelse", md,
          Column("hendelse_id", BigInteger, primary_key=True, autoincrement=False),
          Column("type", String(40)), Column("opprettet", DateTime), Column("payload", JSON))
    Table("vedlegg", md,
          Column("vedlegg_id", BigInteger, primary_key=True, autoincrement=False),
          Column("kunde_id", BigInteger, ForeignKey("kunde.kunde_id")), Column("filnavn", String(100)),
          Column("mimetype", String(50)), Column("innhold", LargeBinary))
    # Names a crawler must quote: a space, a quote, mixed case, a non-ASCII letter.
    Table("Avtale 2024", md,
          Column("AvtaleID", BigInteger, primary_key=True, autoincrement=False),
          Column("KundeNavn", String(100)), Column("Fødselsnr", String(11)), Column("kunde's mobil", String(20)),
          Column("Avtaletype", String(40)), Column("Signert", DateTime))
    Table("MaalerBytte", md,
          Column("BytteID", BigInteger, primary_key=True, autoincrement=False),
          Column("MalepunktID", String(18)), Column("GammeltMaalernr", String(16)),
          Column("NyttMaalernr", String(16)), Column("ByttetDato", DateTime))
    Table(ARCHIVE_TABLE, md,
          Column("kunde_id", BigInteger, primary_key=True, autoincrement=False),
          Column("fnr", String(11)), Column("navn", String(100)), Column("adresse", String(150)),
          Column("slettet", DateTime), schema=schema)
    Table(EMPTY_TABLE, md,
          Column("kunde_id", BigInteger, primary_key=True, autoincrement=False),
          Column("fnr", String(11)), Column("navn", String(100)))
    return md


# -- what a correct scanner reports ------------------------------------------------------------
_POSITIVE: dict[str, dict[str, set[str]]] = {
    "kunde": {"fnr": {FNR}, "navn": {PERSON}, "adresse": {ADDRESS}, "postnr": {ADDRESS}, "poststed": {ADDRESS},
              "tlf": {PHONE}, "epost": {EMAIL}, "kontonr": {BANK}},
    "customer_contact": {"first_name": {PERSON}, "last_name": {PERSON}, "phone": {PHONE}, "email": {EMAIL},
                         "national_id": {FNR}},
    "maalepunkt": {"malepunkt_id": {METER_ID}, "anleggsadresse": {ADDRESS}},
    "maaler": {"maalernr": {METER_SERIAL}, "malepunkt_id": {METER_ID}},
    "maaleverdi": {"malepunkt_id": {METER_ID}, "kwh": {READING}},
    "faktura": {"kontonr": {BANK}, "iban": {IBAN}, "kortnr": {CARD}},
    "henvendelse": {"notat": {FNR, PERSON, PHONE, EMAIL}},
    "leverandor": {"orgnr": {ORGNR}},
    "innlogging": {"ip": {IP}},
    "hendelse": {"payload.kunde.telefon": {PHONE}, "payload.kunde.epost": {EMAIL},
                 "payload.maalepunkter[]": {METER_ID}, "payload.kunde.kundenr": set(), "payload.status": set()},
    "Avtale 2024": {"KundeNavn": {PERSON}, "Fødselsnr": {FNR}, "kunde's mobil": {PHONE}},
    "MaalerBytte": {"MalepunktID": {METER_ID}, "GammeltMaalernr": {METER_SERIAL}, "NyttMaalernr": {METER_SERIAL}},
    ARCHIVE_TABLE: {"fnr": {FNR}, "navn": {PERSON}, "adresse": {ADDRESS}},
}


def _expected() -> dict[tuple[str, str], frozenset[str]]:
    out = {}
    for table in build_metadata().tables.values():
        if table.name == EMPTY_TABLE:  # no values to judge
            continue
        positive = _POSITIVE.get(table.name, {})
        for column in table.columns:
            if not isinstance(column.type, JSON):
                out[(table.name, column.name)] = frozenset(positive.get(column.name, ()))
        for path, types in positive.items():
            if "." in path:
                out[(table.name, path)] = frozenset(types)
    return out


# (table, column or JSON field path) -> entity types; tables by bare name, whatever their schema.
EXPECTED: dict[tuple[str, str], frozenset[str]] = _expected()


# -- generators ---------------------------------------------------------------------------------


def kid(rnd: random.Random) -> str:
    """A KID payment reference, half MOD10 (Luhn), half MOD11 (`-` for a remainder of 10)."""
    body = "".join(str(rnd.randint(0, 9)) for _ in range(rnd.randint(7, 14)))
    if rnd.random() < 0.5:
        return body + luhn.calc_check_digit(body)
    total = sum(int(d) * w for d, w in zip(reversed(body), cycle(range(2, 8))))
    check = (11 - total % 11) % 11
    return body + ("-" if check == 10 else str(check))


_FIRST = ["Kari", "Ola", "Ingrid", "Lars", "Anne-Lise", "Per Olav", "Aisha", "Mohammed", "Solveig", "Eirik",
          "Tuva", "Vebjørn", "Marit", "Jonas", "Thanh", "Piotr"]
_LAST = ["Nordmann", "Hansen", "Johansen", "Bråten", "Aasheim", "Fossum", "Tveit", "Nowak", "Tran", "Haugland",
         "Øverland", "Berg", "Lie", "Dahl", "Strand", "Myrvold"]
_STREETS = ["Storgata", "Kirkeveien", "Dronningens gate", "Strandveien", "Skolegata", "Løkkeveien", "Fjellvegen",
            "Sjøgata", "Torggata", "Havnegata", "Solbakken", "Bjørkelia"]
_PLACES = [  # Faker's Norwegian towns are made from surnames; a postnummer wants its real poststed
    ("0150", "OSLO"), ("0468", "OSLO"), ("5003", "BERGEN"), ("7010", "TRONDHEIM"), ("4006", "STAVANGER"),
    ("9008", "TROMSØ"), ("8006", "BODØ"), ("3015", "DRAMMEN"), ("4610", "KRISTIANSAND S"), ("6002", "ÅLESUND"),
    ("2317", "HAMAR"), ("1606", "FREDRIKSTAD"), ("3211", "SANDEFJORD"), ("1530", "MOSS"), ("2609", "LILLEHAMMER"),
    ("6413", "MOLDE"), ("9515", "ALTA"), ("8514", "NARVIK"), ("1337", "SANDVIKA"), ("2000", "LILLESTRØM"),
]
_REGIONS = ["Vestland", "Nordland", "Innlandet", "Agder", "Trøndelag", "Finnmark", "Rogaland", "Telemark", "Fjord"]
_DOMAINS = ["example.no", "example.com", "epost.example.no", "kunde.example.net"]
_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "MinSide/4.2.1 (Android 14; Pixel 8)",
]
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "é": "e", " ": ".", "-": "."})


@dataclass(frozen=True)
class Person:
    fnr: str
    first: str
    last: str
    street: str  # "Storgata 12B"
    postnr: str
    poststed: str
    tlf: str  # as typed: "412 34 567", "+4741234567", …
    email: str
    kontonr: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def phone_digits(self) -> str:
        return re.sub(r"\D", "", self.tlf)[-8:]

    @property
    def full_address(self) -> str:
        return f"{self.street}, {self.postnr} {self.poststed}"


def _people(count: int, seed: int) -> list[Person]:
    rnd = random.Random(f"{seed}:people")
    try:
        from faker import Faker
    except ImportError:
        fake = None
    else:
        fake = Faker("no_NO")  # Faker's Norwegian Bokmål; it has no "nb_NO"
        fake.seed_instance(seed)
    people = []
    for i in range(count):
        if fake:
            first, last, street = fake.first_name(), fake.last_name(), fake.street_address()
        else:
            first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
            street = f"{rnd.choice(_STREETS)} {rnd.randint(1, 150)}{rnd.choice(['', '', 'A', 'B', 'C'])}"
        postnr, poststed = rnd.choice(_PLACES)
        local = re.sub(r"[^a-z0-9.]", "", f"{first}.{last}".lower().translate(_ASCII))
        people.append(Person(
            fnr=synthetic.fodselsnummer(rnd), first=first, last=last, street=street, postnr=postnr, poststed=poststed,
            tlf=synthetic.phone(rnd), email=f"{local}{i % 97}@{rnd.choice(_DOMAINS)}",
            kontonr=synthetic.kontonummer(rnd),
        ))
    return people


def _unique(make, rnd: random.Random, count: int) -> list[str]:
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(make(rnd))
    return list(seen)


_CLEAN_NOTES = [
    "Kunden ringte om fakturaen for {month}. Forklarte nettleie og forbruksavgift.",
    "Spørsmål om strømstøtte. Sendt lenke til informasjonssiden.",
    "Måleren viser feilkode i displayet. Montør bestilt.",
    "Ønsker å bytte til fastpris fra neste måned. Avtale sendt.",
    "Ingen svar på telefon, prøver igjen i morgen.",
]
_PLANTED_NOTES = [
    "Kunde {name} (fnr {fnr}) ringte om flytting. Ny adresse registrert.",
    "Ring tilbake på {tlf} etter kl. 16.",
    "Kunden ba om kopi av faktura til {email}.",
    "{name} vil ha faktura på e-post {email}, tlf {tlf}.",
    "Fødselsnummer {fnr} oppgitt ved ID-kontroll, {name} bekreftet.",
]
_MONTHS = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober"]


class _Estate:
    """Rows per table; every table draws from its own Random so tables do not shift each other.

    The same seed and row count give the same estate (for a given Faker version)."""

    def __init__(self, rows: int, seed: int):
        self.rows, self.seed = rows, seed
        self.people = _people(rows, seed)
        self.points = _unique(synthetic.meter_id, self._rnd("points"), rows)
        self.serials = _unique(synthetic.meter_serial, self._rnd("serials"), rows * 2)

    def _rnd(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def rows_for(self, table: str) -> Iterator[dict]:
        if table == EMPTY_TABLE:
            return iter(())
        method = "rows_" + re.sub(r"\W", "_", table.lower())  # "Avtale 2024" -> rows_avtale_2024
        return getattr(self, method)(self._rnd(table))

    def rows_kunde(self, rnd):
        for i, p in enumerate(self.people):
            yield {"kunde_id": i + 1, "fnr": p.fnr, "navn": p.name, "adresse": p.street, "postnr": p.postnr,
                   "poststed": p.poststed, "tlf": p.tlf, "epost": p.email, "kontonr": p.kontonr,
                   "created_at": START - dt.timedelta(days=rnd.randint(0, 3650), seconds=rnd.randint(0, 86399))}

    def rows_customer_contact(self, rnd):
        for i, p in enumerate(self.people):
            # integers drop the leading zero of fødselsnumre born on day 01–09
            yield {"contact_id": i + 1, "customer_id": i + 1, "first_name": p.first, "last_name": p.last,
                   "phone": int(p.phone_digits), "email": p.email, "national_id": int(p.fnr)}

    def rows_maalepunkt(self, rnd):
        for i, point in enumerate(self.points):
            yield {"malepunkt_id": point, "kunde_id": i + 1, "anleggsadresse": self.people[i].full_address}

    def rows_maaler(self, rnd):
        models = ["Aidon 6534", "Kamstrup Omnipower", "Kaifa MA304H4", "Landis+Gyr E360"]
        for i, point in enumerate(self.points):
            yield {"maalernr": self.serials[i], "malepunkt_id": point, "modell": rnd.choice(models)}

    def rows_maaleverdi(self, rnd):
        for i in range(self.rows):
            hour = i % 24
            base = 0.4 + (1.2 if 7 <= hour <= 9 or 16 <= hour <= 21 else 0.0)  # people are home
            yield {"malepunkt_id": self.points[i // 24], "tidspunkt": START + dt.timedelta(hours=hour),
                   "kwh": Decimal(f"{base + rnd.uniform(0, 1.5):.3f}")}

    def rows_faktura(self, rnd):
        for i in range(self.rows):
            iban = synthetic.iban_no(rnd)
            if rnd.random() < 0.3:
                iban = " ".join(iban[j:j + 4] for j in range(0, len(iban), 4))
            k = self.people[i].kontonr
            yield {"fakturanr": 10_000_001 + i, "kunde_id": i + 1, "kid": kid(rnd),
                   "belop": Decimal(f"{rnd.uniform(150, 6000):.2f}"),
                   "forfallsdato": START + dt.timedelta(days=rnd.randint(0, 365)),
                   "kontonr": f"{k[:4]}.{k[4:6]}.{k[6:]}", "iban": iban,
                   "kortnr": synthetic.card(rnd) if rnd.random() < 0.5 else None}

    def rows_henvendelse(self, rnd):
        for i in range(self.rows):
            p = self.people[rnd.randrange(self.rows)]
            template = rnd.choice(_PLANTED_NOTES if rnd.random() < 0.5 else _CLEAN_NOTES)
            note = template.format(name=p.name, fnr=p.fnr, tlf=p.tlf, email=p.email, month=rnd.choice(_MONTHS))
            yield {"henvendelse_id": i + 1, "kunde_id": i + 1,
                   "opprettet": START + dt.timedelta(minutes=rnd.randint(0, 525600)),
                   "kanal": rnd.choice(["telefon", "chat", "e-post", "skjema"]), "notat": note}

    def rows_ordre(self, rnd):
        numbers = rnd.sample(range(10**10, 10**11), self.rows)  # random 11 digits: fnr and kontonr look-alikes
        products = ["Spotpris", "Fastpris 12 mnd", "Solcellepakke", "Elbillader", "Strømforsikring"]
        for i, number in enumerate(numbers):
            yield {"ordrenr": number, "kunde_id": i + 1, "produkt": rnd.choice(products),
                   "serienr": rnd.randint(10**7, 10**8 - 1),  # 8 digits: looks like a phone number
                   "versjon": f"{rnd.randint(1, 5)}.{rnd.randint(0, 20)}.{rnd.randint(0, 30)}",
                   "bestilt": START + dt.timedelta(minutes=rnd.randint(0, 525600))}

    def rows_leverandor(self, rnd):
        for i in range(self.rows):
            number = synthetic.orgnr(rnd)
            if rnd.random() < 0.25:
                number = f"NO {number[:3]} {number[3:6]} {number[6:]} MVA"
            name = f"{rnd.choice(_REGIONS)} {rnd.choice(['Kraft', 'Energi', 'Nett', 'Strøm'])} AS"
            yield {"leverandor_id": i + 1, "orgnr": number, "navn": name}

    def rows_innlogging(self, rnd):
        for i in range(self.rows):
            if rnd.random() < 0.7:
                ip = str(ipaddress.IPv4Address((rnd.choice([77, 84, 88, 89, 178, 193]) << 24) | rnd.getrandbits(24)))
            else:
                ip = str(ipaddress.IPv6Address((0x2A01079C << 96) | rnd.getrandbits(96)))
            yield {"innlogging_id": i + 1, "kunde_id": i + 1, "ip": ip,
                   "user_agent": rnd.choice(_AGENTS),
                   "tidspunkt": START + dt.timedelta(seconds=rnd.randint(0, 31536000))}

    def rows_hendelse(self, rnd):
        for i in range(self.rows):
            p = self.people[rnd.randrange(self.rows)]
            points = [self.points[rnd.randrange(self.rows)] for _ in range(rnd.randint(1, 3))]
            payload = {"kunde": {"kundenr": i + 1, "telefon": p.tlf, "epost": p.email},
                       "status": rnd.choice(["mottatt", "behandlet", "feilet"]), "maalepunkter": points}
            yield {"hendelse_id": i + 1, "type": rnd.choice(["flytting", "maalerbytte", "varsel"]),
                   "opprettet": START + dt.timedelta(seconds=rnd.randint(0, 31536000)), "payload": payload}

    def rows_vedlegg(self, rnd):
        for i in range(self.rows):
            if rnd.random() < 0.5:
                name, mime, head = f"faktura_{i + 1}.pdf", "application/pdf", b"%PDF-1.4\n"
            else:
                name, mime, head = f"maalerbilde_{i + 1}.jpg", "image/jpeg", b"\xff\xd8\xff\xe0"
            yield {"vedlegg_id": i + 1, "kunde_id": i + 1, "filnavn": name, "mimetype": mime,
                   "innhold": head + rnd.randbytes(rnd.randint(64, 1024))}

    def rows_avtale_2024(self, rnd):
        for i in range(self.rows):
            p = self.people[(i * 7) % self.rows]
            yield {"AvtaleID": i + 1, "KundeNavn": p.name, "Fødselsnr": p.fnr,
                   "kunde's mobil": synthetic.phone(rnd, form="spaced3"),
                   "Avtaletype": rnd.choice(["Spotpris", "Fastpris"]),
                   "Signert": START + dt.timedelta(days=rnd.randint(0, 365))}

    def rows_maalerbytte(self, rnd):
        for i in range(self.rows):
            yield {"BytteID": i + 1, "MalepunktID": self.points[i], "GammeltMaalernr": self.serials[self.rows + i],
                   "NyttMaalernr": self.serials[i], "ByttetDato": START - dt.timedelta(days=rnd.randint(0, 900))}

    def rows_kunde_historikk(self, rnd):
        for i in range(self.rows):
            p = self.people[rnd.randrange(self.rows)]
            yield {"kunde_id": 1_000_000 + i, "fnr": p.fnr, "navn": p.name, "adresse": p.full_address,
                   "slettet": START - dt.timedelta(days=rnd.randint(0, 1800))}

# -- building -----------------------------------------------------------------------------------
def populate(engine: sa.Engine, rows: int = 200, seed: int = 2026, schema: str | None = None) -> MetaData:
    """Replace the estate's tables (only those) in `engine` and fill each with `rows` rows.

    `schema` puts the archive table in that schema (a database on MariaDB), created if missing.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    md = build_metadata(schema)
    estate = _Estate(rows, seed)
    with engine.begin() as conn:
        if schema:
            conn.execute(sa.schema.CreateSchema(schema, if_not_exists=True))
        md.drop_all(conn)
        md.create_all(conn)
    for table in md.sorted_tables:
        it = estate.rows_for(table.name)
        with engine.begin() as conn:  # one transaction per table keeps a 100k-row table's undo small
            while batch := list(islice(it, BATCH)):
                conn.execute(table.insert(), batch)
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scanner.estate", description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="SQLAlchemy URL, e.g. sqlite:///demo-out/estate.db")
    parser.add_argument("--rows", type=int, default=200, help="rows per table (default 200)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--schema", help="second schema for the archive table (not on SQLite)")
    args = parser.parse_args(argv)
    engine = sa.create_engine(args.url)
    try:
        md = populate(engine, rows=args.rows, seed=args.seed, schema=args.schema)
    finally:
        engine.dispose()
    filled = len(md.tables) - 1
    print(f"estate: {filled} tables of {args.rows} rows and 1 empty table in {engine.url.render_as_string()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
