"""Semantic icon names mapped to qtawesome specs, in one place (as Spyder's `icon_manager`).

Widgets ask for `icon("refresh")`, never for a font glyph, so the icon set can change here alone.
Icons follow the palette's text colour unless a name fixes its own colour; they are cached per
name, colour and palette, so models can return them from `data()` cheaply.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

from reviewer_app import paths

# name -> (qtawesome spec, fixed colour or None for the palette's text colour)
SPECS: dict[str, tuple[str, str | None]] = {
    "refresh": ("mdi6.refresh", None),
    "filter": ("mdi6.magnify", None),
    "connected": ("mdi6.cloud-check-outline", None),
    "offline": ("mdi6.cloud-off-outline", None),
    "signed-out": ("mdi6.account-lock-outline", None),
    "user": ("mdi6.account-circle-outline", None),
    "preparing": ("mdi6.progress-clock", None),
    "no-server": ("mdi6.server-off", None),
    "error": ("mdi6.alert-circle-outline", None),
    "queue": ("mdi6.tray-full", None),
    "held": ("mdi6.lock-outline", None),
    "resubmission": ("mdi6.history", None),
    "flag": ("mdi6.alert-outline", None),
    "quit": ("mdi6.exit-to-app", None),
    "sla-dot": ("mdi6.circle", None),
}


def icon(name: str, colour: str | QColor | None = None) -> QIcon:
    """The icon for a semantic name; `colour` overrides the name's or the palette's colour."""
    spec, fixed = SPECS[name]
    chosen = colour if colour is not None else fixed
    if chosen is None:
        chosen = _palette_text()
    return _cached(spec, QColor(chosen).name(QColor.NameFormat.HexArgb))


def app_icon() -> QIcon:
    """The application's icon from resources/icons/app.svg (empty if the file is missing)."""
    path = paths.resource("icons", "app.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _palette_text() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)


@lru_cache(maxsize=256)
def _cached(spec: str, colour: str) -> QIcon:
    import qtawesome  # ~150 ms to import: only once the first icon is needed (TRAPS.md)

    made: QIcon = qtawesome.icon(spec, color=QColor(colour), color_disabled=QColor("#9e9e9e"))
    return made


def clear_cache() -> None:
    """Forget the cached icons (after a palette change)."""
    _cached.cache_clear()
