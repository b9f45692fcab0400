"""The queue client against the real service on loopback, and against fakes for what the real
service never does (hang, answer garbage, cut its answer off).

Every call has a timeout; every failure is one of the typed errors; the token never shows up in
an error's text or repr, in the client's repr, or in the log.
"""

from __future__ import annotations

import http.server
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from servicekit import (
    OTHER_REVIEWER,
    PASSWORD,
    REVIEWER,
    Clock,
    Running,
    decision_for,
    running,
    sqlite_url,
)

from reviewer_app.core.wire import DecisionIn
from reviewer_app.net import (
    AuthError,
    ConflictError,
    MalformedResponse,
    NetError,
    QueueClient,
    ServiceError,
    ServiceUnreachable,
)
from reviewer_app.net.errors import parse_retry_after
from reviewer_app.service.server import free_port

FAST = (1.0, 2.0)  # connect, read: the timeouts of the fault tests


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    with running(sqlite_url(tmp_path / "queue.sqlite3"), applications=12) as run:
        yield run


@pytest.fixture
def client(service: Running) -> Iterator[QueueClient]:
    with QueueClient(service.url, timeout=(3.05, 10)) as made:
        yield made


def _other(service: Running, username: str = OTHER_REVIEWER) -> QueueClient:
    other = QueueClient(service.url + "/api/v1")
    other.login(username, PASSWORD)
    return other


def _assert_secret_free(error: BaseException, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in str(error)
        assert secret not in repr(error)
        assert secret not in repr(error.args)


# -- the real service ----------------------------------------------------------------------------


def test_login_config_and_health(client: QueueClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="reviewer_app.net")
    assert client.health().status == "ok"
    assert not client.signed_in
    token = client.login(REVIEWER, PASSWORD)
    assert client.signed_in
    assert token.user.username == REVIEWER
    assert client.user is not None
    assert client.user.role == "reviewer"
    config = client.config()
    assert config.sla_hours == 24
    assert [code.code for code in config.reason_codes]
    for secret in (token.access_token, token.refresh_token, PASSWORD):
        assert secret not in repr(client)
        assert secret not in caplog.text


def test_queue_pages_follow_the_cursor(client: QueueClient) -> None:
    client.login(REVIEWER, PASSWORD)
    seen: list[str] = []
    page = client.queue_page(limit=5)
    pages = 1
    seen += [item.application_id for item in page.items]
    while page.has_more:
        page = client.queue_page(since=page.next_cursor, limit=5)
        seen += [item.application_id for item in page.items]
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 12
    assert client.queue_page(since=page.next_cursor).items == []


def test_delta_shows_claims_and_decisions(service: Running, client: QueueClient) -> None:
    client.login(REVIEWER, PASSWORD)
    cursor = client.queue_page(limit=500).next_cursor
    other = _other(service)
    try:
        claims = other.claim(2)
        delta = client.queue_page(since=cursor)
        held = {item.application_id: item.held_by for item in delta.items}
        assert held == {lease.application_id: OTHER_REVIEWER for lease in claims.leases}

        lease = claims.leases[0]
        decision = DecisionIn.model_validate(decision_for(lease.model_dump(mode="json"), "accept"))
        results = other.post_decisions([decision])
        assert [r.status for r in results.results] == ["accepted"]
        again = client.queue_page(since=delta.next_cursor)
        assert again.removed == [lease.application_id]
    finally:
        other.close()


def test_claim_heartbeat_release_application_and_demand(client: QueueClient) -> None:
    client.login(REVIEWER, PASSWORD)
    claims = client.claim(1)
    (lease,) = claims.leases
    renewed = client.heartbeat(lease.application_id, lease.version)
    assert renewed.version == lease.version
    assert renewed.expires_at >= lease.expires_at
    detail = client.application(lease.application_id)
    assert detail.held_by == REVIEWER
    assert detail.revisions[-1].profile.skills
    client.release(lease.application_id, lease.version)
    assert client.application(lease.application_id).held_by is None
    demand = client.demand(["Python", "Klingon poetry"])
    assert [s.skill for s in demand.skills] == ["Python", "Klingon poetry"]
    assert demand.skills[1].known is False


def test_wrong_password_is_an_auth_error(client: QueueClient) -> None:
    with pytest.raises(AuthError) as caught:
        client.login(REVIEWER, "not-the-password-4711")
    assert caught.value.status == 401
    assert "wrong user name or password" in caught.value.detail
    _assert_secret_free(caught.value, "not-the-password-4711")
    assert not client.signed_in


def test_signed_out_calls_fail_before_the_network(client: QueueClient) -> None:
    with pytest.raises(AuthError, match="not signed in"):
        client.queue_page()


def test_expired_access_token_is_refreshed_once(tmp_path: Path) -> None:
    clock = Clock()
    url = sqlite_url(tmp_path / "queue.sqlite3")
    with (
        running(url, applications=3, clock=clock, access_token_seconds=60) as run,
        QueueClient(run.url) as client,
    ):
        first = client.login(REVIEWER, PASSWORD)
        clock.advance(minutes=5)  # the access token has expired, the refresh token has not
        assert len(client.queue_page().items) == 3
        # The refresh token is single use: the old one no longer works. Sign out after a
        # refresh token expiry too.
        clock.advance(days=60)
        with pytest.raises(AuthError) as caught:
            client.config()
        _assert_secret_free(caught.value, first.access_token, first.refresh_token)


def test_stale_lease_is_a_conflict(service: Running, client: QueueClient) -> None:
    token = client.login(REVIEWER, PASSWORD)
    (lease,) = client.claim(1).leases
    client.release(lease.application_id, lease.version)
    other = _other(service)
    try:
        other.claim(1)  # the same application again: a new lease version
    finally:
        other.close()
    with pytest.raises(ConflictError) as caught:
        client.heartbeat(lease.application_id, lease.version)
    assert caught.value.status == 409
    assert "lease lost" in caught.value.detail
    assert isinstance(caught.value, ServiceError)
    _assert_secret_free(caught.value, token.access_token, token.refresh_token)


def test_unknown_application_is_a_service_error(client: QueueClient) -> None:
    token = client.login(REVIEWER, PASSWORD)
    with pytest.raises(ServiceError) as caught:
        client.application("APP-999999")
    error = caught.value
    assert type(error) is ServiceError
    assert error.status == 404
    assert "APP-999999" in error.detail
    _assert_secret_free(error, token.access_token)
    # Path segments are quoted: a slash in an id is not a different route.
    with pytest.raises(ServiceError) as caught:
        client.application("../auth/login")
    assert caught.value.status == 404


def test_refused_cursor_is_a_400(client: QueueClient) -> None:
    client.login(REVIEWER, PASSWORD)
    with pytest.raises(ServiceError) as caught:
        client.queue_page(since="zzz")
    assert caught.value.status == 400


# -- no service, a hanging service ---------------------------------------------------------------


def test_closed_port_is_unreachable_at_once() -> None:
    port = free_port()
    started = time.monotonic()
    with (
        QueueClient(f"http://127.0.0.1:{port}", timeout=FAST) as client,
        pytest.raises(ServiceUnreachable, match="connection refused"),
    ):
        client.health()
    assert time.monotonic() - started < FAST[0]


class HangingServer:
    """A fake: a loopback socket that accepts connections and never answers."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        self._socket.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self._held.append(connection)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for connection in self._held:
            connection.close()
        self._socket.close()


def test_hanging_service_ends_within_the_read_timeout() -> None:
    hanging = HangingServer()
    try:
        with QueueClient(f"http://127.0.0.1:{hanging.port}", timeout=(1.0, 0.5)) as client:
            started = time.monotonic()
            with pytest.raises(ServiceUnreachable, match=r"did not answer /health within 0\.5 s"):
                client.health()
            assert time.monotonic() - started < 2.0
    finally:
        hanging.close()


# -- a fake HTTP service for answers the real one never gives ------------------------------------

Responder = Callable[[http.server.BaseHTTPRequestHandler], None]


class FakeService:
    """A fake queue service: a tiny HTTP server on loopback whose answers the test scripts."""

    def __init__(self) -> None:
        self.routes: dict[str, Responder] = {}
        self.stop = threading.Event()
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _route(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                responder = routes.get(path)
                if responder is None:
                    send(self, 404, b'{"detail": "no such route in the fake"}')
                else:
                    responder(self)

            do_GET = do_POST = do_DELETE = _route

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


def send(
    handler: http.server.BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    length: int | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body) if length is None else length))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    handler.wfile.flush()
    handler.close_connection = True


@pytest.fixture
def fake() -> Iterator[FakeService]:
    made = FakeService()
    yield made
    made.close()


@pytest.fixture
def fake_client(fake: FakeService) -> Iterator[QueueClient]:
    with QueueClient(fake.url, timeout=FAST) as made:
        yield made


HEALTH = (
    b'{"status": "ok", "version": "9", "database": "sqlite", "server_time": "2026-03-02T09:00:00Z"}'
)


def test_fake_baseline_parses(fake: FakeService, fake_client: QueueClient) -> None:
    client = fake_client
    fake.routes["/api/v1/health"] = lambda h: send(h, 200, HEALTH)
    assert client.health().version == "9"


def test_malformed_json_is_malformed_response(fake: FakeService, fake_client: QueueClient) -> None:
    client = fake_client
    fake.routes["/api/v1/health"] = lambda h: send(h, 200, b"<html>proxy error</html>")
    with pytest.raises(MalformedResponse, match="not valid JSON"):
        client.health()


def test_truncated_body_is_malformed_response(fake: FakeService, fake_client: QueueClient) -> None:
    client = fake_client
    # Content-Length promises the whole answer; the connection closes half-way.
    fake.routes["/api/v1/health"] = lambda h: send(h, 200, HEALTH[:40], length=len(HEALTH))
    started = time.monotonic()
    with pytest.raises(MalformedResponse, match="cut off"):
        client.health()
    assert time.monotonic() - started < sum(FAST)


def test_schema_mismatch_names_the_field_but_not_the_token(
    fake: FakeService, fake_client: QueueClient
) -> None:
    client = fake_client
    secret = "tok-0123456789-secret"
    body = json.dumps({"access_token": secret, "refresh_token": secret + "-r"}).encode()
    fake.routes["/api/v1/auth/login"] = lambda h: send(h, 200, body)
    with pytest.raises(MalformedResponse, match="does not match the contract") as caught:
        client.login("someone", "pw-123456")
    assert "expires_at" in str(caught.value)
    _assert_secret_free(caught.value, secret, "pw-123456")
    assert caught.value.__cause__ is None
    assert not client.signed_in


def test_server_error_keeps_detail_status_and_retry_after(
    fake: FakeService, fake_client: QueueClient
) -> None:
    client = fake_client
    fake.routes["/api/v1/health"] = lambda h: send(
        h, 503, b'{"detail": "the database is busy"}', headers={"Retry-After": "7"}
    )
    with pytest.raises(ServiceError) as caught:
        client.health()
    assert caught.value.status == 503
    assert caught.value.detail == "the database is busy"
    assert caught.value.retry_after == 7.0
    assert "503" in str(caught.value)


def test_non_json_error_page_becomes_a_short_detail(
    fake: FakeService, fake_client: QueueClient
) -> None:
    client = fake_client
    page = b"<html><body>" + b"Bad gateway " * 200 + b"</body></html>"
    fake.routes["/api/v1/health"] = lambda h: send(h, 502, page)
    with pytest.raises(ServiceError) as caught:
        client.health()
    assert caught.value.status == 502
    assert caught.value.detail.startswith("<html><body>Bad gateway")
    assert len(caught.value.detail) <= 500


def test_trickling_answer_ends_within_the_budget(fake: FakeService) -> None:
    def trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.flush()
        # A byte every 0.2 s: each read is well inside the read timeout, the whole is not.
        while not fake.stop.wait(0.2):
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
        handler.close_connection = True

    fake.routes["/api/v1/health"] = trickle
    with QueueClient(fake.url, timeout=(0.5, 1.0)) as client:
        started = time.monotonic()
        with pytest.raises(
            ServiceUnreachable, match=r"did not finish answering /health within 1\.5 s"
        ):
            client.health()
        assert time.monotonic() - started < 1.5 + 1.0


def test_dripping_status_line_ends_within_the_budget(fake: FakeService) -> None:
    """Even before the headers are complete, where a read timeout never fires."""

    def drip(handler: http.server.BaseHTTPRequestHandler) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
            if fake.stop.wait(0.2):
                return
            try:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            except OSError:
                return
        handler.close_connection = True

    fake.routes["/api/v1/health"] = drip
    with QueueClient(fake.url, timeout=(0.5, 1.0)) as client:
        started = time.monotonic()
        with pytest.raises(ServiceUnreachable, match="did not finish answering"):
            client.health()
        assert time.monotonic() - started < 1.5 + 1.0


def test_every_error_is_a_net_error() -> None:
    for kind in (ServiceUnreachable, MalformedResponse, AuthError, ConflictError, ServiceError):
        assert issubclass(kind, NetError)
    assert repr(ServiceError(500, "x", 2.0)) == (
        "ServiceError(status=500, detail='x', retry_after=2.0)"
    )


def test_retry_after_forms() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Mon, 02 Mar 2026 09:00:30 GMT", now) == 30.0
    assert parse_retry_after("Mon, 02 Mar 2026 08:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert timedelta(seconds=parse_retry_after("3") or 0) == timedelta(seconds=3)


def test_client_refuses_a_non_http_address() -> None:
    with pytest.raises(ValueError, match="not an http"):
        QueueClient("ftp://example.org")


# -- media download ------------------------------------------------------------------------------

PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg " * 3000  # ~90 KB: several chunks


@pytest.fixture
def media_service(tmp_path: Path) -> Iterator[tuple[Running, str, Clock]]:
    """The real service with one application whose photo is PHOTO; the clock the test moves."""
    from servicekit import make_application, photo_media

    clock = Clock()
    ref, data = photo_media(PHOTO)
    url = sqlite_url(tmp_path / "queue.sqlite3")
    with running(url, clock=clock, access_token_seconds=60) as run:
        run.add([(make_application(1, photo=ref), {ref.sha256: (ref.content_type, data)})])
        yield run, ref.sha256, clock


def test_download_media_streams_the_bytes_into_the_sink(
    media_service: tuple[Running, str, Clock],
) -> None:
    import io

    run, sha, _ = media_service
    with QueueClient(run.url, timeout=(3.0, 10.0)) as client:
        client.login(REVIEWER, PASSWORD)
        sink = io.BytesIO()
        assert client.download_media(sha, sink, len(PHOTO)) == len(PHOTO)
        assert sink.getvalue() == PHOTO


def test_download_media_refreshes_an_expired_token_once(
    media_service: tuple[Running, str, Clock],
) -> None:
    import io

    run, sha, clock = media_service
    with QueueClient(run.url, timeout=(3.0, 10.0)) as client:
        client.login(REVIEWER, PASSWORD)
        clock.advance(minutes=5)  # the access token has expired, the refresh token has not
        sink = io.BytesIO()
        assert client.download_media(sha, sink, 10 * len(PHOTO)) == len(PHOTO)
        assert sink.getvalue() == PHOTO  # the refused first try wrote nothing into the sink


def test_download_media_refuses_more_than_max_bytes(
    media_service: tuple[Running, str, Clock],
) -> None:
    import io

    from reviewer_app.net.errors import MediaTooLarge

    run, sha, _ = media_service
    with QueueClient(run.url, timeout=(3.0, 10.0)) as client:
        client.login(REVIEWER, PASSWORD)
        sink = io.BytesIO()
        with pytest.raises(MediaTooLarge, match="larger than the 1,000 bytes") as caught:
            client.download_media(sha, sink, 1000)
        assert isinstance(caught.value, MalformedResponse)  # a typed NetError
        assert caught.value.declared == len(PHOTO)
        assert sink.getvalue() == b""  # refused on the announced length, before any byte


def test_download_media_unknown_hash_is_a_404_and_writes_nothing(
    media_service: tuple[Running, str, Clock],
) -> None:
    import io

    run, _, _ = media_service
    with QueueClient(run.url, timeout=(3.0, 10.0)) as client:
        client.login(REVIEWER, PASSWORD)
        sink = io.BytesIO()
        with pytest.raises(ServiceError) as caught:
            client.download_media("0" * 64, sink, 10_000)
        assert caught.value.status == 404
        assert sink.getvalue() == b""


def test_download_media_checks_the_hash_shape_before_the_network(fake: FakeService) -> None:
    import io

    with QueueClient(fake.url, timeout=FAST) as client:
        for bad in ("", "../auth/login", "A" * 64, "0" * 63, "0" * 64 + "/x"):
            with pytest.raises(ValueError, match="SHA-256"):
                client.download_media(bad, io.BytesIO(), 100)


def _unannounced(body: bytes, pause: float = 0.0) -> Responder:
    """An answer without Content-Length: the body ends when the connection closes."""

    def respond(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        for start in range(0, len(body), 4096):
            if pause and fake_stop.wait(pause):
                return
            try:
                handler.wfile.write(body[start : start + 4096])
                handler.wfile.flush()
            except OSError:
                return
        handler.close_connection = True

    return respond


fake_stop = threading.Event()


def _signed_in(fake: FakeService, timeout: tuple[float, float]) -> QueueClient:
    token = {
        "access_token": "a-token-for-the-fake",
        "refresh_token": "r-token-for-the-fake",
        "token_type": "bearer",
        "expires_at": "2026-03-02T10:00:00Z",
        "expires_in": 3600,
        "refresh_expires_at": "2026-03-09T10:00:00Z",
        "user": {"username": "rita", "display_name": "Rita", "role": "reviewer"},
    }
    fake.routes["/api/v1/auth/login"] = lambda h: send(h, 200, json.dumps(token).encode())
    client = QueueClient(fake.url, timeout=timeout)
    client.login("rita", "pw-123456")
    return client


def test_download_media_refuses_an_unannounced_body_past_max_bytes(fake: FakeService) -> None:
    import io

    from reviewer_app.net.errors import MediaTooLarge

    sha = "ab" * 32
    fake.routes[f"/api/v1/media/{sha}"] = _unannounced(b"x" * 50_000)
    with _signed_in(fake, FAST) as client:
        sink = io.BytesIO()
        with pytest.raises(MediaTooLarge):
            client.download_media(sha, sink, 20_000)
        assert len(sink.getvalue()) <= 20_000
        # Under the limit the same answer comes through whole.
        sink = io.BytesIO()
        assert client.download_media(sha, sink, 50_000) == 50_000


def test_download_media_that_drips_ends_within_the_budget(fake: FakeService) -> None:
    import io

    sha = "cd" * 32
    fake_stop.clear()
    fake.routes[f"/api/v1/media/{sha}"] = _unannounced(b"y" * 400_000, pause=0.2)
    try:
        with _signed_in(fake, (0.5, 1.0)) as client:
            started = time.monotonic()
            with pytest.raises(ServiceUnreachable, match="did not finish answering"):
                client.download_media(sha, io.BytesIO(), 1_000_000)
            # connect + read + 1 MB at the slowest rate allowed (~1 s): about 2.5 s
            assert time.monotonic() - started < 2.5 + 1.0
    finally:
        fake_stop.set()


@pytest.mark.parametrize("bad", ["", ".", ".."])
def test_dot_and_empty_ids_are_refused_before_the_network(fake: FakeService, bad: str) -> None:
    with _signed_in(fake, FAST) as client:
        calls: list[Callable[[], object]] = [
            lambda: client.application(bad),
            lambda: client.heartbeat(bad, 1),
            lambda: client.release(bad, 1),
        ]
        for call in calls:
            with pytest.raises(ValueError, match="cannot be an id"):
                call()
