"""Take the README screenshots from the real demo, mid-review.

Runs what `reviewer-app --demo` runs (the queue service in-process on a loopback port, generated
demo applicants, sign-in through the HTTP client, a local store and the sync engine), starts
reviewing (claims, prefetches and checks the next applications), opens one with its photo, the
findings of the checks and a decline being drafted in the decision panel, and saves
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
import subprocess
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

from reviewer_app.demo import start_demo_service  # noqa: E402
from reviewer_app.net.client import QueueClient  # noqa: E402
from reviewer_app.ui import icons  # noqa: E402
from reviewer_app.ui.launch import DemoLauncher, application, open_settings  # noqa: E402
from reviewer_app.ui.main_window import MainWindow  # noqa: E402
from reviewer_app.ui.review.photos import DecodedPhoto  # noqa: E402
from reviewer_app.ui.tasks import TaskRunner  # noqa: E402
from reviewer_app.ui.workstation import ReviewItem  # noqa: E402

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


def save(window: MainWindow, path: Path) -> None:
    settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    image = window.grab()
    if not image.save(str(path)):
        raise SystemExit(f"screenshots: could not write {path}")
    print(f"wrote {path.relative_to(ROOT)} ({image.width()}×{image.height()})")


def interesting(item: ReviewItem) -> int:
    """How much an item shows: a photo, suggested reasons, an earlier revision."""
    profile = item.application.revisions[-1].profile
    return (
        2 * (profile.photo is not None and profile.photo.sha256 in item.media)
        + min(2, len(item.suggested))
        + (item.diff is not None)
    )


def open_review(window: MainWindow) -> None:
    """Start reviewing, move to a telling item among the first prepared, draft a decline."""
    session = window.session
    assert session is not None
    window.start_reviewing()
    wait_for(lambda: session.current is not None, 180, "the first application")
    wait_for(
        lambda: (
            sum(session.prepared(lease.application_id) is not None for lease in session.leases)
            >= min(4, len(session.leases))
        ),
        180,
        "the next applications to be prepared",
    )
    prepared = [session.prepared(lease.application_id) for lease in session.leases]
    best = max((item for item in prepared if item is not None), key=interesting)
    while session.current is not None and session.current is not best:
        session.skip()  # given back to the queue: a demo, nothing is decided
        wait_for(lambda: session.current is not None, 60, "the next application")
    window.splitter.setSizes([370, 660, 410])
    current = session.current
    assert current is not None
    photo = current.application.revisions[-1].profile.photo
    if photo is not None and photo.sha256 in current.media:
        wait_for(
            lambda: isinstance(window.review.photos.decoded(photo.sha256), DecodedPhoto),
            30,
            "the photo",
        )
    window.panel.decline()
    for number, reason in enumerate(session.catalogue, start=1):
        if reason.code in current.suggested and not reason.note_required:
            window.panel.toggle_reason(number)
    window.model.tick()


def take(output: Path, count: int, dark: bool) -> None:
    """One picture, in one process: the palette is set before the window is made, so every
    widget starts in it."""
    home = Path(tempfile.mkdtemp(prefix="reviewer-app-screenshots-"))
    os.environ["REVIEWER_APP_HOME"] = str(home)
    app = application()
    app.setStyle(QStyleFactory.create("Fusion"))
    if dark:
        QApplication.setPalette(dark_palette())
        icons.clear_cache()
    tasks = TaskRunner(name="screenshots")
    window = MainWindow(open_settings(), tasks)
    window.resize(SIZE)
    window.show()
    launcher = DemoLauncher(window, tasks, count, "demo", backend=start_demo_service)
    launcher.start()
    lead: QueueClient | None = None
    try:
        wait_for(lambda: window.model.rowCount() >= count, 600, "the demo queue")
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
        open_review(window)
        settle(1.5)  # the video's first frame
        window.status.set_message("")
        save(window, output / ("main-window-dark.png" if dark else "main-window.png"))
    finally:
        window.close()
        tasks.shutdown()
        if lead is not None:
            lead.close()
        launcher.stop()
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60, help="demo applicants (default 60)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--no-dark", action="store_true", help="skip the dark-palette picture")
    parser.add_argument("--only", choices=("light", "dark"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        take(args.output, args.count, args.only == "dark")
        return 0
    take(args.output, args.count, dark=False)
    if not args.no_dark:
        # A fresh process: a palette set on a running window leaves some widgets behind.
        command = [sys.executable, __file__, "--only", "dark", "--count", str(args.count)]
        command += ["--output", str(args.output)]
        return subprocess.call(command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
