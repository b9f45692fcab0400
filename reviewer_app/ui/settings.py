"""Every setting of the workstation, with its type and default, in one registry over `QSettings`
(as Picard's `options.py`).

Widgets read `settings.prefetch_count`, never `qsettings.value("...")`: the key, the type and the
default live here alone. `QSettings` hands back strings from INI files (which is what Linux uses,
and what tests use), so every read converts to the declared type and falls back to the default
(with a log line) when a stored value is unreadable or out of range. Nothing secret is ever kept
here: tokens go to the system keyring (`net/credentials.py`), passwords nowhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger("reviewer_app.ui.settings")

T = TypeVar("T", str, bool, int, float)

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One typed setting: `key` in QSettings, its `default`, and for numbers a range."""

    key: str
    default: T
    description: str
    minimum: float | None = None
    maximum: float | None = None

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Setting[T]: ...
    @overload
    def __get__(self, obj: Settings, owner: type[Any]) -> T: ...
    def __get__(self, obj: Settings | None, owner: type[Any]) -> Setting[T] | T:
        if obj is None:
            return self
        return obj.get(self)

    def __set__(self, obj: Settings, value: T) -> None:
        obj.set(self, value)

    def convert(self, raw: object) -> T:
        """`raw` as this setting's type; ValueError when it cannot be, or is out of range."""
        kind = type(self.default)
        value: Any
        if kind is bool:
            if isinstance(raw, bool):
                value = raw
            elif isinstance(raw, int | float):
                value = bool(raw)
            elif isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
                value = raw.strip().lower() in _TRUE
            else:
                raise ValueError(f"not a yes/no value: {raw!r}")
        elif kind is int:
            if isinstance(raw, bool):
                raise ValueError("not a whole number")
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError("not a whole number")
            value = int(raw) if isinstance(raw, int | float | str) else _fail(raw)
        elif kind is float:
            if isinstance(raw, bool):
                raise ValueError("not a number")
            value = float(raw) if isinstance(raw, int | float | str) else _fail(raw)
            if value != value:  # NaN
                raise ValueError("not a number")
        else:
            value = raw if isinstance(raw, str) else _fail(raw)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{value!r} is below {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{value!r} is above {self.maximum:g}")
        converted: T = value
        return converted


def _fail(raw: object) -> Any:
    raise ValueError(f"unexpected {type(raw).__name__}")


class Settings:
    """The workstation's settings over one `QSettings` (see `ui/launch.open_settings`)."""

    # -- connection ----------------------------------------------------------------------------
    server_url = Setting("connection/server_url", "", "Address of the team's queue service")
    username = Setting("connection/username", "", "User name last signed in with")
    # -- review --------------------------------------------------------------------------------
    wellness_mode = Setting(
        "review/wellness_mode", False, "Blur photos and pause video until asked (W toggles)"
    )
    undo_grace_s = Setting(
        "review/undo_grace_s",
        5.0,
        "Seconds a decision can be undone (the undo toast shows for as long)",
        minimum=0.0,
        maximum=60.0,
    )
    show_undo_toast = Setting(
        "review/show_undo_toast", True, "Show the undo toast while a decision can be undone"
    )
    prefetch_count = Setting(
        "sync/prefetch_count",
        3,
        "How many claimed applications to download ahead",
        minimum=0,
        maximum=20,
    )
    take_offline_count = Setting(
        "sync/take_offline_count",
        25,
        "How many applications “Take N offline” claims",
        minimum=1,
        maximum=200,
    )

    # Window geometry and state, and splitters by name, are opaque QByteArrays (not in REGISTRY).
    GEOMETRY_KEY = "window/geometry"  # the key MainWindow already uses
    WINDOW_STATE_KEY = "window/state"
    SPLITTER_PREFIX = "splitters/"

    def __init__(self, qsettings: QSettings) -> None:
        self.qsettings = qsettings

    @classmethod
    def registry(cls) -> list[Setting[Any]]:
        """Every typed setting, in declaration order (for a settings page, or a reset)."""
        return [value for value in vars(cls).values() if isinstance(value, Setting)]

    def get(self, setting: Setting[T]) -> T:
        if not self.qsettings.contains(setting.key):
            return setting.default
        raw = self.qsettings.value(setting.key)
        try:
            return setting.convert(raw)
        except (ValueError, TypeError, OverflowError) as error:
            log.warning("setting %s ignored (%s): using %r", setting.key, error, setting.default)
            return setting.default

    def set(self, setting: Setting[T], value: T) -> None:
        checked = setting.convert(value)  # refuse a wrong type or range at the caller
        self.qsettings.setValue(setting.key, checked)

    def reset(self, setting: Setting[Any]) -> None:
        self.qsettings.remove(setting.key)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- opaque window state -------------------------------------------------------------------
    @property
    def window_geometry(self) -> QByteArray | None:
        return self._bytes(self.GEOMETRY_KEY)

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self.qsettings.setValue(self.GEOMETRY_KEY, QByteArray(value))

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes(self.WINDOW_STATE_KEY)

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self.qsettings.setValue(self.WINDOW_STATE_KEY, QByteArray(value))

    def splitter_state(self, name: str) -> QByteArray | None:
        """The saved state of the splitter called `name` (e.g. "review"), or None."""
        return self._bytes(self._splitter_key(name))

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self.qsettings.setValue(self._splitter_key(name), QByteArray(value))

    def _splitter_key(self, name: str) -> str:
        if not name or not name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"not a splitter name: {name!r}")
        return self.SPLITTER_PREFIX + name

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes) and value:
            return QByteArray(value)
        return None
