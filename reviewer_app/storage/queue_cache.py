"""The local copy of the pending queue, kept current from the service's change feed.

Every write that changes the cache takes the next change number (`queue_change_counter`) and
stamps it on the rows it writes (`queue_items.seq`) and on the ids it removes
(`queue_removals`), so the queue view reads only what changed since its last read
(`changes(since)`), not the whole queue (100,000 rows) after every pull.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    cast,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from reviewer_app.core.wire import QueueItemOut, QueuePageOut
from reviewer_app.storage.database import Database
from reviewer_app.storage.schema import QueueChangeCounter, QueueItem, QueueRemoval, Utc

CURSOR = "queue_cursor"
# Removals are remembered for this many changes (at one pull a second, about three hours); a
# reader that last read longer ago reads the whole queue again.
KEEP_CHANGES = 10_000

# The columns the queue view may sort by; those in INDEXED_SORTS read from an index.
SORT_COLUMNS: dict[str, Any] = {
    "due_at": QueueItem.due_at,
    "submitted_at": QueueItem.submitted_at,
    "applicant": QueueItem.applicant,
    "country": QueueItem.country,
    "held_by": QueueItem.held_by,
    "revision": QueueItem.revision,
    "application_id": QueueItem.application_id,
}
INDEXED_SORTS = frozenset({"due_at", "submitted_at", "applicant", "country", "application_id"})
# Searched by `filter_text` (a case-insensitive substring, ASCII case folding as SQLite's LIKE).
FILTER_COLUMNS = (
    QueueItem.application_id,
    QueueItem.applicant,
    QueueItem.country,
    cast(QueueItem.main_skills, String),  # the JSON text
    QueueItem.held_by,
)


def _where(query: Select[Any], filter_text: str) -> Select[Any]:
    """Rows holding every word of `filter_text` (in any of FILTER_COLUMNS)."""
    for word in filter_text.split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(*(column.like(pattern, escape="\\") for column in FILTER_COLUMNS)))
    return query


# The columns of `queue_items`, which are the fields of QueueItemOut.
_FIELDS = tuple(QueueItemOut.model_fields)
_ITEMS = TypeAdapter(list[QueueItemOut])


def _as_json(name: str) -> str:
    column = QueueItem.__table__.c[name]
    if isinstance(column.type, Utc):
        return f"{name} || 'Z'"  # stored as naive UTC text; NULL stays NULL
    if isinstance(column.type, JSON):
        return f"json({name})"  # the list itself, not a string holding it
    return name


# Each row as one JSON object made by SQLite, thousands of them in one JSON array, so that
# pydantic-core parses and validates them in one `validate_json` call: SQLAlchemy's conversions
# per value (datetimes parsed in Python, JSON columns decoded one by one) took most of the time
# of a full read. A few result rows also mean a few waits for the interpreter lock (sqlite3
# gives it up around each row fetched), where 100,000 waits took as long again as the read
# whenever the UI thread was busy.
_ROW_AS_JSON: ColumnElement[str] = literal_column(
    "json_object(" + ", ".join(f"'{name}', {_as_json(name)}" for name in _FIELDS) + ")"
)
# One JSON array per 4,096 rows (by rowid): each array is validated in one call, which holds
# the interpreter lock throughout (~15 ms for 4,096 rows), so the UI thread gets it in between.
_CHUNK: ColumnElement[int] = literal_column("queue_items.rowid >> 12")
_BY_ID = attrgetter("application_id")
_BY_DUE = attrgetter("due_at")


class _CollectorPause:
    """Building 100,000 items makes about a million objects, none of them in a cycle; meanwhile
    the cyclic collector would walk the growing heap again and again (3x the decode time here).
    The pause is process-wide but short (one chunk, ~15 ms); reads on several threads share
    it, and the collector runs again when the last one ends (if it ran before)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


def _read_items(
    session: Session, where: ColumnElement[bool] | None = None, limit: int | None = None
) -> list[QueueItemOut]:
    """Items by due time, soonest first: all of them, those `where` selects, or the first
    `limit`."""
    if limit is None:
        query = select(func.json_group_array(_ROW_AS_JSON)).select_from(QueueItem)
        if where is not None:
            query = query.where(where)
        query = query.group_by(_CHUNK)
    else:
        rows = select(_ROW_AS_JSON.label("item")).select_from(QueueItem)
        if where is not None:
            rows = rows.where(where)
        first = rows.order_by(QueueItem.due_at, QueueItem.application_id).limit(limit).subquery()
        # Out of a subquery the object is text again: json() makes it an object of the array.
        query = select(func.json_group_array(func.json(first.c.item)))
    items: list[QueueItemOut] = []
    for chunk in session.connection().execute(query).scalars():  # Core: no ORM work
        with _collector_paused():
            items += _ITEMS.validate_json(chunk)
    # The order of an aggregate's rows is not defined: sort here (two stable passes).
    items.sort(key=_BY_ID)
    items.sort(key=_BY_DUE)
    return items


@dataclass(frozen=True, slots=True)
class QueueChanges:
    """What a reader needs to bring its copy of the queue up to change `seq` (`changes()`)."""

    seq: int  # pass as `since` to the next call
    full: bool  # `items` is the whole queue: the reader's copy is replaced, not updated
    items: list[QueueItemOut]  # added or changed since `since` (all of them when `full`)
    removed: list[str]  # ids removed since `since` (empty when `full`)


def _out(row: QueueItem) -> QueueItemOut:
    return QueueItemOut(
        application_id=row.application_id,
        applicant=row.applicant,
        country=row.country,
        main_skills=list(row.main_skills),
        revision=row.revision,
        submitted_at=row.submitted_at,
        due_at=row.due_at,
        flags=list(row.flags),
        held_by=row.held_by,
        lease_expires_at=row.lease_expires_at,
    )


def _row(item: QueueItemOut, seq: int) -> dict[str, object]:
    return {
        "application_id": item.application_id,
        "applicant": item.applicant,
        "country": item.country,
        "main_skills": list(item.main_skills),
        "revision": item.revision,
        "submitted_at": item.submitted_at,
        "due_at": item.due_at,
        "flags": list(item.flags),
        "held_by": item.held_by,
        "lease_expires_at": item.lease_expires_at,
        "seq": seq,
    }


def _counter(session: Session) -> QueueChangeCounter:
    counter = session.get(QueueChangeCounter, 1)
    if counter is None:  # a new file, or one migrated from schema 2: no change written yet
        counter = QueueChangeCounter(id=1, last=0, floor=0)
        session.add(counter)
    return counter


class QueueCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def cursor(self) -> str | None:
        return self._db.get_state(CURSOR)

    def apply(self, page: QueuePageOut) -> None:
        """Upsert the page's items, drop the removed ones and advance the cursor, atomically:
        a crash leaves the cache at the old cursor or the new one, never between."""
        with self._db.write() as session:
            if page.items or page.removed:
                counter = _counter(session)
                seq = counter.last = counter.last + 1
                if page.items:
                    self._upsert(session, page.items, seq)
                if page.removed:
                    self._remove(session, page.removed, seq)
                self._prune(session, counter)
            self._db.set_state(session, CURSOR, page.next_cursor)

    def reset(self) -> None:
        """Empty the queue cache and forget every sync cursor (sign-out): the next pull
        starts from the beginning, and every reader reads the whole (empty) queue again."""
        with self._db.write() as session:
            counter = _counter(session)
            counter.last += 1
            counter.floor = counter.last
            session.execute(delete(QueueItem))
            session.execute(delete(QueueRemoval))
            self._db.clear_state(session)

    def _upsert(self, session: Session, items: list[QueueItemOut], seq: int) -> None:
        rows = [_row(item, seq) for item in items]
        statement = insert(QueueItem)
        columns = {name: statement.excluded[name] for name in rows[0] if name != "application_id"}
        session.execute(
            statement.on_conflict_do_update(index_elements=["application_id"], set_=columns),
            rows,
        )
        # Back in the queue (a resubmission, a released claim): no longer removed.
        ids = [item.application_id for item in items]
        session.execute(delete(QueueRemoval).where(QueueRemoval.application_id.in_(ids)))

    def _remove(self, session: Session, ids: list[str], seq: int) -> None:
        present = select(QueueItem.application_id, literal(seq)).where(
            QueueItem.application_id.in_(ids)
        )
        session.execute(
            insert(QueueRemoval)
            .prefix_with("OR REPLACE")
            .from_select([QueueRemoval.application_id, QueueRemoval.seq], present)
        )
        session.execute(delete(QueueItem).where(QueueItem.application_id.in_(ids)))

    def _prune(self, session: Session, counter: QueueChangeCounter) -> None:
        floor = counter.last - KEEP_CHANGES
        if floor > counter.floor:
            counter.floor = floor
            session.execute(delete(QueueRemoval).where(QueueRemoval.seq <= floor))

    def count(self, filter_text: str = "") -> int:
        """All items, or those matching `filter_text` (see `page`)."""
        with self._db.read() as session:
            query = _where(select(func.count()).select_from(QueueItem), filter_text)
            return int(session.execute(query).scalar_one())

    def items(self, limit: int | None = None) -> list[QueueItemOut]:
        """By due time, soonest first (the whole queue, or its first `limit` items)."""
        with self._db.read() as session:
            return _read_items(session, limit=limit)

    def changes(self, since: int | None = None) -> QueueChanges:
        """What changed after change number `since` (from an earlier call's `seq`), read in one
        transaction: the added or changed items, by due time, and the removed ids. Without
        `since`, or when the removals since then are no longer all known (pruned, or the cache
        was reset), the whole queue (`full`)."""
        with self._db.read() as session:
            counter = session.get(QueueChangeCounter, 1)
            last, floor = (counter.last, counter.floor) if counter is not None else (0, 0)
            if since is None or not floor <= since <= last:
                return QueueChanges(seq=last, full=True, items=_read_items(session), removed=[])
            if since == last:
                return QueueChanges(seq=last, full=False, items=[], removed=[])
            items = _read_items(session, QueueItem.seq > since)
            removed = session.scalars(
                select(QueueRemoval.application_id).where(QueueRemoval.seq > since)
            ).all()
            return QueueChanges(seq=last, full=False, items=items, removed=list(removed))

    def page(
        self,
        order_by: str = "due_at",
        descending: bool = False,
        filter_text: str = "",
        offset: int = 0,
        limit: int = 200,
    ) -> list[QueueItemOut]:
        """One window of the queue as the view shows it, sorted and filtered by SQLite:
        `order_by` is a key of SORT_COLUMNS (ties broken by the id, in the same direction);
        `filter_text` keeps rows that hold each of its words, case-insensitively, in the id,
        applicant, country, skills or holder. Rows without a holder sort first (ascending)."""
        column = SORT_COLUMNS.get(order_by)
        if column is None:
            raise ValueError(f"cannot sort the queue by {order_by!r}")
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        keys = [column, QueueItem.application_id]
        if order_by == "application_id":
            keys = [column]
        query = _where(select(QueueItem), filter_text)
        query = query.order_by(*(key.desc() if descending else key.asc() for key in keys))
        with self._db.read() as session:
            rows = session.scalars(query.offset(offset).limit(limit))
            return [_out(row) for row in rows]

    def breaching_within(self, now: datetime, hours: float = 1.0) -> int:
        """Items not yet overdue that will be within `hours` (DESIGN §6: the status bar)."""
        with self._db.read() as session:
            query = select(func.count()).where(
                QueueItem.due_at > now, QueueItem.due_at <= now + timedelta(hours=hours)
            )
            return int(session.execute(query).scalar_one())

    def breached(self, now: datetime) -> int:
        """Items already past their due time."""
        with self._db.read() as session:
            query = select(func.count()).where(QueueItem.due_at <= now)
            return int(session.execute(query).scalar_one())
