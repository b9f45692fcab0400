"""Decisions and their outbox: written in one durable transaction, then moved through the
states of reviewer_app.core.outbox until the service has answered. Nothing here deletes a
decision."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import func, select, update

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import (
    RECORDED,
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


def _problems(error: ValidationError) -> str:
    """What is wrong, per field, without the input (a note may be long or personal)."""
    problems = error.errors(include_input=False, include_url=False, include_context=False)
    text = "; ".join(
        f"{'.'.join(str(part) for part in p['loc']) or 'decision'}: {p['msg']}"
        for p in problems[:3]
    )
    return text + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")


def wire_decision(
    *,
    decision_id: str,
    application_id: str,
    revision: int,
    lease_version: int,
    outcome: str,
    reason_codes: Iterable[str],
    note: str,
    decided_at: datetime,
    handling_ms: int,
) -> DecisionIn:
    """The decision as `POST /decisions` takes it; ValueError (with what is wrong) when it
    breaks the API's limits (core/wire.py `DecisionIn`)."""
    try:
        return DecisionIn(
            decision_id=decision_id,
            application_id=application_id,
            revision=revision,
            lease_version=lease_version,
            outcome=outcome,
            reason_codes=list(reason_codes),
            note=note,
            decided_at=decided_at,
            handling_ms=handling_ms,
        )
    except ValidationError as error:
        raise ValueError(f"the decision cannot be sent as it is: {_problems(error)}") from None


def _wire(row: DecisionRow) -> DecisionIn:
    return wire_decision(
        decision_id=row.decision_id,
        application_id=row.application_id,
        revision=row.revision,
        lease_version=row.lease_version,
        outcome=row.outcome,
        reason_codes=row.reason_codes,
        note=row.note,
        decided_at=row.decided_at,
        handling_ms=row.handling_ms,
    )


class Outbox:
    def __init__(self, db: Database, *, rng: random.Random | None = None) -> None:
        self._db = db
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret

    def record(self, decision: NewDecision, grace: timedelta) -> OutboxItem:
        """Write the decision and its outbox row in one transaction. When this returns, the
        decision is on disk: only then may anything say "recorded".

        A decision the service could never take (a note over 4,000 characters, more than 20
        reasons, a short id, …: core/wire.py `DecisionIn`) raises ValueError before anything
        is written, while the reviewer is still there to fix it."""
        wire_decision(
            decision_id=decision.decision_id,
            application_id=decision.application_id,
            revision=decision.revision,
            lease_version=decision.lease_version,
            outcome=decision.outcome.value,
            reason_codes=decision.reason_codes,
            note=decision.note,
            decided_at=decision.decided_at,
            handling_ms=decision.handling_ms,
        )
        if decision.decided_at.tzinfo is None:
            raise ValueError("the decision's time must be timezone-aware (UTC)")
        if len(decision.reviewer) > 100 or (
            decision.supersedes is not None and len(decision.supersedes) > 64
        ):
            raise ValueError("the reviewer's name or the superseded id is too long")
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
            session.flush()
            # No lease object is loaded in this session: skip the ORM's synchronisation (it
            # costs about as much as the rest of this transaction's Python).
            session.execute(
                update(LeaseRow)
                .where(LeaseRow.application_id == decision.application_id)
                .values(state="decided"),
                execution_options={"synchronize_session": False},
            )
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
        """Up to `limit` ready decisions whose retry time has come, marked as sending.

        A row that cannot be built into a request (written by an older version, or edited
        outside the app) is moved to REJECTED with what is wrong, and kept: one bad row never
        blocks the delivery of the others."""
        now = self._db.clock()
        taken: list[DecisionIn] = []
        with self._db.write() as session:
            while len(taken) < limit:
                rows = session.scalars(
                    select(DecisionRow)
                    .where(
                        DecisionRow.state == OutboxState.READY,
                        (DecisionRow.next_attempt_at.is_(None))
                        | (DecisionRow.next_attempt_at <= now),
                    )
                    .order_by(DecisionRow.decided_at)
                    .limit(limit - len(taken))
                ).all()
                if not rows:
                    break
                for row in rows:
                    _move(row, OutboxState.SENDING)
                    try:
                        wire = _wire(row)
                    except ValueError as error:
                        # Never sent: SENDING -> REJECTED, as if the service had refused it.
                        _move(row, OutboxState.REJECTED)
                        row.server_status = "invalid"
                        row.server_detail = f"not sent, refused by this workstation: {error}"
                        row.last_error = row.server_detail[:500]
                        row.next_attempt_at = None
                        continue
                    row.attempts += 1
                    taken.append(wire)
                session.flush()
        return taken

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

    def decided_today(self, now: datetime, reviewer: str | None = None) -> int:
        """Decisions made (not undone) from the start of `now`'s day until `now`. The day is
        that of `now`'s time zone: pass local time for the reviewer's own day."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        with self._db.read() as session:
            query = select(func.count()).where(
                DecisionRow.decided_at >= start,
                DecisionRow.decided_at <= now,
                DecisionRow.state.in_([state.value for state in RECORDED]),
            )
            if reviewer is not None:
                query = query.where(DecisionRow.reviewer == reviewer)
            return int(session.execute(query).scalar_one())

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
