"""The workstation session in the real window, offscreen, against the real service on loopback:
prefetch with a real photo, keys that stay in the filter box, renew, take N offline, working
offline, a lease conflict listed, and sign-out purging the cached data.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from servicekit import (
    OTHER_REVIEWER,
    PASSWORD,
    Clock,
    Running,
    make_application,
    photo_media,
    running,
    sqlite_url,
)
from uikit import Session, open_window, press

from reviewer_app import paths
from reviewer_app.core.outbox import OutboxState
from reviewer_app.net import QueueClient
from reviewer_app.service.server import EmbeddedServer
from reviewer_app.sync.engine import SyncSettings
from reviewer_app.ui.conflicts import ConflictsDialog
from reviewer_app.ui.review.photos import DecodedPhoto
from reviewer_app.ui.workstation import ReviewItem

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "PulseAudioService"
)

ITEMS = 8
CTRL = Qt.KeyboardModifier.ControlModifier


def jpeg(i: int) -> bytes:
    image = Image.new("RGB", (480, 480), (40 + i * 20 % 200, 120, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    return home


@pytest.fixture
def service_clock() -> Clock:
    return Clock()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Running]:
    with running(sqlite_url(tmp_path / "queue.sqlite3"), undo_grace_seconds=0.5) as run:
        apps = []
        for i in range(1, ITEMS + 1):
            ref, data = photo_media(jpeg(i))
            apps.append((make_application(i, photo=ref), {ref.sha256: (ref.content_type, data)}))
        run.add(apps)
        yield run


@pytest.fixture
def live(qtbot: QtBot, service: Running, tmp_path: Path) -> Iterator[Session]:
    with open_window(qtbot, service, tmp_path / "ws", wait_rows=ITEMS) as session:
        yield session


def start(qtbot: QtBot, s: Session) -> ReviewItem:
    press(s.window, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: s.session.current is not None and s.window.panel.loaded, timeout=15_000)
    item = s.session.current
    assert item is not None
    return item


def test_next_item_comes_prefetched_with_its_photo(qtbot: QtBot, live: Session) -> None:
    item = start(qtbot, live)
    photo = item.application.revisions[-1].profile.photo
    assert photo is not None
    assert item.media[photo.sha256].is_file()
    assert item.findings  # the checks ran before it was shown
    photos = live.window.review.photos
    qtbot.waitUntil(lambda: isinstance(photos.decoded(photo.sha256), DecodedPhoto), timeout=5_000)
    # The next ones are prepared before the reviewer gets there.
    qtbot.waitUntil(
        lambda: live.session.prepared(live.session.leases[1].application_id) is not None
    )
    following = live.session.leases[1].application_id
    press(live.window, "a")
    qtbot.waitUntil(
        lambda: (
            live.session.current is not None and live.session.current.application_id == following
        ),
        timeout=5_000,
    )
    number = int(following.removeprefix("APP-"))
    assert live.window.review.name_label.text() == f"Ann{number} L."  # display name


def test_keys_stay_in_the_filter_box(qtbot: QtBot, live: Session) -> None:
    item = start(qtbot, live)
    w = live.window
    press(w, Qt.Key.Key_F, CTRL)
    assert w.queue_view.filter_edit.hasFocus()
    press(w, "ads 12")
    press(w, Qt.Key.Key_Return)  # applies the filter, does not submit a decision
    assert w.queue_view.filter_edit.text() == "ads 12"
    assert live.session.current is item
    assert w.panel.draft() is None  # no A, D, 1 or 2 reached the panel
    assert live.session.store.outbox.counts()[OutboxState.GRACE] == 0
    press(w, Qt.Key.Key_Escape)  # back to the review
    assert not w.queue_view.filter_edit.hasFocus()
    press(w, "a")
    qtbot.waitUntil(
        lambda: live.session.store.outbox.counts()[OutboxState.GRACE] == 1, timeout=5_000
    )


def test_overlay_and_keys_on_buttons(qtbot: QtBot, live: Session) -> None:
    w = live.window
    press(w, "?")
    assert w.overlay.isVisible()
    listed = dict(w.overlay.listed_text())
    for key in ("A", "D", "1–9", "N", "Enter", "Ctrl+Z", "S", "E", "Space", "Ctrl+F", "?"):
        assert key in listed
    press(w, Qt.Key.Key_Escape)
    assert not w.overlay.isVisible()
    assert "(F5)" in w.refresh_action.toolTip()
    assert w.start_action.shortcut().toString() == "Ctrl+Return"
    for action in (w.start_action, w.offline_action, w.refresh_action, w.sign_out_action):
        assert not action.icon().isNull()


def test_renew_and_take_offline(qtbot: QtBot, live: Session, service: Running) -> None:
    item = start(qtbot, live)
    before = item.lease.expires_at
    qtbot.wait(1100)
    press(live.window, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(
        lambda: live.session.current is not None and live.session.current.lease.expires_at > before,
        timeout=5_000,
    )
    live.window.take_offline(2)
    store = live.session.store
    qtbot.waitUntil(
        lambda: sum(lease.offline for lease in store.claims.active()) == 2, timeout=10_000
    )


def test_work_goes_on_offline_and_is_delivered_later(
    qtbot: QtBot, live: Session, service: Running
) -> None:
    start(qtbot, live)
    qtbot.waitUntil(lambda: len(live.session.leases) >= 3, timeout=10_000)
    qtbot.waitUntil(
        lambda: live.session.prepared(live.session.leases[1].application_id) is not None,
        timeout=10_000,
    )
    port = service.server.port
    service.server.stop()
    qtbot.waitUntil(lambda: live.window.status.online is False, timeout=10_000)
    first = live.session.current
    assert first is not None
    press(live.window, "a")
    qtbot.waitUntil(
        lambda: live.session.current is not None and live.session.current is not first,
        timeout=5_000,
    )
    store = live.session.store
    qtbot.waitUntil(lambda: store.outbox.counts()[OutboxState.READY] == 1, timeout=10_000)
    qtbot.waitUntil(lambda: live.window.status.outbox.text.startswith("1"), timeout=5_000)
    again = EmbeddedServer(service.service, port=port).start()
    try:
        qtbot.waitUntil(lambda: store.outbox.counts()[OutboxState.DELIVERED] == 1, timeout=20_000)
        qtbot.waitUntil(lambda: live.window.status.online is True, timeout=10_000)
    finally:
        again.stop()


def test_lease_conflict_is_listed(qtbot: QtBot, service_clock: Clock, tmp_path: Path) -> None:
    with running(
        sqlite_url(tmp_path / "q.sqlite3"), clock=service_clock, undo_grace_seconds=0.2
    ) as svc:
        svc.add((make_application(i), {}) for i in range(1, 4))
        sync = SyncSettings(
            pull_interval=0.2, heartbeat_interval=3600, send_idle_interval=0.2, prefetch_ahead=5
        )
        with open_window(qtbot, svc, tmp_path / "ws", sync=sync, wait_rows=3) as s:
            item = start(qtbot, s)
            # Our lease runs out on the service's clock and another reviewer takes the item.
            service_clock.advance(hours=2)
            other = QueueClient(svc.url)
            other.login(OTHER_REVIEWER, PASSWORD)
            taken = [lease.application_id for lease in other.claim(3).leases]
            assert item.application_id in taken
            press(s.window, "a")
            store = s.session.store
            qtbot.waitUntil(
                lambda: store.outbox.counts()[OutboxState.CONFLICT] == 1, timeout=20_000
            )
            qtbot.waitUntil(lambda: s.window.status.conflicts_button.isVisible(), timeout=5_000)
            s.window.status.conflicts_button.click()
            dialogs = s.window.findChildren(ConflictsDialog)
            assert dialogs
            assert [i.application_id for i in dialogs[-1].items] == [item.application_id]
            dialogs[-1].close()
            other.close()


def test_sign_out_purges_cached_data(qtbot: QtBot, live: Session) -> None:
    start(qtbot, live)
    store = live.session.store
    qtbot.waitUntil(lambda: store.media.size() > 0, timeout=10_000)
    session = live.session
    signed_out: list[bool] = []
    session.signed_out.connect(lambda: signed_out.append(True))
    live.window.sign_out()
    qtbot.waitUntil(lambda: bool(signed_out), timeout=10_000)
    assert store.media.size() == 0
    assert store.queue.count() == 0
    assert all(store.claims.application(lease.application_id) is None for lease in session.leases)
    assert live.window.message_panel.title_label.text() == "Signed out"
    assert live.window.model.rowCount() == 0


def test_undo_after_the_grace_is_refused(qtbot: QtBot, live: Session) -> None:
    item = start(qtbot, live)
    press(live.window, "a")
    qtbot.waitUntil(lambda: live.session.last_recorded is not None, timeout=5_000)
    qtbot.wait(int(live.session.grace.total_seconds() * 1000) + 300)
    press(live.window, Qt.Key.Key_Z, CTRL)
    qtbot.wait(300)
    assert live.session.current is not None
    assert live.session.current.application_id != item.application_id
    assert timedelta(0) < live.session.grace <= timedelta(seconds=1)


def test_qt_signals_do_not_eat_none(qtbot: QtBot) -> None:
    """PySide6 6.12 drops a reference to None per Qt-emitted signal into a Python slot; the
    window pins None (ui/refcounts.py), so a busy timer cannot bring the process down."""
    import sys

    from PySide6.QtCore import QTimer

    from reviewer_app.ui import refcounts

    refcounts.pin()
    fired: list[int] = []
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: fired.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(fired) >= 20_000, timeout=30_000)
    timer.stop()
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > refcounts.PIN // 2


def test_first_start_offers_sign_in_with_the_demo(qtbot: QtBot) -> None:
    """No server configured: the sign-in dialog opens over the window, with the demo button."""
    from reviewer_app.ui.launch import SignInFlow, open_settings
    from reviewer_app.ui.main_window import MainWindow
    from reviewer_app.ui.signin import SignInDialog
    from reviewer_app.ui.tasks import TaskRunner

    tasks = TaskRunner(name="test")
    window = MainWindow(open_settings(), tasks)
    qtbot.addWidget(window)
    window.show()
    chosen: list[bool] = []
    flow = SignInFlow(window, tasks, on_demo=lambda: chosen.append(True))
    flow.start()
    dialogs = window.findChildren(SignInDialog)
    assert len(dialogs) == 1
    assert dialogs[0].isVisible()
    assert window.message_panel.title_label.text() == "No queue service configured"
    dialogs[0].choose_demo()
    qtbot.waitUntil(lambda: chosen == [True], timeout=2_000)
    window.close()
    assert tasks.shutdown(10_000)
