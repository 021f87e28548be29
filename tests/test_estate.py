"""The generated demo estate: same tables and row counts on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import random
import re

import pytest

from detectors import synthetic
import sqlalchemy as sa

from detectors.checksums import fnr_info, gs1_valid, kontonummer_valid, luhn_valid
from demo import estate

ROWS = 60


def _json_path(document, path: str) -> list:
    """Values at a crawler-style path (`kunde.telefon`, `maalepunkter[]`) below `document`."""
    nodes = [document]
    for part in path.split("."):
        is_list = part.endswith("[]")
        nodes = [n[part.removesuffix("[]")] for n in nodes if part.removesuffix("[]") in n]
        if is_list:
            nodes = [item for n in nodes for item in n]
    return nodes


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def target(request, tmp_path):
    """(engine, schema for the archive table, a schema-qualified name or None) per backend."""
    if request.param == "sqlite":
        engine, schema = sa.create_engine(f"sqlite:///{tmp_path / 'estate.db'}"), None
    elif request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        server.create_database("estate")
        engine, schema = sa.create_engine(server.url(database="estate")), "arkiv"
    else:
        server = request.getfixturevalue("mariadb_server")
        server.create_database("estate")
        engine, schema = sa.create_engine(server.url(database="estate")), "estate_arkiv"
    try:
        yield engine, schema
    finally:
        engine.dispose()
        if request.param != "sqlite":
            drop = "DROP DATABASE estate" + ("" if request.param == "mariadb" else " WITH (FORCE)")
            server.execute(drop)
            if request.param == "mariadb":
                server.execute(f"DROP DATABASE {schema}")


def test_estate_populates_every_table_with_the_requested_rows(target):
    engine, schema = target
    md = estate.populate(engine, rows=ROWS, seed=7, schema=schema)
    inspector = sa.inspect(engine)
    if schema:
        assert inspector.get_table_names(schema=schema) == [estate.ARCHIVE_TABLE]
    with engine.connect() as conn:
        for table in md.tables.values():
            count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            assert count == (0 if table.name == estate.EMPTY_TABLE else ROWS), table.fullname

        columns = {}
        for table in md.tables.values():
            columns[table.name] = {c["name"] for c in inspector.get_columns(table.name, schema=table.schema)}
        payloads = conn.execute(sa.select(md.tables["hendelse"].c.payload)).scalars().all()

    for table, column in estate.EXPECTED:
        assert column.split(".")[0] in columns[table], (table, column)
        if "." in column:
            field = column.split(".", 1)[1]
            assert all(_json_path(p, field) for p in payloads), (table, column)


def test_estate_replaces_its_tables_and_is_deterministic(tmp_path):
    def dump(path, seed):
        engine = sa.create_engine(f"sqlite:///{path}")
        md = estate.populate(engine, rows=30, seed=seed)
        with engine.connect() as conn:
            rows = conn.execute(sa.select(md.tables["kunde"])).all()
        engine.dispose()
        return rows

    first = dump(tmp_path / "a.db", 1)
    assert dump(tmp_path / "a.db", 1) == first  # a second run replaces, not appends
    assert dump(tmp_path / "b.db", 1) == first
    assert dump(tmp_path / "c.db", 2) != first


def test_estate_values_are_synthetic_and_valid(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    md = estate.populate(engine, rows=300, seed=11)
    t = md.tables
    with engine.connect() as conn:
        def col(table, column):
            return conn.execute(sa.select(t[table].c[column])).scalars().all()

        for fnr in col("kunde", "fnr") + col("Avtale 2024", "Fødselsnr"):
            info = fnr_info(fnr)
            assert info and info.kind == "fodselsnummer" and info.synthetic == "tenor" and not info.new_rule, fnr
        national = col("customer_contact", "national_id")
        assert any(n < 10**10 for n in national), "some fødselsnumre must lose their leading zero"
        assert all(fnr_info(f"{n:011d}") for n in national)
        assert all(kontonummer_valid(k.replace(".", "")) for k in col("faktura", "kontonr"))
        assert all(re.fullmatch(r"\d{4}\.\d{2}\.\d{5}", k) for k in col("faktura", "kontonr"))
        assert all(gs1_valid(m) and len(m) == 16 for m in col("maaler", "maalernr"))
        assert all(gs1_valid(m) and m.startswith("7070575000") for m in col("maalepunkt", "malepunkt_id"))
        assert all(luhn_valid(c) for c in col("faktura", "kortnr") if c)
        assert all(len(str(n)) == 11 for n in col("ordre", "ordrenr"))
        assert all(len(str(n)) == 8 for n in col("ordre", "serienr"))
        notes = col("henvendelse", "notat")
        planted = [n for n in notes if re.search(r"\d{8}|@", n)]
        assert 0 < len(planted) < len(notes)
        domains = {e.rsplit("@", 1)[1] for e in col("kunde", "epost")}
        assert all(d.endswith(("example.no", "example.com", "example.net")) for d in domains)
        assert all(len(b) > 64 for b in col("vedlegg", "innhold"))
    engine.dispose()


def test_synthetic_fodselsnumre_are_old_rule_tenor_numbers():
    rnd = random.Random(5)
    for _ in range(5000):
        info = fnr_info(synthetic.fodselsnummer(rnd))
        assert info and info.kind == "fodselsnummer" and info.synthetic == "tenor" and not info.new_rule


def test_kid_checks():
    rnd = random.Random(3)
    kinds = set()
    for _ in range(500):
        kid = estate.kid(rnd)
        body, check = kid[:-1], kid[-1]
        if luhn_valid(kid):
            kinds.add("mod10")
        weights = [2, 3, 4, 5, 6, 7] * 5
        total = sum(int(d) * w for d, w in zip(reversed(body), weights))
        if check == {10: "-", 11: "0"}.get(11 - total % 11, str(11 - total % 11)):
            kinds.add("mod11")
        assert luhn_valid(kid) or check == {10: "-", 11: "0"}.get(11 - total % 11, str(11 - total % 11)), kid
    assert kinds == {"mod10", "mod11"}


def test_expected_covers_every_column_but_the_empty_table():
    md = estate.build_metadata()
    for table in md.tables.values():
        for column in table.columns:
            if table.name != estate.EMPTY_TABLE and not isinstance(column.type, sa.JSON):
                assert (table.name, column.name) in estate.EXPECTED
    assert estate.EXPECTED[("customer_contact", "national_id")] == {"NO_FODSELSNUMMER"}
    assert estate.EXPECTED[("hendelse", "payload.kunde.telefon")] == {"NO_PHONE_NUMBER"}
    assert estate.EXPECTED[("ordre", "ordrenr")] == set()
    assert estate.EXPECTED[("leverandor", "orgnr")] == {"NO_ORGANIZATION_NUMBER"}


def test_main_builds_an_sqlite_file(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert estate.main([f"sqlite:///{path}", "--rows", "25"]) == 0
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(sa.text('SELECT count(*) FROM "Avtale 2024"')).scalar() == 25
    engine.dispose()
    assert "25 rows" in capsys.readouterr().out
