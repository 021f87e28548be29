"""kartlegg's own outputs met by the file walk, passed over with a skip that says what they are.

- this scan's report, HTML report and inventory (their paths come with the source: the scan's
  plan gives them as the `outputs` option), with the inventory's `-wal`, `-shm`, `-journal` and
  `-scans` lock directory, even before anything is written to them;
- the installation's fingerprint key;
- any kartlegg report (its first record, or its HTML's generator), inventory (its tables; see
  database_files) and subject export (its manifest.json), by content.

A source that names one of them by its path (`kartlegg scan report.jsonl`) reads it: only this
scan's own outputs, still being written, are never read.
"""

from __future__ import annotations

import os

from scanner.formats import own_outputs

SUFFIXES = ("-wal", "-shm", "-journal", "-scans")  # what an SQLite inventory has beside it
NOT_READ = "not scanned (give its path to scan it)"


def _stat_key(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def key_file() -> tuple[int, int] | None:
    """The installation's fingerprint key file (device, inode), if there is one."""
    from detectors.evidence import key_path

    try:
        return _stat_key(str(key_path()))
    except Exception:  # noqa: BLE001 - no home directory, say: then there is no key file to pass over
        return None


class OwnFiles:
    """What the walk of one files source passes over as kartlegg's own."""

    def __init__(self, outputs: dict[str, str] | None = None):
        """`outputs`: this scan's, by what they are ({"report": path, "inventory": path, …})."""
        self.outputs = {os.path.realpath(p): what for what, p in (outputs or {}).items() if p}
        self.names = {os.path.basename(p) for p in self.outputs}
        self.key = key_file()

    def _base(self, name: str) -> str:
        for suffix in SUFFIXES:
            if name.endswith(suffix) and name[: -len(suffix)] in self.names:
                return name[: -len(suffix)]
        return name

    def running(self, path: str) -> str | None:
        """Why `path` (a file or directory) is passed over as this scan's output, "" for a part of
        one that is passed over with it (an inventory's -wal), or None."""
        name = os.path.basename(path)
        base = self._base(name)
        if base not in self.names:  # a set lookup for every file: realpath only for namesakes
            return None
        what = self.outputs.get(os.path.realpath(os.path.join(os.path.dirname(path), base)))
        if what is None:
            return None
        if base != name and not name.endswith("-scans"):
            return ""  # the -wal, -shm or -journal of this scan's inventory: passed over with it
        return f"this scan's own {what}{'' if base == name else ' (its scan locks)'}: not scanned"

    def fingerprint_key(self, st: os.stat_result) -> str | None:
        if self.key is not None and (st.st_dev, st.st_ino) == self.key:
            return "kartlegg's fingerprint key: not scanned"
        return None

    @staticmethod
    def content(fd: int) -> str | None:
        """Why the open file is passed over as a kartlegg report, or None."""
        if not own_outputs.may_be_report(os.pread(fd, 64, 0)):
            return None  # most files: 64 bytes say it
        kind = own_outputs.report_kind(os.pread(fd, own_outputs.HEAD_BYTES, 0))
        return f"kartlegg's own {kind}: {NOT_READ}" if kind else None


def lock_directory(path: str, is_sqlite) -> str | None:
    """Why a directory is passed over as an SQLite inventory's `-scans` lock directory, or None."""
    if path.endswith("-scans") and is_sqlite(path[: -len("-scans")]):
        return "kartlegg's inventory's scan locks: not scanned"
    return None


def subject_export(directory: str, names: set[str]) -> str | None:
    """Why a directory is passed over as a `kartlegg subject --export`, or None."""
    if "manifest.json" not in names:
        return None
    try:
        with open(os.path.join(directory, "manifest.json"), "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if own_outputs.is_subject_manifest(head):
        return f"kartlegg's subject export (one person's records, for their request): {NOT_READ}"
    return None
