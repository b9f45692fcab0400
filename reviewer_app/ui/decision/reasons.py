"""The reason codes of a decline as checkable rows: number key, label, what the checks suggest.

The catalogue arrives from the service's `/config` (`ReasonCodeOut`). Suggestions from the
automatic checks highlight a row and show their evidence, but never tick it: the reviewer
decides.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from reviewer_app.core.reasons import ReasonCatalogue, ReasonCode
from reviewer_app.core.sla import SlaState
from reviewer_app.core.wire import ReasonCodeOut
from reviewer_app.ui import icons
from reviewer_app.ui.decision.widgets import key_cap, plain_label
from reviewer_app.ui.queue.cells import state_colour
from reviewer_app.ui.signals import emit

log = logging.getLogger("reviewer_app.ui.decision")

NUMBER_KEYS = frozenset("123456789")


def catalogue_from_wire(reasons: Sequence[ReasonCodeOut], version: int = 0) -> ReasonCatalogue:
    """The service's reason codes as a core catalogue (for the message preview).

    A malformed catalogue must not take the panel down: a code seen twice keeps its first
    entry, and a key used twice (or not a number key) keeps its reason without a key."""
    codes: list[ReasonCode] = []
    seen_codes: set[str] = set()
    seen_keys: set[str] = set()
    for index, reason in enumerate(reasons):
        if reason.code in seen_codes:
            log.warning("reason catalogue: code %r appears twice; the first is kept", reason.code)
            continue
        key = reason.key.strip()
        if key not in NUMBER_KEYS or key in seen_keys:
            log.warning("reason catalogue: %r has no usable number key (%r)", reason.code, key)
            key = f"#{index}"  # unique, and never matches a number key
        seen_codes.add(reason.code)
        seen_keys.add(key)
        codes.append(
            ReasonCode(
                code=reason.code,
                label=reason.label,
                key=key,
                applicant_text=reason.applicant_text,
                suggested_by=reason.suggested_by,
                note_required=reason.note_required,
            )
        )
    return ReasonCatalogue(version=version, codes=tuple(codes))


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed. Qt guesses whether a tooltip is rich text, so the
    text is escaped into a paragraph that wraps (server text is never interpreted)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text) + "</p>"


def _tint(colour: QColor, alpha: int) -> QColor:
    tinted = QColor(colour)
    tinted.setAlpha(alpha)
    return tinted


class ReasonRow(QFrame):
    """One reason: its key, a check box with the label, and the checks' suggestion if any."""

    def __init__(self, reason: ReasonCode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = reason
        self.setObjectName(f"reason_{reason.code}")
        self.suggestion = ""
        self._suggested = False
        has_key = reason.key in NUMBER_KEYS
        self.key_label = key_cap(reason.key if has_key else " ", self)
        self.key_label.setVisible(has_key)
        self.check = QCheckBox(reason.label, self)
        self.check.setObjectName(f"reasonCheck_{reason.code}")
        # Clicking does not take the focus from the panel (its keys keep working); Tab reaches it.
        self.check.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        name = f"Reason {reason.key}: {reason.label}" if has_key else f"Reason: {reason.label}"
        self.check.setAccessibleName(name)
        self.badge_icon = plain_label("", self)
        self.badge = plain_label("Suggested", self)
        self.badge.setObjectName("suggestedBadge")
        self.evidence = plain_label("", self)
        self.evidence.setObjectName("suggestedEvidence")
        self.evidence.setWordWrap(True)
        self.evidence.setAccessibleName("Evidence")
        note = " A note is required." if reason.note_required else ""
        self.setToolTip(
            plain_tooltip(f"Adds to the applicant message:\n\n{reason.applicant_text}{note}")
        )

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(8)
        top.addWidget(self.key_label)
        top.addWidget(self.check, 1)
        top.addWidget(self.badge_icon)
        top.addWidget(self.badge)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 4, 8, 4)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.evidence)
        indent = self.key_label.sizeHint().width() + top.spacing()
        self.evidence.setContentsMargins(indent, 0, 0, 2)
        self.set_suggestion(None)

    @property
    def suggested(self) -> bool:
        return self._suggested

    def set_suggestion(self, evidence: str | None) -> None:
        """Highlight the row as suggested by the checks with `evidence`, or not (None)."""
        suggested = evidence is not None
        self._suggested = suggested
        self.suggestion = evidence or ""
        self.badge.setVisible(suggested)
        self.badge_icon.setVisible(suggested)
        self.evidence.setText(self.suggestion)
        self.evidence.setVisible(bool(self.suggestion))
        description = f"Suggested by the checks: {self.suggestion}" if suggested else ""
        self.check.setAccessibleDescription(description)
        self.refresh_colours()

    def refresh_colours(self) -> None:
        accent = state_colour(SlaState.WARNING)
        size = self.fontMetrics().height()
        self.badge_icon.setPixmap(
            icons.pixmap("decision-suggested", size, accent, ratio=self.devicePixelRatioF())
        )
        palette = self.badge.palette()
        palette.setColor(QPalette.ColorRole.WindowText, accent)
        self.badge.setPalette(palette)
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # The whole row is the target, not just the check box.
        if event.button() == Qt.MouseButton.LeftButton and self.check.isEnabled():
            self.check.toggle()
            event.accept()
            return
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        checked = self.check.isChecked()
        if not (checked or self.suggested):
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        accent = state_colour(SlaState.WARNING)
        bar = highlight if checked else accent
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_tint(bar, 56 if checked else 34))
        painter.drawRoundedRect(rect, 4, 4)
        painter.setBrush(bar)
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)
        painter.end()


class ReasonList(QWidget):
    """The catalogue's reasons, one row each, in catalogue order."""

    changed = Signal()  # a reason was ticked or unticked (by the reviewer or a method)
    note_wanted = Signal()  # a reason that needs a note was ticked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonList")
        self.setAccessibleName("Reasons for a decline")
        self.rows: list[ReasonRow] = []
        self.catalogue = ReasonCatalogue(version=0, codes=())
        self.empty_label = plain_label("No reason codes from the service yet.", self)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.empty_label)
        self._quiet = False

    def set_catalogue(self, catalogue: ReasonCatalogue) -> None:
        chosen = set(self.chosen())
        suggestions = {row.reason.code: row.suggestion for row in self.rows if row.suggested}
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.catalogue = catalogue
        self.rows = []
        for reason in catalogue:
            row = ReasonRow(reason, self)
            row.check.setChecked(reason.code in chosen)
            row.check.toggled.connect(lambda checked, row=row: self._on_toggled(row, checked))
            self._layout.addWidget(row)
            self.rows.append(row)
        self.empty_label.setVisible(not self.rows)
        self.set_suggested(suggestions)

    def row(self, code: str) -> ReasonRow | None:
        return next((row for row in self.rows if row.reason.code == code), None)

    def row_for_key(self, key: str) -> ReasonRow | None:
        return next((row for row in self.rows if row.reason.key == key), None)

    def chosen(self) -> tuple[str, ...]:
        return tuple(row.reason.code for row in self.rows if row.check.isChecked())

    def chosen_reasons(self) -> list[ReasonCode]:
        return [row.reason for row in self.rows if row.check.isChecked()]

    def set_chosen(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        self._quiet = True
        try:
            for row in self.rows:
                row.check.setChecked(row.reason.code in wanted)
        finally:
            self._quiet = False
        emit(self.changed)

    def set_suggested(self, suggested: Mapping[str, str]) -> None:
        for row in self.rows:
            evidence = suggested.get(row.reason.code)
            row.set_suggestion(None if evidence is None else " ".join(evidence.split()))
        unknown = [code for code in suggested if self.row(code) is None]
        if unknown and self.rows:
            log.info("suggested reason codes not in the catalogue: %s", ", ".join(unknown))

    def refresh_colours(self) -> None:
        for row in self.rows:
            row.refresh_colours()

    def _on_toggled(self, row: ReasonRow, checked: bool) -> None:
        row.update()
        if self._quiet:
            return
        emit(self.changed)
        if checked and row.reason.note_required:
            emit(self.note_wanted)
