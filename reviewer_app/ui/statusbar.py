"""The workstation's status bar: a message on the left; connection, outbox, conflicts, decided
today, breaching within the hour and the queue forecast on the right.

Every item is an icon and a plain-text label (the connection detail may be the server's text)
with an accessible name that reads as a sentence. Conflicts are a button, shown only while there
are some: clicking it emits `conflicts_clicked` (the window opens the conflicts dialog).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget

from reviewer_app.ui import icons
from reviewer_app.ui.queue.cells import safe_tooltip
from reviewer_app.ui.signals import emit

_TEXT_MAX = 110
_ICON = QSize(16, 16)
ALERT_COLOUR = "#c62828"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _clip(text: str, limit: int = _TEXT_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class StatusItem(QWidget):
    """An icon and a plain-text label, read out as one accessible sentence."""

    def __init__(self, name: str, icon_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.icon_label = QLabel(self)
        self.text_label = QLabel(self)
        self.text_label.setObjectName(f"{name}Text")
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label)
        self._icon_name = ""
        self._colour: str | None = None
        self.set_icon(icon_name)

    def set_icon(self, icon_name: str, colour: str | None = None) -> None:
        if (icon_name, colour) == (self._icon_name, self._colour):
            return
        self._icon_name, self._colour = icon_name, colour
        self.icon_label.setPixmap(icons.icon(icon_name, colour).pixmap(_ICON))

    def set_text(self, text: str, accessible: str, tooltip: str = "") -> None:
        self.text_label.setText(_clip(text))
        self.setAccessibleName(accessible)
        self.text_label.setAccessibleName(accessible)
        self.setToolTip(safe_tooltip(tooltip or accessible) or "")

    @property
    def text(self) -> str:
        return self.text_label.text()


class WorkstationStatusBar(QStatusBar):
    """`QMainWindow.setStatusBar(WorkstationStatusBar())`, then the `set_…` methods."""

    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workstationStatusBar")
        self.setSizeGripEnabled(True)
        self.message_label = QLabel(self)
        self.message_label.setObjectName("statusText")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)

        self.connection = StatusItem("connectionStatus", "offline", self)
        self.outbox = StatusItem("outboxStatus", "status-outbox", self)
        self.conflicts_button = QToolButton(self)
        self.conflicts_button.setObjectName("conflictsButton")
        self.conflicts_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.setIconSize(_ICON)
        self.conflicts_button.setIcon(icons.icon("status-conflict", ALERT_COLOUR))
        self.conflicts_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts_button.clicked.connect(lambda: emit(self.conflicts_clicked))
        self.conflicts_button.hide()
        self.decided = StatusItem("decidedStatus", "status-decided", self)
        self.breaching = StatusItem("breachingStatus", "status-breaching", self)
        self.forecast = StatusItem("forecastStatus", "status-forecast", self)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("userText")
        self.user_label.setTextFormat(Qt.TextFormat.PlainText)

        self.addWidget(self.message_label, 1)
        for widget in (
            self.forecast,
            self.breaching,
            self.decided,
            self.conflicts_button,
            self.outbox,
            self.connection,
            self.user_label,
        ):
            self.addPermanentWidget(widget)

        self.online: bool | None = None
        self.set_connection(None, "Not connected")
        self.set_outbox(0, 0)
        self.set_decided_today(0)
        self.set_breaching_within_hour(0)
        self.set_forecast("")

    # -- API -----------------------------------------------------------------------------------
    def set_message(self, text: str) -> None:
        """The lasting message on the left ("Loading the queue…")."""
        self.message_label.setText(_clip(text, 160))

    def set_connection(self, online: bool | None, detail: str) -> None:
        """online True/False, or None for "not connected yet"; `detail` may be the server's."""
        self.online = online
        if online:
            self.connection.set_icon("connected")
        elif online is None:
            self.connection.set_icon("offline")
        else:
            self.connection.set_icon("offline", ALERT_COLOUR)
        state = "online" if online else ("not connected" if online is None else "offline")
        shown = detail or state.capitalize()
        self.connection.set_text(shown, f"Connection: {state}. {detail}".strip(), detail or state)

    def set_outbox(self, waiting: int, conflicts: int) -> None:
        """Decisions waiting to be sent, and those the service refused (conflicts, rejected)."""
        waiting, conflicts = max(0, waiting), max(0, conflicts)
        if waiting:
            text = f"{waiting} waiting to send"
            said = f"Outbox: {plural(waiting, 'decision')} waiting to be sent."
        else:
            text = "All sent"
            said = "Outbox: every decision has been sent."
        self.outbox.set_text(text, said)
        self.conflicts_button.setVisible(conflicts > 0)
        label = plural(conflicts, "conflict")
        self.conflicts_button.setText(label)
        said = (
            f"{plural(conflicts, 'decision')} the service did not take. "
            "They are kept here. Click to see what happened."
        )
        self.conflicts_button.setAccessibleName(f"Conflicts: {said}")
        self.conflicts_button.setToolTip(safe_tooltip(said) or "")
        self.waiting, self.conflicts = waiting, conflicts

    def set_decided_today(self, n: int) -> None:
        self.decided.set_text(
            f"{n} decided today", f"{plural(n, 'decision')} made today on this computer."
        )

    def set_breaching_within_hour(self, n: int) -> None:
        self.breaching.set_icon("status-breaching", ALERT_COLOUR if n else None)
        self.breaching.set_text(
            f"{n} breaching within the hour",
            f"{plural(n, 'application')} will pass the answer deadline (SLA) within the hour.",
        )

    def set_forecast(self, text: str) -> None:
        """The queue forecast at the team's pace ("Queue clear in about 3 h"); '' hides it."""
        self.forecast.setVisible(bool(text))
        self.forecast.set_text(text, f"Forecast: {text}" if text else "No forecast")

    def set_user(self, text: str, tooltip: str = "") -> None:
        self.user_label.setText(_clip(text, 60))
        self.user_label.setToolTip(safe_tooltip(tooltip) or "")
        self.user_label.setAccessibleName(f"Signed in: {text}" if text else "Not signed in")

    @staticmethod
    def alert_colour() -> QColor:
        return QColor(ALERT_COLOUR)


# The name the first plan used for the same thing.
StatusWidgets = WorkstationStatusBar
