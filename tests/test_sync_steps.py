"""The sync steps (reviewer_app.sync.steps) against the real service on loopback: queue pull in
pages and as a delta, an interrupted pull resumed, claim and prefetch, outbox delivery, undo
within the grace period, release."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from servicekit import (
    OTHER_REVIEWER,
    PASSWORD,
    REVIEWER,
    Clock,
    Running,
    app_id,
    make_application,
    photo_media,
    running,
    sqlite_url,
)
from sqlalchemy import select

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.wire import ApplicationOut, LeaseOut, QueuePageOut
from reviewer_app.net.client import QueueClient
from reviewer_app.net.errors import ServiceUnreachable
from reviewer_app.service import db as service_db
from reviewer_app.service.queue import QUEUE_STATUSES, queue_item
from reviewer_app.service.server import free_port
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync import steps

QUEUE_SIZE = 2_500


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[LocalStore]:
    """The workstation's store, on the service's clock."""
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
    yield local
    local.close()


def login(run: Running, user: str = REVIEWER) -> QueueClient:
    client = QueueClient(run.url, timeout=(3.0, 30.0))
    client.login(user, PASSWORD)
    return client


def decide(store: LocalStore, lease: LeaseOut, grace: timedelta = timedelta(0)) -> str:
    decision_id = uuid.uuid4().hex
    store.outbox.record(
        NewDecision(
            decision_id=decision_id,
            application_id=lease.application_id,
            revision=lease.revision,
            lease_version=lease.version,
            outcome=Outcome.DECLINE,
            reason_codes=("incomplete_profile",),
            note="",
            decided_at=store.db.clock(),
            handling_ms=20_000,
            reviewer=REVIEWER,
        ),
        grace,
    )
    return decision_id


def service_queue(run: Running) -> list[Any]:
    """The pending queue as the service itself sees it, by due time."""
    now = run.service.settings.clock()
    with run.store.read() as session:
        rows = session.scalars(
            select(service_db.Application).where(service_db.Application.status.in_(QUEUE_STATUSES))
        ).all()
        items = [queue_item(row, now) for row in rows]
    return sorted(items, key=lambda item: (item.due_at, item.application_id))


class CountingClient:
    """The real client, counting queue pages; optionally failing on one page."""

    def __init__(self, client: QueueClient, fail_on_page: int | None = None) -> None:
        self._client = client
        self.pages = 0
        self.fail_on_page = fail_on_page

    def queue_page(self, since: str | None = None, limit: int = 500) -> QueuePageOut:
        self.pages += 1
        if self.pages == self.fail_on_page:
            raise ServiceUnreachable("the network went away")
        return self._client.queue_page(since=since, limit=limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


@pytest.fixture
def big(tmp_path: Path, clock: Clock) -> Iterator[Running]:
    with running(
        sqlite_url(tmp_path / "queue.sqlite3"), applications=QUEUE_SIZE, clock=clock
    ) as run:
        yield run


def test_pull_queue_in_pages_then_deltas(big: Running, store: LocalStore) -> None:
    client = login(big)
    counting = CountingClient(client)
    assert steps.pull_queue(counting, store, page_size=1000) == QUEUE_SIZE
    assert counting.pages == 3
    assert store.queue.items() == service_queue(big)

    # Nothing changed: one page, no changes.
    assert steps.pull_queue(counting, store, page_size=1000) == 0
    assert counting.pages == 4

    # Someone else claims 5 and decides 2 of them: the delta carries exactly those.
    other = login(big, OTHER_REVIEWER)
    leases = other.claim(5).leases
    other_store = LocalStore(
        store.db.path.with_name("other.sqlite3"), store.media.folder / "o", clock=store.db.clock
    )
    try:
        other_store.claims.save_leases(leases)
        decided = [decide(other_store, lease) for lease in leases[:2]]
        sent = steps.send_outbox(other, other_store)
        assert sent.settled == dict.fromkeys(decided, OutboxState.DELIVERED)
    finally:
        other_store.close()
    assert steps.pull_queue(counting, store, page_size=1000) == 5
    assert store.queue.count() == QUEUE_SIZE - 2
    assert store.queue.items() == service_queue(big)
    held = {item.application_id for item in store.queue.items() if item.held_by == OTHER_REVIEWER}
    assert held == {lease.application_id for lease in leases[2:]}
    client.close()
    other.close()


def test_an_interrupted_pull_resumes_where_it_stopped(big: Running, store: LocalStore) -> None:
    client = login(big)
    failing = CountingClient(client, fail_on_page=2)
    with pytest.raises(ServiceUnreachable):
        steps.pull_queue(failing, store, page_size=1000)
    assert store.queue.count() == 1000  # the first page, with its cursor
    first_cursor = store.queue.cursor

    resumed = CountingClient(client)
    assert steps.pull_queue(resumed, store, page_size=1000) == QUEUE_SIZE - 1000
    assert resumed.pages == 2
    assert store.queue.cursor != first_cursor
    assert store.queue.items() == service_queue(big)
    client.close()


def test_claim_prefetch_send(svc: Running, store: LocalStore) -> None:
    client = login(svc)
    leases = steps.claim(client, store, 3)
    assert len(leases) == 3
    assert store.claims.active() == leases  # soonest due first, as the service handed them out

    fetched: list[ApplicationOut] = []
    report = steps.prefetch(client, store, 2, after_fetch=fetched.append)
    ids = [lease.application_id for lease in leases]
    assert report.applications == ids[:2]
    assert [application.application_id for application in fetched] == ids[:2]
    for application_id in ids[:2]:
        assert store.claims.application(application_id) == client.application(application_id)
    assert store.claims.application(ids[2]) is None
    # Fetched once: the next round fetches only what is new.
    assert steps.prefetch(client, store, 3).applications == [ids[2]]
    assert steps.prefetch(client, store, 3).applications == []

    decided = {decide(store, lease) for lease in leases}
    report_send = steps.send_outbox(client, store)
    assert report_send.error is None
    assert report_send.settled == dict.fromkeys(decided, OutboxState.DELIVERED)
    assert store.claims.active() == []
    with svc.store.read() as session:
        for application_id in ids:
            assert session.get_one(service_db.Application, application_id).status == "decided"
    client.close()


def test_a_decision_the_service_cannot_take_does_not_block_the_outbox(
    svc: Running, store: LocalStore
) -> None:
    """A note longer than the API's 4,000 characters: either `record()` refuses it at once
    (while the reviewer is still there to shorten it), or it is sent, refused by the service and
    quarantined with the reason. Either way the decisions around it are delivered."""
    client = login(svc)
    leases = steps.claim(client, store, 3)
    before = decide(store, leases[0])
    bad = uuid.uuid4().hex
    try:
        store.outbox.record(
            NewDecision(
                decision_id=bad,
                application_id=leases[1].application_id,
                revision=leases[1].revision,
                lease_version=leases[1].version,
                outcome=Outcome.ACCEPT,
                reason_codes=(),
                note="x" * 5000,
                decided_at=store.db.clock(),
                handling_ms=1,
                reviewer=REVIEWER,
            ),
            timedelta(0),
        )
        refused_at_once = False
    except ValueError:
        refused_at_once = True
    after = decide(store, leases[2])

    report = steps.send_outbox(client, store)  # must not raise

    assert report.error is None
    delivered = dict.fromkeys([before, after], OutboxState.DELIVERED)
    if refused_at_once:
        assert store.outbox.get(bad) is None
        assert report.settled == delivered
    else:
        assert report.settled == {**delivered, bad: OutboxState.REJECTED}
        item = store.outbox.get(bad)
        assert item is not None
        assert item.server_detail is not None
        assert "note" in item.server_detail
    client.close()


def test_undo_within_grace_then_not(svc: Running, store: LocalStore, clock: Clock) -> None:
    client = login(svc)
    first, second = steps.claim(client, store, 2)
    grace = timedelta(seconds=5)

    slip = decide(store, first, grace)
    assert store.claims.active() == [second]
    assert steps.send_outbox(client, store).sent == 0  # waits out its grace
    clock.advance(seconds=4)
    assert store.outbox.undo(slip)
    assert store.outbox.get(slip).state is OutboxState.UNDONE  # type: ignore[union-attr]
    assert [lease.application_id for lease in store.claims.active()] == [
        first.application_id,
        second.application_id,
    ]

    kept = decide(store, first, grace)
    clock.advance(seconds=5)
    assert not store.outbox.undo(kept)  # the grace is over
    report = steps.send_outbox(client, store)
    assert report.settled == {kept: OutboxState.DELIVERED}
    assert not store.outbox.undo(kept)
    assert store.outbox.get(slip).state is OutboxState.UNDONE  # type: ignore[union-attr]
    with svc.store.read() as session:
        assert session.get(service_db.DecisionRow, slip) is None
        assert session.get(service_db.DecisionRow, kept) is not None
    client.close()


def test_release_gives_the_item_back(svc: Running, store: LocalStore) -> None:
    client = login(svc)
    [lease] = steps.claim(client, store, 1)
    steps.release(client, store, lease)
    assert store.claims.active() == []
    with svc.store.read() as session:
        assert session.get_one(service_db.Application, lease.application_id).held_by is None
    # Releasing again (already released on the service: a conflict) is quiet.
    steps.release(client, store, lease)
    client.close()


def test_release_while_offline_is_local_and_quiet(svc: Running, store: LocalStore) -> None:
    client = login(svc)
    [lease] = steps.claim(client, store, 1)
    offline = QueueClient(f"http://127.0.0.1:{free_port()}", timeout=(0.5, 1.0))
    steps.release(offline, store, lease)  # nothing listens there
    assert store.claims.active() == []
    with svc.store.read() as session:  # the service lets the lease run out instead
        assert session.get_one(service_db.Application, lease.application_id).held_by == REVIEWER
    client.close()


@pytest.mark.skipif(
    not hasattr(QueueClient, "download_media"), reason="QueueClient.download_media not there yet"
)
def test_prefetch_downloads_and_verifies_media(tmp_path: Path, clock: Clock) -> None:
    photos = [photo_media(f"photo {i}".encode() * 100) for i in range(3)]
    with running(sqlite_url(tmp_path / "queue.sqlite3"), clock=clock) as run:
        run.add(
            (make_application(i, photo=ref), {ref.sha256: (ref.content_type, data)})
            for i, (ref, data) in enumerate(photos, start=1)
        )
        client = login(run)
        store = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
        try:
            steps.claim(client, store, 3)
            report = steps.prefetch(client, store, 3)
            assert report.media == 3
            assert report.media_failed == {}
            for ref, data in photos:
                assert store.media.path_for(ref.sha256).read_bytes() == data
                assert store.claims.media_state(ref.sha256) == ("cached", None)
            assert steps.prefetch(client, store, 3).media == 0
            assert {app_id(i) for i in (1, 2, 3)} == {
                lease.application_id for lease in store.claims.active()
            }
        finally:
            store.close()
            client.close()


def test_prefetch_of_demo_applications_with_photos_and_shared_videos(
    tmp_path: Path, clock: Clock
) -> None:
    """The demo's real media (rendered photos, videos from a shared pool: the same bytes for
    several applications) end to end: every file lands once, verified, linked to each
    application that shows it."""
    from reviewer_app.service import demo

    # Seed 1: 8 applicants, 15 media references, 13 distinct files (two videos shared).
    applicants = list(demo.generate(8, seed=1, now=clock(), media=True))
    with running(sqlite_url(tmp_path / "queue.sqlite3"), clock=clock) as run:
        run.add((a.application, a.media) for a in applicants)
        client = login(run)
        store = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
        try:
            leases = steps.claim(client, store, 8)
            report = steps.prefetch(client, store, 8)
            assert report.media_failed == {}
            assert sorted(report.applications) == sorted(lease.application_id for lease in leases)
            wanted: dict[str, bytes] = {}
            references = 0
            for lease in leases:
                current = store.claims.application(lease.application_id)
                assert current is not None
                profile = current.revisions[-1].profile
                refs = [ref for ref in (profile.photo, profile.video) if ref is not None]
                references += len(refs)
                assert store.claims.media_of(lease.application_id) == sorted(r.sha256 for r in refs)
                for ref in refs:
                    wanted[ref.sha256] = store.media.path_for(ref.sha256).read_bytes()
            assert references > len(wanted), "no media shared: the test lost its point"
            assert report.media == len(wanted)  # each distinct file fetched once
            for sha, data in wanted.items():
                assert hashlib.sha256(data).hexdigest() == sha
                assert store.claims.media_state(sha) == ("cached", None)
            assert store.media.size() == sum(len(data) for data in wanted.values())
            again = steps.prefetch(client, store, 8)
            assert (again.applications, again.media) == ([], 0)
        finally:
            store.close()
            client.close()


def test_media_larger_than_announced_fails_alone(tmp_path: Path, clock: Clock) -> None:
    """A photo whose bytes are more than its reference says is refused (typed, not crashed) and
    marked failed; the other applications' media still arrive."""
    from reviewer_app.core.models import MediaRef

    good = [photo_media(f"good photo {i}".encode() * 50) for i in range(2)]
    big_data = b"much bigger than announced " * 200
    real, _ = photo_media(big_data)
    lying = MediaRef(real.sha256, real.kind, real.content_type, 100)
    media = [*good, (lying, big_data)]
    with running(sqlite_url(tmp_path / "queue.sqlite3"), clock=clock) as run:
        run.add(
            (make_application(i, photo=ref), {ref.sha256: (ref.content_type, data)})
            for i, (ref, data) in enumerate(media, start=1)
        )
        client = login(run)
        store = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
        try:
            steps.claim(client, store, 3)
            report = steps.prefetch(client, store, 3)
            assert report.media == 2
            assert list(report.media_failed) == [lying.sha256]
            assert "larger than" in report.media_failed[lying.sha256]
            state = store.claims.media_state(lying.sha256)
            assert state is not None
            assert state[0] == "failed"
            assert not store.media.has(lying.sha256)
            assert list(store.media.folder.glob(".incoming-*")) == []
            for ref, data in good:
                assert store.media.path_for(ref.sha256).read_bytes() == data
        finally:
            store.close()
            client.close()


def test_prefetch_skips_an_id_no_path_can_carry(store: LocalStore, clock: Clock) -> None:
    """A lease for ".." (a broken or hostile service) is skipped, not fetched from "/", and
    does not stop the prefetch loop."""
    lease = LeaseOut(
        application_id="..", revision=1, version=1, expires_at=clock() + timedelta(minutes=15)
    )
    store.claims.save_leases([lease])
    nowhere = QueueClient(f"http://127.0.0.1:{free_port()}", timeout=(0.5, 1.0))
    report = steps.prefetch(nowhere, store, 5)  # must not raise
    assert report.applications == []
    assert store.claims.application("..") is None
