"""The reviewer's session: the local store, the sync engine, and the flow of one review after
another. No widgets here; the main window listens to the signals and calls the actions.

Threads (STYLE.md "Background work"):

- the UI thread runs this object, its signals and every callback;
- one writer thread (a `TaskRunner` with one thread) does every store write this object makes,
  in order: a decision, an undo, a skip, saved leases. "Recorded" is said only after the
  writer's transaction has committed (DESIGN §4.6: durable first);
- a small pool does the network calls (claim, release, heartbeat, demand) and the reads and
  preparation of the next items (details and media from the store, the automatic checks, the
  revision diff, the first photo decoded into a `QImage`);
- the `SyncEngine`'s own threads pull the queue, renew leases, prefetch and deliver the outbox;
  its callbacks come here through `_Bridge`, whose signals are queued onto the UI thread.

So the UI thread never waits for the disk or the network: the next item is ready before the
reviewer gets there, and a decision is on screen as recorded within one commit.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from reviewer_app.core.models import Outcome
from reviewer_app.core.outbox import OutboxState
from reviewer_app.core.reasons import DEFAULT_CATALOGUE, ReasonCatalogue, ReasonCode
from reviewer_app.core.sla import ServerClock, SlaPolicy, utc_now
from reviewer_app.core.wire import ApplicationOut, ConfigOut, DemandOut, LeaseOut
from reviewer_app.net.errors import NetError
from reviewer_app.storage.outbox import NewDecision, OutboxItem
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync import steps
from reviewer_app.sync.engine import SyncEngine, SyncListener, SyncSettings, SyncStatus
from reviewer_app.ui.signals import emit
from reviewer_app.ui.tasks import TaskRunner

log = logging.getLogger("reviewer_app.ui.workstation")

T = TypeVar("T")

# How many claimed items are kept prepared (checks run, photo decoded) ahead of the current one.
PREPARE_AHEAD = 3
# "Start reviewing" claims this many, so the next ones are already leased and prefetched.
CLAIM_BATCH = 5
# Claim more when fewer than this many open leases are left.
CLAIM_LOW_WATER = 2
WAITING_STATES = (OutboxState.GRACE, OutboxState.READY, OutboxState.SENDING)


def catalogue_from_config(config: ConfigOut | None) -> ReasonCatalogue:
    if config is None or not config.reason_codes:
        return DEFAULT_CATALOGUE
    return ReasonCatalogue(
        version=config.reason_catalogue_version,
        codes=tuple(
            ReasonCode(
                code=r.code,
                label=r.label,
                key=r.key,
                applicant_text=r.applicant_text,
                suggested_by=r.suggested_by,
                note_required=r.note_required,
            )
            for r in config.reason_codes
        ),
    )


def policy_from_config(config: ConfigOut | None) -> SlaPolicy:
    if config is None:
        return SlaPolicy()
    return SlaPolicy(
        hours=config.sla_hours,
        warning_hours=config.sla_warning_hours,
        critical_hours=config.sla_critical_hours,
    )


# -- what one prepared item holds -------------------------------------------------------------


@dataclass
class ReviewItem:
    """A claimed application, ready to be shown at once."""

    lease: LeaseOut
    application: ApplicationOut
    media: dict[str, Path]  # sha256 -> the verified file in the media cache
    media_problems: dict[str, str]  # sha256 -> why it is not there
    findings: list[Any]  # reviewer_app.core.checks.Finding
    diff: Any  # reviewer_app.core.revision_diff.RevisionDiff | None
    demand: DemandOut | None
    suggested: dict[str, str]  # reason code -> the finding's summary
    # sha256 -> the review pane's DecodedPhoto (or the reason it cannot be shown), made off
    # the UI thread while prefetching
    decoded: dict[str, Any] = field(default_factory=dict)
    shown_at: float | None = None  # monotonic time it was put on screen (handling time)

    @property
    def application_id(self) -> str:
        return self.lease.application_id

    @property
    def due_at(self) -> datetime:
        revisions = self.application.revisions
        return revisions[-1].due_at if revisions else utc_now()


@dataclass(frozen=True)
class Draft:
    """A decision as the panel hands it over (the panel's DecisionDraft has the same fields)."""

    outcome: str
    reason_codes: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Recorded:
    """A decision that is on disk and may still be undone."""

    decision_id: str
    item: ReviewItem
    outcome: str
    grace_until: float  # monotonic


@dataclass
class Counts:
    waiting: int = 0
    conflicts: int = 0
    decided_today: int = 0
    conflict_items: list[OutboxItem] = field(default_factory=list)


class _CacheSource:
    """The media cache as the checks' `MediaSource` (the cache fans files out by hash)."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def read(self, sha256: str) -> bytes:
        from reviewer_app.core.checks import MediaUnavailable

        try:
            path = self._store.media.path_for(sha256)
            return path.read_bytes()
        except (OSError, ValueError) as error:
            raise MediaUnavailable(sha256, "missing", str(error)) from None

    def file(self, sha256: str) -> Path | None:
        try:
            path = self._store.media.path_for(sha256)
        except ValueError:
            return None
        return path if path.is_file() else None


class _NotReady(Exception):
    """The item's details or media are not in the store yet (prefetch will bring them)."""


def prepare_item(
    store: LocalStore,
    lease: LeaseOut,
    *,
    now: datetime,
    demand: Callable[[list[str]], DemandOut | None] | None = None,
    run_checks: bool = True,
) -> ReviewItem:
    """Everything the review pane needs for one claimed item, read from the store. Runs on a
    worker thread. Raises `_NotReady` while prefetch has not brought the details or the media."""
    application = store.claims.application(lease.application_id)
    if application is None or application.current_revision < lease.revision:
        raise _NotReady(lease.application_id)
    current = application.revisions[-1].profile if application.revisions else None
    media: dict[str, Path] = {}
    problems: dict[str, str] = {}
    for ref in (current.photo, current.video) if current else ():
        if ref is None:
            continue
        state = store.claims.media_state(ref.sha256)
        if state is None or state[0] == "wanted":
            raise _NotReady(lease.application_id)
        if state[0] == "failed":
            problems[ref.sha256] = state[1] or "the media could not be downloaded"
            continue
        path = store.media.path_for(ref.sha256)
        if path.is_file():
            media[ref.sha256] = path
        else:
            problems[ref.sha256] = "the media file is missing from the cache"
    wanted = demand(list(current.skills)) if (demand is not None and current) else None
    findings: list[Any] = []
    suggested: dict[str, str] = {}
    if run_checks:
        from reviewer_app.core.checks import run_checks as checks

        findings = checks(application, now=now, media=_CacheSource(store), demand=wanted)
        for finding in findings:
            if finding.suggested:
                suggested.setdefault(finding.reason, finding.summary)
    diff = None
    if len(application.revisions) > 1:
        from reviewer_app.core.checks.inputs import application_from_wire
        from reviewer_app.core.revision_diff import diff_for_review

        diff = diff_for_review(application_from_wire(application))
    decoded: dict[str, Any] = {}
    if current is not None and current.photo is not None and current.photo.sha256 in media:
        # Decoded here, off the UI thread, the way the review pane decodes it (hash, Pillow's
        # check, QImage under an allocation limit), so the first photo is on screen at once.
        from reviewer_app.ui.review.photos import PhotoError, decode_photo

        sha = current.photo.sha256
        try:
            decoded[sha] = decode_photo(media[sha], sha)
        except PhotoError as error:
            decoded[sha] = str(error)
    return ReviewItem(
        lease=lease,
        application=application,
        media=media,
        media_problems=problems,
        findings=findings,
        diff=diff,
        demand=wanted,
        suggested=suggested,
        decoded=decoded,
    )


# -- the sync engine's callbacks, onto the UI thread ------------------------------------------


class _Bridge(QObject):
    status = Signal(object)
    queue = Signal(int)
    outbox = Signal(object)
    lost = Signal(object)
    prefetched = Signal(object)


class _Listener(SyncListener):
    """Called on the engine's threads: only emits (queued to the bridge's thread)."""

    def __init__(self, bridge: _Bridge) -> None:
        self._bridge = bridge

    def status_changed(self, status: SyncStatus) -> None:
        emit(self._bridge.status, status)

    def queue_changed(self, changes: int) -> None:
        emit(self._bridge.queue, changes)

    def outbox_changed(self, report: steps.SendReport) -> None:
        emit(self._bridge.outbox, report)

    def leases_lost(self, lost: dict[str, str]) -> None:
        emit(self._bridge.lost, dict(lost))

    def prefetched(self, application_ids: list[str]) -> None:
        emit(self._bridge.prefetched, list(application_ids))


# -- the session ------------------------------------------------------------------------------


class Workstation(QObject):
    """One signed-in reviewer's session over a local store and a queue client."""

    # (online, plain-text detail)
    connection_changed = Signal(bool, str)
    # The local queue table changed: re-read it.
    queue_changed = Signal()
    # The item under review: a ReviewItem, or None (then `placeholder` says why).
    current_changed = Signal(object)
    # (title, text) when there is no item to show.
    placeholder = Signal(str, str)
    # A decision is on disk: (text for the toast, seconds left to undo).
    recorded = Signal(str, float)
    # The undo came back: (application id).
    undone = Signal(str)
    # Counts for the status bar.
    counts_changed = Signal(object)
    # The panel should stop/allow input (a write is on its way).
    busy_changed = Signal(bool)
    # A message for the status bar (plain text).
    message = Signal(str)
    # The lease of the current item changed (renewed): the new LeaseOut.
    lease_changed = Signal(object)
    # Needs a new sign-in (the token is no longer accepted).
    sign_in_needed = Signal(str)
    # Signed out and purged.
    signed_out = Signal()

    def __init__(
        self,
        client: Any,
        store: LocalStore,
        *,
        tasks: TaskRunner,
        config: ConfigOut | None = None,
        clock: ServerClock | None = None,
        settings: SyncSettings | None = None,
        reviewer: str = "",
        run_checks: bool = True,
        prepare_ahead: int = PREPARE_AHEAD,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.store = store
        self.config = config
        self.clock = clock or ServerClock()
        self.catalogue = catalogue_from_config(config)
        self.policy = policy_from_config(config)
        self.grace = timedelta(seconds=config.undo_grace_seconds if config else 5.0)
        self.reviewer = reviewer or (client.user.username if getattr(client, "user", None) else "")
        self._tasks = tasks  # network and reads, in parallel
        self._writer = TaskRunner(self, max_threads=1, name="store-writer")
        # Preparing items (checks, decoding) is CPU work that takes a while: its own small pool,
        # so that reads, claims and releases never queue behind it.
        self._preparer = TaskRunner(self, max_threads=2, name="prepare")
        self._run_checks = run_checks
        self._prepare_ahead = prepare_ahead
        self._bridge = _Bridge(self)
        self._bridge.status.connect(self._on_status)
        self._bridge.queue.connect(lambda _n: emit(self.queue_changed))
        self._bridge.outbox.connect(self._on_outbox)
        self._bridge.lost.connect(self._on_lost)
        self._bridge.prefetched.connect(lambda _ids: self._prepare())
        self.engine = SyncEngine(client, store, settings, _Listener(self._bridge))
        self._demand_cache: dict[tuple[str, ...], DemandOut | None] = {}
        self._demand_lock = threading.Lock()

        self.reviewing = False
        self.current: ReviewItem | None = None
        self._leases: list[LeaseOut] = []  # open leases in review order (current first)
        self._prepared: dict[str, ReviewItem] = {}
        self._skipped: set[str] = set()
        self._decided: set[str] = set()
        self._preparing: set[str] = set()
        self._last: Recorded | None = None
        self._claiming = False
        self._busy = False
        self._started = False
        self._closed = False
        self.online = True
        self.counts = Counts()
        self._retry_timer = QTimer(self)
        self._retry_timer.setSingleShot(True)
        self._retry_timer.setInterval(700)
        self._retry_timer.timeout.connect(self._prepare)
        self._grace_timer = QTimer(self)
        self._grace_timer.setSingleShot(True)
        self._grace_timer.timeout.connect(self._grace_over)

    # -- life --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the background sync and show what is already claimed (after a restart the
        open leases come back from the store)."""
        if self._started:
            return
        self._started = True
        self.engine.start()
        emit(self.queue_changed)
        self._reload_leases(open_first=False)
        self.refresh_counts()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the engine and wait for pending writes. The store stays open (the owner closes
        it)."""
        if self._closed:
            return
        self._closed = True
        self._grace_timer.stop()
        self._retry_timer.stop()
        if self._started:
            self.engine.stop(timeout)
        self._preparer.shutdown(int(timeout * 1000))
        self._writer.shutdown(int(timeout * 1000))

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def leases(self) -> list[LeaseOut]:
        return list(self._leases)

    @property
    def last_recorded(self) -> Recorded | None:
        return self._last

    def prepared(self, application_id: str) -> ReviewItem | None:
        return self._prepared.get(application_id)

    # -- actions -----------------------------------------------------------------------------
    def start_reviewing(self) -> None:
        """Open the next claimed item, claiming more when few are left."""
        self.reviewing = True
        if self.current is not None:
            emit(self.current_changed, self.current)
            return
        if self._leases:
            self._show_next()
        else:
            emit(self.placeholder, "Claiming the next application…", "")
        if len(self._leases) < CLAIM_LOW_WATER:
            self.claim(CLAIM_BATCH)

    def claim(self, count: int, *, offline: bool = False) -> None:
        if self._claiming or self._closed:
            return
        self._claiming = True
        client = self.client

        def work() -> Any:
            return client.claim(count, offline=offline)

        self._run(work, self._claimed, self._claim_failed, "claim")

    def take_offline(self, count: int) -> None:
        """Claim a batch with the long lease, to work on without the network."""
        self.message_now(f"Taking {count} applications offline…")
        self._claiming = False
        self.claim(count, offline=True)

    def refresh(self) -> None:
        self.engine.wake("pull", "prefetch", "send")
        self._reload_leases(open_first=False)

    def decide(self, draft: Any) -> None:
        """Record a decision on the current item (the panel checked it), durably, then move on."""
        item = self.current
        if item is None or self._busy:
            return
        outcome = Outcome(str(getattr(draft.outcome, "value", draft.outcome)))
        codes = tuple(getattr(draft, "reason_codes", ()) or ())
        note = str(getattr(draft, "note", "") or "")
        handling = 0
        if item.shown_at is not None:
            handling = max(0, int((time.monotonic() - item.shown_at) * 1000))
        decision = NewDecision(
            decision_id=uuid.uuid4().hex,
            application_id=item.application_id,
            revision=item.lease.revision,
            lease_version=item.lease.version,
            outcome=outcome,
            reason_codes=codes,
            note=note,
            decided_at=self.clock.now(),
            handling_ms=handling,
            reviewer=self.reviewer,
        )
        store, grace = self.store, self.grace
        self._set_busy(True)
        self._write(
            lambda: store.outbox.record(decision, grace),
            lambda saved: self._recorded(item, saved),
            self._write_failed,
            "record a decision",
        )

    def undo(self) -> None:
        """Take back the last decision while its grace lasts; its item comes back on screen."""
        last = self._last
        if last is None or self._busy:
            return
        store = self.store
        self._set_busy(True)
        self._write(
            lambda: store.outbox.undo(last.decision_id),
            lambda ok: self._undone(last, bool(ok)),
            self._write_failed,
            "undo a decision",
        )

    def skip(self) -> None:
        """Give the current item back to the queue (release its lease)."""
        item = self.current
        if item is None or self._busy:
            return
        store, client, lease = self.store, self.client, item.lease
        self._skipped.add(item.application_id)
        self._drop(item.application_id)
        self._write(
            lambda: store.claims.set_lease_state(lease.application_id, "released"),
            lambda _r: self._release_remote(client, lease),
            self._write_failed,
            "release a lease",
        )
        self.message_now(f"Skipped; {item.application_id} is back in the queue")
        self._show_next()

    def renew(self) -> None:
        """Extend the current item's lease now."""
        item = self.current
        if item is None:
            return
        client, store, lease = self.client, self.store, item.lease

        def renewed(new: LeaseOut) -> None:
            self._write(
                lambda: store.claims.save_leases([new]),
                lambda _r: self._lease_renewed(new),
                self._write_failed,
                "save a renewed lease",
            )

        self._run(
            lambda: client.heartbeat(lease.application_id, lease.version),
            renewed,
            lambda e: self.message_now(f"Could not renew the claim: {e}"),
            "renew a lease",
        )

    def sign_out(self) -> None:
        """Stop syncing, purge cached profiles and media (decisions not delivered stay)."""
        self.reviewing = False
        self.current = None
        self._prepared.clear()
        self._leases.clear()
        if self._started:
            self.engine.stop()
            self._started = False
        store, client = self.store, self.client

        def purge() -> int:
            store.queue.reset()  # applicants' names leave with the profiles
            return store.purge(everything=True)

        def done(_removed: int) -> None:
            try:
                client.sign_out()
            except Exception:  # sign-out is local first; the token expires anyway
                log.info("could not sign out at the service", exc_info=True)
            emit(self.signed_out)

        self._write(purge, done, self._write_failed, "purge at sign-out")

    def conflicts(self) -> list[OutboxItem]:
        return list(self.counts.conflict_items)

    def message_now(self, text: str) -> None:
        emit(self.message, text)

    # -- counts ------------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        if self._closed:
            return
        store = self.store
        # The reviewer's own day (local time zone), on the server's clock like `decided_at`.
        now = self.clock.now().astimezone() + timedelta(seconds=1)
        reviewer = self.reviewer

        def work() -> Counts:
            counts = store.outbox.counts()
            conflict_items = store.outbox.items(OutboxState.CONFLICT)
            decided_today = _decided_today(store, now, reviewer)
            return Counts(
                waiting=sum(counts.get(state, 0) for state in WAITING_STATES),
                conflicts=counts.get(OutboxState.CONFLICT, 0),
                decided_today=decided_today,
                conflict_items=conflict_items,
            )

        self._run(work, self._counts_read, lambda e: log.warning("counts: %s", e), "counts")

    def _counts_read(self, counts: Counts) -> None:
        self.counts = counts
        emit(self.counts_changed, counts)

    # -- internals: running work -------------------------------------------------------------
    def _run(
        self,
        work: Callable[[], T],
        success: Callable[[T], None],
        failure: Callable[[BaseException], None],
        name: str,
    ) -> None:
        if self._closed or self._tasks.closed:
            return
        self._tasks.run(work, on_success=success, on_failure=failure, name=name)

    def _write(
        self,
        work: Callable[[], T],
        success: Callable[[T], None],
        failure: Callable[[BaseException], None],
        name: str,
    ) -> None:
        if self._writer.closed:
            return
        self._writer.run(work, on_success=success, on_failure=failure, name=name)

    def _write_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        log.error("a store write failed", exc_info=error)
        self.message_now(f"Could not save to the local database: {error}")

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            emit(self.busy_changed, busy)

    # -- internals: leases and the current item ------------------------------------------------
    def _reload_leases(self, *, open_first: bool) -> None:
        store = self.store
        self._run(
            store.claims.active,
            lambda leases: self._leases_read(leases, open_first),
            lambda e: self.message_now(f"Could not read the claims: {e}"),
            "read leases",
        )

    def _leases_read(self, leases: list[LeaseOut], open_first: bool) -> None:
        current_id = self.current.application_id if self.current else None
        # A read that started before a decision was committed still lists its lease as open:
        # what was decided here does not come back (unless undone).
        leases = [lease for lease in leases if lease.application_id not in self._decided]
        # The current item stays first; items skipped in this session (a later claim may bring
        # them back: they are due soonest) go last.
        ordered = [lease for lease in leases if lease.application_id == current_id]
        others = [lease for lease in leases if lease.application_id != current_id]
        ordered += sorted(others, key=lambda lease: lease.application_id in self._skipped)
        self._leases = ordered
        known = {lease.application_id for lease in ordered}
        for app_id in list(self._prepared):
            if app_id not in known:
                del self._prepared[app_id]
        self._prepare()
        if self.reviewing and (open_first or self.current is None):
            self._show_next()

    def _claimed(self, claims: Any) -> None:
        self._claiming = False
        leases: list[LeaseOut] = list(claims.leases)
        sent = getattr(claims, "server_time", None)
        if isinstance(sent, datetime):
            now = utc_now()
            self.clock.sync(sent, now, now)
        if not leases:
            if self.reviewing and self.current is None and self._leases:
                self._show_next()  # only skipped items are left: show them again
            elif self.reviewing and self.current is None:
                emit(
                    self.placeholder,
                    "Nothing to review",
                    "The queue has no application you can claim right now. New ones are "
                    "picked up automatically; press Start reviewing again later.",
                )
            return
        store = self.store
        self._write(
            lambda: store.claims.save_leases(leases),
            lambda _r: self._leases_saved(),
            self._write_failed,
            "save claims",
        )

    def _leases_saved(self) -> None:
        self.engine.wake("prefetch", "pull")
        self._reload_leases(open_first=False)

    def _claim_failed(self, error: BaseException) -> None:
        self._claiming = False
        text = str(error) if isinstance(error, NetError) else f"{type(error).__name__}: {error}"
        if not isinstance(error, NetError):
            log.error("claim failed", exc_info=error)
        self.message_now(f"Could not claim: {text}")
        if self.reviewing and self.current is None and not self._leases:
            emit(
                self.placeholder,
                "Cannot claim applications",
                f"{text}\n\nClaimed items stay available offline; try again when the queue "
                "service can be reached.",
            )

    def _show_next(self) -> None:
        """Put the first open lease on screen: at once if prepared, else when it is."""
        if not self.reviewing:
            return
        if not self._leases:
            self.current = None
            emit(self.placeholder, "Claiming the next application…", "")
            self.claim(CLAIM_BATCH)
            return
        fresh = [le for le in self._leases if le.application_id not in self._skipped]
        if not fresh and self._claiming:
            # Only items skipped earlier are left: first see whether the claim brings others.
            self.current = None
            emit(self.placeholder, "Claiming the next application…", "")
            return
        lease = self._leases[0]
        item = self._prepared.get(lease.application_id)
        if item is None:
            self.current = None
            emit(
                self.placeholder,
                "Loading the next application…",
                "Its details and media are being fetched.",
            )
            self._prepare()
            self.engine.wake("prefetch")
            return
        item.lease = lease
        item.shown_at = time.monotonic()
        self.current = item
        emit(self.current_changed, item)
        self._prepare()
        if len(fresh) < CLAIM_LOW_WATER + 1:
            self.claim(CLAIM_BATCH)

    def _drop(self, application_id: str) -> None:
        self._leases = [le for le in self._leases if le.application_id != application_id]
        self._prepared.pop(application_id, None)
        if self.current is not None and self.current.application_id == application_id:
            self.current = None

    def _prepare(self) -> None:
        """Prepare the next few leases that are not yet (off the UI thread)."""
        if self._closed:
            return
        for lease in self._leases[: self._prepare_ahead + 1]:
            app_id = lease.application_id
            if app_id in self._prepared or app_id in self._preparing:
                continue
            self._preparing.add(app_id)
            store, now, checks = self.store, self.clock.now(), self._run_checks
            demand = self._demand_for

            def work(
                lease: LeaseOut = lease,
                store: LocalStore = store,
                now: datetime = now,
                demand: Callable[[list[str]], DemandOut | None] = demand,
                checks: bool = checks,
            ) -> ReviewItem:
                return prepare_item(store, lease, now=now, demand=demand, run_checks=checks)

            if self._preparer.closed:
                return
            self._preparer.run(
                work,
                on_success=partial(self._prepared_one, app_id),
                on_failure=partial(self._prepare_failed, app_id),
                name=f"prepare {app_id}",
            )

    def _demand_for(self, skills: list[str]) -> DemandOut | None:
        """The service's demand figures for these skills (cached; None when offline)."""
        key = tuple(sorted(skills))
        with self._demand_lock:
            if key in self._demand_cache:
                return self._demand_cache[key]
        try:
            value: DemandOut | None = self.client.demand(list(skills))
        except NetError as error:
            log.info("demand figures not available: %s", error)
            return None
        with self._demand_lock:
            self._demand_cache[key] = value
        return value

    def _prepared_one(self, app_id: str, item: ReviewItem) -> None:
        self._preparing.discard(app_id)
        if not any(lease.application_id == app_id for lease in self._leases):
            return
        self._prepared[app_id] = item
        waiting = self.reviewing and self.current is None and bool(self._leases)
        if waiting and self._leases[0].application_id == app_id:
            self._show_next()

    def _prepare_failed(self, app_id: str, error: BaseException) -> None:
        self._preparing.discard(app_id)
        if isinstance(error, _NotReady):
            # Prefetch brings it (`prefetched` calls `_prepare` again); look again soon too, in
            # case the prefetch pass that brings it had already reported.
            if not self._retry_timer.isActive():
                self._retry_timer.start()
            return
        log.error("preparing %s failed", app_id, exc_info=error)
        if self.current is None and self._leases and self._leases[0].application_id == app_id:
            emit(
                self.placeholder,
                "This application cannot be shown",
                f"{type(error).__name__}: {error}\n\nSkip it (S) to give it back to the queue.",
            )

    # -- internals: decisions ------------------------------------------------------------------
    def _recorded(self, item: ReviewItem, saved: OutboxItem) -> None:
        self._set_busy(False)
        grace_s = max(0.0, (saved.grace_until - self.store.db.clock()).total_seconds())
        self._last = Recorded(saved.decision_id, item, saved.outcome, time.monotonic() + grace_s)
        self._decided.add(item.application_id)
        self._drop(item.application_id)
        self._show_next()
        label = {"accept": "Accepted", "decline": "Declined", "escalate": "Escalated"}.get(
            saved.outcome, saved.outcome
        )
        name = (
            item.application.revisions[-1].profile.display_name
            if item.application.revisions
            else ""
        )
        emit(self.recorded, f"{label}: {name}" if name else label, grace_s)
        self._grace_timer.start(int(grace_s * 1000) + 50)
        self.refresh_counts()

    def _grace_over(self) -> None:
        self._last = None
        self.engine.wake("send")

    def _undone(self, last: Recorded, ok: bool) -> None:
        self._set_busy(False)
        if not ok:
            self._last = None
            self.message_now("Too late to undo: the decision is on its way to the service")
            return
        self._last = None
        self._grace_timer.stop()
        item = last.item
        self._decided.discard(item.application_id)
        self._leases.insert(0, item.lease)
        self._prepared[item.application_id] = item
        item.shown_at = time.monotonic()
        self.current = item
        emit(self.undone, item.application_id)
        emit(self.current_changed, item)
        self.message_now("Decision undone")
        self.refresh_counts()

    def _release_remote(self, client: Any, lease: LeaseOut) -> None:
        def work() -> None:
            try:
                client.release(lease.application_id, lease.version)
            except NetError as error:
                log.info("release of %s not delivered (%s)", lease.application_id, error)

        self._run(work, lambda _r: self.engine.wake("pull"), lambda e: None, "release")

    def _lease_renewed(self, lease: LeaseOut) -> None:
        self._leases = [
            lease if le.application_id == lease.application_id else le for le in self._leases
        ]
        if self.current is not None and self.current.application_id == lease.application_id:
            self.current.lease = lease
            emit(self.lease_changed, lease)
        self.message_now("Claim renewed")

    # -- internals: the engine's callbacks -----------------------------------------------------
    def _on_status(self, status: SyncStatus) -> None:
        self.online = status.online
        detail = "Connected" if status.online else f"Offline: {status.detail}"
        emit(self.connection_changed, status.online, detail)
        if status.needs_sign_in:
            emit(self.sign_in_needed, status.detail)

    def _on_outbox(self, report: steps.SendReport) -> None:
        if report.conflicts:
            self.message_now(
                f"{len(report.conflicts)} decision(s) conflicted at the service; see Conflicts"
            )
        self.refresh_counts()

    def _on_lost(self, lost: Mapping[str, str]) -> None:
        current = self.current.application_id if self.current else None
        for app_id in lost:
            self._drop(app_id)
        self.message_now(f"{len(lost)} claim(s) lost: " + "; ".join(lost.values()))
        if current is not None and current in lost:
            self._show_next()


def _decided_today(store: LocalStore, now: datetime, reviewer: str | None) -> int:
    """Decisions made here (not undone) since the start of `now`'s day."""
    return store.outbox.decided_today(now, reviewer or None)
