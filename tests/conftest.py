pytest_plugins = ["servers", "aws_servers"]  # throw-away PostgreSQL, MariaDB and moto servers

import secrets
import subprocess
import sys

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_state(tmp_path_factory):
    """Keys and caches in temp dirs: tests never touch the user's installation key."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("kartlegg-home")
    key = home / "fingerprint.key"  # a named key file must exist: kartlegg makes one only at the default place
    key.write_text(secrets.token_hex(32) + "\n")
    key.chmod(0o600)
    mp.setenv("KARTLEGG_FINGERPRINT_KEY_FILE", str(key))
    mp.setenv("KARTLEGG_CACHE_DIR", str(home / "cache"))
    # nor an installation cache (detectors.prepare) a prepared venv would have: tests build their own
    mp.setenv("KARTLEGG_SHIPPED_CACHE", str(home / "no-installation-cache"))
    # a module-scoped fixture's scan runs before the per-test inventory below is set: out of the checkout too
    mp.setenv("KARTLEGG_INVENTORY", str(home / "inventory.sqlite"))
    mp.delenv("KARTLEGG_SPACY_MODEL", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def engine(_isolated_state):
    from detectors.engine import Engine

    return Engine()


@pytest.fixture(autouse=True)
def _inventory_per_test(tmp_path_factory, monkeypatch):
    """`kartlegg scan` keeps an inventory in the working directory by default: each test gets
    its own, out of the checkout."""
    monkeypatch.setenv("KARTLEGG_INVENTORY", str(tmp_path_factory.mktemp("inventory") / "inventory.sqlite"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The estate `make demo` scans (an SQLite customer system, a file share with planted broken
    files), generated the same way, as NAME=URL sources."""
    root = tmp_path_factory.mktemp("demo")
    for argv in (["demo.estate", f"sqlite:///{root}/kundesystem.db", "--rows", "600"],
                 ["demo.estate_files", str(root / "filer"), "--rows", "120"]):
        subprocess.run([sys.executable, "-m", *argv], check=True, capture_output=True)
    return [f"kundesystem.db=sqlite:///{root}/kundesystem.db", f"filer=file://{root}/filer"]
