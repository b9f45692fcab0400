"""The workstation's local store: one SQLite file and the media cache beside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from reviewer_app.core.sla import utc_now
from reviewer_app.storage.claims import Claims
from reviewer_app.storage.database import Database
from reviewer_app.storage.media_cache import MediaCache
from reviewer_app.storage.outbox import Outbox
from reviewer_app.storage.queue_cache import QueueCache


class LocalStore:
    def __init__(
        self,
        db_path: Path,
        media_folder: Path,
        *,
        clock: Callable[[], datetime] = utc_now,
        media_cap_bytes: int = 2 * 1024**3,
        check: bool = True,
    ) -> None:
        self.db = Database(db_path, clock=clock, check=check)
        self.queue = QueueCache(self.db)
        self.claims = Claims(self.db)
        self.outbox = Outbox(self.db)
        self.media = MediaCache(media_folder, media_cap_bytes)
        self.media.clear_incoming()
        self.outbox.recover()

    def enforce_media_cap(self) -> int:
        """Evict least recently used media outside the open claims until under the cap."""
        total = self.media.size()
        if total <= self.media.cap_bytes:
            return 0
        evicted: list[str] = []
        for sha256, size in self.claims.evictable_media():
            if total <= self.media.cap_bytes:
                break
            evicted.append(sha256)
            total -= size
        for sha256 in evicted:
            self.claims.mark_media(sha256, "wanted")
        return self.media.remove(evicted)

    def purge(self, *, everything: bool = False) -> int:
        """Remove profiles and media past retention (or all, at sign-out), then checkpoint the
        WAL so the deleted data does not linger in it. Returns media files removed.

        At sign-out (`everything`) the queue cache (applicants' names) and the sync cursors go
        too, so the next sign-in starts with a full pull. Decisions are never removed: those not
        yet delivered are sent after the next sign-in."""
        hashes = self.claims.purge_due(everything=everything)
        removed = self.media.remove(hashes)
        if everything:
            self.queue.reset()
        self.db.checkpoint()
        return removed

    def close(self) -> None:
        self.db.close()
