"""Domain objects to and from the service's rows and wire models."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from reviewer_app.core import completeness
from reviewer_app.core.models import Decision, MediaRef, Profile, Revision
from reviewer_app.core.wire import DecisionOut, ProfileOut


def media_json(ref: MediaRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "sha256": ref.sha256,
        "kind": str(ref.kind),
        "content_type": ref.content_type,
        "size": ref.size,
    }


def profile_json(profile: Profile) -> dict[str, Any]:
    """The profile as the API shows it (the `ProfileOut` model), ready to store as JSON."""
    return ProfileOut(
        first_name=profile.first_name,
        last_name=profile.last_name,
        display_name=profile.display_name,
        title=profile.title,
        overview=profile.overview,
        skills=list(profile.skills),
        hourly_rate=profile.hourly_rate,
        employment=[asdict(job) for job in profile.employment],  # type: ignore[misc]
        education=[asdict(school) for school in profile.education],  # type: ignore[misc]
        languages=[asdict(language) for language in profile.languages],  # type: ignore[misc]
        country=profile.country,
        date_of_birth=profile.date_of_birth,
        photo=media_json(profile.photo),  # type: ignore[arg-type]
        video=media_json(profile.video),  # type: ignore[arg-type]
    ).model_dump(mode="json")


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        decision_id=decision.decision_id,
        application_id=decision.application_id,
        revision=decision.revision,
        lease_version=decision.lease_version,
        outcome=decision.outcome.value,
        reason_codes=list(decision.reason_codes),
        note=decision.note,
        decided_at=decision.decided_at,
        handling_ms=decision.handling_ms,
        reviewer=decision.reviewer,
    )


def queue_flags(revision: Revision, revision_count: int) -> list[str]:
    """Flags shown in the queue. `incomplete` uses the same rule as the completeness check."""
    flags: list[str] = []
    if revision_count > 1:
        flags.append("resubmission")
    if not completeness.assess(revision.profile).complete:
        flags.append("incomplete")
    if revision.profile.photo is None:
        flags.append("no_photo")
    if revision.profile.video is None:
        flags.append("no_video")
    return flags
