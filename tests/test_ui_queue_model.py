"""The queue model's caches, orders and filters, and the store feed's incremental reads.

The model answers `data()` from small caches (row texts, countdowns, brushes and icons per SLA
state): every change that alters a cell must show. It sorts in stable passes and narrows the
filter from the rows shown: the result must equal sorting and filtering everything from
scratch. The feed reads a real store (`LocalStore` on a SQLite file) through `changes()`: after
the first read, only what the pulls changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from pytestqt.qtbot import QtBot
from servicekit import T0, FakeLocalClock, queue_item

from reviewer_app.core.sla import ServerClock, SlaState
from reviewer_app.core.wire import QueueItemOut, QueuePageOut
from reviewer_app.storage.queue_cache import QueueChanges
from reviewer_app.storage.store import LocalStore
from reviewer_app.ui.queue import cells
from reviewer_app.ui.queue.model import Column, ItemRole, QueueModel, SlaStateRole
from reviewer_app.ui.queue.store_feed import StoreQueueFeed
from reviewer_app.ui.queue.view import QueueView
from reviewer_app.ui.tasks import TaskRunner


def item(app_id: str, minutes: int, **fields: Any) -> QueueItemOut:
    fields.setdefault("submitted_at", T0 - timedelta(hours=2))
    return queue_item(app_id, T0 + timedelta(minutes=minutes), **fields)


def ids(model: QueueModel) -> list[str]:
    return [model.index(row, 0).data(ItemRole).application_id for row in range(model.rowCount())]


def reference(model: QueueModel, items: list[QueueItemOut]) -> list[str]:
    """What a fresh model shows for these items under the same sort and filter."""
    fresh = QueueModel(model.clock)
    fresh.sort(model.sort_column, model.sort_order)
    fresh.set_filter(model.filter_text)
    fresh.reset_items(items)
    return ids(fresh)


@pytest.fixture
def model(qtbot: QtBot) -> QueueModel:
    return QueueModel(ServerClock(local_now=FakeLocalClock(T0)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "local.sqlite3", tmp_path / "media")
    yield local
    local.close()


# -- cells: cached, and changed whenever what they show changes -----------------------------------


def test_painted_cells_follow_every_change(qtmodeltester: Any, model: QueueModel) -> None:
    qtmodeltester.check(model)
    model.reset_items([item("A", 90, held_by="rita"), item("B", 30)])
    texts = [[model.index(row, column).data() for column in Column] for row in range(2)]
    assert texts[1][Column.HELD_BY] == "rita"

    model.set_current_user("rita")  # the texts painted before are not kept
    assert model.index(1, Column.HELD_BY).data() == "rita (you)"
    assert model.index(1, Column.HELD_BY).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Held by: rita (you)"
    )

    model.apply_delta([item("B", 30, applicant="Bea", revision=2, flags=["no_photo"])])
    row = model.row_of("B")
    assert row is not None
    assert [model.index(row, c).data() for c in (1, 4, 5)] == ["Bea", "2 · resubmitted", "No photo"]
    assert model.index(row, Column.SLA).data() == "30m 00s"

    model.apply_delta([item("B", -5)])  # now overdue: the countdown and its state follow
    row = model.row_of("B")
    assert row is not None
    assert model.index(row, Column.SLA).data() == "-5m 00s"
    assert model.index(row, Column.SLA).data(SlaStateRole) == SlaState.BREACHED


def test_cells_answer_every_role_as_before(model: QueueModel) -> None:
    model.set_current_user("rob")
    model.reset_items(
        [
            item("R", 30, applicant="<b>Ann & Co</b>", revision=2, held_by="rob"),
            item("S", 300),
        ]
    )
    tip = model.index(0, Column.APPLICANT).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "<p style='white-space:pre-wrap'>&lt;b&gt;Ann &amp; Co&lt;/b&gt; · R</p>"
    assert model.index(0, Column.FLAGS).data(Qt.ItemDataRole.AccessibleTextRole) == "No flags"
    assert model.index(1, Column.HELD_BY).data(Qt.ItemDataRole.AccessibleTextRole) == "Not held"
    assert model.index(0, Column.SLA).data(Qt.ItemDataRole.ToolTipRole) == (
        "Critical · due 02 Mar 09:30 UTC · 30m 00s left"
    )
    assert model.index(0, Column.SLA).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.index(0, Column.REVISION).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.index(0, Column.APPLICANT).data(Qt.ItemDataRole.TextAlignmentRole) is None
    for column in (Column.SLA, Column.REVISION, Column.HELD_BY):
        icon = model.index(0, column).data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon), column
        assert not icon.isNull(), column
    for column in (Column.APPLICANT, Column.REVISION, Column.HELD_BY):
        assert model.index(1, column).data(Qt.ItemDataRole.DecorationRole) is None, column
    assert model.index(0, Column.SLA).data(Qt.ItemDataRole.FontRole) is not None
    assert model.index(0, Column.APPLICANT).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(0, Column.APPLICANT).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(0, Column.APPLICANT).data(SlaStateRole) is None
    assert model.index(5, 0).data() is None  # past the last row


def sla_colours(model: QueueModel) -> dict[SlaState, str]:
    found = {}
    for row in range(model.rowCount()):
        index = model.index(row, Column.SLA)
        found[index.data(SlaStateRole)] = index.data(Qt.ItemDataRole.ForegroundRole).color().name()
    return found


def test_sla_colours_follow_the_palette(model: QueueModel, qtbot: QtBot) -> None:
    model.reset_items([item("A", 300), item("B", 120), item("C", 30), item("D", -1)])
    light = {state: QColor(pair[0]).name() for state, pair in cells.STATE_COLOURS.items()}
    dark = {state: QColor(pair[1]).name() for state, pair in cells.STATE_COLOURS.items()}
    assert sla_colours(model) == light
    held_in_light = cells.cell_icon("held").cacheKey()
    before = QGuiApplication.palette()
    night = QPalette(before)
    night.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    night.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    QGuiApplication.setPalette(night)
    try:
        assert sla_colours(model) == dark
        assert cells.cell_icon("held").cacheKey() != held_in_light  # drawn in the text colour
    finally:
        QGuiApplication.setPalette(before)
    assert sla_colours(model) == light


def test_the_search_text_holds_every_column_but_the_countdown() -> None:
    for queued in (
        item("X", 5, applicant="ZOË", revision=3, flags=["resubmission", "no_video"], held_by="me"),
        item("Y", 5, main_skills=[], held_by="you"),
        item("Z", 5),
    ):
        texts = cells.row_texts(queued, "me")
        expected = "\n".join((queued.application_id, *texts[1:])).casefold()
        assert cells.search_text(queued, "me") == expected


# -- order and filter ---------------------------------------------------------------------------


def test_sorts_match_sorting_by_the_whole_key(qtmodeltester: Any, model: QueueModel) -> None:
    """Passes of stable sorts on one value each give the order of (value, due, id), skills
    as a list (a prefix first), also descending and after changes."""
    qtmodeltester.check(model)
    skills = [["Go"], ["Go", "SQL"], ["Go SQL"], ["go", "A"], [], ["ß"], ["ss", "x"]]
    items = [
        item(f"I{n:02d}", (n * 7) % 5, main_skills=skills[n % 7], revision=1 + n % 3)
        for n in range(21)
    ]
    model.reset_items(items)
    for column in Column:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            by_id = {i.application_id: i for i in items}
            if column == Column.SKILLS:
                expected = sorted(
                    by_id,
                    key=lambda a: (
                        tuple(s.casefold() for s in by_id[a].main_skills),
                        by_id[a].due_at,
                        a,
                    ),
                    reverse=order == Qt.SortOrder.DescendingOrder,
                )
                assert ids(model) == expected
            assert ids(model) == reference(model, items), (column, order)
    model.sort(Column.SKILLS, Qt.SortOrder.AscendingOrder)
    changed = [item("I03", -50, main_skills=["A"]), item("NEW", 1, main_skills=["Go", "SQL"])]
    model.apply_delta(changed, ["I04"])
    now = {i.application_id: i for i in items if i.application_id != "I04"}
    now.update((i.application_id, i) for i in changed)
    assert ids(model) == reference(model, list(now.values()))
    model.sort(Column.APPLICANT, Qt.SortOrder.DescendingOrder)  # from the changed base order
    assert ids(model) == reference(model, list(now.values()))


def test_typing_on_narrows_and_deleting_widens_the_filter(model: QueueModel) -> None:
    items = [
        item(f"A{n:02d}", n, applicant=name, country=country)
        for n, (name, country) in enumerate(
            [("Ann", "Kenya"), ("Anna", "Chad"), ("Bo", "Kenya"), ("Kenny", "Peru")] * 3
        )
    ]
    model.reset_items(items)
    model.sort(Column.APPLICANT, Qt.SortOrder.DescendingOrder)
    for text in ("k", "ke", "ken", "kenya", "ken", "an ken", "ann ken", "ann", "", "n a", "bo z"):
        model.set_filter(text)
        assert ids(model) == reference(model, items), text
        assert model.counts().shown == model.rowCount()
    model.set_filter("ann")
    model.apply_delta([item("A02", 0, applicant="Annika")], ["A00"])  # filter kept on deltas
    current = [i for i in items if i.application_id not in ("A00", "A02")]
    current.append(item("A02", 0, applicant="Annika"))
    assert ids(model) == reference(model, current)
    model.set_filter("anni")  # narrowed from rows that came by delta
    assert ids(model) == ["A02"]


def test_sorting_and_filtering_keep_the_selection(qtbot: QtBot, model: QueueModel) -> None:
    view = QueueView(model)
    qtbot.addWidget(view)
    model.reset_items([item(f"S{n}", n * 10, applicant=f"Name {9 - n}") for n in range(10)])
    table = view.table
    table.selectionModel().setCurrentIndex(
        model.index(3, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert view.selected_item() is not None
    chosen = view.selected_item().application_id  # type: ignore[union-attr]
    for column, order in (
        (Column.SLA, Qt.SortOrder.DescendingOrder),
        (Column.APPLICANT, Qt.SortOrder.AscendingOrder),
        (Column.APPLICANT, Qt.SortOrder.DescendingOrder),
    ):
        table.sortByColumn(column, order)
        selected = view.selected_item()
        assert selected is not None
        assert selected.application_id == chosen
        assert table.currentIndex().row() == model.row_of(chosen)
    model.set_filter("name")
    model.set_filter("name 6")
    assert model.rowCount() == 2  # "Name 6" (chosen), and "Name 3" of S6
    assert table.currentIndex().row() == model.row_of(chosen)
    model.set_filter("name 7")
    assert view.selected_item() is None  # filtered out


# -- the feed over a real store -----------------------------------------------------------------


class CountingQueue:
    """The store's real queue, noting how many items each read returned."""

    def __init__(self, store: LocalStore) -> None:
        self._queue = store.queue
        self.reads: list[tuple[bool, int, int]] = []  # (full, items, removed)

    def changes(self, since: int | None = None) -> QueueChanges:
        read = self._queue.changes(since)
        self.reads.append((read.full, len(read.items), len(read.removed)))
        return read


def pull(store: LocalStore, items: list[QueueItemOut], removed: tuple[str, ...] = ()) -> None:
    store.queue.apply(
        QueuePageOut(
            items=items, removed=list(removed), next_cursor="c", has_more=False, server_time=T0
        )
    )


def test_the_feed_reads_only_what_the_pulls_changed(
    qtmodeltester: Any, qtbot: QtBot, tasks: TaskRunner, store: LocalStore, model: QueueModel
) -> None:
    qtmodeltester.check(model)
    pull(store, [item(f"F{n:03d}", n) for n in range(200)])
    source = CountingQueue(store)
    feed = StoreQueueFeed(source, model, tasks)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))

    def reload() -> None:
        with qtbot.waitSignal(feed.applied, timeout=10_000):
            feed.reload()
        assert ids(model) == [i.application_id for i in store.queue.items()]

    reload()
    assert source.reads == [(True, 200, 0)]
    pull(store, [item("F005", 500, held_by="rob"), item("NEW", -3)], ("F000", "F001", "F002"))
    reload()
    assert source.reads[-1] == (False, 2, 3)
    assert model.item_by_id("F005").held_by == "rob"  # type: ignore[union-attr]
    reload()  # nothing changed in between
    assert source.reads[-1] == (False, 0, 0)
    assert resets == [1]  # the first read only; the rest row by row
    later = datetime.now(tz=T0.tzinfo) + timedelta(minutes=10)
    assert feed.pace.forecast(model.counts().pending, later).per_hour == pytest.approx(18, rel=0.05)

    store.queue.reset()  # sign-out: every reader starts again with the whole (empty) queue
    reload()
    assert source.reads[-1] == (True, 0, 0)
    assert model.rowCount() == 0
    feed.stop()


def test_a_plain_read_function_still_feeds_the_model(
    qtbot: QtBot, tasks: TaskRunner, store: LocalStore, model: QueueModel
) -> None:
    """`StoreQueueFeed(store.queue.items, ...)`: the whole queue each time, diffed."""
    pull(store, [item("P1", 1), item("P2", 2)])
    feed = StoreQueueFeed(store.queue.items, model, tasks)
    with qtbot.waitSignal(feed.loaded, timeout=10_000):
        feed.reload()
    pull(store, [item("P3", 0)], ("P1",))
    with qtbot.waitSignal(feed.applied, timeout=10_000):
        feed.reload()
    assert ids(model) == ["P3", "P2"]
    feed.stop()
