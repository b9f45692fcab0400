"""Concurrent claims: 16 clients, each its own session and user, empty a queue of 5,000 items.

Every item must end up held by exactly one live lease: none lost, none handed out twice. Checked
from what the clients were given, from the database, and from a watcher that follows the queue's
change feed while the claims run.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from servicekit import Api, Running, add_users, app_id, plain_applications, running
from sqlalchemy import select

from reviewer_app.service import db

ITEMS = 5_000
CLIENTS = 16


def claim_until_empty(api: Api, count: int, start: threading.Barrier) -> list[dict[str, Any]]:
    start.wait(timeout=60)
    leases: list[dict[str, Any]] = []
    while True:
        got = api.claim(count)
        if not got:
            return leases
        assert len(got) <= count
        leases += got


def follow_feed(api: Api, stop: threading.Event) -> dict[str, dict[str, Any]]:
    """Pull deltas until told to stop, then once more; the last state seen of each item."""
    seen: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        last_round = stop.is_set()
        while True:
            params: dict[str, Any] = {"limit": 1000}
            if cursor:
                params["since"] = cursor
            answer = api.get("/queue", params=params)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            for item in page["items"]:
                seen[item["application_id"]] = item
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        if last_round:
            return seen
        stop.wait(0.05)


def run_claim_race(db_url: str) -> None:
    users = [(f"claimer{n:02d}", "reviewer") for n in range(CLIENTS)] + [("watcher", "lead")]
    with running(db_url, users=users) as svc:
        svc.add(plain_applications(ITEMS))
        clients = [svc.client(name) for name, _ in users[:CLIENTS]]
        watcher = svc.client("watcher")
        start = threading.Barrier(CLIENTS)
        stop = threading.Event()
        with ThreadPoolExecutor(CLIENTS + 1) as pool:
            feed = pool.submit(follow_feed, watcher, stop)
            # Batches of 1 to 4, so multi-row claims race with single ones.
            futures = [
                pool.submit(claim_until_empty, api, 1 + n % 4, start)
                for n, api in enumerate(clients)
            ]
            per_client = {
                api.username: future.result() for api, future in zip(clients, futures, strict=False)
            }
            stop.set()
            watched = feed.result()
        check_every_item_held_once(svc, per_client, watched)


def check_every_item_held_once(
    svc: Running, per_client: dict[str | None, list[dict[str, Any]]], watched: dict[str, Any]
) -> None:
    holder_by_client = {
        lease["application_id"]: user for user, leases in per_client.items() for lease in leases
    }
    handed_out = Counter(
        lease["application_id"] for leases in per_client.values() for lease in leases
    )
    twice = [item for item, n in handed_out.items() if n > 1]
    assert twice == [], f"handed out more than once: {twice[:10]}"
    everything = {app_id(i) for i in range(1, ITEMS + 1)}
    assert set(handed_out) == everything, (
        f"never handed out: {sorted(everything - set(handed_out))[:10]}"
    )
    assert all(lease["version"] == 1 for leases in per_client.values() for lease in leases)
    # Every client got work: the claims really ran side by side.
    assert all(per_client.values())

    now = datetime.now(UTC)
    with svc.store.read() as session:
        rows = session.execute(
            select(
                db.Application.application_id,
                db.Application.held_by,
                db.Application.lease_version,
                db.Application.lease_expires_at,
                db.Application.status,
            )
        ).all()
    assert len(rows) == ITEMS
    for application_id, held_by, version, expires_at, status in rows:
        assert held_by == holder_by_client[application_id], application_id
        assert version == 1, application_id
        assert expires_at is not None, application_id
        assert expires_at > now, application_id
        assert status == "pending", application_id

    # The change feed, followed while the claims ran, ends in the same state.
    assert set(watched) == everything
    wrong = [i for i, item in watched.items() if item["held_by"] != holder_by_client[i]]
    assert wrong == [], f"the feed shows a stale holder for {wrong[:10]}"

    # And nothing is left to claim.
    assert svc.client("claimer00").claim(10) == []


def test_sixteen_clients_empty_the_queue_each_item_once_on_sqlite(sqlite_db_url: str) -> None:
    run_claim_race(sqlite_db_url)


@pytest.mark.postgres
def test_sixteen_clients_empty_the_queue_each_item_once_on_postgres(postgres_db_url: str) -> None:
    run_claim_race(postgres_db_url)


def test_add_users_helper_makes_working_accounts(sqlite_db_url: str) -> None:
    # Guard for the fast user helper the race relies on.
    with running(sqlite_db_url, users=[]) as svc:
        add_users(svc.service, [("late", "lead")])
        assert svc.client("late").tokens["user"]["role"] == "lead"
