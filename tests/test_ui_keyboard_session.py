"""A whole review session with the keyboard only, on the real window offscreen, against the real
service on loopback: 20 applications decided (accepts, declines with reasons, one undo, one
skip, one escalation). Afterwards the service holds exactly those decisions, with the right
reasons, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from servicekit import REVIEWER, Running, make_application, running, sqlite_url
from sqlalchemy import select
from uikit import Session, open_window, press

from reviewer_app import paths
from reviewer_app.core.outbox import OutboxState
from reviewer_app.service import db

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "PulseAudioService"
)

ITEMS = 24  # more than the 20 decided, so the claims never run dry mid-session
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    return home


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    with running(sqlite_url(tmp_path / "queue.sqlite3"), undo_grace_seconds=1.0) as run:
        run.add((make_application(i), {}) for i in range(1, ITEMS + 1))
        yield run


def current_id(s: Session) -> str | None:
    item = s.session.current
    return item.application_id if item is not None and s.window.panel.loaded else None


def shows(s: Session, app_id: str) -> bool:
    return current_id(s) == app_id


def wait_next(qtbot: QtBot, s: Session, previous: str | None) -> str:
    """Wait until another item is on screen and the panel takes keys; returns its id."""

    def moved() -> bool:
        now = current_id(s)
        return now is not None and now != previous and not s.window.panel.busy

    qtbot.waitUntil(moved, timeout=15_000)
    shown = current_id(s)
    assert shown is not None
    return shown


def test_twenty_decisions_with_the_keyboard_only(
    qtbot: QtBot, service: Running, tmp_path: Path
) -> None:
    expected: dict[str, tuple[str, list[str]]] = {}
    skipped: str | None = None
    with open_window(qtbot, service, tmp_path / "ws", wait_rows=ITEMS) as s:
        w = s.window
        press(w, Qt.Key.Key_Return, CTRL)  # Start reviewing
        shown = wait_next(qtbot, s, None)
        decided = 0
        step = 0
        log: list[tuple[int, str]] = []
        while decided < 20:
            step += 1
            app_id = shown
            log.append((step, app_id))
            if step == 4:  # a slip: decline, then undo, then accept it instead
                press(w, "d")
                press(w, "2")
                press(w, Qt.Key.Key_Return)
                wait_next(qtbot, s, app_id)
                assert w.toast.isVisible()
                press(w, Qt.Key.Key_Z, CTRL)
                qtbot.waitUntil(partial(shows, s, app_id), timeout=5_000)
                assert not w.panel.busy
                press(w, "a")
                expected[app_id] = ("accept", [])
            elif step == 7:  # skip: released, not decided
                press(w, "s")
                skipped = app_id
                shown = wait_next(qtbot, s, app_id)
                continue
            elif step == 10:  # escalate with a note; Ctrl+Enter in the note submits
                press(w, "e")
                assert w.panel.note.hasFocus()
                press(w, "Needs a lead: the employment dates overlap.")
                press(w, Qt.Key.Key_Return, CTRL)
                expected[app_id] = ("escalate", [])
            elif step % 3 == 0:  # decline with two reasons
                press(w, "d")
                press(w, "2")
                press(w, "3")
                press(w, Qt.Key.Key_Return)
                expected[app_id] = ("decline", ["incomplete_profile", "text_errors"])
            elif step % 5 == 0:  # decline with one reason, a number key alone chooses decline
                press(w, "6")
                press(w, Qt.Key.Key_Return)
                expected[app_id] = ("decline", ["low_demand"])
            else:
                press(w, "a")
                expected[app_id] = ("accept", [])
            decided += 1
            if decided < 20:
                shown = wait_next(qtbot, s, app_id)
        assert len(expected) == 20, log
        assert skipped is not None
        assert skipped not in expected

        # Delivered: the outbox empties once the grace periods are over.
        store = s.session.store

        def delivered() -> bool:
            counts = store.outbox.counts()
            return counts[OutboxState.DELIVERED] == 20

        qtbot.waitUntil(delivered, timeout=30_000)
        counts = store.outbox.counts()
        assert counts[OutboxState.UNDONE] == 1
        assert counts[OutboxState.CONFLICT] == counts[OutboxState.REJECTED] == 0
        qtbot.waitUntil(lambda: w.status.decided.text.startswith("20 "), timeout=5_000)

    with service.store.read() as session:
        rows = session.scalars(select(db.DecisionRow)).all()
        held = {
            row.application_id: (row.outcome, list(row.body.get("reason_codes", [])))
            for row in rows
        }
        reviewers = {row.reviewer for row in rows}
        skipped_row = session.get(db.Application, skipped)
        assert skipped_row is not None
        # Released, so still pending (a later claim of this session may hold it again: skipped
        # items come back last).
        assert skipped_row.status == "pending"
    assert held == expected
    assert len(rows) == 20  # the undone decline never left the workstation
    assert reviewers == {REVIEWER}
