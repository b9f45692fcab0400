"""Shared helpers for the queue-service tests: applications built by hand, the real service on a
loopback port (over a SQLite file or a PostgreSQL database), and logged-in `requests` sessions.

Everything here is real: `EmbeddedServer` runs the FastAPI app under uvicorn in a thread, the
database is a file in the test's `tmp_path` (or a fresh PostgreSQL database from
`tests/pgserver.py`), and clients talk HTTP through `requests`.

Registered as a pytest plugin by `tests/conftest.py`, so its fixtures are available everywhere.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from reviewer_app.core.models import (
    Application,
    Decision,
    Education,
    Employment,
    Language,
    MediaKind,
    MediaRef,
    Outcome,
    Profile,
    Revision,
)
from reviewer_app.core.wire import API_PREFIX, QueueItemOut
from reviewer_app.service import db
from reviewer_app.service.app import QueueService
from reviewer_app.service.auth import hash_password
from reviewer_app.service.seed import add_applications
from reviewer_app.service.server import EmbeddedServer
from reviewer_app.service.settings import ServiceSettings

PASSWORD = "s3cret-for-tests"
TIMEOUT = 30.0  # seconds; every request has one
# A fixed "now" for built data, so due times and decisions do not depend on the wall clock.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# The users most tests need; more are added per test with `add_users`.
REVIEWER, OTHER_REVIEWER, LEAD = "rita", "rob", "lena"
DEFAULT_USERS = ((REVIEWER, "reviewer"), (OTHER_REVIEWER, "reviewer"), (LEAD, "lead"))


# -- a clock the test moves ----------------------------------------------------------------------


class Clock:
    """The service's clock (`ServiceSettings(clock=...)`): an aware UTC time that only moves
    when the test says so. Thread safe, since the server calls it from its worker threads."""

    def __init__(self, start: datetime = T0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now


# -- applications built by hand ------------------------------------------------------------------


class FakeLocalClock:
    """The workstation's local clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def queue_item(app_id: str, due_at: datetime, **fields: Any) -> QueueItemOut:
    """A queue row due at `due_at` (submitted 24 hours before, unless `fields` say otherwise)."""
    values: dict[str, Any] = {
        "application_id": app_id,
        "applicant": f"Applicant {app_id}",
        "country": "Portugal",
        "main_skills": ["Go", "Rust"],
        "revision": 1,
        "submitted_at": due_at - timedelta(hours=24),
        "due_at": due_at,
        "flags": [],
        "held_by": None,
    }
    values.update(fields)
    return QueueItemOut.model_validate(values)


def make_profile(i: int, *, photo: MediaRef | None = None, complete: bool = True) -> Profile:
    """A plausible profile; `complete=False` leaves the overview thin and the history empty."""
    return Profile(
        first_name=f"Ann{i}",
        last_name="Lee",
        title="Senior Python Developer" if complete else "",
        overview=("I build reliable web services and data pipelines. " * 8) if complete else "hi",
        skills=("Python", "Django", "SQL"),
        hourly_rate=40.0 + i % 50,
        employment=(
            (
                Employment(
                    "Acme",
                    "Developer",
                    2018,
                    None,
                    "Built and ran the billing platform for many happy clients.",
                ),
            )
            if complete
            else ()
        ),
        education=(Education("Trinity College", "BSc", "Computer Science", 2010, 2014),),
        languages=(Language("English", "native"),),
        country="Ireland",
        date_of_birth=date(1990, 1, 1),
        photo=photo,
        video=None,
    )


def app_id(i: int) -> str:
    return f"APP-{i:06d}"


def make_application(
    i: int,
    now: datetime = T0,
    *,
    photo: MediaRef | None = None,
    earlier_decline: Decision | None = None,
) -> Application:
    """Application `APP-<i>`, submitted `i` minutes before `now` (so the lower `i`, the later
    it is due). With `earlier_decline`, revision 1 carries that decision and revision 2 is a
    resubmission pending now."""
    submitted = now - timedelta(minutes=i)
    current = make_profile(i, photo=photo)
    if earlier_decline is None:
        return Application(app_id(i), (Revision(1, submitted, current),))
    first = Revision(
        1, submitted - timedelta(days=3), make_profile(i, complete=False), earlier_decline
    )
    return Application(app_id(i), (first, Revision(2, submitted, current)))


def plain_applications(
    count: int, now: datetime = T0, start: int = 1
) -> Iterator[tuple[Application, dict[str, tuple[str, bytes]]]]:
    """`count` applications without media, ready for `seed.add_applications`."""
    for i in range(start, start + count):
        yield make_application(i, now), {}


def photo_media(data: bytes, content_type: str = "image/jpeg") -> tuple[MediaRef, bytes]:
    ref = MediaRef(hashlib.sha256(data).hexdigest(), MediaKind.PHOTO, content_type, len(data))
    return ref, data


def earlier_decline(i: int, reviewer: str = "veteran") -> Decision:
    return Decision(
        decision_id=f"seeded-{i:06d}-r1",
        application_id=app_id(i),
        revision=1,
        lease_version=1,
        outcome=Outcome.DECLINE,
        reason_codes=("incomplete_profile",),
        note="overview too thin",
        decided_at=T0 - timedelta(days=2),
        handling_ms=42_000,
        reviewer=reviewer,
    )


# -- the service ---------------------------------------------------------------------------------

_HASHES: dict[str, str] = {}
_HASHES_LOCK = threading.Lock()


def add_users(
    service: QueueService, users: Iterable[tuple[str, str]], password: str = PASSWORD
) -> None:
    """Create users (name, role). Like `auth.upsert_user`, but scrypt runs once per password
    rather than once per user (each hash costs ~50 ms), which matters for 16-user tests."""
    with _HASHES_LOCK:
        if password not in _HASHES:
            _HASHES[password] = hash_password(password)
        stored = _HASHES[password]
    with service.store.write() as session:
        for username, role in users:
            session.merge(
                db.User(
                    username=username,
                    display_name=username.title(),
                    role=role,
                    password_hash=stored,
                )
            )


def make_service(
    db_url: str, *, clock: Callable[[], datetime] | None = None, **settings: Any
) -> QueueService:
    if clock is not None:
        settings["clock"] = clock
    return QueueService(ServiceSettings(db_url=db_url, **settings))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class ServerErrors(logging.Filter):
    """Keeps the service's unhandled exceptions instead of letting uvicorn log them from its
    thread; `running()` prints them from the main thread when the service stops.

    Why: Python 3.11 formats a traceback's `^^^` markers with `ast.parse`, and the AST
    constructor's recursion counter is shared between threads (CPython gh-106905, pytest
    #10763). A traceback formatted in the server thread while pytest parses in the main thread
    ends the whole session with `INTERNALERROR> SystemError: AST constructor recursion depth
    mismatch`, so one 500 would hide every later result.
    """

    def __init__(self) -> None:
        super().__init__()
        self._records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info is None:
            return True
        with self._lock:
            self._records.append(record)
        return False

    def drain(self) -> list[str]:
        with self._lock:
            records, self._records = self._records, []
        return [
            record.getMessage() + "\n" + "".join(traceback.format_exception(*record.exc_info))
            for record in records
            if record.exc_info is not None
        ]


SERVER_ERRORS = ServerErrors()


class Api(requests.Session):
    """A `requests.Session` that prefixes the service's API base and always sets a timeout."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base.rstrip("/")
        self.username: str | None = None
        self.tokens: dict[str, Any] = {}

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", TIMEOUT)
        if isinstance(url, str) and url.startswith("/"):
            url = self.base + url
        return super().request(method, url, *args, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> Api:
        answer = self.post("/auth/login", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        self.tokens = answer.json()
        self.username = username
        self.headers["Authorization"] = f"Bearer {self.tokens['access_token']}"
        return self

    # -- the calls most tests make ---------------------------------------------------------------

    def claim(self, count: int = 1, *, offline: bool = False) -> list[dict[str, Any]]:
        answer = self.post("/claims", json={"count": count, "offline": offline})
        assert answer.status_code == 200, answer.text
        leases: list[dict[str, Any]] = answer.json()["leases"]
        return leases

    def decide(self, *decisions: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.post("/decisions", json={"decisions": list(decisions)})
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results


def decision_for(
    lease: dict[str, Any],
    outcome: str = "accept",
    reason_codes: Iterable[str] = (),
    *,
    note: str = "",
    decided_at: datetime = T0,
    decision_id: str | None = None,
    handling_ms: int = 12_345,
) -> dict[str, Any]:
    """A decision body for a lease as `/claims` gave it."""
    return {
        "decision_id": decision_id or str(uuid.uuid4()),
        "application_id": lease["application_id"],
        "revision": lease["revision"],
        "lease_version": lease["version"],
        "outcome": outcome,
        "reason_codes": list(reason_codes),
        "note": note,
        "decided_at": decided_at.isoformat(),
        "handling_ms": handling_ms,
    }


@dataclass
class Running:
    """A service over one database, served on loopback; `restart()` keeps the database."""

    db_url: str
    settings: dict[str, Any] = field(default_factory=dict)
    service: QueueService = field(init=False)
    server: EmbeddedServer = field(init=False)
    _clients: list[Api] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.service = make_service(self.db_url, **self.settings)

    def start(self) -> Running:
        self.server = EmbeddedServer(self.service)
        # After the server's uvicorn.Config, which (re)configures uvicorn's loggers.
        logging.getLogger("uvicorn.error").addFilter(SERVER_ERRORS)
        self.server.start()
        return self

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def base(self) -> str:
        return self.server.url + API_PREFIX

    @property
    def store(self) -> Any:
        return self.service.store

    def client(self, username: str | None = None, password: str = PASSWORD) -> Api:
        """A fresh session; logged in when a user name is given."""
        api = Api(self.base)
        self._clients.append(api)
        return api.login(username, password) if username else api

    def stop(self) -> None:
        for api in self._clients:
            api.close()
        self._clients.clear()
        self.server.stop()
        self.service.close()
        for error in SERVER_ERRORS.drain():
            print(f"--- the service failed a request ---\n{error}", file=sys.stderr)

    def restart(self) -> None:
        """Stop the server, drop the service, and start a new service on the same database
        (and a new port): what an operator's restart does."""
        self.stop()
        self.service = make_service(self.db_url, **self.settings)
        self.start()

    # -- looking into the database directly ------------------------------------------------------

    def count(self, table: type[db.Base]) -> int:
        with self.store.read() as session:
            return int(session.scalar(select(func.count()).select_from(table)) or 0)

    def add(self, applications: Iterable[tuple[Application, dict[str, tuple[str, bytes]]]]) -> int:
        return add_applications(self.store, applications, self.service.audit, T0)


@contextmanager
def running(
    db_url: str,
    *,
    users: Iterable[tuple[str, str]] = DEFAULT_USERS,
    applications: int = 0,
    **settings: Any,
) -> Iterator[Running]:
    run = Running(db_url, settings)
    try:
        add_users(run.service, users)
        if applications:
            run.add(plain_applications(applications))
        run.start()
    except BaseException:
        run.service.close()
        raise
    try:
        yield run
    finally:
        run.stop()


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database: a SQLite file in tmp_path, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "queue.sqlite3")
    url: str = request.getfixturevalue("postgres_db_url")
    return url


@pytest.fixture
def sqlite_db_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "queue.sqlite3")


@pytest.fixture
def tasks() -> Iterator[Any]:
    """A `TaskRunner` (worker threads for UI tests), shut down and joined afterwards."""
    from reviewer_app.ui.tasks import TaskRunner  # only the UI tests pull in Qt

    runner = TaskRunner(name="test")
    yield runner
    assert runner.shutdown(20_000)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def svc(sqlite_db_url: str, clock: Clock) -> Iterator[Running]:
    """The service over a fresh SQLite file with 20 applications, the default users and a
    clock the test moves."""
    with running(sqlite_db_url, applications=20, clock=clock) as run:
        yield run


@pytest.fixture
def svc_any(any_db_url: str, clock: Clock) -> Iterator[Running]:
    """Like `svc`, on SQLite and on PostgreSQL."""
    with running(any_db_url, applications=20, clock=clock) as run:
        yield run
