"""The inventory's tables: what personal data is where, since when, and what each scan saw.

Only what report records carry is stored: masked examples and keyed fingerprints, never a raw
value. Changing a table means a new Alembic revision in `migrations/versions`.

Times: `first_seen`/`last_seen` are the `started_at` of the scans that saw a row, so two scanners
writing at once agree on which scan is newer. `checked_at` is the start of the scan that last
decided a row's status (present or gone): a scan only changes a status another, newer scan set
if it is itself at least as new.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PRESENT, GONE = "present", "gone"
RUNNING, COMPLETED, INCOMPLETE, FAILED = "running", "completed", "incomplete", "failed"
# a scan stopped by a signal (it wrote what it had); one whose process died without a word,
# found so by a later run (scanner.inventory.liveness: nothing holds the scan's liveness lock)
INTERRUPTED, ABANDONED = "interrupted", "abandoned"
FALSE_POSITIVE, CONFIRMED = "false_positive", "confirmed"
SCANNED, ERROR, SKIPPED, UNCHANGED = "scanned", "error", "skipped", "unchanged"  # coverage outcomes


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class Scan(Base):
    __tablename__ = "scans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the report's scan_id
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    tool_version: Mapped[str | None] = mapped_column(String(64))
    config_fingerprint: Mapped[str | None] = mapped_column(String(80))  # sha256 of settings + detectors
    status: Mapped[str] = mapped_column(String(16), default=RUNNING)
    exit_code: Mapped[int | None]
    counts: Mapped[dict | None] = mapped_column(JSON)
    sources: Mapped[list | None] = mapped_column(JSON)  # [{name, type, uri}] as in the header
    # 0002: the entity types its detectors could report (NULL: not recorded, i.e. all), so a scan
    # narrowed with -d turns nothing else gone and is not the baseline of a wider one
    entities: Mapped[list | None] = mapped_column(JSON)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str | None] = mapped_column(String(64))
    uri: Mapped[str | None] = mapped_column(Text)  # masked, as in the records
    # declared metadata (configuration, not scans)
    owner: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(16))  # controller | processor
    purpose: Mapped[str | None] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    data_subjects: Mapped[list | None] = mapped_column(JSON)
    retention: Mapped[str | None] = mapped_column(Text)
    environment: Mapped[str | None] = mapped_column(String(32))
    # 0002: the system a source belongs to (several sources may make one system), the categories
    # of personal data declared for it, and when the declaration was last changed
    system: Mapped[str | None] = mapped_column(Text)
    categories: Mapped[list | None] = mapped_column(JSON)
    declared_at: Mapped[datetime | None]


class Location(Base):
    """A dataset (field NULL) or a field of one."""

    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("source_id", "uri", name="uq_locations_source_uri"),
                      Index("ix_locations_dataset", "source_id", "container", "dataset"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    container: Mapped[str | None] = mapped_column(Text)
    dataset: Mapped[str] = mapped_column(Text)
    field: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_scan_id: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=PRESENT)
    row_estimate: Mapped[int | None] = mapped_column(Integer)
    # 0003: a dataset's version when it was last read whole (see WorkUnit.version); --incremental
    # passes over a dataset whose version is the same again. NULL: read it next time.
    version: Mapped[str | None] = mapped_column(String(80))
    # 0004: the real names of a location shown masked (they held personal data), sealed with a
    # key only the scanning installation has; `kartlegg inventory show` opens it there
    sealed: Mapped[str | None] = mapped_column(Text)
    # 0007: how old a dataset's data is (a table's oldest date, the oldest file's modification
    # time), as the scan that read it last said, and how it was read; for retention checks
    oldest_at: Mapped[datetime | None]
    oldest_by: Mapped[str | None] = mapped_column(Text)


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("location_id", "entity_type", name="uq_findings_location_entity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    personal: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float)
    hits: Mapped[int]
    sampled: Mapped[int]
    ratio: Mapped[float | None] = mapped_column(Float)
    examples: Mapped[list | None] = mapped_column(JSON)  # masked
    fingerprints: Mapped[list | None] = mapped_column(JSON)  # hmac-sha256:…
    declared_type: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    last_scan_id: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=PRESENT)
    # 0005: where the scan that saw it last found it (report records' free_text and in_log): in
    # running text, and in a log (why, in a few words; NULL: not a log). Rows kept before 0005 say
    # neither until a scan sees them again.
    free_text: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    in_log: Mapped[str | None] = mapped_column(Text)
    # 0007: the linkage sketch of its values (detectors.sketch), as the scan that saw it last made it
    sketch: Mapped[list | None] = mapped_column(JSON)


class Observation(Base):
    """History: one row per finding per scan."""

    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("scan_id", "location_id", "entity_type", name="uq_observations"),
                      Index("ix_observations_location", "location_id", "entity_type"),
                      Index("ix_observations_scan", "scan_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    entity_type: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    personal: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float)
    hits: Mapped[int]
    sampled: Mapped[int]


class Coverage(Base):
    """What a scan did with each dataset it met: scanned, error or skipped (and, at the end, which
    datasets it found gone). Only a scanned dataset's missing findings turn gone."""

    __tablename__ = "coverage"
    __table_args__ = (UniqueConstraint("scan_id", "source_id", "uri", name="uq_coverage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scan_id: Mapped[str] = mapped_column(ForeignKey("scans.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    container: Mapped[str | None] = mapped_column(Text)
    dataset: Mapped[str | None] = mapped_column(Text)  # NULL: the whole source (it failed)
    field: Mapped[str | None] = mapped_column(Text)  # a skipped field
    uri: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(64))  # NULL: the whole location
    decision: Mapped[str] = mapped_column(String(16))  # false_positive | confirmed
    note: Mapped[str | None] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(String(255))
    at: Mapped[datetime]
    evidence: Mapped[dict | None] = mapped_column(JSON)  # {entity_types, ratio, …} when decided


class SubjectRequest(Base):
    """0006: how a data subject's request was answered (`kartlegg subject`): who asked, for which
    controller, which kinds of identifiers (as keyed fingerprints, never values), where the
    person was found and how many rows, so a controller can show what was done and when."""

    __tablename__ = "subject_requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the run's request_id
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    requested_by: Mapped[str | None] = mapped_column(String(255))
    controller: Mapped[str | None] = mapped_column(Text)
    kinds: Mapped[list] = mapped_column(JSON)
    fingerprints: Mapped[list] = mapped_column(JSON)  # hmac-sha256:… per identifier
    sources: Mapped[list | None] = mapped_column(JSON)  # [{name, type, uri}]
    found: Mapped[list | None] = mapped_column(JSON)  # [{source, uri, kinds, rows}]
    counts: Mapped[dict | None] = mapped_column(JSON)  # locations searched, found, not_found, error, skipped
    exported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    erase_plan: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    exit_code: Mapped[int | None]
