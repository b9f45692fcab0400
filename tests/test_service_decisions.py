"""Decisions: idempotent by decision id (also across a restart and under concurrent resends),
fenced by the lease version, recorded once in the decisions table and the audit log."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from servicekit import (
    LEAD,
    OTHER_REVIEWER,
    REVIEWER,
    Api,
    Clock,
    Running,
    decision_for,
    running,
    sqlite_url,
)

from reviewer_app.service import db


def audit_size(svc: Running) -> int:
    answer = svc.client(LEAD).get("/audit/entries", params={"limit": 1})
    assert answer.status_code == 200
    size: int = answer.json()["size"]
    return size


def test_one_decision_id_is_stored_once_also_across_a_restart(tmp_path: Path, clock: Clock) -> None:
    with running(sqlite_url(tmp_path / "queue.sqlite3"), applications=3, clock=clock) as svc:
        api = svc.client(REVIEWER)
        [lease] = api.claim()
        body = decision_for(lease, "decline", ["text_errors"], note="typos in the title")
        assert api.decide(body)[0]["status"] == "accepted"
        [again] = api.decide(body)
        assert again["status"] == "duplicate"
        assert again["detail"] == "already recorded at 2026-03-02T09:00:00.000000Z"
        token = api.tokens["access_token"]

        svc.restart()

        # Tokens live in the database: the old one still works after the restart.
        api = svc.client()
        api.headers["Authorization"] = f"Bearer {token}"
        [third] = api.decide(body)
        assert third["status"] == "duplicate"
        # A different body under a seen id is refused, whatever else is wrong with it.
        for changed in (
            body | {"note": "typos everywhere"},
            body | {"reason_codes": ["text_errors", "photo_quality"]},
            body | {"outcome": "accept", "reason_codes": []},
            body | {"outcome": "decline", "reason_codes": []},  # also invalid in itself
        ):
            [refused] = api.decide(changed)
            assert refused["status"] == "invalid", changed
            assert refused["detail"] == "decision_id: already used for a different decision"

        assert svc.count(db.DecisionRow) == 1
        assert svc.count(db.AuditEntry) == 1
        assert audit_size(svc) == 1
        stored = api.get(f"/applications/{lease['application_id']}").json()
        assert stored["revisions"][0]["decision"]["note"] == "typos in the title"


def test_the_same_id_twice_in_one_batch_is_accepted_then_duplicate(svc: Running) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    body = decision_for(lease)
    first, second = api.decide(body, body)
    assert first["status"] == "accepted"
    assert second["status"] == "duplicate"
    assert svc.count(db.DecisionRow) == 1


def test_a_stale_lease_version_is_a_conflict(svc_any: Running, clock: Clock) -> None:
    svc = svc_any
    alice, bob = svc.client(REVIEWER), svc.client(OTHER_REVIEWER)
    [a_lease] = alice.claim()
    clock.advance(minutes=15, seconds=1)
    [b_lease] = bob.claim()
    assert b_lease["application_id"] == a_lease["application_id"]
    assert b_lease["version"] == a_lease["version"] + 1

    a_decision = decision_for(a_lease, "accept")
    [late] = alice.decide(a_decision)
    assert late["status"] == "conflict"
    assert "lease lost" in late["detail"]
    assert f"version {a_lease['version']} is stale" in late["detail"]
    # Alice cannot borrow Bob's version either: the lease is his.
    [borrowed] = alice.decide(decision_for(b_lease))
    assert borrowed["status"] == "conflict"

    [result] = bob.decide(decision_for(b_lease, "decline", ["low_demand"]))
    assert result["status"] == "accepted"
    # A conflict is not recorded, so Alice's resend is still a conflict, not a duplicate.
    [resent] = alice.decide(a_decision)
    assert resent["status"] == "conflict"
    assert "already decided" in resent["detail"]
    assert svc.count(db.DecisionRow) == 1
    assert audit_size(svc) == 1
    decided = bob.get(f"/applications/{b_lease['application_id']}").json()
    assert decided["revisions"][0]["decision"]["reviewer"] == OTHER_REVIEWER


def send_together(pairs: list[tuple[Api, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each (session, decision) posted from its own thread, all released at once."""
    start = threading.Barrier(len(pairs))

    def send(pair: tuple[Api, dict[str, Any]]) -> dict[str, Any]:
        start.wait(timeout=30)
        [result] = pair[0].decide(pair[1])
        return result

    with ThreadPoolExecutor(len(pairs)) as pool:
        return list(pool.map(send, pairs))


def test_concurrent_resends_of_one_decision_are_accepted_once(svc_any: Running) -> None:
    """The same decision from several sessions at once (a client resending after timeouts):
    one `accepted`, the rest `duplicate`."""
    svc = svc_any
    rounds, threads = 6, 8
    clients = [svc.client(REVIEWER) for _ in range(threads)]
    for lease in clients[0].claim(rounds):
        body = decision_for(lease, "decline", ["incomplete_profile"])
        results = send_together([(api, body) for api in clients])
        statuses = sorted(r["status"] for r in results)
        assert statuses == ["accepted"] + ["duplicate"] * (threads - 1), results
    assert svc.count(db.DecisionRow) == rounds
    assert svc.count(db.AuditEntry) == rounds


def test_two_decisions_on_one_lease_race_and_one_wins(svc_any: Running) -> None:
    """Two different decision ids for the same lease (say, two windows): one is recorded, the
    other is a conflict, never both."""
    svc = svc_any
    clients = [svc.client(REVIEWER) for _ in range(2)]
    for lease in clients[0].claim(4):
        bodies = [decision_for(lease, "accept"), decision_for(lease, "decline", ["text_errors"])]
        results = send_together(list(zip(clients, bodies, strict=True)))
        statuses = sorted(r["status"] for r in results)
        assert statuses == ["accepted", "conflict"]
    assert svc.count(db.DecisionRow) == 4
    assert audit_size(svc) == 4


def test_a_batch_of_a_hundred_is_recorded_in_order(tmp_path: Path, clock: Clock) -> None:
    with running(sqlite_url(tmp_path / "q.sqlite3"), applications=100, clock=clock) as svc:
        api = svc.client(REVIEWER)
        leases = api.claim(100)
        leases += api.claim(100)
        assert len(leases) == 100
        bodies = [
            decision_for(lease, "accept")
            if n % 3
            else decision_for(lease, "decline", ["low_demand"])
            for n, lease in enumerate(leases)
        ]
        results = api.decide(*bodies)
        assert [r["decision_id"] for r in results] == [b["decision_id"] for b in bodies]
        assert {r["status"] for r in results} == {"accepted"}
        entries = svc.client(LEAD).get("/audit/entries", params={"limit": 1000}).json()
        assert [e["decision"]["decision_id"] for e in entries["entries"]] == [
            b["decision_id"] for b in bodies
        ]
        assert api.claim(1) == []
        queue = api.get("/queue", params={"limit": 1000}).json()
        assert queue["items"] == []
        assert len(queue["removed"]) == 100


@pytest.mark.parametrize("size", [500, 501])
def test_a_batch_is_capped_at_five_hundred(svc: Running, size: int) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    bodies = [decision_for(lease) for _ in range(size)]
    answer = api.post("/decisions", json={"decisions": bodies})
    if size == 500:
        results = answer.json()["results"]
        assert [r["status"] for r in results] == ["accepted"] + ["conflict"] * 499
    else:
        assert answer.status_code == 422
        assert "decisions" in answer.json()["detail"]
