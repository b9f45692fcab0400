"""Photo: missing, unreadable, too small, blurred, too dark or washed out, or the same photo as
another applicant's.

The measurements come from an `ImageAnalyzer` (media.py); this module only compares them with
the policy. Thresholds are on scales that do not depend on the photo's resolution: brightness on
the 0–255 luma scale, sharpness as a *re-blur ratio* (how much of the fine detail survives a
slight Gaussian blur: a photo that is already blurred loses almost nothing, so the ratio of the
Laplacian variance after and before is close to 1; a sharp photo keeps about a tenth).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import (
    Evidence,
    Figure,
    Finding,
    Severity,
    Status,
    not_run,
)
from reviewer_app.core.checks.media import (
    ImageAnalyzer,
    ImageMeasures,
    ImageRefused,
    MediaSource,
    MediaUnavailable,
)
from reviewer_app.core.models import MediaRef, Section

CHECK = "photo"
SECTION = str(Section.PHOTO)


@dataclass(frozen=True, slots=True)
class PhotoPolicy:
    min_side: int = 400  # the applicant-facing rule: at least 400 by 400 pixels
    max_blur_ratio: float = 0.3  # above: blurred (sharp photos measure ~0.07–0.15)
    # Exposure, on the 0–255 luma scale. A well-exposed photo has some shadows and some
    # highlights; a dark one has no highlights, a washed-out one no shadows.
    min_high: int = 100  # the brightest 1% below this: too dark
    min_mean: float = 50.0  # … or the average below this
    max_low: int = 150  # the darkest 1% above this: washed out (no blacks left)
    max_bright_share: float = 0.5  # over half the photo blown out to white: washed out
    min_stddev: float = 10.0  # a flat photo with no contrast at all
    max_duplicate_distance: int = 25  # of the 256 difference-hash bits (~10%)


@dataclass(frozen=True, slots=True)
class KnownPhoto:
    """A photo of another application, for duplicate detection."""

    application_id: str
    dhash: int
    sha256: str = ""


class PhotoHashIndex:
    """Perceptual hashes of photos seen on other applications.

    A linear scan with XOR and popcount: 100,000 hashes take a few milliseconds. Exact
    SHA-256 matches are found in a dictionary first.
    """

    def __init__(self, photos: Iterable[KnownPhoto] = ()) -> None:
        self._photos: list[KnownPhoto] = []
        self._by_sha: dict[str, list[KnownPhoto]] = {}
        for photo in photos:
            self.add(photo)

    def add(self, photo: KnownPhoto) -> None:
        self._photos.append(photo)
        if photo.sha256:
            self._by_sha.setdefault(photo.sha256, []).append(photo)

    def __len__(self) -> int:
        return len(self._photos)

    def __iter__(self) -> Iterator[KnownPhoto]:
        return iter(self._photos)

    def matches(
        self, dhash: int, sha256: str, max_distance: int, *, exclude_application: str = ""
    ) -> list[tuple[int, KnownPhoto]]:
        """(distance, photo) of the known photos within `max_distance` bits, nearest first;
        photos of `exclude_application` (earlier revisions of the same application) are left
        out."""
        found: dict[int, tuple[int, KnownPhoto]] = {}
        for photo in self._by_sha.get(sha256, ()):
            if photo.application_id != exclude_application:
                found[id(photo)] = (0, photo)
        for photo in self._photos:
            if photo.application_id == exclude_application or id(photo) in found:
                continue
            distance = (photo.dhash ^ dhash).bit_count()
            if distance <= max_distance:
                found[id(photo)] = (distance, photo)
        return sorted(found.values(), key=lambda item: (item[0], item[1].application_id))


def _problem(kind: str, message: str, sha: str, *figures: Figure) -> Evidence:
    return Evidence(kind, message, section=SECTION, media_sha256=sha, figures=figures)


def judge_measures(measures: ImageMeasures, sha: str, policy: PhotoPolicy) -> list[Evidence]:
    """The quality problems of a decoded photo (empty when it is fine)."""
    problems: list[Evidence] = []
    width, height = measures.width, measures.height
    if min(width, height) < policy.min_side:
        problems.append(
            _problem(
                "too_small",
                f"{width}×{height} pixels; at least {policy.min_side}×{policy.min_side} needed.",
                sha,
                Figure("shorter_side", min(width, height), "px", policy.min_side, ">="),
            )
        )
    exposure_bad = True
    mean = round(measures.mean, 1)
    if measures.high < policy.min_high or measures.mean < policy.min_mean:
        problems.append(
            _problem(
                "too_dark",
                f"Too dark: the brightest parts reach only {measures.high} of 255 "
                f"(average {mean:.0f}).",
                sha,
                Figure("highlights", measures.high, "/255", policy.min_high, ">="),
                Figure("mean_brightness", mean, "/255", policy.min_mean, ">="),
            )
        )
    elif measures.low > policy.max_low or measures.bright_share > policy.max_bright_share:
        problems.append(
            _problem(
                "washed_out",
                f"Washed out: even the darkest parts are at {measures.low} of 255 "
                f"(average {mean:.0f}).",
                sha,
                Figure("shadows", measures.low, "/255", policy.max_low, "<="),
                Figure(
                    "white_share",
                    round(measures.bright_share, 3),
                    "",
                    policy.max_bright_share,
                    "<=",
                ),
            )
        )
    elif measures.stddev < policy.min_stddev:
        problems.append(
            _problem(
                "no_contrast",
                f"Almost no contrast ({measures.stddev:.0f} of 255): a flat, featureless image.",
                sha,
                Figure("contrast", round(measures.stddev, 1), "/255", policy.min_stddev, ">="),
            )
        )
    else:
        exposure_bad = False
    # With bad exposure the grain dominates the fine detail and the blur figure means little.
    if not exposure_bad and measures.blur_ratio > policy.max_blur_ratio:
        problems.append(
            _problem(
                "blurred",
                "Blurred: hardly any fine detail.",
                sha,
                Figure(
                    "blur_ratio", round(measures.blur_ratio, 3), "", policy.max_blur_ratio, "<="
                ),
                Figure("sharpness", round(measures.sharpness, 1), ""),
            )
        )
    return problems


def _duplicates(
    measures: ImageMeasures,
    ref: MediaRef,
    index: PhotoHashIndex | None,
    application_id: str,
    policy: PhotoPolicy,
) -> list[Evidence]:
    if index is None:
        return []
    matches = index.matches(
        measures.dhash,
        ref.sha256,
        policy.max_duplicate_distance,
        exclude_application=application_id,
    )
    if not matches:
        return []
    others = sorted({photo.application_id for _d, photo in matches})
    distance = matches[0][0]
    shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
    identical = distance == 0 and matches[0][1].sha256 == ref.sha256
    how = "the identical file" if identical else f"{distance} of 256 hash bits differ"
    return [
        Evidence(
            "duplicate",
            f"The same photo as on application {shown} ({how}).",
            section=SECTION,
            media_sha256=ref.sha256,
            text=others[0],
            figures=(
                Figure("hash_distance", distance, "bits", policy.max_duplicate_distance, ">"),
                Figure("other_applications", len(others)),
            ),
        )
    ]


def check_photo(
    ref: MediaRef | None,
    media: MediaSource | None,
    analyzer: ImageAnalyzer,
    *,
    application_id: str = "",
    known_hashes: PhotoHashIndex | None = None,
    policy: PhotoPolicy | None = None,
) -> tuple[Finding, ImageMeasures | None]:
    """The photo finding and, when the photo decoded, its measurements (for the hash index)."""
    policy = policy or PhotoPolicy()
    if ref is None:
        return (
            Finding(
                check=CHECK,
                reason=reasons.PHOTO,
                status=Status.FLAGGED,
                suggested=True,
                severity=Severity.ERROR,
                summary="No photo was uploaded.",
                evidence=(Evidence("missing", "The profile has no photo.", section=SECTION),),
            ),
            None,
        )
    if media is None:
        return (
            not_run(
                CHECK,
                reasons.PHOTO,
                "The photo is not available here: it was not checked.",
                Evidence(
                    "not_available",
                    "No media folder was given.",
                    section=SECTION,
                    media_sha256=ref.sha256,
                ),
            ),
            None,
        )
    try:
        data = media.read(ref.sha256)
    except MediaUnavailable as error:
        return (
            not_run(
                CHECK,
                reasons.PHOTO,
                f"The photo could not be checked: {error}.",
                Evidence(
                    f"media_{error.problem}", str(error), section=SECTION, media_sha256=ref.sha256
                ),
            ),
            None,
        )
    try:
        measures = analyzer.analyze(data)
    except ImageRefused as error:
        kind = {"not_image": "not_an_image", "too_large": "too_large_to_decode"}.get(
            error.problem, error.problem
        )
        what = {
            "not_an_image": "The uploaded file is not an image",
            "too_large_to_decode": "The image is too large to decode safely",
            "truncated": "The image file is cut short (an interrupted upload)",
        }.get(kind, "The image file is damaged")
        return (
            Finding(
                check=CHECK,
                reason=reasons.PHOTO,
                status=Status.FLAGGED,
                suggested=True,
                severity=Severity.ERROR,
                summary=f"{what}: it cannot be shown.",
                evidence=(
                    Evidence(
                        kind,
                        str(error),
                        section=SECTION,
                        media_sha256=ref.sha256,
                        figures=(Figure("bytes", len(data), "B"),),
                    ),
                ),
                details={"content_type": ref.content_type},
            ),
            None,
        )
    problems = judge_measures(measures, ref.sha256, policy)
    problems += _duplicates(measures, ref, known_hashes, application_id, policy)
    figures = (
        Figure("width", measures.width, "px", policy.min_side, ">="),
        Figure("height", measures.height, "px", policy.min_side, ">="),
        Figure("mean_brightness", round(measures.mean, 1), "/255"),
        Figure("shadows", measures.low, "/255", policy.max_low, "<="),
        Figure("highlights", measures.high, "/255", policy.min_high, ">="),
        Figure("contrast", round(measures.stddev, 1), "/255"),
        Figure("blur_ratio", round(measures.blur_ratio, 3), "", policy.max_blur_ratio, "<="),
    )
    details = {"format": measures.format, "dhash": f"{measures.dhash:064x}"}
    if not problems:
        return (
            Finding(
                check=CHECK,
                reason=reasons.PHOTO,
                status=Status.PASSED,
                suggested=False,
                severity=Severity.INFO,
                summary=f"The photo looks fine ({measures.width}×{measures.height}).",
                figures=figures,
                details=details,
            ),
            measures,
        )
    return (
        Finding(
            check=CHECK,
            reason=reasons.PHOTO,
            status=Status.FLAGGED,
            suggested=True,
            severity=Severity.ERROR,
            summary=" ".join(problem.message for problem in problems),
            evidence=tuple(problems),
            figures=figures,
            details=details,
        ),
        measures,
    )
