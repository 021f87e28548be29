"""Where kartlegg keeps what it builds once per installation (spaCy's blank pipeline, tokenizer
rules, compiled pattern databases)."""

from __future__ import annotations

import os
import threading
from pathlib import Path


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
