"""The decisions the service did not take (outbox items in CONFLICT or REJECTED), and what the
service said about each: a table to scan, the selected item in full below, and a plain-text
report to copy for the team lead.

These decisions are never dropped (DESIGN §5); this dialog is where the reviewer sees them. The
service's detail is shown as plain text only: table cells are plain, and the full text is in a
read-only QPlainTextEdit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.outbox import OutboxState
from reviewer_app.ui import icons

if TYPE_CHECKING:  # the storage layer (and SQLAlchemy) is not needed to show the items
    from reviewer_app.storage.outbox import OutboxItem

SHOWN_STATES = (OutboxState.CONFLICT, OutboxState.REJECTED)
COLUMNS = ("Applicant", "Application", "Outcome", "Reasons", "Decided at", "State", "What happened")

_STATE_TEXT = {OutboxState.CONFLICT: "Conflict", OutboxState.REJECTED: "Rejected"}
_DEFAULT_DETAIL = {
    OutboxState.CONFLICT: (
        "The service did not take this decision: the claim had passed to another reviewer, "
        "or the application was decided already."
    ),
    OutboxState.REJECTED: "The service refused this decision as invalid.",
}


def _when(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)  # stored in UTC
    local = aware.astimezone()
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".strip()


def what_happened(item: OutboxItem) -> str:
    detail = (item.server_detail or item.last_error or "").strip()
    return detail or _DEFAULT_DETAIL.get(item.state, "")


class ConflictsDialog(QDialog):
    """Lists `items` that are in conflict or rejected (others are ignored).

    `applicants` maps application id → applicant name, `reason_labels` reason code → label; both
    are optional (the id and the code are shown without them).
    """

    def __init__(
        self,
        items: Sequence[OutboxItem],
        *,
        applicants: Mapping[str, str] | None = None,
        reason_labels: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.setWindowTitle("Decisions not taken by the service")
        self.resize(980, 560)
        self._applicants = dict(applicants or {})
        self._reasons = dict(reason_labels or {})
        self.items: list[OutboxItem] = []

        header_icon = QLabel(self)
        header_icon.setPixmap(icons.icon("status-conflict", "#c62828").pixmap(QSize(32, 32)))
        self.title_label = _plain("", self)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        intro = _plain(
            "These decisions are kept on this computer; none is lost. The service did not "
            "record them, for the reason given under “What happened”. Copy the report for "
            "your team lead; an application that comes back to the queue can be decided again.",
            self,
        )
        intro.setWordWrap(True)
        titles = QVBoxLayout()
        titles.addWidget(self.title_label)
        titles.addWidget(intro)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(header_icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(titles, 1)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("conflictsTable")
        self.table.setAccessibleName("Decisions not taken")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        head = self.table.horizontalHeader()
        head.setStretchLastSection(True)
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.installEventFilter(self)
        self.table.itemSelectionChanged.connect(self._show_selected)

        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("conflictDetail")
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("The selected decision in full")
        self.detail.setPlaceholderText("Select a decision to see it in full.")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton("&Copy report", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyReportButton")
        self.copy_button.setIcon(icons.icon("report-copy"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.set_items(items)

    # -- API -----------------------------------------------------------------------------------
    def set_items(self, items: Sequence[OutboxItem]) -> None:
        self.items = sorted(
            (item for item in items if item.state in SHOWN_STATES),
            key=lambda item: _aware(item.decided_at),
            reverse=True,
        )
        count = len(self.items)
        self.title_label.setText(
            "No decisions waiting for attention"
            if not count
            else f"{count} decision{'s' if count != 1 else ''} not taken by the service"
        )
        self.table.setRowCount(count)
        for row, item in enumerate(self.items):
            for column, text in enumerate(self._row(item)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):
            width = self.table.columnWidth(column)
            self.table.setColumnWidth(column, min(width + 12, 260))
        self.copy_button.setEnabled(bool(count))
        if count:
            self.table.selectRow(0)
        else:
            self.detail.clear()

    def report(self, items: Sequence[OutboxItem] | None = None) -> str:
        """A plain-text report of `items` (default: all listed)."""
        chosen = self.items if items is None else list(items)
        return "\n\n".join(self._describe(item) for item in chosen)

    def copy_report(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.report())

    # -- internals -----------------------------------------------------------------------------
    def _row(self, item: OutboxItem) -> tuple[str, ...]:
        return (
            self._applicants.get(item.application_id, ""),
            f"{item.application_id} (revision {item.revision})",
            item.outcome.capitalize(),
            ", ".join(self._reasons.get(code, code) for code in item.reason_codes) or "—",
            _when(item.decided_at),
            _STATE_TEXT.get(item.state, str(item.state)),
            " ".join(what_happened(item).split()),
        )

    def _describe(self, item: OutboxItem) -> str:
        applicant = self._applicants.get(item.application_id, "")
        reasons = ", ".join(self._reasons.get(code, code) for code in item.reason_codes) or "none"
        lines = [
            f"Application: {item.application_id} (revision {item.revision})",
            *([f"Applicant: {applicant}"] if applicant else []),
            f"Outcome: {item.outcome}",
            f"Reasons: {reasons}",
            *([f"Note: {item.note}"] if item.note else []),
            f"Decided at: {_when(item.decided_at)} ({_aware(item.decided_at):%Y-%m-%d %H:%M:%S} "
            "UTC)",
            f"State: {_STATE_TEXT.get(item.state, str(item.state))}"
            + (f" (service said: {item.server_status})" if item.server_status else ""),
            f"What happened: {what_happened(item)}",
            f"Decision id: {item.decision_id}",
        ]
        return "\n".join(lines)

    def _selected_items(self) -> list[OutboxItem]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.items[row] for row in rows if 0 <= row < len(self.items)]

    def _show_selected(self) -> None:
        chosen = self._selected_items()
        self.detail.setPlainText(self.report(chosen) if chosen else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.matches(QKeySequence.StandardKey.Copy)
        ):
            chosen = self._selected_items()
            if chosen:
                QGuiApplication.clipboard().setText(self.report(chosen))
            return True
        return super().eventFilter(watched, event)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label
