"""Helpers for the workstation's window tests: a real service on loopback, a real local store in
the test's folder, a real `Workstation` session attached to a real `MainWindow` (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from servicekit import PASSWORD, REVIEWER, Running

from reviewer_app.net import QueueClient
from reviewer_app.sync.engine import SyncSettings
from reviewer_app.ui.launch import connect_session, make_session, open_settings
from reviewer_app.ui.main_window import MainWindow
from reviewer_app.ui.tasks import TaskRunner
from reviewer_app.ui.workstation import Workstation

FAST_SYNC = SyncSettings(
    pull_interval=0.2, heartbeat_interval=5.0, prefetch_ahead=5, send_idle_interval=0.2
)


@dataclass
class Session:
    window: MainWindow
    session: Workstation
    client: QueueClient
    tasks: TaskRunner


@contextmanager
def open_window(
    qtbot: QtBot,
    service: Running,
    folder: Path,
    *,
    username: str = REVIEWER,
    sync: SyncSettings = FAST_SYNC,
    wait_rows: int | None = None,
) -> Iterator[Session]:
    tasks = TaskRunner(name="test")
    window = MainWindow(open_settings(), tasks)
    qtbot.addWidget(window)
    window.show()
    client = QueueClient(service.url)
    client.login(username, PASSWORD)
    parts = connect_session(client, folder)
    session = make_session(window, tasks, parts, sync=sync)
    try:
        qtbot.waitUntil(lambda: window.feed is not None and window.feed.has_loaded, timeout=10_000)
        if wait_rows is not None:
            qtbot.waitUntil(lambda: window.model.rowCount() == wait_rows, timeout=10_000)
        yield Session(window, session, client, tasks)
    finally:
        window.close()
        session.close()
        assert tasks.shutdown(20_000)
        parts.store.close()
        client.close()


def press(window: QWidget, key: Qt.Key | str, modifier: Qt.KeyboardModifier | None = None) -> None:
    """A key press where the keyboard focus is (as a reviewer's key would land)."""
    target = QApplication.focusWidget() or window
    mods = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
    if isinstance(key, str):
        QTest.keyClicks(target, key, mods)
    else:
        QTest.keyClick(target, key, mods)
