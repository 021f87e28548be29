"""The labelled quality corpus: columns of Norwegian customer systems and free text, generated.

Everything is generated at run time from a seed, so no real person's identifier is ever stored:
fødselsnumre, kontonumre, organisasjonsnumre, målepunkt-IDs, meter serials, cards and IBANs get
valid check digits and are verified with `detectors.checksums`; names, streets and e-mail
addresses come from Faker's Norwegian locale and short lists below (e-mail domains are example
domains or large providers with made-up local parts).

Labelling rules, the benchmark's contract:

- `Column.labels[i]` is the set of entity types value i contains (empty for hard negatives).
- `Column.ignore[i]` is the set of entity types not judged on value i alone, for two reasons:
  1. *Weak form without context.* A bare 8-digit phone number, a bare 11-digit kontonummer, a
     9-digit orgnr without `MVA`, a 16-digit meter serial, or a lone first name or surname cannot
     reach the 0.5 threshold by its written form; the column name supplies the context. In a
     column whose name gives no context for the type (`ref`, `verdi`, `col7`) these values are
     judged at column level only. Forms that are only ever recognisable per column (a fødselsnummer that lost its
     leading zero in a BIGINT, a phone stored as the integer 47xxxxxxxx, a postnummer or poststed
     on its own) are always judged at column level.
  2. *Chance match.* A value of another kind that passes a check whose written form is reported
     without context (an order number that happens to be a valid fødselsnummer, a 16-digit KID or
     meter serial that passes Luhn with a card prefix, a four-part version number that is a valid
     IPv4 address). No detector can tell these apart value by value; the column must not be
     called for them, which the column-level check enforces.
- `Column.expected` is what a correct classifier reports for the column; `optional` is accepted
  but not required. Hard-negative columns expect nothing.
- `TextItem.spans` are the exact (start, end, entity type) of every planted value. Weak forms are
  planted in text only right after a context word (`tlf`, `kontonr`, `målernummer`).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from faker import Faker
from stdnum import iban as stdnum_iban

from detectors import synthetic
from detectors.checksums import fnr_info, gs1_valid, iban_valid, kontonummer_valid, luhn_valid, orgnr_valid

FNR = "NO_FODSELSNUMMER"
PHONE = "NO_PHONE_NUMBER"
METER_ID = "NO_METER_ID"
METER_SERIAL = "NO_METER_SERIAL"
BANK = "NO_BANK_ACCOUNT"
IBAN = "IBAN_CODE"
ORGNR = "NO_ORGANIZATION_NUMBER"
PERSON = "PERSON"
ADDRESS = "NO_ADDRESS"
EMAIL = "EMAIL_ADDRESS"
IP = "IP_ADDRESS"
CARD = "CREDIT_CARD"
READING = "METER_READING"
ENTITY_TYPES = (FNR, PHONE, METER_ID, METER_SERIAL, BANK, IBAN, ORGNR, PERSON, ADDRESS, EMAIL, IP, CARD)

NONE: frozenset[str] = frozenset()
SIZES = {"small": (2, 40, 400), "full": (4, 150, 1200)}  # table sets, values per column, text items

# Column-name spellings seen in customer systems; each use takes the next spelling.
NAMES = {
    FNR: ["fnr", "FODSELSNR", "foedsels_nr", "fødselsnummer", "personnummer", "kunde_fnr", "PersonNr",
          "personident", "Fnr", "ssn", "national_id"],
    PHONE: ["tlf", "tlf_mobil", "telefon", "customerPhone", "mobil", "kontakt_tlf", "TELEFONNR", "phone_number",
            "MobilNummer", "msisdn", "mobilnr"],
    EMAIL: ["epost", "E_POST", "email", "kunde_epost", "EmailAddress", "e-post", "epostadresse", "mail"],
    BANK: ["kontonr", "kontonummer", "bankkonto", "utbetalingskonto", "KONTO_NR", "account_number", "bankkontonr"],
    IBAN: ["iban", "IBAN", "kunde_iban", "iban_nr"],
    CARD: ["kortnr", "kortnummer", "card_number", "pan", "CardNumber"],
    METER_ID: ["malepunkt_id", "MålepunktID", "maalepunkt", "metering_point_id", "gsrn", "anleggsnr", "MPID"],
    METER_SERIAL: ["maalernr", "malernummer", "meter_serial", "MalerID", "målernr"],
    ORGNR: ["orgnr", "organisasjonsnummer", "leverandor_orgnr", "ORG_NR", "foretaksnr"],
    IP: ["ip", "remote_addr", "klient_ip", "ip_adresse", "source_ip", "client_ip", "IPAddress"],
    "full_name": ["navn", "kundenavn", "full_name", "KontaktPerson", "Navn", "customer_name", "mottaker"],
    "first_name": ["fornavn", "first_name", "FORNAVN", "givenName"],
    "last_name": ["etternavn", "last_name", "ETTERNAVN", "surname"],
    "street": ["adresse", "gateadresse", "leveringsadresse", "Adresse1", "street_address", "fakturaadresse"],
    "postnr": ["postnr", "postnummer", "zip", "POSTNR", "zip_code"],
    "poststed": ["poststed", "city", "Poststed", "POSTSTED"],
    READING: ["forbruk_kwh", "kwh", "maaleverdi", "timeforbruk", "consumption"],
    "kid": ["kid", "betaling_kid", "KID_nr", "kidnummer", "kid_ref"],
    "neutral": ["ref", "verdi", "col7", "data", "felt1", "attr3", "value", "c12", "info", "felt_2", "x1"],
}

PLACES = [
    ("0150", "OSLO"), ("0468", "OSLO"), ("5003", "BERGEN"), ("7010", "TRONDHEIM"), ("4006", "STAVANGER"),
    ("9008", "TROMSØ"), ("8006", "BODØ"), ("3015", "DRAMMEN"), ("4610", "KRISTIANSAND S"), ("6002", "ÅLESUND"),
    ("2317", "HAMAR"), ("1606", "FREDRIKSTAD"), ("3211", "SANDEFJORD"), ("1530", "MOSS"), ("2609", "LILLEHAMMER"),
    ("6413", "MOLDE"), ("9515", "ALTA"), ("8514", "NARVIK"), ("1337", "SANDVIKA"), ("2000", "LILLESTRØM"),
    ("1440", "DRØBAK"), ("5700", "VOSS"), ("3510", "HØNEFOSS"), ("7600", "LEVANGER"), ("9405", "HARSTAD"),
]
TOWNS = ["Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø", "Drammen", "Kristiansand", "Ålesund", "Hamar",
         "Lillehammer", "Molde", "Alta", "Narvik", "Sandvika", "Lillestrøm", "Fredrikstad", "Sarpsborg",
         "Tønsberg", "Gjøvik", "Kongsberg", "Haugesund", "Arendal", "Steinkjer", "Førde", "Voss", "Moss",
         "Larvik", "Halden", "Mo i Rana", "Kirkenes"]
REGIONS = ["Vestland", "Nordland", "Innlandet", "Agder", "Trøndelag", "Troms", "Finnmark", "Rogaland",
           "Østfold", "Vestfold", "Telemark", "Akershus", "Buskerud", "Møre og Romsdal"]
ORGS = ["NAV", "Skatteetaten", "Statnett", "Elhub", "Posten", "Telenor", "Equinor", "DNB", "Tibber",
        "Fjordkraft", "Hafslund", "Lyse", "Tensio", "Elvia", "BKK", "Ruter", "Vy", "Norgesnett", "NVE",
        "Datatilsynet", "Kartverket", "Brønnøysundregistrene", "Glitre Energi", "Nord Pool", "SSB"]
STREETS = ["Storgata", "Kirkeveien", "Dronningens gate", "Strandveien", "Bygdøy allé", "Parkveien",
           "Skolegata", "Løkkeveien", "Fjellvegen", "Sjøgata", "Torggata", "Møllevegen", "Nedre Slottsgate",
           "Øvre Bakke", "Prestegårdsveien", "Jernbanegata", "Havnegata", "Solbakken", "Granlia", "Bjørkelia"]
# Names Faker's short Norwegian lists lack: double and hyphenated given names, newer Norwegians.
EXTRA_FIRST = ["Anne-Lise", "Per Olav", "Mette-Marit", "Jan Erik", "Kari Anne", "Ole-Martin", "Aisha", "Mohammed",
               "Fatima", "Piotr", "Agnieszka", "Thanh", "Hassan", "Tuva", "Sigve", "Solveig", "Eirik", "Vebjørn"]
EXTRA_LAST = ["Nordmann", "Bråten", "Kvernrud", "Aasheim", "Fossum", "Tveit", "Mohamed", "Nowak", "Kowalski",
              "Tran", "Rasmussen", "Skogstad", "Haugland", "Myrvold", "Engebretsen", "Lindqvist", "Øverland"]
EMAIL_DOMAINS = ["example.no", "example.com", "example.org", "epost.example.no", "kunde.example.net",
                 "gmail.com", "hotmail.com", "online.no", "outlook.com"]
PHONE_FORMS = synthetic.PHONE_FORMS


@dataclass(frozen=True)
class Cell:
    """One generated value: what it is, which types need the column's context, which only a column shows."""

    value: object
    labels: frozenset[str] = NONE
    weak: frozenset[str] = NONE
    column_only: frozenset[str] = NONE


@dataclass
class Column:
    table: str
    name: str
    declared_type: str
    values: list[object]
    labels: list[frozenset[str]]
    ignore: list[frozenset[str]]
    expected: frozenset[str]
    optional: frozenset[str] = NONE
    hard_negative: bool = False
    neutral_name: bool = False
    free_text: bool = False
    neighbours: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"{self.table}.{self.name}"


@dataclass
class TextItem:
    text: str
    spans: list[tuple[int, int, str]]
    kind: str  # planted | names | negative | log


@dataclass
class Corpus:
    seed: int
    size: str
    columns: list[Column] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)


def chance_matches(value: object) -> frozenset[str]:
    """Types whose context-free written form this value passes by its digits alone."""
    s = str(value).strip()
    digits = re.sub(r"\D", "", s)
    found = set()
    if re.fullmatch(r"\d{11}|\d{6}[ -]\d{5}", s) and fnr_info(digits):
        found.add(FNR)
    if re.fullmatch(r"\d{18}", s) and s.startswith("7070575") and gs1_valid(s):
        found.add(METER_ID)
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", s) and all(int(p) <= 255 for p in s.split(".")):
        found.add(IP)  # a four-part version number such as 6.1.0.22
    if re.fullmatch(r"[\d -]{13,23}", s) and 13 <= len(digits) <= 19 and digits[0] in "123456" and luhn_valid(digits):
        found.add(CARD)
    return frozenset(found)


def _complete(body: str, valid) -> str | None:
    """`body` plus the check digit that makes it valid, or None (a check digit of 10)."""
    for d in "0123456789":
        if valid(body + d):
            return body + d
    return None


class Generator:
    def __init__(self, seed: int):
        self.rnd = random.Random(seed)
        self.fake = Faker("no_NO")  # Faker calls Norwegian Bokmål "no_NO"; "nb_NO" does not exist
        self.fake.seed_instance(seed)
        self._spelling: dict[tuple, int] = {}

    def spelling(self, key: str) -> str:
        return self.cycle(NAMES[key])

    def cycle(self, options: list):
        """The next of `options` each call: every spelling gets used, even in a small corpus."""
        key = tuple(options)
        i = self._spelling.get(key, 0)
        self._spelling[key] = i + 1
        return options[i % len(options)]

    def digits(self, n: int) -> str:
        return "".join(self.rnd.choice("0123456789") for _ in range(n))

    # -- identifiers with valid check digits ----------------------------------------------------
    def fnr(self) -> str:
        kind = self.rnd.choices(
            ["fnr", "d", "tenor", "new_rule", "h", "fh", "syntpop", "tenor_d"], [55, 12, 10, 8, 5, 4, 3, 3]
        )[0]
        while True:
            if kind == "fh":
                body = self.rnd.choice("89") + self.digits(8)
            else:
                born = dt.date(1930, 1, 1) + dt.timedelta(days=self.rnd.randint(0, 94 * 365))
                individual = self.rnd.randint(500, 999) if born.year >= 2000 else self.rnd.randint(0, 499)
                day = born.day + (40 if kind in ("d", "tenor_d") else 0)
                month = born.month + {"h": 40, "tenor": 80, "tenor_d": 80, "syntpop": 65}.get(kind, 0)
                body = f"{day:02d}{month:02d}{born.year % 100:02d}{individual:03d}"
            for k in range(100):
                number = f"{body}{k:02d}"
                info = fnr_info(number)
                if info and info.new_rule == (kind == "new_rule"):
                    return number

    def kontonummer(self) -> str:
        while True:
            number = _complete(f"{self.rnd.randint(1000, 9999)}{self.digits(6)}", kontonummer_valid)
            # Every fødselsnummer is a valid kontonummer; keep the two kinds apart in the labels.
            if number and fnr_info(number) is None:
                return number

    def orgnr(self) -> str:
        while True:
            number = _complete(self.rnd.choice("89") + self.digits(7), orgnr_valid)
            if number:
                return number

    def gs1(self, body: str) -> str:
        number = _complete(body, gs1_valid)
        assert number is not None  # GS1 mod 10 always has a check digit
        return number

    def meter_id(self) -> str:
        return self.gs1("7070575000" + self.digits(7))

    def meter_serial(self) -> str:
        prefix = self.rnd.choice(["7359992", "5706567", "6970631", str(self.rnd.randint(1000000, 9999999))])
        return self.gs1(prefix + self.digits(8))

    def card(self) -> str:
        prefix, length = self.rnd.choice(
            [("4", 16), ("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("37", 15), ("34", 15), ("6011", 16)]
        )
        number = _complete(prefix + self.digits(length - len(prefix) - 1), luhn_valid)
        assert number is not None
        return number

    def iban(self, country: str = "NO") -> str:
        bban = {
            "NO": lambda: self.kontonummer(),
            "DE": lambda: self.digits(18),
            "GB": lambda: self.rnd.choice(["NWBK", "BARC", "HBUK"]) + self.digits(14),
            "DK": lambda: self.digits(14),
        }[country]
        while True:
            body = bban()
            number = country + stdnum_iban.calc_check_digits(country + "00" + body) + body
            if iban_valid(number):
                return number

    def phone_digits(self, mobile: bool) -> str:
        if mobile:
            return self.rnd.choice("49") + self.digits(7)
        first = self.rnd.choice("23567")
        second = {"5": "01234567", "7": "012345678"}.get(first, "0123456789")  # 58/59 M2M, 79 Svalbard
        return first + self.rnd.choice(second) + self.digits(6)

    # -- cells --------------------------------------------------------------------------------
    def fnr_text(self, digits: str | None = None) -> str:
        d = digits or self.fnr()
        form = self.rnd.choices(["plain", "space", "dash"], [80, 10, 10])[0]
        return {"plain": d, "space": f"{d[:6]} {d[6:]}", "dash": f"{d[:6]}-{d[6:]}"}[form]

    def fnr_cell(self, as_int: bool = False) -> Cell:
        d = self.fnr()
        if as_int:
            # A BIGINT drops the leading zero of a number born on day 01-09: only the column restores it.
            return Cell(int(d), frozenset({FNR}), column_only=frozenset({FNR}) if d[0] == "0" else NONE)
        return Cell(self.fnr_text(d), frozenset({FNR}))

    def phone_text(self, form: str | None = None, mobile: bool | None = None) -> str:
        mobile = self.rnd.random() < 0.7 if mobile is None else mobile
        return synthetic.format_phone(self.phone_digits(mobile), form or self.rnd.choice(PHONE_FORMS))

    def phone_cell(self, form: str | None = None, mobile: bool | None = None, as_int: bool = False) -> Cell:
        label = frozenset({PHONE})
        if as_int:
            d = self.phone_digits(self.rnd.random() < 0.7 if mobile is None else mobile)
            if self.rnd.random() < 0.2:
                return Cell(int("47" + d), label, column_only=label)
            return Cell(int(d), label, weak=label)
        text = self.phone_text(form, mobile)
        return Cell(text, label, weak=label if text.isdigit() else NONE)

    def kontonummer_text(self, weak_ok: bool = True) -> str:
        d = self.kontonummer()
        forms = ["plain", "dots", "space"] if weak_ok else ["dots", "space"]
        form = self.rnd.choice(forms)
        return {"plain": d, "dots": f"{d[:4]}.{d[4:6]}.{d[6:]}", "space": f"{d[:4]} {d[4:6]} {d[6:]}"}[form]

    def bank_cell(self, weak_ok: bool = True) -> Cell:
        text = self.kontonummer_text(weak_ok)
        return Cell(text, frozenset({BANK}), weak=frozenset({BANK}) if text.isdigit() else NONE)

    def iban_text(self) -> str:
        number = self.iban(self.rnd.choices(["NO", "DE", "GB", "DK"], [85, 5, 5, 5])[0])
        if self.rnd.random() < 0.4:
            return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
        return number

    def card_text(self) -> str:
        d = self.card()
        form = self.rnd.choice(["plain", "space", "dash"])
        if form == "plain":
            return d
        sep = " " if form == "space" else "-"
        groups = [d[:4], d[4:10], d[10:]] if len(d) == 15 else [d[i : i + 4] for i in range(0, 16, 4)]
        return sep.join(groups)

    def orgnr_text(self, weak_ok: bool = True) -> str:
        d = self.orgnr()
        forms = ["plain", "space", "mva", "mva_plain"] if weak_ok else ["space", "mva", "mva_plain"]
        return {
            "plain": d,
            "space": f"{d[:3]} {d[3:6]} {d[6:]}",
            "mva": f"NO {d[:3]} {d[3:6]} {d[6:]} MVA",
            "mva_plain": f"NO{d}MVA",
        }[self.rnd.choice(forms)]

    def ip_text(self) -> str:
        r = self.rnd.random()
        if r < 0.2:
            return self.fake.ipv6()
        if r < 0.3:
            return f"2001:db8:{self.rnd.randint(1, 0xffff):x}::{self.rnd.randint(1, 0xffff):x}"
        if r < 0.6:
            return self.rnd.choice(["10.{}.{}.{}", "192.168.{}.{}", "172.16.{}.{}"]).format(
                *(self.rnd.randint(0, 254) for _ in range(3))
            )
        return self.fake.ipv4_public()

    def first_name(self) -> str:
        return self.rnd.choice(EXTRA_FIRST) if self.rnd.random() < 0.2 else self.fake.first_name()

    def last_name(self) -> str:
        return self.rnd.choice(EXTRA_LAST) if self.rnd.random() < 0.2 else self.fake.last_name()

    def name_text(self, form: str | None = None) -> str:
        first, last = self.first_name(), self.last_name()
        form = form or self.rnd.choices(["full", "middle", "rev", "caps"], [55, 10, 20, 15])[0]
        if form == "middle":
            return f"{first} {self.last_name()} {last}"
        if form == "rev":
            return f"{last}, {first}"
        if form == "caps":
            return f"{first} {last}".upper()
        return f"{first} {last}"

    def email_text(self) -> str:
        if self.rnd.random() < 0.4:
            address = self.fake.email()
        else:
            first, last = self.first_name(), self.last_name()
            local = self.rnd.choice(["{f}.{l}", "{f}{l}", "{f}_{l}", "{f}.{l}{n}", "{i}{l}"]).format(
                f=first, l=last, i=first[0], n=self.rnd.randint(1, 99)
            )
            local = local.replace(" ", "").lower()
            for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
                local = local.replace(a, b)
            address = f"{local}@{self.rnd.choice(EMAIL_DOMAINS)}"
        case = self.rnd.random()
        if case < 0.1:
            address = address.upper()
        elif case < 0.25:
            local, _, domain = address.partition("@")
            address = ".".join(p.capitalize() for p in local.split(".")) + "@" + domain.capitalize()
        return address

    def street_text(self) -> str:
        street = self.fake.street_name() if self.rnd.random() < 0.5 else self.rnd.choice(STREETS)
        number = f"{self.rnd.randint(1, 150)}{self.rnd.choice(['', '', '', 'A', 'B', 'C'])}"
        if self.rnd.random() < 0.1:
            number += f" H0{self.rnd.randint(1, 4)}0{self.rnd.randint(1, 4)}"
        return f"{street} {number}"

    def postal_place(self) -> tuple[str, str]:
        if self.rnd.random() < 0.3:
            return self.fake.postcode(), self.fake.city().upper()
        return self.rnd.choice(PLACES)

    def address_text(self) -> str:
        postnr, place = self.postal_place()
        return f"{self.street_text()}, {postnr} {place}"


def _pad(rnd: random.Random, value: object) -> object:
    """Stray whitespace, as left by manual entry and CSV imports."""
    if isinstance(value, str) and rnd.random() < 0.08:
        return rnd.choice([" ", "  ", "\t"]) + value if rnd.random() < 0.5 else value + rnd.choice([" ", "\n"])
    return value


class CorpusBuilder:
    def __init__(self, seed: int, size: str):
        self.seed, self.size = seed, size
        self.g = Generator(seed)
        self.rnd = self.g.rnd
        self.repeats, self.n, self.n_texts = SIZES[size]
        self.corpus = Corpus(seed, size)

    # -- assembling a column ----------------------------------------------------------------------
    def column(self, table, name, declared, cells, expected=NONE, context=None, optional=NONE,
               hard_negative=False, neutral=False, nulls=True) -> Column:
        """`context`: the types the column's name gives context for (default: the expected ones)."""
        context = frozenset(expected if context is None else context)
        values, labels, ignore = [], [], []
        for cell in cells:
            values.append(_pad(self.rnd, cell.value))
            labels.append(cell.labels)
            weak_here = cell.weak - context
            ignore.append(cell.column_only | weak_here | (chance_matches(cell.value) - cell.labels))
        if nulls and self.rnd.random() < 0.6:
            string_typed = not declared.lower().startswith(("int", "bigint", "numeric", "decimal"))
            for _ in range(self.rnd.randint(1, max(1, len(values) // 8))):
                i = self.rnd.randrange(len(values) + 1)
                values.insert(i, "" if string_typed and self.rnd.random() < 0.4 else None)
                labels.insert(i, NONE)
                ignore.insert(i, NONE)
        col = Column(table, name, declared, values, labels, ignore, frozenset(expected), frozenset(optional),
                     hard_negative, neutral)
        self.corpus.columns.append(col)
        return col

    def cells(self, make, n=None) -> list[Cell]:
        return [make() for _ in range(n or self.n)]

    def table(self, name: str, build) -> None:
        start = len(self.corpus.columns)
        build(name)
        cols = self.corpus.columns[start:]
        for col in cols:
            col.neighbours = tuple(c.name for c in cols if c is not col)

    # -- tables of a customer system ----------------------------------------------------------------
    def customer(self, t: str) -> None:
        g = self.g
        self.column(t, g.spelling(FNR), "varchar(11)", self.cells(g.fnr_cell), {FNR})
        if self.rnd.random() < 0.5:
            self.column(t, g.spelling("full_name"), "varchar(200)",
                        self.cells(lambda: Cell(g.name_text(), frozenset({PERSON}))), {PERSON})
        else:
            for key, make in (("first_name", g.first_name), ("last_name", g.last_name)):
                caps = self.rnd.random() < 0.3
                self.column(t, g.spelling(key), "varchar(100)",
                            self.cells(lambda: Cell(make().upper() if caps else make(), frozenset({PERSON}),
                                                    weak=frozenset({PERSON}))), {PERSON})
        self.column(t, g.spelling("street"), "varchar(200)",
                    self.cells(lambda: Cell(g.street_text(), frozenset({ADDRESS}))), {ADDRESS})
        places = [g.postal_place() for _ in range(self.n)]
        only = frozenset({ADDRESS})
        self.column(t, g.spelling("postnr"), "char(4)", [Cell(p, only, column_only=only) for p, _ in places], {ADDRESS})
        self.column(t, g.spelling("poststed"), "varchar(60)",
                    [Cell(s if self.rnd.random() < 0.8 else s.title(), only, column_only=only) for _, s in places],
                    {ADDRESS})
        self.column(t, g.spelling(PHONE), "varchar(20)", self.cells(g.phone_cell), {PHONE})
        self.column(t, g.spelling(EMAIL), "varchar(254)", self.cells(lambda: Cell(g.email_text(), frozenset({EMAIL}))),
                    {EMAIL})
        self.column(t, g.spelling(BANK), "varchar(14)", self.cells(g.bank_cell), {BANK})
        self.column(t, "opprettet", "timestamp", self.cells(lambda: Cell(self.timestamp_text())), hard_negative=True)

    def legacy_customer(self, t: str) -> None:
        """Numbers stored as numbers: a fødselsnummer loses its leading zero, phones lose their format."""
        g = self.g
        self.column(t, self.g.cycle(["fnr", "kunde_fnr", "FODSELSNR"]), "BIGINT",
                    self.cells(lambda: g.fnr_cell(as_int=True)), {FNR})
        self.column(t, self.g.cycle(["tlf", "mobil", "TELEFON"]), "INTEGER",
                    self.cells(lambda: g.phone_cell(as_int=True)), {PHONE})
        self.column(t, "kontaktinfo", "varchar(254)",
                    self.cells(lambda: Cell(g.email_text(), frozenset({EMAIL})) if self.rnd.random() < 0.5
                               else g.phone_cell(form=self.rnd.choice(["intl", "spaced3", "00", "paren"]))),
                    {EMAIL, PHONE})
        self.column(t, "kundenr", "INTEGER", self.sequential(6), hard_negative=True)

    def metering(self, t: str) -> None:
        g = self.g
        as_int = self.rnd.random() < 0.3
        self.column(t, g.spelling(METER_ID), "BIGINT" if as_int else "char(18)",
                    self.cells(lambda: Cell(int(g.meter_id()) if as_int else g.meter_id(), frozenset({METER_ID}))),
                    {METER_ID})
        serial = frozenset({METER_SERIAL})
        self.column(t, g.spelling(METER_SERIAL), "varchar(16)",
                    self.cells(lambda: Cell(g.meter_serial(), serial, weak=serial)), {METER_SERIAL})
        self.column(t, g.spelling(READING), "numeric(12,3)",
                    self.cells(lambda: Cell(Decimal(f"{self.rnd.uniform(0, 9):.3f}"))), {READING})
        self.column(t, "avlest", "timestamp", self.cells(lambda: Cell(self.timestamp_text())), hard_negative=True)

    def payments(self, t: str) -> None:
        g = self.g
        self.column(t, g.spelling(IBAN), "varchar(34)", self.cells(lambda: Cell(g.iban_text(), frozenset({IBAN}))), {IBAN})
        self.column(t, g.spelling(CARD), "varchar(19)", self.cells(lambda: Cell(g.card_text(), frozenset({CARD}))), {CARD})
        # One biller uses one KID length. An 11-digit MOD11 KID is always a valid kontonummer
        # (the same weights), so that one is in every payments table.
        # A 16-digit MOD10 KID is shaped like a card number and passes Luhn: that one comes first.
        lengths = [6, 7, 9, 11, 13, 15, 16, 19, 25]
        for i, (kind, length) in enumerate((("mod11", 11), ("mod10", g.cycle([16, 7, 25, 13, 9, 19, 6, 15])),
                                            (self.rnd.choice(["mod10", "mod11"]), self.rnd.choice(lengths)))):
            name = g.spelling("kid") if i == 0 else self.rnd.choice(NAMES["kid"])
            self.column(t, name, "varchar(25)", self.cells(lambda: Cell(self.kid(length, kind))), hard_negative=True)
        self.column(t, self.g.cycle(["belop", "amount", "total_nok"]), "numeric(10,2)",
                    self.cells(lambda: Cell(Decimal(f"{self.rnd.uniform(10, 50000):.2f}"))), hard_negative=True)
        self.column(t, self.g.cycle(["pris", "price"]), "varchar(20)", self.cells(lambda: Cell(self.price())),
                    hard_negative=True)

    def suppliers(self, t: str) -> None:
        g = self.g
        org = frozenset({ORGNR})
        # Nine digits alone or in groups of three (like a phone number) need the column's name.
        self.column(t, g.spelling(ORGNR), "varchar(20)",
                    self.cells(lambda: (lambda s: Cell(s, org, weak=NONE if "MVA" in s else org))(g.orgnr_text())), {ORGNR})
        self.column(t, self.g.cycle(["firmanavn", "leverandornavn", "company_name"]), "varchar(200)",
                    self.cells(self.company_cell), hard_negative=True)
        self.column(t, self.g.cycle(["produktnavn", "product_name"]), "varchar(100)",
                    self.cells(lambda: Cell(self.rnd.choice(PRODUCTS))), hard_negative=True)

    def access_log(self, t: str) -> None:
        g = self.g
        self.column(t, g.spelling(IP), "inet", self.cells(lambda: Cell(g.ip_text(), frozenset({IP}))), {IP})
        self.column(t, self.g.cycle(["request_id", "uuid", "guid"]), "uuid",
                    self.cells(lambda: Cell(self.uuid())), hard_negative=True)
        self.column(t, self.g.cycle(["ts", "tidsstempel", "event_ts"]), "varchar(20)",
                    self.cells(lambda: Cell(self.compact_timestamp())), hard_negative=True)
        self.column(t, self.g.cycle(["hostname", "server", "vertsnavn"]), "varchar(100)",
                    self.cells(lambda: Cell(self.hostname())), hard_negative=True)

    def system(self, t: str) -> None:
        self.column(t, self.g.cycle(["versjon", "version", "app_version"]), "varchar(30)",
                    self.cells(lambda: Cell(self.rnd.choice(VERSIONS))), hard_negative=True)
        self.column(t, self.g.cycle(["sha256", "hash", "checksum", "etag"]), "varchar(64)",
                    self.cells(lambda: Cell(self.hexhash())), hard_negative=True)
        self.column(t, self.g.cycle(["sku", "produktkode", "artikkelnr"]), "varchar(20)",
                    self.cells(lambda: Cell(self.product_code())), hard_negative=True)
        self.column(t, self.g.cycle(["filnavn", "filename", "vedlegg"]), "varchar(200)",
                    self.cells(lambda: Cell(self.filename())), hard_negative=True)
        self.column(t, self.g.cycle(["antall", "count", "qty"]), "integer",
                    self.cells(lambda: Cell(self.rnd.randint(0, 5000))), hard_negative=True)
        form = self.rnd.choice(["iso", "no", "int"])
        self.column(t, self.g.cycle(["dato", "fra_dato", "created_date"]), "integer" if form == "int" else "varchar(10)",
                    self.cells(lambda: Cell(self.date_value(form))), hard_negative=True)

    def orders(self, t: str) -> None:
        """Numbers with the shapes of identifiers: order numbers, serials, timestamps, foreign GSRNs."""
        name = self.g.cycle(["ordrenr", "ref", "order_id", "id", "OrdreNummer"])
        self.column(t, name, "varchar(11)", self.cells(lambda: Cell(str(self.rnd.randint(10**10, 10**11 - 1)))),
                    hard_negative=True, neutral=name in ("ref", "id"))
        for kind in ("random", "sequential"):
            name = self.g.cycle(["serienr", "id", "serial_no", "nummer", "lopenr"])
            cells = self.cells(lambda: Cell(self.rnd.randint(10**7, 10**8 - 1))) if kind == "random" else self.sequential(8)
            self.column(t, name, "integer", cells, hard_negative=True, neutral=name in ("nummer", "id"))
        self.column(t, self.g.cycle(["tidsstempel", "batch", "verdi"]), "varchar(14)",
                    self.cells(lambda: Cell(self.compact_timestamp())), hard_negative=True)
        self.column(t, self.g.cycle(["anlaggnings_id", "se_anlegg", "ext_ref"]), "char(18)",
                    self.cells(lambda: Cell(self.g.gs1("735999" + self.g.digits(11)))), hard_negative=True)
        self.column(t, self.g.cycle(["dk_id", "ekstern_id", "partner_ref"]), "char(18)",
                    self.cells(lambda: Cell(self.g.gs1("57" + self.g.digits(15)))), hard_negative=True)
        self.column(t, self.g.cycle(["ref9", "felt9", "nr"]), "varchar(9)",
                    self.cells(lambda: Cell(self.g.digits(9))), hard_negative=True)

    def raw_import(self, t: str) -> None:
        """Neutral column names: the values alone must carry the classification."""
        g = self.g
        n = lambda: g.spelling("neutral")  # noqa: E731
        self.column(t, n(), "varchar(20)", self.cells(g.fnr_cell), {FNR}, neutral=True, context=NONE)
        self.column(t, n(), "varchar(30)", self.cells(lambda: Cell(g.email_text(), frozenset({EMAIL}))), {EMAIL},
                    neutral=True, context=NONE)
        self.column(t, n(), "varchar(30)",
                    self.cells(lambda: g.phone_cell(form=self.rnd.choice([f for f in PHONE_FORMS if f != "plain"]))),
                    {PHONE}, neutral=True, context=NONE)
        # Bare mobile numbers: only the share of valid mobile numbers can call this column.
        self.column(t, n(), "varchar(8)", self.cells(lambda: g.phone_cell(form="plain", mobile=True)), {PHONE},
                    neutral=True, context=NONE)
        self.column(t, n(), "char(18)", self.cells(lambda: Cell(g.meter_id(), frozenset({METER_ID}))), {METER_ID},
                    neutral=True, context=NONE)
        self.column(t, n(), "varchar(14)", self.cells(g.bank_cell), {BANK}, neutral=True, context=NONE)
        self.column(t, n(), "varchar(34)", self.cells(lambda: Cell(g.iban_text(), frozenset({IBAN}))), {IBAN},
                    neutral=True, context=NONE)
        self.column(t, n(), "varchar(19)", self.cells(lambda: Cell(g.card_text(), frozenset({CARD}))), {CARD},
                    neutral=True, context=NONE)
        self.column(t, n(), "varchar(100)",
                    self.cells(lambda: Cell(g.name_text(self.rnd.choice(["full", "rev", "middle"])), frozenset({PERSON}))),
                    {PERSON}, neutral=True, context=NONE)
        self.column(t, n(), "varchar(40)", self.cells(lambda: Cell(g.ip_text(), frozenset({IP}))), {IP},
                    neutral=True, context=NONE)
        self.column(t, n(), "varchar(200)", self.cells(lambda: Cell(g.address_text(), frozenset({ADDRESS}))), {ADDRESS},
                    neutral=True, context=NONE)

    # -- hard-negative values -------------------------------------------------------------------------
    def sequential(self, digits: int) -> list[Cell]:
        start = self.rnd.randint(10 ** (digits - 1), 10**digits - self.n - 1)
        if digits == 8 and self.rnd.random() < 0.5:
            # Ids that run through the mobile ranges: every value is a valid mobile number.
            start = self.rnd.choice([4, 9]) * 10**7 + self.rnd.randint(0, 10**7 - self.n - 1)
        return [Cell(start + i) for i in range(self.n)]

    def kid(self, length: int, kind: str) -> str:
        body = self.g.digits(length - 1)
        if kind == "mod10":
            return _complete(body, luhn_valid)
        weights = [2, 3, 4, 5, 6, 7] * 5
        s = sum(w * int(d) for w, d in zip(weights, reversed(body)))
        check = (11 - s % 11) % 11
        return body + ("-" if check == 10 else str(check))

    def timestamp_text(self) -> str:
        t = dt.datetime(2020, 1, 1) + dt.timedelta(seconds=self.rnd.randint(0, 6 * 365 * 86400))
        return t.strftime(self.rnd.choice(["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%d.%m.%Y %H:%M"]))

    def compact_timestamp(self) -> str:
        t = dt.datetime(2020, 1, 1) + dt.timedelta(seconds=self.rnd.randint(0, 6 * 365 * 86400))
        form = self.rnd.choice(["ymdn", "ymdhms", "epoch", "epoch_ms"])
        if form == "ymdn":
            return t.strftime("%Y%m%d") + f"{self.rnd.randint(0, 999):03d}"
        if form == "ymdhms":
            return t.strftime("%Y%m%d%H%M%S")
        epoch = int(t.replace(tzinfo=dt.UTC).timestamp())
        return str(epoch) if form == "epoch" else str(epoch * 1000 + self.rnd.randint(0, 999))

    def date_value(self, form: str) -> object:
        d = dt.date(2015, 1, 1) + dt.timedelta(days=self.rnd.randint(0, 4000))
        return {"iso": d.isoformat(), "no": d.strftime("%d.%m.%Y"), "int": int(d.strftime("%Y%m%d"))}[form]

    def price(self) -> str:
        amount = self.rnd.uniform(5, 30000)
        big = self.rnd.randint(10**6, 10**8)
        return self.rnd.choice([f"{amount:.2f}", f"{amount:,.2f}".replace(",", " ").replace(".", ","),
                                f"kr {int(amount)},-", str(int(amount)), f"{big:,}".replace(",", " ")])

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rnd.getrandbits(128), version=4))

    def hexhash(self) -> str:
        bits = self.rnd.choice([128, 160, 256])
        return f"{self.rnd.getrandbits(bits):0{bits // 4}x}"

    def product_code(self) -> str:
        return self.rnd.choice(["SKU-{}-NO", "ART{}", "P-{}", "NO-EL-{}"]).format(self.rnd.randint(100, 999999))

    def filename(self) -> str:
        return self.rnd.choice(["kunde_export_{}.csv", "faktura_{}.pdf", "IMG_{}.jpg", "rapport-{}.xlsx",
                                "backup_{}.tar.gz"]).format(self.compact_timestamp()[:8])

    def hostname(self) -> str:
        return self.rnd.choice(["app{:02d}.prod.internal", "db-{:02d}.example.no", "k8s-node-{}.cluster.local",
                                "web{}.oslo.example.net", "mail{}.example.com"]).format(self.rnd.randint(1, 40))

    def company_cell(self) -> Cell:
        if self.rnd.random() < 0.6:
            return Cell(f"{self.rnd.choice(TOWNS)} {self.rnd.choice(TRADES)} {self.rnd.choice(['AS', 'ASA', 'SA'])}")
        # Named after a family: the surname is in it, so PERSON is not judged on the value.
        name = f"{self.g.last_name()} {self.rnd.choice(TRADES)} AS"
        return Cell(name, column_only=frozenset({PERSON}))

    # -- free text ------------------------------------------------------------------------------------
    def texts(self) -> None:
        kinds = [("planted", PLANTED, 0.45), ("names", NAME_SENTENCES, 0.2), ("negative", NEGATIVE_SENTENCES, 0.2),
                 ("log", LOG_LINES, 0.1), ("planted", POSITIVE_LOGS, 0.05)]
        for kind, templates, share in kinds:
            for _ in range(round(self.n_texts * share)):
                self.corpus.texts.append(self.render(self.rnd.choice(templates), kind))

    def render(self, template: str, kind: str) -> TextItem:
        parts, spans, pos = [], [], 0
        for literal, slot in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
            parts.append(literal)
            pos += len(literal)
            if slot:
                text, entity = self.slot(slot.rstrip("0123456789"))
                if entity:
                    spans.append((pos, pos + len(text), entity))
                parts.append(text)
                pos += len(text)
        return TextItem("".join(parts), spans, kind)

    def slot(self, name: str) -> tuple[str, str | None]:
        g, r = self.g, self.rnd
        entity = {
            "name": lambda: (g.name_text(r.choices(["full", "middle", "rev"], [75, 15, 10])[0]), PERSON),
            "name_rev": lambda: (g.name_text("rev"), PERSON),
            "name_caps": lambda: (g.name_text("caps"), PERSON),
            "first": lambda: (g.first_name(), PERSON),
            "last": lambda: (g.last_name(), PERSON),
            "fnr": lambda: (g.fnr_text(), FNR),
            "phone": lambda: (g.phone_text(r.choice([f for f in PHONE_FORMS if f != "plain"])), PHONE),
            "phone_any": lambda: (g.phone_text(), PHONE),
            "email": lambda: (g.email_text(), EMAIL),
            "konto": lambda: (g.kontonummer_text(weak_ok=False), BANK),
            "konto_any": lambda: (g.kontonummer_text(), BANK),
            "iban": lambda: (g.iban_text(), IBAN),
            "card": lambda: (g.card_text(), CARD),
            "meter": lambda: (g.meter_id(), METER_ID),
            "serial": lambda: (g.meter_serial(), METER_SERIAL),
            "orgnr": lambda: (g.orgnr_text(), ORGNR),
            "ip": lambda: (g.ip_text(), IP),
            "address": lambda: (g.address_text(), ADDRESS),
            "street": lambda: (g.street_text(), ADDRESS),
        }.get(name)
        if entity:
            return entity()
        t = dt.datetime(2024, 1, 1) + dt.timedelta(seconds=r.randint(0, 365 * 86400))
        filler = {
            "place": lambda: r.choice(TOWNS),
            "region": lambda: r.choice(REGIONS),
            "org": lambda: r.choice(ORGS),
            "company": lambda: f"{r.choice(TOWNS)} {r.choice(TRADES)} AS",
            "ts": lambda: t.strftime(r.choice(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S,%f"]))[:23],
            "clf_ts": lambda: t.strftime("%d/%b/%Y:%H:%M:%S +0100"),
            "uuid": self.uuid,
            "order": lambda: str(r.randint(10**10, 10**11 - 1)),
            "tstamp": self.compact_timestamp,
            "idnum": lambda: str(r.randint(10**7, 10**8 - 1)),
            "ms": lambda: str(r.randint(1, 30000)),
            "n": lambda: str(r.randint(1, 9)),
            "count": lambda: str(r.randint(10, 250000)),
            "bytes": lambda: str(r.randint(100, 10**9)),
            "host": self.hostname,
            "version": lambda: r.choice(TEXT_VERSIONS),
            "sha": self.hexhash,
            "hex": lambda: f"{r.getrandbits(32):08x}",
            "kid": lambda: self.kid(r.choice([7, 9, 11, 13, 15]), r.choice(["mod10", "mod11"])),
            "date": lambda: t.strftime(r.choice(["%d.%m.%Y", "%Y-%m-%d"])),
            "pid": lambda: str(r.randint(100, 99999)),
            "amount": lambda: f"{r.uniform(100, 20000):.2f}".replace(".", ","),
        }[name]
        return filler(), None

    def text_columns(self, t: str) -> None:
        """Free-text columns made of the corpus's sentences: they report every entity they contain."""
        groups = {
            "kommentar": [x for x in self.corpus.texts if x.kind == "planted"],
            "notat": [x for x in self.corpus.texts if x.kind == "names"],
            "beskrivelse": [x for x in self.corpus.texts if x.kind == "negative"],
            "logg": [x for x in self.corpus.texts if x.kind == "log"],
        }
        for name, items in groups.items():
            items = items[: min(len(items), self.n)]
            if not items:
                continue
            types = frozenset(e for x in items for _, _, e in x.spans)
            col = self.column(t, name, "text", [Cell(x.text, frozenset(e for _, _, e in x.spans)) for x in items],
                              types, hard_negative=not types, nulls=False)
            col.free_text = True

    def build(self) -> Corpus:
        self.texts()
        tables = [("kunde", self.customer), ("kunde_legacy", self.legacy_customer), ("maalepunkt", self.metering),
                  ("betaling", self.payments), ("leverandor", self.suppliers), ("tilgangslogg", self.access_log),
                  ("system", self.system), ("ordre", self.orders), ("import_raw", self.raw_import)]
        for r in range(self.repeats):
            suffix = "" if r == 0 else f"_{r + 1}"
            for name, build in tables:
                self.table(name + suffix, build)
        self.table("henvendelse", self.text_columns)
        return self.corpus


def build(seed: int = 2026, size: str = "small") -> Corpus:
    """The corpus for `seed` and `size` ("small" or "full"); the same arguments give the same corpus."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    return CorpusBuilder(seed, size).build()


TRADES = ["Kraft", "Energi", "Bygg", "Regnskap", "Transport", "Elektro", "Rør", "Eiendom", "Data", "Maskin"]
PRODUCTS = ["Strøm Fastpris 12 mnd", "Spotpris Plus", "Fjernvarme Basis", "Nettleie Hytte", "Solcellepakke 10 kW",
            "Varmepumpe Service", "Strøm Innkjøpspris", "Elbillader Hjem", "Smart Styring", "Bedrift Spot"]
VERSIONS = ["1.2.3", "10.0.19041.1", "2.14.1", "v3.2.1-beta", "5.15.0-91-generic", "4.19.2", "2024.1.0",
            "1.0.0-rc.2", "3.11.7", "0.9.12", "6.1.0.22", "12.4.1.3"]
# In running text a four-part version (6.1.0.22) is an IP address by any reading of the value
# alone; columns keep them (the column must not be called), text does not.
TEXT_VERSIONS = [v for v in VERSIONS if not chance_matches(v)]

# Free-text templates. {phone_any}, {konto_any} and {serial} may be written bare, so they always
# follow a context word; {phone} and {konto} are written in a form that is convincing alone.
PLANTED = [
    "Kunden {name} ringte i dag angående faktura for {street}.",
    "Hei, jeg heter {name} og flytter til {address} fra 1. desember.",
    "Fødselsnummer: {fnr}. Målepunkt-ID for den nye adressen er {meter}.",
    "Ring meg på tlf. {phone_any} eller send e-post til {email}.",
    "Tilbakebetaling av depositum til kontonr {konto_any}.",
    "Ny kunde registrert: {name}, fnr {fnr}, mobil {phone_any}.",
    "Vennligst oppdater e-postadressen min til {email}, mvh {name}",
    "{name} ({fnr}) har bedt om innsyn etter GDPR artikkel 15.",
    "Målepunkt {meter} ble overført til ny eier den {date}.",
    "Måleren med målernummer {serial} er byttet, ny avlesning er registrert.",
    "Betalingen kom fra {iban} og er bokført.",
    "Kunden oppga kortnummer {card} over telefon, dette skal ikke lagres.",
    "Leverandør: {company}, org.nr. {orgnr}",
    "Innlogging fra {ip} for bruker {email} ble avvist.",
    "Send fakturaen til {address}, att. {name}.",
    "Refusjon utbetales til konto {konto_any} innen fem virkedager.",
    "{fnr} mangler i folkeregisteret, sjekk med kunden.",
    "Kan du ringe {name} på {phone}? Hun venter på svar.",
    "Kontaktperson for anlegget er {name}, telefon {phone_any}.",
    "Vi har mottatt din henvendelse, {first}. Saken er under behandling.",
    "Melding fra {email}: strømmen har vært borte siden i går.",
    "Anlegget i {street} har målepunkt-ID {meter} og målernummer {serial}.",
    "D-nummer {fnr} er registrert på {name}.",
    "Oppdatert bankkonto: {konto_any}. Gammel konto slettes.",
    "Ta kontakt på {phone} eller {email} om du har spørsmål. Hilsen {name}",
    "Person: {name_rev}; adresse: {address}",
    "Beboer {name_caps} i {street} klager på høy strømregning.",
    "Sjekk IP {ip} i brannmurloggen, den sendte 300 forespørsler.",
    "Kunden har IBAN {iban} og ønsker månedlig faktura.",
    "Personnummer {fnr} ble tastet inn feil i skjemaet.",
    "Send SMS til {phone} når måleren er montert.",
    "Ny adresse: {address}. Gammel adresse var {street}.",
    "Faktura på {amount} kr er sendt til {email} og forfaller {date}.",
    "Utbetaling til {konto} er godkjent av {name}.",
    "Kortet {card} ble avvist ved betaling i nettbutikken.",
    "Mobilnummer {phone_any} tilhører {name}.",
    "Vi fant {fnr} i et regneark på fellesområdet.",
    "Ekstern IP {ip} forsøkte å logge inn som {email} klokka 03:12.",
]
NAME_SENTENCES = [
    "{name} ringte og ville endre fakturaadressen.",
    "Møte med {name} og {name2} på tirsdag.",
    "Saksbehandler: {name}",
    "Hilsen {first}",
    "Takk for hjelpen, {first}!",
    "Jeg snakket med {name} fra kundeservice i går.",
    "{name_rev} er registrert som kontaktperson.",
    "Avtalen er signert av {name} og sendt til arkivet.",
    "Fullmakt er gitt til {name}, se vedlegg.",
    "Kunden {name} har flyttet og ønsker å si opp avtalen.",
    "Etter samtale med {first} {last} ble saken lukket.",
    "Ring tilbake til {first} etter klokka 15.",
    "{name} har fått innvilget betalingsutsettelse til mars.",
    "Arvingene etter {name} ønsker å overta abonnementet.",
    "Hei {first}, takk for at du tok kontakt med oss.",
    "Overført fra {name} til {name2} etter skilsmisse.",
    "Montør {first} var på stedet og byttet måleren.",
    "Klage fra {name} om feil i avregningen for januar.",
    "Referat: {name} la fram forslaget, {name2} var uenig.",
    "Dødsbo etter {name}, kontakt advokat for videre behandling.",
    "{name} og {name2} er oppført som eiere av boligen.",
    "Beskjed til {name}: måleren byttes neste uke.",
    "Kunden heter {name} og bor i {place}.",
    "Oppfølging: {name} venter fortsatt på kreditnota.",
    "Samboer {name} har fullmakt til å endre avtalen.",
    "Vedlagt er brev fra {name_rev} datert 3. mars.",
]
NEGATIVE_SENTENCES = [
    "Møtet i {place} ble flyttet til {place2} på grunn av været.",
    "{org} varsler planlagt strømbrudd i {place} tirsdag formiddag.",
    "Strømprisen i NO2 steg med 12 prosent i januar.",
    "Fakturaen for mars er sendt ut til alle kunder i {place}.",
    "Leveransen fra {org} kom fram til {place} onsdag morgen.",
    "Kundeservice er stengt 2. påskedag og 17. mai.",
    "Ny tariff fra {org} gjelder fra 1. juli.",
    "Nettleien i {place} øker med 3,5 øre per kWh fra nyttår.",
    "Avbruddet i {place} varte i 45 minutter og berørte 1 200 kunder.",
    "Vi flytter kontoret fra {place} til {place2} i august.",
    "Takk for at du er kunde hos {org}.",
    "Se vedlagte rapport fra {org} for tredje kvartal.",
    "Mandag og tirsdag er det vedlikehold på Elhub-integrasjonen.",
    "Husk å lese av måleren innen fredag.",
    "Den nye kundeportalen lanseres i {place} før jul.",
    "Statistikk fra {org} viser økt forbruk i {region} i desember.",
    "{org} og {org2} har inngått ny avtale om fjernvarme.",
    "Stormen rammet {region} natt til søndag, og mange mistet strømmen.",
    "Vi har fått nye priser fra Nord Pool for uke 48.",
    "Kabelen mellom {place} og {place2} skal erstattes neste år.",
    "Alle anlegg i {region} får nye målere innen utgangen av året.",
    "Prosjektet i {place} er forsinket, men budsjettet holder.",
    "Nye regler fra {org} krever timesavregning for alle kunder.",
    "Rapporten fra {region} viser at nettet i {place} er overbelastet.",
]
LOG_LINES = [
    "{ts} INFO request_id={uuid} path=/api/v1/orders/{order} status=200 took={ms}ms",
    "{ts} ERROR job batch_{tstamp} failed after {ms} ms (retry {n}/5)",
    "{ts} WARN disk usage 87% on {host}, {bytes} bytes free",
    "GET /static/app.{hex}.js HTTP/1.1 200 {bytes}",
    "{ts} DEBUG cache hit key=order:{order} ttl=3600",
    "{ts} INFO deployed version {version} to {host}",
    "pid={pid} thread=worker-{n} sha256={sha} verified",
    "{ts} INFO imported {count} rows from kunde_export_{tstamp}.csv in {ms} ms",
    "{ts} ERROR id={idnum} not found in table ordre",
    "{ts} INFO KID {kid} matched invoice {order}",
    "{ts} INFO os.system('ls') returned 0; app.service.main started on {host}",
    "{ts} INFO meter reading batch {tstamp} processed: {count} readings, 0 rejected",
    "{ts} WARN slow query ({ms} ms): SELECT * FROM ordre WHERE id = {idnum}",
    "{ts} INFO order {order} shipped, tracking {idnum}, amount {amount}",
]
POSITIVE_LOGS = [
    '{ip} - - [{clf_ts}] "GET /min-side HTTP/1.1" 200 {bytes}',
    "{ts} INFO login ok user={email} from {ip}",
    "{ts} WARN failed login for {email}",
    "{ts} INFO session {uuid} started from {ip}",
]
