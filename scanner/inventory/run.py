"""What one scan does with the inventory: its records go in, reviews are applied to its findings
as they are written, and at the end it yields what changed since the previous scan.

A failing inventory (a shared PostgreSQL going away mid-scan, a full disk) does not lose the
scan: writing stops, the report goes on, and the scan ends with an error record and exit code 5
(4 when another process kept the inventory locked for longer than --lock-wait). An interrupted
scan (its summary says `interrupted`) keeps what it wrote and is marked interrupted; what it did
not reach is not taken for gone, and it yields no changes. A scan that read nothing — every
source failed as a whole (refused, unknown host, authentication) — is not recorded at all: its
header and errors are held back until a source is reached, and dropped at the end.
"""

from __future__ import annotations

from scanner.inventory.changes import changes
from scanner.inventory.reviews import ReviewBook
from scanner.model.protocols import Writer


class InventoryRun(Writer):
    """The inventory as a writer of one scan's records, with a longer ending than a report's:
    `finish` (the summary in, the changes out) or `abort`; `close` without either keeps the
    scan as failed."""

    NAME = "inventory"

    def __init__(self, store, source_names: list[str]):
        self.store = store
        self.writer = store.writer()
        self.error: Exception | None = None
        self._ended = False  # finished or aborted
        self._held: list[dict] | None = []  # the header and whole-source errors, until a source is reached
        self.revision: str | None = None
        try:
            self.book = ReviewBook.for_sources(store, source_names)
            self.revision = store.revision()
        except Exception as exc:  # the scan goes on without it
            self.book, self.error = ReviewBook({}), exc

    def describe(self) -> dict:
        return {"uri": self.store.masked_url, "revision": self.revision}

    def versions(self, source: str) -> dict[str, dict]:
        """What --incremental compares with; nothing (read everything) when the inventory fails."""
        if self.error is not None:
            return {}
        try:
            return self.store.versions(source)
        except Exception as exc:
            self.error = exc
            return {}

    def annotate(self, records: list[dict]) -> None:
        self.book.annotate(records)

    @property
    def recorded(self) -> bool:
        """Whether the scan is in the inventory: something of a source was reached."""
        return self._held is None

    def write(self, record: dict) -> None:
        if self.error is not None:
            return
        if self._held is not None:
            if record.get("record") == "scan" or (record.get("record") == "error" and record.get("location") is None):
                self._held.append(record)
                return
            held, self._held = self._held, None
            for r in held:
                self._write(r)
        self._write(record)

    def _write(self, record: dict) -> None:
        if self.error is not None:
            return
        try:
            self.writer.write(record)
        except Exception as exc:
            self.error = exc

    def finish(self, summary: dict) -> list[dict]:
        """Settles the scan in the inventory (what is gone, its status) and returns its `change`
        records; on a failure returns none and leaves the failure in `error`."""
        self._ended = True
        if self.error is not None:
            self._abandon()
            return []
        if not self.recorded:  # nothing was read: there is no scan to record
            return []
        try:
            self.writer.write(summary)
            return [] if summary.get("interrupted") else changes(self.store, summary["scan_id"])
        except Exception as exc:
            self.error = exc
            self._abandon()
            return []

    def retention(self, scan_id: str) -> list[dict]:
        """`retention` records: what this scan read that holds personal data older than declared."""
        from scanner.inventory.retention import overdue
        from scanner.model.records import retention as record

        try:
            return [record(scan_id, r) for r in overdue(self.store, scan_id=scan_id)]
        except Exception as exc:  # noqa: BLE001 - the scan's report is whole without them
            import logging

            from scanner.model.redact import describe_error

            logging.getLogger(__name__).warning("retention check failed: %s", describe_error(exc)["message"])
            return []

    def close(self) -> None:
        if not self._ended:
            self.abort()

    def abort(self) -> None:
        """The scan stopped part-way: keep what it wrote, mark it failed."""
        self._ended = True
        if self.error is None:
            try:
                self.writer.close()  # flushes, then marks the scan failed (no summary came)
                return
            except Exception as exc:
                self.error = exc
        self._abandon()

    def _abandon(self) -> None:
        try:
            self.writer.pending = []
            self.writer.close()  # marks the scan failed if the store still answers
        except Exception:
            pass
