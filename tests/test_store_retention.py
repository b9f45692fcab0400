"""Personal data kept only as long as needed (DESIGN §5): the retention purge of profiles and
media once their decision is delivered, the sign-out purge of everything, the WAL emptied after
it, and the media cache's size cap (least recently used first, never an open claim's media).

The application snapshots are the service's own answers (`Queue.application`), made from
applications with photos seeded into a real service database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from servicekit import (
    T0,
    Clock,
    add_users,
    app_id,
    make_application,
    make_service,
    photo_media,
    sqlite_url,
)

from reviewer_app.core.models import Outcome
from reviewer_app.core.wire import ApplicationOut, DecisionResultOut, LeaseOut
from reviewer_app.service.seed import add_applications
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.store import LocalStore

RETENTION = timedelta(days=7)
PHOTO_SIZE = 1000
SHARED = 90  # applications SHARED and SHARED + 1 carry the very same photo bytes


def photo_bytes(i: int) -> bytes:
    return f"photo of applicant {i} ".encode().ljust(PHOTO_SIZE, b".")


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[ApplicationOut, bytes]]:
    """Applications 1..8 (each its own photo) and SHARED, SHARED+1 (one photo between them),
    as the service's `GET /applications/{id}` gives them."""
    path = tmp_path_factory.mktemp("retention") / "queue.sqlite3"
    service = make_service(sqlite_url(path))
    try:
        add_users(service, [("rita", "reviewer")])
        numbers = [*range(1, 9), SHARED, SHARED + 1]
        seeded = []
        for i in numbers:
            ref, data = photo_media(photo_bytes(SHARED if i == SHARED + 1 else i))
            seeded.append((make_application(i, photo=ref), {ref.sha256: (ref.content_type, data)}))
        add_applications(service.store, seeded, service.audit, T0)
        return {
            i: (service.queue.application(app_id(i)), media)
            for i, (_, mapping) in zip(numbers, seeded, strict=True)
            for _, (_, media) in mapping.items()
        }
    finally:
        service.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=clock)
    yield local
    local.close()


def sha_of(application: ApplicationOut) -> str:
    photo = application.revisions[-1].profile.photo
    assert photo is not None
    return photo.sha256


def claim_and_cache(
    store: LocalStore, clock: Clock, item: tuple[ApplicationOut, bytes], *, minutes: int = 1
) -> LeaseOut:
    """What claim + prefetch leave behind: an open lease, the snapshot, the photo cached."""
    application, data = item
    lease = LeaseOut(
        application_id=application.application_id,
        revision=application.current_revision,
        version=1,
        expires_at=clock() + timedelta(minutes=15),
    )
    store.claims.save_leases([lease])
    store.claims.save_application(application)
    sha = sha_of(application)
    if not store.media.has(sha):
        with store.media.incoming(sha) as sink:
            sink.write(data)
    store.claims.mark_media(sha, "cached")
    clock.advance(minutes=minutes)
    return lease


def decide(store: LocalStore, lease: LeaseOut, status: str | None) -> str:
    """Record a decision; `status` is the service's answer (None: not sent yet)."""
    decision_id = uuid.uuid4().hex
    store.outbox.record(
        NewDecision(
            decision_id=decision_id,
            application_id=lease.application_id,
            revision=lease.revision,
            lease_version=lease.version,
            outcome=Outcome.ACCEPT,
            reason_codes=(),
            note="",
            decided_at=store.db.clock(),
            handling_ms=1000,
            reviewer="rita",
        ),
        timedelta(0),
    )
    if status is not None:
        taken = store.outbox.take(100)
        assert decision_id in {d.decision_id for d in taken}
        store.outbox.settle(
            [DecisionResultOut(decision_id=d.decision_id, status=status, detail="") for d in taken]  # type: ignore[arg-type]
        )
    return decision_id


def on_disk(store: LocalStore) -> bytes:
    """Everything SQLite keeps on disk for this store: the file, its WAL."""
    path = store.db.path
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_delivered_profiles_and_media_go_after_the_retention_period(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    delivered, conflicted, open_ = (claim_and_cache(store, clock, snapshots[i]) for i in (1, 2, 3))
    decide(store, delivered, "accepted")
    decide(store, conflicted, "conflict")
    apps = {i: snapshots[i][0] for i in (1, 2, 3)}

    assert store.claims.schedule_purge(RETENTION) == 1
    assert store.claims.schedule_purge(RETENTION) == 0  # scheduled once, not pushed back
    clock.advance(seconds=RETENTION.total_seconds() - 60)
    assert store.purge() == 0
    assert store.claims.application(apps[1].application_id) is not None

    clock.advance(seconds=61)
    assert store.purge() == 1
    assert store.claims.application(apps[1].application_id) is None
    assert store.claims.media_state(sha_of(apps[1])) is None
    assert not store.media.has(sha_of(apps[1]))
    for kept in (2, 3):  # not delivered (a conflict is kept, shown): profile and media stay
        assert store.claims.application(apps[kept].application_id) == apps[kept]
        assert store.media.has(sha_of(apps[kept]))
    assert [lease.application_id for lease in store.claims.active()] == [open_.application_id]

    # The WAL is checkpointed and emptied, and the purged profile is gone from the disk.
    assert Path(f"{store.db.path}-wal").stat().st_size == 0
    data = on_disk(store)
    assert apps[1].revisions[-1].profile.overview.encode() in data  # the others still hold it
    assert b'"Ann1"' not in data
    assert b'"Ann2"' in data


def test_sign_out_purges_every_profile_and_media_file(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    leases = [claim_and_cache(store, clock, snapshots[i]) for i in (4, 5, 6)]
    decide(store, leases[0], "accepted")
    decided_not_sent = decide(store, leases[1], None)

    assert store.purge(everything=True) == 3
    for i in (4, 5, 6):
        application = snapshots[i][0]
        assert store.claims.application(application.application_id) is None
        assert not store.media.has(sha_of(application))
    assert store.media.size() == 0
    assert Path(f"{store.db.path}-wal").stat().st_size == 0
    data = on_disk(store)
    for i in (4, 5, 6):
        assert f'"Ann{i}"'.encode() not in data
    # Decisions are never purged: the one not yet delivered is still on its way.
    assert store.outbox.get(decided_not_sent) is not None


def test_sign_out_leaves_no_applicant_names_in_the_queue_cache(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    """DESIGN §5: profiles are purged on logout. The queue cache holds applicants' names
    (`queue_items.applicant`) too; after the sign-out purge none should be left on disk."""
    from reviewer_app.core.wire import QueueItemOut, QueuePageOut

    application = snapshots[7][0]
    store.queue.apply(
        QueuePageOut(
            items=[
                QueueItemOut(
                    application_id=application.application_id,
                    applicant="Zelda Q.",
                    country="Ireland",
                    main_skills=["Python"],
                    revision=1,
                    submitted_at=T0,
                    due_at=T0 + timedelta(hours=24),
                    flags=[],
                    held_by=None,
                )
            ],
            removed=[],
            next_cursor="s1",
            has_more=False,
            server_time=T0,
        )
    )
    claim_and_cache(store, clock, snapshots[7])
    store.purge(everything=True)
    assert b"Zelda Q." not in on_disk(store), "applicant names stay in the queue cache"


def test_media_shared_with_an_open_claim_survives_the_purge(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    """Two applications with the same photo bytes (a reused stock photo: a fraud signal, so
    it happens). Purging the delivered one must not take the photo from the open one."""
    first, second = snapshots[SHARED], snapshots[SHARED + 1]
    sha = sha_of(first[0])
    assert sha == sha_of(second[0])
    delivered = claim_and_cache(store, clock, first)
    claim_and_cache(store, clock, second)  # still under review
    decide(store, delivered, "accepted")
    store.claims.schedule_purge(RETENTION)
    clock.advance(days=8)
    store.purge()

    assert store.claims.application(second[0].application_id) is not None
    still_there = store.media.has(sha)
    will_fetch_again = [m.sha256 for m in store.claims.media_wanted([second[0].application_id])]
    assert still_there or will_fetch_again == [sha], (
        "the open claim's photo was deleted and is not wanted again: it will never show"
    )


def test_media_cap_evicts_least_recently_used_outside_open_claims(
    tmp_path: Path, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    store = LocalStore(
        tmp_path / "capped.sqlite3",
        tmp_path / "capped",
        clock=clock,
        media_cap_bytes=3 * PHOTO_SIZE,
    )
    try:
        # Cached in this order (oldest use first): 1, 2, 3 decided; 4, 5 under review.
        leases = {i: claim_and_cache(store, clock, snapshots[i]) for i in (1, 2, 3, 4, 5)}
        for i in (1, 2, 3):
            decide(store, leases[i], None)
        assert store.media.size() == 5 * PHOTO_SIZE

        assert store.enforce_media_cap() == 2
        assert store.media.size() == 3 * PHOTO_SIZE
        has = {i: store.media.has(sha_of(snapshots[i][0])) for i in (1, 2, 3, 4, 5)}
        assert has == {1: False, 2: False, 3: True, 4: True, 5: True}
        for i in (1, 2):  # evicted media is wanted again (refetched if opened)
            assert store.claims.media_state(sha_of(snapshots[i][0])) == ("wanted", None)

        assert store.enforce_media_cap() == 0  # under the cap: nothing to do

        # Open claims alone over the cap: they keep their media; only 3 can go.
        more = {i: claim_and_cache(store, clock, snapshots[i]) for i in (6, 7, 8)}
        assert more
        assert store.enforce_media_cap() == 1
        assert not store.media.has(sha_of(snapshots[3][0]))
        for i in (4, 5, 6, 7, 8):
            assert store.media.has(sha_of(snapshots[i][0]))
    finally:
        store.close()


def test_sign_out_also_resets_the_queue_cache_and_the_sync_cursors(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    from reviewer_app.core.wire import QueueItemOut, QueuePageOut

    store.queue.apply(
        QueuePageOut(
            items=[
                QueueItemOut(
                    application_id=app_id(8),
                    applicant="Yusuf P.",
                    country="Kenya",
                    main_skills=["Go"],
                    revision=1,
                    submitted_at=T0,
                    due_at=T0 + timedelta(hours=24),
                    flags=[],
                    held_by=None,
                )
            ],
            removed=[],
            next_cursor="cursor-41",
            has_more=False,
            server_time=T0,
        )
    )
    with store.db.write() as session:
        store.db.set_state(session, "audit_cursor", "17")
    claim_and_cache(store, clock, snapshots[8])
    kept = store.purge()
    assert kept == 0
    assert store.queue.count() == 1  # an ordinary purge leaves the queue alone
    assert store.queue.cursor == "cursor-41"

    store.purge(everything=True)
    assert store.queue.count() == 0
    assert not store.queue.cursor  # the next pull starts from the beginning
    assert store.db.get_state("audit_cursor") is None
    assert b"Yusuf P." not in on_disk(store)


def test_purging_the_second_user_of_shared_media_removes_it(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    """Shared media outlives the first application's purge and goes with the last one."""
    first, second = snapshots[SHARED], snapshots[SHARED + 1]
    sha = sha_of(first[0])
    leases = [claim_and_cache(store, clock, item) for item in (first, second)]
    assert store.claims.media_of(first[0].application_id) == [sha]
    assert store.claims.media_of(second[0].application_id) == [sha]

    decide(store, leases[0], "accepted")
    store.claims.schedule_purge(RETENTION)
    clock.advance(days=8)
    assert store.purge() == 0
    assert store.media.has(sha)
    assert store.claims.media_state(sha) == ("cached", None)

    decide(store, leases[1], "accepted")
    store.claims.schedule_purge(RETENTION)
    clock.advance(days=8)
    assert store.purge() == 1
    assert not store.media.has(sha)
    assert store.claims.media_state(sha) is None


def test_shared_media_of_an_open_claim_is_not_evicted(
    tmp_path: Path, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    """The first application that showed the photo is decided; the second, still open, shows
    the same bytes: the cap must not evict them."""
    store = LocalStore(
        tmp_path / "capped.sqlite3", tmp_path / "capped", clock=clock, media_cap_bytes=PHOTO_SIZE
    )
    try:
        first, second = snapshots[SHARED], snapshots[SHARED + 1]
        lease = claim_and_cache(store, clock, first)
        claim_and_cache(store, clock, second)
        decide(store, lease, None)
        other = claim_and_cache(store, clock, snapshots[1])
        decide(store, other, None)
        assert store.media.size() == 2 * PHOTO_SIZE

        assert store.enforce_media_cap() == 1
        assert store.media.has(sha_of(first[0]))
        assert not store.media.has(sha_of(snapshots[1][0]))
    finally:
        store.close()


def test_a_new_revision_lets_go_of_the_old_media(
    store: LocalStore, clock: Clock, snapshots: dict[int, tuple[ApplicationOut, bytes]]
) -> None:
    """The snapshot of a resubmission refers to its new photo; the old one, used by nothing
    else, goes at the next purge."""
    application, _ = snapshots[2]
    claim_and_cache(store, clock, snapshots[2])
    old = sha_of(application)
    from reviewer_app.core.wire import MediaRefOut

    core_ref, _ = photo_media(b"a brand new photo")
    new_ref = MediaRefOut(
        sha256=core_ref.sha256, kind="photo", content_type="image/jpeg", size=core_ref.size
    )
    profile = application.revisions[-1].profile.model_copy(update={"photo": new_ref})
    revision = application.revisions[-1].model_copy(update={"profile": profile})
    store.claims.save_application(application.model_copy(update={"revisions": [revision]}))
    assert store.claims.media_of(application.application_id) == [new_ref.sha256]
    assert store.purge() == 1
    assert not store.media.has(old)
    assert [m.sha256 for m in store.claims.media_wanted([application.application_id])] == [
        new_ref.sha256
    ]
