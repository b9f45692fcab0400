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
import stat
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
    """Files at `<folder>/<sha[:2]>/<sha>`. Nothing here follows a symlink planted inside the
    folder: a fan-out folder that is a symlink (or not a folder) is replaced by a real one
    before a file lands in it, is not looked into by `has()` or `size()`, and `remove()` never
    deletes through it; a symlink where a file should be counts as not cached."""

    def __init__(self, folder: Path, cap_bytes: int = 2 * 1024**3) -> None:
        self.folder = folder
        self.cap_bytes = cap_bytes
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path_for(self, sha256: str) -> Path:
        check_sha256(sha256)
        # Two-level fan-out keeps folders small.
        return self.folder / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        path = self.path_for(sha256)
        if not _is_real_dir(path.parent):
            return False
        try:
            return stat.S_ISREG(path.lstat().st_mode)
        except OSError:
            return False

    @contextmanager
    def incoming(self, sha256: str) -> Iterator[IO[bytes]]:
        """Write the bytes of `sha256` to the yielded file; on leaving, the content is hashed
        and moved into place, or deleted and MediaHashMismatch raised."""
        target = self.path_for(sha256)
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
            fan_out = self._fan_out_fd(target.parent.name)
            try:
                # Relative to the fan-out folder's descriptor, opened without following a link:
                # the rename cannot be redirected by a link swapped in meanwhile.
                os.replace(temporary, target.name, dst_dir_fd=fan_out)
            finally:
                os.close(fan_out)
        finally:
            temporary.unlink(missing_ok=True)

    def remove(self, hashes: Iterable[str]) -> int:
        removed = 0
        for sha256 in hashes:
            try:
                path = self.path_for(sha256)
            except ValueError:
                continue
            try:
                fan_out = _open_dir(path.parent)
            except OSError:
                continue  # no such folder, or a symlink / not a folder: nothing of ours there
            try:
                os.unlink(path.name, dir_fd=fan_out)
                removed += 1
            except FileNotFoundError:
                continue
            finally:
                os.close(fan_out)
        return removed

    def size(self) -> int:
        total = 0
        with os.scandir(self.folder) as top:
            for folder in top:
                if len(folder.name) != 2 or not folder.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(folder.path) as files:
                    for entry in files:
                        if entry.is_file(follow_symlinks=False):
                            total += entry.stat(follow_symlinks=False).st_size
        return total

    def clear_incoming(self) -> None:
        """Leftovers of downloads cut short by a crash."""
        for leftover in self.folder.glob(".incoming-*"):
            leftover.unlink(missing_ok=True)

    # -- plumbing ----------------------------------------------------------------------------
    def _fan_out_fd(self, name: str) -> int:
        """A descriptor of the real folder `<folder>/<name>`, made if missing; a symlink or a
        file in its place is removed first (unlink does not follow a link)."""
        path = self.folder / name
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISDIR(mode):
            path.unlink()
        path.mkdir(exist_ok=True, mode=0o700)
        return _open_dir(path)


def _open_dir(path: Path) -> int:
    """Open a folder for *at() calls; fails (OSError) when `path` is a symlink or not a folder."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
