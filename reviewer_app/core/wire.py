"""The queue service's HTTP contract as typed models (API version 1).

The service declares its routes with these models, so its OpenAPI document is generated from
them; the workstation's client parses every response through them, so a malformed or truncated
answer becomes a validation error rather than a crash somewhere later. Field names listed in the
API contract (`server_time`, `items`, `next_cursor`, `leases`, `results`, the decision fields, …)
are relied on by other clients: add fields freely, never rename these.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

API_PREFIX = "/api/v1"

Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
ShortText = Annotated[str, StringConstraints(max_length=200)]
DecisionStatus = Literal["accepted", "duplicate", "conflict", "invalid"]
RoleName = Literal["reviewer", "lead"]


class WireModel(BaseModel):
    # Unknown fields from a newer service are ignored, so the contract can grow.
    model_config = ConfigDict(extra="ignore", frozen=True)


class RequestModel(BaseModel):
    # A request with a field the service does not know is refused with a message that names it:
    # a typo must not silently drop data.
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        # NUL cannot be stored in PostgreSQL text and has no place in any field here.
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("must not contain NUL characters")
        return value


class ErrorOut(WireModel):
    detail: str = Field(description="What was wrong, in words meant for a person.")


class HealthOut(WireModel):
    status: Literal["ok"]
    version: str
    database: str = Field(description="`sqlite` or `postgresql`.")
    server_time: AwareDatetime


class LoginIn(RequestModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class RefreshIn(RequestModel):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class UserOut(WireModel):
    username: str
    display_name: str
    role: RoleName


class TokenOut(WireModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the scheme's name
    expires_at: AwareDatetime
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_expires_at: AwareDatetime
    user: UserOut


class ReasonCodeOut(WireModel):
    code: str
    label: str
    key: str
    applicant_text: str
    suggested_by: str | None = None
    note_required: bool = False


class ConfigOut(WireModel):
    server_time: AwareDatetime
    sla_hours: float
    sla_warning_hours: float
    sla_critical_hours: float
    lease_seconds: int
    offline_lease_seconds: int
    undo_grace_seconds: float
    reason_catalogue_version: int
    reason_codes: list[ReasonCodeOut]
    low_demand_ratio: float
    audit_public_key: str = Field(description="Ed25519 public key, raw 32 bytes, base64.")
    audit_key_id: str = Field(description="First 16 hex digits of SHA-256 of the raw key.")


class QueueItemOut(WireModel):
    application_id: str
    applicant: str
    country: str
    main_skills: list[str]
    revision: int
    submitted_at: AwareDatetime
    due_at: AwareDatetime
    flags: list[str]
    held_by: str | None
    lease_expires_at: AwareDatetime | None = None


class QueuePageOut(WireModel):
    items: list[QueueItemOut] = Field(description="Pending applications changed after the cursor.")
    removed: list[str] = Field(
        description="Applications that left the queue (decided) after the cursor."
    )
    next_cursor: str = Field(description="Pass as `since` for the next page or the next delta.")
    has_more: bool
    server_time: AwareDatetime


class ClaimIn(RequestModel):
    count: Annotated[int, Field(ge=1, le=100)] = 1
    offline: bool = False


class LeaseOut(WireModel):
    application_id: str
    revision: int
    version: int
    expires_at: AwareDatetime
    offline: bool = False


class ClaimsOut(WireModel):
    leases: list[LeaseOut]
    server_time: AwareDatetime


class HeartbeatIn(RequestModel):
    version: Annotated[int, Field(ge=1)]


class MediaRefOut(WireModel):
    sha256: Sha256Hex
    kind: Literal["photo", "video"]
    content_type: str
    size: int


class EmploymentOut(WireModel):
    company: str
    role: str
    start_year: int
    end_year: int | None
    description: str


class EducationOut(WireModel):
    school: str
    degree: str
    field_of_study: str
    start_year: int
    end_year: int | None


class LanguageOut(WireModel):
    name: str
    level: str


class ProfileOut(WireModel):
    first_name: str
    last_name: str
    display_name: str
    title: str
    overview: str
    skills: list[str]
    hourly_rate: float | None
    employment: list[EmploymentOut]
    education: list[EducationOut]
    languages: list[LanguageOut]
    country: str
    date_of_birth: date | None
    photo: MediaRefOut | None
    video: MediaRefOut | None


class DecisionOut(WireModel):
    decision_id: str
    application_id: str
    revision: int
    lease_version: int
    outcome: Literal["accept", "decline", "escalate"]
    reason_codes: list[str]
    note: str
    decided_at: AwareDatetime
    handling_ms: int
    reviewer: str


class RevisionOut(WireModel):
    revision: int
    submitted_at: AwareDatetime
    due_at: AwareDatetime
    profile: ProfileOut
    decision: DecisionOut | None


class ApplicationOut(WireModel):
    application_id: str
    status: Literal["pending", "escalated", "decided"]
    current_revision: int
    flags: list[str]
    held_by: str | None
    lease_version: int
    lease_expires_at: AwareDatetime | None
    revisions: list[RevisionOut] = Field(description="Oldest first; the last is current.")


class SkillDemandOut(WireModel):
    skill: str
    known: bool
    open_jobs: int
    active_freelancers: int
    ratio: float = Field(description="Open jobs per active freelancer.")
    low_demand: bool


class DemandOut(WireModel):
    skills: list[SkillDemandOut]
    low_demand_ratio: float


class DecisionIn(RequestModel):
    # Types are checked for the whole batch; what the values mean (known reason codes, a reason
    # for a decline, a note for "other", the lease) is checked per item, so one bad decision does
    # not hold up the others in its batch.
    decision_id: Annotated[str, StringConstraints(min_length=8, max_length=64)]
    application_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    revision: int
    lease_version: int
    outcome: Annotated[str, StringConstraints(max_length=32)]
    reason_codes: Annotated[list[ShortText], Field(max_length=20)] = []
    note: Annotated[str, StringConstraints(max_length=4000)] = ""
    decided_at: datetime
    handling_ms: int


class DecisionBatchIn(RequestModel):
    decisions: Annotated[list[DecisionIn], Field(min_length=1, max_length=500)]


class DecisionResultOut(WireModel):
    decision_id: str
    status: DecisionStatus
    detail: str


class DecisionResultsOut(WireModel):
    results: list[DecisionResultOut]
    server_time: AwareDatetime


class AuditEntryOut(WireModel):
    index: int = Field(description="Position in the log, from 0.")
    decision: DecisionOut
    profile_sha256: Sha256Hex = Field(
        description="SHA-256 of the canonical JSON of the revision the decision was made on."
    )
    recorded_at: AwareDatetime
    prev_hash: Sha256Hex
    entry_hash: Sha256Hex


class AuditEntriesOut(WireModel):
    entries: list[AuditEntryOut]
    next_index: int
    size: int


class CheckpointOut(WireModel):
    size: int
    head_hash: Sha256Hex
    signed_at: AwareDatetime
    key_id: str
    signature: str = Field(description="Ed25519 signature, base64, over the checkpoint message.")
