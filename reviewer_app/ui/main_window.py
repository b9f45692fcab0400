"""The main window: the queue | the review pane | the decision panel, in splitters, with the
status bar, the actions and their keys, the undo toast and the `?` overlay.

The window holds no logic of the review itself: a `Workstation` (ui/workstation.py) owns the
store, the sync engine and the flow, and the window shows what it says and calls its actions.
The queue table reads the local store (`StoreQueueFeed`), never the network.

Keys (DESIGN §8) are window-wide `QAction`s. They do not fire while the reviewer types in the
filter box or the note: those fields claim their keys through Qt's ShortcutOverride (the note
does so itself; `_TypingGuard` does it for the filter).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.sla import ServerClock, utc_now
from reviewer_app.core.wire import UserOut
from reviewer_app.ui import icons, refcounts
from reviewer_app.ui.conflicts import ConflictsDialog
from reviewer_app.ui.decision.panel import DecisionPanel
from reviewer_app.ui.plain import plain_label as plain_label
from reviewer_app.ui.queue.model import QueueModel
from reviewer_app.ui.queue.store_feed import StoreQueueFeed
from reviewer_app.ui.queue.view import QueueView
from reviewer_app.ui.review.pane import ReviewPane
from reviewer_app.ui.settings import Settings
from reviewer_app.ui.shortcuts import GENERAL, SHORTCUTS, Shortcut, ShortcutOverlay
from reviewer_app.ui.statusbar import WorkstationStatusBar
from reviewer_app.ui.tasks import TaskRunner
from reviewer_app.ui.toast import UndoToast
from reviewer_app.ui.workstation import ReviewItem, Workstation

log = logging.getLogger("reviewer_app.ui")
refcounts.pin()  # before any Qt signal reaches a Python slot (see refcounts.py)

TITLE = "Reviewer Workstation"
GEOMETRY_KEY = "window/geometry"
SPLITTER_NAME = "main"
DEFAULT_SIZE = QSize(1440, 880)
SLA_TICK_MS = 500  # the one timer behind every countdown on screen (DESIGN §6)

START_KEY = "Ctrl+Return"
SIGN_OUT_KEY = "Ctrl+Shift+L"
WINDOW_SHORTCUTS: list[Shortcut] = [
    Shortcut("Ctrl+Enter", "Start reviewing (claim and open the next)", GENERAL, (START_KEY,)),
    *SHORTCUTS,
    Shortcut("Ctrl+Shift+L", "Sign out (purges cached profiles)", GENERAL, (SIGN_OUT_KEY,)),
]


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


class _TypingGuard(QObject):
    """Keeps plain keys (letters, digits, Enter, Space, arrows) in a text field instead of
    letting the window's one-key shortcuts take them; Esc leaves the field."""

    def __init__(self, on_escape: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self._on_escape = on_escape

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            if event.key() == Qt.Key.Key_Escape or not (event.modifiers() & command):
                event.accept()
                return True
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self._on_escape()
            return True
        return False


class MainWindow(QMainWindow):
    """The workstation's window. `attach_session()` connects it to a signed-in `Workstation`."""

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
        self._qsettings = settings
        self.settings = Settings(settings)
        self._tasks = tasks
        self.clock = clock or ServerClock()
        self.session: Workstation | None = None
        self.feed: StoreQueueFeed | None = None
        self.user: UserOut | None = None
        self.sign_out_handler: Callable[[], None] | None = None

        self.model = QueueModel(self.clock, parent=self)
        self.queue_view = QueueView(self.model, self)
        self.queue_view.setAccessibleName("Queue")
        self.review = ReviewPane(tasks, self)
        self.review.setObjectName("reviewPane")
        self.review.setAccessibleName("Application under review")
        self.panel = DecisionPanel(self)
        self.panel.setObjectName("decisionPanel")
        self.panel.setAccessibleName("Decision")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.queue_view)
        self.splitter.addWidget(self.review)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 2)

        self.message_panel = MessagePanel(self)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.message_panel)
        self._stack.addWidget(self.splitter)
        self.setCentralWidget(self._stack)

        self.status = WorkstationStatusBar(self)
        self.setStatusBar(self.status)
        self.status_label = self.status.message_label
        self.user_label = self.status.user_label

        self.toast = UndoToast(self)
        self.overlay = ShortcutOverlay(self, WINDOW_SHORTCUTS)
        self.overlay.hide()
        self._conflicts: ConflictsDialog | None = None

        self._guard = _TypingGuard(self._leave_filter, self)
        self.queue_view.filter_edit.installEventFilter(self._guard)
        self._make_actions()
        self.model.counts_changed.connect(self._update_counts)
        self.queue_view.refresh_button.clicked.connect(self.refresh)
        self.panel.decided.connect(self._decided)
        self.panel.skip_requested.connect(self._skip)
        self.panel.renew_requested.connect(self._renew)
        self.panel.invalid.connect(self.status.set_message)
        self.toast.undo_requested.connect(self.undo)
        self.status.conflicts_clicked.connect(self.show_conflicts)
        self.panel.clear("Not signed in")
        self.review.show_placeholder(
            "Nothing under review", "Press Start reviewing (Ctrl+Enter) to claim the next one."
        )

        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(SLA_TICK_MS)
        self._tick_timer.timeout.connect(self._tick)

        self._restore_geometry()
        self.queue_view.restore_state(settings)
        self.review.set_wellness(self.settings.get(Settings.wellness_mode))
        self.wellness_action.setChecked(self.settings.get(Settings.wellness_mode))

    # -- actions -------------------------------------------------------------------------------
    def _action(
        self,
        name: str,
        text: str,
        icon_name: str,
        keys: tuple[str, ...],
        slot: Callable[[], object],
        *,
        tip: str = "",
    ) -> QAction:
        action = QAction(icons.icon(icon_name), text, self)
        action.setObjectName(name)
        if keys:
            action.setShortcuts([QKeySequence(key) for key in keys])
            shown = QKeySequence(keys[0]).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip or text.replace('&', '')} ({shown})")
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        a = self._action
        self.start_action = a(
            "startReviewing",
            "&Start reviewing",
            "play",
            (START_KEY,),
            self.start_reviewing,
            tip="Claim and open the next application",
        )
        self.offline_action = a(
            "takeOffline",
            "Take &N offline…",
            "offline",
            ("Ctrl+Shift+O",),
            self.take_offline,
            tip="Claim a batch with a long lease, to review without the network",
        )
        self.refresh_action = a("refresh", "&Refresh", "refresh", ("F5",), self.refresh)
        self.wellness_action = a("wellness", "&Wellness mode", "wellness", ("W",), lambda: None)
        self.wellness_action.setCheckable(True)
        self.wellness_action.toggled.connect(self._set_wellness)
        self.sign_out_action = a(
            "signOut", "Sign &out", "signed-out", (SIGN_OUT_KEY,), self.sign_out
        )
        self.shortcuts_action = a(
            "shortcuts", "&Keyboard shortcuts", "shortcuts", ("?",), self.overlay.toggle
        )
        self.filter_action = a(
            "filter", "&Filter the queue", "filter", ("Ctrl+F",), self._focus_filter
        )
        self.quit_action = a("quit", "&Quit", "quit", ("Ctrl+Q",), self.close)
        self.conflicts_action = a(
            "conflicts", "&Conflicts…", "status-conflict", (), self.show_conflicts
        )

        # Decision and review keys: window-wide, calling the panel's and the pane's actions.
        self.accept_action = a("accept", "&Accept", "decision-accept", ("A",), self.panel.accept)
        self.decline_action = a(
            "decline", "&Decline", "decision-decline", ("D",), self.panel.decline
        )
        self.escalate_action = a(
            "escalate", "&Escalate", "decision-escalate", ("E",), self.panel.escalate
        )
        self.note_action = a("note", "&Note", "decision-submit", ("N",), self.panel.focus_note)
        self.submit_action = a(
            "submit", "Su&bmit", "decision-submit", ("Return", "Enter"), self._submit
        )
        self.undo_action = a("undo", "&Undo decision", "toast-undo", ("Ctrl+Z",), self.undo)
        self.skip_action = a("skip", "S&kip", "decision-skip", ("S",), self._skip)
        self.renew_action = a("renew", "Re&new claim", "decision-renew", ("Ctrl+R",), self._renew)
        self.reason_actions = [
            a(
                f"reason{n}",
                f"Reason {n}",
                "decision",
                (str(n),),
                partial(self.panel.toggle_reason, n),
            )
            for n in range(1, 10)
        ]
        self.video_action = a("video", "Play/pause video", "play", ("Space",), self._toggle_video)
        self.previous_photo_action = a(
            "previousPhoto", "Previous photo", "previous", ("Left",), self.review.previous_photo
        )
        self.next_photo_action = a(
            "nextPhoto", "Next photo", "next", ("Right",), self.review.next_photo
        )

        menu = self.menuBar()
        session_menu = menu.addMenu("&Session")
        for action in (
            self.start_action,
            self.offline_action,
            self.refresh_action,
            self.conflicts_action,
        ):
            session_menu.addAction(action)
        session_menu.addSeparator()
        session_menu.addAction(self.sign_out_action)
        session_menu.addAction(self.quit_action)
        decide_menu = menu.addMenu("&Decide")
        for action in (
            self.accept_action,
            self.decline_action,
            self.escalate_action,
            self.note_action,
            self.submit_action,
            self.undo_action,
            self.skip_action,
            self.renew_action,
        ):
            decide_menu.addAction(action)
        view_menu = menu.addMenu("&View")
        for action in (
            self.filter_action,
            self.wellness_action,
            self.previous_photo_action,
            self.next_photo_action,
            self.video_action,
        ):
            view_menu.addAction(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setIconSize(QSize(20, 20))
        for action in (self.start_action, self.offline_action, self.refresh_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.wellness_action)
        toolbar.addSeparator()
        toolbar.addAction(self.shortcuts_action)
        toolbar.addAction(self.sign_out_action)
        for action in toolbar.actions():
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        self.toolbar = toolbar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self._set_session_actions(False)

    def _set_session_actions(self, on: bool) -> None:
        for action in (
            self.start_action,
            self.offline_action,
            self.refresh_action,
            self.sign_out_action,
            self.conflicts_action,
        ):
            action.setEnabled(on)

    # -- states --------------------------------------------------------------------------------
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
        self.status.set_message(text)
        self.show_message(
            text,
            "Starting the queue service on this computer and generating demo applicants with "
            "photos and intro videos. The queue appears here in a moment.",
            "preparing",
            busy=True,
        )

    def show_no_server(self) -> None:
        self.status.set_message("No queue service configured")
        self.status.set_connection(None, "Not connected")
        self.show_message(
            "No queue service configured",
            "Sign in to your team's queue service, or try the workstation on demo data: it runs "
            "the queue service on this computer and signs you in as the demo reviewer.",
            "no-server",
            command="reviewer-app --demo",
        )

    def show_error(self, title: str, error: BaseException | str) -> None:
        self.status.set_message(title)
        self.show_message(title, str(error), "error")

    @property
    def workspace_shown(self) -> bool:
        return self._stack.currentWidget() is self.splitter

    # -- the session ---------------------------------------------------------------------------
    def attach_session(self, session: Workstation) -> StoreQueueFeed:
        """Show a signed-in session: its local queue, the review and the decisions."""
        self.detach_session()
        self.session = session
        self.clock = session.clock
        self.model.set_clock(session.clock)
        client = session.client
        self.user = getattr(client, "user", None)
        self.model.set_policy(session.policy)
        self.panel.set_policy(session.policy)
        if session.config is not None:
            self.panel.set_catalogue(session.config.reason_codes)
        if self.user is not None:
            self.model.set_current_user(self.user.username)
            self.status.set_user(
                f"{self.user.display_name} ({self.user.role})", f"Signed in as {self.user.username}"
            )
        self.status.set_message("Loading the queue…")
        self.status.set_connection(True, "Connected")
        self.show_message("Loading the queue…", "", "queue", busy=True)
        store = session.store
        self.feed = StoreQueueFeed(store.queue, self.model, self._tasks, parent=self)
        self.feed.loaded.connect(self._on_loaded)
        self.feed.failed.connect(self.status.set_message)
        session.queue_changed.connect(self.feed.reload)
        session.connection_changed.connect(self.status.set_connection)
        session.counts_changed.connect(self._on_session_counts)
        session.current_changed.connect(self._show_item)
        session.placeholder.connect(self._show_placeholder)
        session.recorded.connect(self._on_recorded)
        session.undone.connect(lambda _app_id: self.toast.hide_now())
        session.busy_changed.connect(self.panel.set_busy)
        session.message.connect(self.status.set_message)
        session.lease_changed.connect(lambda lease: self.panel.set_lease_expiry(lease.expires_at))
        session.sign_in_needed.connect(
            lambda detail: self.status.set_message(f"Sign in again: {detail}")
        )
        session.signed_out.connect(self._on_signed_out)
        self._set_session_actions(True)
        self._tick_timer.start()
        session.start()
        self.feed.reload()
        return self.feed

    def detach_session(self) -> None:
        if self.feed is not None:
            self.feed.stop()
            self.feed.deleteLater()
            self.feed = None
        if self.session is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.session.disconnect(self)
        self.session = None
        self._set_session_actions(False)

    def start_reviewing(self) -> None:
        if self.session is None:
            return
        self._stack.setCurrentWidget(self.splitter)
        self.session.start_reviewing()
        self.panel.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def take_offline(self, count: int | None = None) -> None:
        if self.session is None:
            return
        if count is None:
            default = self.settings.get(Settings.take_offline_count)
            value, ok = QInputDialog.getInt(
                self,
                "Take applications offline",
                "Claim this many applications with the long offline lease:",
                default,
                1,
                100,
            )
            if not ok:
                return
            count = int(value)
            self.settings.set(Settings.take_offline_count, count)
        self.session.take_offline(count)

    def refresh(self) -> None:
        if self.session is not None:
            self.session.refresh()

    def undo(self) -> None:
        if self.session is not None:
            self.session.undo()

    def sign_out(self) -> None:
        if self.session is None:
            return
        self.toast.hide_now()
        self.review.stop_media()
        self.status.set_message("Signing out: removing cached profiles and media…")
        self.session.sign_out()

    def show_conflicts(self) -> None:
        if self.session is None:
            return
        items = self.session.conflicts()
        labels = {reason.code: reason.label for reason in self.session.catalogue}
        applicants = {
            item.application_id: name
            for item in items
            if (queued := self.model.item_by_id(item.application_id)) is not None
            and (name := queued.applicant)
        }
        dialog = ConflictsDialog(items, applicants=applicants, reason_labels=labels, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._conflicts = dialog
        dialog.open()

    # -- slots ---------------------------------------------------------------------------------
    def _on_loaded(self) -> None:
        self._stack.setCurrentWidget(self.splitter)
        if self.model.rowCount() and not self.queue_view.table.currentIndex().isValid():
            self.queue_view.table.selectRow(0)
        self.panel.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_counts()

    def _show_item(self, item: ReviewItem | None) -> None:
        if item is None:
            return
        self._stack.setCurrentWidget(self.splitter)
        self.review.show_application(
            item.application,
            item.media,
            item.findings,
            item.diff,
            item.demand,
            decoded=item.decoded,
        )
        revision = item.application.revisions[-1] if item.application.revisions else None
        self.panel.load(
            item.application_id,
            item.lease.revision,
            item.due_at,
            item.lease.expires_at,
            item.suggested,
            first_name=revision.profile.first_name if revision else "",
        )
        self.panel.tick(self.clock.now())
        row = self.model.row_of(item.application_id)
        if row is not None:
            self.queue_view.table.selectRow(row)
        focus = self.focusWidget()
        if focus is None or focus is self.queue_view.filter_edit or not focus.isVisible():
            self.panel.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_placeholder(self, title: str, text: str) -> None:
        self.review.stop_media()
        self.review.show_placeholder(title, text)
        self.panel.clear(title)

    def _on_recorded(self, text: str, grace_s: float) -> None:
        if self.settings.get(Settings.show_undo_toast):
            self.toast.show_decision(text, grace_s)
        self.status.set_message(f"{text} — recorded")

    def _on_session_counts(self, counts: Any) -> None:
        self.status.set_outbox(counts.waiting, counts.conflicts)
        self.status.set_decided_today(counts.decided_today)
        self.conflicts_action.setEnabled(counts.conflicts > 0 or self.session is not None)

    def _on_signed_out(self) -> None:
        session = self.session
        self.detach_session()
        self._tick_timer.stop()
        self.model.reset_items([])
        self.panel.clear("Signed out")
        self.review.show_placeholder("Signed out", "Cached profiles and media were removed.")
        self.status.set_connection(None, "Signed out")
        self.status.set_user("")
        self.show_message(
            "Signed out",
            "Cached profiles and media were removed from this computer. Decisions not yet "
            "delivered stay in the outbox and are sent after the next sign-in.",
            "signed-out",
        )
        if session is not None:
            session.close()
        if self.sign_out_handler is not None:
            self.sign_out_handler()

    def _decided(self, draft: Any) -> None:
        if self.session is not None:
            self.session.decide(draft)

    def _submit(self) -> None:
        if self.session is not None and not self.panel.loaded and self.session.current is None:
            self.start_reviewing()  # Enter with nothing open: start
            return
        self.panel.submit()

    def _skip(self) -> None:
        if self.session is not None and self.panel.loaded and not self.panel.busy:
            self.review.stop_media()
            self.session.skip()

    def _renew(self) -> None:
        if self.session is not None:
            self.session.renew()

    def _toggle_video(self) -> None:
        self.review.toggle_video()

    def _set_wellness(self, on: bool) -> None:
        self.review.set_wellness(on)
        self.settings.set(Settings.wellness_mode, on)

    def _focus_filter(self) -> None:
        if self.session is not None:
            self._stack.setCurrentWidget(self.splitter)
        self.queue_view.focus_filter()

    def _leave_filter(self) -> None:
        self.panel.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _tick(self) -> None:
        self.model.tick()
        self.panel.tick(self.clock.now())

    def _update_counts(self) -> None:
        counts = self.model.counts()
        self.status.set_breaching_within_hour(counts.breaching_within_hour)
        if self.feed is not None:
            forecast = self.feed.pace.forecast(counts.pending, utc_now()).describe()
        else:
            forecast = f"{counts.pending:,} pending"
        self.status.set_forecast(forecast)

    # -- geometry ------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.window_geometry
        splitter = self.settings.splitter_state(SPLITTER_NAME)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([320, 760, 360])
        if geometry is not None and self.restoreGeometry(geometry):
            return
        self.resize(DEFAULT_SIZE)
        screen = self.screen()
        if screen is not None:
            available = screen.availableGeometry()
            self.resize(DEFAULT_SIZE.boundedTo(available.size()))
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())

    def save_state(self) -> None:
        self.settings.window_geometry = self.saveGeometry()
        self.settings.set_splitter_state(SPLITTER_NAME, QByteArray(self.splitter.saveState()))
        self.queue_view.save_state(self._qsettings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self._tick_timer.stop()
        self.toast.hide_now()
        self.review.stop_media()
        if self.feed is not None:
            self.feed.stop()
        if self.session is not None:
            self.session.close()
        super().closeEvent(event)
