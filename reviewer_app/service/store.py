"""The service's handle on its database: engine, sessions, counters and settings rows."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reviewer_app.service import db
from reviewer_app.service.settings import ServiceSettings

COUNTERS = ("queue_seq", "audit_size")

# SQLite lets one writer in at a time. Writers of one process wait for each other here, in the
# order they came, instead of in SQLite's busy handler (which polls with sleeps of up to 100 ms
# and let a claim's p99 latency reach seconds under 16 concurrent clients). One lock per database
# file, shared by every Store of the process on that file. Writers in other processes still meet
# at SQLite's own lock, with the busy timeout.
_SQLITE_WRITE_LOCKS: dict[str, threading.RLock] = {}
_SQLITE_WRITE_LOCKS_GUARD = threading.Lock()


def _sqlite_write_lock(database: str) -> threading.RLock:
    with _SQLITE_WRITE_LOCKS_GUARD:
        lock = _SQLITE_WRITE_LOCKS.get(database)
        if lock is None:
            lock = _SQLITE_WRITE_LOCKS[database] = threading.RLock()
        return lock


class Store:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.engine = db.make_engine(settings.db_url)
        self.dialect = self.engine.dialect.name
        self._sessions = db.make_sessionmaker(self.engine)
        self._write_lock: threading.RLock | None = None
        if self.dialect == "sqlite":
            database = self.engine.url.database or ""
            if database in ("", ":memory:"):
                key = f"memory:{id(self.engine)}"  # its own database: its own lock
            else:
                key = os.path.realpath(database)
            self._write_lock = _sqlite_write_lock(key)
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
        reads stays true until it commits; writers of this process queue for it on a lock of
        the process first. PostgreSQL writers run concurrently (row locks order them)."""
        with self._write_lock or nullcontext(), self._sessions() as session:
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
