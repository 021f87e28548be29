"""The redaction layer: names, messages, URLs and control characters, as they may leave."""

import io
import logging

import pytest

from scanner.model.redact import TAG, Redactor, describe_error, printable, rough
from scanner.model.sealing import Sealer
from scanner.model.urls import mask_url, url_secrets

KEY = b"k" * 32


@pytest.fixture(scope="module")
def redactor(engine):
    return Redactor(engine, KEY, secrets=["Hemmelig1"], hosts=["db01.intern"])


# -- names -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, gone", [
    ("kari.nordmann@example.no.fnr", ["kari", "nordmann"]),
    ("Kari Nordmann", ["Kari", "Nordmann"]),
    ("KARI NORDMANN", ["KARI", "NORDMANN"]),
    ("Kari_Nordmann_kontrakt.pdf", ["Kari", "Nordmann"]),
    ("clients.84.210.12.7", ["84.210.12.7", "12.7"]),
    ("clients.+47 412 34 567", ["412 34", "34 567"]),
    ("kari.nordmann", ["kari", "nordmann"]),
    ("query.kari.nordmann", ["kari.nordmann"]),
    ("sd.ola-hansen", ["ola-hansen"]),
    ("user_84.210.12.7", ["84.210.12.7"]),
    ("kunde_15076500565", ["15076500565", "150765"]),
    ("kunde_150765_00565", ["150765", "00565"]),
    ("eksport 41 23 45 67.csv", ["41 23 45", "45 67"]),
    ("tlf\u00a041\u00a023\u00a045\u00a067", ["41\u00a023", "45\u00a067"]),
    ("Storgata 12B, 0155 OSLO", ["Storgata", "OSLO", "0155"]),
    ("STORGATA 12", ["STORGATA"]),
    ("konto 1234.56.78903", ["78903", "56.78903"]),
    ("707057500123456785.csv", ["123456785"]),
])
def test_names_that_hold_values_are_masked_and_tagged(redactor, name, gone):
    shown = redactor.name(name)
    assert shown != name and TAG.search(shown), shown
    for part in gone:
        assert part not in shown, (part, shown)


@pytest.mark.parametrize("name", [
    "epost", "kontakt.epost", "query.epost", "user_agent", "Kunder!Fødselsnr", "kunde.navn.fornavn",
    "avtaler[].malepunkt_id", "referrer.query.ref", "client_ip", "sd.user", "Email Address", "col12", "fnr",
    "Fødselsnummer", "Kundenavn", "created_at", "first_name", "events_20240101", "measurements_2024_01",
    "access-2024-05-01.log", "dump-20240501.sql.gz", "maleverdi_0001.csv", "part-0003.parquet", "year=2024",
    "Oslo_kontor", "payload.kunde.telefon", "Ark1!Postnr", "v_2023_12_31", "build-20240501T120000",
    "faktura_2024-10023.pdf", "sak_2023_004512", "ordre-2024.104233.csv",
])
def test_ordinary_names_are_left_alone(redactor, name):
    assert redactor.name(name) == name


def test_a_tag_is_stable_keyed_and_tells_apart_names_that_mask_alike(engine):
    a, b = Redactor(engine, KEY), Redactor(engine, b"x" * 32)
    one, two = a.name("kunde_15076500565"), a.name("kunde_15076500573")
    assert one != two  # both mask to kunde_1*5*********, the tags tell them apart
    assert one.split("~")[0] == two.split("~")[0]
    assert Redactor(engine, KEY).name("kunde_15076500565") == one  # the same in the next scan
    assert b.name("kunde_15076500565") != one  # keyed: another installation's tag differs


@pytest.mark.parametrize("raw", ["Kari Nordmann", "kunde_15076500565", "kari.nordmann@example.no.fnr",
                                 "Storgata 12B, 0155 OSLO", "esc\x1b[2Jname", "kundeliste_\udcf8st.csv"])
def test_masking_what_is_masked_changes_nothing(redactor, raw):
    once = redactor.name(raw)
    assert redactor.name(once) == once
    assert redactor.text(redactor.text(raw)) == redactor.text(raw)


def test_paths_are_masked_part_by_part(redactor):
    shown = redactor.path("kunder/Kari Nordmann/kunde_15076500565.csv")
    parts = shown.split("/")
    assert parts[0] == "kunder" and len(parts) == 3 and all(TAG.search(p) for p in parts[1:])


# -- locations and records ---------------------------------------------------------------------------
def test_a_location_is_masked_consistently_and_its_real_names_sealed(redactor):
    loc = {"container": "main", "dataset": "kunde_15076500565", "field": "Kari Nordmann",
           "uri": "sqlite:////srv/kunder.db/main/kunde_15076500565#Kari%20Nordmann"}
    out = redactor.location(loc)
    assert out["dataset"] == redactor.name("kunde_15076500565") and out["field"] == redactor.name("Kari Nordmann")
    assert out["uri"].startswith("sqlite:////srv/kunder.db/main/") and "15076500565" not in out["uri"]
    assert "Nordmann" not in out["uri"] and out["uri"].endswith(out["field"].replace(" ", "%20"))
    assert redactor.unseal(out["sealed"]) == {"container": "main", "dataset": "kunde_15076500565",
                                              "field": "Kari Nordmann"}
    assert redactor.location(out) == out  # a second pass (the coordinator's, after a worker's) is a no-op
    clean = {"container": "main", "dataset": "kunde", "field": "fnr", "uri": "sqlite:////srv/kunder.db/main/kunde#fnr"}
    assert redactor.location(clean) == clean


def test_a_seal_opens_only_with_the_key_that_made_it():
    sealed = Sealer(KEY).seal({"dataset": "kunde_15076500565"})
    assert "15076500565" not in sealed and sealed.startswith("v1:")
    assert Sealer(KEY).unseal(sealed) == {"dataset": "kunde_15076500565"}
    with pytest.raises(ValueError, match="another installation"):
        Sealer(b"x" * 32).unseal(sealed)


def test_every_string_of_a_record_passes_the_gate(redactor):
    record = {
        "record": "dataset", "schema_version": "1.5", "scan_id": "a1b2", "source": {
            "name": "crm", "type": "sql", "uri": "postgresql://u:Hemmelig1@db01.intern/crm?sslpassword=x9y8z7"},
        "location": {"container": "public", "dataset": "Kari Nordmann", "field": None,
                     "uri": "postgresql://u:***@db01.intern/crm/public/Kari%20Nordmann"},
        "columns": [{"name": "kunde_15076500565", "type": "text", "nullable": True,
                     "comment": "Kontakt Kari Nordmann, tlf 41 23 45 67"}],
        "notes": ["a note about kari@example.no"], "objects": {"members": [{"key": "x/Kari Nordmann.csv", "size": 3}]},
        "examples": ["K*** N***"], "method": "first 1000 rows",
    }
    out = redactor.record(record)
    text = repr(out)
    for raw in ("Hemmelig1", "x9y8z7", "Nordmann", "15076500565", "41 23 45", "kari@"):
        assert raw not in text, raw
    assert out["method"] == "first 1000 rows" and out["examples"] == ["K*** N***"] and out["scan_id"] == "a1b2"
    assert out["columns"][0]["comment"].startswith("Kontakt K*** N***")


# -- messages ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("message, absent, kept", [
    ('invalid input syntax for type integer: "Kari Nordmann"', ["Kari", "Nordmann"], ["invalid input syntax"]),
    ('invalid input syntax for type bigint: "01019012345"', ["01019012345", "010190"], ["bigint"]),
    ('duplicate key value violates unique constraint "kunde_pkey" DETAIL: Key (fnr)=(15076500565) already exists.',
     ["15076500565"], ["kunde_pkey", "Key (fnr)"]),
    ("(1366, \"Incorrect integer value: 'Ola Hansen' for column `crm`.`t`.`n` at row 1\")", ["Ola Hansen"],
     ["1366", "`crm`.`t`.`n`"]),
    ("Duplicate entry 'kari.nordmann@example.no' for key 'epost'", ["kari.nordmann"], ["Duplicate entry"]),
    ("kunden ringte fra 41\u00a023\u00a045\u00a067 i går", ["41\u00a023", "23\u00a045"], ["kunden ringte"]),
    ("fnr 150765_00565 avvist", ["150765", "00565"], ["avvist"]),
    ("adresse STORGATA 12, 0155 OSLO ukjent", ["STORGATA", "0155"], ["ukjent"]),
    ("password authentication failed: Hemmelig1 rejected", ["Hemmelig1"], ["password authentication failed"]),
    ('connection to server at "10.0.0.5", port 5432 failed: Connection refused', [], ['"10.0.0.5", port 5432']),
    ('connection to server at "db01.intern" (10.1.2.3), port 5433 failed', [], ['"db01.intern" (10.1.2.3), port 5433']),
    ("Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)", [], ["'127.0.0.1'"]),
    ('Could not connect to the endpoint URL: "http://10.9.8.7:9000/kunder?list-type=2"', [], ["10.9.8.7:9000"]),
    ('relation "public.kunde" does not exist', [], ['relation "public.kunde" does not exist']),
    ("client 192.168.1.77 sent 4 requests", ["1.77", "192.168.1.77"], ["192.168.", "sent 4 requests"]),
    ("gzip: truncated (1.5 MiB read); the readable part was sampled", [], ["1.5 MiB"]),
    ("connect to postgresql://scan:s3cret@db/x failed", ["s3cret"], ["postgresql://scan:***@db/x"]),
])
def test_messages_are_masked_by_the_detectors_and_keep_what_the_operator_needs(redactor, message, absent, kept):
    out = redactor.text(message)
    for raw in absent:
        assert raw not in out, (raw, out)
    for part in kept:
        assert part in out, (part, out)


def test_describe_error_keeps_the_driver_class_and_drops_secrets():
    class Orig(Exception):
        pass

    class Wrapped(Exception):
        orig = Orig('FATAL: password "Hemmelig1" rejected')

    err = describe_error(Wrapped("[SQL: SELECT 1]"), ["Hemmelig1"])
    assert err["type"] == "Orig" and "Hemmelig1" not in err["message"] and "SELECT" not in err["message"]


def test_a_message_is_one_bounded_line(redactor):
    out = redactor.text("a\nb\r\nc " * 400)
    assert "\n" not in out and len(out) <= 500


# -- URLs --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, masked", [
    ("postgresql://scan:s3cr%40t@db:5432/kunder", "postgresql://scan:***@db:5432/kunder"),
    ("mysql+pymysql://root:pw@127.0.0.1/crm?charset=utf8mb4", "mysql+pymysql://root:***@127.0.0.1/crm?charset=utf8mb4"),
    ("postgresql://scan@db/kunder", "postgresql://scan@db/kunder"),
    ("sqlite:////data/x.db", "sqlite:////data/x.db"),
    ("postgresql://u@h/db?password=s3cret", "postgresql://u@h/db?password=***"),
    ("postgresql://u@h/db?sslmode=verify-full&sslpassword=k3y", "postgresql://u@h/db?sslmode=verify-full&sslpassword=***"),
    ("https://minio:9000/b?X-Amz-Signature=abc123&X-Amz-Credential=AKIA", "https://minio:9000/b?X-Amz-Signature=***&X-Amz-Credential=***"),
    ("https://api.intern/x?api_key=abc&token=def&q=1", "https://api.intern/x?api_key=***&token=***&q=1"),
    ("https://blob.intern/c?sv=2020&sig=abc%2Bdef", "https://blob.intern/c?sv=2020&sig=***"),
    ("oracle+oracledb://scott:tiger@db:1521/?service_name=XE", "oracle+oracledb://scott:***@db:1521/?service_name=XE"),
    ("scott/tiger@orcl", "scott/***@orcl"),
    ("postgresql://u:p4ss@[::1", "postgresql://u:***@[::1"),
])
def test_credentials_in_any_part_of_a_url_are_masked(url, masked):
    assert mask_url(url) == masked


@pytest.mark.parametrize("url, secret", [
    ("mssql+pyodbc:///?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BSERVER%3Dx%3BUID%3Du%3BPWD%3Dodbc%21pw",
     "odbc!pw"),
    ("mssql+pyodbc:///?odbc_connect=DSN=crm;UID=u;Password={a;b}", "{a;b}"),
    ("postgresql://u:p%40ss@h/db", "p@ss"),
    ("postgresql://u@h/db?password=abc%40def", "abc@def"),
])
def test_connect_strings_lose_their_secrets_and_the_secrets_are_known(url, secret):
    assert secret not in mask_url(url) and secret not in mask_url(url).replace("%40", "@")
    assert secret in url_secrets(url)


# -- control characters ------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, shown", [
    ("kunde\x1b[31mrød", "kunde\\x1b[31mrød"),
    ("x\x1b]0;pwned\x07y", "x\\x1b]0;pwned\\x07y"),
    ("a\u009bb", "a\\x9bb"),  # C1 CSI
    ("tab\there\nnewline", "tab\\x09here\\x0anewline"),
    ("rtl\u202eevil", "rtl\\u202eevil"),
    ("ø\udcf8", "ø\\xf8"),  # a file-name byte that is not UTF-8
    ("plain æøå", "plain æøå"),
])
def test_control_characters_are_shown_escaped(raw, shown):
    assert printable(raw) == shown


def test_names_with_escape_sequences_never_reach_a_terminal_or_a_log_raw(redactor):
    from rich.console import Console

    from scanner.cli.console import print_summary
    from scanner.scan.run import Outcome
    from scanner.system import log_events as logs

    loc = redactor.location({"container": "main", "dataset": "evil\x1b]0;owned\x07\x1b[2J", "field": None,
                             "uri": "sqlite:////x.db/main/evil%1B"})
    record = {"record": "skipped", "source": {"name": "x\x1b[31m"}, "location": loc, "reason": "r\x1b[1m"}
    out = io.StringIO()
    print_summary(Console(file=out, force_terminal=True, width=200), Outcome(
        "s", 3, {"findings": 0, "locations": {"scanned": 0, "skipped": 1, "failed": 0},
                 "sources": {"total": 1, "failed": 0}}, not_scanned=[record]), None)
    shown = out.getvalue()
    assert "\\x1b]0;owned" in shown and "\x1b]0" not in shown and "\x1b[2J" not in shown and "\x07" not in shown
    stream = io.StringIO()
    logs.setup("debug", "text", stream)
    logs.event(logging.getLogger("scanner.test"), logging.WARNING, "x", location="a\x1b[2Jb\u009bc")
    logs.setup("debug", "json", stream)
    logs.event(logging.getLogger("scanner.test"), logging.WARNING, "x", location="a\x1b[2Jb\u009bc")
    logs.setup("warning", "text")
    text = stream.getvalue()
    assert "\x1b" not in text and "\u009b" not in text and text.count("\\x1b[2J") == 2


def test_rough_masking_for_reprs():
    assert "15076500565" not in rough("Location('main.kunde_15076500565')")
    assert rough("scan 2024-05-01 build 20240501") == "scan 2024-05-01 build 20240501"
