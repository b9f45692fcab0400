"""Users, password hashes and bearer tokens.

Passwords are hashed with scrypt (standard library). Tokens are random; only their SHA-256 is
stored, so a copy of the database does not hand out sessions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from reviewer_app.core.wire import TokenOut, UserOut
from reviewer_app.service import db
from reviewer_app.service.errors import unauthorized
from reviewer_app.service.store import Store

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
    except ValueError:
        return False
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest, expected)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    username: str
    display_name: str
    role: str

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


def upsert_user(
    session: Session, username: str, password: str, role: str, display_name: str
) -> None:
    user = session.get(db.User, username)
    if user is None:
        session.add(
            db.User(
                username=username,
                display_name=display_name,
                role=role,
                password_hash=hash_password(password),
            )
        )
    else:
        user.display_name = display_name
        user.role = role
        user.password_hash = hash_password(password)


class Auth:
    def __init__(self, store: Store) -> None:
        self._store = store

    def login(self, username: str, password: str) -> TokenOut:
        with self._store.read() as session:
            user = session.get(db.User, username)
            stored = user.password_hash if user else None
        # Hash even for an unknown user, so the answer's timing does not tell which users exist.
        ok = check_password(password, stored or _DUMMY_HASH)
        if user is None or not ok:
            raise unauthorized("wrong user name or password")
        return self._issue(user)

    def refresh(self, refresh_token: str) -> TokenOut:
        now = self._store.settings.clock()
        with self._store.write() as session:
            # One conditional UPDATE spends the token, so of two concurrent refreshes with the
            # same token only one can win (refresh tokens are single use).
            username = session.execute(
                update(db.Token)
                .where(
                    db.Token.token_hash == _token_hash(refresh_token),
                    db.Token.kind == "refresh",
                    db.Token.revoked.is_(False),
                    db.Token.expires_at > now,
                )
                .values(revoked=True)
                .returning(db.Token.username)
            ).scalar_one_or_none()
            if username is None:
                raise unauthorized("the refresh token is unknown, used or expired: sign in again")
            user = session.get(db.User, username)
            if user is None:
                raise unauthorized("the user no longer exists")
        return self._issue(user)

    def _issue(self, user: db.User) -> TokenOut:
        settings = self._store.settings
        now = settings.clock()
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        access_expires = now + timedelta(seconds=settings.access_token_seconds)
        refresh_expires = now + timedelta(seconds=settings.refresh_token_seconds)
        with self._store.write() as session:
            session.execute(delete(db.Token).where(db.Token.expires_at < now))
            session.add(
                db.Token(
                    token_hash=_token_hash(access),
                    kind="access",
                    username=user.username,
                    expires_at=access_expires,
                )
            )
            session.add(
                db.Token(
                    token_hash=_token_hash(refresh),
                    kind="refresh",
                    username=user.username,
                    expires_at=refresh_expires,
                )
            )
        return TokenOut(
            access_token=access,
            refresh_token=refresh,
            expires_at=access_expires,
            expires_in=settings.access_token_seconds,
            refresh_expires_at=refresh_expires,
            user=UserOut(username=user.username, display_name=user.display_name, role=user.role),  # type: ignore[arg-type]
        )

    def authenticate(self, token: str | None) -> Principal:
        if not token:
            raise unauthorized("sign in first: this call needs a bearer token")
        now: datetime = self._store.settings.clock()
        with self._store.read() as session:
            row = session.get(db.Token, _token_hash(token))
            if row is None or row.kind != "access" or row.revoked:
                raise unauthorized("the access token is not valid: sign in again")
            if row.expires_at <= now:
                raise unauthorized("the access token has expired: refresh it or sign in again")
            user = session.get(db.User, row.username)
            if user is None:
                raise unauthorized("the user no longer exists")
            return Principal(user.username, user.display_name, user.role)


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
