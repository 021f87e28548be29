"""The second generated estate: an IT-operations company's own systems and a power retailer's customer system.

Built to differ from the demo estate (demo/estate.py, demo/estate_files.py) the way one customer
differs from the next: English, Norwegian and opaque column names, an attribute/value table, URLs
with identifiers inside them, version strings that look like IPv4 addresses, role mailboxes,
messy spreadsheets and three kinds of log. Everything comes from a seed; the values are synthetic
(Tenor fødselsnumre, check digits from `detectors.synthetic` and `stdnum`, names from Faker's
`no_NO` locale, e-mail addresses at example domains).

    python -m bench.estate_ops OUT_DIR [--rows 300] [--log-lines 2000] [--seed 2026]

writes OUT_DIR/drift.sqlite (the tables, by SQLAlchemy, so `populate` fills PostgreSQL just as
well), OUT_DIR/filer/ and OUT_DIR/logg/. `write_estate` returns the labels:

- `SQL_LABELS`: {(table, column): entity types}, every column of every table;
- files and logs: {relative path: {field: entity types}}, the field named as the crawlers name it
  (CSV header, XLSX `Sheet!Header`, JSON path `adresser[].sted`, log fields `client_ip`, `path`,
  `query.fnr`, logfmt keys); a plain-text file is judged as a whole, its one field is None.

Labels say what the data holds, i.e. what a correct scanner reports, not what kartlegg reports
today. The decisions for the cases a reader could argue about:

- Version strings (`firmware` 10.2.3.4, `build=1.2.3.4`, "Versjon 10.2.3.4" in prose,
  `Chrome/124.0.0.0` in user agents): nothing. A user_agent field: nothing.
- 11-digit numbers that are not identity numbers (invoice numbers, `job=` ids in the worker log):
  nothing, although about 1% of them pass the fødselsnummer checks by chance.
- KIDs, customer numbers, asset tags, UUIDs, SHA-256, MACs, GTIN/GLN, phone model names,
  hostnames: nothing.
- A column holding only role mailboxes (`faktura@`, `post@`, `support@`, `noreply@`, … at company
  domains): nothing, a function's address is no person's. Role mailboxes mixed with personal
  addresses in one column: EMAIL_ADDRESS (the personal ones are there).
- Datacentre `rack_power_kwh` (no meter, customer or household in the table): nothing. The
  retailer's `forbruk_kwh` next to a målepunkt-ID: METER_READING.
- A URL column with `?fnr=` in some query strings: NO_FODSELSNUMMER. A request-path field with
  målepunkt-IDs in the path: NO_METER_ID. The nginx query parameter field `query.fnr`:
  NO_FODSELSNUMMER.
- The EAV `value` column: every personal kind it holds (EMAIL_ADDRESS, NO_PHONE_NUMBER); its
  `attribute` and `entity_id` columns: nothing.
- Opaque column names (`c1`, `f_07`, `x`): what they hold (fødselsnummer, kontonummer, e-mail).
- A city column (`sted`, JSON `adresser[].sted`) next to street and postcode: NO_ADDRESS, like
  `poststed`; the street and postcode columns too.
- Server management IPs (`mgmt_ip`), client IPs in logs: IP_ADDRESS.
- Company names (CRM `company`, XLSX `Firma`): nothing, even when they carry a surname.
- Organisation numbers are labelled NO_ORGANIZATION_NUMBER, which is not personal data (the
  scorer only counts personal types).
- The CSV with odd header names and the XLSX sheet with a title row and a blank row above its
  header are labelled under their real header names: a correct scanner finds the header.
- The manual (prose, versions, role mailboxes): nothing. The letter: PERSON and NO_ADDRESS.

Added for breadth (30 tables, 222 columns; 23 files; 6 log datasets in 8 files):

- Account names (`users.username`, `changed_by`, `author`, `ownerUser`, `assigned_user`, `ack_by`,
  the `user` column of the workstation CSV, `for kari` / `USER=` / `PWD=/home/kari` in the auth
  log), shaped `knordmann`, `kari.nordmann`, `kano07`, `adm-karin`: nothing. kartlegg has no
  account type and an account name is no PERSON; the person sits in `display_name` and `email`
  next to it. Personal addresses at the company's own domain (`users.email`): EMAIL_ADDRESS.
- Hostnames with a first name in them (`kari-laptop`, `ola-pc2`, `home_host`, in the YAML config):
  nothing, a machine's name.
- 8-digit sequential ids in the mobile ranges (`ordre_id` 4xxxxxxx, JSON `saksnr` 9xxxxxxx),
  4-digit codes that are not postcodes (`pin`, `kostnadssted` incl. values that are real
  postnumre, `byggeaar`, `purchase_year`), digit timestamps (`betalt_ts` yyyymmddHHMMSS,
  `changed_at_epoch`, `fired_epoch_ms`), amounts as text (`12 345,50`), 3- and 4-part OS and
  agent versions, serial numbers, GTIN-14, SSCC (18 digits, GS1-valid), GLN, MACs in three
  notations, UUIDs, SHA-256, 11-digit order references and invoice numbers: nothing.
- Free-text notes: what they hold. `crm_activity.notat` (names, street addresses, phones in
  sentences): PERSON, NO_PHONE_NUMBER, NO_ADDRESS; `avtale.merknad`: PERSON, NO_PHONE_NUMBER.
  Notes with place, company and product names and versions but no person (`hr_fravaer.kommentar`,
  `helpdesk_comment.body`, the patching routine `.md`): nothing.
- JSON in TEXT columns is labelled per field path, as the scanner reads it (`attr1.kontakt.epost`,
  `request_body.customer.phone`, `diff.fra`). An audit diff's `fra`/`til` hold old and new values
  of whichever field changed (status, department, mobile, e-mail): EMAIL_ADDRESS and
  NO_PHONE_NUMBER, like the EAV `value` column; `diff.felt`: nothing.
- A mobile stored as INTEGER (`users.mobile`) or as BIGINT with the country code
  (`avtale.kontakt_mobil` 47XXXXXXXX): NO_PHONE_NUMBER. A kontonummer as NUMERIC
  (`faktura.innbetalt_fra`), dotted (`1234.56.78903`) or plain: NO_BANK_ACCOUNT. Fødselsnumre and
  D-numbers written `DDMMYY NNNNN` or `DDMMYY-NNNNN` (`KUNDE_FNR`, `attr3`): NO_FODSELSNUMMER.
  Card numbers on test BINs, Luhn-valid, plain or grouped: CREDIT_CARD; the card holder: PERSON.
- Columns that are mostly NULL or empty strings (`felt_12`, `TLF`, `EPOST`, `epost_kopi`, `iban`):
  what their non-empty values hold. A column of only `""`, `-`, `N/A`, `ukjent` (`FELT_9`): nothing.
- Consumption: `faktura.forbruk_kwh` next to `kunde_id`, `Årsforbruk kWh` next to a målepunkt-ID,
  readings in the gzip'd export and the XLSX `Avlesninger` sheet: METER_READING. The XLSX
  `Sammendrag` sheet (sums and averages per price area, no meter, customer or household):
  nothing, like `rack_power_kwh`.
- `Company`, `Firma`, `nettselskap` (companies), `prisomrade`, `Nettområde`: nothing.
- A headerless CSV is labelled `col1…`, as the crawler names its columns. A CSV with a title line
  and a blank line above its header, and the XLSX sheet with a title row, under their header.
- Config files (YAML, INI: role mailboxes, hostnames, versions): nothing. The meeting note (names
  and phone numbers in sentences): PERSON, NO_PHONE_NUMBER. The second letter: PERSON, NO_ADDRESS.
- Logs: the auth log's `message` holds client IPs: IP_ADDRESS; its `host`, `program` and the
  sudo key=value fields: nothing. The Python app log's `message` (e-mails, client IPs, e-mails in
  tracebacks): EMAIL_ADDRESS, IP_ADDRESS; `logger`: nothing. The JSON gateway log: `user.email`
  EMAIL_ADDRESS, `request.headers.x-forwarded-for` IP_ADDRESS, `trace_id`, `user.id`,
  `request.path`, the user agent: nothing. The rotated `auth.log`, `auth.log.1`, `auth.log.2.gz`
  are one dataset (`syslog/auth.log*`), each file labelled alike.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import random
import re
import uuid
import zipfile
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from stdnum import ean, luhn

from detectors import synthetic

FNR, PERSON, ADDRESS, PHONE, EMAIL = "NO_FODSELSNUMMER", "PERSON", "NO_ADDRESS", "NO_PHONE_NUMBER", "EMAIL_ADDRESS"
BANK, METER_ID, READING, IP, ORGNR = "NO_BANK_ACCOUNT", "NO_METER_ID", "METER_READING", "IP_ADDRESS", \
    "NO_ORGANIZATION_NUMBER"
CARD, IBAN, SERIAL = "CREDIT_CARD", "IBAN_CODE", "NO_METER_SERIAL"

Labels = dict[str, dict[str | None, frozenset[str]]]
NONE: frozenset[str] = frozenset()
START = dt.datetime(2024, 5, 1)
BATCH = 2000

# Real postnummer/poststed pairs, none of them in the demo estate's list.
_PLACES = [
    ("9406", "Harstad"), ("2815", "Gjøvik"), ("3510", "Hønefoss"), ("5411", "Stord"), ("6800", "Førde"),
    ("7500", "Stjørdal"), ("8300", "Svolvær"), ("4370", "Egersund"), ("1440", "Drøbak"), ("3616", "Kongsberg"),
    ("9900", "Kirkenes"), ("0561", "Oslo"), ("5145", "Fyllingsdalen"), ("7030", "Trondheim"), ("4021", "Stavanger"),
    ("3182", "Horten"), ("1811", "Askim"), ("6100", "Volda"), ("8800", "Sandnessjøen"), ("2406", "Elverum"),
]
_MAIL_DOMAINS = ["example.no", "example.com", "post.example.no", "online.example.com"]
_COMPANY_DOMAINS = ["nordavind-drift.example.no", "fjellnett.example.no", "havbruk-data.example.com",
                    "solsiden-regnskap.example.no", "bryggen-it.example.com", "polarkraft.example.no"]
ROLE_LOCALS = ("faktura", "post", "support", "noreply", "kundeservice", "regnskap", "drift")
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", " ": ".", "-": "."})
_FIRMS = ["Nordavind Drift", "Fjellnett", "Havbruk Data", "Bryggen IT", "Solsiden Regnskap"]
_PHONE_MODELS = ["iPhone 15 Pro", "iPhone 13 mini", "Samsung Galaxy S24", "Samsung Galaxy A54", "Google Pixel 8",
                 "Fairphone 5", "Nokia G42", "OnePlus 12", "Xiaomi Redmi Note 13"]
_AGENTS = [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/123.0.6312.122 Safari/537.36"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36 Edg/124.0.2478.80"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Mobile/15E148 Safari/604.1"),
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "curl/8.5.0", "kube-probe/1.29", "Prometheus/2.51.2",
]


# -- people and small generators -----------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    fnr: str
    first: str
    last: str
    street: str
    postnr: str
    sted: str
    mobile: str  # 8 digits; written in several forms where it is stored
    email: str
    kontonr: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def people(count: int, seed: int, tag: str) -> list[Person]:
    """`count` people; `tag` keeps the employees, contacts and retail customers apart."""
    from faker import Faker

    rnd = random.Random(f"{seed}:{tag}:people")
    fake = Faker("no_NO")
    fake.seed_instance(f"{seed}:{tag}")
    out = []
    for i in range(count):
        first, last = fake.first_name(), fake.last_name()
        postnr, sted = rnd.choice(_PLACES)
        local = re.sub(r"[^a-z0-9.]", "", f"{first}.{last}".lower().translate(_ASCII))
        out.append(Person(fnr=synthetic.fodselsnummer(rnd), first=first, last=last, street=fake.street_address(),
                          postnr=postnr, sted=sted, mobile=synthetic.phone_digits(rnd),
                          email=f"{local}{i % 89 or ''}@{rnd.choice(_MAIL_DOMAINS)}",
                          kontonr=synthetic.kontonummer(rnd)))
    return out


def role_mailbox(rnd: random.Random) -> str:
    return f"{rnd.choice(ROLE_LOCALS)}@{rnd.choice(_COMPANY_DOMAINS)}"


def version(rnd: random.Random) -> str:
    """A four-part firmware or build version; the last part is sometimes a build number above 255."""
    build = rnd.randint(0, 60) if rnd.random() < 0.7 else rnd.randint(256, 4999)
    return f"{rnd.choice([1, 2, 4, 7, 10, 10, 12, 16])}.{rnd.randint(0, 12)}.{rnd.randint(0, 9)}.{build}"


def mgmt_ip(rnd: random.Random) -> str:
    kind = rnd.random()
    if kind < 0.5:
        return f"10.{rnd.choice([40, 41, 80, 200])}.{rnd.randint(0, 63)}.{rnd.randint(2, 254)}"
    if kind < 0.7:
        return f"172.{rnd.randint(16, 31)}.{rnd.randint(0, 255)}.{rnd.randint(2, 254)}"
    if kind < 0.8:
        return f"192.168.{rnd.randint(0, 20)}.{rnd.randint(2, 254)}"
    return f"{rnd.choice([81, 85, 92, 109, 193, 195])}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"


def client_ip(rnd: random.Random) -> str:
    if rnd.random() < 0.9:
        return f"{rnd.choice([46, 62, 80, 84, 89, 91, 129, 158, 178, 188])}.{rnd.randint(0, 255)}." \
               f"{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
    return "2a02:" + ":".join(f"{rnd.getrandbits(16):x}" for _ in range(7))


def gs1(rnd: random.Random, prefix: str, length: int = 13) -> str:
    body = prefix + "".join(str(rnd.randint(0, 9)) for _ in range(length - 1 - len(prefix)))
    return body + ean.calc_check_digit(body)


def kid(rnd: random.Random) -> str:
    body = "".join(str(rnd.randint(0, 9)) for _ in range(rnd.randint(9, 14)))
    return body + luhn.calc_check_digit(body)


def random_11(rnd: random.Random) -> str:
    """An 11-digit number drawn at random: about 1 in 100 passes the fødselsnummer checks."""
    return str(rnd.randint(10**10, 10**11 - 1))


def written_phone(rnd: random.Random, digits: str, forms=("intl", "plain", "00", "spaced3")) -> str:
    return synthetic.format_phone(digits, rnd.choice(forms))


def _when(rnd: random.Random, days: int = 60) -> dt.datetime:
    return START + dt.timedelta(seconds=rnd.randint(0, days * 86400))


# -- SQL ------------------------------------------------------------------------------------------
def build_metadata() -> MetaData:
    md = MetaData()
    S = String
    Table("crm_contact", md, Column("contact_id", Integer, primary_key=True, autoincrement=False),
          Column("first_name", S(60)), Column("last_name", S(60)), Column("email", S(120)),
          Column("mobile", S(24)), Column("company", S(120)), Column("customer_no", Integer),
          Column("created", DateTime))
    Table("crm_company", md, Column("company_id", Integer, primary_key=True, autoincrement=False),
          Column("name", S(120)), Column("orgnr", S(9)), Column("invoice_email", S(120)),
          Column("contact_email", S(120)), Column("tier", S(20)))
    Table("hr_ansatt", md, Column("ansatt_id", Integer, primary_key=True, autoincrement=False),
          Column("navn", S(100)), Column("fnr", S(11)), Column("gate", S(100)), Column("postnr", S(4)),
          Column("sted", S(50)), Column("mobil", S(24)), Column("stilling", S(60)), Column("avdeling", S(40)))
    Table("hr_lonn", md, Column("lonn_id", Integer, primary_key=True, autoincrement=False),
          Column("ansatt_id", Integer), Column("personnr", BigInteger), Column("kontonummer", S(11)),
          Column("maanedslonn", Numeric(10, 2)), Column("utbetalt", Date))
    Table("helpdesk_ticket", md, Column("ticket_id", Integer, primary_key=True, autoincrement=False),
          Column("opened", DateTime), Column("category", S(40)), Column("priority", S(10)),
          Column("beskrivelse", Text), Column("status", S(20)))
    Table("billing_invoice", md, Column("invoice_no", BigInteger, primary_key=True, autoincrement=False),
          Column("customer_no", Integer), Column("orgnr", S(9)), Column("kid", S(25)),
          Column("amount", Numeric(12, 2)), Column("currency", S(3)), Column("due", Date))
    Table("cmdb_asset", md, Column("asset_id", Integer, primary_key=True, autoincrement=False),
          Column("hostname", S(80)), Column("firmware", S(24)), Column("mgmt_ip", S(45)), Column("mac", S(17)),
          Column("asset_tag", S(20)), Column("uuid", S(36)), Column("config_sha256", S(64)),
          Column("gtin", S(14)), Column("supplier_gln", S(13)), Column("phone_model", S(40)))
    Table("dc_rack_metrics", md, Column("rack_id", S(12), primary_key=True),
          Column("measured", DateTime, primary_key=True), Column("rack_power_kwh", Numeric(10, 3)),
          Column("inlet_temp_c", Numeric(4, 1)))
    Table("eav_value", md, Column("row_id", Integer, primary_key=True, autoincrement=False),
          Column("entity_id", Integer), Column("attribute", S(30)), Column("value", S(200)))
    Table("imp_raw", md, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("c1", S(11)), Column("f_07", S(11)), Column("x", S(120)), Column("c2", S(8)))
    Table("api_request", md, Column("request_id", Integer, primary_key=True, autoincrement=False),
          Column("url", S(300)), Column("method", S(8)), Column("status", Integer), Column("received", DateTime))
    Table("kunde", md, Column("kunde_id", Integer, primary_key=True, autoincrement=False),
          Column("fnr", S(11)), Column("navn", S(100)), Column("adresse", S(100)), Column("postnr", S(4)),
          Column("poststed", S(50)), Column("telefon", S(24)), Column("epost", S(120)))
    Table("maaleravlesning", md, Column("avlesning_id", Integer, primary_key=True, autoincrement=False),
          Column("maalepunkt_id", S(18)), Column("kunde_id", Integer), Column("periode", Date),
          Column("forbruk_kwh", Numeric(10, 3)))
    # -- accounts, audit, CRM activity, HR extras, helpdesk comments
    Table("users", md, Column("user_id", Integer, primary_key=True, autoincrement=False),
          Column("username", S(40)), Column("email", S(120)), Column("display_name", S(100)),
          Column("mobile", Integer), Column("home_host", S(60)), Column("last_login", DateTime),
          Column("is_admin", Integer), Column("pin", S(4)))
    Table("audit_log", md, Column("audit_id", BigInteger, primary_key=True, autoincrement=False),
          Column("tbl", S(40)), Column("record_id", Integer), Column("action", S(10)), Column("changed_by", S(40)),
          Column("changed_at", DateTime), Column("changed_at_epoch", BigInteger), Column("source_ip", S(45)),
          Column("diff", Text))
    Table("crm_activity", md, Column("activity_id", Integer, primary_key=True, autoincrement=False),
          Column("contact_id", Integer), Column("activityType", S(20)), Column("CustomerPhone", S(30)),
          Column("notat", Text), Column("felt_12", S(120)), Column("due", Date), Column("ownerUser", S(40)))
    Table("hr_parorende", md, Column("parorende_id", Integer, primary_key=True, autoincrement=False),
          Column("ansatt_id", Integer), Column("NAVN", S(100)), Column("RELASJON", S(20)), Column("TLF", S(24)),
          Column("EPOST", S(120)))
    Table("hr_fravaer", md, Column("fravaer_id", Integer, primary_key=True, autoincrement=False),
          Column("ansatt_id", Integer), Column("fra", Date), Column("til", Date), Column("kode", S(6)),
          Column("kostnadssted", S(4)), Column("kommentar", Text))
    Table("helpdesk_comment", md, Column("comment_id", BigInteger, primary_key=True, autoincrement=False),
          Column("ticket_id", Integer), Column("author", S(40)), Column("created", DateTime), Column("body", Text),
          Column("internal", Integer))
    # -- payments and orders
    Table("billing_payment", md, Column("payment_id", Integer, primary_key=True, autoincrement=False),
          Column("invoice_no", BigInteger), Column("card_number", S(23)), Column("card_holder", S(100)),
          Column("card_exp", S(5)), Column("iban", S(40)), Column("fra_konto", S(13)), Column("belop_tekst", S(20)),
          Column("kid", S(25)), Column("betalt_ts", S(14)))
    Table("billing_order_line", md, Column("line_id", Integer, primary_key=True, autoincrement=False),
          Column("ordre_id", Integer), Column("gtin14", S(14)), Column("sscc", S(18)), Column("produkt", S(80)),
          Column("antall", Integer), Column("enhetspris", Numeric(10, 2)), Column("kostnadssted", Integer),
          Column("ordre_ref", S(11)))
    # -- operations and monitoring
    Table("cmdb_workstation", md, Column("ws_id", Integer, primary_key=True, autoincrement=False),
          Column("hostname", S(40)), Column("serial_no", S(20)), Column("model", S(40)), Column("os_version", S(20)),
          Column("assigned_user", S(40)), Column("mac_addr", S(17)), Column("last_ip", S(45)),
          Column("purchase_year", Integer), Column("bios_uuid", S(36)))
    Table("mon_alert", md, Column("alert_id", BigInteger, primary_key=True, autoincrement=False),
          Column("host", S(60)), Column("check_name", S(40)), Column("fired_epoch_ms", BigInteger),
          Column("value", Numeric(12, 3)), Column("notify", S(120)), Column("ack_by", S(40)),
          Column("runbook", S(200)), Column("labels", Text))
    # -- a second EAV style, an import staging table, the API's own log table
    Table("kontakt_ext", md, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("contact_id", Integer), Column("attr1", Text), Column("attr2", Text), Column("attr3", S(13)),
          Column("attr4", S(40)))
    Table("imp_kunde_stage", md, Column("ROW_ID", Integer, primary_key=True, autoincrement=False),
          Column("KUNDE_NR", S(10)), Column("KUNDE_NAVN", S(100)), Column("KUNDE_TLF", S(30)),
          Column("KUNDE_FNR", S(13)), Column("KONTO", S(13)), Column("IMPORT_BATCH", S(36)), Column("ROW_HASH", S(64)),
          Column("FELT_9", S(40)))
    Table("api_log", md, Column("id", BigInteger, primary_key=True, autoincrement=False), Column("ts", DateTime),
          Column("endpoint", S(120)), Column("client_ip", S(45)), Column("user_agent", S(300)),
          Column("correlation_id", S(36)), Column("request_body", Text), Column("response_ms", Integer))
    # -- the retailer: målepunkt, anlegg, faktura, avtale
    Table("maalepunkt", md, Column("maalepunkt_id", S(18), primary_key=True), Column("nettselskap", S(60)),
          Column("nettselskap_gln", S(13)), Column("prisomrade", S(3)), Column("sikring_a", Integer),
          Column("status", S(12)))
    Table("anlegg", md, Column("anlegg_id", Integer, primary_key=True, autoincrement=False),
          Column("kunde_id", Integer), Column("maalepunkt_id", S(18)), Column("maalernummer", S(16)),
          Column("anleggsadresse", S(100)), Column("postnr", S(4)), Column("sted", S(50)), Column("byggeaar", Integer),
          Column("boligtype", S(20)))
    Table("faktura", md, Column("faktura_nr", BigInteger, primary_key=True, autoincrement=False),
          Column("kunde_id", Integer), Column("kid", S(25)), Column("belop", Numeric(12, 2)), Column("forfall", Date),
          Column("innbetalt_fra", Numeric(11, 0)), Column("epost_kopi", S(120)), Column("periode", S(7)),
          Column("forbruk_kwh", Numeric(10, 3)))
    Table("avtale", md, Column("avtale_id", Integer, primary_key=True, autoincrement=False),
          Column("kunde_id", Integer), Column("produkt", S(40)), Column("startdato", Date), Column("kanal", S(20)),
          Column("selger", S(100)), Column("merknad", Text), Column("kontakt_mobil", BigInteger))
    return md


_SQL_POSITIVE: dict[str, dict[str, set[str]]] = {
    "crm_contact": {"first_name": {PERSON}, "last_name": {PERSON}, "email": {EMAIL}, "mobile": {PHONE}},
    "crm_company": {"orgnr": {ORGNR}, "contact_email": {EMAIL}},
    "hr_ansatt": {"navn": {PERSON}, "fnr": {FNR}, "gate": {ADDRESS}, "postnr": {ADDRESS}, "sted": {ADDRESS},
                  "mobil": {PHONE}},
    "hr_lonn": {"personnr": {FNR}, "kontonummer": {BANK}},
    "helpdesk_ticket": {"beskrivelse": {PERSON, PHONE, EMAIL}},
    "billing_invoice": {"orgnr": {ORGNR}},
    "cmdb_asset": {"mgmt_ip": {IP}},
    "eav_value": {"value": {EMAIL, PHONE}},
    "imp_raw": {"c1": {FNR}, "f_07": {BANK}, "x": {EMAIL}},
    "api_request": {"url": {FNR}},
    "kunde": {"fnr": {FNR}, "navn": {PERSON}, "adresse": {ADDRESS}, "postnr": {ADDRESS}, "poststed": {ADDRESS},
              "telefon": {PHONE}, "epost": {EMAIL}},
    "maaleravlesning": {"maalepunkt_id": {METER_ID}, "forbruk_kwh": {READING}},
    "users": {"email": {EMAIL}, "display_name": {PERSON}, "mobile": {PHONE}},
    "audit_log": {"source_ip": {IP}},
    "crm_activity": {"CustomerPhone": {PHONE}, "notat": {PERSON, PHONE, ADDRESS}, "felt_12": {EMAIL}},
    "hr_parorende": {"NAVN": {PERSON}, "TLF": {PHONE}, "EPOST": {EMAIL}},
    "billing_payment": {"card_number": {CARD}, "card_holder": {PERSON}, "iban": {IBAN}, "fra_konto": {BANK}},
    "cmdb_workstation": {"last_ip": {IP}},
    "kontakt_ext": {"attr3": {FNR}},
    "imp_kunde_stage": {"KUNDE_NAVN": {PERSON}, "KUNDE_TLF": {PHONE}, "KUNDE_FNR": {FNR}, "KONTO": {BANK}},
    "api_log": {"client_ip": {IP}},
    "maalepunkt": {"maalepunkt_id": {METER_ID}},
    "anlegg": {"maalepunkt_id": {METER_ID}, "maalernummer": {SERIAL}, "anleggsadresse": {ADDRESS},
               "postnr": {ADDRESS}, "sted": {ADDRESS}},
    "faktura": {"innbetalt_fra": {BANK}, "epost_kopi": {EMAIL}, "forbruk_kwh": {READING}},
    "avtale": {"selger": {PERSON}, "merknad": {PERSON, PHONE}, "kontakt_mobil": {PHONE}},
}

# Text columns that hold JSON documents: the scanner reads them as field paths, and so do the labels.
_SQL_JSON: dict[tuple[str, str], dict[str, set[str]]] = {
    ("audit_log", "diff"): {"diff.felt": set(), "diff.fra": {EMAIL, PHONE}, "diff.til": {EMAIL, PHONE}},
    ("mon_alert", "labels"): {"labels.env": set(), "labels.team": set(), "labels.dc": set(),
                              "labels.agent_version": set()},
    ("kontakt_ext", "attr1"): {"attr1.kontakt.epost": {EMAIL}, "attr1.kontakt.mobil": {PHONE}, "attr1.kanal": set()},
    ("kontakt_ext", "attr2"): {"attr2.sprak": set(), "attr2.varsler[]": set(), "attr2.tema": set()},
    ("api_log", "request_body"): {"request_body.customer.name": {PERSON}, "request_body.customer.email": {EMAIL},
                                  "request_body.customer.phone": {PHONE}, "request_body.source": set(),
                                  "request_body.page": set(), "request_body.filter.omrade": set()},
}


def _sql_labels() -> dict[tuple[str, str], frozenset[str]]:
    out = {}
    for t in build_metadata().tables.values():
        for c in t.columns:
            paths = _SQL_JSON.get((t.name, c.name))
            if paths is None:
                out[(t.name, c.name)] = frozenset(_SQL_POSITIVE.get(t.name, {}).get(c.name, ()))
            else:
                out.update({(t.name, path): frozenset(types) for path, types in paths.items()})
    return out


SQL_LABELS: dict[tuple[str, str], frozenset[str]] = _sql_labels()

_TICKETS_PERSONAL = [
    "Bruker {name} får ikke logget inn på VPN etter passordbytte. Ring {tlf}.",
    "{name} ({email}) melder at skriveren i 3. etasje ikke svarer.",
    "Kontakt {name} på {tlf} eller {email} angående fornyelse av lisenser.",
    "Ny ansatt {name} trenger PC og tilgang til fellesområdet, startdato mandag. Tlf {tlf}.",
    "Passordbytte for {name} utført, bekreftet på e-post til {email}.",
]
_TICKETS_CLEAN = [
    "Versjon {ver} er rullet ut på alle servere i klynge B, ingen feil observert.",
    "Oppdaterte brannmuren til versjon {ver}. Planlagt nedetid 5 minutter.",
    "Diskplass på lagringsserveren under 10 %, volumet er utvidet med 2 TB.",
    "Sertifikatet for portalen fornyet, gyldig til neste år.",
    "Saken er videresendt til {role}, venter på svar fra leverandør.",
    "Backup-jobben feilet i natt, kjørt på nytt manuelt. Versjon {ver} av agenten.",
]
_EAV_OTHER = {
    "firmware": lambda rnd: version(rnd),
    "farge": lambda rnd: rnd.choice(["rød", "blå", "grønn", "svart", "hvit", "grå"]),
    "antall": lambda rnd: str(rnd.randint(1, 400)),
    "status": lambda rnd: rnd.choice(["aktiv", "pensjonert", "på lager"]),
}
_URLS_CLEAN = ["/api/v1/status", "/api/v1/produkter?side={side}", "/api/v1/priser?omrade=NO{zone}",
               "/api/v1/kunde/{n}/avtaler?side={side}", "/helse", "/api/v1/driftsmeldinger?siste=20"]


# -- the helpers and word lists of the tables added for breadth ------------------------------------
_COST_CENTRES = ["4021", "5145", "1440", "3510", "7030", "2000", "4100", "6100", "8800", "1811", "2406", "3182"]
_PRODUCTS = ["Microsoft 365 Business Premium", "FortiGate 60F", "Dell Latitude 5440", "Veeam Backup lisens",
             "Cisco Catalyst 9200L", "Lenovo ThinkPad T14 Gen 4", "iPhone 15 Pro 128 GB", "Samsung Galaxy S24",
             "HP EliteDisplay E24", "Driftsavtale Gull, mnd"]
_DEVICES = [("Lenovo ThinkPad T14", lambda r: f"10.0.{r.choice([19045, 22631])}.{r.randint(3000, 4400)}"),
            ("Dell Latitude 5440", lambda r: f"10.0.22631.{r.randint(3000, 3600)}"),
            ("MacBook Pro 14", lambda r: f"14.{r.randint(0, 5)}.{r.randint(0, 2)}"),
            ("iPhone 15 Pro", lambda r: f"17.{r.randint(0, 5)}.{r.randint(0, 1)}"),
            ("Samsung Galaxy S24", lambda r: f"14.0.{r.randint(0, 9)}"),
            ("Google Pixel 8", lambda r: f"14.{r.randint(0, 1)}.{r.randint(0, 9)}")]
_GRID_OPERATORS = [("Elvia AS", "7080005051469"), ("BKK Nett AS", "7080005052077"), ("Tensio TN AS", "7080005053609"),
                   ("Lede AS", "7080005052268"), ("Glitre Nett AS", "7080005052312")]
_POWER_PRODUCTS = ["Spotpris", "Spotpris Pluss", "Fastpris 12 mnd", "Fastpris 36 mnd", "Innkjøpspris", "Bedrift Spot"]
_NOTES_PERSONAL = [
    "Ringte {name} på {tlf}, ønsker tilbud på backup innen fredag.",
    "{name} har flyttet til {street}, {postnr} {sted}. Ny faktura sendes dit.",
    "Møte med {name} hos kunden i {street}, {postnr} {sted}. Ta med kontrakten.",
    "Snakket med {first} i resepsjonen; {name} er tilbake mandag, mobil {tlf}.",
    "Kunden ved {name} ber om at vi ringer {tlf} etter klokka 15.",
]
_NOTES_CLEAN = [
    "Tilbud på Microsoft 365 Business Premium sendt, 25 lisenser.",
    "Befaring i Harstad utsatt til uke 23 på grunn av vær.",
    "Bytte av FortiGate 60F til 80F i Stord, planlagt i juni.",
    "Kunden vurderer Telenor som ny linjeleverandør til kontoret i Kirkenes.",
    "Oppgradering til Windows Server 2022 avtalt, pris 12 345,50 kr eks. mva.",
]
_NOTES_NO_PERSON = [  # place, company and product names, versions, amounts, no person
    "Oppdatert Veeam Backup til {ver}, jobben kjører igjen.",
    "Venter på Elkjøp Bedrift for ny skjerm til kontoret i Gjøvik.",
    "Sjekket switchen i rack OSL2-R07, port 24 var nede. Byttet kabel.",
    "Kurs hos Atea i Trondheim: VMware vSphere 8, tre dager.",
    "Messe på Lillestrøm, stand sammen med Cisco Norge.",
    "Installasjon hos Kongsberg Gruppen, ny brannmur og to aksesspunkt.",
    "Lisensen for Adobe Acrobat Pro er fornyet til mars, 4 200,00 kr.",
    "Sak meldt til Microsoft support, sak 2405010040012345.",
]
_AGREEMENT_PERSONAL = [
    "Kunden {name} ønsker faktura på e-post; spørsmål til {other} på {tlf}.",
    "Avtalen overtatt av {other} etter dødsfall, nås på {tlf}.",
    "{other} har fullmakt for {name}, tlf {tlf}.",
]
_AGREEMENT_CLEAN = ["Byttet fra Fastpris 12 mnd til Spotpris Pluss.", "Kampanje høst 2024, tre måneder uten påslag.",
                    "Flyttet anlegget fra NO1 til NO4.", "Ønsker ikke reklame."]
_TEST_BINS = ["411111", "400000", "555555", "510510", "222300", "378282"]


def username(p: Person, i: int) -> str:
    """An account name in one of the shapes a directory holds (decision: not a PERSON)."""
    first, last = (re.sub(r"[^a-z]", "", x.lower().translate(_ASCII)) for x in (p.first, p.last))
    return [f"{first[0]}{last}", f"{first}.{last}", f"{first[:2]}{last[:2]}{i % 100:02d}", f"adm-{first}{last[0]}"][i % 4]


def company_email(p: Person, i: int) -> str:
    first, last = (re.sub(r"[^a-z.]", "", x.lower().translate(_ASCII)) for x in (p.first, p.last))
    return f"{first}.{last}{i % 7 or ''}@nordavind-drift.example.no"


def workstation_name(rnd: random.Random, p: Person) -> str:
    """`kari-laptop`: a machine's name with its user's first name (decision: nothing)."""
    first = re.sub(r"[^a-z]", "", p.first.lower().translate(_ASCII).split(".")[0])
    return f"{first}-{rnd.choice(['laptop', 'pc', 'mac', 'ws'])}{rnd.choice(['', '', '2'])}"


def serial_no(rnd: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
    return rnd.choice(["PF", "C02", "5CG", "SN-"]) + "".join(rnd.choice(letters) for _ in range(rnd.randint(6, 9)))


def written_card(rnd: random.Random) -> str:
    """A Luhn-valid number on a test BIN, written plain, in groups of four or with dashes."""
    prefix = rnd.choice(_TEST_BINS)
    length = 15 if prefix.startswith("37") else 16
    body = prefix + "".join(str(rnd.randint(0, 9)) for _ in range(length - len(prefix) - 1))
    number = body + luhn.calc_check_digit(body)
    form = rnd.random()
    if form < 0.4:
        return number
    sep = " " if form < 0.8 else "-"
    groups = [number[:4], number[4:10], number[10:]] if length == 15 else [number[i:i + 4] for i in range(0, 16, 4)]
    return sep.join(groups)


def written_iban(rnd: random.Random) -> str:
    number = synthetic.iban_no(rnd)
    return number if rnd.random() < 0.5 else " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def written_kontonr(number: str, rnd: random.Random) -> str:
    return f"{number[:4]}.{number[4:6]}.{number[6:]}" if rnd.random() < 0.5 else number


def written_fnr(rnd: random.Random, number: str) -> str:
    form = rnd.random()
    return number if form < 0.5 else f"{number[:6]} {number[6:]}" if form < 0.8 else f"{number[:6]}-{number[6:]}"


def amount_text(rnd: random.Random) -> str:
    kroner = rnd.randint(10, 250_000)
    return f"{kroner:,}".replace(",", " ") + f",{rnd.randint(0, 99):02d}"


class _Sql:
    """Rows per table; each table draws from its own Random so one table's size never shifts another's values."""

    def __init__(self, rows: int, seed: int):
        self.rows, self.seed = rows, seed
        self.staff = people(rows, seed, "ansatte")
        self.contacts = people(rows, seed, "kontakter")
        self.customers = people(rows, seed, "kunder")
        self.points = [synthetic.meter_id(random.Random(f"{seed}:malepunkt:{i}")) for i in range(rows)]
        self.relatives = people(rows, seed, "parorende")
        r = random.Random(f"{seed}:dnummer")
        self.dnumbers = [synthetic.fodselsnummer(r, "d_nummer") for _ in range(rows)]
        self.landlines = [synthetic.phone_digits(r, mobile=False) for _ in range(rows)]

    def rnd(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def rows_crm_contact(self, rnd):
        from faker import Faker

        fake = Faker("no_NO")
        fake.seed_instance(f"{self.seed}:firma")
        for i, p in enumerate(self.contacts):
            email = role_mailbox(rnd) if rnd.random() < 0.15 else p.email  # personal and role addresses mixed
            yield {"contact_id": i + 1, "first_name": p.first, "last_name": p.last, "email": email,
                   "mobile": written_phone(rnd, p.mobile), "company": fake.company(),
                   "customer_no": 100_000 + rnd.randint(0, 899_999), "created": _when(rnd, 900)}

    def rows_crm_company(self, rnd):
        for i in range(self.rows):
            contact = self.contacts[rnd.randrange(self.rows)].email if rnd.random() < 0.6 else role_mailbox(rnd)
            yield {"company_id": i + 1, "name": f"{rnd.choice(['Nordavind', 'Fjell', 'Havbruk', 'Bryggen'])} "
                                                f"{rnd.choice(['Drift', 'Data', 'Regnskap', 'Eiendom'])} AS",
                   "orgnr": synthetic.orgnr(rnd), "invoice_email": role_mailbox(rnd), "contact_email": contact,
                   "tier": rnd.choice(["gull", "sølv", "bronse"])}

    def rows_hr_ansatt(self, rnd):
        for i, p in enumerate(self.staff):
            yield {"ansatt_id": i + 1, "navn": p.name, "fnr": p.fnr, "gate": p.street, "postnr": p.postnr,
                   "sted": p.sted, "mobil": written_phone(rnd, p.mobile, ("spaced3", "plain", "intl_plain")),
                   "stilling": rnd.choice(["driftstekniker", "konsulent", "prosjektleder", "nettverksingeniør"]),
                   "avdeling": rnd.choice(["Drift", "Nettverk", "Kundeservice", "Økonomi"])}

    def rows_hr_lonn(self, rnd):
        for i, p in enumerate(self.staff):
            # a BIGINT drops the leading zero of a fødselsnummer born on day 01–09
            yield {"lonn_id": i + 1, "ansatt_id": i + 1, "personnr": int(p.fnr), "kontonummer": p.kontonr,
                   "maanedslonn": round(rnd.uniform(38_000, 95_000), 2), "utbetalt": dt.date(2024, 4, 20)}

    def rows_helpdesk_ticket(self, rnd):
        for i in range(self.rows):
            p = self.contacts[rnd.randrange(self.rows)]
            template = rnd.choice(_TICKETS_PERSONAL if rnd.random() < 0.5 else _TICKETS_CLEAN)
            text = template.format(name=p.name, email=p.email, tlf=written_phone(rnd, p.mobile), ver=version(rnd),
                                   role=role_mailbox(rnd))
            yield {"ticket_id": 40_000 + i, "opened": _when(rnd), "category": rnd.choice(["tilgang", "maskinvare",
                   "nettverk", "lisens"]), "priority": rnd.choice(["P1", "P2", "P3"]), "beskrivelse": text,
                   "status": rnd.choice(["åpen", "lukket", "venter"])}

    def rows_billing_invoice(self, rnd):
        numbers = set()
        while len(numbers) < self.rows:
            numbers.add(int(random_11(rnd)))
        for number in sorted(numbers, key=lambda n: rnd.random()):
            yield {"invoice_no": number, "customer_no": 100_000 + rnd.randint(0, 899_999),
                   "orgnr": synthetic.orgnr(rnd), "kid": kid(rnd), "amount": round(rnd.uniform(990, 250_000), 2),
                   "currency": "NOK", "due": (START + dt.timedelta(days=rnd.randint(10, 60))).date()}

    def rows_cmdb_asset(self, rnd):
        for i in range(self.rows):
            mac = ":".join(f"{b:02x}" for b in [0x3C, 0x52, 0x82] + [rnd.randrange(256) for _ in range(3)])
            yield {"asset_id": i + 1,
                   "hostname": f"{rnd.choice(['srv', 'fw', 'sw', 'stor'])}-{rnd.choice(['osl', 'brg', 'trd'])}-"
                               f"{rnd.randint(1, 99):02d}.drift.example.no",
                   "firmware": version(rnd), "mgmt_ip": mgmt_ip(rnd), "mac": mac,
                   "asset_tag": f"DRF-{rnd.randint(0, 999_999):06d}", "uuid": str(uuid.UUID(int=rnd.getrandbits(128),
                                                                                             version=4)),
                   "config_sha256": hashlib.sha256(rnd.randbytes(32)).hexdigest(),
                   "gtin": gs1(rnd, "70", 13), "supplier_gln": gs1(rnd, "709", 13),
                   "phone_model": rnd.choice(_PHONE_MODELS)}

    def rows_dc_rack_metrics(self, rnd):
        for i in range(self.rows):
            yield {"rack_id": f"OSL2-R{i % 40:02d}", "measured": START + dt.timedelta(hours=i // 40),
                   "rack_power_kwh": round(rnd.uniform(3.5, 14.0), 3), "inlet_temp_c": round(rnd.uniform(19, 27), 1)}

    def rows_eav_value(self, rnd):
        for i in range(self.rows):
            p = self.contacts[rnd.randrange(self.rows)]
            draw = rnd.random()
            if draw < 0.25:
                attribute, value = "email", p.email
            elif draw < 0.5:
                attribute, value = "mobil", written_phone(rnd, p.mobile)
            else:
                attribute = rnd.choice(sorted(_EAV_OTHER))
                value = _EAV_OTHER[attribute](rnd)
            yield {"row_id": i + 1, "entity_id": 5000 + i // 4, "attribute": attribute, "value": value}

    def rows_imp_raw(self, rnd):
        for i in range(self.rows):
            p = self.customers[(i * 13) % self.rows]
            yield {"id": i + 1, "c1": p.fnr, "f_07": p.kontonr, "x": p.email, "c2": rnd.choice(["OK", "NY", "ENDRET"])}

    def rows_api_request(self, rnd):
        for i in range(self.rows):
            if rnd.random() < 0.1:  # a low share, as in a real request log
                url = f"/api/v1/kunde?fnr={self.customers[rnd.randrange(self.rows)].fnr}&side={rnd.randint(1, 5)}"
            else:
                url = rnd.choice(_URLS_CLEAN).format(side=rnd.randint(1, 9), zone=rnd.randint(1, 5),
                                                     n=rnd.randint(1000, 99999))
            yield {"request_id": i + 1, "url": url, "method": "GET", "status": rnd.choice([200, 200, 200, 404]),
                   "received": _when(rnd)}

    def rows_kunde(self, rnd):
        for i, p in enumerate(self.customers):
            yield {"kunde_id": i + 1, "fnr": p.fnr, "navn": p.name, "adresse": p.street, "postnr": p.postnr,
                   "poststed": p.sted.upper(), "telefon": written_phone(rnd, p.mobile, ("00", "intl", "plain")),
                   "epost": p.email}

    def rows_maaleravlesning(self, rnd):
        for i in range(self.rows):
            k = (i // 4) % self.rows  # four monthly readings per meter
            yield {"avlesning_id": i + 1, "maalepunkt_id": self.points[k], "kunde_id": k + 1,
                   "periode": dt.date(2024, 1 + i % 4, 1), "forbruk_kwh": round(rnd.uniform(250, 2600), 3)}

    # -- the tables added for breadth (issue 18's 28 tables) ------------------------------------------
    def rows_users(self, rnd):
        for i, p in enumerate(self.staff):
            yield {"user_id": 1000 + i, "username": username(p, i), "email": company_email(p, i),
                   "display_name": p.name if rnd.random() < 0.8 else f"{p.last}, {p.first}",
                   "mobile": int(p.mobile) if rnd.random() < 0.5 else None,
                   "home_host": workstation_name(rnd, p), "last_login": _when(rnd),
                   "is_admin": int(rnd.random() < 0.1), "pin": f"{rnd.randint(0, 9999):04d}"}

    def rows_audit_log(self, rnd):
        for i in range(self.rows):
            p = self.staff[rnd.randrange(self.rows)]
            field = rnd.choice(["status", "mobil", "epost", "avdeling"])
            old, new = self.contacts[rnd.randrange(self.rows)], self.contacts[rnd.randrange(self.rows)]
            values = {"status": ("aktiv", "sperret"), "avdeling": ("Drift", "Nettverk"),
                      "mobil": (written_phone(rnd, old.mobile), written_phone(rnd, new.mobile)),
                      "epost": (old.email, new.email)}[field]
            when = _when(rnd)
            yield {"audit_id": 7_000_000 + i, "tbl": rnd.choice(["crm_contact", "kunde", "users"]),
                   "record_id": rnd.randint(1, self.rows), "action": rnd.choice(["UPDATE", "UPDATE", "INSERT"]),
                   "changed_by": rnd.choice([username(p, i), "system", "etl-job", "svc_crm"]),
                   "changed_at": when, "changed_at_epoch": int(when.timestamp()), "source_ip": mgmt_ip(rnd),
                   "diff": json.dumps({"felt": field, "fra": values[0], "til": values[1]}, ensure_ascii=False)}

    def rows_crm_activity(self, rnd):
        for i in range(self.rows):
            p = self.contacts[rnd.randrange(self.rows)]
            draw = rnd.random()
            if draw < 0.6:
                note = rnd.choice(_NOTES_PERSONAL).format(
                    name=p.name, first=p.first, tlf=written_phone(rnd, p.mobile, synthetic.PHONE_FORMS),
                    street=p.street, postnr=p.postnr, sted=p.sted)
            else:
                note = rnd.choice(_NOTES_CLEAN) if draw < 0.8 else None
            yield {"activity_id": i + 1, "contact_id": rnd.randint(1, self.rows),
                   "activityType": rnd.choice(["call", "meeting", "email", "task"]),
                   "CustomerPhone": written_phone(rnd, p.mobile, synthetic.PHONE_FORMS),
                   "notat": note, "felt_12": p.email if rnd.random() < 0.45 else None,
                   "due": (START + dt.timedelta(days=rnd.randint(0, 90))).date(),
                   "ownerUser": username(self.staff[rnd.randrange(self.rows)], i)}

    def rows_hr_parorende(self, rnd):
        for i, p in enumerate(self.relatives):
            draw = rnd.random()
            yield {"parorende_id": i + 1, "ansatt_id": i + 1, "NAVN": p.name.upper() if rnd.random() < 0.3 else p.name,
                   "RELASJON": rnd.choice(["ektefelle", "samboer", "mor", "far", "sønn", "datter"]),
                   "TLF": written_phone(rnd, p.mobile, ("plain", "spaced2", "intl2", "paren")) if rnd.random() < 0.65
                   else None,
                   "EPOST": p.email if draw < 0.4 else ("" if draw < 0.8 else None)}

    def rows_hr_fravaer(self, rnd):
        for i in range(self.rows):
            start = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randint(0, 150))
            yield {"fravaer_id": i + 1, "ansatt_id": rnd.randint(1, self.rows), "fra": start,
                   "til": start + dt.timedelta(days=rnd.randint(0, 14)), "kode": rnd.choice(["FER", "KURS", "EGM", "REISE"]),
                   "kostnadssted": rnd.choice(_COST_CENTRES),
                   "kommentar": rnd.choice(_NOTES_NO_PERSON).replace("{ver}", version(rnd)) if rnd.random() < 0.6
                   else None}

    def rows_helpdesk_comment(self, rnd):
        for i in range(self.rows):
            yield {"comment_id": 900_000_000 + i, "ticket_id": 40_000 + rnd.randrange(self.rows),
                   "author": username(self.staff[rnd.randrange(self.rows)], i), "created": _when(rnd),
                   "body": rnd.choice(_NOTES_NO_PERSON).replace("{ver}", version(rnd)),
                   "internal": int(rnd.random() < 0.5)}

    def rows_billing_payment(self, rnd):
        for i in range(self.rows):
            p = self.customers[rnd.randrange(self.rows)]
            how = rnd.random()
            card = how < 0.45
            yield {"payment_id": i + 1, "invoice_no": int(random_11(rnd)),
                   "card_number": written_card(rnd) if card else None,
                   "card_holder": p.name.upper() if card else None,
                   "card_exp": f"{rnd.randint(1, 12):02d}/{rnd.randint(25, 30)}" if card else None,
                   "iban": written_iban(rnd) if 0.45 <= how < 0.7 else None,
                   "fra_konto": written_kontonr(p.kontonr, rnd) if how >= 0.7 else None,
                   "belop_tekst": amount_text(rnd), "kid": kid(rnd),
                   "betalt_ts": f"{_when(rnd):%Y%m%d%H%M%S}"}

    def rows_billing_order_line(self, rnd):
        for i in range(self.rows):
            yield {"line_id": i + 1, "ordre_id": 40_000_001 + i // 3, "gtin14": gs1(rnd, rnd.choice("12345"), 14),
                   "sscc": gs1(rnd, "37090", 18), "produkt": rnd.choice(_PRODUCTS), "antall": rnd.randint(1, 40),
                   "enhetspris": round(rnd.uniform(49, 24_990), 2), "kostnadssted": int(rnd.choice(_COST_CENTRES)),
                   "ordre_ref": random_11(rnd)}

    def rows_cmdb_workstation(self, rnd):
        for i in range(self.rows):
            p = self.staff[i]
            model, os_version = rnd.choice(_DEVICES)
            mac = "-".join(f"{b:02X}" for b in [0xF4, 0x8E, 0x38] + [rnd.randrange(256) for _ in range(3)])
            yield {"ws_id": i + 1, "hostname": workstation_name(rnd, p), "serial_no": serial_no(rnd),
                   "model": model, "os_version": os_version(rnd), "assigned_user": username(p, i), "mac_addr": mac,
                   "last_ip": mgmt_ip(rnd) if rnd.random() < 0.7 else None,
                   "purchase_year": rnd.randint(2017, 2024), "bios_uuid": str(uuid.UUID(int=rnd.getrandbits(128),
                                                                                        version=4)).upper()}

    def rows_mon_alert(self, rnd):
        for i in range(self.rows):
            when = _when(rnd)
            yield {"alert_id": 5_000_000_000 + i,
                   "host": f"{rnd.choice(['srv', 'db', 'k8s-node'])}-{rnd.choice(['osl', 'brg'])}-{rnd.randint(1, 40):02d}",
                   "check_name": rnd.choice(["disk_free", "cpu_load", "http_5xx", "cert_expiry", "backup_age"]),
                   "fired_epoch_ms": int(when.timestamp() * 1000) + rnd.randint(0, 999),
                   "value": round(rnd.uniform(0, 100), 3), "notify": role_mailbox(rnd),
                   "ack_by": username(self.staff[rnd.randrange(self.rows)], i) if rnd.random() < 0.4 else None,
                   "runbook": f"https://wiki.drift.example.no/runbooks/{rnd.choice(['disk', 'cpu', 'http', 'cert'])}",
                   "labels": json.dumps({"env": rnd.choice(["prod", "test"]), "team": "drift",
                                         "dc": rnd.choice(["OSL2", "BRG1"]), "agent_version": version(rnd)})}

    def rows_kontakt_ext(self, rnd):
        for i in range(self.rows):
            p = self.contacts[i]
            kontakt = {"epost": p.email}
            if rnd.random() < 0.7:
                kontakt["mobil"] = written_phone(rnd, p.mobile, synthetic.PHONE_FORMS)
            draw = rnd.random()
            yield {"id": i + 1, "contact_id": i + 1,
                   "attr1": json.dumps({"kontakt": kontakt, "kanal": rnd.choice(["sms", "epost", "brev"])},
                                       ensure_ascii=False),
                   "attr2": json.dumps({"sprak": rnd.choice(["nb", "nn", "en"]),
                                        "varsler": rnd.sample(["epost", "sms", "push"], rnd.randint(1, 3)),
                                        "tema": rnd.choice(["lys", "mørk"])}, ensure_ascii=False),
                   "attr3": written_fnr(rnd, self.dnumbers[i] if draw < 0.15 else p.fnr) if draw < 0.4 else None,
                   "attr4": rnd.choice(_PHONE_MODELS)}

    def rows_imp_kunde_stage(self, rnd):
        batch = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        for i in range(self.rows):
            p = self.customers[(i * 7) % self.rows]
            fnr = self.dnumbers[i] if rnd.random() < 0.2 else p.fnr
            tlf = p.mobile if rnd.random() < 0.8 else self.landlines[i]
            row = {"KUNDE_NR": f"K{200_000 + i}", "KUNDE_NAVN": f"{p.last.upper()} {p.first.upper()}",
                   "KUNDE_TLF": written_phone(rnd, tlf, synthetic.PHONE_FORMS), "KUNDE_FNR": written_fnr(rnd, fnr),
                   "KONTO": written_kontonr(p.kontonr, rnd), "IMPORT_BATCH": batch,
                   "FELT_9": rnd.choice(["", "", "", "-", "N/A", "ukjent"])}
            row["ROW_HASH"] = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()
            yield {"ROW_ID": i + 1, **row}

    def rows_api_log(self, rnd):
        for i in range(self.rows):
            p = self.customers[rnd.randrange(self.rows)]
            draw = rnd.random()
            if draw < 0.3:
                customer = {"name": p.name, "email": p.email}
                if rnd.random() < 0.6:
                    customer["phone"] = written_phone(rnd, p.mobile, synthetic.PHONE_FORMS)
                endpoint, body = "POST /api/v2/kunder", {"customer": customer, "source": rnd.choice(["web", "app"])}
            elif draw < 0.6:
                endpoint = "GET /api/v2/priser"
                body = {"page": rnd.randint(1, 9), "filter": {"omrade": f"NO{rnd.randint(1, 5)}"}}
            else:
                endpoint, body = rnd.choice(["GET /api/v2/status", "GET /helse", "GET /api/v2/driftsmeldinger"]), None
            yield {"id": 10**12 + i, "ts": _when(rnd), "endpoint": endpoint, "client_ip": client_ip(rnd),
                   "user_agent": rnd.choice(_AGENTS), "correlation_id": str(uuid.UUID(int=rnd.getrandbits(128),
                                                                                       version=4)),
                   "request_body": json.dumps(body, ensure_ascii=False) if body else None,
                   "response_ms": rnd.randint(3, 1800)}

    def rows_maalepunkt(self, rnd):
        for point in self.points:
            operator, gln = rnd.choice(_GRID_OPERATORS)
            yield {"maalepunkt_id": point, "nettselskap": operator, "nettselskap_gln": gln,
                   "prisomrade": f"NO{rnd.randint(1, 5)}", "sikring_a": rnd.choice([25, 32, 40, 63]),
                   "status": rnd.choice(["aktiv", "aktiv", "stengt"])}

    def rows_anlegg(self, rnd):
        for i, p in enumerate(self.customers):
            other = rnd.random() < 0.2  # a cabin or a rented flat: another address than the customer's
            postnr, sted = rnd.choice(_PLACES) if other else (p.postnr, p.sted)
            yield {"anlegg_id": i + 1, "kunde_id": i + 1, "maalepunkt_id": self.points[i],
                   "maalernummer": synthetic.meter_serial(rnd),
                   "anleggsadresse": self.contacts[i].street if other else p.street, "postnr": postnr,
                   "sted": sted, "byggeaar": rnd.randint(1890, 2023),
                   "boligtype": rnd.choice(["enebolig", "leilighet", "hytte", "rekkehus"])}

    def rows_faktura(self, rnd):
        numbers = set()
        while len(numbers) < self.rows:
            numbers.add(int(random_11(rnd)))
        for i, number in enumerate(sorted(numbers)):
            p = self.customers[i]
            draw = rnd.random()
            yield {"faktura_nr": number, "kunde_id": i + 1, "kid": kid(rnd), "belop": round(rnd.uniform(200, 9000), 2),
                   "forfall": dt.date(2024, 5, 20), "innbetalt_fra": int(p.kontonr) if rnd.random() < 0.5 else None,
                   "epost_kopi": p.email if draw < 0.45 else ("" if draw < 0.85 else None),
                   "periode": f"2024-{rnd.randint(1, 4):02d}", "forbruk_kwh": round(rnd.uniform(150, 3200), 3)}

    def rows_avtale(self, rnd):
        for i, p in enumerate(self.customers):
            web = rnd.random() < 0.5
            seller = self.staff[rnd.randrange(self.rows)]
            draw = rnd.random()
            if draw < 0.4:
                other = self.relatives[rnd.randrange(self.rows)]
                note = rnd.choice(_AGREEMENT_PERSONAL).format(name=p.name, other=other.name,
                                                              tlf=written_phone(rnd, other.mobile))
            else:
                note = rnd.choice(_AGREEMENT_CLEAN) if draw < 0.7 else None
            yield {"avtale_id": 60_000 + i, "kunde_id": i + 1, "produkt": rnd.choice(_POWER_PRODUCTS),
                   "startdato": dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randint(0, 480)),
                   "kanal": "web" if web else rnd.choice(["telefon", "dør-til-dør", "butikk"]),
                   "selger": None if web else seller.name, "merknad": note,
                   "kontakt_mobil": int("47" + p.mobile) if rnd.random() < 0.6 else None}


def populate(engine: sa.Engine, rows: int = 300, seed: int = 2026) -> MetaData:
    """Replace the estate's tables in `engine` and fill each with `rows` rows."""
    md = build_metadata()
    data = _Sql(rows, seed)
    with engine.begin() as conn:
        md.drop_all(conn)
        md.create_all(conn)
    for table in md.sorted_tables:
        it = getattr(data, f"rows_{table.name}")(data.rnd(table.name))
        with engine.begin() as conn:
            while batch := list(islice(it, BATCH)):
                conn.execute(table.insert(), batch)
    return md


# -- files ----------------------------------------------------------------------------------------
_MANUAL = """Brukerveiledning for driftsportalen

Versjon {ver}, oppdatert mai 2024.

Driftsportalen gir kundene oversikt over servere, lagring, nettverk og avtaler. Logg inn med
firmakontoen, velg kunde i menyen øverst, og åpne fanen Drift. Der finner du status for hver
tjeneste, planlagte vedlikeholdsvinduer, og historikk for de siste 90 dagene.

Spørsmål om fakturaer sendes til faktura@{domain}, tekniske henvendelser til support@{domain},
og alt annet til post@{domain}. Varsler kommer fra noreply@{domain}, som ikke kan besvares.

Oppgradering: agenten må ha versjon {ver} eller nyere, ellers vises tjenestene som ukjente.
Kjør oppdateringen utenfor arbeidstid, helst mellom kl. 22 og 06, og kontroller etterpå at
alle tjenester er grønne. Ved feil, ta et skjermbilde, noter klokkeslett, og send det til
support@{domain}.

Sikkerhet: del aldri passord på e-post, bruk tofaktorinnlogging, og lås skjermen når du går fra.
"""

_LETTER = """{place}, 14. mai 2024

{name}
{street}
{postnr} {sted}

Bekreftelse på oppsigelse av driftsavtale

Hei {first},

Vi bekrefter at driftsavtalen er sagt opp med virkning fra 1. august 2024. Utstyr som tilhører
oss hentes etter avtale. Har du spørsmål, ta kontakt med kundeservice@{domain}.

Med vennlig hilsen
Bryggen IT AS
"""


def _csv(header: list[str], rows: list[list], delimiter: str = ",") -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def _fixed_xlsx(wb) -> bytes:
    """The workbook's bytes with the save time fixed, so a seed gives the same file."""
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2024-05-02T08:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 5, 2, 8, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(fixed, data)
    return out.getvalue()


def write_files(root: Path, rows: int = 300, seed: int = 2026) -> Labels:
    """The company's file share under `root`; returns its labels."""
    labels: Labels = {}

    def write(rel: str, data: str | bytes, lab: dict, encoding: str = "utf-8") -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        labels[rel] = {k: frozenset(v) for k, v in lab.items()}

    rnd = lambda name: random.Random(f"{seed}:fil:{name}")
    customers, staff, contacts = people(rows, seed, "kunder"), people(rows, seed, "ansatte"), \
        people(rows, seed, "kontakter")

    r = rnd("latin1")
    write("eksport/kundeliste_kraft.csv", _csv(
        ["Kundenr", "Navn", "Adresse", "Postnr", "Poststed", "Telefon"],
        [[700_000 + i, p.name, p.street, p.postnr, p.sted.upper(), written_phone(r, p.mobile)]
         for i, p in enumerate(customers)], delimiter=";"),
        {"Kundenr": NONE, "Navn": {PERSON}, "Adresse": {ADDRESS}, "Postnr": {ADDRESS}, "Poststed": {ADDRESS},
         "Telefon": {PHONE}}, encoding="latin-1")

    r = rnd("odd")
    header = ["Emp #", "Fullt navn (etternavn, fornavn)", "P.nr.", "E-post adr.", "Tlf/mob", "Adr.linje 1",
              "Postnr/sted", "Avd."]
    write("import/ansatte_fra_gammelt_system.csv", _csv(header, [
        [f"E{1000 + i}", f"{p.last}, {p.first}", p.fnr, p.email, written_phone(r, p.mobile), p.street,
         f"{p.postnr} {p.sted}", r.choice(["DRIFT", "NETT", "KS"])] for i, p in enumerate(staff)]),
        {"Emp #": NONE, "Fullt navn (etternavn, fornavn)": {PERSON}, "P.nr.": {FNR}, "E-post adr.": {EMAIL},
         "Tlf/mob": {PHONE}, "Adr.linje 1": {ADDRESS}, "Postnr/sted": {ADDRESS}, "Avd.": NONE})

    import openpyxl

    r = rnd("xlsx")
    wb = openpyxl.Workbook()
    wb.properties.creator = "Salg"
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 5, 2, 8, 0, 0)
    ws = wb.active
    ws.title = "Kontakter"
    ws.append(["Kontaktliste driftskunder per 02.05.2024"])
    ws.append([])
    ws.append(["Navn", "E-post", "Mobil", "Firma", "Rolle"])
    for p in contacts[: min(rows, 200)]:
        mobile = int(p.mobile) if r.random() < 0.4 else written_phone(r, p.mobile)  # some typed as numbers
        ws.append([p.name, p.email, mobile, f"{r.choice(['Nordavind', 'Fjell', 'Bryggen'])} {r.choice(['Drift', 'Data'])} AS",
                   r.choice(["daglig leder", "IT-ansvarlig", "innkjøper"])])
    write("rapporter/kontaktliste_driftskunder.xlsx", _fixed_xlsx(wb),
          {"Kontakter!Navn": {PERSON}, "Kontakter!E-post": {EMAIL}, "Kontakter!Mobil": {PHONE},
           "Kontakter!Firma": NONE, "Kontakter!Rolle": NONE})

    r = rnd("json")
    records = []
    for i, p in enumerate(contacts[: min(rows, 200)]):
        addresses = [{"type": "post", "gate": p.street, "postnr": p.postnr, "sted": p.sted}]
        if r.random() < 0.4:
            postnr, sted = r.choice(_PLACES)
            addresses.append({"type": "faktura", "gate": customers[i].street, "postnr": postnr, "sted": sted})
        records.append({"kundenr": 300_000 + i, "navn": p.name, "epost": p.email, "adresser": addresses,
                        "opprettet": _when(r, 700).isoformat()})
    write("integrasjon/kontakter_eksport.json", json.dumps(records, ensure_ascii=False, indent=1),
          {"kundenr": NONE, "navn": {PERSON}, "epost": {EMAIL}, "adresser[].type": NONE,
           "adresser[].gate": {ADDRESS}, "adresser[].postnr": {ADDRESS}, "adresser[].sted": {ADDRESS},
           "opprettet": NONE})

    r = rnd("text")
    write("dokumentasjon/brukerveiledning.txt",
          _MANUAL.format(ver=version(r), domain=r.choice(_COMPANY_DOMAINS)), {None: NONE})
    p = customers[r.randrange(rows)]
    write("brev/bekreftelse_oppsigelse.txt", _LETTER.format(
        place="Bergen", name=p.name, first=p.first, street=p.street, postnr=p.postnr, sted=p.sted.upper(),
        domain=r.choice(_COMPANY_DOMAINS)), {None: {PERSON, ADDRESS}})

    # -- the files added for breadth --------------------------------------------------------------------
    relatives = people(rows, seed, "parorende")
    r = rnd("crm_utf8sig")  # utf-8 with BOM (Excel's "CSV UTF-8"), quoted fields with commas and line breaks
    write("eksport/crm_contacts_export.csv", _csv(
        ["Name", "Email", "Phone", "Company", "Address", "Notes"],
        [[p.name, p.email, written_phone(r, p.mobile, synthetic.PHONE_FORMS), f"{r.choice(_FIRMS)} AS",
          f"{p.street}, {p.postnr} {p.sted}" if r.random() < 0.7 else "",
          r.choice(["Ring etter kl. 14,\nhelst mobil", "Ønsker tilbud på \"Gull\"-avtale", "", "Ny kunde, 2024",
                    "Faktura kvartalsvis"])] for p in contacts]),
        {"Name": {PERSON}, "Email": {EMAIL}, "Phone": {PHONE}, "Company": NONE, "Address": {ADDRESS}, "Notes": NONE},
        encoding="utf-8-sig")

    r = rnd("tsv")  # tab-separated, decimal commas, amounts with a space as thousands separator
    write("okonomi/innbetalinger_mai.tsv", _csv(
        ["Fakturanr", "Kundenr", "KID", "Beløp", "Innbetalt fra konto", "Bokført"],
        [[random_11(r), 100_000 + r.randint(0, 899_999), kid(r), amount_text(r), written_kontonr(p.kontonr, r),
          f"{r.randint(1, 31):02d}.05.2024"] for p in customers], delimiter="\t"),
        {"Fakturanr": NONE, "Kundenr": NONE, "KID": NONE, "Beløp": NONE, "Innbetalt fra konto": {BANK},
         "Bokført": NONE})

    r = rnd("pipe")  # `|`-delimited meter list from the grid operator
    points = [synthetic.meter_id(random.Random(f"{seed}:fil:malepunkt:{i}")) for i in range(rows)]
    write("anlegg/maalerliste_nettselskap.csv", _csv(
        ["MålepunktID", "Målernummer", "Adresse", "Postnr", "Sted", "Årsforbruk kWh", "Nettområde"],
        [[points[i], synthetic.meter_serial(r), p.street, p.postnr, p.sted, f"{r.uniform(2000, 30000):.1f}".replace(".", ","),
          f"NO{r.randint(1, 5)}"] for i, p in enumerate(customers)], delimiter="|"),
        {"MålepunktID": {METER_ID}, "Målernummer": {SERIAL}, "Adresse": {ADDRESS}, "Postnr": {ADDRESS},
         "Sted": {ADDRESS}, "Årsforbruk kWh": {READING}, "Nettområde": NONE})

    r = rnd("title_cp1252")  # cp1252, a title line and a blank line above the header
    body = _csv(["Ansattnr", "Navn", "Kontonummer", "Bruttolønn", "Kostnadssted"],
                [[f"{2000 + i}", p.name, written_kontonr(p.kontonr, r), f"{r.uniform(38000, 95000):.2f}".replace(".", ","),
                  r.choice(_COST_CENTRES)] for i, p in enumerate(staff)], delimiter=";")
    write("okonomi/lonnsliste_mai.csv", "Lønnsliste mai 2024 – Nordavind Drift AS\r\n\r\n" + body,
          {"Ansattnr": NONE, "Navn": {PERSON}, "Kontonummer": {BANK}, "Bruttolønn": NONE, "Kostnadssted": NONE},
          encoding="cp1252")

    r = rnd("headerless")  # no header row at all: the crawler names the columns col1…
    headerless = [[str(700_000 + i), p.name, written_fnr(r, p.fnr), written_phone(r, p.mobile), p.email]
                  for i, p in enumerate(customers)]
    write("import/kunder_uten_overskrift.csv", _csv(headerless[0], headerless[1:]),
        {"col1": NONE, "col2": {PERSON}, "col3": {FNR}, "col4": {PHONE}, "col5": {EMAIL}})

    r = rnd("assets")  # hard negatives only: hostnames with first names, serials, MACs, versions, UUIDs
    asset_rows = []
    for i, p in enumerate(staff):
        model, os_version = r.choice(_DEVICES)
        asset_rows.append([workstation_name(r, p), serial_no(r), model, os_version(r), username(p, i),
                           ".".join(f"{r.getrandbits(16):04x}" for _ in range(3)), str(uuid.UUID(int=r.getrandbits(128),
                                                                                                   version=4)),
                           r.randint(2017, 2024), r.choice(_COST_CENTRES)])
    write("cmdb/arbeidsstasjoner.csv", _csv(
        ["hostname", "serial", "model", "os_version", "user", "mac", "uuid", "year", "cost_centre"], asset_rows),
        {k: NONE for k in ["hostname", "serial", "model", "os_version", "user", "mac", "uuid", "year", "cost_centre"]})

    r = rnd("xlsx_kraft")  # several sheets: customers, a pivot-like summary, readings under a title row
    wb = openpyxl.Workbook()
    wb.properties.creator = "Kraft"
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 5, 2, 8, 0, 0)
    ws = wb.active
    ws.title = "Kunder"
    ws.append(["Kundenr", "Navn", "Fødselsnummer", "Adresse", "Postnr", "Poststed", "Telefon"])
    for i, p in enumerate(customers[: min(rows, 250)]):
        ws.append([800_000 + i, p.name, p.fnr, p.street, p.postnr, p.sted.upper(),
                   int(p.mobile) if r.random() < 0.5 else written_phone(r, p.mobile)])
    summary = wb.create_sheet("Sammendrag")
    summary.append(["Prisområde", "Antall kunder", "Sum forbruk kWh", "Snitt kWh"])
    for zone in range(1, 6):
        n = r.randint(20, 90)
        total = round(n * r.uniform(9000, 18000), 1)
        summary.append([f"NO{zone}", n, total, round(total / n, 1)])
    summary.append(["Totalt", None, None, None])
    readings = wb.create_sheet("Avlesninger")
    readings.append(["Avlesninger april 2024 (fra Elhub)"])
    readings.append(["Målepunkt-ID", "Periode", "Forbruk kWh", "Kvalitet"])
    for i in range(min(rows, 250)):
        readings.append([points[i], "2024-04", round(r.uniform(200, 2600), 2), r.choice(["målt", "estimert"])])
    write("rapporter/kundeoversikt_kraft.xlsx", _fixed_xlsx(wb),
          {"Kunder!Kundenr": NONE, "Kunder!Navn": {PERSON}, "Kunder!Fødselsnummer": {FNR},
           "Kunder!Adresse": {ADDRESS}, "Kunder!Postnr": {ADDRESS}, "Kunder!Poststed": {ADDRESS},
           "Kunder!Telefon": {PHONE}, "Sammendrag!Prisområde": NONE, "Sammendrag!Antall kunder": NONE,
           "Sammendrag!Sum forbruk kWh": NONE, "Sammendrag!Snitt kWh": NONE, "Avlesninger!Målepunkt-ID": {METER_ID},
           "Avlesninger!Periode": NONE, "Avlesninger!Forbruk kWh": {READING}, "Avlesninger!Kvalitet": NONE})

    r = rnd("jsonl")  # JSON lines of change events with nested contact details
    events = []
    for i in range(rows):
        p = customers[r.randrange(rows)]
        kontakt = {"epost": p.email}
        if r.random() < 0.6:
            kontakt["mobil"] = written_phone(r, p.mobile, synthetic.PHONE_FORMS)
        events.append(json.dumps({"id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
                                  "type": r.choice(["kunde.opprettet", "kunde.oppdatert"]),
                                  "kunde": {"kundenr": 800_000 + i, "navn": p.name, "kontakt": kontakt},
                                  "kilde": r.choice(["crm", "minside"]), "versjon": version(r)}, ensure_ascii=False))
    write("integrasjon/kundehendelser.jsonl", "\n".join(events) + "\n",
          {"id": NONE, "type": NONE, "kunde.kundenr": NONE, "kunde.navn": {PERSON}, "kunde.kontakt.epost": {EMAIL},
           "kunde.kontakt.mobil": {PHONE}, "kilde": NONE, "versjon": NONE})

    r = rnd("nested")  # one document: a list of employees, each with a list of phone numbers and skills
    doc = {"generert": "2024-05-02T08:00:00Z", "kilde": "hr-api/v3", "ansatte": [
        {"ansattnr": 2000 + i, "navn": p.name, "avdeling": r.choice(["Drift", "Nettverk", "Kundeservice"]),
         "telefoner": [{"type": "mobil", "nummer": written_phone(r, p.mobile)}]
         + ([{"type": "sentralbord", "nummer": "+47 22 00 00 00"}] if r.random() < 0.2 else []),
         "kompetanse": r.sample(["linux", "windows", "cisco", "azure", "vmware", "backup"], 2)}
        for i, p in enumerate(staff)]}
    write("integrasjon/ansattkatalog.json", json.dumps(doc, ensure_ascii=False, indent=2),
          {"generert": NONE, "kilde": NONE, "ansatte[].ansattnr": NONE, "ansatte[].navn": {PERSON},
           "ansatte[].avdeling": NONE, "ansatte[].telefoner[].type": NONE, "ansatte[].telefoner[].nummer": {PHONE},
           "ansatte[].kompetanse[]": NONE})

    r = rnd("tickets_json")  # JSON array: the reporter nested, free text with names and phone numbers
    tickets = []
    for i in range(min(rows, 250)):
        p = contacts[r.randrange(rows)]
        text = r.choice(_TICKETS_PERSONAL if r.random() < 0.5 else _TICKETS_CLEAN).format(
            name=p.name, email=p.email, tlf=written_phone(r, p.mobile), ver=version(r), role=role_mailbox(r))
        tickets.append({"saksnr": 90_000_001 + i, "melder": {"navn": p.name, "epost": p.email}, "tekst": text,
                        "tags": r.sample(["vpn", "skriver", "lisens", "nett"], 2)})
    write("integrasjon/helpdesk_saker.json", json.dumps(tickets, ensure_ascii=False),
          {"saksnr": NONE, "melder.navn": {PERSON}, "melder.epost": {EMAIL}, "tekst": {PERSON, EMAIL, PHONE},
           "tags[]": NONE})

    r = rnd("config")
    domain = r.choice(_COMPANY_DOMAINS)
    write("konfig/overvaking.yaml", f"""# Overvåking, produksjon. Endres via driftsrepoet.
varsling:
  epost: drift@{domain}
  kopi: noreply@{domain}
  sms_gateway: sms.drift.example.no
mål:
  - host: srv-osl-01.drift.example.no
    port: 9100
  - host: db-brg-03.drift.example.no
    port: 9187
  - host: kari-laptop.drift.example.no
    port: 9182
agent:
  versjon: {version(r)}
  intervall: 30s
""", {None: NONE})
    write("konfig/backup.ini", f"""[backup]
server = stor-osl-02.drift.example.no
rapport_til = drift@{domain}
tidspunkt = 02:30
agent_versjon = {version(r)}
oppbevaring_dager = 90

[mål]
sti = /srv/backup/kunder
kryptering = aes-256
""", {None: NONE})

    r = rnd("meeting")
    a, b, c = staff[r.randrange(rows)], staff[r.randrange(rows)], contacts[r.randrange(rows)]
    write("dokumentasjon/referat_driftsmote.txt", f"""Referat fra driftsmøte 14. mai 2024

Til stede: {a.name}, {b.name} og {c.name} (kunde).

1. Patching. {a.first} tar vinduet torsdag kveld og er på vakt til fredag morgen; hun nås på
   {written_phone(r, a.mobile, ('intl', 'spaced3'))} hele natta.
2. Ny brannmur i Stord. {c.name} bekrefter at lokalet er åpent fra kl. 07, ring {written_phone(r, c.mobile, ('spaced2',))}
   ved ankomst.
3. Backup. {b.name} følger opp feilen i Veeam og melder tilbake på {written_phone(r, b.mobile, ('plain',))} eller i Teams.

Neste møte: 28. mai.
""", {None: {PERSON, PHONE}})

    p = customers[r.randrange(rows)]
    write("brev/varsel_stenging.txt", f"""{p.name}
{p.street}
{p.postnr} {p.sted.upper()}

Harstad, 3. mai 2024

Varsel om stenging av strømleveranse

Vi har ikke mottatt betaling for faktura med forfall 20. april. Dersom beløpet ikke er betalt
innen 14 dager, blir leveransen til anlegget stengt. Ta kontakt med kundeservice@polarkraft.example.no.

Med vennlig hilsen
Polarkraft AS
""", {None: {PERSON, ADDRESS}})

    write("dokumentasjon/rutine_patching.md", f"""# Rutine for patching

Gjelder alle kunder i Harstad, Gjøvik, Stord og Kirkenes. Servere med Windows Server 2022 og
Ubuntu 22.04 patches andre tirsdag i måneden; FortiGate-brannmurer oppgraderes til FortiOS
{version(r)} etter godkjenning. Telefoner (iPhone 15 Pro, Samsung Galaxy S24) styres fra Intune.

- Varsle kundene fra drift@{domain} senest 48 timer før.
- Bekreft at Veeam-jobben fra natten før er grønn.
- Ved feil: kontakt leverandør (Atea, Crayon eller Microsoft Norge) via portalen.

Versjon {version(r)}, sist endret av driftsavdelingen.
""", {None: NONE})

    r = rnd("gz")  # a gzip'd export of readings
    body = _csv(["malepunkt", "periode", "kwh"],
                [[points[i % rows], f"2024-0{1 + i // rows}", f"{r.uniform(150, 2600):.3f}"] for i in range(rows * 3)],
                delimiter=";")
    write("eksport/avlesninger_2024q1.csv.gz", gzip.compress(body.encode(), mtime=0),
          {"malepunkt": {METER_ID}, "periode": NONE, "kwh": {READING}})

    r = rnd("quoted_addr")  # quoted addresses with the delimiter inside
    write("eksport/flyttemeldinger.csv", _csv(
        ["kundenr", "navn", "ny_adresse", "flyttedato", "kommentar"],
        [[str(800_000 + i), p.name, f"{relatives[i].street}, {relatives[i].postnr} {relatives[i].sted}",
          f"2024-0{r.randint(5, 8)}-01", r.choice(["Flytter til hytta", "Overtar etter foreldre", "", "Ny leilighet"])]
         for i, p in enumerate(customers)]),
        {"kundenr": NONE, "navn": {PERSON}, "ny_adresse": {ADDRESS}, "flyttedato": NONE, "kommentar": NONE})
    return labels


# -- logs -----------------------------------------------------------------------------------------
def write_logs(root: Path, lines: int = 2000, seed: int = 2026) -> Labels:
    """Three logs under `root`: nginx access, a logfmt worker log, a JSON-lines web log; returns their labels."""
    customers = people(max(lines // 20, 50), seed, "kunder")
    points = [synthetic.meter_id(random.Random(f"{seed}:malepunkt:{i}")) for i in range(max(lines // 20, 50))]

    def request(rnd: random.Random, with_fnr: bool) -> str:
        if with_fnr and rnd.random() < 0.04:
            return f"/api/v1/kunde?fnr={rnd.choice(customers).fnr}&side={rnd.randint(1, 3)}"
        if rnd.random() < 0.3:
            return f"/api/v2/malepunkt/{rnd.choice(points)}/forbruk"
        return rnd.choice(["/", "/min-side", "/static/app.3f9c2b.js", "/static/logo.svg", "/api/v2/status",
                           "/api/v2/priser?omrade=NO1", "/favicon.ico", "/api/v2/driftsmeldinger"])

    (root / "nginx").mkdir(parents=True, exist_ok=True)
    rnd = random.Random(f"{seed}:log:nginx")
    out = []
    for i in range(lines):
        t = START + dt.timedelta(seconds=i * 7 + rnd.randint(0, 6))
        referrer = rnd.choice(["-", "-", "https://minside.example.no/forbruk", "https://www.example.no/"])
        out.append(f'{client_ip(rnd)} - - [{t:%d/%b/%Y:%H:%M:%S} +0200] "GET {request(rnd, True)} HTTP/1.1" '
                   f'{rnd.choice([200, 200, 200, 304, 404])} {rnd.randint(200, 90_000)} "{referrer}" '
                   f'"{rnd.choice(_AGENTS)}"')
    (root / "nginx/access.log").write_text("\n".join(out) + "\n", encoding="utf-8")

    (root / "worker").mkdir(exist_ok=True)
    rnd = random.Random(f"{seed}:log:worker")
    builds = [version(rnd) for _ in range(3)]
    staff = people(40, seed, "ansatte")
    out = []
    for i in range(lines):
        t = START + dt.timedelta(seconds=i * 11)
        msg = rnd.choice(['"job started"', '"job finished"', '"retrying job after timeout"',
                          '"report exported to s3://rapporter/2024/05/"'])
        line = (f"ts={t:%Y-%m-%dT%H:%M:%S}.{rnd.randint(0, 999):03d}Z level={rnd.choice(['info', 'info', 'warn'])} "
                f"msg={msg} job={random_11(rnd)} queue={rnd.choice(['rapport', 'fakturering', 'backup'])} "
                f"build={builds[i * len(builds) // lines]} duration_ms={rnd.randint(5, 9000)}")
        if rnd.random() < 0.2:
            line += f" user={rnd.choice(staff).email}"
        out.append(line)
    (root / "worker/worker.log").write_text("\n".join(out) + "\n", encoding="utf-8")

    (root / "web").mkdir(exist_ok=True)
    rnd = random.Random(f"{seed}:log:web")
    out = []
    for i in range(lines):
        t = START + dt.timedelta(seconds=i * 5)
        out.append(json.dumps({"ts": f"{t:%Y-%m-%dT%H:%M:%S}Z", "level": "info", "method": "GET",
                               "path": request(rnd, False), "status": rnd.choice([200, 200, 304, 404]),
                               "client_ip": client_ip(rnd), "user_agent": rnd.choice(_AGENTS),
                               "duration_ms": rnd.randint(1, 800)}))
    (root / "web/app.log").write_text("\n".join(out) + "\n", encoding="utf-8")

    # -- syslog (RFC 3164) auth log, rotated: auth.log, auth.log.1, auth.log.2.gz are one dataset
    rnd = random.Random(f"{seed}:log:auth")
    staff_accounts = [username(p, i) for i, p in enumerate(staff)]
    out = []
    for i in range(lines):
        t = START + dt.timedelta(seconds=i * 13)
        stamp = f"{t:%b} {t.day:2d} {t:%H:%M:%S}"
        host = rnd.choice(["bastion-01", "bastion-02", "srv-osl-07"])
        user, ip, pid = rnd.choice(staff_accounts), client_ip(rnd), rnd.randint(1000, 65000)
        kind = rnd.random()
        if kind < 0.35:
            msg = f"sshd[{pid}]: Accepted publickey for {user} from {ip} port {rnd.randint(30000, 65000)} ssh2: " \
                  f"ED25519 SHA256:{hashlib.sha256(rnd.randbytes(8)).hexdigest()[:43]}"
        elif kind < 0.55:
            msg = f"sshd[{pid}]: Failed password for invalid user {rnd.choice(['admin', 'oracle', 'test', 'ubuntu'])} " \
                  f"from {ip} port {rnd.randint(30000, 65000)} ssh2"
        elif kind < 0.75:
            msg = f"sshd[{pid}]: pam_unix(sshd:session): session opened for user {user}(uid={rnd.randint(1001, 1400)}) " \
                  f"by (uid=0)"
        elif kind < 0.9:
            msg = f"sudo: {user:>12} : TTY=pts/{rnd.randint(0, 4)} ; PWD=/home/{user} ; USER=root ; " \
                  f"COMMAND=/usr/bin/systemctl restart {rnd.choice(['nginx', 'postgresql', 'kartlegg'])}"
        else:
            msg = f"CRON[{pid}]: pam_unix(cron:session): session closed for user root"
        out.append(f"{stamp} {host} {msg}")
    (root / "syslog").mkdir(exist_ok=True)
    third = len(out) // 3
    (root / "syslog/auth.log.2.gz").write_bytes(gzip.compress(("\n".join(out[:third]) + "\n").encode(), mtime=0))
    (root / "syslog/auth.log.1").write_text("\n".join(out[third:2 * third]) + "\n", encoding="utf-8")
    (root / "syslog/auth.log").write_text("\n".join(out[2 * third:]) + "\n", encoding="utf-8")

    # -- Python logging ("%(asctime)s - %(name)s - %(levelname)s - %(message)s") with tracebacks
    rnd = random.Random(f"{seed}:log:python")
    out = []
    for i in range(lines):
        t = START + dt.timedelta(seconds=i * 9)
        stamp = f"{t:%Y-%m-%d %H:%M:%S},{rnd.randint(0, 999):03d}"
        p = rnd.choice(customers)
        kind = rnd.random()
        if kind < 0.3:
            out.append(f"{stamp} - kundeportal.auth - INFO - Innlogging OK for {p.email} fra {client_ip(rnd)}")
        elif kind < 0.4:
            out.append(f"{stamp} - kundeportal.mail - ERROR - Kunne ikke sende kvittering til {p.email}\n"
                       "Traceback (most recent call last):\n"
                       '  File "/srv/kundeportal/mail.py", line 88, in send\n'
                       "    smtp.sendmail(sender, [to], msg)\n"
                       '  File "/usr/lib/python3.12/smtplib.py", line 892, in sendmail\n'
                       "    raise SMTPRecipientsRefused(senderrs)\n"
                       f"smtplib.SMTPRecipientsRefused: {{'{p.email}': (550, b'5.1.1 User unknown')}}")
        elif kind < 0.5:
            out.append(f"{stamp} - kundeportal.db - WARNING - Treg spørring ({rnd.randint(900, 9000)} ms) mot "
                       f"db-osl-0{rnd.randint(1, 4)}, versjon {version(rnd)}")
        else:
            out.append(f"{stamp} - kundeportal.web - INFO - GET {rnd.choice(['/min-side', '/api/v2/status', '/forbruk'])}"
                       f" 200 {rnd.randint(2, 400)} ms")
    (root / "app").mkdir(exist_ok=True)
    (root / "app/kundeportal.log").write_text("\n".join(out) + "\n", encoding="utf-8")

    # -- JSON log with a nested user.email and request.headers.x-forwarded-for
    rnd = random.Random(f"{seed}:log:gateway")
    out = []
    for i in range(lines):
        t = START + dt.timedelta(seconds=i * 3)
        p = rnd.choice(customers)
        entry = {"ts": f"{t:%Y-%m-%dT%H:%M:%S}.{rnd.randint(0, 999):03d}Z", "level": "info",
                 "msg": rnd.choice(["request handled", "upstream slow", "cache miss"]),
                 "request": {"method": "GET", "path": rnd.choice(["/api/v2/avtaler", "/api/v2/priser", "/api/v2/status"]),
                             "headers": {"x-forwarded-for": f"{client_ip(rnd)}, 10.40.{rnd.randint(0, 63)}.{rnd.randint(2, 254)}",
                                         "user-agent": rnd.choice(_AGENTS)}},
                 "status": 200, "duration_ms": rnd.randint(1, 900), "trace_id": uuid.UUID(int=rnd.getrandbits(128)).hex}
        if rnd.random() < 0.6:
            entry["user"] = {"id": 100_000 + rnd.randint(0, 899_999), "email": p.email}
        out.append(json.dumps(entry))
    (root / "api").mkdir(exist_ok=True)
    (root / "api/gateway.log").write_text("\n".join(out) + "\n", encoding="utf-8")

    auth = {"host": NONE, "program": NONE, "message": {IP}, "TTY": NONE, "PWD": NONE, "USER": NONE, "COMMAND": NONE,
            "uid": NONE}

    return {
        "nginx/access.log": {"client_ip": {IP}, "path": {METER_ID}, "query.fnr": {FNR}, "query.side": NONE,
                             "query.omrade": NONE, "referrer": NONE, "user_agent": NONE},
        "worker/worker.log": {"msg": NONE, "job": NONE, "queue": NONE, "build": NONE, "user": {EMAIL}},
        "web/app.log": {"path": {METER_ID}, "client_ip": {IP}, "user_agent": NONE},
        "syslog/auth.log": auth, "syslog/auth.log.1": auth, "syslog/auth.log.2.gz": auth,
        "app/kundeportal.log": {"logger": NONE, "message": {EMAIL, IP}},
        "api/gateway.log": {"msg": NONE, "request.path": NONE, "request.headers.x-forwarded-for": {IP},
                            "request.headers.user-agent": NONE, "trace_id": NONE, "user.id": NONE,
                            "user.email": {EMAIL}},
    }


# -- the whole estate -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Written:
    database: Path
    files: Path
    logs: Path
    sql: dict[tuple[str, str], frozenset[str]]
    file_labels: Labels
    log_labels: Labels


def write_estate(out: Path, seed: int = 2026, rows: int = 300, log_lines: int = 2000) -> Written:
    out.mkdir(parents=True, exist_ok=True)
    database = out / "drift.sqlite"
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        populate(engine, rows=rows, seed=seed)
    finally:
        engine.dispose()
    files, logs = out / "filer", out / "logg"
    return Written(database, files, logs, SQL_LABELS, write_files(files, rows, seed), write_logs(logs, log_lines, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.estate_ops", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--log-lines", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    w = write_estate(args.out, args.seed, args.rows, args.log_lines)
    print(f"estate: {len(build_metadata().tables)} tables in {w.database}, {len(w.file_labels)} files in {w.files}, "
          f"{len(w.log_labels)} logs in {w.logs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
