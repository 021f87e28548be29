"""Reading a JSONL report back in tests: every line validated against the published schema."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import jsonschema
from click.testing import CliRunner

SCHEMA = json.loads((Path(__file__).parent.parent / "reports" / "report.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def report(path) -> list[dict]:
    lines = [json.loads(line) for line in open(path, encoding="utf-8")]
    for line in lines:
        VALIDATOR.validate(line)
    return lines


def of(lines: list[dict], kind: str) -> list[dict]:
    return [r for r in lines if r["record"] == kind]


def findings(lines: list[dict]) -> set[tuple[str, str | None, str]]:
    return {(r["location"]["dataset"], r["location"]["field"], r["entity_type"]) for r in of(lines, "finding")}


def reasons(lines: list[dict], kind: str = "skipped") -> dict[str, str]:
    """dataset -> skip reason (or error message)."""
    return {r["location"]["dataset"]: (r["reason"] if kind == "skipped" else r["error"]["message"])
            for r in of(lines, kind) if r["location"]}


def scan_cli(*args) -> tuple[int, list[dict], str]:
    """`kartlegg scan ARGS` through the CLI: (exit code, the validated report, what it printed)."""
    from scanner.cli.main import cli

    out = Path(tempfile.mkdtemp()) / "report.jsonl"
    result = CliRunner().invoke(cli, ["scan", *args, "-o", str(out)], catch_exceptions=False)
    return result.exit_code, report(out), result.output


TIMING = ("scan_id", "started_at", "finished_at", "duration_ms", "duration_s", "executor")


def comparable(lines: list[dict]) -> list[str]:
    """A report's records without ids, times and the executor, in a fixed order: what two scans
    of the same estate must share however their units were run."""
    return sorted(json.dumps(_untimed(r), sort_keys=True, ensure_ascii=False) for r in lines)


def _untimed(r: dict) -> dict:
    out = {k: v for k, v in r.items() if k not in TIMING}
    if isinstance(out.get("document"), dict):  # a document's reading and OCR time (issue 20)
        out["document"] = {k: v for k, v in out["document"].items() if k not in ("seconds", "ocr_seconds")}
    return out
