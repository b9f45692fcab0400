"""Opening the local SQLite file: pragmas on every connection, write transactions that take
the lock at BEGIN, versioned migrations with a backup first, and an integrity check."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import ConnectionPoolEntry

from reviewer_app.storage.migrations import LATEST_VERSION, migrate

log = logging.getLogger("reviewer_app.storage")


class StoreError(Exception):
    """The local store cannot be used; the message says what to do."""


class StoreCorrupt(StoreError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"The local database {path} is damaged ({'; '.join(problems[:3])}). "
            "Move it aside to start with an empty one; decisions not yet delivered can be "
            "recovered from the moved file."
        )


class StoreTooNew(StoreError):
    pass


def make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=4,
        max_overflow=8,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk when it returns (TRAPS.md: NORMAL loses the last commits
        # on power loss). A decision is reported as recorded only after such a commit.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` reports; empty when the file is sound."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    problems = [str(row[0]) for row in rows]
    return [] if problems == ["ok"] else problems


def backup(path: Path, suffix: str) -> Path:
    """A consistent copy of the database next to it (SQLite's online backup)."""
    target = path.with_name(f"{path.name}.{suffix}.bak")
    source = sqlite3.connect(str(path))
    try:
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def move_aside(path: Path) -> Path:
    """Rename a damaged database (and its WAL) out of the way; returns the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            shutil.move(source, Path(f"{target}{suffix}"))
    return target


def open_engine(path: Path, *, check: bool = True) -> Engine:
    """Open (creating or migrating) the local database at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    existed = path.exists() and path.stat().st_size > 0
    if existed and check:
        problems = integrity_problems(path)
        if problems:
            raise StoreCorrupt(path, problems)
    engine = make_engine(path)
    with engine.connect() as connection:
        version = int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
    if version > LATEST_VERSION:
        engine.dispose()
        raise StoreTooNew(
            f"The local database {path} was written by a newer version of Reviewer Workstation "
            f"(schema {version}, this one knows {LATEST_VERSION}). Update the app."
        )
    if version < LATEST_VERSION:
        if existed and version > 0:
            saved = backup(path, f"v{version}")
            log.info("backed up %s to %s before migrating", path, saved)
        with (
            engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection,
            connection.begin(),
        ):
            migrate(connection, version)
            connection.execute(text(f"PRAGMA user_version={LATEST_VERSION}"))
    return engine
