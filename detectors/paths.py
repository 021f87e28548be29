"""Where kartlegg keeps what it builds once per installation (spaCy's blank pipeline, tokenizer
rules, compiled pattern databases): the user's cache, and the installation's own, read-only,
made when it was installed or its image built (`python -m detectors.prepare`), read where the
user's lacks an entry (a container's cache is empty at every run)."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

SHIPPED_ENV = "KARTLEGG_SHIPPED_CACHE"  # a directory, in place of the installation's share/kartlegg/cache


def write_cached(path: Path, data: bytes) -> OSError | None:
    """Write what was built into the cache whole or not at all (a file of its own, then renamed,
    so a reader in another process never meets half of it); the error where the cache cannot be
    written (a read-only home: built again next time), else None."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.tmp{os.getpid()}-{threading.get_ident()}")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        return exc
    return None


def cache_dir() -> Path:
    base = os.environ.get("KARTLEGG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kartlegg"
    )
    return Path(base)


def shipped_dir() -> Path:
    """The installation's own cache: share/kartlegg/cache in its prefix (the venv), or
    KARTLEGG_SHIPPED_CACHE."""
    return Path(os.environ.get(SHIPPED_ENV) or Path(sys.prefix) / "share" / "kartlegg" / "cache")


def readable(path: Path) -> Path:
    """Where to read a cache entry from: `path` (in `cache_dir()`) where it is there, else the
    shipped cache's entry of that name where that is and may be trusted, else `path` (built and
    written there)."""
    if path.exists():
        return path
    shipped = shipped_dir() / path.name
    return shipped if _trusted(shipped) else path


def _trusted(entry: Path) -> bool:
    """Whether a shipped entry may be loaded: it and its directory are there, owned by root or
    this user and writable by no one else. A Hyperscan database is compiled code its loader
    checks only for a version and a checksum: one put into a shared prefix by another user must
    not be run (the user's own cache is theirs alone)."""
    uid = os.getuid()
    try:
        stats = [entry.stat(), entry.parent.stat()]
    except OSError:
        return False
    return all(st.st_uid in (0, uid) and not st.st_mode & 0o022 for st in stats)
