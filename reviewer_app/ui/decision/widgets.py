"""Small building blocks of the decision panel: key caps and buttons that show their key."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from reviewer_app.ui import icons
from reviewer_app.ui.plain import plain_label as plain_label


class KeyCap(QLabel):
    """A key as printed on a keyboard: `A`, `1`, `Enter`. Plain text, a little smaller, in a
    rounded box drawn with the palette's own roles (readable in light and dark palettes).

    Drawn here rather than by a style sheet: a widget with its own style sheet is polished and
    painted by Qt's style-sheet style, several times slower, and the decision panel shows a
    dozen key caps that repaint with every item."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(key, parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName("keyCap")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(5, 1, 5, 1)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        self.setFont(font)
        self.setForegroundRole(QPalette.ColorRole.Text)
        self.setAccessibleName(f"Key {key}")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        painter.end()
        super().paintEvent(event)


def key_cap(key: str, parent: QWidget | None = None) -> QLabel:
    """A `KeyCap` for `key`."""
    return KeyCap(key, parent)


def muted(label: QLabel) -> QLabel:
    """Secondary text: the palette's placeholder colour (readable in light and dark)."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)
    return label


def coloured(label: QLabel, colour: QColor | None) -> None:
    """Give a label a fixed text colour, or back the palette's (None)."""
    if colour is None:
        label.setPalette(QPalette())
        return
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    label.setPalette(palette)


class KeyButton(QPushButton):
    """A push button that shows an icon, its label and the key that triggers it.

    The parts are plain-text child labels (a QPushButton cannot place a key cap at its right
    edge); the button keeps an accessible name with the key, e.g. "Accept (A)".
    """

    def __init__(
        self,
        text: str,
        key: str,
        icon_name: str,
        parent: QWidget | None = None,
        *,
        icon_colour: QColor | str | None = None,
    ) -> None:
        super().__init__(parent)
        self._icon_name = icon_name
        self._icon_colour = icon_colour
        self.icon_label = plain_label("", self)
        self.icon_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.text_label = plain_label(text, self)
        self.text_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.key_label = key_cap(key, self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.icon_label)
        layout.addWidget(self.text_label)
        layout.addStretch(1)
        layout.addWidget(self.key_label)
        self.setAccessibleName(f"{text} ({key})")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Every action has its own key: the buttons take no focus, so Space (play video) or
        # Enter never clicks a button that happens to hold the focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggled.connect(self._refresh_icon)
        self._refresh_icon()

    def set_icon_colour(self, colour: QColor | str | None) -> None:
        self._icon_colour = colour
        self._refresh_icon()

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else super().sizeHint()
        return hint.expandedTo(QSize(0, self.fontMetrics().height() + 16))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.isChecked():
            return
        # The chosen outcome stands out by its own colour, not only by the style's sunken look.
        colour = QColor(self._icon_colour) if self._icon_colour is not None else None
        if colour is None or not colour.isValid():
            colour = self.palette().color(QPalette.ColorRole.Highlight)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        tint = QColor(colour)
        tint.setAlpha(40)
        painter.setBrush(tint)
        painter.setPen(QPen(colour, 2))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)
        painter.end()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.EnabledChange, QEvent.Type.PaletteChange):
            self._refresh_icon()

    def _refresh_icon(self) -> None:
        size = self.fontMetrics().height()
        # Drawn once per colour and size (icons.pixmap caches), not at every refresh.
        colour = self._icon_colour if self.isEnabled() else icons.DISABLED
        self.icon_label.setPixmap(
            icons.pixmap(self._icon_name, size, colour, ratio=self.devicePixelRatioF())
        )
        font = QFont(self.text_label.font())
        font.setBold(self.isChecked())
        self.text_label.setFont(font)
