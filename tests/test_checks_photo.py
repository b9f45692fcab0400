"""The photo check: decoding under limits, quality measures, duplicates."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance
from test_checks_support import blurred, encode, huge_png, photo_ref, portrait, sha

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import Severity, Status
from reviewer_app.core.checks.media import (
    DirectoryMediaSource,
    ImageRefused,
    MediaUnavailable,
    MemoryMediaSource,
    PillowImageAnalyzer,
)
from reviewer_app.core.checks.photo import KnownPhoto, PhotoHashIndex, check_photo

ANALYZER = PillowImageAnalyzer()


def run(data: bytes, index: PhotoHashIndex | None = None, app: str = "APP-1"):  # type: ignore[no-untyped-def]
    ref = photo_ref(data)
    finding, measures = check_photo(
        ref,
        MemoryMediaSource({ref.sha256: data}),
        ANALYZER,
        application_id=app,
        known_hashes=index,
    )
    return finding, measures


def kinds(data: bytes) -> list[str]:
    return [e.kind for e in run(data)[0].evidence]


def test_a_good_photo_passes_with_its_figures() -> None:
    finding, measures = run(encode(portrait(), "JPEG", quality=90))
    assert (finding.status, finding.suggested, finding.severity) == (
        Status.PASSED,
        False,
        Severity.INFO,
    )
    assert finding.reason == reasons.PHOTO
    assert measures is not None
    assert (finding.figure("width"), finding.figure("height")) == (512, 512)
    assert len(str(finding.details["dhash"])) == 64


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_read(fmt: str) -> None:
    assert run(encode(portrait(480, 600), fmt))[0].status is Status.PASSED


def test_no_photo_is_a_finding() -> None:
    finding, _ = check_photo(None, None, ANALYZER)
    assert (finding.suggested, finding.evidence[0].kind) == (True, "missing")


def test_a_photo_missing_from_the_cache_means_the_check_did_not_run() -> None:
    ref = photo_ref(b"whatever")
    finding, _ = check_photo(ref, MemoryMediaSource({}), ANALYZER)
    assert (finding.status, finding.suggested) == (Status.NOT_RUN, False)
    assert finding.evidence[0].kind == "media_missing"
    no_source, _ = check_photo(ref, None, ANALYZER)
    assert no_source.status is Status.NOT_RUN


def test_bytes_that_do_not_match_their_hash_are_not_used(tmp_path: Path) -> None:
    data = encode(portrait())
    ref = photo_ref(data)
    (tmp_path / ref.sha256).write_bytes(data[:-10] + b"0123456789")
    finding, _ = check_photo(ref, DirectoryMediaSource(tmp_path), ANALYZER)
    assert finding.status is Status.NOT_RUN
    assert finding.evidence[0].kind == "media_hash_mismatch"


def test_a_directory_source_accepts_only_digests(tmp_path: Path) -> None:
    source = DirectoryMediaSource(tmp_path)
    for name in ("../etc/passwd", "ABC", "a" * 63, "/" + "a" * 64):
        with pytest.raises(MediaUnavailable):
            source.read(name)


def test_too_small() -> None:
    finding, _ = run(encode(portrait(300, 300)))
    assert [e.kind for e in finding.evidence] == ["too_small"]
    assert finding.evidence[0].figures[0].value == 300


def test_blurred() -> None:
    assert kinds(encode(blurred(portrait(), 3.0))) == ["blurred"]


def test_too_dark() -> None:
    assert kinds(encode(ImageEnhance.Brightness(portrait()).enhance(0.2))) == ["too_dark"]


def test_washed_out() -> None:
    image = portrait()
    washed = Image.blend(image, Image.new("RGB", image.size, (255, 255, 255)), 0.7)
    assert kinds(encode(washed)) == ["washed_out"]


def test_flat_grey() -> None:
    assert kinds(encode(Image.new("RGB", (500, 500), (128, 128, 128)))) == ["no_contrast"]


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"", "not_an_image"),
        (b"<!DOCTYPE html><html>413 Request Entity Too Large</html>", "not_an_image"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "not_an_image"),
        (encode(portrait(), "GIF"), "not_an_image"),  # not an accepted format
    ],
)
def test_not_an_image(payload: bytes, kind: str) -> None:
    finding, _ = run(payload)
    assert (finding.status, finding.suggested) == (Status.FLAGGED, True)
    assert [e.kind for e in finding.evidence] == [kind]


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.9, 0.99])
def test_truncated_jpeg_is_detected(fraction: float) -> None:
    data = encode(portrait(), "JPEG", quality=92)
    assert kinds(data[: int(len(data) * fraction)]) == ["truncated"]


@pytest.mark.parametrize("fraction", [0.3, 0.8])
def test_truncated_png_is_detected(fraction: float) -> None:
    data = encode(portrait(), "PNG")
    assert kinds(data[: int(len(data) * fraction)]) in (["truncated"], ["corrupt"])


def test_corrupt_png_checksum_is_detected() -> None:
    data = bytearray(encode(portrait(), "PNG"))
    data[200] ^= 0xFF  # inside the first IDAT chunk: its CRC no longer matches
    finding, _ = run(bytes(data))
    assert finding.suggested
    assert finding.evidence[0].kind in ("corrupt", "truncated")


def test_a_20000_by_20000_png_is_refused_quickly_without_decoding() -> None:
    data = huge_png()
    started = time.perf_counter()
    finding, measures = run(data)
    assert time.perf_counter() - started < 0.5
    assert measures is None
    assert finding.suggested
    assert finding.evidence[0].kind == "too_large_to_decode"


def test_the_pixel_limit_is_ours_and_holds_below_pillows() -> None:
    analyzer = PillowImageAnalyzer(max_pixels=1000 * 1000)
    with pytest.raises(ImageRefused) as refused:
        analyzer.analyze(encode(Image.new("L", (1200, 1000), 0), "PNG"))
    assert refused.value.problem == "too_large"
    analyzer.analyze(encode(portrait(800, 800), "PNG"))


def test_truncation_switch_left_on_elsewhere_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(RuntimeError, match="LOAD_TRUNCATED_IMAGES"):
        ANALYZER.analyze(encode(portrait()))


def test_transparent_pixels_count_as_white() -> None:
    image = portrait().convert("RGBA")
    image.putalpha(0)
    assert kinds(encode(image, "PNG")) in (["washed_out"], ["no_contrast"])


# -- duplicates -----------------------------------------------------------------------------------


def _hash(data: bytes) -> int:
    measures = ANALYZER.analyze(data)
    return measures.dhash


def test_the_same_photo_reencoded_or_resized_is_a_duplicate() -> None:
    original = portrait(seed=5)
    index = PhotoHashIndex([KnownPhoto("APP-7", _hash(encode(original, quality=95)), "x" * 64)])
    for copy in (
        encode(original, quality=60),
        encode(original.resize((460, 460)), quality=80),
        encode(original, "PNG"),
    ):
        finding, _ = run(copy, index)
        assert [e.kind for e in finding.evidence] == ["duplicate"]
        assert finding.evidence[0].text == "APP-7"
        assert finding.suggested


def test_different_photos_are_not_duplicates() -> None:
    index = PhotoHashIndex(
        KnownPhoto(f"APP-{n}", _hash(encode(portrait(seed=n))), "") for n in range(10, 30)
    )
    assert run(encode(portrait(seed=1)), index)[0].status is Status.PASSED


def test_the_applications_own_earlier_photo_is_not_a_duplicate() -> None:
    data = encode(portrait(seed=3))
    index = PhotoHashIndex([KnownPhoto("APP-1", _hash(data), sha(data))])
    assert run(data, index, app="APP-1")[0].status is Status.PASSED
    finding, _ = run(data, index, app="APP-2")
    assert "identical file" in finding.evidence[0].message


def test_measures_are_fast_enough() -> None:
    data = encode(portrait(800, 800), quality=90)
    ANALYZER.analyze(data)
    started = time.perf_counter()
    for _ in range(5):
        ANALYZER.analyze(data)
    assert (time.perf_counter() - started) / 5 < 0.1


def test_a_big_jpeg_is_decoded_at_a_reduced_scale() -> None:
    data = encode(portrait(3000, 2000), quality=85)
    measures = ANALYZER.analyze(data)
    assert (measures.width, measures.height) == (3000, 2000)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (3000, 2000)
