"""Seeding a service database with demo applicants: pooled media, stopping early, ground truth."""

from __future__ import annotations

import hashlib
from pathlib import Path

from servicekit import T0, Running, running, sqlite_url
from sqlalchemy import select

from reviewer_app.service import db
from reviewer_app.service.demo import read_ground_truth
from reviewer_app.service.seed import BATCH, seed_demo


def _referenced_media(svc: Running) -> set[str]:
    with svc.store.read() as session:
        profiles = session.scalars(select(db.RevisionRow.profile)).all()
    return {
        profile[kind]["sha256"]
        for profile in profiles
        for kind in ("photo", "video")
        if profile.get(kind) is not None
    }


def test_a_seed_without_media_stores_the_pooled_files_profiles_refer_to(tmp_path: Path) -> None:
    with running(sqlite_url(tmp_path / "q.sqlite3"), users=[]) as svc:
        added = seed_demo(svc.store, svc.service.audit, 60, now=T0, media=False)
        assert added == 60
        referenced = _referenced_media(svc)
        assert referenced, "the demo profiles name photos and videos"
        reviewer = svc.client("reviewer", "demo")
        for sha in sorted(referenced):
            answer = reviewer.get(f"/media/{sha}")
            assert answer.status_code == 200, (sha, answer.text)
            assert hashlib.sha256(answer.content).hexdigest() == sha


def test_a_seed_stops_between_batches_when_asked(tmp_path: Path) -> None:
    """The demo window closing mid-seed: the seed ends after the batch it is writing, and the
    ground truth lists exactly the applicants that were written."""
    asked = 0

    def should_stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > BATCH + 5  # somewhere in the second batch

    truth = tmp_path / "truth.jsonl"
    with running(sqlite_url(tmp_path / "q.sqlite3"), users=[]) as svc:
        added = seed_demo(
            svc.store,
            svc.service.audit,
            20 * BATCH,
            now=T0,
            media=False,
            ground_truth=truth,
            should_stop=should_stop,
        )
        assert 0 < added < 20 * BATCH
        assert added % BATCH == 0
        assert svc.count(db.Application) == added
        with svc.store.read() as session:
            stored = set(session.scalars(select(db.Application.application_id)))
    records = read_ground_truth(truth)
    assert [r["application_id"] for r in records] == sorted(stored)


def test_a_seed_asked_to_stop_at_once_writes_no_applicants(tmp_path: Path) -> None:
    with running(sqlite_url(tmp_path / "q.sqlite3"), users=[]) as svc:
        added = seed_demo(
            svc.store, svc.service.audit, 50, now=T0, media=False, should_stop=lambda: True
        )
        assert added == 0
        assert svc.count(db.Application) == 0
        # The demo accounts are there: the service can still be signed in to.
        svc.client("reviewer", "demo")


def test_the_ground_truth_file_matches_the_seeded_applicants(tmp_path: Path) -> None:
    truth = tmp_path / "truth.jsonl"
    with running(sqlite_url(tmp_path / "q.sqlite3"), users=[]) as svc:
        added = seed_demo(
            svc.store, svc.service.audit, 25, now=T0, media=False, ground_truth=truth, seed=3
        )
        with svc.store.read() as session:
            revisions = dict(
                session.execute(
                    select(db.Application.application_id, db.Application.current_revision)
                ).all()
            )
    records = read_ground_truth(truth)
    assert len(records) == added == 25
    assert {r["application_id"]: r["revision"] for r in records} == revisions
    assert all(r["seed"] == 3 and r["media"] == "pooled" for r in records)
