"""Unexpected exceptions → a dialog with a copyable report; expected failures → not there.

`install_excepthook(parent_getter)` replaces `sys.excepthook` (which PySide6 calls for exceptions
in slots and virtual overrides too) and `threading.excepthook`. For an unexpected exception (a
bug) it logs the traceback and shows `ErrorReportDialog`: what happened, and a plain-text report
(versions, platform, time, traceback) to copy for whoever maintains the app. Expected failures
(the network, the keyring, a full or read-only disk, and `KnownError`) are a message where the
user is, given by the code that expected them; if one escapes to the hook anyway, it is logged
and handed to `on_expected`, not reported as a bug (as Vorta's exception dialog and
qutebrowser's KnownError/BugError split). Exceptions from other threads are shown on the UI
thread. While a report is open, further ones are added to it, not stacked as new dialogs.
"""

from __future__ import annotations

import errno
import logging
import platform
import re
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

import keyring.errors
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, QSize, Qt, QThread, Signal, qVersion
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app import __version__
from reviewer_app.net.errors import NetError
from reviewer_app.ui import icons
from reviewer_app.ui.signals import emit

log = logging.getLogger("reviewer_app.ui.errors")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
ParentGetter = Callable[[], QWidget | None]


class KnownError(Exception):
    """An expected failure whose message is meant for the user (not a bug)."""


# OS errors that are the machine's state, not the program's fault.
_EXPECTED_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO}
)

_REDACTIONS = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 <hidden>"),
    (
        re.compile(
            r"(?i)\b((?:access_|refresh_)?token|password|passwd|secret|authorization)"
            r"(['\"]?\s*[:=]\s*['\"]?)[^\s'\",}&]+"
        ),
        r"\1\2<hidden>",
    ),
)


def is_expected(error: BaseException) -> bool:
    if isinstance(error, KnownError | NetError | keyring.errors.KeyringError):
        return True
    return isinstance(error, OSError) and error.errno in _EXPECTED_ERRNOS


def redact(text: str) -> str:
    """Tokens and passwords out of a report (a traceback's messages could hold one)."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def format_report(
    exc_type: type[BaseException],
    error: BaseException,
    tb: TracebackType | None,
    *,
    thread_name: str | None = None,
) -> str:
    lines = [
        f"Reviewer Workstation {__version__}: unexpected error",
        f"Time (UTC): {datetime.now(UTC):%Y-%m-%d %H:%M:%S}",
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}",
        f"Platform: {platform.platform()}",
        f"Thread: {thread_name or threading.current_thread().name}",
        "",
        "".join(traceback.format_exception(exc_type, error, tb)).rstrip(),
    ]
    return redact("\n".join(lines))


class ErrorReportDialog(QDialog):
    """What happened, and the report in a read-only, selectable plain-text box."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorReportDialog")
        self.setWindowTitle("Unexpected error — Reviewer Workstation")
        self.resize(720, 480)
        self.reports: list[str] = []

        icon_label = QLabel(self)
        icon_label.setPixmap(icons.icon("report-bug").pixmap(QSize(36, 36)))
        title = _plain("Something went wrong inside the workstation", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        text = _plain(
            "This is a fault in the app, not something you did. Decisions already shown as "
            "recorded are saved on this computer. If the app misbehaves from here on, restart "
            "it. Please copy the report below and send it to whoever supports the workstation.",
            self,
        )
        text.setWordWrap(True)
        titles = QVBoxLayout()
        titles.addWidget(title)
        titles.addWidget(text)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(icon_label, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(titles, 1)

        self.report_edit = QPlainTextEdit(self)
        self.report_edit.setObjectName("errorReport")
        self.report_edit.setReadOnly(True)
        self.report_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.report_edit.setAccessibleName("Error report")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("&Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyErrorReport")
        self.copy_button.setIcon(icons.icon("report-copy"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(self.report_edit, 1)
        layout.addWidget(buttons)
        self.add_report(report)

    def add_report(self, report: str) -> None:
        self.reports.append(report)
        separator = "\n\n" + "-" * 72 + "\n\n"
        self.report_edit.setPlainText(separator.join(self.reports))

    @property
    def report(self) -> str:
        return self.report_edit.toPlainText()

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)


class ExceptionHook(QObject):
    """The installed hook; `uninstall()` puts the previous hooks back."""

    _unexpected = Signal(object)  # (exc info, thread name) from another thread
    _expected = Signal(object)  # an expected error, from any thread, handed over on the UI thread

    def __init__(
        self,
        parent_getter: ParentGetter,
        on_expected: Callable[[BaseException], None] | None = None,
    ) -> None:
        super().__init__()
        self._parent_getter = parent_getter
        self._on_expected = on_expected
        self.dialog: ErrorReportDialog | None = None
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        self._installed = False
        self._unexpected.connect(self._report_queued, Qt.ConnectionType.QueuedConnection)
        self._expected.connect(self._hand_over, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        self._installed = True

    def uninstall(self) -> None:
        if not self._installed:
            return
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous_sys
        if threading.excepthook == self._handle_thread:
            threading.excepthook = self._previous_threading
        self._installed = False

    def handle(
        self,
        exc_type: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
        thread_name: str | None = None,
    ) -> None:
        """`sys.excepthook`: may be called on any thread."""
        if issubclass(exc_type, KeyboardInterrupt | SystemExit):
            self._previous_sys(exc_type, error, tb)
            return
        if is_expected(error):
            log.warning(
                "expected failure reached the exception hook: %s: %s", exc_type.__name__, error
            )
            emit(self._expected, error)
            return
        app = QCoreApplication.instance()
        if app is None:  # no UI to show it in
            log.critical("unexpected error", exc_info=(exc_type, error, tb))
            self._previous_sys(exc_type, error, tb)
            return
        name = thread_name or threading.current_thread().name
        if QThread.currentThread() is app.thread():
            self._report((exc_type, error, tb), name)
        else:
            # Formatted on the UI thread: on Python 3.11, formatting tracebacks on two threads
            # at once can fail inside `ast` (CPython gh-106905; see tests/servicekit.py).
            emit(self._unexpected, ((exc_type, error, tb), name))

    def _report(self, info: ExcInfo, thread_name: str) -> None:
        log.critical("unexpected error (thread %s)", thread_name, exc_info=info)
        self._show(format_report(*info, thread_name=thread_name))

    def _report_queued(self, payload: tuple[ExcInfo, str]) -> None:
        self._report(*payload)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else None
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, thread_name=name)

    def _show(self, report: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_report(report)
            self.dialog.raise_()
            return
        try:
            parent = self._parent_getter()
        except Exception:  # the getter itself must not hide the report
            parent = None
        self.dialog = ErrorReportDialog(report, parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._forget_dialog)
        # Not exec(): a nested event loop inside a failing slot invites more of the same.
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def _forget_dialog(self) -> None:
        self.dialog = None

    def _hand_over(self, error: BaseException) -> None:
        if self._on_expected is not None:
            self._on_expected(error)


def install_excepthook(
    parent_getter: ParentGetter,
    *,
    on_expected: Callable[[BaseException], None] | None = None,
) -> ExceptionHook:
    """Install the hook (on the UI thread, after the QApplication exists) and return it."""
    hook = ExceptionHook(parent_getter, on_expected)
    app = QCoreApplication.instance()
    if app is not None:
        hook.setParent(app)
    hook.install()
    return hook


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label
