"""The local copy of the pending queue, kept current from the service's change feed."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert

from reviewer_app.core.wire import QueueItemOut, QueuePageOut
from reviewer_app.storage.database import Database
from reviewer_app.storage.schema import QueueItem

CURSOR = "queue_cursor"


def _row(item: QueueItemOut) -> dict[str, object]:
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
    }


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
            if page.items:
                rows = [_row(item) for item in page.items]
                statement = insert(QueueItem)
                columns = {
                    name: statement.excluded[name] for name in rows[0] if name != "application_id"
                }
                session.execute(
                    statement.on_conflict_do_update(
                        index_elements=["application_id"], set_=columns
                    ),
                    rows,
                )
            if page.removed:
                session.execute(delete(QueueItem).where(QueueItem.application_id.in_(page.removed)))
            self._db.set_state(session, CURSOR, page.next_cursor)

    def reset(self) -> None:
        with self._db.write() as session:
            session.execute(delete(QueueItem))
            self._db.set_state(session, CURSOR, "")

    def count(self) -> int:
        with self._db.read() as session:
            return int(session.execute(select(func.count()).select_from(QueueItem)).scalar_one())

    def items(self, limit: int | None = None) -> list[QueueItemOut]:
        """By due time, soonest first."""
        with self._db.read() as session:
            query = select(QueueItem).order_by(QueueItem.due_at, QueueItem.application_id)
            if limit is not None:
                query = query.limit(limit)
            return [
                QueueItemOut(
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
                for row in session.scalars(query)
            ]
