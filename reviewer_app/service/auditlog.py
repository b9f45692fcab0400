"""The hash-linked decision log and its Ed25519-signed checkpoints."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from reviewer_app.core import audit
from reviewer_app.core.wire import AuditEntriesOut, AuditEntryOut, CheckpointOut
from reviewer_app.service import db
from reviewer_app.service.store import Store

_KEY_SETTING = "audit_signing_key"


class AuditLog:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._key = self._load_or_create_key()
        self.public_key_raw = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = audit.key_id(self.public_key_raw)

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key_raw).decode()

    def _load_or_create_key(self) -> Ed25519PrivateKey:
        # The reference service keeps its signing key in its own database; a production
        # deployment would keep it in a key-management service instead.
        with self._store.write() as session:
            stored = self._store.get_setting(session, _KEY_SETTING)
            if stored is not None:
                return Ed25519PrivateKey.from_private_bytes(base64.b64decode(stored))
            key = Ed25519PrivateKey.generate()
            raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            self._store.set_setting(session, _KEY_SETTING, base64.b64encode(raw).decode())
            return key

    def append(
        self, session: Session, decision: dict[str, Any], profile_sha256: str, now: datetime
    ) -> int:
        """Append an entry inside the caller's transaction; returns its index."""
        body = audit.entry_body(decision, profile_sha256, now)
        index = self._store.bump(session, "audit_size") - 1  # holds the log's lock until commit
        if index == 0:
            prev_hash = audit.GENESIS_HASH
        else:
            prev_hash = session.execute(
                select(db.AuditEntry.entry_hash).where(db.AuditEntry.index == index - 1)
            ).scalar_one()
        session.add(
            db.AuditEntry(
                index=index,
                body=body,
                prev_hash=prev_hash,
                entry_hash=audit.entry_hash(prev_hash, index, body),
                recorded_at=now,
            )
        )
        return index

    def append_many(
        self, session: Session, items: list[tuple[dict[str, Any], str]], now: datetime
    ) -> int:
        """Append entries (decision, profile SHA-256) in order inside the caller's
        transaction, advancing the log's size once; returns the index of the first."""
        if not items:
            return int(session.get_one(db.Counter, "audit_size").value)
        first = self._store.bump(session, "audit_size", len(items)) - len(items)
        if first == 0:
            prev_hash = audit.GENESIS_HASH
        else:
            prev_hash = session.execute(
                select(db.AuditEntry.entry_hash).where(db.AuditEntry.index == first - 1)
            ).scalar_one()
        rows = []
        for index, (decision, profile_sha256) in enumerate(items, start=first):
            body = audit.entry_body(decision, profile_sha256, now)
            entry_hash = audit.entry_hash(prev_hash, index, body)
            rows.append(
                db.AuditEntry(
                    index=index,
                    body=body,
                    prev_hash=prev_hash,
                    entry_hash=entry_hash,
                    recorded_at=now,
                )
            )
            prev_hash = entry_hash
        session.add_all(rows)
        return first

    def entries(self, after: int, limit: int) -> AuditEntriesOut:
        with self._store.read() as session:
            size = session.get_one(db.Counter, "audit_size").value
            rows = session.scalars(
                select(db.AuditEntry)
                .where(db.AuditEntry.index >= after)
                .order_by(db.AuditEntry.index)
                .limit(limit)
            ).all()
        entries = [
            AuditEntryOut(
                index=row.index,
                decision=row.body["decision"],
                profile_sha256=row.body["profile_sha256"],
                recorded_at=row.recorded_at,
                prev_hash=row.prev_hash,
                entry_hash=row.entry_hash,
            )
            for row in rows
        ]
        return AuditEntriesOut(
            entries=entries,
            next_index=(rows[-1].index + 1) if rows else after,
            size=size,
        )

    def checkpoint(self) -> CheckpointOut:
        now = self._store.settings.clock()
        with self._store.read() as session:
            size = session.get_one(db.Counter, "audit_size").value
            head = (
                session.execute(
                    select(db.AuditEntry.entry_hash).where(db.AuditEntry.index == size - 1)
                ).scalar_one()
                if size
                else audit.GENESIS_HASH
            )
        signature = self._key.sign(audit.checkpoint_message(size, head, now))
        return CheckpointOut(
            size=size,
            head_hash=head,
            signed_at=now,
            key_id=self.key_id,
            signature=base64.b64encode(signature).decode(),
        )
