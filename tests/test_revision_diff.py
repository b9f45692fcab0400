"""The resubmission diff: section by section, word-level, with the earlier decision beside it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from test_checks_support import NOW, make_profile

from reviewer_app.core import reasons
from reviewer_app.core.models import (
    Application,
    Decision,
    Employment,
    Language,
    MediaKind,
    MediaRef,
    Outcome,
    Revision,
    Section,
)
from reviewer_app.core.revision_diff import diff_for_review, diff_revisions, word_ops

PHOTO_A = MediaRef("a" * 64, MediaKind.PHOTO, "image/jpeg", 10)
PHOTO_B = MediaRef("b" * 64, MediaKind.PHOTO, "image/jpeg", 11)
VIDEO = MediaRef("c" * 64, MediaKind.VIDEO, "video/mp4", 12)


def declined(codes: tuple[str, ...], note: str = "") -> Decision:
    return Decision(
        "d-1",
        "APP-1",
        1,
        1,
        Outcome.DECLINE,
        codes,
        note,
        NOW - timedelta(days=2),
        30_000,
        reviewer="m.okafor",
    )


def test_word_ops_carry_offsets_into_both_texts() -> None:
    old = "I build  online stores with React."
    new = "I build fast online shops with React and Vue."
    ops = word_ops(old, new)
    assert [op.op for op in ops] == ["equal", "insert", "equal", "replace", "equal", "replace"]
    for op in ops:
        assert old[op.old_start : op.old_end] == op.old
        assert new[op.new_start : op.new_end] == op.new
    assert ops[1].new == "fast"
    assert ops[1].old_start == ops[1].old_end  # an insertion has an empty old run
    assert (ops[3].old, ops[3].new) == ("stores", "shops")
    assert (ops[5].old, ops[5].new) == ("React.", "React and Vue.")


def test_identical_texts_are_one_equal_run_and_empty_ones_none() -> None:
    assert [op.op for op in word_ops("same words", "same words")] == ["equal"]
    assert word_ops("", "") == ()


def test_a_resubmission_after_a_decline() -> None:
    old_profile = make_profile(
        overview="I have experiance with clients.",
        skills=("React", "jQuery"),
        photo=PHOTO_A,
        video=None,
        languages=(Language("English", "conversational"),),
    )
    new_profile = replace(
        old_profile,
        overview="I have experience with clients.",
        skills=("React", "TypeScript"),
        photo=PHOTO_B,
        video=VIDEO,
        languages=(Language("English", "fluent"), Language("Hindi", "native")),
    )
    app = Application(
        "APP-1",
        (
            Revision(
                1,
                NOW - timedelta(days=3),
                old_profile,
                declined((reasons.TEXT_ERRORS, reasons.VIDEO, reasons.LOW_DEMAND), "typo"),
            ),
            Revision(2, NOW, new_profile),
        ),
    )
    diff = diff_for_review(app)
    assert diff is not None
    assert (diff.old_revision, diff.new_revision) == (1, 2)
    assert diff.changed_sections == [
        Section.OVERVIEW,
        Section.SKILLS,
        Section.LANGUAGES,
        Section.PHOTO,
        Section.VIDEO,
    ]
    overview = diff.section(Section.OVERVIEW)
    assert overview is not None
    changed = [op for op in overview.fields[0].ops if op.op != "equal"]
    assert [(op.old, op.new) for op in changed] == [("experiance", "experience")]
    skills = diff.section(Section.SKILLS)
    assert skills is not None
    assert (skills.added, skills.removed) == (("TypeScript",), ("jQuery",))
    languages = diff.section(Section.LANGUAGES)
    assert languages is not None
    assert languages.added == ("Hindi (native)",)
    assert [f.new for f in languages.fields if f.changed] == ["fluent"]
    assert (diff.photo.status, diff.video.status) == ("replaced", "added")
    earlier = diff.earlier_decision
    assert earlier is not None
    assert (earlier.revision, earlier.outcome, earlier.reviewer, earlier.note) == (
        1,
        Outcome.DECLINE,
        "m.okafor",
        "typo",
    )
    assert earlier.reason_labels == (
        "Spelling or grammar",
        "Video missing or poor",
        "Low demand for skills",
    )
    assert diff.addressed == {
        reasons.TEXT_ERRORS: True,
        reasons.VIDEO: True,
        reasons.LOW_DEMAND: True,
    }
    json.dumps(diff.to_json())  # serialisable for the pane


def test_nothing_changed_is_said_plainly() -> None:
    profile = make_profile(photo=PHOTO_A)
    diff = diff_revisions(
        Revision(1, NOW, profile, declined((reasons.PHOTO,))), Revision(2, NOW, profile)
    )
    assert diff.changed_sections == []
    assert diff.photo.status == "unchanged"
    assert diff.video.status == "still_missing"
    assert diff.addressed == {reasons.PHOTO: False}


def test_work_history_items_pair_by_company_and_role_not_by_position() -> None:
    first = Employment("Acme", "Developer", 2018, 2020, "Built the shop front end.")
    second = Employment("Globex", "Engineer", 2020, None, "Ran the platform team.")
    new_job = Employment("Initech", "Lead", 2023, None, "Leads the team.")
    old = make_profile(employment=(first, second))
    new = make_profile(
        employment=(new_job, first, replace(second, description="Ran the platform team well."))
    )
    diff = diff_revisions(Revision(1, NOW, old), Revision(2, NOW, new))
    section = diff.section(Section.EMPLOYMENT)
    assert section is not None
    assert section.added == ("Lead at Initech (2023–now)",)
    assert section.removed == ()
    changed = [f.path for f in section.fields if f.changed]
    assert changed == ["employment[2].description", "employment[0].description"]
    description = next(f for f in section.fields if f.path == "employment[2].description")
    assert [op.new for op in description.ops if op.op != "equal"] == ["team well."]


def test_removed_sections_and_values() -> None:
    old = make_profile(hourly_rate=30.0, country="India")
    new = make_profile(hourly_rate=None, country="Nepal", education=())
    diff = diff_revisions(Revision(1, NOW, old), Revision(2, NOW, new))
    rate = diff.section(Section.HOURLY_RATE)
    assert rate is not None
    assert (rate.fields[0].status, rate.fields[0].old) == ("removed", "30")
    education = diff.section(Section.EDUCATION)
    assert education is not None
    assert education.removed == ("Bachelor of Technology, Computer Science – University of Delhi",)


def test_a_first_submission_has_no_diff() -> None:
    assert diff_for_review(Application("APP-1", (Revision(1, NOW, make_profile()),))) is None


def test_unknown_reason_codes_keep_their_code_as_label() -> None:
    profile = make_profile()
    diff = diff_revisions(
        Revision(1, NOW, profile, declined(("retired_code",))), Revision(2, NOW, profile)
    )
    assert diff.earlier_decision is not None
    assert diff.earlier_decision.reason_labels == ("retired_code",)
    assert diff.addressed == {}
