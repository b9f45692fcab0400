"""Upgrading real files: a version-1 file (the first schema, exactly as it shipped) becomes the
latest schema with its data, media shared by applications linked from the old rows; the
result has the same tables and indexes as a fresh file; a file with data but no version is
backed up before anything is done to it."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from servicekit import T0, Clock

from reviewer_app.storage import migrations
from reviewer_app.storage.store import LocalStore

# The schema version 1 as create_all made it (captured from the first release).
V1_SCHEMA = """
CREATE TABLE queue_items (
    application_id VARCHAR(64) NOT NULL,
    applicant VARCHAR(200) NOT NULL,
    country VARCHAR(100) NOT NULL,
    main_skills JSON NOT NULL,
    revision INTEGER NOT NULL,
    submitted_at DATETIME NOT NULL,
    due_at DATETIME NOT NULL,
    flags JSON NOT NULL,
    held_by VARCHAR(100),
    lease_expires_at DATETIME,
    PRIMARY KEY (application_id)
);
CREATE INDEX ix_queue_due ON queue_items (due_at);
CREATE TABLE sync_state (
    name VARCHAR(64) NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name)
);
CREATE TABLE leases (
    application_id VARCHAR(64) NOT NULL,
    revision INTEGER NOT NULL,
    version INTEGER NOT NULL,
    expires_at DATETIME NOT NULL,
    offline BOOLEAN NOT NULL,
    claimed_at DATETIME NOT NULL,
    state VARCHAR(16) NOT NULL,
    due_at DATETIME,
    PRIMARY KEY (application_id)
);
CREATE INDEX ix_leases_state_due ON leases (state, due_at);
CREATE TABLE applications (
    application_id VARCHAR(64) NOT NULL,
    revision INTEGER NOT NULL,
    snapshot JSON NOT NULL,
    fetched_at DATETIME NOT NULL,
    purge_after DATETIME,
    findings JSON,
    PRIMARY KEY (application_id)
);
CREATE TABLE media (
    sha256 VARCHAR(64) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    kind VARCHAR(8) NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    size BIGINT NOT NULL,
    state VARCHAR(8) NOT NULL,
    error TEXT,
    last_used_at DATETIME,
    PRIMARY KEY (sha256)
);
CREATE INDEX ix_media_application_id ON media (application_id);
CREATE TABLE decisions (
    decision_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    revision INTEGER NOT NULL,
    lease_version INTEGER NOT NULL,
    outcome VARCHAR(16) NOT NULL,
    reason_codes JSON NOT NULL,
    note TEXT NOT NULL,
    decided_at DATETIME NOT NULL,
    handling_ms INTEGER NOT NULL,
    reviewer VARCHAR(100) NOT NULL,
    supersedes VARCHAR(64),
    state VARCHAR(16) NOT NULL,
    grace_until DATETIME NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at DATETIME,
    last_error TEXT,
    server_status VARCHAR(16),
    server_detail TEXT,
    delivered_at DATETIME,
    PRIMARY KEY (decision_id)
);
CREATE INDEX ix_decisions_state ON decisions (state, next_attempt_at);
CREATE INDEX ix_decisions_application_id ON decisions (application_id);
CREATE TABLE audit_entries (
    "index" BIGINT NOT NULL,
    decision JSON NOT NULL,
    profile_sha256 VARCHAR(64) NOT NULL,
    recorded_at DATETIME NOT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    entry_hash VARCHAR(64) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    reviewer VARCHAR(100) NOT NULL,
    outcome VARCHAR(16) NOT NULL,
    decided_at DATETIME NOT NULL,
    PRIMARY KEY ("index")
);
CREATE INDEX ix_audit_entries_reviewer ON audit_entries (reviewer);
CREATE INDEX ix_audit_entries_decided_at ON audit_entries (decided_at);
CREATE INDEX ix_audit_entries_application_id ON audit_entries (application_id);
CREATE TABLE audit_checkpoints (
    size BIGINT NOT NULL,
    head_hash VARCHAR(64) NOT NULL,
    signed_at DATETIME NOT NULL,
    key_id VARCHAR(32) NOT NULL,
    signature TEXT NOT NULL,
    verified BOOLEAN NOT NULL,
    PRIMARY KEY (size)
);
"""

SHA_A = "a" * 64
SHA_B = "b" * 64


def raw(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(str(path))
    try:
        rows = connection.execute(sql, args).fetchall()
        connection.commit()
        return rows
    finally:
        connection.close()


def schema_of(path: Path) -> set[tuple[str, str, str]]:
    """Tables, their columns and indexes (name, table, columns), ignoring how the DDL is spelled."""
    connection = sqlite3.connect(str(path))
    try:
        found: set[tuple[str, str, str]] = set()
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for _cid, name, kind, notnull, _default, pk in connection.execute(
                f'PRAGMA table_info("{table}")'
            ):
                found.add(("column", table, f"{name} {kind} notnull={notnull} pk={pk}"))
            for _seq, index, unique, _origin, _partial in connection.execute(
                f'PRAGMA index_list("{table}")'
            ):
                columns = [r[2] for r in connection.execute(f'PRAGMA index_info("{index}")')]
                found.add(("index", table, f"{index} unique={unique} {columns}"))
        return found
    finally:
        connection.close()


def make_v1(path: Path) -> None:
    """A version-1 file as the first release left it: two applications sharing photo A (the
    media row names only the first), one with its own photo B, a decision, a queue item."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path))
    try:
        connection.executescript(V1_SCHEMA)
        connection.execute("PRAGMA user_version=1")
        stamp = "2026-03-02 09:00:00.000000"
        for app in ("APP-000001", "APP-000002"):
            connection.execute(
                "INSERT INTO applications VALUES (?, 1, '{}', ?, NULL, NULL)", (app, stamp)
            )
        connection.execute(
            "INSERT INTO media VALUES (?, 'APP-000001', 'photo', 'image/jpeg', 10, 'cached', "
            "NULL, ?)",
            (SHA_A, stamp),
        )
        connection.execute(
            "INSERT INTO media VALUES (?, 'APP-000002', 'photo', 'image/jpeg', 10, 'cached', "
            "NULL, ?)",
            (SHA_B, stamp),
        )
        connection.execute(
            "INSERT INTO decisions VALUES ('decision-0001', 'APP-000001', 1, 1, 'accept', '[]', "
            "'', ?, 1000, 'rita', NULL, 'delivered', ?, 1, NULL, NULL, 'accepted', '', ?)",
            (stamp, stamp, stamp),
        )
        connection.execute(
            "INSERT INTO queue_items VALUES ('APP-000003', 'Zed', 'Ireland', '[\"Python\"]', 1, "
            "?, ?, '[]', NULL, NULL)",
            (stamp, "2026-03-03 09:00:00.000000"),
        )
        connection.commit()
    finally:
        connection.close()


def test_a_version_1_file_is_upgraded_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old" / "local.sqlite3"
    make_v1(path)
    store = LocalStore(path, tmp_path / "media", clock=Clock(T0))
    try:
        assert raw(path, "PRAGMA user_version")[0][0] == migrations.LATEST_VERSION
        assert store.claims.media_of("APP-000001") == [SHA_A]
        assert store.claims.media_of("APP-000002") == [SHA_B]
        assert [item.decision_id for item in store.outbox.items()] == ["decision-0001"]
        assert [item.application_id for item in store.queue.items()] == ["APP-000003"]
        assert store.outbox.decided_today(T0 + timedelta(hours=1)) == 1
    finally:
        store.close()
    saved = path.with_name("local.sqlite3.v1.bak")
    assert raw(saved, "PRAGMA user_version")[0][0] == 1
    assert raw(saved, "SELECT count(*) FROM decisions")[0][0] == 1

    fresh = tmp_path / "fresh" / "local.sqlite3"
    LocalStore(fresh, tmp_path / "media-fresh").close()
    assert schema_of(path) == schema_of(fresh)


def test_an_upgraded_file_keeps_shared_media_for_the_other_application(tmp_path: Path) -> None:
    """Schema 1 knew one application per media row; after the upgrade a second application
    showing the same photo is linked too, and purging the first leaves the photo."""
    path = tmp_path / "old" / "local.sqlite3"
    make_v1(path)
    raw(
        path,
        "UPDATE applications SET purge_after = '2026-03-01 00:00:00.000000' "
        "WHERE application_id = 'APP-000001'",
    )
    store = LocalStore(path, tmp_path / "media", clock=Clock(T0))
    try:
        from sqlalchemy import insert

        from reviewer_app.storage.schema import MediaRef

        with store.db.write() as session:  # what save_application does for APP-000002 now
            session.execute(insert(MediaRef).values(application_id="APP-000002", sha256=SHA_A))
        assert store.claims.purge_due() == []
        assert store.claims.media_state(SHA_A) == ("cached", None)
        assert store.claims.application("APP-000001") is None
    finally:
        store.close()


def test_a_file_with_data_but_no_version_is_backed_up_first(tmp_path: Path) -> None:
    path = tmp_path / "data" / "local.sqlite3"
    path.parent.mkdir()
    raw(path, "CREATE TABLE notes (text TEXT)")
    raw(path, "INSERT INTO notes VALUES ('kept')")
    assert raw(path, "PRAGMA user_version")[0][0] == 0

    LocalStore(path, tmp_path / "media").close()

    saved = path.with_name("local.sqlite3.v0.bak")
    assert saved.exists(), "a file with data was migrated without a backup"
    assert raw(saved, "SELECT text FROM notes") == [("kept",)]
    assert raw(path, "PRAGMA user_version")[0][0] == migrations.LATEST_VERSION


def test_an_empty_file_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "data" / "local.sqlite3"
    LocalStore(path, tmp_path / "media").close()
    LocalStore(path, tmp_path / "media").close()
    assert list(path.parent.glob("*.bak")) == []


def test_a_second_backup_does_not_overwrite_the_first(tmp_path: Path) -> None:
    from reviewer_app.storage.engine import backup

    path = tmp_path / "local.sqlite3"
    raw(path, "CREATE TABLE t (v TEXT)")
    raw(path, "INSERT INTO t VALUES ('first')")
    first = backup(path, "v1")
    raw(path, "UPDATE t SET v = 'second'")
    second = backup(path, "v1")
    assert first != second
    assert raw(first, "SELECT v FROM t") == [("first",)]
    assert raw(second, "SELECT v FROM t") == [("second",)]


def make_v2(path: Path) -> None:
    """A version-2 file: the version-1 file taken through the shipped first step."""
    from sqlalchemy import create_engine

    make_v1(path)
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            _description, to_v2 = migrations.STEPS[0]
            to_v2(connection)
            connection.exec_driver_sql("PRAGMA user_version=2")
    finally:
        engine.dispose()


def test_a_version_2_file_gets_change_numbers_on_its_queue(tmp_path: Path) -> None:
    """Schema 3 numbers the queue cache's changes: the rows a version-2 file holds are read
    by a first (full) read, and after that only what later pulls change."""
    from reviewer_app.core.wire import QueueItemOut, QueuePageOut

    path = tmp_path / "old" / "local.sqlite3"
    make_v2(path)
    store = LocalStore(path, tmp_path / "media", clock=Clock(T0))
    try:
        assert raw(path, "PRAGMA user_version")[0][0] == migrations.LATEST_VERSION == 3
        first = store.queue.changes()
        assert first.full
        assert [item.application_id for item in first.items] == ["APP-000003"]
        added = QueueItemOut(
            application_id="APP-000004",
            applicant="Ann",
            country="Chad",
            main_skills=["Go"],
            revision=1,
            submitted_at=T0,
            due_at=T0 + timedelta(hours=24),
            flags=[],
            held_by=None,
        )
        store.queue.apply(
            QueuePageOut(
                items=[added],
                removed=["APP-000003"],
                next_cursor="c1",
                has_more=False,
                server_time=T0,
            )
        )
        later = store.queue.changes(first.seq)
        assert (later.full, later.items, later.removed) == (False, [added], ["APP-000003"])
    finally:
        store.close()
    saved = path.with_name("local.sqlite3.v2.bak")
    assert raw(saved, "PRAGMA user_version")[0][0] == 2
    assert raw(saved, "SELECT application_id FROM queue_items") == [("APP-000003",)]

    fresh = tmp_path / "fresh" / "local.sqlite3"
    LocalStore(fresh, tmp_path / "media-fresh").close()
    assert schema_of(path) == schema_of(fresh)
