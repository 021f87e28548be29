"""Where to look for a person: what the inventory knows of each source, narrowed to the fields
that hold an identifier of the kinds asked for, and to running text that holds personal data.

A field with a finding of a kind's entity type is an *equality* field (a stored value is the
identifier or it is not: indexes answer); a field whose finding was made in running text (a
note, a log message, a JSON document) is a *text* field, searched for every kind asked for,
since running text that names one identifier of a person often names others. Findings that a
review suppressed (false positives) are not looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scanner.subject.identifiers import KINDS

SUPPRESSED = "suppressed"


@dataclass
class Target:
    """One dataset of a source: its fields to compare by equality (field → kinds) and to search
    as text (field → kinds found there, for the record)."""

    container: str | None
    dataset: str
    equal: dict[str, set[str]] = field(default_factory=dict)
    text: set[str] = field(default_factory=set)
    in_log: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.container, self.dataset)

    def fields(self) -> list[str]:
        return sorted(set(self.equal) | self.text)


def kinds_of(entity_type: str, kinds: set[str]) -> set[str]:
    return {k for k in kinds if entity_type in KINDS[k]}


def targets(findings: list[dict], kinds: set[str]) -> dict[str, dict[tuple, Target]]:
    """source name → (container, dataset) → Target, from the inventory's present findings
    (`scanner.inventory.views.findings` rows)."""
    out: dict[str, dict[tuple, Target]] = {}
    for f in findings:
        if f["status"] != "present" or not f["personal"]:
            continue
        if (f.get("review") or {}).get("state") == SUPPRESSED:
            continue
        wanted = kinds_of(f["entity_type"], kinds)
        if not wanted and not f["free_text"]:
            continue
        by_dataset = out.setdefault(f["source"], {})
        t = by_dataset.get((f["container"], f["dataset"]))
        if t is None:
            t = by_dataset[(f["container"], f["dataset"])] = Target(f["container"], f["dataset"])
        t.in_log = t.in_log or bool(f.get("in_log"))
        name = f["field"] or ""  # "": the dataset itself (a plain text file's content)
        if f["free_text"] or not f["field"]:
            t.text.add(name)
        else:
            t.equal.setdefault(name, set()).update(wanted)
    return out
