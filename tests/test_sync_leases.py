"""A lease lost while its holder was away (DESIGN §4.3, §4.8): two workstations, one service,
a service clock the test moves.

Workstation A claims an item and "pauses" past its lease; B claims the same item. A's late
decision must come back as a conflict, stay in A's outbox with the service's reason, and never
be dropped; A's heartbeat must mark the lease lost.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from servicekit import OTHER_REVIEWER, PASSWORD, REVIEWER, Clock, Running

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.wire import LeaseOut
from reviewer_app.net.client import QueueClient
from reviewer_app.service import db as service_db
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync import steps

LEASE = timedelta(minutes=15)  # ServiceSettings.lease_seconds


@dataclass
class Workstation:
    user: str
    client: QueueClient
    store: LocalStore

    def decide(self, lease: LeaseOut, outcome: Outcome = Outcome.ACCEPT) -> str:
        decision_id = uuid.uuid4().hex
        self.store.outbox.record(
            NewDecision(
                decision_id=decision_id,
                application_id=lease.application_id,
                revision=lease.revision,
                lease_version=lease.version,
                outcome=outcome,
                reason_codes=("text_errors",) if outcome is Outcome.DECLINE else (),
                note="",
                decided_at=self.store.db.clock(),
                handling_ms=30_000,
                reviewer=self.user,
            ),
            timedelta(0),
        )
        return decision_id


@pytest.fixture
def stations(
    svc: Running, clock: Clock, tmp_path: Path
) -> Iterator[tuple[Workstation, Workstation]]:
    made = []
    for name, user in (("a", REVIEWER), ("b", OTHER_REVIEWER)):
        client = QueueClient(svc.url, timeout=(3.0, 30.0))
        client.login(user, PASSWORD)
        # Both workstations' clocks agree with the service's (offset measured at sync).
        store = LocalStore(
            tmp_path / name / "local.sqlite3", tmp_path / name / "media", clock=clock
        )
        made.append(Workstation(user, client, store))
    yield made[0], made[1]
    for station in made:
        station.client.close()
        station.store.close()


def test_late_decision_after_someone_else_decided_is_a_kept_conflict(
    svc: Running, clock: Clock, stations: tuple[Workstation, Workstation], tmp_path: Path
) -> None:
    a, b = stations
    [lease_a] = steps.claim(a.client, a.store, 1)
    clock.advance(seconds=LEASE.total_seconds() + 60)  # A is away beyond its lease

    [lease_b] = steps.claim(b.client, b.store, 1)
    assert lease_b.application_id == lease_a.application_id
    assert lease_b.version == lease_a.version + 1  # the fencing token moved on
    decided_b = b.decide(lease_b, Outcome.DECLINE)
    report_b = steps.send_outbox(b.client, b.store)
    assert report_b.settled == {decided_b: OutboxState.DELIVERED}

    decided_a = a.decide(lease_a)  # A comes back and decides what was on its screen
    report_a = steps.send_outbox(a.client, a.store)
    assert report_a.error is None
    assert report_a.conflicts == [decided_a]
    item = a.store.outbox.get(decided_a)
    assert item is not None
    assert item.state is OutboxState.CONFLICT
    assert item.server_status == "conflict"
    assert item.server_detail
    assert "already decided" in item.server_detail

    # Kept, not retried, and still there after a restart.
    assert steps.send_outbox(a.client, a.store).sent == 0
    a.store.close()
    a.store = LocalStore(tmp_path / "a" / "local.sqlite3", tmp_path / "a" / "media", clock=clock)
    again = a.store.outbox.get(decided_a)
    assert again is not None
    assert again.state is OutboxState.CONFLICT
    assert again.server_detail == item.server_detail

    # The service holds B's decision only.
    with svc.store.read() as session:
        assert session.get(service_db.DecisionRow, decided_a) is None
        row = session.get(service_db.DecisionRow, decided_b)
        assert row is not None
        assert row.reviewer == OTHER_REVIEWER


def test_late_decision_while_the_new_holder_is_still_reviewing_is_a_conflict(
    clock: Clock, stations: tuple[Workstation, Workstation]
) -> None:
    a, b = stations
    [lease_a] = steps.claim(a.client, a.store, 1)
    clock.advance(seconds=LEASE.total_seconds() + 1)
    [lease_b] = steps.claim(b.client, b.store, 1)
    assert lease_b.application_id == lease_a.application_id

    decided_a = a.decide(lease_a)
    report = steps.send_outbox(a.client, a.store)
    assert report.conflicts == [decided_a]
    item = a.store.outbox.get(decided_a)
    assert item is not None
    assert item.state is OutboxState.CONFLICT
    assert item.server_detail is not None
    assert "lease lost" in item.server_detail
    assert f"version {lease_a.version} is stale" in item.server_detail

    # B's lease is unharmed: B can still decide.
    decided_b = b.decide(lease_b)
    assert steps.send_outbox(b.client, b.store).settled == {decided_b: OutboxState.DELIVERED}


def test_renew_leases_marks_a_lost_lease_lost(
    clock: Clock, stations: tuple[Workstation, Workstation]
) -> None:
    a, b = stations
    leases_a = steps.claim(a.client, a.store, 2)
    assert len(leases_a) == 2
    clock.advance(seconds=LEASE.total_seconds() + 60)
    [lease_b] = steps.claim(b.client, b.store, 1)  # takes the first of A's two
    taken = lease_b.application_id
    assert taken == leases_a[0].application_id
    kept = leases_a[1].application_id

    report = steps.renew_leases(a.client, a.store, within=timedelta(minutes=5))
    assert set(report.lost) == {taken}
    assert "lease lost" in report.lost[taken]
    # The other expired lease was not claimed by anyone: the same version renews it.
    assert report.renewed == [kept]
    active = {lease.application_id: lease for lease in a.store.claims.active()}
    assert set(active) == {kept}
    assert active[kept].expires_at == clock() + LEASE

    # Nothing to renew until the next lease gets close to its end.
    assert steps.renew_leases(a.client, a.store, within=timedelta(minutes=5)).renewed == []
