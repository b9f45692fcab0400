"""The throwaway PostgreSQL server of the tests really runs, and its databases are separate."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa
from pgserver import PostgresServer

pytestmark = pytest.mark.postgres


def test_session_database_answers_through_psycopg_and_sqlalchemy(postgres_url: str) -> None:
    url = sa.make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "127.0.0.1"
    assert url.database == "reviewer_test"

    libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq_url) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == ("reviewer_test",)
        assert conn.info.server_version >= 130000  # DROP DATABASE ... WITH (FORCE)

    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 40 + 2")).scalar_one() == 42
            encoding = conn.execute(sa.text("SHOW server_encoding")).scalar_one()
            timezone = conn.execute(sa.text("SHOW timezone")).scalar_one()
        assert engine.dialect.server_version_info is not None
        assert engine.dialect.server_version_info >= (13,)
    finally:
        engine.dispose()
    assert (encoding, timezone) == ("UTF8", "UTC")


def test_server_is_a_fast_throwaway_on_loopback(postgres_server: PostgresServer) -> None:
    with postgres_server.connect() as conn:
        rows = conn.execute("SELECT name, setting FROM pg_settings").fetchall()
    settings: dict[str, str] = dict(rows)
    assert settings["listen_addresses"] == "127.0.0.1"
    assert settings["port"] == str(postgres_server.port)
    assert settings["fsync"] == "off"
    assert settings["synchronous_commit"] == "off"
    assert settings["max_connections"] == "100"


def test_fresh_databases_are_isolated(postgres_server: PostgresServer) -> None:
    with postgres_server.fresh_database() as first, postgres_server.fresh_database() as second:
        assert first != second
        engines = [sa.create_engine(first), sa.create_engine(second)]
        try:
            with engines[0].begin() as conn:
                conn.execute(sa.text("CREATE TABLE note (body text)"))
                conn.execute(sa.text("INSERT INTO note VALUES ('only in the first')"))
            with engines[1].connect() as conn:
                tables = sa.inspect(conn).get_table_names()
            with engines[0].connect() as conn:
                rows = conn.execute(sa.text("SELECT body FROM note")).scalars().all()
        finally:
            for engine in engines:
                engine.dispose()
    assert tables == []
    assert rows == ["only in the first"]


def test_fresh_database_is_dropped_even_with_open_connections(
    postgres_server: PostgresServer,
) -> None:
    with postgres_server.fresh_database() as url:
        dbname = sa.make_url(url).database
        assert dbname is not None
        left_open = postgres_server.connect(dbname)  # a test that forgot to close
    try:
        with postgres_server.connect() as conn:
            found = conn.execute(
                "SELECT count(*) FROM pg_database WHERE datname = %s", (dbname,)
            ).fetchone()
        assert found == (0,)
    finally:
        left_open.close()


def test_postgres_db_url_fixture_gives_an_empty_database(postgres_db_url: str) -> None:
    engine = sa.create_engine(postgres_db_url)
    try:
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
            dbname = conn.execute(sa.text("SELECT current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert dbname.startswith("test_")
