"""The holdout estate: a blind test of generalisation, written without reading the detectors.

A municipality-owned grid company (nettselskap: `nettkunde`, `tilknytning`, work orders, a GIS of
substations, AMS/smart-meter events and hourly values, salary and bank exports) and the small MSP
that runs its IT (tickets, an AD export, a mailing list, DHCP leases, a phone switch, firewall and
backup logs). Its vocabulary, column names and written forms differ on purpose from the demo and ops
estates, and neither the detectors nor those estates were read while writing it, so its score says
how well the rules generalise rather than how well they fit the estates they were tuned on.

    python -m bench.quality --estates        # scored as the third estate, `holdout`

Values are synthetic: fødselsnumre (Tenor), kontonumre, målepunkt-IDs, meter serials and phones
from detectors/synthetic.py with valid check digits, names and streets from Faker `no_NO`, e-mail
at example.no / example.com only. A seed gives the same estate byte for byte.

Label decisions (written before the estate was first scored)
------------------------------------------------------------
A (dataset, field) is labelled with every core entity type that its values hold in a meaningful
share of rows (here at least ~15 %), and with nothing else. In particular:

* Owner does not matter where the value cannot tell: a bank account column is NO_BANK_ACCOUNT even
  when it is the company's own account (the bank export's `Konto`, a supplier's `fakturakonto`);
  nothing in an account number says whether a person or a company holds it.
* Role mailboxes (driftssentral@, kundesenter@, noreply@, servicedesk@, …) are not personal data: a
  column of only role mailboxes is labelled nothing. A column of personal addresses with a few role
  mailboxes mixed in (the mailing list) is EMAIL_ADDRESS.
* The address of a substation (nettstasjon), in SQL and in the GeoJSON, is an address of grid
  infrastructure, not of a person: labelled nothing. The address of a customer's installation
  (`anleggsadresse`) is where that customer lives: NO_ADDRESS.
* IP addresses: a column of host addresses in use (a DHCP lease for a user device, a firewall
  line's SRC and DST, a portal's client_ip, an IP a user pasted into a ticket) is IP_ADDRESS,
  whether or not a given host is a server. A network in CIDR form (`10.20.0.0/16`) and four-part
  version strings (`11.0.2.15`) are not.
* Names: columns of person names are PERSON, in any form (`Etternavn, Fornavn`, a first or a last
  name alone, a name inside an LDAP DN `CN=Kari Nordmann,OU=…`), also when a minority of rows hold a
  company name (a bank payer). Company names, substation names (`NS 1042 Bjørkelia`), usernames made
  of initials (`kno`), device hostnames (`PC-0412`, `LAPTOP-7H2K9Q`) are nothing.
* Log lines: the `message` field holds the whole text of the line, key=value pairs included, so a
  message is labelled with what its text holds (a firewall message holds SRC=/DST= addresses, an
  AMS head-end message holds meter= and mp=), in addition to the fields parsed from it.
* Free text (`beskrivelse`, ticket bodies, a portal log's msg) is labelled with the entity types
  the templates put into it (names and phones; IPs in ticket bodies), each in >= 25 % of rows.
* Meter readings: hourly kWh per målepunkt (`timeverdi.kwh_imp`, the Elhub-style `Quantity`) and
  register values in an AMS payload are METER_READING; kVA ratings, amounts, durations, sizes are not.
* Meter serials are NO_METER_SERIAL wherever they occur, also for meters still in the warehouse.
* Organisation numbers are NO_ORGANIZATION_NUMBER (not scored, listed for completeness).
* Hard negatives, labelled nothing: transformer production numbers (16 digits, GS1 check fails),
  SSCC pallet codes (18 digits, valid GS1 check, not the 707057 prefix), 18-digit references with
  the målepunkt prefix and a wrong check digit, GPS coordinates (decimal and DMS), UTM coordinates,
  EPSG codes, 4-digit kostnadssted, 8-digit ordrenr in the 4xxxxxxx / 9xxxxxxx ranges (mobile
  ranges!), 11-digit KIDs (Luhn), bank archive references, ISO dates as 8 digits (20150612),
  product codes, GTINs, masked card numbers, 16-digit transaction ids that fail Luhn, version
  strings (`v4.2.1`, `4.2.1-rc.2`, `12.1.3.1077`, `11.0.2.15`, `2024.05.1`), job ids, MAC addresses.
* The leftover migration table `tmp_migr_2019` has opaque columns c1…c6 and is labelled by content.

SQL (SQLite, 18 tables): see SQL_LABELS. Files (11, one dataset of three daily files): FILE_LABELS
per relative path. Logs (5 datasets, one with a rotation): LOG_LABELS per relative path.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from detectors import synthetic

FNR, PERSON, PHONE, EMAIL = "NO_FODSELSNUMMER", "PERSON", "NO_PHONE_NUMBER", "EMAIL_ADDRESS"
KONTO, IBAN, CARD, ADDRESS = "NO_BANK_ACCOUNT", "IBAN_CODE", "CREDIT_CARD", "NO_ADDRESS"
MID, MSERIAL, READING, IP, ORG = "NO_METER_ID", "NO_METER_SERIAL", "METER_READING", "IP_ADDRESS", \
    "NO_ORGANIZATION_NUMBER"

N = frozenset()


def _l(*entities: str) -> frozenset[str]:
    return frozenset(entities)


# -- labels ---------------------------------------------------------------------------------------------
SQL_LABELS: dict[tuple[str, str], frozenset[str]] = {
    # nettkunde: the grid customer register
    ("nettkunde", "kundenr"): N, ("nettkunde", "fornavn"): _l(PERSON), ("nettkunde", "etternavn"): _l(PERSON),
    ("nettkunde", "pnr"): _l(FNR), ("nettkunde", "epost"): _l(EMAIL), ("nettkunde", "mobil"): _l(PHONE),
    ("nettkunde", "fakt_adr"): _l(ADDRESS), ("nettkunde", "postnr"): N, ("nettkunde", "poststed"): N,
    ("nettkunde", "orgnr"): _l(ORG), ("nettkunde", "kundetype"): N, ("nettkunde", "opprettet"): N,
    # tilknytning: the connection of an installation to the grid
    ("tilknytning", "tilknytning_id"): N, ("tilknytning", "kundenr"): N, ("tilknytning", "malepunkt_id"): _l(MID),
    ("tilknytning", "anleggsadresse"): _l(ADDRESS), ("tilknytning", "sikring_a"): N, ("tilknytning", "tariff"): N,
    ("tilknytning", "nettstasjon"): N, ("tilknytning", "tilknyttet"): N,
    # arbeidsordre: work orders
    ("arbeidsordre", "ordrenr"): N, ("arbeidsordre", "montør"): _l(PERSON), ("arbeidsordre", "montor_tlf"): _l(PHONE),
    ("arbeidsordre", "beskrivelse"): _l(PERSON, PHONE), ("arbeidsordre", "kostnadssted"): N,
    ("arbeidsordre", "malepunkt"): _l(MID), ("arbeidsordre", "prioritet"): N, ("arbeidsordre", "opprettet"): N,
    # ordrelinje: order lines, all hard negatives
    ("ordrelinje", "linje_id"): N, ("ordrelinje", "ordrenr"): N, ("ordrelinje", "artikkel"): N,
    ("ordrelinje", "antall"): N, ("ordrelinje", "belop"): N, ("ordrelinje", "kostnadssted"): N,
    ("ordrelinje", "ext_ref"): N,
    # nettstasjon: the GIS table of substations (an address of a substation is not personal)
    ("nettstasjon", "ns_nr"): N, ("nettstasjon", "navn"): N, ("nettstasjon", "adresse"): N,
    ("nettstasjon", "lat"): N, ("nettstasjon", "lon"): N, ("nettstasjon", "utm_e"): N, ("nettstasjon", "utm_n"): N,
    ("nettstasjon", "epsg"): N, ("nettstasjon", "idriftsatt"): N, ("nettstasjon", "ytelse_kva"): N,
    # transformator: hard negatives
    ("transformator", "id"): N, ("transformator", "produksjonsnr"): N, ("transformator", "fabrikat"): N,
    ("transformator", "typebetegnelse"): N, ("transformator", "ns_nr"): N, ("transformator", "produsent_orgnr"): _l(ORG),
    # smartmaler_hendelse: AMS events, opaque column names
    ("smartmaler_hendelse", "hnd_id"): N, ("smartmaler_hendelse", "mlr_sn"): _l(MSERIAL),
    ("smartmaler_hendelse", "mp_gsrn"): _l(MID), ("smartmaler_hendelse", "evt_cd"): N,
    ("smartmaler_hendelse", "evt_ts"): N, ("smartmaler_hendelse", "fw_ver"): N,
    # timeverdi: hourly consumption per metering point
    ("timeverdi", "id"): N, ("timeverdi", "mpid"): _l(MID), ("timeverdi", "t0"): N, ("timeverdi", "kwh_imp"): _l(READING),
    ("timeverdi", "q"): N,
    # ams_melding: raw AMS payloads as JSON in TEXT, labelled per path
    ("ams_melding", "id"): N, ("ams_melding", "mottatt"): N,
    ("ams_melding", "payload.meter.serial"): _l(MSERIAL), ("ams_melding", "payload.meter.gsrn"): _l(MID),
    ("ams_melding", "payload.meter.model"): N, ("ams_melding", "payload.fw"): N,
    ("ams_melding", "payload.registers[].obis"): N, ("ams_melding", "payload.registers[].value"): _l(READING),
    ("ams_melding", "payload.registers[].unit"): N,
    # lager_mottak: meters received in the warehouse
    ("lager_mottak", "mottak_id"): N, ("lager_mottak", "sscc"): N, ("lager_mottak", "gtin"): N,
    ("lager_mottak", "maler_serienr"): _l(MSERIAL), ("lager_mottak", "mottatt"): N,
    # ansatt: employees of the grid company
    ("ansatt", "ansattnr"): N, ("ansatt", "navn"): _l(PERSON), ("ansatt", "stilling"): N,
    ("ansatt", "mobil"): _l(PHONE), ("ansatt", "epost"): _l(EMAIL), ("ansatt", "kostnadssted"): N,
    # leverandor: suppliers
    ("leverandor", "lev_id"): N, ("leverandor", "firmanavn"): N, ("leverandor", "orgnr"): _l(ORG),
    ("leverandor", "kontaktperson"): _l(PERSON), ("leverandor", "kontakt_epost"): _l(EMAIL),
    ("leverandor", "fakturakonto"): _l(KONTO), ("leverandor", "iban"): _l(IBAN), ("leverandor", "bestilling_epost"): N,
    # nettbutikk_betaling: a legacy web shop that stored card numbers
    ("nettbutikk_betaling", "betaling_id"): N, ("nettbutikk_betaling", "kundenr"): N,
    ("nettbutikk_betaling", "kortnummer"): _l(CARD), ("nettbutikk_betaling", "kort_maskert"): N,
    ("nettbutikk_betaling", "transaksjons_id"): N, ("nettbutikk_betaling", "belop"): N,
    # ticket: the MSP's service desk
    ("ticket", "id"): N, ("ticket", "subject"): N, ("ticket", "requester_name"): _l(PERSON),
    ("ticket", "requester_email"): _l(EMAIL), ("ticket", "requester_phone"): _l(PHONE), ("ticket", "assignee"): N,
    ("ticket", "body"): _l(PERSON, PHONE, IP), ("ticket", "customer_orgnr"): _l(ORG), ("ticket", "status"): N,
    ("ticket", "created_at"): N,
    # dhcp_lease
    ("dhcp_lease", "mac"): N, ("dhcp_lease", "ip"): _l(IP), ("dhcp_lease", "hostname"): N,
    ("dhcp_lease", "scope"): N, ("dhcp_lease", "vendor_class"): N, ("dhcp_lease", "starts"): N,
    ("dhcp_lease", "ends"): N,
    # cdr: the phone switch
    ("cdr", "call_id"): N, ("cdr", "calling_number"): _l(PHONE), ("cdr", "called_number"): _l(PHONE),
    ("cdr", "start_time"): N, ("cdr", "duration_s"): N, ("cdr", "trunk"): N, ("cdr", "disposition"): N,
    # tmp_migr_2019: a leftover migration table with opaque columns
    ("tmp_migr_2019", "c1"): _l(PERSON), ("tmp_migr_2019", "c2"): _l(FNR), ("tmp_migr_2019", "c3"): _l(PHONE),
    ("tmp_migr_2019", "c4"): _l(ADDRESS), ("tmp_migr_2019", "c5"): N, ("tmp_migr_2019", "c6"): N,
}
_SQL_JSON = {("ams_melding", "payload")}

_TIMEVERDI_DAYS = ("20240501", "20240502", "20240503")
FILE_LABELS: dict[str, dict[str | None, frozenset[str]]] = {
    "okonomi/bank/innbetalinger_2024-05.csv": {
        "Bokført": N, "Valør": N, "Konto": _l(KONTO), "KID": N, "Beløp": N, "Betaler": _l(PERSON),
        "Fra konto": _l(KONTO), "Arkivreferanse": N, "Oppdragsnr": N},
    "okonomi/lonn/lonn_2024-05.xlsx": {
        "Lønn 2024-05!Ansattnr": N, "Lønn 2024-05!Navn": _l(PERSON), "Lønn 2024-05!Fødselsnr": _l(FNR),
        "Lønn 2024-05!Kontonr": _l(KONTO), "Lønn 2024-05!Brutto": N, "Lønn 2024-05!Skattetrekk": N,
        "Lønn 2024-05!Netto": N, "Lønn 2024-05!Kostnadssted": N, "Lønn 2024-05!Stilling": N,
        "Lønn 2024-05!Lønnsperiode": N},
    "it/ad_users.csv": {
        "SamAccountName": N, "DisplayName": _l(PERSON), "GivenName": _l(PERSON), "Surname": _l(PERSON),
        "mail": _l(EMAIL), "telephoneNumber": _l(PHONE), "mobile": _l(PHONE), "Manager": _l(PERSON),
        "DistinguishedName": _l(PERSON), "Department": N, "Enabled": N, "whenCreated": N, "employeeID": N},
    "it/postliste_driftsvarsel.tsv": {"Email address": _l(EMAIL), "Display name": _l(PERSON), "Role": N, "Joined": N},
    "it/funksjonspostkasser.csv": {"Adresse": N, "Formål": N, "Eier": N},
    "gis/nettstasjoner.geojson": {
        "type": N, "name": N, "crs.type": N, "crs.properties.name": N, "features[].type": N,
        "features[].properties.ns_nr": N, "features[].properties.navn": N, "features[].properties.adresse": N,
        "features[].properties.kommunenr": N, "features[].properties.ytelse_kva": N,
        "features[].properties.idriftsatt": N, "features[].geometry.type": N,
        "features[].geometry.coordinates[]": N},
    "gis/transformatorer.csv": {
        "Serienr": N, "Fabrikat": N, "Type": N, "Ytelse kVA": N, "Idriftsatt": N, "UTM33 Ø": N, "UTM33 N": N,
        "EPSG": N, "Posisjon": N, "Nettstasjon": N},
    **{f"ams/timeverdier_{day}.csv": {"MeteringPointId": _l(MID), "StartTime": N, "EndTime": N,
                                      "Quantity": _l(READING), "Unit": N, "QualityCode": N}
       for day in _TIMEVERDI_DAYS},
    "msp/tickets_export.json": {
        "id": N, "subject": N, "status": N, "requester.name": _l(PERSON), "requester.email": _l(EMAIL),
        "requester.phone": _l(PHONE), "organization.name": N, "organization.orgnr": _l(ORG), "assignee": N,
        "comments[].author": _l(PERSON), "comments[].body": _l(PERSON, PHONE, IP), "comments[].created_at": N,
        "tags[]": N, "custom_fields.asset_tag": N, "custom_fields.os_version": N},
    "innkjop/varekatalog.csv": {
        "Varenr": N, "Beskrivelse": N, "GTIN": N, "Leverandør orgnr": _l(ORG), "Firmware": N, "Pris eks mva": N},
    "drift/arbeidsordre_uke18.xlsx": {
        "Ordre!Ordrenr": N, "Ordre!Opprettet": N, "Ordre!Montør": _l(PERSON), "Ordre!Anleggsadresse": _l(ADDRESS),
        "Ordre!Målepunkt": _l(MID), "Ordre!Beskrivelse": _l(PERSON, PHONE), "Ordre!Kostnadssted": N,
        "Ordre!Status": N},
}

_FW = {"host": N, "program": N, "message": _l(IP), "IN": N, "OUT": N, "MAC": N, "SRC": _l(IP), "DST": _l(IP),
       "LEN": N, "PROTO": N, "SPT": N, "DPT": N}
LOG_LABELS: dict[str, dict[str | None, frozenset[str]]] = {
    "firewall/fw-gw01.log": _FW,
    "firewall/fw-gw01.log.1": _FW,
    # read as a delimited file (col1…) or as a log (message): nothing either way
    "backup/veeam_backup.log": {"message": N, "col1": N, "col2": N, "col3": N},
    "dhcp/dhcpd.log": {"host": N, "program": N, "message": _l(IP)},
    "nettportal/app.jsonl": {"ts": N, "level": N, "logger": N, "msg": _l(PHONE), "customer.kundenr": N,
                             "customer.email": _l(EMAIL), "client_ip": _l(IP), "request_id": N,
                             "duration_ms": N, "user_agent": N},
    "ams/hes.log": {"logger": N, "message": _l(MSERIAL, MID), "meter": _l(MSERIAL), "mp": _l(MID), "event": N,
                    "code": N, "fw": N},
}


@dataclass
class Written:
    database: Path
    files: Path
    logs: Path
    sql: dict[tuple[str, str], frozenset[str]]
    file_labels: dict[str, dict[str | None, frozenset[str]]]
    log_labels: dict[str, dict[str | None, frozenset[str]]]


# -- value generators -----------------------------------------------------------------------------------
ROLE_MAILBOXES = ("driftssentral@example.no", "kundesenter@example.no", "noreply@example.no",
                  "postmottak@example.no", "faktura@example.no", "servicedesk@example.com",
                  "backup-alerts@example.com", "no-reply@example.com", "vaktleder@example.no")
VERSIONS = ("v4.2.1", "4.2.1-rc.2", "12.1.3.1077", "11.0.2.15", "2024.05.1", "3.1.7.200", "R12B", "6.0.14",
            "10.0.19045.4291", "1.8.0_392", "v2.10", "5.4.0-173-generic")
PRODUCTS = ("AIDON-6534-NO", "KAM-OMNIPOWER-3", "EL-16A-3P", "KBL-TFXP-4X240", "NEK-400-SKAP", "SIK-C25",
            "ABB-RESIBLOC-800", "TRF-OLJE-500")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "Æ": "Ae", "Ø": "O", "Å": "Aa", "é": "e", "ü": "u"})


class Gen:
    def __init__(self, seed: int):
        from faker import Faker

        self.rnd = random.Random(seed)
        self.fake = Faker("no_NO")
        self.fake.seed_instance(seed)

    # people
    def first(self) -> str:
        return self.fake.first_name()

    def last(self) -> str:
        return self.fake.last_name()

    def name(self) -> str:
        return f"{self.first()} {self.last()}"

    def email(self, first: str | None = None, last: str | None = None) -> str:
        first, last = first or self.first(), last or self.last()
        local = self.rnd.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{self.rnd.randint(1, 99)}",
                                 f"{first}.{last[0]}"]).lower().translate(_FOLD).replace(" ", "")
        return f"{local}@{self.rnd.choice(['example.no', 'example.com'])}"

    def phone(self, form: str | None = None) -> str:
        return synthetic.phone(self.rnd, form, mobile=self.rnd.random() < 0.8)

    def fnr(self) -> str:
        return synthetic.fodselsnummer(self.rnd, "d_nummer" if self.rnd.random() < 0.08 else "fodselsnummer")

    def konto(self, form: str | None = None) -> str:
        k = synthetic.kontonummer(self.rnd)
        form = form or self.rnd.choice(["plain", "dots", "spaces"])
        return {"plain": k, "dots": f"{k[:4]}.{k[4:6]}.{k[6:]}", "spaces": f"{k[:4]} {k[4:6]} {k[6:]}"}[form]

    def street(self) -> str:
        return self.fake.street_address()

    def address(self) -> str:
        return f"{self.street()}, {self.fake.postcode()} {self.fake.city()}" if self.rnd.random() < 0.5 \
            else self.street()

    def ip_client(self) -> str:
        return f"10.{self.rnd.choice([20, 21, 40])}.{self.rnd.randint(0, 31)}.{self.rnd.randint(2, 254)}"

    def ip_public(self) -> str:
        return self.rnd.choice([f"93.184.{self.rnd.randint(0, 255)}.{self.rnd.randint(1, 254)}",
                                f"151.101.{self.rnd.randint(0, 255)}.{self.rnd.randint(1, 254)}",
                                f"185.{self.rnd.randint(0, 255)}.{self.rnd.randint(0, 255)}.{self.rnd.randint(1, 254)}"])

    def mac(self) -> str:
        return ":".join(f"{self.rnd.randint(0, 255):02x}" for _ in range(6))

    # identifiers that are not personal
    def ordrenr(self) -> int:
        return self.rnd.choice([self.rnd.randint(40_000_000, 49_999_999), self.rnd.randint(90_000_000, 99_999_999)])

    def kostnadssted(self) -> int:
        return self.rnd.choice([4100, 4110, 4200, 4310, 4400, 4520, 4600, 4810, 5100, 5210])

    def kid(self, kundenr: int) -> str:
        from stdnum import luhn

        body = f"{kundenr:07d}{self.rnd.randint(0, 999):03d}"
        return body + luhn.calc_check_digit(body)

    def transformer_serial(self) -> str:
        from stdnum import ean

        body = f"{self.rnd.randint(1, 9)}{self.rnd.randint(0, 10**14 - 1):014d}"
        return body + str((int(ean.calc_check_digit(body)) + self.rnd.randint(1, 9)) % 10)

    def sscc(self) -> str:
        from stdnum import ean

        body = f"{self.rnd.choice('03')}7090012{self.rnd.randint(0, 10**9 - 1):09d}"
        return body + ean.calc_check_digit(body)

    def bad_meter_id(self) -> str:
        good = synthetic.meter_id(self.rnd)
        return good[:-1] + str((int(good[-1]) + self.rnd.randint(1, 9)) % 10)

    def gtin(self) -> str:
        from stdnum import ean

        body = f"70{self.rnd.randint(0, 10**10 - 1):010d}"
        return body + ean.calc_check_digit(body)

    def txn_id(self) -> str:
        from stdnum import luhn

        while True:
            v = f"{self.rnd.randint(10**15, 10**16 - 1)}"
            if not luhn.is_valid(v):
                return v

    def card(self) -> str:
        c = synthetic.card(self.rnd)
        return " ".join(c[i:i + 4] for i in range(0, len(c), 4)) if self.rnd.random() < 0.5 else c

    def ts(self, start: datetime, days: int = 30) -> datetime:
        return start + timedelta(seconds=self.rnd.randint(0, days * 86400))

    def hostname(self) -> str:
        r = self.rnd.random()
        if r < 0.4:
            return f"PC-{self.rnd.randint(100, 999):04d}"
        if r < 0.6:
            return "LAPTOP-" + "".join(self.rnd.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7))
        return self.rnd.choice(["iPhone", "android-" + f"{self.rnd.getrandbits(64):016x}", "Galaxy-S21",
                                "MacBook-Pro", "printer-2etg", "ipad"])

    def initials(self) -> str:
        return "".join(self.rnd.choice("abcdefghijklmnoprstuvy") for _ in range(3))


T0 = datetime(2024, 5, 1)


def _ordre_tekst(g: Gen) -> str:
    r = g.rnd.random()
    if r < 0.3:
        return f"Bytte av måler hos {g.name()}, ring {g.phone()} før oppmøte."
    if r < 0.55:
        return f"Kunde {g.name()} melder om blinkende lys og flimmer. Tlf {g.phone()}."
    if r < 0.7:
        return f"Jordfeil i kabelskap KS-{g.rnd.randint(100, 9999)}, kontroller nettstasjon NS {g.rnd.randint(1000, 4999)}."
    if r < 0.85:
        return (f"Planlagt utkobling {g.ts(T0):%d.%m.%Y} kl {g.rnd.randint(8, 14)}:00, varsel sendt fra "
                f"{g.rnd.choice(ROLE_MAILBOXES)}.")
    return f"Sikringsbytte {g.rnd.choice(['C25', 'C32', 'B16'])}, kostnadssted {g.kostnadssted()}, ordre {g.ordrenr()}."


def _ticket_body(g: Gen) -> str:
    r = g.rnd.random()
    if r < 0.3:
        return f"Hei, jeg får ikke logget inn på VPN fra PC-{g.rnd.randint(100, 999):04d} ({g.ip_client()}). Mvh {g.name()}"
    if r < 0.55:
        return f"Kan dere legge {g.name()} inn i gruppen GG-Drift? Ny ansatt, mobil {g.phone()}."
    if r < 0.7:
        return f"Skriveren i 2. etg svarer ikke etter oppdatering til driver {g.rnd.choice(VERSIONS)}."
    if r < 0.85:
        return f"Maskinen {g.ip_client()} har høy CPU etter patch, ring meg på {g.phone()}. {g.first()}"
    return f"Backupjobb {g.rnd.randint(4_700_000, 4_799_999)} feilet, se varsel fra {g.rnd.choice(ROLE_MAILBOXES)}."


# -- SQL ------------------------------------------------------------------------------------------------
def populate(engine, rows: int = 300, seed: int = 2026) -> dict[tuple[str, str], frozenset[str]]:
    """Create and fill the 18 holdout tables in `engine` (dropped first); returns the SQL labels."""
    import sqlalchemy as sa

    g = Gen(seed)
    rnd = g.rnd
    md = sa.MetaData()
    S, I, F, D = sa.String, sa.Integer, sa.Float, sa.DateTime
    BI = sa.BigInteger

    def table(name: str, *cols) -> sa.Table:
        return sa.Table(name, md, *cols)

    def c(name, typ, **kw):
        return sa.Column(name, typ, **kw)

    t = {}
    t["nettkunde"] = table("nettkunde", c("kundenr", I, primary_key=True), c("fornavn", S(60)), c("etternavn", S(60)),
                           c("pnr", S(11)), c("epost", S(120)), c("mobil", S(30)), c("fakt_adr", S(200)),
                           c("postnr", S(4)), c("poststed", S(60)), c("orgnr", S(9)), c("kundetype", S(10)),
                           c("opprettet", D))
    t["tilknytning"] = table("tilknytning", c("tilknytning_id", I, primary_key=True), c("kundenr", I),
                             c("malepunkt_id", S(18)), c("anleggsadresse", S(200)), c("sikring_a", I),
                             c("tariff", S(20)), c("nettstasjon", S(10)), c("tilknyttet", sa.Date))
    t["arbeidsordre"] = table("arbeidsordre", c("ordrenr", I, primary_key=True), c("montør", S(80)),
                              c("montor_tlf", S(30)), c("beskrivelse", sa.Text), c("kostnadssted", I),
                              c("malepunkt", S(18)), c("prioritet", S(5)), c("opprettet", D))
    t["ordrelinje"] = table("ordrelinje", c("linje_id", I, primary_key=True), c("ordrenr", I), c("artikkel", S(40)),
                            c("antall", I), c("belop", sa.Numeric(12, 2)), c("kostnadssted", I), c("ext_ref", S(18)))
    t["nettstasjon"] = table("nettstasjon", c("ns_nr", I, primary_key=True), c("navn", S(80)), c("adresse", S(200)),
                             c("lat", F), c("lon", F), c("utm_e", F), c("utm_n", F), c("epsg", I),
                             c("idriftsatt", I), c("ytelse_kva", I))
    t["transformator"] = table("transformator", c("id", I, primary_key=True), c("produksjonsnr", S(16)),
                               c("fabrikat", S(40)), c("typebetegnelse", S(40)), c("ns_nr", I),
                               c("produsent_orgnr", S(9)))
    t["smartmaler_hendelse"] = table("smartmaler_hendelse", c("hnd_id", I, primary_key=True), c("mlr_sn", S(16)),
                                     c("mp_gsrn", S(18)), c("evt_cd", S(10)), c("evt_ts", S(30)), c("fw_ver", S(20)))
    t["timeverdi"] = table("timeverdi", c("id", I, primary_key=True), c("mpid", S(18)), c("t0", D), c("kwh_imp", F),
                           c("q", S(2)))
    t["ams_melding"] = table("ams_melding", c("id", I, primary_key=True), c("mottatt", D), c("payload", sa.Text))
    t["lager_mottak"] = table("lager_mottak", c("mottak_id", I, primary_key=True), c("sscc", S(18)),
                              c("gtin", S(14)), c("maler_serienr", S(16)), c("mottatt", sa.Date))
    t["ansatt"] = table("ansatt", c("ansattnr", I, primary_key=True), c("navn", S(120)), c("stilling", S(60)),
                        c("mobil", S(30)), c("epost", S(120)), c("kostnadssted", I))
    t["leverandor"] = table("leverandor", c("lev_id", I, primary_key=True), c("firmanavn", S(120)), c("orgnr", S(9)),
                            c("kontaktperson", S(120)), c("kontakt_epost", S(120)), c("fakturakonto", S(14)),
                            c("iban", S(34)), c("bestilling_epost", S(120)))
    t["nettbutikk_betaling"] = table("nettbutikk_betaling", c("betaling_id", I, primary_key=True), c("kundenr", I),
                                     c("kortnummer", S(25)), c("kort_maskert", S(25)), c("transaksjons_id", S(16)),
                                     c("belop", sa.Numeric(12, 2)))
    t["ticket"] = table("ticket", c("id", I, primary_key=True), c("subject", S(200)), c("requester_name", S(120)),
                        c("requester_email", S(120)), c("requester_phone", S(30)), c("assignee", S(10)),
                        c("body", sa.Text), c("customer_orgnr", S(9)), c("status", S(12)), c("created_at", D))
    t["dhcp_lease"] = table("dhcp_lease", c("mac", S(17), primary_key=True), c("ip", S(15)), c("hostname", S(60)),
                            c("scope", S(18)), c("vendor_class", S(40)), c("starts", D), c("ends", D))
    t["cdr"] = table("cdr", c("call_id", I, primary_key=True), c("calling_number", BI), c("called_number", S(20)),
                     c("start_time", D), c("duration_s", I), c("trunk", S(20)), c("disposition", S(12)))
    t["tmp_migr_2019"] = table("tmp_migr_2019", c("c1", S(120)), c("c2", S(11)), c("c3", S(30)), c("c4", S(200)),
                               c("c5", S(10)), c("c6", S(4)))

    data: dict[str, list[dict]] = {k: [] for k in t}
    kundenr = [100_000 + i * 7 for i in range(rows)]
    for i, kn in enumerate(kundenr):
        bedrift = rnd.random() < 0.1
        fn, ln = g.first(), g.last()
        data["nettkunde"].append({
            "kundenr": kn, "fornavn": fn, "etternavn": ln, "pnr": None if bedrift else g.fnr(),
            "epost": None if rnd.random() < 0.12 else g.email(fn, ln),
            "mobil": None if rnd.random() < 0.1 else g.phone(), "fakt_adr": g.street(),
            "postnr": g.fake.postcode(), "poststed": g.fake.city(),
            "orgnr": synthetic.orgnr(rnd) if bedrift else None, "kundetype": "BEDRIFT" if bedrift else "PRIVAT",
            "opprettet": g.ts(datetime(2012, 1, 1), 4000)})
        data["tilknytning"].append({
            "tilknytning_id": i + 1, "kundenr": kn, "malepunkt_id": synthetic.meter_id(rnd),
            "anleggsadresse": g.address(), "sikring_a": rnd.choice([25, 32, 40, 63, 125]),
            "tariff": rnd.choice(["H-ENERGI", "H-EFFEKT", "N-LAV", "N-HOY"]),
            "nettstasjon": f"NS{rnd.randint(1000, 4999)}", "tilknyttet": g.ts(datetime(2000, 1, 1), 8000).date()})
    mp = [r["malepunkt_id"] for r in data["tilknytning"]]
    montorer = [g.name() for _ in range(12)]
    montor_tlf = {m: g.phone() for m in montorer}
    used: set[int] = set()
    for i in range(rows):
        nr = g.ordrenr()
        while nr in used:
            nr = g.ordrenr()
        used.add(nr)
        m = rnd.choice(montorer)
        data["arbeidsordre"].append({
            "ordrenr": nr, "montør": m, "montor_tlf": montor_tlf[m], "beskrivelse": _ordre_tekst(g),
            "kostnadssted": g.kostnadssted(), "malepunkt": None if rnd.random() < 0.2 else rnd.choice(mp),
            "prioritet": rnd.choice(["P1", "P2", "P3"]), "opprettet": g.ts(T0)})
        data["ordrelinje"].append({
            "linje_id": i + 1, "ordrenr": nr, "artikkel": rnd.choice(PRODUCTS), "antall": rnd.randint(1, 40),
            "belop": round(rnd.uniform(50, 25000), 2), "kostnadssted": g.kostnadssted(), "ext_ref": g.bad_meter_id()})
    produsenter = [synthetic.orgnr(rnd) for _ in range(3)]
    kunder_msp = [synthetic.orgnr(rnd) for _ in range(2)]
    for i in range(rows):
        lat, lon = 59.0 + rnd.random() * 1.5, 9.5 + rnd.random() * 2
        data["nettstasjon"].append({
            "ns_nr": 1000 + i, "navn": f"NS {1000 + i} {g.fake.last_name()}{rnd.choice(['lia', 'haugen', 'moen', 'bakken'])}",
            "adresse": g.street(), "lat": round(lat, 6), "lon": round(lon, 6),
            "utm_e": round(200_000 + rnd.random() * 150_000, 2), "utm_n": round(6_550_000 + rnd.random() * 150_000, 2),
            "epsg": rnd.choice([25832, 25833, 4326, 5972]),
            "idriftsatt": int(g.ts(datetime(1975, 1, 1), 17000).strftime("%Y%m%d")),
            "ytelse_kva": rnd.choice([100, 200, 315, 500, 800, 1000, 1250])})
        data["transformator"].append({
            "id": i + 1, "produksjonsnr": g.transformer_serial(), "fabrikat": rnd.choice(["ABB", "Siemens", "Hitachi", "Kolektor"]),
            "typebetegnelse": rnd.choice(PRODUCTS[5:]) + f"-{rnd.choice([315, 500, 800])}", "ns_nr": 1000 + i,
            "produsent_orgnr": rnd.choice(produsenter)})
    serial_of = {m: synthetic.meter_serial(rnd) for m in mp}
    for i in range(rows):
        m = rnd.choice(mp)
        data["smartmaler_hendelse"].append({
            "hnd_id": i + 1, "mlr_sn": serial_of[m], "mp_gsrn": m,
            "evt_cd": rnd.choice(["E1021", "E1022", "W0310", "I0001", "E2040"]),
            "evt_ts": g.ts(T0).strftime("%Y-%m-%dT%H:%M:%SZ"), "fw_ver": rnd.choice(VERSIONS)})
    for i in range(rows):
        m = mp[i % max(1, rows // 24)]
        data["timeverdi"].append({"id": i + 1, "mpid": m, "t0": T0 + timedelta(hours=i // max(1, rows // 24)),
                                  "kwh_imp": round(rnd.lognormvariate(0, 0.7), 3), "q": rnd.choice(["OK", "OK", "OK", "E", "M"])})
    for i in range(rows):
        m = rnd.choice(mp)
        total = round(rnd.uniform(1000, 90000), 2)
        payload = {"meter": {"serial": serial_of[m], "gsrn": m, "model": rnd.choice(PRODUCTS[:2])},
                   "fw": rnd.choice(VERSIONS),
                   "registers": [{"obis": "1.8.0", "value": total, "unit": "kWh"},
                                 {"obis": "2.8.0", "value": round(total * rnd.random() * 0.05, 2), "unit": "kWh"}]}
        data["ams_melding"].append({"id": i + 1, "mottatt": g.ts(T0), "payload": json.dumps(payload)})
    for i in range(rows):
        data["lager_mottak"].append({"mottak_id": i + 1, "sscc": g.sscc(), "gtin": g.gtin(),
                                     "maler_serienr": synthetic.meter_serial(rnd),
                                     "mottatt": g.ts(datetime(2023, 1, 1), 500).date()})
    for i in range(rows):
        fn, ln = g.first(), g.last()
        data["ansatt"].append({"ansattnr": 2000 + i, "navn": f"{fn} {ln}",
                               "stilling": rnd.choice(["Montør", "Ingeniør", "Kundebehandler", "Driftsoperatør", "Controller"]),
                               "mobil": g.phone(), "epost": g.email(fn, ln), "kostnadssted": g.kostnadssted()})
        fn, ln = g.first(), g.last()
        data["leverandor"].append({"lev_id": i + 1, "firmanavn": g.fake.company(), "orgnr": synthetic.orgnr(rnd),
                                   "kontaktperson": f"{fn} {ln}", "kontakt_epost": g.email(fn, ln),
                                   "fakturakonto": g.konto(), "iban": synthetic.iban_no(rnd),
                                   "bestilling_epost": rnd.choice(ROLE_MAILBOXES[3:6])})
        card = g.card()
        digits = card.replace(" ", "")
        data["nettbutikk_betaling"].append({
            "betaling_id": i + 1, "kundenr": rnd.choice(kundenr), "kortnummer": card,
            "kort_maskert": f"{digits[:4]} **** **** {digits[-4:]}", "transaksjons_id": g.txn_id(),
            "belop": round(rnd.uniform(99, 4999), 2)})
        fn, ln = g.first(), g.last()
        data["ticket"].append({
            "id": 50_000 + i, "subject": rnd.choice(["VPN virker ikke", "Ny bruker", "Skriver", "Treg PC", "Backup feilet"]),
            "requester_name": f"{fn} {ln}", "requester_email": g.email(fn, ln), "requester_phone": g.phone(),
            "assignee": g.initials(), "body": _ticket_body(g), "customer_orgnr": rnd.choice(kunder_msp),
            "status": rnd.choice(["open", "pending", "solved", "closed"]), "created_at": g.ts(T0)})
    macs: set[str] = set()
    for i in range(rows):
        mac = g.mac()
        while mac in macs:
            mac = g.mac()
        macs.add(mac)
        start = g.ts(T0)
        data["dhcp_lease"].append({"mac": mac, "ip": g.ip_client(), "hostname": g.hostname(),
                                   "scope": rnd.choice(["10.20.0.0/16", "10.21.0.0/16", "10.40.0.0/16"]),
                                   "vendor_class": rnd.choice(["MSFT 5.0", "android-dhcp-13", "udhcp 1.30.1", None]),
                                   "starts": start, "ends": start + timedelta(hours=8)})
        called = rnd.random()
        data["cdr"].append({
            "call_id": i + 1, "calling_number": int("47" + synthetic.phone_digits(rnd, rnd.random() < 0.7)),
            "called_number": (f"+47{synthetic.phone_digits(rnd)}" if called < 0.6 else
                              f"0047{synthetic.phone_digits(rnd, False)}" if called < 0.85 else
                              f"{rnd.randint(2100, 2199)}"),
            "start_time": g.ts(T0), "duration_s": rnd.randint(0, 3600),
            "trunk": rnd.choice(["SIP-TELENOR-1", "SIP-TELIA-2", "INTERN"]),
            "disposition": rnd.choice(["ANSWERED", "ANSWERED", "NO ANSWER", "BUSY"])})
        data["tmp_migr_2019"].append({"c1": f"{g.last()}, {g.first()}", "c2": g.fnr(), "c3": g.phone(),
                                      "c4": g.address(), "c5": g.ts(datetime(2019, 1, 1), 365).strftime("%d.%m.%Y"),
                                      "c6": rnd.choice(["OK", "DUP", "ERR"])})
    md.drop_all(engine)
    md.create_all(engine)
    with engine.begin() as conn:
        for name, tbl in t.items():
            conn.execute(tbl.insert(), data[name])
    return dict(SQL_LABELS)


# -- files ----------------------------------------------------------------------------------------------
def _csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",", encoding: str = "utf-8",
         quoting: int = csv.QUOTE_MINIMAL) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _xlsx(path: Path, sheet: str, header: list[str], rows: list[list]) -> None:
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.properties.created = datetime(2024, 5, 31)  # deterministic bytes
    wb.properties.modified = datetime(2024, 5, 31)
    wb.save(path)


def _money(v: float) -> str:
    return f"{v:,.2f}".replace(",", " ").replace(".", ",")


def write_files(root: Path, seed: int, rows: int) -> dict[str, dict[str | None, frozenset[str]]]:
    g = Gen(seed + 1)
    rnd = g.rnd
    own = g.konto("plain")
    bank = []
    for _ in range(rows):
        d = g.ts(T0)
        payer = g.fake.company() if rnd.random() < 0.15 else f"{g.first().upper()} {g.last().upper()}"
        bank.append([f"{d:%d.%m.%Y}", f"{d + timedelta(days=1):%d.%m.%Y}", own, g.kid(rnd.randint(100_000, 999_999)),
                     _money(rnd.uniform(120, 9800)), payer, g.konto("plain") if rnd.random() < 0.9 else "",
                     f"{rnd.randint(10**10, 10**11 - 1)}", f"{rnd.randint(1_000_000, 9_999_999)}"])
    _csv(root / "okonomi/bank/innbetalinger_2024-05.csv",
         ["Bokført", "Valør", "Konto", "KID", "Beløp", "Betaler", "Fra konto", "Arkivreferanse", "Oppdragsnr"],
         bank, delimiter=";", encoding="cp1252")

    lonn = []
    for i in range(rows):
        f = g.fnr()
        brutto = round(rnd.uniform(38000, 92000), 2)
        lonn.append([3000 + i, f"{g.last()}, {g.first()}", f if rnd.random() < 0.7 else f"{f[:6]} {f[6:]}",
                     g.konto("dots"), brutto, round(brutto * 0.34, 2), round(brutto * 0.66, 2), g.kostnadssted(),
                     rnd.choice(["Montør", "Ingeniør", "Kundebehandler", "Leder"]), 202405])
    _xlsx(root / "okonomi/lonn/lonn_2024-05.xlsx", "Lønn 2024-05",
          ["Ansattnr", "Navn", "Fødselsnr", "Kontonr", "Brutto", "Skattetrekk", "Netto", "Kostnadssted", "Stilling",
           "Lønnsperiode"], lonn)

    people = [(g.first(), g.last()) for _ in range(rows)]
    ad = []
    for i, (fn, ln) in enumerate(people):
        mfn, mln = people[rnd.randrange(0, max(1, min(len(people), 15)))]
        sam = (fn[:2] + ln[:2]).lower().translate(_FOLD) + str(rnd.randint(1, 9))
        ou = rnd.choice(["Drift", "Kundesenter", "Nett", "Okonomi"])
        ad.append([sam, f"{fn} {ln}", fn, ln, g.email(fn, ln), "" if rnd.random() < 0.2 else g.phone("intl"),
                   "" if rnd.random() < 0.3 else g.phone(), f"CN={mfn} {mln},OU=Brukere,OU={ou},DC=nett,DC=local",
                   f"CN={fn} {ln},OU=Brukere,OU={ou},DC=nett,DC=local", ou, rnd.choice(["True", "True", "False"]),
                   f"{g.ts(datetime(2015, 1, 1), 3000):%d.%m.%Y %H:%M:%S}", f"{10000 + i}"])
    _csv(root / "it/ad_users.csv",
         ["SamAccountName", "DisplayName", "GivenName", "Surname", "mail", "telephoneNumber", "mobile", "Manager",
          "DistinguishedName", "Department", "Enabled", "whenCreated", "employeeID"],
         ad, encoding="utf-8-sig", quoting=csv.QUOTE_ALL)

    members = []
    for _ in range(rows):
        if rnd.random() < 0.1:
            members.append([rnd.choice(ROLE_MAILBOXES), "", "MEMBER", f"{g.ts(datetime(2020, 1, 1), 1500):%Y-%m-%d}"])
        else:
            fn, ln = g.first(), g.last()
            members.append([g.email(fn, ln), f"{fn} {ln}", rnd.choice(["MEMBER", "MEMBER", "MANAGER", "OWNER"]),
                            f"{g.ts(datetime(2020, 1, 1), 1500):%Y-%m-%d}"])
    _csv(root / "it/postliste_driftsvarsel.tsv", ["Email address", "Display name", "Role", "Joined"], members,
         delimiter="\t")

    roles = [[m, rnd.choice(["Varsling", "Kundehenvendelser", "Faktura", "Systemvarsler"]),
              rnd.choice(["Driftssentralen", "Kundesenteret", "IT-drift", "Økonomiavdelingen"])]
             for m in ROLE_MAILBOXES for _ in range(max(1, rows // 60))]
    _csv(root / "it/funksjonspostkasser.csv", ["Adresse", "Formål", "Eier"], roles, delimiter=";", encoding="cp1252")

    features = []
    for i in range(rows):
        lat, lon = 59.0 + rnd.random() * 1.5, 9.5 + rnd.random() * 2
        features.append({"type": "Feature", "properties": {
            "ns_nr": 1000 + i, "navn": f"NS {1000 + i} {g.last()}{rnd.choice(['lia', 'moen', 'bakken'])}",
            "adresse": g.address(), "kommunenr": rnd.choice(["3301", "3303", "3305"]),
            "ytelse_kva": rnd.choice([315, 500, 800]),
            "idriftsatt": g.ts(datetime(1980, 1, 1), 15000).strftime("%Y%m%d")},
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}})
    gis = root / "gis/nettstasjoner.geojson"
    gis.parent.mkdir(parents=True, exist_ok=True)
    gis.write_text(json.dumps({"type": "FeatureCollection", "name": "nettstasjoner",
                               "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}},
                               "features": features}, ensure_ascii=False, indent=1), encoding="utf-8")

    trafo = []
    for i in range(rows):
        lat, lon = 59.0 + rnd.random() * 1.5, 9.5 + rnd.random() * 2
        dms = f"{int(lat)}°{int(lat % 1 * 60)}'{lat * 3600 % 60:.1f}\"N {int(lon)}°{int(lon % 1 * 60)}'{lon * 3600 % 60:.1f}\"E"
        trafo.append([g.transformer_serial(), rnd.choice(["ABB", "Siemens", "Kolektor"]), rnd.choice(PRODUCTS[5:]),
                      rnd.choice([315, 500, 800, 1000]), g.ts(datetime(1980, 1, 1), 15000).strftime("%Y%m%d"),
                      f"{200_000 + rnd.random() * 150_000:.2f}".replace(".", ","),
                      f"{6_550_000 + rnd.random() * 150_000:.2f}".replace(".", ","),
                      rnd.choice(["25833", "EPSG:25833", "25832"]), dms, f"NS {1000 + i}"])
    _csv(root / "gis/transformatorer.csv", ["Serienr", "Fabrikat", "Type", "Ytelse kVA", "Idriftsatt", "UTM33 Ø",
                                            "UTM33 N", "EPSG", "Posisjon", "Nettstasjon"], trafo, delimiter=";")

    mps = [synthetic.meter_id(rnd) for _ in range(max(1, rows // 24))]
    for day in _TIMEVERDI_DAYS:
        start = datetime.strptime(day, "%Y%m%d")
        tv = []
        for i in range(rows):
            h = start + timedelta(hours=i // len(mps))
            tv.append([mps[i % len(mps)], f"{h:%Y-%m-%dT%H:%M:%S}+02:00", f"{h + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}+02:00",
                       f"{rnd.lognormvariate(0, 0.7):.3f}", "KWH", rnd.choice(["E01", "E01", "E01", "36", "56"])])
        _csv(root / f"ams/timeverdier_{day}.csv",
             ["MeteringPointId", "StartTime", "EndTime", "Quantity", "Unit", "QualityCode"], tv)

    tickets = []
    orgs = [("Vestfold Nett AS", synthetic.orgnr(rnd)), ("Kommunalt Kraft KF", synthetic.orgnr(rnd))]
    for i in range(rows):
        fn, ln = g.first(), g.last()
        comments = [{"author": rnd.choice([f"{fn} {ln}", g.name()]), "body": _ticket_body(g),
                     "created_at": f"{g.ts(T0):%Y-%m-%dT%H:%M:%SZ}"} for _ in range(rnd.randint(1, 3))]
        tickets.append({"id": 70_000 + i, "subject": rnd.choice(["VPN", "Ny bruker", "Skriver", "Passord", "Backup"]),
                        "status": rnd.choice(["open", "solved"]),
                        "requester": {"name": f"{fn} {ln}", "email": g.email(fn, ln),
                                      "phone": None if rnd.random() < 0.15 else g.phone()},
                        "organization": dict(zip(("name", "orgnr"), rnd.choice(orgs))),
                        "assignee": g.initials(), "comments": comments,
                        "tags": rnd.sample(["vpn", "m365", "printer", "backup", "onboarding"], 2),
                        "custom_fields": {"asset_tag": f"ASSET-{rnd.randint(1, 99999):05d}",
                                          "os_version": rnd.choice(VERSIONS)}})
    tj = root / "msp/tickets_export.json"
    tj.parent.mkdir(parents=True, exist_ok=True)
    tj.write_text(json.dumps(tickets, ensure_ascii=False, indent=2), encoding="utf-8")

    varer = [[f"{rnd.randint(100000, 999999)}", rnd.choice(PRODUCTS) + " " + rnd.choice(["kabel", "måler", "skap", "sikring"]),
              g.gtin(), synthetic.orgnr(rnd), rnd.choice(VERSIONS), _money(rnd.uniform(10, 90000))] for _ in range(rows)]
    _csv(root / "innkjop/varekatalog.csv", ["Varenr", "Beskrivelse", "GTIN", "Leverandør orgnr", "Firmware", "Pris eks mva"],
         varer, delimiter=";")

    montorer = [g.name() for _ in range(10)]
    ordre = [[g.ordrenr(), g.ts(T0).strftime("%d.%m.%Y"), rnd.choice(montorer), g.address(),
              "NULL" if rnd.random() < 0.15 else synthetic.meter_id(rnd), _ordre_tekst(g), g.kostnadssted(),
              rnd.choice(["Ny", "Pågår", "Ferdig"])] for _ in range(rows)]
    _xlsx(root / "drift/arbeidsordre_uke18.xlsx", "Ordre",
          ["Ordrenr", "Opprettet", "Montør", "Anleggsadresse", "Målepunkt", "Beskrivelse", "Kostnadssted", "Status"], ordre)
    return {k: dict(v) for k, v in FILE_LABELS.items()}


# -- logs -----------------------------------------------------------------------------------------------
def _syslog_time(d: datetime) -> str:
    return f"{d:%b} {d.day:>2} {d:%H:%M:%S}"


def write_logs(root: Path, seed: int, lines: int) -> dict[str, dict[str | None, frozenset[str]]]:
    g = Gen(seed + 2)
    rnd = g.rnd
    per = max(10, lines // 6)

    def write(rel: str, text_lines: list[str]) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(text_lines) + "\n", encoding="utf-8")

    def fw_lines(day: datetime) -> list[str]:
        out = []
        for i in range(per):
            d = day + timedelta(seconds=i * 7)
            inbound = rnd.random() < 0.3
            src, dst = (g.ip_public(), g.ip_client()) if inbound else (g.ip_client(), g.ip_public())
            out.append(f"{d:%Y-%m-%dT%H:%M:%S}+02:00 fw-gw01 kernel: [FW-{rnd.choice(['DROP', 'ACCEPT'])}] "
                       f"IN={'eth0' if inbound else 'eth1'} OUT={'eth1' if inbound else 'eth0'} MAC={g.mac()} "
                       f"SRC={src} DST={dst} LEN={rnd.randint(40, 1500)} PROTO={rnd.choice(['TCP', 'UDP'])} "
                       f"SPT={rnd.randint(1024, 65535)} DPT={rnd.choice([22, 53, 80, 443, 3389, 8443])}")
        return out

    write("firewall/fw-gw01.log", fw_lines(T0 + timedelta(days=1)))
    write("firewall/fw-gw01.log.1", fw_lines(T0))

    veeam = []
    for i in range(per):
        d = T0 + timedelta(minutes=i * 3)
        job = rnd.randint(4_700_000, 4_799_999)
        kind = rnd.random()
        if kind < 0.4:
            veeam.append(f"[{d:%d.%m.%Y %H:%M:%S}] <{rnd.randint(1, 64):02d}> Info     Job 'vm-{rnd.choice(['fil', 'sql', 'dc', 'gis'])}0{rnd.randint(1, 4)}' "
                         f"(id {job}) started, agent version {rnd.choice(VERSIONS)}")
        elif kind < 0.8:
            veeam.append(f"[{d:%d.%m.%Y %H:%M:%S}] <{rnd.randint(1, 64):02d}> Info     Job {job} finished: "
                         f"{rnd.uniform(0.5, 900):.1f} GB transferred in {rnd.randint(0, 5):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}, "
                         f"rate {rnd.randint(20, 900)} MB/s, status=Success")
        else:
            veeam.append(f"[{d:%d.%m.%Y %H:%M:%S}] <{rnd.randint(1, 64):02d}> Warning  Job {job}: retention point "
                         f"{d:%Y%m%d}{rnd.randint(0, 9999):04d} kept, notification sent to {rnd.choice(ROLE_MAILBOXES)} "
                         f"(B&R {rnd.choice(['12.1.2.172', '12.0.0.1420', '11.0.1.1261'])})")
    write("backup/veeam_backup.log", veeam)

    dhcp = []
    for i in range(per):
        d = T0 + timedelta(seconds=i * 11)
        ip, mac, host = g.ip_client(), g.mac(), g.hostname()
        kind = rnd.choice(["DHCPACK", "DHCPREQUEST", "DHCPOFFER", "DHCPDISCOVER"])
        if kind == "DHCPACK":
            msg = f"DHCPACK on {ip} to {mac} ({host}) via eth1"
        elif kind == "DHCPREQUEST":
            msg = f"DHCPREQUEST for {ip} from {mac} ({host}) via eth1"
        elif kind == "DHCPOFFER":
            msg = f"DHCPOFFER on {ip} to {mac} ({host}) via eth1"
        else:
            msg = f"DHCPDISCOVER from {mac} via eth1"
        dhcp.append(f"{_syslog_time(d)} dhcp01 dhcpd[{rnd.randint(800, 1200)}]: {msg}")
    write("dhcp/dhcpd.log", dhcp)

    app = []
    for i in range(per):
        d = T0 + timedelta(seconds=i * 13)
        r = rnd.random()
        fn, ln = g.first(), g.last()
        msg = (f"Endret mobilnummer for kunde til {g.phone()}" if r < 0.3 else
               "Innlogging OK via ID-porten" if r < 0.6 else
               f"Hentet timeverdier for {rnd.randint(1, 24)} timer" if r < 0.85 else
               f"Eksport startet, versjon {rnd.choice(VERSIONS)}")
        rec = {"ts": f"{d:%Y-%m-%dT%H:%M:%S.%f}"[:-3] + "Z", "level": rnd.choice(["INFO", "INFO", "WARN"]),
               "logger": rnd.choice(["no.nett.portal.Kunde", "no.nett.portal.Auth"]), "msg": msg,
               "customer": {"kundenr": rnd.randint(100_000, 102_000), "email": g.email(fn, ln)},
               "client_ip": g.ip_public() if rnd.random() < 0.7 else g.ip_client(),
               "request_id": f"{rnd.getrandbits(128):032x}", "duration_ms": rnd.randint(3, 1800),
               "user_agent": rnd.choice(["Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "okhttp/4.12.0", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)"])}
        app.append(json.dumps(rec, ensure_ascii=False))
    write("nettportal/app.jsonl", app)

    meters = [(synthetic.meter_serial(rnd), synthetic.meter_id(rnd)) for _ in range(max(5, per // 10))]
    hes = []
    for i in range(per):
        d = T0 + timedelta(seconds=i * 5)
        serial, m = rnd.choice(meters)
        ev = rnd.choice([("POWER_FAIL", "E1021"), ("POWER_RESTORE", "E1022"), ("TAMPER", "W0310"), ("READ_OK", "I0001")])
        hes.append(f"{d:%Y-%m-%dT%H:%M:%S}Z {rnd.choice(['WARN', 'INFO'])} [HES] meter={serial} event={ev[0]} "
                   f"code={ev[1]} mp={m} fw={rnd.choice(VERSIONS)}")
    write("ams/hes.log", hes)
    return {k: dict(v) for k, v in LOG_LABELS.items()}


def write_estate(root: Path, seed: int = 2026, rows: int = 300, log_lines: int = 2000) -> Written:
    """The whole holdout estate under `root`: holdout.db, filer/, logger/; with its labels."""
    import sqlalchemy as sa

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    database = root / "holdout.db"
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        sql = populate(engine, rows=rows, seed=seed)
    finally:
        engine.dispose()
    files = write_files(root / "filer", seed, rows)
    logs = write_logs(root / "logger", seed, log_lines)
    return Written(database, root / "filer", root / "logger", sql, files, logs)
