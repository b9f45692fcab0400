"""Media for the checks: where the bytes come from, and how an image is decoded and measured.

Two small interfaces keep the checks independent of where media lives and which library
decodes it:

* `MediaSource` hands out the bytes (or a file) of a media item by its SHA-256. A source never
  turns a name from the server into a path: it only accepts a 64-digit lower-case hex digest,
  and it verifies that the bytes hash to it.
* `ImageAnalyzer` turns untrusted image bytes into measurements (`ImageMeasures`): size, format,
  brightness, contrast, sharpness and a perceptual hash. `PillowImageAnalyzer` is the one we
  use; the photo check only compares measurements against the policy.

Images are decoded under an allocation limit: the header is read first and an image with more
than `max_pixels` pixels is refused before any pixel is decoded; a truncated or corrupt file is
refused rather than shown with a grey bottom.

Videos are probed in a separate process (see `video.py` and `video_probe.py`).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageFile, ImageFilter, ImageStat, UnidentifiedImageError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")

MAX_MEDIA_BYTES = 200 * 1024 * 1024


class MediaUnavailable(Exception):
    """The media item cannot be had: `problem` is `missing`, `hash_mismatch`, `too_large` or
    `unreadable`."""

    def __init__(self, sha256: str, problem: str, message: str) -> None:
        super().__init__(message)
        self.sha256 = sha256
        self.problem = problem


class MediaSource(Protocol):
    def read(self, sha256: str) -> bytes:
        """The verified bytes of a media item; raises MediaUnavailable."""

    def file(self, sha256: str) -> Path | None:
        """A local file holding the verified bytes, if the source has one (None otherwise:
        the caller writes the bytes to a temporary file)."""


def _require_digest(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise MediaUnavailable(sha256, "missing", f"not a SHA-256 digest: {sha256[:80]!r}")
    return sha256


def _verify(sha256: str, data: bytes) -> bytes:
    if hashlib.sha256(data).hexdigest() != sha256:
        raise MediaUnavailable(
            sha256, "hash_mismatch", f"the media file {sha256[:12]}… does not match its SHA-256"
        )
    return data


class DirectoryMediaSource:
    """Media files in one folder, each named by the SHA-256 of its bytes."""

    def __init__(self, folder: Path, *, max_bytes: int = MAX_MEDIA_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._verified: set[str] = set()

    def _path(self, sha256: str) -> Path:
        return self.folder / _require_digest(sha256)

    def read(self, sha256: str) -> bytes:
        path = self._path(sha256)
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise MediaUnavailable(
                    sha256, "too_large", f"the media file is {size} bytes, over {self.max_bytes}"
                )
            data = path.read_bytes()
        except FileNotFoundError:
            raise MediaUnavailable(
                sha256, "missing", f"no media file {sha256[:12]}… in {self.folder}"
            ) from None
        except IsADirectoryError:
            raise MediaUnavailable(sha256, "unreadable", f"{path} is a folder") from None
        except OSError as error:
            raise MediaUnavailable(
                sha256, "unreadable", f"cannot read the media file {sha256[:12]}…: {error}"
            ) from None
        _verify(sha256, data)
        self._verified.add(sha256)
        return data

    def file(self, sha256: str) -> Path | None:
        path = self._path(sha256)
        if sha256 not in self._verified:
            self.read(sha256)  # verifies the hash; raises MediaUnavailable
        return path


class MemoryMediaSource:
    """Media held in memory (sha256 -> bytes, or sha256 -> (content type, bytes))."""

    def __init__(self, items: Mapping[str, bytes | tuple[str, bytes]]) -> None:
        self._items = {
            sha: (value[1] if isinstance(value, tuple) else value) for sha, value in items.items()
        }

    def read(self, sha256: str) -> bytes:
        data = self._items.get(_require_digest(sha256))
        if data is None:
            raise MediaUnavailable(sha256, "missing", f"no media {sha256[:12]}… in memory")
        return _verify(sha256, data)

    def file(self, sha256: str) -> Path | None:
        return None


# -- images ---------------------------------------------------------------------------------------


class ImageRefused(Exception):
    """The bytes are not an image we decode: `problem` is `not_image`, `too_large`,
    `truncated` or `corrupt`."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class ImageMeasures:
    """What the photo check needs to know about an image.

    Brightness figures are on the 0–255 scale of the luma (grey) channel. `sharpness` is the
    variance of the Laplacian of the grey image reduced so that its long side is at most
    `ANALYSIS_SIZE` pixels (so it hardly depends on the resolution); `blur_ratio` compares the
    image with a slightly blurred copy of itself (near 1: already blurred; well below 1: sharp).
    `low` and `high` are the 1st and 99th percentiles of the luma: where the shadows and the
    highlights of the photo sit. `dhash` is a 256-bit difference hash (`HASH_SIDE`² bits).
    """

    format: str
    width: int
    height: int
    mean: float
    stddev: float
    low: int  # 1st percentile of the luma
    high: int  # 99th percentile
    bright_share: float  # share of pixels at luma >= 250 (blown out)
    sharpness: float
    blur_ratio: float
    dhash: int


class ImageAnalyzer(Protocol):
    def analyze(self, data: bytes) -> ImageMeasures:
        """Measure an image; raises ImageRefused."""


ANALYSIS_SIZE = 256
DEFAULT_MAX_PIXELS = 40_000_000  # 40 MP: more than any phone camera, ~160 MB as RGBA
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class PillowImageAnalyzer:
    """Decodes JPEG, PNG and WebP with Pillow under a pixel limit."""

    def __init__(self, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        self.max_pixels = max_pixels

    def analyze(self, data: bytes) -> ImageMeasures:
        if ImageFile.LOAD_TRUNCATED_IMAGES:  # a process-wide switch: refuse to work with it on
            raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is on: truncation goes unseen")
        if not data:
            raise ImageRefused("not_image", "the file is empty")
        # Our pixel limit is checked on the header before any decoding, and sits below Pillow's
        # own bomb check (which warns, then raises, far above it): a warning turned into an
        # error by the process's filters is refused like the error.
        try:
            image = self._open(data)
            fmt = str(image.format)
            width, height = image.size
            self._verify(data)
            image = self._open(data)
            image.draft("L", (ANALYSIS_SIZE * 2, ANALYSIS_SIZE * 2))  # JPEG: DCT scaling
            image.load()
        except ImageRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageRefused("too_large", str(error)) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError) as error:
            text = str(error)
            problem = "truncated" if "runcat" in text or "broken data" in text else "corrupt"
            raise ImageRefused(problem, f"the image cannot be decoded: {text}") from None
        except MemoryError:
            raise ImageRefused("too_large", "the image does not fit in memory") from None
        return _measure(image, fmt, width, height)

    def _open(self, data: bytes) -> Image.Image:
        try:
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            raise ImageRefused("not_image", f"not a {', '.join(ALLOWED_FORMATS)} image") from None
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ImageRefused("corrupt", f"the image claims a size of {width}×{height}")
        if width * height > self.max_pixels:
            raise ImageRefused(
                "too_large",
                f"the image is {width}×{height} pixels, over the limit of {self.max_pixels:,}",
            )
        return image

    def _verify(self, data: bytes) -> None:
        image = self._open(data)
        image.verify()  # checks PNG chunk CRCs; a no-op for some formats, hence the full load


def _measure(image: Image.Image, fmt: str, width: int, height: int) -> ImageMeasures:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels count as white, as a profile page shows them.
        rgba = image.convert("RGBA")
        background = rgba.copy()
        background.paste((255, 255, 255, 255), (0, 0, *rgba.size))
        background.alpha_composite(rgba)
        image = background
    gray = image.convert("L")
    gray.thumbnail((ANALYSIS_SIZE, ANALYSIS_SIZE))  # keeps the aspect ratio
    stat = ImageStat.Stat(gray)
    histogram = gray.histogram()
    pixels = max(1, gray.size[0] * gray.size[1])
    sharpness = _laplacian_variance(gray)
    softened = gray.filter(ImageFilter.GaussianBlur(1))
    blur_ratio = _laplacian_variance(softened) / sharpness if sharpness > 0 else 1.0
    return ImageMeasures(
        format=fmt,
        width=width,
        height=height,
        mean=stat.mean[0],
        stddev=stat.stddev[0],
        low=_percentile(histogram, pixels, 0.01),
        high=_percentile(histogram, pixels, 0.99),
        bright_share=sum(histogram[250:]) / pixels,
        sharpness=sharpness,
        blur_ratio=blur_ratio,
        dhash=dhash(gray),
    )


def _percentile(histogram: list[int], total: int, share: float) -> int:
    wanted = share * total
    seen = 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return level
    return len(histogram) - 1


_LAPLACIAN = (0, 1, 0, 1, -4, 1, 0, 1, 0)


def _laplacian_variance(gray: Image.Image) -> float:
    # Offset 128 keeps the signed response inside 0..255 (strong edges clip, which only
    # lowers the figure for very sharp images); the border row and column are left out.
    response = gray.filter(ImageFilter.Kernel((3, 3), _LAPLACIAN, scale=1, offset=128))
    w, h = response.size
    if w > 2 and h > 2:
        response = response.crop((1, 1, w - 1, h - 1))
    return float(ImageStat.Stat(response).var[0])


HASH_SIDE = 16
HASH_BITS = HASH_SIDE * HASH_SIDE


def dhash(gray: Image.Image, side: int = HASH_SIDE) -> int:
    """Difference hash of `side`² bits: each bit says whether a pixel is brighter than its
    right-hand neighbour in a (side+1)×side reduction of the image. 16×16 = 256 bits: the
    common 8×8 hash cannot tell apart two different head-and-shoulders portraits on a plain
    background (they come within 4 of 64 bits)."""
    small = gray.convert("L").resize((side + 1, side), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    bits = 0
    for row in range(side):
        base = row * (side + 1)
        for col in range(side):
            bits = (bits << 1) | (pixels[base + col] > pixels[base + col + 1])
    return bits
