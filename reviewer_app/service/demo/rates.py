"""How often each defect occurs: the one place where the generator's shares are set.

Every top-level share (`under_18`, `incomplete`, ...) is met *exactly* in every block of
`BLOCK` consecutive applicants (fractional counts are carried over from block to block), and
each share picks its applicants with its own random stream, so defects are independent of each
other apart from a few combinations that cannot exist (see `generator`). Which kind a defective
applicant gets is drawn from the `*_kinds` weights.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, fields

from reviewer_app.core import reasons

BLOCK = 100

AGE_KINDS = ("under_18", "under_18_birthday_tomorrow")
# Adults on the boundary: clean, and recorded as notes (not defects) in the truth.
ADULT_EDGE_KINDS = ("adult_turns_18_today", "adult_turned_18_yesterday")
INCOMPLETE_KINDS = (
    "missing_title",
    "thin_title",
    "missing_overview",
    "thin_overview",
    "missing_skills",
    "thin_skills",
    "missing_hourly_rate",
    "missing_employment",
    "thin_employment",
    "missing_education",
    "missing_languages",
    "missing_country",
    "missing_date_of_birth",
)
PHOTO_KINDS = (
    "photo_missing",
    "photo_corrupt_truncated",
    "photo_not_an_image",
    "photo_tiny",
    "photo_blurred",
    "photo_dark",
    "photo_washed_out",
    "photo_duplicate",
)
VIDEO_KINDS = (
    "video_missing",
    "video_corrupt_truncated",
    "video_not_a_video",
    "video_too_short",
    "video_low_resolution",
)
SPELLING = "spelling"
LOW_DEMAND_KIND = "low_demand_skills"

# kind -> the reason code it calls for
DEFECT_KINDS: dict[str, str] = {
    **{kind: reasons.UNDER_18 for kind in AGE_KINDS},
    **{kind: reasons.INCOMPLETE for kind in INCOMPLETE_KINDS},
    SPELLING: reasons.TEXT_ERRORS,
    **{kind: reasons.PHOTO for kind in PHOTO_KINDS},
    **{kind: reasons.VIDEO for kind in VIDEO_KINDS},
    LOW_DEMAND_KIND: reasons.LOW_DEMAND,
}

# The SLA mix: (name, share, youngest age in seconds, oldest age in seconds) of the current
# revision's submission relative to `now`, for a 24 h SLA.
SLA_BUCKETS: tuple[tuple[str, float, int, int], ...] = (
    ("fresh", 0.40, 60, 12 * 3600),
    ("on_track", 0.20, 12 * 3600, 20 * 3600),
    ("warning", 0.15, 20 * 3600 + 1, 23 * 3600 - 1),  # under 4 h left
    ("critical", 0.10, 23 * 3600 + 1, 24 * 3600 - 1),  # under 1 h left
    ("breached", 0.15, 24 * 3600, 72 * 3600),
)

_SHARES = (
    "under_18",
    "incomplete",
    "text_errors",
    "photo",
    "video",
    "low_demand",
    "resubmission",
    "adult_birthday_edge",
)


@dataclass(frozen=True, slots=True)
class DefectRates:
    """Shares of applicants (0..1). Top-level shares are exact per block of 100 applicants."""

    under_18: float = 0.06
    incomplete: float = 0.12
    text_errors: float = 0.12
    photo: float = 0.15
    video: float = 0.10
    low_demand: float = 0.10
    resubmission: float = 0.15
    # Clean adults whose 18th birthday is the day of `now` or the day before.
    adult_birthday_edge: float = 0.02

    # Shares within a group (drawn per applicant, so near but not exactly met).
    birthday_tomorrow: float = 0.25  # of under-18s: turn 18 the day after `now`
    second_gap: float = 0.25  # of incomplete profiles: two sections missing or thin
    third_revision: float = 0.25  # of resubmissions: two earlier declined revisions
    png: float = 0.05  # of photos: PNG instead of JPEG (at most 512 px: PNG of a photo is slow)
    webm: float = 0.3  # of videos: WebM (VP9) instead of MP4 (H.264)

    incomplete_kinds: tuple[tuple[str, float], ...] = (
        ("missing_title", 4),
        ("thin_title", 8),
        ("missing_overview", 8),
        ("thin_overview", 20),
        ("missing_skills", 4),
        ("thin_skills", 10),
        ("missing_hourly_rate", 8),
        ("missing_employment", 10),
        ("thin_employment", 10),
        ("missing_education", 10),
        ("missing_languages", 4),
        ("missing_country", 2),
        ("missing_date_of_birth", 4),
    )
    photo_kinds: tuple[tuple[str, float], ...] = (
        ("photo_missing", 15),
        ("photo_corrupt_truncated", 8),
        ("photo_not_an_image", 5),
        ("photo_tiny", 15),
        ("photo_blurred", 20),
        ("photo_dark", 12),
        ("photo_washed_out", 10),
        ("photo_duplicate", 15),
    )
    video_kinds: tuple[tuple[str, float], ...] = (
        ("video_missing", 30),
        ("video_corrupt_truncated", 12),
        ("video_not_a_video", 8),
        ("video_too_short", 28),
        ("video_low_resolution", 22),
    )
    # How many words are misspelled in a profile with text errors: (count, weight).
    misspelling_counts: tuple[tuple[int, float], ...] = ((1, 50), (2, 30), (3, 20))

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith("_kinds") or f.name == "misspelling_counts":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"{f.name} must be a number, not {value!r}")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{f.name} must be a share between 0 and 1, not {value}")
        for name, known in (
            ("incomplete_kinds", INCOMPLETE_KINDS),
            ("photo_kinds", PHOTO_KINDS),
            ("video_kinds", VIDEO_KINDS),
        ):
            weights = getattr(self, name)
            unknown = [kind for kind, _ in weights if kind not in known]
            if unknown:
                raise ValueError(f"{name}: unknown kinds {unknown}")
            if not any(w > 0 for _, w in weights) or any(w < 0 for _, w in weights):
                raise ValueError(f"{name}: weights must be non-negative, and not all zero")


class Schedule:
    """Which applicants carry each top-level share: exactly round(share * BLOCK) per block,
    with the remainder carried to the next block."""

    def __init__(self, seed: int, rates: DefectRates) -> None:
        self._seed = seed
        self._rates = {name: float(getattr(rates, name)) for name in _SHARES}
        self._cache: dict[tuple[str, int], frozenset[int]] = {}

    def has(self, share: str, index: int) -> bool:
        block, position = divmod(index, BLOCK)
        key = (share, block)
        chosen = self._cache.get(key)
        if chosen is None:
            if len(self._cache) > 256:
                self._cache.clear()
            chosen = self._cache[key] = self._choose(share, block)
        return position in chosen

    def _choose(self, share: str, block: int) -> frozenset[int]:
        rate = self._rates[share]
        count = math.floor(rate * BLOCK * (block + 1) + 0.5) - math.floor(
            rate * BLOCK * block + 0.5
        )
        rng = random.Random(f"{self._seed}:schedule:{share}:{block}")  # noqa: S311 - seeded demo data
        return frozenset(rng.sample(range(BLOCK), count))
