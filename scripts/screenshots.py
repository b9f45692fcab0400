"""Take the README screenshots from the real demo.

Runs what `reviewer-app --demo` runs (the queue service in-process on a loopback port, generated
demo applicants, sign-in through the HTTP client), waits until the queue is on screen, and saves
`QWidget.grab()` images of the main window, in the default palette and in a dark one:

    docs/screenshots/main-window.png
    docs/screenshots/main-window-dark.png

Run it under Xvfb (`scripts/dev screenshots`) or offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py

The workstation's settings go to a temporary REVIEWER_APP_HOME, so your own window geometry and
column widths neither leak into the pictures nor get overwritten.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSize  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QStyleFactory  # noqa: E402

from reviewer_app.net.client import QueueClient  # noqa: E402
from reviewer_app.ui import icons  # noqa: E402
from reviewer_app.ui.launch import DemoLauncher, application, open_settings  # noqa: E402
from reviewer_app.ui.main_window import MainWindow  # noqa: E402
from reviewer_app.ui.tasks import TaskRunner  # noqa: E402

SIZE = QSize(1440, 860)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def settle(seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: "#26282b",
        role.WindowText: "#e6e6e6",
        role.Base: "#1e1f22",
        role.AlternateBase: "#2a2c30",
        role.ToolTipBase: "#2f3136",
        role.ToolTipText: "#e6e6e6",
        role.PlaceholderText: "#8c9096",
        role.Text: "#e6e6e6",
        role.Button: "#2f3136",
        role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b",
        role.Highlight: "#2f6db5",
        role.HighlightedText: "#ffffff",
        role.Link: "#6ea8fe",
        role.Mid: "#3a3d42",
        role.Dark: "#18191b",
        role.Light: "#3d4046",
    }
    for colour_role, value in colours.items():
        palette.setColor(colour_role, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for colour_role in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, colour_role, QColor("#74777c"))
    return palette


def open_window(tasks: TaskRunner) -> MainWindow:
    window = MainWindow(open_settings(), tasks)
    window.resize(SIZE)
    window.show()
    return window


def pick_row(window: MainWindow) -> None:
    table = window.queue_view.table
    table.selectRow(min(2, window.model.rowCount() - 1))
    table.setFocus()


def save(window: MainWindow, path: Path) -> None:
    settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    image = window.grab()
    if not image.save(str(path)):
        raise SystemExit(f"screenshots: could not write {path}")
    print(f"wrote {path.relative_to(ROOT)} ({image.width()}×{image.height()})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60, help="demo applicants (default 60)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--no-dark", action="store_true", help="skip the dark-palette picture")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="reviewer-app-screenshots-"))
    os.environ["REVIEWER_APP_HOME"] = str(home)
    app = application()
    app.setStyle(QStyleFactory.create("Fusion"))
    tasks = TaskRunner(name="screenshots")
    window = open_window(tasks)
    launcher = DemoLauncher(window, tasks, args.count, "demo")
    launcher.start()
    lead: QueueClient | None = None
    try:
        wait_for(lambda: window.feed is not None and window.feed.has_loaded, 600, "the demo queue")
        assert launcher.demo is not None
        # A colleague holds two applications, as on a working day.
        lead = QueueClient(launcher.demo.url)
        lead.login("lead", "demo")
        held = {lease.application_id for lease in lead.claim(2).leases}
        wait_for(
            lambda: all(
                (item := window.model.item_by_id(app_id)) is not None and item.held_by
                for app_id in held
            ),
            30,
            "the claims to show",
        )
        window.model.tick()
        pick_row(window)
        save(window, args.output / "main-window.png")

        if not args.no_dark:
            QApplication.setPalette(dark_palette())
            icons.clear_cache()
            dark = open_window(tasks)
            assert window.client is not None
            dark.attach_service(window.client, None)
            wait_for(lambda: dark.feed is not None and dark.feed.has_loaded, 60, "the dark window")
            dark.model.set_policy(window.model.policy)
            pick_row(dark)
            save(dark, args.output / "main-window-dark.png")
            dark.close()
    finally:
        window.close()
        tasks.shutdown()
        if lead is not None:
            lead.close()
        launcher.stop()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
