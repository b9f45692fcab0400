"""The queue panel: a header with the filter box, and the table of pending applications."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.wire import QueueItemOut
from reviewer_app.ui import icons
from reviewer_app.ui.queue.model import Column, ItemRole, QueueModel
from reviewer_app.ui.signals import emit

HEADER_STATE_KEY = "queue/header_v1"

# Initial column widths in average character widths; Main skills takes the rest.
_WIDTHS_CHARS: dict[Column, int] = {
    Column.SLA: 11,
    Column.APPLICANT: 18,
    Column.COUNTRY: 17,
    Column.REVISION: 16,
    Column.FLAGS: 30,
    Column.HELD_BY: 15,
}


class QueueTable(QTableView):
    """The table: whole-row selection, no grid, fixed row height (fast with many rows)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSortingEnabled(True)
        self.setCornerButtonEnabled(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAccessibleName("Pending applications")
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        # A fixed row height: the view never measures rows (uniform rows for big tables).
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 12)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(48)

    def apply_default_widths(self) -> None:
        header = self.horizontalHeader()
        char = self.fontMetrics().averageCharWidth()
        for column, chars in _WIDTHS_CHARS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char + 28)
        header.setSectionResizeMode(Column.SKILLS, QHeaderView.ResizeMode.Stretch)


class QueueView(QWidget):
    """The queue area of the main window."""

    # The application the reviewer picked (double click or Enter); the review pane comes later.
    activated = Signal(object)

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueView")
        self._model = model

        self.title = QLabel("Queue", self)
        self.title.setObjectName("queueTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(title_font)

        self.summary = QLabel("", self)
        self.summary.setObjectName("queueSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        muted = self.summary.palette()
        muted.setColor(
            QPalette.ColorRole.WindowText, muted.color(QPalette.ColorRole.PlaceholderText)
        )
        self.summary.setPalette(muted)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("queueFilter")
        self.filter_edit.setPlaceholderText("Filter: applicant, country, skill, flag…  (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter the queue")
        self.filter_edit.addAction(icons.icon("filter"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.setMinimumWidth(180)  # the window has three panes side by side
        # Filter after a short pause in typing, not on every key, for big queues.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(lambda _text: self._filter_timer.start())
        self.filter_edit.returnPressed.connect(self._apply_filter)

        self.refresh_button = QToolButton(self)
        self.refresh_button.setObjectName("queueRefresh")
        self.refresh_button.setIcon(icons.icon("refresh"))
        self.refresh_button.setToolTip("Refresh the queue now (F5)")
        self.refresh_button.setAccessibleName("Refresh the queue")
        self.refresh_button.setAutoRaise(True)

        self.table = QueueTable(self)
        self.table.setModel(model)
        self.table.apply_default_widths()
        self.table.sortByColumn(Column.SLA, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._emit_activated)
        self.table.activated.connect(self._emit_activated)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(10)
        top.addWidget(self.title)
        top.addWidget(self.summary)
        top.addStretch(1)
        top.addWidget(self.filter_edit)
        top.addWidget(self.refresh_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        model.counts_changed.connect(self._update_summary)
        self._update_summary()

    @property
    def model(self) -> QueueModel:
        return self._model

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def selected_item(self) -> QueueItemOut | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        item = index.data(ItemRole)
        return item if isinstance(item, QueueItemOut) else None

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(HEADER_STATE_KEY, self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value(HEADER_STATE_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            header = self.table.horizontalHeader()
            if header.restoreState(state):
                # The sort indicator came back: sort the model to match it.
                self._model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        self._model.set_filter(self.filter_edit.text())

    def _update_summary(self) -> None:
        counts = self._model.counts()
        if self._model.filter_text:
            self.summary.setText(f"{counts.shown} of {counts.pending} shown")
        else:
            self.summary.setText("")

    def _emit_activated(self) -> None:
        item = self.selected_item()
        if item is not None:
            emit(self.activated, item)
