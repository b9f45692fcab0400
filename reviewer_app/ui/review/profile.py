"""The profile as one plain-text document, with the text check's errors underlined.

The profile's sections are laid out one after the other (title, overview, skills, hourly rate,
work history, education, languages, country, date of birth with the age). While building the
text, `ProfileText` records where each checked field starts, so an error the text check
reported at `employment[1].description` characters 12–19 lands on the right words. Offsets are
kept in UTF-16 units, as Qt counts them.

The text goes in with `setPlainText` only; headings, notes and underlines are character formats
laid on by a `QSyntaxHighlighter`, so nothing the applicant typed is ever read as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPalette,
    QShowEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QVBoxLayout, QWidget

from reviewer_app.core.checks.findings import Finding
from reviewer_app.core.wire import ProfileOut
from reviewer_app.ui.review.widgets import displayable, mix, muted_colour, plain_label, utf16_len

# Span kinds the highlighter knows.
HEADING = "heading"
NOTE = "note"  # our own remark after a heading ("thin: 23 words …")
EMPTY = "empty"  # "(not filled in)"
META = "meta"  # our own words inside a section ("at", "since")
ALERT = "alert"  # the date of birth of an applicant under 18
SPELLING = "spelling"
SPELLING_UNCERTAIN = "spelling_uncertain"
GRAMMAR = "grammar"
GRAMMAR_UNCERTAIN = "grammar_uncertain"
ERROR_KINDS = (SPELLING, SPELLING_UNCERTAIN, GRAMMAR, GRAMMAR_UNCERTAIN)

SECTION_TITLES = {
    "title": "Title",
    "overview": "Overview",
    "skills": "Skills",
    "hourly_rate": "Hourly rate",
    "employment": "Work history",
    "education": "Education",
    "languages": "Languages",
    "country": "Country",
    "date_of_birth": "Date of birth",
}


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # UTF-16 offsets into the document
    end: int
    kind: str
    message: str = ""


@dataclass(frozen=True, slots=True)
class TextError:
    """One underline: where it is in the document, and what the check said about it."""

    start: int
    end: int
    kind: str
    section: str
    word: str
    message: str
    suggestions: tuple[str, ...] = ()


@dataclass
class ProfileText:
    """The document's text and where its parts are. Built by `build_profile_text`."""

    text: str = ""
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> (offset, text)
    sections: dict[str, int] = field(default_factory=dict)  # section -> offset of its heading
    spans: list[Span] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list, repr=False)
    _length: int = 0  # in UTF-16 units

    def add(self, text: str, kind: str | None = None) -> int:
        start = self._length
        self._parts.append(text)
        self._length += utf16_len(text)
        if kind is not None and text:
            self.spans.append(Span(start, self._length, kind))
        return start

    def add_field(self, path: str, text: str) -> None:
        shown = displayable(text)
        self.fields[path] = (self.add(shown), shown)

    def heading(self, section: str, note: str = "") -> None:
        if self._parts:
            self.add("\n\n")
        self.sections[section] = self.add(SECTION_TITLES[section].upper(), HEADING)
        if note:
            self.add("   ")
            self.add(note, NOTE)
        self.add("\n")

    def empty(self) -> None:
        self.add("(not filled in)", EMPTY)

    def position(self, path: str, start: int, end: int) -> tuple[int, int] | None:
        """Document offsets of a field's Python slice `[start:end]` (None if unknown)."""
        found = self.fields.get(path)
        if found is None:
            return None
        offset, text = found
        if not 0 <= start <= end <= len(text):
            return None
        first = offset + utf16_len(text[:start])
        return first, first + utf16_len(text[start:end])

    def finish(self) -> None:
        self.text = "".join(self._parts)


def _years(start: int, end: int | None) -> str:
    return f"{start} – {end if end is not None else 'now'}"


def build_profile_text(
    profile: ProfileOut, findings: Sequence[Finding] = (), *, today: date | None = None
) -> tuple[ProfileText, list[TextError]]:
    """The profile as text, and the text check's errors placed in it."""
    today = today or datetime.now(UTC).date()
    notes: dict[str, str] = {}
    for finding in findings:
        if finding.check != "completeness":
            continue
        for item in finding.evidence:
            if item.section and item.kind in ("missing", "thin"):
                notes[item.section] = item.message.split(": ", 1)[-1].rstrip(".")
    doc = ProfileText()

    doc.heading("title", notes.get("title", ""))
    if profile.title.strip():
        doc.add_field("title", profile.title)
    else:
        doc.empty()

    doc.heading("overview", notes.get("overview", ""))
    if profile.overview.strip():
        doc.add_field("overview", profile.overview)
    else:
        doc.empty()

    doc.heading("skills", notes.get("skills", ""))
    skills = [s for s in profile.skills if s.strip()]
    if skills:
        doc.add_field("skills", ", ".join(skills))
    else:
        doc.empty()

    doc.heading("hourly_rate", notes.get("hourly_rate", ""))
    if profile.hourly_rate is not None and profile.hourly_rate > 0:
        doc.add(f"${profile.hourly_rate:,.2f} an hour")
    else:
        doc.empty()

    doc.heading("employment", notes.get("employment", ""))
    if not profile.employment:
        doc.empty()
    for i, job in enumerate(profile.employment):
        if i:
            doc.add("\n\n")
        doc.add_field(f"employment[{i}].role", job.role)
        doc.add(" at ", META)
        doc.add_field(f"employment[{i}].company", job.company)
        doc.add(f"   {_years(job.start_year, job.end_year)}", META)
        if job.description.strip():
            doc.add("\n")
            doc.add_field(f"employment[{i}].description", job.description)

    doc.heading("education", notes.get("education", ""))
    if not profile.education:
        doc.empty()
    for i, school in enumerate(profile.education):
        if i:
            doc.add("\n")
        doc.add_field(f"education[{i}].degree", school.degree)
        doc.add(", ", META)
        doc.add_field(f"education[{i}].field_of_study", school.field_of_study)
        doc.add(" – ", META)
        doc.add_field(f"education[{i}].school", school.school)
        doc.add(f"   {_years(school.start_year, school.end_year)}", META)

    doc.heading("languages", notes.get("languages", ""))
    if profile.languages:
        for i, language in enumerate(profile.languages):
            if i:
                doc.add(", ")
            doc.add_field(f"languages[{i}].name", language.name)
            doc.add(" (", META)
            doc.add_field(f"languages[{i}].level", language.level)
            doc.add(")", META)
    else:
        doc.empty()

    doc.heading("country", notes.get("country", ""))
    if profile.country.strip():
        doc.add_field("country", profile.country)
    else:
        doc.empty()

    doc.heading("date_of_birth", notes.get("date_of_birth", ""))
    if profile.date_of_birth is None:
        doc.empty()
    else:
        age = age_on(profile.date_of_birth, today)
        kind = ALERT if age < 18 else None
        doc.add(profile.date_of_birth.strftime("%d %B %Y").lstrip("0"), kind)
        doc.add(f"   age {age}" + (" — under 18" if age < 18 else ""), kind or META)
    doc.finish()
    return doc, _place_errors(doc, findings)


def _place_errors(doc: ProfileText, findings: Iterable[Finding]) -> list[TextError]:
    errors: list[TextError] = []
    for finding in findings:
        if finding.check != "text":
            continue
        for item in finding.evidence:
            if item.kind not in ERROR_KINDS or item.section is None:
                continue
            if item.start is None or item.end is None:
                continue
            where = doc.position(item.section, item.start, item.end)
            if where is None:
                continue  # the check read a field this layout does not show
            errors.append(
                TextError(
                    where[0],
                    where[1],
                    item.kind,
                    item.section,
                    item.text or "",
                    item.message,
                    item.suggestions,
                )
            )
    errors.sort(key=lambda e: (e.start, e.end))
    return errors


class ProfileHighlighter(QSyntaxHighlighter):
    """Lays headings, notes and error underlines on the plain text, by document offset."""

    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self._spans: list[Span] = []
        self._formats: dict[str, QTextCharFormat] = {}
        self.set_palette(palette)

    def set_palette(self, palette: QPalette) -> None:
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        dark = base.lightness() < 128
        muted = mix(text, base, 0.6)
        accent = QColor("#90caf9" if dark else "#1565c0")
        formats: dict[str, QTextCharFormat] = {}

        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        heading.setFontLetterSpacing(106)
        heading.setForeground(accent)
        formats[HEADING] = heading

        note = QTextCharFormat()
        note.setForeground(QColor("#ffb74d" if dark else "#b45f00"))
        note.setFontItalic(True)
        formats[NOTE] = note

        for kind in (EMPTY, META):
            meta = QTextCharFormat()
            meta.setForeground(muted)
            meta.setFontItalic(kind == EMPTY)
            formats[kind] = meta

        alert = QTextCharFormat()
        alert.setForeground(QColor("#ef5350" if dark else "#c62828"))
        alert.setFontWeight(QFont.Weight.Bold)
        formats[ALERT] = alert

        colours = {
            SPELLING: "#ef5350" if dark else "#d32f2f",
            SPELLING_UNCERTAIN: "#ffb74d" if dark else "#ef8f00",
            GRAMMAR: "#64b5f6" if dark else "#1e63c4",
            GRAMMAR_UNCERTAIN: "#64b5f6" if dark else "#1e63c4",
        }
        for kind, colour in colours.items():
            underline = QTextCharFormat()
            underline.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            underline.setUnderlineColor(QColor(colour))
            underline.setBackground(_tint(colour, dark))
            formats[kind] = underline
        self._formats = formats
        self.rehighlight()

    def set_spans(self, spans: Sequence[Span]) -> None:
        self._spans = sorted(spans, key=lambda s: s.start)
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        first = block.position()
        last = first + block.length()
        for span in self._spans:
            if span.start >= last:
                break
            if span.end <= first:
                continue
            start = max(span.start, first) - first
            end = min(span.end, last) - first
            fmt = self._formats.get(span.kind)
            if fmt is None or end <= start:
                continue
            if span.kind in ERROR_KINDS:
                # Keep the heading/meta colour under an underline: merge, not replace.
                merged = QTextCharFormat(self.format(start))
                merged.merge(fmt)
                self.setFormat(start, end - start, merged)
            else:
                self.setFormat(start, end - start, fmt)


def _tint(colour: str, dark: bool) -> QColor:
    tint = QColor(colour)
    tint.setAlpha(60 if dark else 34)
    return tint


class ProfileView(QFrame):
    """The profile text, read-only, with errors underlined and explained under the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileView")
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("profileText")
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setAccessibleName("Profile text")
        self.editor.setAccessibleDescription(
            "The applicant's profile, section by section; spelling and grammar errors are "
            "underlined."
        )
        self.editor.document().setDocumentMargin(10)
        self.editor.setMouseTracking(True)
        self.editor.viewport().setMouseTracking(True)
        self.editor.viewport().installEventFilter(self)
        self.editor.cursorPositionChanged.connect(self._on_cursor)
        self.highlighter = ProfileHighlighter(self.editor.document(), self.editor.palette())
        self.hint = plain_label("", self)
        self.hint.setObjectName("profileHint")
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Error under the pointer")
        self.hint.setContentsMargins(8, 2, 8, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.hint)
        self.layout_text = ProfileText()
        self.errors: list[TextError] = []
        self._default_hint = ""

    def set_profile(
        self, profile: ProfileOut, findings: Sequence[Finding] = (), *, today: date | None = None
    ) -> None:
        self.layout_text, self.errors = build_profile_text(profile, findings, today=today)
        self.editor.setPlainText(self.layout_text.text)
        spans = list(self.layout_text.spans)
        spans += [Span(e.start, e.end, e.kind, e.message) for e in self.errors]
        self.highlighter.set_spans(spans)
        count = len(self.errors)
        self._default_hint = (
            f"{count} possible error(s) underlined: red spelling, amber uncertain, blue grammar. "
            "Point at one for details."
            if count
            else "No spelling or grammar errors underlined."
        )
        self._set_hint(self._default_hint)
        self.editor.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        self.layout_text = ProfileText()
        self.errors = []
        self.editor.clear()
        self.highlighter.set_spans([])
        self._set_hint("")

    def text(self) -> str:
        return self.editor.toPlainText()

    def underlines(self) -> list[tuple[int, int, str]]:
        """(start, end, kind) of each error underline, in document offsets."""
        return [(e.start, e.end, e.kind) for e in self.errors]

    def reveal(self, section: str, start: int | None = None, end: int | None = None) -> bool:
        """Scroll to a section, or select a field's `[start:end]`; False if not shown."""
        where: tuple[int, int] | None = None
        if start is not None and end is not None:
            where = self.layout_text.position(section, start, end)
        if where is None:
            head = section.split("[", 1)[0].split(".", 1)[0]
            offset = self.layout_text.sections.get(head)
            if offset is None:
                return False
            where = (offset, offset)
        cursor = self.editor.textCursor()
        cursor.setPosition(where[0])
        cursor.setPosition(where[1], QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        return True

    def error_at(self, position: int) -> TextError | None:
        return next((e for e in self.errors if e.start <= position < e.end), None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor.viewport() and event.type() == QEvent.Type.MouseMove:
            assert isinstance(event, QMouseEvent)
            position = self.editor.cursorForPosition(event.position().toPoint()).position()
            self._show_error(self.error_at(position))
        elif watched is self.editor.viewport() and event.type() == QEvent.Type.Leave:
            self._on_cursor()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.editor.palette())
            self.hint.setStyleSheet(f"color: {muted_colour(self)};")
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        self.hint.setStyleSheet(f"color: {muted_colour(self)};")
        super().showEvent(event)

    def _on_cursor(self) -> None:
        self._show_error(self.error_at(self.editor.textCursor().position()))

    def _show_error(self, error: TextError | None) -> None:
        if error is None:
            self._set_hint(self._default_hint)
            return
        text = f"“{error.word}”: {error.message}"
        if error.suggestions:
            text += "  Suggestions: " + ", ".join(error.suggestions)
        self._set_hint(text)

    def _set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
