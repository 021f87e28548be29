"""The second generated estate (bench/estate_ops.py) and the estate scorer's arithmetic (bench/estates.py)."""

from __future__ import annotations

import ipaddress
import json
import re

import pytest
from tables import sqlite_tables

from bench import estate_ops, estates
from detectors.checksums import (
    fnr_info,
    gs1_valid,
    iban_valid,
    kontonummer_valid,
    luhn_valid,
    orgnr_valid,
)

ROWS, LINES = 120, 600


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return estate_ops.write_estate(tmp_path_factory.mktemp("ops"), seed=11, rows=ROWS, log_lines=LINES)


def _tree(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tables(written):
    return sqlite_tables(written.database)


def col(tables, table, column) -> list:
    return [r[column] for r in tables[table]]


def test_the_same_seed_gives_the_same_estate_and_another_seed_another(written, tmp_path):
    again = estate_ops.write_estate(tmp_path / "a", seed=11, rows=ROWS, log_lines=LINES)
    other = estate_ops.write_estate(tmp_path / "b", seed=12, rows=ROWS, log_lines=LINES)
    assert sqlite_tables(again.database) == sqlite_tables(written.database)
    assert _tree(again.files) == _tree(written.files) and _tree(again.logs) == _tree(written.logs)
    assert (again.file_labels, again.log_labels) == (written.file_labels, written.log_labels)
    assert sqlite_tables(other.database)["kunde"] != sqlite_tables(written.database)["kunde"]
    assert _tree(other.logs) != _tree(written.logs)


def test_labels_cover_every_column_and_every_file(written, tables):
    for name, rows in tables.items():
        for column in rows[0]:
            if (name, column) in estate_ops._SQL_JSON:  # a JSON-in-TEXT column: labelled per field path
                paths = set(estate_ops._SQL_JSON[(name, column)])
                assert paths == _json_paths(column, [r[column] for r in rows]), (name, column)
                assert all((name, path) in estate_ops.SQL_LABELS for path in paths)
                assert (name, column) not in estate_ops.SQL_LABELS
            else:
                assert (name, column) in estate_ops.SQL_LABELS, (name, column)
    assert len(tables) >= 28 and sum(len(rows[0]) for rows in tables.values()) >= 190
    assert set(written.file_labels) == set(_tree(written.files))
    assert set(written.log_labels) == set(_tree(written.logs))
    labels = estate_ops.SQL_LABELS
    assert labels[("eav_value", "value")] == {"EMAIL_ADDRESS", "NO_PHONE_NUMBER"}
    assert labels[("crm_company", "invoice_email")] == set() and labels[("crm_company", "contact_email")]
    assert labels[("cmdb_asset", "firmware")] == labels[("dc_rack_metrics", "rack_power_kwh")] == set()
    assert labels[("maaleravlesning", "forbruk_kwh")] == {"METER_READING"}
    assert labels[("hr_ansatt", "sted")] == {"NO_ADDRESS"}
    assert written.file_labels["dokumentasjon/brukerveiledning.txt"] == {None: set()}
    assert written.log_labels["worker/worker.log"]["job"] == set()


def test_labelled_identifiers_are_valid(tables):
    for fnr in col(tables, "kunde", "fnr") + col(tables, "hr_ansatt", "fnr") + col(tables, "imp_raw", "c1"):
        info = fnr_info(fnr)
        assert info and info.synthetic == "tenor", fnr
    personnr = col(tables, "hr_lonn", "personnr")
    assert any(n < 10**10 for n in personnr), "some fødselsnumre must lose their leading zero as BIGINT"
    assert all(fnr_info(f"{n:011d}") for n in personnr)
    assert all(kontonummer_valid(k) for k in col(tables, "hr_lonn", "kontonummer") + col(tables, "imp_raw", "f_07"))
    points = col(tables, "maaleravlesning", "maalepunkt_id")
    assert all(gs1_valid(m) and len(m) == 18 and m.startswith("707057500") for m in points)
    assert all(orgnr_valid(o) for o in col(tables, "crm_company", "orgnr") + col(tables, "billing_invoice", "orgnr"))
    for url in col(tables, "api_request", "url"):
        for fnr in re.findall(r"fnr=(\d+)", url):
            assert fnr_info(fnr), url
    assert any("fnr=" in u for u in col(tables, "api_request", "url"))
    assert all(re.sub(r"\D", "", m)[-8:][0] in "49" for m in col(tables, "crm_contact", "mobile"))
    phones = col(tables, "kunde", "telefon")  # mixed written forms of one kind of number
    assert any(p.startswith("0047") for p in phones) and any(p.startswith("+47 ") for p in phones)
    assert any(re.fullmatch(r"\d{8}", p) for p in phones)
    for address in col(tables, "cmdb_asset", "mgmt_ip"):
        ipaddress.ip_address(address)
    assert all(e.rsplit("@", 1)[1].endswith(("example.no", "example.com")) for e in col(tables, "kunde", "epost"))


def test_hard_negatives_are_what_they_must_be(tables, written):
    # invoice numbers and KIDs are no identity numbers, although they may pass a check by chance
    assert all(len(str(n)) == 11 for n in col(tables, "billing_invoice", "invoice_no"))
    assert all(luhn_valid(k) for k in col(tables, "billing_invoice", "kid"))
    for code in col(tables, "cmdb_asset", "gtin") + col(tables, "cmdb_asset", "supplier_gln"):
        assert gs1_valid(code) and len(code) == 13 and not code.startswith("7070575")
    # versions are dotted quads, so the trap is real: every firmware value parses as an IPv4 address
    firmware = col(tables, "cmdb_asset", "firmware")
    assert sum(_is_ipv4(v) for v in firmware) > len(firmware) * 0.6
    roles = col(tables, "crm_company", "invoice_email")
    assert all(e.split("@")[0] in estate_ops.ROLE_LOCALS for e in roles)
    mixed = [e.split("@")[0] in estate_ops.ROLE_LOCALS for e in col(tables, "crm_contact", "email")]
    assert 0 < sum(mixed) < len(mixed) / 2
    eav = tables["eav_value"]
    personal = [r for r in eav if r["attribute"] in ("email", "mobil")]
    assert 0.35 < len(personal) / len(eav) < 0.65
    for r in eav:
        if r["attribute"] not in ("email", "mobil"):
            assert "@" not in r["value"] and not re.fullmatch(r"\d{8}", r["value"]), r
    assert {c for c in tables["dc_rack_metrics"][0]} == {"rack_id", "measured", "rack_power_kwh", "inlet_temp_c"}
    manual = (written.files / "dokumentasjon/brukerveiledning.txt").read_text()
    assert re.search(r"Versjon \d+\.\d+\.\d+\.\d+", manual) and "faktura@" in manual
    assert not re.search(r"\d{8}", manual)


def test_the_worker_logs_job_ids_include_chance_fodselsnumre(written):
    text = (written.logs / "worker/worker.log").read_text()
    jobs = re.findall(r"\bjob=(\d+)", text)
    assert len(jobs) == LINES and all(len(j) == 11 for j in jobs)
    chance = [j for j in jobs if fnr_info(j)]
    assert 1 <= len(chance) < len(jobs) * 0.03, "about 1% pass the checks by chance; the label says nothing"
    assert re.search(r"build=\d+\.\d+\.\d+\.\d+", text) and "user=" in text


def test_the_access_logs_hold_valid_identifiers(written):
    access = (written.logs / "nginx/access.log").read_text().splitlines()
    fnrs = [m for line in access for m in re.findall(r"fnr=(\d+)", line)]
    assert fnrs and len(fnrs) < len(access) * 0.1 and all(fnr_info(f) for f in fnrs)
    points = [m for line in access for m in re.findall(r"/malepunkt/(\d+)/", line)]
    assert points and all(gs1_valid(p) and p.startswith("707057500") for p in points)
    web = [json.loads(line) for line in (written.logs / "web/app.log").read_text().splitlines()]
    assert all(ipaddress.ip_address(r["client_ip"]) for r in web)
    assert any("Chrome/124.0.0.0" in r["user_agent"] for r in web)


def _json_paths(prefix: str, values) -> set[str]:
    from collections import defaultdict

    from scanner.model.values import flatten_json

    out = defaultdict(list)
    for v in values:
        if v is not None:
            flatten_json(v, prefix, out, 10_000)
    return set(out)


def _digits(value) -> str:
    return re.sub(r"\D", "", str(value))


def _share_empty(values) -> float:
    return sum(v in (None, "") for v in values) / len(values)


def test_the_added_tables_hold_valid_identifiers(tables):
    cards = [c for c in col(tables, "billing_payment", "card_number") if c]
    assert cards and all(luhn_valid(_digits(c)) and _digits(c)[:6] in estate_ops._TEST_BINS for c in cards)
    assert any(" " in c for c in cards) and any(c.isdigit() for c in cards)
    ibans = [i for i in col(tables, "billing_payment", "iban") if i]
    assert ibans and all(iban_valid(i.replace(" ", "")) and i.startswith("NO") for i in ibans)
    accounts = [k for k in col(tables, "billing_payment", "fra_konto") if k] + col(tables, "imp_kunde_stage", "KONTO")
    assert all(kontonummer_valid(_digits(k)) for k in accounts)
    assert any(re.fullmatch(r"\d{4}\.\d\d\.\d{5}", k) for k in accounts) and any(k.isdigit() for k in accounts)
    numeric = [k for k in col(tables, "faktura", "innbetalt_fra") if k is not None]
    assert numeric and all(kontonummer_valid(f"{int(k):011d}") for k in numeric)
    fnrs = col(tables, "imp_kunde_stage", "KUNDE_FNR") + [f for f in col(tables, "kontakt_ext", "attr3") if f]
    infos = [fnr_info(_digits(f)) for f in fnrs]
    assert all(infos), fnrs
    assert any(i.kind == "d_nummer" for i in infos) and any(i.kind == "fodselsnummer" for i in infos)
    assert any(" " in f for f in fnrs) and any("-" in f for f in fnrs) and any(f.isdigit() for f in fnrs)
    for column in ("maalepunkt_id",):
        assert all(gs1_valid(m) and m.startswith("707057500") for m in col(tables, "maalepunkt", column))
        assert set(col(tables, "anlegg", column)) <= set(col(tables, "maalepunkt", column))
    assert all(gs1_valid(s) and len(s) == 16 for s in col(tables, "anlegg", "maalernummer"))
    mobiles = [m for m in col(tables, "users", "mobile") if m is not None]
    assert mobiles and all(len(str(m)) == 8 and str(m)[0] in "49" for m in mobiles)
    assert all(str(m).startswith("47") and len(str(m)) == 10 for m in col(tables, "avtale", "kontakt_mobil") if m)
    phones = col(tables, "crm_activity", "CustomerPhone")
    assert len({re.sub(r"\d", "9", p) for p in phones}) >= 6, "every written form of a phone number"
    for ip in col(tables, "api_log", "client_ip") + [i for i in col(tables, "cmdb_workstation", "last_ip") if i]:
        ipaddress.ip_address(ip)
    bodies = [json.loads(b) for b in col(tables, "api_log", "request_body") if b]
    assert any("customer" in b for b in bodies) and any("page" in b for b in bodies)
    contacts = [json.loads(a)["kontakt"] for a in col(tables, "kontakt_ext", "attr1")]
    assert all("@" in c["epost"] for c in contacts) and any("mobil" in c for c in contacts)
    assert all(e.endswith("@nordavind-drift.example.no") for e in col(tables, "users", "email"))
    # nullable and empty-string columns
    assert 0.3 <= _share_empty(col(tables, "crm_activity", "felt_12")) <= 0.7
    assert 0.3 <= _share_empty(col(tables, "hr_parorende", "EPOST")) <= 0.7
    assert "" in col(tables, "faktura", "epost_kopi") and None in col(tables, "faktura", "epost_kopi")
    assert 0.3 <= _share_empty(col(tables, "kontakt_ext", "attr3")) <= 0.7


def test_the_added_hard_negatives_look_like_identifiers(tables):
    orders = col(tables, "billing_order_line", "ordre_id")
    assert all(len(str(o)) == 8 and str(o)[0] == "4" for o in orders), "sequential ids in the mobile range"
    assert all(gs1_valid(s) and len(s) == 18 and not s.startswith("7070575") for s in col(tables, "billing_order_line", "sscc"))
    assert all(gs1_valid(g) and len(g) == 14 for g in col(tables, "billing_order_line", "gtin14"))
    postcodes = {p for p, _ in estate_ops._PLACES}
    assert postcodes & set(col(tables, "hr_fravaer", "kostnadssted")), "cost centres that are also postnumre"
    assert all(re.fullmatch(r"\d{4}", p) for p in col(tables, "users", "pin"))
    assert all(re.fullmatch(r"20240[5-6]\d{8}", t) for t in col(tables, "billing_payment", "betalt_ts"))
    assert all(re.fullmatch(r"\d{1,3}( \d{3})*,\d\d", a) for a in col(tables, "billing_payment", "belop_tekst"))
    versions = col(tables, "cmdb_workstation", "os_version")
    assert any(v.count(".") == 3 for v in versions) and any(v.count(".") == 2 for v in versions)
    assert all(len(str(r)) == 11 for r in col(tables, "billing_order_line", "ordre_ref"))
    assert sum(bool(fnr_info(str(n))) for n in col(tables, "faktura", "faktura_nr")) < len(tables["faktura"]) * 0.05
    first_names = {estate_ops.workstation_name(__import__("random").Random(0), p).split("-")[0]
                   for p in estate_ops.people(ROWS, 11, "ansatte")}
    assert all(h.split("-")[0] in first_names for h in col(tables, "cmdb_workstation", "hostname"))
    assert all(e.split("@")[0] in estate_ops.ROLE_LOCALS for e in col(tables, "mon_alert", "notify"))
    assert set(col(tables, "imp_kunde_stage", "FELT_9")) <= {"", "-", "N/A", "ukjent"}
    users = col(tables, "users", "username")
    assert any("." in u for u in users) and any(u.startswith("adm-") for u in users)
    clean = col(tables, "helpdesk_comment", "body")
    assert any(re.search(r"\d+\.\d+\.\d+\.\d+", b) for b in clean) and not any("@" in b for b in clean)


def test_the_added_files_are_what_their_labels_say(written):
    import gzip

    files = written.files
    raw = (files / "eksport/crm_contacts_export.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b'"Ring etter kl. 14,\nhelst mobil"' in raw
    lonn = (files / "okonomi/lonnsliste_mai.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        lonn.decode("utf-8")
    assert lonn.decode("cp1252").startswith("Lønnsliste mai 2024") and "\r\n\r\nAnsattnr;" in lonn.decode("cp1252")
    assert "\t" in (files / "okonomi/innbetalinger_mai.tsv").read_text().splitlines()[0]
    assert "|" in (files / "anlegg/maalerliste_nettselskap.csv").read_text().splitlines()[0]
    first = (files / "import/kunder_uten_overskrift.csv").read_text().splitlines()[0].split(",")
    assert first[0].isdigit() and "@" in first[4], "no header row"
    assert set(written.file_labels["import/kunder_uten_overskrift.csv"]) == {f"col{i}" for i in range(1, 6)}
    gz = gzip.decompress((files / "eksport/avlesninger_2024q1.csv.gz").read_bytes()).decode()
    assert all(gs1_valid(line.split(";")[0]) for line in gz.splitlines()[1:])
    for rel in ("integrasjon/kundehendelser.jsonl", "integrasjon/ansattkatalog.json", "integrasjon/helpdesk_saker.json"):
        text = (files / rel).read_text()
        docs = [json.loads(line) for line in text.splitlines()] if rel.endswith(".jsonl") else json.loads(text)
        docs = docs if isinstance(docs, list) else [docs]
        paths = {p.removeprefix("$.") for p in _json_paths("$", [json.dumps(d) for d in docs])}
        assert paths == set(written.file_labels[rel]), rel
    for rel in ("konfig/overvaking.yaml", "konfig/backup.ini", "dokumentasjon/rutine_patching.md"):
        text = (files / rel).read_text()
        assert written.file_labels[rel] == {None: set()} and not re.search(r"\b[49]\d{7}\b", text)
        assert "drift@" in text
    note = (files / "dokumentasjon/referat_driftsmote.txt").read_text()
    assert written.file_labels["dokumentasjon/referat_driftsmote.txt"] == {None: {"PERSON", "NO_PHONE_NUMBER"}}
    assert len(re.findall(r"\+47|\b\d{8}\b|\b\d\d \d\d \d\d \d\d\b|\b\d{3} \d\d \d{3}\b", note)) >= 3


def test_the_rotated_auth_log_is_one_dataset_and_the_new_logs_hold_what_is_labelled(written):
    import gzip

    from scanner.crawlers.datasets import pattern_of

    rotated = [r for r in written.log_labels if r.startswith("syslog/")]
    assert sorted(rotated) == ["syslog/auth.log", "syslog/auth.log.1", "syslog/auth.log.2.gz"]
    assert {pattern_of(r) for r in rotated} == {"syslog/auth.log*"}
    expected = estates.file_expected(written.log_labels, lambda rel: "logs")
    assert expected[("logs", "syslog/auth.log*", "message")] == {"IP_ADDRESS"}
    old = gzip.decompress((written.logs / "syslog/auth.log.2.gz").read_bytes()).decode()
    assert re.match(r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ sshd\[\d+\]: ", old) or "sshd[" in old
    assert "Accepted publickey for" in old + (written.logs / "syslog/auth.log").read_text()
    app = (written.logs / "app/kundeportal.log").read_text()
    assert "Traceback (most recent call last):" in app and re.search(r"- kundeportal\.\w+ - INFO - ", app)
    gateway = [json.loads(line) for line in (written.logs / "api/gateway.log").read_text().splitlines()]
    assert any("@" in g.get("user", {}).get("email", "") for g in gateway)
    for g in gateway:
        for ip in g["request"]["headers"]["x-forwarded-for"].split(", "):
            ipaddress.ip_address(ip)


def _is_ipv4(value: str) -> bool:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


# -- the scorer ------------------------------------------------------------------------------------
def _finding(source: str, dataset: str, field, entity: str, confidence: float = 0.9) -> dict:
    return {"record": "finding", "source": {"name": source}, "entity_type": entity, "confidence": confidence,
            "hits": 10, "sampled": 10, "reasons": ["why"],
            "location": {"dataset": dataset, "field": field}}


def test_the_scorer_counts_per_part_and_lists_every_error():
    expected = {
        ("sql", "kunde", "fnr"): frozenset({"NO_FODSELSNUMMER"}),
        ("sql", "kunde", "navn"): frozenset({"PERSON"}),
        ("sql", "kunde", "orgnr"): frozenset({"NO_ORGANIZATION_NUMBER"}),  # not core: not scored
        ("sql", "faktura", "nr"): frozenset(),
        ("logs", "worker.log*", "user"): frozenset({"EMAIL_ADDRESS"}),
        ("files", "brev.txt", None): frozenset({"PERSON", "NO_ADDRESS"}),
    }
    lines = [
        {"record": "scan"},
        _finding("sql", "kunde", "fnr", "NO_FODSELSNUMMER"),
        _finding("sql", "kunde", "navn", "PERSON"),
        _finding("sql", "kunde", "orgnr", "NO_ORGANIZATION_NUMBER"),
        _finding("sql", "faktura", "nr", "NO_FODSELSNUMMER", 0.8),  # FP
        _finding("sql", "faktura", "belop", "METER_READING"),  # FP on a field the labels do not name
        _finding("logs", "worker.log*", "user", "EMAIL_ADDRESS"),
        _finding("files", "brev.txt", None, "PERSON"),  # NO_ADDRESS missed: FN
    ]
    result = estates.score("t", expected, estates.reported(lines, lambda r: r["source"]["name"]))
    sql, files, logs = (result.parts[p] for p in estates.PARTS)
    assert (sql.tp, sql.fp, sql.fn) == (2, 2, 0)
    assert sql.precision == 0.5 and sql.recall == 1.0 and sql.f1 == pytest.approx(2 / 3)
    assert (files.tp, files.fp, files.fn) == (1, 0, 1) and files.f1 == pytest.approx(2 / 3)
    assert (logs.tp, logs.fp, logs.fn) == (1, 0, 0) and logs.f1 == 1.0
    assert not result.passed
    assert [(e.kind, e.part, e.dataset, e.field, e.entity) for e in result.errors] == [
        ("FN", "files", "brev.txt", None, "NO_ADDRESS"),
        ("FP", "sql", "faktura", "belop", "METER_READING"),
        ("FP", "sql", "faktura", "nr", "NO_FODSELSNUMMER"),
    ]
    assert "not in the labels" in result.errors[1].detail
    empty = estates.score("e", {}, {})
    assert all(p.f1 == 1.0 for p in empty.parts.values()) and empty.passed


def test_file_labels_are_grouped_into_datasets_as_the_crawlers_group_them():
    labels = {"logg/app.log": {"msg": frozenset({"PERSON"})}, "logg/app.log.1": {"user": frozenset({"EMAIL_ADDRESS"})},
              "eksport/kunder.csv": {"navn": frozenset({"PERSON"})}}
    got = estates.file_expected(labels, estates.demo_file_part)
    assert got == {("logs", "logg/app.log*", "msg"): {"PERSON"}, ("logs", "logg/app.log*", "user"): {"EMAIL_ADDRESS"},
                   ("files", "eksport/kunder.csv", "navn"): {"PERSON"}}
    assert estates.demo_file_part("logg/revisjon-2024-05.jsonl.bz2") == "logs"
    assert estates.demo_file_part("eksport/kunder.csv") == "files"
    assert "LOCATION" not in estates.CORE and "NO_ORGANIZATION_NUMBER" not in estates.CORE
    assert {"NO_FODSELSNUMMER", "METER_READING", "IP_ADDRESS"} <= estates.CORE
