"""Versioned migrations of the local database, tracked in SQLite's `user_version`.

A new file gets the current schema at once. An older file runs each step from its version to the
latest, all in one transaction (SQLite's DDL is transactional), after engine.py has backed it up.
Add a step at the end for every schema change (raw DDL, since the ORM classes describe only the
latest schema); never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from reviewer_app.storage.schema import Base

# Step N takes a version N database to version N+1. Version 1 is the first schema, made by
# create_all on an empty file, so there is no step for it.
STEPS: list[tuple[str, Callable[[Connection], None]]] = []
LATEST_VERSION = 1 + len(STEPS)


def migrate(connection: Connection, from_version: int) -> None:
    if from_version == 0:
        Base.metadata.create_all(connection)
        return
    for _description, step in STEPS[from_version - 1 :]:
        step(connection)
