"""The workstation's local tables (SQLAlchemy 2 typed ORM).

Times are stored as UTC. Rows mirror what the service said (queue summaries, application
snapshots, leases, audit log) plus what only this workstation knows (decisions and their outbox
state, media cache state, sync cursors).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import JSON, TypeDecorator


class Utc(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite itself has no time zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: Utc,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class QueueItem(Base):
    """A pending application as the queue list shows it."""

    __tablename__ = "queue_items"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    applicant: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100))
    main_skills: Mapped[list[str]]
    revision: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime]
    due_at: Mapped[datetime]
    flags: Mapped[list[str]]
    held_by: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    # The change (QueueChangeCounter) that last wrote the row, so a reader can read only the rows
    # changed since it last read (`QueueCache.changes`). Schema 3; older rows have 0.
    seq: Mapped[int] = mapped_column(Integer, server_default=text("0"))

    # Indexes for the queue view's usual sorts, with the id as tie-breaker, so `QueueCache.page()`
    # reads a window of 100,000 rows in order without sorting them (backwards for a descending
    # sort). Holder and revision sorts (few distinct values) sort in a temporary B-tree
    # instead: every index costs time on each pulled row.
    __table_args__ = (
        Index("ix_queue_due_id", "due_at", "application_id"),
        Index("ix_queue_submitted_id", "submitted_at", "application_id"),
        Index("ix_queue_applicant_id", "applicant", "application_id"),
        Index("ix_queue_country_id", "country", "application_id"),
        Index("ix_queue_seq", "seq"),
    )


class QueueRemoval(Base):
    """An application that left the queue cache, and the change that removed it: what a reader
    that read the queue before that change must drop. Kept for the last `KEEP_CHANGES` changes
    (queue_cache.py); a reader further behind reads the whole queue again."""

    __tablename__ = "queue_removals"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)


class QueueChangeCounter(Base):
    """One row (id 1): the number of the last change written to the queue cache, and the
    change from which on every removal is still recorded (`queue_removals`). A reader that last
    read before `floor` (removals were pruned, or the cache was reset) reads everything."""

    __tablename__ = "queue_change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int] = mapped_column(Integer)


class SyncState(Base):
    __tablename__ = "sync_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LeaseRow(Base):
    __tablename__ = "leases"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime]
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_at: Mapped[datetime]
    # active | released | decided | lost
    state: Mapped[str] = mapped_column(String(16), default="active")
    due_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_leases_state_due", "state", "due_at"),)


class ApplicationSnapshot(Base):
    """The full application (the service's `GET /applications/{id}` answer) as it was fetched."""

    __tablename__ = "applications"

    application_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]]
    fetched_at: Mapped[datetime]
    # Removed at this time by the retention purge (set once its decision is delivered).
    purge_after: Mapped[datetime | None]
    findings: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class MediaItem(Base):
    """A photo or video in the content-addressed cache; the file name is the hash. Which
    applications use it is in `media_refs` (one file may serve several)."""

    __tablename__ = "media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The application that first referenced it (schema 1 had only this); see MediaRef.
    application_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    # wanted | cached | failed
    state: Mapped[str] = mapped_column(String(8), default="wanted")
    error: Mapped[str | None] = mapped_column(Text)
    last_used_at: Mapped[datetime | None]


class MediaRef(Base):
    """Application X (its current revision) shows media Y. Media shared by two applications
    (the same bytes, so the same hash) stays while any application that is kept refers to it."""

    __tablename__ = "media_refs"

    application_id: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        PrimaryKeyConstraint("application_id", "sha256"),
        Index("ix_media_refs_sha256", "sha256"),
    )


class DecisionRow(Base):
    """A decision made here, with its outbox state (reviewer_app.core.outbox)."""

    __tablename__ = "decisions"

    decision_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    application_id: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    lease_version: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    reason_codes: Mapped[list[str]]
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime]
    handling_ms: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(100))
    supersedes: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    grace_until: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    server_status: Mapped[str | None] = mapped_column(String(16))
    server_detail: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_decisions_state", "state", "next_attempt_at"),
        Index("ix_decisions_decided_at", "decided_at"),
    )


class AuditEntryRow(Base):
    """The service's decision log, downloaded for a lead's offline audit."""

    __tablename__ = "audit_entries"

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    decision: Mapped[dict[str, Any]]
    profile_sha256: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[str] = mapped_column(String(64), index=True)
    reviewer: Mapped[str] = mapped_column(String(100), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(Utc, index=True)


class AuditCheckpointRow(Base):
    __tablename__ = "audit_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
