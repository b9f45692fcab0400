"""Fuzzing the published OpenAPI document with schemathesis against the real service.

Requests are generated from docs/openapi.json (which test_openapi_document.py holds equal to the
served document): valid ones and deliberately invalid ones, sent with a lead's bearer token (a
lead may call every endpoint) to the service on loopback, over SQLite and over PostgreSQL. No
answer may be a 5xx. Bounded (`max_examples` per operation) and derandomized, so a run is short
and repeatable.

The schema is loaded at import from the committed file rather than with
`schemathesis.pytest.from_fixture` from the running service: that lazy loader sets
`request.node._nodeid`, which pytest 9 no longer has (AttributeError with schemathesis 4.32).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from servicekit import LEAD, REVIEWER, Running, decision_for, running, sqlite_url

from reviewer_app.service.seed import load_skill_demand

MAX_EXAMPLES = 60


@dataclass
class Target:
    svc: Running
    headers: dict[str, str]


def start_target(db_url: str) -> Iterator[Target]:
    # The real clock: generated decision times are checked against it.
    with running(db_url, applications=200) as svc:
        load_skill_demand(svc.store, {"Python": (900, 300), "Cobol": (2, 40)})
        # Some history, so that claims, decisions and the audit log have rows to work on.
        reviewer = svc.client(REVIEWER)
        leases = reviewer.claim(10)
        reviewer.decide(*(decision_for(lease) for lease in leases[:5]))
        token = svc.client(LEAD).tokens["access_token"]
        yield Target(svc, {"Authorization": f"Bearer {token}"})


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    """The service with some data, on SQLite, then on PostgreSQL (a database of the session's
    server: the function-scoped `postgres_db_url` does not fit a module-scoped service)."""
    if request.param == "sqlite":
        yield from start_target(sqlite_url(tmp_path_factory.mktemp("fuzz") / "queue.sqlite3"))
    else:
        server = request.getfixturevalue("postgres_server")
        with server.fresh_database() as url:
            yield from start_target(url)


# The document as committed; test_openapi_document.py checks that the service serves exactly it.
schema = schemathesis.openapi.from_path(Path(__file__).parents[1] / "docs" / "openapi.json")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_makes_the_service_fail(case: Any, target: Target) -> None:
    case.call_and_validate(
        base_url=target.svc.url,
        headers=target.headers,
        checks=[not_a_server_error],
        timeout=30,
    )
