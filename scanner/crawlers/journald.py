"""The systemd journal through `journalctl -o json`: `kartlegg scan journald://` for this machine's
journal, `journald:///var/log/journal/<machine-id>` for a copied journal directory, or
`journald:///srv/kopi/system.journal` for journal files; `?unit=nginx.service` (repeatable)
narrows to units.

One dataset per systemd unit (per SYSLOG_IDENTIFIER for journals without units); each entry's
MESSAGE is parsed by the log parsers, so an nginx access line logged to the journal reports
`client_ip` and `query.email` like the access log would. Where journalctl is missing the source
is one clean `skipped` record.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from itertools import islice
from urllib.parse import parse_qs, unquote, urlsplit

from scanner.crawlers import change_tokens as versions
from scanner.formats import Limits
from scanner.formats.logs import parse_lines
from scanner.model.protocols import Crawler
from scanner.model.units import DatasetSample, Location, Skip, WorkUnit

LIVE_JOURNALS = ("/run/log/journal", "/var/log/journal")  # what journalctl reads without --directory/--file
_SIGNATURE = b"LPKSHHRH"
_STATE_ONLINE = 1  # the header's state byte (offset 16): 0 offline, 1 online (being written), 2 archived
MISSING = "journalctl not found: the systemd journal was not scanned (install systemd, or copy the journal elsewhere)"


def journal_args(url: str) -> list[str]:
    """journalctl options selecting the journal a URL names."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"journald reads this machine's journal or a copied one (journald:///path), "
                         f"not another host's: {parts.netloc}")
    path = unquote(parts.path)
    if not path or path == "/":
        return []
    if os.path.isdir(path):
        return [f"--directory={path}"]
    files = sorted(glob.glob(path))
    if not files:  # journalctl would only say "Failed to open files"
        raise ValueError(f"no journal at {path}: no such file or directory")
    return [f"--file={f}" for f in files]


def journal_files(args: list[str]) -> list[str]:
    """The journal files journalctl reads for `args`: a directory's own files and those of its
    subdirectories (journalctl reads the machine-id ones; others only cost a rescan)."""
    if any(a.startswith("--file=") for a in args):
        return [a[len("--file="):] for a in args if a.startswith("--file=")]
    dirs = [a[len("--directory="):] for a in args if a.startswith("--directory=")] or list(LIVE_JOURNALS)
    found = []
    for top in dirs:
        for d in [top, *glob.glob(os.path.join(glob.escape(top), "*", ""))]:
            for pattern in ("*.journal", "*.journal~"):
                found += glob.glob(os.path.join(glob.escape(d), pattern))
    return sorted(set(found))


def journal_version(files: list[str]) -> str | None:
    """The journal's change token: every file's stat (path, inode, size, mtime in ns), so an entry
    written, a file rotated, archived or vacuumed changes it. None when there is no file, or when
    one is online: journald writes through mmap into files it grows in large steps, so neither the
    size nor the mtime of a file being written follows each entry. A live system's journal is
    mostly online, so this mostly spares archived and copied journal directories."""
    if not files:
        return None
    for path in files:
        try:
            with open(path, "rb") as f:
                head = f.read(17)
        except OSError:
            continue  # journalctl cannot read it either; its stat still counts
        if len(head) == 17 and head.startswith(_SIGNATURE) and head[16] == _STATE_ONLINE:
            return None
    return versions.file_version(files, "journald-files")


class JournaldCrawler(Crawler):
    NAME = "journald"
    SCHEMES = ("journald",)
    LOGS = "the systemd journal"
    CONNECTIONS = 2  # journalctl processes at once
    EMPTY = "empty: no journal files found"

    def __init__(self, source, settings):
        super().__init__(source, settings)
        try:
            self.args, self._problem = journal_args(source.url), None
        except ValueError as exc:  # reported by discover(), as a failed source
            self.args, self._problem = [], exc
        self.units = tuple(parse_qs(urlsplit(source.url).query).get("unit", []))
        self.binary = shutil.which("journalctl")

    def _run(self, *args: str, limit: int | None = None) -> Iterator[str]:
        """journalctl's output lines; with `limit`, the process is stopped after that many.

        A journalctl that goes quiet for statement_timeout seconds is killed (a corrupt journal
        file can make it hang), and its stderr goes to a file, so a flood of warnings cannot block it.
        """
        cmd = [self.binary, "--no-pager", "-q", *self.args, *args]
        env = {**os.environ, "SYSTEMD_PAGER": "cat", "SYSTEMD_COLORS": "0", "LC_ALL": "C.UTF-8"}
        with tempfile.TemporaryFile() as errors:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, env=env, text=True,
                                    encoding="utf-8", errors="replace")
            last = [time.monotonic()]
            stalled = threading.Event()
            done = threading.Event()

            def watchdog():
                while not done.wait(0.5):
                    if time.monotonic() - last[0] > self.settings.statement_timeout:
                        stalled.set()
                        proc.kill()
                        return

            threading.Thread(target=watchdog, daemon=True).start()
            try:
                count = 0
                for line in proc.stdout:
                    last[0] = time.monotonic()
                    yield line.rstrip("\n")
                    count += 1
                    if limit is not None and count >= limit:
                        break
            finally:
                done.set()
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
                proc.stdout.close()
            if stalled.is_set():
                raise TimeoutError(f"journalctl gave no output for {self.settings.statement_timeout:g} s")
            if proc.returncode not in (0, -9) and limit is None:
                errors.seek(0)
                raise RuntimeError(f"journalctl failed ({proc.returncode}): "
                                   f"{errors.read(300).decode('utf-8', 'replace').strip()}")

    def _values(self, field: str) -> list[str]:
        return sorted(v for v in self._run("-F", field) if v)

    def _host(self) -> str:
        hosts = self._values("_HOSTNAME")
        if not self.args:
            return socket.gethostname()
        return hosts[0] if len(hosts) == 1 else (", ".join(hosts[:3]) if hosts else "journal")

    def discover(self) -> Iterator[WorkUnit | Skip]:
        if self._problem is not None:
            raise self._problem
        if self.binary is None:
            yield Skip(Location(socket.gethostname(), "journal"), MISSING)
            return
        # One token for the whole journal, from its files' stat, taken before anything is read: a
        # unit's own last entry would cost a journalctl per unit, and would miss entries vacuumed away.
        journal = journal_version(journal_files(self.args))
        host = self._host()
        field, names = "_SYSTEMD_UNIT", self._values("_SYSTEMD_UNIT")
        if not names:
            field, names = "SYSLOG_IDENTIFIER", self._values("SYSLOG_IDENTIFIER")
        matches = [(name, f"{field}={name}") for name in names]
        # The kernel's messages belong to no unit.
        if "kernel" in self._values("_TRANSPORT"):
            matches.append(("kernel", "_TRANSPORT=kernel"))
        if self.units:
            matches = [(n, m) for n, m in matches if n in self.units]
        for name, match in matches:
            location = Location(host, name, None, f"journald://{host}")
            if self.selected(location):
                version = versions.digest("journald", journal, match) if journal is not None else None
                yield WorkUnit(self.source.name, self.NAME, location, None, {"match": match}, version)

    @staticmethod
    def _entries(lines: Iterator[str]) -> Iterator[dict]:
        for line in lines:
            try:
                yield json.loads(line)
            except ValueError:
                continue

    @staticmethod
    def _messages(entries) -> Iterator[str]:
        for entry in entries:
            message = entry.get("MESSAGE")
            if isinstance(message, list):  # binary-safe form: a list of byte values
                message = bytes(message).decode("utf-8", "replace")
            if isinstance(message, str):
                yield from message.splitlines()

    def sample(self, unit: WorkUnit) -> DatasetSample:
        """The newest half of the sample with -n, the oldest half from the journal's start, stopping
        where the newest begin (a short journal is read once, not twice)."""
        n = self.sample_size
        match = unit.meta["match"]
        newest = list(self._entries(self._run("-o", "json", "-n", str(n - n // 2), match)))
        cursors = {e.get("__CURSOR") for e in newest}
        oldest = []
        for entry in self._entries(self._run("-o", "json", match, limit=n // 2)):
            if entry.get("__CURSOR") in cursors:
                break
            oldest.append(entry)
        limits = Limits.from_settings(self.settings, rows=n)
        fields = parse_lines(self._messages(oldest + newest), limits)
        return DatasetSample(unit, fields, len(oldest) + len(newest),
                             f"oldest {len(oldest)} and newest {len(newest)} entries",
                             columns=[{"name": f.name, "type": "text" if f.unstructured else "string"}
                                      for f in fields],
                             details={"format": "journal"})

    def sample_batches(self, unit: WorkUnit) -> Iterator[DatasetSample]:
        """Every entry of the unit, batch_rows entries at a time; rows count entries, as sampling does."""
        limits = Limits.from_settings(self.settings, rows=self.settings.batch_rows * 4)
        total = 0
        entries = self._entries(self._run("-o", "json", unit.meta["match"]))
        while batch := list(islice(entries, self.settings.batch_rows)):
            total += len(batch)
            yield DatasetSample(unit, parse_lines(self._messages(batch), limits), len(batch), "")
        yield DatasetSample(unit, [], total, "every entry (full read)", details={"format": "journal"}, complete=True)
