"""Recording decisions: idempotent by decision id, fenced by lease version, logged for audit.

A batch is recorded in one transaction with a fixed number of statements, whatever its size: the
applications it names are read (and on PostgreSQL locked) in one query, the decision ids it uses
in one more, and the queue's change counter and the audit log's size are each advanced once for
the whole batch. Each item still gets its own answer: one bad or stale decision does not hold
up the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reviewer_app.core import audit
from reviewer_app.core.models import Outcome
from reviewer_app.core.wire import DecisionIn, DecisionOut, DecisionResultOut
from reviewer_app.service import db
from reviewer_app.service.auditlog import AuditLog
from reviewer_app.service.auth import Principal
from reviewer_app.service.store import Store

# How far in the future a decision's time may lie (client clocks drift).
MAX_CLOCK_AHEAD = timedelta(minutes=10)
# A batch that lost a race on a decision id (another request inserted the same id between our
# look and our insert) is recorded again: the second look sees the other request's row.
ATTEMPTS = 3
_REUSED = "decision_id: already used for a different decision"


class _Invalid(Exception):
    pass


class _Conflict(Exception):
    pass


def _result(decision_id: str, status: str, detail: str) -> DecisionResultOut:
    return DecisionResultOut(decision_id=decision_id, status=status, detail=detail)  # type: ignore[arg-type]


@dataclass(slots=True)
class _Recorded:
    """A decision id already stored (or stored earlier in this batch)."""

    body_hash: str
    recorded_at: datetime


@dataclass(slots=True)
class _Accepted:
    decision: DecisionOut
    body_hash: str
    app: db.Application


class Decisions:
    def __init__(self, store: Store, audit_log: AuditLog) -> None:
        self._store = store
        self._audit = audit_log

    def record_batch(self, user: Principal, batch: list[DecisionIn]) -> list[DecisionResultOut]:
        now = self._store.settings.clock()
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._store.write() as session:
                    return self._record(session, user, batch, now)
            except IntegrityError:
                # Only a decision id that a concurrent request inserted first can collide (the
                # applications are locked, the counters hand out unique numbers): look again.
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # -- one batch, one transaction ------------------------------------------------------------

    def _record(
        self, session: Session, user: Principal, batch: list[DecisionIn], now: datetime
    ) -> list[DecisionResultOut]:
        checked: list[DecisionOut | str] = []  # per item: the decision, or what is wrong
        for item in batch:
            try:
                checked.append(self._validate(item, user, now))
            except _Invalid as problem:
                checked.append(str(problem))
        apps = self._lock_applications(
            session, {d.application_id for d in checked if isinstance(d, DecisionOut)}
        )
        # Looked up after the applications are locked: a concurrent request for one of them
        # that committed while this one waited is seen here, as a repeat rather than a conflict.
        seen = self._recorded(session, {item.decision_id for item in batch})

        results: list[DecisionResultOut] = []
        accepted: list[_Accepted] = []
        decided_here: dict[tuple[str, int], tuple[str, str]] = {}  # -> (reviewer, outcome)
        for item, decision in zip(batch, checked, strict=True):
            earlier = seen.get(item.decision_id)
            if not isinstance(decision, DecisionOut):
                detail = _REUSED if earlier is not None else decision
                results.append(_result(item.decision_id, "invalid", detail))
                continue
            body_hash = audit.sha256_hex(audit.canonical_json(decision.model_dump(mode="json")))
            if earlier is not None:
                results.append(self._repeat(item.decision_id, earlier, body_hash))
                continue
            app = apps.get(decision.application_id)
            try:
                self._check(session, user, decision, app, decided_here)
            except _Conflict as problem:
                results.append(_result(item.decision_id, "conflict", str(problem)))
                continue
            except _Invalid as problem:
                results.append(_result(item.decision_id, "invalid", str(problem)))
                continue
            assert app is not None  # _check refuses an unknown application
            self._apply(app, decision)
            if decision.outcome != Outcome.ESCALATE.value:
                decided_here[(app.application_id, decision.revision)] = (
                    user.username,
                    decision.outcome,
                )
            seen[item.decision_id] = _Recorded(body_hash, now)
            accepted.append(_Accepted(decision, body_hash, app))
            results.append(_result(item.decision_id, "accepted", "recorded"))
        if accepted:
            self._store_accepted(session, user, accepted, now)
        return results

    def _lock_applications(self, session: Session, ids: set[str]) -> dict[str, db.Application]:
        if not ids:
            return {}
        query = (
            select(db.Application)
            .where(db.Application.application_id.in_(sorted(ids)))
            .order_by(db.Application.application_id)  # one lock order: no deadlocks
        )
        if self._store.dialect == "postgresql":
            query = query.with_for_update()
        return {app.application_id: app for app in session.scalars(query)}

    @staticmethod
    def _recorded(session: Session, ids: set[str]) -> dict[str, _Recorded]:
        rows = session.execute(
            select(
                db.DecisionRow.decision_id, db.DecisionRow.body_hash, db.DecisionRow.recorded_at
            ).where(db.DecisionRow.decision_id.in_(sorted(ids)))
        )
        return {row.decision_id: _Recorded(row.body_hash, row.recorded_at) for row in rows}

    @staticmethod
    def _repeat(decision_id: str, earlier: _Recorded, body_hash: str) -> DecisionResultOut:
        if earlier.body_hash == body_hash:
            return _result(
                decision_id,
                "duplicate",
                f"already recorded at {audit.iso_utc(earlier.recorded_at)}",
            )
        return _result(decision_id, "invalid", _REUSED)

    def _validate(self, item: DecisionIn, user: Principal, now: datetime) -> DecisionOut:
        catalogue = self._store.settings.catalogue
        try:
            outcome = Outcome(item.outcome)
        except ValueError:
            raise _Invalid(
                f"outcome: {item.outcome!r} is not one of accept, decline, escalate"
            ) from None
        if item.revision < 1:
            raise _Invalid("revision: must be 1 or more")
        if item.lease_version < 1:
            raise _Invalid("lease_version: must be 1 or more (the version of your claim)")
        if item.handling_ms < 0:
            raise _Invalid("handling_ms: must not be negative")
        if item.decided_at.tzinfo is None or item.decided_at.utcoffset() is None:
            raise _Invalid("decided_at: needs a time zone (use UTC, e.g. 2026-01-31T12:00:00Z)")
        try:
            # 0001-01-01T00:30+01:00 is valid ISO 8601, but its UTC form lies before year 1.
            decided_at = item.decided_at.astimezone(UTC)
        except (OverflowError, ValueError):
            raise _Invalid("decided_at: out of range") from None
        if decided_at > now + MAX_CLOCK_AHEAD:
            raise _Invalid("decided_at: lies in the future; check this computer's clock")
        codes = list(dict.fromkeys(item.reason_codes))
        unknown = catalogue.unknown(codes)
        if unknown:
            raise _Invalid(
                f"reason_codes: unknown code {unknown[0]!r} (catalogue version {catalogue.version})"
            )
        if outcome is Outcome.DECLINE and not codes:
            raise _Invalid("reason_codes: a decline needs at least one reason")
        if outcome is Outcome.ACCEPT and codes:
            raise _Invalid("reason_codes: an accept carries no decline reasons")
        for code in codes:
            reason = catalogue.get(code)
            if reason is not None and reason.note_required and not item.note.strip():
                raise _Invalid(f"note: the reason {reason.label!r} needs a note")
        return DecisionOut(
            decision_id=item.decision_id,
            application_id=item.application_id,
            revision=item.revision,
            lease_version=item.lease_version,
            outcome=outcome.value,
            reason_codes=codes,
            note=item.note,
            decided_at=decided_at,
            handling_ms=item.handling_ms,
            reviewer=user.username,
        )

    @staticmethod
    def _check(
        session: Session,
        user: Principal,
        decision: DecisionOut,
        app: db.Application | None,
        decided_here: dict[tuple[str, int], tuple[str, str]],
    ) -> None:
        """Whether the decision may be recorded on the application as it stands now (after
        the decisions before it in this batch)."""
        if app is None:
            raise _Invalid(f"application_id: no application {decision.application_id!r}")
        if decision.revision != app.current_revision:
            raise _Conflict(
                f"revision {decision.revision} is no longer current: the applicant resubmitted "
                f"(revision {app.current_revision})"
            )
        if app.status == "decided":
            earlier = decided_here.get((app.application_id, app.current_revision))
            if earlier is None:
                row = session.execute(
                    select(db.DecisionRow.reviewer, db.DecisionRow.outcome)
                    .where(
                        db.DecisionRow.application_id == app.application_id,
                        db.DecisionRow.revision == app.current_revision,
                        db.DecisionRow.outcome != "escalate",
                    )
                    .limit(1)
                ).first()
                earlier = (row.reviewer, row.outcome) if row is not None else None
            who = f" by {earlier[0]} ({earlier[1]})" if earlier else ""
            raise _Conflict(f"{app.application_id} was already decided{who}")
        if app.held_by != user.username or app.lease_version != decision.lease_version:
            holder = f"held by {app.held_by}" if app.held_by else "not held"
            raise _Conflict(
                f"lease lost: your lease version {decision.lease_version} is stale; the "
                f"application is at version {app.lease_version}, {holder}"
            )
        if app.status == "escalated" and not user.is_lead and decision.outcome != "escalate":
            raise _Conflict(f"{app.application_id} is escalated: a lead decides it")

    @staticmethod
    def _apply(app: db.Application, decision: DecisionOut) -> None:
        if decision.outcome == Outcome.ESCALATE.value:
            app.status = "escalated"
            if "escalated" not in app.flags:
                app.flags = [*app.flags, "escalated"]
        else:
            app.status = "decided"
        app.held_by = None
        app.lease_expires_at = None
        app.lease_offline = False

    def _store_accepted(
        self, session: Session, user: Principal, accepted: list[_Accepted], now: datetime
    ) -> None:
        """Insert the accepted decisions and their audit entries, and move the applications
        in the queue's change feed: each counter is advanced once for the whole batch."""
        seq = self._store.bump(session, "queue_seq", len(accepted)) - len(accepted)
        for item in accepted:
            seq += 1
            item.app.seq = seq
        keys = sorted({(a.decision.application_id, a.decision.revision) for a in accepted})
        profiles: dict[tuple[str, int], Any] = {
            (row.application_id, row.revision): row.profile
            for row in session.execute(
                select(
                    db.RevisionRow.application_id, db.RevisionRow.revision, db.RevisionRow.profile
                ).where(tuple_(db.RevisionRow.application_id, db.RevisionRow.revision).in_(keys))
            )
        }
        entries: list[tuple[dict[str, Any], str]] = []
        for item in accepted:
            decision = item.decision
            decision_json = decision.model_dump(mode="json")
            session.add(
                db.DecisionRow(
                    decision_id=decision.decision_id,
                    application_id=decision.application_id,
                    revision=decision.revision,
                    reviewer=user.username,
                    outcome=decision.outcome,
                    body=decision_json,
                    body_hash=item.body_hash,
                    recorded_at=now,
                )
            )
            profile = profiles[(decision.application_id, decision.revision)]
            entries.append((decision_json, audit.sha256_hex(audit.canonical_json(profile))))
        self._audit.append_many(session, entries, now)
        session.flush()  # a decision id inserted meanwhile by another request fails here
