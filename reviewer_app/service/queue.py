"""The pending queue: the change feed, claims with fenced leases, and application details."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer_app.core.wire import (
    ApplicationOut,
    DecisionOut,
    LeaseOut,
    QueueItemOut,
    QueuePageOut,
    RevisionOut,
)
from reviewer_app.service import db
from reviewer_app.service.auth import Principal
from reviewer_app.service.errors import bad_request, conflict, not_found
from reviewer_app.service.store import Store

_CURSOR = re.compile(r"^s([0-9]{1,18})$")
QUEUE_STATUSES = ("pending", "escalated")


def parse_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    match = _CURSOR.match(cursor)
    if match is None:
        raise bad_request(f"since: {cursor!r} is not a cursor this service gave out")
    return int(match.group(1))


def make_cursor(seq: int) -> str:
    return f"s{seq}"


def queue_item(row: db.Application, now: datetime) -> QueueItemOut:
    live = (
        row.held_by is not None and row.lease_expires_at is not None and row.lease_expires_at > now
    )
    return QueueItemOut(
        application_id=row.application_id,
        applicant=row.applicant,
        country=row.country,
        main_skills=list(row.main_skills),
        revision=row.current_revision,
        submitted_at=row.submitted_at,
        due_at=row.due_at,
        flags=list(row.flags),
        held_by=row.held_by if live else None,
        lease_expires_at=row.lease_expires_at if live else None,
    )


class Queue:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- the change feed -------------------------------------------------------------------
    def page(self, since: str | None, limit: int) -> QueuePageOut:
        """Everything that changed after the cursor, in change order: a full pull is a delta
        since the start, in pages."""
        after = parse_cursor(since)
        now = self._store.settings.clock()
        with self._store.read() as session:
            rows = session.scalars(
                select(db.Application)
                .where(db.Application.seq > after)
                .order_by(db.Application.seq)
                .limit(limit + 1)
            ).all()
        has_more = len(rows) > limit
        rows = rows[:limit]
        items = [queue_item(row, now) for row in rows if row.status in QUEUE_STATUSES]
        removed = [row.application_id for row in rows if row.status not in QUEUE_STATUSES]
        last = rows[-1].seq if rows else after
        return QueuePageOut(
            items=items,
            removed=removed,
            next_cursor=make_cursor(last),
            has_more=has_more,
            server_time=now,
        )

    # -- claims ------------------------------------------------------------------------------
    def claim(self, user: Principal, count: int, offline: bool) -> list[LeaseOut]:
        settings = self._store.settings
        now = settings.clock()
        seconds = settings.offline_lease_seconds if offline else settings.lease_seconds
        expires = now + timedelta(seconds=seconds)
        statuses = QUEUE_STATUSES if user.is_lead else ("pending",)
        with self._store.write() as session:
            # On SQLite the write transaction already holds the database's write lock, so the
            # rows read here cannot be claimed by anyone else before this commits.
            rows = self._claimable(session, statuses, now, count)
            if not rows:
                return []
            seq = self._store.bump(session, "queue_seq", len(rows)) - len(rows)
            leases = []
            for row in rows:
                seq += 1
                row.held_by = user.username
                row.lease_version += 1
                row.lease_expires_at = expires
                row.lease_offline = offline
                row.seq = seq
                leases.append(
                    LeaseOut(
                        application_id=row.application_id,
                        revision=row.current_revision,
                        version=row.lease_version,
                        expires_at=expires,
                        offline=offline,
                    )
                )
            return leases

    def _claimable(
        self, session: Session, statuses: tuple[str, ...], now: datetime, count: int
    ) -> list[db.Application]:
        """The first `count` items by due time (then id) of these statuses that nobody holds
        or whose lease ran out. One query per status and kind, each an index range in due
        order (or over the few expired leases), so a claim costs the same at the end of a
        long queue as at its start; merged here."""
        order = (db.Application.due_at, db.Application.application_id)
        queries = []
        for status in statuses:
            queries.append(
                select(db.Application)
                .where(db.Application.status == status, db.Application.held_by.is_(None))
                .order_by(*order)
                .limit(count)
            )
            queries.append(
                select(db.Application)
                .where(
                    db.Application.status == status,
                    db.Application.held_by.is_not(None),
                    db.Application.lease_expires_at <= now,
                )
                .order_by(*order)
                .limit(count)
            )
        found: dict[str, db.Application] = {}
        for query in queries:
            if self._store.dialect == "postgresql":
                # Concurrent claimers skip each other's rows instead of queueing on them.
                query = query.with_for_update(skip_locked=True)
            for row in session.scalars(query):
                found[row.application_id] = row
        ranked = sorted(found.values(), key=lambda row: (row.due_at, row.application_id))
        return ranked[:count]

    def _held(
        self, session: Session, user: Principal, application_id: str, version: int
    ) -> db.Application:
        query = select(db.Application).where(db.Application.application_id == application_id)
        if self._store.dialect == "postgresql":
            query = query.with_for_update()
        row = session.scalars(query).one_or_none()
        if row is None:
            raise not_found(f"no application {application_id!r}")
        if row.held_by != user.username or row.lease_version != version:
            holder = row.held_by or "nobody"
            raise conflict(
                f"lease lost: {application_id} is at lease version {row.lease_version}, "
                f"held by {holder}"
            )
        if row.status not in QUEUE_STATUSES:
            raise conflict(f"{application_id} has been decided already")
        return row

    def heartbeat(self, user: Principal, application_id: str, version: int) -> LeaseOut:
        """Extend a lease. A lease that ran out but that nobody claimed since (same version)
        can be renewed: the fencing token, not the clock, says who may decide."""
        settings = self._store.settings
        now = settings.clock()
        with self._store.write() as session:
            row = self._held(session, user, application_id, version)
            seconds = (
                settings.offline_lease_seconds if row.lease_offline else settings.lease_seconds
            )
            row.lease_expires_at = now + timedelta(seconds=seconds)
            row.seq = self._store.bump(session, "queue_seq")
            return LeaseOut(
                application_id=row.application_id,
                revision=row.current_revision,
                version=row.lease_version,
                expires_at=row.lease_expires_at,
                offline=row.lease_offline,
            )

    def release(self, user: Principal, application_id: str, version: int) -> None:
        with self._store.write() as session:
            row = self._held(session, user, application_id, version)
            row.held_by = None
            row.lease_expires_at = None
            row.lease_offline = False
            row.seq = self._store.bump(session, "queue_seq")

    # -- details -----------------------------------------------------------------------------
    def application(self, application_id: str) -> ApplicationOut:
        now = self._store.settings.clock()
        sla = self._store.settings.sla
        with self._store.read() as session:
            row = session.get(db.Application, application_id)
            if row is None:
                raise not_found(f"no application {application_id!r}")
            revisions = session.scalars(
                select(db.RevisionRow)
                .where(db.RevisionRow.application_id == application_id)
                .order_by(db.RevisionRow.revision)
            ).all()
            decisions = session.scalars(
                select(db.DecisionRow)
                .where(db.DecisionRow.application_id == application_id)
                .order_by(db.DecisionRow.recorded_at)
            ).all()
        # The last accept/decline of each revision is its decision (an escalation is not).
        final: dict[int, db.DecisionRow] = {}
        for decision in decisions:
            if decision.outcome != "escalate" or decision.revision not in final:
                final[decision.revision] = decision
        live = (
            row.held_by is not None
            and row.lease_expires_at is not None
            and row.lease_expires_at > now
        )
        return ApplicationOut(
            application_id=row.application_id,
            status=row.status,  # type: ignore[arg-type]
            current_revision=row.current_revision,
            flags=list(row.flags),
            held_by=row.held_by if live else None,
            lease_version=row.lease_version,
            lease_expires_at=row.lease_expires_at if live else None,
            revisions=[
                RevisionOut(
                    revision=rev.revision,
                    submitted_at=rev.submitted_at,
                    due_at=sla.due_at(rev.submitted_at),
                    profile=rev.profile,  # type: ignore[arg-type]
                    decision=(
                        DecisionOut.model_validate(final[rev.revision].body)
                        if rev.revision in final
                        else None
                    ),
                )
                for rev in revisions
            ],
        )

    def media(self, sha256: str) -> tuple[str, bytes]:
        with self._store.read() as session:
            row = session.get(db.Media, sha256)
            if row is None:
                raise not_found(f"no media with SHA-256 {sha256}")
            return row.content_type, row.data
