"""Read-only helpers the queue view and the status bar use: a window of the queue sorted and
filtered by SQLite (`QueueCache.page`, `count(filter_text)`), items breaching soon, and the
decisions made today. Checked against a plain Python sort of the same rows, and for the sorts:
SQLite reads them in order from an index (no temporary sort) at 100,000 rows."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from servicekit import T0, Clock
from sqlalchemy import event

from reviewer_app.core.models import Outcome
from reviewer_app.core.wire import QueueItemOut, QueuePageOut
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.queue_cache import INDEXED_SORTS, SORT_COLUMNS
from reviewer_app.storage.store import LocalStore

COUNTRIES = ["Ireland", "India", "Brazil", "Kenya", "Poland", "Viet Nam"]
SKILLS = ["Python", "SQL", "React", "Go", "Copywriting", "100%_organic"]


def make_items(count: int, seed: int = 3) -> list[QueueItemOut]:
    rng = random.Random(seed)
    items = []
    for i in range(count):
        submitted = T0 - timedelta(minutes=rng.randrange(0, 2000))
        items.append(
            QueueItemOut(
                application_id=f"APP-{i:06d}",
                applicant=f"{rng.choice(['Ann', 'Bo', 'Cy', 'Dee'])} {rng.choice('LMNOP')}.",
                country=rng.choice(COUNTRIES),
                main_skills=rng.sample(SKILLS, 2),
                revision=rng.randint(1, 3),
                submitted_at=submitted,
                # Many equal due times: the id breaks the ties.
                due_at=submitted.replace(second=0, microsecond=0) + timedelta(hours=24),
                flags=[],
                held_by=rng.choice([None, None, "rita", "rob"]),
                lease_expires_at=None,
            )
        )
    return items


def fill(store: LocalStore, items: list[QueueItemOut]) -> None:
    for start in range(0, len(items), 1000):
        store.queue.apply(
            QueuePageOut(
                items=items[start : start + 1000],
                removed=[],
                next_cursor=f"c{start}",
                has_more=False,
                server_time=T0,
            )
        )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media", clock=Clock(T0))
    yield local
    local.close()


def python_order(items: list[QueueItemOut], column: str, descending: bool) -> list[str]:
    def key(item: QueueItemOut) -> tuple[Any, ...]:
        value = getattr(item, column)
        return (value is not None, value if value is not None else 0, item.application_id)

    ordered = sorted(items, key=key, reverse=descending)
    return [item.application_id for item in ordered]


@pytest.mark.parametrize("column", sorted(SORT_COLUMNS))
@pytest.mark.parametrize("descending", [False, True])
def test_page_sorts_like_python_and_windows_add_up(
    store: LocalStore, column: str, descending: bool
) -> None:
    items = make_items(600)
    fill(store, items)
    expected = python_order(items, column, descending)
    got: list[str] = []
    for offset in range(0, 600, 250):
        window = store.queue.page(column, descending, "", offset, 250)
        got += [item.application_id for item in window]
    assert got == expected
    assert store.queue.page(column, descending, "", 0, 3) == [
        next(i for i in items if i.application_id == a) for a in expected[:3]
    ]


def test_page_filters_on_every_word_case_insensitively(store: LocalStore) -> None:
    items = make_items(600)
    fill(store, items)

    def matches(item: QueueItemOut, text: str) -> bool:
        fields = [item.application_id, item.applicant, item.country, *item.main_skills]
        fields.append(item.held_by or "")
        hay = " ".join(fields).lower()
        return all(word.lower() in hay for word in text.split())

    for text in ("ireland", "IRELAND python", "rita", "ann m.", "APP-0001", "viet", "  "):
        expected = [i for i in python_order(items, "due_at", False)]
        expected = [
            a for a in expected if matches(next(i for i in items if i.application_id == a), text)
        ]
        got = [item.application_id for item in store.queue.page("due_at", False, text, 0, 10_000)]
        assert got == expected, text
        assert store.queue.count(text) == len(expected)
    assert store.queue.count() == 600


def test_like_wildcards_in_the_filter_are_plain_characters(store: LocalStore) -> None:
    items = make_items(200)
    fill(store, items)
    with_literal = {i.application_id for i in items if "100%_organic" in i.main_skills}
    assert with_literal
    assert {
        i.application_id for i in store.queue.page("due_at", False, "%_o", 0, 1000)
    } == with_literal
    assert store.queue.count("%") == len(with_literal)
    assert store.queue.count("_") == len(with_literal)
    assert store.queue.count("\\") == 0


def test_page_refuses_an_unknown_column(store: LocalStore) -> None:
    with pytest.raises(ValueError, match="cannot sort"):
        store.queue.page("applicant; DROP TABLE queue_items", False, "", 0, 10)
    with pytest.raises(ValueError, match="negative"):
        store.queue.page("due_at", False, "", -1, 10)


def test_sorting_100000_rows_reads_an_index(store: LocalStore) -> None:
    """No temporary B-tree for the indexed sorts: SQLite reads the window in order from an
    index, both ways; every sort answers a window deep in the queue in well under 2 s."""
    from sqlalchemy.dialects.sqlite import insert

    from reviewer_app.storage.schema import QueueItem

    rng = random.Random(5)
    rows = [
        {
            "application_id": f"APP-{i:06d}",
            "applicant": f"Applicant {rng.randrange(50_000)}",
            "country": rng.choice(COUNTRIES),
            "main_skills": ["Python"],
            "revision": rng.randint(1, 3),
            "submitted_at": T0 - timedelta(seconds=rng.randrange(86_400)),
            "due_at": T0 + timedelta(seconds=rng.randrange(86_400)),
            "flags": [],
            "held_by": rng.choice([None, "rita"]),
            "lease_expires_at": None,
        }
        for i in range(100_000)
    ]
    with store.db.write() as session:
        session.execute(insert(QueueItem), rows)

    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "queue_items" in statement:
            statements.append((statement, parameters))

    event.listen(store.db.engine, "before_cursor_execute", capture)
    try:
        for column in sorted(SORT_COLUMNS):
            for descending in (False, True):
                statements.clear()
                began = time.perf_counter()
                window = store.queue.page(column, descending, "", 99_800, 200)
                took = time.perf_counter() - began
                assert len(window) == 200
                assert took < 2.0, (column, descending, took)
                [(sql, parameters)] = statements
                with store.db.engine.connect() as connection:
                    plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters).all()
                text = " | ".join(str(row[-1]) for row in plan)
                if column in INDEXED_SORTS:
                    assert "TEMP B-TREE" not in text, (column, descending, text)
                    assert "INDEX" in text, (column, descending, text)
    finally:
        event.remove(store.db.engine, "before_cursor_execute", capture)
    assert store.queue.count() == 100_000


def test_breaching_within_and_breached(store: LocalStore) -> None:
    now = T0
    minutes = [-90, -1, 0, 1, 30, 59, 60, 61, 600]
    fill(
        store,
        [
            QueueItemOut(
                application_id=f"APP-{i:06d}",
                applicant="A",
                country="Ireland",
                main_skills=[],
                revision=1,
                submitted_at=now - timedelta(hours=23),
                due_at=now + timedelta(minutes=m),
                flags=[],
                held_by=None,
            )
            for i, m in enumerate(minutes)
        ],
    )
    assert store.queue.breaching_within(now) == 4  # 1, 30, 59, 60 minutes
    assert store.queue.breaching_within(now, hours=0.5) == 2
    assert store.queue.breaching_within(now, hours=24) == 6
    assert store.queue.breached(now) == 3  # -90, -1 and due right now


def decide(store: LocalStore, i: int, at: datetime, reviewer: str = "rita") -> str:
    item = store.outbox.record(
        NewDecision(
            decision_id=uuid.uuid4().hex,
            application_id=f"APP-{i:06d}",
            revision=1,
            lease_version=1,
            outcome=Outcome.ACCEPT,
            reason_codes=(),
            note="",
            decided_at=at,
            handling_ms=1000,
            reviewer=reviewer,
        ),
        timedelta(seconds=30),
    )
    return str(item.decision_id)


def test_decided_today(store: LocalStore) -> None:
    midnight = datetime(2026, 3, 2, tzinfo=UTC)
    decide(store, 1, midnight - timedelta(seconds=1))  # yesterday
    decide(store, 2, midnight)
    decide(store, 3, midnight + timedelta(hours=9))
    decide(store, 4, midnight + timedelta(hours=9), reviewer="rob")
    undone = decide(store, 5, midnight + timedelta(hours=10))
    assert store.outbox.undo(undone)
    now = midnight + timedelta(hours=12)
    assert store.outbox.decided_today(now) == 3
    assert store.outbox.decided_today(now, reviewer="rita") == 2
    assert store.outbox.decided_today(midnight + timedelta(hours=9, seconds=-1)) == 1
    # The reviewer's own day: at UTC-5, "today" began at 05:00 UTC.
    local = now.astimezone(timezone(timedelta(hours=-5)))
    assert store.outbox.decided_today(local) == 2
    with pytest.raises(ValueError, match="timezone-aware"):
        store.outbox.decided_today(now.replace(tzinfo=None))
