"""The workstation's keyboard shortcuts (DESIGN §8) in one list, and the `?` overlay showing them.

`SHORTCUTS` is what the overlay lists and what the window binds: `key` is the text shown to the
user, `sequences` the `QKeySequence` strings to bind (several for "1–9"), `group` the heading.
The overlay is a child of the window that covers it, dims it, and lists the keys on a card; `?`
or Esc (or a click outside the card) closes it. The window owns the `?` shortcut and calls
`toggle()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.ui import icons


@dataclass(frozen=True)
class Shortcut:
    key: str  # as shown: "Ctrl+Z", "1–9", "←"
    action: str  # what it does, as a short phrase
    group: str  # the heading it is listed under
    sequences: tuple[str, ...] = ()  # QKeySequence strings to bind; () when shown only


DECIDE, REVIEW, QUEUE, GENERAL = "Decide", "Review", "Queue", "General"

SHORTCUTS: list[Shortcut] = [
    Shortcut("A", "Accept", DECIDE, ("A",)),
    Shortcut("D", "Decline", DECIDE, ("D",)),
    Shortcut("1–9", "Toggle a reason code", DECIDE, tuple(str(n) for n in range(1, 10))),
    Shortcut("N", "Write a note", DECIDE, ("N",)),
    Shortcut("Enter", "Submit the decision", DECIDE, ("Return", "Enter")),
    Shortcut("Ctrl+Z", "Undo the last decision (while the grace lasts)", DECIDE, ("Ctrl+Z",)),
    Shortcut("S", "Skip (release the claim)", DECIDE, ("S",)),
    Shortcut("E", "Escalate to a team lead", DECIDE, ("E",)),
    Shortcut("Space", "Play or pause the intro video", REVIEW, ("Space",)),
    Shortcut("←", "Previous photo", REVIEW, ("Left",)),
    Shortcut("→", "Next photo", REVIEW, ("Right",)),
    Shortcut("W", "Wellness mode on or off", REVIEW, ("W",)),
    Shortcut("Ctrl+R", "Renew the claim", REVIEW, ("Ctrl+R",)),
    Shortcut("Ctrl+F", "Filter the queue", QUEUE, ("Ctrl+F",)),
    Shortcut("F5", "Refresh the queue", QUEUE, ("F5",)),
    Shortcut("Ctrl+Shift+O", "Take N applications offline", QUEUE, ("Ctrl+Shift+O",)),
    Shortcut("?", "Show or hide this help", GENERAL, ("?",)),
]

GROUPS: tuple[str, ...] = (DECIDE, REVIEW, QUEUE, GENERAL)


def shortcut_for(action: str) -> Shortcut:
    """The entry whose action is `action` (for a button's tooltip, say)."""
    for entry in SHORTCUTS:
        if entry.action == action:
            return entry
    raise KeyError(action)


_DIM = QColor(0, 0, 0, 150)


class ShortcutOverlay(QWidget):
    """Covers `parent`, dims it, and lists `shortcuts` on a card."""

    def __init__(self, parent: QWidget, shortcuts: list[Shortcut] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Keyboard shortcuts")
        self.shortcuts = list(SHORTCUTS if shortcuts is None else shortcuts)
        self._focus_before: QWidget | None = None

        self.card = QFrame(self)
        self.card.setObjectName("shortcutCard")
        self.card.setFrameShape(QFrame.Shape.NoFrame)
        card_layout = QVBoxLayout(self.card)
        card_layout.setContentsMargins(28, 22, 28, 18)
        card_layout.setSpacing(14)

        title_icon = QLabel(self.card)
        title_icon.setPixmap(icons.icon("shortcuts").pixmap(QSize(26, 26)))
        title = _plain("Keyboard shortcuts", self.card)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(title_icon)
        title_row.addWidget(title, 1)
        card_layout.addLayout(title_row)

        columns = QHBoxLayout()
        columns.setSpacing(36)
        self.key_labels: list[QLabel] = []
        self.action_labels: list[QLabel] = []
        # Two columns: Decide on the left; the other groups stacked on the right.
        left = list(GROUPS[:1])
        right = list(GROUPS[1:]) + sorted({s.group for s in self.shortcuts} - set(GROUPS))
        for column_groups in (left, right):
            # One grid per column, so that keys and actions line up across its groups.
            grid = QGridLayout()
            grid.setHorizontalSpacing(14)
            grid.setVerticalSpacing(5)
            grid.setColumnMinimumWidth(0, 64)
            grid.setColumnStretch(1, 1)
            for group in column_groups:
                entries = [s for s in self.shortcuts if s.group == group]
                if entries:
                    self._add_group(grid, group, entries)
            grid.setRowStretch(grid.rowCount(), 1)
            columns.addLayout(grid)
        card_layout.addLayout(columns)

        hint = _plain("Press ? or Esc to close", self.card)
        hint.setObjectName("shortcutHint")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card_layout.addWidget(hint)

        parent.installEventFilter(self)
        self.hide()

    def _add_group(self, grid: QGridLayout, group: str, entries: list[Shortcut]) -> None:
        heading = _plain(group, self.card)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        row = grid.rowCount() if grid.count() else 0
        heading.setContentsMargins(0, 8 if row else 0, 0, 2)
        grid.addWidget(heading, row, 0, 1, 2)
        for offset, entry in enumerate(entries, 1):
            key = _plain(entry.key, self.card)
            key.setObjectName("shortcutKey")
            key.setAlignment(Qt.AlignmentFlag.AlignCenter)
            key.setStyleSheet(_keycap_style())
            key.setAccessibleName(f"Key {entry.key}")
            action = _plain(entry.action, self.card)
            action.setObjectName("shortcutAction")
            grid.addWidget(key, row + offset, 0, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(action, row + offset, 1)
            self.key_labels.append(key)
            self.action_labels.append(action)

    # -- API -----------------------------------------------------------------------------------
    def toggle(self) -> None:
        if self.isVisible():
            self.close_overlay()
        else:
            self.open_overlay()

    def open_overlay(self) -> None:
        parent = self.parentWidget()
        app_focus = parent.focusWidget() if parent is not None else None
        self._focus_before = app_focus if app_focus is not self else None
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        self.hide()
        before, self._focus_before = self._focus_before, None
        if before is not None:
            before.setFocus(Qt.FocusReason.OtherFocusReason)

    def listed_text(self) -> list[tuple[str, str]]:
        """(key, action) as shown, in order (for tests and screen readers)."""
        return [
            (k.text(), a.text()) for k, a in zip(self.key_labels, self.action_labels, strict=True)
        ]

    # -- internals -----------------------------------------------------------------------------
    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        hint = self.card.sizeHint()
        width = min(hint.width(), max(200, self.width() - 40))
        height = min(hint.height(), max(120, self.height() - 40))
        self.card.setGeometry(
            (self.width() - width) // 2, (self.height() - height) // 2, width, height
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.parentWidget()
            and event.type() == QEvent.Type.Resize
            and self.isVisible()
        ):
            self._fit()
        return super().eventFilter(watched, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            # Keys go to the overlay, not to the window's shortcuts: pressing A while reading
            # the help must not accept an application.
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Question) or event.text() == "?":
            self.close_overlay()
            event.accept()
            return
        # Every other key is swallowed: no decision is taken while the help covers the screen.
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.card.geometry().contains(event.position().toPoint()):
            self.close_overlay()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), _DIM)
        # The card's background, rounded (the frame itself paints none).
        outline = QPainterPath()
        outline.addRoundedRect(QRectF(self.card.geometry()).adjusted(-1, -1, 1, 1), 12, 12)
        painter.fillPath(outline, self.palette().color(QPalette.ColorRole.Window))
        painter.end()


def _keycap_style() -> str:
    dark = icons.is_dark()
    border = "#6b6b6b" if dark else "#b8b8b8"
    background = "#3a3a3a" if dark else "#f4f4f4"
    return (
        f"QLabel {{ border: 1px solid {border}; border-bottom-width: 2px; border-radius: 4px;"
        f" background: {background}; padding: 1px 7px; font-weight: bold; }}"
    )


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label
