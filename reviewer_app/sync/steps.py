"""One step of each kind of background work, as plain synchronous functions.

The engine (engine.py) runs them on its threads; tests call them directly against the real
service. Each step reads and writes the local store and talks to the service through the client;
none of them touches a widget.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, Protocol

from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.wire import (
    ApplicationOut,
    ClaimsOut,
    DecisionIn,
    DecisionResultOut,
    DecisionResultsOut,
    LeaseOut,
    QueuePageOut,
)
from reviewer_app.net.errors import (
    AuthError,
    ConflictError,
    MalformedResponse,
    NetError,
    ServiceError,
    ServiceUnreachable,
)
from reviewer_app.storage.media_cache import MediaHashMismatch
from reviewer_app.storage.store import LocalStore

log = logging.getLogger("reviewer_app.sync")

BATCH_SIZE = 100


class Client(Protocol):
    """What the background work needs of the queue client (reviewer_app.net.client)."""

    def queue_page(self, since: str | None = None, limit: int = 500) -> QueuePageOut: ...
    def claim(self, count: int, offline: bool = False) -> ClaimsOut: ...
    def heartbeat(self, app_id: str, version: int) -> LeaseOut: ...
    def release(self, app_id: str, version: int) -> None: ...
    def application(self, app_id: str) -> ApplicationOut: ...
    def post_decisions(self, decisions: Sequence[DecisionIn]) -> DecisionResultsOut: ...
    def download_media(self, sha256: str, sink: IO[bytes], max_bytes: int) -> int: ...


# -- queue ------------------------------------------------------------------------------------
def pull_queue(client: Client, store: LocalStore, *, page_size: int = 1000) -> int:
    """Bring the local queue up to date with the service's change feed. Returns the number of
    changes applied. Each page is applied atomically with its cursor, so an interrupted pull
    resumes where it stopped."""
    changes = 0
    while True:
        page = client.queue_page(since=store.queue.cursor or None, limit=page_size)
        store.queue.apply(page)
        changes += len(page.items) + len(page.removed)
        if not page.has_more:
            return changes


# -- claims -----------------------------------------------------------------------------------
def claim(
    client: Client, store: LocalStore, count: int, *, offline: bool = False
) -> list[LeaseOut]:
    leases = client.claim(count, offline=offline).leases
    store.claims.save_leases(leases)
    return leases


def release(client: Client, store: LocalStore, lease: LeaseOut) -> None:
    """Give an item back (skip). Locally it is released at once; a service that cannot be
    reached lets the lease run out instead."""
    store.claims.set_lease_state(lease.application_id, "released")
    try:
        client.release(lease.application_id, lease.version)
    except ConflictError:
        pass  # already lost or decided: nothing to give back
    except NetError as error:
        log.info(
            "release of %s not delivered (%s); the lease will expire", lease.application_id, error
        )


@dataclass
class RenewReport:
    renewed: list[str] = field(default_factory=list)
    lost: dict[str, str] = field(default_factory=dict)


def renew_leases(client: Client, store: LocalStore, within: timedelta) -> RenewReport:
    """Heartbeat the open leases that expire within `within`. A lease the service says is lost
    is marked lost; a decision already made under it stays in the outbox and will come back as a
    conflict, never dropped."""
    report = RenewReport()
    horizon = store.db.clock() + within
    for lease in store.claims.active():
        if lease.expires_at > horizon:
            continue
        try:
            renewed = client.heartbeat(lease.application_id, lease.version)
        except ConflictError as error:
            store.claims.set_lease_state(lease.application_id, "lost")
            report.lost[lease.application_id] = error.detail
            continue
        except ServiceError as error:
            if error.status == 404:
                store.claims.set_lease_state(lease.application_id, "lost")
                report.lost[lease.application_id] = error.detail
                continue
            raise
        store.claims.save_leases([renewed])
        report.renewed.append(lease.application_id)
    return report


# -- prefetch ---------------------------------------------------------------------------------
@dataclass
class PrefetchReport:
    applications: list[str] = field(default_factory=list)
    media: int = 0
    media_failed: dict[str, str] = field(default_factory=dict)


MAX_MEDIA_BYTES = 256 * 1024 * 1024


def prefetch(
    client: Client,
    store: LocalStore,
    ahead: int,
    *,
    after_fetch: Callable[[ApplicationOut], None] | None = None,
) -> PrefetchReport:
    """Details and media of the next `ahead` claimed items, so the reviewer never waits.
    `after_fetch` runs for each newly fetched application on this (background) thread: the
    place to decode images and compute the automatic checks."""
    report = PrefetchReport()
    upcoming = store.claims.active()[:ahead]
    for lease in upcoming:
        if store.claims.has_application(lease.application_id, lease.revision):
            continue
        try:
            application = client.application(lease.application_id)
        except ValueError as error:  # an id no request path can carry ("", ".", "..")
            log.warning("not fetching %r: %s", lease.application_id, error)
            continue
        store.claims.save_application(application)
        report.applications.append(application.application_id)
        if after_fetch is not None:
            after_fetch(application)
    for item in store.claims.media_wanted(lease.application_id for lease in upcoming):
        if store.media.has(item.sha256):  # already here (the same bytes for another one)
            store.claims.mark_media(item.sha256, "cached")
            continue
        # No more than the application says the file has (the hash is checked as it lands).
        limit = min(item.size, MAX_MEDIA_BYTES) if item.size > 0 else MAX_MEDIA_BYTES
        try:
            with store.media.incoming(item.sha256) as sink:
                client.download_media(item.sha256, sink, limit)
        except (MediaHashMismatch, MalformedResponse) as error:
            store.claims.mark_media(item.sha256, "failed", str(error))
            report.media_failed[item.sha256] = str(error)
            continue
        except ServiceError as error:
            if error.status in (404, 410):
                store.claims.mark_media(item.sha256, "failed", error.detail)
                report.media_failed[item.sha256] = error.detail
                continue
            raise
        store.claims.mark_media(item.sha256, "cached")
        report.media += 1
    store.enforce_media_cap()
    return report


# -- outbox -----------------------------------------------------------------------------------
@dataclass
class SendReport:
    sent: int = 0
    settled: dict[str, OutboxState] = field(default_factory=dict)
    retry: int = 0
    error: NetError | None = None

    @property
    def conflicts(self) -> list[str]:
        return [d for d, state in self.settled.items() if state is OutboxState.CONFLICT]


def send_outbox(client: Client, store: LocalStore, *, batch_size: int = BATCH_SIZE) -> SendReport:
    """Deliver what is ready, in batches, until nothing is ready or the service fails. Every
    decision taken from the outbox is settled by the service's answer or put back to retry."""
    report = SendReport()
    store.outbox.promote()
    while True:
        batch = store.outbox.take(batch_size)
        if not batch:
            return report
        report.sent += len(batch)
        if not _deliver(client, store, batch, report):
            return report


def _deliver(
    client: Client, store: LocalStore, batch: list[DecisionIn], report: SendReport
) -> bool:
    ids = [decision.decision_id for decision in batch]
    try:
        answer = client.post_decisions(batch)
    except (ServiceUnreachable, MalformedResponse, AuthError) as error:
        # AuthError: the client already tried to refresh; the decisions wait for a sign-in.
        store.outbox.retry_later(ids, str(error))
        report.retry += len(ids)
        report.error = error
        return False
    except ServiceError as error:
        if error.status >= 500 or error.status in (408, 425, 429):
            store.outbox.retry_later(ids, str(error), error.retry_after)
            report.retry += len(ids)
            report.error = error
            return False
        if len(batch) > 1:
            # The batch as a whole was refused (one malformed decision): send one by one, so
            # that only the bad one ends up quarantined.
            delivering = True
            for decision in batch:
                if delivering:
                    delivering = _deliver(client, store, [decision], report)
                else:
                    store.outbox.retry_later([decision.decision_id], "not sent yet")
                    report.retry += 1
            return delivering
        rejected = [DecisionResultOut(decision_id=ids[0], status="invalid", detail=error.detail)]
        report.settled.update(store.outbox.settle(rejected))
        return True
    answered = {result.decision_id for result in answer.results}
    report.settled.update(store.outbox.settle(answer.results))
    missing = [decision_id for decision_id in ids if decision_id not in answered]
    if missing:
        store.outbox.retry_later(missing, "the service did not answer for this decision")
        report.retry += len(missing)
    return True
