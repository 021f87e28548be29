"""Addresses of sites and installations: an asset register that places things on a map and
holds nothing of a person is not personal data; the same address beside a person is. Real
SQLite tables and a GeoJSON file, through the scan CLI."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from reporting import of, scan_cli

from detectors import synthetic

ROWS = 120
STREETS = ["Storgata", "Kirkeveien", "Strandvegen", "Fjellveien", "Skolegata", "Bjørkelia"]
PEOPLE = ["Kari Nordmann", "Ola Hansen", "Ingrid Berg", "Per Johansen", "Siri Dahl"]


def _address(r: random.Random) -> str:
    return f"{r.choice(STREETS)} {r.randint(1, 120)}"


TABLES = {
    # (columns, row maker, address reported)
    "nettstasjon": ("ns_nr INTEGER, navn TEXT, adresse TEXT, lat REAL, lon REAL, ytelse_kva INTEGER",
                    lambda i, r: (i, f"NS {1000 + i} {r.choice(STREETS)}", _address(r), 60 + r.random(),
                                  10 + r.random(), r.choice([315, 500, 800])), False),
    "datasenter": ("id INTEGER, site TEXT, adresse TEXT, postnr TEXT, utm_e INTEGER, utm_n INTEGER",
                   lambda i, r: (i, f"DC{i}", _address(r), f"{r.randint(1000, 9999)}", r.randint(200000, 300000),
                                 r.randint(6600000, 6700000)), False),
    # the same addresses beside a person, a customer key or an identity number: a person's
    "kunde": ("id INTEGER, navn TEXT, adresse TEXT, lat REAL, lon REAL",
              lambda i, r: (i, r.choice(PEOPLE), _address(r), 60 + r.random(), 10 + r.random()), True),
    "anlegg": ("anlegg_id INTEGER, kunde_id INTEGER, anleggsadresse TEXT, gps TEXT",
               lambda i, r: (i, i + 7, _address(r), f"{60 + r.random():.5f},{10 + r.random():.5f}"), True),
    "bolig": ("id INTEGER, fnr TEXT, adresse TEXT, koordinat TEXT",
              lambda i, r: (i, synthetic.fodselsnummer(r), _address(r), "60.1,10.2"), True),
    # an address table without coordinates: a person's until shown otherwise
    "adresse": ("id INTEGER, gate TEXT, postnr TEXT", lambda i, r: (i, _address(r), f"{r.randint(1000, 9999)}"), True),
    # a geocoded address table (addresses, coordinates, keys): found through someone, a person's
    "geoadresse": ("id INTEGER, gateadresse TEXT, postnummer TEXT, poststed TEXT, lat REAL, lon REAL",
                   lambda i, r: (i, _address(r), f"{r.randint(1000, 9999)}", "OSLO", 60 + r.random(),
                                 10 + r.random()), True),
    # a customer's installation, placed on the map: a household's address
    "anleggsadresse": ("anlegg_id INTEGER, adresse TEXT, lat REAL, lon REAL, sikring_a INTEGER",
                       lambda i, r: (i, _address(r), 60 + r.random(), 10 + r.random(), r.choice([25, 32, 40])), True),
    # an elevation is no pupil (elev): the substation stays an asset
    "mast": ("mast_nr INTEGER, adresse TEXT, elevation REAL, lat REAL, lon REAL, hoyde_m INTEGER",
             lambda i, r: (i, _address(r), r.random() * 300, 60 + r.random(), 10 + r.random(), 12), False),
}


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    root = tmp_path_factory.mktemp("premises")
    con = sqlite3.connect(root / "gis.db")
    r = random.Random(11)
    for table, (columns, row, _) in TABLES.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
        n = len(columns.split(","))
        con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * n)})", [row(i, r) for i in range(ROWS)])
    con.commit()
    con.close()
    files = root / "filer"
    files.mkdir()
    (files / "nettstasjoner.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [10 + r.random(), 60 + r.random()]},
         "properties": {"ns_nr": i, "navn": f"NS {1000 + i}", "adresse": _address(r), "ytelse_kva": 500}}
        for i in range(ROWS)]}))
    return root


def _addresses(lines) -> set[str]:
    return {f["location"]["dataset"] for f in of(lines, "finding") if f["entity_type"] == "NO_ADDRESS"}


def test_an_asset_registers_addresses_are_not_a_persons(estate):
    _, lines, _ = scan_cli(f"sqlite:///{estate / 'gis.db'}", "--no-inventory")
    assert _addresses(lines) == {t for t, (_, _, reported) in TABLES.items() if reported}
    _, lines, _ = scan_cli(str(estate / "filer"), "--no-inventory")
    assert _addresses(lines) == set()
