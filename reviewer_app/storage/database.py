"""The local database handle: one engine, read and write transactions, small key/value state."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.orm import Session, sessionmaker

from reviewer_app.core.sla import utc_now
from reviewer_app.storage import schema
from reviewer_app.storage.engine import open_engine


class Database:
    def __init__(
        self, path: Path, *, clock: Callable[[], datetime] = utc_now, check: bool = True
    ) -> None:
        self.path = path
        self.clock = clock
        self.engine = open_engine(path, check=check)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session
            session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One durable write transaction: the SQLite write lock is taken at BEGIN, and when the
        block returns the commit has been synced to disk (synchronous=FULL)."""
        with self._sessions() as session:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def get_state(self, name: str) -> str | None:
        with self.read() as session:
            row = session.get(schema.SyncState, name)
            return row.value if row else None

    def set_state(self, session: Session, name: str, value: str) -> None:
        row = session.get(schema.SyncState, name)
        if row is None:
            session.add(schema.SyncState(name=name, value=value))
        else:
            row.value = value

    def clear_state(self, session: Session) -> None:
        """Forget every sync cursor and other sync state."""
        session.execute(delete(schema.SyncState))

    def checkpoint(self) -> None:
        """Fold the WAL back into the main file and empty it (after a purge, so deleted
        personal data does not linger in the log)."""
        with self.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
