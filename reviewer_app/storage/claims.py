"""Claimed applications: their leases, the full snapshots fetched for review, the media they
reference, and the retention purge of all of it once decisions are delivered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.wire import ApplicationOut, LeaseOut
from reviewer_app.storage.database import Database
from reviewer_app.storage.schema import (
    ApplicationSnapshot,
    DecisionRow,
    LeaseRow,
    MediaItem,
    QueueItem,
)


class Claims:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- leases ------------------------------------------------------------------------------
    def save_leases(self, leases: Iterable[LeaseOut]) -> None:
        now = self._db.clock()
        with self._db.write() as session:
            for lease in leases:
                queued = session.get(QueueItem, lease.application_id)
                row = session.get(LeaseRow, lease.application_id)
                if row is None:
                    row = LeaseRow(application_id=lease.application_id, claimed_at=now)
                    session.add(row)
                row.revision = lease.revision
                row.version = lease.version
                row.expires_at = lease.expires_at
                row.offline = lease.offline
                row.state = "active"
                row.due_at = queued.due_at if queued else row.due_at

    def active(self) -> list[LeaseOut]:
        """Open leases, the one due soonest first."""
        with self._db.read() as session:
            rows = session.scalars(
                select(LeaseRow)
                .where(LeaseRow.state == "active")
                .order_by(LeaseRow.due_at, LeaseRow.claimed_at)
            ).all()
            return [
                LeaseOut(
                    application_id=row.application_id,
                    revision=row.revision,
                    version=row.version,
                    expires_at=row.expires_at,
                    offline=row.offline,
                )
                for row in rows
            ]

    def set_lease_state(self, application_id: str, state: str) -> None:
        with self._db.write() as session:
            row = session.get(LeaseRow, application_id)
            if row is not None:
                row.state = state

    # -- snapshots ---------------------------------------------------------------------------
    def save_application(self, application: ApplicationOut) -> None:
        now = self._db.clock()
        snapshot = application.model_dump(mode="json")
        with self._db.write() as session:
            row = session.get(ApplicationSnapshot, application.application_id)
            if row is None:
                session.add(
                    ApplicationSnapshot(
                        application_id=application.application_id,
                        revision=application.current_revision,
                        snapshot=snapshot,
                        fetched_at=now,
                        purge_after=None,
                    )
                )
            else:
                row.revision = application.current_revision
                row.snapshot = snapshot
                row.fetched_at = now
            current = application.revisions[-1].profile if application.revisions else None
            for ref in (current.photo, current.video) if current else ():
                if ref is not None and session.get(MediaItem, ref.sha256) is None:
                    session.add(
                        MediaItem(
                            sha256=ref.sha256,
                            application_id=application.application_id,
                            kind=ref.kind,
                            content_type=ref.content_type,
                            size=ref.size,
                            state="wanted",
                        )
                    )

    def application(self, application_id: str) -> ApplicationOut | None:
        with self._db.read() as session:
            row = session.get(ApplicationSnapshot, application_id)
            return ApplicationOut.model_validate(row.snapshot) if row else None

    def has_application(self, application_id: str, revision: int) -> bool:
        with self._db.read() as session:
            row = session.get(ApplicationSnapshot, application_id)
            return row is not None and row.revision == revision

    # -- media index -------------------------------------------------------------------------
    def media_wanted(self, application_ids: Iterable[str]) -> list[MediaItem]:
        with self._db.read() as session:
            return list(
                session.scalars(
                    select(MediaItem).where(
                        MediaItem.application_id.in_(list(application_ids)),
                        MediaItem.state == "wanted",
                    )
                )
            )

    def media_state(self, sha256: str) -> tuple[str, str | None] | None:
        with self._db.read() as session:
            row = session.get(MediaItem, sha256)
            return (row.state, row.error) if row else None

    def mark_media(self, sha256: str, state: str, error: str | None = None) -> None:
        now = self._db.clock()
        with self._db.write() as session:
            row = session.get(MediaItem, sha256)
            if row is not None:
                row.state = state
                row.error = error
                row.last_used_at = now

    def evictable_media(self) -> list[tuple[str, int]]:
        """Cached media not referenced by an open lease, least recently used first."""
        with self._db.read() as session:
            active = select(LeaseRow.application_id).where(LeaseRow.state == "active")
            rows = session.execute(
                select(MediaItem.sha256, MediaItem.size)
                .where(MediaItem.state == "cached", MediaItem.application_id.not_in(active))
                .order_by(MediaItem.last_used_at)
            ).all()
            return [(sha, int(size)) for sha, size in rows]

    # -- retention ---------------------------------------------------------------------------
    def schedule_purge(self, retention: timedelta) -> int:
        """Applications whose decision is delivered get a purge time."""
        now = self._db.clock()
        with self._db.write() as session:
            delivered = select(DecisionRow.application_id).where(
                DecisionRow.state == OutboxState.DELIVERED
            )
            rows = session.scalars(
                select(ApplicationSnapshot).where(
                    ApplicationSnapshot.purge_after.is_(None),
                    ApplicationSnapshot.application_id.in_(delivered),
                )
            ).all()
            for row in rows:
                row.purge_after = now + retention
            return len(rows)

    def purge_due(self, now: datetime | None = None, *, everything: bool = False) -> list[str]:
        """Remove snapshots (and their media index rows) that are past their purge time, or
        all of them (sign-out). Returns the media hashes whose files the caller deletes."""
        now = now or self._db.clock()
        with self._db.write() as session:
            query = select(ApplicationSnapshot.application_id)
            if not everything:
                query = query.where(ApplicationSnapshot.purge_after <= now)
            ids = list(session.scalars(query))
            if not ids:
                return []
            hashes = list(
                session.scalars(select(MediaItem.sha256).where(MediaItem.application_id.in_(ids)))
            )
            session.execute(delete(MediaItem).where(MediaItem.application_id.in_(ids)))
            session.execute(
                delete(ApplicationSnapshot).where(ApplicationSnapshot.application_id.in_(ids))
            )
            session.execute(
                delete(LeaseRow).where(LeaseRow.application_id.in_(ids), LeaseRow.state != "active")
            )
            return hashes
