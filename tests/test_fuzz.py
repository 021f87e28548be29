"""CI-sized fuzzing: a few hundred mutated files of every format, one `kartlegg scan` of them all.

The files are valid seeds of every format the readers handle (bench/fuzz.py: CSV, TSV, JSON, JSON
Lines, XLSX, Parquet, text, logs, gzip, bzip2, zstd, xz, zip, tar, and documents: PDF, images, Word,
OpenDocument, RTF, legacy Office, e-mail, HTML, XML, hostile ones among them) with mutations from a
seeded RNG: bit flips, truncation, duplication, splicing, deep nesting, huge fields, control bytes. The
scan must end (a generous timeout is the hang guard), with exit code 0, 1 or 3 and a valid report,
and every file must have a dataset, skipped or error record of its own. bench/fuzz.py runs the
same over 10,000 files and measures peak memory.
"""

from __future__ import annotations

from bench import fuzz

FILES = 400
SEED = 2026


def test_fuzzed_files_never_crash_hang_or_vanish(tmp_path):
    rels = fuzz.write_corpus(tmp_path / "fuzz", FILES, seed=SEED)
    assert len(set(rels)) == FILES
    result = fuzz.scan(tmp_path / "fuzz", tmp_path / "report.jsonl", timeout=900)
    assert not result.hung
    assert result.code in (0, 1, 3), result.stderr
    assert result.invalid is None, result.invalid
    assert fuzz.dropped(rels, result.report) == []
    # the mutants reached every reader, not only the format detection
    read = {r["format"] for r in result.report if r["record"] == "dataset"}
    kinds = {k for f in read for k in f.replace("mixed (", "").rstrip(")").replace(",", ">").split(">")}
    assert {"csv", "tsv", "json", "jsonl", "xlsx", "parquet", "text", "log", "gzip", "bzip2", "xz", "zstd",
            "zip"} <= {k.strip() for k in kinds}
    # and the document readers (issue 20): PDF, images, Office old and new, e-mail, markup
    assert {"pdf", "png", "doc", "xls", "ods", "rtf", "eml", "msg", "html", "xml"} <= {k.strip() for k in kinds}


def test_the_corpus_is_the_same_for_the_same_seed(tmp_path):
    a = fuzz.write_corpus(tmp_path / "a", 20, seed=SEED)
    b = fuzz.write_corpus(tmp_path / "b", 20, seed=SEED)
    assert a == b and all((tmp_path / "a" / r).read_bytes() == (tmp_path / "b" / r).read_bytes() for r in a)
    assert fuzz.dropped(a, [{"record": "dataset", "location": {"dataset": a[0]}}]) == a[1:]
