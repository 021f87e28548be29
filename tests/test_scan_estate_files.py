"""The generated file estate (`scanner.estate_files`), scanned from disk and from S3 over HTTP:
per dataset and field, findings must equal the planted labels, and every file that cannot be
read must be listed with the right reason."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from naming import tag
from reporting import of, scan_cli

from demo import estate_files
from scanner.crawlers.datasets import pattern_of
from scanner.crawlers.files import display


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    base = tmp_path_factory.mktemp("filestate")
    root, outside = base / "share", base / "outside"
    outside.mkdir()
    labels = estate_files.write_estate(root, seed=2026, rows=300, outside=outside)
    return root, labels, estate_files.special_files(root)


def expected_findings(labels: dict, keep=lambda rel: True) -> dict[tuple[str, str | None], frozenset]:
    """Labels per file, grouped into datasets as the crawlers group them."""
    groups = defaultdict(list)
    for rel in labels:
        if keep(rel):
            groups[pattern_of(rel)].append(rel)
    out = defaultdict(set)
    for pattern, members in groups.items():
        name = display(members[0]) if len(members) == 1 else pattern
        for rel in members:
            for field, entities in labels[rel].items():
                if entities:
                    out[(name, field)] |= entities
    return {k: frozenset(v) for k, v in out.items()}


def reported(lines: list[dict], labels: dict) -> dict[tuple[str, str | None], frozenset]:
    """Findings per (dataset, field); a document labelled as a whole (field None) gathers the
    findings of all its parts (`page 1`, `body`, `attachment beboere.csv#epost`)."""
    whole = {display(rel) for rel, fields in labels.items() if None in fields}
    out = defaultdict(set)
    for r in of(lines, "finding"):
        dataset = r["location"]["dataset"]
        out[(dataset, None if dataset in whole else r["location"]["field"])].add(r["entity_type"])
    return {k: frozenset(v) for k, v in out.items()}


def run(*args) -> tuple[int, list[dict]]:
    code, lines, _ = scan_cli(*args)
    return code, lines


def by_dataset(lines: list[dict], kind: str) -> dict[str, dict]:
    return {r["location"]["dataset"]: r for r in of(lines, kind) if r["location"]}


def check_special(lines: list[dict], special: dict[str, str], present=lambda rel: True) -> None:
    skipped, errors, datasets = by_dataset(lines, "skipped"), by_dataset(lines, "error"), by_dataset(lines, "dataset")
    for rel, what in special.items():
        if not present(rel):
            continue
        if what.startswith("unsupported:"):
            kind = what.split(":", 1)[1]  # "unsupported: binary", "ole: not a Word, Excel, … file"
            assert skipped[rel]["reason"] in (f"unsupported: {kind}", *(
                [skipped[rel]["reason"]] if skipped[rel]["reason"].startswith(f"{kind}: ") else [])), rel
        elif what == "corrupt":
            assert errors[rel]["error"]["message"].startswith("corrupt: json"), rel
        elif what == "partial":
            assert "gzip: truncated" in errors[rel]["error"]["message"], rel
            assert rel in datasets, rel  # and what was readable is in the findings (labels)
        elif what == "bounded":  # the gzip bomb: read up to --read-bytes of JSON text, then stopped
            assert datasets[rel]["format"] == "gzip>json" and datasets[rel]["objects"]["read_bytes"] < 1 << 20
        elif what == "mismatch":
            assert datasets[rel]["format"] == "parquet"
            assert datasets[rel]["notes"] == [f"{Path(rel).name}: named csv, holds parquet"]
        elif what == "empty":
            assert datasets[rel]["format"] == "empty" and datasets[rel]["fields"] == 0
        elif what == "not a regular file":
            assert skipped[rel]["reason"] == "not a regular file (fifo)"
        elif what == "outside symlink":
            assert skipped[rel]["reason"] == "symlink leads outside the root: not followed"
        elif what in ("inside symlink", "symlink loop"):
            assert skipped[rel]["reason"] == "symlink to a directory already scanned"
        else:
            raise AssertionError(f"unknown special kind {what!r} for {rel}")


def test_file_system_findings_equal_the_labels(estate):
    root, labels, special = estate
    code, lines = run(str(root))
    assert code == 3  # the corrupt JSON and the truncated gzip are errors; everything else is read
    assert reported(lines, labels) == expected_findings(labels)
    check_special(lines, special)


def test_nothing_outside_the_root_or_behind_a_symlink_is_read(estate):
    root, labels, _ = estate
    _, lines = run(str(root))
    for r in of(lines, "dataset") + of(lines, "finding"):
        assert not r["location"]["dataset"].startswith("lenker/")
        assert r["location"]["container"] == str(root)


def test_s3_findings_equal_the_file_system_findings(estate, aws_env):
    root, labels, special = estate
    bucket = f"estate-{tag(8)}"
    estate_files.upload(root, aws_env.create_bucket(bucket), bucket)
    code, lines = run(f"s3://{bucket}", "--endpoint-url", aws_env.endpoint)
    assert code == 3
    uploaded = lambda rel: estate_files.s3_key(rel) is not None  # noqa: E731 — not the non-UTF-8 name
    assert reported(lines, labels) == expected_findings(labels, uploaded)
    check_special(lines, special, lambda rel: uploaded(rel) and special[rel] not in (
        "not a regular file", "outside symlink", "inside symlink", "symlink loop"))
