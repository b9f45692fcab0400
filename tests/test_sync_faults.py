"""Network faults between the workstation and the real service (tests/faultproxy.py on loopback).

For each kind of fault: a client call ends within its timeout with a typed NetError; the outbox
sender puts the decisions back to retry (never lost, never marked delivered); a 503's
Retry-After is honoured; and once the proxy passes traffic again everything is delivered and
the service holds each decision exactly once — also when the faulty attempt had reached the
service and only its answer was lost.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FORWARDING, FaultProxy, Mode
from servicekit import PASSWORD, REVIEWER, Clock, Running, running, sqlite_url
from sqlalchemy import func, select

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.sla import utc_now
from reviewer_app.net.client import QueueClient
from reviewer_app.net.errors import MalformedResponse, NetError, ServiceError, ServiceUnreachable
from reviewer_app.service import db as service_db
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync import steps

TIMEOUT = (0.5, 1.0)
BUDGET = sum(TIMEOUT)  # the client's whole-call budget: connect + read
SLACK = 1.0  # scheduling on a busy 2-core machine

FAULTS = [mode for mode in Mode if mode is not Mode.PASS]

# What the client should make of each fault.
EXPECTED_ERROR: dict[Mode, type[NetError]] = {
    Mode.REFUSE: ServiceUnreachable,
    Mode.RESET_MID_BODY: NetError,  # reset after some bytes: cut off (malformed) or unreachable
    Mode.HANG: ServiceUnreachable,
    Mode.DRIP: NetError,  # "too slow" (unreachable); cut off, when the test has to let it go
    Mode.STATUS_500: ServiceError,
    Mode.STATUS_503: ServiceError,
    Mode.MALFORMED_JSON: MalformedResponse,
    Mode.TRUNCATED: MalformedResponse,
}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One real service (real clock) for the module; each test claims its own applications."""
    path = tmp_path_factory.mktemp("faults") / "queue.sqlite3"
    with running(sqlite_url(path), applications=200) as run:
        yield run


@pytest.fixture
def proxy(service: Running) -> Iterator[FaultProxy]:
    with FaultProxy(service.server.host, service.server.port) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def clock() -> Clock:
    """The workstation's clock (the service runs on the real one)."""
    return Clock(utc_now())


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
    yield local
    local.close()


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[QueueClient]:
    queue_client = QueueClient(proxy.url, timeout=TIMEOUT)
    queue_client.login(REVIEWER, PASSWORD)
    yield queue_client
    queue_client.close()


def record_claimed(client: QueueClient, store: LocalStore, count: int) -> list[str]:
    ids = []
    for lease in steps.claim(client, store, count):
        decision_id = uuid.uuid4().hex
        store.outbox.record(
            NewDecision(
                decision_id=decision_id,
                application_id=lease.application_id,
                revision=lease.revision,
                lease_version=lease.version,
                outcome=Outcome.DECLINE,
                reason_codes=("text_errors",),
                note="",
                decided_at=store.db.clock(),
                handling_ms=5_000,
                reviewer=REVIEWER,
            ),
            timedelta(0),
        )
        ids.append(decision_id)
    return ids


def timed(call: Callable[[], Any], limit: float, release: Callable[[], None]) -> tuple[float, Any]:
    """Run `call` on a thread; returns (seconds it took, its result or exception). A call still
    running after `limit` is let go by `release()` (so a failing test does not hang), and its
    time is reported as what it was when let go."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:
            outcome.append(error)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    elapsed = time.monotonic() - started
    if worker.is_alive():
        release()
        worker.join(30)
    return elapsed, outcome[0] if outcome else None


def on_service(service: Running, ids: list[str]) -> tuple[int, int]:
    """How many of these decisions the service holds, and how many audit entries name them."""
    with service.store.read() as session:
        held = session.scalar(
            select(func.count())
            .select_from(service_db.DecisionRow)
            .where(service_db.DecisionRow.decision_id.in_(ids))
        )
        bodies = session.scalars(select(service_db.AuditEntry.body)).all()
    logged = sum(1 for body in bodies if body["decision"]["decision_id"] in ids)
    return int(held or 0), logged


@pytest.mark.parametrize("fault", FAULTS, ids=[str(mode) for mode in FAULTS])
def test_client_call_ends_within_its_timeout(
    fault: Mode, proxy: FaultProxy, client: QueueClient
) -> None:
    proxy.mode = fault
    elapsed, outcome = timed(
        lambda: client.queue_page(limit=50),
        BUDGET + SLACK,
        lambda: setattr(proxy, "mode", Mode.PASS),
    )
    assert isinstance(outcome, EXPECTED_ERROR[fault]), repr(outcome)
    if fault is Mode.STATUS_503:
        assert isinstance(outcome, ServiceError)
        assert outcome.retry_after == proxy.retry_after
    assert elapsed < BUDGET + SLACK, (
        f"{fault}: the call took {elapsed:.1f} s (still running when let go), "
        f"beyond its budget of {BUDGET} s"
    )


@pytest.mark.parametrize("fault", FAULTS, ids=[str(mode) for mode in FAULTS])
def test_outbox_survives_the_fault_and_delivers_once(
    fault: Mode,
    service: Running,
    proxy: FaultProxy,
    client: QueueClient,
    store: LocalStore,
    clock: Clock,
) -> None:
    ids = record_claimed(client, store, 3)
    assert len(ids) == 3

    proxy.mode = fault
    sent_at = clock()
    elapsed, report = timed(
        lambda: steps.send_outbox(client, store),
        BUDGET + SLACK,
        lambda: setattr(proxy, "mode", Mode.PASS),
    )
    # (The time is asserted last, so that a slow fault still shows whether anything was lost.)
    assert isinstance(report, steps.SendReport), repr(report)
    assert isinstance(report.error, EXPECTED_ERROR[fault]), repr(report.error)
    assert report.sent == 3
    assert report.retry == 3
    assert not report.settled

    items = {item.decision_id: item for item in store.outbox.items()}
    assert set(items) == set(ids)
    for item in items.values():
        assert item.state is OutboxState.READY, item
        assert item.attempts == 1
        assert item.last_error
        assert item.next_attempt_at is not None
        assert item.next_attempt_at > sent_at
        if fault is Mode.STATUS_503:
            assert item.next_attempt_at >= sent_at + timedelta(seconds=proxy.retry_after)
    # Not due yet: a second send right away leaves them alone.
    assert steps.send_outbox(client, store).sent == 0

    held, _ = on_service(service, ids)
    # Forwarding faults reached the service: only the answer was lost.
    assert held == (3 if fault in FORWARDING else 0)

    proxy.mode = Mode.PASS
    clock.advance(minutes=10)  # past any backoff (capped at 300 s)
    report = steps.send_outbox(client, store)
    assert report.error is None
    assert report.settled == dict.fromkeys(ids, OutboxState.DELIVERED)
    statuses = {store.outbox.get(d).server_status for d in ids}  # type: ignore[union-attr]
    assert statuses == {"duplicate" if fault in FORWARDING else "accepted"}
    assert store.outbox.counts()[OutboxState.DELIVERED] == 3
    assert on_service(service, ids) == (3, 3)  # exactly once, and logged once
    assert elapsed < BUDGET + SLACK, (
        f"{fault}: send_outbox took {elapsed:.1f} s (still running when let go), "
        f"beyond the client's budget of {BUDGET} s"
    )


def test_retry_after_longer_than_the_backoff_cap_is_capped(
    proxy: FaultProxy, client: QueueClient, store: LocalStore, clock: Clock
) -> None:
    """A Retry-After of an hour does not park decisions for an hour: backoff caps it at 300 s."""
    ids = record_claimed(client, store, 1)
    proxy.retry_after = 3600
    proxy.mode = Mode.STATUS_503
    report = steps.send_outbox(client, store)
    assert isinstance(report.error, ServiceError)
    assert report.error.retry_after == 3600
    item = store.outbox.get(ids[0])
    assert item is not None
    assert item.next_attempt_at is not None
    assert (
        clock() + timedelta(seconds=299) <= item.next_attempt_at <= clock() + timedelta(seconds=300)
    )
