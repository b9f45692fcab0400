"""The sign-in dialog: server address, user name, password, "remember me", or the demo queue.

Signing in runs on the task runner (`client.login`, then saving the tokens to the keyring, both
off the UI thread); the dialog shows progress and, on failure, says what went wrong in plain text
where the user is looking. Whether "remember me" can work is judged from the keyring backend
(`net/credentials.py`): with no secure backend the box is disabled and the dialog says why; the
token then lives for this session only.

The password goes from its field to `client.login` and nowhere else: not to a log, a setting, an
error message or the keyring (the keyring holds the service's tokens, not the password).
"""

from __future__ import annotations

import enum
import ipaddress
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import keyring
import requests
from keyring.backend import KeyringBackend
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.wire import API_PREFIX
from reviewer_app.net.client import QueueClient
from reviewer_app.net.credentials import Credentials, KeyringStatus, StoredTokens, is_secure
from reviewer_app.net.errors import (
    AuthError,
    MalformedResponse,
    NetError,
    ServiceError,
    ServiceUnreachable,
)
from reviewer_app.ui import icons
from reviewer_app.ui.tasks import TaskHandle, TaskRunner

log = logging.getLogger("reviewer_app.ui.signin")

# `exec()` / `result()` of the dialog when the user chose the demo queue (Accepted is 1).
DEMO_RESULT = 2

REMEMBER_TEXT = "Remember me on this computer (system keyring)"
ClientFactory = Callable[[str], QueueClient]


class BadServerUrl(ValueError):
    """The server address typed is not one a queue service can have."""


def normalise_server_url(text: str) -> str:
    """`https://host[:port][/path]` from what the user typed: the scheme defaults to https
    (http for this computer), `/api/v1` and trailing slashes are dropped, and addresses with a
    user, password, query or fragment in them are refused (they would end up in logs)."""
    typed = text.strip()
    if not typed:
        raise BadServerUrl("Enter the address of your team's queue service.")
    if "://" not in typed:
        host = urlsplit("//" + typed).hostname or ""
        typed = ("http://" if _is_loopback(host) else "https://") + typed
    example = "Enter it like https://queue.example.com or http://127.0.0.1:8400."
    try:
        parts = urlsplit(typed)
        port = parts.port  # raises ValueError for a port that is not a number or out of range
    except ValueError:
        raise BadServerUrl(f"That is not a valid server address. {example}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or " " in typed:
        raise BadServerUrl(f"That is not the address of a queue service. {example}")
    if parts.username is not None or parts.password is not None:
        raise BadServerUrl("Leave the user name and password out of the server address.")
    if parts.query or parts.fragment:
        raise BadServerUrl(f"The server address cannot have “?” or “#” in it. {example}")
    path = parts.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)].rstrip("/")
    host = parts.hostname
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, path, "", ""))


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_tls_failure(error: BaseException) -> bool:
    """The client raises its errors `from None`, but the cause stays on `__context__`."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError | requests.exceptions.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def describe_failure(error: BaseException, server_url: str) -> str:
    """What went wrong signing in, in plain words for the user (never the password)."""
    host = urlsplit(server_url).hostname or server_url
    if isinstance(error, BadServerUrl):
        return str(error)
    if isinstance(error, AuthError):
        return "Wrong user name or password. Check both and try again."
    if _is_tls_failure(error):
        return (
            f"A secure connection (TLS) to {host} could not be set up: the server's certificate "
            "is not trusted or has expired, or the server does not use https. Check the "
            "address (a queue service on this computer uses http://) or ask your operator."
        )
    if isinstance(error, ServiceUnreachable):
        return (
            f"{_sentence(error.message)} Check the address and your network connection, "
            "then try again."
        )
    if isinstance(error, MalformedResponse):
        return (
            f"The server at {host} answered, but not as a queue service does. Check the "
            f"address. ({_sentence(error.message)})"
        )
    if isinstance(error, ServiceError):
        if error.status == 404:
            return f"There is no queue service at this address on {host}. Check the address."
        if error.status == 429:
            wait = f" Wait {error.retry_after:.0f} s," if error.retry_after else " Wait a moment,"
            return f"Too many sign-in attempts.{wait} then try again."
        if error.status >= 500:
            return (
                f"The queue service at {host} has a problem right now ({error.status}: "
                f"{error.detail}). Try again in a moment; if it persists, tell your operator."
            )
        return f"The queue service did not sign you in ({error.status}: {error.detail})."
    if isinstance(error, NetError):
        return _sentence(error.message)
    if isinstance(error, ValueError):  # the client's own check of the address
        return (
            "That is not the address of a queue service. Enter it like https://queue.example.com."
        )
    return f"Signing in failed unexpectedly ({type(error).__name__}). The details are in the log."


@dataclass(frozen=True)
class _SignedIn:
    client: QueueClient
    credentials: Credentials
    remembered: bool


class _Phase(enum.Enum):
    IDLE = "idle"
    SIGNING_IN = "signing in"
    DONE = "done"


class SignInDialog(QDialog):
    """Sign in to a queue service. `exec()` gives Accepted (signed in: `result_client()`),
    Rejected, or `DEMO_RESULT` (the user asked for the demo queue)."""

    def __init__(
        self,
        tasks: TaskRunner,
        *,
        server_url: str = "",
        username: str = "",
        keyring_backend: KeyringBackend | None = None,
        client_factory: ClientFactory = QueueClient,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in — Reviewer Workstation")
        self.setWindowIcon(icons.app_icon())
        self.setMinimumWidth(480)
        self._tasks = tasks
        self._client_factory = client_factory
        self._backend: KeyringBackend | None = keyring_backend
        self._phase = _Phase.IDLE
        self._attempt: TaskHandle[_SignedIn] | None = None
        self._abandon: threading.Event | None = None
        self._signed_in: _SignedIn | None = None
        self._server_url = ""
        self.keyring_secure: bool | None = None  # None while the keyring is being looked for
        self._keyring_lookup: TaskHandle[KeyringBackend] | None = None

        self._build(server_url, username)
        if keyring_backend is not None:
            self._keyring_known(keyring_backend)
        else:
            # Finding the system keyring may talk to D-Bus: not on the UI thread.
            self._keyring_known(None)
            self._keyring_lookup = tasks.run(
                keyring.get_keyring,
                on_success=self._keyring_known,
                on_failure=self._keyring_failed,
                name="find the system keyring",
            )
        self._focus_first_empty()

    # -- results -------------------------------------------------------------------------------
    def result_client(self) -> QueueClient:
        """The signed-in client (after Accepted)."""
        if self._signed_in is None:
            raise RuntimeError("not signed in")
        return self._signed_in.client

    def result_credentials(self) -> Credentials:
        """Where the tokens are kept: the keyring when remembered, else memory only. Its
        `status` and `explanation` say which, e.g. when the keyring turned out to be locked."""
        if self._signed_in is None:
            raise RuntimeError("not signed in")
        return self._signed_in.credentials

    def remembered(self) -> bool:
        """True when the tokens were saved to the system keyring."""
        return self._signed_in is not None and self._signed_in.remembered

    def server_url(self) -> str:
        """The normalised address signed in to (store it in the settings), else ''."""
        return self._server_url

    def username(self) -> str:
        return self.user_edit.text().strip()

    @property
    def busy(self) -> bool:
        return self._phase is _Phase.SIGNING_IN

    # -- building ------------------------------------------------------------------------------
    def _build(self, server_url: str, username: str) -> None:
        header_icon = QLabel(self)
        header_icon.setPixmap(icons.icon("signin-server").pixmap(QSize(40, 40)))
        title = _plain("Sign in to your team's queue service", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        subtitle = _plain("Your decisions are sent to this service.", self)
        subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(title)
        titles.addWidget(subtitle)
        header = QHBoxLayout()
        header.setSpacing(12)
        header.addWidget(header_icon, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(titles, 1)

        self.server_edit = QLineEdit(server_url, self)
        self.server_edit.setObjectName("serverEdit")
        self.server_edit.setPlaceholderText("https://queue.example.com")
        self.server_edit.setAccessibleName("Server address")
        self.server_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhUrlCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.user_edit = QLineEdit(username, self)
        self.user_edit.setObjectName("userEdit")
        self.user_edit.setAccessibleName("User name")
        self.user_edit.setInputMethodHints(Qt.InputMethodHint.ImhNoAutoUppercase)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.remember_box = QCheckBox(REMEMBER_TEXT, self)
        self.remember_box.setObjectName("rememberBox")
        self.remember_box.setChecked(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Server address:", self.server_edit)
        form.addRow("&User name:", self.user_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("", self.remember_box)

        # With no secure keyring: why "remember me" is off.
        self.keyring_note = _Note("signin-no-keyring", self)
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.hide()

        # Inline errors, in plain text (the service's detail may be in them).
        self.error_note = _Note("error", self)
        self.error_note.setObjectName("signInError")
        self.error_note.text_label.setStyleSheet(
            f"color: {'#ef9a9a' if icons.is_dark() else '#b71c1c'};"
        )
        self.error_note.setAccessibleName("Sign-in problem")
        self.error_note.hide()

        self.progress = QProgressBar(self)
        self.progress.setObjectName("signInProgress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        self.progress.setAccessibleName("Signing in")
        self.progress_label = _plain("", self)
        self.progress_label.setObjectName("signInProgressText")
        busy_row = QVBoxLayout()
        busy_row.setSpacing(4)
        busy_row.addWidget(self.progress_label)
        busy_row.addWidget(self.progress)
        self._busy_box = QWidget(self)
        self._busy_box.setLayout(busy_row)
        busy_row.setContentsMargins(0, 0, 0, 0)
        self._busy_box.hide()

        # First start (no server yet): offer the demo, which needs no account.
        self.demo_note = _Note("signin-demo", self)
        self.demo_note.setObjectName("demoNote")
        self.demo_note.set_text(
            "No queue service yet? The demo queue runs one on this computer with made-up "
            "applicants, so you can try the workstation without an account."
        )
        self.demo_note.setVisible(not server_url.strip())

        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = self.buttons.addButton(
            "Sign in", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setIcon(icons.icon("user"))
        self.sign_in_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.demo_button = QPushButton(icons.icon("signin-demo"), "Use the &demo queue", self)
        self.demo_button.setObjectName("demoButton")
        self.demo_button.setAutoDefault(False)
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.sign_in_button.clicked.connect(self.sign_in)
        self.cancel_button.clicked.connect(self.reject)
        self.demo_button.clicked.connect(self.choose_demo)

        rule = QFrame(self)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.addLayout(header)
        layout.addWidget(rule)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.error_note)
        layout.addWidget(self._busy_box)
        layout.addWidget(self.demo_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        for edit in (self.server_edit, self.user_edit, self.password_edit):
            edit.textEdited.connect(self._clear_error)

    def _focus_first_empty(self) -> None:
        for edit in (self.server_edit, self.user_edit, self.password_edit):
            if not edit.text().strip():
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- keyring -------------------------------------------------------------------------------
    def _keyring_known(self, backend: KeyringBackend | None) -> None:
        self._backend = backend
        if backend is None:  # still looking: say nothing yet, remember stays as it is
            return
        secure = is_secure(backend)
        self.keyring_secure = secure
        if secure:
            self.remember_box.setEnabled(True)
            self.remember_box.setToolTip(
                "Keeps your sign-in in the system's password store, so you stay signed in "
                "when you reopen the app. Your password is never stored."
            )
            self.keyring_note.hide()
            return
        self.remember_box.setChecked(False)
        self.remember_box.setEnabled(False)
        explanation = Credentials("", "", backend).explanation
        self.remember_box.setToolTip(explanation)
        self.keyring_note.set_text(explanation)
        self.keyring_note.show()

    def _keyring_failed(self, error: BaseException) -> None:
        log.warning("no keyring backend: %s", type(error).__name__)
        self._keyring_known(_no_keyring())

    # -- signing in ----------------------------------------------------------------------------
    def sign_in(self) -> None:
        if self.busy:
            return
        try:
            url = normalise_server_url(self.server_edit.text())
        except BadServerUrl as error:
            self._show_error(str(error), self.server_edit)
            return
        username = self.user_edit.text().strip()
        if not username:
            self._show_error("Enter your user name.", self.user_edit)
            return
        password = self.password_edit.text()
        if not password:
            self._show_error("Enter your password.", self.password_edit)
            return
        backend = self._backend
        if backend is None:  # the keyring search has not answered yet: keep it for the session
            backend = _no_keyring()
        remember = self.remember_box.isEnabled() and self.remember_box.isChecked()
        abandon = threading.Event()
        factory = self._client_factory

        def work() -> _SignedIn:
            # On a pool thread: no widget is touched here.
            client = factory(url)
            try:
                token = client.login(username, password)
            except BaseException:
                client.close()
                raise
            credentials = Credentials(url, username, backend)
            if abandon.is_set():  # cancelled meanwhile: no one will use this session
                client.sign_out()
                client.close()
                return _SignedIn(client, credentials, remembered=False)
            tokens = StoredTokens(token.access_token, token.refresh_token)
            keep = remember and not abandon.is_set()
            credentials.save(tokens, remember=keep)
            return _SignedIn(
                client, credentials, keep and credentials.status is KeyringStatus.SECURE
            )

        self._server_url = url
        self._abandon = abandon
        self._set_busy(True, f"Signing in to {urlsplit(url).hostname}…")
        self._attempt = self._tasks.run(
            work, on_success=self._succeeded, on_failure=self._failed, name="sign in"
        )

    def _succeeded(self, signed_in: _SignedIn) -> None:
        self._attempt = None
        self._phase = _Phase.DONE
        self._signed_in = signed_in
        self.password_edit.clear()
        self._set_busy(False)
        log.info(
            "signed in to %s (%s)",
            self._server_url,
            "remembered in the keyring" if signed_in.remembered else "for this session",
        )
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._attempt = None
        self._set_busy(False)
        message = describe_failure(error, self._server_url)
        if isinstance(error, NetError | ValueError):
            log.info("sign-in to %s failed: %s", self._server_url, type(error).__name__)
        else:
            log.error("sign-in failed unexpectedly", exc_info=error)
        focus = self.password_edit if isinstance(error, AuthError) else self.server_edit
        self._show_error(message, focus)

    def choose_demo(self) -> None:
        self._stop_attempt()
        self.done(DEMO_RESULT)

    def reject(self) -> None:
        self._stop_attempt()
        super().reject()

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            self._stop_attempt()
        if self._keyring_lookup is not None:
            self._keyring_lookup.cancel()  # no callback into a dialog that may be gone
        super().done(result)

    def _stop_attempt(self) -> None:
        if self._attempt is not None:
            self._attempt.cancel()  # its callbacks are dropped; the login itself runs out
            self._attempt = None
        if self._abandon is not None:
            self._abandon.set()  # and it must not write to the keyring any more
        if self._phase is _Phase.SIGNING_IN:
            self._set_busy(False)

    # -- showing state -------------------------------------------------------------------------
    def _set_busy(self, busy: bool, text: str = "") -> None:
        if busy:
            self._phase = _Phase.SIGNING_IN
        elif self._phase is _Phase.SIGNING_IN:
            self._phase = _Phase.IDLE
        self.error_note.hide()
        self.progress_label.setText(text)
        self._busy_box.setVisible(busy)
        for widget in (self.server_edit, self.user_edit, self.password_edit, self.sign_in_button):
            widget.setEnabled(not busy)
        if self._backend is not None and is_secure(self._backend):
            self.remember_box.setEnabled(not busy)

    def _show_error(self, message: str, focus: QLineEdit | None = None) -> None:
        self.error_note.set_text(message)
        self.error_note.show()
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            focus.selectAll()

    def _clear_error(self) -> None:
        if not self.busy:
            self.error_note.hide()

    def error_text(self) -> str:
        """The inline error shown, or '' (for tests and accessibility checks)."""
        return self.error_note.text_label.text() if not self.error_note.isHidden() else ""

    def keyring_text(self) -> str:
        return self.keyring_note.text_label.text() if not self.keyring_note.isHidden() else ""


def _no_keyring() -> KeyringBackend:
    """keyring's own "no backend" backend (refused as insecure by `Credentials`)."""
    from keyring.backends import fail

    backend: KeyringBackend = fail.Keyring()  # type: ignore[no-untyped-call]
    return backend


def _plain(text: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


class _Note(QWidget):
    """An icon and a wrapped, selectable plain-text sentence."""

    def __init__(self, icon_name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.icon_label = QLabel(self)
        self.icon_label.setPixmap(icons.icon(icon_name).pixmap(QSize(20, 20)))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text_label = _plain("", self)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text_label, 1)

    def set_text(self, text: str) -> None:
        self.text_label.setText(text)
        self.setAccessibleDescription(text)
