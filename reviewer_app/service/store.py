"""The service's handle on its database: engine, sessions, counters and settings rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reviewer_app.service import db
from reviewer_app.service.settings import ServiceSettings

COUNTERS = ("queue_seq", "audit_size")


class Store:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.engine = db.make_engine(settings.db_url)
        self.dialect = self.engine.dialect.name
        self._sessions = db.make_sessionmaker(self.engine)
        db.create_schema(self.engine)
        with self.write() as session:
            for name in COUNTERS:
                if session.get(db.Counter, name) is None:
                    session.add(db.Counter(name=name, value=0))

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction. On SQLite it takes the write lock at BEGIN, so whatever it
        reads stays true until it commits."""
        with self._sessions() as session:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def bump(self, session: Session, name: str, by: int = 1) -> int:
        """Advance a counter and return its new value. The row stays locked until commit, so
        values are handed out (and become visible) in commit order."""
        value = session.execute(
            update(db.Counter)
            .where(db.Counter.name == name)
            .values(value=db.Counter.value + by)
            .returning(db.Counter.value)
        ).scalar_one()
        return int(value)

    def get_setting(self, session: Session, name: str) -> str | None:
        return session.execute(
            select(db.Setting.value).where(db.Setting.name == name)
        ).scalar_one_or_none()

    def set_setting(self, session: Session, name: str, value: str) -> None:
        row = session.get(db.Setting, name)
        if row is None:
            session.add(db.Setting(name=name, value=value))
        else:
            row.value = value

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.dispose()
