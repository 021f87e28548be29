"""Attribute/value tables: a `value` column judged per attribute named in the column beside it,
through a real SQLite database and the scan CLI, and the pairing rule on its own."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from reporting import of, scan_cli

from detectors import synthetic
from detectors.keyed import key_columns
from scanner.crawlers.sql import values as sql_values
from scanner.model.units import FieldSample

ROWS = 400


def _eav_rows(seed: int = 3) -> list[tuple[int, str, str]]:
    r = random.Random(seed)
    rows = []
    for i in range(ROWS):
        attribute, value = [
            ("email", f"kunde.{i}@example.no"),
            ("mobil", synthetic.phone(r)),
            ("farge", r.choice(["rød", "blå", "grønn"])),
            ("firmware", f"{r.randint(1, 12)}.{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 40)}"),
            ("antall", str(r.randint(1, 99999999))),
        ][i % 5]
        rows.append((i // 5, attribute, value))
    return rows


@pytest.fixture(scope="module")
def eav_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("eav") / "crm.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE kontakt_attributt (entity_id INTEGER, attribute TEXT, value TEXT)")
    con.executemany("INSERT INTO kontakt_attributt VALUES (?, ?, ?)", _eav_rows())
    # the same values with nothing saying what they are: only the unmistakable ones count
    con.execute("CREATE TABLE uten_nokkel (id INTEGER, value TEXT)")
    con.executemany("INSERT INTO uten_nokkel VALUES (?, ?)", [(i, v) for i, _, v in _eav_rows()])
    con.execute("CREATE TABLE wp_usermeta (umeta_id INTEGER, user_id INTEGER, meta_key TEXT, meta_value TEXT)")
    r = random.Random(4)
    con.executemany("INSERT INTO wp_usermeta VALUES (?, ?, ?, ?)", [
        (i, i // 3, k, v) for i, (k, v) in enumerate(
            [("nickname", r.choice(["kari", "ola", "admin"])), ("billing_phone", synthetic.phone(r)),
             ("description", "")][i % 3] for i in range(300))])
    # an audit trail: which field changed, from what, to what, as JSON in a text column
    r = random.Random(5)
    changes = []
    for i in range(300):
        felt, old, new = [("epost", f"gammel.{i}@example.no", f"ny.{i}@example.no"),
                          ("mobil", synthetic.phone(r), synthetic.phone(r)),
                          ("status", "aktiv", "passiv"),
                          ("avdeling", "Drift", "Salg")][i % 4]
        doc = {"felt": felt, "fra": old, "til": new} if i % 10 else {"felt": felt, "til": new}  # a new value only
        changes.append((i, "kari" if i % 2 else "ola", json.dumps(doc)))
    con.execute("CREATE TABLE audit_log (id INTEGER, endret_av TEXT, diff TEXT)")
    con.executemany("INSERT INTO audit_log VALUES (?, ?, ?)", changes)
    con.commit()
    con.close()
    return path


def _found(lines) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for f in of(lines, "finding"):
        out.setdefault((f["location"]["dataset"], f["location"]["field"]), set()).add(f["entity_type"])
    return out


def test_a_value_column_is_judged_per_attribute(eav_db):
    code, lines, _ = scan_cli(f"sqlite:///{eav_db}", "--no-inventory")
    assert code == 0
    found = _found(lines)
    # every kind the attributes name, and nothing the firmware versions or counts look like
    assert found[("kontakt_attributt", "value")] == {"EMAIL_ADDRESS", "NO_PHONE_NUMBER"}
    # without the key: the e-mails, and phones only where written unmistakably (+47 …)
    assert "EMAIL_ADDRESS" in found[("uten_nokkel", "value")] <= {"EMAIL_ADDRESS", "NO_PHONE_NUMBER"}
    assert found[("wp_usermeta", "meta_value")] == {"NO_PHONE_NUMBER"}
    phone = next(f for f in of(lines, "finding") if f["location"]["field"] == "value"
                 and f["location"]["dataset"] == "kontakt_attributt" and f["entity_type"] == "NO_PHONE_NUMBER")
    assert phone["reasons"][0].startswith("rows where attribute is 'mobil' (80 values)")
    assert phone["sampled"] == ROWS
    # inside JSON documents: each document's field name says what its old and new values are
    assert found[("audit_log", "diff.fra")] == found[("audit_log", "diff.til")] == {"EMAIL_ADDRESS", "NO_PHONE_NUMBER"}


def test_json_paths_keep_their_rows():
    docs = [json.dumps({"felt": "mobil", "fra": "41234567", "liste": [1, 2]}), None,
            json.dumps({"felt": "epost", "til": "a@example.no"}), "ikke json"]
    assert sql_values.expand("diff", sql_values.JSON, docs, 100) == {
        "diff.felt": ["mobil", None, "epost", None], "diff.fra": ["41234567", None, None, None],
        "diff.til": [None, None, "a@example.no", None], "diff.liste[]": [2, 1], "diff": [None, None, None, "ikke json"]}


def _f(name, values, declared="text"):
    return FieldSample(name, declared, list(values))


LABELS = ["email", "mobil", "farge"] * 40


@pytest.mark.parametrize("fields,paired", [
    ([_f("id", range(120)), _f("attribute", LABELS), _f("value", ["x"] * 120)], {"value": "attribute"}),
    ([_f("meta_key", LABELS), _f("meta_value", ["x"] * 120)], {"meta_value": "meta_key"}),
    ([_f("egenskap", LABELS), _f("verdi", ["x"] * 120)], {"verdi": "egenskap"}),
    # two pairs: each value column with the key of its own prefix
    ([_f("a_key", LABELS), _f("b_key", LABELS[::-1]), _f("b_value", ["x"] * 120), _f("a_value", ["y"] * 120)],
     {"b_value": "b_key", "a_value": "a_key"}),
    ([_f("customer_id", range(120)), _f("name", LABELS), _f("value", ["x"] * 120)], {"value": "name"}),
    # near misses: no key column, a key column with a label per row, columns of other lengths,
    # a key column of one label only, a value column that is not named so
    ([_f("navn", [f"Person {i}" for i in range(120)]), _f("value", ["x"] * 120)], {}),  # people, one a row
    ([_f("attribute", [f"a{i}" for i in range(120)]), _f("value", ["x"] * 120)], {}),
    ([_f("attribute", LABELS), _f("value", ["x"] * 119)], {}),
    ([_f("attribute", ["email"] * 120), _f("value", ["x"] * 120)], {}),
    ([_f("attribute", LABELS), _f("beskrivelse", ["x"] * 120)], {}),
    # a CSV's columns (no declared type) leave blank cells out: equal counts do not mean aligned rows
    ([_f("attribute", LABELS, None), _f("value", ["x"] * 120, None)], {}),
])
def test_pairing(fields, paired):
    assert {k: v.name for k, v in key_columns(fields).items()} == paired
