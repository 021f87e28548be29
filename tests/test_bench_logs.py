"""bench/logs.py: the nginx log it generates is real combined-format access log with a few lines of
personal data in query strings, and its regex baseline counts matches and lines right."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from bench import logs

# nginx's predefined format:
# log_format combined '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
#                     '"$http_referer" "$http_user_agent"';
COMBINED = re.compile(
    r'(?P<addr>[0-9A-Fa-f.:]+) - (?P<user>\S+) \[(?P<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] '
    r'"(?P<method>GET|POST|HEAD|PUT|DELETE|PATCH|OPTIONS) (?P<target>/\S*) (?P<proto>HTTP/\d(?:\.\d)?)" '
    r'(?P<status>[1-5]\d\d) (?P<bytes>\d+) "(?P<referer>[^"]*)" "(?P<ua>[^"]*)"'
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ELEVEN = re.compile(r"\b\d{11}\b")  # as the baseline: not inside a hex hash
SIZE = 300_000


def fnr_valid(number: str) -> bool:
    """Both mod-11 check digits of a fødselsnummer (the test's own, not kartlegg's)."""
    digits = [int(c) for c in number]
    for weights, at in (((3, 7, 6, 1, 8, 9, 4, 5, 2), 9), ((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), 10)):
        check = (11 - sum(d * w for d, w in zip(digits, weights)) % 11) % 11
        if check == 10 or check != digits[at]:
            return False
    return True


def query_values(url: str) -> list[str]:
    return [value for _, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)]


@pytest.fixture(scope="module")
def access_log(tmp_path_factory):
    path = tmp_path_factory.mktemp("nginx") / "access.log"
    lines = logs.write_nginx_log(path, SIZE)
    text = path.read_text(encoding="utf-8")
    return lines, text.splitlines(), text, path


def test_nginx_lines_parse_as_combined_format(access_log):
    written, lines, text, _ = access_log
    assert text.endswith("\n")
    assert len(lines) == written > 500
    assert SIZE <= len(text.encode()) < SIZE + 2000  # about the size asked for, not a whole chunk more
    versions = set()
    for line in lines:
        m = COMBINED.fullmatch(line)
        assert m, line
        versions.add(ipaddress.ip_address(m["addr"]).version)
        datetime.strptime(m["time"], "%d/%b/%Y:%H:%M:%S %z")
        assert m["referer"] == "-" or m["referer"].startswith("https://")
    assert versions == {4, 6}
    assert len({COMBINED.fullmatch(line)["addr"] for line in lines}) > 100  # many clients, some returning


def test_kartlegg_reads_them_as_combined(access_log):
    from scanner.formats.logs.access import parse_access

    _, lines, _, _ = access_log
    for line in lines[:200]:
        parsed = parse_access(line)
        assert parsed is not None and parsed[0] == "combined", line


def test_a_few_lines_carry_a_fodselsnummer_or_an_email_in_a_query_string(access_log):
    _, lines, _, _ = access_log
    fnr_lines = email_lines = 0
    for line in lines:
        m = COMBINED.fullmatch(line)
        fnrs = [n for n in ELEVEN.findall(line) if fnr_valid(n)]
        emails = EMAIL.findall(unquote(line))
        if not fnrs and not emails:
            continue
        # where they are: a query string's value, the request's or the referer's
        values = query_values(m["target"]) + (query_values(m["referer"]) if m["referer"] != "-" else [])
        assert all(n in values for n in fnrs), line
        assert all(e in values for e in emails), line
        fnr_lines += bool(fnrs)
        email_lines += bool(emails)
    assert fnr_lines > 0 and email_lines > 0
    share = (fnr_lines + email_lines) / len(lines)
    assert 0.02 <= share <= 0.07, share  # about 4%: most lines have none


def test_baseline_on_the_generated_log_counts_the_planted_numbers(access_log):
    """Ids and sizes stay short of a fødselsnummer's length: the baseline's 11-digit runs are the
    planted fødselsnumre, and it counts every line."""
    written, _, text, path = access_log
    runs = ELEVEN.findall(text)
    assert runs and all(fnr_valid(n) for n in runs)
    result = logs.baseline_pass(path, chunk_size=4096)
    assert (result["matches"], result["lines"], result["bytes"]) == (len(runs), written, len(text.encode()))


HAND_MADE = b"GET /a?fnr=15076500565&x=1\nid 123456789012 and ref 12345678901x 1234567890\n11111111111,22222222222"


@pytest.mark.parametrize("chunk_size", [1, 5, 16, 40, logs.CHUNK])
def test_baseline_counts_matches_and_lines(tmp_path, chunk_size):
    path = tmp_path / "three.log"
    path.write_bytes(HAND_MADE)
    result = logs.baseline_pass(path, chunk_size=chunk_size)
    # line 1: one 11-digit run; line 2: 12, 11-then-a-letter and 10 digits are none;
    # line 3 (no final newline): two, split by a comma
    assert (result["matches"], result["lines"], result["bytes"]) == (3, 3, len(HAND_MADE))
    assert result["mib_per_s"] > 0 and result["lines_per_s"] > 0


def test_baseline_counts_a_final_newline_once(tmp_path):
    path = tmp_path / "two.log"
    path.write_bytes(b"15076500565\n\n")
    assert (logs.baseline_pass(path, chunk_size=4)["matches"], logs.baseline_pass(path)["lines"]) == (1, 2)
