"""The content-addressed media cache on disk.

A file's name is the SHA-256 of its bytes, checked as 64 lower-case hex digits before it becomes
part of a path; nothing the server sends (URLs, file names) ever does. Files arrive in a
temporary file inside the cache folder, are hashed, and are moved into place only when the hash
matches.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

_SHA256 = re.compile(r"[0-9a-f]{64}")


class MediaHashMismatch(ValueError):
    pass


def check_sha256(value: str) -> str:
    if not isinstance(value, str) or _SHA256.fullmatch(value) is None:
        raise ValueError("not a SHA-256 digest in lower-case hex")
    return value


class MediaCache:
    def __init__(self, folder: Path, cap_bytes: int = 2 * 1024**3) -> None:
        self.folder = folder
        self.cap_bytes = cap_bytes
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path_for(self, sha256: str) -> Path:
        check_sha256(sha256)
        # Two-level fan-out keeps folders small.
        return self.folder / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    @contextmanager
    def incoming(self, sha256: str) -> Iterator[IO[bytes]]:
        """Write the bytes of `sha256` to the yielded file; on leaving, the content is hashed
        and moved into place, or deleted and MediaHashMismatch raised."""
        target = self.path_for(sha256)
        target.parent.mkdir(exist_ok=True, mode=0o700)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below in every path
            dir=self.folder, prefix=".incoming-", delete=False
        )
        temporary = Path(handle.name)
        try:
            with handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            digest = _hash_file(temporary)
            if digest != sha256:
                raise MediaHashMismatch(f"the media's bytes do not match its hash ({sha256[:12]}…)")
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)

    def remove(self, hashes: Iterable[str]) -> int:
        removed = 0
        for sha256 in hashes:
            try:
                self.path_for(sha256).unlink()
                removed += 1
            except (FileNotFoundError, ValueError):
                continue
        return removed

    def size(self) -> int:
        return sum(path.stat().st_size for path in self.folder.glob("??/*") if path.is_file())

    def clear_incoming(self) -> None:
        """Leftovers of downloads cut short by a crash."""
        for leftover in self.folder.glob(".incoming-*"):
            leftover.unlink(missing_ok=True)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
