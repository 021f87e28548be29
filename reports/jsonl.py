"""JSON Lines report: one JSON object per line, for dashboards and log pipelines."""

from __future__ import annotations

import json
import sys

from scanner.model.protocols import Writer


class JsonlWriter(Writer):
    """Writes records as they come, flushing each one, so a long scan can be followed live."""

    NAME = "jsonl"

    def __init__(self, target: str = "-"):
        self.target = target
        # backslashreplace: a name with bytes that are not UTF-8 must not lose the report
        self._fh = sys.stdout if target == "-" else open(target, "w", encoding="utf-8", errors="backslashreplace")
        # one line per record with the standard library (jsonlines added nothing here, and its
        # import, with attrs, cost a scan ~40 ms)
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def write(self, record: dict) -> None:
        self._fh.write(self._dumps(record) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not sys.stdout:
            self._fh.close()
