"""The outbox state machine (reviewer_app.core.outbox) run against a real LocalStore by
hypothesis: random sequences of record / undo / promote / take / settle / retry_later /
restart, with a clock the test moves. After every step the store is compared with a model:
no decision disappears, every state change is one that TRANSITIONS allows, the counts add up,
a delivered decision is never taken again, and undo works only within the grace period."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from servicekit import T0, Clock

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import TRANSITIONS, OutboxState, state_for_result
from reviewer_app.core.wire import DecisionResultOut
from reviewer_app.storage.outbox import NewDecision, Outbox
from reviewer_app.storage.store import LocalStore

CAP = timedelta(seconds=300)  # core.outbox.backoff's default cap
STATUSES = ["accepted", "duplicate", "conflict", "invalid"]


@dataclass
class Expected:
    state: OutboxState
    grace_until: datetime
    decided_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None


class OutboxMachine(RuleBasedStateMachine):
    decisions = Bundle("decisions")

    def __init__(self) -> None:
        super().__init__()
        # On tmpfs when there is one: this tests the state machine, not fsync (the crash test
        # does that), and cheap steps keep hypothesis's shrinking of a failure short.
        shm = Path("/dev/shm")
        base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
        self.folder = Path(tempfile.mkdtemp(prefix="outbox-states-", dir=base))
        self.clock = Clock(T0)
        self.store = self._open()
        self.model: dict[str, Expected] = {}
        self.seen: dict[str, OutboxState] = {}  # the last state read back from the store
        self.serial = 0

    def _open(self) -> LocalStore:
        store = LocalStore(self.folder / "local.sqlite3", self.folder / "media", clock=self.clock)
        # Seeded backoff jitter: hypothesis must be able to replay a failing run exactly.
        store.outbox = Outbox(store.db, rng=random.Random(7))
        return store

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- rules -----------------------------------------------------------------------------------
    @initialize()
    def empty(self) -> None:
        assert self.store.outbox.counts() == {state: 0 for state in OutboxState}

    @rule(target=decisions, grace=st.sampled_from([0, 0, 1, 5, 30]))
    def record(self, grace: int) -> str:
        self.serial += 1
        decision_id = f"decision-{self.serial:05d}"
        now = self.clock()
        decided_at = now + timedelta(microseconds=self.serial)  # a strict order for take()
        item = self.store.outbox.record(
            NewDecision(
                decision_id=decision_id,
                application_id=f"APP-{self.serial:06d}",
                revision=1,
                lease_version=1,
                outcome=Outcome.ACCEPT,
                reason_codes=(),
                note="",
                decided_at=decided_at,
                handling_ms=1000,
                reviewer="rita",
            ),
            timedelta(seconds=grace),
        )
        state = OutboxState.GRACE if grace else OutboxState.READY
        assert item.state is state
        self.model[decision_id] = Expected(
            state, now + timedelta(seconds=grace), decided_at, 0, now + timedelta(seconds=grace)
        )
        return decision_id

    @rule(seconds=st.sampled_from([0.5, 1, 2, 5, 31, 301]))
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds=seconds)

    @rule(decision_id=decisions)
    def undo(self, decision_id: str) -> None:
        expected = self.model[decision_id]
        allowed = expected.state is OutboxState.GRACE and self.clock() < expected.grace_until
        assert self.store.outbox.undo(decision_id) is allowed
        if allowed:
            expected.state = OutboxState.UNDONE

    @rule()
    def promote(self) -> None:
        now = self.clock()
        due = [
            e for e in self.model.values() if e.state is OutboxState.GRACE and e.grace_until <= now
        ]
        assert self.store.outbox.promote() == len(due)
        for expected in due:
            expected.state = OutboxState.READY

    @rule(limit=st.integers(1, 5))
    def take(self, limit: int) -> None:
        now = self.clock()
        ready = sorted(
            (
                (e.decided_at, d)
                for d, e in self.model.items()
                if e.state is OutboxState.READY
                and (e.next_attempt_at is None or e.next_attempt_at <= now)
            ),
        )
        wanted = [d for _, d in ready[:limit]]
        taken = [decision.decision_id for decision in self.store.outbox.take(limit)]
        assert taken == wanted
        for decision_id in taken:
            assert self.seen.get(decision_id) is not OutboxState.DELIVERED
            self.model[decision_id].state = OutboxState.SENDING
            self.model[decision_id].attempts += 1

    def _pick(self, data: st.DataObject) -> list[str]:
        """Mostly decisions being sent (the ones an answer can be for), sometimes any."""
        sending = sorted(d for d, e in self.model.items() if e.state is OutboxState.SENDING)
        pool = sending if sending and data.draw(st.integers(0, 3)) else sorted(self.model)
        if not pool:
            return []
        return data.draw(st.lists(st.sampled_from(pool), max_size=6, unique=True))

    @rule(data=st.data(), stranger=st.booleans())
    def settle(self, data: st.DataObject, stranger: bool) -> None:
        answers = {d: data.draw(st.sampled_from(STATUSES)) for d in self._pick(data)}
        results = [
            DecisionResultOut(decision_id=d, status=s, detail="x")  # type: ignore[arg-type]
            for d, s in answers.items()
        ]
        if stranger:  # an answer for a decision this workstation never made is ignored
            results.append(
                DecisionResultOut(decision_id="not-ours-1", status="accepted", detail="")
            )
        settled = self.store.outbox.settle(results)
        expected = {}
        for decision_id, status in answers.items():
            if self.model[decision_id].state is OutboxState.SENDING:
                expected[decision_id] = state_for_result(status)
                self.model[decision_id].state = expected[decision_id]
                self.model[decision_id].next_attempt_at = None
        assert settled == expected

    @rule(statuses=st.lists(st.sampled_from(STATUSES), min_size=1, max_size=4))
    def send_round(self, statuses: list[str]) -> None:
        """What the sender does: promote, take, and settle each with the service's answer."""
        self.promote()
        now = self.clock()
        ready = sorted(
            (e.decided_at, d)
            for d, e in self.model.items()
            if e.state is OutboxState.READY
            and (e.next_attempt_at is None or e.next_attempt_at <= now)
        )
        batch = self.store.outbox.take(len(statuses))
        taken = [decision.decision_id for decision in batch]
        assert taken == [d for _, d in ready[: len(statuses)]]
        for decision_id in taken:  # observed in between, for the transition check
            assert self.seen.get(decision_id) is not OutboxState.DELIVERED
            item = self.store.outbox.get(decision_id)
            assert item is not None
            assert item.state is OutboxState.SENDING
            self.seen[decision_id] = item.state
        results = [
            DecisionResultOut(decision_id=decision.decision_id, status=status, detail="")  # type: ignore[arg-type]
            for decision, status in zip(batch, statuses, strict=False)
        ]
        settled = self.store.outbox.settle(results)
        for decision, status in zip(batch, statuses, strict=False):
            expected = self.model[decision.decision_id]
            expected.attempts += 1
            expected.state = state_for_result(status)
            expected.next_attempt_at = None
            assert settled[decision.decision_id] is expected.state

    @rule(data=st.data(), retry_after=st.none() | st.sampled_from([0.0, 3.0, 60.0, 3600.0]))
    def retry_later(self, data: st.DataObject, retry_after: float | None) -> None:
        chosen = self._pick(data)
        now = self.clock()
        self.store.outbox.retry_later(chosen, "unreachable", retry_after)
        for decision_id in chosen:
            expected = self.model[decision_id]
            if expected.state is not OutboxState.SENDING:
                continue
            expected.state = OutboxState.READY
            item = self.store.outbox.get(decision_id)
            assert item is not None
            assert item.next_attempt_at is not None
            assert item.last_error == "unreachable"
            delay = item.next_attempt_at - now
            assert timedelta(0) < delay <= CAP
            if retry_after is not None:
                assert delay >= min(timedelta(seconds=retry_after), CAP)
            expected.next_attempt_at = item.next_attempt_at

    @precondition(lambda self: bool(self.model))
    @rule()
    def restart(self) -> None:
        """Close and open the store, as after a crash: SENDING goes back to READY."""
        self.store.close()
        self.store = self._open()
        for expected in self.model.values():
            if expected.state is OutboxState.SENDING:
                expected.state = OutboxState.READY
                expected.next_attempt_at = None

    # -- invariants ------------------------------------------------------------------------------
    @invariant()
    def matches_the_model(self) -> None:
        items = {item.decision_id: item for item in self.store.outbox.items()}
        assert set(items) == set(self.model), "a decision appeared or disappeared"
        for decision_id, item in items.items():
            expected = self.model[decision_id]
            assert item.state is expected.state, (decision_id, item.state, expected.state)
            assert item.attempts == expected.attempts
            if expected.state is OutboxState.READY:
                assert item.next_attempt_at == expected.next_attempt_at
            before = self.seen.get(decision_id)
            if before is not None and before is not item.state:
                assert item.state in TRANSITIONS[before], (decision_id, before, item.state)
            self.seen[decision_id] = item.state

    @invariant()
    def counts_add_up(self) -> None:
        counts = self.store.outbox.counts()
        assert sum(counts.values()) == len(self.model)
        for state in OutboxState:
            assert counts[state] == sum(1 for e in self.model.values() if e.state is state)


OutboxMachine.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestOutboxStateMachine = OutboxMachine.TestCase
