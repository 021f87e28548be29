"""Tidy output: tables with headings and aligned columns, help texts that are whole phrases, an
`init` example that validates as written, and start-up that imports no more than it needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from scanner.cli.main import cli

SENTENCE = "Kunden Kari Nordmann, fnr 01817012309, tlf 412 34 567"


def _rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("┃", "│"))]


def _aligned(output: str) -> bool:
    """Every row of a table has its column borders in the same places as its heading row."""
    rows = _rows(output)
    borders = [[i for i, ch in enumerate(line) if ch in "┃│"] for line in rows]
    return len(rows) > 1 and all(b == borders[0] for b in borders)


# -- kartlegg detect --------------------------------------------------------------------------

@pytest.mark.parametrize("args, value_heading", [([], "value (masked)"), (["--show-values"], "value")])
def test_detect_prints_a_headed_table(args, value_heading):
    result = CliRunner().invoke(cli, ["detect", *args, SENTENCE])
    assert result.exit_code == 0, result.output
    heading = [c.strip() for c in _rows(result.output)[0].strip("┃").split("┃")]
    assert heading == ["entity type", "category", "score", "span", value_heading, "context / notes"]
    assert _aligned(result.output)
    body = "\n".join(_rows(result.output)[1:])
    assert "NO_FODSELSNUMMER" in body and "26-37" in body and "context: fnr" in body
    assert ("01817012309" in body) == bool(args)  # masked unless asked


def test_detect_json_is_unchanged():
    result = CliRunner().invoke(cli, ["detect", "--json", SENTENCE])
    rows = json.loads(result.stdout)
    assert {"entity_type", "category", "start", "end", "score", "value", "fingerprint", "recognizer",
            "context_word"} <= set(rows[0])
    assert "┃" not in result.output


# -- kartlegg plugins, detectors --------------------------------------------------------------

@pytest.mark.parametrize("command, headings", [
    ("plugins", ["kind", "name", "object", "distribution"]),
    ("detectors", ["detector", "entity type", "category", "personal", "description"]),
])
def test_listings_are_aligned_tables_with_headings(command, headings):
    result = CliRunner().invoke(cli, [command])
    assert result.exit_code == 0, result.output
    assert [c.strip() for c in _rows(result.output)[0].strip("┃").split("┃")] == headings
    assert _aligned(result.output)
    assert any("detectors.recognizers.fodselsnummer:FodselsnummerRecognizer" in r for r in _rows(result.output)) \
        or command == "detectors"


# -- help texts -------------------------------------------------------------------------------

def _commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + name + " ")


@pytest.mark.parametrize("name, command", list(_commands(cli)), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_a_whole_phrase_for_a_summary(name, command):
    summary = command.get_short_help_str(limit=200)
    assert command.short_help, f"{name}: no short_help (click would cut its first sentence)"
    assert summary.endswith(".") and not summary.endswith("...") and len(summary) <= 64, summary


@pytest.mark.parametrize("args", [[], ["inventory"]])
def test_help_listings_cut_nothing(args):
    result = CliRunner().invoke(cli, [*args, "--help"], terminal_width=80)
    listing = result.output.split("Commands:", 1)[1]
    assert "..." not in listing and "…" not in listing.replace("…).", "")


def test_every_scan_option_says_what_it_does():
    scan = cli.commands["scan"]
    silent = [p.opts[-1] for p in scan.params if isinstance(p, click.Option) and not p.help]
    assert silent == [], f"options of `kartlegg scan` without help: {silent}"


# -- kartlegg init ----------------------------------------------------------------------------

def test_the_init_example_validates_as_written(tmp_path, monkeypatch):
    monkeypatch.delenv("PG_PASSWORD", raising=False)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "x.yaml"]).exit_code == 0
    result = CliRunner().invoke(cli, ["scan", "--config", "x.yaml", "--validate"])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output and "kundesystem" in result.output
    env = {k: v for k, v in os.environ.items() if k != "PG_PASSWORD"}
    for cmd in (["init", "y.yaml"], ["scan", "--config", "y.yaml", "--validate"]):
        done = subprocess.run([sys.executable, "-c", "from scanner.cli.main import main; main()", *cmd],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr


# -- start-up ---------------------------------------------------------------------------------

HEAVY = ("presidio_analyzer", "spacy", "detectors.engine", "scanner.scan.run", "rich.table")


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["scan", "--help"], ["scan", "--min-confidence", "2", "x"],
                                  ["detect", "--threshold", "x"]])
def test_help_version_and_argument_errors_import_nothing_heavy(args):
    probe = (f"import sys; from scanner.cli.main import cli\n"
             f"try: cli({args!r}, prog_name='kartlegg')\n"
             f"except SystemExit: pass\n"
             f"print([m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr


@pytest.mark.parametrize("source", ["sqlite:///kunder.db", "postgresql://kartlegg@db.example.no/kunder", "eksport",
                                    "s3://bucket/prefix"])
def test_validate_imports_neither_sqlalchemy_nor_the_scan(tmp_path, source):
    """`--validate` checks URLs and lists the plan; SQLAlchemy (~0.2 s) and the scan pipeline wait
    for a scan that reads something."""
    (tmp_path / "eksport").mkdir()
    (tmp_path / "kunder.db").write_bytes(b"")
    (tmp_path / "c.yaml").write_text(f"version: 1\nsources:\n  - url: {source}\n" if "://" in source else
                                     f"version: 1\nsources:\n  - path: {source}\n", encoding="utf-8")
    probe = ("import sys; from scanner.cli.main import cli\n"
             "try: cli(['scan', '--config', 'c.yaml', '--validate'], prog_name='kartlegg')\n"
             "except SystemExit as exc: print('exit', exc.code)\n"
             f"print([m for m in {HEAVY + ('sqlalchemy', 'duckdb')!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ["exit 0", "[]"], done.stdout + done.stderr


# what a database scan never needs: a configuration's reader, file readers and log parsers,
# the other crawlers (asked only when the one its scheme points to declines), the seal's cipher
# (no name masked here) and the writer library the JSON Lines report no longer uses
NOT_FOR_A_DATABASE = ("yaml", "scanner.scan.config_load", "scanner.formats.reader", "scanner.formats.logs.dispatch",
                      "scanner.formats.json_records", "scanner.crawlers.files", "scanner.crawlers.aws.s3",
                      "scanner.crawlers.aws.cloudwatch", "scanner.crawlers.journald", "cryptography", "jsonlines")


def test_a_database_scan_imports_only_what_it_reads_with(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "lager.db") as db:
        db.execute("CREATE TABLE vare (id INTEGER, antall INTEGER, hylle TEXT)")
        db.executemany("INSERT INTO vare VALUES (?, ?, ?)", [(i, i * 7 % 50, f"H{i % 9}") for i in range(60)])
    probe = ("import atexit, gc, sys\n"
             f"atexit.register(lambda: print('after', [m for m in {NOT_FOR_A_DATABASE!r} if m in sys.modules], "
             "gc.get_freeze_count() > 0, gc.get_threshold()[0] > 700))\n"
             "sys.argv = ['kartlegg', 'scan', 'sqlite:///lager.db', '-o', 'r.jsonl', '--inventory', 'i.sqlite', '-q']\n"
             "from scanner.cli.main import main\n"
             "main()\n")
    for _ in range(2):  # the first run fills the user's cache (spaCy's rules, read with Presidio, which reads YAML)
        done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    # nothing of the above imported; the collector set for the process's life, and its objects
    # left to the interpreter's teardown uncollected (scanner.system.collector.leaving)
    assert done.stdout.strip().splitlines()[-1] == "after [] True True", done.stdout + done.stderr
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[0]["record"] == "scan" and records[-1]["record"] == "summary" and records[-1]["exit_code"] == 0


@pytest.mark.parametrize("args", [["--version"], ["detect", "Ring 41234567"], ["scan"]])
def test_every_command_leaves_what_it_made_to_the_teardown_uncollected(args):
    """scanner.system.collector.leaving: the interpreter's last collection would walk every object
    only to find garbage the process drops with its memory (~0.18 s after the demo scan)."""
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
             f"sys.argv = ['kartlegg', *{args!r}]\n"
             "from scanner.cli.main import main\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 2), done.stdout + done.stderr  # `scan` alone is a usage error
    assert done.stdout.strip().splitlines()[-1] == "frozen True", done.stdout + done.stderr
