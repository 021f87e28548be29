"""Scan configuration files: what a valid file turns into, and every kind of mistake named by
file, line and key, before anything connects."""

from __future__ import annotations

import textwrap
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

from scanner.cli.main import cli
from scanner.scan import config as configuration
from scanner.scan.config import ConfigError

NASTY = "p@ss:w/rd%20 #1"  # every character a URL or YAML could trip over


def write(tmp_path: Path, text: str, name: str = "scan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, **env) -> configuration.Config:
    return configuration.load(write(tmp_path, text), environ=env)


def problems(tmp_path: Path, text: str, **env) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, **env)
    return caught.value.problems


# -- valid files ------------------------------------------------------------------------------

def test_connection_parts_make_a_url_with_the_password_escaped(tmp_path):
    cfg = load(tmp_path, """
        sources:
          - name: kunder
            driver: postgresql
            host: db.example.internal
            port: 5432
            database: kunder
            user: kartlegg_ro
            password: ${PG_PASSWORD}
            query: {sslmode: require}
    """, PG_PASSWORD=NASTY)
    (src,) = cfg.sources
    parts = urlsplit(src.url)
    assert src.name == "kunder" and parts.scheme == "postgresql+psycopg2"
    assert (parts.hostname, parts.port, parts.path, parts.query) == ("db.example.internal", 5432, "/kunder",
                                                                     "sslmode=require")
    assert unquote(parts.password) == NASTY and parts.username == "kartlegg_ro"
    assert NASTY in cfg.secrets


def test_password_file_is_read_relative_to_the_file_and_stripped(tmp_path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "mdm").write_text(NASTY + "\n")
    cfg = load(tmp_path, """
        sources:
          - url: mysql+pymysql://kartlegg_ro@mdm.example.internal:3306/mdm
            password_file: secrets/mdm
    """)
    (src,) = cfg.sources
    assert unquote(urlsplit(src.url).password) == NASTY
    assert src.name == "mdm.example.internal/mdm"  # named by default as on the command line
    assert NASTY in cfg.secrets


@pytest.mark.parametrize("value, env, expected", [
    ("${HOST}", {"HOST": "db1"}, "db1"),
    ("${HOST:-db2}", {}, "db2"),
    ("${HOST:-db2}", {"HOST": ""}, "db2"),  # set but empty takes the default, as in a shell
    ("${HOST}", {"HOST": ""}, ""),
    ("pre-$${HOST}", {"HOST": "db1"}, "pre-${HOST}"),  # $$ is a literal $
    ("a${X}b${Y}", {"X": "1", "Y": "2"}, "a1b2"),
])
def test_environment_variables(tmp_path, value, env, expected):
    text = f"""
        sources:
          - path: /srv/share
            declare: {{owner: "{value}"}}
    """
    if expected:
        assert load(tmp_path, text, **env).sources[0].declare == {"owner": expected}
    else:  # an empty owner is not a declaration
        assert any("sources[0].declare.owner: expected a non-empty string" in p for p in problems(tmp_path, text, **env))


def test_paths_are_relative_to_the_configuration_file(tmp_path):
    cfg = load(tmp_path, """
        sources:
          - {name: share, path: share}
          - {name: db, url: "sqlite:///data/k.db"}
          - {name: parts, driver: sqlite, database: data/p.db}
        output: {report: "out/r-{date}.jsonl", html: out/r.html}
        inventory: {path: inv/inventory.sqlite}
        lock: {directory: locks}
    """)
    share, db, parts = cfg.sources
    assert share.url == str(tmp_path / "share")
    assert db.url == f"sqlite:///{tmp_path}/data/k.db" and parts.url == f"sqlite:///{tmp_path}/data/p.db"
    assert cfg.output == {"report": f"{tmp_path}/out/r-{{date}}.jsonl", "html": f"{tmp_path}/out/r.html"}
    assert cfg.inventory["url"] == f"{tmp_path}/inv/inventory.sqlite"
    assert cfg.lock["directory"] == f"{tmp_path}/locks"


def test_settings_per_source_and_for_the_scan(tmp_path):
    cfg = load(tmp_path, """
        sources:
          - name: share
            path: /srv/share
            include: "kunder/*, eksport/*"
            read_bytes: 64K
            sample_size: 50
            declare: {role: processor, categories: [identity, contact]}
        scan:
          sample_size: 200
          incremental: true
          fail_on_findings: [identity, financial]
          detectors: [no_fodselsnummer, email_address]
    """)
    (src,) = cfg.sources
    assert src.options == {}  # the crawler's own options: none here
    assert src.settings == {"include": ("kunder/*", "eksport/*"), "object_bytes": 65536, "sample_size": 50}
    assert src.declare == {"role": "processor", "categories": ["identity", "contact"]}
    assert cfg.scan == {"sample_size": 200, "incremental": True, "fail_on_findings": "identity,financial",
                        "detectors": ("no_fodselsnummer", "email_address")}


def test_the_example_written_by_init_is_valid(tmp_path):
    path = tmp_path / "kartlegg.yaml"
    result = CliRunner().invoke(cli, ["init", str(path)])
    assert result.exit_code == 0 and path.exists()
    cfg = configuration.load(path, environ={"PG_PASSWORD": "x" * 12})
    assert [s.name for s in cfg.sources] == ["kundesystem", "eksport"]
    assert cfg.sources[0].declare["role"] == "processor"
    again = CliRunner().invoke(cli, ["init", str(path)])
    assert again.exit_code == 2 and "exists" in again.output  # never overwrites a customer's file
    assert CliRunner().invoke(cli, ["init", str(path), "--force"]).exit_code == 0


# -- mistakes ---------------------------------------------------------------------------------

BAD = [
    # (the file, what the first problem says: line, key path, words)
    ("sources: []", (1, "sources", "expected a list of sources")),
    ("sourcs:\n  - path: /x", (1, "sourcs", "unknown key")),
    ("sources:\n  - path: /x\n    colour: blue", (3, "sources[0].colour", "unknown key")),
    ("sources:\n  - path: /x\n    sample_size: many", (3, "sources[0].sample_size", "expected an integer >= 1")),
    ("sources:\n  - path: /x\n    sample_size: 0", (3, "sources[0].sample_size", "expected an integer >= 1")),
    ("sources:\n  - path: /x\n    read_bytes: 12", (3, "sources[0].read_bytes", "at least 1K")),
    ("sources:\n  - path: /x\n    max_connections: 65", (3, "sources[0].max_connections", "from 1 to 64")),
    ("sources:\n  - path: /x\n    views: yes please", (3, "sources[0].views", "true or false")),
    ("sources:\n  - path: /x\n  - path: /y\n    name: x", (4, "sources[1].name", "also the name of sources[0]")),
    ("sources:\n  - path: /x\n    url: s3://b", (2, "sources[0]", "exactly one of url, path or driver")),
    ("sources:\n  - name: x", (2, "sources[0]", "exactly one of url, path or driver")),
    ("sources:\n  - driver: db2\n    host: h", (2, "sources[0].driver", "expected one of")),
    ("sources:\n  - driver: postgresql\n    database: d", (2, "sources[0].host", "required")),
    ("sources:\n  - driver: postgresql\n    host: h\n    port: 99999", (4, "sources[0].port", "from 1 to 65535")),
    ("sources:\n  - driver: postgresql\n    host: h\n    password: ${PGPW}",
     (4, "sources[0].password", "PGPW is not set")),
    ("sources:\n  - driver: postgresql\n    host: h\n    password: a\n    password_file: f",
     (4, "sources[0].password", "not both")),
    ("sources:\n  - driver: postgresql\n    host: h\n    password_file: missing.txt",
     (4, "sources[0].password_file", "No such file")),
    ("sources:\n  - url: postgresql://db/k\n    password: x", (2, "sources[0].url", "needs a user")),
    ("sources:\n  - path: /x\n    password: x", (3, "sources[0].password", "takes no password")),
    ("sources:\n  - path: /x\n    declare: {role: owner}", (3, "sources[0].declare.role", "not a role")),
    ("sources:\n  - path: /x\n    declare: {categories: [health]}", (3, "sources[0].declare.categories",
                                                                        "unknown category")),
    ("sources:\n  - path: /x\n    declare: {colour: red}", (3, "sources[0].declare.colour", "unknown key")),
    ("sources:\n  - path: /x\nscan: {min_confidence: 2}", (3, "scan.min_confidence", "from 0 to 1")),
    ("sources:\n  - path: /x\nscan: {incremental: 1}", (3, "scan.incremental", "true or false")),
    ("sources:\n  - path: /x\nscan: {fail_on_findings: 3}", (3, "scan.fail_on_findings", "categories")),
    ("sources:\n  - path: /x\nlogging: {level: loud}", (3, "logging.level", "debug, info")),
    ("sources:\n  - path: /x\nlogging: {format: xml}", (3, "logging.format", "text, json")),
    ("sources:\n  - path: /x\ninventory: {url: a, path: b}", (3, "inventory", "not both")),
    ("sources:\n  - path: /x\noutput:\n  report: a\n  report: b", (5, "output.report", "given twice")),
    ("sources:\n  - path: /x\nversion: 2", (3, "version", "version 1")),
    ("- just\n- a list", (1, "(top level)", "expected a mapping")),
]


@pytest.mark.parametrize("text, expected", BAD, ids=[e[1] + ":" + e[2][:20] for _, e in BAD])
def test_mistakes_name_the_file_line_and_key(tmp_path, text, expected):
    line, key, words = expected
    found = problems(tmp_path, text)
    assert any(p.startswith(f"{tmp_path / 'scan.yaml'}:{line}: {key}: ") and words in p for p in found), found


@pytest.mark.parametrize("text, where", [
    ("sources: [\n  - {url: x", ":2:"),  # broken YAML: line and column
    ("sources:\n  - path: /x\n   bad indent: 1", ":3:"),
    ("sources:\n  - path: /x\n  - path: '/y\n", ":4:"),  # an unterminated quote
])
def test_broken_yaml_says_where(tmp_path, text, where):
    found = problems(tmp_path, text)
    assert len(found) == 1 and "not valid YAML" in found[0] and where in found[0]


def test_all_problems_at_once_in_line_order(tmp_path):
    found = problems(tmp_path, """\
        sources:
          - path: /x
            sample_size: 0
          - driver: nope
        scan: {min_confidence: 7}
        logging: {level: loud}
    """)
    assert [int(p.split(":")[1]) for p in found] == [3, 4, 5, 6]


def test_a_secret_is_never_echoed_in_a_problem(tmp_path):
    (tmp_path / "pw").write_text("")
    found = problems(tmp_path, """
        sources:
          - driver: postgresql
            host: ${PGHOST}
            port: ${PGPORT}
            password: ${PGPW}
          - url: postgresql://u@h/d
            password_file: pw
    """, PGHOST="db", PGPORT="not-a-port", PGPW=NASTY)
    text = "\n".join(found)
    assert "sources[0].port" in text and "sources[1].password_file" in text and "is empty" in text
    assert NASTY not in text


def test_unreadable_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        configuration.load(tmp_path / "nope.yaml")
    (tmp_path / "latin1.yaml").write_bytes("sources:\n  - path: /sr\xe5v".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        configuration.load(tmp_path / "latin1.yaml")


# -- the command line ---------------------------------------------------------------------------

def test_validate_shows_the_plan_with_passwords_masked(tmp_path, monkeypatch):
    monkeypatch.setenv("PG_PASSWORD", NASTY)
    path = write(tmp_path, """
        sources:
          - name: kunder
            driver: postgresql
            host: db.example.internal
            database: kunder
            user: ro
            password: ${PG_PASSWORD}
            sample_size: 50
            declare: {owner: Nettselskapet AS}
          - {name: share, path: share, exclude: ["*.tmp"]}
        scan: {incremental: true}
        output: {report: "reports/r-{date}.jsonl"}
        inventory: {path: inv.sqlite}
    """)
    result = CliRunner().invoke(cli, ["scan", "--config", str(path), "--validate"])
    assert result.exit_code == 0, result.output
    assert "postgresql+psycopg2://ro:***@db.example.internal/kunder" in result.output
    assert "sample_size=50" in result.output and "(declared)" in result.output and "exclude=*.tmp" in result.output
    assert "incremental" in result.output and str(tmp_path / "reports" / "r-") in result.output
    assert NASTY not in result.output and "w/rd" not in result.output
    assert not (tmp_path / "inv.sqlite").exists()  # nothing was opened


@pytest.mark.parametrize("args, message", [
    (["--config", "{cfg}", "--no-inventory", "--incremental"], "--incremental compares with the inventory"),
    (["--config", "{cfg}", "--sample-size", "nope=5"], "no source named nope"),
    (["--config", "{cfg}", "-d", "no_such_detector"], "unknown detector no_such_detector"),
    (["--config", "{cfg}", "share=file:///"], "two sources named 'share'"),
    ([], "nothing to scan"),
])
def test_command_line_mistakes(tmp_path, args, message):
    path = write(tmp_path, "sources:\n  - {name: share, path: share}\n")
    args = [a.replace("{cfg}", str(path)) for a in args]
    result = CliRunner().invoke(cli, ["scan", *args, "--validate"])
    assert result.exit_code == 2 and message in result.output, result.output


def test_a_bad_configuration_exits_2_naming_the_key(tmp_path):
    path = write(tmp_path, "sources:\n  - path: /x\n    sample_size: -1\n")
    result = CliRunner().invoke(cli, ["scan", "--config", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: sources[0].sample_size: expected an integer >= 1" in result.output
