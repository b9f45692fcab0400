"""A throwaway PostgreSQL server for the tests, started from the local server binaries.

Debian keeps `initdb`, `pg_ctl` and `postgres` under `/usr/lib/postgresql/N/bin` (not on PATH) and
they refuse to run as root, so as root the server runs as the `postgres` user in a temporary folder
owned by it. The server listens on a free port of 127.0.0.1 only, trusts every local connection and
trades durability for speed (fsync off): it lives for one test session and is then deleted.

`REVIEWER_PG_BIN` points at another folder of server binaries. `REVIEWER_REQUIRE_POSTGRES=1` turns
"binaries not found" from a skip into a failure (`scripts/dev test` sets it after installing them).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
_Completed = subprocess.CompletedProcess[str]
START_TIMEOUT_S = 60
START_ATTEMPTS = 3  # a free port can be taken by someone else between probing and binding

# A throwaway server: no durability, no background noise.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "logging_collector": "off",
    "autovacuum": "off",
}


class PostgresUnavailableError(RuntimeError):
    """The server binaries (or a user to run them as) are missing on this machine."""


def find_bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres: the newest Debian one, else on PATH."""
    candidates: list[Path] = []
    if override := os.environ.get("REVIEWER_PG_BIN"):
        candidates.append(Path(override))
    versioned = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versioned, key=_version_key, reverse=True)
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in SERVER_PROGRAMS):
            return folder
    looked = ", ".join(str(c) for c in candidates) or "/usr/lib/postgresql/*/bin and PATH"
    raise PostgresUnavailableError(
        f"PostgreSQL server binaries not found: need {', '.join(SERVER_PROGRAMS)} "
        f"(looked in {looked}); install Debian's 'postgresql' package or run `scripts/dev test`"
    )


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name)) or (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One PostgreSQL server in a temporary folder; `start()`, then `stop()` (idempotent)."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            if shutil.which("runuser") is None:
                raise PostgresUnavailableError("running as root, but `runuser` is missing")
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailableError(
                    "running as root, but there is no 'postgres' user to run the server as"
                ) from None
        self.port = 0
        self.base: Path | None = None
        self._running = False

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> PostgresServer:
        atexit.register(self.stop)  # also when the session dies between start and teardown
        try:
            self.base = self._make_base_dir()
            self._initdb()
            for attempt in range(1, START_ATTEMPTS + 1):
                self.port = _free_port()
                if self._pg_ctl_start(last_attempt=attempt == START_ATTEMPTS):
                    break
            self._running = True
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop at once (nothing in it is worth a clean shutdown) and delete the files."""
        atexit.unregister(self.stop)
        if self._running:
            self._running = False
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", check=False)
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
            self.base = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- databases -------------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        """SQLAlchemy URL of one database of this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", *, autocommit: bool = False) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=dbname,
            autocommit=autocommit,
            connect_timeout=10,
        )

    def create_database(self, dbname: str | None = None) -> str:
        """Create an empty database (a fresh unique name unless given) and return its name."""
        dbname = dbname or f"test_{uuid.uuid4().hex[:16]}"
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        return dbname

    def drop_database(self, dbname: str) -> None:
        """Drop a database, closing whatever connections a test left open to it."""
        with self.connect(autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )

    @contextlib.contextmanager
    def fresh_database(self) -> Iterator[str]:
        """The URL of a new empty database, dropped afterwards."""
        dbname = self.create_database()
        try:
            yield self.url(dbname)
        finally:
            self.drop_database(dbname)

    # -- internals -------------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        assert self.base is not None, "server not started"
        return self.base / "data"

    def _make_base_dir(self) -> Path:
        base = Path(tempfile.mkdtemp(prefix="reviewer-pg-"))
        if self.as_root:
            shutil.chown(base, user="postgres")
        return base

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "-D", str(self.data_dir),
            "--auth=trust",
            "-U", "postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )  # fmt: skip
        settings = "".join(f"{key} = {value}\n" for key, value in SERVER_SETTINGS.items())
        with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\n# throwaway test server\n{settings}")

    def _pg_ctl_start(self, *, last_attempt: bool) -> bool:
        """Start on `self.port`; False when the port was taken meanwhile and another try is left."""
        assert self.base is not None
        log = self.base / "server.log"
        options = f"-c port={self.port} -c unix_socket_directories='{self.base}'"
        result = self._run(
            "pg_ctl", "start", "-D", str(self.data_dir), "-l", str(log), "-o", options,
            "-w", "-t", str(START_TIMEOUT_S),
            check=False,
        )  # fmt: skip
        if result.returncode == 0:
            return True
        log_text = log.read_text(errors="replace") if log.exists() else ""
        if not last_attempt and "could not bind" in log_text:
            return False
        raise RuntimeError(
            f"pg_ctl start failed (exit {result.returncode}):\n{result.stdout}\n"
            f"--- {log.name} ---\n{log_text}"
        )

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with self.connect() as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _run(self, program: str, *args: str, check: bool = True) -> _Completed:
        command = [str(self.bin_dir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command,
            cwd=self.base,  # as `postgres`, the caller's folder may not be readable
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=START_TIMEOUT_S + 30,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed (exit {result.returncode}):\n{result.stdout}")
        return result


@contextlib.contextmanager
def server_for_tests() -> Iterator[PostgresServer]:
    """A running server for a pytest session; skips (or fails, if required) when unavailable."""
    try:
        server = PostgresServer()
    except PostgresUnavailableError as exc:
        if os.environ.get("REVIEWER_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{exc} (REVIEWER_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(str(exc))
    with server:
        yield server
