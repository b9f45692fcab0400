"""Every folder and file the workstation uses, resolved in one place.

platformdirs gives the platform's places for the app name `reviewer-app` (on Linux
`~/.local/share/reviewer-app`, `~/.cache/reviewer-app`, `~/.config/reviewer-app`,
`~/.local/state/reviewer-app/log`). `REVIEWER_APP_HOME`, when set, puts all of them under that one
folder instead (portable installs, tests, screenshots). Folders are created on first use with mode
0700: they will hold applicants' personal data.

Under pytest, resolving a path without `REVIEWER_APP_HOME` is refused, so no test writes into the
real home folder (as qutebrowser's `standarddir` does).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "reviewer-app"
HOME_ENV = "REVIEWER_APP_HOME"


def home_override() -> Path | None:
    """The folder from `REVIEWER_APP_HOME`, if set."""
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None


def data_dir() -> Path:
    """Durable data: the local database, the outbox."""
    return _resolve("data", lambda: platformdirs.user_data_path(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """What can be fetched again: media, profiles."""
    return _resolve("cache", lambda: platformdirs.user_cache_path(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Settings."""
    return _resolve("config", lambda: platformdirs.user_config_path(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return _resolve("logs", lambda: platformdirs.user_log_path(APP_NAME, appauthor=False))


def settings_file() -> Path:
    """The INI file behind QSettings when `REVIEWER_APP_HOME` is set (otherwise Qt keeps the
    settings in the platform's place: on Linux ~/.config/reviewer-app/reviewer-app.conf)."""
    return config_dir() / "reviewer-app.ini"


def resources_dir() -> Path:
    """The top-level `resources/` folder: next to the package in a source tree, or where
    PyInstaller unpacked the data files in a build."""
    bundled = getattr(sys, "_MEIPASS", None)
    if bundled:
        return Path(bundled) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def _resolve(kind: str, platform_path: Callable[[], Path]) -> Path:
    home = home_override()
    if home is not None:
        path = home / kind
    else:
        if "PYTEST_CURRENT_TEST" in os.environ:
            raise RuntimeError(
                f"a test asked for the real {kind} folder: set {HOME_ENV} to a temporary folder"
            )
        path = platform_path()
    return _ensure(path)


def _ensure(path: Path) -> Path:
    """Create the folder and any missing parents with mode 0700 (mkdir's mode is filtered by the
    umask, and `parents=True` would give the parents the default mode)."""
    missing = []
    at = path
    while not at.exists():
        missing.append(at)
        at = at.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        if os.name == "posix":
            folder.chmod(0o700)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a folder")
    return path
