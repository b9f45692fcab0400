"""A read-only, plain-text preview of the message the applicant will get, with a Copy button.

The text comes from `core.applicant_message.compose_message`, the same function that builds
the message that is sent; what keeps a draft from being ready is listed above the text.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.applicant_message import ApplicantMessage
from reviewer_app.core.sla import SlaState
from reviewer_app.ui import icons
from reviewer_app.ui.decision.widgets import coloured, muted, plain_label
from reviewer_app.ui.queue.cells import state_colour

NO_OUTCOME = "Choose Accept (A) or Decline (D) to see the message the applicant gets."
ESCALATED = "Escalated to a lead: the applicant hears nothing until the lead decides."


class MessagePreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagePreview")
        self.message: ApplicantMessage | None = None
        self.title = plain_label("Message to the applicant", self)
        self.title.setObjectName("previewTitle")
        self.copy_button = QToolButton(self)
        self.copy_button.setObjectName("copyMessageButton")
        self.copy_button.setText("Copy")
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.copy_button.setAccessibleName("Copy the applicant message")
        self.copy_button.setToolTip("Copy the message to the clipboard")
        self.copy_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(self.copy)
        self.status = plain_label("", self)
        self.status.setObjectName("previewStatus")
        self.status.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("previewText")
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Preview of the applicant message")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.copy_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addLayout(header)
        column.addWidget(self.status)
        column.addWidget(self.text, 1)
        self.show_nothing()
        self._refresh_icon()

    def show_nothing(self, text: str = NO_OUTCOME) -> None:
        self.message = None
        self.text.setPlainText("")
        self.text.setPlaceholderText(text)
        self.status.setText("")
        self.status.setVisible(False)
        self.copy_button.setEnabled(False)

    def show_escalated(self) -> None:
        self.show_nothing(ESCALATED)

    def show_message(self, message: ApplicantMessage) -> None:
        self.message = message
        shown = self.plain_text()
        if self.text.toPlainText() != shown:
            self.text.setPlainText(shown)
        self.copy_button.setEnabled(True)
        if message.ready:
            self.status.setText("Ready to send")
            muted(self.status)
        else:
            self.status.setText("Not ready: " + "; ".join(message.problems))
            coloured(self.status, state_colour(SlaState.BREACHED))
        self.status.setVisible(True)

    def plain_text(self) -> str:
        if self.message is None:
            return ""
        return f"Subject: {self.message.subject}\n\n{self.message.body}"

    def copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if self.message is not None and clipboard is not None:
            clipboard.setText(self.plain_text())

    def _refresh_icon(self) -> None:
        size = self.fontMetrics().height()
        self.copy_button.setIcon(icons.icon("decision-copy"))
        self.copy_button.setIconSize(QSize(size, size))
