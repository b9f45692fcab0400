"""Starting the workstation: the application object, the window, sign-in, and the embedded demo.

The window is shown first; everything slow happens on worker threads: starting the demo service,
generating its data, signing in, opening the local store. Then a `Workstation` (the session:
local store + sync engine + the review flow) is attached to the window.

With `demo=True` the real queue service runs in-process on a free loopback port with generated
demo applicants (`reviewer_app.demo`, handed in by the command line as `demo_backend`: the UI
layer does not import the service), the workstation signs in as the demo reviewer through the
real HTTP client, and its local store lives in the demo's temporary folder. Without a server
configured, the sign-in dialog is offered, with a button for the demo queue.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from reviewer_app import __version__, paths
from reviewer_app.core.sla import utc_now
from reviewer_app.core.wire import ConfigOut
from reviewer_app.net.client import QueueClient
from reviewer_app.net.credentials import Credentials, StoredTokens
from reviewer_app.net.errors import AuthError
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync.engine import SyncSettings
from reviewer_app.ui import icons, refcounts
from reviewer_app.ui.main_window import MainWindow
from reviewer_app.ui.settings import Settings
from reviewer_app.ui.tasks import TaskRunner
from reviewer_app.ui.workstation import Workstation

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger("reviewer_app.ui.launch")

ORGANISATION = "reviewer-app"
APP_NAME = "reviewer-app"  # also the X11 WM_CLASS and the desktop entry's StartupWMClass
DISPLAY_NAME = "Reviewer Workstation"
DEMO_REVIEWER = "reviewer"
DEMO_LEAD = "lead"
# How long to wait at exit for background work (the demo generator cannot be interrupted).
SHUTDOWN_WAIT_MS = 180_000
STORE_FILE = "workstation.sqlite3"


class DemoService(Protocol):
    """A running demo queue service (reviewer_app.demo.EmbeddedDemo)."""

    folder: Path

    @property
    def url(self) -> str: ...
    def seed(self, count: int, password: str) -> int: ...
    def interrupt(self) -> None: ...  # a seed in progress ends early
    def stop(self) -> None: ...


DemoBackend = Callable[[], DemoService]


def run_workstation(
    *,
    demo: bool = False,
    demo_count: int = 300,
    demo_password: str = "demo",  # noqa: S107 - the documented demo password
    quit_after: float | None = None,
    demo_backend: DemoBackend | None = None,
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
    signin: SignInFlow | None = None

    def start_demo() -> None:
        nonlocal launcher
        if demo_backend is None:
            window.show_error("The demo is not available", "This build has no demo service.")
            return
        launcher = DemoLauncher(
            window, tasks, demo_count, demo_password, backend=demo_backend, started=started
        )
        launcher.start()

    if demo:
        start_demo()
    else:
        signin = SignInFlow(window, tasks, on_demo=start_demo if demo_backend else None)
        QTimer.singleShot(0, signin.start)
    if quit_after is not None:
        QTimer.singleShot(max(0, int(quit_after * 1000)), app.closeAllWindows)
    _quit_on_sigint(app)
    try:
        code = app.exec()
    finally:
        window.close()
        if launcher is not None and launcher.preparing:
            # The seed stops after the applicant at hand; its data goes with the temporary folder.
            print("Closing: stopping the demo data generator…", flush=True)
            launcher.interrupt()
        if not tasks.shutdown(SHUTDOWN_WAIT_MS):
            code = 1
        if signin is not None:
            signin.stop()
        if launcher is not None:
            launcher.stop()
    return int(code)


def application() -> QApplication:
    """The QApplication, named so that settings, the window class and the desktop entry match."""
    refcounts.pin()
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


# -- sessions --------------------------------------------------------------------------------


@dataclass
class SessionParts:
    client: QueueClient
    config: ConfigOut
    store: LocalStore
    sent_at: object = None
    received_at: object = None
    extra: dict[str, object] = field(default_factory=dict)


def open_store(folder: Path) -> LocalStore:
    """The local store in `folder` (opening checks integrity and migrates: off the UI thread)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return LocalStore(folder / STORE_FILE, folder / "media")


def connect_session(client: QueueClient, store_folder: Path) -> SessionParts:
    """Read the service's configuration and open the local store (on a worker thread)."""
    sent = utc_now()
    config = client.config()
    received = utc_now()
    store = open_store(store_folder)
    return SessionParts(client, config, store, sent, received)


def make_session(
    window: MainWindow,
    tasks: TaskRunner,
    parts: SessionParts,
    *,
    sync: SyncSettings | None = None,
) -> Workstation:
    """A `Workstation` over the parts, attached to the window."""
    from datetime import datetime

    if isinstance(parts.sent_at, datetime) and isinstance(parts.received_at, datetime):
        window.clock.sync(parts.config.server_time, parts.sent_at, parts.received_at)
    prefetch = window.settings.get(Settings.prefetch_count)
    session = Workstation(
        parts.client,
        parts.store,
        tasks=tasks,
        config=parts.config,
        clock=window.clock,
        # Prefetch a little further than the items kept prepared (the current one + 3).
        settings=sync or SyncSettings(prefetch_ahead=max(prefetch, 3) + 2),
        parent=window,
    )
    window.attach_session(session)
    return session


class SignInFlow(QObject):
    """No session yet: offer the sign-in dialog (with the demo button), then open a session
    in the platform's data folder."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        *,
        on_demo: Callable[[], None] | None = None,
        keyring_backend: KeyringBackend | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._on_demo = on_demo
        self._keyring_backend = keyring_backend
        self._credentials: Credentials | None = None
        self._asked_before = False
        self.session: Workstation | None = None
        self.store: LocalStore | None = None
        window.sign_out_handler = self._signed_out

    def start(self) -> None:
        """Sign in with the keyring's remembered token when there is one, else ask."""
        settings = self._window.settings
        url, user = settings.get(Settings.server_url), settings.get(Settings.username)
        if not (url and user) or self._asked_before:
            self._ask()
            return
        self._asked_before = True
        self._window.show_message("Signing in…", f"{user} at {url}", "user", busy=True)
        self._tasks.run(
            lambda: resume_session(url, user, self._keyring_backend),
            on_success=self._resumed,
            on_failure=lambda _error: self._ask(),
            name="sign in with the remembered token",
        )

    def _resumed(self, resumed: tuple[QueueClient, Credentials] | None) -> None:
        if resumed is None:
            self._ask()
            return
        client, self._credentials = resumed
        self._signed_in(client)

    def _signed_out(self) -> None:
        """After sign-out: forget the remembered token (off the UI thread), then ask."""
        credentials, self._credentials = self._credentials, None
        self._asked_before = True
        if credentials is not None:
            self._tasks.run(credentials.clear, name="forget the remembered sign-in")
        self._ask()

    def _ask(self) -> None:
        from reviewer_app.ui.signin import DEMO_RESULT, SignInDialog

        settings = self._window.settings
        self._window.show_no_server()
        dialog = SignInDialog(
            self._tasks,
            server_url=settings.get(Settings.server_url),
            username=settings.get(Settings.username),
            keyring_backend=self._keyring_backend,
            parent=self._window,
        )
        dialog.setModal(True)

        def finished(result: int) -> None:
            dialog.deleteLater()
            if result == DEMO_RESULT and self._on_demo is not None:
                self._on_demo()
            elif result == QDialog.DialogCode.Accepted:
                settings.set(Settings.server_url, dialog.server_url())
                settings.set(Settings.username, dialog.username())
                client = dialog.result_client()
                if dialog.remembered():
                    self._credentials = dialog.result_credentials()
                    keep_tokens(client, self._credentials)
                self._signed_in(client)

        dialog.finished.connect(finished)
        dialog.open()

    def _signed_in(self, client: QueueClient) -> None:
        self._window.show_message("Opening the local store…", "", "queue", busy=True)
        folder = paths.data_dir()
        self._tasks.run(
            lambda: connect_session(client, folder),
            on_success=self._ready,
            on_failure=lambda e: self._window.show_error("Could not open the session", e),
            name="open the session",
        )

    def _ready(self, parts: SessionParts) -> None:
        self.store = parts.store
        self.session = make_session(self._window, self._tasks, parts)

    def stop(self) -> None:
        if self.session is not None:
            self.session.close()
        if self.store is not None:
            self.store.close()


def keep_tokens(client: QueueClient, credentials: Credentials) -> None:
    """Write every new pair of tokens back to where the remembered sign-in lives (refresh
    tokens are single use: the keyring's copy must follow the client's)."""
    client.on_tokens = lambda access, refresh: credentials.save(StoredTokens(access, refresh))


def resume_session(
    url: str, username: str, backend: KeyringBackend | None = None
) -> tuple[QueueClient, Credentials] | None:
    """Sign in with the refresh token the keyring remembers for `username` at `url`, on a worker
    thread. None when there is none, or it no longer works (then it is forgotten)."""
    credentials = Credentials(url, username, backend)
    tokens = credentials.load()
    if tokens is None:
        return None
    client = QueueClient(url)
    keep_tokens(client, credentials)
    try:
        client.resume(tokens.refresh_token)
    except AuthError:
        client.close()
        credentials.clear()  # expired or used: the password is needed again
        return None
    except BaseException:
        client.close()
        raise
    return client, credentials


# -- the embedded demo ---------------------------------------------------------------------------


@dataclass
class DemoReady:
    parts: SessionParts
    added: int


def prepare_demo(demo: DemoService, count: int, password: str) -> DemoReady:
    """Seed the demo data, sign in as the demo reviewer through the HTTP client, and open a
    local store in the demo's folder (on a worker thread)."""
    added = demo.seed(count, password)
    client = QueueClient(demo.url)
    try:
        client.login(DEMO_REVIEWER, password)
        parts = connect_session(client, demo.folder / "workstation")
    except BaseException:
        client.close()
        raise
    return DemoReady(parts, added)


class DemoLauncher(QObject):
    """Runs the demo's start-up steps in the background and hands the session to the window."""

    def __init__(
        self,
        window: MainWindow,
        tasks: TaskRunner,
        count: int,
        password: str,
        *,
        backend: DemoBackend,
        started: float | None = None,
        sync: SyncSettings | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._tasks = tasks
        self._count = count
        self._password = password
        self._backend = backend
        self._sync = sync
        self._started = started if started is not None else time.monotonic()
        self.demo: DemoService | None = None
        self.session: Workstation | None = None
        self.parts: SessionParts | None = None
        self.preparing = False
        self._stopped = False
        self._shown = False

    def start(self) -> None:
        self.preparing = True
        self._window.show_preparing("Preparing demo queue…")
        self._tasks.run(
            self._backend,
            on_success=self._service_started,
            on_failure=self._failed,
            name="start the demo service",
        )

    def interrupt(self) -> None:
        """Ask a seed in progress to end (from the UI thread, before waiting for the tasks)."""
        if self.demo is not None:
            self.demo.interrupt()

    def stop(self) -> None:
        """Stop the session, the service, and remove the demo's folder (after the task runner
        was shut down)."""
        self._stopped = True
        if self.session is not None:
            self.session.close()
            self.session = None
        if self.parts is not None:
            self.parts.store.close()
            self.parts.client.close()
            self.parts = None
        if self.demo is not None:
            demo, self.demo = self.demo, None
            demo.stop()
            log.info("demo service stopped; %s removed", demo.folder)

    def _service_started(self, demo: DemoService) -> None:
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
        self.parts = ready.parts
        if self._stopped:
            return
        user = ready.parts.client.user
        who = user.username if user else DEMO_REVIEWER
        print(
            f"Signed in as {who}; {ready.added} demo applicants added "
            f"({time.monotonic() - self._started:.1f} s)",
            flush=True,
        )
        self.session = make_session(self._window, self._tasks, ready.parts, sync=self._sync)
        feed = self._window.feed
        if feed is not None:
            feed.applied.connect(self._loaded)

    def _loaded(self) -> None:
        """Say so once the first pull's rows are in the table."""
        rows = self._window.model.rowCount()
        if rows == 0 or self._shown:
            return
        self._shown = True
        print(
            f"Queue shown: {rows} pending ({time.monotonic() - self._started:.1f} s after start)",
            flush=True,
        )

    def _failed(self, error: BaseException) -> None:
        self.preparing = False
        log.error("the demo could not start", exc_info=error)
        self._window.show_error("The demo could not start", f"{type(error).__name__}: {error}")
