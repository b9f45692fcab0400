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


class StoreMigrationFailed(StoreError):
    """Upgrading the file to this version's schema failed; the file was left as it was."""

    def __init__(
        self,
        path: Path,
        from_version: int,
        to_version: int,
        saved: Path | None,
        cause: BaseException,
    ) -> None:
        self.path = path
        self.from_version = from_version
        self.to_version = to_version
        self.backup_path = saved
        where = (
            f"A copy made before the upgrade is at {saved}."
            if saved is not None
            else "No copy was needed (the file held no data)."
        )
        super().__init__(
            f"The local database {path} could not be upgraded from schema {from_version} to "
            f"{to_version} ({type(cause).__name__}: {cause}). It was left as it was, and no "
            f"decision in it is lost. {where} Keep both files and report the problem; "
            "decisions not yet delivered can be recovered from them."
        )


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
    """A consistent copy of the database next to it (SQLite's online backup). An earlier copy
    of the same name is kept: the new one then gets a time stamp too."""
    target = path.with_name(f"{path.name}.{suffix}.bak")
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = path.with_name(f"{path.name}.{suffix}-{stamp}.bak")
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
        _upgrade(engine, path, version, has_data=existed and _has_tables(engine))
    return engine


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one()
    return int(count) > 0


def _upgrade(engine: Engine, path: Path, version: int, *, has_data: bool) -> None:
    """Run the migrations in one transaction, after backing up a file that holds data (also
    one at user_version 0: written by something that did not set a version)."""
    saved: Path | None = None
    if has_data:
        try:
            saved = backup(path, f"v{version}")
        except (OSError, sqlite3.Error) as error:
            engine.dispose()
            raise StoreError(
                f"The local database {path} needs an upgrade from schema {version} to "
                f"{LATEST_VERSION}, but a copy could not be made first ({error}); nothing was "
                "changed. Free some disk space and start again."
            ) from error
        log.info("backed up %s to %s before migrating", path, saved)
    try:
        with (
            engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection,
            connection.begin(),
        ):
            migrate(connection, version)
            connection.execute(text(f"PRAGMA user_version={LATEST_VERSION}"))
    except Exception as error:
        engine.dispose()
        log.error("upgrading %s from schema %d failed: %s", path, version, error)
        raise StoreMigrationFailed(path, version, LATEST_VERSION, saved, error) from error
