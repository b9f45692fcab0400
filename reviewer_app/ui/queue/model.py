"""The pending queue as a table model.

The model holds every queue item (`QueueItemOut`) by application id and the list of the ids that
are visible, filtered and sorted. It sorts and filters itself (`sorted()` + `layoutChanged`):
a `QSortFilterProxyModel` over a Python model took 19 s to sort 100,000 rows (TRAPS.md). Live
changes from the queue feed arrive as deltas and are applied row by row with
`beginInsertRows` / `beginMoveRows` / `beginRemoveRows` / `dataChanged`, finding rows by binary
search on their sort keys (kept per item, unique by application id), so a view keeps its
selection and scroll position.

The SLA column counts down against the server's clock (`ServerClock`). The model reads the clock
once per `tick()` and every cell shows that same instant; one timer per window calls `tick()`,
which repaints only the SLA column (DESIGN §6: no timer per row).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush

from reviewer_app.core.sla import ServerClock, SlaPolicy, SlaState, time_left
from reviewer_app.core.wire import QueueItemOut
from reviewer_app.ui import icons
from reviewer_app.ui.queue import cells
from reviewer_app.ui.queue.cells import (
    HEADER_TIPS,
    HEADERS,
    Column,
    ItemRole,
    SlaStateRole,
    state_colour,
)
from reviewer_app.ui.signals import emit

__all__ = [
    "Column",
    "ItemRole",
    "QueueCounts",
    "QueueModel",
    "SlaStateRole",
    "state_colour",
]

_SLA_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    SlaStateRole,
]

_HOUR = timedelta(hours=1).total_seconds()


@dataclass(frozen=True)
class QueueCounts:
    pending: int  # every item in the queue
    shown: int  # after the filter
    breaching_within_hour: int  # not yet breached, due within the next hour
    breached: int


class _Reversed:
    """Inverts the order of a sort key, for binary search in a descending list."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[Any, ...]) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)


class _Without(Sequence[str]):
    """A list seen without one of its positions (binary search for where a row moves to)."""

    def __init__(self, rows: list[str], skip: int) -> None:
        self._rows = rows
        self._skip = skip

    def __len__(self) -> int:
        return len(self._rows) - 1

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._rows[index + 1 if index >= self._skip else index]


def _fold(text: str) -> str:
    return text.casefold()


class QueueModel(QAbstractTableModel):
    """The queue's rows. Feed it with `reset_items()` (first load) and `apply_delta()`."""

    counts_changed = Signal()

    def __init__(
        self,
        clock: ServerClock | None = None,
        policy: SlaPolicy | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock or ServerClock()
        self._policy = policy or SlaPolicy()
        self._now: datetime = self._clock.now()
        self._items: dict[str, QueueItemOut] = {}
        self._keys: dict[str, tuple[Any, ...]] = {}  # each item's key under the current sort
        self._rows: list[str] = []  # visible ids, in order
        self._haystack: dict[str, str] | None = None  # filter text per item, built on first use
        self._due: list[float] = []  # every item's due time, sorted, for the counts
        self._sort_column = Column.SLA
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._filter: tuple[str, ...] = ()
        self._current_user: str | None = None
        self._sla_font = cells.tabular_font()

    # -- what the rest of the UI uses ------------------------------------------------------
    @property
    def clock(self) -> ServerClock:
        return self._clock

    @property
    def policy(self) -> SlaPolicy:
        return self._policy

    @property
    def now(self) -> datetime:
        """The server time the SLA column shows (read at the last `tick()`)."""
        return self._now

    @property
    def sort_column(self) -> Column:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    @property
    def filter_text(self) -> str:
        return " ".join(self._filter)

    def set_policy(self, policy: SlaPolicy) -> None:
        self._policy = policy
        self.tick()

    def set_clock(self, clock: ServerClock) -> None:
        """Count down against another clock (the session's, synced with its server)."""
        self._clock = clock
        self.tick()

    def set_current_user(self, username: str | None) -> None:
        """Rows held by this user say "(you)"."""
        self._current_user = username
        self._haystack = None
        if self._filter:
            self._build_haystack()
        if self._rows:
            self._changed(0, len(self._rows) - 1, Column.HELD_BY, Column.HELD_BY)

    def item(self, row: int) -> QueueItemOut:
        return self._items[self._rows[row]]

    def item_by_id(self, application_id: str) -> QueueItemOut | None:
        return self._items.get(application_id)

    def row_of(self, application_id: str) -> int | None:
        """The visible row of an application, or None (not in the queue, or filtered out)."""
        return self._find_row(application_id)

    def all_items(self) -> list[QueueItemOut]:
        return list(self._items.values())

    def counts(self) -> QueueCounts:
        now = self._now.timestamp()
        breached = bisect.bisect_right(self._due, now)
        within = bisect.bisect_left(self._due, now + _HOUR) - breached
        return QueueCounts(
            pending=len(self._items),
            shown=len(self._rows),
            breaching_within_hour=max(0, within),
            breached=breached,
        )

    # -- time ------------------------------------------------------------------------------
    def tick(self) -> None:
        """Read the server clock once and repaint the SLA column."""
        self._now = self._clock.now()
        if self._rows:
            emit(
                self.dataChanged,
                self.index(0, Column.SLA),
                self.index(len(self._rows) - 1, Column.SLA),
                _SLA_ROLES,
            )
        emit(self.counts_changed)

    def sla_state(self, item: QueueItemOut) -> SlaState:
        return self._policy.state(time_left(item.due_at, self._now))

    # -- loading and live changes ----------------------------------------------------------
    def reset_items(self, items: Iterable[QueueItemOut]) -> None:
        """Replace everything (the first full load, or a reload after the feed restarted)."""
        self.beginResetModel()
        self._items = {item.application_id: item for item in items}
        self._keys = {app_id: self._key(item) for app_id, item in self._items.items()}
        self._haystack = None
        if self._filter:
            self._build_haystack()
        self._rows = self._visible_sorted()
        self._due = sorted(item.due_at.timestamp() for item in self._items.values())
        self._now = self._clock.now()
        self.endResetModel()
        emit(self.counts_changed)

    def apply_delta(self, items: Iterable[QueueItemOut], removed: Iterable[str] = ()) -> None:
        """Apply a change feed page: `removed` ids leave, `items` are added or replace the item
        with the same application id. Rows are inserted, moved, changed and removed one by one."""
        changed = False
        for app_id in removed:
            if app_id not in self._items:
                continue
            row = self._find_row(app_id)
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._forget(app_id)
                self.endRemoveRows()
            else:
                self._forget(app_id)
            changed = True
        for item in items:
            self._upsert(item)
            changed = True
        if changed:
            emit(self.counts_changed)

    def set_filter(self, text: str) -> None:
        """Show the rows whose text holds every word of `text` (any case, any column, or the
        application id)."""
        words = tuple(_fold(word) for word in text.split())
        if words == self._filter:
            return
        self._filter = words
        if words and self._haystack is None:
            self._build_haystack()
        self._relayout()
        emit(self.counts_changed)

    # -- Qt's model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._items[self._rows[index.row()]]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(item, column)
        if role == ItemRole:
            return item
        if column == Column.SLA:
            return self._sla_data(item, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cells.safe_tooltip(cells.tooltip(item, column, self._text(item, column)))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return cells.accessible(column, self._text(item, column))
        if role == Qt.ItemDataRole.DecorationRole:
            if column == Column.REVISION and cells.is_resubmission(item):
                return icons.icon("resubmission")
            if column == Column.HELD_BY and item.held_by:
                return icons.icon("held")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.REVISION:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        if Column(column) != self._sort_column:
            self._sort_column = Column(column)
            self._keys = {app_id: self._key(item) for app_id, item in self._items.items()}
        self._sort_order = order
        self._relayout()

    # -- cell contents -----------------------------------------------------------------------
    def _sla_data(self, item: QueueItemOut, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            return self._sla_font
        if role not in _SLA_ROLES:
            return None
        left = time_left(item.due_at, self._now)
        state = self._policy.state(left)
        if role == SlaStateRole:
            return state
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(state_colour(state))
        if role == Qt.ItemDataRole.DecorationRole:
            return icons.icon("sla-dot", state_colour(state))
        if role == Qt.ItemDataRole.ToolTipRole:
            return cells.sla_tooltip(item, state, left)
        return cells.sla_accessible(state, left)

    def _text(self, item: QueueItemOut, column: Column) -> str:
        return cells.display_text(item, column, self._now, self._current_user)

    # -- order: keys, rows, filter -----------------------------------------------------------
    def _key(self, item: QueueItemOut) -> tuple[Any, ...]:
        """The item's sort key under the current column. Within equal values the most urgent
        comes first; the id makes every key unique, so a row can be found by binary search."""
        column = self._sort_column
        due = item.due_at.timestamp()
        if column == Column.SLA:
            return (due, item.application_id)
        primary: Any
        if column == Column.APPLICANT:
            primary = _fold(item.applicant)
        elif column == Column.COUNTRY:
            primary = _fold(item.country)
        elif column == Column.SKILLS:
            primary = tuple(_fold(skill) for skill in item.main_skills)
        elif column == Column.REVISION:
            primary = item.revision
        elif column == Column.FLAGS:
            primary = _fold(cells.flags_text(item))
        else:
            primary = _fold(item.held_by or "")
        return (primary, due, item.application_id)

    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _position(self, key: tuple[Any, ...], rows: Sequence[str]) -> int:
        """Where a key goes among `rows` (which are in the current order)."""
        keys = self._keys
        if not self._descending():
            return bisect.bisect_left(rows, key, key=keys.__getitem__)
        return bisect.bisect_left(rows, _Reversed(key), key=lambda app_id: _Reversed(keys[app_id]))

    def _find_row(self, app_id: str) -> int | None:
        key = self._keys.get(app_id)
        if key is None:
            return None
        row = self._position(key, self._rows)
        if row < len(self._rows) and self._rows[row] == app_id:
            return row
        return None

    def _visible_sorted(self) -> list[str]:
        ids = [app_id for app_id in self._items if self._matches(app_id)]
        ids.sort(key=self._keys.__getitem__, reverse=self._descending())
        return ids

    def _relayout(self) -> None:
        """Re-filter and re-sort, keeping persistent indexes (selection, current row) on their
        applications; those filtered out become invalid."""
        emit(self.layoutAboutToBeChanged)
        old_persistent = self.persistentIndexList()
        anchors = [
            (self._rows[index.row()] if index.row() < len(self._rows) else None, index.column())
            for index in old_persistent
        ]
        self._rows = self._visible_sorted()
        positions = {app_id: row for row, app_id in enumerate(self._rows)} if anchors else {}
        new_persistent = []
        for app_id, column in anchors:
            row = positions.get(app_id) if app_id is not None else None
            new_persistent.append(QModelIndex() if row is None else self.index(row, column))
        self.changePersistentIndexList(old_persistent, new_persistent)
        emit(self.layoutChanged)

    def _haystack_of(self, item: QueueItemOut) -> str:
        """Every column's text but the countdown, and the id: what the filter searches."""
        columns = (Column.REVISION, Column.FLAGS, Column.HELD_BY)
        derived = "\n".join(self._text(item, column) for column in columns)
        skills = ", ".join(item.main_skills)
        return _fold(
            f"{item.application_id}\n{item.applicant}\n{item.country}\n{skills}\n{derived}"
        )

    def _build_haystack(self) -> None:
        self._haystack = {app_id: self._haystack_of(item) for app_id, item in self._items.items()}

    def _matches(self, app_id: str) -> bool:
        if not self._filter or self._haystack is None:
            return True
        haystack = self._haystack[app_id]
        return all(word in haystack for word in self._filter)

    # -- one item at a time ------------------------------------------------------------------
    def _forget(self, app_id: str) -> None:
        item = self._items.pop(app_id)
        del self._keys[app_id]
        if self._haystack is not None:
            del self._haystack[app_id]
        self._due_remove(item)

    def _due_remove(self, item: QueueItemOut) -> None:
        due = item.due_at.timestamp()
        at = bisect.bisect_left(self._due, due)
        if at < len(self._due) and self._due[at] == due:
            del self._due[at]

    def _upsert(self, item: QueueItemOut) -> None:
        app_id = item.application_id
        old = self._items.get(app_id)
        old_row = self._find_row(app_id)  # by the key the item had
        if old is not None:
            self._due_remove(old)
        self._items[app_id] = item
        key = self._keys[app_id] = self._key(item)
        if self._haystack is not None:
            self._haystack[app_id] = self._haystack_of(item)
        bisect.insort(self._due, item.due_at.timestamp())
        visible = self._matches(app_id)
        if old_row is None:
            if visible:
                row = self._position(key, self._rows)
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.insert(row, app_id)
                self.endInsertRows()
            return
        if not visible:
            self.beginRemoveRows(QModelIndex(), old_row, old_row)
            del self._rows[old_row]
            self.endRemoveRows()
            return
        row = self._position(key, _Without(self._rows, old_row))  # among the other rows
        if row != old_row:
            destination = row if row < old_row else row + 1
            self.beginMoveRows(QModelIndex(), old_row, old_row, QModelIndex(), destination)
            del self._rows[old_row]
            self._rows.insert(row, app_id)
            self.endMoveRows()
        self._changed(row, row, Column.SLA, Column.HELD_BY)

    def _changed(self, first: int, last: int, first_column: int, last_column: int) -> None:
        emit(self.dataChanged, self.index(first, first_column), self.index(last, last_column))
