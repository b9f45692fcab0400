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
