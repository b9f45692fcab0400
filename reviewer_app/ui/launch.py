"""Starting the workstation: the application object, the window, and the embedded demo.

With `demo=True` the real queue service runs in-process on a free loopback port, on a SQLite file
in a fresh temporary folder, filled with generated demo applicants; the window signs in as the
demo reviewer through the real HTTP client. The window is shown first; starting the service,
generating the data and signing in all happen on worker threads.
"""

from __future__ import annotations

import logging
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from reviewer_app import __version__, paths
from reviewer_app.core.wire import ConfigOut
from reviewer_app.net.client import QueueClient
from reviewer_app.ui import icons
from reviewer_app.ui.main_window import MainWindow
from reviewer_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from reviewer_app.service.app import QueueService
    from reviewer_app.service.server import EmbeddedServer

log = logging.getLogger("reviewer_app.ui.launch")

ORGANISATION = "reviewer-app"
APP_NAME = "reviewer-app"  # also the X11 WM_CLASS and the desktop entry's StartupWMClass
DISPLAY_NAME = "Reviewer Workstation"
DEMO_REVIEWER = "reviewer"
DEMO_LEAD = "lead"
# How long to wait at exit for background work (the demo generator cannot be interrupted).
SHUTDOWN_WAIT_MS = 180_000


def run_workstation(
    *,
    demo: bool = False,
    demo_count: int = 300,
    demo_password: str = "demo",  # noqa: S107 - the documented demo password
    quit_after: float | None = None,
) -> int:
    """Run the workstation until its window closes; returns the exit code."""
    started = time.monotonic()
    app = application()
    settings = open_settings()
    tasks = TaskRunner(name="workstation")
    window = MainWindow(settings, tasks)
    window.show()
    log.info("window shown %.2f s after start", time.monotonic() - started)
    launcher: DemoLauncher | None = None
    if demo:
        launcher = DemoLauncher(window, tasks, demo_count, demo_password, started=started)
        launcher.start()
    else:
        window.show_no_server()
    if quit_after is not None:
        QTimer.singleShot(max(0, int(quit_after * 1000)), window.close)
    _quit_on_sigint(app)
    try:
        code = app.exec()
    finally:
        window.close()
        if launcher is not None and launcher.preparing:
            # The generator cannot be interrupted; its data goes with the temporary folder.
            print("Closing: waiting for the demo data generator to finish…", flush=True)
        if not tasks.shutdown(SHUTDOWN_WAIT_MS):
            code = 1
        if launcher is not None:
            launcher.stop()
    return int(code)


def application() -> QApplication:
    """The QApplication, named so that settings, the window class and the desktop entry match."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QApplication.setApplicationDisplayName(DISPLAY_NAME)
    QApplication.setDesktopFileName(APP_NAME)
    QApplication.setWindowIcon(icons.app_icon())
    return app


def open_settings() -> QSettings:
    """QSettings in the platform's place, or an INI file under REVIEWER_APP_HOME."""
    paths.config_dir()  # creates the folder (0700); refuses the real home under pytest
    if paths.home_override() is not None:
        return QSettings(str(paths.settings_file()), QSettings.Format.IniFormat)
    return QSettings()


def _quit_on_sigint(app: QApplication) -> None:
    """Ctrl+C in the terminal closes the app cleanly (the demo's temp folder is removed)."""
    signal.signal(signal.SIGINT, lambda *_: app.closeAllWindows())
    # Python runs signal handlers only between bytecodes: wake it up now and then.
    timer = QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()


# -- the embedded demo ---------------------------------------------------------------------------


@dataclass
class EmbeddedDemo:
    """The in-process service of a demo run and what must be cleaned up after it."""

    folder: Path
    service: QueueService
    server: EmbeddedServer
    clients: list[QueueClient] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        try:
            self.server.stop()
            self.service.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_demo_service() -> EmbeddedDemo:
    """A queue service on a SQLite file in a fresh temporary folder, served on a free loopback
    port. Imports the service here, off the UI thread (FastAPI and SQLAlchemy take a while)."""
    from reviewer_app.service.app import QueueService
    from reviewer_app.service.server import EmbeddedServer
    from reviewer_app.service.settings import ServiceSettings

    folder = Path(tempfile.mkdtemp(prefix="reviewer-app-demo-"))
    service: QueueService | None = None
    try:
        service = QueueService(ServiceSettings(db_url=f"sqlite:///{folder / 'queue.sqlite3'}"))
        server = EmbeddedServer(service).start()
    except BaseException:
        if service is not None:
            service.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return EmbeddedDemo(folder, service, server)


@dataclass
class DemoReady:
    client: QueueClient
    config: ConfigOut
    added: int


def prepare_demo(demo: EmbeddedDemo, count: int, password: str) -> DemoReady:
    """Seed the demo data, then sign in as the demo reviewer through the HTTP client."""
    from reviewer_app.service.seed import seed_demo

    added = seed_demo(demo.service.store, demo.service.audit, count, password=password, media=True)
    client = QueueClient(demo.url)
    demo.clients.append(client)
    client.login(DEMO_REVIEWER, password)
    config = client.config()
    return DemoReady(client, config, added)


class DemoLauncher(QObject):
    """Runs the demo's start-up steps in the background and hands the result to the window."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        count: int,
        password: str,
        *,
        started: float | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._count = count
        self._password = password
        self._started = started if started is not None else time.monotonic()
        self.demo: EmbeddedDemo | None = None
        self.preparing = False
        self._stopped = False

    def start(self) -> None:
        self.preparing = True
        self._window.show_preparing("Preparing demo queue…")
        self._tasks.run(
            start_demo_service,
            on_success=self._service_started,
            on_failure=self._failed,
            name="start the demo service",
        )

    def stop(self) -> None:
        """Stop the service and remove its folder (after the task runner was shut down)."""
        self._stopped = True
        if self.demo is not None:
            demo, self.demo = self.demo, None
            demo.stop()
            log.info("demo service stopped; %s removed", demo.folder)

    def _service_started(self, demo: EmbeddedDemo) -> None:
        if self._stopped:
            demo.stop()
            return
        self.demo = demo
        api = f"{demo.url}/api/v1"
        print(f"Reviewer Workstation demo: queue service at {api} (API docs: {api}/docs)")
        print(
            f"Demo accounts: {DEMO_REVIEWER} / {self._password} (reviewer), "
            f"{DEMO_LEAD} / {self._password} (team lead)"
        )
        print(f"Generating {self._count} demo applicants…", flush=True)
        count, password = self._count, self._password
        self._tasks.run(
            lambda: prepare_demo(demo, count, password),
            on_success=self._ready,
            on_failure=self._failed,
            name="prepare the demo queue",
        )

    def _ready(self, ready: DemoReady) -> None:
        self.preparing = False
        if self._stopped:
            return
        user = ready.client.user
        who = user.username if user else DEMO_REVIEWER
        print(
            f"Signed in as {who}; {ready.added} demo applicants added "
            f"({time.monotonic() - self._started:.1f} s)",
            flush=True,
        )
        feed = self._window.attach_service(ready.client, ready.config)
        feed.loaded.connect(self._loaded)

    def _loaded(self) -> None:
        rows = self._window.model.rowCount()
        print(
            f"Queue shown: {rows} pending ({time.monotonic() - self._started:.1f} s after start)",
            flush=True,
        )

    def _failed(self, error: BaseException) -> None:
        self.preparing = False
        log.error("the demo could not start", exc_info=error)
        self._window.show_error("The demo could not start", f"{type(error).__name__}: {error}")
