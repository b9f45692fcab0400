"""Claimed applications: their leases, the full snapshots fetched for review, the media they
reference, and the retention purge of all of it once decisions are delivered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
    MediaRef,
    QueueItem,
)


@dataclass(frozen=True, slots=True)
class MediaWanted:
    sha256: str
    kind: str
    content_type: str
    size: int


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
            refs = [r for r in ((current.photo, current.video) if current else ()) if r]
            wanted = {ref.sha256 for ref in refs}
            # The snapshot's media links are those of its current revision: an older
            # revision's media no longer belongs to it (and goes once nothing else uses it).
            session.execute(
                delete(MediaRef).where(
                    MediaRef.application_id == application.application_id,
                    MediaRef.sha256.not_in(wanted),
                )
            )
            for ref in refs:
                if session.get(MediaItem, ref.sha256) is None:
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
                if session.get(MediaRef, (application.application_id, ref.sha256)) is None:
                    session.add(
                        MediaRef(application_id=application.application_id, sha256=ref.sha256)
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
    def media_wanted(self, application_ids: Iterable[str]) -> list[MediaWanted]:
        """Media of these applications not in the cache yet (plain data)."""
        with self._db.read() as session:
            used = select(MediaRef.sha256).where(MediaRef.application_id.in_(list(application_ids)))
            rows = session.execute(
                select(MediaItem.sha256, MediaItem.kind, MediaItem.content_type, MediaItem.size)
                .where(MediaItem.sha256.in_(used), MediaItem.state == "wanted")
                .order_by(MediaItem.sha256)
            ).all()
            return [
                MediaWanted(sha, kind, content_type, int(size))
                for sha, kind, content_type, size in rows
            ]

    def media_of(self, application_id: str) -> list[str]:
        """The hashes of the media the stored snapshot of `application_id` shows."""
        with self._db.read() as session:
            return list(
                session.scalars(
                    select(MediaRef.sha256)
                    .where(MediaRef.application_id == application_id)
                    .order_by(MediaRef.sha256)
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
        """Cached media that no application with an open lease refers to, least recently used
        first. (Evicted media is wanted again, so it is fetched again when opened.)"""
        with self._db.read() as session:
            active = select(LeaseRow.application_id).where(LeaseRow.state == "active")
            in_use = select(MediaRef.sha256).where(MediaRef.application_id.in_(active))
            rows = session.execute(
                select(MediaItem.sha256, MediaItem.size)
                .where(MediaItem.state == "cached", MediaItem.sha256.not_in(in_use))
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
        """Remove snapshots that are past their purge time, or all of them (sign-out), with
        their media links, and the media rows no kept application refers to any more. Returns
        those media hashes: the caller deletes their files. Media that another (claimed,
        undelivered or not yet purged) application also shows is kept."""
        now = now or self._db.clock()
        with self._db.write() as session:
            query = select(ApplicationSnapshot.application_id)
            if not everything:
                query = query.where(ApplicationSnapshot.purge_after <= now)
            ids = list(session.scalars(query))
            if ids:
                session.execute(delete(MediaRef).where(MediaRef.application_id.in_(ids)))
                session.execute(
                    delete(ApplicationSnapshot).where(ApplicationSnapshot.application_id.in_(ids))
                )
                session.execute(
                    delete(LeaseRow).where(
                        LeaseRow.application_id.in_(ids), LeaseRow.state != "active"
                    )
                )
            # Media no application refers to any more: of the purged ones, or left behind by a
            # newer revision's snapshot.
            orphans = select(MediaItem.sha256).where(
                MediaItem.sha256.not_in(select(MediaRef.sha256))
            )
            hashes = list(session.scalars(orphans))
            if hashes:
                session.execute(delete(MediaItem).where(MediaItem.sha256.in_(hashes)))
            return hashes
