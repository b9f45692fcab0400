"""A whole-call deadline for `requests`, which only knows per-socket-operation timeouts.

A read timeout bounds each wait for bytes, not the call: a server (or a proxy) that sends its
answer one byte at a time, each well inside the read timeout, holds a call open for as long as it
likes, and that can happen while the status line and headers are still being read, where no
loop of ours can look at a clock. So each call gets a `CallDeadline`: the session's connection
pools register the connection a call is using with it, and a timer shuts that connection's
socket down when the budget is spent. The blocked read then fails at once, and the client turns
that into "too slow" because the deadline says it expired.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection

_current = threading.local()


class CallDeadline:
    """Shuts down the socket of the call's connection if the call outlives `seconds`. Use as a
    context manager around one request, on the thread that makes it."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._connection: HTTPConnection | None = None
        self._finished = False
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.name = "http-deadline"

    def __enter__(self) -> CallDeadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        with self._lock:
            self._finished = True
        self._timer.cancel()
        _current.deadline = None

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection

    def _expire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.expired = True
            connection = self._connection
        sock = getattr(connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed: the call is ending anyway
                sock.shutdown(socket.SHUT_RDWR)


def _attach(connection: HTTPConnection) -> None:
    deadline: CallDeadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.attach(connection)


class _HTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _HTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections report to the calling thread's `CallDeadline`.
    (Connections through a proxy from the environment are not covered; loopback never uses
    one.)"""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
