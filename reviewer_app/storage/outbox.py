"""Decisions and their outbox: written in one durable transaction, then moved through the
states of reviewer_app.core.outbox until the service has answered. Nothing here deletes a
decision."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import (
    OutboxState,
    backoff,
    check_transition,
    state_for_result,
)
from reviewer_app.core.wire import DecisionIn, DecisionResultOut
from reviewer_app.storage.database import Database
from reviewer_app.storage.schema import DecisionRow, LeaseRow


@dataclass(frozen=True, slots=True)
class NewDecision:
    decision_id: str
    application_id: str
    revision: int
    lease_version: int
    outcome: Outcome
    reason_codes: tuple[str, ...]
    note: str
    decided_at: datetime
    handling_ms: int
    reviewer: str
    supersedes: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    decision_id: str
    application_id: str
    revision: int
    outcome: str
    reason_codes: tuple[str, ...]
    note: str
    decided_at: datetime
    state: OutboxState
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    server_status: str | None
    server_detail: str | None
    grace_until: datetime


def _item(row: DecisionRow) -> OutboxItem:
    return OutboxItem(
        decision_id=row.decision_id,
        application_id=row.application_id,
        revision=row.revision,
        outcome=row.outcome,
        reason_codes=tuple(row.reason_codes),
        note=row.note,
        decided_at=row.decided_at,
        state=OutboxState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        server_status=row.server_status,
        server_detail=row.server_detail,
        grace_until=row.grace_until,
    )


def _move(row: DecisionRow, new: OutboxState) -> None:
    check_transition(OutboxState(row.state), new)
    row.state = new.value


class Outbox:
    def __init__(self, db: Database, *, rng: random.Random | None = None) -> None:
        self._db = db
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret

    def record(self, decision: NewDecision, grace: timedelta) -> OutboxItem:
        """Write the decision and its outbox row in one transaction. When this returns, the
        decision is on disk: only then may anything say "recorded"."""
        now = self._db.clock()
        with self._db.write() as session:
            row = DecisionRow(
                decision_id=decision.decision_id,
                application_id=decision.application_id,
                revision=decision.revision,
                lease_version=decision.lease_version,
                outcome=decision.outcome.value,
                reason_codes=list(decision.reason_codes),
                note=decision.note,
                decided_at=decision.decided_at,
                handling_ms=decision.handling_ms,
                reviewer=decision.reviewer,
                supersedes=decision.supersedes,
                state=(OutboxState.GRACE if grace > timedelta(0) else OutboxState.READY).value,
                grace_until=now + grace,
                attempts=0,
                next_attempt_at=now + grace,
            )
            session.add(row)
            session.execute(
                update(LeaseRow)
                .where(LeaseRow.application_id == decision.application_id)
                .values(state="decided")
            )
            session.flush()
            return _item(row)

    def undo(self, decision_id: str) -> bool:
        """Take a decision back while it waits out its grace period. False when it is too
        late (the grace is over or it is on its way)."""
        now = self._db.clock()
        with self._db.write() as session:
            row = session.get(DecisionRow, decision_id)
            if row is None or row.state != OutboxState.GRACE or row.grace_until <= now:
                return False
            _move(row, OutboxState.UNDONE)
            session.execute(
                update(LeaseRow)
                .where(LeaseRow.application_id == row.application_id, LeaseRow.state == "decided")
                .values(state="active")
            )
            return True

    def promote(self) -> int:
        """Decisions whose grace is over become ready to send."""
        now = self._db.clock()
        with self._db.write() as session:
            result = session.execute(
                update(DecisionRow)
                .where(DecisionRow.state == OutboxState.GRACE, DecisionRow.grace_until <= now)
                .values(state=OutboxState.READY.value)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def take(self, limit: int) -> list[DecisionIn]:
        """Up to `limit` ready decisions whose retry time has come, marked as sending."""
        now = self._db.clock()
        with self._db.write() as session:
            rows = session.scalars(
                select(DecisionRow)
                .where(
                    DecisionRow.state == OutboxState.READY,
                    (DecisionRow.next_attempt_at.is_(None)) | (DecisionRow.next_attempt_at <= now),
                )
                .order_by(DecisionRow.decided_at)
                .limit(limit)
            ).all()
            for row in rows:
                _move(row, OutboxState.SENDING)
                row.attempts += 1
            return [
                DecisionIn(
                    decision_id=row.decision_id,
                    application_id=row.application_id,
                    revision=row.revision,
                    lease_version=row.lease_version,
                    outcome=row.outcome,
                    reason_codes=list(row.reason_codes),
                    note=row.note,
                    decided_at=row.decided_at,
                    handling_ms=row.handling_ms,
                )
                for row in rows
            ]

    def settle(self, results: Iterable[DecisionResultOut]) -> dict[str, OutboxState]:
        """Apply the service's per-decision answers."""
        now = self._db.clock()
        settled: dict[str, OutboxState] = {}
        with self._db.write() as session:
            for result in results:
                row = session.get(DecisionRow, result.decision_id)
                if row is None or row.state != OutboxState.SENDING:
                    continue
                new = state_for_result(result.status)
                _move(row, new)
                row.server_status = result.status
                row.server_detail = result.detail
                row.next_attempt_at = None
                if new is OutboxState.DELIVERED:
                    row.delivered_at = now
                settled[row.decision_id] = new
        return settled

    def retry_later(
        self, decision_ids: Iterable[str], error: str, retry_after: float | None = None
    ) -> None:
        """The service could not take these now (unreachable, 5xx, malformed answer): back to
        ready, with a capped, jittered backoff that honours Retry-After."""
        now = self._db.clock()
        with self._db.write() as session:
            for decision_id in decision_ids:
                row = session.get(DecisionRow, decision_id)
                if row is None or row.state != OutboxState.SENDING:
                    continue
                _move(row, OutboxState.READY)
                row.last_error = error[:500]
                row.next_attempt_at = now + backoff(
                    row.attempts, retry_after=retry_after, rng=self._rng
                )

    def recover(self) -> int:
        """After a crash, decisions caught mid-send go back to ready. The decision id makes a
        second delivery harmless."""
        with self._db.write() as session:
            result = session.execute(
                update(DecisionRow)
                .where(DecisionRow.state == OutboxState.SENDING)
                .values(state=OutboxState.READY.value, next_attempt_at=None)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def counts(self) -> dict[OutboxState, int]:
        with self._db.read() as session:
            rows = session.execute(
                select(DecisionRow.state, func.count()).group_by(DecisionRow.state)
            ).all()
        counts = {state: 0 for state in OutboxState}
        for state, count in rows:
            counts[OutboxState(state)] = int(count)
        return counts

    def items(self, *states: OutboxState) -> list[OutboxItem]:
        with self._db.read() as session:
            query = select(DecisionRow).order_by(DecisionRow.decided_at)
            if states:
                query = query.where(DecisionRow.state.in_([s.value for s in states]))
            return [_item(row) for row in session.scalars(query)]

    def get(self, decision_id: str) -> OutboxItem | None:
        with self._db.read() as session:
            row = session.get(DecisionRow, decision_id)
            return _item(row) if row else None

    def next_due(self) -> datetime | None:
        """When the next waiting decision becomes sendable (for the sender's timer)."""
        with self._db.read() as session:
            value = session.execute(
                select(func.min(DecisionRow.next_attempt_at)).where(
                    DecisionRow.state.in_([OutboxState.GRACE.value, OutboxState.READY.value])
                )
            ).scalar_one_or_none()
        return value if isinstance(value, datetime) else None
