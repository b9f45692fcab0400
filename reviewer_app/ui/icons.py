"""Semantic icon names mapped to qtawesome specs, in one place (as Spyder's `icon_manager`).

Widgets ask for `icon("refresh")`, never for a font glyph, so the icon set can change here alone.
Icons follow the palette's text colour unless a name fixes its own colour; they are cached per
name, colour and palette, so models can return them from `data()` cheaply.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap

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
    # review pane
    "photo": ("mdi6.image-outline", None),
    "photo-broken": ("mdi6.image-broken-variant", None),
    "photo-missing": ("mdi6.image-off-outline", None),
    "video-missing": ("mdi6.video-off-outline", None),
    "play": ("mdi6.play", None),
    "pause": ("mdi6.pause", None),
    "muted": ("mdi6.volume-off", None),
    "unmuted": ("mdi6.volume-high", None),
    "zoom-in": ("mdi6.magnify-plus-outline", None),
    "zoom-out": ("mdi6.magnify-minus-outline", None),
    "zoom-fit": ("mdi6.fit-to-screen-outline", None),
    "previous": ("mdi6.chevron-left", None),
    "next": ("mdi6.chevron-right", None),
    "wellness": ("mdi6.eye-off-outline", None),
    "severity-error": ("mdi6.close-circle", "#d32f2f"),
    "severity-warning": ("mdi6.alert", "#ef8f00"),
    "severity-info": ("mdi6.check-circle", "#2e7d32"),
    "not-run": ("mdi6.information-outline", None),
    "diff": ("mdi6.file-compare", None),
    "decision": ("mdi6.gavel", None),
    "addressed": ("mdi6.check", "#2e7d32"),
    "not-addressed": ("mdi6.minus-circle-outline", "#ef8f00"),
    "profile": ("mdi6.card-account-details-outline", None),
    "findings": ("mdi6.text-box-search-outline", None),
    # decision panel (ui/decision)
    "decision-accept": ("mdi6.check-circle-outline", None),
    "decision-decline": ("mdi6.close-circle-outline", None),
    "decision-escalate": ("mdi6.account-arrow-up-outline", None),
    "decision-skip": ("mdi6.skip-next-outline", None),
    "decision-submit": ("mdi6.keyboard-return", None),
    "decision-renew": ("mdi6.timer-refresh-outline", None),
    "decision-claim": ("mdi6.timer-sand", None),
    "decision-copy": ("mdi6.content-copy", None),
    "decision-suggested": ("mdi6.lightbulb-on-outline", None),
    # dialogs and small widgets (ui/signin, toast, shortcuts, statusbar, conflicts, errors)
    "signin-server": ("mdi6.server-network", None),
    "signin-keyring": ("mdi6.shield-lock-outline", None),
    "signin-no-keyring": ("mdi6.shield-alert-outline", None),
    "signin-demo": ("mdi6.play-circle-outline", None),
    "toast-undo": ("mdi6.undo", None),
    "shortcuts": ("mdi6.keyboard-outline", None),
    "status-outbox": ("mdi6.tray-arrow-up", None),
    "status-conflict": ("mdi6.alert-octagon-outline", None),
    "status-decided": ("mdi6.check-all", None),
    "status-breaching": ("mdi6.timer-alert-outline", None),
    "status-forecast": ("mdi6.chart-timeline-variant", None),
    "report-copy": ("mdi6.content-copy", None),
    "report-bug": ("mdi6.bug-outline", None),
}


DISABLED = "#9e9e9e"  # the colour of a disabled icon


def icon(name: str, colour: str | QColor | None = None) -> QIcon:
    """The icon for a semantic name; `colour` overrides the name's or the palette's colour."""
    spec, fixed = SPECS[name]
    chosen = colour if colour is not None else fixed
    if chosen is None:
        chosen = _palette_text()
    return _cached(spec, QColor(chosen).name(QColor.NameFormat.HexArgb))


def pixmap(name: str, size: int, colour: str | QColor | None = None, ratio: float = 1.0) -> QPixmap:
    """The icon drawn at `size` logical pixels (for a QLabel). Drawing a font glyph costs about
    0.3 ms, and a review screen shows dozens: the drawn pixmaps are cached like the icons."""
    spec, fixed = SPECS[name]
    chosen = colour if colour is not None else fixed
    if chosen is None:
        chosen = _palette_text()
    return _drawn(spec, QColor(chosen).name(QColor.NameFormat.HexArgb), size, ratio)


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

    made: QIcon = qtawesome.icon(spec, color=QColor(colour), color_disabled=QColor(DISABLED))
    return made


@lru_cache(maxsize=512)
def _drawn(spec: str, colour: str, size: int, ratio: float) -> QPixmap:
    return _cached(spec, colour).pixmap(QSize(size, size), ratio)


def clear_cache() -> None:
    """Forget the cached icons (after a palette change)."""
    _cached.cache_clear()
    _drawn.cache_clear()
