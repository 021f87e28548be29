"""A README that is true: every command in its ```sh blocks is run here, as written, against a
freshly generated small demo estate, unless it is listed in NOT_RUN with why; and the version
numbers it quotes are read from the code.

The workspace holds what the README's commands name: the demo's customer system as
`kundesystem.db` (`python -m demo.estate`), its file share as `eksport/` (`python -m
demo.estate_files`), `kartlegg.yaml` (`kartlegg init`: the example reads both), a first scan's
`report.jsonl` and inventory (`kartlegg-inventory.sqlite`, the default), `notes.txt` (the demo's
customer e-mail) and `declared.toml` (the README's own TOML example). Each command runs in bash
in that directory, in README order, with the venv's `kartlegg` first on PATH and `$URL` set to
the demo database.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BIN = Path(sys.executable).parent

# Commands not run, with why: servers, clusters, containers, the machine's own logs, the suite.
SERVER = "needs a database server"
S3 = "needs an S3 endpoint and credentials (tests/test_scan_s3.py runs these against moto)"
LOGS = "reads this machine's own logs and journal (tests/test_scan_logs.py and test_scan_journald.py run them on copies)"
DOCKER = "needs a Docker engine (tests/test_docker.py replays the image's build and runs it)"
NOT_RUN = {
    "make demo": "generates ./demo-out and scans it, in the checkout, for minutes; the blocks below run its "
                 "steps on a small estate",
    "make test": "the test suite itself",
    "kartlegg scan postgresql://scanner@db01:5432/kunder -o report.jsonl": SERVER,
    "kartlegg scan mysql+pymysql://scanner:${PW}@10.0.0.5/crm sqlite:///exports/old.db --max-connections 2": SERVER,
    "kartlegg scan s3://kunde-data/exports/": S3,
    "kartlegg scan s3:// --profile skanner --region eu-north-1": S3,
    "kartlegg scan s3://backup --endpoint-url https://minio.intern:9000": S3,
    "kartlegg scan '/var/log/nginx/*.log*'": LOGS,
    "kartlegg scan 'file:///srv/app/logs/**/*.log' /var/log/syslog": LOGS,
    "kartlegg scan journald://": LOGS,
    "kartlegg scan 'journald:///srv/kopi/journal?unit=nginx.service'": LOGS,
    "kartlegg scan cloudwatch:///aws/lambda/ --region eu-north-1": S3,
    "kartlegg scan /var/log/app --full": LOGS,
    "kartlegg subject postgresql://leser@cis/kunder --id fnr=… --json": SERVER,
    "kartlegg scan --config nightly.yaml --scheduler tcp://10.0.0.5:8786":
        "needs a Dask scheduler (tests/test_dask.py runs a LocalCluster)",
}
NOT_RUN_PREFIX = {"docker ": DOCKER}

# Exit codes other than 0, as the README documents them: 3 where the demo share's broken files
# (a truncated gzip, a cut-off JSON document) are read.
EXIT = {
    "kartlegg scan eksport ./eksport/api/kunder.json \"file://$PWD/eksport/notater\"": 3,
    "kartlegg subject --config kartlegg.yaml --id fnr=01817012309 --id email=kari@example.no "
    "--id phone=\"+47 412 34 567\" --id name=\"Kari Nordmann\" --controller \"Nettselskapet AS\"": (0, 3),
    "kartlegg subject --id fnr=01817012309 --export innsyn/ --erase-plan -o request.jsonl": (0, 3),
    "kartlegg scan sqlite:///kundesystem.db --html report.html": 0,
    "kartlegg scan --config scan.yaml": 3,
    "kartlegg scan --config scan.yaml --workers 4": 3,
}


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)


def sh_commands(text: str) -> list[str]:
    """Every command of the README's ```sh blocks: continuation lines joined, comment lines and
    blank lines left out (a command keeps its trailing comment: bash reads it as one)."""
    commands = []
    for block in fenced(text, "sh"):
        joined = re.sub(r"\\\n\s*", "", block)
        commands += [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return commands


def key(command: str) -> str:
    """A command as NOT_RUN and EXIT name it: without its trailing comment."""
    return re.sub(r"\s+#\s.*$", "", command)


def not_run(command: str) -> str | None:
    return NOT_RUN.get(key(command)) or next((why for p, why in NOT_RUN_PREFIX.items() if command.startswith(p)), None)


COMMANDS = sh_commands(README.read_text(encoding="utf-8"))
RUN = [c for c in COMMANDS if not_run(c) is None]


def test_every_command_is_run_or_listed_with_why():
    assert len(RUN) >= 30  # the parser found the blocks
    assert all(why for why in NOT_RUN.values())
    stale = sorted(set(NOT_RUN) - {key(c) for c in COMMANDS})
    assert not stale, f"listed as not run but no longer in README.md: {stale}"
    gone = sorted(set(EXIT) - {key(c) for c in RUN})
    assert not gone, f"exit codes for commands no longer run: {gone}"


def _run(cmd: list[str] | str, cwd: Path, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd if isinstance(cmd, list) else ["bash", "-c", cmd], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    work = tmp_path_factory.mktemp("readme")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", URL="sqlite:///kundesystem.db",
               PYTHONPATH=str(ROOT))
    env.pop("KARTLEGG_INVENTORY", None)  # the README's commands use the default, in the working directory
    env.pop("KARTLEGG_CONFIG", None)
    py = str(BIN / "python")
    for cmd in ([py, "-m", "demo.estate", f"sqlite:///{work / 'kundesystem.db'}", "--rows", "200"],
                [py, "-m", "demo.estate_files", str(work / "eksport"), "--rows", "50"]):
        done = _run(cmd, ROOT, env)
        assert done.returncode == 0, done.stderr[-2000:]
    (work / "notes.txt").write_text(_run([py, "demo/sample.py"], ROOT, env).stdout, encoding="utf-8")
    (work / "declared.toml").write_text(fenced(README.read_text(encoding="utf-8"), "toml")[0], encoding="utf-8")
    for cmd in ("kartlegg init", "kartlegg scan --config kartlegg.yaml -o report.jsonl -q"):
        done = _run(cmd, work, env)
        assert done.returncode in (0, 1, 3) and "Traceback" not in done.stderr, (cmd, done.stderr[-3000:])
    return work, env


@pytest.mark.parametrize("command", RUN)
def test_readme_command_runs_as_written(workspace, command):
    work, env = workspace
    done = _run(command, work, env)
    expected = EXIT.get(key(command), 0)
    expected = expected if isinstance(expected, tuple) else (expected,)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert done.returncode in expected, f"exit {done.returncode}, expected {expected}:\n{output[-3000:]}"


# -- the versions the README quotes, read from the code ------------------------------------------

def test_the_versions_the_readme_quotes_are_the_codes():
    from scanner.inventory.export import EXPORT_VERSION
    from scanner.inventory.store import head_revision
    from scanner.model.records import SCHEMA_VERSION
    from scanner.subject.run import SCHEMA_VERSION as SUBJECT_VERSION

    text = " ".join(README.read_text(encoding="utf-8").split())
    quoted = {
        "report schema_version": re.findall(r"`schema_version` \(now `([\d.]+)`", text),
        "subject schema_version": re.findall(r"\(`schema_version` now `([\d.]+)`\)", text),
        "inventory revision": re.findall(r"schema's revision \(now `(\d+)`\)", text),
        "export_version": re.findall(r"`export_version` is now `([\d.]+)`", text),
    }
    assert quoted == {"report schema_version": [SCHEMA_VERSION], "subject schema_version": [SUBJECT_VERSION],
                      "inventory revision": [head_revision()], "export_version": [EXPORT_VERSION]}
    # no other version of a record format is quoted anywhere
    others = set(re.findall(r"(?:schema_version|export_version|revision)[^.]{0,40}?`(\d+(?:\.\d+)*)`", text))
    assert others <= {SCHEMA_VERSION, SUBJECT_VERSION, head_revision(), EXPORT_VERSION}, others
