"""The inventory store: record streams written by hand, into SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
import threading
from pathlib import Path
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from detectors.column import EntityVerdict
from scanner.model import records
from scanner.inventory.changes import changes
from scanner.inventory.models import Base, Coverage, Finding, Location, Observation, Review, Scan, Source
from scanner.inventory import views
from scanner.inventory.store import Store

SOURCE = {"name": "crm", "type": "sql", "uri": "postgresql://skanner:***@db.example/crm"}
CATEGORY = {"NO_FODSELSNUMMER": "identity", "EMAIL_ADDRESS": "contact", "NO_PHONE_NUMBER": "contact",
            "NO_METER_ID": "metering"}
_db_names = itertools.count()
HEAD = "0007"


# -- record streams ---------------------------------------------------------------------------

def loc(container, dataset, field=None):
    uri = f"{SOURCE['uri']}/{container}/{dataset}" + (f"#{field}" if field else "")
    return {"container": container, "dataset": dataset, "field": field, "uri": uri}


def masked(raw: str) -> str:
    return raw[:2] + "*" * (len(raw) - 4) + raw[-2:]


def fingerprint(raw: str) -> str:
    import hashlib

    return "hmac-sha256:" + hashlib.sha256(b"k" + raw.encode()).hexdigest()[:32]


def verdict(entity_type, confidence=0.9, hits=40, sampled=50, raws=()):
    return EntityVerdict(entity_type, CATEGORY[entity_type], hits, sampled, hits / sampled, confidence, True,
                         reasons=["test"], examples=[masked(r) for r in raws],
                         fingerprints=[fingerprint(r) for r in raws])


class Estate:
    """One scan's records: datasets with their findings, errors, and a summary."""

    def __init__(self, scan_id: str, started: datetime, source: dict = SOURCE):
        self.scan_id, self.started, self.source = scan_id, started, source
        self.include: tuple[str, ...] = ()
        self.body: list[dict] = []
        self.failed = 0

    def dataset(self, container, dataset, *fields, row_estimate=1000):
        """fields: (name, [verdicts])"""
        self.body.append(records.dataset(self.scan_id, self.source, loc(container, dataset), 50, row_estimate,
                                         len(fields), "random", 3, [{"name": f, "type": "text"} for f, _ in fields]))
        for name, verdicts in fields:
            for v in verdicts:
                self.body.append(records.finding(self.scan_id, self.source, loc(container, dataset, name), v,
                                                 "text", row_estimate, True))
        return self

    def error(self, container, dataset):
        self.failed += 1
        self.body.append(records.error(self.scan_id, self.source, loc(container, dataset),
                                       {"type": "OperationalError", "message": "permission denied"}))
        return self

    def records(self) -> list[dict]:
        head = records.header(self.scan_id, self.started.isoformat().replace("+00:00", "Z"),
                              {"name": "kartlegg", "version": "0.1.0"}, [self.source],
                              {"sample_size": 50, "min_confidence": 0.5, "include": list(self.include), "exclude": []},
                              {"language": "nb", "model": "x", "detectors": []})
        findings = [r for r in self.body if r["record"] == "finding"]
        exit_code = 3 if self.failed else 1
        tail = records.summary(self.scan_id, (self.started + timedelta(minutes=5)).isoformat(), 300.0,
                               {"findings": len(findings), "by_category": {},
                                "locations": {"scanned": sum(r["record"] == "dataset" for r in self.body),
                                              "skipped": 0, "failed": self.failed},
                                "sources": {"total": 1, "failed": 0}}, exit_code)
        return [head, *self.body, tail]


def feed(store: Store, stream: list[dict]) -> None:
    w = store.writer()
    for r in stream:
        w.write(r)
    w.close()


T1 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 8, 8, 0, tzinfo=UTC)
FNR = ["01010112345", "02020254321"]
MAIL = ["kari.nordmann@example.no"]
PHONE = ["+4791234567", "+4798765432"]
METER = ["707057500012345678"]


def scan_one() -> Estate:
    return (Estate("scan-1", T1)
            .dataset("public", "customers", ("fnr", [verdict("NO_FODSELSNUMMER", 0.6, raws=FNR)]),
                     ("epost", [verdict("EMAIL_ADDRESS", raws=MAIL)]),
                     ("comment", [verdict("EMAIL_ADDRESS", 0.7, hits=5, raws=MAIL)]),
                     ("notes", []))
            .dataset("public", "old_customers", ("ssn", [verdict("NO_FODSELSNUMMER", raws=FNR)]))
            .dataset("public", "meters", ("meter_id", [verdict("NO_METER_ID", raws=METER)])))


def scan_two() -> Estate:
    """A field with phone numbers added, a table dropped, a column renamed, a table that errors."""
    return (Estate("scan-2", T2)
            .dataset("public", "customers", ("fnr", [verdict("NO_FODSELSNUMMER", 0.95, raws=FNR)]),
                     ("email", [verdict("EMAIL_ADDRESS", raws=MAIL)]),
                     ("comment", [verdict("EMAIL_ADDRESS", 0.7, hits=6, raws=MAIL),
                                  verdict("NO_FODSELSNUMMER", 0.8, hits=3, raws=FNR[:1])]),
                     ("notes", [verdict("NO_PHONE_NUMBER", raws=PHONE)]))
            .error("public", "meters"))


# -- stores -----------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nested' / 'dir' / 'inventory.db'}"
    server = request.getfixturevalue("postgres_server")
    name = f"inv_{next(_db_names)}_{request.node.name[:20].lower().replace('[', '_').replace(']', '')}"
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    server.create_database(name)
    return server.url(database=name)


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.dispose()


def by_uri(store, model=Finding):
    with store.session() as s:
        rows = s.execute(sa.select(model, Location).join(Location, model.location_id == Location.id)).all() \
            if model is not Location else [(r, r) for r in s.scalars(sa.select(Location))]
        return {(where.uri, getattr(m, "entity_type", None)): m for m, where in rows}


# -- tests ------------------------------------------------------------------------------------

def test_migrations_from_an_empty_database_to_head(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    if store_url.startswith("sqlite"):
        assert not Path(store_url.removeprefix("sqlite:///")).parent.exists()  # created on first use
    store = Store.open(store_url)
    try:
        assert store.revision() == HEAD
        names = set(sa.inspect(store.engine).get_table_names())
        assert {"scans", "sources", "locations", "findings", "observations", "reviews", "coverage",
                "alembic_version"} <= names
        with store.engine.connect() as conn:  # the migration builds exactly what the models say
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        store.migrate()  # again: nothing to do
        assert store.revision() == HEAD
    finally:
        store.dispose()


def test_first_scan_creates_rows(store):
    feed(store, scan_one().records())
    with store.session() as s:
        scan = s.get(Scan, "scan-1")
        assert scan.status == "completed" and scan.exit_code == 1 and scan.tool_version == "0.1.0"
        assert scan.config_fingerprint.startswith("sha256:") and scan.finished_at is not None
        assert scan.counts["findings"] == 5 and scan.sources == [SOURCE]
        src = s.scalars(sa.select(Source)).one()
        assert (src.name, src.type, src.uri) == ("crm", "sql", SOURCE["uri"])
        assert s.scalar(sa.select(sa.func.count()).select_from(Observation)) == 5
        datasets = s.scalars(sa.select(Location).where(Location.field.is_(None))).all()
        assert {d.dataset for d in datasets} == {"customers", "old_customers", "meters"}
        assert all(d.row_estimate == 1000 and d.status == "present" for d in datasets)
        cov = s.scalars(sa.select(Coverage).where(Coverage.scan_id == "scan-1")).all()
        assert {(c.dataset, c.outcome) for c in cov} == {("customers", "scanned"), ("old_customers", "scanned"),
                                                        ("meters", "scanned")}
    f = by_uri(store)[(loc("public", "customers", "fnr")["uri"], "NO_FODSELSNUMMER")]
    assert (f.category, f.confidence, f.hits, f.sampled, f.status, f.last_scan_id) == \
        ("identity", 0.6, 40, 50, "present", "scan-1")
    assert f.examples == [masked(r) for r in FNR] and f.fingerprints == [fingerprint(r) for r in FNR]
    # with no earlier scan, everything found is new
    assert {(c["change"], c["location"]["field"]) for c in changes(store, "scan-1")} == {
        ("new", "fnr"), ("new", "epost"), ("new", "comment"), ("new", "ssn"), ("new", "meter_id")}


def test_where_a_finding_sits_is_kept_and_the_newer_scan_says_it(store):
    """A finding record's free_text and in_log (1.6) are kept with the finding, for a report made
    from the inventory; as every finding column, the scan that started later decides them."""
    where = loc("logs", "app.log", "message")

    def stream(scan_id, started, free_text, in_log):
        e = Estate(scan_id, started)
        e.body.append(records.dataset(scan_id, SOURCE, loc("logs", "app.log"), 50, None, 1, "random", 3, []))
        e.body.append(records.finding(scan_id, SOURCE, where, verdict("NO_FODSELSNUMMER", raws=FNR), None, None,
                                      True, free_text=free_text, in_log=in_log))
        return e.records()

    feed(store, stream("scan-2", T2, True, "a log file (format log)"))
    feed(store, stream("scan-1", T1, False, None))  # an older scan, written last, changes neither
    f = by_uri(store)[(where["uri"], "NO_FODSELSNUMMER")]
    assert (f.free_text, f.in_log) == (True, "a log file (format log)")
    (row,) = [r for r in views.findings(store) if r["uri"] == where["uri"]]
    assert (row["free_text"], row["in_log"]) == (True, "a log file (format log)")


def test_second_scan_of_a_changed_estate(store):
    feed(store, scan_one().records())
    feed(store, scan_two().records())
    got = {(c["change"], c["location"]["dataset"], c["location"]["field"], c["entity_type"], c["category"])
           for c in changes(store, "scan-2")}
    assert got == {
        ("new", "customers", "notes", "NO_PHONE_NUMBER", "contact"),  # phone numbers added
        ("new", "customers", "email", "EMAIL_ADDRESS", "contact"),  # renamed: new name…
        ("gone", "customers", "epost", "EMAIL_ADDRESS", "contact"),  # …old name gone
        ("gone", "old_customers", "ssn", "NO_FODSELSNUMMER", "identity"),  # table dropped
        ("category_added", "customers", "comment", "NO_FODSELSNUMMER", "identity"),
        ("confidence_changed", "customers", "fnr", "NO_FODSELSNUMMER", "identity"),
    }
    for c in changes(store, "scan-2"):
        assert c["record"] == "change" and c["schema_version"] == records.SCHEMA_VERSION and c["scan_id"] == "scan-2"
        assert c["source"] == SOURCE
        if c["change"] == "confidence_changed":
            assert (c["before"], c["after"]) == (0.6, 0.95)
        if c["change"] == "category_added":
            assert c["before"]["categories"] == ["contact"] and c["after"]["categories"] == ["contact", "identity"]
        if c["change"] == "new":
            assert c["before"] is None and c["after"]["hits"] == 40
    findings = by_uri(store)
    status = {(u.split("/")[-1], e): (f.status, f.first_seen.replace(tzinfo=None), f.last_scan_id)
              for (u, e), f in findings.items()}
    t1, t2 = T1.replace(tzinfo=None), T2.replace(tzinfo=None)
    assert status == {
        ("customers#fnr", "NO_FODSELSNUMMER"): ("present", t1, "scan-2"),
        ("customers#epost", "EMAIL_ADDRESS"): ("gone", t1, "scan-1"),
        ("customers#email", "EMAIL_ADDRESS"): ("present", t2, "scan-2"),
        ("customers#comment", "EMAIL_ADDRESS"): ("present", t1, "scan-2"),
        ("customers#comment", "NO_FODSELSNUMMER"): ("present", t2, "scan-2"),
        ("customers#notes", "NO_PHONE_NUMBER"): ("present", t2, "scan-2"),
        ("old_customers#ssn", "NO_FODSELSNUMMER"): ("gone", t1, "scan-1"),
        # the table that errored keeps its finding
        ("meters#meter_id", "NO_METER_ID"): ("present", t1, "scan-1"),
    }
    locations = {loc_.uri.split("/")[-1]: loc_.status for (_, _), loc_ in by_uri(store, Location).items()}
    assert locations["old_customers"] == "gone" and locations["old_customers#ssn"] == "gone"
    assert locations["customers#epost"] == "gone" and locations["meters"] == locations["meters#meter_id"] == "present"
    assert findings[(loc("public", "customers", "fnr")["uri"], "NO_FODSELSNUMMER")].confidence == 0.95
    with store.session() as s:
        assert s.get(Scan, "scan-2").status == "incomplete"
        cov = {(c.dataset, c.outcome) for c in s.scalars(sa.select(Coverage).where(Coverage.scan_id == "scan-2"))}
        assert cov == {("customers", "scanned"), ("meters", "error"), ("old_customers", "gone")}
        # history: the fnr field over time
        hist = s.execute(sa.select(Observation.scan_id, Observation.confidence)
                         .join(Location, Observation.location_id == Location.id)
                         .where(Location.field == "fnr").order_by(Observation.scan_id)).all()
        assert [tuple(h) for h in hist] == [("scan-1", 0.6), ("scan-2", 0.95)]


def test_an_errored_dataset_keeps_its_findings_and_reports_no_change(store):
    feed(store, scan_one().records())
    broken = Estate("scan-2", T2)
    broken.body = [r for r in scan_one().body if r["location"]["dataset"] != "customers"]
    broken.body = [{**r, "scan_id": "scan-2"} for r in broken.body]
    broken.error("public", "customers")
    feed(store, broken.records())
    assert all(f.status == "present" for f in by_uri(store).values())
    assert changes(store, "scan-2") == []
    # a source that failed as a whole turns nothing gone either
    failed = Estate("scan-3", T2 + timedelta(days=1))
    failed.failed = 1
    failed.body = [records.error("scan-3", SOURCE, None, {"type": "OperationalError", "message": "refused"})]
    feed(store, failed.records())
    assert all(f.status == "present" for f in by_uri(store).values())
    assert all(x.status == "present" for x in by_uri(store, Location).values())
    assert changes(store, "scan-3") == []


def test_a_stream_without_summary_leaves_the_scan_failed(store):
    w = store.writer()
    for r in scan_one().records()[:-1]:
        w.write(r)
    w.close()
    with store.session() as s:
        assert s.get(Scan, "scan-1").status == "failed"
    assert all(f.status == "present" for f in by_uri(store).values())


def test_the_store_itself_is_a_writer(store):
    for r in scan_one().records():
        store.write(r)
    store.close()
    with store.session() as s:
        assert s.get(Scan, "scan-1").status == "completed"


def test_declared_metadata_survives_scans(store):
    store.declare("crm", owner="Kunde AS", role="processor", data_subjects=["customers", "employees"],
                  environment="production")
    feed(store, scan_one().records())
    store.declare("crm", retention="5 years")
    with store.session() as s:
        src = s.scalars(sa.select(Source)).one()
        assert (src.owner, src.role, src.data_subjects, src.environment, src.retention, src.type) == \
            ("Kunde AS", "processor", ["customers", "employees"], "production", "5 years", "sql")
    with pytest.raises(ValueError):
        store.declare("crm", password="x")


def test_reviews_keep_the_evidence_they_were_made_on(store):
    feed(store, scan_one().records())
    uri = loc("public", "customers", "comment")["uri"]
    rid = store.review(uri, "false_positive", note="test addresses", who="analyst@example.no", source="crm")
    with store.session() as s:
        r = s.get(Review, rid)
        assert (r.decision, r.entity_type, r.note, r.who) == ("false_positive", None, "test addresses",
                                                               "analyst@example.no")
        assert r.evidence["entity_types"] == ["EMAIL_ADDRESS"] and r.evidence["ratio"] == {"EMAIL_ADDRESS": 0.1}
        assert r.evidence["scan_id"] == "scan-1" and r.at is not None
    with pytest.raises(ValueError):
        store.review(uri, "maybe")
    with pytest.raises(LookupError):
        store.review(uri + "x", "confirmed")


def test_no_raw_value_is_stored(store):
    feed(store, scan_one().records())
    feed(store, scan_two().records())
    dump = []
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                dump.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    text = "\n".join(dump)
    for raw in FNR + MAIL + PHONE + METER:
        assert raw not in text
        assert masked(raw) in text and fingerprint(raw) in text


def test_sqlite_file_and_directory_are_created(tmp_path):
    path = tmp_path / "a" / "b" / "inventory.db"
    store = Store.open(str(path))  # a plain path is an SQLite file
    try:
        assert path.exists() and store.revision() == HEAD
    finally:
        store.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_scanners_writing_at_once_lose_no_update(backend, tmp_path, request):
    """Two scans of the same source, written at once record by record (batch of 1, so every
    record is its own transaction), the older scan's writes mostly arriving last. Every
    observation is kept; each finding ends with the values of the scan that started later,
    first_seen of the earlier one; nothing is lost or double counted."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'inv.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        server.create_database(name := f"inv_concurrent_{next(_db_names)}")
        url = server.url(database=name)
    Store.open(url).dispose()  # migrated once
    n = 40
    fields = [f"f{i:02d}" for i in range(n)]

    def estate(scan_id, started, hits):
        e = Estate(scan_id, started)
        for i in range(0, n, 10):
            e.dataset("public", f"t{i}", *[(f, [verdict("EMAIL_ADDRESS", 0.9, hits=hits + j, raws=MAIL)])
                                           for j, f in enumerate(fields[i:i + 10])])
        return e.records()

    older, newer = estate("scan-old", T1, 10), estate("scan-new", T2, 30)
    errors = []

    # Lock-step: the newer scan writes its first two records, then the two alternate record by
    # record, so the writes interleave on every run (thread scheduling alone may not interleave them).
    turn = threading.Condition()
    state = {"next": 0, "done": [False, False], "written": [0, 0]}
    log: list[str] = []

    def run(me, stream):
        other = 1 - me
        store = Store.open(url, migrate=False, batch_size=1)
        try:
            w = store.writer()
            for r in stream:
                with turn:
                    turn.wait_for(lambda: state["next"] == me or state["done"][other], timeout=60)
                w.write(r)
                log.append(stream[0]["scan_id"])
                with turn:
                    state["written"][me] += 1
                    if me == 1 or state["written"][0] >= 2:
                        state["next"] = other
                    turn.notify_all()
            w.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            with turn:
                state["done"][me] = True
                turn.notify_all()
            store.dispose()

    threads = [threading.Thread(target=run, args=(0, newer)), threading.Thread(target=run, args=(1, older))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    # the writes did interleave: the older scan wrote before the newer one had finished
    assert log.index("scan-old") < len(log) - 1 - log[::-1].index("scan-new")

    store = Store.open(url, migrate=False)
    try:
        with store.session() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(Observation)) == 2 * n
            assert {sc.id: sc.status for sc in s.scalars(sa.select(Scan))} == {"scan-old": "completed",
                                                                              "scan-new": "completed"}
            per_scan = dict(s.execute(sa.select(Observation.scan_id, sa.func.sum(Observation.hits))
                                      .group_by(Observation.scan_id)).all())
            assert per_scan == {"scan-old": sum(10 + j for j in range(10)) * (n // 10),
                                "scan-new": sum(30 + j for j in range(10)) * (n // 10)}
        found = by_uri(store)
        assert len(found) == n
        for (uri, _), f in found.items():
            j = fields.index(uri.rsplit("#", 1)[1]) % 10
            assert (f.hits, f.last_scan_id, f.status) == (30 + j, "scan-new", "present")
            assert f.first_seen.replace(tzinfo=None) == T1.replace(tzinfo=None)
            assert f.last_seen.replace(tzinfo=None) == T2.replace(tzinfo=None)
        assert len(by_uri(store, Location)) == n + n // 10
    finally:
        store.dispose()


def test_a_real_scan_feeds_the_inventory(tmp_path, engine):
    """pipeline.scan with the store as one of its writers, twice over a changing SQLite file."""
    import random
    import sqlite3

    from detectors import synthetic
    from scanner.scan.run import scan
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source as ScanSource

    path = tmp_path / "kunder.db"
    r = random.Random(7)
    con = sqlite3.connect(path)
    con.executescript("create table kunde (id integer primary key, fnr text, epost text, notat text);"
                      "create table gammel (id integer primary key, fnr text);")
    fnrs = [synthetic.fodselsnummer(r) for _ in range(60)]
    con.executemany("insert into kunde (fnr, epost, notat) values (?,?,?)",
                    [(f, f"kunde{i}@example.no", "ok") for i, f in enumerate(fnrs)])
    con.executemany("insert into gammel (fnr) values (?)", [(f,) for f in fnrs])
    con.commit()
    store = Store.open(str(tmp_path / "inv" / "inventory.db"))
    try:
        settings = ScanSettings(sample_size=100)
        first = scan([ScanSource(f"sqlite:///{path}", "kunder")], settings, [store.writer()], engine=engine)
        con.execute("drop table gammel")
        phones = [synthetic.phone(r, "intl") for _ in range(60)]
        con.executemany("update kunde set notat = ? where id = ?", [(p, i + 1) for i, p in enumerate(phones)])
        con.commit()
        con.close()
        second = scan([ScanSource(f"sqlite:///{path}", "kunder")], settings, [store.writer()], engine=engine)
        got = {(c["change"], c["location"]["dataset"], c["location"]["field"], c["entity_type"])
               for c in changes(store, second.scan_id)}
        assert ("new", "kunde", "notat", "NO_PHONE_NUMBER") in got
        assert ("gone", "gammel", "fnr", "NO_FODSELSNUMMER") in got
        assert not any(c[0] == "gone" and c[1] == "kunde" for c in got)
        with store.session() as s:
            assert {sc.id: sc.status for sc in s.scalars(sa.select(Scan))} == {
                first.scan_id: "completed", second.scan_id: "completed"}
            assert s.scalar(sa.select(sa.func.count()).select_from(Observation)) == \
                first.summary["findings"] + second.summary["findings"]
        dump = "\n".join(json.dumps([str(v) for v in row]) for t in Base.metadata.sorted_tables
                         for row in store.engine.connect().execute(sa.select(t)))
        assert not any(f in dump for f in fnrs) and not any(p in dump for p in phones)
    finally:
        store.dispose()


def test_an_unchanged_estate_rescanned_reports_no_change(tmp_path, engine):
    """Meter readings come from a column rule, not a detector: every scan looks for them, so a
    rescan of the same table does not report them new again, and they go when the column goes
    (before, they stayed present for ever)."""
    import random
    import sqlite3

    from detectors import synthetic
    from scanner.inventory.changes import covers
    from scanner.model.settings import ScanSettings
    from scanner.model.sources import Source as ScanSource
    from scanner.scan.run import scan

    path = tmp_path / "maaling.db"
    r = random.Random(3)
    con = sqlite3.connect(path)
    con.execute("create table maaleverdi (id integer primary key, malepunkt_id text, verdi real, epost text)")
    con.executemany("insert into maaleverdi (malepunkt_id, verdi, epost) values (?,?,?)",
                    [(synthetic.meter_id(r), round(r.uniform(0, 40), 3), f"kunde{i}@example.no") for i in range(60)])
    con.commit()
    con.close()
    store = Store.open(str(tmp_path / "inv" / "inventory.db"))
    try:
        settings = ScanSettings(sample_size=100)
        first = scan([ScanSource(f"sqlite:///{path}", "maaling")], settings, [store.writer()], engine=engine)
        got = {(c["change"], c["location"]["field"], c["entity_type"]) for c in changes(store, first.scan_id)}
        assert {("new", "verdi", "METER_READING"), ("new", "malepunkt_id", "NO_METER_ID"),
                ("new", "epost", "EMAIL_ADDRESS")} <= got
        second = scan([ScanSource(f"sqlite:///{path}", "maaling")], settings, [store.writer()], engine=engine)
        assert changes(store, second.scan_id) == []
        with store.session() as s:
            assert "METER_READING" in s.get(Scan, second.scan_id).entities
        with sqlite3.connect(path) as con:
            con.execute("alter table maaleverdi drop column verdi")
        con.close()
        third = scan([ScanSource(f"sqlite:///{path}", "maaling")], settings, [store.writer()], engine=engine)
        assert {(c["change"], c["location"]["field"], c["entity_type"]) for c in changes(store, third.scan_id)} == {
            ("gone", "verdi", "METER_READING")}
        with store.session() as s:
            statuses = {f.entity_type: f.status for f in s.scalars(sa.select(Finding))}
        assert statuses["METER_READING"] == "gone" and statuses["EMAIL_ADDRESS"] == "present"
    finally:
        store.dispose()
    # a scan recorded before the rule's entity types were listed still covers a scan that lists them
    assert covers(["EMAIL_ADDRESS", "NO_METER_ID"], ["EMAIL_ADDRESS", "METER_READING", "NO_METER_ID"])
    assert not covers(["EMAIL_ADDRESS"], ["EMAIL_ADDRESS", "METER_READING", "NO_METER_ID"])


def test_first_use_by_several_processes_at_once_migrates_once(tmp_path):
    """Scanners started together on a new SQLite inventory: one creates the schema, the others
    wait and find it at head (without the lock, SQLite's non-transactional DDL lets two create
    the same tables)."""
    import subprocess
    import sys

    code = ("import sys; from scanner.inventory.store import Store; s = Store.open(sys.argv[1]); "
            "print(s.revision()); s.dispose()")
    for attempt in range(3):
        path = tmp_path / f"inv{attempt}" / "inventory.sqlite"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=Path(__file__).parent.parent) for _ in range(4)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, [r[1].decode()[-400:] for r in results]
        assert {r[0].decode().strip() for r in results} == {HEAD}


def test_migration_from_the_previous_schema_keeps_the_data(store_url):
    """An inventory left at revision 0001 by an older kartlegg, with scans, a declaration and a
    review in it: upgrading keeps every row, marks the declaration as made, and a scan by this
    version compares with the old one. Downgrading gives 0001 back, data intact."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    old = Store.open(store_url, migrate=False)
    old.migrate("0001")
    assert old.revision() == "0001"
    with old.engine.begin() as conn:
        t = {name: sa.Table(name, sa.MetaData(), autoload_with=conn)
             for name in ("scans", "sources", "locations", "findings", "observations", "reviews", "coverage")}
        assert "categories" not in t["sources"].c
        conn.execute(t["scans"].insert().values(id="scan-1", started_at=T1, finished_at=T1, status="completed",
                                                exit_code=0, sources=[SOURCE], counts={"findings": 1}))
        sid = conn.execute(t["sources"].insert().values(name="crm", type="sql", uri=SOURCE["uri"], owner="Kunde AS",
                                                        role="processor", data_subjects=["kunder"])
                           .returning(t["sources"].c.id)).scalar_one()
        field = loc("public", "customers", "epost")
        ids = {}
        for where in (loc("public", "customers"), field):
            ids[where["uri"]] = conn.execute(t["locations"].insert().values(
                source_id=sid, container="public", dataset="customers", field=where["field"], uri=where["uri"],
                first_seen=T1, last_seen=T1, last_scan_id="scan-1", checked_at=T1, status="present",
                row_estimate=1000).returning(t["locations"].c.id)).scalar_one()
        lid = ids[field["uri"]]
        conn.execute(t["findings"].insert().values(
            location_id=lid, entity_type="EMAIL_ADDRESS", category="contact", personal=True, confidence=0.9, hits=40,
            sampled=50, ratio=0.8, examples=[masked(MAIL[0])], fingerprints=[fingerprint(MAIL[0])], first_seen=T1,
            last_seen=T1, last_scan_id="scan-1", checked_at=T1, status="present"))
        conn.execute(t["observations"].insert().values(scan_id="scan-1", location_id=lid, entity_type="EMAIL_ADDRESS",
                                                       category="contact", personal=True, confidence=0.9, hits=40,
                                                       sampled=50))
        conn.execute(t["coverage"].insert().values(scan_id="scan-1", source_id=sid, container="public",
                                                   dataset="customers", uri=loc("public", "customers")["uri"],
                                                   outcome="scanned"))
        conn.execute(t["reviews"].insert().values(location_id=lid, entity_type=None, decision="confirmed", who="kari",
                                                  at=T1, evidence={"entity_types": ["EMAIL_ADDRESS"]}))
    old.dispose()

    store = Store.open(store_url)  # this version: upgrades
    try:
        assert store.revision() == HEAD
        with store.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with store.session() as s:
            src = s.scalars(sa.select(Source)).one()
            assert (src.owner, src.role, src.data_subjects, src.system, src.categories) == \
                ("Kunde AS", "processor", ["kunder"], None, None)
            assert src.declared_at is not None  # declared under 0001: still counts as declared
            assert s.scalars(sa.select(Review)).one().who == "kari"
        (f,) = by_uri(store).values()
        assert (f.entity_type, f.hits, f.examples) == ("EMAIL_ADDRESS", 40, [masked(MAIL[0])])
        assert (f.free_text, f.in_log) == (False, None)  # 0005: a row kept before says neither
        # a scan by this version: the renamed column shows as new + gone against the old scan
        e = Estate("scan-2", T2).dataset("public", "customers", ("email", [verdict("EMAIL_ADDRESS", raws=MAIL)]))
        feed(store, e.records())
        got = {(c["change"], c["location"]["field"], c["since_scan_id"]) for c in changes(store, "scan-2")}
        assert got == {("new", "email", "scan-1"), ("gone", "epost", "scan-1")}
        store.declare("crm", categories=["contact"])
        # and back down to 0001: the new columns go, the rows stay
        store.downgrade("0001")
        assert store.revision() == "0001"
        with store.engine.connect() as conn:
            cols = {c["name"] for c in sa.inspect(conn).get_columns("sources")}
            assert "categories" not in cols and "owner" in cols
            assert conn.execute(sa.text("select count(*) from observations")).scalar() == 2
    finally:
        store.dispose()


def test_each_dataset_is_compared_with_the_last_scan_that_read_it(store):
    """A full scan, a scan narrowed to one table, a full scan again: each table is compared with
    the last scan that read it (whatever order the scans' ids sort in), so nothing is new or gone."""
    def full(scan_id, started):
        return (Estate(scan_id, started)
                .dataset("public", "customers", ("fnr", [verdict("NO_FODSELSNUMMER", raws=FNR)]))
                .dataset("public", "meters", ("meter_id", [verdict("NO_METER_ID", raws=METER)])))

    feed(store, full("b-first", T1).records())  # ids sort against time: the older scan's id is later
    narrow = Estate("a-narrow", T1 + timedelta(days=1)).dataset(
        "public", "customers", ("fnr", [verdict("NO_FODSELSNUMMER", raws=FNR)]))
    narrow.include = ("public.customers",)
    feed(store, narrow.records())
    assert changes(store, "a-narrow") == []
    feed(store, full("c-full", T2).records())
    assert changes(store, "c-full") == []
    assert all(f.status == "present" for f in by_uri(store).values())
    # with --since the first scan, both tables are compared with it
    assert changes(store, "c-full", since="b-first") == []


def test_the_head_by_file_name_is_alembics_head():
    from alembic.script import ScriptDirectory

    from scanner.inventory.store import head_revision, Store

    store = Store.open("sqlite://", migrate=False)
    assert head_revision() == ScriptDirectory.from_config(store.alembic_config()).get_current_head() == HEAD
