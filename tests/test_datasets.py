"""Grouping files and objects into datasets, and choosing which members to read."""

from __future__ import annotations

import fnmatch
import json
import random

import pytest

from scanner.crawlers.datasets import Grouper, Member, pattern_of

SAME_DATASET = [
    # keys that differ only by date, partition, sequence or a generated id
    ("exports/malerdata/2024/01/maleverdi_0001.csv", "exports/malerdata/2025/11/maleverdi_0173.csv"),
    ("lake/kunder/year=2024/month=01/part-0003.parquet", "lake/kunder/year=2025/month=12/part-0000.parquet"),
    ("dump/dump-20240501.sql.gz", "dump/dump-20250630.sql.gz"),
    ("logs/app-2024-05-01T10:00:00Z.jsonl", "logs/app-2024-06-11T23:59:59Z.jsonl"),
    ("backup/kunde_2024_05_01-1030.csv", "backup/kunde_2025_01_31-0000.csv"),
    ("spark/part-00000-3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b-c000.snappy.parquet",
     "spark/part-00017-0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d-c000.snappy.parquet"),
    ("uploads/a8f3kd92jx7q2m4n5b6v.json", "uploads/z9y8x7w6v5u4t3s2r1q0.json"),
    ("cache/5d41402abc4b2a76b9719d911017c592.bin", "cache/7d793037a0760186574b0282f2f435e7.bin"),
    ("kunde/12345/profil.json", "kunde/67890/profil.json"),
    # a log and its rotations, whatever the scheme
    ("nginx/access.log", "nginx/access.log.1"),
    ("nginx/access.log", "nginx/access.log.2.gz"),
    ("nginx/access.log", "nginx/access.log-20240501.gz"),
    ("log/syslog", "log/syslog.7.gz"),
    ("httpd/error_log", "httpd/error_log-20240501"),
    ("app/app-2024-05-01.log", "app/app-2024-05-02.log.gz"),
    ("app/app.log", "app/app.log.2024-05-01_10"),  # Python's TimedRotatingFileHandler, hourly
    ("app/app.log", "app/app.log.2024-05-01_10-00-00"),
    ("nginx/access.log", "nginx/access.log-20240501-1714521600"),
    ("app/app.log", "app/app.log.10000"),
    ("eksport/faktura_v1.csv", "eksport/faktura_v2.csv"),
]

OTHER_DATASET = [
    # near-misses: names, extensions, compression or directories differ
    ("eksport/kunder.csv", "eksport/ordre.csv"),
    ("dump/dump-20240501.sql.gz", "dump/dump-20240501.sql"),
    ("exports/malerdata/2024/01/maleverdi_0001.csv", "exports/kundedata/2024/01/maleverdi_0001.csv"),
    ("lake/kunder/year=2024/part-0.parquet", "lake/kunder/month=01/part-0.parquet"),
    ("logg/access.log", "logg/error.log"),
    ("nginx/access.log", "nginx/access.csv"),
    ("log/syslog", "log/syslog-ng.conf"),
    ("eksport/kunder.csv", "eksport/kunder.csv.1"),  # only logs rotate
    ("Kundeliste 2024.xlsx", "Leverandørliste 2024.xlsx"),
    ("uploads/readme.json", "uploads/license.json"),  # words are not random tokens
    ("media/klipp.mp3", "media/klipp.mp4"),  # digits in an extension name a kind
    ("dump/dump.sql.bz2", "dump/dump.sql.gz"),
    ("eksport/a=b.csv", "eksport/a=c.parquet"),  # only directories are partitions
]


@pytest.mark.parametrize(("a", "b"), SAME_DATASET)
def test_keys_that_differ_by_date_partition_or_sequence_share_a_pattern(a, b):
    assert pattern_of(a) == pattern_of(b)
    assert fnmatch.fnmatchcase(a, pattern_of(a)) and fnmatch.fnmatchcase(b, pattern_of(a))


@pytest.mark.parametrize(("a", "b"), OTHER_DATASET)
def test_different_datasets_keep_different_patterns(a, b):
    assert pattern_of(a) != pattern_of(b)


@pytest.mark.parametrize(("key", "pattern"), [
    ("exports/malerdata/2024/01/maleverdi_0001.csv", "exports/malerdata/*/*/maleverdi_*.csv"),
    ("year=2024/month=01/part-0003.parquet", "year=*/month=*/part-*.parquet"),
    ("dump-20240501.sql.gz", "dump-*.sql.gz"),
    ("app-2024-05-01T10:00:00Z.jsonl", "app-*.jsonl"),
    ("kunder.csv", "kunder.csv"),
    ("access.log.2.gz", "access.log*"),
    ("var/log/nginx/access.log", "var/log/nginx/access.log*"),
    ("kunder.csv.gz", "kunder.csv.gz"),
    ("dump-20240501.sql.bz2", "dump-*.sql.bz2"),
    ("spark/part-00000-3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b-c000.snappy.parquet", "spark/part-*-c*.snappy.parquet"),
])
def test_patterns_read_as_globs(key, pattern):
    assert pattern_of(key) == pattern


def members(n: int, start: float = 1_700_000_000.0) -> list[Member]:
    return [Member(f"eksport/{2000 + i // 12}/{i % 12 + 1:02d}/del_{i:04d}.csv", 100 + i, start + i * 3600)
            for i in range(n)]


def test_each_dataset_reads_the_newest_member_and_a_seeded_random_few():
    ms = members(200)
    g = Grouper(per_dataset=5, seed=7)
    for m in ms:
        g.add(m)
    (ds,) = list(g)
    chosen = ds.chosen()
    assert len(chosen) == 5 and chosen[0] == ms[-1]  # newest first
    assert ds.count == 200 and ds.bytes == sum(m.size for m in ms)
    assert ds.name == "eksport/*/*/del_*.csv"


def test_the_choice_does_not_depend_on_listing_order_but_on_the_seed():
    ms = members(300)
    picks = []
    for order_seed in (1, 2):
        shuffled = ms[:]
        random.Random(order_seed).shuffle(shuffled)
        g = Grouper(5, seed=11)
        for m in shuffled:
            g.add(m)
        picks.append([m.key for m in next(iter(g)).chosen()])
    assert picks[0] == picks[1]
    g = Grouper(5, seed=12)
    for m in ms:
        g.add(m)
    assert [m.key for m in next(iter(g)).chosen()] != picks[0]


def test_zero_per_dataset_means_every_member():
    g = Grouper(0, seed=1)
    for m in members(40):
        g.add(m)
    assert len(next(iter(g)).chosen()) == 40


def test_small_datasets_read_everything_and_a_lone_file_keeps_its_name():
    g = Grouper(5, seed=1)
    for m in members(3):
        g.add(m)
    g.add(Member("eksport/kunder2023.csv", 10, 1.0))
    by_name = {ds.name: ds for ds in g}
    assert len(by_name["eksport/*/*/del_*.csv"].chosen()) == 3
    assert [m.key for m in by_name["eksport/kunder2023.csv"].chosen()] == ["eksport/kunder2023.csv"]


def test_archived_members_are_counted_by_reason_and_never_chosen():
    g = Grouper(5, seed=1)
    ms = members(10)
    for i, m in enumerate(ms):
        g.add(m, "in storage class DEEP_ARCHIVE" if i % 2 else None)
    (ds,) = list(g)
    assert ds.unreadable == {"in storage class DEEP_ARCHIVE": 5} and ds.readable == 5
    assert all(int(m.key[-8:-4]) % 2 == 0 for m in ds.chosen())


def test_grouping_many_keys_keeps_only_the_reservoir():
    g = Grouper(5, seed=3)
    for i in range(200_000):
        g.add(Member(f"raw/2024/{i % 365:03d}/event-{i:07d}.json.gz", 1000, float(i)))
    (ds,) = list(g)
    assert ds.count == 200_000 and len(ds._reservoir) == 5 and ds._all == []
    assert ds.chosen()[0].key == f"raw/2024/{199_999 % 365:03d}/event-0199999.json.gz"


def test_members_round_trip_through_json():
    m = Member("kunde liste \udcf8.csv", 12, 1.5, "0:42")
    assert Member.from_dict(json.loads(json.dumps(m.to_dict()))) == m
