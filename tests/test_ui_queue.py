"""The main window and its live queue, offscreen, against the real service on loopback.

The window signs in through the real HTTP client; the sync engine pulls the real change feed into
the local store, and the queue table reads the store. Another client claims and decides
meanwhile, and the table follows. The model is checked by Qt's model tester while it changes;
the SLA column runs on a clock the test controls.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from servicekit import (
    OTHER_REVIEWER,
    PASSWORD,
    REVIEWER,
    T0,
    Clock,
    FakeLocalClock,
    Running,
    decision_for,
    earlier_decline,
    make_application,
    queue_item,
    running,
    sqlite_url,
)
from uikit import Session, open_window

from reviewer_app import paths
from reviewer_app.core.sla import ServerClock, SlaState
from reviewer_app.core.wire import DecisionIn, QueueItemOut
from reviewer_app.demo import start_demo_service
from reviewer_app.net import QueueClient
from reviewer_app.service.server import EmbeddedServer
from reviewer_app.sync.engine import SyncSettings
from reviewer_app.ui.launch import DemoLauncher, open_settings
from reviewer_app.ui.main_window import MainWindow
from reviewer_app.ui.queue.model import (
    Column,
    ItemRole,
    QueueModel,
    SlaStateRole,
    state_colour,
)
from reviewer_app.ui.queue.store_feed import StoreQueueFeed
from reviewer_app.ui.tasks import TaskRunner

ROOT = Path(__file__).resolve().parent.parent
FAST = SyncSettings(pull_interval=0.2, heartbeat_interval=5.0, send_idle_interval=0.2)
APPLICATIONS = 36
RESUBMITTED = {5, 10, 15}

# The offscreen platform says so whenever a top-level window's size limits change: not ours.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "PulseAudioService"
)


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and data of the workstation go to a temporary folder, never the real home."""
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    return home


@pytest.fixture
def service_clock() -> Clock:
    return Clock()


@pytest.fixture
def service(tmp_path: Path, service_clock: Clock) -> Iterator[Running]:
    with running(sqlite_url(tmp_path / "queue.sqlite3"), clock=service_clock) as run:
        run.add(
            (
                make_application(
                    i, earlier_decline=earlier_decline(i) if i in RESUBMITTED else None
                ),
                {},
            )
            for i in range(1, APPLICATIONS + 1)
        )
        yield run


@pytest.fixture
def live(qtbot: QtBot, service: Running, tmp_path: Path) -> Iterator[Session]:
    with open_window(qtbot, service, tmp_path / "workstation", wait_rows=APPLICATIONS) as session:
        yield session


@pytest.fixture
def window(live: Session) -> MainWindow:
    return live.window


@pytest.fixture
def other(service: Running) -> Iterator[QueueClient]:
    client = QueueClient(service.url)
    client.login(OTHER_REVIEWER, PASSWORD)
    yield client
    client.close()


def column_texts(model: QueueModel, column: Column) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def row_items(model: QueueModel) -> list[QueueItemOut]:
    return [model.index(row, 0).data(ItemRole) for row in range(model.rowCount())]


# -- the live window -----------------------------------------------------------------------------


def test_rows_appear_in_due_order(window: MainWindow) -> None:
    model = window.model
    assert model.rowCount() == APPLICATIONS
    assert window.queue_view.isVisible()
    items = row_items(model)
    assert [item.due_at for item in items] == sorted(item.due_at for item in items)
    # APP-36 was submitted first, so it is due first.
    assert items[0].application_id == "APP-000036"
    assert window.status.forecast.text == f"{APPLICATIONS} pending · measuring the team's pace"
    assert "breaching within the hour" in window.status.breaching.text
    assert window.status.online is True
    assert window.user_label.text() == "Rita (reviewer)"
    revisions = {
        item.application_id: text
        for item, text in zip(items, column_texts(model, Column.REVISION), strict=True)
    }
    assert revisions["APP-000005"] == "2 · resubmitted"
    assert revisions["APP-000006"] == "1"


def test_another_reviewers_claim_shows_as_held(
    qtbot: QtBot, window: MainWindow, other: QueueClient
) -> None:
    model = window.model
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    leases = other.claim(2).leases
    claimed = [lease.application_id for lease in leases]

    def held() -> bool:
        rows = [model.row_of(app_id) for app_id in claimed]
        return all(
            row is not None and model.index(row, Column.HELD_BY).data() == OTHER_REVIEWER
            for row in rows
        )

    qtbot.waitUntil(held, timeout=10_000)
    assert model.rowCount() == APPLICATIONS
    assert resets == []  # a delta, not a reset
    row = model.row_of(claimed[0])
    assert row is not None
    assert model.index(row, Column.HELD_BY).data(Qt.ItemDataRole.DecorationRole) is not None


def test_own_claim_says_you(qtbot: QtBot, window: MainWindow, live: Session) -> None:
    (lease,) = live.client.claim(1).leases
    model = window.model

    def mine() -> bool:
        row = model.row_of(lease.application_id)
        return row is not None and model.index(row, Column.HELD_BY).data() == f"{REVIEWER} (you)"

    qtbot.waitUntil(mine, timeout=10_000)


def test_decided_item_leaves_the_queue(
    qtbot: QtBot, window: MainWindow, other: QueueClient
) -> None:
    model = window.model
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    (lease,) = other.claim(1).leases
    decision = DecisionIn.model_validate(decision_for(lease.model_dump(mode="json"), "accept"))
    assert other.post_decisions([decision]).results[0].status == "accepted"
    qtbot.waitUntil(lambda: model.row_of(lease.application_id) is None, timeout=10_000)
    assert model.rowCount() == APPLICATIONS - 1
    assert model.item_by_id(lease.application_id) is None
    assert removed == [(0, 0)]  # it was the first due, so the top row
    assert resets == []
    qtbot.waitUntil(
        lambda: window.status.forecast.text.startswith(f"{APPLICATIONS - 1} pending · "),
        timeout=5_000,
    )


def test_sort_by_each_column(window: MainWindow) -> None:
    model = window.model
    table = window.queue_view.table
    folded: dict[Column, Any] = {
        Column.SLA: lambda item, text: item.due_at,
        Column.APPLICANT: lambda item, text: text.casefold(),
        Column.COUNTRY: lambda item, text: text.casefold(),
        Column.SKILLS: lambda item, text: tuple(s.casefold() for s in item.main_skills),
        Column.REVISION: lambda item, text: item.revision,
        Column.FLAGS: lambda item, text: text.casefold(),
        Column.HELD_BY: lambda item, text: text.casefold(),
    }
    for column in Column:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            table.sortByColumn(column, order)  # as a click on the header does
            assert model.sort_column == column
            assert model.sort_order == order
            items = row_items(model)
            keys = [
                folded[column](item, text)
                for item, text in zip(items, column_texts(model, column), strict=True)
            ]
            expected = sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
            assert keys == expected, (column, order)
            assert len(items) == APPLICATIONS
    # Ties are broken by due time: among equal revisions, the most urgent first.
    table.sortByColumn(Column.REVISION, Qt.SortOrder.AscendingOrder)
    firsts = [item for item in row_items(model) if item.revision == 1]
    assert [i.due_at for i in firsts] == sorted(i.due_at for i in firsts)


def test_filter_in_the_model(qtbot: QtBot, window: MainWindow) -> None:
    model = window.model
    view = window.queue_view
    qtbot.keyClicks(view.filter_edit, "ann1")  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: model.filter_text == "ann1", timeout=2_000)
    names = column_texts(model, Column.APPLICANT)
    assert names
    assert all("ann1" in name.casefold() for name in names)
    assert len(names) == sum(1 for i in range(1, APPLICATIONS + 1) if str(i).startswith("1"))
    assert view.summary.text() == f"{len(names)} of {APPLICATIONS} shown"
    # Every word must match, in any column (the revision's "resubmitted" too).
    view.filter_edit.setText("resubmitted ireland")
    qtbot.waitUntil(lambda: model.rowCount() == len(RESUBMITTED), timeout=2_000)
    view.filter_edit.clear()
    qtbot.waitUntil(lambda: model.rowCount() == APPLICATIONS, timeout=2_000)
    assert view.summary.text() == ""


def test_offline_then_back(qtbot: QtBot, window: MainWindow, service: Running) -> None:
    port = service.server.port
    service.server.stop()
    qtbot.waitUntil(lambda: window.status.online is False, timeout=10_000)
    text = window.status.connection.text
    assert text.startswith("Offline: cannot reach the queue service")
    assert "connection refused" in text
    assert window.model.rowCount() == APPLICATIONS  # the local queue stays on screen
    assert window.queue_view.isVisible()
    # The service comes back on the same address: the sync engine reconnects by itself.
    again = EmbeddedServer(service.service, port=port).start()
    try:
        qtbot.waitUntil(lambda: window.status.online is True, timeout=15_000)
        assert window.status.connection.text == "Connected"
    finally:
        again.stop()


def test_service_gone_after_sign_in_is_explained(
    qtbot: QtBot, service: Running, tmp_path: Path
) -> None:
    """The service stops right after sign-in: the window opens on the (empty) local queue, says
    it is offline, and Start reviewing says why nothing can be claimed, where the reviewer is."""
    with open_window(qtbot, service, tmp_path / "ws", sync=FAST) as s:
        service.server.stop()
        s.session.store.queue.reset()
        qtbot.waitUntil(lambda: s.window.status.online is False, timeout=10_000)
        s.window.start_reviewing()
        qtbot.waitUntil(
            lambda: s.window.review.placeholder.title == "Cannot claim applications",
            timeout=10_000,
        )
        assert "cannot reach the queue service" in s.window.review.placeholder.text
        assert s.window.status_label.text().startswith("Could not claim")


def test_labels_are_plain_text(qtbot: QtBot, window: MainWindow, service: Running) -> None:
    hostile = "<b>Bold</b> <img src='x'> <a href='https://evil.example'>click</a>"
    with service.store.write() as session:
        from reviewer_app.service import db

        row = session.get(db.Application, "APP-000001")
        assert row is not None
        row.applicant = hostile
        row.seq = service.store.bump(session, "queue_seq")
    model = window.model
    qtbot.waitUntil(lambda: hostile in column_texts(model, Column.APPLICANT), timeout=10_000)
    window.show_error("Something failed", hostile)
    window.status.set_connection(False, hostile)
    labels = window.findChildren(QLabel)
    assert len(labels) >= 8
    for label in labels:
        if label.text():  # icon-only labels hold a pixmap and no text
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert window.message_panel.text_label.text() == hostile


def test_no_server_message(qtbot: QtBot, tasks: TaskRunner) -> None:
    made = MainWindow(open_settings(), tasks)
    qtbot.addWidget(made)
    made.show_no_server()
    made.show()
    assert made.windowTitle() == "Reviewer Workstation"
    assert made.message_panel.isVisible()
    assert "No queue service configured" in made.message_panel.title_label.text()
    assert made.message_panel.command_label.text() == "reviewer-app --demo"
    for label in made.findChildren(QLabel):
        if label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText


def test_geometry_is_remembered(qtbot: QtBot, tasks: TaskRunner, app_home: Path) -> None:
    # The offscreen screen is 800×800 and Qt fits a restored window to its screen: stay inside.
    first = MainWindow(open_settings(), tasks)
    qtbot.addWidget(first)
    first.resize(780, 600)
    first.splitter.setSizes([240, 320, 220])
    sizes = first.splitter.sizes()
    first.queue_view.table.sortByColumn(Column.COUNTRY, Qt.SortOrder.DescendingOrder)
    first.save_state()
    ini = paths.settings_file()
    assert ini.is_relative_to(app_home)
    assert "geometry" in ini.read_text()
    second = MainWindow(open_settings(), tasks)
    qtbot.addWidget(second)
    assert second.size() == first.size()
    assert second.splitter.sizes() == sizes
    assert second.model.sort_column == Column.COUNTRY
    assert second.model.sort_order == Qt.SortOrder.DescendingOrder


def test_window_model_passes_the_model_tester(
    qtmodeltester: Any, qtbot: QtBot, window: MainWindow, other: QueueClient
) -> None:
    model = window.model
    qtmodeltester.check(model)  # Qt's tester keeps watching as the feed changes the model
    leases = other.claim(3).leases
    decision = DecisionIn.model_validate(
        decision_for(leases[0].model_dump(mode="json"), "decline", ["text_errors"])
    )
    other.post_decisions([decision])
    qtbot.waitUntil(lambda: model.row_of(leases[0].application_id) is None, timeout=10_000)
    window.queue_view.table.selectRow(3)
    window.queue_view.table.sortByColumn(Column.HELD_BY, Qt.SortOrder.DescendingOrder)
    model.set_filter("ann2")
    model.set_filter("")
    model.tick()


# -- the model on its own: SLA display, and deltas against a reference -----------------------------


def item(app_id: str, due_in: timedelta, now: datetime, **fields: Any) -> QueueItemOut:
    return queue_item(app_id, now + due_in, **fields)


def test_sla_column_formats_and_colours(qtmodeltester: Any, qtbot: QtBot) -> None:
    local = FakeLocalClock(T0)
    clock = ServerClock(local_now=local)
    model = QueueModel(clock)
    qtmodeltester.check(model)
    model.reset_items(
        [
            item("A", timedelta(hours=5), T0),
            item("B", timedelta(hours=3), T0),
            item("C", timedelta(minutes=30), T0),
            item("D", -timedelta(hours=1, minutes=2), T0),
        ]
    )
    texts = dict(zip("DCBA", column_texts(model, Column.SLA), strict=True))
    assert texts == {"A": "5h 00m", "B": "3h 00m", "C": "30m 00s", "D": "-1h 02m"}
    states = [model.index(row, Column.SLA).data(SlaStateRole) for row in range(4)]
    assert states == [SlaState.BREACHED, SlaState.CRITICAL, SlaState.WARNING, SlaState.ON_TRACK]
    for row, state in enumerate(states):
        brush = model.index(row, Column.SLA).data(Qt.ItemDataRole.ForegroundRole)
        assert brush.color() == state_colour(state)
    assert len({state_colour(state).name() for state in states}) == 4
    accessible = model.index(0, Column.SLA).data(Qt.ItemDataRole.AccessibleTextRole)
    assert accessible == "SLA breached: breached 1h 02m ago"
    assert model.index(1, Column.SLA).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "SLA critical: 30m 00s left"
    )
    counts = model.counts()
    assert (counts.pending, counts.breaching_within_hour, counts.breached) == (4, 1, 1)

    # The server's clock runs 10 minutes ahead of ours: the countdown follows the server.
    clock.sync(T0 + timedelta(minutes=10), sent_at=T0, received_at=T0)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, roles: changes.append(
            (top.row(), top.column(), bottom.row(), bottom.column())
        )
    )
    model.tick()
    assert changes == [(0, Column.SLA, 3, Column.SLA)]  # one signal, the SLA column only
    assert column_texts(model, Column.SLA) == ["-1h 12m", "20m 00s", "2h 50m", "4h 50m"]
    local.now = T0 + timedelta(minutes=21)
    model.tick()
    assert model.index(1, Column.SLA).data() == "-1m 00s"
    assert model.index(1, Column.SLA).data(SlaStateRole) == SlaState.BREACHED
    assert model.counts().breached == 2
    # Ordering by due time does not move as time passes.
    assert [i.application_id for i in row_items(model)] == ["D", "C", "B", "A"]


def test_cells_show_server_text_as_display_strings(qtbot: QtBot) -> None:
    model = QueueModel(ServerClock(local_now=FakeLocalClock(T0)))
    model.set_current_user("rita")
    model.reset_items(
        [
            item(
                "X",
                timedelta(hours=2),
                T0,
                applicant="<i>Zoë</i>",
                revision=3,
                flags=["resubmission", "incomplete", "no_photo", "new_flag"],
                held_by="rita",
            )
        ]
    )
    texts = [model.index(0, column).data() for column in Column]
    assert texts == [
        "2h 00m",
        "<i>Zoë</i>",
        "Portugal",
        "Go, Rust",
        "3 · resubmitted",
        "Incomplete, No photo, new_flag",
        "rita (you)",
    ]
    assert all(isinstance(text, str) for text in texts)


def test_random_deltas_match_a_reference(qtmodeltester: Any, qtbot: QtBot) -> None:
    """Deltas applied row by row leave the same rows, in the same order, as sorting and
    filtering everything from scratch would, under every sort column and order."""
    rng = random.Random(7)
    clock = ServerClock(local_now=FakeLocalClock(T0))
    model = QueueModel(clock)
    qtmodeltester.check(model)
    names = ["Ana", "bo", "Cy", "Dee", "eve", "Fay"]
    countries = ["Chile", "chad", "Peru", "Laos"]

    def random_item(app_id: str) -> QueueItemOut:
        return item(
            app_id,
            timedelta(minutes=rng.randrange(-120, 1440)),
            T0,
            applicant=rng.choice(names),
            country=rng.choice(countries),
            main_skills=rng.sample(["Go", "SQL", "C", "ML"], 2),
            revision=rng.randint(1, 3),
            flags=rng.sample(["incomplete", "no_photo", "no_video"], rng.randint(0, 2)),
            held_by=rng.choice([None, None, "rob", "rita"]),
        )

    everything: dict[str, QueueItemOut] = {}
    start = [random_item(f"APP-{n:03d}") for n in range(40)]
    everything.update((i.application_id, i) for i in start)
    model.reset_items(start)
    for step in range(40):
        if step % 10 == 0:
            model.sort(
                rng.choice(list(Column)),
                rng.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]),
            )
        if step % 15 == 7:
            model.set_filter(rng.choice(["", "chile", "a", "no photo", "rob"]))
        # One new application, two changed, one decided (and one unknown id that left).
        gone = [rng.choice(sorted(everything)), "APP-unknown"]
        changed = [random_item(f"APP-{100 + step:03d}")]
        changed += [random_item(app_id) for app_id in rng.sample(sorted(everything), 2)]
        changed = [c for c in changed if c.application_id not in gone]
        for app_id in gone:
            everything.pop(app_id, None)
        everything.update((c.application_id, c) for c in changed)
        model.apply_delta(changed, gone)

        reference = QueueModel(clock)
        reference.sort(model.sort_column, model.sort_order)
        reference.set_filter(model.filter_text)
        reference.reset_items(everything.values())
        assert [i.application_id for i in row_items(model)] == [
            i.application_id for i in row_items(reference)
        ], step
        assert row_items(model) == row_items(reference)


# -- tasks ---------------------------------------------------------------------------------------


def test_tasks_deliver_results_and_errors_on_the_ui_thread(qtbot: QtBot, tasks: TaskRunner) -> None:
    import threading

    main = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    tasks.run(
        lambda: threading.get_ident(),
        on_success=lambda worker: seen.append(("ok", worker != main, threading.get_ident())),
    )

    def boom() -> None:
        raise ValueError("no luck")

    tasks.run(boom, on_failure=lambda error: seen.append(("failed", error, threading.get_ident())))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5_000)
    by_kind = {kind: (value, thread) for kind, value, thread in seen}
    assert by_kind["ok"] == (True, main)
    error, thread = by_kind["failed"]
    assert isinstance(error, ValueError)
    assert thread == main


def test_task_error_without_handler_reaches_excepthook(qtbot: QtBot, tasks: TaskRunner) -> None:
    def boom() -> None:
        raise RuntimeError("nobody listens")

    with qtbot.captureExceptions() as exceptions:
        tasks.run(boom, name="lonely task")
        qtbot.waitUntil(lambda: tasks.active == 0, timeout=5_000)
    assert len(exceptions) == 1
    assert isinstance(exceptions[0][1], RuntimeError)


def test_cancelled_task_calls_nobody(qtbot: QtBot, tasks: TaskRunner) -> None:
    import threading

    release = threading.Event()
    calls: list[object] = []
    handle = tasks.run(lambda: release.wait(5), on_success=calls.append)
    handle.cancel()
    release.set()
    qtbot.waitUntil(lambda: tasks.active == 0, timeout=5_000)
    assert calls == []
    assert handle.done


def test_emitting_does_not_eat_references_to_true(qtbot: QtBot) -> None:
    """PySide6 6.12.0 drops a reference to True on every Python-side emit; on Python 3.11 that
    ends in "Fatal Python error: bool_dealloc". `signals.emit` gives the reference back."""
    model = QueueModel(ServerClock(local_now=FakeLocalClock(T0)))
    model.reset_items([item("A", timedelta(hours=1), T0)])
    before = sys.getrefcount(True)
    for _ in range(3000):
        model.tick()  # two emits each
    assert abs(sys.getrefcount(True) - before) < 50


def test_ui_code_emits_through_the_helper() -> None:
    """Every Python-side emit goes through `reviewer_app.ui.signals.emit` (see its docstring)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "reviewer_app").rglob("*.py"))
        if path.name != "signals.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.emit\(", line) and not line.lstrip().startswith("#")
    ]
    assert offenders == [], "use reviewer_app.ui.signals.emit(signal, ...) instead"


# -- paths and launching -----------------------------------------------------------------------


def test_paths_live_under_the_home_override(app_home: Path) -> None:
    folders = [paths.data_dir(), paths.cache_dir(), paths.config_dir(), paths.log_dir()]
    for folder in folders:
        assert folder.is_relative_to(app_home)
        assert folder.stat().st_mode & 0o777 == 0o700
    assert app_home.stat().st_mode & 0o777 == 0o700
    assert len(set(folders)) == 4
    assert isinstance(open_settings(), QSettings)


def test_tests_may_not_use_the_real_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.HOME_ENV)
    with pytest.raises(RuntimeError, match="REVIEWER_APP_HOME"):
        paths.data_dir()


def test_demo_launcher_brings_up_a_signed_in_live_queue(
    qtbot: QtBot, tasks: TaskRunner, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `--demo` does, in-process: service on loopback, demo data, sign-in, local store,
    sync engine, live queue."""
    window = MainWindow(open_settings(), tasks)
    qtbot.addWidget(window)
    window.show()
    launcher = DemoLauncher(window, tasks, 4, "demo-pw", backend=start_demo_service, sync=FAST)
    launcher.start()
    assert window.status_label.text() == "Preparing demo queue…"
    assert launcher.preparing
    try:
        qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=90_000)
        assert launcher.demo is not None
        folder = launcher.demo.folder
        assert folder.is_dir()
        assert window.session is not None
        assert window.session.store.db.path.is_relative_to(folder)
        assert window.user_label.text() == "Demo Reviewer (reviewer)"
        base_url = window.session.client.base_url
        assert base_url.startswith("http://127.0.0.1:")
        printed = capsys.readouterr().out
        assert f"queue service at {base_url}" in printed
        assert "Demo accounts: reviewer / demo-pw (reviewer), lead / demo-pw (team lead)" in printed
    finally:
        window.close()
        tasks.shutdown()
        launcher.stop()
    assert not folder.exists()


@pytest.mark.slow
def test_demo_command_exits_cleanly(app_home: Path) -> None:
    """`reviewer-app --demo --quit-after N` exits 0 and removes its temporary folder, also when
    it is closed while the demo data is still being generated."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        paths.HOME_ENV: str(app_home),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "reviewer_app", "--demo", "--demo-count", "2"]
    result = subprocess.run(
        [*command, "--quit-after", "4"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.search(r"queue service at http://127\.0\.0\.1:\d+/api/v1", result.stdout), output
    assert "Demo accounts: reviewer / demo" in result.stdout
    assert "Traceback" not in output
    removed = re.search(r"demo service stopped; (\S+) removed", output)
    assert removed, output
    assert not Path(removed.group(1)).exists()
    assert paths.settings_file().is_file()  # the window saved its geometry under the override


def test_the_feed_counts_what_leaves_the_queue_for_the_forecast(
    qtbot: QtBot, tasks: TaskRunner
) -> None:
    """Applications decided by anyone leave the store's queue; the feed counts them between
    reads, and that count is the team's pace in the status bar's forecast."""
    now = T0
    rows = [item(f"APP-{i:04d}", timedelta(hours=i), now) for i in range(1, 31)]
    reads = [rows, rows[12:], rows[12:]]
    model = QueueModel(ServerClock(local_now=FakeLocalClock(T0)))
    feed = StoreQueueFeed(lambda: reads.pop(0), model, tasks)
    for expected_rows in (30, 18, 18):
        with qtbot.waitSignal(feed.applied, timeout=10_000):
            feed.reload()
        assert model.rowCount() == expected_rows
    # 12 left in the reads seen; after five minutes of watching, that is the hourly rate's base.
    later = datetime.now(tz=T0.tzinfo) + timedelta(minutes=10)
    forecast = feed.pace.forecast(18, later)
    assert forecast.per_hour == pytest.approx(72, rel=0.05)  # 12 in 10 minutes
    assert forecast.describe().startswith("18 pending · clear in about 15m")
