"""Format readers (scanner.formats): every fixture is generated here, in tmp_path, with synthetic values."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import random
import time
import tracemalloc
import zipfile

import pytest

from detectors import synthetic
from scanner.formats import Corrupt, Limits, TooLarge, Unsupported, read
from scanner.formats.detect import detect
from scanner.formats.text import PARAGRAPH_LINES

MiB = 1 << 20
RND = random.Random(4)
FNR = [synthetic.fodselsnummer(RND) for _ in range(3)]
PHONE = [synthetic.phone_digits(RND) for _ in range(3)]
ACCOUNT = [synthetic.kontonummer(RND) for _ in range(3)]
NAMES = ["Åse Ødegård", "Øystein Æsøy", "Per Hansen"]
TOWNS = ["Tromsø", "Bodø", "Ålesund"]
EMAILS = ["ase@eksempel.no", "oystein@eksempel.no", "per@eksempel.no"]


def by_name(sample) -> dict[str, list]:
    return {f.name: f.values for f in sample.fields}


def read_file(path, limits=None):
    with open(path, "rb") as fh:
        return read(fh, path.name, limits)


class Unseekable(io.RawIOBase):
    """What an S3 body looks like: read() only."""

    def __init__(self, data: bytes):
        self._src = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, b):
        data = self._src.read(min(len(b), 1000))  # short reads, like a network stream
        b[: len(data)] = data
        return len(data)


def csv_bytes(delimiter=";", encoding="utf-8", header=True) -> bytes:
    rows = [["fødselsnummer", "navn", "bosted", "telefon"]] if header else []
    rows += [[FNR[i], NAMES[i], TOWNS[i], PHONE[i]] for i in range(3)]
    return "".join(delimiter.join(r) + "\r\n" for r in rows).encode(encoding)


EXPECTED_CSV = {"fødselsnummer": FNR, "navn": NAMES, "bosted": TOWNS, "telefon": PHONE}


# --- CSV and TSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename, delimiter, encoding",
    [
        ("utf8.csv", ",", "utf-8"),
        ("bom.csv", ";", "utf-8-sig"),
        ("excel.csv", ";", "cp1252"),  # Norwegian Excel export
        ("latin1.csv", ";", "latin-1"),
        ("pipes.csv", "|", "utf-8"),
        ("tabs.tsv", "\t", "utf-8"),
        ("tabs-named.csv", "\t", "cp1252"),
    ],
)
def test_delimited_encodings_and_delimiters(tmp_path, filename, delimiter, encoding):
    path = tmp_path / filename
    path.write_bytes(csv_bytes(delimiter, encoding))
    sample = read_file(path)
    assert sample.format == ("tsv" if delimiter == "\t" else "csv")
    assert not sample.mismatch
    assert by_name(sample) == EXPECTED_CSV


def test_semicolon_cp1252_with_comma_addresses(tmp_path):
    # Commas inside values must not win over the semicolon delimiter.
    text = "navn;adresse;kontonummer\r\n" + "".join(
        f"{NAMES[i]};Storgata {i + 1}, 9008 {TOWNS[i]};{ACCOUNT[i]}\r\n" for i in range(3)
    )
    path = tmp_path / "eksport.csv"
    path.write_bytes(text.encode("cp1252"))
    fields = by_name(read_file(path))
    assert fields["adresse"] == [f"Storgata {i + 1}, 9008 {TOWNS[i]}" for i in range(3)]
    assert fields["kontonummer"] == ACCOUNT


def test_headerless_csv_gets_positional_names(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_bytes(csv_bytes(",", header=False))
    assert by_name(read_file(path)) == {"col1": FNR, "col2": NAMES, "col3": TOWNS, "col4": PHONE}


def test_ragged_csv_is_tolerated(tmp_path):
    text = (
        "fnr,navn,telefon\n"
        f"{FNR[0]},{NAMES[0]},{PHONE[0]}\n"
        f"{FNR[1]},{NAMES[1]}\n"  # short row
        f"{FNR[2]},{NAMES[2]},{PHONE[2]},{EMAILS[2]}\n"  # long row
        f"{FNR[0]},{NAMES[0]},{PHONE[0]}\n"
    )
    path = tmp_path / "ragged.csv"
    path.write_text(text, encoding="utf-8")
    fields = by_name(read_file(path))
    assert fields == {
        "fnr": [FNR[0], FNR[1], FNR[2], FNR[0]],
        "navn": [NAMES[0], NAMES[1], NAMES[2], NAMES[0]],
        "telefon": [PHONE[0], PHONE[2], PHONE[0]],
        "col4": [EMAILS[2]],
    }


def test_single_column_csv_trusts_extension(tmp_path):
    path = tmp_path / "emails.csv"
    path.write_text("epost\n" + "\n".join(EMAILS) + "\n")
    sample = read_file(path)
    assert sample.format == "csv" and by_name(sample) == {"epost": EMAILS}


def test_csv_row_cap(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("fnr;n\n" + "".join(f"{FNR[i % 3]};{i}\n" for i in range(5000)))
    fields = by_name(read_file(path, Limits(max_rows=10)))
    assert len(fields["fnr"]) == 10 and fields["n"] == [str(i) for i in range(10)]


# --- JSON and JSON Lines --------------------------------------------------------------------------------

RECORDS = [
    {"user": {"email": EMAILS[i], "fnr": FNR[i]}, "telefon": [PHONE[i]], "aktiv": True} for i in range(3)
]


@pytest.mark.parametrize(
    "filename, content, fmt, expected",
    [
        (
            "array.json",
            json.dumps(RECORDS, ensure_ascii=False, indent=2),
            "json",
            {"user.email": EMAILS, "user.fnr": FNR, "telefon[]": PHONE},
        ),
        (
            "nested.json",
            json.dumps({"kunder": RECORDS, "meta": {"kilde": "crm"}}, ensure_ascii=False),
            "json",
            {"kunder[].user.email": EMAILS, "kunder[].user.fnr": FNR, "kunder[].telefon[]": PHONE, "meta.kilde": ["crm"]},
        ),
        (
            "records.jsonl",
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS),
            "jsonl",
            {"user.email": EMAILS, "user.fnr": FNR, "telefon[]": PHONE},
        ),
        (
            "events.log",  # JSON Lines under a .log name: a JSON log, read by the log parser
            "".join(json.dumps({"msg": NAMES[i], "fnr": FNR[i]}, ensure_ascii=False) + "\n" for i in range(3)),
            "log",
            {"msg": NAMES, "fnr": FNR},
        ),
    ],
)
def test_json_paths(tmp_path, filename, content, fmt, expected):
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    sample = read_file(path)
    assert sample.format == fmt and not sample.mismatch
    fields = by_name(sample)
    assert "aktiv" not in fields  # booleans hold no identifier
    assert {k: sorted(v) for k, v in fields.items()} == {k: sorted(v) for k, v in expected.items()}


def test_large_json_array_is_streamed_to_the_row_cap(tmp_path):
    records = [{"fnr": FNR[i % 3], "n": i, "pad": "x" * 200} for i in range(5000)]  # ~1 MB, far past the head
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records))
    fields = by_name(read_file(path, Limits(max_rows=7)))
    assert sorted(fields["n"]) == list(range(7))


def test_broken_json_is_corrupt(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(f'{{"user": {{"email": "{EMAILS[0]}", "fnr": ')
    with pytest.raises(Corrupt, match="json"):
        read_file(path)


# --- Parquet --------------------------------------------------------------------------------------------


def write_parquet(path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "fnr": [FNR[0], FNR[1], FNR[2], "ONLY-IN-GROUP-2"],
            "antall": [1, 2, 3, 4],
            "kunde": [{"navn": NAMES[i % 3], "telefon": PHONE[i % 3]} for i in range(4)],
            "kontoer": [[ACCOUNT[0]], [ACCOUNT[1]], [ACCOUNT[2]], ["99999999999"]],
        }
    )
    pq.write_table(table, path, row_group_size=3)
    assert pq.ParquetFile(path).metadata.num_row_groups == 2


def test_parquet_reads_only_the_first_row_group(tmp_path):
    path = tmp_path / "kunder.parquet"
    write_parquet(path)
    sample = read_file(path)
    assert sample.format == "parquet"
    fields = {f.name: f for f in sample.fields}
    assert fields["fnr"].values == FNR and fields["fnr"].declared_type == "string"
    assert fields["antall"].values == [1, 2, 3]
    assert fields["kunde.navn"].values == NAMES and fields["kunde.telefon"].values == PHONE
    assert fields["kontoer[]"].values == ACCOUNT
    everything = [v for f in sample.fields for v in f.values]
    assert "ONLY-IN-GROUP-2" not in everything and "99999999999" not in everything


def test_parquet_from_an_unseekable_stream_is_spooled():
    buf = io.BytesIO()
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"fnr": FNR}), buf)
    sample = read(io.BufferedReader(Unseekable(buf.getvalue())), "s3-object")
    assert by_name(sample) == {"fnr": FNR}


def test_csv_named_file_holding_parquet(tmp_path):
    path = tmp_path / "not-really.csv"
    write_parquet(path)
    sample = read_file(path)
    assert sample.format == "parquet" and sample.claimed == "csv"
    assert sample.mismatch and "holds parquet" in sample.mismatches[0]
    assert by_name(sample)["fnr"] == FNR


# --- XLSX -----------------------------------------------------------------------------------------------


def test_xlsx_every_sheet_with_header_detection(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kunder"
    ws.append(["Fødselsnummer", "Navn", "Telefon"])
    for i in range(3):
        ws.append([FNR[i], NAMES[i], int(PHONE[i])])
    raw = wb.create_sheet("Ark2")  # no header: values from the first row
    for i in range(3):
        raw.append([EMAILS[i], ACCOUNT[i]])
    path = tmp_path / "kunder.xlsx"
    wb.save(path)

    sample = read_file(path)
    assert sample.format == "xlsx" and not sample.mismatch
    assert by_name(sample) == {
        "Kunder!Fødselsnummer": FNR,
        "Kunder!Navn": NAMES,
        "Kunder!Telefon": [int(p) for p in PHONE],
        "Ark2!col1": EMAILS,
        "Ark2!col2": ACCOUNT,
    }


# --- Compression ----------------------------------------------------------------------------------------


def _zip(data: bytes, member: str = "kunder.csv") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, data)
    return buf.getvalue()


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(
    "filename, compress, layer, prefix",
    [
        ("kunder.csv.gz", gzip.compress, "gzip", ""),
        ("kunder.csv.bz2", bz2.compress, "bzip2", ""),
        ("kunder.csv.zst", _zstd, "zstd", ""),
        ("kunder.csv.xz", __import__("lzma").compress, "xz", ""),
        ("kunder.zip", _zip, "zip", "kunder.csv:"),
        ("kunder.csv.gz.zst", lambda d: _zstd(gzip.compress(d)), "zstd", ""),
    ],
)
def test_compressed_csv(tmp_path, filename, compress, layer, prefix):
    path = tmp_path / filename
    path.write_bytes(compress(csv_bytes(";", "cp1252")))
    sample = read_file(path)
    assert sample.layers[0] == layer and not sample.mismatch
    assert by_name(sample) == {prefix + k: v for k, v in EXPECTED_CSV.items()}


def test_gzip_from_an_unseekable_stream():
    sample = read(io.BufferedReader(Unseekable(gzip.compress(csv_bytes()))), "s3/key.csv.gz")
    assert sample.format == "csv" and by_name(sample) == EXPECTED_CSV


def test_zip_lists_members_it_cannot_read(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("kunder.csv", csv_bytes(","))
        zf.writestr("bilde.png", b"\x89PNG\r\n\x1a\n" + bytes(100))  # a broken image
        zf.writestr("program", b"\x7fELF\x02\x01\x01" + bytes(100))
    path = tmp_path / "blandet.zip"
    path.write_bytes(buf.getvalue())
    sample = read_file(path)
    assert by_name(sample)["kunder.csv:navn"] == NAMES
    assert sample.skipped == [("bilde.png", "corrupt: png: not a readable image (UnidentifiedImageError)"),
                              ("program", "unsupported: elf")]


# --- Malformed and hostile input ------------------------------------------------------------------------


def noisy_csv(rows: int = 400) -> bytes:
    """Compresses like real data: repeated rows would fit in a gzip's first few bytes."""
    rnd = random.Random(5)
    return csv_bytes() + "".join(f"{rnd.random()};{rnd.random()};x;{rnd.random()}\r\n" for _ in range(rows)).encode()


def test_truncated_gzip_keeps_the_readable_part_and_says_so(tmp_path):
    data = gzip.compress(noisy_csv())
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    sample = read_file(path)
    assert sample.format == "csv" and by_name(sample)["navn"][:3] == NAMES[:3]
    assert len(sample.warnings) == 1 and "gzip: truncated" in sample.warnings[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_text_exports_are_read_as_text(tmp_path, encoding):
    # Excel's "Unicode text" is UTF-16 with a BOM and tabs; Windows tools write UTF-16 logs
    path = tmp_path / "kunder.txt"
    text = csv_bytes(delimiter="\t").decode()
    path.write_bytes((b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding))
    sample = read_file(path)
    assert sample.format == "tsv" and by_name(sample) == EXPECTED_CSV


def test_truncated_zstd_is_noted_like_gzip(tmp_path):
    import zstandard

    data = zstandard.ZstdCompressor().compress(noisy_csv(20_000))  # several 128 KiB blocks
    path = tmp_path / "cut.csv.zst"
    path.write_bytes(data[: len(data) // 2])
    sample = read_file(path, Limits(max_rows=10**6))  # the cut is seen only by a reader that gets there
    assert sample.format == "csv" and by_name(sample)["navn"][:3] == NAMES[:3]
    assert len(sample.warnings) == 1 and "zstd: truncated" in sample.warnings[0]
    two_frames = zstandard.ZstdCompressor().compress(csv_bytes()) + zstandard.ZstdCompressor().compress(b"")
    assert read(io.BytesIO(two_frames), "k.csv.zst").warnings == []


def test_gzip_cut_before_any_data_is_corrupt(tmp_path):
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(gzip.compress(csv_bytes())[:12])
    with pytest.raises(Corrupt, match="gzip"):
        read_file(path)


@pytest.mark.parametrize("compress", [gzip.compress, lambda d: bz2.compress(d, 1), __import__("lzma").compress],
                         ids=["gzip", "bzip2", "xz"])
def test_a_prefix_read_ends_quietly_where_the_bytes_end(tmp_path, compress):
    data = compress(noisy_csv(8000))  # bzip2 gives nothing before its first 100 kB block is complete
    sample = read(io.BytesIO(data[: len(data) // 3]), "export.csv.gz", Limits(partial=True))
    assert sample.format == "csv" and sample.warnings == [] and len(by_name(sample)["navn"]) > 10


def test_a_prefix_read_of_a_json_array_keeps_the_whole_items(tmp_path):
    items = [{"kunde": {"epost": f"kunde{i}@example.no"}} for i in range(2000)]
    data = json.dumps(items).encode()
    sample = read(io.BytesIO(data[:5000]), "kunder.json", Limits(partial=True))
    emails = by_name(sample)["kunde.epost"]
    assert 10 < len(emails) < 2000 and all(e.endswith("@example.no") for e in emails)


def test_invalid_utf8_text_is_replaced_not_fatal(tmp_path):
    lines = [f"{NAMES[0]} ringte fra {PHONE[0]}".encode(), b"broken \xff\xfe bytes " + FNR[1].encode(), f"bor i {TOWNS[2]}".encode()]
    path = tmp_path / "app.log"
    path.write_bytes(b"\n".join(lines) + b"\n")
    sample = read_file(path)
    assert sample.format == "text"
    assert by_name(sample) == {  # one paragraph
        "text": [f"{NAMES[0]} ringte fra {PHONE[0]}\nbroken \ufffd\ufffd bytes {FNR[1]}\nbor i {TOWNS[2]}"]
    }


def test_text_line_cap_and_long_lines(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(b"a" * 5000 + b" " + FNR[0].encode() + b"\n" + b"".join(b"line %d\n" % i for i in range(100)))
    values = by_name(read_file(path, Limits(max_rows=14, value_cap=100, max_line_bytes=1000)))["text"]
    # the line is cut at max_line_bytes, read in value_cap pieces, and its tail is not a new line;
    # the short lines after it, a paragraph without blank lines, in runs of PARAGRAPH_LINES
    runs = ["\n".join(f"line {i}" for i in range(k, k + PARAGRAPH_LINES)) for k in range(0, 100, PARAGRAPH_LINES)]
    assert values == ["a" * 100] * 10 + runs[:4]


@pytest.mark.parametrize("text, expected", [
    ("Kari Nordmann\nStorgata 12\n0150 OSLO\n\nHei Kari,\nvi bekrefter.\n",
     ["Kari Nordmann\nStorgata 12\n0150 OSLO", "Hei Kari,\nvi bekrefter."]),
    ("\n\n  \nen\r\nto\r\n\r\n\r\ntre\n", ["en\nto", "tre"]),
    ("a\n" * 9, ["a\n" * 7 + "a", "a"]),  # no blank lines: runs of PARAGRAPH_LINES
    ("kort\n" + "x" * 150 + "\nkort\n", ["kort", "x" * 100, "x" * 50, "kort"]),  # a long line in pieces of its own
    ("ab\n" * 40, ["ab\nab\nab\nab\nab\nab\nab\nab"] * 5),
])
def test_plain_text_is_read_in_paragraphs(tmp_path, text, expected):
    path = tmp_path / "brev.txt"
    path.write_text(text)
    assert by_name(read_file(path, Limits(value_cap=100)))["text"] == expected


def test_a_table_on_one_line_is_read_in_pieces_cut_between_values(tmp_path):
    rows = ",".join(f"({i},'{FNR[i % 3]}','{NAMES[i % 3]}')" for i in range(300))
    path = tmp_path / "dump.sql"
    path.write_text(f"-- MySQL dump\nINSERT INTO `kunde` VALUES {rows};\n")
    values = by_name(read_file(path, Limits(value_cap=200)))["text"]
    assert len(values) > 40 and all(len(v) <= 200 for v in values)
    assert "".join(values[1:]) == f"INSERT INTO `kunde` VALUES {rows};"
    assert all(v.endswith((",", ";")) for v in values[1:-1])  # between tuples, never inside a number
    assert sum(FNR[0] in v for v in values[len(values) // 2:]) > 10  # the far end of the line is read too


def _gzip_bomb(path, byte: bytes, size: int = 200 * MiB) -> None:
    block = byte * MiB
    with gzip.open(path, "wb", compresslevel=1) as gz:
        for _ in range(size // MiB):
            gz.write(block)


def _bounded(fn):
    tracemalloc.start()
    started = time.monotonic()
    try:
        return fn()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        elapsed = time.monotonic() - started
        assert peak < 40 * MiB, f"peak {peak / MiB:.0f} MiB"
        assert elapsed < 20, f"{elapsed:.1f} s"


@pytest.fixture(scope="module")
def text_bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "zeros.txt.gz"
    _gzip_bomb(path, b"0")
    assert path.stat().st_size < 2 * MiB
    return path


def test_gzip_bomb_hits_the_decompression_cap(text_bomb):
    limits = Limits(max_decompressed=10 * MiB, max_bytes=1 << 40)
    with pytest.raises(TooLarge) as err:
        _bounded(lambda: read_file(text_bomb, limits))
    assert err.value.limit == 10 * MiB


def test_gzip_bomb_under_default_caps_is_a_bounded_sample(text_bomb):
    sample = _bounded(lambda: read_file(text_bomb, Limits(value_cap=50)))
    assert by_name(sample) == {"text": ["0" * 50] * 1000}  # max_rows pieces of the first line


def test_gzip_bomb_of_binary_zeros_is_unsupported(tmp_path):
    path = tmp_path / "zeros.gz"
    _gzip_bomb(path, b"\0", 50 * MiB)
    with pytest.raises(Unsupported) as err:
        _bounded(lambda: read_file(path, Limits(max_decompressed=10 * MiB)))
    assert err.value.detected_type == "binary"


def test_zip_bomb_member_is_too_large(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.csv", "w") as member:
        for _ in range(20):
            member.write(b"0;" * (MiB // 2))
    with pytest.raises(TooLarge):
        read_file(path, Limits(max_decompressed=10 * MiB))


def test_encrypted_zip_is_unsupported(tmp_path):
    # The stdlib cannot write encrypted zips; the reader decides by the encryption flag bit in
    # the local and central headers, which is what we set here (zipfile itself then asks for a password).
    data = bytearray(_zip(csv_bytes()))
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf, pytest.raises(RuntimeError, match="encrypted"):
        zf.read("kunder.csv")
    path = tmp_path / "hemmelig.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(Unsupported) as err:
        read_file(path)
    assert err.value.detected_type == "encrypted zip"


@pytest.mark.parametrize(
    "filename, content, detected",
    [
        ("program", b"\x7fELF\x02\x01\x01" + bytes(64), "elf"),
        ("data.bin", bytes(range(256)) * 4, "binary"),
        ("kunder.csv", b"\x7fELF\x02\x01\x01" + bytes(64), "elf"),  # claims CSV, holds a program
    ],
)
def test_unsupported_content_names_its_type(tmp_path, filename, content, detected):
    path = tmp_path / filename
    path.write_bytes(content)
    with pytest.raises(Unsupported) as err:
        read_file(path)
    assert err.value.detected_type == detected


@pytest.mark.parametrize(
    "filename, content, reason",
    [  # documents that claim a format by their first bytes and hold nothing after them
        ("bilde.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "corrupt: png: not a readable image"),
        ("kunder.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "corrupt: png: not a readable image"),
        ("foto.jpg", b"\xff\xd8\xff\xe0" + bytes(64), "corrupt: jpeg: not a readable image"),
        ("rapport.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "corrupt: pdf: "),
        ("arkiv.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "corrupt: ole: not a readable OLE file"),
    ],
)
def test_a_broken_document_is_corrupt_with_its_format_named(tmp_path, filename, content, reason):
    path = tmp_path / filename
    path.write_bytes(content)
    with pytest.raises(Corrupt) as err:
        read_file(path)
    assert str(err.value).startswith(reason)


# --- Detection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head, name, complete, fmt, mismatch",
    [
        (b'{"a": 1}', "x.json", True, "json", False),
        (b'{"a": 1}\n{"a": 2}\n', "x.json", True, "jsonl", False),
        (b"a;b\n1;2\n3;4\n", "x.txt", True, "csv", False),
        (b"a;b\n1;2\n3;4\n", "x.json", True, "csv", True),
        (b"plain words\nmore words\n", "x.csv", True, "csv", False),
        (b"plain words\nmore words\n", "x.parquet", True, "text", True),
        (b"PAR1\x15\x04", "x.csv", False, "parquet", True),
        (b"", "x.csv", True, "empty", False),
    ],
)
def test_detect(head, name, complete, fmt, mismatch):
    found = detect(head, name, complete)
    assert (found.format, found.mismatch) == (fmt, mismatch)


def test_a_json_document_of_any_size_is_streamed_to_the_budget():
    doc = {"eksportert": "2024-05-01", "kunder": [{"navn": NAMES[i % 3], "kontakt": {"epost": f"k{i}@example.no"},
                                                   "item": i} for i in range(50_000)]}
    data = json.dumps(doc).encode()
    assert len(data) > 2 * MiB
    sample = read(io.BytesIO(data), "kunder.json", Limits(max_rows=100, max_bytes=MiB))
    fields = by_name(sample)
    assert set(fields) == {"eksportert", "kunder[].navn", "kunder[].kontakt.epost", "kunder[].item"}
    assert len(fields["kunder[].kontakt.epost"]) == 100 and fields["kunder[].item"][:3] == [0, 1, 2]


def test_json_errors_do_not_quote_the_document():
    secret = FNR[0]
    with pytest.raises(Corrupt) as err:
        read(io.BytesIO(f'{{"fnr": "{secret}", "navn": }}'.encode()), "x.json")
    assert secret not in str(err.value) and str(err.value) == "corrupt: json: invalid syntax"
    with pytest.raises(Corrupt, match="ends before it is complete"):
        read(io.BytesIO(f'[{{"fnr": "{secret}"}}, {{"fnr": "{secret}'.encode()), "x.json")
