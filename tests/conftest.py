"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

# Qt without a display, and without the multimedia backend's harmless noise (TRAPS.md); set
# before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")

import pytest
from pgserver import PostgresServer, server_for_tests

pytest_plugins = ["servicekit"]  # the service-test fixtures (tests/servicekit.py)

# -- PostgreSQL (tests/pgserver.py): one throwaway server per session, mark tests `postgres` ------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; skips when the server binaries are not installed."""
    with server_for_tests() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of a database shared by the session (`postgresql+psycopg://...`)."""
    return postgres_server.url(postgres_server.create_database("reviewer_test"))


@pytest.fixture
def postgres_db_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a fresh empty database for one test, dropped after it."""
    with postgres_server.fresh_database() as url:
        yield url
