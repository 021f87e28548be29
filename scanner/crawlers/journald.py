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
from collections.abc import Iterator
from itertools import islice
from urllib.parse import parse_qs, unquote, urlsplit

from scanner.crawlers.base import Crawler, DatasetSample, Location, Skip, WorkUnit
from scanner.formats import Limits
from scanner.formats.logs import parse_lines

MISSING = "journalctl not found: the systemd journal was not scanned (install systemd, or copy the journal elsewhere)"


def journal_args(url: str) -> list[str]:
    """journalctl options selecting the journal a URL names."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if not path or path == "/":
        return []
    if os.path.isdir(path):
        return [f"--directory={path}"]
    files = sorted(glob.glob(path)) or [path]
    return [f"--file={f}" for f in files]


class JournaldCrawler(Crawler):
    NAME = "journald"
    SCHEMES = ("journald",)
    CONNECTIONS = 2  # journalctl processes at once

    def __init__(self, source, settings):
        super().__init__(source, settings)
        self.args = journal_args(source.url)
        self.units = tuple(parse_qs(urlsplit(source.url).query).get("unit", []))
        self.binary = shutil.which("journalctl")

    def _run(self, *args: str, limit: int | None = None) -> Iterator[str]:
        """journalctl's output lines; with `limit`, the process is stopped after that many."""
        cmd = [self.binary, "--no-pager", "-q", *self.args, *args]
        env = {**os.environ, "SYSTEMD_PAGER": "cat", "SYSTEMD_COLORS": "0", "LC_ALL": "C.UTF-8"}
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                                encoding="utf-8", errors="replace")
        try:
            lines = (line.rstrip("\n") for line in proc.stdout)
            yield from (islice(lines, limit) if limit is not None else lines)
        finally:
            if proc.poll() is None:
                proc.kill()
            _, err = proc.communicate(timeout=self.settings.statement_timeout)
            if proc.returncode not in (0, -9) and limit is None:
                raise RuntimeError(f"journalctl failed ({proc.returncode}): {err.strip()[:300]}")

    def _values(self, field: str) -> list[str]:
        return sorted(v for v in self._run("-F", field) if v)

    def _host(self) -> str:
        hosts = self._values("_HOSTNAME")
        if not self.args:
            return socket.gethostname()
        return hosts[0] if len(hosts) == 1 else (", ".join(hosts[:3]) if hosts else "journal")

    def discover(self) -> Iterator[WorkUnit | Skip]:
        if self.binary is None:
            yield Skip(Location(socket.gethostname(), "journal"), MISSING)
            return
        host = self._host()
        field, names = "_SYSTEMD_UNIT", self._values("_SYSTEMD_UNIT")
        if not names:
            field, names = "SYSLOG_IDENTIFIER", self._values("SYSLOG_IDENTIFIER")
        if self.units:
            names = [n for n in names if n in self.units]
        for name in names:
            location = Location(host, name, None, f"journald://{host}")
            if self.selected(location):
                yield WorkUnit(self.source.name, self.NAME, location, None, {"match": f"{field}={name}"})

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
        limits = Limits.from_settings(self.settings, rows=self.settings.batch_rows)
        total = 0
        batch: list[str] = []
        for message in self._messages(self._entries(self._run("-o", "json", unit.meta["match"]))):
            batch.append(message)
            if len(batch) >= self.settings.batch_rows:
                total += len(batch)
                yield DatasetSample(unit, parse_lines(batch, limits), len(batch), "")
                batch = []
        if batch:
            total += len(batch)
            yield DatasetSample(unit, parse_lines(batch, limits), len(batch), "")
        yield DatasetSample(unit, [], total, "every entry (full read)", details={"format": "journal"})
