"""What the service could never take is refused where the reviewer still is: `record()` checks
the decision against the API's limits (core/wire.py `DecisionIn`) before anything is written;
and a row that cannot be built into a request anyway (written by an older version, edited by
hand) is quarantined by `take()` as REJECTED, with what is wrong, instead of blocking the rest."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from servicekit import T0, Clock
from sqlalchemy import update

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.wire import LeaseOut
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.schema import DecisionRow
from reviewer_app.storage.store import LocalStore


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
    yield local
    local.close()


def decision(i: int, **changes: object) -> NewDecision:
    made = NewDecision(
        decision_id=f"decision-{i:04d}-{uuid.uuid4().hex[:8]}",
        application_id=f"APP-{i:06d}",
        revision=1,
        lease_version=1,
        outcome=Outcome.DECLINE,
        reason_codes=("text_errors",),
        note="typos in the overview",
        decided_at=T0 + timedelta(seconds=i),
        handling_ms=1000,
        reviewer="rita",
    )
    return replace(made, **changes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"note": "x" * 4001}, "note"),
        ({"reason_codes": tuple(f"r{i}" for i in range(21))}, "reason_codes"),
        ({"reason_codes": ("r" * 201,)}, "reason_codes"),
        ({"decision_id": "short"}, "decision_id"),
        ({"decision_id": "d" * 65}, "decision_id"),
        ({"application_id": ""}, "application_id"),
        ({"application_id": "A" * 65}, "application_id"),
        ({"note": "nul \x00 inside"}, "note"),
    ],
)
def test_record_refuses_what_the_api_refuses_and_writes_nothing(
    store: LocalStore, clock: Clock, changes: dict[str, object], field: str
) -> None:
    lease = LeaseOut(
        application_id=str(changes.get("application_id", "APP-000001")) or "APP-000001",
        revision=1,
        version=1,
        expires_at=clock() + timedelta(minutes=15),
    )
    store.claims.save_leases([lease])
    active_before = store.claims.active()
    with pytest.raises(ValueError, match=field) as caught:
        store.outbox.record(decision(1, **changes), timedelta(0))
    assert "x" * 100 not in str(caught.value)  # the message names the field, not the input
    assert store.outbox.items() == []
    assert sum(store.outbox.counts().values()) == 0
    assert store.claims.active() == active_before  # the lease was not marked decided


def test_the_api_limits_themselves_are_accepted(store: LocalStore) -> None:
    item = store.outbox.record(
        decision(
            1,
            note="n" * 4000,
            reason_codes=tuple(f"r{i}" for i in range(20)),
            decision_id="d" * 64,
            application_id="A" * 64,
        ),
        timedelta(0),
    )
    assert item.state is OutboxState.READY
    assert [d.decision_id for d in store.outbox.take(5)] == ["d" * 64]


def test_a_naive_decision_time_is_refused(store: LocalStore) -> None:
    with pytest.raises(ValueError, match="timezone"):
        store.outbox.record(decision(1, decided_at=T0.replace(tzinfo=None)), timedelta(0))
    assert store.outbox.items() == []


def spoil(store: LocalStore, decision_id: str, **values: object) -> None:
    """Change a stored row behind the outbox's back (an older version wrote it, say)."""
    with store.db.write() as session:
        session.execute(
            update(DecisionRow).where(DecisionRow.decision_id == decision_id).values(**values)
        )


def test_take_quarantines_a_row_it_cannot_send_and_takes_the_rest(store: LocalStore) -> None:
    ids = [store.outbox.record(decision(i), timedelta(0)).decision_id for i in range(6)]
    # The two oldest are bad: a take of 3 must still bring 3 good ones.
    spoil(store, ids[0], note="y" * 5000)
    spoil(store, ids[1], reason_codes=["r"] * 30)

    taken = [d.decision_id for d in store.outbox.take(3)]  # must not raise

    assert taken == ids[2:5]
    for bad, field in ((ids[0], "note"), (ids[1], "reason_codes")):
        item = store.outbox.get(bad)
        assert item is not None, "a decision was dropped"
        assert item.state is OutboxState.REJECTED
        assert item.server_detail is not None
        assert field in item.server_detail
        assert "not sent" in item.server_detail
        assert "y" * 100 not in item.server_detail
        assert item.attempts == 0
    assert [d.decision_id for d in store.outbox.take(10)] == [ids[5]]
    assert store.outbox.take(10) == []
    counts = store.outbox.counts()
    assert counts[OutboxState.REJECTED] == 2
    assert counts[OutboxState.SENDING] == 4


def test_take_when_every_ready_row_is_bad(store: LocalStore) -> None:
    ids = [store.outbox.record(decision(i), timedelta(0)).decision_id for i in range(3)]
    for decision_id in ids:
        spoil(store, decision_id, application_id="")
    assert store.outbox.take(2) == []
    assert store.outbox.counts()[OutboxState.REJECTED] == 3
