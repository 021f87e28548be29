"""`kartlegg scan s3://…` against moto's server mode over HTTP, as a read-only IAM identity.

The scanner's identity may list and get, is denied GetObject under `*/denied/*`, and may write
nothing. A proxy in front of moto injects throttling and KMS refusals where asked.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
import random
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from naming import tag
from reporting import findings, of, reasons, scan_cli

from detectors import synthetic
from scanner.crawlers.aws.s3 import S3Crawler
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import Skipped, WorkUnit

R = random.Random(91)
NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum"]
MiB = 1 << 20


def people_csv(n: int = 30, delimiter: str = ";") -> bytes:
    rows = [delimiter.join(["navn", "fodselsnummer", "mobil"])]
    for i in range(n):
        rows.append(delimiter.join([NAMES[i % len(NAMES)], synthetic.fodselsnummer(R), synthetic.phone(R, "spaced2")]))
    return ("\n".join(rows) + "\n").encode()


def events_jsonl(n: int = 30) -> bytes:
    return b"".join(json.dumps({"ts": f"2024-05-01T10:{i % 60:02d}:00Z", "user": {"email": f"bruker{i}@example.no"},
                                "action": "login"}).encode() + b"\n" for i in range(n))


def parquet_bytes(rows: int, row_group: int) -> bytes:
    table = pa.table({"kontonummer": [synthetic.kontonummer(R) for _ in range(rows)],
                      "belop": [R.randint(1, 10_000) for _ in range(rows)]})
    buf = io.BytesIO()
    pq.write_table(table, buf, row_group_size=row_group)
    return buf.getvalue()


run = scan_cli


@pytest.fixture
def bucket(aws_env):
    name = f"kunde-{tag(10)}"
    s3 = aws_env.create_bucket(name)
    for month in ("01", "02", "03", "04"):
        for part in (1, 2):
            s3.put_object(Bucket=name, Key=f"exports/malerdata/2024/{month}/kunder_{part:04d}.csv", Body=people_csv())
    s3.put_object(Bucket=name, Key="logs/events-20240501.jsonl.gz", Body=gzip.compress(events_jsonl()))
    s3.put_object(Bucket=name, Key="logs/events-20240502.jsonl.gz", Body=gzip.compress(events_jsonl()))
    s3.put_object(Bucket=name, Key="lake/konto.parquet", Body=parquet_bytes(2000, 500))
    s3.put_object(Bucket=name, Key="notater/sak.txt",
                  Body="Kari Nordmann ringte fra 912 34 567 og ba om kopi til kari@example.no.\n".encode())
    s3.put_object(Bucket=name, Key="verktoy/oppdater", Body=b"\x7fELF\x02\x01\x01" + bytes(200))  # a program
    s3.put_object(Bucket=name, Key="mapper/", Body=b"")  # a console folder marker
    return name


def scan_bucket(aws_env, bucket, *extra, endpoint=None):
    return run(f"s3://{bucket}", "--endpoint-url", endpoint or aws_env.endpoint, *extra)


EXPECTED = {
    ("exports/malerdata/*/*/kunder_*.csv", "navn", "PERSON"),
    ("exports/malerdata/*/*/kunder_*.csv", "fodselsnummer", "NO_FODSELSNUMMER"),
    ("exports/malerdata/*/*/kunder_*.csv", "mobil", "NO_PHONE_NUMBER"),
    ("logs/events-*.jsonl.gz", "user.email", "EMAIL_ADDRESS"),
    ("lake/konto.parquet", "kontonummer", "NO_BANK_ACCOUNT"),
    ("notater/sak.txt", None, "PERSON"),
    ("notater/sak.txt", None, "NO_PHONE_NUMBER"),
    ("notater/sak.txt", None, "EMAIL_ADDRESS"),
}


def test_a_bucket_is_scanned_per_dataset_and_field(aws_env, bucket):
    code, lines, _ = scan_bucket(aws_env, bucket)
    assert code == 0
    assert findings(lines) == EXPECTED
    datasets = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    exports = datasets["exports/malerdata/*/*/kunder_*.csv"]
    assert exports["objects"]["total"] == 8 and exports["objects"]["sampled"] == 5
    assert exports["location"] == {"container": bucket, "dataset": "exports/malerdata/*/*/kunder_*.csv",
                                   "field": None, "uri": f"s3://{bucket}/exports/malerdata/*/*/kunder_*.csv"}
    assert datasets["logs/events-*.jsonl.gz"]["format"] == "gzip>jsonl"
    assert datasets["lake/konto.parquet"]["format"] == "parquet"
    assert reasons(lines)["verktoy/oppdater"] == "unsupported: elf"
    assert "mapper/" not in datasets


def test_denied_and_archived_objects_are_skipped_with_the_reason(aws_env, bucket):
    s3 = aws_env.client("s3")
    s3.put_object(Bucket=bucket, Key="denied/hemmelig.csv", Body=people_csv())
    for i in range(3):
        s3.put_object(Bucket=bucket, Key=f"arkiv/2019/kunder_{i}.csv", Body=people_csv(), StorageClass="DEEP_ARCHIVE")
    s3.put_object(Bucket=bucket, Key="kald/2020/kunder_1.csv", Body=people_csv(), StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="kald/2021/kunder_2.csv", Body=people_csv())
    code, lines, _ = scan_bucket(aws_env, bucket)
    assert code == 0  # skips are reported, not failures
    skipped = reasons(lines)
    assert skipped["denied/hemmelig.csv"] == "access denied (AccessDenied)"
    assert skipped["arkiv/*/kunder_*.csv"] == "nothing readable: 3 objects in storage class DEEP_ARCHIVE"
    partly = next(r for r in of(lines, "dataset") if r["location"]["dataset"] == "kald/*/kunder_*.csv")
    assert partly["objects"]["unreadable"] == {"in storage class GLACIER": 1} and partly["objects"]["sampled"] == 1
    assert ("kald/*/kunder_*.csv", "fodselsnummer", "NO_FODSELSNUMMER") in findings(lines)
    assert not of(lines, "error")


def test_throttling_is_retried_with_backoff_and_loses_nothing(aws_env, bucket, faulty_proxy):
    faulty_proxy.add(rf"^GET /{bucket}\?list-type=2", "slowdown", times=2)
    faulty_proxy.add(rf"^GET /{bucket}/lake/konto\.parquet", "slowdown", times=2)
    code, lines, _ = scan_bucket(aws_env, bucket, endpoint=faulty_proxy.endpoint)
    assert faulty_proxy.served["slowdown"] == 4
    assert code == 0 and not of(lines, "error")
    assert findings(lines) == EXPECTED


def test_kms_refusals_are_skips_that_name_the_key_problem(aws_env, bucket, faulty_proxy):
    aws_env.client("s3").put_object(Bucket=bucket, Key="kryptert/kunder.csv", Body=people_csv())
    faulty_proxy.add(rf"^GET /{bucket}/kryptert/", "kms")
    code, lines, _ = scan_bucket(aws_env, bucket, endpoint=faulty_proxy.endpoint)
    assert code == 0
    assert reasons(lines)["kryptert/kunder.csv"].startswith("KMS key denied (AccessDenied)")
    assert findings(lines) == EXPECTED


def test_the_scanner_only_reads(aws_env, bucket, faulty_proxy):
    scan_bucket(aws_env, bucket, endpoint=faulty_proxy.endpoint)
    assert set(faulty_proxy.methods) == {"GET"} and faulty_proxy.methods["GET"] > 5


def test_large_objects_cost_a_prefix_or_a_footer_and_one_row_group(aws_env, bucket):
    s3 = aws_env.client("s3")
    big_csv = people_csv(100_000)  # several MiB
    s3.put_object(Bucket=bucket, Key="stor/kunder.csv", Body=big_csv)
    big_parquet = parquet_bytes(200_000, 10_000)
    s3.put_object(Bucket=bucket, Key="stor/konto.parquet", Body=big_parquet)
    _, lines, _ = scan_bucket(aws_env, bucket, "--include", "*/stor/*")
    datasets = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    csv = datasets["stor/kunder.csv"]["objects"]
    assert len(big_csv) > 3 * MiB and csv["read_bytes"] <= MiB
    parquet = datasets["stor/konto.parquet"]["objects"]
    assert parquet["read_bytes"] < parquet["bytes"] / 4
    assert {f for d, f, _ in findings(lines)} == {"navn", "fodselsnummer", "mobil", "kontonummer"}


def test_every_bucket_the_credentials_list(aws_env, bucket):
    other = f"arkiv-{tag(10)}"
    aws_env.create_bucket(other).put_object(Bucket=other, Key="kunder.csv", Body=people_csv())
    code, lines, _ = run("s3://", "--endpoint-url", aws_env.endpoint, "--include", f"{bucket}/*",
                         "--include", f"{other}/*")
    assert code == 0
    assert {r["location"]["container"] for r in of(lines, "dataset")} == {bucket, other}


def test_a_named_profile_from_the_credentials_file(aws_env, bucket, monkeypatch, tmp_path):
    creds = Path(tmp_path / "aws-credentials")
    creds.write_text(f"[skanner]\naws_access_key_id = {aws_env.scanner.access_key}\n"
                     f"aws_secret_access_key = {aws_env.scanner.secret_key}\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, lines, _ = scan_bucket(aws_env, bucket, "--profile", "skanner")
    assert code == 0 and findings(lines) == EXPECTED
    code, lines, output = scan_bucket(aws_env, bucket, "--profile", "finnes-ikke")
    assert code == 3
    (err,) = of(lines, "error")
    assert "finnes-ikke" in err["error"]["message"]


def test_bad_credentials_fail_the_source_without_printing_the_secret(aws_env, bucket, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "feil-hemmelighet-123")
    code, lines, output = scan_bucket(aws_env, bucket)
    assert code == 3
    (err,) = of(lines, "error")
    assert err["location"]["container"] == bucket
    text = json.dumps(lines) + output
    assert "feil-hemmelighet-123" not in text and aws_env.scanner.secret_key not in text


def test_units_travel_as_json_and_are_sampled_by_a_fresh_crawler(aws_env, bucket):
    source = Source(f"s3://{bucket}", crawler="s3", options={"endpoint_url": aws_env.endpoint})
    settings = ScanSettings()
    with S3Crawler(source, settings) as crawler:
        units = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
    assert len(units) == 5
    for unit in units:
        assert json.loads(json.dumps(asdict(unit)))["meta"] == unit.meta
        again = pickle.loads(pickle.dumps(unit))
        with S3Crawler(source, settings) as fresh:
            if unit.location.dataset == "verktoy/oppdater":
                with pytest.raises(Skipped, match="unsupported: elf"):
                    fresh.sample(again)
            else:
                assert fresh.sample(again).fields


def test_an_empty_prefix_is_said_to_be_empty(aws_env, bucket):
    code, lines, _ = run(f"s3://{bucket}/finnes-ikke/", "--endpoint-url", aws_env.endpoint)
    assert code == 0 and reasons(lines) == {"finnes-ikke/": "empty: no objects under this prefix"}


def test_listing_follows_every_page(aws_env):
    from concurrent.futures import ThreadPoolExecutor

    name = f"mange-{tag(8)}"
    s3 = aws_env.create_bucket(name)
    body = people_csv(3)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=name, Key=f"del/{i // 100:02d}/k_{i:05d}.csv", Body=body),
                      range(2150)))
    code, lines, _ = run(f"s3://{name}", "--endpoint-url", aws_env.endpoint)
    (ds,) = of(lines, "dataset")
    assert code == 0 and ds["objects"]["total"] == 2150 and ds["objects"]["bytes"] == 2150 * len(body)


def test_objects_deleted_or_replaced_after_listing_are_skipped_not_failed(aws_env, bucket):
    source = Source(f"s3://{bucket}", crawler="s3", options={"endpoint_url": aws_env.endpoint})
    with S3Crawler(source, ScanSettings()) as crawler:
        units = {u.location.dataset: u for u in crawler.discover() if isinstance(u, WorkUnit)}
        s3 = aws_env.client("s3")
        s3.delete_object(Bucket=bucket, Key="notater/sak.txt")
        s3.put_object(Bucket=bucket, Key="lake/konto.parquet", Body=parquet_bytes(100, 50))
        for name, reason in (("notater/sak.txt", "gone since it was listed"),
                             ("lake/konto.parquet", "changed since it was listed: left for the next scan")):
            with pytest.raises(Skipped, match=reason):
                crawler.sample(units[name])
