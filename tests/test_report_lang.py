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
