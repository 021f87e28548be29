"""What the HTML report shows, as plain dataclasses: made from a JSONL report or the inventory
(`reports.html_model`), ranked (`reports.html_risk`) and rendered (`reports.html`).

Only what the records hold goes in: masked examples, never fingerprints or raw values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports import texts_en


class Note(str):
    """A note on the model: its English text (what logs and tests read), with the key and values
    the page says it by in its own language."""

    def __new__(cls, key: str, **args):
        note = super().__new__(cls, texts_en.TEXT[key].format(**args))
        note.key, note.args = key, args
        return note


@dataclass
class Finding:
    source: str
    location: str  # as the console shows it
    uri: str
    entity_type: str
    category: str
    personal: bool
    confidence: float
    hits: int
    sampled: int
    ratio: float
    examples: list[str]
    reasons: list[str]
    review: dict | None = None
    field: str | None = None
    # where the scan found it (records' in_log and free_text, schema 1.6): the report takes the
    # scan's word for both, knowing no crawler, format or log file name itself
    in_log: str | None = None  # why the location is a log, in a few words, or None
    free_text: bool = False  # in running text, not one value per row

    @property
    def state(self) -> str | None:
        return (self.review or {}).get("state")

    @property
    def suppressed(self) -> bool:
        return self.state == "suppressed"


@dataclass
class Problem:
    source: str
    location: str
    kind: str  # error | skipped | field skipped
    reason: str | None  # None: an inventory written before it kept reasons


@dataclass
class Change:
    kind: str
    source: str
    location: str
    entity_type: str | None
    category: str
    detail: str
    review: dict | None
    since: str | None  # the scan compared with; None: the dataset was never read before
    before: dict | None = None  # as the change record has them, for the page to say in its language
    after: dict | None = None

    @property
    def first(self) -> bool:
        return self.since is None


@dataclass
class Model:
    origin: str  # what the report was made from
    inventory: str | None = None  # its URI, password masked, when the scan kept one
    scans: list[dict] = field(default_factory=list)  # scan_id, started_at, finished_at, tool_version, exit_code, status
    sources: list[dict] = field(default_factory=list)  # name, type, uri (masked)
    coverage: dict = field(default_factory=dict)  # scanned, skipped, failed, sources_total, sources_failed
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: list[Change] | None = None  # None: no inventory, so not known
    notes: list[Note] = field(default_factory=list)
    links: list[dict] | None = None  # scanner.inventory.links.by_dataset rows; None: no sketches to compare
    retention: list[dict] | None = None  # `retention` records (or inventory rows); None: not checked (no inventory)

    @property
    def live(self) -> list[Finding]:
        """Findings that count: everything not suppressed as a reviewed false positive."""
        return [f for f in self.findings if not f.suppressed]


__all__ = ["Change", "Finding", "Model", "Note", "Problem"]
