"""Filling a service database: demo accounts, skill demand and generated applicants."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from reviewer_app.core import audit
from reviewer_app.core.models import Application
from reviewer_app.service import db
from reviewer_app.service.auditlog import AuditLog
from reviewer_app.service.auth import upsert_user
from reviewer_app.service.convert import decision_out, profile_json, queue_flags
from reviewer_app.service.store import Store

DEMO_USERS = (
    ("reviewer", "reviewer", "Demo Reviewer"),
    ("lead", "lead", "Demo Lead"),
)

# Applications per write transaction. Small enough that a seed asked to stop (the demo window
# closed) stops within a fraction of a second, and that the service's other writers (sign-in,
# claims) get the database between two batches; large enough to keep commits few.
BATCH = 100


def create_demo_users(store: Store, password: str) -> None:
    with store.write() as session:
        for username, role, display_name in DEMO_USERS:
            upsert_user(session, username, password, role, display_name)


def load_skill_demand(store: Store, figures: dict[str, tuple[int, int]]) -> None:
    with store.write() as session:
        known = set(session.scalars(select(db.SkillDemand.skill)).all())
        for skill, (open_jobs, active) in figures.items():
            if skill in known:
                row = session.get_one(db.SkillDemand, skill)
                row.open_jobs, row.active_freelancers = open_jobs, active
            else:
                session.add(
                    db.SkillDemand(skill=skill, open_jobs=open_jobs, active_freelancers=active)
                )


def add_applications(
    store: Store,
    applications: Iterable[tuple[Application, dict[str, tuple[str, bytes]]]],
    audit_log: AuditLog,
    now: datetime,
    *,
    should_stop: Callable[[], bool] | None = None,
    batch_size: int = BATCH,
) -> int:
    """Insert applications (with their media, and the decisions on earlier revisions) in
    batches of `batch_size`, each its own transaction. `should_stop` is asked after each
    application read and before each batch is written: once it says so, nothing more is read
    or written (batches already committed stay; the one being read is dropped). Returns how
    many were added."""
    sla = store.settings.sla
    added = 0
    batch: list[tuple[Application, dict[str, tuple[str, bytes]]]] = []

    def flush() -> None:
        nonlocal added
        if not batch:
            return
        with store.write() as session:
            seq = store.bump(session, "queue_seq", len(batch)) - len(batch)
            app_rows: list[dict[str, Any]] = []
            revision_rows: list[dict[str, Any]] = []
            media_rows: dict[str, dict[str, Any]] = {}
            decided: list[tuple[dict[str, Any], dict[str, Any]]] = []
            for application, media in batch:
                seq += 1
                current = application.current
                profile = current.profile
                app_rows.append(
                    {
                        "application_id": application.application_id,
                        "status": "pending",
                        "current_revision": current.number,
                        "applicant": profile.display_name,
                        "country": profile.country,
                        "main_skills": list(profile.skills[:3]),
                        "submitted_at": current.submitted_at,
                        "due_at": sla.due_at(current.submitted_at),
                        "flags": queue_flags(current, len(application.revisions)),
                        "held_by": None,
                        "lease_version": 0,
                        "lease_expires_at": None,
                        "lease_offline": False,
                        "seq": seq,
                    }
                )
                for revision in application.revisions:
                    as_json = profile_json(revision.profile)
                    revision_rows.append(
                        {
                            "application_id": application.application_id,
                            "revision": revision.number,
                            "submitted_at": revision.submitted_at,
                            "profile": as_json,
                        }
                    )
                    if revision.decision is not None:
                        decided.append(
                            (decision_out(revision.decision).model_dump(mode="json"), as_json)
                        )
                for sha, (content_type, data) in media.items():
                    media_rows[sha] = {
                        "sha256": sha,
                        "content_type": content_type,
                        "size": len(data),
                        "data": data,
                    }
            session.execute(insert(db.Application), app_rows)
            session.execute(insert(db.RevisionRow), revision_rows)
            if media_rows:
                present = set(
                    session.scalars(
                        select(db.Media.sha256).where(db.Media.sha256.in_(list(media_rows)))
                    ).all()
                )
                fresh = [row for sha, row in media_rows.items() if sha not in present]
                if fresh:
                    session.execute(insert(db.Media), fresh)
            entries: list[tuple[dict[str, Any], str]] = []
            for decision_json, seen_profile in decided:
                body_hash = audit.sha256_hex(audit.canonical_json(decision_json))
                session.add(
                    db.DecisionRow(
                        decision_id=decision_json["decision_id"],
                        application_id=decision_json["application_id"],
                        revision=decision_json["revision"],
                        reviewer=decision_json["reviewer"],
                        outcome=decision_json["outcome"],
                        body=decision_json,
                        body_hash=body_hash,
                        recorded_at=now,
                    )
                )
                entries.append(
                    (decision_json, audit.sha256_hex(audit.canonical_json(seen_profile)))
                )
            if entries:
                audit_log.append_many(session, entries, now)
        added += len(batch)
        batch.clear()

    def stopping() -> bool:
        return should_stop is not None and should_stop()

    source = iter(applications)
    while not stopping():
        for item in source:
            batch.append(item)
            if len(batch) >= max(1, batch_size) or stopping():
                break
        if not batch or stopping():
            break
        flush()
    return added


def seed_demo(
    store: Store,
    audit_log: AuditLog,
    count: int,
    *,
    password: str = "demo",  # noqa: S107 - the documented demo password
    seed: int = 7,
    now: datetime | None = None,
    media: bool = True,
    ground_truth: Path | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Demo accounts, skill demand and `count` generated applicants (skipped when the
    database already holds applications, so a restart keeps its state).

    The applicants are written in small batches; `should_stop` (e.g. "the demo window was
    closed") is asked between them, and when it says so the seed ends early with what it has
    written. With `media=False` the applicants share a small pool of rendered files: those are
    stored as well, so every photo and video a profile names can be fetched. The ground truth
    (`ground_truth`, JSON Lines) lists exactly the applicants that were added."""
    from reviewer_app.service import demo  # the generator pulls in Pillow and PyAV

    now = now or store.settings.clock()
    create_demo_users(store, password)
    load_skill_demand(
        store,
        {
            skill: (open_jobs, active)
            for skill, (open_jobs, active, _ratio) in demo.demand_for(
                [s for skills in demo.SKILL_TAXONOMY.values() for s in skills]
            ).items()
        },
    )
    with store.read() as session:
        if session.execute(select(db.Application.application_id).limit(1)).first() is not None:
            return 0
    truths: list[dict[str, Any]] = []
    pooled: set[str] = set()  # pooled files (media=False) already handed to add_applications

    def stream() -> Iterator[tuple[Application, dict[str, tuple[str, bytes]]]]:
        for applicant in demo.generate(count, seed=seed, now=now, media=media):
            files = applicant.media
            if not media and demo.pooled_media_count() > len(pooled):
                # The pool grows as the generator renders a file for the first time; pass the
                # new ones along with the first applicant that refers to them.
                files = {
                    sha: item for sha, item in demo.pooled_media().items() if sha not in pooled
                }
                pooled.update(files)
            truths.append(applicant.truth)
            yield applicant.application, files

    added = add_applications(store, stream(), audit_log, now, should_stop=should_stop)
    if ground_truth is not None:
        demo.write_ground_truth(ground_truth, truths[:added])
    return added
