"""Change tokens (`WorkUnit.version`) on real components: a throw-away PostgreSQL and MariaDB,
SQLite files, files and rotated logs, S3 and CloudWatch Logs over moto's server, journal files
written by systemd-journal-remote.

For every crawler: two discoveries with nothing changed in between (the scanner's own reads
included) give equal tokens; a change gives the changed unit a new token and leaves every other
unit's as it was (SQLite and journald have one token for the whole file or journal, so there
every unit changes). A token never depends on scan settings.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from naming import tag

from scanner.crawlers.aws.cloudwatch import CloudWatchCrawler
from scanner.crawlers.aws.s3 import S3Crawler
from scanner.crawlers.change_tokens import Members, digest, file_version
from scanner.crawlers.files import FileCrawler
from scanner.crawlers.journald import JournaldCrawler
from scanner.crawlers.sql.crawler import SqlCrawler
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source
from scanner.model.units import Skipped, WorkUnit

TICK = 0.05  # mtime moves with the kernel's coarse clock (a few ms): changes come a tick apart


def discover(crawler_cls, source: Source, sample: bool = False, **settings) -> dict[str, str | None]:
    """dataset -> version of every unit one discovery finds; with `sample`, every unit is then
    read, so a second discovery shows whether the scanner's own reads move a token."""
    with crawler_cls(source, ScanSettings(**settings)) as crawler:
        units = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
        if sample:
            for unit in units:
                try:
                    crawler.sample(unit)
                except Skipped:
                    pass
    tokens = {u.location.dotted(): u.version for u in units}
    assert len(tokens) == len(units)
    return tokens


def assert_only(before: dict, after: dict, changed: set[str]) -> None:
    """`changed` got new tokens (not None), every other unit kept its own."""
    assert set(before) - set(after) <= changed and set(after) - set(before) <= changed
    for name in changed & set(after):
        assert after[name] is not None, name
        assert after[name] != before.get(name), name
    same = {n: before[n] for n in set(before) & set(after) - changed}
    assert same == {n: after[n] for n in same}


def test_digests_are_canonical():
    assert digest("r", {"b": 1, "a": 2}) == digest("r", {"a": 2, "b": 1})
    assert digest("r", "a", "b") != digest("r", "ab")
    assert digest("r", "x\udcf8") != digest("r", "x\u00f8")  # an undecodable name is not its look-alike
    a, b = Members("m"), Members("m")
    for m in (a, b):
        m.add("k1", "etag1")
    b.add("k2", "etag2")
    assert a.hexdigest() != b.hexdigest()
    assert Members("m").hexdigest() != Members("other").hexdigest()


# -- PostgreSQL ------------------------------------------------------------------------------------
PG_DB = "endringer"
PG_TABLES = ("kunde_ins", "kunde_upd", "kunde_del", "kunde_trunc", "kunde_vacfull", "kunde_ddl", "uberort")


def pg_write(server, *statements: str) -> None:
    server.write_flushed(PG_DB, *statements)


@pytest.fixture(scope="module")
def pg(postgres_server):
    postgres_server.create_database(PG_DB)
    statements = []
    for table in PG_TABLES:
        statements += [f"CREATE TABLE {table} (id serial PRIMARY KEY, navn text)",
                       f"INSERT INTO {table} (navn) SELECT 'navn ' || i FROM generate_series(1, 50) i"]
    statements += [
        "CREATE VIEW kunde_visning AS SELECT * FROM uberort",
        "CREATE TABLE maaling (id int, verdi text) PARTITION BY RANGE (id)",
        "CREATE TABLE maaling_1 PARTITION OF maaling FOR VALUES FROM (0) TO (1000)",
        "INSERT INTO maaling SELECT i, 'v' FROM generate_series(1, 20) i",
    ]
    pg_write(postgres_server, *statements)
    postgres_server.create_readonly_role("endring_leser", "Lese-Passord-3", PG_DB)
    return Source(postgres_server.url("endring_leser", "Lese-Passord-3", PG_DB), crawler="sql")


def test_postgres_tokens_hold_while_nothing_changes(pg):
    first = discover(SqlCrawler, pg, sample=True, views=True)
    assert {t for t in first} >= {f"public.{t}" for t in PG_TABLES} | {"public.kunde_visning", "public.maaling"}
    # a view and a partitioned table have no counters of their own: always read
    assert first["public.kunde_visning"] is None and first["public.maaling"] is None
    assert all(first[f"public.{t}"] for t in [*PG_TABLES, "maaling_1"])
    assert len({first[f"public.{t}"] for t in PG_TABLES}) == len(PG_TABLES)
    assert discover(SqlCrawler, pg, views=True) == first
    assert discover(SqlCrawler, pg, views=True, sample_size=7, max_connections=2) == first


@pytest.mark.parametrize("table, statement", [
    ("kunde_ins", "INSERT INTO kunde_ins (navn) VALUES ('ny kunde')"),
    ("kunde_upd", "UPDATE kunde_upd SET navn = navn || ' endret' WHERE id = 3"),
    ("kunde_del", "DELETE FROM kunde_del WHERE id = 4"),
    ("kunde_trunc", "TRUNCATE kunde_trunc"),  # counts no tuples: the new file node shows it
    ("kunde_vacfull", "VACUUM FULL kunde_vacfull"),  # the same data in a new file: read again, to be safe
    ("kunde_ddl", "ALTER TABLE kunde_ddl ADD COLUMN epost text"),  # a new column is a change
    ("maaling_1", "INSERT INTO maaling VALUES (500, 'ny')"),  # counted on the partition
])
def test_a_postgres_write_changes_that_table_only(pg, postgres_server, table, statement):
    before = discover(SqlCrawler, pg, views=True)
    pg_write(postgres_server, statement)
    after = discover(SqlCrawler, pg, views=True)
    assert_only(before, after, {f"public.{table}"})


def test_a_postgres_write_rolled_back_is_still_counted(pg, postgres_server):
    """A spurious rescan, never a missed change: aborted inserts move the counters too."""
    before = discover(SqlCrawler, pg)
    pg_write(postgres_server, "BEGIN", "INSERT INTO uberort (navn) VALUES ('angret')", "ROLLBACK")
    assert_only(before, discover(SqlCrawler, pg), {"public.uberort"})


def test_a_postgres_stats_reset_changes_every_token(pg, postgres_server):
    before = discover(SqlCrawler, pg)
    pg_write(postgres_server, "SELECT pg_stat_reset()")
    after = discover(SqlCrawler, pg)
    assert after.keys() == before.keys()
    assert all(after[t] != before[t] for t in before if before[t] is not None)


# -- MariaDB -----------------------------------------------------------------------------------------
MARIA_DB = "endringer"
UPDATE_TIME_SECOND = 2.1  # UPDATE_TIME has whole seconds; a table written in the last one has no token


def maria_write(server, *statements: str) -> None:
    for statement in statements:
        server.execute(statement, database=MARIA_DB)


@pytest.fixture(scope="module")
def maria(mariadb_server):
    mariadb_server.create_database(MARIA_DB)
    statements = []
    tables = {"m_ins": "id INT AUTO_INCREMENT PRIMARY KEY, navn TEXT", "m_upd": "id INT PRIMARY KEY, navn TEXT",
              "m_del": "id INT PRIMARY KEY, navn TEXT", "m_trunc": "id INT PRIMARY KEY, navn TEXT",
              "m_ddl": "id INT PRIMARY KEY, navn TEXT", "m_myisam": "id INT PRIMARY KEY, navn TEXT",
              "m_aria": "id INT PRIMARY KEY, navn TEXT", "m_part": "id INT PRIMARY KEY, navn TEXT",
              "uberort": "id INT PRIMARY KEY, navn TEXT"}
    engines = {"m_myisam": "MyISAM", "m_aria": "Aria"}
    for table, columns in tables.items():
        extra = " PARTITION BY HASH(id) PARTITIONS 2" if table == "m_part" else ""
        statements += [f"CREATE TABLE {table} ({columns}) ENGINE={engines.get(table, 'InnoDB')}{extra}",
                       # 100 rows: one changed row stays under InnoDB's 10 % that recalculates statistics
                       f"INSERT INTO {table} (id, navn) SELECT seq, CONCAT('navn ', seq) FROM seq_1_to_100"]
    statements += ["CREATE VIEW m_visning AS SELECT * FROM uberort"]
    statements += [f"ANALYZE TABLE {t}" for t in tables]
    maria_write(mariadb_server, *statements)
    mariadb_server.create_readonly_user("endring_leser", "Lese-Passord-4", MARIA_DB)
    maria_write(mariadb_server, f"GRANT SHOW VIEW ON {MARIA_DB}.* TO 'endring_leser'@'%'")  # reflects the view
    time.sleep(UPDATE_TIME_SECOND)
    return Source(mariadb_server.url("endring_leser", "Lese-Passord-4", MARIA_DB), crawler="sql")


def test_mariadb_tokens_hold_while_nothing_changes(maria):
    first = discover(SqlCrawler, maria, sample=True, views=True)
    # no UPDATE_TIME to trust: a view, an Aria table (its UPDATE_TIME lags writes), a partitioned table
    assert first["endringer.m_visning"] is None and first["endringer.m_aria"] is None
    assert first["endringer.m_part"] is None
    tokens = [first[f"endringer.{t}"] for t in ("m_ins", "m_upd", "m_del", "m_trunc", "m_ddl", "m_myisam", "uberort")]
    assert all(tokens) and len(set(tokens)) == len(tokens)
    assert discover(SqlCrawler, maria, views=True) == first
    assert discover(SqlCrawler, maria, views=True, sample_size=3) == first


@pytest.mark.parametrize("table, statement", [
    ("m_ins", "INSERT INTO m_ins (navn) VALUES ('ny kunde')"),
    ("m_upd", "UPDATE m_upd SET navn = CONCAT(navn, ' endret') WHERE id = 3"),
    ("m_del", "DELETE FROM m_del WHERE id = 4"),
    # MariaDB moves neither UPDATE_TIME nor CREATE_TIME for an InnoDB TRUNCATE: TABLE_ROWS shows it
    ("m_trunc", "TRUNCATE TABLE m_trunc"),
    ("m_ddl", "ALTER TABLE m_ddl ADD COLUMN epost TEXT"),
    ("m_myisam", "UPDATE m_myisam SET navn = 'x' WHERE id = 5"),
])
def test_a_mariadb_write_changes_that_table_only(maria, mariadb_server, table, statement):
    before = discover(SqlCrawler, maria, views=True)
    maria_write(mariadb_server, statement)
    time.sleep(UPDATE_TIME_SECOND)
    after = discover(SqlCrawler, maria, views=True)
    assert_only(before, after, {f"endringer.{table}"})


def test_a_mariadb_table_written_in_the_last_second_has_no_token(maria, mariadb_server):
    before = discover(SqlCrawler, maria)
    maria_write(mariadb_server, "UPDATE uberort SET navn = 'y' WHERE id = 7")
    now = discover(SqlCrawler, maria)
    assert now["endringer.uberort"] is None  # a second write within the same second would look the same
    time.sleep(UPDATE_TIME_SECOND)
    assert_only(before, discover(SqlCrawler, maria), {"endringer.uberort"})


def test_an_innodb_table_without_update_time_has_no_token(maria, mariadb_server):
    """InnoDB keeps UPDATE_TIME in memory: after a restart, or a rebuild (OPTIMIZE, as here), it is
    NULL until the next write, and the table is always read until then."""
    maria_write(mariadb_server, "OPTIMIZE TABLE m_myisam", "OPTIMIZE TABLE uberort")
    time.sleep(UPDATE_TIME_SECOND)
    now = discover(SqlCrawler, maria)
    assert now["endringer.uberort"] is None
    assert now["endringer.m_myisam"] is not None  # MyISAM's UPDATE_TIME is the data file's mtime: it persists
    maria_write(mariadb_server, "UPDATE uberort SET navn = 'z' WHERE id = 8")
    time.sleep(UPDATE_TIME_SECOND)
    assert discover(SqlCrawler, maria)["endringer.uberort"] is not None


# -- SQLite ----------------------------------------------------------------------------------------
def sqlite_db(path: Path, wal: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA wal_autocheckpoint=0")  # writes stay in the -wal file
    conn.execute("CREATE TABLE kunde (id INTEGER PRIMARY KEY, navn TEXT)")
    conn.execute("CREATE TABLE ordre (id INTEGER PRIMARY KEY, kunde INTEGER)")
    conn.execute("CREATE VIEW kunde_visning AS SELECT navn FROM kunde")
    conn.executemany("INSERT INTO kunde (navn) VALUES (?)", [(f"navn {i}",) for i in range(50)])
    conn.executemany("INSERT INTO ordre (kunde) VALUES (?)", [(i,) for i in range(50)])
    return conn


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
@pytest.mark.parametrize("statement", [
    "INSERT INTO kunde (navn) VALUES ('ny')",
    "UPDATE kunde SET navn = 'endret' WHERE id = 3",  # same size: the mtime shows it
    "DELETE FROM kunde WHERE id = 4",
    "DELETE FROM kunde",
    "ALTER TABLE kunde ADD COLUMN epost TEXT",
])
def test_any_sqlite_write_changes_every_table_of_the_file(tmp_path, wal, statement):
    path = tmp_path / "kunder.db"
    writer = sqlite_db(path, wal)  # kept open: closing the last connection checkpoints the WAL
    try:
        source = Source(f"sqlite:///{path}", crawler="sql")
        before = discover(SqlCrawler, source, sample=True, views=True)
        assert set(before) == {"main.kunde", "main.ordre", "main.kunde_visning"}
        assert before["main.kunde_visning"] is None and before["main.kunde"] and before["main.ordre"]
        assert discover(SqlCrawler, source, views=True, sample_size=2) == before
        if wal:
            size = path.stat().st_size
        time.sleep(TICK)
        writer.execute(statement)
        if wal:
            assert path.stat().st_size == size  # the write went to the -wal file only
        after = discover(SqlCrawler, source, views=True)
        assert_only(before, after, {"main.kunde", "main.ordre"})
    finally:
        writer.close()


def test_sqlite_in_memory_has_no_token(tmp_path):
    assert SqlCrawler(Source("sqlite://", crawler="sql"), ScanSettings())._sqlite_version() is None
    assert SqlCrawler(Source("sqlite:///:memory:", crawler="sql"), ScanSettings())._sqlite_version() is None


# -- files -----------------------------------------------------------------------------------------
def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "share"
    write(root / "logs/app.log", "2024-05-01 10:00:00 INFO start\n")
    write(root / "logs/app.log.1", "2024-04-30 10:00:00 INFO start\n")
    write(root / "logs/app.log.2.gz", gzip.compress(b"2024-04-29 10:00:00 INFO start\n"))
    for month in ("01", "02", "03"):
        write(root / f"exports/kunder_2024{month}01.csv", f"navn,epost\nKari,kari{month}@example.no\n")
    write(root / "notater/sak.txt", "Kari ringte om kopi av avtalen.\n")
    write(root / "readme.md", "# share\n")
    return root


FILE_DATASETS = {"logs": "logs/app.log*", "exports": "exports/kunder_*.csv", "note": "notater/sak.txt"}


def _append(root: Path) -> None:
    with open(root / "logs/app.log", "a") as f:
        f.write("2024-05-01 10:00:01 INFO kunde kari@example.no logget inn\n")


def _touch(root: Path) -> None:
    st = os.stat(root / "exports/kunder_20240101.csv")
    os.utime(root / "exports/kunder_20240101.csv", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _same_size_in_place(root: Path) -> None:
    path = root / "notater/sak.txt"
    old = path.read_text()
    with open(path, "r+") as f:
        f.write(old.replace("Kari", "Olav"))  # same length, same inode


def _same_size_renamed(root: Path) -> None:
    path = root / "notater/sak.txt"
    tmp = root / "notater/.sak.txt.tmp"
    tmp.write_text(path.read_text().replace("Kari", "Anne"))
    os.utime(tmp, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))  # even with the old mtime
    os.replace(tmp, path)


def _add_member(root: Path) -> None:
    write(root / "exports/kunder_20240401.csv", "navn,epost\nPer,per@example.no\n")


def _remove_member(root: Path) -> None:
    (root / "logs/app.log.2.gz").unlink()


def _rotate(root: Path) -> None:
    logs = root / "logs"
    os.replace(logs / "app.log.1", logs / "app.log.2.gz")
    os.replace(logs / "app.log", logs / "app.log.1")
    write(logs / "app.log", "2024-05-02 10:00:00 INFO start\n")


@pytest.mark.parametrize("change, dataset", [
    (_append, "logs"), (_touch, "exports"), (_same_size_in_place, "note"), (_same_size_renamed, "note"),
    (_add_member, "exports"), (_remove_member, "logs"), (_rotate, "logs"),
])
def test_a_file_change_changes_its_dataset_only(tree, change, dataset):
    source = Source(str(tree), crawler="files")
    before = discover(FileCrawler, source, sample=True)
    assert set(before) == {f"{tree}.{d}" for d in [*FILE_DATASETS.values(), "readme.md"]}
    assert all(before.values())
    # not the sampling settings: only what the files say
    assert discover(FileCrawler, source, objects_per_dataset=1, sample_size=5) == before
    assert discover(FileCrawler, source, full=True) == before
    time.sleep(TICK)
    change(tree)
    after = discover(FileCrawler, source)
    assert_only(before, after, {f"{tree}.{FILE_DATASETS[dataset]}"})


def test_a_single_file_has_its_own_token(tree):
    source = Source(str(tree / "notater/sak.txt"), crawler="files")
    before = discover(FileCrawler, source, sample=True)
    assert discover(FileCrawler, source) == before and all(before.values())
    time.sleep(TICK)
    _append_note = tree / "notater/sak.txt"
    with open(_append_note, "a") as f:
        f.write("Ny linje.\n")
    after = discover(FileCrawler, source)
    assert after.keys() == before.keys() and after != before


def test_file_version_counts_missing_files(tmp_path):
    db = tmp_path / "a.db"
    db.write_bytes(b"x")
    without = file_version([str(db), f"{db}-wal"])
    Path(f"{db}-wal").write_bytes(b"")
    assert file_version([str(db), f"{db}-wal"]) != without


# -- S3 --------------------------------------------------------------------------------------------
@pytest.fixture
def bucket(aws_env):
    name = f"endring-{tag(10)}"
    s3 = aws_env.create_bucket(name)
    for month in ("01", "02", "03"):
        s3.put_object(Bucket=name, Key=f"exports/2024/{month}/kunder_0001.csv",
                      Body=f"navn,epost\nKari,kari{month}@example.no\n".encode())
    s3.put_object(Bucket=name, Key="logs/events-20240501.jsonl.gz", Body=gzip.compress(b'{"a": 1}\n'))
    s3.put_object(Bucket=name, Key="logs/events-20240502.jsonl.gz", Body=gzip.compress(b'{"a": 2}\n'))
    s3.put_object(Bucket=name, Key="notater/sak.txt", Body=b"Kari ringte om kopi av avtalen.\n")
    return name


S3_DATASETS = {"exports": "exports/*/*/kunder_*.csv", "logs": "logs/events-*.jsonl.gz", "note": "notater/sak.txt"}


@pytest.mark.parametrize("change, dataset", [
    (lambda s3, b: s3.put_object(Bucket=b, Key="exports/2024/04/kunder_0001.csv", Body=b"navn\nPer\n"), "exports"),
    (lambda s3, b: s3.put_object(Bucket=b, Key="notater/sak.txt", Body=b"Olav ringte om kopi av avtalen.\n"), "note"),
    (lambda s3, b: s3.put_object(Bucket=b, Key="logs/events-20240502.jsonl.gz", Body=gzip.compress(b'{"a": 3}\n')),
     "logs"),
    (lambda s3, b: s3.delete_object(Bucket=b, Key="exports/2024/02/kunder_0001.csv"), "exports"),
])
def test_an_s3_write_changes_its_dataset_only(aws_env, bucket, change, dataset):
    source = Source(f"s3://{bucket}", crawler="s3", options={"endpoint_url": aws_env.endpoint})
    before = discover(S3Crawler, source, sample=True)
    assert set(before) == {f"{bucket}.{d}" for d in S3_DATASETS.values()} and all(before.values())
    assert discover(S3Crawler, source, objects_per_dataset=1, sample_size=3) == before
    change(aws_env.client("s3"), bucket)
    after = discover(S3Crawler, source)
    assert_only(before, after, {f"{bucket}.{S3_DATASETS[dataset]}"})


# -- CloudWatch Logs ---------------------------------------------------------------------------------
def put_events(logs, group: str, stream: str, messages: list[str], create: bool = True) -> None:
    if create:
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    events = [{"timestamp": now - len(messages) + i, "message": m} for i, m in enumerate(messages)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


@pytest.fixture
def log_group(aws_env):
    logs = aws_env.client("logs")
    group = f"endring-{tag(10)}"
    put_events(logs, group, "nginx/i-0a1b2c3d4e5f60718", ["203.0.113.7 - - GET /"])
    put_events(logs, group, "nginx/i-0f1e2d3c4b5a69788", ["203.0.113.8 - - GET /"])
    put_events(logs, group, "nginx/i-0123456789abcdef0", ["203.0.113.11 - - GET /"])
    put_events(logs, group, "app/kunde-api.log", ["INFO start"])
    logs.create_log_stream(logGroupName=group, logStreamName="tom")  # never written to
    return logs, group


@pytest.mark.parametrize("change, dataset", [
    (lambda logs, g: put_events(logs, g, "nginx/i-0a1b2c3d4e5f60718", ["203.0.113.9 - - GET /ny"], create=False),
     "nginx/i-*"),
    (lambda logs, g: put_events(logs, g, "nginx/i-0c0c0c0c0c0c0c0c0", ["203.0.113.10 - - GET /"]), "nginx/i-*"),
    (lambda logs, g: put_events(logs, g, "app/kunde-api.log", ["INFO kunde logget inn"], create=False),
     "app/kunde-api.log"),
    (lambda logs, g: put_events(logs, g, "tom", ["første linje"], create=False), "tom"),
    (lambda logs, g: logs.delete_log_stream(logGroupName=g, logStreamName="nginx/i-0f1e2d3c4b5a69788"), "nginx/i-*"),
])
def test_a_cloudwatch_write_changes_its_dataset_only(aws_env, log_group, change, dataset):
    logs, group = log_group
    source = Source(f"cloudwatch://{group}", crawler="cloudwatch", options={"endpoint_url": aws_env.endpoint})
    before = discover(CloudWatchCrawler, source, sample=True)
    assert set(before) == {f"{group}.{d}" for d in ("nginx/i-*", "app/kunde-api.log", "tom")}
    assert all(before.values())
    assert discover(CloudWatchCrawler, source, objects_per_dataset=1, sample_size=3) == before
    time.sleep(0.01)  # the stream fields have milliseconds
    change(logs, group)
    after = discover(CloudWatchCrawler, source)
    assert_only(before, after, {f"{group}.{dataset}"})


# -- journald --------------------------------------------------------------------------------------
REMOTE = "/lib/systemd/systemd-journal-remote"
needs_journal = pytest.mark.skipif(not (shutil.which("journalctl") and Path(REMOTE).exists()),
                                   reason="make test installs systemd-journal-remote (tools/ensure-services)")


def journal_write(path: Path, entries: list[tuple[str, str]], start: int = 0) -> None:
    """Entries (unit, message) written (appended, if the file exists) by systemd-journal-remote."""
    out = []
    for i, (unit, message) in enumerate(entries, start):
        fields = {"__CURSOR": f"s=0;i={i}", "__REALTIME_TIMESTAMP": str(1_714_550_400_000_000 + i * 1000),
                  "__MONOTONIC_TIMESTAMP": str(i + 1), "_BOOT_ID": "0123456789abcdef0123456789abcdef",
                  "_HOSTNAME": "kunde-app01", "_SYSTEMD_UNIT": unit, "MESSAGE": message}
        out.append("".join(f"{k}={v}\n" for k, v in fields.items()))
    subprocess.run([REMOTE, "-o", str(path), "-"], input=("\n".join(out) + "\n").encode(), check=True,
                   capture_output=True, timeout=60)


@pytest.fixture
def journal_dir(tmp_path):
    d = tmp_path / "journal"
    d.mkdir()
    journal_write(d / "system.journal", [("kunde-api.service", f"Ny kunde {i}") for i in range(5)]
                  + [("nginx.service", f"203.0.113.{i} GET /") for i in range(5)])
    return d


def _journal_append(d: Path) -> None:
    journal_write(d / "system.journal", [("nginx.service", "203.0.113.99 GET /ny")], start=100)


def _journal_new_file(d: Path) -> None:
    journal_write(d / "system@0000000000000000000000000000000a-0000000000000001-0000000000000001.journal",
                  [("cron.service", "session opened")], start=200)


def _journal_extra_file(d: Path) -> None:
    journal_write(d / "user-1000.journal", [("kunde-api.service", "gammel")], start=300)


@needs_journal
@pytest.mark.parametrize("change", [_journal_append, _journal_new_file])
def test_a_journal_write_changes_the_journal_token(journal_dir, change):
    """One token for the whole journal: an entry of any unit is a change of every unit."""
    source = Source(f"journald://{journal_dir}", crawler="journald")
    before = discover(JournaldCrawler, source, sample=True)
    assert set(before) == {"kunde-app01.kunde-api.service", "kunde-app01.nginx.service"}
    assert all(before.values()) and len(set(before.values())) == 2
    assert discover(JournaldCrawler, source, sample_size=3) == before
    time.sleep(TICK)
    change(journal_dir)
    after = discover(JournaldCrawler, source)
    assert all(after[u] != before[u] for u in before)


@needs_journal
def test_a_removed_journal_file_changes_the_token(journal_dir):
    _journal_extra_file(journal_dir)
    source = Source(f"journald://{journal_dir}", crawler="journald")
    before = discover(JournaldCrawler, source)
    (journal_dir / "user-1000.journal").unlink()  # vacuumed away
    after = discover(JournaldCrawler, source)
    assert all(after[u] != before[u] for u in before)


@needs_journal
def test_a_journal_file_being_written_gives_no_token(journal_dir):
    """A file journald has online is written through mmap: its stat does not follow each entry."""
    path = journal_dir / "system.journal"
    with open(path, "r+b") as f:
        f.seek(16)
        f.write(b"\x01")  # the header's state: online
    source = Source(f"journald://{journal_dir}", crawler="journald")
    assert set(discover(JournaldCrawler, source).values()) == {None}
    file_source = Source(f"journald://{path}", crawler="journald")
    assert set(discover(JournaldCrawler, file_source).values()) == {None}
