"""The queue service's HTTP contract, through `requests` against the real service on loopback.

Field names checked here are relied on by other clients (see `reviewer_app/core/wire.py`): a test
that fails on a renamed field is doing its job.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from servicekit import (
    LEAD,
    OTHER_REVIEWER,
    REVIEWER,
    T0,
    Api,
    Clock,
    Running,
    app_id,
    decision_for,
    earlier_decline,
    make_application,
    photo_media,
    running,
    sqlite_url,
)

from reviewer_app.core.reasons import DEFAULT_CATALOGUE
from reviewer_app.service.seed import load_skill_demand

LEASE_KEYS = {"application_id", "revision", "version", "expires_at", "offline"}
QUEUE_ITEM_KEYS = {
    "application_id",
    "applicant",
    "country",
    "main_skills",
    "revision",
    "submitted_at",
    "due_at",
    "flags",
    "held_by",
    "lease_expires_at",
}


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def pull_all(
    api: Any, since: str | None = None, limit: int = 500
) -> tuple[list[dict[str, Any]], list[str], str]:
    """Every page of the change feed from `since`; returns items, removed ids, last cursor."""
    items: list[dict[str, Any]] = []
    removed: list[str] = []
    cursor = since
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor is not None:
            params["since"] = cursor
        answer = api.get("/queue", params=params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        items += page["items"]
        removed += page["removed"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items, removed, cursor


# -- health, config, auth ------------------------------------------------------------------------


def test_health_answers_without_a_token(svc: Running) -> None:
    answer = svc.client().get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["database"] == "sqlite"
    assert when(body["server_time"]) == T0


def test_config_carries_the_fields_clients_rely_on(svc: Running) -> None:
    config = svc.client(REVIEWER).get("/config").json()
    assert when(config["server_time"]) == T0
    assert config["sla_hours"] == 24
    assert config["lease_seconds"] == 15 * 60
    assert config["reason_catalogue_version"] == DEFAULT_CATALOGUE.version
    codes = config["reason_codes"]
    assert [c["code"] for c in codes] == [r.code for r in DEFAULT_CATALOGUE]
    for code in codes:
        assert {"code", "label", "key", "applicant_text"} <= code.keys()
        assert code["label"]
        assert code["applicant_text"]
    assert [c["key"] for c in codes] == [str(n) for n in range(1, len(codes) + 1)]
    assert [c["code"] for c in codes if c["note_required"]] == ["other"]
    raw = base64.b64decode(config["audit_public_key"], validate=True)
    assert len(raw) == 32
    assert config["audit_key_id"] == hashlib.sha256(raw).hexdigest()[:16]


FULL_DECISION = decision_for({"application_id": app_id(1), "revision": 1, "version": 1})

PROTECTED: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/config", None),
    ("GET", "/queue", None),
    ("POST", "/claims", {"count": 1}),
    ("POST", f"/claims/{app_id(1)}/heartbeat", {"version": 1}),
    ("DELETE", f"/claims/{app_id(1)}?version=1", None),
    ("GET", f"/applications/{app_id(1)}", None),
    ("GET", "/media/" + "0" * 64, None),
    ("GET", "/demand?skills=Python", None),
    ("POST", "/decisions", {"decisions": []}),
    ("GET", "/audit/entries", None),
    ("GET", "/audit/checkpoint", None),
]


@pytest.mark.parametrize("token", [None, "not-a-token"], ids=["no-token", "bad-token"])
def test_every_endpoint_but_health_and_login_needs_a_valid_token(
    svc: Running, token: str | None
) -> None:
    api = svc.client()
    if token:
        api.headers["Authorization"] = f"Bearer {token}"
    for method, path, body in PROTECTED:
        answer = api.request(method, path, json=body)
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert answer.json()["detail"], (method, path)


def test_login_refuses_a_wrong_password_and_an_unknown_user_alike(svc: Running) -> None:
    api = svc.client()
    wrong = api.post("/auth/login", json={"username": REVIEWER, "password": "nope"})
    unknown = api.post("/auth/login", json={"username": "mallory", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_refresh_rotates_and_a_used_refresh_token_is_refused(svc: Running) -> None:
    api = svc.client(REVIEWER)
    first = api.tokens
    assert first["token_type"] == "bearer"
    assert first["user"] == {"username": REVIEWER, "display_name": "Rita", "role": "reviewer"}
    second = api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["access_token"] != first["access_token"]
    assert rotated["refresh_token"] != first["refresh_token"]
    again = api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert again.status_code == 401
    assert "used" in again.json()["detail"]
    # An access token is not a refresh token, and vice versa.
    swapped = api.post("/auth/refresh", json={"refresh_token": rotated["access_token"]})
    assert swapped.status_code == 401
    fresh = svc.client()
    fresh.headers["Authorization"] = f"Bearer {rotated['refresh_token']}"
    assert fresh.get("/config").status_code == 401
    fresh.headers["Authorization"] = f"Bearer {rotated['access_token']}"
    assert fresh.get("/config").status_code == 200


def test_a_refresh_token_is_single_use_also_under_concurrent_refreshes(svc_any: Running) -> None:
    """Eight sessions refresh with the same token at once (a client retrying): one wins."""
    threads = 8
    clients = [svc_any.client() for _ in range(threads)]
    for _ in range(4):
        token = svc_any.client(REVIEWER).tokens["refresh_token"]
        start = threading.Barrier(threads)

        def refresh(api: Api, token: str = token, start: threading.Barrier = start) -> int:
            start.wait(timeout=30)
            status: int = api.post("/auth/refresh", json={"refresh_token": token}).status_code
            return status

        with ThreadPoolExecutor(threads) as pool:
            statuses = sorted(pool.map(refresh, clients))
        assert statuses == [200] + [401] * (threads - 1)


def test_an_expired_access_token_is_refused_and_refresh_still_works(
    svc: Running, clock: Clock
) -> None:
    api = svc.client(REVIEWER)
    clock.advance(seconds=api.tokens["expires_in"] + 1)
    expired = api.get("/config")
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    renewed = api.post("/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]})
    assert renewed.status_code == 200
    api.headers["Authorization"] = f"Bearer {renewed.json()['access_token']}"
    assert api.get("/config").status_code == 200


def test_the_audit_log_is_for_leads_only(svc: Running) -> None:
    reviewer, lead = svc.client(REVIEWER), svc.client(LEAD)
    for path in ("/audit/entries", "/audit/checkpoint"):
        refused = reviewer.get(path)
        assert refused.status_code == 403, path
        assert "lead" in refused.json()["detail"]
        assert lead.get(path).status_code == 200, path


# -- the queue's change feed ---------------------------------------------------------------------


def test_paging_with_the_cursor_covers_every_item_exactly_once(svc: Running) -> None:
    api = svc.client(REVIEWER)
    pages = 0
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7}
        if cursor:
            params["since"] = cursor
        page = api.get("/queue", params=params).json()
        assert {"items", "removed", "next_cursor", "has_more", "server_time"} <= page.keys()
        items += page["items"]
        cursor = page["next_cursor"]
        pages += 1
        if not page["has_more"]:
            break
    assert pages == 3  # 7 + 7 + 6
    ids = [item["application_id"] for item in items]
    assert sorted(ids) == [app_id(i) for i in range(1, 21)]
    assert len(set(ids)) == len(ids)
    for item in items:
        assert item.keys() == QUEUE_ITEM_KEYS
        assert when(item["due_at"]) - when(item["submitted_at"]) == timedelta(hours=24)
        assert item["held_by"] is None
        assert item["revision"] == 1
    # Nothing changed since: an empty delta that keeps the cursor.
    delta = api.get("/queue", params={"since": cursor}).json()
    assert delta["items"] == []
    assert delta["removed"] == []
    assert delta["next_cursor"] == cursor
    assert delta["has_more"] is False


def test_a_delta_shows_claimed_and_released_items_and_lists_decided_ones_as_removed(
    svc: Running,
) -> None:
    watcher, worker = svc.client(LEAD), svc.client(REVIEWER)
    _, _, cursor = pull_all(watcher)
    held, decided, released = worker.claim(3)
    [result] = worker.decide(decision_for(decided))
    assert result["status"] == "accepted"
    assert (
        worker.delete(
            f"/claims/{released['application_id']}", params={"version": released["version"]}
        ).status_code
        == 204
    )

    items, removed, _ = pull_all(watcher, cursor)
    by_id = {item["application_id"]: item for item in items}
    assert set(by_id) == {held["application_id"], released["application_id"]}
    assert by_id[held["application_id"]]["held_by"] == REVIEWER
    assert by_id[held["application_id"]]["lease_expires_at"] == held["expires_at"]
    assert by_id[released["application_id"]]["held_by"] is None
    assert removed == [decided["application_id"]]


def test_a_lease_that_ran_out_shows_as_unheld(svc: Running, clock: Clock) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    clock.advance(seconds=15 * 60)
    items, _, _ = pull_all(api)
    [item] = [i for i in items if i["application_id"] == lease["application_id"]]
    assert item["held_by"] is None
    assert item["lease_expires_at"] is None


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"since": "zzz"}, 400, "since"),
        ({"since": "s-1"}, 400, "since"),
        ({"since": "s" + "9" * 30}, 400, "since"),
        ({"since": "x" * 41}, 422, "since"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 1001}, 422, "limit"),
        ({"limit": "many"}, 422, "limit"),
    ],
)
def test_a_bad_cursor_or_limit_is_refused_with_a_reason(
    svc: Running, params: dict[str, Any], status: int, fragment: str
) -> None:
    answer = svc.client(REVIEWER).get("/queue", params=params)
    assert answer.status_code == status, answer.text
    assert fragment in answer.json()["detail"]


# -- claims, heartbeats, releases ----------------------------------------------------------------


def test_claims_answer_leases_by_due_time(svc: Running) -> None:
    api = svc.client(REVIEWER)
    answer = api.post("/claims", json={"count": 3})
    assert answer.status_code == 200
    body = answer.json()
    assert when(body["server_time"]) == T0
    leases = body["leases"]
    # APP-000020 was submitted first, so it is due first.
    assert [lease["application_id"] for lease in leases] == [app_id(20), app_id(19), app_id(18)]
    for lease in leases:
        assert lease.keys() == LEASE_KEYS
        assert lease["revision"] == 1
        assert lease["version"] == 1
        assert lease["offline"] is False
        assert when(lease["expires_at"]) == T0 + timedelta(minutes=15)
    # Another reviewer gets the next ones, never the same.
    others = svc.client(OTHER_REVIEWER).claim(2)
    assert [lease["application_id"] for lease in others] == [app_id(17), app_id(16)]


def test_an_offline_claim_gets_the_long_lease(svc: Running) -> None:
    [lease] = svc.client(REVIEWER).claim(offline=True)
    assert lease["offline"] is True
    assert when(lease["expires_at"]) == T0 + timedelta(hours=8)


def test_claims_stop_at_an_empty_queue(svc: Running) -> None:
    api = svc.client(REVIEWER)
    assert len(api.claim(100)) == 20
    assert api.claim(5) == []


def test_a_lease_that_ran_out_can_be_claimed_by_someone_else_with_a_new_version(
    svc: Running, clock: Clock
) -> None:
    [first] = svc.client(REVIEWER).claim()
    clock.advance(minutes=15)
    [second] = svc.client(OTHER_REVIEWER).claim()
    assert second["application_id"] == first["application_id"]
    assert second["version"] == first["version"] + 1


def test_heartbeat_extends_a_lease_and_refuses_a_stale_version(svc: Running, clock: Clock) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    path = f"/claims/{lease['application_id']}/heartbeat"
    now = clock.advance(minutes=10)
    beat = api.post(path, json={"version": lease["version"]})
    assert beat.status_code == 200, beat.text
    assert beat.json().keys() == LEASE_KEYS
    assert beat.json()["version"] == lease["version"]
    assert when(beat.json()["expires_at"]) == now + timedelta(minutes=15)

    stale = api.post(path, json={"version": lease["version"] + 1})
    assert stale.status_code == 409
    assert "lease lost" in stale.json()["detail"]
    not_mine = svc.client(OTHER_REVIEWER).post(path, json={"version": lease["version"]})
    assert not_mine.status_code == 409
    unknown = api.post("/claims/APP-999999/heartbeat", json={"version": 1})
    assert unknown.status_code == 404
    assert "APP-999999" in unknown.json()["detail"]


def test_heartbeat_renews_a_lease_that_ran_out_while_nobody_took_it(
    svc: Running, clock: Clock
) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    clock.advance(minutes=20)
    beat = api.post(f"/claims/{lease['application_id']}/heartbeat", json={"version": 1})
    assert beat.status_code == 200
    [result] = api.decide(decision_for(lease))
    assert result["status"] == "accepted"


def test_release_frees_an_item_and_refuses_a_stale_version(svc: Running) -> None:
    api, other = svc.client(REVIEWER), svc.client(OTHER_REVIEWER)
    [lease] = api.claim()
    path = f"/claims/{lease['application_id']}"
    stale = api.delete(path, params={"version": lease["version"] + 1})
    assert stale.status_code == 409
    assert "lease lost" in stale.json()["detail"]
    assert other.delete(path, params={"version": lease["version"]}).status_code == 409
    released = api.delete(path, params={"version": lease["version"]})
    assert released.status_code == 204
    assert released.content == b""
    again = api.delete(path, params={"version": lease["version"]})
    assert again.status_code == 409  # no longer held by anyone
    [next_lease] = other.claim()
    assert next_lease["application_id"] == lease["application_id"]
    assert next_lease["version"] == lease["version"] + 1
    assert api.delete("/claims/APP-999999", params={"version": 1}).status_code == 404
    missing = api.delete(path)
    assert missing.status_code == 422
    assert "version" in missing.json()["detail"]


# -- applications, media, demand -----------------------------------------------------------------


def test_application_details_show_the_profile_and_the_lease(svc: Running) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    details = api.get(f"/applications/{lease['application_id']}").json()
    assert details["application_id"] == lease["application_id"]
    assert details["status"] == "pending"
    assert details["current_revision"] == 1
    assert details["held_by"] == REVIEWER
    assert details["lease_version"] == lease["version"]
    [revision] = details["revisions"]
    assert revision["decision"] is None
    assert when(revision["due_at"]) - when(revision["submitted_at"]) == timedelta(hours=24)
    profile = revision["profile"]
    assert profile["first_name"] == "Ann20"
    assert profile["skills"] == ["Python", "Django", "SQL"]
    assert profile["date_of_birth"] == "1990-01-01"
    unknown = api.get("/applications/APP-999999")
    assert unknown.status_code == 404
    assert "APP-999999" in unknown.json()["detail"]
    malformed = api.get("/applications/APP 1")
    assert malformed.status_code == 422
    assert "application_id" in malformed.json()["detail"]


def test_media_bytes_come_with_type_and_length(svc: Running) -> None:
    data = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\xff\xd9"
    ref, _ = photo_media(data)
    svc.add([(make_application(500, photo=ref), {ref.sha256: (ref.content_type, data)})])
    api = svc.client(REVIEWER)
    photo = api.get(f"/applications/{app_id(500)}").json()["revisions"][0]["profile"]["photo"]
    assert photo == {
        "sha256": ref.sha256,
        "kind": "photo",
        "content_type": "image/jpeg",
        "size": len(data),
    }
    answer = api.get(f"/media/{ref.sha256}")
    assert answer.status_code == 200
    assert answer.content == data
    assert answer.headers["Content-Type"] == "image/jpeg"
    assert int(answer.headers["Content-Length"]) == len(data)
    assert answer.headers["ETag"] == f'"{ref.sha256}"'

    unknown = api.get("/media/" + "ab" * 32)
    assert unknown.status_code == 404
    assert "ab" * 32 in unknown.json()["detail"]
    for malformed in ("xyz", ref.sha256.upper(), ref.sha256[:-1], ref.sha256 + "0"):
        answer = api.get(f"/media/{malformed}")
        assert answer.status_code == 422, malformed
        assert "sha256" in answer.json()["detail"]


def test_demand_figures_per_skill(svc: Running) -> None:
    load_skill_demand(svc.store, {"Python": (900, 300), "Cobol": (2, 40)})
    api = svc.client(REVIEWER)
    answer = api.get("/demand", params={"skills": "Python, Cobol,Klingon,Python"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["low_demand_ratio"] == 0.5
    skills = {s["skill"]: s for s in body["skills"]}
    assert list(skills) == ["Python", "Cobol", "Klingon"]
    python = {"skill": "Python", "known": True, "open_jobs": 900, "active_freelancers": 300}
    assert skills["Python"] == python | {"ratio": 3.0, "low_demand": False}
    assert skills["Cobol"]["ratio"] == 0.05
    assert skills["Cobol"]["low_demand"] is True
    assert skills["Klingon"]["known"] is False
    assert skills["Klingon"]["low_demand"] is False
    missing = api.get("/demand")
    assert missing.status_code == 422
    assert "skills" in missing.json()["detail"]


# -- bad requests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "fragment"),
    [
        ("POST", "/claims", b"{not json", "JSON"),
        ("POST", "/claims", b'{"count": 1', "JSON"),
        ("POST", "/claims", {"count": "many"}, "count"),
        ("POST", "/claims", {"count": 0}, "count"),
        ("POST", "/claims", {"count": 101}, "count"),
        ("POST", "/claims", {"count": 1, "colour": "red"}, "colour"),
        ("POST", "/claims", [1, 2], "body"),
        ("POST", f"/claims/{app_id(1)}/heartbeat", {"version": "x"}, "version"),
        ("POST", f"/claims/{app_id(1)}/heartbeat", {}, "version"),
        ("POST", "/auth/login", {"username": "rita"}, "password"),
        ("POST", "/auth/refresh", {"refresh_token": 7}, "refresh_token"),
        ("POST", "/decisions", {"decisions": []}, "decisions"),
        ("POST", "/decisions", {"decision": []}, "decision"),
        ("POST", "/decisions", {"decisions": [{"decision_id": "abcdefgh"}]}, "application_id"),
        ("POST", "/decisions", {"decisions": [FULL_DECISION | {"extra": 1}]}, "decisions.0.extra"),
        ("POST", "/decisions", {"decisions": [{"decision_id": "short"}]}, "decision_id"),
    ],
)
def test_a_bad_request_gets_a_4xx_that_names_the_problem(
    svc: Running, method: str, path: str, body: Any, fragment: str
) -> None:
    api = svc.client(REVIEWER)
    if isinstance(body, bytes):
        answer = api.request(method, path, data=body, headers={"Content-Type": "application/json"})
    else:
        answer = api.request(method, path, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["Content-Type"] == "application/json"
    assert fragment in answer.json()["detail"], answer.json()


def test_a_wrongly_typed_decision_field_is_named(svc: Running) -> None:
    api = svc.client(REVIEWER)
    [lease] = api.claim()
    for name, value in [
        ("revision", "two"),
        ("decided_at", "yesterday"),
        ("reason_codes", "x"),
        ("handling_ms", 1.5),
        ("note", None),
    ]:
        body = decision_for(lease) | {name: value}
        answer = api.post("/decisions", json={"decisions": [body]})
        assert answer.status_code == 422, (name, answer.text)
        assert f"decisions.0.{name}" in answer.json()["detail"], name


# -- decisions, per item -------------------------------------------------------------------------


def test_decisions_are_validated_per_item_with_the_field_named(svc: Running) -> None:
    api = svc.client(REVIEWER)
    leases = api.claim(4)
    lease = leases[0]
    problems = [
        (decision_for(lease, "decline"), "reason_codes", "needs at least one reason"),
        (decision_for(lease, "decline", ["other"]), "note", "needs a note"),
        (decision_for(lease, "decline", ["other"], note="   "), "note", "needs a note"),
        (decision_for(lease, "decline", ["bogus"]), "reason_codes", "'bogus'"),
        (decision_for(lease, "accept", ["text_errors"]), "reason_codes", "accept"),
        (decision_for(lease, "approve"), "outcome", "'approve'"),
        (decision_for(lease) | {"decided_at": "2026-03-02T09:00:00"}, "decided_at", "time zone"),
        (decision_for(lease, decided_at=T0 + timedelta(hours=1)), "decided_at", "future"),
        (decision_for(lease, handling_ms=-1), "handling_ms", "negative"),
        (decision_for(lease) | {"revision": 0}, "revision", "1 or more"),
        (decision_for(lease) | {"lease_version": 0}, "lease_version", "1 or more"),
        (decision_for(lease) | {"application_id": "APP-999999"}, "application_id", "APP-999999"),
    ]
    good = [
        decision_for(leases[1]),
        decision_for(leases[2], "decline", ["other", "low_demand"], note="asks for a deposit"),
        # Reason codes given twice count once; a time with an offset is taken as UTC.
        decision_for(leases[3], "decline", ["under_18", "under_18"])
        | {"decided_at": "2026-03-02T10:00:00+01:00"},
    ]
    results = api.decide(*(body for body, _, _ in problems), *good)
    assert len(results) == len(problems) + len(good)
    for (body, field, words), result in zip(problems, results, strict=False):
        assert result["decision_id"] == body["decision_id"]
        assert result["status"] == "invalid", (field, result)
        assert result["detail"].startswith(f"{field}:"), (field, result)
        assert words in result["detail"], (field, result)
    for body, result in zip(good, results[len(problems) :], strict=True):
        assert result == {
            "decision_id": body["decision_id"],
            "status": "accepted",
            "detail": "recorded",
        }
    stored = api.get(f"/applications/{leases[3]['application_id']}").json()
    decision = stored["revisions"][0]["decision"]
    assert decision["reason_codes"] == ["under_18"]
    assert decision["decided_at"] == "2026-03-02T09:00:00Z"
    assert decision["reviewer"] == REVIEWER
    assert stored["status"] == "decided"
    # The lease of an invalid decision was not used up: a valid one on it goes through.
    [result] = api.decide(decision_for(lease, "decline", ["text_errors"]))
    assert result["status"] == "accepted"


def test_a_decision_answers_with_every_contract_field(svc: Running) -> None:
    api, lead = svc.client(REVIEWER), svc.client(LEAD)
    [lease] = api.claim()
    body = decision_for(lease, "decline", ["photo_quality"], note="blurry", handling_ms=9000)
    answer = api.post("/decisions", json={"decisions": [body]})
    assert answer.status_code == 200
    assert answer.json().keys() == {"results", "server_time"}
    [result] = answer.json()["results"]
    assert result.keys() == {"decision_id", "status", "detail"}
    [entry] = lead.get("/audit/entries").json()["entries"]
    assert entry["decision"] == {k: v for k, v in body.items() if k != "decided_at"} | {
        "decided_at": "2026-03-02T09:00:00Z",
        "reviewer": REVIEWER,
    }


def test_a_decision_without_a_lease_is_a_conflict(svc: Running) -> None:
    api = svc.client(REVIEWER)
    [lease] = svc.client(OTHER_REVIEWER).claim()
    [result] = api.decide(decision_for(lease))
    assert result["status"] == "conflict"
    assert "lease lost" in result["detail"]
    unclaimed = {"application_id": app_id(1), "revision": 1, "version": 1}
    [result] = api.decide(decision_for(unclaimed))
    assert result["status"] == "conflict"
    assert "not held" in result["detail"]


def test_an_escalated_item_is_only_claimable_by_a_lead(tmp_path: Path, clock: Clock) -> None:
    with running(sqlite_url(tmp_path / "q.sqlite3"), applications=1, clock=clock) as svc:
        reviewer, other, lead = svc.client(REVIEWER), svc.client(OTHER_REVIEWER), svc.client(LEAD)
        [lease] = reviewer.claim()
        [result] = reviewer.decide(decision_for(lease, "escalate", note="looks like a copy"))
        assert result["status"] == "accepted"
        details = reviewer.get(f"/applications/{app_id(1)}").json()
        assert details["status"] == "escalated"
        assert details["held_by"] is None
        [item] = reviewer.get("/queue").json()["items"]
        assert "escalated" in item["flags"]
        assert item["held_by"] is None

        assert reviewer.claim() == []
        assert other.claim() == []
        [lead_lease] = lead.claim()
        assert lead_lease["application_id"] == app_id(1)
        assert lead_lease["version"] == lease["version"] + 1
        # The reviewer's old lease is spent.
        [late] = reviewer.decide(decision_for(lease, "accept"))
        assert late["status"] == "conflict"
        [final] = lead.decide(decision_for(lead_lease, "decline", ["text_errors"]))
        assert final["status"] == "accepted"

        details = lead.get(f"/applications/{app_id(1)}").json()
        assert details["status"] == "decided"
        # The revision's decision is the lead's, not the escalation.
        assert details["revisions"][0]["decision"]["outcome"] == "decline"
        assert details["revisions"][0]["decision"]["reviewer"] == LEAD
        _, removed, _ = pull_all(lead)
        assert removed == [app_id(1)]
        assert lead.get("/audit/entries").json()["size"] == 2


def test_a_resubmission_carries_the_earlier_revisions_decision(svc: Running) -> None:
    earlier = earlier_decline(300)
    svc.add([(make_application(300, earlier_decline=earlier), {})])
    api = svc.client(REVIEWER)
    details = api.get(f"/applications/{app_id(300)}").json()
    assert details["current_revision"] == 2
    first, second = details["revisions"]
    assert first["revision"] == 1
    assert second["revision"] == 2
    assert first["decision"]["decision_id"] == earlier.decision_id
    assert first["decision"]["outcome"] == "decline"
    assert first["decision"]["reason_codes"] == ["incomplete_profile"]
    assert first["decision"]["note"] == "overview too thin"
    assert first["profile"]["overview"] == "hi"
    assert second["decision"] is None
    [item] = [i for i in pull_all(api)[0] if i["application_id"] == app_id(300)]
    assert item["revision"] == 2
    assert "resubmission" in item["flags"]

    # APP-000300 was submitted earliest: the first claim gets it, on revision 2.
    [lease] = api.claim()
    assert lease["application_id"] == app_id(300)
    assert lease["revision"] == 2
    [stale] = api.decide(decision_for(lease) | {"revision": 1})
    assert stale["status"] == "conflict"
    assert "revision 1" in stale["detail"]
    [result] = api.decide(decision_for(lease))
    assert result["status"] == "accepted"
    first, second = api.get(f"/applications/{app_id(300)}").json()["revisions"]
    assert first["decision"]["decision_id"] == earlier.decision_id
    assert second["decision"]["outcome"] == "accept"
    # The seeded decision was logged for audit too.
    entries = svc.client(LEAD).get("/audit/entries").json()["entries"]
    assert next(e["decision"]["decision_id"] for e in entries) == earlier.decision_id


# -- inputs that must get a 4xx or a per-item `invalid`, never a 500 -----------------------------


NUL_REQUESTS = [
    ("POST", "/auth/login", {"username": "ri\x00ta", "password": "x"}),
    ("POST", "/auth/refresh", {"refresh_token": "tok\x00en"}),
    ("GET", "/applications/APP%00X", None),
    ("POST", "/claims/APP%00X/heartbeat", {"version": 1}),
    ("DELETE", "/claims/APP%00X?version=1", None),
    ("GET", "/demand?skills=Py%00thon", None),
    ("GET", "/queue?since=s1%00", None),
    ("POST", "/decisions", {"decisions": [FULL_DECISION | {"decision_id": "abcdefgh\x00"}]}),
    ("POST", "/decisions", {"decisions": [FULL_DECISION | {"application_id": "APP\x00X"}]}),
]


def test_nul_characters_in_text_get_a_4xx_not_a_500(svc_any: Running) -> None:
    """PostgreSQL text cannot hold NUL: the service must refuse it (or treat it as any unknown
    value, as SQLite does), not fail on it."""
    token = svc_any.client(REVIEWER).tokens["access_token"]
    failed = []
    for method, path, body in NUL_REQUESTS:
        api = svc_any.client()  # a fresh connection each: a 500 may close the last one
        api.headers["Authorization"] = f"Bearer {token}"
        answer = api.request(method, path, json=body)
        if answer.status_code >= 500:
            failed.append((method, path, answer.status_code, answer.text[:80]))
    assert failed == [], f"server errors: {failed}"


def test_a_decision_time_at_the_edge_of_the_calendar_is_invalid_not_a_500(svc: Running) -> None:
    """0001-01-01T00:30+01:00 is a valid ISO time whose UTC form lies before year 1: converting
    it to UTC overflows. That item is invalid; the rest of its batch goes through."""
    api = svc.client(REVIEWER)
    [lease, other] = api.claim(2)
    edge = decision_for(lease) | {"decided_at": "0001-01-01T00:30:00+01:00"}
    good = decision_for(other)
    answer = api.post("/decisions", json={"decisions": [edge, good]})
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["results"]
    assert first["status"] == "invalid"
    assert first["detail"].startswith("decided_at:")
    assert second["status"] == "accepted"


# -- realistic data from the demo generator ------------------------------------------------------


def test_a_review_round_over_generated_demo_data(tmp_path: Path, clock: Clock) -> None:
    """Generated applicants (photos, videos, resubmissions with earlier decisions) go through
    the whole round: queue, claim, details, media by hash, demand, decisions, audit."""
    from reviewer_app.core import audit
    from reviewer_app.service.seed import seed_demo

    with running(sqlite_url(tmp_path / "demo.sqlite3"), users=[], clock=clock) as svc:
        added = seed_demo(svc.store, svc.service.audit, 12, password="demo-pw", now=T0)
        assert added == 12
        reviewer = svc.client("reviewer", "demo-pw")
        lead = svc.client("lead", "demo-pw")
        items, _, _ = pull_all(reviewer, limit=10)
        assert len(items) == 12
        leases = reviewer.claim(100)
        assert len(leases) == 12
        assert [lease["application_id"] for lease in leases] == [
            item["application_id"] for item in sorted(items, key=lambda i: i["due_at"])
        ]

        media_seen = 0
        resubmissions = 0
        bodies = []
        for lease in leases:
            details = reviewer.get(f"/applications/{lease['application_id']}").json()
            current = details["revisions"][-1]
            assert current["revision"] == lease["revision"] == details["current_revision"]
            for earlier in details["revisions"][:-1]:
                resubmissions += earlier["decision"] is not None
            for kind in ("photo", "video"):
                ref = current["profile"][kind]
                if ref is None:
                    continue
                answer = reviewer.get(f"/media/{ref['sha256']}")
                assert answer.status_code == 200
                assert hashlib.sha256(answer.content).hexdigest() == ref["sha256"]
                assert len(answer.content) == ref["size"]
                assert answer.headers["Content-Type"] == ref["content_type"]
                media_seen += 1
            skills = current["profile"]["skills"]
            demand = reviewer.get("/demand", params={"skills": ",".join(skills)}).json()
            assert [s["skill"] for s in demand["skills"]] == list(dict.fromkeys(skills))[:50]
            assert all(s["known"] for s in demand["skills"])
            low = any(s["low_demand"] for s in demand["skills"])
            if "incomplete" in details["flags"] or low:
                codes = ["incomplete_profile"] if "incomplete" in details["flags"] else []
                bodies.append(decision_for(lease, "decline", codes + ["low_demand"] * low))
            else:
                bodies.append(decision_for(lease, "accept"))
        assert media_seen > 0
        assert resubmissions > 0
        assert {r["status"] for r in reviewer.decide(*bodies)} == {"accepted"}

        entries = lead.get("/audit/entries", params={"limit": 1000}).json()
        assert entries["size"] == resubmissions + len(bodies)
        chain = [
            audit.ChainEntry(
                e["index"],
                audit.entry_body(e["decision"], e["profile_sha256"], when(e["recorded_at"])),
                e["prev_hash"],
                e["entry_hash"],
            )
            for e in entries["entries"]
        ]
        assert audit.verify_chain(chain) == []
        point = lead.get("/audit/checkpoint").json()
        config = lead.get("/config").json()
        assert point["head_hash"] == chain[-1].entry_hash
        assert audit.verify_checkpoint(
            config["audit_public_key"],
            point["size"],
            point["head_hash"],
            when(point["signed_at"]),
            point["signature"],
        )
