"""The checks' findings as cards: severity icon, the reason code it supports, the evidence.

Most severe first. Evidence that points into the profile has a button that selects the words in
the profile text (`evidence_activated`). The demand card also lists the service's figures per
skill when they were given. Every text is a plain-text label.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
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
    if item.figures:
        text += "  [" + "; ".join(figure_text(f) for f in item.figures) + "]"
    return text


def reason_text(code: str, catalogue: reasons.ReasonCatalogue = reasons.DEFAULT_CATALOGUE) -> str:
    reason = catalogue.get(code)
    if reason is None:
        return code
    return f"{reason.key} · {reason.label}"


class FindingCard(QFrame):
    """One finding."""

    evidence_activated = Signal(str, int, int)  # section, start, end (-1: none)

    def __init__(
        self, finding: Finding, demand: DemandOut | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.finding = finding
        self.setObjectName("findingCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        colour = SEVERITY_COLOURS[finding.severity]
        if finding.status is Status.NOT_RUN:
            colour = "#9e9e9e"
        self.setStyleSheet(
            "QFrame#findingCard { border: 1px solid palette(mid); border-left: 4px solid "
            f"{colour}; border-radius: 4px; background: palette(base); }}"
        )
        icon_name = SEVERITY_ICONS[finding.severity]
        if finding.status is Status.NOT_RUN:
            icon_name = "not-run"
        self.icon = icon_label(icon_name, 18, self)
        self.icon.setAccessibleName(f"Severity: {finding.severity}")
        self.title = plain_label(CHECK_TITLES.get(finding.check, finding.check), self)
        self.title.setFont(heading_font(self.font()))
        self.reason = plain_label(f"Reason {reason_text(finding.reason)}", self)
        self.reason.setObjectName("findingReason")
        self.reason.setToolTip(f"Reason code: {finding.reason}")
        self.reason.setAccessibleName(f"Supports reason {finding.reason}")
        state = {
            Status.FLAGGED: "suggests decline" if finding.suggested else "flagged",
            Status.PASSED: "passed",
            Status.NOT_RUN: "not run",
        }[finding.status]
        self.state = plain_label(state, self)
        self.state.setObjectName("findingState")
        if finding.suggested:
            self.state.setStyleSheet(f"color: {colour}; font-weight: 600;")
        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.icon)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.state)

        self.summary = plain_label(finding.summary, self)
        self.summary.setObjectName("findingSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.reason)
        layout.addWidget(self.summary)
        self.evidence_labels = []
        # Evidence that only repeats the summary adds nothing.
        evidence = [e for e in finding.evidence if evidence_text(e) != finding.summary]
        for item in evidence[:MAX_EVIDENCE]:
            row = QHBoxLayout()
            row.setSpacing(4)
            label = plain_label("• " + evidence_text(item), self)
            label.setObjectName("findingEvidence")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.evidence_labels.append(label)
            row.addWidget(label, 1)
            if item.section is not None and finding.check in ("text", "completeness", "age"):
                row.addWidget(self._locate_button(item), 0, Qt.AlignmentFlag.AlignTop)
            layout.addLayout(row)
        more = len(evidence) - MAX_EVIDENCE
        if more > 0:
            more_label = plain_label(f"… and {more} more", self)
            self.evidence_labels.append(more_label)
            layout.addWidget(more_label)
        if finding.check == "demand" and demand is not None:
            for skill in demand.skills:
                line = (
                    f"• {skill.skill}: {skill.open_jobs:,} open jobs, "
                    f"{skill.active_freelancers:,} freelancers, ratio {skill.ratio:.2f}"
                )
                if not skill.known:
                    line = f"• {skill.skill}: not a skill the marketplace knows"
                elif skill.low_demand:
                    line += "  (low)"
                label = plain_label(line, self)
                label.setObjectName("findingEvidence")
                label.setWordWrap(True)
                self.evidence_labels.append(label)
                layout.addWidget(label)
        self.setAccessibleName(
            f"{self.title.text()}: {finding.summary} ({state}, reason {finding.reason})"
        )

    def _locate_button(self, item: Evidence) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icons.icon("filter"))
        button.setIconSize(QSize(14, 14))
        button.setAutoRaise(True)
        button.setToolTip("Show in the profile text")
        button.setAccessibleName("Show in the profile text")
        section = item.section or ""
        start = item.start if item.start is not None else -1
        end = item.end if item.end is not None else -1
        button.clicked.connect(lambda: emit(self.evidence_activated, section, start, end))
        return button

    def showEvent(self, event: QShowEvent) -> None:
        muted = muted_colour(self)
        self.reason.setStyleSheet(f"color: {muted};")
        super().showEvent(event)


class FindingsView(QScrollArea):
    """All findings of the current revision, most severe first."""

    evidence_activated = Signal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findingsView")
        self.setAccessibleName("Findings of the automatic checks")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cards: list[FindingCard] = []
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
        self.clear()
        ordered = sorted(
            findings,
            key=lambda f: (-f.severity.rank, not f.suggested, f.status is Status.PASSED),
        )
        for finding in ordered:
            card = FindingCard(finding, demand, self._body)
            card.evidence_activated.connect(self._forward)
            self._layout.insertWidget(self._layout.count() - 1, card)
            self.cards.append(card)
        self._empty.setVisible(not self.cards)
        self.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        for card in self.cards:
            self._layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self._empty.setVisible(True)

    def _forward(self, section: str, start: int, end: int) -> None:
        emit(self.evidence_activated, section, start, end)
