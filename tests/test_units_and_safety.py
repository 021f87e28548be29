import io
import json
import pickle
import sqlite3
from dataclasses import asdict

import pytest
from rich.console import Console

from scanner.cli.console import BarProgress, progress_for
from scanner.model.units import Location, WorkUnit
from scanner.crawlers.sql.crawler import SqlCrawler
from scanner.crawlers.sql.values import JSON, SCALAR, expand
from scanner.model.settings import ScanSettings
from scanner.model.sources import Source


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "u.db"
    con = sqlite3.connect(path)
    con.execute("create table kunde (id integer primary key, epost text, notat text)")
    con.executemany("insert into kunde (epost, notat) values (?, ?)",
                    [(f"k{i}@example.no", "x" * 10_000) for i in range(50)])
    con.commit()
    con.close()
    return path


def test_a_unit_of_work_travels_and_is_sampled_by_a_fresh_crawler(db):
    source, settings = Source(f"sqlite:///{db}"), ScanSettings(value_cap=100)
    with SqlCrawler(source, settings) as crawler:
        (unit,) = [u for u in crawler.discover() if isinstance(u, WorkUnit)]
    json.dumps(asdict(unit))  # JSON-able
    travelled = pickle.loads(pickle.dumps(unit))  # and picklable: another process can take it
    with SqlCrawler(Source(source.url), settings) as elsewhere:
        sample = elsewhere.sample(travelled)
    fields = {f.name: f.values for f in sample.fields}
    assert sample.rows_sampled == 50 and fields["epost"][0] == "k0@example.no"
    assert {len(v) for v in fields["notat"]} == {100}  # long texts cut at the cap


def test_json_in_text_and_scalars():
    assert expand("c", SCALAR, ['{"a": {"tlf": "41234567"}}', '{"a": {"tlf": "92345678"}}'], 50) == {
        "c.a.tlf": ["41234567", "92345678"]}
    assert expand("c", SCALAR, ["vanlig tekst", "{ikke json"], 50) == {"c": ["vanlig tekst", "{ikke json"]}
    assert expand("c", JSON, [{"l": [1, 2]}, None], 50) == {"c.l[]": [2, 1]}


def test_progress_bar_only_on_a_terminal():
    assert type(progress_for(Console(file=io.StringIO()))).__name__ == "Progress"
    out = io.StringIO()
    bar = progress_for(Console(file=out, force_terminal=True, width=100))
    assert isinstance(bar, BarProgress)
    bar.source_started(Source("sqlite:///x.db"), 2)
    bar.unit_done(WorkUnit("x.db", "sql", Location("main", "kunde")), "main.kunde")
    bar._bar.refresh()
    bar.close()
    assert "x.db" in out.getvalue() and "1/2" in out.getvalue()
