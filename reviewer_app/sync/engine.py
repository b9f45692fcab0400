"""The workstation's background work on plain threads: queue pull, lease heartbeats, prefetch
and outbox delivery. Every loop can be woken, is cancelled by `stop()`, and is joined there.
Failures never end a loop: they turn into a status (online / offline with the reason) that the
UI shows, and the work goes on with what is stored locally."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from reviewer_app.core.wire import ApplicationOut
from reviewer_app.net.errors import AuthError, NetError
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync import steps

log = logging.getLogger("reviewer_app.sync")


@dataclass(frozen=True)
class SyncSettings:
    pull_interval: float = 5.0
    heartbeat_interval: float = 30.0
    # Heartbeat a lease once less than this is left of it.
    renew_within: timedelta = timedelta(minutes=5)
    prefetch_ahead: int = 5
    send_idle_interval: float = 5.0
    retention: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class SyncStatus:
    online: bool
    detail: str = ""
    needs_sign_in: bool = False


class SyncListener:
    """Callbacks from the worker threads. The UI's adapter re-emits them as Qt signals, which
    are delivered on the UI thread; nothing here may touch a widget."""

    def status_changed(self, status: SyncStatus) -> None: ...
    def queue_changed(self, changes: int) -> None: ...
    def outbox_changed(self, report: steps.SendReport) -> None: ...
    def leases_lost(self, lost: dict[str, str]) -> None: ...
    def prefetched(self, application_ids: list[str]) -> None: ...


class _Loop:
    def __init__(self, name: str, interval: Callable[[], float], body: Callable[[], None]) -> None:
        self._interval = interval
        self._body = body
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"sync-{name}", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._body()
            except Exception:  # a bug: log it, keep the loop (and every decision) alive
                log.exception("background step %s failed", self.thread.name)
            self._wake.wait(self._interval())
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()


class SyncEngine:
    def __init__(
        self,
        client: steps.Client,
        store: LocalStore,
        settings: SyncSettings | None = None,
        listener: SyncListener | None = None,
        after_fetch: Callable[[ApplicationOut], None] | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.settings = settings or SyncSettings()
        self.listener = listener or SyncListener()
        self._after_fetch = after_fetch
        self._status = SyncStatus(online=True)
        self._status_lock = threading.Lock()
        s = self.settings
        self._loops = {
            "pull": _Loop("pull", lambda: s.pull_interval, self._pull),
            "send": _Loop("send", self._send_wait, self._send),
            "leases": _Loop("leases", lambda: s.heartbeat_interval, self._renew),
            "prefetch": _Loop("prefetch", lambda: s.pull_interval, self._prefetch),
        }

    # -- control -----------------------------------------------------------------------------
    def start(self) -> None:
        for loop in self._loops.values():
            loop.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        for loop in self._loops.values():
            loop.stop()
        for loop in self._loops.values():
            if loop.thread.is_alive():
                loop.thread.join(timeout)

    def wake(self, *names: str) -> None:
        for name in names or tuple(self._loops):
            self._loops[name].wake()

    @property
    def status(self) -> SyncStatus:
        return self._status

    # -- bodies ------------------------------------------------------------------------------
    def _guard(self, body: Callable[[], None]) -> None:
        try:
            body()
        except AuthError as error:
            self._set_status(SyncStatus(False, str(error), needs_sign_in=True))
        except NetError as error:
            self._set_status(SyncStatus(False, str(error)))
        else:
            self._set_status(SyncStatus(True))

    def _set_status(self, status: SyncStatus) -> None:
        with self._status_lock:
            changed = status != self._status
            self._status = status
        if changed:
            self.listener.status_changed(status)

    def _pull(self) -> None:
        def body() -> None:
            changes = steps.pull_queue(self.client, self.store)
            if changes:
                self.listener.queue_changed(changes)

        self._guard(body)

    def _send_wait(self) -> float:
        due = self.store.outbox.next_due()
        if due is None:
            return self.settings.send_idle_interval
        wait = (due - self.store.db.clock()).total_seconds()
        return min(max(wait, 0.05), self.settings.send_idle_interval)

    def _send(self) -> None:
        report = steps.send_outbox(self.client, self.store)
        if report.sent:
            self.listener.outbox_changed(report)
        if report.error is not None:
            needs = isinstance(report.error, AuthError)
            self._set_status(SyncStatus(False, str(report.error), needs_sign_in=needs))
        elif report.sent:
            self._set_status(SyncStatus(True))
            self.store.claims.schedule_purge(self.settings.retention)

    def _renew(self) -> None:
        def body() -> None:
            report = steps.renew_leases(self.client, self.store, self.settings.renew_within)
            if report.lost:
                self.listener.leases_lost(report.lost)

        self._guard(body)
        self.store.purge()

    def _prefetch(self) -> None:
        def body() -> None:
            report = steps.prefetch(
                self.client, self.store, self.settings.prefetch_ahead, after_fetch=self._after_fetch
            )
            if report.applications or report.media:
                self.listener.prefetched(report.applications)

        self._guard(body)
