"""Where the service's tokens live: the system keyring, and nowhere else.

One wrapper tells apart the cases a user must hear about (Vorta's keyring/abc.py does the same):
- a secure backend is there and holds a token, or holds none ("no password": sign in);
- no secure backend: keyring's `fail` or `null` backend, or a plaintext one such as keyrings.alt's
  (base64 in a file, TRAPS.md) — refused; the token then lives in memory for this session only;
- the keyring is locked (the user declined to unlock it) — the same fallback, with that reason.
Tokens never go to files, logs, the database or exception messages.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

log = logging.getLogger("reviewer_app.net.credentials")

SERVICE_NAME = "reviewer-app"

# Backends that keep secrets in the clear or not at all. Matched by module so that a chainer of
# several backends is judged by what it actually chains.
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class KeyringStatus(enum.StrEnum):
    SECURE = "secure"
    NO_SECURE_BACKEND = "no_secure_backend"
    LOCKED = "locked"


@dataclass(frozen=True)
class StoredTokens:
    access_token: str
    refresh_token: str

    def __repr__(self) -> str:  # never print a token, not even in a debugger's repr
        return "StoredTokens(<hidden>)"


def _backends(backend: KeyringBackend) -> list[KeyringBackend]:
    chained = getattr(backend, "backends", None)
    return list(chained) if chained else [backend]


def is_secure(backend: KeyringBackend) -> bool:
    members = _backends(backend)
    return bool(members) and all(
        not type(member).__module__.startswith(_INSECURE_MODULES) for member in members
    )


class Credentials:
    """The tokens of one account on one server."""

    def __init__(self, server_url: str, username: str, backend: KeyringBackend | None = None):
        self._backend = backend or keyring.get_keyring()
        self._key = f"{username}@{server_url.rstrip('/')}"
        self._memory: StoredTokens | None = None
        self.status = (
            KeyringStatus.SECURE if is_secure(self._backend) else KeyringStatus.NO_SECURE_BACKEND
        )

    @property
    def explanation(self) -> str:
        """A sentence for the user, or '' when tokens are kept securely."""
        if self.status is KeyringStatus.NO_SECURE_BACKEND:
            return (
                "No secure password store (keyring) is available, so you will be signed out "
                "when you close the app."
            )
        if self.status is KeyringStatus.LOCKED:
            return (
                "The password store is locked, so you will be signed out when you close the "
                "app. Unlock it to stay signed in."
            )
        return ""

    def load(self) -> StoredTokens | None:
        if self._memory is not None or self.status is not KeyringStatus.SECURE:
            return self._memory
        try:
            raw = self._backend.get_password(SERVICE_NAME, self._key)
        except keyring.errors.KeyringLocked:
            self.status = KeyringStatus.LOCKED
            return None
        except keyring.errors.KeyringError as error:
            log.warning("could not read from the keyring: %s", type(error).__name__)
            return None
        if not raw:
            return None
        try:
            data = json.loads(raw)
            tokens = StoredTokens(str(data["access_token"]), str(data["refresh_token"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignored an unreadable keyring entry")
            return None
        self._memory = tokens
        return tokens

    def save(self, tokens: StoredTokens, *, remember: bool = True) -> None:
        self._memory = tokens
        if not remember or self.status is not KeyringStatus.SECURE:
            return
        payload = json.dumps(
            {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token}
        )
        try:
            self._backend.set_password(SERVICE_NAME, self._key, payload)
        except keyring.errors.KeyringLocked:
            self.status = KeyringStatus.LOCKED
        except keyring.errors.KeyringError as error:
            log.warning("could not write to the keyring: %s", type(error).__name__)
            self.status = KeyringStatus.NO_SECURE_BACKEND

    def clear(self) -> None:
        self._memory = None
        if self.status is not KeyringStatus.SECURE:
            return
        try:
            self._backend.delete_password(SERVICE_NAME, self._key)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored
        except keyring.errors.KeyringError as error:
            log.warning("could not delete from the keyring: %s", type(error).__name__)
