"""The local copy of the queue: pages upserted, removals applied and the cursor advanced in one
transaction, so an interrupted apply leaves the old state or the new one, never a mix."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from servicekit import T0

from reviewer_app.core.wire import QueueItemOut, QueuePageOut
from reviewer_app.storage.store import LocalStore


def item(name: str, minutes: int, **changes: object) -> QueueItemOut:
    fields: dict[str, object] = {
        "application_id": name,
        "applicant": f"Applicant {name}",
        "country": "Ireland",
        "main_skills": ["Python", "SQL"],
        "revision": 1,
        "submitted_at": T0 - timedelta(hours=1),
        "due_at": T0 + timedelta(minutes=minutes),
        "flags": [],
        "held_by": None,
        "lease_expires_at": None,
    }
    fields.update(changes)
    return QueueItemOut.model_validate(fields)


def page(items: list[QueueItemOut], removed: list[str], cursor: str) -> QueuePageOut:
    return QueuePageOut(
        items=items, removed=removed, next_cursor=cursor, has_more=False, server_time=T0
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media")
    yield local
    local.close()


def state(store: LocalStore) -> tuple[list[QueueItemOut], str | None]:
    return store.queue.items(), store.queue.cursor


def test_apply_upserts_removes_and_advances_the_cursor(store: LocalStore, tmp_path: Path) -> None:
    assert state(store) == ([], None)
    store.queue.apply(page([item("A", 30), item("B", 10), item("C", 20)], [], "s3"))
    assert [i.application_id for i in store.queue.items()] == ["B", "C", "A"]  # by due time
    assert store.queue.cursor == "s3"
    assert store.queue.count() == 3

    held = item("A", 5, revision=2, held_by="rob", lease_expires_at=T0 + timedelta(minutes=15))
    store.queue.apply(page([held, item("D", 40)], ["B", "never-seen"], "s6"))
    assert store.queue.items() == [held, item("C", 20), item("D", 40)]
    assert store.queue.cursor == "s6"
    assert store.queue.items(limit=1) == [held]

    # The same page again changes nothing (a retried pull).
    store.queue.apply(page([held, item("D", 40)], ["B", "never-seen"], "s6"))
    assert state(store) == ([held, item("C", 20), item("D", 40)], "s6")

    # An empty delta only moves the cursor.
    store.queue.apply(page([], [], "s7"))
    assert state(store) == ([held, item("C", 20), item("D", 40)], "s7")

    store.close()
    reopened = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media")
    try:
        assert state(reopened) == ([held, item("C", 20), item("D", 40)], "s7")
    finally:
        reopened.close()


def test_a_failure_inside_apply_leaves_the_old_state(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.queue.apply(page([item("A", 30), item("B", 10)], [], "s2"))
    before = state(store)

    def cursor_write_fails(*_: object) -> None:
        raise OSError("disk full")

    # The upsert and the removal have run when the cursor is written; then the write fails.
    monkeypatch.setattr(store.db, "set_state", cursor_write_fails)
    with pytest.raises(OSError, match="disk full"):
        store.queue.apply(page([item("A", 1, held_by="me"), item("E", 2)], ["B"], "s5"))
    monkeypatch.undo()

    assert state(store) == before


def test_a_page_with_a_bad_item_is_applied_not_at_all(store: LocalStore) -> None:
    store.queue.apply(page([item("A", 30)], [], "s1"))
    before = state(store)
    naive = item("Z", 1).model_copy(update={"due_at": T0.replace(tzinfo=None)})
    with pytest.raises(Exception, match="naive datetime"):
        store.queue.apply(page([item("Y", 2), naive], ["A"], "s9"))
    assert state(store) == before


def test_reset_empties_the_cache_and_the_cursor(store: LocalStore) -> None:
    store.queue.apply(page([item("A", 30), item("B", 10)], [], "s2"))
    store.queue.reset()
    assert store.queue.count() == 0
    assert not store.queue.cursor  # a full pull follows


def ids(items: list[QueueItemOut]) -> list[str]:
    return [i.application_id for i in items]


def test_changes_reads_only_what_changed_since_the_last_read(store: LocalStore) -> None:
    first = store.queue.changes()
    assert (first.full, first.items, first.removed) == (True, [], [])

    store.queue.apply(page([item("A", 30), item("B", 10), item("C", 20)], [], "s3"))
    everything = store.queue.changes(first.seq)
    assert not everything.full
    assert ids(everything.items) == ["B", "C", "A"]  # by due time, like items()
    assert everything.items == store.queue.items()

    # Nothing written since: nothing to read (a pull that only moved the cursor neither).
    store.queue.apply(page([], [], "s4"))
    same = store.queue.changes(everything.seq)
    assert (same.seq, same.full, same.items, same.removed) == (everything.seq, False, [], [])

    held = item("A", 30, held_by="rob", lease_expires_at=T0 + timedelta(minutes=15))
    store.queue.apply(page([held, item("D", 5)], ["B", "never-seen"], "s6"))
    delta = store.queue.changes(everything.seq)
    assert not delta.full
    assert delta.items == [item("D", 5), held]
    assert delta.removed == ["B"]  # an id the cache never had is not reported

    # An earlier reader gets everything since its own read, in one answer.
    assert ids(store.queue.changes(first.seq).items) == ["D", "C", "A"]
    assert store.queue.changes(first.seq).removed == ["B"]

    # Back in the queue after leaving it: changed, no longer removed.
    store.queue.apply(page([item("B", 1)], [], "s7"))
    back = store.queue.changes(delta.seq)
    assert (ids(back.items), back.removed) == (["B"], [])
    assert store.queue.changes(everything.seq).removed == []


def test_a_reader_behind_the_kept_removals_or_a_reset_reads_everything(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reviewer_app.storage import queue_cache

    monkeypatch.setattr(queue_cache, "KEEP_CHANGES", 2)
    store.queue.apply(page([item("A", 30), item("B", 10), item("C", 20)], [], "s1"))
    reader = store.queue.changes()
    store.queue.apply(page([], ["A"], "s2"))
    assert store.queue.changes(reader.seq).removed == ["A"]
    store.queue.apply(page([item("D", 40)], [], "s3"))
    store.queue.apply(page([item("E", 50)], [], "s4"))  # the removal of A is forgotten now
    behind = store.queue.changes(reader.seq)
    assert behind.full
    assert ids(behind.items) == ["B", "C", "D", "E"]
    assert store.queue.changes(behind.seq - 1).full is False  # recent enough

    store.queue.reset()
    after_reset = store.queue.changes(behind.seq)
    assert (after_reset.full, after_reset.items) == (True, [])
    assert store.queue.changes(after_reset.seq) == queue_cache.QueueChanges(
        seq=after_reset.seq, full=False, items=[], removed=[]
    )
    # A change number this file never gave out (another file, say): everything.
    assert store.queue.changes(after_reset.seq + 5).full


def test_a_failed_apply_gives_out_no_change_number(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.queue.apply(page([item("A", 30)], [], "s1"))
    seen = store.queue.changes()

    def cursor_write_fails(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store.db, "set_state", cursor_write_fails)
    with pytest.raises(OSError, match="disk full"):
        store.queue.apply(page([item("B", 1)], ["A"], "s2"))
    monkeypatch.undo()
    assert store.queue.changes(seen.seq) == type(seen)(
        seq=seen.seq, full=False, items=[], removed=[]
    )


def test_items_keep_the_server_strings_and_times_exactly(store: LocalStore) -> None:
    """The whole queue is read as JSON built by SQLite: quotes, backslashes, control and
    non-ASCII characters, empty lists and microseconds come back as they went in."""
    odd = item(
        "Q",
        7,
        applicant='Zoë "Z" \\ <b>O\'Neil</b>\t\n',
        country="Côte d’Ivoire",
        main_skills=[],
        flags=["incomplete", "ünïcode 🚀"],
        held_by="rob",
        lease_expires_at=T0 + timedelta(minutes=3, microseconds=7),
        submitted_at=T0 - timedelta(hours=1, microseconds=1),
    )
    store.queue.apply(page([odd, item("P", 7), item("R", 6)], [], "s1"))
    expected = [item("R", 6), item("P", 7), odd]  # by due time, then id
    assert store.queue.items() == expected
    assert store.queue.items(limit=2) == expected[:2]
    assert store.queue.changes().items == expected


def test_reads_pause_the_collector_and_leave_it_as_it_was(store: LocalStore) -> None:
    """Reads on several threads overlap: the collector runs again when the last one ends, and
    stays off if something else had turned it off."""
    import gc
    import threading

    from reviewer_app.storage.queue_cache import _CollectorPause

    pause = _CollectorPause()
    first, second = pause(), pause()
    assert gc.isenabled()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second read still runs
    second.__exit__(None, None, None)
    assert gc.isenabled()

    gc.disable()
    try:
        with pause():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

    store.queue.apply(page([item(f"T{n}", n) for n in range(50)], [], "s1"))
    results: list[int] = []
    readers = [
        threading.Thread(target=lambda: results.append(len(store.queue.items()))) for _ in range(6)
    ]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert results == [50] * 6
    assert gc.isenabled()
