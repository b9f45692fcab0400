"""Path safety of the media cache (DESIGN §5: names from the server never become local paths).

Only 64 lower-case hex digits become a file name; hostile strings are refused; bytes that do not
match their hash never land; and symlinks planted in the cache folder never make the cache
write, read or delete anything outside it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviewer_app.storage.media_cache import MediaCache, MediaHashMismatch, check_sha256

HEX = "0123456789abcdef"
GOOD = hashlib.sha256(b"a photo").hexdigest()

hostile = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=HEX.upper() + HEX, min_size=63, max_size=65),
    st.builds(lambda s: s.upper(), st.text(alphabet=HEX, min_size=64, max_size=64)).filter(
        lambda s: s != s.lower()
    ),
    st.builds(lambda a, b: a + b, st.sampled_from(["../", "/", "..\\", "./", "~/"]), st.text()),
    st.builds(lambda h, c: h[:30] + c + h[31:], st.just(GOOD), st.sampled_from("\x00/\\.\n ")),
    st.just(GOOD + "\n"),
    st.just(GOOD.upper()),
    st.just("../" * 30 + "etc/passwd"),
    st.just("/etc/passwd"),
    st.just("a" * 10_000),
    # Unicode digits and letters that a careless \d or \w would take for hex.
    st.just("٠١٢٣٤٥٦٧٨٩" * 6 + "abcd"),
    st.just("ａ" * 64),
)


@contextmanager
def scratch() -> Iterator[tuple[MediaCache, Path]]:
    """A cache folder and, beside it, an 'outside' folder that must stay untouched."""
    root = Path(tempfile.mkdtemp(prefix="media-paths-"))
    try:
        yield MediaCache(root / "cache"), root / "outside"
    finally:
        shutil.rmtree(root)


def inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@given(name=hostile)
@example(name="")
@example(name=GOOD[:63])
@example(name=GOOD + "0")
@settings(max_examples=300, deadline=None)
def test_path_for_refuses_anything_but_64_lower_hex(name: str) -> None:
    with scratch() as (cache, _):
        if len(name) == 64 and all(c in HEX for c in name):
            assert inside(cache.path_for(name), cache.folder)
            return
        with pytest.raises(ValueError, match="SHA-256"):
            cache.path_for(name)
        with pytest.raises(ValueError, match="SHA-256"):
            check_sha256(name)
        with pytest.raises(ValueError, match="SHA-256"), cache.incoming(name) as sink:
            sink.write(b"x")
        assert cache.remove([name]) == 0
        assert list(cache.folder.iterdir()) == []


@given(name=st.text(alphabet=HEX, min_size=64, max_size=64))
@settings(max_examples=100, deadline=None)
def test_every_valid_hash_maps_inside_the_cache(name: str) -> None:
    with scratch() as (cache, _):
        path = cache.path_for(name)
        assert inside(path, cache.folder)
        assert path.name == name
        assert path.parent.parent == cache.folder


@given(data=st.binary(max_size=4096), claimed=st.binary(max_size=64))
@settings(max_examples=100, deadline=None)
def test_wrong_bytes_raise_and_leave_no_file(data: bytes, claimed: bytes) -> None:
    sha = hashlib.sha256(claimed).hexdigest()
    if hashlib.sha256(data).digest() == hashlib.sha256(claimed).digest():
        return
    with scratch() as (cache, _):
        with pytest.raises(MediaHashMismatch), cache.incoming(sha) as sink:
            sink.write(data)
        assert not cache.has(sha)
        assert snapshot(cache.folder) == {}
        assert list(cache.folder.glob(".incoming-*")) == []


def test_right_bytes_land_under_their_hash() -> None:
    with scratch() as (cache, _):
        with cache.incoming(GOOD) as sink:
            sink.write(b"a photo")
        assert cache.has(GOOD)
        assert cache.path_for(GOOD).read_bytes() == b"a photo"
        assert list(cache.folder.glob(".incoming-*")) == []


def test_a_download_cut_short_leaves_nothing() -> None:
    with scratch() as (cache, _):

        def cut_short() -> None:
            with cache.incoming(GOOD) as sink:
                sink.write(b"a ph")
                raise ConnectionError("reset")

        with pytest.raises(ConnectionError):
            cut_short()
        assert snapshot(cache.folder) == {}


@given(data=st.binary(min_size=1, max_size=512))
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_symlink_at_the_target_is_replaced_not_followed(data: bytes) -> None:
    sha = hashlib.sha256(data).hexdigest()
    with scratch() as (cache, outside):
        outside.mkdir()
        victim = outside / "victim"
        victim.write_bytes(b"precious")
        target = cache.path_for(sha)
        target.parent.mkdir(parents=True)
        target.symlink_to(victim)

        with cache.incoming(sha) as sink:
            sink.write(data)

        assert victim.read_bytes() == b"precious"
        assert not target.is_symlink()
        assert target.read_bytes() == data
        assert cache.remove([sha]) == 1
        assert victim.read_bytes() == b"precious"


def test_symlink_at_a_wrong_target_is_left_and_outside_untouched() -> None:
    """Bytes that fail the hash never touch a symlink planted at the target."""
    with scratch() as (cache, outside):
        outside.mkdir()
        victim = outside / "victim"
        victim.write_bytes(b"precious")
        target = cache.path_for(GOOD)
        target.parent.mkdir(parents=True)
        target.symlink_to(victim)
        with pytest.raises(MediaHashMismatch), cache.incoming(GOOD) as sink:
            sink.write(b"not the photo")
        assert victim.read_bytes() == b"precious"


def plant_fan_out_link(cache: MediaCache, outside: Path, sha: str) -> dict[str, bytes]:
    """`cache/<sha[:2]>` -> `outside`, with files there that must not change."""
    outside.mkdir()
    (outside / sha).write_bytes(b"same name, not ours")
    (outside / "other").write_bytes(b"precious")
    (cache.folder / sha[:2]).symlink_to(outside, target_is_directory=True)
    return snapshot(outside)


def test_symlinked_fan_out_folder_does_not_receive_downloads() -> None:
    """A planted `cache/ab -> /somewhere/else` must not make a download land there: the cache
    should refuse (or replace) a fan-out folder that is not a real directory."""
    sha = hashlib.sha256(b"a photo").hexdigest()
    with scratch() as (cache, outside):
        before = plant_fan_out_link(cache, outside, sha)
        try:
            with cache.incoming(sha) as sink:
                sink.write(b"a photo")
        except OSError:
            pass  # refusing is fine
        assert snapshot(outside) == before, "a download was written outside the cache folder"


def test_symlinked_fan_out_folder_is_not_counted_or_deleted_through() -> None:
    sha = hashlib.sha256(b"a photo").hexdigest()
    with scratch() as (cache, outside):
        before = plant_fan_out_link(cache, outside, sha)
        assert not cache.has(sha), "a file outside the cache counts as cached"
        assert cache.size() == 0, "files outside the cache are counted in its size"
        cache.remove([sha])
        assert snapshot(outside) == before, "remove() deleted a file outside the cache folder"


# Where a symlink may be planted: the fan-out folder, the file itself, or neither; pointing at
# a folder outside, a file outside, or nowhere.
plants = st.sampled_from(["fan-out->dir", "fan-out->file", "fan-out->nowhere", "file->file", None])


@given(
    data=st.binary(min_size=1, max_size=2048),
    plant=plants,
    other=st.binary(min_size=1, max_size=64),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_planted_symlinks_are_never_followed(data: bytes, plant: str | None, other: bytes) -> None:
    """Whatever is planted, the cache never writes, counts, reports or deletes anything outside
    its folder; a download still lands (in a real folder) under its hash."""
    sha = hashlib.sha256(data).hexdigest()
    with scratch() as (cache, outside):
        outside.mkdir()
        (outside / sha).write_bytes(other)  # the very name the cache would use
        (outside / "file").write_bytes(other)
        fan_out = cache.folder / sha[:2]
        if plant == "fan-out->dir":
            fan_out.symlink_to(outside, target_is_directory=True)
        elif plant == "fan-out->file":
            fan_out.symlink_to(outside / "file")
        elif plant == "fan-out->nowhere":
            fan_out.symlink_to(outside / "missing", target_is_directory=True)
        elif plant == "file->file":
            fan_out.mkdir()
            (fan_out / sha).symlink_to(outside / sha)
        before = snapshot(outside)

        assert not cache.has(sha), "a file outside the cache counts as cached"
        assert cache.size() == 0
        cache.remove([sha])
        assert snapshot(outside) == before

        with cache.incoming(sha) as sink:
            sink.write(data)
        assert snapshot(outside) == before, "the download was written outside the cache"
        assert not fan_out.is_symlink()
        assert not cache.path_for(sha).is_symlink()
        assert cache.has(sha)
        assert cache.path_for(sha).read_bytes() == data
        assert cache.size() == len(data)
        assert cache.remove([sha]) == 1
        assert not cache.has(sha)
        assert snapshot(outside) == before
