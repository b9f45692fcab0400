"""Requests the service must refuse with a documented 4xx, and a batch of decisions whose items
each get their own answer."""

from __future__ import annotations

import pytest
from servicekit import LEAD, REVIEWER, Running, decision_for

from reviewer_app.service import db


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/decisions"), ("POST", "/claims"), ("POST", "/auth/login")],
)
def test_a_body_that_is_not_utf8_is_a_422_with_the_error_shape(
    svc: Running, method: str, path: str
) -> None:
    api = svc.client(REVIEWER)
    answer = api.request(
        method,
        path,
        data=b'{"decisions": ["\xff\xfe broken"]}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert set(body) == {"detail"}
    assert "UTF-8" in body["detail"]


@pytest.mark.parametrize(
    ("decided_at", "detail"),
    [
        ("0001-01-01T00:30:00+01:00", "decided_at: out of range"),
        ("0001-01-01T00:00:00+00:01", "decided_at: out of range"),
        ("9999-12-31T23:30:00-01:00", "decided_at: out of range"),
        ("9999-12-31T23:30:00+00:00", "decided_at: lies in the future"),
    ],
)
def test_decision_times_at_the_ends_of_the_calendar_are_invalid(
    svc: Running, decided_at: str, detail: str
) -> None:
    api = svc.client(REVIEWER)
    [lease, other] = api.claim(2)
    answer = api.post(
        "/decisions",
        json={"decisions": [decision_for(lease) | {"decided_at": decided_at}, decision_for(other)]},
    )
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["results"]
    assert first["status"] == "invalid"
    assert first["detail"].startswith(detail)
    assert second["status"] == "accepted"


def test_every_item_of_a_mixed_batch_gets_its_own_answer(svc: Running) -> None:
    """Accepted, invalid, conflicting, repeated and unknown items in one batch: each answered
    as if it came alone, in order, and only the accepted ones stored and logged."""
    api = svc.client(REVIEWER)
    lead = svc.client(LEAD)
    leases = api.claim(4)
    [lead_lease] = lead.claim(1)
    first = decision_for(leases[0])
    stale = decision_for(leases[1]) | {"lease_version": leases[1]["version"] + 1}
    escalate = decision_for(leases[2], "escalate")
    after_escalation = decision_for(leases[2])  # the lease went with the escalation
    reused = first | {"note": "another body under the same id"}
    unknown = decision_for(leases[3]) | {"application_id": "APP-999999"}
    not_mine = decision_for(lead_lease)
    bad_reason = decision_for(leases[3], "decline", ["no_such_reason"])
    good = decision_for(leases[3], "decline", ["text_errors"])
    batch = [first, stale, escalate, after_escalation, first, reused, unknown, not_mine]
    batch += [bad_reason, good]
    results = api.decide(*batch)
    assert [(r["decision_id"], r["status"]) for r in results] == [
        (first["decision_id"], "accepted"),
        (stale["decision_id"], "conflict"),
        (escalate["decision_id"], "accepted"),
        (after_escalation["decision_id"], "conflict"),
        (first["decision_id"], "duplicate"),
        (reused["decision_id"], "invalid"),
        (unknown["decision_id"], "invalid"),
        (not_mine["decision_id"], "conflict"),
        (bad_reason["decision_id"], "invalid"),
        (good["decision_id"], "accepted"),
    ]
    assert "lease lost" in results[1]["detail"]
    assert results[5]["detail"] == "decision_id: already used for a different decision"
    assert results[6]["detail"].startswith("application_id: no application")
    assert results[8]["detail"].startswith("reason_codes: unknown code")
    assert svc.count(db.DecisionRow) == 3
    assert svc.count(db.AuditEntry) == 3

    # Sent again, the whole batch answers the same for the recorded ones.
    again = api.decide(first, escalate, good)
    assert [r["status"] for r in again] == ["duplicate", "duplicate", "duplicate"]
    # A decided item names who decided it.
    late = decision_for(leases[0])
    [conflict] = api.decide(late)
    assert conflict["status"] == "conflict"
    assert "already decided by" in conflict["detail"]


def test_a_batch_moves_each_decided_item_in_the_change_feed_once(svc: Running) -> None:
    api = svc.client(REVIEWER)
    leases = api.claim(5)
    cursor = api.get("/queue", params={"limit": 1000}).json()["next_cursor"]
    assert {r["status"] for r in api.decide(*(decision_for(lease) for lease in leases))} == {
        "accepted"
    }
    page = api.get("/queue", params={"since": cursor, "limit": 1000}).json()
    assert sorted(page["removed"]) == sorted(lease["application_id"] for lease in leases)
    assert page["items"] == []
