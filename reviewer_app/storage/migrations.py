"""Versioned migrations of the local database, tracked in SQLite's `user_version`.

A new file gets the current schema at once. An older file runs each step from its version to the
latest, all in one transaction (SQLite's DDL is transactional), after engine.py has backed it up.
Add a step at the end for every schema change (raw DDL, since the ORM classes describe only the
latest schema); never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from reviewer_app.storage.schema import Base


def _v1_to_v2(connection: Connection) -> None:
    """Media shared by applications (media_refs, filled from media.application_id); indexes for
    the queue view's sorts and for decisions by day."""
    for statement in (
        """CREATE TABLE media_refs (
            application_id VARCHAR(64) NOT NULL,
            sha256 VARCHAR(64) NOT NULL,
            PRIMARY KEY (application_id, sha256)
        )""",
        "CREATE INDEX ix_media_refs_sha256 ON media_refs (sha256)",
        "INSERT INTO media_refs (application_id, sha256) SELECT application_id, sha256 FROM media",
        "DROP INDEX ix_queue_due",  # covered by the next one
        "CREATE INDEX ix_queue_due_id ON queue_items (due_at, application_id)",
        "CREATE INDEX ix_queue_submitted_id ON queue_items (submitted_at, application_id)",
        "CREATE INDEX ix_queue_applicant_id ON queue_items (applicant, application_id)",
        "CREATE INDEX ix_queue_country_id ON queue_items (country, application_id)",
        "CREATE INDEX ix_decisions_decided_at ON decisions (decided_at)",
    ):
        connection.execute(text(statement))


def _v2_to_v3(connection: Connection) -> None:
    """Change numbers on the queue cache, so the queue view reads only what changed since its
    last read: the change that last wrote each row, the removals by change, the counter."""
    for statement in (
        "ALTER TABLE queue_items ADD COLUMN seq INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX ix_queue_seq ON queue_items (seq)",
        """CREATE TABLE queue_removals (
            application_id VARCHAR(64) NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (application_id)
        )""",
        "CREATE INDEX ix_queue_removals_seq ON queue_removals (seq)",
        """CREATE TABLE queue_change_counter (
            id INTEGER NOT NULL,
            last INTEGER NOT NULL,
            floor INTEGER NOT NULL,
            PRIMARY KEY (id)
        )""",
    ):
        connection.execute(text(statement))


# Step N takes a version N database to version N+1. Version 1 is the first schema, made by
# create_all on an empty file, so there is no step for it.
STEPS: list[tuple[str, Callable[[Connection], None]]] = [
    ("media shared by applications; queue sort and decisions-by-day indexes", _v1_to_v2),
    ("change numbers on the queue cache, for incremental reads", _v2_to_v3),
]
LATEST_VERSION = 1 + len(STEPS)


def migrate(connection: Connection, from_version: int) -> None:
    if from_version == 0:
        Base.metadata.create_all(connection)
        return
    for _description, step in STEPS[from_version - 1 :]:
        step(connection)
