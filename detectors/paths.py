"""Where kartlegg keeps what it builds once per installation (spaCy's blank pipeline, tokenizer
rules, compiled pattern databases)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("KARTLEGG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "kartlegg"
    )
    return Path(base)
