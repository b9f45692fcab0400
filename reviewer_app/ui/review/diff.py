"""A resubmission: what changed since the earlier revision, and the decision made on it.

Beside the diff sits the earlier decision: outcome, reviewer, time, each reason (with whether
the sections it is about changed, from `RevisionDiff.addressed`) and the reviewer's note.

The diff is a read-only `QTextEdit` whose document is built with `QTextCursor.insertText` and
`QTextCharFormat`s: inserted words on a green tint, deleted ones struck through on a red tint.
No HTML is made from the applicant's text.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QShowEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QTextEdit, QVBoxLayout, QWidget

from reviewer_app.core.revision_diff import FieldDiff, MediaChange, RevisionDiff, SectionDiff
from reviewer_app.ui.review.findings import reason_text
from reviewer_app.ui.review.profile import SECTION_TITLES
from reviewer_app.ui.review.widgets import (
    displayable,
    heading_font,
    icon_label,
    muted_colour,
    plain_label,
)

_PATH = re.compile(r"^(?P<section>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>[a-z_]+))?$")
MEDIA_STATUS = {
    "unchanged": "not replaced",
    "replaced": "replaced with a new file",
    "added": "added (there was none before)",
    "removed": "removed",
    "still_missing": "still missing",
}
OUTCOME_WORDS = {"accept": "accepted", "decline": "declined", "escalate": "escalated"}


def field_label(path: str) -> str:
    """`employment[1].description` → `Work history 2 · description`."""
    match = _PATH.match(path)
    if match is None:
        return path
    label = SECTION_TITLES.get(match["section"], match["section"].replace("_", " ").capitalize())
    if match["index"] is not None:
        label += f" {int(match['index']) + 1}"
    if match["field"] is not None and match["field"] != match["section"]:
        label += f" · {match['field'].replace('_', ' ')}"
    return label


class EarlierDecisionBox(QFrame):
    """The decision on the earlier revision, with its reasons, reviewer and note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("earlierDecision")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#earlierDecision { border: 1px solid palette(mid); border-left: 4px solid "
            "#ef8f00; border-radius: 4px; background: palette(base); }"
        )
        self.setAccessibleName("Earlier decision")
        self.title = plain_label("", self)
        self.title.setFont(heading_font(self.font()))
        self.byline = plain_label("", self)
        self.byline.setObjectName("earlierDecisionBy")
        self.reason_labels: list[QWidget] = []
        self.note = plain_label("", self)
        self.note.setObjectName("earlierDecisionNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._reasons = QVBoxLayout()
        self._reasons.setSpacing(2)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(icon_label("decision", 18, self))
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.byline)
        layout.addLayout(self._reasons)
        layout.addWidget(self.note)

    def set_diff(self, diff: RevisionDiff) -> None:
        for widget in self.reason_labels:
            self._reasons.removeWidget(widget)
            widget.deleteLater()
        self.reason_labels = []
        earlier = diff.earlier_decision
        if earlier is None:
            self.title.setText(f"Revision {diff.old_revision}: no decision recorded")
            self.byline.setText("")
            self.note.setText("")
            self.note.setVisible(False)
            return
        outcome = OUTCOME_WORDS.get(str(earlier.outcome), str(earlier.outcome))
        self.title.setText(f"Revision {earlier.revision} was {outcome}")
        when = earlier.decided_at.strftime("%d %b %Y %H:%M %Z").lstrip("0")
        self.byline.setText(f"by {earlier.reviewer} · {when}")
        for code, label in zip(earlier.reason_codes, earlier.reason_labels, strict=False):
            addressed = diff.addressed.get(code)
            row = QWidget(self)
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(6)
            if addressed is not None:
                line.addWidget(icon_label("addressed" if addressed else "not-addressed", 14, row))
            catalogue_text = reason_text(code)
            text = catalogue_text if catalogue_text != code else label
            if addressed is True:
                text += " — related sections changed"
            elif addressed is False:
                text += " — related sections not changed"
            reason_label = plain_label(text, row)
            reason_label.setObjectName("earlierReason")
            reason_label.setWordWrap(True)
            line.addWidget(reason_label, 1)
            row.setAccessibleName(text)
            self._reasons.addWidget(row)
            self.reason_labels.append(row)
        if not earlier.reason_codes:
            empty = plain_label("No reasons given.", self)
            empty.setObjectName("earlierReason")
            self._reasons.addWidget(empty)
            self.reason_labels.append(empty)
        self.note.setText(f"Note: {displayable(earlier.note)}" if earlier.note else "No note.")
        self.note.setVisible(True)

    def reason_texts(self) -> list[str]:
        """The reasons as shown, one line each."""
        return [label.text() for label in self.findChildren(QLabel, "earlierReason")]

    def showEvent(self, event: QShowEvent) -> None:
        self.byline.setStyleSheet(f"color: {muted_colour(self)};")
        super().showEvent(event)


class DiffView(QFrame):
    """The earlier decision over a section-by-section diff."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diffView")
        self.decision = EarlierDecisionBox(self)
        self.summary = plain_label("", self)
        self.summary.setObjectName("diffSummary")
        self.summary.setWordWrap(True)
        self.text = QTextEdit(self)
        self.text.setObjectName("diffText")
        self.text.setReadOnly(True)
        self.text.setAcceptRichText(False)
        self.text.setAccessibleName("Changes since the earlier revision")
        self.text.document().setDocumentMargin(8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.decision)
        layout.addWidget(self.summary)
        layout.addWidget(self.text, 1)
        self.diff: RevisionDiff | None = None

    def set_diff(self, diff: RevisionDiff) -> None:
        self.diff = diff
        self.decision.set_diff(diff)
        changed = [s for s in diff.sections if s.changed]
        media_changed = [m for m in (diff.photo, diff.video) if m.changed]
        names = [SECTION_TITLES.get(str(s.section), str(s.section)) for s in changed]
        names += ["Photo" if m.kind.value == "photo" else "Intro video" for m in media_changed]
        if names:
            self.summary.setText(
                f"Revision {diff.new_revision} against revision {diff.old_revision}. "
                f"Changed: {', '.join(names)}."
            )
        else:
            self.summary.setText(
                f"Nothing changed between revision {diff.old_revision} and "
                f"revision {diff.new_revision}."
            )
        self._build_document(diff, changed)

    def clear(self) -> None:
        self.diff = None
        self.text.clear()
        self.summary.setText("")

    # -- the document -------------------------------------------------------------------------
    def _formats(self) -> dict[str, QTextCharFormat]:
        palette = self.text.palette()
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        plain = QTextCharFormat()
        plain.setForeground(palette.color(QPalette.ColorRole.Text))
        heading = QTextCharFormat(plain)
        heading.setFontWeight(QFont.Weight.Bold)
        heading.setForeground(QColor("#90caf9" if dark else "#1565c0"))
        label = QTextCharFormat(plain)
        label.setForeground(QColor(muted_colour(self.text)))
        label.setFontItalic(True)
        inserted = QTextCharFormat(plain)
        inserted.setBackground(QColor(46, 160, 67, 90 if dark else 60))
        inserted.setForeground(QColor("#a5d6a7" if dark else "#1b5e20"))
        deleted = QTextCharFormat(plain)
        deleted.setBackground(QColor(229, 57, 53, 80 if dark else 45))
        deleted.setForeground(QColor("#ef9a9a" if dark else "#b71c1c"))
        deleted.setFontStrikeOut(True)
        return {
            "plain": plain,
            "heading": heading,
            "label": label,
            "insert": inserted,
            "delete": deleted,
        }

    def _build_document(self, diff: RevisionDiff, changed: list[SectionDiff]) -> None:
        self.text.clear()
        formats = self._formats()
        cursor = QTextCursor(self.text.document())
        first = True

        def block() -> None:
            nonlocal first
            if not first:
                cursor.insertBlock()
            first = False

        for section in changed:
            block()
            cursor.insertText(
                SECTION_TITLES.get(str(section.section), str(section.section)).upper(),
                formats["heading"],
            )
            # Skills are a set: the added and removed ones say it better than a word diff.
            lists_only = str(section.section) == "skills" and (section.added or section.removed)
            for item in section.fields:
                if item.changed and not lists_only:
                    self._field(cursor, item, formats, len(section.fields) > 1)
            for text in section.added:
                cursor.insertBlock()
                cursor.insertText("+ ", formats["insert"])
                cursor.insertText(displayable(text), formats["insert"])
            for text in section.removed:
                cursor.insertBlock()
                cursor.insertText("− ", formats["delete"])
                cursor.insertText(displayable(text), formats["delete"])
            cursor.insertBlock()
        for media in (diff.photo, diff.video):
            block()
            self._media(cursor, media, formats)
        unchanged = [
            SECTION_TITLES.get(str(s.section), str(s.section))
            for s in diff.sections
            if not s.changed
        ]
        if unchanged:
            cursor.insertBlock()
            cursor.insertBlock()
            cursor.insertText("Unchanged: " + ", ".join(unchanged) + ".", formats["label"])
        self.text.moveCursor(QTextCursor.MoveOperation.Start)

    def _field(
        self,
        cursor: QTextCursor,
        item: FieldDiff,
        formats: dict[str, QTextCharFormat],
        with_label: bool,
    ) -> None:
        cursor.insertBlock()
        if with_label or item.path.count("."):
            cursor.insertText(f"{field_label(item.path)} ({item.status}): ", formats["label"])
        if not item.ops:
            if item.old:
                cursor.insertText(displayable(item.old), formats["delete"])
            if item.old and item.new:
                cursor.insertText(" ", formats["plain"])
            if item.new:
                cursor.insertText(displayable(item.new), formats["insert"])
            return
        previous_end = 0
        for op in item.ops:
            # Text between runs (the whitespace difflib's words skip) comes from the new text.
            if op.new_start > previous_end:
                cursor.insertText(
                    displayable(item.new[previous_end : op.new_start]), formats["plain"]
                )
            if op.op == "equal":
                cursor.insertText(displayable(op.new), formats["plain"])
            else:
                if op.old:
                    cursor.insertText(displayable(op.old), formats["delete"])
                    if op.new:
                        cursor.insertText(" ", formats["plain"])
                if op.new:
                    cursor.insertText(displayable(op.new), formats["insert"])
            previous_end = max(previous_end, op.new_end)
        if previous_end < len(item.new):
            cursor.insertText(displayable(item.new[previous_end:]), formats["plain"])

    def _media(
        self, cursor: QTextCursor, media: MediaChange, formats: dict[str, QTextCharFormat]
    ) -> None:
        name = "Photo" if media.kind.value == "photo" else "Intro video"
        cursor.insertText(f"{name}: ", formats["heading"])
        status = MEDIA_STATUS.get(media.status, media.status)
        fmt = formats["insert"] if media.changed else formats["plain"]
        if media.status in ("removed", "still_missing"):
            fmt = formats["delete"] if media.status == "removed" else formats["label"]
        cursor.insertText(status, fmt)
