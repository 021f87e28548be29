"""The holdout estate (bench/estate_holdout.py): deterministic, fully labelled, labelled identifiers
valid, hard negatives shaped like identifiers."""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
from datetime import datetime

import openpyxl
import pytest
from tables import sqlite_tables

from bench import estate_holdout as h
from bench import estates
from detectors.checksums import (
    fnr_info,
    gs1_valid,
    iban_valid,
    kontonummer_valid,
    luhn_valid,
    orgnr_valid,
)

ROWS, LINES = 80, 400


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return h.write_estate(tmp_path_factory.mktemp("holdout"), seed=7, rows=ROWS, log_lines=LINES)


def _xlsx_rows(path) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [(ws.title, *row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


def _tree(root) -> dict[str, object]:
    """Every file's bytes; XLSX as its cells (a zip's member times are not the estate's)."""
    return {p.relative_to(root).as_posix(): _xlsx_rows(p) if p.suffix == ".xlsx" else p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tables(written):
    return sqlite_tables(written.database)


def _csv(written, rel, delimiter, encoding="utf-8") -> list[dict]:
    text = (written.files / rel).read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def _digits(v) -> str:
    return re.sub(r"\D", "", str(v))


def _phone_ok(v) -> bool:
    d = _digits(v)
    if d.startswith("0047"):
        d = d[4:]
    elif len(d) == 10 and d.startswith("47"):
        d = d[2:]
    return len(d) == 8 and d[0] in "234579"


def _meter_id_ok(v) -> bool:
    return len(v) == 18 and v.startswith("707057") and gs1_valid(v)


def _meter_serial_ok(v) -> bool:
    return len(v) == 16 and v.isdigit() and gs1_valid(v)


def test_same_seed_same_estate_other_seed_other(written, tmp_path):
    again = h.write_estate(tmp_path / "a", seed=7, rows=ROWS, log_lines=LINES)
    other = h.write_estate(tmp_path / "b", seed=8, rows=ROWS, log_lines=LINES)
    assert sqlite_tables(again.database) == sqlite_tables(written.database)
    assert _tree(again.files) == _tree(written.files) and _tree(again.logs) == _tree(written.logs)
    assert (again.sql, again.file_labels, again.log_labels) == (written.sql, written.file_labels, written.log_labels)
    assert sqlite_tables(other.database)["nettkunde"] != sqlite_tables(written.database)["nettkunde"]
    assert _tree(other.files) != _tree(written.files) and _tree(other.logs) != _tree(written.logs)


def test_labels_cover_every_column_file_and_log(written, tables):
    assert len(tables) >= 15
    for name, rows in tables.items():
        for column in rows[0]:
            if (name, column) in h._SQL_JSON:
                paths = {k for k in written.sql if k[0] == name and k[1].startswith(column + ".")}
                assert {p for _, p in paths} >= {"payload.meter.serial", "payload.registers[].value"}
            else:
                assert (name, column) in written.sql, (name, column)
    assert set(written.file_labels) == set(_tree(written.files)) and len(written.file_labels) >= 10
    assert set(written.log_labels) == set(_tree(written.logs)) and len(written.log_labels) >= 4
    allowed = estates.CORE | {"NO_ORGANIZATION_NUMBER"}
    for labels in (written.sql, *written.file_labels.values(), *written.log_labels.values()):
        for entities in labels.values():
            assert entities <= allowed
    # the decisions in the docstring
    assert written.sql[("nettstasjon", "adresse")] == frozenset()
    assert written.sql[("tilknytning", "anleggsadresse")] == {"NO_ADDRESS"}
    assert written.sql[("dhcp_lease", "ip")] == {"IP_ADDRESS"} and written.sql[("dhcp_lease", "scope")] == frozenset()
    assert written.file_labels["it/funksjonspostkasser.csv"]["Adresse"] == frozenset()
    assert written.sql[("timeverdi", "kwh_imp")] == {"METER_READING"}


def test_the_estate_plugs_into_the_scorer(written):
    assert estates.ESTATES["holdout"] is estates.build_holdout
    expected = estates.file_expected(written.log_labels, lambda rel: "logs")
    assert expected[("logs", "firewall/fw-gw*.log*", "SRC")] == {"IP_ADDRESS"}  # the rotation is one dataset
    files = estates.file_expected(written.file_labels, lambda rel: "files")
    assert files[("files", "ams/timeverdier_*.csv", "Quantity")] == {"METER_READING"}


def test_labelled_identifiers_are_valid(written, tables):
    def col(table, column):
        return [r[column] for r in tables[table] if r[column] not in (None, "")]

    for table, column in (("nettkunde", "pnr"), ("tmp_migr_2019", "c2")):
        assert all(fnr_info(v) is not None for v in col(table, column))
    assert all(kontonummer_valid(_digits(v)) for v in col("leverandor", "fakturakonto"))
    assert all(iban_valid(v) for v in col("leverandor", "iban"))
    assert all(luhn_valid(_digits(v)) for v in col("nettbutikk_betaling", "kortnummer"))
    for table, column in (("tilknytning", "malepunkt_id"), ("arbeidsordre", "malepunkt"),
                          ("smartmaler_hendelse", "mp_gsrn"), ("timeverdi", "mpid")):
        assert all(_meter_id_ok(v) for v in col(table, column)), (table, column)
    for table, column in (("smartmaler_hendelse", "mlr_sn"), ("lager_mottak", "maler_serienr")):
        assert all(_meter_serial_ok(v) for v in col(table, column)), (table, column)
    for r in col("ams_melding", "payload"):
        p = json.loads(r)
        assert _meter_id_ok(p["meter"]["gsrn"]) and _meter_serial_ok(p["meter"]["serial"])
    for table, column in (("nettkunde", "mobil"), ("arbeidsordre", "montor_tlf"), ("ansatt", "mobil"),
                          ("ticket", "requester_phone"), ("cdr", "calling_number"), ("tmp_migr_2019", "c3")):
        assert all(_phone_ok(v) for v in col(table, column)), (table, column)
    assert all(isinstance(v, int) and str(v).startswith("47") for v in col("cdr", "calling_number"))
    called = col("cdr", "called_number")
    assert sum(_phone_ok(v) for v in called) / len(called) > 0.7
    for table, column in (("nettkunde", "epost"), ("ansatt", "epost"), ("ticket", "requester_email")):
        assert all(re.fullmatch(r"[a-z0-9.]+@example\.(no|com)", v) for v in col(table, column))
    assert all(orgnr_valid(v) for v in col("leverandor", "orgnr") + col("nettkunde", "orgnr")
               + col("ticket", "customer_orgnr") + col("transformator", "produsent_orgnr"))
    for r in col("dhcp_lease", "ip"):
        assert ipaddress.ip_address(r).is_private

    bank = _csv(written, "okonomi/bank/innbetalinger_2024-05.csv", ";", "cp1252")
    assert all(kontonummer_valid(r["Konto"]) for r in bank)
    assert all(kontonummer_valid(r["Fra konto"]) for r in bank if r["Fra konto"])
    salary = _xlsx_rows(written.files / "okonomi/lonn/lonn_2024-05.xlsx")[1:]
    assert all(fnr_info(_digits(r[3])) is not None and kontonummer_valid(_digits(r[4])) for r in salary)
    ad = _csv(written, "it/ad_users.csv", ",")
    assert all(_phone_ok(r["mobile"]) for r in ad if r["mobile"]) and all(r["Manager"].startswith("CN=") for r in ad)
    for day in h._TIMEVERDI_DAYS:
        assert all(_meter_id_ok(r["MeteringPointId"]) for r in _csv(written, f"ams/timeverdier_{day}.csv", ","))
    orders = _xlsx_rows(written.files / "drift/arbeidsordre_uke18.xlsx")[1:]
    assert all(_meter_id_ok(r[5]) for r in orders if r[5] != "NULL")
    hes = (written.logs / "ams/hes.log").read_text().splitlines()
    for line in hes:
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        assert _meter_serial_ok(fields["meter"]) and _meter_id_ok(fields["mp"])


def test_hard_negatives_look_like_identifiers_and_are_not(written, tables):
    def col(table, column):
        return [r[column] for r in tables[table] if r[column] is not None]

    # 16 digits like a meter serial, GS1 check fails
    assert all(len(v) == 16 and v.isdigit() and not gs1_valid(v) for v in col("transformator", "produksjonsnr"))
    # 18 digits, valid GS1: SSCC pallet codes, not the målepunkt prefix
    assert all(len(v) == 18 and gs1_valid(v) and not v.startswith("707057") for v in col("lager_mottak", "sscc"))
    # 18 digits with the målepunkt prefix, wrong check digit
    assert all(len(v) == 18 and v.startswith("7070575000") and not gs1_valid(v) for v in col("ordrelinje", "ext_ref"))
    # 8-digit order numbers in the mobile ranges
    assert all(len(str(v)) == 8 and str(v)[0] in "49" for v in col("arbeidsordre", "ordrenr"))
    assert all(1000 <= v <= 9999 for v in col("arbeidsordre", "kostnadssted") + col("ordrelinje", "kostnadssted"))
    # ISO dates as 8 digits
    assert all(datetime.strptime(str(v), "%Y%m%d") for v in col("nettstasjon", "idriftsatt"))
    assert {"25833", "4326"} >= {str(v) for v in col("nettstasjon", "epsg")} - {"25832", "5972"}
    # 16-digit transaction ids failing Luhn; masked card numbers
    assert all(len(v) == 16 and not luhn_valid(v) for v in col("nettbutikk_betaling", "transaksjons_id"))
    assert all(re.fullmatch(r"\d{4} \*{4} \*{4} \d{4}", v) for v in col("nettbutikk_betaling", "kort_maskert"))
    # version strings, some shaped like IPv4 addresses
    ip_like = [v for v in h.VERSIONS if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", v)]
    assert any(ipaddress.ip_address(v) for v in ip_like if all(int(p) < 256 for p in v.split(".")))
    # 11-digit KIDs with a Luhn check digit
    bank = _csv(written, "okonomi/bank/innbetalinger_2024-05.csv", ";", "cp1252")
    assert all(len(r["KID"]) == 11 and luhn_valid(r["KID"]) for r in bank)
    # role mailboxes only
    roles = _csv(written, "it/funksjonspostkasser.csv", ";", "cp1252")
    assert {r["Adresse"] for r in roles} <= set(h.ROLE_MAILBOXES)
    # substations: addresses and coordinates, nothing personal
    gis = json.loads((written.files / "gis/nettstasjoner.geojson").read_text())
    assert all(len(f["geometry"]["coordinates"]) == 2 and f["properties"]["adresse"] for f in gis["features"])
    trafo = _csv(written, "gis/transformatorer.csv", ";")
    assert all(len(r["Serienr"]) == 16 and not gs1_valid(r["Serienr"]) for r in trafo)
    # GTIN-13s are valid GS1 numbers of another length than a meter serial
    assert all(len(v) == 13 and gs1_valid(v) for v in col("lager_mottak", "gtin"))


def test_free_text_holds_what_its_label_says(written, tables):
    bodies = [r["body"] for r in tables["ticket"]]
    ip = sum(bool(re.search(r"\b10\.\d+\.\d+\.\d+\b", b)) for b in bodies) / len(bodies)
    phone = sum(bool(re.search(r"(\+47|0047)?[ ]?\d[\d ]{7,}", b)) for b in bodies) / len(bodies)
    assert ip >= 0.25 and phone >= 0.25
    texts = [r["beskrivelse"] for r in tables["arbeidsordre"]]
    assert sum(("ring" in t or "Tlf" in t) for t in texts) / len(texts) >= 0.25
