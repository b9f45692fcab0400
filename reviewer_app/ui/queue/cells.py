"""What the queue table shows in its cells: columns, texts, tooltips, SLA colours.

Every text here is built from the server's strings and returned as a display string; nothing is
ever rich text.
"""

from __future__ import annotations

import enum
import html
from datetime import datetime, timedelta
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QIcon, QPalette

from reviewer_app.core.sla import SlaState, format_time_left, time_left
from reviewer_app.core.wire import QueueItemOut
from reviewer_app.ui import icons


class Column(enum.IntEnum):
    SLA = 0
    APPLICANT = 1
    COUNTRY = 2
    SKILLS = 3
    REVISION = 4
    FLAGS = 5
    HELD_BY = 6


HEADERS: dict[Column, str] = {
    Column.SLA: "SLA left",
    Column.APPLICANT: "Applicant",
    Column.COUNTRY: "Country",
    Column.SKILLS: "Main skills",
    Column.REVISION: "Revision",
    Column.FLAGS: "Flags",
    Column.HELD_BY: "Held by",
}

HEADER_TIPS: dict[Column, str] = {
    Column.SLA: "Time left until the 24-hour answer is due (server time); negative once breached",
    Column.REVISION: "Revision of the application; later revisions are resubmissions",
    Column.HELD_BY: "Reviewer whose lease currently holds the application",
}

# A custom role returns the row's `QueueItemOut`; another its SLA state.
ItemRole = Qt.ItemDataRole.UserRole + 1
SlaStateRole = Qt.ItemDataRole.UserRole + 2

FLAG_LABELS: dict[str, str] = {
    "incomplete": "Incomplete",
    "no_photo": "No photo",
    "no_video": "No video",
    "resubmission": "Resubmission",
}
# Shown in the Revision column instead, so not repeated under Flags.
FLAGS_IN_REVISION = frozenset({"resubmission"})

STATE_LABELS: dict[SlaState, str] = {
    SlaState.ON_TRACK: "On track",
    SlaState.WARNING: "Warning",
    SlaState.CRITICAL: "Critical",
    SlaState.BREACHED: "Breached",
}

# (light palette, dark palette): readable text colours on each background.
STATE_COLOURS: dict[SlaState, tuple[str, str]] = {
    SlaState.ON_TRACK: ("#2e7d32", "#81c784"),
    SlaState.WARNING: ("#a15c00", "#ffb74d"),
    SlaState.CRITICAL: ("#d84315", "#ff8a65"),
    SlaState.BREACHED: ("#c62828", "#ef5350"),
}


def is_resubmission(item: QueueItemOut) -> bool:
    return item.revision > 1 or "resubmission" in item.flags


def flags_text(item: QueueItemOut) -> str:
    if not item.flags:
        return ""
    return ", ".join(
        FLAG_LABELS.get(flag, flag) for flag in item.flags if flag not in FLAGS_IN_REVISION
    )


def revision_text(item: QueueItemOut) -> str:
    return f"{item.revision} · resubmitted" if is_resubmission(item) else str(item.revision)


def held_by_text(item: QueueItemOut, current_user: str | None) -> str:
    if item.held_by is None:
        return ""
    if item.held_by == current_user:
        return f"{item.held_by} (you)"
    return item.held_by


def row_texts(item: QueueItemOut, current_user: str | None) -> tuple[str, ...]:
    """The texts of a row, indexed by column; the countdown (Column.SLA) changes with the
    clock, so it is not among them (an empty string holds its place)."""
    return (
        "",
        item.applicant,
        item.country,
        ", ".join(item.main_skills),
        revision_text(item),
        flags_text(item),
        held_by_text(item, current_user),
    )


def search_text(item: QueueItemOut, current_user: str | None) -> str:
    """What the filter searches: the id and the texts of `row_texts`, one per line, case
    folded. Made for every item at the first filter, so written out for speed."""
    held = item.held_by
    if held is not None and held == current_user:
        held = f"{held} (you)"
    return (
        f"{item.application_id}\n{item.applicant}\n{item.country}\n"
        f"{', '.join(item.main_skills)}\n{revision_text(item)}\n{flags_text(item)}\n"
        f"{held or ''}"
    ).casefold()


def display_text(
    item: QueueItemOut, column: Column, now: datetime, current_user: str | None
) -> str:
    if column == Column.SLA:
        return format_time_left(time_left(item.due_at, now))
    return row_texts(item, current_user)[column]


def spoken_time_left(left: timedelta) -> str:
    text = format_time_left(abs(left))
    return f"breached {text} ago" if left <= timedelta(0) else f"{text} left"


def sla_tooltip(item: QueueItemOut, state: SlaState, left: timedelta) -> str:
    due = item.due_at.strftime("%d %b %H:%M UTC")
    return f"{STATE_LABELS[state]} · due {due} · {spoken_time_left(left)}"


def sla_accessible(state: SlaState, left: timedelta) -> str:
    return f"SLA {STATE_LABELS[state].lower()}: {spoken_time_left(left)}"


def tooltip(item: QueueItemOut, column: Column, text: str) -> str | None:
    if column == Column.REVISION and is_resubmission(item):
        return f"Resubmission: revision {item.revision} after a declined profile"
    if column == Column.HELD_BY and item.held_by:
        if item.lease_expires_at is not None:
            return f"Held by {item.held_by} until {item.lease_expires_at.strftime('%H:%M UTC')}"
        return f"Held by {item.held_by}"
    if column == Column.APPLICANT:
        return f"{item.applicant} · {item.application_id}"
    return text or None


def safe_tooltip(text: str | None) -> str | None:
    """A tooltip that shows `text` as typed. Qt renders a tooltip as rich text when it looks
    like HTML (`Qt::mightBeRichText`), and these hold the server's strings: escape them."""
    if text is None or ("<" not in text and "&" not in text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"


def accessible(column: Column, text: str) -> str:
    if column == Column.HELD_BY and not text:
        return "Not held"
    if column == Column.FLAGS and not text:
        return "No flags"
    return f"{HEADERS[column]}: {text}"


def state_colour(state: SlaState) -> QColor:
    light, dark = STATE_COLOURS[state]
    return QColor(dark if icons.is_dark() else light)


def state_look(state: SlaState) -> tuple[QBrush, QIcon]:
    """The text brush and the dot of an SLA state under the current palette (made once)."""
    return _state_look(state, icons.is_dark())


@lru_cache(maxsize=16)
def _state_look(state: SlaState, dark: bool) -> tuple[QBrush, QIcon]:
    colour = QColor(STATE_COLOURS[state][1 if dark else 0])
    return QBrush(colour), flat_icon(icons.icon("sla-dot", colour))


def cell_icon(name: str) -> QIcon:
    """`icons.icon(name)` in the palette's text colour, as pixmaps (`flat_icon`)."""
    text = QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
    return _cell_icon(name, text.rgba())


@lru_cache(maxsize=32)
def _cell_icon(name: str, rgba: int) -> QIcon:
    return flat_icon(icons.icon(name, QColor.fromRgba(rgba)))


def flat_icon(icon: QIcon) -> QIcon:
    """The icon drawn once into pixmaps. A qtawesome icon draws its font glyph again (in
    Python) every time a cell paints it; a pixmap icon is drawn by Qt from its own cache."""
    flat = QIcon()
    for size in (16, 24, 32):
        flat.addPixmap(icon.pixmap(size))
    return flat


def tabular_font() -> QFont:
    """The application font with tabular (equal-width) digits, so countdowns do not jitter."""
    font = QFont(QGuiApplication.font())
    font.setFeature(QFont.Tag("tnum"), 1)
    return font
