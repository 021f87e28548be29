"""The generated file estate (scanner.estate_files): its files, its labels and its special files.

The labels are checked the way the scanner judges a file: read with `scanner.formats.read`,
every field classified by `classify_column` with its neighbours, findings at 0.5.
"""

from __future__ import annotations

import gzip
import os
import stat
import struct
from pathlib import Path

import pytest

from detectors.column import classify_column
from demo import estate_files
from scanner.formats import Corrupt, FormatError, Unsupported, read

NON_UTF8 = os.fsdecode(estate_files.NON_UTF8_NAME)

# Every file the estate holds, with what the scanner should find in it (a summary: the labels
# themselves are checked field by field below). "-" for none.
FILES = {
    "analyse/kundesegmenter.parquet": "fnr stored as int64",
    "api/kunder.json": "nested JSON: fnr, names, e-mail, phone, address, meter IDs",
    "api/ordrer_avbrutt.json": "-",  # corrupt
    "arkiv/abonnenter_1998.csv": "Latin-1, pipes: fnr, names, address, phone",
    "arkiv/kunderegister_2009.xls": "-",  # unsupported: ole
    "bomber/fulleksport.json.gz": "-",  # bounded: read to the byte budget, nothing personal before the zeros
    "drift/metrics.csv": "-",
    "dump/dump-20240501.sql.gz": "free text: fnr, name, address, phone, e-mail",
    "dump/dump-20240601.sql.gz": "free text: fnr, name, address, phone, e-mail",
    "backup/kundesystem_full.sql": "free text, one extended INSERT line: fnr, name, address, phone, e-mail",
    "eksport/Kundeliste 2024 (Excel).csv": "cp1252, semicolons: fnr, names, phone",
    NON_UTF8: "name, phone, fnr",
    "eksport/kunder.csv": "fnr, name, address, phone, e-mail, account",
    "eksport/kunder_2023.csv.gz": "fnr, name, address, phone, e-mail",
    "eksport/kunder_avbrutt.csv.gz": "partial: fnr, name, phone, e-mail",
    "eksport/kunder_feil_tegn.csv": "invalid UTF-8: fnr, name, place, phone",
    "eksport/kunder_ujevn.csv": "ragged: fnr, name, phone, e-mail",
    **{f"eksport/malerdata/2024/{m:02d}/maleverdi_{p:04d}.csv": "meter ID, serial, kWh"
       for m in (1, 2, 3) for p in (1, 2)},
    "eksport/påmeldte_årsmøte_Ørsta.csv": "name, e-mail, phone",
    "eksport/rapport_mai.csv": "-",  # mismatch: Parquet of metrics
    "eksport/tom.csv": "-",  # empty
    "hr/ansatte.tsv": "names, fnr, phone, e-mail, account",
    "import/kontakter_uten_overskrift.csv": "headerless: fnr, name, e-mail, phone",
    "katalog/produktkatalog.csv": "-",  # hard negative: 11-digit article numbers, prices, versions
    **{f"lake/kunder/year=2024/month={m:02d}/part-0000.parquet": "fnr, names, struct e-mail/phone, postnr, kWh"
       for m in (1, 2, 3, 4)},
    "leverandorer/leverandorregister.csv": "organisation numbers only",
    "logg/hendelser.jsonl": "e-mail, IP",
    "logg/revisjon-2024-05.jsonl.bz2": "e-mail, IP, fnr",
    "markedsforing/nyhetsbrev_abonnenter.csv": "UTF-8 BOM: e-mail, names, IP",
    "notater/saksnotat.txt": "free text: fnr, names, address, phone, e-mail, account",
    "notater/samtalelogg.txt.zst": "free text: fnr, names, address, phone, e-mail",
    "okonomi/ordrer_2024.csv": "-",  # hard negative: order numbers, KIDs, amounts
    "overforing/kryptert_kundeuttrekk.zip": "-",  # unsupported: encrypted zip
    "overforing/kundepakke_mai.zip": "zip members: fnr, names, phone, e-mail",
    "rapporter/Kundeoversikt Q1.xlsx": "two sheets: names, fnr, phone, e-mail, address, account",
    "vedlegg/faktura_2024-10023.pdf": "a hand-written PDF's text layer: name, address",
    "vedlegg/maalerbilde_7070575.png": "-",  # an image too small to hold text: read, nothing in it
    # documents (demo.estate_documents), each labelled as a whole
    "dokumenter/brev/svar_paa_klage.docx": "a letter: address block, fnr, account, e-mail, phone",
    "dokumenter/kontrakter/avtale_nettilknytning.odt": "a contract with its customers in a table",
    "dokumenter/faktura/faktura_nettleie_mai.pdf": "an invoice: name, address, meter ID (the payee's account is the company's)",
    "dokumenter/referat_driftsmoete.rtf": "minutes naming a customer and their mobile number",
    "dokumenter/brukerhaandbok_maaler.pdf": "-",  # a manual: versions, part numbers, the company's switchboard
    "epost/kundeservice/beboerliste.eml": "an e-mail with a list of residents attached (beboere.csv)",
    "epost/kundeservice/klage_paa_faktura.msg": "an Outlook message: sender, account, address",
    "skannet/fullmakt_signert.pdf": "a scanned form (OCR): name, fnr, address",
    "intranett/min_side_lagret.html": "a saved customer page: name, address, meter ID, e-mail",
    "eksport/kunderegister.xml": "an XML register: names, fnr, addresses, e-mail",
    "vedlegg/sikkerhetskopi.bin": "-",  # unsupported: binary
}

SPECIAL = {
    "vedlegg/sikkerhetskopi.bin": "unsupported:binary",
    "overforing/kryptert_kundeuttrekk.zip": "unsupported:encrypted zip",
    "arkiv/kunderegister_2009.xls": "unsupported:ole",
    "api/ordrer_avbrutt.json": "corrupt",
    "eksport/kunder_avbrutt.csv.gz": "partial",
    "bomber/fulleksport.json.gz": "bounded",
    "eksport/rapport_mai.csv": "mismatch",
    "eksport/tom.csv": "empty",
    "spesial/kanal.fifo": "not a regular file",
    "lenker/utenfor.csv": "outside symlink",
    "lenker/eksport": "inside symlink",
    "lenker/loop": "symlink loop",
}

# Known classifier disagreements (file, field, expected, got): none. The labels below are what a
# correct scanner reports, and the classifier agrees with every one of them.


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    base = tmp_path_factory.mktemp("estate-files")
    root = base / "root"
    labels = estate_files.write_estate(root, seed=2026, rows=300, outside=base / "utenfor")
    return root, labels


def _open(root: Path, rel: str):
    return open(os.path.join(os.fsencode(root), os.fsencode(rel)), "rb")


def _sample(root: Path, rel: str):
    with _open(root, rel) as fh:
        return read(fh, os.path.basename(rel))


def _has_fifo_support(root: Path) -> bool:
    return os.path.lexists(root / "spesial/kanal.fifo")


def test_every_file_is_labelled_and_exists(estate):
    root, labels = estate
    expected = set(FILES)
    if not os.path.lexists(os.path.join(os.fsencode(root), estate_files.NON_UTF8_NAME)):
        expected.discard(NON_UTF8)  # a file system that refuses non-UTF-8 names
    assert set(labels) == expected
    for rel, fields in labels.items():
        path = os.path.join(os.fsencode(root), os.fsencode(rel))
        assert os.path.isfile(path) and not os.path.islink(path), rel
        assert all(isinstance(v, frozenset) for v in fields.values()), rel
        assert any(fields.values()) == (FILES[rel] != "-"), rel
        if None in fields:  # free text is judged per file: nothing else alongside
            assert list(fields) == [None], rel


def test_same_seed_same_bytes_other_seed_other_bytes(estate, tmp_path):
    root, labels = estate
    again = tmp_path / "again"
    assert estate_files.write_estate(again, seed=2026, rows=300) == labels
    # Without `outside` there is no outside link, and it is not listed.
    assert not os.path.lexists(again / "lenker/utenfor.csv")
    assert "lenker/utenfor.csv" not in estate_files.special_files(again)
    for rel in labels:
        with _open(root, rel) as a, _open(again, rel) as b:
            assert a.read() == b.read(), rel
    other = tmp_path / "other"
    estate_files.write_estate(other, seed=7, rows=300)
    for rel in ("eksport/kunder.csv", "rapporter/Kundeoversikt Q1.xlsx", "lake/kunder/year=2024/month=01/part-0000.parquet",
                "overforing/kundepakke_mai.zip", "notater/samtalelogg.txt.zst"):
        assert (root / rel).read_bytes() != (other / rel).read_bytes(), rel


@pytest.mark.parametrize("rel", sorted(FILES))
def test_labels_match_the_classifier(estate, engine, rel):
    root, labels = estate
    if rel not in labels:
        pytest.skip("this file system refuses non-UTF-8 names")
    want = labels[rel]
    special = SPECIAL.get(rel)
    if special and special.startswith("unsupported:"):
        with pytest.raises(Unsupported) as err:
            _sample(root, rel)
        assert err.value.detected_type == special.split(":", 1)[1]
        return
    if special == "corrupt":
        with pytest.raises(Corrupt):
            _sample(root, rel)
        return
    sample = _sample(root, rel)
    if special == "partial":  # the lines before the cut are sampled, and the cut is reported
        assert len(sample.warnings) == 1 and "gzip: truncated" in sample.warnings[0]
    if special == "bounded":  # the reader stops at its byte budget inside the 300 MiB string
        assert sample.layers == ("gzip",) and sample.format == "json"
        assert [f.name for f in sample.fields] == ["eksport_id"]
    if special == "mismatch":
        assert sample.mismatch and sample.format == "parquet"
    if special == "empty":
        assert sample.format == "empty" and not sample.fields

    names = [f.name for f in sample.fields]
    found = {}
    for f in sample.fields:
        verdict = classify_column(f.name, f.declared_type, f.values, engine, neighbours=[n for n in names if n != f.name],
                                  free_text=True if f.unstructured else None)
        found[f.name] = frozenset(v.entity_type for v in verdict.findings(0.5))
    if None in want:  # free text: what the file holds, whichever field the reader put it in
        assert frozenset().union(*found.values()) == want[None]
        return
    assert set(want) <= set(found), f"labelled fields the reader does not give: {set(want) - set(found)}"
    assert {name: got for name, got in found.items() if got} == {name: w for name, w in want.items() if w}


def test_special_files(estate):
    root, _ = estate
    special = estate_files.special_files(root)
    expected = dict(SPECIAL)
    if not _has_fifo_support(root):
        expected.pop("spesial/kanal.fifo")
    assert special == expected
    if "spesial/kanal.fifo" in special:
        assert stat.S_ISFIFO(os.lstat(root / "spesial/kanal.fifo").st_mode)
    real = root.resolve()
    outside = (root / "lenker/utenfor.csv").resolve()
    assert os.path.islink(root / "lenker/utenfor.csv") and not outside.is_relative_to(real) and outside.is_file()
    assert (root / "lenker/eksport").resolve() == real / "eksport"
    assert (root / "lenker/loop").resolve() == real / "lenker"


def test_gzip_bomb_is_small_on_disk_and_huge_inside(estate):
    root, _ = estate
    data = (root / "bomber/fulleksport.json.gz").read_bytes()
    assert len(data) < 1 << 20
    (size,) = struct.unpack("<I", data[-4:])  # ISIZE: decompressed length mod 2**32
    assert size > estate_files.BOMB_BYTES
    with gzip.open(root / "bomber/fulleksport.json.gz") as gz:
        assert gz.read(28) == b'[{"eksport_id": 1, "data": "'


def test_partial_gzip_has_readable_lines_before_the_cut(estate):
    root, labels = estate
    rel = "eksport/kunder_avbrutt.csv.gz"
    readable = b""
    with gzip.open(root / rel) as gz, pytest.raises(EOFError):
        while chunk := gz.read(4096):
            readable += chunk
    assert readable.startswith(b"fnr,navn,telefon,epost\n") and readable.count(b"\n") > 10
    try:
        sample = _sample(root, rel)
    except FormatError:
        return
    assert {f.name for f in sample.fields} == set(labels[rel])


def test_upload_puts_regular_files_only(estate, moto_server):
    root, labels = estate
    client = moto_server.create_bucket("estate-upload")
    count = estate_files.upload(root, client, "estate-upload", prefix="filer/")
    pages = client.get_paginator("list_objects_v2").paginate(Bucket="estate-upload")
    keys = {o["Key"] for page in pages for o in page.get("Contents", [])}
    expected = {"filer/" + rel for rel in labels if estate_files.s3_key(rel) is not None}
    assert count == len(keys) == len(expected) and keys == expected
    body = client.get_object(Bucket="estate-upload", Key="filer/eksport/kunder.csv")["Body"].read()
    assert body == (root / "eksport/kunder.csv").read_bytes()
    assert not any(k.startswith(("filer/lenker/", "filer/spesial/")) for k in keys)


def test_main_writes_a_small_estate(tmp_path, capsys):
    assert estate_files.main([str(tmp_path / "liten"), "--rows", "12", "--seed", "3"]) == 0
    assert (tmp_path / "liten/eksport/kunder.csv").read_text().count("\n") == 13
    assert "file estate:" in capsys.readouterr().out
