"""Domain types of an application under review.

These are plain frozen dataclasses: the service, the local store and the screens convert to and
from them, and nothing here knows how they are stored or shown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Role(enum.StrEnum):
    REVIEWER = "reviewer"
    LEAD = "lead"


class Outcome(enum.StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    ESCALATE = "escalate"


class MediaKind(enum.StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


class Section(enum.StrEnum):
    """The sections of a freelancer profile, in the order a reviewer reads them."""

    TITLE = "title"
    OVERVIEW = "overview"
    SKILLS = "skills"
    HOURLY_RATE = "hourly_rate"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    LANGUAGES = "languages"
    COUNTRY = "country"
    DATE_OF_BIRTH = "date_of_birth"
    PHOTO = "photo"
    VIDEO = "video"


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A photo or video, addressed by the SHA-256 of its bytes (lower-case hex)."""

    sha256: str
    kind: MediaKind
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class Employment:
    company: str
    role: str
    start_year: int
    end_year: int | None
    description: str


@dataclass(frozen=True, slots=True)
class Education:
    school: str
    degree: str
    field_of_study: str
    start_year: int
    end_year: int | None


@dataclass(frozen=True, slots=True)
class Language:
    name: str
    level: str  # basic, conversational, fluent, native


@dataclass(frozen=True, slots=True)
class Profile:
    """What the applicant filled in. Empty strings and empty tuples mean 'left out'."""

    first_name: str
    last_name: str
    title: str
    overview: str
    skills: tuple[str, ...]
    hourly_rate: float | None
    employment: tuple[Employment, ...]
    education: tuple[Education, ...]
    languages: tuple[Language, ...]
    country: str
    date_of_birth: date | None
    photo: MediaRef | None
    video: MediaRef | None

    @property
    def display_name(self) -> str:
        """First name and last initial: enough to talk about an applicant, no more."""
        last = f" {self.last_name[:1]}." if self.last_name else ""
        return f"{self.first_name}{last}".strip()


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer's answer to one revision. The decision id is made by the client."""

    decision_id: str
    application_id: str
    revision: int
    lease_version: int
    outcome: Outcome
    reason_codes: tuple[str, ...]
    note: str
    decided_at: datetime
    handling_ms: int
    reviewer: str = ""


@dataclass(frozen=True, slots=True)
class Revision:
    """One (re)submission of an application. Revision numbers start at 1."""

    number: int
    submitted_at: datetime
    profile: Profile
    decision: Decision | None = None


@dataclass(frozen=True, slots=True)
class Application:
    application_id: str
    revisions: tuple[Revision, ...]

    @property
    def current(self) -> Revision:
        return self.revisions[-1]

    @property
    def previous(self) -> Revision | None:
        return self.revisions[-2] if len(self.revisions) > 1 else None


@dataclass(frozen=True, slots=True)
class Lease:
    """A claim on one application: valid until `expires_at` on the server's clock.

    `version` is the fencing token: it grows on every claim of the application, and a decision
    carries the version it was made under, so a decision made under a lost lease is refused.
    """

    application_id: str
    revision: int
    version: int
    expires_at: datetime
    offline: bool = False


@dataclass(frozen=True, slots=True)
class QueueSummary:
    """What the queue list shows of a pending application."""

    application_id: str
    applicant: str
    country: str
    main_skills: tuple[str, ...]
    revision: int
    submitted_at: datetime
    due_at: datetime
    flags: tuple[str, ...] = field(default=())
    held_by: str | None = None
