"""The catalogue of reason codes a decline can carry (DESIGN §7).

The service publishes the catalogue with a version; this default set is what a fresh service
starts with. The applicant-facing paragraphs are our own wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str
    label: str
    key: str  # the number key that toggles it in the decision panel
    applicant_text: str
    suggested_by: str | None = None  # the automatic check that suggests it
    note_required: bool = False


@dataclass(frozen=True, slots=True)
class ReasonCatalogue:
    version: int
    codes: tuple[ReasonCode, ...]

    def __post_init__(self) -> None:
        seen_codes: set[str] = set()
        seen_keys: set[str] = set()
        for reason in self.codes:
            if reason.code in seen_codes:
                raise ValueError(f"reason code {reason.code!r} appears twice")
            if reason.key in seen_keys:
                raise ValueError(f"key {reason.key!r} is used by two reason codes")
            seen_codes.add(reason.code)
            seen_keys.add(reason.key)

    def __iter__(self) -> Iterator[ReasonCode]:
        return iter(self.codes)

    def __contains__(self, code: object) -> bool:
        return any(reason.code == code for reason in self.codes)

    def get(self, code: str) -> ReasonCode | None:
        return next((reason for reason in self.codes if reason.code == code), None)

    def unknown(self, codes: Iterable[str]) -> list[str]:
        """The codes that the catalogue does not know, in the order given."""
        known = {reason.code for reason in self.codes}
        return [code for code in codes if code not in known]


UNDER_18 = "under_18"
INCOMPLETE = "incomplete_profile"
TEXT_ERRORS = "text_errors"
PHOTO = "photo_quality"
VIDEO = "video_quality"
LOW_DEMAND = "low_demand"
OTHER = "other"

DEFAULT_CATALOGUE = ReasonCatalogue(
    version=1,
    codes=(
        ReasonCode(
            UNDER_18,
            "Under 18",
            "1",
            "Freelancers on our marketplace must be at least 18 years old. You are welcome to "
            "apply again once you have turned 18.",
            suggested_by="age",
        ),
        ReasonCode(
            INCOMPLETE,
            "Incomplete profile",
            "2",
            "Your profile is not complete yet. Please fill in every section (title, overview, "
            "skills, hourly rate, work history, education and languages) with enough detail for "
            "a client to judge your experience.",
            suggested_by="completeness",
        ),
        ReasonCode(
            TEXT_ERRORS,
            "Spelling or grammar",
            "3",
            "Your profile text contains spelling or grammar mistakes. Clients read your title and "
            "overview first, so please proofread them carefully.",
            suggested_by="text",
        ),
        ReasonCode(
            PHOTO,
            "Photo missing or poor",
            "4",
            "Your profile photo is missing or could not be used. Please upload a clear, well-lit, "
            "recent photo of your face, at least 400 by 400 pixels.",
            suggested_by="photo",
        ),
        ReasonCode(
            VIDEO,
            "Video missing or poor",
            "5",
            "Your introduction video is missing or could not be played. Please upload a video "
            "of 30 seconds to 2 minutes in which you introduce yourself, with clear picture "
            "and sound.",
            suggested_by="video",
        ),
        ReasonCode(
            LOW_DEMAND,
            "Low demand for skills",
            "6",
            "Right now there are more freelancers than client projects for the skills you listed. "
            "This can change quickly: consider adding skills you have that are in higher demand, "
            "or apply again in a few weeks.",
            suggested_by="demand",
        ),
        ReasonCode(
            OTHER,
            "Other",
            "7",
            "There is another issue with your application, explained in the note below.",
            note_required=True,
        ),
    ),
)
