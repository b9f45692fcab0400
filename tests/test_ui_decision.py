"""The decision panel, offscreen with real widgets: keys, validation, suggestions, SLA, preview.

The catalogue is the service's default `/config` catalogue (core/reasons.py), turned into the
wire type the way the service's `/config` route does it. The SLA runs on times the test picks.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from reviewer_app.core import reasons
from reviewer_app.core.reasons import DEFAULT_CATALOGUE
from reviewer_app.core.sla import SlaPolicy, SlaState
from reviewer_app.core.wire import ReasonCodeOut
from reviewer_app.ui.decision import DecisionDraft, DecisionPanel
from reviewer_app.ui.decision.reasons import catalogue_from_wire
from reviewer_app.ui.decision.sla_display import CLAIM_WARNING

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
DUE = NOW + timedelta(hours=10)
LEASE = NOW + timedelta(minutes=15)
SUGGESTED = {
    reasons.PHOTO: "Photo is 212 × 212 px; at least 400 × 400 needed.",
    reasons.TEXT_ERRORS: "3 misspelled words in the overview: “experiance”, …",
}


def config_catalogue() -> list[ReasonCodeOut]:
    """The reason codes as `/config` serves them from the default catalogue."""
    return [
        ReasonCodeOut.model_validate(
            {
                "code": r.code,
                "label": r.label,
                "key": r.key,
                "applicant_text": r.applicant_text,
                "suggested_by": r.suggested_by,
                "note_required": r.note_required,
            }
        )
        for r in DEFAULT_CATALOGUE
    ]


@pytest.fixture
def panel(qtbot: QtBot) -> DecisionPanel:
    made = DecisionPanel()
    qtbot.addWidget(made)
    made.set_catalogue(config_catalogue())
    made.set_policy(SlaPolicy())
    made.tick(NOW)
    made.load("app-0001", 1, DUE, LEASE, SUGGESTED)
    made.resize(440, 900)
    return made


class Recorder:
    def __init__(self, panel: DecisionPanel) -> None:
        self.decided: list[DecisionDraft] = []
        self.invalid: list[str] = []
        self.skips = 0
        self.renewals = 0
        panel.decided.connect(self.decided.append)
        panel.invalid.connect(self.invalid.append)
        panel.skip_requested.connect(self._skip)
        panel.renew_requested.connect(self._renew)

    def _skip(self) -> None:
        self.skips += 1

    def _renew(self) -> None:
        self.renewals += 1


@pytest.fixture
def seen(panel: DecisionPanel) -> Recorder:
    return Recorder(panel)


def show_active(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.isActiveWindow(), timeout=2000)


def press(widget: QWidget, *keys: Qt.Key) -> None:
    for key in keys:
        QTest.keyClick(widget, key)


# -- catalogue and suggestions -------------------------------------------------------------------


def test_catalogue_rows_show_keys_labels_and_applicant_text(panel: DecisionPanel) -> None:
    rows = panel.reason_list.rows
    assert [row.reason.code for row in rows] == [r.code for r in DEFAULT_CATALOGUE]
    for row, reason in zip(rows, DEFAULT_CATALOGUE, strict=True):
        assert row.key_label.text() == reason.key
        assert row.key_label.isVisibleTo(panel)
        assert row.check.text() == reason.label
        assert html.escape(reason.applicant_text) in row.toolTip()
        assert row.check.accessibleName() == f"Reason {reason.key}: {reason.label}"


def test_suggested_reasons_are_highlighted_with_evidence_but_not_ticked(
    panel: DecisionPanel,
) -> None:
    for row in panel.reason_list.rows:
        suggested = row.reason.code in SUGGESTED
        assert row.suggested is suggested
        assert row.badge.isVisibleTo(panel) is suggested
        assert row.check.isChecked() is False
        if suggested:
            assert row.evidence.text() == SUGGESTED[row.reason.code]
            assert "Suggested by the checks" in row.check.accessibleDescription()
    assert panel.reason_list.chosen() == ()
    assert panel.outcome is None


def test_a_server_catalogue_with_clashing_keys_still_loads() -> None:
    wire = config_catalogue()
    clash = wire[1].model_copy(update={"key": "1"})
    twice = wire[2]
    catalogue = catalogue_from_wire([wire[0], clash, twice, twice])
    assert [r.code for r in catalogue] == [
        reasons.UNDER_18,
        reasons.INCOMPLETE,
        reasons.TEXT_ERRORS,
    ]
    assert next(r.key for r in catalogue) == "1"
    assert catalogue.get(reasons.INCOMPLETE).key not in "123456789"  # type: ignore[union-attr]


# -- keys ----------------------------------------------------------------------------------------


def test_a_accepts_and_submits_at_once(qtbot: QtBot, panel: DecisionPanel, seen: Recorder) -> None:
    with qtbot.waitSignal(panel.decided, timeout=1000) as blocker:
        press(panel, Qt.Key.Key_A)
    assert blocker.args == [DecisionDraft("accept", (), "")]
    assert seen.invalid == []
    # Sent: a second key does not send it again until the window loads the next item.
    press(panel, Qt.Key.Key_A, Qt.Key.Key_Return)
    assert len(seen.decided) == 1


def test_d_then_reasons_then_enter_declines_with_those_codes(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder
) -> None:
    press(panel, Qt.Key.Key_D, Qt.Key.Key_1, Qt.Key.Key_3)
    assert panel.outcome == "decline"
    assert panel.decline_button.isChecked()
    assert seen.decided == []
    press(panel, Qt.Key.Key_Return)
    assert seen.decided == [DecisionDraft("decline", (reasons.UNDER_18, reasons.TEXT_ERRORS), "")]
    assert seen.invalid == []


def test_reasons_are_sent_in_catalogue_order_and_a_second_press_unticks(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder
) -> None:
    press(panel, Qt.Key.Key_D, Qt.Key.Key_6, Qt.Key.Key_4, Qt.Key.Key_2, Qt.Key.Key_6)
    press(panel, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert seen.decided == [DecisionDraft("decline", (reasons.INCOMPLETE, reasons.PHOTO), "")]


def test_ticking_a_reason_chooses_decline(qtbot: QtBot, panel: DecisionPanel) -> None:
    press(panel, Qt.Key.Key_5)
    assert panel.outcome == "decline"
    assert panel.reason_list.chosen() == (reasons.VIDEO,)


def test_enter_on_a_decline_without_reason_is_refused(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder
) -> None:
    press(panel, Qt.Key.Key_D)
    with qtbot.waitSignal(panel.invalid, timeout=1000) as blocker:
        press(panel, Qt.Key.Key_Return)
    assert seen.decided == []
    assert "at least one reason" in blocker.args[0]
    assert panel.error_label.isVisibleTo(panel)
    assert panel.error_label.text() == blocker.args[0]
    # The refusal goes away once the reviewer acts on it.
    press(panel, Qt.Key.Key_2)
    assert not panel.error_label.isVisibleTo(panel)


def test_enter_without_an_outcome_is_refused(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder
) -> None:
    press(panel, Qt.Key.Key_Return)
    assert seen.decided == []
    assert len(seen.invalid) == 1
    assert "Choose an outcome" in seen.invalid[0]


def test_other_needs_a_note(qtbot: QtBot, panel: DecisionPanel, seen: Recorder) -> None:
    panel.decline()
    panel.toggle_reason(7)
    assert panel.reason_list.chosen() == (reasons.OTHER,)
    panel.submit()
    assert seen.decided == []
    assert len(seen.invalid) == 1
    assert "“Other” needs a note" in seen.invalid[0]
    panel.note.setPlainText("   ")
    panel.submit()
    assert seen.decided == []
    assert len(seen.invalid) == 2
    panel.note.setPlainText("  Profile copied from another applicant.\n")
    panel.submit()
    assert seen.decided == [
        DecisionDraft("decline", (reasons.OTHER,), "Profile copied from another applicant.")
    ]


def test_accept_with_ticked_reasons_asks_to_confirm(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder
) -> None:
    press(panel, Qt.Key.Key_3, Qt.Key.Key_A)
    assert seen.decided == []
    assert panel.outcome == "accept"
    assert "press A again" in panel.hint_label.text()
    press(panel, Qt.Key.Key_A)
    assert seen.decided == [DecisionDraft("accept", (), "")]


def test_escalate_goes_to_the_note(qtbot: QtBot, panel: DecisionPanel, seen: Recorder) -> None:
    show_active(qtbot, panel)
    press(panel, Qt.Key.Key_E)
    assert panel.outcome == "escalate"
    assert panel.note.hasFocus()
    QTest.keyClicks(panel.note, "Looks like a duplicate of app-0002")
    QTest.keyClick(panel.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert seen.decided == [DecisionDraft("escalate", (), "Looks like a duplicate of app-0002")]
    # The focus leaves the note, so the next application's keys act instead of typing.
    assert not panel.note.hasFocus()
    assert panel.hasFocus()


@pytest.fixture
def window(panel: DecisionPanel) -> Iterator[QWidget]:
    """A window holding the panel; the panel is handed back before the window goes."""
    made = QWidget()
    QVBoxLayout(made).addWidget(panel)
    yield made
    panel.setParent(None)
    made.close()
    made.deleteLater()


def test_letters_typed_in_the_note_trigger_nothing(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder, window: QWidget
) -> None:
    """Inside a window whose shortcuts call the panel (as the main window's do), typing in the
    note writes text; Esc leaves the note and the keys act again."""
    fired: list[str] = []

    def shortcut(key: str, action: Callable[[], None]) -> None:
        def run() -> None:
            fired.append(key)
            action()

        QShortcut(QKeySequence(key), window, run)

    shortcut("A", panel.accept)
    shortcut("D", panel.decline)
    shortcut("S", panel.skip)
    shortcut("1", lambda: panel.toggle_reason(1))
    shortcut("Return", panel.submit)
    show_active(qtbot, window)

    press(panel, Qt.Key.Key_D)
    assert fired == ["D"]  # the window's shortcut took the key
    assert panel.outcome == "decline"
    press(panel, Qt.Key.Key_N)
    assert panel.note.hasFocus()
    QTest.keyClicks(panel.note, "a d s 1")
    QTest.keyClick(panel.note, Qt.Key.Key_Return)
    assert panel.note.toPlainText() == "a d s 1\n"
    assert seen.decided == []
    assert seen.skips == 0
    assert fired == ["D"]
    assert panel.reason_list.chosen() == ()
    QTest.keyClick(panel.note, Qt.Key.Key_Escape)
    assert not panel.note.hasFocus()
    focused = QGuiApplication.focusObject()
    assert isinstance(focused, QWidget)
    press(focused, Qt.Key.Key_1, Qt.Key.Key_Return)
    assert seen.decided == [DecisionDraft("decline", (reasons.UNDER_18,), "a d s 1")]
    assert fired == ["D", "1", "Return"]


def test_skip_and_renew(qtbot: QtBot, panel: DecisionPanel, seen: Recorder) -> None:
    press(panel, Qt.Key.Key_S, Qt.Key.Key_R)  # R alone renews nothing
    QTest.keyClick(panel, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    QTest.mouseClick(panel.renew_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(panel.skip_button, Qt.MouseButton.LeftButton)
    assert (seen.skips, seen.renewals) == (2, 2)


def test_buttons_show_their_keys(panel: DecisionPanel) -> None:
    for button, text, key in (
        (panel.accept_button, "Accept", "A"),
        (panel.decline_button, "Decline", "D"),
        (panel.escalate_button, "Escalate", "E"),
        (panel.skip_button, "Skip", "S"),
        (panel.submit_button, "Submit", "Enter"),
        (panel.renew_button, "Renew", "Ctrl+R"),
    ):
        assert button.text_label.text() == text
        assert button.key_label.text() == key
        assert button.accessibleName() == f"{text} ({key})"


# -- item life cycle -----------------------------------------------------------------------------


def test_clear_disables_everything(qtbot: QtBot, panel: DecisionPanel, seen: Recorder) -> None:
    panel.clear("Queue is empty")
    assert panel.item_label.text() == "Queue is empty"
    for button in (
        panel.accept_button,
        panel.decline_button,
        panel.escalate_button,
        panel.skip_button,
        panel.submit_button,
        panel.renew_button,
    ):
        assert not button.isEnabled()
    assert not panel.reason_list.isEnabled()
    press(panel, Qt.Key.Key_D, Qt.Key.Key_1, Qt.Key.Key_Return, Qt.Key.Key_A)
    press(panel, Qt.Key.Key_S)
    assert (seen.decided, seen.invalid, seen.skips) == ([], [], 0)
    assert not any(row.suggested for row in panel.reason_list.rows)


def test_busy_blocks_and_a_failed_write_can_be_retried(
    qtbot: QtBot, panel: DecisionPanel, seen: Recorder
) -> None:
    panel.decided.connect(lambda _draft: panel.set_busy(True))
    press(panel, Qt.Key.Key_D, Qt.Key.Key_2, Qt.Key.Key_Return)
    assert len(seen.decided) == 1
    assert not panel.submit_button.isEnabled()
    assert panel.hint_label.text() == "Saving the decision…"
    press(panel, Qt.Key.Key_Return, Qt.Key.Key_3)
    assert len(seen.decided) == 1
    assert panel.reason_list.chosen() == (reasons.INCOMPLETE,)
    panel.set_busy(False)  # the write failed: the same draft can go again
    press(panel, Qt.Key.Key_Return)
    assert len(seen.decided) == 2


def test_reloading_the_same_item_keeps_the_draft_and_another_resets_it(
    qtbot: QtBot, panel: DecisionPanel
) -> None:
    press(panel, Qt.Key.Key_D, Qt.Key.Key_4)
    panel.note.setPlainText("blurry")
    panel.load("app-0001", 1, DUE, LEASE + timedelta(minutes=15), SUGGESTED)  # renewed claim
    assert (panel.outcome, panel.reason_list.chosen()) == ("decline", (reasons.PHOTO,))
    assert panel.note.toPlainText() == "blurry"
    panel.load("app-0002", 1, DUE, LEASE, {})
    assert (panel.outcome, panel.reason_list.chosen()) == (None, ())
    assert panel.note.toPlainText() == ""
    assert not any(row.suggested for row in panel.reason_list.rows)


# -- SLA and claim ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "state", "text"),
    [
        (timedelta(hours=4, seconds=1), SlaState.ON_TRACK, "4h 00m"),
        (timedelta(hours=4), SlaState.ON_TRACK, "4h 00m"),
        (timedelta(hours=3, minutes=59, seconds=59), SlaState.WARNING, "3h 59m"),
        (timedelta(hours=1), SlaState.WARNING, "1h 00m"),
        (timedelta(minutes=59, seconds=59), SlaState.CRITICAL, "59m 59s"),
        (timedelta(seconds=1), SlaState.CRITICAL, "0m 01s"),
        (timedelta(0), SlaState.BREACHED, "0m 00s"),
        (-timedelta(hours=1, minutes=2), SlaState.BREACHED, "-1h 02m"),
    ],
)
def test_sla_state_across_the_boundaries(
    panel: DecisionPanel, left: timedelta, state: SlaState, text: str
) -> None:
    panel.tick(DUE - left)
    assert panel.sla.state is state
    assert panel.sla.countdown.text() == text
    assert (
        panel.sla.state_label.text()
        == {
            SlaState.ON_TRACK: "On track",
            SlaState.WARNING: "Warning",
            SlaState.CRITICAL: "Critical",
            SlaState.BREACHED: "Breached",
        }[state]
    )
    if state is SlaState.BREACHED:
        assert "ago" in panel.sla.due_label.text()


def test_sla_colours_differ_by_state(panel: DecisionPanel) -> None:
    colours = {}
    for left in (timedelta(hours=5), timedelta(hours=2), timedelta(minutes=30), -timedelta(1)):
        panel.tick(DUE - left)
        assert panel.sla.state is not None
        colours[panel.sla.state] = panel.sla.countdown.palette().color(
            QPalette.ColorRole.WindowText
        )
    assert len(colours) == 4
    assert len({colour.name() for colour in colours.values()}) == 4


def test_sla_follows_the_policy(panel: DecisionPanel) -> None:
    panel.tick(DUE - timedelta(hours=5))
    before = panel.sla.state
    panel.set_policy(SlaPolicy(hours=24, warning_hours=6, critical_hours=2))
    assert (before, panel.sla.state) == (SlaState.ON_TRACK, SlaState.WARNING)


def test_claim_countdown_warns_and_expires(panel: DecisionPanel) -> None:
    panel.tick(NOW)
    assert panel.sla.claim_label.text() == "Claim: 15m 00s left"
    assert not panel.sla.claim_warning
    panel.tick(LEASE - CLAIM_WARNING + timedelta(seconds=1))
    assert panel.sla.claim_warning
    assert "renew" in panel.sla.claim_label.text()
    panel.tick(LEASE + timedelta(seconds=30))
    assert panel.sla.claim_expired
    assert panel.sla.claim_label.text().startswith("Claim expired 0m 30s ago")
    panel.set_lease_expiry(LEASE + timedelta(minutes=15))
    assert not panel.sla.claim_expired
    assert panel.sla.claim_label.text() == "Claim: 14m 30s left"


# -- preview -------------------------------------------------------------------------------------


def test_preview_follows_the_toggles(qtbot: QtBot, panel: DecisionPanel) -> None:
    preview = panel.preview
    assert preview.text.toPlainText() == ""
    assert not preview.copy_button.isEnabled()
    text_errors = DEFAULT_CATALOGUE.get(reasons.TEXT_ERRORS)
    under_18 = DEFAULT_CATALOGUE.get(reasons.UNDER_18)
    assert text_errors is not None
    assert under_18 is not None

    press(panel, Qt.Key.Key_D)
    assert "a decline needs at least one reason" in preview.status.text()
    press(panel, Qt.Key.Key_3)
    assert text_errors.applicant_text in preview.text.toPlainText()
    assert preview.status.text() == "Ready to send"
    press(panel, Qt.Key.Key_1)
    assert under_18.applicant_text in preview.text.toPlainText()
    press(panel, Qt.Key.Key_3)
    assert text_errors.applicant_text not in preview.text.toPlainText()
    press(panel, Qt.Key.Key_7)
    assert "needs a note" in preview.status.text()
    panel.note.setPlainText("Duplicate account")
    assert "Note from the reviewer: Duplicate account" in preview.text.toPlainText()
    assert preview.text.isReadOnly()

    panel.escalate()
    assert preview.text.toPlainText() == ""
    assert "lead" in preview.text.placeholderText()
    preview.copy()  # nothing to copy: no crash, no change


def test_copy_puts_the_message_on_the_clipboard(qtbot: QtBot, panel: DecisionPanel) -> None:
    press(panel, Qt.Key.Key_D, Qt.Key.Key_4)
    QTest.mouseClick(panel.preview.copy_button, Qt.MouseButton.LeftButton)
    clipboard = QGuiApplication.clipboard()
    assert clipboard.text() == panel.preview.text.toPlainText()
    assert clipboard.text().startswith("Subject: About your freelancer profile application")


def test_first_name_greets_the_applicant(panel: DecisionPanel) -> None:
    panel.load("app-0003", 1, DUE, LEASE, {}, first_name="Ana")
    panel.decline()
    panel.toggle_reason(2)
    assert "Hello Ana," in panel.preview.text.toPlainText()


# -- plain text, accessibility, looks -------------------------------------------------------------


def test_all_labels_are_plain_text(qtbot: QtBot) -> None:
    hostile = "<b>bold</b><img src=x>"
    made = DecisionPanel()
    qtbot.addWidget(made)
    made.set_catalogue(
        [
            ReasonCodeOut(code="x", label=hostile, key="1", applicant_text=hostile),
            *config_catalogue()[1:],
        ]
    )
    made.tick(NOW)
    made.load(hostile, 1, DUE, LEASE, {"x": hostile})
    made.decline()
    made.toggle_reason(1)
    made.submit()
    labels = made.findChildren(QLabel)
    assert len(labels) >= 20
    for label in labels:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert hostile in made.item_label.text()
    row = made.reason_list.rows[0]
    assert row.evidence.text() == hostile
    assert html.escape(hostile) in row.toolTip()
    assert hostile not in row.toolTip()
    assert hostile in made.preview.text.toPlainText()


def test_controls_have_accessible_names(panel: DecisionPanel) -> None:
    from PySide6.QtWidgets import QAbstractButton, QPlainTextEdit

    controls = [*panel.findChildren(QAbstractButton), *panel.findChildren(QPlainTextEdit)]
    assert len(controls) >= 15
    for control in controls:
        assert control.accessibleName(), control.objectName()


@pytest.fixture
def dark_palette() -> Iterator[None]:
    app = QGuiApplication.instance()
    assert isinstance(app, QGuiApplication)
    before = QGuiApplication.palette()
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    dark.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    QGuiApplication.setPalette(dark)
    try:
        yield
    finally:
        QGuiApplication.setPalette(before)


def test_sla_colour_follows_a_dark_palette(panel: DecisionPanel, dark_palette: None) -> None:
    panel.tick(DUE - timedelta(minutes=30))
    dark = panel.sla.countdown.palette().color(QPalette.ColorRole.WindowText).name()
    assert dark == "#ff8a65"  # the queue's dark colour for critical (cells.STATE_COLOURS)
