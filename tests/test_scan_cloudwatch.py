"""`kartlegg scan cloudwatch://…` against moto's server mode over HTTP, as a read-only IAM identity.

Log groups are seeded by the admin identity with unique names per test; the scanner's identity
may describe and get log events. Streams are grouped into datasets by name pattern, and each
event's message is parsed into fields by the log parsers.
"""

from __future__ import annotations

import json
import pickle
import random
import tempfile
import time
import uuid
from dataclasses import asdict
from pathlib import Path

import pytest
from aws_servers import put_log_stream as put
from click.testing import CliRunner
from naming import tag
from reporting import of, reasons, report

from detectors import synthetic
from reports.jsonl import JsonlWriter
from scanner.cli.main import cli
from scanner.crawlers.aws.cloudwatch import CloudWatchCrawler, parse
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import Skipped, WorkUnit
from scanner.scan import run as pipeline

R = random.Random(1)
FNR = [synthetic.fodselsnummer(R) for _ in range(4)]
LAMBDA_DATASET = "*/*/*/[$LATEST]*"
APP_DATASET = "kunde-api/ecs/kunde-api/*"
NGINX_DATASET = "nginx/i-*"


def lambda_messages(n: int, offset: int = 0) -> list[str]:
    out = []
    for i in range(n):
        k = offset + i
        if k % 10 == 0:
            out.append(f"START RequestId: {uuid.UUID(int=k)} Version: $LATEST\n")
        out.append(json.dumps({"level": "info", "user": {"email": f"kunde{k}@example.no", "id": k},
                               "msg": "innlogging fullført"}) + "\n")
    return out


def app_messages(n: int) -> list[str]:
    return [f"2024-05-01 10:00:{i % 60:02d},123 INFO [kunde.registrering] Ny kunde registrert med "
            f"fødselsnummer {FNR[i % len(FNR)]}" for i in range(n)]


def access_messages(n: int) -> list[str]:
    out = []
    for i in range(n):
        ip = f"192.0.2.{i % 250 + 1}" if i % 2 else f"203.0.113.{i % 250 + 1}"
        out.append(f'{ip} - - [01/May/2024:10:00:00 +0200] "GET /kunde/sok?email=bruker{i}%40example.no&side=2 '
                   f'HTTP/1.1" 200 512 "-" "Mozilla/5.0"')
    return out


@pytest.fixture
def logs(aws_env):
    return aws_env.client("logs")


@pytest.fixture
def groups(logs):
    """A Lambda function's group (JSON messages, one stream per container) and an application's
    group (timestamped lines from two ECS tasks, nginx access lines from two instances)."""
    unique = tag(10)
    fn = f"/aws/lambda/kunde-{unique}"
    for day in ("01", "02", "03"):
        put(logs, fn, f"2024/05/{day}/[$LATEST]{uuid.uuid4().hex}", lambda_messages(40, int(day) * 100))
    app = f"app-logs-{unique}"
    for _ in range(2):
        put(logs, app, f"kunde-api/ecs/kunde-api/{uuid.uuid4().hex}", app_messages(30))
    put(logs, app, "nginx/i-0a1b2c3d4e5f60718", access_messages(40))
    put(logs, app, "nginx/i-0f1e2d3c4b5a69788", access_messages(40))
    logs.create_log_stream(logGroupName=app, logStreamName="tom")  # created, never written to
    return {"tag": unique, "lambda": fn, "app": app}


def found(lines: list[dict]) -> set[tuple[str, str, str | None, str]]:
    return {(r["location"]["container"], r["location"]["dataset"], r["location"]["field"], r["entity_type"])
            for r in of(lines, "finding")}


def datasets(lines: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["location"]["container"], r["location"]["dataset"]): r for r in of(lines, "dataset")}


def source(aws_env, url: str) -> Source:
    return Source(url, crawler="cloudwatch", options={"endpoint_url": aws_env.endpoint})


def scan(aws_env, engine, url: str, **settings) -> tuple[pipeline.Outcome, list[dict], str]:
    out = Path(tempfile.mkdtemp()) / "report.jsonl"
    writer = JsonlWriter(str(out))
    try:
        outcome = pipeline.scan([source(aws_env, url)], ScanSettings(**settings), [writer], engine=engine)
    finally:
        writer.close()
    return outcome, report(out), out.read_text(encoding="utf-8")


def expected(g: dict) -> set:
    return {
        (g["lambda"], LAMBDA_DATASET, "user.email", "EMAIL_ADDRESS"),
        (g["app"], APP_DATASET, "message", "NO_FODSELSNUMMER"),
        (g["app"], NGINX_DATASET, "client_ip", "IP_ADDRESS"),
        (g["app"], NGINX_DATASET, "query.email", "EMAIL_ADDRESS"),
    }


def test_url_forms():
    assert parse("cloudwatch:///aws/lambda/") == "/aws/lambda/"
    assert parse("cloudwatch:///aws/lambda") == "/aws/lambda"
    assert parse("cloudwatch://app-logs") == "app-logs"
    assert parse("cloudwatch://app-logs/web") == "app-logs/web"
    assert parse("cloudwatch://") == ""
    assert parse("cloudwatch://%2Faws%2Fecs") == "/aws/ecs"


def test_groups_no_glob_can_select_are_not_listed():
    def wanted(group, include=(), exclude=()):
        settings = ScanSettings(include=include, exclude=exclude)
        return CloudWatchCrawler(Source("cloudwatch://", crawler="cloudwatch"), settings).group_wanted(group)

    assert wanted("/aws/lambda/kunde")
    assert wanted("/aws/lambda/kunde", include=("/aws/lambda/kunde/*",))
    assert wanted("/aws/lambda/kunde", include=("/aws/lambda/*/2024/*",))
    assert wanted("/aws/lambda/kunde", include=("/aws/*",))
    assert not wanted("/aws/lambda/kunde", include=("/aws/lambda/faktura/*",))
    assert not wanted("/aws/lambda/kunde", include=("app-logs/*",))
    assert not wanted("/aws/lambda/kunde", exclude=("/aws/lambda/kunde/*",))
    assert not wanted("/aws/lambda/kunde", exclude=("/aws/lambda/*",))
    assert wanted("/aws/lambda/kunde", exclude=("/aws/lambda/kunde/2024/*",))


def test_log_groups_are_scanned_per_stream_dataset_and_field(aws_env, engine, groups):
    outcome, lines, text = scan(aws_env, engine, f"cloudwatch://{groups['app']}")
    assert outcome.exit_code == 0, outcome.not_scanned
    assert {t for t in expected(groups) if t[0] == groups["app"]} <= found(lines)
    assert {c for c, *_ in found(lines)} == {groups["app"]}  # the prefix names the app group only
    ds = datasets(lines)
    nginx = ds[(groups["app"], NGINX_DATASET)]
    assert nginx["format"] == "cloudwatch"
    assert nginx["objects"]["total"] == 2 and nginx["objects"]["sampled"] == 2
    assert nginx["rows_sampled"] == 80 and nginx["objects"]["read_bytes"] > 0
    assert nginx["method"] == "newest 500 events of each of all 2 streams"
    assert nginx["location"]["uri"] == f"cloudwatch://{groups['app']}/nginx/i-*"
    assert {"client_ip", "query.email", "path"} <= {c["name"] for c in nginx["columns"]}
    # a stream that was never written to is a dataset of its own with no rows
    empty = ds[(groups["app"], "tom")]
    assert empty["rows_sampled"] == 0 and empty["objects"]["unreadable"] == {"without events": 1}
    # values are masked: no raw e-mail address or fødselsnummer reaches the report
    assert "bruker1@example.no" not in text and "bruker1%40example.no" not in text
    assert not any(f in text for f in FNR)


def test_lambda_streams_are_one_dataset(aws_env, engine, groups):
    outcome, lines, text = scan(aws_env, engine, f"cloudwatch://{groups['lambda']}", sample_size=60)
    assert outcome.exit_code == 0
    (ds,) = of(lines, "dataset")
    assert ds["location"] == {"container": groups["lambda"], "dataset": LAMBDA_DATASET, "field": None,
                              "uri": f"cloudwatch://{groups['lambda']}/*/*/*/%5B%24LATEST%5D*"}
    assert ds["objects"]["total"] == 3 and ds["objects"]["sampled"] == 3
    assert ds["rows_sampled"] == 60  # the 20 newest events of each stream
    assert ds["method"] == "newest 20 events of each of all 3 streams"
    assert ds["objects"]["newest"].endswith("Z")
    assert (groups["lambda"], LAMBDA_DATASET, "user.email", "EMAIL_ADDRESS") in found(lines)
    assert "user.id" in {c["name"] for c in ds["columns"]}
    assert "kunde301@example.no" not in text


def test_a_few_streams_of_a_large_dataset_are_read(aws_env, engine, logs):
    group = f"web-{tag(10)}"
    for i in range(8):
        put(logs, group, f"web/i-0{uuid.uuid4().hex[:16]}", access_messages(10))
    outcome, lines, _ = scan(aws_env, engine, f"cloudwatch://{group}", sample_size=50)
    assert outcome.exit_code == 0
    (ds,) = of(lines, "dataset")
    assert ds["location"]["dataset"] == "web/i-*"
    assert ds["objects"]["total"] == 8 and ds["objects"]["sampled"] == 5 and ds["rows_sampled"] == 50
    assert ds["method"] == "newest 10 events of each of 5 of 8 streams (newest + random)"


def test_a_prefix_selects_groups_and_globs_select_streams(aws_env, engine, groups):
    outcome, lines, _ = scan(aws_env, engine, "cloudwatch://",
                             include=(f"{groups['app']}/nginx/*", f"/aws/lambda/kunde-{groups['tag']}/*"),
                             exclude=("*/i-0f1e*",))
    assert outcome.exit_code == 0
    ds = datasets(lines)
    assert set(ds) == {(groups["app"], "nginx/i-0a1b2c3d4e5f60718"), (groups["lambda"], LAMBDA_DATASET)}
    _, lines, _ = scan(aws_env, engine, f"cloudwatch:///aws/lambda/kunde-{groups['tag']}",
                       exclude=(f"/aws/lambda/kunde-{groups['tag']}/*",))
    assert not of(lines, "dataset")


def test_the_cli_passes_the_aws_options(aws_env, groups):
    out = Path(tempfile.mkdtemp()) / "report.jsonl"
    result = CliRunner().invoke(cli, ["scan", f"cloudwatch://{groups['app']}", "--endpoint-url", aws_env.endpoint,
                                      "--region", "eu-north-1", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = report(out)
    assert lines[0]["sources"][0]["type"] == "cloudwatch"
    # on failure, say what the scan did find (once a hex tag with eight digits in a row made the
    # group's name a masked one; tags are letters now, tests/naming.py)
    seen = [(r["record"], r["location"]["dataset"] if r.get("location") else None, r.get("method"),
             r.get("rows_sampled"), r.get("entity_type")) for r in lines[1:]]
    assert {(g, d, f, e) for g, d, f, e in expected(groups) if g == groups["app"]} <= found(lines), seen


def test_full_reads_every_event_in_batches(aws_env, engine, logs):
    group = f"/aws/lambda/full-{tag(10)}"
    for s in range(3):
        put(logs, group, f"2024/05/0{s + 1}/[$LATEST]{uuid.uuid4().hex}",
            [json.dumps({"user": {"email": f"kunde{s * 10_000 + i}@example.no"}, "msg": "ok"})
             for i in range(2500)])
    outcome, lines, _ = scan(aws_env, engine, f"cloudwatch://{group}", full=True, batch_rows=1000)
    assert outcome.exit_code == 0
    (ds,) = of(lines, "dataset")
    assert ds["rows_sampled"] == 7500 and ds["objects"]["sampled"] == 3 and ds["objects"]["total"] == 3
    assert ds["method"] == "every event of all 3 stream(s) (full read)"
    (email,) = [r for r in of(lines, "finding") if r["location"]["field"] == "user.email"]
    assert email["entity_type"] == "EMAIL_ADDRESS"
    assert email["hits"] == 7500 and email["sampled"] == 7500
    assert email["reasons"][0].startswith("full read: 7500 of 7500 values, reported from 8 of 8 batch(es)")


def test_a_full_read_leaves_events_written_since_the_listing_for_the_next_scan(aws_env, logs, monkeypatch):
    import scanner.crawlers.aws.cloudwatch as cloudwatch

    monkeypatch.setattr(cloudwatch, "LIVE_MARGIN_MS", 0)  # a minute by default, for clock skew
    group = f"live-{tag(10)}"
    put(logs, group, "app/live.log", app_messages(25))
    settings = ScanSettings(full=True, batch_rows=10)
    with CloudWatchCrawler(source(aws_env, f"cloudwatch://{group}"), settings) as crawler:
        (unit,) = crawler.discover()
        time.sleep(0.01)
        logs.put_log_events(logGroupName=group, logStreamName="app/live.log", logEvents=[
            {"timestamp": int(time.time() * 1000), "message": "skrevet etter listingen"}])
        batches = list(crawler.sample_batches(unit))
    assert [b.rows_sampled for b in batches] == [10, 10, 5, 25]
    assert batches[-1].details["objects"]["sampled"] == 1 and not batches[-1].fields


def test_listing_a_huge_group_stops_at_the_most_recently_written_streams(aws_env, engine, logs, monkeypatch):
    import scanner.crawlers.aws.cloudwatch as cloudwatch

    group = f"mange-{tag(10)}"
    for i in range(5):
        put(logs, group, f"web/i-0{uuid.uuid4().hex[:16]}", access_messages(3))
    monkeypatch.setattr(cloudwatch, "MAX_LISTED_STREAMS", 3)
    outcome, lines, _ = scan(aws_env, engine, f"cloudwatch://{group}")
    (ds,) = of(lines, "dataset")
    assert ds["objects"]["total"] == 3
    assert ds["notes"] == ["only the 3 most recently written streams of the log group were listed"]
    _, lines, _ = scan(aws_env, engine, f"cloudwatch://{group}", full=True)  # a full read lists them all
    (ds,) = of(lines, "dataset")
    assert ds["objects"]["total"] == 5 and ds["rows_sampled"] == 15 and "notes" not in ds


def test_units_travel_as_json_and_are_sampled_by_a_fresh_crawler(aws_env, groups):
    src = source(aws_env, f"cloudwatch://{groups['app']}")
    settings = ScanSettings()
    with CloudWatchCrawler(src, settings) as crawler:
        units = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
    assert {u.location.dataset for u in units} == {APP_DATASET, NGINX_DATASET, "tom"}
    for unit in units:
        assert json.loads(json.dumps(asdict(unit)))["meta"] == unit.meta
        again = pickle.loads(pickle.dumps(unit))
        with CloudWatchCrawler(src, settings) as fresh:
            sample = fresh.sample(again)
        assert bool(sample.fields) == (unit.location.dataset != "tom")


def test_the_scanner_only_describes_and_gets(aws_env, groups):
    calls = []
    with CloudWatchCrawler(source(aws_env, f"cloudwatch://{groups['app']}"), ScanSettings()) as crawler:
        crawler.client.meta.events.register("before-call.logs", lambda model, **_: calls.append(model.name))
        for unit in crawler.discover():
            crawler.sample(unit)
        for unit in crawler.discover():
            list(crawler.sample_batches(unit))
    assert set(calls) == {"DescribeLogGroups", "DescribeLogStreams", "GetLogEvents"}


def identity(aws_env, monkeypatch, deny: list[str]) -> None:
    """A scanner identity that may describe and get, except `deny`; its keys in the environment."""
    iam = aws_env.client("iam")
    name = f"skanner-{tag(8)}"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["logs:Describe*", "logs:Get*"], "Resource": "*"},
        {"Effect": "Deny", "Action": deny, "Resource": "*"},
    ]}
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])


def test_events_the_scanner_may_not_get_are_skipped_with_the_reason(aws_env, engine, groups, monkeypatch):
    identity(aws_env, monkeypatch, ["logs:GetLogEvents"])
    outcome, lines, _ = scan(aws_env, engine, f"cloudwatch://{groups['app']}")
    assert outcome.exit_code == 0  # a refusal is a skip, not a failure
    skipped = reasons(lines)
    assert skipped[APP_DATASET] == "access denied (AccessDenied) (and 1 more)"
    assert skipped[NGINX_DATASET] == "access denied (AccessDenied) (and 1 more)"
    assert not of(lines, "finding") and not of(lines, "error")
    with CloudWatchCrawler(source(aws_env, f"cloudwatch://{groups['app']}"), ScanSettings()) as crawler:
        unit = next(u for u in crawler.discover() if u.location.dataset == NGINX_DATASET)
        with pytest.raises(Skipped, match=r"access denied .* \(and 1 more\)"):
            crawler.sample(unit)


def test_groups_whose_streams_the_scanner_may_not_list_are_skipped(aws_env, engine, groups, monkeypatch):
    identity(aws_env, monkeypatch, ["logs:DescribeLogStreams"])
    outcome, lines, _ = scan(aws_env, engine, f"cloudwatch://{groups['app']}")
    assert outcome.exit_code == 0
    (skip,) = of(lines, "skipped")
    assert skip["location"]["container"] == groups["app"] and skip["location"]["dataset"] == "*"
    assert skip["reason"] == "access denied (AccessDenied)"


def test_bad_credentials_fail_without_printing_the_secret(aws_env, engine, groups, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "feil-hemmelighet-123")
    outcome, lines, text = scan(aws_env, engine, f"cloudwatch://{groups['app']}")
    assert outcome.exit_code == 3
    (err,) = of(lines, "error")
    assert err["location"]["container"] == groups["app"]
    assert "feil-hemmelighet-123" not in text and aws_env.scanner.secret_key not in text


def test_throttling_is_retried_and_loses_nothing(aws_env, engine, groups, faulty_proxy):
    faulty_proxy.add(r"^POST /", "slowdown", times=3)
    out = Path(tempfile.mkdtemp()) / "report.jsonl"
    writer = JsonlWriter(str(out))
    src = Source(f"cloudwatch://{groups['app']}", crawler="cloudwatch",
                 options={"endpoint_url": faulty_proxy.endpoint})
    try:
        outcome = pipeline.scan([src], ScanSettings(), [writer], engine=engine)
    finally:
        writer.close()
    lines = report(out)
    assert faulty_proxy.served["slowdown"] == 3
    assert outcome.exit_code == 0 and not of(lines, "error")
    assert {t for t in expected(groups) if t[0] == groups["app"]} <= found(lines)
