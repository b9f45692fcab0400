"""Server text is never rich text (DESIGN §5): an application whose every field is HTML, a reason
catalogue with HTML labels and a hostile connection message are loaded into the real window;
then every widget of the window is walked. Labels that show text are Qt.PlainText; text edits
hold the markup as typed (so it was set as plain text); tooltips that hold it are escaped; the
queue's cells give it back as display strings."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPlainTextEdit, QTextEdit, QWidget
from pytestqt.qtbot import QtBot
from servicekit import Running, make_application, make_profile, running, sqlite_url
from uikit import open_window

from reviewer_app import paths
from reviewer_app.core.models import Application, Revision
from reviewer_app.core.reasons import DEFAULT_CATALOGUE, ReasonCatalogue
from reviewer_app.ui.queue.model import Column

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "PulseAudioService"
)

MARK = "<b>Bold</b><img src='https://evil.example/x.png'>"


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    return home


def hostile_application() -> Application:
    base = make_application(1)
    profile = dataclasses.replace(
        make_profile(1),
        first_name=f"Ann{MARK}",
        last_name=f"Lee{MARK}",
        title=f"Title {MARK}",
        overview=f"Overview {MARK} " * 10,
        skills=(f"Python{MARK}", "SQL"),
        country=f"Ireland{MARK}",
    )
    revision = base.revisions[0]
    return Application(base.application_id, (Revision(1, revision.submitted_at, profile),))


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    first = DEFAULT_CATALOGUE.codes[0]
    codes = (dataclasses.replace(first, label=f"Under 18 {MARK}"), *DEFAULT_CATALOGUE.codes[1:])
    catalogue = ReasonCatalogue(version=2, codes=codes)
    with running(sqlite_url(tmp_path / "q.sqlite3"), catalogue=catalogue) as run:
        run.add([(hostile_application(), {})])
        yield run


def widgets(root: QWidget) -> list[QWidget]:
    return [root, *root.findChildren(QWidget)]


def test_server_text_is_plain_everywhere(qtbot: QtBot, service: Running, tmp_path: Path) -> None:
    with open_window(qtbot, service, tmp_path / "ws", wait_rows=1) as s:
        w = s.window
        w.start_reviewing()
        qtbot.waitUntil(lambda: w.panel.loaded, timeout=15_000)
        w.status.set_connection(False, f"Offline: {MARK}")
        w.status.set_message(MARK)
        w.toast.show_decision(f"Declined {MARK}", 5.0)
        w.overlay.toggle()

        shown = 0
        rich_tips: list[str] = []
        for widget in widgets(w):
            if isinstance(widget, QLabel) and widget.text():
                assert widget.textFormat() == Qt.TextFormat.PlainText, (
                    widget.objectName(),
                    widget.text()[:80],
                )
                shown += MARK in widget.text()
            if isinstance(widget, QTextEdit):
                # Set as plain text, the markup stays in the text; as HTML, it would be gone.
                text = widget.toPlainText()
                if "Bold" in text:
                    assert MARK in text, widget.objectName()
                    shown += 1
            if isinstance(widget, QPlainTextEdit):
                shown += MARK in widget.toPlainText()
            tip = widget.toolTip()
            if MARK in tip and Qt.mightBeRichText(tip):  # type: ignore[attr-defined]
                mine = any(
                    area is widget or area.isAncestorOf(widget)
                    for area in (w.queue_view, w.message_panel, w.toolbar)
                )
                assert not mine, (widget.objectName(), tip)
                rich_tips.append(f"{type(widget).__name__} {widget.objectName()}: {tip[:60]}")
        assert shown >= 5  # the name, title, overview, a reason label, the status message…

        # Item views: display strings, escaped tooltips.
        for view in w.findChildren(QAbstractItemView):
            model = view.model()
            if model is None:
                continue
            for row in range(min(model.rowCount(), 50)):
                for column in range(model.columnCount()):
                    index = model.index(row, column)
                    tip = index.data(Qt.ItemDataRole.ToolTipRole)
                    if isinstance(tip, str) and "Bold" in tip:
                        assert "&lt;b&gt;" in tip, tip
        queue = w.model
        assert queue.index(0, Column.APPLICANT).data().startswith("Ann")
        assert MARK in queue.index(0, Column.COUNTRY).data()
        # Qt renders a tooltip that looks like HTML as HTML: server text must be escaped there.
        assert rich_tips == [], f"tooltips render server text as rich text: {rich_tips}"
