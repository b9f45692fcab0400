"""The checks read core domain objects; this turns the service's wire model into them."""

from __future__ import annotations

from reviewer_app.core.models import (
    Application,
    Decision,
    Education,
    Employment,
    Language,
    MediaKind,
    MediaRef,
    Outcome,
    Profile,
    Revision,
)
from reviewer_app.core.wire import (
    ApplicationOut,
    DecisionOut,
    MediaRefOut,
    ProfileOut,
    RevisionOut,
)


def media_from_wire(ref: MediaRefOut | None) -> MediaRef | None:
    if ref is None:
        return None
    return MediaRef(
        sha256=ref.sha256, kind=MediaKind(ref.kind), content_type=ref.content_type, size=ref.size
    )


def profile_from_wire(profile: ProfileOut) -> Profile:
    return Profile(
        first_name=profile.first_name,
        last_name=profile.last_name,
        title=profile.title,
        overview=profile.overview,
        skills=tuple(profile.skills),
        hourly_rate=profile.hourly_rate,
        employment=tuple(
            Employment(
                company=job.company,
                role=job.role,
                start_year=job.start_year,
                end_year=job.end_year,
                description=job.description,
            )
            for job in profile.employment
        ),
        education=tuple(
            Education(
                school=school.school,
                degree=school.degree,
                field_of_study=school.field_of_study,
                start_year=school.start_year,
                end_year=school.end_year,
            )
            for school in profile.education
        ),
        languages=tuple(Language(name=lang.name, level=lang.level) for lang in profile.languages),
        country=profile.country,
        date_of_birth=profile.date_of_birth,
        photo=media_from_wire(profile.photo),
        video=media_from_wire(profile.video),
    )


def decision_from_wire(decision: DecisionOut) -> Decision:
    return Decision(
        decision_id=decision.decision_id,
        application_id=decision.application_id,
        revision=decision.revision,
        lease_version=decision.lease_version,
        outcome=Outcome(decision.outcome),
        reason_codes=tuple(decision.reason_codes),
        note=decision.note,
        decided_at=decision.decided_at,
        handling_ms=decision.handling_ms,
        reviewer=decision.reviewer,
    )


def revision_from_wire(revision: RevisionOut) -> Revision:
    return Revision(
        number=revision.revision,
        submitted_at=revision.submitted_at,
        profile=profile_from_wire(revision.profile),
        decision=None if revision.decision is None else decision_from_wire(revision.decision),
    )


def application_from_wire(application: ApplicationOut) -> Application:
    """The core application of a `GET /applications/{id}` answer. Raises ValueError when it has
    no revisions."""
    if not application.revisions:
        raise ValueError(f"application {application.application_id!r} has no revisions")
    revisions = tuple(revision_from_wire(r) for r in application.revisions)
    return Application(application_id=application.application_id, revisions=revisions)


def as_application(application: Application | ApplicationOut) -> Application:
    if isinstance(application, ApplicationOut):
        return application_from_wire(application)
    return application
