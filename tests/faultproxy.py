"""A small fault-injecting HTTP proxy on loopback, in front of the real queue service.

Each client connection carries one request: the proxy reads it, (usually) forwards it to the
service with `Connection: close`, reads the whole answer, and then gives the client what the
current mode says — the real answer, or a broken one. Forwarding before breaking matters: the
service may have recorded a decision whose answer the client never sees, which is exactly the
case the outbox's idempotency key is for.

Modes (`FaultProxy.mode`):
- PASS: the real answer.
- REFUSE: nothing listens on the port (the listening socket is closed): connection refused.
- RESET_MID_BODY: forwards; sends the headers and half the body, then a TCP reset.
- HANG: forwards; then never answers (the connection stays open until the client gives up).
- DRIP: forwards; sends the answer one byte at a time, `drip_interval` apart (each byte comes
  well inside a read timeout, the whole answer far outside any sensible budget).
- STATUS_500: answers 500 itself, without forwarding.
- STATUS_503: answers 503 with `Retry-After: <retry_after>` itself, without forwarding.
- MALFORMED_JSON: forwards; replaces the body with broken JSON (correct Content-Length).
- TRUNCATED: forwards; keeps the real Content-Length but sends half the body, then closes.
"""

from __future__ import annotations

import contextlib
import enum
import socket
import struct
import threading
import time
from types import TracebackType


class Mode(enum.StrEnum):
    PASS = "pass"
    REFUSE = "refuse"
    RESET_MID_BODY = "reset_mid_body"
    HANG = "hang"
    DRIP = "drip"
    STATUS_500 = "status_500"
    STATUS_503 = "status_503"
    MALFORMED_JSON = "malformed_json"
    TRUNCATED = "truncated"


FORWARDING = {
    Mode.PASS,
    Mode.RESET_MID_BODY,
    Mode.HANG,
    Mode.DRIP,
    Mode.MALFORMED_JSON,
    Mode.TRUNCATED,
}

_IO_TIMEOUT = 10.0


def _read_request(conn: socket.socket) -> bytes | None:
    """One HTTP/1.1 request (headers and a Content-Length body), or None on EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _with_connection_close(request: bytes) -> bytes:
    head, _, body = request.partition(b"\r\n\r\n")
    lines = [
        line
        for line in head.split(b"\r\n")
        if line.split(b":", 1)[0].strip().lower() not in (b"connection", b"keep-alive")
    ]
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _response(status: int, reason: str, body: bytes, extra: dict[str, str] | None = None) -> bytes:
    headers = {
        "content-type": "application/json",
        "content-length": str(len(body)),
        "connection": "close",
        **(extra or {}),
    }
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


def _replace_body(response: bytes, body: bytes) -> bytes:
    head, _, _old = response.partition(b"\r\n\r\n")
    lines = [
        line
        for line in head.split(b"\r\n")
        if line.split(b":", 1)[0].strip().lower() != b"content-length"
    ]
    lines.append(b"content-length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets a TCP RST, not a FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


class FaultProxy:
    """`FaultProxy(upstream_host, upstream_port)`; `.url` is what the client talks to."""

    def __init__(self, upstream_host: str, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.retry_after = 7
        self.drip_interval = 0.2
        self.requests: list[tuple[Mode, bytes]] = []  # (mode, request line) of each request seen
        self._mode = Mode.PASS
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        probe = socket.socket()
        probe.bind((host, 0))
        self.port = int(probe.getsockname()[1])
        probe.close()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def mode(self) -> Mode:
        return self._mode

    @mode.setter
    def mode(self, mode: Mode) -> None:
        with self._lock:
            previous, self._mode = self._mode, mode
        if mode is Mode.REFUSE and previous is not Mode.REFUSE:
            self._close_listener()
            self._drop_open()
        elif mode is not Mode.REFUSE and previous is Mode.REFUSE:
            self._listen()
        elif previous in (Mode.HANG, Mode.DRIP):
            self._drop_open()  # let go of the connections left hanging or dripping

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        if self._mode is not Mode.REFUSE:
            self._listen()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._close_listener()
        self._drop_open()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting = thread
        self._threads.append(thread)
        thread.start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._accepting is not None:
            self._accepting.join(5)
            self._accepting = None

    def _drop_open(self) -> None:
        with self._lock:
            sockets = list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set() and self._listener is listener:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(_IO_TIMEOUT)
            with self._lock:
                self._open.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    # -- one connection --------------------------------------------------------------------------
    def _serve(self, conn: socket.socket) -> None:
        try:
            self._handle(conn)
        except OSError:
            pass  # the client went away, or the test dropped the connection
        finally:
            with self._lock:
                self._open.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=_IO_TIMEOUT) as upstream:
            upstream.sendall(_with_connection_close(request))
            chunks = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)

    def _handle(self, conn: socket.socket) -> None:
        request = _read_request(conn)
        if request is None:
            return
        mode = self._mode
        self.requests.append((mode, request.split(b"\r\n", 1)[0]))
        answer = self._forward(request) if mode in FORWARDING else b""
        head, _, body = answer.partition(b"\r\n\r\n")
        match mode:
            case Mode.PASS:
                conn.sendall(answer)
            case Mode.RESET_MID_BODY:
                conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
                time.sleep(0.05)  # let the bytes leave before the reset
                _reset(conn)
            case Mode.HANG:
                while not self._stop.is_set() and conn in self._open:
                    time.sleep(0.05)
            case Mode.DRIP:
                for i in range(len(answer)):
                    if self._stop.is_set() or conn not in self._open:
                        return
                    conn.sendall(answer[i : i + 1])
                    time.sleep(self.drip_interval)
            case Mode.STATUS_500:
                conn.sendall(_response(500, "Internal Server Error", b"Internal Server Error"))
            case Mode.STATUS_503:
                body503 = b'{"detail": "the service is overloaded; try again later"}'
                extra = {"retry-after": str(self.retry_after)}
                conn.sendall(_response(503, "Service Unavailable", body503, extra))
            case Mode.MALFORMED_JSON:
                conn.sendall(_replace_body(answer, b'{"results": [{"decision_id": "'))
            case Mode.TRUNCATED:
                conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
                conn.shutdown(socket.SHUT_WR)
            case Mode.REFUSE:  # pragma: no cover - nothing listens in this mode
                _reset(conn)
