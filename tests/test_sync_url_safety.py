"""Strings from the server (application ids) never change which endpoint the client calls: each
becomes exactly one percent-encoded path segment. Checked on the wire, through the fault proxy
in pass-through mode in front of the real service: the request target the proxy receives must be
the endpoint's prefix plus that one segment."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from faultproxy import FaultProxy
from hypothesis import example, given, settings
from hypothesis import strategies as st
from servicekit import PASSWORD, REVIEWER, Running, running, sqlite_url

from reviewer_app.net.client import QueueClient
from reviewer_app.net.errors import NetError

ids = st.one_of(
    st.text(max_size=80),
    st.sampled_from([".", "..", "../queue", "a/../../queue", "%2e%2e", "x?y#z", "/", "\\..\\"]),
    st.lists(st.sampled_from([".", "..", "/", "%", "2", "e", "F", "?", "#", ";"]), max_size=12).map(
        "".join
    ),
)


@pytest.fixture(scope="module")
def wire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[QueueClient, FaultProxy]]:
    path: Path = tmp_path_factory.mktemp("url-safety") / "queue.sqlite3"
    run: Running
    with (
        running(sqlite_url(path), applications=3) as run,
        FaultProxy(run.server.host, run.server.port) as proxy,
    ):
        client = QueueClient(proxy.url, timeout=(2.0, 10.0))
        client.login(REVIEWER, PASSWORD)
        yield client, proxy
        client.close()


def target_of(proxy: FaultProxy) -> tuple[str, str]:
    method, target, _version = proxy.requests[-1][1].decode("latin-1").split(" ")
    return method, target


@given(app_id=ids)
@example(app_id=".")
@example(app_id="..")
@settings(max_examples=60, deadline=None)
def test_an_application_id_stays_one_path_segment(
    wire: tuple[QueueClient, FaultProxy], app_id: str
) -> None:
    client, proxy = wire
    calls: list[tuple[str, Callable[[], object], list[str], str]] = [
        ("GET", lambda: client.application(app_id), ["applications", "*"], ""),
        ("POST", lambda: client.heartbeat(app_id, 1), ["claims", "*", "heartbeat"], ""),
        ("DELETE", lambda: client.release(app_id, 1), ["claims", "*"], "version=1"),
    ]
    for method, call, shape, query in calls:
        seen = len(proxy.requests)
        # Refused by the client or the service is fine, as long as it went to the right place.
        with contextlib.suppress(NetError, ValueError):
            call()
        if len(proxy.requests) == seen:
            continue  # the client refused it before sending
        sent_method, target = target_of(proxy)
        path, _, sent_query = target.partition("?")
        parts = path.split("/")
        assert sent_method == method
        assert parts[:3] == ["", "api", "v1"], target
        assert len(parts[3:]) == len(shape), f"{app_id!r} changed the endpoint: {target}"
        for part, expected in zip(parts[3:], shape, strict=True):
            if expected == "*":
                assert unquote(part) == app_id, target
            else:
                assert part == expected, target
        assert sent_query == query, target
