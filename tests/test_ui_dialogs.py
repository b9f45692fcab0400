"""The workstation's dialogs and small widgets, real and offscreen: sign-in against the real queue
service on loopback, the undo toast, the shortcut overlay, the status bar, the conflicts dialog,
the exception hook and the settings registry.

Keyrings: the real system keyring is never touched. `FakeSecureKeyring` stands in for a secure
store (Secret Service, Keychain) in memory; `FakePlaintextKeyring` for keyrings.alt's plaintext
file (judged insecure by its module); keyring's own `fail` backend is used as it is.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
from fakekeyring import FakePlaintextKeyring, FakeSecureKeyring
from keyring.backend import KeyringBackend
from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QTableWidget, QWidget
from pytestqt.qtbot import QtBot
from servicekit import PASSWORD, REVIEWER, Running, running, sqlite_url

from reviewer_app import paths
from reviewer_app.core.outbox import OutboxState
from reviewer_app.net.client import QueueClient
from reviewer_app.net.credentials import SERVICE_NAME, Credentials, KeyringStatus
from reviewer_app.net.errors import AuthError, ServiceUnreachable
from reviewer_app.storage.outbox import OutboxItem
from reviewer_app.ui.conflicts import ConflictsDialog
from reviewer_app.ui.errors import (
    ErrorReportDialog,
    KnownError,
    install_excepthook,
    redact,
)
from reviewer_app.ui.settings import Settings
from reviewer_app.ui.shortcuts import SHORTCUTS, ShortcutOverlay
from reviewer_app.ui.signin import (
    DEMO_RESULT,
    REMEMBER_TEXT,
    BadServerUrl,
    SignInDialog,
    normalise_server_url,
)
from reviewer_app.ui.statusbar import WorkstationStatusBar
from reviewer_app.ui.tasks import TaskRunner
from reviewer_app.ui.toast import UndoToast

# The offscreen platform cannot size or raise top-level windows, and says so: not ours.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)

FAST = (1.0, 1.5)  # connect, read timeouts of the fault tests


# -- fakes of what cannot run here -----------------------------------------------------------------


# -- fixtures --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    return home


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    with running(sqlite_url(tmp_path / "queue.sqlite3")) as run:
        yield run


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A loopback port that takes connections (the kernel's backlog) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def _bot(qtbot: QtBot) -> Any:
    """pytest-qt's key and mouse helpers are untyped."""
    return qtbot


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def _dialog(qtbot: QtBot, tasks: TaskRunner, **kwargs: object) -> SignInDialog:
    dialog = SignInDialog(tasks, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: SignInDialog, url: str, user: str = REVIEWER, password: str = PASSWORD) -> None:
    dialog.server_edit.setText(url)
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)


def _sign_in_and_wait_for_error(qtbot: QtBot, dialog: SignInDialog) -> str:
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=15_000)
    assert not dialog.busy
    assert dialog.result() == 0
    assert dialog.isVisible()
    return dialog.error_text()


# -- sign in ---------------------------------------------------------------------------------------


def test_sign_in_succeeds_off_the_ui_thread_and_remembers_in_the_keyring_only(
    qtbot: QtBot,
    tasks: TaskRunner,
    service: Running,
    app_home: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = FakeSecureKeyring()
    login_threads: list[threading.Thread] = []

    class RecordingClient(QueueClient):
        def login(self, username: str, password: str):  # type: ignore[no-untyped-def]
            login_threads.append(threading.current_thread())
            return super().login(username, password)

    dialog = _dialog(qtbot, tasks, keyring_backend=backend, client_factory=RecordingClient)
    assert dialog.remember_box.text() == REMEMBER_TEXT
    assert dialog.remember_box.isEnabled()
    assert dialog.remember_box.isChecked()
    assert dialog.keyring_text() == ""
    _fill(dialog, service.url + "/")
    with qtbot.waitSignal(dialog.finished, timeout=15_000):
        dialog.sign_in_button.click()
        assert dialog.busy
        assert not dialog.sign_in_button.isEnabled()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert login_threads
    assert login_threads[0] is not threading.main_thread()

    client = dialog.result_client()
    assert client.signed_in
    assert client.user is not None
    assert client.user.username == REVIEWER
    assert client.config().sla_hours > 0  # a working session
    assert dialog.remembered()
    assert dialog.server_url() == service.url
    assert dialog.result_credentials().status is KeyringStatus.SECURE
    assert dialog.password_edit.text() == ""

    # The tokens are in the (fake secure) keyring under the account's key…
    assert backend.calls.count("set") == 1
    ((stored_service, key), raw) = next(iter(backend.secrets.items()))
    assert stored_service == SERVICE_NAME
    assert key == f"{REVIEWER}@{service.url}"
    tokens = json.loads(raw)
    again = Credentials(service.url, REVIEWER, backend).load()
    assert again is not None
    assert again.access_token == tokens["access_token"]
    # …and nowhere else: not in the log, not in any file the workstation wrote.
    secrets = [PASSWORD, tokens["access_token"], tokens["refresh_token"]]
    for secret in secrets:
        assert secret not in caplog.text
    for path in app_home.rglob("*") if app_home.exists() else []:
        if path.is_file():
            content = path.read_bytes()
            assert not any(secret.encode() in content for secret in secrets), path
    client.close()


def test_wrong_password_is_said_inline_and_never_logged(
    qtbot: QtBot, tasks: TaskRunner, service: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = FakeSecureKeyring()
    dialog = _dialog(qtbot, tasks, server_url=service.url, keyring_backend=backend)
    wrong = "not-the-password-9f3"
    _fill(dialog, service.url, password=wrong)
    message = _sign_in_and_wait_for_error(qtbot, dialog)
    assert "Wrong user name or password" in message
    assert dialog.error_note.text_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.password_edit.hasFocus() or not dialog.isActiveWindow()
    assert backend.secrets == {}
    assert wrong not in caplog.text
    # Typing again clears the message; a second try works.
    _bot(qtbot).keyClicks(dialog.password_edit, "x")
    assert dialog.error_text() == ""


def test_unreachable_service_is_said_without_blocking_the_ui_thread(
    qtbot: QtBot, tasks: TaskRunner, blackhole: str
) -> None:
    dialog = _dialog(
        qtbot,
        tasks,
        keyring_backend=FakeSecureKeyring(),
        client_factory=lambda url: QueueClient(url, timeout=FAST),
    )
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    _fill(dialog, blackhole)
    dialog.sign_in_button.click()
    assert dialog.busy
    assert dialog.progress.isVisibleTo(dialog)
    assert "Signing in to 127.0.0.1" in dialog.progress_label.text()
    qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=15_000)
    timer.stop()
    # The event loop kept running while the service did not answer (1.5 s read timeout).
    assert len(ticks) >= 10
    assert "did not answer" in dialog.error_text()
    assert "Check the address" in dialog.error_text()
    assert not dialog.progress.isVisibleTo(dialog)
    assert dialog.sign_in_button.isEnabled()


def test_refused_connection_and_bad_addresses_are_said(
    qtbot: QtBot, tasks: TaskRunner, blackhole: str
) -> None:
    dialog = _dialog(qtbot, tasks, keyring_backend=FakeSecureKeyring())
    # Nothing listens on this port any more: refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    _fill(dialog, f"http://127.0.0.1:{closed_port}")
    assert "connection refused" in _sign_in_and_wait_for_error(qtbot, dialog)

    for bad in ("ftp://queue.example.com", "http://", "http://user:pw@queue.example.com"):
        _fill(dialog, bad)
        dialog.sign_in_button.click()
        assert not dialog.busy  # refused before any work starts
        assert dialog.error_text(), bad
    assert "user name and password out" in dialog.error_text()
    _fill(dialog, "http://queue.example.com", user="")
    dialog.sign_in_button.click()
    assert dialog.error_text() == "Enter your user name."


def test_tls_failure_is_said_as_such(qtbot: QtBot, tasks: TaskRunner, service: Running) -> None:
    dialog = _dialog(
        qtbot,
        tasks,
        keyring_backend=FakeSecureKeyring(),
        client_factory=lambda url: QueueClient(url, timeout=FAST),
    )
    # https:// to a service that speaks plain http: the TLS handshake fails.
    _fill(dialog, service.url.replace("http://", "https://"))
    message = _sign_in_and_wait_for_error(qtbot, dialog)
    assert "secure connection (TLS)" in message


def test_normalised_server_addresses() -> None:
    assert normalise_server_url(" https://Queue.example.com/ ") == "https://queue.example.com"
    assert normalise_server_url("queue.example.com:8443") == "https://queue.example.com:8443"
    assert normalise_server_url("127.0.0.1:8400/api/v1/") == "http://127.0.0.1:8400"
    assert normalise_server_url("localhost:8400") == "http://localhost:8400"
    for bad in ("", "ftp://x", "https://x:99999", "https://x/?q=1", "https://a:b@x"):
        with pytest.raises(BadServerUrl):
            normalise_server_url(bad)


@pytest.mark.parametrize(
    "backend_factory",
    [keyring.backends.fail.Keyring, FakePlaintextKeyring],
    ids=["keyring-fail-backend", "fake-plaintext-backend"],
)
def test_no_secure_keyring_disables_remember_and_says_why(
    qtbot: QtBot,
    tasks: TaskRunner,
    service: Running,
    backend_factory: Callable[[], KeyringBackend],
) -> None:
    backend = backend_factory()
    dialog = _dialog(qtbot, tasks, keyring_backend=backend)
    assert not dialog.remember_box.isEnabled()
    assert not dialog.remember_box.isChecked()
    explanation = Credentials("", "", backend).explanation
    assert explanation
    assert dialog.keyring_text() == explanation
    assert dialog.keyring_note.text_label.textFormat() == Qt.TextFormat.PlainText

    _fill(dialog, service.url)
    with qtbot.waitSignal(dialog.finished, timeout=15_000):
        dialog.sign_in_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.remembered()
    credentials = dialog.result_credentials()
    assert credentials.status is KeyringStatus.NO_SECURE_BACKEND
    assert credentials.load() is not None  # the token lives for this session, in memory
    if isinstance(backend, FakePlaintextKeyring):
        assert backend.calls == []
        assert backend.secrets == {}
    dialog.result_client().close()


def test_the_keyring_is_looked_for_off_the_ui_thread(
    qtbot: QtBot, tasks: TaskRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_on: list[threading.Thread] = []

    def fake_get_keyring() -> KeyringBackend:
        looked_on.append(threading.current_thread())
        return FakePlaintextKeyring()

    monkeypatch.setattr(keyring, "get_keyring", fake_get_keyring)
    dialog = _dialog(qtbot, tasks)
    qtbot.waitUntil(lambda: dialog.keyring_secure is not None, timeout=5_000)
    assert looked_on
    assert looked_on[0] is not threading.main_thread()
    assert not dialog.remember_box.isEnabled()
    assert "No secure password store" in dialog.keyring_text()


def test_first_start_offers_the_demo(qtbot: QtBot, tasks: TaskRunner) -> None:
    first = _dialog(qtbot, tasks, keyring_backend=FakeSecureKeyring())
    assert first.demo_note.isVisibleTo(first)
    assert first.server_edit.hasFocus() or not first.isActiveWindow()
    with qtbot.waitSignal(first.finished, timeout=2_000) as finished:
        first.demo_button.click()
    assert finished.args == [DEMO_RESULT]
    assert first.result() == DEMO_RESULT
    assert DEMO_RESULT not in (QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected)

    known = _dialog(
        qtbot, tasks, server_url="https://queue.example.com", keyring_backend=FakeSecureKeyring()
    )
    assert not known.demo_note.isVisibleTo(known)
    assert known.demo_button.isVisibleTo(known)


def test_cancel_while_signing_in_drops_the_attempt(
    qtbot: QtBot, tasks: TaskRunner, blackhole: str
) -> None:
    backend = FakeSecureKeyring()
    dialog = _dialog(
        qtbot,
        tasks,
        keyring_backend=backend,
        client_factory=lambda url: QueueClient(url, timeout=FAST),
    )
    _fill(dialog, blackhole)
    dialog.sign_in_button.click()
    assert dialog.busy
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dialog.busy
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=10_000)
    assert dialog.error_text() == ""  # the late failure was not shown
    assert backend.secrets == {}


# -- the undo toast --------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    made = QMainWindow()
    made.setCentralWidget(QLabel("review"))
    made.resize(900, 600)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    return made


def test_toast_offers_undo_and_emits_it(qtbot: QtBot, window: QMainWindow) -> None:
    central = window.centralWidget()
    assert central is not None
    toast = UndoToast(central)
    toast.show_decision("Declined <b>Jane</b> D.", 5.0)
    assert toast.isVisible()
    assert toast.text_label.text() == "Declined <b>Jane</b> D."
    assert toast.text_label.textFormat() == Qt.TextFormat.PlainText
    assert "Ctrl+Z" in toast.undo_button.text()
    assert 0.9 < toast.remaining_fraction() <= 1.0
    # Bottom centre of its parent, inside it.
    geometry = toast.geometry()
    assert abs(geometry.center().x() - central.width() // 2) <= 1
    assert geometry.bottom() < central.height()
    assert geometry.bottom() > central.height() - 80
    # It never takes the keyboard focus from the review.
    assert toast.undo_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    with qtbot.waitSignal(toast.undo_requested, timeout=1_000):
        _bot(qtbot).mouseClick(toast.undo_button, Qt.MouseButton.LeftButton)
    assert not toast.isVisible()
    # The parent grows: the toast follows.
    toast.show_decision("Accepted Ann L.", 5.0)
    window.resize(1200, 700)
    qtbot.waitUntil(lambda: abs(toast.geometry().center().x() - central.width() // 2) <= 1)
    toast.hide_now()
    assert not toast.isVisible()


def test_toast_hides_itself_after_the_grace(qtbot: QtBot, window: QMainWindow) -> None:
    toast = UndoToast(window)  # on a main window: above its status bar
    undone: list[bool] = []
    toast.undo_requested.connect(lambda: undone.append(True))
    central = window.centralWidget()
    assert central is not None
    with qtbot.waitSignal(toast.expired, timeout=3_000):
        toast.show_decision("Declined Jane D.", 0.3)
        status_bar = WorkstationStatusBar()
        window.setStatusBar(status_bar)  # the central area shrinks: the toast moves up
        qtbot.waitUntil(lambda: status_bar.geometry().top() > 0, timeout=1_000)
        assert toast.geometry().bottom() < status_bar.geometry().top()
        assert central.geometry().contains(toast.geometry())
        qtbot.waitUntil(lambda: toast.remaining_fraction() < 0.9, timeout=1_000)
        assert toast.isVisible()
    assert not toast.isVisible()
    assert undone == []
    toast.show_decision("Accepted Ann L.", 0)  # nothing to undo: nothing shown
    assert not toast.isVisible()


# -- the shortcut overlay --------------------------------------------------------------------------


def test_shortcuts_cover_design_section_8() -> None:
    keys = {s.key for s in SHORTCUTS}
    expected = {
        "A", "D", "1–9", "N", "Enter", "Ctrl+Z", "S", "E", "Space", "←", "→",
        "Ctrl+F", "W", "Ctrl+R", "F5", "?", "Ctrl+Shift+O",
    }  # fmt: skip
    assert expected <= keys
    assert len(keys) == len(SHORTCUTS)
    bound = [seq for s in SHORTCUTS for seq in s.sequences]
    assert len(bound) == len(set(bound)), "two shortcuts share a key"
    assert all(s.action and s.group for s in SHORTCUTS)


def test_overlay_lists_every_shortcut_and_closes_on_escape_or_question_mark(
    qtbot: QtBot, window: QMainWindow
) -> None:
    overlay = ShortcutOverlay(window)
    assert overlay.listed_text() == [(s.key, s.action) for s in SHORTCUTS]
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText
        for label in overlay.key_labels + overlay.action_labels
    )
    overlay.toggle()
    assert overlay.isVisible()
    assert overlay.geometry() == window.rect()
    assert window.rect().contains(overlay.card.geometry())
    _bot(qtbot).keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    accepted: list[bool] = []
    accept_action = QAction("Accept", window)
    accept_action.setShortcut(QKeySequence("A"))
    accept_action.triggered.connect(lambda: accepted.append(True))
    window.addAction(accept_action)
    overlay.toggle()
    assert overlay.hasFocus() or not window.isActiveWindow()
    _bot(qtbot).keyClick(overlay, Qt.Key.Key_A)  # swallowed: no decision behind the help
    assert overlay.isVisible()
    assert accepted == []
    _bot(qtbot).keyClick(overlay, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert not overlay.isVisible()
    overlay.toggle()
    overlay.toggle()
    assert not overlay.isVisible()
    overlay.toggle()
    _bot(qtbot).mouseClick(overlay, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))  # outside the card
    assert not overlay.isVisible()
    _bot(qtbot).keyClick(window, Qt.Key.Key_A)  # with the help closed, A reaches the window
    assert accepted == [True]


# -- the status bar --------------------------------------------------------------------------------


def test_status_widgets_show_plain_text_and_conflicts_click(
    qtbot: QtBot, window: QMainWindow
) -> None:
    bar = WorkstationStatusBar()
    window.setStatusBar(bar)
    labels = bar.findChildren(QLabel)
    assert labels
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels if label.text())
    bar.set_connection(False, "cannot reach <b>queue</b>: connection refused")
    assert bar.connection.text == "cannot reach <b>queue</b>: connection refused"
    assert bar.connection.text_label.textFormat() == Qt.TextFormat.PlainText
    assert "offline" in bar.connection.accessibleName()
    bar.set_connection(True, "Connected to queue.example.com")
    assert "online" in bar.connection.accessibleName()
    bar.set_connection(False, "x" * 500)
    assert len(bar.connection.text) <= 110
    assert bar.connection.toolTip() == "x" * 500

    bar.set_outbox(0, 0)
    assert bar.outbox.text == "All sent"
    assert not bar.conflicts_button.isVisibleTo(bar)
    bar.set_outbox(3, 2)
    assert bar.outbox.text == "3 waiting to send"
    assert bar.conflicts_button.isVisibleTo(bar)
    assert bar.conflicts_button.text() == "2 conflicts"
    assert "2 decisions" in bar.conflicts_button.accessibleName()
    with qtbot.waitSignal(bar.conflicts_clicked, timeout=1_000):
        _bot(qtbot).mouseClick(bar.conflicts_button, Qt.MouseButton.LeftButton)
    bar.set_outbox(1, 1)
    assert bar.conflicts_button.text() == "1 conflict"

    bar.set_decided_today(42)
    assert bar.decided.text == "42 decided today"
    bar.set_breaching_within_hour(5)
    assert bar.breaching.text == "5 breaching within the hour"
    assert "5 applications" in bar.breaching.accessibleName()
    bar.set_forecast("Queue clear in about 3 h")
    assert bar.forecast.isVisibleTo(bar)
    assert bar.forecast.text == "Queue clear in about 3 h"
    bar.set_forecast("")
    assert not bar.forecast.isVisibleTo(bar)
    for item in (bar.connection, bar.outbox, bar.decided, bar.breaching):
        assert item.accessibleName()
        assert item.icon_label.pixmap() is not None
        assert not item.icon_label.pixmap().isNull()


# -- the conflicts dialog --------------------------------------------------------------------------


def _outbox_item(n: int, state: OutboxState, detail: str | None) -> OutboxItem:
    when = datetime(2026, 3, 2, 9, n, tzinfo=UTC)
    return OutboxItem(
        decision_id=f"dec-{n}",
        application_id=f"APP-{n:06d}",
        revision=2,
        outcome="decline",
        reason_codes=("incomplete_profile", "text_errors"),
        note="overview thin",
        decided_at=when,
        state=state,
        attempts=1,
        next_attempt_at=None,
        last_error=None,
        server_status=str(state),
        server_detail=detail,
        grace_until=when + timedelta(seconds=5),
    )


def test_conflicts_dialog_shows_the_services_detail_as_plain_text(qtbot: QtBot) -> None:
    detail = "<b>lease version 3 is stale</b>: rob holds it now <img src=x>"
    items = [
        _outbox_item(1, OutboxState.CONFLICT, detail),
        _outbox_item(2, OutboxState.REJECTED, None),
        _outbox_item(3, OutboxState.DELIVERED, "accepted"),  # not listed
    ]
    dialog = ConflictsDialog(
        items,
        applicants={"APP-000001": "Jane Doe"},
        reason_labels={"incomplete_profile": "Incomplete profile"},
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert [item.decision_id for item in dialog.items] == ["dec-2", "dec-1"]  # newest first
    assert dialog.table.rowCount() == 2
    row = [_cell(dialog.table, 1, column) for column in range(dialog.table.columnCount())]
    assert row[0] == "Jane Doe"
    assert row[1] == "APP-000001 (revision 2)"
    assert row[2] == "Decline"
    assert row[3] == "Incomplete profile, text_errors"
    assert row[5] == "Conflict"
    assert row[6] == detail
    # The rejected one without a detail still says what happened.
    assert "refused" in _cell(dialog.table, 0, 6)

    dialog.table.selectRow(1)
    shown = dialog.detail.toPlainText()
    assert detail in shown
    assert "Note: overview thin" in shown
    assert "dec-1" in shown
    assert dialog.detail.isReadOnly()

    dialog.copy_report()
    copied = QGuiApplication.clipboard().text()
    assert detail in copied
    assert "APP-000002" in copied
    _bot(qtbot).keyClick(dialog.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == shown

    dialog.set_items([])
    assert dialog.table.rowCount() == 0
    assert not dialog.copy_button.isEnabled()


# -- the exception hook ----------------------------------------------------------------------------


def _raise(error: BaseException) -> tuple[type[BaseException], BaseException, object]:
    try:
        raise error
    except BaseException as caught:
        return type(caught), caught, caught.__traceback__


def test_unexpected_exceptions_get_a_copyable_report(
    qtbot: QtBot, window: QMainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    expected: list[BaseException] = []
    hook = install_excepthook(lambda: window, on_expected=expected.append)
    try:
        assert sys.excepthook == hook.handle
        sys.excepthook(*_raise(ZeroDivisionError("boom with token=abc123secret")))  # type: ignore[arg-type]
        dialog = hook.dialog
        assert isinstance(dialog, ErrorReportDialog)
        assert dialog.isVisible()
        assert dialog.parentWidget() is window
        report = dialog.report
        assert "ZeroDivisionError" in report
        assert "Traceback" in report
        assert "abc123secret" not in report
        assert "token=<hidden>" in report
        assert "unexpected error" in caplog.text
        dialog.copy_report()
        assert QGuiApplication.clipboard().text() == report

        # A second fault while the first is open joins the same report.
        sys.excepthook(*_raise(KeyError("again")))  # type: ignore[arg-type]
        assert hook.dialog is dialog
        assert "KeyError" in dialog.report

        # From a worker thread: shown on the UI thread.
        worker = threading.Thread(target=lambda: 1 / 0, name="worker-x")
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: "worker-x" in dialog.report, timeout=2_000)

        # Expected failures are not reported as bugs.
        dialog.close()
        qtbot.waitUntil(lambda: hook.dialog is None, timeout=2_000)
        sys.excepthook(*_raise(ServiceUnreachable("cannot reach the queue service")))  # type: ignore[arg-type]
        sys.excepthook(*_raise(KnownError("the disk is full")))  # type: ignore[arg-type]
        sys.excepthook(*_raise(OSError(28, "No space left on device")))  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: len(expected) == 3, timeout=2_000)
        assert hook.dialog is None
        assert not [w for w in QGuiApplication.topLevelWindows() if w.title().startswith("Unex")]
    finally:
        hook.uninstall()
    assert sys.excepthook != hook.handle


def test_reports_hide_tokens_and_passwords() -> None:
    text = 'Authorization: Bearer abc.def-123 {"password": "hunter2", "refresh_token": "r1"}'
    cleaned = redact(text)
    assert "abc.def-123" not in cleaned
    assert "hunter2" not in cleaned
    assert "r1" not in cleaned


# -- the settings registry -------------------------------------------------------------------------


def test_settings_are_typed_with_defaults_and_survive_a_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "settings.ini")
    settings = Settings(QSettings(path, QSettings.Format.IniFormat))
    assert settings.server_url == ""
    assert settings.wellness_mode is False
    assert settings.undo_grace_s == 5.0
    assert settings.prefetch_count == 3
    assert settings.take_offline_count == 25
    assert settings.window_geometry is None
    assert settings.splitter_state("review") is None
    names = {setting.key for setting in Settings.registry()}
    assert {"connection/server_url", "review/wellness_mode", "sync/prefetch_count"} <= names

    settings.server_url = "https://queue.example.com"
    settings.username = "rita"
    settings.wellness_mode = True
    settings.undo_grace_s = 7.5
    settings.prefetch_count = 5
    settings.take_offline_count = 40
    settings.window_geometry = QByteArray(b"\x01\x02geometry")
    settings.set_splitter_state("review", QByteArray(b"\x00splitter"))
    settings.sync()

    reopened = Settings(QSettings(path, QSettings.Format.IniFormat))
    assert reopened.server_url == "https://queue.example.com"
    assert reopened.username == "rita"
    assert reopened.wellness_mode is True
    assert reopened.undo_grace_s == 7.5
    assert reopened.prefetch_count == 5
    assert isinstance(reopened.prefetch_count, int)
    assert reopened.take_offline_count == 40
    assert reopened.window_geometry == QByteArray(b"\x01\x02geometry")
    assert reopened.splitter_state("review") == QByteArray(b"\x00splitter")

    with pytest.raises(ValueError, match="above"):
        settings.prefetch_count = 1000
    with pytest.raises(ValueError, match="splitter"):
        settings.set_splitter_state("../x", QByteArray(b"x"))


def test_unreadable_settings_fall_back_to_their_defaults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "settings.ini"
    path.write_text(
        "[sync]\nprefetch_count=lots\ntake_offline_count=100000\n"
        "[review]\nwellness_mode=perhaps\nundo_grace_s=nan\n"
    )
    settings = Settings(QSettings(str(path), QSettings.Format.IniFormat))
    assert settings.prefetch_count == 3
    assert settings.take_offline_count == 25
    assert settings.wellness_mode is False
    assert settings.undo_grace_s == 5.0
    assert "sync/prefetch_count" in caplog.text
    settings.reset(Settings.prefetch_count)
    assert settings.prefetch_count == 3


def test_widgets_do_not_need_a_parent_window(qtbot: QtBot) -> None:
    """The overlay widgets work on any widget, not only a main window."""
    host = QWidget()
    host.resize(640, 400)
    qtbot.addWidget(host)
    host.show()
    toast = UndoToast(host)
    toast.show_decision("x", 1.0)
    overlay = ShortcutOverlay(host)
    overlay.toggle()
    assert toast.isVisible()
    assert overlay.isVisible()


# -- a remembered sign-in --------------------------------------------------------------------------


def _remember(service: Running, backend: KeyringBackend) -> str:
    """Sign in once with the password and keep the tokens in `backend`; returns the refresh
    token kept."""
    from reviewer_app.net.credentials import StoredTokens

    with QueueClient(service.url) as first:
        token = first.login(REVIEWER, PASSWORD)
    Credentials(service.url, REVIEWER, backend).save(
        StoredTokens(token.access_token, token.refresh_token)
    )
    return token.refresh_token


def _window_for(qtbot: QtBot, tasks: TaskRunner, service: Running) -> Any:
    from reviewer_app.ui.launch import open_settings
    from reviewer_app.ui.main_window import MainWindow

    window = MainWindow(open_settings(), tasks)
    qtbot.addWidget(window)
    window.settings.set(Settings.server_url, service.url)
    window.settings.set(Settings.username, REVIEWER)
    window.show()
    return window


def test_a_remembered_sign_in_needs_no_password_and_sign_out_forgets_it(
    qtbot: QtBot, service: Running, tasks: TaskRunner
) -> None:
    from reviewer_app.ui.launch import SignInFlow

    backend = FakeSecureKeyring()
    kept = _remember(service, backend)
    window = _window_for(qtbot, tasks, service)
    flow = SignInFlow(window, tasks, keyring_backend=backend)
    flow.start()
    qtbot.waitUntil(lambda: flow.session is not None, timeout=20_000)
    assert window.findChildren(SignInDialog) == []
    # Refresh tokens are single use: the keyring now holds the new one, not the one used.
    now_kept = Credentials(service.url, REVIEWER, backend).load()
    assert now_kept is not None
    assert now_kept.refresh_token != kept
    with QueueClient(service.url) as other, pytest.raises(AuthError):
        other.resume(kept)

    window.sign_out()
    qtbot.waitUntil(lambda: len(window.findChildren(SignInDialog)) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: backend.secrets == {}, timeout=10_000)
    flow.stop()
    window.close()


def test_a_remembered_token_that_no_longer_works_asks_for_the_password(
    qtbot: QtBot, service: Running, tasks: TaskRunner
) -> None:
    from reviewer_app.ui.launch import SignInFlow

    backend = FakeSecureKeyring()
    kept = _remember(service, backend)
    with QueueClient(service.url) as thief:
        thief.resume(kept)  # used elsewhere: single use, so ours is dead now
    window = _window_for(qtbot, tasks, service)
    flow = SignInFlow(window, tasks, keyring_backend=backend)
    flow.start()
    qtbot.waitUntil(lambda: len(window.findChildren(SignInDialog)) == 1, timeout=20_000)
    assert flow.session is None
    assert backend.secrets == {}  # forgotten: it would fail again at every start
    window.findChildren(SignInDialog)[0].reject()
    flow.stop()
    window.close()
