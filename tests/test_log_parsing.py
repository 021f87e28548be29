"""Log parsing (scanner.formats.logs): every line here is synthetic (Tenor fødselsnumre, example.no
addresses, IPs from the documentation ranges)."""

from __future__ import annotations

import io
import random
from urllib.parse import parse_qsl

import pytest

from detectors import synthetic
from scanner.formats.limits import Limits
from scanner.formats.logs import (
    FORMATS,
    detect_log,
    is_message_field,
    parse_lines,
    read_log,
    records,
)

FNR = "15076500565"


def one(line: str) -> list[tuple[str, object]]:
    """The pairs of the single record a line makes."""
    out = list(records([line]))
    assert len(out) == 1, out
    return out[0]


def by_name(fields) -> dict[str, list]:
    return {f.name: f.values for f in fields}


# --- one line, its pairs ---------------------------------------------------------------------

LINES = [
    # JSON lines
    pytest.param(
        '{"ts":"2024-05-01T10:00:00Z","level":"info","user":{"email":"ola@example.no"},"msg":"login ok"}',
        [("user.email", "ola@example.no"), ("msg", "login ok")], id="json"),
    pytest.param(
        '{"@timestamp":"2024-05-01T10:00:00Z","severity":"ERROR","items":[{"id":1},{"id":2}],"message":"Kunde 15076500565"}',
        [("items[].id", 1), ("items[].id", 2), ("message", f"Kunde {FNR}")], id="json-list"),
    pytest.param('{"log":"Ny kunde kari@example.no\\n","stream":"stdout","time":"2024-05-01T10:00:00Z"}',
                 [("log", "Ny kunde kari@example.no"), ("stream", "stdout")], id="json-docker"),
    pytest.param('{"user": "ola@example.no", "oops"', [("message", '{"user": "ola@example.no", "oops"')],
                 id="json-broken-is-text"),
    pytest.param("[1, 2, 3]", [("message", "[1, 2, 3]")], id="json-array-is-text"),
    # logfmt
    pytest.param('time=2024-05-01T10:00:00Z level=info user=ola@example.no msg="login \\"ok\\"" ip=192.0.2.10',
                 [("user", "ola@example.no"), ("msg", 'login "ok"'), ("ip", "192.0.2.10")], id="logfmt"),
    pytest.param("ts=2024-05-01T10:00:00Z lvl=warn fnr=15076500565 duration=12ms url=/a?b=c",
                 [("fnr", FNR), ("url", "/a?b=c")], id="logfmt-drops-time-level-duration"),
    pytest.param("a=1 b=2 and then some words follow here",
                 [("message", "a=1 b=2 and then some words follow here")], id="logfmt-near-miss-two-pairs"),
    pytest.param("user=ola@example.no note is only a few words in here",
                 [("message", "user=ola@example.no note is only a few words in here")], id="logfmt-near-miss-mostly-words"),
    # access logs
    pytest.param(
        '203.0.113.9 - ola [01/May/2024:10:00:00 +0200] "GET /kunde/sok?fnr=15076500565&email=kari%40example.no HTTP/1.1" '
        '200 512 "https://example.no/side?ref=x" "Mozilla/5.0 (X11; Linux x86_64)"',
        [("client_ip", "203.0.113.9"), ("remote_user", "ola"), ("path", "/kunde/sok"), ("query.fnr", FNR),
         ("query.email", "kari@example.no"), ("referrer", "https://example.no/side"), ("referrer.query.ref", "x"),
         ("user_agent", "Mozilla/5.0 (X11; Linux x86_64)")], id="combined"),
    pytest.param('198.51.100.4 - - [01/May/2024:10:00:00 +0200] "GET /kunde/Kari%20Nordmann/15076500565 HTTP/1.0" 404 -',
                 [("client_ip", "198.51.100.4"), ("path", f"/kunde/Kari Nordmann/{FNR}")], id="common"),
    pytest.param('example.no:443 2001:db8::7 - - [01/May/2024:10:00:00 +0200] "POST /api/sok?q=Kari+Nordmann&tom= HTTP/2.0" '
                 '201 12 "-" "curl/8.5.0"',
                 [("client_ip", "2001:db8::7"), ("path", "/api/sok"), ("query.q", "Kari Nordmann"), ("user_agent", "curl/8.5.0")],
                 id="vhost-combined-ipv6"),
    pytest.param('192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0" "203.0.113.9, 198.51.100.2"',
                 [("client_ip", "192.0.2.1"), ("path", "/"), ("user_agent", "Mozilla/5.0"),
                  ("forwarded_for", "203.0.113.9, 198.51.100.2")], id="combined-forwarded-for"),
    pytest.param('192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET /s\\x22?navn=\\xC3\\x85se HTTP/1.1" 200 5',
                 [("client_ip", "192.0.2.1"), ("path", '/s"'), ("query.navn", "Åse")], id="nginx-escapes"),
    pytest.param('192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET /?15076500565 HTTP/1.1" 200 5',
                 [("client_ip", "192.0.2.1"), ("path", "/"), ("query", FNR)], id="query-value-without-name"),
    pytest.param('192.0.2.1 - - [01/May/2024:10:00:00 +0200] "\\x16\\x03\\x01" 400 157 "-" "-"',
                 [("client_ip", "192.0.2.1"), ("request", "\x16\x03\x01")], id="combined-junk-request"),
    pytest.param('192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET / HTTP/1.1"',
                 [("message", '192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET / HTTP/1.1"')], id="access-near-miss-no-status"),
    pytest.param('192.0.2.1 - - 01/May/2024:10:00:00 "GET / HTTP/1.1" 200 5',
                 [("message", '192.0.2.1 - - 01/May/2024:10:00:00 "GET / HTTP/1.1" 200 5')], id="access-near-miss-no-brackets"),
    # syslog RFC 5424
    pytest.param('<165>1 2024-05-01T10:00:00.003Z host01 app 1234 ID47 [exampleSDID@32473 iut="3" user="ola@example.no"] '
                 'Bruker logget inn',
                 [("host", "host01"), ("program", "app"), ("sd.iut", "3"), ("sd.user", "ola@example.no"),
                  ("message", "Bruker logget inn")], id="syslog5424"),
    pytest.param("<34>1 2024-05-01T10:00:00Z - - - - - \ufeffKunde 15076500565",
                 [("message", f"Kunde {FNR}")], id="syslog5424-nil-values"),
    pytest.param("<34>1 2024-05-01T10:00:00Z host01 app - - nosd message",
                 [("message", "<34>1 2024-05-01T10:00:00Z host01 app - - nosd message")], id="syslog5424-near-miss-no-sd"),
    # syslog RFC 3164
    pytest.param("May  1 10:00:00 host01 sshd[1234]: Accepted password for ola from 203.0.113.9 port 22 ssh2",
                 [("host", "host01"), ("program", "sshd"),
                  ("message", "Accepted password for ola from 203.0.113.9 port 22 ssh2")], id="syslog3164"),
    pytest.param("<13>May 12 10:00:00 host01 CRON[99]: (ola) CMD (backup)",
                 [("host", "host01"), ("program", "CRON"), ("message", "(ola) CMD (backup)")], id="syslog3164-pri"),
    pytest.param("2024-05-01T10:00:00.123456+02:00 host01 sshd[1234]: Invalid user kari from 2001:db8::5",
                 [("host", "host01"), ("program", "sshd"), ("message", "Invalid user kari from 2001:db8::5")],
                 id="syslog3164-rsyslog-iso"),
    pytest.param("May  1 10:00:00 host01 last message repeated 3 times",
                 [("host", "host01"), ("message", "last message repeated 3 times")], id="syslog3164-untagged"),
    pytest.param("Mai 1 ikke en logglinje", [("message", "Mai 1 ikke en logglinje")], id="syslog3164-near-miss"),
    # timestamped application logs
    pytest.param("2024-05-01 10:00:00,123 INFO [kunde.service] Ny kunde registrert: fnr=15076500565 epost=kari@example.no",
                 [("logger", "kunde.service"), ("message", f"Ny kunde registrert: fnr={FNR} epost=kari@example.no"),
                  ("fnr", FNR), ("epost", "kari@example.no")], id="timestamped"),
    pytest.param("[2024-05-01T10:00:00Z] ERROR Oppslag feilet for kari@example.no",
                 [("message", "Oppslag feilet for kari@example.no")], id="timestamped-bracketed"),
    pytest.param("2024-05-01 10:00:00.123 +0200 [worker-1] WARN  c.e.Kunde - Kunde 15076500565 mangler adresse",
                 [("logger", "c.e.Kunde"), ("message", f"Kunde {FNR} mangler adresse")], id="timestamped-logback"),
    pytest.param("2024-05-01 10:00:00.123  INFO 4242 --- [           main] n.e.KundeService      : Startet",
                 [("logger", "n.e.KundeService"), ("message", "Startet")], id="timestamped-spring"),
    pytest.param("2024-05-01 10:00:00,123 - kunde.api - WARNING - Ukjent epost kari@example.no",
                 [("logger", "kunde.api"), ("message", "Ukjent epost kari@example.no")], id="timestamped-python-dashes"),
    pytest.param("ERROR:root:Kunde 15076500565 finnes ikke",
                 [("logger", "root"), ("message", f"Kunde {FNR} finnes ikke")], id="python-logging-default"),
    pytest.param("2024-05-01 10:00:00 INFO fnr=15076500565 alene",
                 [("message", f"fnr={FNR} alene")], id="timestamped-one-pair-is-not-fields"),
    pytest.param("2024-05-01T10:00:00Z INFO kunde.api: Ny kunde", [("logger", "kunde.api"), ("message", "Ny kunde")],
                 id="timestamped-not-syslog"),
    pytest.param("2024-05-01,kari@example.no,15076500565",
                 [("message", "2024-05-01,kari@example.no,15076500565")], id="timestamped-near-miss-csv"),
    pytest.param("INFO:ikke logging", [("message", "INFO:ikke logging")], id="python-logging-near-miss"),
    # text
    pytest.param("Kari Nordmann ringte om faktura", [("message", "Kari Nordmann ringte om faktura")], id="text"),
]


@pytest.mark.parametrize("line, expected", LINES)
def test_line_fields(line, expected):
    assert one(line) == expected


NO_PERSONAL_DATA_FIELDS = {"ts", "time", "timestamp", "@timestamp", "level", "severity", "lvl", "status",
                           "bytes", "method", "protocol", "pid", "duration"}


@pytest.mark.parametrize("line", [p.values[0] for p in LINES])
def test_no_timestamp_level_or_status_fields(line):
    assert not {name for name, _ in one(line)} & NO_PERSONAL_DATA_FIELDS


def test_query_decoding_matches_parse_qsl():
    query = "fnr=15076500565&email=kari%40example.no&navn=%C3%85se+%C3%98deg%C3%A5rd&x=a%2Bb"
    line = f'192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET /s?{query} HTTP/1.1" 200 5'
    got = [(n.removeprefix("query."), v) for n, v in one(line) if n.startswith("query.")]
    assert got == parse_qsl(query, keep_blank_values=True)
    assert ("email", "kari@example.no") in got and ("navn", "Åse Ødegård") in got


@pytest.mark.parametrize("query", ["a=b=c&&d=%zz&e=%E5&f=%C3%A5+x&g=%2B", "x=1;y=2", "q=Kari%20Nordmann&navn=&tom"])
def test_query_values_decode_as_parse_qsl_does(query):
    line = f'192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET /s?{query} HTTP/1.1" 200 5'
    got = sorted(v for n, v in one(line) if n.startswith("query."))
    assert got == sorted(v for _, v in parse_qsl(query, keep_blank_values=True) if v)


def test_query_names_that_are_not_names_stay_values():
    line = '192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET /s?kari@example.no=1&15076500565=x HTTP/1.1" 200 5'
    pairs = one(line)
    assert ("query", "kari@example.no=1") in pairs and ("query", f"{FNR}=x") in pairs
    assert all("@" not in name and FNR not in name for name, _ in pairs)


# --- the dominant format of a file -----------------------------------------------------------

RND = random.Random(7)
FNRS = [synthetic.fodselsnummer(RND) for _ in range(10)]

SAMPLES = {
    "json": [f'{{"ts":"2024-05-01T10:00:0{i}Z","level":"info","kunde":{{"fnr":"{f}"}}}}' for i, f in enumerate(FNRS)],
    "logfmt": [f'ts=2024-05-01T10:00:0{i}Z level=info fnr={f} msg="oppslag"' for i, f in enumerate(FNRS)],
    "combined": [f'203.0.113.{i} - - [01/May/2024:10:00:00 +0200] "GET /k?fnr={f} HTTP/1.1" 200 5 "-" "curl/8"'
                 for i, f in enumerate(FNRS)],
    "common": [f'198.51.100.{i} - - [01/May/2024:10:00:00 +0200] "GET /k/{f} HTTP/1.1" 200 5' for i, f in enumerate(FNRS)],
    "syslog5424": [f'<165>1 2024-05-01T10:00:00Z host0{i} app - - [meta user="{f}"] hei' for i, f in enumerate(FNRS)],
    "syslog3164": [f"May  1 10:00:0{i} host01 app[1]: kunde {f}" for i, f in enumerate(FNRS)],
    "timestamped": [f"2024-05-01 10:00:0{i},000 INFO [kunde] kunde {f}" for i, f in enumerate(FNRS)],
}


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_detect_each_format(fmt):
    assert fmt in FORMATS
    assert detect_log(SAMPLES[fmt]) == fmt


def test_detect_plain_text_is_not_a_log():
    prose = ["Kjære Kari,", "", "takk for brevet ditt.", "Med vennlig hilsen", "Ola Nordmann"]
    assert detect_log(prose) is None
    assert detect_log([]) is None
    assert detect_log(["", "   "]) is None


def test_detect_mixed_file_takes_the_majority():
    mixed = SAMPLES["combined"][:6] + SAMPLES["syslog3164"][:2] + ["fritekst uten format"] * 2
    assert detect_log(mixed) == "combined"
    mostly_text = SAMPLES["timestamped"][:2] + ["fritekst uten format"] * 5
    assert detect_log(mostly_text) is None


def test_detect_counts_stack_traces_with_their_entry():
    lines = ["2024-05-01 10:00:00,000 ERROR [kunde] feilet", "java.lang.IllegalStateException: x"]
    lines += ["\tat no.example.Kunde.finn(Kunde.java:42)"] * 30
    assert detect_log(lines) == "timestamped"


def test_mixed_file_parses_every_line_and_never_raises():
    lines = [SAMPLES[f][0] for f in SAMPLES] + ["fritekst", "\x00\x01\x02\ufffd\ufffd", "{{{", '"' * 50, "[" * 50]
    got = list(records(lines))
    assert len(got) == len(lines)
    assert ("kunde.fnr", FNRS[0]) in got[0]  # json, though the file is mostly something else
    assert ("client_ip", "203.0.113.0") in got[2]
    assert got[-4] == [("message", "\x00\x01\x02\ufffd\ufffd")]


@pytest.mark.parametrize("junk", [
    "", " ", "\x00" * 100, "\ufffd" * 30, "<", "<999>1", "<1>1 - - - - - [", "[", "]", "{", '{"a":', "=" * 50,
    "a=b=c=d", '" [ "', "May", "2024-05-01", "ERROR:", "Traceback (most recent call last):", "\t", "\\x", "%%%",
    '192.0.2.1 - - [1] "GET /?%zz=%G0&&=&x HTTP/1.1" 200 5 "%" "-" "\\', bytes(range(256)).decode("latin-1"),
    "a" * 100_000, "k=" + '"' * 1000,
])
def test_garbage_never_raises(junk):
    for record in records([junk, junk]):
        assert isinstance(record, list)
    parse_lines([junk], Limits())


# --- multi-line entries ----------------------------------------------------------------------

PYTHON_TRACE = """\
2024-05-01 10:00:00,123 INFO [kunde.service] start
2024-05-01 10:00:01,123 ERROR [kunde.service] Oppslag feilet
Traceback (most recent call last):
  File "/app/kunde.py", line 12, in finn
    return KUNDER[fnr]
KeyError: '15076500565'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/kunde.py", line 14, in finn
ValueError: Kunde kari@example.no finnes ikke
2024-05-01 10:00:02,123 INFO [kunde.service] ferdig
"""

JAVA_TRACE = """\
2024-05-01 10:00:00.123 +0200 [main] ERROR c.e.Kunde - Oppslag feilet
java.lang.IllegalStateException: Kunde finnes ikke
\tat no.example.Kunde.finn(Kunde.java:42)
\tat no.example.Main.main(Main.java:7)
Caused by: java.lang.IllegalArgumentException: ugyldig fnr 15076500565
\tat no.example.Fnr.sjekk(Fnr.java:9)
\t... 3 more
2024-05-01 10:00:01.000 +0200 [main] INFO  c.e.Kunde - neste
Exception in thread "main" java.lang.IllegalStateException: Kunde 15076500565 finnes ikke
\tat no.example.Kunde.finn(Kunde.java:42)
\t... 1 more
"""


def test_python_traceback_stays_with_its_entry():
    got = list(records(PYTHON_TRACE.splitlines()))
    assert len(got) == 3
    message = dict(got[1])["message"]
    assert message.startswith("Oppslag feilet\nTraceback (most recent call last):\n")
    assert "KeyError: '15076500565'" in message and "ValueError: Kunde kari@example.no finnes ikke" in message
    assert dict(got[1])["logger"] == "kunde.service"
    assert dict(got[2])["message"] == "ferdig"


def test_java_stack_trace_stays_with_its_entry():
    got = list(records(JAVA_TRACE.splitlines()))
    assert len(got) == 3
    message = dict(got[0])["message"]
    assert message.splitlines()[1] == "java.lang.IllegalStateException: Kunde finnes ikke"
    assert f"Caused by: java.lang.IllegalArgumentException: ugyldig fnr {FNR}" in message  # same record
    assert message.endswith("\t... 3 more")
    assert dict(got[1])["message"] == "neste"
    uncaught = dict(got[2])["message"]  # printed by the JVM on its own: one entry
    assert uncaught.startswith('Exception in thread "main"') and uncaught.endswith("\t... 1 more")


def test_trace_without_a_preceding_entry_is_one_entry():
    lines = PYTHON_TRACE.splitlines()[2:6]
    assert list(records(lines)) == [[("message", "\n".join(lines))]]


def test_continuation_of_an_entry_without_message():
    lines = ['192.0.2.1 - - [01/May/2024:10:00:00 +0200] "GET / HTTP/1.1" 200 5', "   fortsatt 15076500565"]
    assert list(records(lines)) == [[("client_ip", "192.0.2.1"), ("path", "/"), ("message", "   fortsatt 15076500565")]]


def test_exception_line_outside_a_traceback_is_its_own_entry():
    lines = ["2024-05-01 10:00:00 INFO a", "ValueError: ikke en traceback", "2024-05-01 10:00:01 INFO b"]
    assert len(list(records(lines))) == 3


# --- parse_lines and read_log ----------------------------------------------------------------

def test_parse_lines_groups_by_field_and_marks_free_text():
    fields = parse_lines(SAMPLES["combined"] + SAMPLES["timestamped"] + SAMPLES["json"], Limits())
    got = by_name(fields)
    assert got["query.fnr"] == FNRS
    assert got["kunde.fnr"] == FNRS
    assert len(got["message"]) == len(FNRS)
    free = {f.name for f in fields if f.unstructured}
    assert free == {"message"}
    assert all(f.declared_type is None for f in fields)


def test_free_text_names():
    assert is_message_field("message") and is_message_field("msg") and is_message_field("log") and is_message_field("error.message")
    assert not is_message_field("query.message") and not is_message_field("sd.msg") and not is_message_field("user_agent")


def test_parse_lines_max_rows_counts_entries():
    lines = JAVA_TRACE.splitlines() * 5
    fields = parse_lines(lines, Limits(max_rows=2))
    assert len(by_name(fields)["message"]) == 2
    assert len(by_name(parse_lines(SAMPLES["combined"], Limits(max_rows=4)))["client_ip"]) == 4


def test_parse_lines_value_cap_cuts_long_messages_into_pieces():
    words = " ".join(f"ord{i}" for i in range(300)) + f" fnr {FNR}"
    fields = parse_lines([f"2024-05-01 10:00:00 INFO {words}"], Limits(value_cap=100))
    values = by_name(fields)["message"]
    assert len(values) > 1 and all(len(v) <= 100 for v in values)
    assert "".join(values) == words  # nothing cut off
    assert any(FNR in v for v in values)


def test_parse_lines_max_fields_keeps_the_first_seen_and_lists_the_rest():
    lines = ['{"a":"1","b":"2","c":"3"}', '{"d":"4","a":"5"}']
    fields = parse_lines(lines, Limits(max_fields=2))
    assert by_name([f for f in fields if f.skipped_reason is None]) == {"a": ["1", "5"], "b": ["2"]}
    assert [(f.name, f.skipped_reason) for f in fields if f.skipped_reason] == [
        ("c", "beyond the first 2 fields of a log: not read"), ("d", "beyond the first 2 fields of a log: not read")]


def test_parse_lines_skips_empty_values():
    fields = parse_lines(['{"a":"","b":"x"}'], Limits())
    assert by_name(fields) == {"b": ["x"]}


def test_read_log_utf8(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("\ufeff" + "\r\n".join([
        "2024-05-01 10:00:00,123 INFO [kunde.service] Ny kunde: navn=Åse epost=ase@example.no",
        "2024-05-01 10:00:01,123 ERROR [kunde.service] Feil for Øystein",
        "Traceback (most recent call last):",
        '  File "app.py", line 1, in <module>',
        f"ValueError: {FNR}",
    ]) + "\r\n", encoding="utf-8")
    with open(path, "rb") as fh:
        got = by_name(read_log(fh, Limits()))
    assert got["logger"] == ["kunde.service", "kunde.service"]
    assert got["navn"] == ["Åse"] and got["epost"] == ["ase@example.no"]
    assert got["message"][1].endswith(f"ValueError: {FNR}")
    assert not any("\r" in v for v in got["message"])


def test_read_log_latin1(tmp_path):
    path = tmp_path / "syslog"
    lines = ["May  1 10:00:00 host01 app[7]: Bruker Bjørn Ødegård logget inn fra 203.0.113.9",
             "May  1 10:00:01 host01 app[7]: Bruker Åse Ås logget ut"]
    path.write_bytes("\n".join(lines).encode("latin-1"))
    with open(path, "rb") as fh:
        got = by_name(read_log(fh, Limits()))
    assert got["message"] == ["Bruker Bjørn Ødegård logget inn fra 203.0.113.9", "Bruker Åse Ås logget ut"]
    assert got["program"] == ["app", "app"]


def test_read_log_respects_max_bytes():
    line = SAMPLES["common"][0] + "\n"
    data = (line * 1000).encode()
    got = by_name(read_log(io.BytesIO(data), Limits(max_bytes=len(line) * 10)))
    assert len(got["client_ip"]) == 10
