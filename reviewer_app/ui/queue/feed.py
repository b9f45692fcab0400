"""Keeps a `QueueModel` live: pulls the queue's change feed in the background and applies it.

The first pull reads the whole queue (pages of the feed since the start) and resets the model;
after that, every few seconds, the delta since the last cursor is applied row by row. A pull
never overlaps the previous one (the next is scheduled when one ends). When the service cannot be
reached the feed says so and retries with a growing pause; the workstation keeps running.

Until the sync layer lands (DESIGN §4: the queue view reads the local store), the model is fed
straight from the network here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from reviewer_app.core.sla import ServerClock, utc_now
from reviewer_app.core.wire import QueueItemOut
from reviewer_app.net.client import QueueClient
from reviewer_app.net.errors import AuthError, NetError, ServiceError
from reviewer_app.ui.queue.model import QueueModel
from reviewer_app.ui.signals import emit
from reviewer_app.ui.tasks import TaskHandle, TaskRunner

log = logging.getLogger("reviewer_app.ui.queue")

FULL_PAGE = 1000  # the service's largest page
DELTA_PAGE = 500
MAX_PAGES_PER_PULL = 200
MAX_BACKOFF_MS = 30_000


@dataclass
class QueueDelta:
    """What one pull brought: all pages since the cursor, folded by application id."""

    full: bool
    items: list[QueueItemOut] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    cursor: str = ""
    has_more: bool = False
    server_time: datetime | None = None
    sent_at: datetime | None = None
    received_at: datetime | None = None


def pull(client: QueueClient, since: str | None) -> QueueDelta:
    """Read the change feed since `since` (None: the whole queue). Runs on a worker thread."""
    delta = QueueDelta(full=since is None)
    items: dict[str, QueueItemOut] = {}
    removed: dict[str, None] = {}
    cursor = since
    limit = FULL_PAGE if since is None else DELTA_PAGE
    for number in range(MAX_PAGES_PER_PULL):
        sent = utc_now()
        page = client.queue_page(cursor, limit)
        received = utc_now()
        if number == 0:
            delta.server_time, delta.sent_at, delta.received_at = page.server_time, sent, received
        for item in page.items:
            items[item.application_id] = item
            removed.pop(item.application_id, None)
        for app_id in page.removed:
            items.pop(app_id, None)
            removed[app_id] = None
        cursor = page.next_cursor
        delta.has_more = page.has_more
        if not page.has_more:
            break
    delta.items = list(items.values())
    # A full load starts empty: what left the queue before is of no interest.
    delta.removed = [] if delta.full else list(removed)
    delta.cursor = cursor or ""
    return delta


class QueueFeed(QObject):
    """Polls the service's queue feed into a model while it runs."""

    # (connected, a plain-text message for the status bar)
    connection_changed = Signal(bool, str)
    # The first full load is in the model.
    loaded = Signal()
    # A pull was applied (full or delta).
    applied = Signal()

    def __init__(
        self,
        client: QueueClient,
        model: QueueModel,
        tasks: TaskRunner,
        *,
        clock: ServerClock | None = None,
        interval_ms: int = 3000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._model = model
        self._tasks = tasks
        self._clock = clock or model.clock
        self._interval_ms = interval_ms
        self._cursor: str | None = None
        self._running = False
        self._in_flight: TaskHandle[QueueDelta] | None = None
        self._failures = 0
        self._connected: bool | None = None
        self._has_loaded = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._pull)

    @property
    def cursor(self) -> str | None:
        return self._cursor

    @property
    def connected(self) -> bool | None:
        """None before the first answer."""
        return self._connected

    @property
    def has_loaded(self) -> bool:
        return self._has_loaded

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._running = True
        self._pull()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        if self._in_flight is not None:
            self._in_flight.cancel()
            self._in_flight = None

    def poll_now(self) -> None:
        """Pull now instead of at the next tick (e.g. the Refresh action)."""
        if self._running and self._in_flight is None:
            self._timer.stop()
            self._pull()

    def _pull(self) -> None:
        if not self._running or self._in_flight is not None or self._tasks.closed:
            return
        client, since = self._client, self._cursor
        self._in_flight = self._tasks.run(
            lambda: pull(client, since),
            on_success=self._on_delta,
            on_failure=self._on_error,
            name="queue pull" if since else "queue load",
        )

    def _on_delta(self, delta: QueueDelta) -> None:
        self._in_flight = None
        if not self._running:
            return
        if delta.server_time and delta.sent_at and delta.received_at:
            self._clock.sync(delta.server_time, delta.sent_at, delta.received_at)
        if delta.full:
            self._model.reset_items(delta.items)
        else:
            self._model.apply_delta(delta.items, delta.removed)
        self._cursor = delta.cursor
        self._failures = 0
        self._set_connected(True, "Connected")
        if not self._has_loaded:
            self._has_loaded = True
            emit(self.loaded)
        emit(self.applied)
        self._timer.start(0 if delta.has_more else self._interval_ms)

    def _on_error(self, error: BaseException) -> None:
        self._in_flight = None
        if not self._running:
            return
        if not isinstance(error, NetError):
            # A bug, not the network: tell the user, log it with its traceback, keep trying.
            log.error("queue pull failed unexpectedly", exc_info=error)
            message = f"Queue update failed: {type(error).__name__}: {error}"
        elif isinstance(error, AuthError):
            message = f"Signed out: {error.detail}"
        else:
            message = f"Offline: {error}"
            if isinstance(error, ServiceError) and error.status == 400 and self._cursor:
                # The service does not know our cursor (e.g. its database was replaced):
                # start again with a full load.
                log.warning("the queue cursor was refused (%s); reloading", error.detail)
                self._cursor = None
                message = "Reloading the queue"
        self._failures += 1
        self._set_connected(False, message)
        delay = min(MAX_BACKOFF_MS, self._interval_ms * 2 ** min(self._failures - 1, 4))
        if isinstance(error, ServiceError) and error.retry_after is not None:
            delay = max(delay, int(error.retry_after * 1000))
        self._timer.start(delay)

    def _set_connected(self, connected: bool, message: str) -> None:
        if connected == self._connected and connected:
            return
        self._connected = connected
        emit(self.connection_changed, connected, message)
