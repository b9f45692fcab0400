"""The main window: the live queue, and a message panel for the moments without one.

The window never waits for the network: the service is reached through `QueueFeed`, which works
on the task runner's threads. Until the review pane lands it shows the queue alone.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.sla import ServerClock, SlaPolicy
from reviewer_app.core.wire import ConfigOut, UserOut
from reviewer_app.net.client import QueueClient
from reviewer_app.ui import icons
from reviewer_app.ui.queue.feed import QueueFeed
from reviewer_app.ui.queue.model import QueueModel
from reviewer_app.ui.queue.view import QueueView
from reviewer_app.ui.tasks import TaskRunner

log = logging.getLogger("reviewer_app.ui")

TITLE = "Reviewer Workstation"
GEOMETRY_KEY = "window/geometry"
DEFAULT_SIZE = QSize(1360, 820)
SLA_TICK_MS = 1000
_STATUS_TEXT_MAX = 110


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows its text as typed: never as rich text (the text may be the server's)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


class MessagePanel(QWidget):
    """A centred icon, title and explanation: "no server", "preparing", errors."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagePanel")
        self.icon_label = plain_label("", self)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = plain_label("", self)
        self.title_label.setObjectName("messageTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(font)
        self.text_label = plain_label("", self)
        self.text_label.setObjectName("messageText")
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setMaximumWidth(620)
        self.command_label = plain_label("", self)
        self.command_label.setObjectName("messageCommand")
        self.command_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.command_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.Monospace)
        mono.setPointSizeF(self.font().pointSizeF() * 1.1)
        self.command_label.setFont(mono)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(260)
        self.busy.setAccessibleName("Working")

        column = QVBoxLayout()
        column.setSpacing(12)
        column.addWidget(self.icon_label)
        column.addWidget(self.title_label)
        column.addWidget(self.text_label, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.command_label)
        column.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(column)
        outer.addStretch(3)

    def show_message(
        self, title: str, text: str, icon_name: str, *, command: str = "", busy: bool = False
    ) -> None:
        self.icon_label.setPixmap(icons.icon(icon_name).pixmap(QSize(56, 56)))
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.command_label.setText(command)
        self.command_label.setVisible(bool(command))
        self.busy.setVisible(busy)


class ConnectionIndicator(QWidget):
    """Status bar: connected / offline (with the error), as an icon and plain text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionIndicator")
        self.icon_label = plain_label("", self)
        self.text_label = plain_label("Not connected", self)
        self.text_label.setObjectName("connectionText")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label)
        self.connected: bool | None = None
        self.set_state(None, "Not connected")

    def set_state(self, connected: bool | None, message: str) -> None:
        self.connected = connected
        name = "connected" if connected else "offline"
        self.icon_label.setPixmap(icons.icon(name).pixmap(QSize(16, 16)))
        shown = (
            message if len(message) <= _STATUS_TEXT_MAX else message[: _STATUS_TEXT_MAX - 1] + "…"
        )
        self.text_label.setText(shown)
        self.setToolTip(message)
        self.setAccessibleName(f"Connection: {message}")


class MainWindow(QMainWindow):
    """The workstation's window. `attach_service()` connects it to a signed-in client."""

    def __init__(
        self,
        settings: QSettings,
        tasks: TaskRunner,
        *,
        clock: ServerClock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(TITLE)
        self.setWindowIcon(icons.app_icon())
        self._settings = settings
        self._tasks = tasks
        self.clock = clock or ServerClock()
        self.client: QueueClient | None = None
        self.feed: QueueFeed | None = None
        self.user: UserOut | None = None

        self.model = QueueModel(self.clock, parent=self)
        self.queue_view = QueueView(self.model, self)
        self.message_panel = MessagePanel(self)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.message_panel)
        self._stack.addWidget(self.queue_view)
        self.setCentralWidget(self._stack)

        self.status_label = plain_label("", self)
        self.status_label.setObjectName("statusText")
        self.connection = ConnectionIndicator(self)
        self.user_label = plain_label("", self)
        self.user_label.setObjectName("userText")
        status = self.statusBar()
        status.setSizeGripEnabled(True)
        status.addWidget(self.status_label, 1)
        status.addPermanentWidget(self.connection)
        status.addPermanentWidget(self.user_label)

        self._make_actions()
        self.model.counts_changed.connect(self._update_counts)
        self.queue_view.refresh_button.clicked.connect(self.refresh)
        self._sla_timer = QTimer(self)
        self._sla_timer.setInterval(SLA_TICK_MS)
        self._sla_timer.timeout.connect(self.model.tick)

        self._restore_geometry()
        self.queue_view.restore_state(settings)

    # -- states ------------------------------------------------------------------------------
    def show_message(
        self,
        title: str,
        text: str,
        icon_name: str = "error",
        *,
        command: str = "",
        busy: bool = False,
    ) -> None:
        self.message_panel.show_message(title, text, icon_name, command=command, busy=busy)
        self._stack.setCurrentWidget(self.message_panel)

    def show_preparing(self, text: str = "Preparing demo queue…") -> None:
        self.status_label.setText(text)
        self.show_message(
            text,
            "Starting the queue service on this computer and generating demo applicants with "
            "photos and intro videos. The queue appears here in a moment.",
            "preparing",
            busy=True,
        )

    def show_no_server(self) -> None:
        self.status_label.setText("No queue service configured")
        self.connection.set_state(None, "Not connected")
        self.show_message(
            "No queue service configured",
            "Signing in to your team's queue service comes with a later version. To try the "
            "workstation now, start it with demo data: it runs the queue service on this "
            "computer and signs you in as the demo reviewer.",
            "no-server",
            command="reviewer-app --demo",
        )

    def show_error(self, title: str, error: BaseException | str) -> None:
        self.status_label.setText(title)
        self.show_message(title, str(error), "error")

    def attach_service(
        self,
        client: QueueClient,
        config: ConfigOut | None = None,
        *,
        interval_ms: int = 3000,
    ) -> QueueFeed:
        """Show the live queue of a signed-in client."""
        if self.feed is not None:
            self.feed.stop()
        self.client = client
        self.user = client.user
        if config is not None:
            self.model.set_policy(
                SlaPolicy(
                    hours=config.sla_hours,
                    warning_hours=config.sla_warning_hours,
                    critical_hours=config.sla_critical_hours,
                )
            )
        if self.user is not None:
            self.model.set_current_user(self.user.username)
            self.user_label.setText(f"{self.user.display_name} ({self.user.role})")
            self.user_label.setToolTip(f"Signed in as {self.user.username}")
        self.status_label.setText("Loading the queue…")
        self.show_message("Loading the queue…", "", "queue", busy=True)
        self.feed = QueueFeed(client, self.model, self._tasks, interval_ms=interval_ms, parent=self)
        self.feed.connection_changed.connect(self._on_connection)
        self.feed.loaded.connect(self._on_loaded)
        self.feed.start()
        self._sla_timer.start()
        return self.feed

    def refresh(self) -> None:
        if self.feed is not None:
            self.feed.poll_now()

    # -- internals -----------------------------------------------------------------------------
    def _make_actions(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction(icons.icon("quit"), "&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.refresh_action = QAction(icons.icon("refresh"), "&Refresh queue", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        view_menu.addAction(self.refresh_action)
        self.filter_action = QAction(icons.icon("filter"), "&Filter queue", self)
        self.filter_action.setShortcut(QKeySequence.StandardKey.Find)
        self.filter_action.triggered.connect(self._focus_filter)
        view_menu.addAction(self.filter_action)

    def _focus_filter(self) -> None:
        if self._stack.currentWidget() is self.queue_view:
            self.queue_view.focus_filter()

    def _on_loaded(self) -> None:
        self._stack.setCurrentWidget(self.queue_view)
        self.queue_view.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.rowCount() and not self.queue_view.table.currentIndex().isValid():
            self.queue_view.table.selectRow(0)
        self._update_counts()

    def _on_connection(self, connected: bool, message: str) -> None:
        self.connection.set_state(connected, message)
        if not connected and self.feed is not None and not self.feed.has_loaded:
            self.show_message(
                "Cannot load the queue",
                f"{message}\n\nTrying again automatically.",
                "offline",
            )
            self.status_label.setText("Waiting for the queue service")

    def _update_counts(self) -> None:
        if self.feed is None or not self.feed.has_loaded:
            return
        counts = self.model.counts()
        parts = [
            f"{counts.pending} pending",
            f"{counts.breaching_within_hour} breaching within the hour",
        ]
        if counts.breached:
            parts.append(f"{counts.breached} breached")
        self.status_label.setText(" · ".join(parts))

    def _restore_geometry(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        restored = (
            isinstance(geometry, QByteArray)
            and not geometry.isEmpty()
            and self.restoreGeometry(geometry)
        )
        if restored:
            return
        self.resize(DEFAULT_SIZE)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            size = DEFAULT_SIZE.boundedTo(available.size())
            self.resize(size)
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())

    def save_state(self) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.queue_view.save_state(self._settings)
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self._sla_timer.stop()
        if self.feed is not None:
            self.feed.stop()
        super().closeEvent(event)
