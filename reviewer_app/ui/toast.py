"""The undo toast: "Declined Jane D. — Undo (Ctrl+Z)" over the bottom centre of the window while a
decision waits out its grace period (DESIGN §4 step 7), with a bar that shrinks as time runs out.

The toast only asks for an undo (`undo_requested`); the window owns Ctrl+Z and the outbox, and
decides whether the undo is still possible. The toast never takes the keyboard focus: the
reviewer's next key goes to the review, not to the toast's button.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QElapsedTimer,
    QEvent,
    QObject,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from reviewer_app.ui import icons
from reviewer_app.ui.queue.cells import safe_tooltip
from reviewer_app.ui.signals import emit

TICK_MS = 40
_MARGIN_BOTTOM = 28
_SIDE_GAP = 16
_MIN_WIDTH = 380
_BAR_HEIGHT = 4
_RADIUS = 8.0


class UndoToast(QWidget):
    """An overlay child of `parent`, anchored to its bottom centre (for a QMainWindow, to the
    bottom centre of its central widget, so the status bar stays readable)."""

    undo_requested = Signal()
    expired = Signal()  # the grace ran out with no undo

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("undoToast")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self._text = ""
        self._grace_ms = 0
        self._clock = QElapsedTimer()
        self._watched_central: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

        dark_card = not icons.is_dark()  # a dark card on a light window, and the other way
        self._background = QColor("#323232" if dark_card else "#ececec")
        foreground = QColor("#ffffff" if dark_card else "#1b1b1b")
        self._accent = QColor("#90caf9" if dark_card else "#1565c0")

        self.icon_label = QLabel(self)
        self.icon_label.setPixmap(icons.icon("toast-undo", foreground).pixmap(QSize(18, 18)))
        self.text_label = QLabel(self)
        self.text_label.setObjectName("undoToastText")
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)  # an applicant's name is in it
        palette = self.text_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, foreground)
        self.text_label.setPalette(palette)
        font = self.text_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.05)
        self.text_label.setFont(font)
        self.undo_button = QPushButton("Undo (Ctrl+Z)", self)
        self.undo_button.setObjectName("undoToastButton")
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.undo_button.setAccessibleName("Undo the last decision")
        accent = self._accent.name()
        red, green, blue = self._accent.red(), self._accent.green(), self._accent.blue()
        self.undo_button.setStyleSheet(
            f"QPushButton {{ background: transparent; border: 1px solid {accent};"
            f" border-radius: 4px; padding: 4px 12px; color: {accent}; font-weight: bold; }}"
            f"QPushButton:hover {{ background: rgba({red}, {green}, {blue}, 40); }}"
            f"QPushButton:pressed {{ background: rgba({red}, {green}, {blue}, 80); }}"
        )
        self.undo_button.clicked.connect(self._undo_clicked)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 12, 10 + _BAR_HEIGHT)
        layout.setSpacing(10)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.undo_button)

        parent.installEventFilter(self)
        self.hide()

    # -- API -----------------------------------------------------------------------------------
    def show_decision(self, text: str, grace_s: float) -> None:
        """Show `text` (e.g. "Declined Jane D.") with Undo for `grace_s` seconds."""
        if grace_s <= 0:  # nothing can be undone: nothing to offer
            self.hide_now()
            return
        self._text = text
        self._grace_ms = max(1, round(grace_s * 1000))
        self.text_label.setToolTip(safe_tooltip(text) or "")
        self.setAccessibleName(f"{text} Undo with Ctrl+Z")
        self._clock.start()
        self._timer.start()
        self.show()
        self._reposition()
        self.raise_()
        self.update()

    def hide_now(self) -> None:
        self._timer.stop()
        self.hide()

    @property
    def text(self) -> str:
        return self._text

    def remaining_fraction(self) -> float:
        """1.0 when just shown, 0.0 when the grace is over (or the toast is hidden)."""
        if not self._timer.isActive() or self._grace_ms <= 0:
            return 0.0
        return max(0.0, 1.0 - self._clock.elapsed() / self._grace_ms)

    # -- internals -----------------------------------------------------------------------------
    def _undo_clicked(self) -> None:
        self.hide_now()
        emit(self.undo_requested)

    def _tick(self) -> None:
        if self.remaining_fraction() <= 0.0:
            self.hide_now()
            emit(self.expired)
            return
        self.update()

    def _area(self) -> QRect:
        """Where to sit, in the parent's coordinates: over a main window's central area (above
        its status bar), else over the whole parent."""
        parent = self.parentWidget()
        if parent is None:
            return QRect()
        if isinstance(parent, QMainWindow):
            central = parent.centralWidget()
            if central is not None and central.isVisible():
                if central is not self._watched_central:
                    # Its size changes without the window's (a status bar or dock appears).
                    central.installEventFilter(self)
                    self._watched_central = central
                return central.geometry()
        return parent.rect()

    def _reposition(self) -> None:
        area = self._area()
        if area.isEmpty():
            return
        available = max(120, area.width() - 2 * _SIDE_GAP)
        fixed = (
            self.undo_button.sizeHint().width()
            + self.icon_label.sizeHint().width()
            + 16
            + 12
            + 2 * 10
        )
        metrics = self.text_label.fontMetrics()
        text_room = max(40, available - fixed)
        self.text_label.setText(
            metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, text_room)
        )
        hint = self.sizeHint()
        width = min(available, max(_MIN_WIDTH, hint.width()))
        height = hint.height()
        self.setGeometry(
            area.left() + (area.width() - width) // 2,
            max(area.top(), area.bottom() + 1 - height - _MARGIN_BOTTOM),
            width,
            height,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched in (self.parentWidget(), self._watched_central)
            and event.type() in (QEvent.Type.Resize, QEvent.Type.Move)
            and self.isVisible()
        ):
            self._reposition()
        return super().eventFilter(watched, event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(self.rect())
        outline = QPainterPath()
        outline.addRoundedRect(card, _RADIUS, _RADIUS)
        painter.fillPath(outline, self._background)
        # The time left to undo: a strip along the bottom edge that shrinks towards the left.
        fraction = self.remaining_fraction()
        if fraction > 0:
            painter.setClipPath(outline)
            painter.fillRect(
                QRectF(
                    card.left(), card.bottom() - _BAR_HEIGHT, card.width() * fraction, _BAR_HEIGHT
                ),
                self._accent,
            )
        painter.end()
