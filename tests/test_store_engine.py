"""Opening the local SQLite file: pragmas, migrations with a backup first, a newer schema
refused, a damaged file detected with a clear message and moved aside."""

from __future__ import annotations

import random
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from servicekit import T0
from sqlalchemy import Connection, text

from reviewer_app.core.models import Outcome
from reviewer_app.storage import engine as store_engine
from reviewer_app.storage import migrations
from reviewer_app.storage.engine import (
    StoreCorrupt,
    StoreError,
    StoreMigrationFailed,
    StoreTooNew,
    backup,
    integrity_problems,
    move_aside,
)
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.store import LocalStore


def decision(i: int) -> NewDecision:
    return NewDecision(
        decision_id=f"decision-{i:06d}-{uuid.uuid4().hex[:8]}",
        application_id=f"APP-{i:06d}",
        revision=1,
        lease_version=1,
        outcome=Outcome.DECLINE,
        reason_codes=("text_errors",),
        note=f"note {i} " * 10,
        decided_at=T0,
        handling_ms=1000,
        reviewer="rita",
    )


def raw(path: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(str(path))
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def user_version(path: Path) -> int:
    return int(raw(path, "PRAGMA user_version")[0][0])


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "local.sqlite3"


@pytest.fixture
def filled(db_path: Path) -> tuple[Path, list[str]]:
    """A closed store file holding 300 decisions (many pages)."""
    store = LocalStore(db_path, db_path.parent / "media")
    ids = [store.outbox.record(decision(i), timedelta(0)).decision_id for i in range(300)]
    store.close()
    return db_path, ids


def test_a_fresh_file_gets_the_schema_version_and_durable_pragmas(db_path: Path) -> None:
    store = LocalStore(db_path, db_path.parent / "media")
    try:
        assert user_version(db_path) == migrations.LATEST_VERSION
        with store.db.engine.connect() as connection:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()
                for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "synchronous": 2,  # FULL
            "foreign_keys": 1,
            "secure_delete": 1,
        }
        assert db_path.parent.stat().st_mode & 0o777 == 0o700
    finally:
        store.close()


def test_reopening_the_current_version_makes_no_backup(filled: tuple[Path, list[str]]) -> None:
    db_path, _ids = filled
    LocalStore(db_path, db_path.parent / "media").close()
    assert list(db_path.parent.glob("*.bak")) == []
    assert user_version(db_path) == migrations.LATEST_VERSION


def add_column(connection: Connection) -> None:
    connection.execute(text("ALTER TABLE decisions ADD COLUMN migrated_by_test TEXT"))


def test_an_older_file_is_backed_up_then_migrated(
    filled: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A future schema change, simulated: step 1 takes a version-1 file to version 2."""
    db_path, ids = filled
    latest = migrations.LATEST_VERSION
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, ("test column", add_column)])
    monkeypatch.setattr(store_engine, "LATEST_VERSION", latest + 1)

    store = LocalStore(db_path, db_path.parent / "media")
    try:
        assert len(store.outbox.items()) == 300
    finally:
        store.close()

    saved = db_path.with_name(f"{db_path.name}.v{latest}.bak")
    assert saved.exists()
    assert user_version(saved) == latest
    assert {row[0] for row in raw(saved, "SELECT decision_id FROM decisions")} == set(ids)
    assert "migrated_by_test" not in {row[1] for row in raw(saved, "PRAGMA table_info(decisions)")}
    assert user_version(db_path) == latest + 1
    assert "migrated_by_test" in {row[1] for row in raw(db_path, "PRAGMA table_info(decisions)")}


def test_a_failing_migration_leaves_the_file_as_it_was(
    filled: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path, ids = filled
    latest = migrations.LATEST_VERSION

    def half_done(connection: Connection) -> None:
        add_column(connection)
        raise RuntimeError("step failed halfway")

    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, ("half done", half_done)])
    monkeypatch.setattr(store_engine, "LATEST_VERSION", latest + 1)
    with pytest.raises(StoreMigrationFailed, match="halfway") as caught:
        LocalStore(db_path, db_path.parent / "media")
    # A StoreError with a message for a person: the file, the versions, the backup's path.
    error = caught.value
    saved = db_path.with_name(f"{db_path.name}.v{latest}.bak")
    assert isinstance(error, StoreError)
    assert isinstance(error.__cause__, RuntimeError)
    assert error.backup_path == saved
    message = str(error)
    assert str(db_path) in message
    assert str(saved) in message
    assert f"from schema {latest} to {latest + 1}" in message
    assert "left as it was" in message

    # One transaction: the column is not there, the version is the old one, nothing is lost.
    assert user_version(db_path) == latest
    assert "migrated_by_test" not in {
        row[1] for row in raw(db_path, "PRAGMA table_info(decisions)")
    }
    assert {row[0] for row in raw(db_path, "SELECT decision_id FROM decisions")} == set(ids)
    assert db_path.with_name(f"{db_path.name}.v{latest}.bak").exists()


def test_a_newer_file_is_refused_untouched(filled: tuple[Path, list[str]]) -> None:
    db_path, _ = filled
    raw(db_path, f"PRAGMA user_version = {migrations.LATEST_VERSION + 5}")
    before = db_path.read_bytes()
    with pytest.raises(StoreTooNew, match="newer version of Reviewer Workstation") as caught:
        LocalStore(db_path, db_path.parent / "media")
    assert str(db_path) in str(caught.value)
    assert "Update the app" in str(caught.value)
    assert isinstance(caught.value, StoreError)
    assert db_path.read_bytes() == before
    assert list(db_path.parent.glob("*.bak")) == []


def test_backup_is_a_consistent_copy_of_an_open_store(db_path: Path) -> None:
    store = LocalStore(db_path, db_path.parent / "media")
    try:
        ids = {store.outbox.record(decision(i), timedelta(0)).decision_id for i in range(20)}
        copy = backup(db_path, "manual")  # while the store is open, with a live WAL
        ids.add(store.outbox.record(decision(99), timedelta(0)).decision_id)
    finally:
        store.close()
    assert copy == db_path.with_name("local.sqlite3.manual.bak")
    assert integrity_problems(copy) == []
    assert len(raw(copy, "SELECT decision_id FROM decisions")) == 20
    reopened = LocalStore(copy, db_path.parent / "media-copy")
    try:
        assert {item.decision_id for item in reopened.outbox.items()} < ids
    finally:
        reopened.close()


def damage(path: Path, offset: int, length: int, seed: int = 1) -> None:
    garbage = random.Random(seed).randbytes(length)
    with path.open("r+b") as handle:
        handle.seek(offset)
        handle.write(garbage)


@pytest.mark.parametrize(
    ("offset", "length"),
    [(0, 100), (2 * 4096, 8 * 4096)],
    ids=["header", "pages"],
)
def test_a_damaged_file_is_detected_with_a_clear_message(
    filled: tuple[Path, list[str]], offset: int, length: int
) -> None:
    db_path, _ = filled
    assert db_path.stat().st_size > offset + length
    damage(db_path, offset, length)
    with pytest.raises(StoreCorrupt) as caught:
        LocalStore(db_path, db_path.parent / "media")
    error = caught.value
    assert error.path == db_path
    assert error.problems
    message = str(error)
    assert str(db_path) in message
    assert "damaged" in message
    assert "Move it aside" in message
    assert "recovered from the moved file" in message


def test_move_aside_then_start_empty(filled: tuple[Path, list[str]]) -> None:
    db_path, _ = filled
    damage(db_path, 2 * 4096, 8 * 4096)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").write_bytes(b"leftover " + suffix.encode())
    damaged = db_path.read_bytes()

    moved = move_aside(db_path)

    assert not db_path.exists()
    assert not Path(f"{db_path}-wal").exists()
    assert not Path(f"{db_path}-shm").exists()
    assert moved.parent == db_path.parent
    assert moved.name.startswith("local.sqlite3.damaged-")
    assert moved.read_bytes() == damaged
    assert Path(f"{moved}-wal").read_bytes() == b"leftover -wal"
    assert Path(f"{moved}-shm").read_bytes() == b"leftover -shm"

    fresh = LocalStore(db_path, db_path.parent / "media")
    try:
        assert fresh.outbox.items() == []
        assert user_version(db_path) == migrations.LATEST_VERSION
    finally:
        fresh.close()
