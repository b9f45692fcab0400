"""Keeps a `QueueModel` equal to the local store's queue table (DESIGN §4.2: the queue view reads
the local store, never the network).

The sync engine pulls the service's change feed into the store and says `queue_changed`; then
this feed reads what changed on a worker thread and hands only that to the model on the UI
thread, which applies it row by row (selection and scroll position stay). Given the store's
queue (`QueueCache`), the feed asks it for the changes since its last read (`changes(since)`:
the rows written and the ids removed since then), so after the first read a pull that changed
three rows costs a read of three rows. Given a plain function that returns the whole queue, it
reads everything each time and works out what changed against its last read. The first read, or
a change too big to apply row by row, resets the model instead. Reads never overlap: a change
that arrives during a read schedules one more read after it; reads that take long (a whole
queue of 100,000 rows takes about a second) are spaced at least twice their duration apart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from reviewer_app.core.pace import Pace
from reviewer_app.core.sla import utc_now
from reviewer_app.core.wire import QueueItemOut
from reviewer_app.storage.queue_cache import QueueChanges
from reviewer_app.ui.queue.model import QueueModel
from reviewer_app.ui.signals import emit
from reviewer_app.ui.tasks import TaskRunner

log = logging.getLogger("reviewer_app.ui.queue")

# Above this many changed rows a reset is cheaper than row-by-row updates.
RESET_ABOVE = 2000


@dataclass
class StoreDelta:
    full: bool
    items: list[QueueItemOut] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    total: int = 0
    left: int = 0  # applications that left the queue since the previous read (decided by anyone)


class QueueSource(Protocol):
    """The store's queue as the feed reads it (`reviewer_app.storage.queue_cache.QueueCache`)."""

    def changes(self, since: int | None = None) -> QueueChanges: ...


class _Snapshot:
    """What the model was last given, by id, and the store's change number it was read at.
    Touched only by the (single, non-overlapping) read task, never by the UI thread."""

    def __init__(self) -> None:
        self.items: dict[str, QueueItemOut] | None = None
        self.seq: int | None = None

    def delta(self, read: QueueChanges) -> StoreDelta:
        old = self.items
        self.seq = read.seq
        if old is None or read.full:
            new = {item.application_id: item for item in read.items}
            self.items = new
            if old is None:
                return StoreDelta(full=True, items=read.items, total=len(new))
            changed = [item for app_id, item in new.items() if old.get(app_id) != item]
            removed = [app_id for app_id in old if app_id not in new]
        else:
            new = old  # updated in place: only this task touches it
            removed = [app_id for app_id in read.removed if app_id in new]
            for app_id in removed:
                del new[app_id]
            changed = [item for item in read.items if new.get(item.application_id) != item]
            new.update((item.application_id, item) for item in changed)
        if len(changed) + len(removed) > RESET_ABOVE:
            return StoreDelta(
                full=True, items=list(new.values()), total=len(new), left=len(removed)
            )
        return StoreDelta(
            full=False, items=changed, removed=removed, total=len(new), left=len(removed)
        )


class StoreQueueFeed(QObject):
    """Reads the store's queue into a model on demand (`reload()`): from `source`, the store's
    queue (`store.queue`: only the changes since the last read) or a function returning the
    whole queue (`store.queue.items`: everything, each time)."""

    loaded = Signal()  # the first read is in the model
    applied = Signal()  # a read was applied
    failed = Signal(str)

    def __init__(
        self,
        source: QueueSource | Callable[[], list[QueueItemOut]],
        model: QueueModel,
        tasks: TaskRunner,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._read = _reader(source)
        self._model = model
        self._tasks = tasks
        self._snapshot = _Snapshot()
        self._in_flight = False
        self._again = False
        self._stopped = False
        self.has_loaded = False
        self.last_read_s = 0.0
        # A whole big queue takes a second to read: while the reviewer works, the feed changes
        # every pull, so such reads are spaced (at least twice their own duration apart) to keep
        # the worker from holding the interpreter all the time.
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.timeout.connect(self._gap_over)
        self._started_at = 0.0
        # How fast the team empties the queue, from what leaves it between reads.
        self.pace = Pace()

    def reload(self) -> None:
        if self._stopped or self._tasks.closed:
            return
        if self._in_flight or self._gap.isActive():
            self._again = True
            return
        self._in_flight = True
        self._started_at = time.monotonic()
        read, snapshot = self._read, self._snapshot
        self._tasks.run(
            lambda: snapshot.delta(read(snapshot.seq)),
            on_success=self._apply,
            on_failure=self._failed,
            name="read the local queue",
        )

    def stop(self) -> None:
        self._stopped = True
        self._gap.stop()

    def _apply(self, delta: StoreDelta) -> None:
        self._in_flight = False
        self.last_read_s = time.monotonic() - self._started_at
        if self._stopped:
            return
        if delta.full:
            self._model.reset_items(delta.items)
        elif delta.items or delta.removed:
            self._model.apply_delta(delta.items, delta.removed)
        self.pace.observe(utc_now(), delta.left)
        if not self.has_loaded:
            self.has_loaded = True
            emit(self.loaded)
        emit(self.applied)
        if self.last_read_s > 0.2:
            self._gap.start(int(self.last_read_s * 2000))
        if self._again and not self._gap.isActive():
            self._again = False
            self.reload()

    def _gap_over(self) -> None:
        if self._again:
            self._again = False
            self.reload()

    def _failed(self, error: BaseException) -> None:
        self._in_flight = False
        log.error("reading the local queue failed", exc_info=error)
        emit(self.failed, f"Could not read the local queue: {error}")
        if self._again and not self._stopped:
            self._again = False
            self.reload()


def _reader(
    source: QueueSource | Callable[[], list[QueueItemOut]],
) -> Callable[[int | None], QueueChanges]:
    if not callable(source):
        return source.changes

    def read_everything(_since: int | None) -> QueueChanges:
        return QueueChanges(seq=0, full=True, items=source(), removed=[])

    return read_everything
