"""`kartlegg subject`: one person found in every location that holds them and in none that does
not, over SQLite, PostgreSQL, MariaDB, a file share and S3 (tests/subject_estate.py plants them,
with near misses beside them); never printing what it finds; logging the request."""

from __future__ import annotations

import datetime
import fnmatch
import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
import sqlalchemy as sa
from aws_servers import put_log_stream
from click.testing import CliRunner
from subject_estate import (
    FILES_EXPECTED,
    KARI,
    OLA,
    OTHERS,
    S3_EXPECTED,
    SQL_EXPECTED,
    populate,
    s3_objects,
    write_estate,
)

from scanner.cli.main import cli
from scanner.subject.identifiers import KINDS

PEOPLE = {"kari": KARI, "ola": OLA}
SCHEMA = jsonschema.Draft202012Validator(json.load(open("reports/subject.schema.json", encoding="utf-8")))
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|COPY)\b", re.I)


def scan(*args) -> list[dict]:
    out = f"{os.environ['KARTLEGG_INVENTORY']}.report.jsonl"
    result = CliRunner().invoke(cli, ["scan", *args, "-o", out, "-q"], catch_exceptions=False)
    assert result.exit_code in (0, 3), result.output
    return [json.loads(line) for line in open(out, encoding="utf-8")]


def subject(*args) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(cli, ["subject", "--json", *args], catch_exceptions=False)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    for line in lines:
        SCHEMA.validate(line)
    return result.exit_code, lines, result.output


def where_found(lines: list[dict]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in lines:
        if r["record"] == "match":
            out.setdefault(r["source"]["name"], set()).add(r["location"]["dataset"])
    return out


def person_args(who: str) -> list[str]:
    return [a for spec in PEOPLE[who].ids() for a in ("--id", spec)]


def assert_nothing_shown(person, *texts: str) -> None:
    digits = person.fnr, person.phone, person.account
    for text in texts:
        for value in (*digits, person.email, person.email.upper(), person.first + " " + person.last):
            assert value not in text, "an identifier was printed"


# -- SQLite and a file share ----------------------------------------------------------------------------

@pytest.fixture
def estate(tmp_path):
    sources = write_estate(tmp_path)
    scan(*sources)
    return sources


@pytest.mark.parametrize("who", ["kari", "ola"])
def test_a_person_is_found_everywhere_they_are_and_nowhere_else(estate, who):
    code, lines, out = subject(*estate, *person_args(who))
    assert code == 0, out
    assert where_found(lines) == {"kunder": SQL_EXPECTED[who], "share": FILES_EXPECTED[who]}
    assert_nothing_shown(PEOPLE[who], out)
    summary = lines[-1]
    assert summary["record"] == "summary" and summary["locations"]["error"] == 0
    assert summary["locations"]["found"] == len(SQL_EXPECTED[who]) + len(FILES_EXPECTED[who])
    searched = {r["location"]["dataset"] for r in lines if r["record"] == "not_found"}
    assert searched  # the other locations holding identifiers were looked at and said so
    header = lines[0]
    assert header["record"] == "request" and {i["kind"] for i in header["identifiers"]} == \
        {"fnr", "email", "phone", "name", "account"}
    assert all(i["fingerprint"].startswith("hmac-sha256:") for i in header["identifiers"])


def test_the_forms_found_are_the_ones_a_person_writes(estate):
    _, lines, _ = subject(*estate, *person_args("kari"))
    fields = {(r["location"]["dataset"], f["name"]): set(f["identifiers"]) for r in lines if r["record"] == "match"
              for f in r["fields"]}
    assert fields[("kunde_tall", "personnummer")] == {"fnr"}  # an integer column lost the leading zero
    assert fields[("kunde", "epost")] == {"email"}  # stored in capitals
    assert fields[("kontakt", "fornavn")] == fields[("kontakt", "etternavn")] == {"name"}  # two columns
    assert fields[("hendelse", "payload")] == {"email"}  # inside a JSON document
    assert fields[("samtale.txt", "text")] >= {"name", "phone"} if ("samtale.txt", "text") in fields else True
    assert not any(d == "henvendelse" for d, _ in fields)  # her number inside a longer one, "Nordmannsen"


def test_one_identifier_alone_finds_its_rows(estate):
    code, lines, _ = subject(*estate, "--id", f"phone={KARI.phone}")
    assert code == 0
    found = where_found(lines)
    assert found["kunder"] == {"kunde", "kontakt"}
    assert found["share"] == {"eksport/kunder.csv", "notater/samtale.txt"}  # not the order id in app.log


def test_export_holds_only_the_matching_rows(estate, tmp_path):
    out = tmp_path / "utlevering"
    code, lines, text = subject(*estate, *person_args("ola"), "--export", str(out), "--erase-plan")
    assert code == 0, text
    manifest = json.loads((out / "manifest.json").read_text())
    assert {m["location"].rsplit("/", 1)[-1] for m in manifest["locations"]} >= {"kunde", "faktura", "henvendelse"}
    kunde = json.loads((out / "kunder" / "main.kunde.json").read_text())
    assert [r["fnr"] for r in kunde["rows"]] == [OLA.fnr]
    assert set(kunde["columns"]) == {"kunde_id", "fnr", "navn", "epost", "tlf", "kontonr"}
    exported = "".join(p.read_text() for p in out.rglob("*.*"))
    assert all(p.fnr not in exported for p in OTHERS) and all(p.email not in exported for p in OTHERS)
    csv_text = (out / "kunder" / "main.kunde.csv").read_text()
    assert csv_text.splitlines()[0].split(",") == kunde["columns"] and OLA.fnr in csv_text
    assert oct((out / "kunder" / "main.kunde.json").stat().st_mode & 0o777) == "0o600"
    plans = {r["location"]["dataset"]: r for r in lines if r["record"] == "erase_plan"}
    assert plans["kunde"]["keys"] == ["kunde_id"] and plans["kunde"]["rows"] == 1
    assert plans["faktura"]["keys"] == ["fakturanr"] and plans["kunde"]["executed"] is False


def test_show_values_shows_the_matching_values_only_when_asked(estate):
    _, _, hidden = subject(*estate, "--id", f"fnr={OLA.fnr}")
    _, _, shown = subject(*estate, "--id", f"fnr={OLA.fnr}", "--show-values")
    assert OLA.fnr not in hidden and OLA.fnr in shown
    assert all(p.fnr not in shown for p in OTHERS)


def test_the_request_is_logged_with_fingerprints(estate):
    subject(*estate, *person_args("kari"), "--controller", "Nettselskapet AS", "--requested-by", "saksbehandler")
    result = CliRunner().invoke(cli, ["inventory", "requests", "--json"], catch_exceptions=False)
    rows = json.loads(result.output)
    assert len(rows) == 1
    r = rows[0]
    assert r["controller"] == "Nettselskapet AS" and r["requested_by"] == "saksbehandler"
    assert sorted(r["kinds"]) == ["account", "email", "fnr", "name", "phone"] and r["exit_code"] == 0
    assert len(r["found"]) == len(SQL_EXPECTED["kari"]) + len(FILES_EXPECTED["kari"])
    assert_nothing_shown(KARI, result.output)


def test_without_sources_every_source_the_inventory_can_open_is_searched(estate):
    code, lines, _ = subject(*person_args("ola"))
    assert code == 0
    assert where_found(lines) == {"kunder": SQL_EXPECTED["ola"], "share": FILES_EXPECTED["ola"]}


def test_a_source_missing_from_the_inventory_is_skipped_and_the_rest_searched(estate, tmp_path):
    (tmp_path / "other").mkdir()
    code, lines, _ = subject(*estate, f"other=file://{tmp_path / 'other'}", *person_args("ola"))
    assert code == 3
    skipped = [r for r in lines if r["record"] == "skipped"]
    assert [r["source"]["name"] for r in skipped] == ["other"] and "scan it first" in skipped[0]["reason"]
    assert where_found(lines)["kunder"] == SQL_EXPECTED["ola"]


@pytest.mark.parametrize("spec, message", [
    ("fnr=01017012346", "check digits"),
    ("fnr=1234", "11 digits"),
    ("email=kari.example.no", "@"),
    ("phone=12345678", "starts with 2-9"),
    ("phone=4123", "8 digits"),
    ("name=Kari", "first and last"),
    ("meter=707057500000000000", "check digit"),
    ("account=12345678901", "check digit"),
    ("shoe=42", "unknown kind"),
    ("fnr", "KIND=VALUE"),
    ("01017012345", "KIND=VALUE"),  # a value where the kind goes: not repeated either
    ("01017012345=fnr", "unknown kind"),
    ("=01017012345", "KIND=VALUE"),
])
def test_bad_identifiers_are_usage_errors_that_do_not_repeat_the_value(estate, spec, message):
    code, _, out = subject(*estate, "--id", spec)
    assert code == 2 and message in out
    for part in spec.split("="):
        assert not part or part in KINDS or part not in out


def test_no_validate_searches_for_a_number_whose_check_digits_fail(estate):
    bad = KARI.fnr[:-1] + str((int(KARI.fnr[-1]) + 1) % 10)
    code, lines, _ = subject(*estate, "--id", f"fnr={bad}", "--no-validate")
    assert code == 0 and where_found(lines) == {}


# -- PostgreSQL and MariaDB ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_estate(postgres_server):
    postgres_server.create_database("personer")
    engine = sa.create_engine(postgres_server.url(database="personer"))
    populate(engine)
    engine.dispose()
    postgres_server.execute("ANALYZE", database="personer")
    postgres_server.create_readonly_role("oppslag", "Oppslag-Passord-1", "personer")
    return postgres_server.url(user="oppslag", password="Oppslag-Passord-1", database="personer")


@pytest.fixture(scope="module")
def maria_estate(mariadb_server):
    mariadb_server.create_database("personer")
    engine = sa.create_engine(mariadb_server.url(database="personer"))
    populate(engine)
    engine.dispose()
    mariadb_server.create_readonly_user("oppslag", "Oppslag-Passord-2", "personer")
    return mariadb_server.url(user="oppslag", password="Oppslag-Passord-2", database="personer")


@pytest.mark.parametrize("who", ["kari", "ola"])
def test_postgresql_lookups_are_reads_with_bound_values(pg_estate, postgres_server, who):
    source = f"personer={pg_estate}"
    scan(source)
    before = len(postgres_server.log_text())
    code, lines, out = subject(source, *person_args(who))
    assert code == 0, out
    assert where_found(lines) == {"personer": SQL_EXPECTED[who]}
    assert "Oppslag-Passord-1" not in out
    statements = re.findall(r" oppslag@personer LOG:  statement: (.*)", postgres_server.log_text()[before:])
    assert statements and not [s for s in statements if WRITE.search(s)]
    lookups = [s for s in statements if s.startswith("SELECT") and " IN (" in s]
    assert lookups  # equality lookups by IN (…): what an index answers


@pytest.mark.parametrize("who", ["kari", "ola"])
def test_mariadb_finds_the_same_rows(maria_estate, who):
    source = f"personer={maria_estate}"
    scan(source)
    code, lines, out = subject(source, *person_args(who))
    assert code == 0, out
    assert where_found(lines) == {"personer": SQL_EXPECTED[who]}
    assert "Oppslag-Passord-2" not in out


# -- S3 ------------------------------------------------------------------------------------------------

def test_s3_objects_are_searched_object_by_object(aws_env):
    """…and an archived object of a dataset is said not to have been searched (exit 3)."""
    s3 = aws_env.create_bucket("personer-eksport")
    for key, body in s3_objects().items():
        s3.put_object(Bucket="personer-eksport", Key=key, Body=body)
    source = ["s3://personer-eksport", "--endpoint-url", aws_env.endpoint]
    scan(*source)
    for who in ("kari", "ola"):
        code, lines, out = subject(*source, *person_args(who))
        assert code == 0, out
        assert {d for ds in where_found(lines).values() for d in ds} == S3_EXPECTED[who]
    s3.put_object(Bucket="personer-eksport", Key="eksport/2023/kunder.csv", Body=b"fnr\n", StorageClass="GLACIER")
    scan(*source)  # the two years are one dataset now
    code, lines, _ = subject(*source, *person_args("kari"))
    assert code == 3 and {d for ds in where_found(lines).values() for d in ds} == S3_EXPECTED["kari"]
    skipped = [r for r in lines if r["record"] == "skipped"]
    assert len(skipped) == 1 and "not searched" in skipped[0]["reason"]


# -- logs -----------------------------------------------------------------------------------------------

def test_since_passes_over_logs_last_written_before_it(estate, tmp_path):
    log = tmp_path / "share" / "logg" / "app.log"
    os.utime(log, (1_700_000_000, 1_700_000_000))  # November 2023
    _, lines, _ = subject(*estate, "--id", f"email={OLA.email}", "--since", "2024-01-01")
    assert "logg/app.log" not in where_found(lines).get("share", set())
    assert lines[-1]["locations"]["passed_over"] == 1
    _, lines, _ = subject(*estate, "--id", f"email={OLA.email}", "--since", "2023-06-01")
    assert "logg/app.log" in where_found(lines)["share"]


def test_cloudwatch_log_streams_are_read_whole(aws_env):
    logs = aws_env.client("logs")
    group = "app-personer"
    lines_a = [f"2024-05-01 10:00:{i:02d},123 INFO [kunde.api] innlogging epost={p.email} kanal=web"
               for i, p in enumerate([*OTHERS[:30], OLA])]
    lines_b = [f"2024-05-01 11:00:{i:02d},123 INFO [kunde.api] innlogging epost={p.email} kanal=app"
               for i, p in enumerate(OTHERS[30:55])]
    put_log_stream(logs, group, "kunde-api/ecs/kunde-api/a1b2", lines_a)
    put_log_stream(logs, group, "kunde-api/ecs/kunde-api/c3d4", lines_b)
    source = [f"cwlogs=cloudwatch://{group}", "--endpoint-url", aws_env.endpoint]
    report = scan(*source)
    assert any(r["record"] == "finding" and r["entity_type"] == "EMAIL_ADDRESS" for r in report), report[1:]
    code, lines, out = subject(*source, "--id", f"email={OLA.email}")
    assert code == 0, out
    (dataset,) = where_found(lines)["cwlogs"]  # the stream Ola is in (or its group), not the other
    assert fnmatch.fnmatchcase("kunde-api/ecs/kunde-api/a1b2", dataset)
    assert not fnmatch.fnmatchcase("kunde-api/ecs/kunde-api/c3d4", dataset)
    code, lines, _ = subject(*source, "--id", f"email={KARI.email}")
    assert code == 0 and where_found(lines) == {}
    assert [r["record"] for r in lines].count("not_found") >= 1


def test_a_location_gone_since_the_scan_is_skipped_and_the_rest_found(estate, tmp_path):
    (tmp_path / "share" / "notater" / "samtale.txt").unlink()
    code, lines, _ = subject(*estate, *person_args("kari"))
    assert code == 3
    skipped = {r["location"]["dataset"]: r["reason"] for r in lines if r["record"] == "skipped"}
    assert list(skipped) == ["notater/samtale.txt"] and "not in the source now" in skipped["notater/samtale.txt"]
    assert where_found(lines) == {"kunder": SQL_EXPECTED["kari"], "share": FILES_EXPECTED["kari"] - {"notater/samtale.txt"}}


# -- the demo estate ------------------------------------------------------------------------------------

def _raw_holders(db: str, share: Path, needles: list[str]) -> set[str]:
    """Where a plain search of the raw data finds the person's fødselsnummer or e-mail address:
    every table of the database (each column as text), and every file on the share a plain read
    can decode (compressed and binary formats are not this oracle's to read)."""
    import sqlite3

    from scanner.model.sources import printable

    found = set()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            where = " OR ".join(f'lower(CAST("{c}" AS TEXT)) LIKE ?' for c in cols for _ in needles)
            args = [f"%{n}%" for _ in cols for n in needles]
            if conn.execute(f'SELECT count(*) FROM "{table}" WHERE {where}', args).fetchone()[0]:
                found.add(table)
    finally:
        conn.close()
    for path in share.rglob("*"):
        if not path.is_file() or path.is_symlink() or path.suffix.lower() in PACKED:
            continue
        raw = path.read_bytes()
        for encoding in ("utf-8", "cp1252", "utf-16"):
            try:
                text = raw.decode(encoding).lower()
            except UnicodeDecodeError:
                continue
            if any(n in text for n in needles):
                found.add(printable(str(path.relative_to(share))))  # as the report names it
            break
    return found


PACKED = {".gz", ".bz2", ".zst", ".xz", ".zip", ".xlsx", ".parquet", ".pdf", ".png", ".jpg", ".db", ".7z"}


@pytest.mark.parametrize("customer", [1, 7])
def test_the_demo_estate_answers_a_request_for_a_customer(demo, customer):
    from demo.subject import identifiers

    db = demo[0].split("sqlite:///", 1)[1]
    share = Path(demo[1].split("file://", 1)[1])
    scan(*demo)
    specs = identifiers(db, customer)
    code, lines, out = subject(*demo, *[a for s in specs for a in ("--id", s)])
    assert code in (0, 3), out
    got = {r["location"]["dataset"] for r in lines if r["record"] == "match"}
    strong = {r["location"]["dataset"] for r in lines if r["record"] == "match"
              and set(r["identifiers"]) & {"fnr", "email", "account"}}
    given = dict(s.split("=", 1) for s in specs)
    fnr, account = given["fnr"], given["account"]
    needles = [fnr, f"{fnr[:6]} {fnr[6:]}", given["email"].lower(), account,
               f"{account[:4]}.{account[4:6]}.{account[6:]}", f"{account[:4]} {account[4:6]} {account[6:]}"]
    oracle = _raw_holders(db, share, needles)
    assert oracle and oracle <= got, oracle - got  # everywhere a plain search finds them, the request did
    checkable = {g for g in strong if Path(g).suffix.lower() not in PACKED}
    assert checkable <= oracle, checkable - oracle  # and nowhere else (where a plain search can tell)


def test_names_that_hold_someone_s_identifier_are_masked(estate, tmp_path):
    """A file named for another person, holding Ola's address: found, and its name not printed."""
    other = OTHERS[5].fnr
    (tmp_path / "share" / "kunder").mkdir()
    for i, p in enumerate([OLA, *OTHERS[10:30]]):
        name = other if p is OLA else OTHERS[10 + i].fnr
        (tmp_path / "share" / "kunder" / f"{name}.json").write_text(
            json.dumps({"kunde": {"epost": p.email, "fnr": p.fnr}}), encoding="utf-8")
    scan(*estate)
    code, lines, out = subject(*estate, "--id", f"email={OLA.email}", "--erase-plan")
    assert code == 0, out
    assert other not in out and not any(p.fnr in out for p in OTHERS)
    (match,) = [r for r in lines if r["record"] == "match" and r["location"]["dataset"].startswith("kunder/")]
    assert match["location"].get("sealed")  # the real name, sealed for the scanning installation
    requests = CliRunner().invoke(cli, ["inventory", "requests", "--json"]).output
    assert other not in requests


def test_everything_in_a_workbook_is_searched_and_values_of_any_type_shown(estate, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Fødselsnummer", "Navn", "Registrert"])
    for i in range(3000):  # the person far past what a scan samples of a workbook
        p = OLA if i == 2500 else OTHERS[i % len(OTHERS)]
        ws.append([p.fnr, p.name, datetime.datetime(2024, 1, 1) + datetime.timedelta(minutes=i)])
    wb.save(tmp_path / "share" / "eksport" / "stor.xlsx")
    scan(*estate)
    code, lines, out = subject(*estate, "--id", f"fnr={OLA.fnr}", "--show-values")
    assert code == 0, out
    assert "eksport/stor.xlsx" in where_found(lines)["share"]
    (match,) = [r for r in lines if r["record"] == "match" and r["location"]["dataset"] == "eksport/stor.xlsx"]
    assert match["rows"] == 1 and "2024-01-02" in json.dumps(match["values"])


def test_an_output_that_cannot_be_written_is_exit_5_and_the_request_still_logged(estate, tmp_path):
    code, _, out = subject(*estate, "--id", f"fnr={OLA.fnr}", "-o", "/proc/kartlegg/nope.jsonl")
    assert code == 5 and "cannot write" in out
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    code, _, out = subject(*estate, "--id", f"fnr={OLA.fnr}", "--export", str(blocked / "dir"))
    assert code == 5 and "cannot write the export" in out
    rows = json.loads(CliRunner().invoke(cli, ["inventory", "requests", "--json"]).output)
    assert rows and rows[0]["exported"] is False
