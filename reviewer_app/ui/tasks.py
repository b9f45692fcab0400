"""Run work off the UI thread and get its result back on the UI thread.

One small API in the spirit of Anki's `QueryOp` and Picard's `to_main`::

    tasks.run(lambda: client.config(), on_success=self._show_config, on_failure=self._offline,
              name="read the service's configuration")

The callable runs on the runner's `QThreadPool`; its return value (or the exception it raised) is
handed back through a queued signal, so `on_success` / `on_failure` run on the thread that owns
the runner, which is the UI thread. Workers never touch widgets. An exception is never swallowed:
it is logged, then given to `on_failure`, or, without one, to `sys.excepthook` (under pytest-qt
that fails the test). `shutdown()` waits for running work; callbacks of work that finishes after
`cancel()` or `shutdown()` are not called.
"""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from reviewer_app.ui.signals import emit

log = logging.getLogger("reviewer_app.ui.tasks")

T = TypeVar("T")


@dataclass(eq=False)
class TaskHandle(Generic[T]):
    """A submitted task. `cancel()` drops its callbacks; the work itself runs to its end
    (a callable that loops can check `cancelled` to stop early)."""

    name: str
    task_id: int
    cancelled: bool = False
    done: bool = False
    on_success: Callable[[T], None] | None = field(default=None, repr=False)
    on_failure: Callable[[BaseException], None] | None = field(default=None, repr=False)

    def cancel(self) -> None:
        self.cancelled = True


class TaskRunner(QObject):
    """A thread pool whose results come back on the owner's thread."""

    # (task id, result, exception or None); always delivered queued, on this object's thread.
    _finished = Signal(int, object, object)

    def __init__(
        self, parent: QObject | None = None, *, max_threads: int = 4, name: str = "tasks"
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._pool = QThreadPool(self)
        self._pool.setObjectName(f"{name}-pool")
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: dict[int, TaskHandle[Any]] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def active(self) -> int:
        """Tasks submitted whose callbacks have not run yet."""
        return len(self._tasks)

    def run(
        self,
        work: Callable[[], T],
        *,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        name: str = "",
    ) -> TaskHandle[T]:
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        task_id = next(self._ids)
        handle: TaskHandle[T] = TaskHandle(
            name or getattr(work, "__name__", "task"),
            task_id,
            on_success=on_success,
            on_failure=on_failure,
        )
        self._tasks[task_id] = handle
        finished = self._finished

        def job() -> None:
            # Runs on a pool thread: only the signal crosses back, never a widget call.
            try:
                result: object = work()
            except Exception as error:
                emit(finished, task_id, None, error)
            else:
                emit(finished, task_id, result, None)

        self._pool.start(job)
        return handle

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop taking work, drop queued work that has not started, wait for running work.
        Returns False if some work was still running after the timeout."""
        self._closed = True
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        if not done:
            log.warning(
                "%s: work still running after %d ms at shutdown: %s",
                self.objectName(),
                timeout_ms,
                ", ".join(task.name for task in self._tasks.values()),
            )
        self._tasks.clear()
        return bool(done)

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: object, error: BaseException | None) -> None:
        task = self._tasks.pop(task_id, None)
        if task is None:  # shut down meanwhile
            if error is not None:
                log.warning("work finished after shutdown and failed: %s", _describe(error))
            return
        task.done = True
        if task.cancelled:
            if error is not None:
                log.info("%s (cancelled) failed: %s", task.name, _describe(error))
            return
        if error is None:
            if task.on_success is not None:
                task.on_success(result)
            return
        if task.on_failure is not None:
            log.info("%s failed: %s", task.name, _describe(error))
            log.debug("%s failed", task.name, exc_info=error)
            task.on_failure(error)
            return
        log.error("%s failed with no one to tell", task.name, exc_info=error)
        sys.excepthook(type(error), error, error.__traceback__)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
