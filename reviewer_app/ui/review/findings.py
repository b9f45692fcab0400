"""The checks' findings as cards: severity icon, the reason code it supports, the evidence.

Most severe first. Evidence that points into the profile has a button that selects the words in
the profile text (`evidence_activated`). The demand card also lists the service's figures per
skill when they were given. Every text is a plain-text label.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import Evidence, Figure, Finding, Severity, Status
from reviewer_app.core.wire import DemandOut
from reviewer_app.ui import icons
from reviewer_app.ui.review.widgets import heading_font, icon_label, muted_colour, plain_label
from reviewer_app.ui.signals import emit

CHECK_TITLES = {
    "age": "Age",
    "completeness": "Completeness",
    "text": "Spelling and grammar",
    "photo": "Photo",
    "video": "Intro video",
    "demand": "Client demand",
}
SEVERITY_ICONS = {
    Severity.ERROR: "severity-error",
    Severity.WARNING: "severity-warning",
    Severity.INFO: "severity-info",
}
SEVERITY_COLOURS = {
    Severity.ERROR: "#d32f2f",
    Severity.WARNING: "#ef8f00",
    Severity.INFO: "#2e7d32",
}
MAX_EVIDENCE = 8
STRIP = 4  # width of the severity colour on the card's left edge


def figure_text(figure: Figure) -> str:
    value = figure.value
    shown = f"{value:,.3g}" if isinstance(value, float) else str(value)
    text = f"{figure.name.replace('_', ' ')}: {shown}"
    if figure.unit:
        text += f" {figure.unit}"
    if figure.limit is not None:
        text += f" (must be {figure.comparison or 'vs'} {figure.limit})"
    return text


def evidence_text(item: Evidence) -> str:
    if item.text and item.kind.startswith(("spelling", "grammar")):
        text = item.message
        if item.text not in text:
            text = f"“{item.text}”: {text}"
        fresh = [s for s in item.suggestions if s not in text]
        if fresh:
            text += f"  → {', '.join(fresh)}"
        if item.kind.endswith("_uncertain"):
            text += "  (uncertain)"
    else:
        text = item.message
    # Figures the message already states (3,466 open jobs) are not repeated after it.
    figures = [f for f in item.figures if not _stated(f, text)]
    if figures:
        text += "  [" + "; ".join(figure_text(f) for f in figures) + "]"
    return text


def _stated(figure: Figure, message: str) -> bool:
    """Whether the message already gives the figure's value (and its limit, if it has one)."""
    value, limit = figure.value, figure.limit
    if limit is not None and not (isinstance(limit, int | float) and f"{limit:g}" in message):
        return False
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return f"{value:,}" in message or str(value) in message
    if isinstance(value, float):
        return f"{value:.2f}" in message
    return isinstance(value, str) and bool(value) and value in message


def reason_text(code: str, catalogue: reasons.ReasonCatalogue = reasons.DEFAULT_CATALOGUE) -> str:
    reason = catalogue.get(code)
    if reason is None:
        return code
    return f"{reason.key} · {reason.label}"


def _set_text_colour(widget: QWidget, colour: QColor) -> None:
    """Text colour through the palette: a per-widget style sheet would put the widget under
    Qt's style-sheet style, which polishes and paints several times slower."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    palette.setColor(QPalette.ColorRole.Text, colour)
    widget.setPalette(palette)


class _EvidenceRow(QWidget):
    """One line of evidence under a finding, with a button that finds it in the profile."""

    def __init__(self, card: FindingCard) -> None:
        super().__init__(card)
        self._card = card
        self.target: tuple[str, int, int] | None = None
        self.label = plain_label("", self)
        self.label.setObjectName("findingEvidence")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.locate = QToolButton(self)
        self.locate.setIcon(icons.icon("filter"))
        self.locate.setIconSize(QSize(14, 14))
        self.locate.setAutoRaise(True)
        self.locate.setToolTip("Show in the profile text")
        self.locate.setAccessibleName("Show in the profile text")
        self.locate.clicked.connect(self._locate)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.label, 1)
        row.addWidget(self.locate, 0, Qt.AlignmentFlag.AlignTop)

    def set(self, text: str, target: tuple[str, int, int] | None = None) -> None:
        self.label.setText(text)
        self.target = target
        self.locate.setVisible(target is not None)

    def _locate(self) -> None:
        if self.target is not None:
            emit(self._card.evidence_activated, *self.target)


class FindingCard(QFrame):
    """One finding. A card is filled by `set_finding` and reused for the next application's
    findings, so moving to the next item creates no widgets."""

    evidence_activated = Signal(str, int, int)  # section, start, end (-1: none)

    def __init__(
        self,
        finding: Finding | None = None,
        demand: DemandOut | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("findingCard")
        self.setAutoFillBackground(False)
        self._colour = QColor(SEVERITY_COLOURS[Severity.INFO])
        self._icon_name = ""
        self.icon = icon_label("severity-info", 18, self)
        self.title = plain_label("", self)
        self.title.setFont(heading_font(self.font()))
        self.title.setWordWrap(True)  # a narrow column wraps the words instead of cutting
        self.reason = plain_label("", self)
        self.reason.setObjectName("findingReason")
        self.state = plain_label("", self)
        self.state.setObjectName("findingState")
        self.state.setWordWrap(True)
        self.state.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._state_font = self.state.font()
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.title, 1)
        top.addWidget(self.state, 0)

        self.summary = plain_label("", self)
        self.summary.setObjectName("findingSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10 + STRIP, 8, 10, 8)
        self._layout.setSpacing(4)
        self._layout.addLayout(top)
        self._layout.addWidget(self.reason)
        self._layout.addWidget(self.summary)
        self._rows: list[_EvidenceRow] = []
        self.evidence_labels: list[QLabel] = []
        self._recolour()
        self.finding: Finding = finding  # type: ignore[assignment]
        if finding is not None:
            self.set_finding(finding, demand)

    def set_finding(self, finding: Finding, demand: DemandOut | None = None) -> None:
        self.finding = finding
        not_run = finding.status is Status.NOT_RUN
        self._colour = QColor("#9e9e9e" if not_run else SEVERITY_COLOURS[finding.severity])
        icon_name = "not-run" if not_run else SEVERITY_ICONS[finding.severity]
        if icon_name != self._icon_name:
            self._icon_name = icon_name
            self.icon.setPixmap(icons.pixmap(icon_name, 18, ratio=self.devicePixelRatioF()))
        self.icon.setAccessibleName(f"Severity: {finding.severity}")
        self.title.setText(CHECK_TITLES.get(finding.check, finding.check))
        self.reason.setText(f"Reason {reason_text(finding.reason)}")
        self.reason.setToolTip(f"Reason code: {finding.reason}")
        self.reason.setAccessibleName(f"Supports reason {finding.reason}")
        state = {
            Status.FLAGGED: "suggests decline" if finding.suggested else "flagged",
            Status.PASSED: "passed",
            Status.NOT_RUN: "not run",
        }[finding.status]
        self.state.setText(state)
        self.summary.setText(finding.summary)
        self._recolour()

        lines: list[tuple[str, tuple[str, int, int] | None]] = []
        # Evidence that only repeats the summary adds nothing.
        evidence = [e for e in finding.evidence if evidence_text(e) != finding.summary]
        locatable = finding.check in ("text", "completeness", "age")
        for item in evidence[:MAX_EVIDENCE]:
            target = None
            if item.section is not None and locatable:
                start = item.start if item.start is not None else -1
                end = item.end if item.end is not None else -1
                target = (item.section, start, end)
            lines.append(("• " + evidence_text(item), target))
        more = len(evidence) - MAX_EVIDENCE
        if more > 0:
            lines.append((f"… and {more} more", None))
        if finding.check == "demand" and demand is not None:
            # The service's figures, for the skills the evidence does not already give.
            named = [e.message.casefold() for e in finding.evidence]
            for skill in demand.skills:
                prefix = f"{skill.skill}:".casefold()
                if any(message.startswith(prefix) for message in named):
                    continue
                line = (
                    f"• {skill.skill}: {skill.open_jobs:,} open jobs, "
                    f"{skill.active_freelancers:,} freelancers, ratio {skill.ratio:.2f}"
                )
                if not skill.known:
                    line = f"• {skill.skill}: not a skill the marketplace knows"
                elif skill.low_demand:
                    line += "  (low)"
                lines.append((line, None))
        while len(self._rows) < len(lines):
            row = _EvidenceRow(self)
            self._layout.addWidget(row)
            self._rows.append(row)
        for row, (text, target) in zip(self._rows, lines, strict=False):
            row.set(text, target)
            row.setVisible(True)
        for row in self._rows[len(lines) :]:
            row.setVisible(False)
            row.set("", None)
        self.evidence_labels = [row.label for row in self._rows[: len(lines)]]
        self.setAccessibleName(
            f"{self.title.text()}: {finding.summary} ({state}, reason {finding.reason})"
        )
        self.update()

    def _recolour(self) -> None:
        muted = QColor(muted_colour(self))
        _set_text_colour(self.reason, muted)
        finding = getattr(self, "finding", None)
        suggested = finding is not None and finding.suggested
        font = QFont(self._state_font)
        if suggested:
            font.setWeight(QFont.Weight.DemiBold)
            _set_text_colour(self.state, self._colour)
        else:
            self.state.setPalette(QPalette())
        self.state.setFont(font)

    def paintEvent(self, event: QPaintEvent) -> None:
        # A rounded card on the base colour, its left edge in the severity's colour.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 4, 4)
        path = QPainterPath()
        path.addRoundedRect(rect, 4, 4)
        painter.setClipPath(path)
        painter.fillRect(QRectF(0, 0, STRIP, self.height()), self._colour)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._recolour()

    def showEvent(self, event: QShowEvent) -> None:
        self._recolour()
        super().showEvent(event)


class FindingsView(QScrollArea):
    """All findings of the current revision, most severe first. Cards are kept and refilled
    for the next application (`cards` lists the ones in use)."""

    evidence_activated = Signal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsView")
        self.setAccessibleName("Findings of the automatic checks")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards: list[FindingCard] = []
        self._pool: list[FindingCard] = []
        self._body = QWidget(self)
        self._body.setObjectName("findingsBody")
        self._layout = QVBoxLayout(self._body)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.setSpacing(6)
        self._empty = plain_label("No findings: the checks have not run.", self._body)
        self._empty.setWordWrap(True)
        self._layout.addWidget(self._empty)
        self._layout.addStretch(1)
        self.setWidget(self._body)

    def set_findings(self, findings: Sequence[Finding], demand: DemandOut | None = None) -> None:
        ordered = sorted(
            findings,
            key=lambda f: (-f.severity.rank, not f.suggested, f.status is Status.PASSED),
        )
        while len(self._pool) < len(ordered):
            card = FindingCard(parent=self._body)
            card.evidence_activated.connect(self._forward)
            self._layout.insertWidget(self._layout.count() - 1, card)
            self._pool.append(card)
        for card, finding in zip(self._pool, ordered, strict=False):
            card.set_finding(finding, demand)
            card.setVisible(True)
        for card in self._pool[len(ordered) :]:
            card.setVisible(False)
        self.cards = self._pool[: len(ordered)]
        self._empty.setVisible(not self.cards)
        self.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        for card in self._pool:
            card.setVisible(False)
        self.cards = []
        self._empty.setVisible(True)

    def _forward(self, section: str, start: int, end: int) -> None:
        emit(self.evidence_activated, section, start, end)
