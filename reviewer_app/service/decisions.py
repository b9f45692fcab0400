"""Recording decisions: idempotent by decision id, fenced by lease version, logged for audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
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


class _Invalid(Exception):
    pass


class _Conflict(Exception):
    pass


class _SeenMeanwhile(Exception):
    pass


def _result(decision_id: str, status: str, detail: str) -> DecisionResultOut:
    return DecisionResultOut(decision_id=decision_id, status=status, detail=detail)  # type: ignore[arg-type]


class Decisions:
    def __init__(self, store: Store, audit_log: AuditLog) -> None:
        self._store = store
        self._audit = audit_log

    def record_batch(self, user: Principal, batch: list[DecisionIn]) -> list[DecisionResultOut]:
        results: list[DecisionResultOut] = []
        with self._store.write() as session:
            for item in batch:
                results.append(self._record_one(session, user, item))
        return results

    def _record_one(self, session: Session, user: Principal, item: DecisionIn) -> DecisionResultOut:
        now = self._store.settings.clock()
        try:
            decision = self._validate(item, user, now)
        except _Invalid as problem:
            return self._seen_or(
                session, user, item, _result(item.decision_id, "invalid", str(problem))
            )
        body_hash = audit.sha256_hex(audit.canonical_json(decision.model_dump(mode="json")))
        seen = session.get(db.DecisionRow, item.decision_id)
        if seen is not None:
            return self._repeat(seen, body_hash)
        savepoint = session.begin_nested()
        try:
            self._apply(session, user, decision, body_hash, now)
            savepoint.commit()
        except _Conflict as problem:
            savepoint.rollback()
            return _result(item.decision_id, "conflict", str(problem))
        except _Invalid as problem:
            savepoint.rollback()
            return _result(item.decision_id, "invalid", str(problem))
        except (IntegrityError, _SeenMeanwhile):
            # Another request recorded the same decision id between our look and our insert.
            savepoint.rollback()
            seen = session.get(db.DecisionRow, item.decision_id)
            if seen is None:
                raise
            return self._repeat(seen, body_hash)
        return _result(item.decision_id, "accepted", "recorded")

    def _seen_or(
        self, session: Session, user: Principal, item: DecisionIn, otherwise: DecisionResultOut
    ) -> DecisionResultOut:
        seen = session.get(db.DecisionRow, item.decision_id)
        if seen is not None:
            return _result(
                item.decision_id,
                "invalid",
                "decision_id: already used for a different decision",
            )
        return otherwise

    @staticmethod
    def _repeat(seen: db.DecisionRow, body_hash: str) -> DecisionResultOut:
        if seen.body_hash == body_hash:
            return _result(
                seen.decision_id,
                "duplicate",
                f"already recorded at {audit.iso_utc(seen.recorded_at)}",
            )
        return _result(
            seen.decision_id, "invalid", "decision_id: already used for a different decision"
        )

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
        if item.decided_at > now + MAX_CLOCK_AHEAD:
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
            decided_at=item.decided_at.astimezone(UTC),
            handling_ms=item.handling_ms,
            reviewer=user.username,
        )

    def _apply(
        self,
        session: Session,
        user: Principal,
        decision: DecisionOut,
        body_hash: str,
        now: datetime,
    ) -> None:
        query = select(db.Application).where(
            db.Application.application_id == decision.application_id
        )
        if self._store.dialect == "postgresql":
            query = query.with_for_update()
        app = session.scalars(query).one_or_none()
        if app is None:
            raise _Invalid(f"application_id: no application {decision.application_id!r}")
        # A concurrent request with the same decision id may have committed while this one
        # waited for the application's row lock: then this is a repeat, not a conflict.
        if session.execute(
            select(db.DecisionRow.decision_id).where(
                db.DecisionRow.decision_id == decision.decision_id
            )
        ).first():
            raise _SeenMeanwhile
        if decision.revision != app.current_revision:
            raise _Conflict(
                f"revision {decision.revision} is no longer current: the applicant resubmitted "
                f"(revision {app.current_revision})"
            )
        if app.status == "decided":
            earlier = session.execute(
                select(db.DecisionRow.reviewer, db.DecisionRow.outcome)
                .where(
                    db.DecisionRow.application_id == app.application_id,
                    db.DecisionRow.revision == app.current_revision,
                    db.DecisionRow.outcome != "escalate",
                )
                .limit(1)
            ).first()
            who = f" by {earlier.reviewer} ({earlier.outcome})" if earlier else ""
            raise _Conflict(f"{app.application_id} was already decided{who}")
        if app.held_by != user.username or app.lease_version != decision.lease_version:
            holder = f"held by {app.held_by}" if app.held_by else "not held"
            raise _Conflict(
                f"lease lost: your lease version {decision.lease_version} is stale; the "
                f"application is at version {app.lease_version}, {holder}"
            )
        if app.status == "escalated" and not user.is_lead and decision.outcome != "escalate":
            raise _Conflict(f"{app.application_id} is escalated: a lead decides it")
        profile = session.get_one(
            db.RevisionRow, (app.application_id, app.current_revision)
        ).profile
        decision_json = decision.model_dump(mode="json")
        session.add(
            db.DecisionRow(
                decision_id=decision.decision_id,
                application_id=decision.application_id,
                revision=decision.revision,
                reviewer=user.username,
                outcome=decision.outcome,
                body=decision_json,
                body_hash=body_hash,
                recorded_at=now,
            )
        )
        session.flush()  # a reused decision id fails here, inside the savepoint
        if decision.outcome == "escalate":
            app.status = "escalated"
            if "escalated" not in app.flags:
                app.flags = [*app.flags, "escalated"]
        else:
            app.status = "decided"
        app.held_by = None
        app.lease_expires_at = None
        app.lease_offline = False
        app.seq = self._store.bump(session, "queue_seq")
        self._audit.append(
            session, decision_json, audit.sha256_hex(audit.canonical_json(profile)), now
        )
