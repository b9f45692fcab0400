"""The queue service's HTTP client (API v1) on one `requests.Session`.

Every call has a connect and a read timeout and a whole-call budget of both together
(`net/deadline.py`: a server that drips its answer is cut off too); every answer
is parsed into the contract's models (`reviewer_app.core.wire`), so a malformed or truncated
answer is a `MalformedResponse` here rather than a crash later. Failures are the typed errors of
`reviewer_app.net.errors`. No retries happen here (the outbox owns retrying decisions), except one:
a 401 on a signed-in call refreshes the access token once and repeats the call.

The tokens are kept in memory on the client only; they never appear in its repr, in an error's
text or in the log. One client may be shared by background workers: the session holds no
per-call state (no cookies are used; urllib3's connection pool is thread-safe), and refreshing
the token is serialised by a lock.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar
from urllib.parse import quote, urlsplit

import requests
import urllib3
from pydantic import BaseModel, ValidationError

from reviewer_app import __version__
from reviewer_app.core.wire import (
    API_PREFIX,
    ApplicationOut,
    ClaimsOut,
    ConfigOut,
    DecisionIn,
    DecisionResultsOut,
    DemandOut,
    HealthOut,
    LeaseOut,
    QueuePageOut,
    TokenOut,
    UserOut,
)
from reviewer_app.net.deadline import CallDeadline, DeadlineAdapter
from reviewer_app.net.errors import (
    AuthError,
    ConflictError,
    MalformedResponse,
    MediaTooLarge,
    ServiceError,
    ServiceUnreachable,
    parse_retry_after,
)

log = logging.getLogger("reviewer_app.net")

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 15.0)
# The largest answer read into memory. A full queue page of 1000 items is about 0.4 MB.
MAX_BODY_BYTES = 32 * 1024 * 1024
_CHUNK = 64 * 1024
# A media download's whole-call budget grows with the bytes it may bring: the timeouts' sum plus
# the time `max_bytes` takes at this rate (a slow but working line), so a big video is not cut
# off while a server that drips its answer still is.
MEDIA_MIN_BYTES_PER_SECOND = 1024 * 1024

M = TypeVar("M", bound=BaseModel)


class QueueClient:
    """A signed-in session with the queue service at `base_url` (`http://host:port`, with or
    without the `/api/v1` prefix)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        root = base_url.rstrip("/")
        if not root.endswith(API_PREFIX):
            root += API_PREFIX
        parts = urlsplit(root)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) address of a queue service: {base_url!r}")
        self._api = root
        self._host = parts.hostname
        self._timeout = (float(timeout[0]), float(timeout[1]))
        self._session = session or requests.Session()
        adapter = DeadlineAdapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["User-Agent"] = f"reviewer-app/{__version__}"
        self._session.headers["Accept"] = "application/json"
        if _is_loopback(parts.hostname):
            # Never send loopback traffic through a proxy from the environment, and never let
            # ~/.netrc put its own Authorization header on the request.
            self._session.trust_env = False
        self._access_token: str | None = None
        self._refresh_token: str | None = None
        self._user: UserOut | None = None
        self._token_lock = threading.Lock()
        # Called (on whichever thread got them) with every new pair of tokens, so that a
        # remembered sign-in can keep the keyring's copy current: refresh tokens are single use.
        self.on_tokens: Callable[[str, str], None] | None = None

    # -- state -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The API root, e.g. `http://127.0.0.1:8400/api/v1`."""
        return self._api

    @property
    def timeout(self) -> tuple[float, float]:
        return self._timeout

    @property
    def signed_in(self) -> bool:
        return self._access_token is not None

    @property
    def user(self) -> UserOut | None:
        return self._user

    def sign_out(self) -> None:
        """Forget the tokens (the service lets them expire)."""
        with self._token_lock:
            self._access_token = self._refresh_token = None
            self._user = None

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> QueueClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        who = self._user.username if self._user else None
        return f"QueueClient({self._api!r}, signed_in={self.signed_in}, user={who!r})"

    # -- the API -----------------------------------------------------------------------------
    def health(self) -> HealthOut:
        return self._parse(HealthOut, self._call("GET", "/health", auth=False), "/health")

    def login(self, username: str, password: str) -> TokenOut:
        """Sign in. The tokens are kept on the client; the caller must not log the result."""
        body = self._call(
            "POST",
            "/auth/login",
            payload={"username": username, "password": password},
            auth=False,
        )
        token = self._parse(TokenOut, body, "/auth/login")
        self._keep(token)
        log.info("signed in to %s as %s", self._api, token.user.username)
        return token

    def resume(self, refresh_token: str) -> TokenOut:
        """Sign in again with a refresh token kept from an earlier session (the keyring's), no
        password. An expired or used token is an `AuthError`: ask for the password then."""
        if not refresh_token:
            raise AuthError(401, "no remembered sign-in")
        with self._token_lock:
            self._refresh_token = refresh_token
            try:
                token = self._refresh_locked()
            except BaseException:
                self._refresh_token = None
                raise
        log.info("signed in to %s as %s (remembered)", self._api, token.user.username)
        return token

    def refresh(self) -> TokenOut:
        """A new access token from the refresh token (which is single use)."""
        with self._token_lock:
            return self._refresh_locked()

    def config(self) -> ConfigOut:
        return self._parse(ConfigOut, self._authed("GET", "/config"), "/config")

    def queue_page(self, since: str | None = None, limit: int = 500) -> QueuePageOut:
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        return self._parse(QueuePageOut, self._authed("GET", "/queue", params=params), "/queue")

    def claim(self, count: int, offline: bool = False) -> ClaimsOut:
        body = self._authed("POST", "/claims", payload={"count": count, "offline": offline})
        return self._parse(ClaimsOut, body, "/claims")

    def heartbeat(self, app_id: str, version: int) -> LeaseOut:
        path = f"/claims/{_segment(app_id)}/heartbeat"
        return self._parse(LeaseOut, self._authed("POST", path, payload={"version": version}), path)

    def release(self, app_id: str, version: int) -> None:
        self._authed(
            "DELETE", f"/claims/{_segment(app_id)}", params={"version": version}, expect=(204,)
        )

    def application(self, app_id: str) -> ApplicationOut:
        path = f"/applications/{_segment(app_id)}"
        return self._parse(ApplicationOut, self._authed("GET", path), path)

    def demand(self, skills: Sequence[str]) -> DemandOut:
        params = {"skills": ",".join(skills)}
        return self._parse(DemandOut, self._authed("GET", "/demand", params=params), "/demand")

    def post_decisions(self, decisions: Sequence[DecisionIn]) -> DecisionResultsOut:
        payload = {"decisions": [d.model_dump(mode="json") for d in decisions]}
        body = self._authed("POST", "/decisions", payload=payload)
        return self._parse(DecisionResultsOut, body, "/decisions")

    def download_media(self, sha256: str, sink: IO[bytes], max_bytes: int) -> int:
        """Stream the bytes of media `sha256` (`GET /media/{sha256}`) into `sink`; returns the
        number of bytes written. An answer larger than `max_bytes` (declared or as it arrives)
        is refused with `MediaTooLarge`. The hash is not checked here: the caller writes into
        `MediaCache.incoming()`, which checks it before the file lands. On any error the sink may
        hold part of the bytes; the caller throws them away."""
        if _SHA256.fullmatch(sha256) is None:
            raise ValueError("not a SHA-256 digest in lower-case hex")
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        download = _Download(sink, max_bytes)
        self._authed("GET", f"/media/{sha256}", download=download)
        return download.written

    # -- plumbing ----------------------------------------------------------------------------
    def _keep(self, token: TokenOut) -> None:
        self._access_token = token.access_token
        self._refresh_token = token.refresh_token
        self._user = token.user
        if self.on_tokens is not None:
            try:
                self.on_tokens(token.access_token, token.refresh_token)
            except Exception as error:  # keeping a copy must never break the call
                log.warning("could not keep the new tokens: %s", type(error).__name__)

    def _refresh_locked(self) -> TokenOut:
        if self._refresh_token is None:
            raise AuthError(401, "not signed in")
        body = self._call(
            "POST", "/auth/refresh", payload={"refresh_token": self._refresh_token}, auth=False
        )
        token = self._parse(TokenOut, body, "/auth/refresh")
        self._keep(token)
        log.info("access token refreshed for %s", token.user.username)
        return token

    def _authed(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        payload: Any = None,
        expect: tuple[int, ...] = (200,),
        download: _Download | None = None,
    ) -> bytes:
        used = self._access_token
        try:
            return self._call(
                method,
                path,
                params=params,
                payload=payload,
                expect=expect,
                token=used,
                download=download,
            )
        except AuthError:
            if used is None or self._refresh_token is None:
                raise
        # The access token expired (or was revoked): refresh once, unless another worker has
        # already done so meanwhile, then repeat the call. The first call was refused before
        # anything happened, so repeating it is safe (a download's sink has not been written:
        # an error answer is read into memory, never into the sink).
        with self._token_lock:
            if self._access_token == used:
                self._refresh_locked()
        return self._call(
            method,
            path,
            params=params,
            payload=payload,
            expect=expect,
            token=self._access_token,
            download=download,
        )

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        payload: Any = None,
        expect: tuple[int, ...] = (200,),
        auth: bool = True,
        token: str | None = None,
        download: _Download | None = None,
    ) -> bytes:
        """One request. The answer's body is returned, or, for a `download` with an expected
        status, streamed into its sink (and b"" returned)."""
        headers: dict[str, str] = {}
        if auth:
            if token is None:
                raise AuthError(401, "not signed in")
            headers["Authorization"] = f"Bearer {token}"
        url = self._api + path
        connect, read = self._timeout
        budget = connect + read
        if download is not None:
            headers["Accept"] = "*/*"
            budget += download.max_bytes / MEDIA_MIN_BYTES_PER_SECOND
        too_slow = (
            f"the queue service at {self._host} did not finish answering {path} within {budget:g} s"
        )
        started = time.monotonic()
        deadline = CallDeadline(budget)
        try:
            with (
                deadline,
                self._session.request(
                    method,
                    url,
                    params=params,
                    json=payload,
                    headers=headers,
                    timeout=self._timeout,
                    stream=True,
                    allow_redirects=False,
                ) as response,
            ):
                status = response.status_code
                retry_after = response.headers.get("Retry-After")
                if download is not None and status in expect:
                    body = b""
                    download.receive(response, path, deadline)
                else:
                    body = _read_body(response, path, deadline)
        except requests.exceptions.ConnectTimeout:
            raise ServiceUnreachable(
                f"the queue service at {self._host} did not accept a connection "
                f"within {connect:g} s"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise ServiceUnreachable(
                f"the queue service at {self._host} did not answer {path} within {read:g} s"
            ) from None
        except (
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ):
            if deadline.expired:
                raise ServiceUnreachable(too_slow) from None
            raise MalformedResponse(
                f"the queue service's answer to {path} was cut off or garbled"
            ) from None
        except requests.exceptions.ConnectionError as error:
            if deadline.expired:
                raise ServiceUnreachable(too_slow) from None
            raise ServiceUnreachable(
                f"cannot reach the queue service at {self._host}: {_reason(error)}"
            ) from None
        except requests.exceptions.RequestException as error:
            raise ServiceUnreachable(
                f"cannot talk to the queue service at {self._host} ({type(error).__name__})"
            ) from None
        if deadline.expired:
            raise ServiceUnreachable(too_slow)
        log.debug("%s %s -> %s in %.0f ms", method, path, status, _ms(started))
        if status in expect:
            return body
        detail = _detail(body) or f"HTTP {status}"
        if status == 401:
            raise AuthError(status, detail)
        if status == 409:
            raise ConflictError(status, detail, parse_retry_after(retry_after))
        if 300 <= status < 400:
            raise MalformedResponse(f"the queue service redirected {path} ({status})")
        raise ServiceError(status, detail, parse_retry_after(retry_after))

    @staticmethod
    def _parse(model: type[M], body: bytes, what: str) -> M:
        try:
            return model.model_validate_json(body)
        except ValidationError as error:
            # Not chained, and no input in the text: the input may hold a token.
            problems = error.errors(include_input=False, include_url=False, include_context=False)
            if any(p["type"] == "json_invalid" for p in problems):
                raise MalformedResponse(
                    f"the queue service's answer to {what} is not valid JSON "
                    f"({len(body)} bytes; cut off?)"
                ) from None
            summary = "; ".join(
                f"{'.'.join(str(part) for part in p['loc']) or 'body'}: {p['msg']}"
                for p in problems[:3]
            )
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise MalformedResponse(
                f"the queue service's answer to {what} does not match the contract: {summary}{more}"
            ) from None


def _read_body(
    response: requests.Response, path: str, deadline: CallDeadline | None = None
) -> bytes:
    """The whole body, up to the size limit. (`read1` returns what one receive brings;
    `iter_content` would wait for whole chunks.) The deadline is checked between reads too:
    with `Connection: close` it cannot reach the socket once the headers are read."""
    chunks: list[bytes] = []
    size = 0
    raw = response.raw
    try:
        while True:
            chunk = raw.read1(_CHUNK, decode_content=True)
            if deadline is not None and deadline.expired:
                raise requests.exceptions.ConnectionError("the call's deadline passed")
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise MalformedResponse(
                    f"the queue service's answer to {path} is larger than "
                    f"{MAX_BODY_BYTES // (1024 * 1024)} MB"
                )
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise requests.exceptions.ReadTimeout() from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError):
        raise requests.exceptions.ChunkedEncodingError() from None
    return b"".join(chunks)


@dataclass
class _Download:
    """Where a download's bytes go, and how many may come."""

    sink: IO[bytes]
    max_bytes: int
    written: int = 0

    def receive(self, response: requests.Response, path: str, deadline: CallDeadline) -> None:
        """Stream the body into the sink. Like `_read_body`, with `read1` rather than
        `iter_content`: `iter_content` waits until a whole chunk has come, so a server dripping
        its answer would hold one chunk for as long as it likes, and when it answers with
        `Connection: close` the deadline cannot reach the socket (http.client lets go of it).
        `read1` returns what each receive brings, so the deadline is checked between reads;
        the read timeout bounds each wait."""
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise MediaTooLarge(path, self.max_bytes, int(declared))
        raw = response.raw
        try:
            while True:
                chunk = raw.read1(_CHUNK, decode_content=True)
                if deadline.expired:
                    raise requests.exceptions.ConnectionError("the call's deadline passed")
                if not chunk:
                    return
                if self.written + len(chunk) > self.max_bytes:
                    raise MediaTooLarge(path, self.max_bytes)
                self.sink.write(chunk)
                self.written += len(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            raise requests.exceptions.ReadTimeout() from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError):
            raise requests.exceptions.ChunkedEncodingError() from None


def _detail(body: bytes) -> str:
    """The service's `detail` text from an error answer, else a short plain-text excerpt."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        text = data["detail"]
    else:
        text = body[:300].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text[:500]


def _reason(error: requests.exceptions.ConnectionError) -> str:
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if "timed out" in text or "timeout" in text:
        return "timed out"
    if "name or service not known" in text or "nodename nor servname" in text:
        return "unknown host name"
    if "reset" in text:
        return "connection reset"
    if "remotedisconnected" in text or "aborted" in text:
        return "the connection was closed before an answer came"
    return "connection failed"


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _segment(value: str) -> str:
    """`value` as exactly one percent-encoded path segment. "", "." and ".." cannot be one
    (an empty segment or a dot segment changes the path, and HTTP libraries resolve them)."""
    if value in ("", ".", ".."):
        raise ValueError(f"{value!r} cannot be an id in a request path")
    return quote(value, safe="")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
