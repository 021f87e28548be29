"""An installation's own cache (detectors.prepare, detectors.paths.readable): what it holds is
read where the user's cache lacks it, and nothing is built again; the user's own entry wins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from detectors import paths

SCAN = ("import sys; sys.argv = ['kartlegg', 'detect', '--json', "
        "'Kari Nordmann, kari@example.no, tlf 41234567, fnr 15108695088']\n"
        "from scanner.cli.main import main\nmain()")


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("shipped")
    # a cache and an installation cache elsewhere, prepared before: prepare builds every entry anyway
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    env = {**os.environ, "KARTLEGG_CACHE_DIR": str(elsewhere / "cache"), paths.SHIPPED_ENV: str(elsewhere / "shipped")}
    for cache in ("cache", "shipped"):
        subprocess.run([sys.executable, "-m", "detectors.prepare", str(elsewhere / cache)], env=env, check=True,
                       capture_output=True, timeout=600)
    proc = subprocess.run([sys.executable, "-m", "detectors.prepare", str(directory)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert [Path(line).name for line in proc.stdout.splitlines()] == sorted(p.name for p in directory.iterdir())
    return directory


def test_prepare_builds_every_cache_kartlegg_keeps(shipped):
    kinds = {p.name.split("-")[0] for p in shipped.iterdir()}
    assert kinds == {"literals", "public", "screens", "spacy", "tokenizer"}
    assert (next(shipped.glob("spacy-*")) / "config.cfg").exists()


def _detect(own: Path, shipped_dir: Path) -> tuple[list, list[str]]:
    env = {**os.environ, "KARTLEGG_CACHE_DIR": str(own), paths.SHIPPED_ENV: str(shipped_dir)}
    proc = subprocess.run([sys.executable, "-c", SCAN], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    found = sorted((d["entity_type"], d["start"], d["end"], d["score"], d["value"]) for d in json.loads(proc.stdout))
    return found, sorted(p.name for p in own.iterdir()) if own.exists() else []


def test_a_run_with_an_empty_cache_reads_the_shipped_one_and_builds_nothing(shipped, tmp_path):
    found, built = _detect(tmp_path / "own", shipped)
    assert built == []
    # the same answer as a run that built its own cache
    again, built_here = _detect(tmp_path / "other", tmp_path / "no-shipped-cache")
    assert found == again and len(found) >= 3
    assert {n.split("-")[0] for n in built_here} >= {"screens", "tokenizer"}


@pytest.mark.parametrize("own, shipped, read", [
    (True, True, "own"),  # the user's entry wins: it may be newer
    (False, True, "shipped"),
    (True, False, "own"),
    (False, False, "own"),  # neither: the user's path, where it is built and written
])
def test_readable_prefers_the_users_entry(tmp_path, monkeypatch, own, shipped, read):
    monkeypatch.setenv("KARTLEGG_CACHE_DIR", str(tmp_path / "own"))
    monkeypatch.setenv(paths.SHIPPED_ENV, str(tmp_path / "shipped"))
    for where, present in (("own", own), ("shipped", shipped)):
        (tmp_path / where).mkdir()
        if present:
            (tmp_path / where / "screens-x.hsdb").write_bytes(b"x")
    assert paths.readable(paths.cache_dir() / "screens-x.hsdb") == tmp_path / read / "screens-x.hsdb"


@pytest.mark.parametrize("entry_mode, directory_mode", [(0o664, 0o755), (0o666, 0o755), (0o644, 0o775),
                                                        (0o644, 0o777)])
def test_a_shipped_entry_others_may_write_is_not_read(tmp_path, monkeypatch, entry_mode, directory_mode):
    """A Hyperscan database is loaded as compiled code: one that another user could have put
    into the installation's cache is passed over, and the user's own is built instead."""
    monkeypatch.setenv("KARTLEGG_CACHE_DIR", str(tmp_path / "own"))
    monkeypatch.setenv(paths.SHIPPED_ENV, str(tmp_path / "shipped"))
    (tmp_path / "shipped").mkdir()
    entry = tmp_path / "shipped" / "screens-x.hsdb"
    entry.write_bytes(b"x")
    own = paths.cache_dir() / "screens-x.hsdb"
    assert paths.readable(own) == entry
    entry.chmod(entry_mode)
    (tmp_path / "shipped").chmod(directory_mode)
    try:
        assert paths.readable(own) == own
    finally:
        (tmp_path / "shipped").chmod(0o755)


def test_the_shipped_cache_is_the_installations_by_default(monkeypatch):
    monkeypatch.delenv(paths.SHIPPED_ENV, raising=False)
    assert paths.shipped_dir() == Path(sys.prefix) / "share" / "kartlegg" / "cache"
