"""Hostile input stays bounded, and one bad value, line or cell fails only itself (issue 15).

Real files written to temp dirs, read by the real readers and scanned by `kartlegg scan`: JSON
nested 100,000 levels deep (a document, a JSON Lines line, a database cell), a CSV with one NUL
byte and one of 100,000 columns, text in UTF-16/UTF-32 without a byte-order mark, an XLSX whose
shared strings go past the memory cap, a headerless CSV whose first row is a person. What each
costs in memory is measured in bench/fuzz.py, not here.
"""

from __future__ import annotations

import io
import json
import random
import sqlite3
from collections import defaultdict

import pytest

from bench import hostile
from reporting import findings, of, scan_cli
from scanner.crawlers.known_words import HEADER_WORDS
from scanner.crawlers.sql import values as sql_values
from scanner.model import values as model_values
from scanner.model.values import MAX_NESTING, TooDeep, Unreadable, parse_json
from scanner.formats import Corrupt, Limits, Unsupported, read
from scanner.formats.batches import read_batches
from scanner.formats.delimited import looks_like_header
from scanner.formats.detect import content_format
from scanner.formats.streams import wide_encoding

TOO_DEEP = f"json nested deeper than {MAX_NESTING} levels"
ENCODINGS = {"utf-16-le": "seksten_lille", "utf-16-be": "seksten_stor", "utf-32-le": "trettito_lille",
             "utf-32-be": "trettito_stor"}
HEADERLESS = "Kari Nordmann;Storgata 12;Oslo\nOla Hansen;Kirkeveien 3;Bergen\nPer Olav Tveit;Fjordgata 7;Tromsø\n"


# --- One scan of a share full of hostile files --------------------------------------------------


@pytest.fixture(scope="module")
def share(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root = base / "share"
    for d in ("api", "logg", "eksport", "tegnsett", "import", "vedlegg", "rapporter"):
        (root / d).mkdir(parents=True)
    # one dataset of two files: one fine, one nested 100,000 deep
    (root / "api" / "kunder-1.json").write_text(json.dumps(
        [{"kunde": {"navn": navn, "fnr": fnr, "epost": epost}} for navn, fnr, epost, _ in hostile.people(40)]))
    hostile.deep_json(root / "api" / "kunder-2.json")
    # one document whose one value is too deep: the rest of it is read
    doc = {"kunder": [{"epost": f"k{i}@example.no"} for i in range(30)], "vedlegg": "DEEP"}
    (root / "api" / "blandet.json").write_text(json.dumps(doc).replace('"DEEP"', hostile.nested(100_000)))
    hostile.deep_jsonl(root / "logg" / "hendelser.jsonl", lines=60, at=5)
    with open(root / "logg" / "hendelser.jsonl", "a") as fh:
        fh.write('{"kunde": {"epost": "brutt@example.no"\n')  # a line that does not parse at all
    hostile.nul_csv(root / "eksport" / "nul.csv", rows=2000)
    hostile.wide_csv(root / "eksport" / "bred.csv", columns=100_000, rows=5)
    for encoding, name in ENCODINGS.items():
        hostile.wide_text(root / "tegnsett" / f"{name}.csv", encoding)
    (root / "import" / "uten_overskrift.csv").write_text(HEADERLESS)
    (root / "vedlegg" / "sikkerhetskopi.bin").write_bytes(random.Random(1).randbytes(8192))
    hostile.shared_strings_xlsx(root / "rapporter" / "kunder.xlsx", junk="many", junk_bytes=4 << 20)
    # module fixtures come before the per-test inventory: this scan names its own
    code, lines, _ = scan_cli(str(root), "--inventory", str(base / "inventory.sqlite"))
    return code, lines


def _by_dataset(lines: list[dict], kind: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in of(lines, kind):
        out.setdefault(r["location"]["dataset"], []).append(r)
    return out


def test_a_json_file_nested_too_deep_is_an_error_of_its_own_and_its_dataset_is_read(share):
    code, lines = share
    assert code == 3  # an error record: the deep file
    errors = _by_dataset(lines, "error")
    assert [e["error"]["message"] for e in errors["api/kunder-2.json"]] == [f"corrupt: {TOO_DEEP}"]
    dataset = _by_dataset(lines, "dataset")["api/kunder-*.json"][0]
    assert dataset["objects"]["sampled"] == 1 and dataset["rows_sampled"] == 40
    assert {("api/kunder-*.json", "kunde.fnr", "NO_FODSELSNUMMER"),
            ("api/kunder-*.json", "kunde.epost", "EMAIL_ADDRESS")} <= findings(lines)
    assert lines[-1]["record"] == "summary"


def test_a_value_nested_too_deep_is_counted_and_the_rest_of_its_document_read(share):
    _, lines = share
    dataset = _by_dataset(lines, "dataset")["api/blandet.json"][0]
    assert dataset["unreadable"] == {"values": 1, "reasons": {TOO_DEEP: 1}}
    assert ("api/blandet.json", "kunder[].epost", "EMAIL_ADDRESS") in findings(lines)
    assert "api/blandet.json" not in _by_dataset(lines, "error")


def test_a_json_lines_file_with_a_line_too_deep_still_gives_its_other_lines(share):
    _, lines = share
    dataset = _by_dataset(lines, "dataset")["logg/hendelser.jsonl"][0]
    assert dataset["rows_sampled"] == 60
    assert dataset["unreadable"] == {"values": 2, "reasons": {TOO_DEEP: 1, "json line does not parse": 1}}
    assert {("logg/hendelser.jsonl", "kunde.fnr", "NO_FODSELSNUMMER"),
            ("logg/hendelser.jsonl", "kunde.epost", "EMAIL_ADDRESS")} <= findings(lines)


def test_a_csv_with_one_nul_byte_is_read_as_csv(share):
    _, lines = share
    dataset = _by_dataset(lines, "dataset")["eksport/nul.csv"][0]
    assert dataset["format"] == "csv" and dataset["rows_sampled"] == 1000
    assert [c["name"] for c in dataset["columns"]] == ["navn", "fnr", "epost", "mobil"]
    assert {("eksport/nul.csv", "fnr", "NO_FODSELSNUMMER"), ("eksport/nul.csv", "epost", "EMAIL_ADDRESS")} <= findings(lines)
    assert "eksport/nul.csv" not in _by_dataset(lines, "skipped")


def test_a_real_binary_is_still_binary(share):
    _, lines = share
    assert [r["reason"] for r in _by_dataset(lines, "skipped")["vedlegg/sikkerhetskopi.bin"]] == ["unsupported: binary"]


def test_a_csv_of_100000_columns_gives_one_skipped_record(share):
    _, lines = share
    skipped = _by_dataset(lines, "skipped")["eksport/bred.csv"]
    assert [(r["location"]["field"], r["reason"]) for r in skipped] == [
        ("col201…col100000", "99,800 more fields beyond the first 200: not read")]
    dataset = _by_dataset(lines, "dataset")["eksport/bred.csv"][0]
    assert dataset["fields"] == 200
    assert ("eksport/bred.csv", "col1", "NO_FODSELSNUMMER") in findings(lines)
    assert len(lines) < 100  # not a record per column


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_utf16_and_utf32_without_a_byte_order_mark_are_read_as_csv(share, encoding):
    _, lines = share
    name = f"tegnsett/{ENCODINGS[encoding]}.csv"
    dataset = _by_dataset(lines, "dataset")[name][0]
    assert dataset["format"] == "csv" and dataset["rows_sampled"] == 50
    assert [c["name"] for c in dataset["columns"]] == ["navn", "fnr", "epost", "mobil"]
    assert {(name, "fnr", "NO_FODSELSNUMMER"), (name, "epost", "EMAIL_ADDRESS")} <= findings(lines)


def test_a_headerless_csv_keeps_positional_column_names(share):
    _, lines = share
    dataset = _by_dataset(lines, "dataset")["import/uten_overskrift.csv"][0]
    assert [c["name"] for c in dataset["columns"]] == ["col1", "col2", "col3"]
    assert dataset["rows_sampled"] == 3  # the first row is read as data
    text = json.dumps(lines, ensure_ascii=False)
    assert "Kari Nordmann" not in text and "Storgata 12" not in text
    assert ("import/uten_overskrift.csv", "col1", "PERSON") in findings(lines)


def test_an_xlsx_with_a_large_shared_strings_table_is_read(share):
    _, lines = share
    dataset = _by_dataset(lines, "dataset")["rapporter/kunder.xlsx"][0]
    assert [c["name"] for c in dataset["columns"]] == ["Kunder!navn", "Kunder!epost"]
    assert dataset["rows_sampled"] == 50 and "unreadable" not in dataset
    assert ("rapporter/kunder.xlsx", "Kunder!epost", "EMAIL_ADDRESS") in findings(lines)


# --- A database cell --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-db")
    path = base / "kunder.db"
    rnd = random.Random(8)
    con = sqlite3.connect(path)
    con.execute("create table hendelse (id integer primary key, epost text, payload text)")
    rows = [(f"k{i}@example.no", json.dumps({"kunde": {"fnr": fnr, "navn": navn}}))
            for i, (navn, fnr, _, _) in enumerate(hostile.people(100))]
    rows[17] = (rows[17][0], hostile.nested(100_000))
    con.executemany("insert into hendelse (epost, payload) values (?, ?)", rows)
    columns = ", ".join(f"felt_{i} text" for i in range(1, 1000))
    con.execute(f"create table bred (fnr text, {columns})")
    con.executemany(f"insert into bred values ({', '.join('?' * 1000)})",
                    [[hostile.people(1, seed=rnd.randint(0, 10**6))[0][1]] + ["x"] * 999 for _ in range(20)])
    con.commit()
    con.close()
    code, lines, _ = scan_cli(f"sqlite:///{path}", "--inventory", str(base / "inventory.sqlite"))
    return code, lines


def test_a_json_cell_nested_too_deep_is_counted_and_its_table_read(database):
    code, lines = database
    assert code == 0 and not of(lines, "error")
    dataset = _by_dataset(lines, "dataset")["hendelse"][0]
    assert dataset["rows_sampled"] == 100
    assert dataset["unreadable"] == {"values": 1, "reasons": {TOO_DEEP: 1}}
    assert {("hendelse", "payload.kunde.fnr", "NO_FODSELSNUMMER"), ("hendelse", "epost", "EMAIL_ADDRESS")} <= findings(lines)


def test_a_table_of_a_thousand_columns_gives_one_skipped_record(database):
    _, lines = database
    skipped = _by_dataset(lines, "skipped")["bred"]
    assert [(r["location"]["field"], r["reason"]) for r in skipped] == [
        ("felt_200…felt_999", "800 more columns beyond the first 200: not read")]
    assert ("bred", "fnr", "NO_FODSELSNUMMER") in findings(lines)


def test_a_postgresql_jsonb_cell_nested_too_deep_is_counted_and_its_table_read(postgres_server, tmp_path):
    # PostgreSQL stores jsonb a few thousand levels deep; psycopg2 would parse it into a RecursionError
    postgres_server.create_database("hostile_json")
    postgres_server.execute("CREATE TABLE hendelse (id int primary key, epost text, data jsonb)", database="hostile_json")
    postgres_server.execute(
        "INSERT INTO hendelse SELECT g, 'k' || g || '@example.no', CASE WHEN g = 17 "
        "THEN (repeat('[', 3000) || repeat(']', 3000))::jsonb "
        "ELSE jsonb_build_object('kunde', jsonb_build_object('epost', 'e' || g || '@example.no')) END "
        "FROM generate_series(1, 100) g", database="hostile_json")
    code, lines, _ = scan_cli(postgres_server.url(database="hostile_json"))
    assert code == 0 and not of(lines, "error")
    dataset = _by_dataset(lines, "dataset")["hendelse"][0]
    assert dataset["rows_sampled"] == 100 and dataset["unreadable"] == {"values": 1, "reasons": {TOO_DEEP: 1}}
    assert {("hendelse", "data.kunde.epost", "EMAIL_ADDRESS"), ("hendelse", "epost", "EMAIL_ADDRESS")} <= findings(lines)


# --- The readers, case by case ----------------------------------------------------------------


@pytest.mark.parametrize("depth, deep", [(1, False), (MAX_NESTING - 1, False), (MAX_NESTING, False),
                                         (MAX_NESTING + 1, True), (100_000, True)])
def test_the_nesting_limit_is_exact(depth, deep):
    text = hostile.nested(depth)
    if deep:
        with pytest.raises(TooDeep):
            parse_json(text)
    else:
        assert parse_json(text) is not None
    doc = json.dumps({"epost": "k@example.no", "x": "DEEP"}).replace('"DEEP"', hostile.nested(depth - 1))
    sample = read(io.BytesIO(doc.encode()), "x.json")
    assert {f.name: f.values for f in sample.fields}["epost"] == ["k@example.no"]
    assert dict(sample.unreadable) == ({TOO_DEEP: 1} if deep else {})


@pytest.mark.parametrize("text, error", [
    ('{"a": "' + "[" * 1000 + '"}', None),  # brackets inside a string are text, not nesting
    ('"' + "{" * 1000 + '"', None),
    ("[" * 1000 + "]" * 999, ValueError),  # invalid, whatever its depth: not TooDeep
    ("[" * 300 + '"]' + "]" * 300, ValueError),
])
def test_near_misses_of_the_nesting_limit(text, error):
    if error is None:
        parse_json(text)
    else:
        with pytest.raises(error) as e:
            parse_json(text)
        assert not isinstance(e.value, TooDeep)


def test_json_inside_a_string_and_an_already_parsed_value_obey_the_limit():
    out: dict[str, list] = defaultdict(list)
    unreadable = Unreadable()
    doc: object = 1
    for _ in range(MAX_NESTING + 5):
        doc = [doc]
    model_values.flatten_json({"deep": doc, "epost": "k@example.no"}, "p", out, 100, unreadable)
    model_values.flatten_json(hostile.nested(10_000), "q", out, 100, unreadable)  # a cell of JSON text
    assert out == {"p.epost": ["k@example.no"]} and unreadable == {TOO_DEEP: 2}
    stored = json.dumps({"fnr": "x", "inner": '{"deep": ' + hostile.nested(5000) + "}"})  # JSON kept in a string
    sample = read(io.BytesIO(stored.encode()), "x.json")
    assert {f.name for f in sample.fields} == {"fnr"} and dict(sample.unreadable) == {TOO_DEEP: 1}


def test_a_column_of_json_with_a_value_too_deep_is_still_json():
    values = [json.dumps({"kunde": {"epost": f"k{i}@example.no"}}) for i in range(9)] + [hostile.nested(3000)]
    unreadable = Unreadable()
    assert sql_values.expand("payload", sql_values.SCALAR, values, 100, unreadable) == {
        "payload.kunde.epost": [f"k{i}@example.no" for i in range(9)] + [None]}  # row by row: none in row 10
    assert unreadable.details() == {"unreadable": {"values": 1, "reasons": {TOO_DEEP: 1}}}


def test_a_json_file_of_nothing_but_too_deep_values_is_corrupt():
    with pytest.raises(Corrupt, match=TOO_DEEP):
        read(io.BytesIO(hostile.nested(100_000).encode()), "x.json")
    with pytest.raises(Corrupt, match=TOO_DEEP):
        read(io.BytesIO((hostile.nested(1000) + "\n" + hostile.nested(300) + "\n").encode()), "x.jsonl")
    with pytest.raises(Corrupt, match="none of 2 lines"):
        read(io.BytesIO((hostile.nested(1000) + "\n{\n").encode()), "x.jsonl")


def test_a_csv_row_that_does_not_parse_is_counted_and_the_others_read():
    import csv

    limit = csv.field_size_limit()
    text = hostile.people_csv(30).splitlines(keepends=True)
    text.insert(10, 'Kari;"' + "x" * (limit + 10) + '";k@example.no;12345678\n')  # past the csv module's field limit
    sample = read(io.BytesIO("".join(text).encode()), "x.csv")
    assert {f.name: len(f.values) for f in sample.fields} == {"navn": 30, "fnr": 30, "epost": 30, "mobil": 30}
    assert dict(sample.unreadable) == {f"csv field longer than {limit:,} characters": 1}


@pytest.mark.parametrize("head, expected", [
    (b"navn;fnr\n" + b"Kari;x\n" * 2000 + b"\0" + b"Ola;y\n", "csv"),  # one NUL
    (b"a b c d e f\n" * 100 + b"\x01\x02" * 10, "text"),  # a few control bytes in running text
    (b"\x1b[31mERROR\x1b[0m kunde ikke funnet\n" * 20, "text"),  # colour codes (ESC) in a log
    (b"a,b\n" * 20 + bytes(range(32)) * 3, "binary"),  # 8% control bytes
    (bytes(range(256)) * 4, "binary"),
    (bytes(4096), "binary"),  # all NUL: not UTF-16 either
])
def test_binary_is_judged_by_the_share_of_control_bytes(head, expected):
    assert content_format(head, complete=True) == expected


@pytest.mark.parametrize("data, expected", [
    (hostile.people_csv(5).encode("utf-16-le"), "utf-16-le"),
    (hostile.people_csv(5).encode("utf-16-be"), "utf-16-be"),
    (hostile.people_csv(5).encode("utf-32-le"), "utf-32-le"),
    (hostile.people_csv(5).encode("utf-32-be"), "utf-32-be"),
    (hostile.people_csv(5).encode("utf-16"), "utf-16"),  # with a BOM
    (hostile.people_csv(5).encode("utf-32"), "utf-32"),  # with a BOM, which starts like UTF-16LE's
    (hostile.people_csv(5).encode("utf-8"), None),
    (hostile.people_csv(5).encode("cp1252"), None),
    (bytes(4096), None),
    (bytes(range(256)) * 16, None),
    (b"".join(i.to_bytes(2, "little") for i in range(0, 50_000, 7)), None),  # 16-bit integers, not text
])
def test_wide_encodings_are_told_by_their_nul_bytes(data, expected):
    assert wide_encoding(data) == expected


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32-be"])
def test_wide_text_is_read_as_text_too(encoding):
    note = "Kunden Kari Nordmann ba om svar på kari@example.no i går.\n" * 3
    sample = read(io.BytesIO(note.encode(encoding)), "notat.txt")
    assert sample.format == "text" and sample.fields[0].values[0] == note.rstrip("\n")  # one paragraph


HEADERS = [  # (first rows, is the first a header)
    ("Fødselsnummer;Navn;Adresse;Postnr;Mobil\n01019012345;Kari Nordmann;Storgata 12;0150;91234567\n"
     "12128812345;Ola Hansen;Kirkeveien 3B;5003;41234567\n", True),
    ("navn,epost\nKari Nordmann,kari@example.no\nOla Hansen,ola@example.no\n", True),
    ("kunde_id,fnr\n123,01019012345\n124,12128812345\n", True),
    ("Navn;Poststed;Fnr\nKari;Oslo;01019012345\nOla;Bergen;12128812345\n", True),  # one-word values
    ("First Name,Last Name,Email\nKari,Nordmann,kari@x.no\nOla,Hansen,ola@x.no\n", True),  # two words, known names
    ("varenr,beskrivelse,pris\n12345678901,Skrue 3 mm,12.50\n12345678902,Skrue 4 mm,13.50\n", True),
    ("Siste endring;Kunde ID;Status\n2024-05-01;7;aktiv\n2024-05-02;8;inaktiv\n", True),
    ("navn;epost\n", True),  # a header alone
    (HEADERLESS, False),
    (HEADERLESS.splitlines()[0], False),  # alone: a person and a street address
    ("Kari;Nordmann;Oslo\nOla;Hansen;Bergen\n", False),  # known first name and surname
    ("Storgata 12;Oslo\nKirkeveien 3;Bergen\n", False),  # shaped like the rows below
    ("Kari Nordmann,kari@example.no\n", False),  # an @
    ("navn;navn\nKari;Ola\n", False),  # names are distinct
    ("navn;\nKari;Ola\n", False),  # and not blank
]


@pytest.mark.parametrize("text, header", HEADERS)
def test_a_header_row_is_one_that_does_not_look_like_data(text, header):
    import csv

    delimiter = ";" if ";" in text.splitlines()[0] else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert looks_like_header(rows[0], rows[1:], HEADER_WORDS) is header


def test_the_readers_know_words_only_from_their_caller():
    """scanner.formats may not import the detectors: the crawlers hand their vocabulary and
    people's names in on Limits. Without them, the shapes of the cells alone vote."""
    text = "Kari;Nordmann;Oslo\nOla;Hansen;Bergen\n"
    rows = [line.split(";") for line in text.splitlines()]
    assert looks_like_header(rows[0], rows[1:]) is True  # one word over one word: nothing says data
    with_words = read(io.BytesIO(text.encode()), "x.csv", Limits(header_words=HEADER_WORDS))
    assert [f.name for f in with_words.fields] == ["col1", "col2", "col3"]
    without = read(io.BytesIO(text.encode()), "x.csv")
    assert [f.name for f in without.fields] == ["Kari", "Nordmann", "Oslo"]
    assert Limits(header_words=HEADER_WORDS) == Limits() and "header_words" not in repr(Limits())


@pytest.mark.parametrize("junk", ["many", "huge"])
@pytest.mark.parametrize("junk_first", [False, True])
def test_xlsx_shared_strings_no_cell_needs_are_passed_over(tmp_path, junk, junk_first):
    path = hostile.shared_strings_xlsx(tmp_path / "k.xlsx", junk=junk, junk_bytes=8 << 20, junk_first=junk_first)
    sample = read(open(path, "rb"), "k.xlsx", Limits(max_shared_strings=1 << 20))
    assert {f.name: f.values[:2] for f in sample.fields} == {
        "Kunder!navn": ["Kari Nordmann", "Ola Hansen"], "Kunder!epost": ["kunde0@example.no", "kunde1@example.no"]}
    assert [len(f.values) for f in sample.fields] == [50, 50] and not sample.unreadable


def test_xlsx_cells_past_the_shared_strings_cap_are_counted_and_the_rest_read(tmp_path):
    path = hostile.shared_strings_xlsx(tmp_path / "k.xlsx")
    sample = read(open(path, "rb"), "k.xlsx", Limits(max_shared_strings=4096))
    read_cells = sum(len(f.values) for f in sample.fields)
    assert 0 < read_cells < 100 and dict(sample.unreadable) == {
        "xlsx text cell past 4 KiB of shared strings": 100 - read_cells}


def test_shared_strings_are_cut_and_broken_ones_counted():
    from scanner.formats.xlsx import shared_strings

    doc = (b'<?xml version="1.0"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b"<x:si><x:t>" + b"A" * (8 << 20) + b"</x:t></x:si>\n"
           b"<x:si><x:r><x:t>Kari </x:t></x:r><x:r><x:t>Nordmann</x:t></x:r><x:rPh><x:t>KARI</x:t></x:rPh></x:si>"
           b"<x:si><x:t>a &amp; b</x:t></x:si><x:si><x:t>brutt</x:si></x:sst>")
    unreadable = Unreadable()
    strings = shared_strings(io.BytesIO(doc), Limits(value_cap=100), unreadable, {0, 1, 2, 3, 9})
    assert [strings[i] for i in range(5)] == ["A" * 100, "Kari Nordmann", "a & b", None, None]
    assert strings[9] is None
    assert dict(unreadable) == {"xlsx text cell whose shared string does not parse": 2}  # 3 and 9, not 4


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_wide_sheets_and_parquet_files_give_one_skipped_field(tmp_path, fmt):
    path = tmp_path / f"bred.{fmt}"
    if fmt == "xlsx":
        hostile.wide_xlsx(path, columns=300)
        first, last = "Kunder!felt_GS", "felt_KN"
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"epost": ["k@example.no"], **{f"felt_{i}": ["x"] for i in range(1, 300)}}), path)
        first, last = "felt_200", "felt_299"
    sample = read(open(path, "rb"), path.name)
    skipped = [(f.name, f.skipped_reason) for f in sample.fields if f.skipped_reason]
    assert skipped == [(f"{first}…{last}", "100 more columns beyond the first 200"
                        + (" of the workbook" if fmt == "xlsx" else "") + ": not read")]
    assert len(sample.fields) == 201


def test_a_full_read_of_a_wide_csv_with_a_nul_byte_lists_the_rest_once(tmp_path):
    path = hostile.wide_csv(tmp_path / "bred.csv", columns=1000, rows=30)
    data = path.read_bytes().replace(b",x", b",\0", 1)
    batches = list(read_batches(io.BytesIO(data), "bred.csv", Limits(), batch_rows=10))
    skipped = [(f.name, f.skipped_reason) for b in batches for f in b.fields if f.skipped_reason]
    assert skipped == [("col201…col1000", "800 more fields beyond the first 200: not read")]
    assert sum(len(f.values) for b in batches for f in b.fields if f.name == "col1") == 30


def test_a_binary_stays_unsupported_whatever_its_name():
    with pytest.raises(Unsupported, match="binary"):
        read(io.BytesIO(random.Random(2).randbytes(4096)), "kunder.csv")


@pytest.mark.parametrize("name, data", [
    ("x.csv", ("n" * 100_000 + ";epost\nKari;k@example.no\nOla;o@example.no\n").encode()),
    ("x.json", json.dumps({"k" * 100_000: {"epost": "k@example.no"}}).encode()),
    ("x.jsonl", (json.dumps({"a" * 5000: {"b" * 5000: "k@example.no"}}) + "\n").encode() * 2),
    ("audit.log", ('<14>1 2024-05-01T10:00:00Z web01 app 123 ID47 [sd ' + "k" * 5000
                   + '="k@example.no"] endret\n').encode() * 3),  # a structured-data key
])
def test_a_huge_header_cell_or_key_is_a_capped_name(name, data):
    sample = read(io.BytesIO(data), name)
    assert sample.fields and all(len(f.name) <= 256 for f in sample.fields)
    assert ["k@example.no"] == [v for f in sample.fields for v in f.values if "@" in str(v)][:1]
