"""The HTML report's language from `--lang`, the configuration's `output.lang`, or neither (then
KARTLEGG_LANG / the locale), for `kartlegg scan --html` and `kartlegg report` alike."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from scanner.cli.main import cli

FNR = "15076500565"  # synthetic: a valid check digit pair from the reference's test values


def _lang(path) -> str:
    return re.search(r'<html lang="(\w+)"', path.read_text(encoding="utf-8")).group(1)


@pytest.fixture
def share(tmp_path):
    (tmp_path / "kunder.csv").write_text(f"navn,fodselsnummer\nKari Nordmann,{FNR}\n", encoding="utf-8")
    return tmp_path


def _config(share, lang: str | None) -> str:
    out = share / f"kartlegg-{lang}.yaml"
    lines = ["version: 1", "sources:", f"  - path: {share / 'kunder.csv'}", "output:",
             f"  report: {share / 'r.jsonl'}", f"  html: {share / 'r.html'}", "inventory:", "  enabled: false"]
    if lang:
        lines.insert(lines.index("inventory:"), f"  lang: {lang}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(out)


@pytest.mark.parametrize("env, option, config, expected", [
    ("en", ["--lang", "nb"], None, "nb"),       # the option wins over the environment
    ("nb", ["--lang", "en"], "nb", "en"),       # ... and over the configuration
    ("en", [], "nb", "nb"),                     # the configuration wins over the environment
    ("nb", [], None, "nb"),                     # neither: KARTLEGG_LANG
    ("en", [], None, "en"),
])
def test_scan_html_language(share, monkeypatch, env, option, config, expected):
    monkeypatch.setenv("KARTLEGG_LANG", env)
    args = ["scan", "--config", _config(share, config), "-q", *option]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert _lang(share / "r.html") == expected


@pytest.mark.parametrize("env, option, config, expected", [
    ("en", [], "nb", "nb"),
    ("nb", ["--lang", "en"], "nb", "en"),
    ("en", [], None, "en"),
])
def test_report_language_from_the_configuration(share, monkeypatch, env, option, config, expected):
    monkeypatch.setenv("KARTLEGG_LANG", env)
    cfg = _config(share, config)
    assert CliRunner().invoke(cli, ["scan", "--config", _config(share, None), "-q"]).exit_code == 0
    out = share / "report.html"
    result = CliRunner().invoke(cli, ["report", str(share / "r.jsonl"), "-c", cfg, *option, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _lang(out) == expected


@pytest.mark.parametrize("command", ["scan", "report"])
def test_an_unknown_language_in_the_configuration_names_the_key(share, command):
    cfg = _config(share, "de")
    if command == "scan":
        result = CliRunner().invoke(cli, ["scan", "--config", cfg, "--validate"])
    else:
        (share / "r.jsonl").write_text('{"record": "scan"}\n', encoding="utf-8")
        result = CliRunner().invoke(cli, ["report", str(share / "r.jsonl"), "-c", cfg])
    assert result.exit_code == 2
    assert "output.lang" in result.output and "'de'" in result.output


def test_the_html_report_writer_as_the_report_format_has_the_language_too(share, monkeypatch):
    monkeypatch.setenv("KARTLEGG_LANG", "en")
    out = share / "r.html"
    result = CliRunner().invoke(cli, ["scan", str(share / "kunder.csv"), "--no-inventory", "--format", "html",
                                      "-o", str(out), "--lang", "nb", "-q"])
    assert result.exit_code == 0, result.output
    assert _lang(out) == "nb"


def test_a_stale_configuration_in_the_environment_does_not_stop_a_report(share, monkeypatch):
    assert CliRunner().invoke(cli, ["scan", "--config", _config(share, None), "-q"]).exit_code == 0
    monkeypatch.setenv("KARTLEGG_CONFIG", str(share / "gone.yaml"))
    monkeypatch.setenv("KARTLEGG_LANG", "nb")
    out = share / "report.html"
    result = CliRunner().invoke(cli, ["report", str(share / "r.jsonl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _lang(out) == "nb"
    given = CliRunner().invoke(cli, ["report", str(share / "r.jsonl"), "-c", str(share / "gone.yaml")])
    assert given.exit_code == 2 and "no such file" in given.output


def test_the_pdf_is_given_once(share):
    assert CliRunner().invoke(cli, ["scan", "--config", _config(share, None), "-q"]).exit_code == 0
    result = CliRunner().invoke(cli, ["report", str(share / "r.jsonl"), "-o", str(share / "a.pdf"),
                                      "--pdf", str(share / "b.pdf")])
    assert result.exit_code == 2 and "give the PDF once" in result.output
    assert not (share / "a.pdf").exists()


def test_an_empty_source_counts_alike_in_the_summary_and_the_report(share, monkeypatch):
    """The empty source's skipped record (no location: the whole source) is a location not scanned
    in the scan's summary and in the HTML report alike, so the report finds no disagreement."""
    import json

    monkeypatch.setenv("KARTLEGG_LANG", "en")
    empty = share / "tom"
    empty.mkdir()
    db = share / "tom.db"
    __import__("sqlite3").connect(db).close()
    out, page = share / "r.jsonl", share / "r.html"
    result = CliRunner().invoke(cli, ["scan", str(share / "kunder.csv"), f"sqlite:///{db}", "--no-inventory",
                                      "-o", str(out), "--html", str(page), "-q"])
    assert result.exit_code == 0, result.output
    summary = [json.loads(line) for line in out.read_text().splitlines()][-1]
    assert summary["locations"]["skipped"] == 1
    html = page.read_text(encoding="utf-8")
    assert "counts other numbers" not in html
    assert re.search(r'id="cov-skipped">1<', html)
