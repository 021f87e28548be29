"""Database files found by the file walk or given as a path (issue 21): an SQLite or DuckDB file is
read as a database, its tables datasets named `kunder.db:main.kunde`, and nothing is written beside
it; other databases are named in the skip reason, not called binaries."""

from __future__ import annotations

import os
import random
import sqlite3
import zipfile

import pytest
from reporting import findings, of, reasons, scan_cli

from detectors import synthetic
from scanner.crawlers.files import FileCrawler
from scanner.formats.detect import content_format
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source

R = random.Random(21)
NAMES = ["Kari Nordmann", "Ola Hansen", "Ingrid Bråten", "Per Olav Tveit", "Aisha Khan", "Eirik Fossum"]
# the first 64 bytes of a real DuckDB 1.5.6 file (its checksum, "DUCK", storage version 64, the
# version that wrote it): the magic is told without duckdb
DUCKDB_HEAD = bytes.fromhex("942d895a816e8f0f4455434b40000000000000000000000000000000000000000000000000000000"
                            "000000000000000076312e352e36000000000000")


def make_db(path, rows: int = 30, journal: str = "delete", tables=("kunde",)) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    for table in tables:
        conn.execute(f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, navn TEXT, fnr TEXT, epost TEXT)')
        conn.executemany(f'INSERT INTO "{table}" (navn, fnr, epost) VALUES (?, ?, ?)',
                         [(NAMES[i % len(NAMES)], synthetic.fodselsnummer(R), f"kunde{i}@example.no")
                          for i in range(rows)])
    conn.commit()
    conn.close()


def listing(directory) -> dict[str, tuple[int, int, bytes]]:
    """Every file in a directory: (size, mtime in ns, bytes)."""
    out = {}
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            st = os.stat(path)
            out[name] = (st.st_size, st.st_mtime_ns, open(path, "rb").read())
    return out


def run(*args):
    code, lines, _ = scan_cli(*args, "--no-inventory")
    return code, lines


PEOPLE = {("main.kunde", "navn", "PERSON"), ("main.kunde", "fnr", "NO_FODSELSNUMMER"),
          ("main.kunde", "epost", "EMAIL_ADDRESS")}


def people(prefix: str) -> set:
    return {(f"{prefix}:{t}", f, e) for t, f, e in PEOPLE}


def test_an_sqlite_file_given_as_a_path_is_scanned_as_a_database(tmp_path):
    make_db(tmp_path / "kunder.db")
    before = listing(tmp_path)
    code, lines = run(str(tmp_path / "kunder.db"))
    assert code == 0
    assert people("kunder.db") <= findings(lines)
    ds = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    assert set(ds) == {"kunder.db:main.kunde"}
    record = ds["kunder.db:main.kunde"]
    assert record["source"]["type"] == "files" and record["location"]["container"] == str(tmp_path)
    assert record["rows_sampled"] == 30 and record["format"] == "sqlite"
    assert record["location"]["uri"] == f"file://{tmp_path}/kunder.db%3Amain.kunde"
    assert {c["name"] for c in record["columns"]} == {"id", "navn", "fnr", "epost"}
    assert listing(tmp_path) == before  # no -wal, -shm or -journal made, the file untouched


def test_database_files_on_a_share_are_scanned_beside_other_files(tmp_path):
    share = tmp_path / "share"
    (share / "app").mkdir(parents=True)
    make_db(share / "app" / "kunder.sqlite", tables=("kunde", "ansatt"))
    make_db(share / "backup.bin", rows=5)  # the content, not the name, says what it is
    (share / "notat.txt").write_text("Kari Nordmann ringte.\n")
    before = {d: listing(d) for d in (share, share / "app")}
    code, lines = run(str(share))
    assert code == 0
    datasets = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert {"app/kunder.sqlite:main.kunde", "app/kunder.sqlite:main.ansatt", "backup.bin:main.kunde",
            "notat.txt"} <= datasets
    assert people("app/kunder.sqlite") <= findings(lines)
    assert ("app/kunder.sqlite:main.ansatt", "fnr", "NO_FODSELSNUMMER") in findings(lines)
    assert not reasons(lines) and not of(lines, "error")
    assert {d: listing(d) for d in (share, share / "app")} == before


def test_a_wal_database_in_use_is_read_without_touching_its_companions(tmp_path):
    """The -wal and -shm of a database held open by a writer are parts of it: not datasets, not
    changed, and no new file appears (immutable=1)."""
    make_db(tmp_path / "live.db", journal="wal")
    writer = sqlite3.connect(tmp_path / "live.db")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO kunde (navn, fnr, epost) VALUES ('Ola Hansen', '15076500565', 'ola@example.no')")
    writer.commit()
    try:
        assert {"live.db-wal", "live.db-shm"} <= set(os.listdir(tmp_path))
        before = listing(tmp_path)
        code, lines = run(str(tmp_path))
        assert listing(tmp_path) == before
    finally:
        writer.close()
    datasets = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert datasets == {"live.db:main.kunde"}
    assert not reasons(lines) and not of(lines, "error")
    assert people("live.db") <= findings(lines)


def test_exclude_names_tables_and_columns_of_a_database_file(tmp_path):
    make_db(tmp_path / "kunder.db", tables=("kunde", "logg"))
    code, lines = run(str(tmp_path), "--exclude", "kunder.db:main.logg", "--exclude", "*:main.kunde.fnr")
    datasets = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert datasets == {"kunder.db:main.kunde"}
    assert ("kunder.db:main.kunde", "navn", "PERSON") in findings(lines)
    assert not any(f == "fnr" for _, f, _ in findings(lines))


def test_units_of_a_database_file_travel_and_read_anywhere(tmp_path):
    """A table's unit is a plain value: pickled, read by a crawler rebuilt from the source."""
    import pickle

    make_db(tmp_path / "kunder.db")
    source = Source(str(tmp_path), "share", "files")
    units = [u for u in FileCrawler(source, ScanSettings()).discover() if hasattr(u, "meta")]
    assert [u.location.dataset for u in units] == ["kunder.db:main.kunde"]
    unit = pickle.loads(pickle.dumps(units[0]))
    sample = FileCrawler(source, ScanSettings()).sample(unit)
    assert sample.unit.location.dataset == "kunder.db:main.kunde" and sample.rows_sampled == 30
    assert {f.name for f in sample.fields} == {"id", "navn", "fnr", "epost"}
    again = [u for u in FileCrawler(source, ScanSettings()).discover() if hasattr(u, "meta")]
    assert again[0].version == units[0].version  # unchanged: the same change token
    with sqlite3.connect(tmp_path / "kunder.db") as conn:
        conn.execute("UPDATE kunde SET navn = 'Ola Hansen' WHERE id = 1")
    changed = [u for u in FileCrawler(source, ScanSettings()).discover() if hasattr(u, "meta")]
    assert changed[0].version != units[0].version


def _truncated(path):
    make_db(path)
    data = path.read_bytes()
    path.write_bytes(data[:1000])  # not a whole number of pages


def _text_named_db(path):
    path.write_text("navn,epost\nKari Nordmann,kari@example.no\nOla Hansen,ola@example.no\n")


def _header_only(path):
    path.write_bytes(b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * (4096 - 18))  # a header, no valid schema page


def _duckdb(path):
    path.write_bytes(DUCKDB_HEAD + b"\x00" * (12288 - len(DUCKDB_HEAD)))


def _access(path):
    path.write_bytes(b"\x00\x01\x00\x00Standard Jet DB\x00" + b"\x00" * (2048 * 2 - 20))


def _duck_in_text(path):
    path.write_text("12345678DUCK soup, served to Kari Nordmann\n" * 64)


@pytest.mark.parametrize("make, expect", [
    (_text_named_db, "dataset"),  # a .db that is a CSV: read as the CSV it is
    (_duck_in_text, "dataset"),  # DUCK at offset 8 of a text file is not DuckDB
    (_truncated, "sqlite database that cannot be opened as one here"),
    (_duckdb, "error"),  # a DuckDB header and nothing behind it: read, and it fails itself
    (_access, "Microsoft Access database: no reader"),
    (_header_only, "error"),
])
def test_near_misses(tmp_path, make, expect):
    """Each beside a real SQLite file, which is read as a database whatever is next to it."""
    make(tmp_path / "kunder.db")
    make_db(tmp_path / "ekte.sqlite", rows=10)
    before = listing(tmp_path)
    code, lines = run(str(tmp_path))
    assert listing(tmp_path) == before
    assert "ekte.sqlite:main.kunde" in {r["location"]["dataset"] for r in of(lines, "dataset")}
    lines = [r for r in lines if not (r.get("location") or {}).get("dataset", "").startswith("ekte.sqlite")]
    if expect == "dataset":
        assert [r["location"]["dataset"] for r in of(lines, "dataset")] == ["kunder.db"]
        assert any(d == "kunder.db" and e == "PERSON" for d, _, e in findings(lines))
    elif expect == "error":
        assert list(reasons(lines, "error")) == ["kunder.db"]
    else:
        assert reasons(lines)["kunder.db"].startswith(expect), reasons(lines)
        assert "binary" not in reasons(lines)["kunder.db"]


def test_database_magic_is_told_apart_from_binary():
    assert content_format(b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\x00" * 80) == "sqlite"
    assert content_format(DUCKDB_HEAD) == "duckdb"
    assert content_format(b"\x00\x01\x00\x00Standard ACE DB\x00" + b"\x00" * 100) == "access"
    assert content_format(b"\x37\x7f\x06\x82\x00\x2d\xe2\x18" + b"\x00" * 24) == "sqlite wal"
    assert content_format(b"12345678DUCK soup\n") == "text"


def test_an_sqlite_file_inside_a_zip_is_named_not_binary(tmp_path):
    make_db(tmp_path / "kunder.db")
    with zipfile.ZipFile(tmp_path / "eksport.zip", "w") as zf:
        zf.write(tmp_path / "kunder.db", "kunder.db")
        zf.writestr("les.txt", "Kari Nordmann\n")
    os.remove(tmp_path / "kunder.db")
    code, lines = run(str(tmp_path / "eksport.zip"))
    assert reasons(lines)["eksport.zip:kunder.db"].startswith("sqlite database that cannot be opened as one here")


# -- DuckDB ----------------------------------------------------------------------------------------

def make_duckdb(path, rows: int = 30, wal: bool = False) -> None:
    """kunder.duckdb: customers in main and in a second schema, and orders (no personal data)."""
    import duckdb

    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE kunde (id INTEGER PRIMARY KEY, navn VARCHAR, fnr VARCHAR, epost VARCHAR, "
                 "telefoner VARCHAR[], adresse STRUCT(gate VARCHAR, postnr VARCHAR), bilde BLOB, opprettet TIMESTAMP)")
    conn.executemany("INSERT INTO kunde VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(i, NAMES[i % len(NAMES)], synthetic.fodselsnummer(R), f"kunde{i}@example.no",
                       [synthetic.phone(R)], {"gate": f"Storgata {i + 1}", "postnr": "0155"}, b"\x89PNG",
                       f"2019-03-{i % 28 + 1:02d} 10:00:00") for i in range(rows)])
    conn.execute("CREATE SCHEMA arkiv")
    conn.execute("CREATE TABLE arkiv.kunde_2019 (kundenr INTEGER, personnummer BIGINT, kontakt VARCHAR)")
    conn.executemany("INSERT INTO arkiv.kunde_2019 VALUES (?, ?, ?)",
                     [(i, int(synthetic.fodselsnummer(R)), f"kunde{i}@example.no") for i in range(rows)])
    conn.execute("CREATE TABLE ordre (ordrenr VARCHAR, produktkode VARCHAR, antall INTEGER, pris DECIMAL(10, 2), "
                 "lager VARCHAR)")
    conn.executemany("INSERT INTO ordre VALUES (?, ?, ?, ?, ?)",
                     [(f"ORD-2024-{100000 + i * 37}", f"SKU-{R.randint(1000, 9999)}-{R.choice('ABCXYZ')}",
                       R.randint(1, 20), R.randint(100, 99999) / 100, R.choice(["A1", "B2", "C3"]))
                      for i in range(rows)])
    conn.execute("CREATE VIEW kunde_epost AS SELECT epost FROM kunde")
    if wal:  # commits left in the .wal, as a database in use (or one that crashed) has them
        conn.execute("SET wal_autocheckpoint = '1TB'")
        conn.execute("PRAGMA disable_checkpoint_on_shutdown")
        conn.execute("INSERT INTO kunde (id, navn, fnr) VALUES (9999, 'Ola Hansen', '15076500565')")
    conn.close()


DUCK_PEOPLE = {("main.kunde", "navn", "PERSON"), ("main.kunde", "fnr", "NO_FODSELSNUMMER"),
               ("main.kunde", "epost", "EMAIL_ADDRESS"), ("main.kunde", "telefoner[]", "NO_PHONE_NUMBER"),
               ("arkiv.kunde_2019", "personnummer", "NO_FODSELSNUMMER"),
               ("arkiv.kunde_2019", "kontakt", "EMAIL_ADDRESS")}


def duck_people(prefix: str) -> set:
    return {(f"{prefix}:{t}", f, e) for t, f, e in DUCK_PEOPLE}


def test_a_duckdb_file_on_a_share_is_scanned_as_a_database(tmp_path):
    share = tmp_path / "share"
    (share / "analyse").mkdir(parents=True)
    make_duckdb(share / "analyse" / "kunder.duckdb")
    (share / "notat.txt").write_text("Kari Nordmann ringte.\n")
    before = {d: listing(d) for d in (share, share / "analyse")}
    code, lines = run(str(share))
    assert code == 0
    assert {d: listing(d) for d in (share, share / "analyse")} == before  # no .wal, .tmp or lock file made
    ds = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    name = "analyse/kunder.duckdb"
    assert set(ds) == {f"{name}:main.kunde", f"{name}:arkiv.kunde_2019", f"{name}:main.ordre", "notat.txt"}
    assert duck_people(name) <= findings(lines)
    assert not {f for f in findings(lines) if f[0] == f"{name}:main.ordre"}  # order numbers, product codes
    kunde = ds[f"{name}:main.kunde"]
    assert kunde["format"] == "duckdb" and kunde["rows_sampled"] == 30 and kunde["source"]["type"] == "files"
    assert kunde["location"]["container"] == str(share)
    assert [c["name"] for c in kunde["columns"]] == ["id", "navn", "fnr", "epost", "telefoner", "adresse", "bilde",
                                                     "opprettet"]
    assert kunde["oldest"]["at"].startswith("2019-03-01")
    assert reasons(lines) == {f"{name}:main.kunde_epost": "view (use --views to sample views)",
                              f"{name}:main.kunde": "binary column (BLOB)"}  # the column bilde
    assert not of(lines, "error")


def test_a_duckdb_file_given_as_a_path_is_scanned_as_a_database(tmp_path):
    make_duckdb(tmp_path / "kunder.duckdb", rows=12)
    before = listing(tmp_path)
    code, lines = run(str(tmp_path / "kunder.duckdb"), "--sample-size", "5", "--views")
    assert code == 0
    assert listing(tmp_path) == before
    ds = {r["location"]["dataset"]: r for r in of(lines, "dataset")}
    assert set(ds) == {"kunder.duckdb:main.kunde", "kunder.duckdb:arkiv.kunde_2019", "kunder.duckdb:main.ordre",
                       "kunder.duckdb:main.kunde_epost"}
    assert ds["kunder.duckdb:main.kunde"]["rows_sampled"] == 5  # the sample size, not the table
    assert duck_people("kunder.duckdb") <= findings(lines)
    assert ("kunder.duckdb:main.kunde_epost", "epost", "EMAIL_ADDRESS") in findings(lines)


def test_a_duckdb_sample_is_repeatable_and_its_odd_types_read_as_the_sql_crawler_reads_them(tmp_path):
    make_duckdb(tmp_path / "kunder.duckdb", rows=200)
    source = Source(str(tmp_path), "share", "files")
    settings = ScanSettings(sample_size=20)
    unit = next(u for u in FileCrawler(source, settings).discover()
                if getattr(u, "meta", None) and u.location.dataset.endswith("main.kunde"))
    one, two = (FileCrawler(source, settings).sample(unit) for _ in range(2))
    assert one.rows_sampled == 20
    assert [f.values for f in one.fields] == [f.values for f in two.fields]  # the scan's seed: the same rows
    fields = {f.name: f for f in one.fields}
    assert set(fields) == {"id", "navn", "fnr", "epost", "telefoner[]", "adresse.gate", "adresse.postnr"}
    assert all(v.startswith("Storgata ") for v in fields["adresse.gate"].values)
    assert one.skipped_fields == [("bilde", "binary column (BLOB)")]
    other = FileCrawler(source, ScanSettings(sample_size=20, seed=7)).sample(unit)
    assert [f.values for f in other.fields] != [f.values for f in one.fields]
    excluded = FileCrawler(source, ScanSettings(sample_size=20, exclude=("*:main.kunde.fnr",))).sample(unit)
    assert {f.name for f in excluded.fields} == set(fields) - {"fnr"}


def versions(source) -> dict[str, str | None]:
    return {u.location.dataset: u.version for u in FileCrawler(source, ScanSettings()).discover() if hasattr(u, "meta")}


def test_units_of_a_duckdb_file_travel_and_read_anywhere(tmp_path):
    import pickle

    import duckdb

    make_duckdb(tmp_path / "kunder.duckdb")
    source = Source(str(tmp_path), "share", "files")
    units = {u.location.dataset: u for u in FileCrawler(source, ScanSettings()).discover() if hasattr(u, "meta")}
    assert set(units) == {"kunder.duckdb:main.kunde", "kunder.duckdb:arkiv.kunde_2019", "kunder.duckdb:main.ordre"}
    unit = pickle.loads(pickle.dumps(units["kunder.duckdb:main.kunde"]))
    sample = FileCrawler(source, ScanSettings()).sample(unit)
    assert sample.unit.location.dataset == "kunder.duckdb:main.kunde" and sample.rows_sampled == 30
    assert sample.details["format"] == "duckdb"
    assert versions(source) == {d: u.version for d, u in units.items()} and None not in versions(source).values()
    with duckdb.connect(str(tmp_path / "kunder.duckdb")) as conn:
        conn.execute("UPDATE kunde SET navn = 'Eva Endret' WHERE id = 1")
    assert versions(source)["kunder.duckdb:main.kunde"] != units["kunder.duckdb:main.kunde"].version


def test_a_duckdb_wal_is_read_and_left_alone(tmp_path):
    """Commits still in the .wal are read (in memory), and the .wal is neither replayed into the
    file, removed nor listed as a file of its own; a change to it alone changes the token."""
    make_duckdb(tmp_path / "kunder.duckdb", wal=True)
    assert "kunder.duckdb.wal" in os.listdir(tmp_path)
    before = listing(tmp_path)
    code, lines = run(str(tmp_path))
    assert listing(tmp_path) == before
    assert code == 0 and not of(lines, "error")
    datasets = {r["location"]["dataset"] for r in of(lines, "dataset")}
    assert datasets == {"kunder.duckdb:main.kunde", "kunder.duckdb:arkiv.kunde_2019", "kunder.duckdb:main.ordre"}
    kunde = next(r for r in of(lines, "dataset") if r["location"]["dataset"] == "kunder.duckdb:main.kunde")
    assert kunde["rows_sampled"] == 31  # the row only the .wal holds
    source = Source(str(tmp_path), "share", "files")
    version = next(FileCrawler(source, ScanSettings()).discover()).version
    with open(tmp_path / "kunder.duckdb.wal", "ab") as wal:
        wal.write(b"\0" * 8)
    assert next(FileCrawler(source, ScanSettings()).discover()).version != version


def test_a_duckdb_view_cannot_read_other_files(tmp_path):
    """A view over read_csv('…') names a file outside the share: it is not read, nor anything fetched."""
    import duckdb

    outside = tmp_path / "hemmelig.csv"
    outside.write_text("navn,fnr\nKari Nordmann,15076500565\n")
    (tmp_path / "share").mkdir()
    with duckdb.connect(str(tmp_path / "share" / "lur.duckdb")) as conn:
        conn.execute(f"CREATE VIEW lekk AS SELECT * FROM read_csv('{outside}')")
    code, lines = run(str(tmp_path / "share"), "--views")
    assert not findings(lines)
    assert "file system operations are disabled" in str(of(lines, "error")) + str(reasons(lines))


def test_a_duckdb_statement_is_interrupted_at_the_time_limit():
    import time

    import duckdb

    from scanner.crawlers import duckdb_tables

    with duckdb.connect(config=dict(duckdb_tables.CONFIG)) as conn:
        started = time.monotonic()
        with pytest.raises(duckdb.InterruptException), duckdb_tables.time_limit(conn, 0.3):
            conn.execute("SELECT count(*) FROM range(100000000000) a").fetchall()
        assert time.monotonic() - started < 5
        with duckdb_tables.time_limit(conn, 0.3):  # the connection still reads
            assert conn.execute("SELECT 1").fetchall() == [(1,)]


def test_without_duckdb_installed_the_file_is_named_with_how_to_read_it(tmp_path, monkeypatch):
    from scanner.crawlers import duckdb_tables

    make_duckdb(tmp_path / "kunder.duckdb", rows=3)
    monkeypatch.setattr(duckdb_tables, "available", lambda: False)
    code, lines = run(str(tmp_path))
    assert reasons(lines)["kunder.duckdb"].endswith("(the duckdb package is not installed: pip install duckdb)")


def test_one_persons_rows_are_found_in_a_duckdb_table(tmp_path):
    """`kartlegg subject` finds one customer's rows in the tables the scan listed, and no others."""
    import json

    import duckdb
    from click.testing import CliRunner

    from scanner.cli.main import cli

    make_duckdb(tmp_path / "kunder.duckdb", rows=10)
    with duckdb.connect(str(tmp_path / "kunder.duckdb"), read_only=True) as conn:
        fnr, epost = conn.execute("SELECT fnr, epost FROM kunde WHERE id = 3").fetchone()
    before = listing(tmp_path)
    assert CliRunner().invoke(cli, ["scan", str(tmp_path), "-o", str(tmp_path.parent / "r.jsonl"), "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["subject", "--json", "--id", f"fnr={fnr}", "--id", f"email={epost}"],
                                catch_exceptions=False)
    assert listing(tmp_path) == before
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    matches = {r["location"]["dataset"]: r for r in records if r["record"] == "match"}
    assert set(matches) == {"kunder.duckdb:main.kunde", "kunder.duckdb:arkiv.kunde_2019"}  # the archive has the e-mail
    assert matches["kunder.duckdb:main.kunde"]["identifiers"] == ["email", "fnr"]
    assert matches["kunder.duckdb:main.kunde"]["rows"] == 1
    assert fnr not in result.output and epost not in result.output
