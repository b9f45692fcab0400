"""Fakes of keyring backends (a real system keyring cannot run in a headless test)."""

from __future__ import annotations

import keyring.errors
from keyring.backend import KeyringBackend
from keyring.compat import properties


class FakeBackend(KeyringBackend):
    """A keyring in memory that records its calls; never chosen by keyring itself."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("a test backend: never chosen by keyring itself")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.secrets: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not there")


class FakeSecureKeyring(FakeBackend):
    """Stands in for a secure system keyring (Secret Service, macOS Keychain), in memory."""


class FakePlaintextKeyring(FakeBackend):
    """A fake of keyrings.alt's PlaintextKeyring (base64 in a file): judged by its module, as
    the real one is."""


FakePlaintextKeyring.__module__ = "keyrings.alt.file"
