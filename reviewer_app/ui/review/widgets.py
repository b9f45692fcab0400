"""Small pieces the review pane's parts share: plain-text labels, a placeholder, headers.

Everything the server sends is shown as plain text: `plain_label` fixes the label's format, so
a display name such as `<b>Ann</b>` shows its angle brackets instead of bold text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reviewer_app.ui import icons
from reviewer_app.ui.plain import plain_label as plain_label

# Qt's UTF-16 positions differ from Python's string indices for characters outside the Basic
# Multilingual Plane (emoji): offsets from the checks are converted before they reach a document.


def utf16_len(text: str) -> int:
    """The length of `text` in UTF-16 code units, which is how Qt's documents count."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def displayable(text: str) -> str:
    """Server text made safe for a plain-text document without changing its length in Python
    characters (so the checks' offsets still apply): a carriage return or another control
    character would start a block or vanish, and shift every offset after it."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == "\n" or c == "\t" else "\ufffd" for c in text)


def heading_font(
    base: QFont, scale: float = 1.0, weight: QFont.Weight = QFont.Weight.DemiBold
) -> QFont:
    font = QFont(base)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setWeight(weight)
    return font


def mix(a: QColor, b: QColor, share: float) -> QColor:
    """`share` of `a` and the rest of `b`."""
    return QColor(
        round(share * a.red() + (1 - share) * b.red()),
        round(share * a.green() + (1 - share) * b.green()),
        round(share * a.blue() + (1 - share) * b.blue()),
    )


def muted_colour(widget: QWidget) -> str:
    """A secondary text colour that works in light and dark palettes."""
    palette = widget.palette()
    return mix(
        palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window), 0.62
    ).name()


def icon_label(name: str, size: int = 16, parent: QWidget | None = None) -> QLabel:
    label = plain_label("", parent)
    label.setPixmap(icons.pixmap(name, size, ratio=label.devicePixelRatioF()))
    label.setFixedSize(size, size)
    return label


class SectionHeader(QWidget):
    """An icon and a bold title over a part of the pane, with room for tools on the right."""

    def __init__(self, icon_name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewSectionHeader")
        self.icon = icon_label(icon_name, 16, self)
        self.title = plain_label(title, self)
        self.title.setFont(heading_font(self.font()))
        self.tools = QHBoxLayout()
        self.tools.setSpacing(2)
        layout = QHBoxLayout(self)
        self.setMinimumHeight(32)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.setSpacing(6)
        layout.addWidget(self.icon)
        layout.addWidget(self.title)
        layout.addStretch(1)
        layout.addLayout(self.tools)


class Placeholder(QFrame):
    """A centred icon, title and explanation in place of a photo, a video or the whole pane."""

    def __init__(self, parent: QWidget | None = None, *, icon_size: int = 48) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPlaceholder")
        self._icon_size = icon_size
        self.icon_label = plain_label("", self)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = plain_label("", self)
        self.title_label.setObjectName("placeholderTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        self.title_label.setFont(heading_font(self.font(), 1.15))
        self.text_label = plain_label("", self)
        self.text_label.setObjectName("placeholderText")
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 16, 16, 16)
        column.setSpacing(8)
        column.addStretch(1)
        column.addWidget(self.icon_label)
        column.addWidget(self.title_label)
        column.addWidget(self.text_label)
        column.addStretch(2)

    def show_message(self, title: str, text: str, icon_name: str = "error") -> None:
        self.icon_label.setPixmap(
            icons.pixmap(icon_name, self._icon_size, ratio=self.devicePixelRatioF())
        )
        self.title_label.setText(title)
        self.text_label.setText(text)
        self.text_label.setVisible(bool(text))
        self.setAccessibleName(f"{title}. {text}" if text else title)

    @property
    def title(self) -> str:
        return self.title_label.text()

    @property
    def text(self) -> str:
        return self.text_label.text()


def format_duration(ms: int) -> str:
    """0:07, 1:02:03 — a media position or duration for people."""
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
