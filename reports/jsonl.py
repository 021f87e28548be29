"""JSON Lines report: one JSON object per line, for dashboards and log pipelines."""

from __future__ import annotations

import json
import sys
from functools import partial

import jsonlines

from scanner.model.protocols import Writer


class JsonlWriter(Writer):
    """Writes records as they come, flushing each one, so a long scan can be followed live."""

    NAME = "jsonl"

    def __init__(self, target: str = "-"):
        self.target = target
        # backslashreplace: a name with bytes that are not UTF-8 must not lose the report
        self._fh = sys.stdout if target == "-" else open(target, "w", encoding="utf-8", errors="backslashreplace")
        self._writer = jsonlines.Writer(
            self._fh, flush=True, dumps=partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
        )

    def write(self, record: dict) -> None:
        self._writer.write(record)

    def close(self) -> None:
        self._writer.close()
        if self._fh is not sys.stdout:
            self._fh.close()
