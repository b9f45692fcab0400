"""The keyring wrapper (reviewer_app.net.credentials): a secure backend keeps the tokens; no
secure backend (keyring's `fail`/`null`, or keyrings.alt's plaintext file) and a locked keyring
each say so and keep the tokens in memory only; no token ever shows in a repr or a log.

keyring's own `fail` and `null` backends are used as they are. The rest are test backends
defined here (the real keyrings.alt is not a dependency, and the real Secret Service would touch
the user's keyring): each is named for what it stands in for, and none is ever offered by
keyring's own backend discovery (their `priority` raises, so keyring deems them not viable).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from fakekeyring import FakeBackend, FakePlaintextKeyring, FakeSecureKeyring
from keyring.backend import KeyringBackend

from reviewer_app.net.credentials import (
    SERVICE_NAME,
    Credentials,
    KeyringStatus,
    StoredTokens,
    is_secure,
)

URL = "http://127.0.0.1:8400/"
ACCESS = "access-TOKEN-4f2b9c"
REFRESH = "refresh-TOKEN-77aa01"
TOKENS = StoredTokens(ACCESS, REFRESH)


InMemoryKeyring = FakeSecureKeyring  # the name these tests use


class LockedKeyring(FakeBackend):
    """Stands in for a Secret Service whose collection the user declined to unlock."""

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        raise keyring.errors.KeyringLocked("the collection is locked")


class FakeChainer(FakeBackend):
    """keyring's ChainerBackend shape: judged by the backends it chains."""

    def __init__(self, *members: KeyringBackend) -> None:
        super().__init__()
        self.backends = list(members)


def test_the_test_backends_are_never_chosen_by_keyring() -> None:
    viable = set(KeyringBackend.get_viable_backends())
    assert not viable & {InMemoryKeyring, FakePlaintextKeyring, LockedKeyring, FakeChainer}


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring(), FakePlaintextKeyring()],
    ids=["fail", "null", "keyrings.alt plaintext"],
)
def test_no_secure_backend_keeps_tokens_in_memory_only(backend: KeyringBackend) -> None:
    credentials = Credentials(URL, "rita", backend=backend)
    assert credentials.status is KeyringStatus.NO_SECURE_BACKEND
    assert "No secure password store" in credentials.explanation
    assert credentials.load() is None

    credentials.save(TOKENS)
    assert credentials.load() == TOKENS  # for this session
    if isinstance(backend, FakeBackend):
        assert backend.secrets == {}  # never written to the plaintext file
        assert backend.calls == []

    # The next start (a new wrapper) has nothing: the user signs in again.
    assert Credentials(URL, "rita", backend=backend).load() is None
    credentials.clear()
    assert credentials.load() is None


def test_a_secure_backend_saves_and_loads() -> None:
    backend = InMemoryKeyring()
    credentials = Credentials(URL, "rita", backend=backend)
    assert credentials.status is KeyringStatus.SECURE
    assert credentials.explanation == ""
    assert credentials.load() is None  # no password yet: sign in

    credentials.save(TOKENS)
    [(key, payload)] = backend.secrets.items()
    assert key == (SERVICE_NAME, "rita@http://127.0.0.1:8400")
    assert json.loads(payload) == {"access_token": ACCESS, "refresh_token": REFRESH}

    again = Credentials(URL.rstrip("/"), "rita", backend=backend)  # the next start
    assert again.load() == TOKENS
    assert Credentials(URL, "rob", backend=backend).load() is None  # per account

    again.clear()
    assert backend.secrets == {}
    assert Credentials(URL, "rita", backend=backend).load() is None
    again.clear()  # nothing stored: quiet


def test_remember_false_keeps_the_tokens_out_of_the_keyring() -> None:
    backend = InMemoryKeyring()
    credentials = Credentials(URL, "rita", backend=backend)
    credentials.save(TOKENS, remember=False)
    assert credentials.load() == TOKENS
    assert backend.secrets == {}


def test_an_unreadable_entry_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    backend = InMemoryKeyring()
    backend.secrets[(SERVICE_NAME, "rita@http://127.0.0.1:8400")] = '{"access_token": "x"'
    with caplog.at_level(logging.WARNING):
        assert Credentials(URL, "rita", backend=backend).load() is None
    assert "unreadable" in caplog.text


def test_a_locked_keyring_says_so_and_keeps_tokens_in_memory() -> None:
    backend = LockedKeyring()
    credentials = Credentials(URL, "rita", backend=backend)
    assert credentials.status is KeyringStatus.SECURE  # not known until it is used
    assert credentials.load() is None
    assert credentials.status is KeyringStatus.LOCKED
    assert "locked" in credentials.explanation
    assert "Unlock it" in credentials.explanation

    fresh = Credentials(URL, "rita", backend=LockedKeyring())
    fresh.save(TOKENS)
    assert fresh.status is KeyringStatus.LOCKED
    assert fresh.load() == TOKENS
    assert "locked" in fresh.explanation


def test_a_chain_is_secure_only_if_every_member_is() -> None:
    assert is_secure(FakeChainer(InMemoryKeyring()))
    assert not is_secure(FakeChainer(InMemoryKeyring(), FakePlaintextKeyring()))
    assert not is_secure(FakeChainer(keyring.backends.fail.Keyring()))


def test_no_token_in_reprs_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    class BrokenKeyring(InMemoryKeyring):
        """Stands in for a backend failing with the secret in its error text."""

        def set_password(self, service: str, username: str, password: str) -> None:
            raise keyring.errors.PasswordSetError(f"cannot store {password}")

    seen: list[Any] = []
    with caplog.at_level(logging.DEBUG):
        for backend in (InMemoryKeyring(), BrokenKeyring(), LockedKeyring()):
            credentials = Credentials(URL, "rita", backend=backend)
            credentials.save(TOKENS)
            seen += [credentials, credentials.load(), credentials.status, credentials.explanation]
    assert repr(TOKENS) == "StoredTokens(<hidden>)"
    assert str(TOKENS) == "StoredTokens(<hidden>)"
    text = " ".join(repr(x) + str(x) for x in seen) + caplog.text
    assert "cannot store" not in caplog.text
    assert ACCESS not in text
    assert REFRESH not in text
