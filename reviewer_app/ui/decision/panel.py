"""The decision panel: outcome, reasons, note, the applicant's message, SLA and claim clocks.

The flow, shown in the panel's hint line:

- `A` accepts and submits at once (the fast path: most decisions need nothing else). If reasons
  are ticked, the first `A` only asks to confirm that they will be dropped; `A` again (or Enter)
  accepts.
- `D` chooses decline; `1`–`9` tick reasons (ticking a reason also chooses decline), `N` goes to
  the note, Enter submits. A decline needs a reason; a reason such as "other" needs a note.
- `E` chooses escalation to a lead and puts the cursor in the note; Ctrl+Enter in the note (or
  Esc, then Enter) submits.
- `S` skips (releases) the application, Ctrl+R renews the claim.

The window's shortcuts call the action methods. The panel also answers these keys itself when it
has the focus, so it works on its own; a window shortcut takes precedence over both (Qt offers a
key to shortcuts first). While the note has the focus, letters, digits and Enter go to the note;
Esc leaves it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.applicant_message import compose_message
from reviewer_app.core.models import Outcome
from reviewer_app.core.reasons import ReasonCatalogue
from reviewer_app.core.sla import SlaPolicy, SlaState
from reviewer_app.core.wire import ReasonCodeOut
from reviewer_app.ui import icons
from reviewer_app.ui.decision.message_preview import MessagePreview
from reviewer_app.ui.decision.reasons import ReasonList, catalogue_from_wire
from reviewer_app.ui.decision.sla_display import SlaDisplay
from reviewer_app.ui.decision.widgets import KeyButton, coloured, key_cap, muted, plain_label
from reviewer_app.ui.queue.cells import state_colour
from reviewer_app.ui.signals import emit

log = logging.getLogger("reviewer_app.ui.decision")

NOTE_MAX = 4000  # DecisionIn.note's limit on the wire
_NOTE_COUNT_FROM = 3000  # show the length of the note from here on

_HINT_IDLE = (
    "A accepts and submits at once. D declines: tick reasons ({keys}), then Enter. "
    "E escalates to a lead."
)
_HINT_DECLINE = (
    "Declining: tick at least one reason ({keys}), add a note if needed (N), then Enter."
)
_HINT_ACCEPT_CONFIRM = (
    "Accepting drops the ticked reasons: press A again or Enter to accept, or D to decline."
)
_HINT_ESCALATE = "Escalating to a lead: say why in the note, then Ctrl+Enter (or Esc, then Enter)."


@dataclass(frozen=True)
class DecisionDraft:
    """What the reviewer decided; the window turns it into a durable decision."""

    outcome: str  # "accept" | "decline" | "escalate"
    reason_codes: tuple[str, ...]
    note: str


class NoteEdit(QPlainTextEdit):
    """The note. Keeps every typed key to itself; Esc leaves it, Ctrl+Enter submits."""

    escape_pressed = Signal()
    submit_pressed = Signal()

    @staticmethod
    def _is_submit(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        )

    def event(self, event: QEvent) -> bool:
        # Claim Esc and Ctrl+Enter before the window's shortcuts see them (the text edit
        # already claims letters, digits and Enter).
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (event.key() == Qt.Key.Key_Escape or self._is_submit(event))
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            emit(self.escape_pressed)
            return
        if self._is_submit(event):
            emit(self.submit_pressed)
            return
        super().keyPressEvent(event)


def _section_title(text: str, parent: QWidget) -> QLabel:
    label = plain_label(text, parent)
    font = QFont(label.font())
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


class DecisionPanel(QWidget):
    """The right-hand side of the main window: decide on the current application."""

    decided = Signal(object)  # DecisionDraft, only when valid
    skip_requested = Signal()
    renew_requested = Signal()
    invalid = Signal(str)  # why a submit was refused (also shown in the panel)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self.setAccessibleName("Decision")
        # Clicking the panel gives it the focus, so its keys work without window shortcuts.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 44)

        self.application_id: str | None = None
        self.revision: int | None = None
        self.outcome: str | None = None
        self.policy = SlaPolicy()
        self.catalogue = ReasonCatalogue(version=0, codes=())
        self.first_name = ""
        self._busy = False
        self._sent = False  # a decision went out; no second one until the window says so
        self._server_now: datetime | None = None

        # -- header and clocks --
        self.title_label = _section_title("Decision", self)
        self.title_label.setObjectName("decisionTitle")
        self.item_label = muted(plain_label("", self))
        self.item_label.setObjectName("decisionItem")
        self.item_label.setWordWrap(True)
        self.sla = SlaDisplay(self)
        self.renew_button = self.sla.renew_button
        self.renew_button.clicked.connect(self.renew)

        # -- outcome --
        self.accept_button = KeyButton("Accept", "A", "decision-accept", self)
        self.accept_button.setObjectName("acceptButton")
        self.accept_button.setToolTip("Accept and submit at once (A)")
        self.decline_button = KeyButton("Decline", "D", "decision-decline", self)
        self.decline_button.setObjectName("declineButton")
        self.decline_button.setToolTip("Decline: then tick reasons and press Enter (D)")
        self.escalate_button = KeyButton("Escalate", "E", "decision-escalate", self)
        self.escalate_button.setObjectName("escalateButton")
        self.escalate_button.setToolTip("Send to a lead, with a note saying why (E)")
        self._outcome_buttons = {
            Outcome.ACCEPT.value: self.accept_button,
            Outcome.DECLINE.value: self.decline_button,
            Outcome.ESCALATE.value: self.escalate_button,
        }
        for button in self._outcome_buttons.values():
            button.setCheckable(True)
        self.accept_button.clicked.connect(self.accept)
        self.decline_button.clicked.connect(self.decline)
        self.escalate_button.clicked.connect(self.escalate)
        self.hint_label = muted(plain_label("", self))
        self.hint_label.setObjectName("decisionHint")
        self.hint_label.setWordWrap(True)

        # -- reasons, note, preview (scrolls when the window is short) --
        body = QWidget(self)
        body.setObjectName("decisionBody")
        self.reasons_title = _section_title("Reasons", body)
        self.reasons_hint = muted(plain_label("", body))
        self.reasons_hint.setObjectName("reasonsHint")
        self.reason_list = ReasonList(body)
        self.reason_list.changed.connect(self._on_reasons_changed)
        self.reason_list.note_wanted.connect(self.focus_note)
        self.note_title = _section_title("Note", body)
        self.note_key = key_cap("N", body)
        self.note_count = plain_label("", body)
        self.note_count.setObjectName("noteCount")
        self.note = NoteEdit(body)
        self.note.setObjectName("decisionNote")
        self.note.setAccessibleName("Note")
        self.note.setAccessibleDescription(
            "Needed for the reason Other. In a decline it is part of the applicant's message."
        )
        self.note.setPlaceholderText(
            "Optional; needed for “Other”. A decline quotes it to the applicant. "
            "Esc leaves the note, Ctrl+Enter submits."
        )
        self.note.setTabChangesFocus(True)
        self.note.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 12)
        self.note.textChanged.connect(self._on_note_changed)
        self.note.escape_pressed.connect(self._leave_note)
        self.note.submit_pressed.connect(self.submit)
        self.preview = MessagePreview(body)
        self.preview.title.setFont(self.note_title.font())

        reasons_header = QHBoxLayout()
        reasons_header.addWidget(self.reasons_title)
        reasons_header.addStretch(1)
        reasons_header.addWidget(self.reasons_hint)
        note_header = QHBoxLayout()
        note_header.addWidget(self.note_title)
        note_header.addWidget(self.note_key)
        note_header.addStretch(1)
        note_header.addWidget(self.note_count)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.setSpacing(6)
        body_layout.addLayout(reasons_header)
        body_layout.addWidget(self.reason_list)
        body_layout.addSpacing(6)
        body_layout.addLayout(note_header)
        body_layout.addWidget(self.note)
        body_layout.addSpacing(6)
        body_layout.addWidget(self.preview, 1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("decisionScroll")
        self.scroll_area.setWidget(body)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        # -- refusals and the actions at the bottom --
        self.error_icon = plain_label("", self)
        self.error_label = plain_label("", self)
        self.error_label.setObjectName("decisionError")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Why the decision was not submitted")
        self.skip_button = KeyButton("Skip", "S", "decision-skip", self)
        self.skip_button.setObjectName("skipButton")
        self.skip_button.setToolTip("Release this application to the queue and go on (S)")
        self.submit_button = KeyButton("Submit", "Enter", "decision-submit", self)
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setToolTip("Submit the chosen decision (Enter)")
        self.skip_button.clicked.connect(self.skip)
        self.submit_button.clicked.connect(self.submit)

        header = QHBoxLayout()
        header.addWidget(self.title_label)
        header.addWidget(self.item_label, 1)
        outcomes = QHBoxLayout()
        outcomes.setSpacing(6)
        for button in self._outcome_buttons.values():
            outcomes.addWidget(button)
        error_row = QHBoxLayout()
        error_row.setSpacing(6)
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        error_row.addWidget(self.error_label, 1)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        actions.addWidget(self.skip_button, 1)
        actions.addWidget(self.submit_button, 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 10, 10, 10)
        column.setSpacing(8)
        column.addLayout(header)
        column.addWidget(self.sla)
        column.addLayout(outcomes)
        column.addWidget(self.hint_label)
        column.addWidget(self.scroll_area, 1)
        column.addLayout(error_row)
        column.addLayout(actions)

        self._recolour()
        self.clear()

    # -- what the window tells the panel -------------------------------------------------------
    def set_catalogue(self, reasons: Sequence[ReasonCodeOut]) -> None:
        """The reason codes from the service's `/config`."""
        self.catalogue = catalogue_from_wire(reasons)
        self.reason_list.set_catalogue(self.catalogue)
        self.reason_list.setEnabled(self._can_act())
        self._refresh()

    def set_policy(self, policy: SlaPolicy) -> None:
        self.policy = policy
        self.sla.set_policy(policy)
        if self._server_now is not None:
            self.sla.tick(self._server_now)
        self._refresh()

    def load(
        self,
        application_id: str,
        revision: int,
        due_at: datetime,
        lease_expires_at: datetime,
        suggested: Mapping[str, str],
        *,
        first_name: str = "",
    ) -> None:
        """Show an application. Loading the one already shown (a renewed claim, an undone
        decision) keeps what the reviewer chose; another application starts a fresh draft."""
        same = (application_id, revision) == (self.application_id, self.revision)
        if not same:
            self._reset_draft()
            self._leave_note()
        self.application_id = application_id
        self.revision = revision
        self.first_name = first_name
        self._sent = False
        self.item_label.setText(f"{application_id} · revision {revision}")
        self.item_label.setToolTip(f"Application {application_id}, revision {revision}")
        self.sla.set_times(due_at, lease_expires_at)
        if self._server_now is not None:
            self.sla.tick(self._server_now)
        self.reason_list.set_suggested(suggested)
        self._show_error("")
        self._refresh()

    def set_lease_expiry(self, lease_expires_at: datetime) -> None:
        """A renewed claim's new expiry (the draft stays as it is)."""
        self.sla.set_lease_expiry(lease_expires_at)
        if self._server_now is not None:
            self.sla.tick(self._server_now)

    def clear(self, message: str = "") -> None:
        """No application: everything is disabled; `message` says why."""
        self.application_id = None
        self.revision = None
        self.first_name = ""
        self._sent = False
        self._reset_draft()
        self.item_label.setText(message or "No application")
        self.item_label.setToolTip("")
        self.sla.clear()
        self.reason_list.set_suggested({})
        self._show_error("")
        self._refresh()

    def tick(self, server_now: datetime) -> None:
        """The window's one timer: update the SLA countdown and the claim's time left."""
        self._server_now = server_now
        self.sla.tick(server_now)

    def set_busy(self, busy: bool) -> None:
        """While a decision is being written nothing can be changed or submitted; when the
        write is over (`False`) the draft can be submitted again (e.g. after a failed write)."""
        self._busy = busy
        if not busy:
            self._sent = False
        self._refresh()

    @property
    def loaded(self) -> bool:
        return self.application_id is not None

    @property
    def busy(self) -> bool:
        return self._busy

    # -- actions (the window's shortcuts call these; DESIGN §8) --------------------------------
    def accept(self) -> None:
        if not self._can_act():
            self._sync_buttons()
            return
        if self.reason_list.chosen() and self.outcome != Outcome.ACCEPT:
            self._set_outcome(Outcome.ACCEPT.value)  # confirm first: the reasons are dropped
            return
        self._set_outcome(Outcome.ACCEPT.value)
        self.submit()

    def decline(self) -> None:
        if not self._can_act():
            self._sync_buttons()
            return
        self._set_outcome(Outcome.DECLINE.value)

    def escalate(self) -> None:
        if not self._can_act():
            self._sync_buttons()
            return
        self._set_outcome(Outcome.ESCALATE.value)
        self.focus_note()

    def toggle_reason(self, number: int) -> None:
        """Tick or untick the reason on number key `number` (1–9)."""
        if not self._can_act():
            return
        row = self.reason_list.row_for_key(str(number))
        if row is not None:
            row.check.toggle()

    def focus_note(self) -> None:
        if self._can_act():
            self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def submit(self) -> None:
        if not self._can_act():
            return
        problem = self.problem()
        if problem:
            self._show_error(problem)
            emit(self.invalid, problem)
            return
        assert self.outcome is not None  # problem() says so otherwise
        codes = self.reason_list.chosen() if self.outcome != Outcome.ACCEPT else ()
        draft = DecisionDraft(self.outcome, codes, self.note.toPlainText().strip())
        self._sent = True
        self._show_error("")
        self._leave_note()  # the next application's keys must not land in a note
        self._refresh()
        emit(self.decided, draft)

    def skip(self) -> None:
        if self.loaded and not self._busy:
            emit(self.skip_requested)

    def renew(self) -> None:
        if self.loaded and not self._busy:
            emit(self.renew_requested)

    # -- state -------------------------------------------------------------------------------------
    def draft(self) -> DecisionDraft | None:
        """The decision as it stands (valid or not); None before an outcome is chosen."""
        if self.outcome is None:
            return None
        codes = self.reason_list.chosen() if self.outcome != Outcome.ACCEPT else ()
        return DecisionDraft(self.outcome, codes, self.note.toPlainText().strip())

    def problem(self) -> str:
        """Why the draft cannot be submitted as it is ("" when it can)."""
        if self.outcome is None:
            return "Choose an outcome first: A accepts, D declines, E escalates."
        note = self.note.toPlainText().strip()
        if len(note) > NOTE_MAX:
            return f"The note is too long: {len(note)} characters, at most {NOTE_MAX}."
        if self.outcome == Outcome.ACCEPT:
            return ""
        chosen = self.reason_list.chosen_reasons()
        if self.outcome == Outcome.DECLINE and not chosen:
            return f"A decline needs at least one reason: press {self._key_range()}."
        needing = [reason.label for reason in chosen if reason.note_required]
        if needing and not note:
            names = ", ".join(f"“{label}”" for label in needing)
            return f"The reason {names} needs a note: press N and say why."
        return ""

    def _can_act(self) -> bool:
        return self.loaded and not self._busy and not self._sent

    def _reset_draft(self) -> None:
        self.outcome = None
        self.reason_list.set_chosen(())
        self.note.blockSignals(True)
        self.note.setPlainText("")
        self.note.blockSignals(False)

    def _set_outcome(self, outcome: str | None) -> None:
        self.outcome = outcome
        self._show_error("")
        self._refresh()

    def _on_reasons_changed(self) -> None:
        if self.reason_list.chosen() and self.outcome in (None, Outcome.ACCEPT.value):
            self.outcome = Outcome.DECLINE.value  # reasons only mean something in a decline
        self._show_error("")
        self._refresh()

    def _on_note_changed(self) -> None:
        length = len(self.note.toPlainText().strip())
        self.note_count.setText(f"{length} / {NOTE_MAX}" if length >= _NOTE_COUNT_FROM else "")
        coloured(self.note_count, state_colour(SlaState.BREACHED) if length > NOTE_MAX else None)
        self._show_error("")
        self._refresh_preview()

    def _leave_note(self) -> None:
        if self.note.hasFocus():
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _key_range(self) -> str:
        keys = sorted(row.reason.key for row in self.reason_list.rows if row.reason.key.isdigit())
        if not keys:
            return "a reason"
        return keys[0] if len(keys) == 1 else f"{keys[0]}–{keys[-1]}"

    # -- look --------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        can_act = self._can_act()
        for button in (
            self.accept_button,
            self.decline_button,
            self.escalate_button,
            self.submit_button,
        ):
            button.setEnabled(can_act)
        self.reason_list.setEnabled(can_act)
        self.note.setEnabled(can_act)
        self.note.setReadOnly(not can_act)
        self.skip_button.setEnabled(self.loaded and not self._busy and not self._sent)
        self.renew_button.setEnabled(self.loaded and not self._busy and not self._sent)
        self._sync_buttons()
        self.reasons_hint.setText(f"keys {self._key_range()} · a decline needs one")
        self.hint_label.setText(self._hint())
        self._refresh_preview()

    def _hint(self) -> str:
        if not self.loaded:
            return ""
        if self._busy:
            return "Saving the decision…"
        if self._sent:
            return "Decision submitted."
        keys = self._key_range()
        if self.outcome == Outcome.DECLINE:
            return _HINT_DECLINE.format(keys=keys)
        if self.outcome == Outcome.ESCALATE:
            return _HINT_ESCALATE
        if self.outcome == Outcome.ACCEPT and self.reason_list.chosen():
            return _HINT_ACCEPT_CONFIRM
        return _HINT_IDLE.format(keys=keys)

    def _sync_buttons(self) -> None:
        for outcome, button in self._outcome_buttons.items():
            button.setChecked(outcome == self.outcome)

    def _refresh_preview(self) -> None:
        if not self.loaded:
            self.preview.show_nothing("No application.")
            return
        if self.outcome is None:
            self.preview.show_nothing()
            return
        if self.outcome == Outcome.ESCALATE:
            self.preview.show_escalated()
            return
        message = compose_message(
            self.outcome,
            self.reason_list.chosen() if self.outcome == Outcome.DECLINE else (),
            first_name=self.first_name,
            note=self.note.toPlainText(),
            catalogue=self.catalogue,
            sla_hours=self.policy.hours,
        )
        if message is not None:
            self.preview.show_message(message)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        self.error_icon.setVisible(bool(text))

    def _recolour(self) -> None:
        self.accept_button.set_icon_colour(state_colour(SlaState.ON_TRACK))
        self.decline_button.set_icon_colour(state_colour(SlaState.BREACHED))
        self.escalate_button.set_icon_colour(state_colour(SlaState.WARNING))
        error = state_colour(SlaState.BREACHED)
        coloured(self.error_label, error)
        size = self.fontMetrics().height()
        self.error_icon.setPixmap(
            icons.icon("error", error).pixmap(QSize(size, size), self.devicePixelRatioF())
        )
        self.reason_list.refresh_colours()
        if self._server_now is not None:
            self.sla.tick(self._server_now)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._recolour()

    # -- keys when the panel itself has the focus ------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = Qt.Key(event.key())
        if modifiers == Qt.KeyboardModifier.ControlModifier and key == Qt.Key.Key_R:
            self.renew()
            event.accept()
            return
        if modifiers != Qt.KeyboardModifier.NoModifier:
            super().keyPressEvent(event)
            return
        actions = {
            Qt.Key.Key_A: self.accept,
            Qt.Key.Key_D: self.decline,
            Qt.Key.Key_E: self.escalate,
            Qt.Key.Key_S: self.skip,
            Qt.Key.Key_N: self.focus_note,
            Qt.Key.Key_Return: self.submit,
            Qt.Key.Key_Enter: self.submit,
        }
        if key in actions:
            actions[key]()
            event.accept()
            return
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.toggle_reason(int(key) - int(Qt.Key.Key_0))
            event.accept()
            return
        super().keyPressEvent(event)
