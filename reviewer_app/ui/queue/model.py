"""The pending queue as a table model.

The model holds every queue item (`QueueItemOut`) by application id, every id in the current
sort order, and the ids that are visible (those the filter keeps, in that order). It sorts and
filters itself (`sorted()` + `layoutChanged`): a `QSortFilterProxyModel` over a Python model took
19 s to sort 100,000 rows (TRAPS.md). Live changes from the queue feed arrive as deltas and are
applied row by row with `beginInsertRows` / `beginMoveRows` / `beginRemoveRows` / `dataChanged`,
finding rows by binary search on their sort keys (unique by application id), so a view keeps its
selection and scroll position.

A repaint asks `data()` for every visible cell and role (some 1,500 calls), so `data()` answers
from small caches: the texts of the rows painted lately, their countdowns at the last `tick()`,
and one brush and one pixmap icon per SLA state.

The SLA column counts down against the server's clock (`ServerClock`). The model reads the clock
once per `tick()` and every cell shows that same instant; one timer per window calls `tick()`,
which repaints only the SLA column (DESIGN §6: no timer per row).
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
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

from reviewer_app.core.sla import (
    ServerClock,
    SlaPolicy,
    SlaState,
    format_time_left,
    time_left,
)
from reviewer_app.core.wire import QueueItemOut
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

# Plain ints: `data()` compares its arguments with these thousands of times per repaint.
_SLA, _APPLICANT, _COUNTRY, _SKILLS, _REVISION, _FLAGS, _HELD_BY = (int(c) for c in Column)
_COLUMNS = len(Column)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ITEM = int(ItemRole)
_SLA_STATE = int(SlaStateRole)
# The roles cells answer; the view asks for every role it paints (font, alignment, colour,
# check state, icon, text, background) for every cell.
_SLA_ANSWERED = frozenset(
    {
        _DISPLAY,
        _DECORATION,
        _TOOLTIP,
        _ACCESSIBLE,
        _ALIGNMENT,
        _FONT,
        _FOREGROUND,
        _ITEM,
        _SLA_STATE,
    }
)
_CELL_ANSWERED = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ACCESSIBLE, _ALIGNMENT, _ITEM})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags

_SLA_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    SlaStateRole,
]

# Rows whose texts are kept: a screenful many times over; the cache starts again when full.
_CACHED_ROWS = 1000

_HOUR = timedelta(hours=1)


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


def _in_due_order(dues: list[datetime], ids: list[str]) -> bool:
    """Whether items with these due times and ids are by due time, then id (checked without
    making a tuple per item, which would wake the garbage collector)."""
    if not all(map(operator.le, dues, itertools.islice(dues, 1, None))):
        return False
    ties = itertools.compress(range(len(dues)), map(operator.eq, dues, dues[1:]))
    return all(ids[at] < ids[at + 1] for at in ties)


def _primary_key(column: int, items: dict[str, QueueItemOut]) -> Callable[[str], Any] | None:
    """An id's value in a sort column (None for the SLA column: due time and id alone)."""
    if column == _APPLICANT:
        return lambda app_id: items[app_id].applicant.casefold()
    if column == _COUNTRY:
        return lambda app_id: items[app_id].country.casefold()
    if column == _SKILLS:
        # The skills joined by NUL sort as the list of skills would (NUL sorts before any
        # other character) but compare as one string: 3x faster than tuples at 100,000 rows.
        return lambda app_id: "\0".join(items[app_id].main_skills).casefold()
    if column == _REVISION:
        return lambda app_id: items[app_id].revision
    if column == _FLAGS:
        return lambda app_id: cells.flags_text(items[app_id]).casefold()
    if column == _HELD_BY:
        return lambda app_id: (items[app_id].held_by or "").casefold()
    return None


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
        self._due_sorted: list[datetime] = []  # every item's due time, sorted, for the counts
        self._by_due: list[str] | None = None  # every id by due time and id; None: to be made
        self._order: list[str] = []  # every id under the current sort
        self._rows: list[str] = []  # the visible ids: those of `_order` the filter keeps
        self._haystack: dict[str, str] | None = None  # filter text per item, built on first use
        self._texts: dict[str, tuple[str, ...]] = {}  # `cells.row_texts` of rows painted lately
        self._countdowns: dict[str, tuple[str, SlaState]] = {}  # their SLA cells at `_now`
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
        self._texts.clear()
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
        now = self._now
        breached = bisect.bisect_right(self._due_sorted, now)
        within = bisect.bisect_left(self._due_sorted, now + _HOUR) - breached
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
        self._countdowns.clear()
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
        # One pass over the items: at 100,000 each pass costs tens of milliseconds.
        by_id: dict[str, QueueItemOut] = {}
        ids: list[str] = []
        dues: list[datetime] = []
        for item in items:
            by_id[item.application_id] = item
            ids.append(item.application_id)
            dues.append(item.due_at)
        self._items = by_id
        if len(ids) == len(by_id) and _in_due_order(dues, ids):  # as the store reads them
            self._by_due, self._due_sorted = ids, dues
        else:
            self._by_due = None
            self._due_sorted = sorted(item.due_at for item in by_id.values())
        self._texts.clear()
        self._haystack = None
        if self._filter:
            self._build_haystack()
        self._order = self._sorted_all()
        self._rows = self._filtered(self._order)
        self._now = self._clock.now()
        self._countdowns.clear()
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
        # Typing on narrows the filter (each old word is part of a new one): only the rows
        # shown now can still match, and they are in order already.
        narrower = all(any(old in new for new in words) for old in self._filter)
        self._filter = words
        if words and self._haystack is None:
            self._build_haystack()
        self._relayout(self._filtered(self._rows if narrower else self._order))
        emit(self.counts_changed)

    # -- Qt's model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMNS:
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(column)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _CELL_FLAGS if index.isValid() else _NO_FLAGS

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        column = index.column()
        if column == _SLA:
            return self._sla_data(self._rows[row], role) if role in _SLA_ANSWERED else None
        if role not in _CELL_ANSWERED:
            return None
        app_id = self._rows[row]
        if role == _DISPLAY:
            return self._row_texts(app_id)[column]
        if role == _ITEM:
            return self._items[app_id]
        if role == _DECORATION:
            item = self._items[app_id]
            if column == _REVISION and cells.is_resubmission(item):
                return cells.cell_icon("resubmission")
            if column == _HELD_BY and item.held_by:
                return cells.cell_icon("held")
            return None
        if role == _ALIGNMENT:
            return _LEFT if column == _REVISION else None
        if role == _TOOLTIP:
            item, text = self._items[app_id], self._row_texts(app_id)[column]
            return cells.safe_tooltip(cells.tooltip(item, Column(column), text))
        if role == _ACCESSIBLE:
            return cells.accessible(Column(column), self._row_texts(app_id)[column])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < _COLUMNS:
            return
        if column == self._sort_column and order == self._sort_order:
            return
        if column == self._sort_column:
            # Only the direction changes; keys are unique, so the order simply reverses.
            self._sort_order = order
            self._order.reverse()
            self._relayout(self._rows[::-1])
            return
        self._sort_column = Column(column)
        self._sort_order = order
        self._order = self._sorted_all()
        self._relayout(self._filtered(self._order))

    # -- cell contents -----------------------------------------------------------------------
    def _row_texts(self, app_id: str) -> tuple[str, ...]:
        texts = self._texts.get(app_id)
        if texts is None:
            if len(self._texts) >= _CACHED_ROWS:
                self._texts.clear()
            texts = cells.row_texts(self._items[app_id], self._current_user)
            self._texts[app_id] = texts
        return texts

    def _countdown(self, app_id: str) -> tuple[str, SlaState]:
        """The SLA cell's text and state at `_now`."""
        cell = self._countdowns.get(app_id)
        if cell is None:
            if len(self._countdowns) >= _CACHED_ROWS:
                self._countdowns.clear()
            left = time_left(self._items[app_id].due_at, self._now)
            cell = (format_time_left(left), self._policy.state(left))
            self._countdowns[app_id] = cell
        return cell

    def _sla_data(self, app_id: str, role: int) -> Any:
        if role == _DISPLAY:
            return self._countdown(app_id)[0]
        if role == _ITEM:
            return self._items[app_id]
        if role == _ALIGNMENT:
            return _RIGHT
        if role == _FONT:
            return self._sla_font
        state = self._countdown(app_id)[1]
        if role == _SLA_STATE:
            return state
        if role == _FOREGROUND:
            return cells.state_look(state)[0]
        if role == _DECORATION:
            return cells.state_look(state)[1]
        item = self._items[app_id]
        left = time_left(item.due_at, self._now)
        if role == _TOOLTIP:
            return cells.sla_tooltip(item, state, left)
        if role == _ACCESSIBLE:
            return cells.sla_accessible(state, left)
        return None

    # -- order: keys, rows, filter -----------------------------------------------------------
    def _key(self, app_id: str) -> tuple[Any, ...]:
        """An item's sort key under the current column: its value in the column, then its due
        time (within equal values the most urgent comes first), then its id, which makes every
        key unique, so a row can be found by binary search. `_sorted_all` sorts the same way."""
        due = self._items[app_id].due_at
        primary = _primary_key(self._sort_column, self._items)
        if primary is None:
            return (due, app_id)
        return (primary(app_id), due, app_id)

    def _sorted_all(self) -> list[str]:
        """Every id in the current order (`_key`). Sorted in stable passes, the least
        significant first, each on one plain value: far faster than sorting on key tuples."""
        descending = self._descending()
        if self._by_due is None:
            items = self._items
            by_due = sorted(items)
            by_due.sort(key=lambda app_id: items[app_id].due_at)
            self._by_due = by_due
        # A stable sort keeps equal values in their order, also when reversed: so the
        # descending passes start from the descending base order.
        order = self._by_due[::-1] if descending else list(self._by_due)
        primary = _primary_key(self._sort_column, self._items)
        if primary is not None:
            order.sort(key=primary, reverse=descending)
        return order

    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _position(self, key: tuple[Any, ...], rows: Sequence[str]) -> int:
        """Where a key goes among `rows` (which are in the current order)."""
        key_of = self._key
        if not self._descending():
            return bisect.bisect_left(rows, key, key=key_of)
        return bisect.bisect_left(
            rows, _Reversed(key), key=lambda app_id: _Reversed(key_of(app_id))
        )

    def _find(self, app_id: str, rows: list[str]) -> int | None:
        if app_id not in self._items:
            return None
        at = self._position(self._key(app_id), rows)
        return at if at < len(rows) and rows[at] == app_id else None

    def _find_row(self, app_id: str) -> int | None:
        return self._find(app_id, self._rows)

    def _filtered(self, ids: list[str]) -> list[str]:
        """The ids of `ids` (a new list, in the same order) that hold every filter word."""
        if not self._filter or self._haystack is None:
            return list(ids)
        haystack = self._haystack
        shown = ids
        for word in self._filter:
            shown = [app_id for app_id in shown if word in haystack[app_id]]
        return shown if shown is not ids else list(ids)

    def _relayout(self, rows: list[str]) -> None:
        """Show `rows` (re-filtered or re-sorted), keeping persistent indexes (selection,
        current row) on their applications; those filtered out become invalid."""
        emit(self.layoutAboutToBeChanged)
        old_persistent = self.persistentIndexList()
        anchors = [
            (self._rows[index.row()] if index.row() < len(self._rows) else None, index.column())
            for index in old_persistent
        ]
        self._rows = rows
        if len(anchors) > 64:  # a map of every row costs ~30 ms at 100,000 rows
            positions = {app_id: row for row, app_id in enumerate(rows)}
            find: Callable[[str], int | None] = positions.get
        else:  # `rows` are in the current order: find the few anchors by binary search
            find = self._find_row
        new_persistent = []
        for app_id, column in anchors:
            row = find(app_id) if app_id is not None else None
            new_persistent.append(QModelIndex() if row is None else self.index(row, column))
        self.changePersistentIndexList(old_persistent, new_persistent)
        emit(self.layoutChanged)

    def _haystack_of(self, item: QueueItemOut) -> str:
        """Every column's text but the countdown, and the id: what the filter searches."""
        return cells.search_text(item, self._current_user)

    def _build_haystack(self) -> None:
        search_text, user = cells.search_text, self._current_user
        self._haystack = {app_id: search_text(item, user) for app_id, item in self._items.items()}

    def _matches(self, app_id: str) -> bool:
        if not self._filter or self._haystack is None:
            return True
        haystack = self._haystack[app_id]
        return all(word in haystack for word in self._filter)

    # -- one item at a time ------------------------------------------------------------------
    def _forget(self, app_id: str) -> None:
        """Drop an item (already taken out of `_rows`)."""
        at = self._find(app_id, self._order)
        if at is not None:
            del self._order[at]
        self._due_remove(self._items.pop(app_id).due_at)
        self._by_due = None
        self._texts.pop(app_id, None)
        self._countdowns.pop(app_id, None)
        if self._haystack is not None:
            del self._haystack[app_id]

    def _due_remove(self, due: datetime) -> None:
        at = bisect.bisect_left(self._due_sorted, due)
        if at < len(self._due_sorted) and self._due_sorted[at] == due:
            del self._due_sorted[at]

    def _upsert(self, item: QueueItemOut) -> None:
        app_id = item.application_id
        old_row = self._find_row(app_id)  # by the key the item had
        if app_id in self._items:
            in_order = self._find(app_id, self._order)
            if in_order is not None:
                del self._order[in_order]
            self._due_remove(self._items[app_id].due_at)
        self._items[app_id] = item
        bisect.insort(self._due_sorted, item.due_at)
        self._by_due = None
        self._texts.pop(app_id, None)
        self._countdowns.pop(app_id, None)
        if self._haystack is not None:
            self._haystack[app_id] = self._haystack_of(item)
        key = self._key(app_id)
        self._order.insert(self._position(key, self._order), app_id)
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
