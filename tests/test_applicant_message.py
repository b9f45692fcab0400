"""The applicant's message: our wording around the chosen reasons' paragraphs."""

from __future__ import annotations

from reviewer_app.core import reasons
from reviewer_app.core.applicant_message import NOTE_PLACEHOLDER, compose_message
from reviewer_app.core.models import Outcome


def test_a_decline_lists_each_reason_in_catalogue_order() -> None:
    message = compose_message("decline", [reasons.PHOTO, reasons.TEXT_ERRORS], first_name="Priya")
    assert message is not None
    assert message.ready
    body = message.body
    assert body.startswith("Hello Priya,")
    text_para = reasons.DEFAULT_CATALOGUE.get(reasons.TEXT_ERRORS)
    photo_para = reasons.DEFAULT_CATALOGUE.get(reasons.PHOTO)
    assert text_para is not None
    assert photo_para is not None
    assert body.index(text_para.applicant_text) < body.index(photo_para.applicant_text)
    assert "apply again" in body
    assert "within 24 hours" in body
    assert "these points" in body


def test_other_needs_a_note_and_shows_it() -> None:
    without = compose_message(Outcome.DECLINE, [reasons.OTHER])
    assert without is not None
    assert not without.ready
    assert NOTE_PLACEHOLDER in without.body
    with_note = compose_message(Outcome.DECLINE, [reasons.OTHER], note="  Your links are broken. ")
    assert with_note is not None
    assert with_note.ready
    assert "Note from the reviewer: Your links are broken." in with_note.body


def test_under_18_alone_invites_them_back_at_18() -> None:
    message = compose_message(Outcome.DECLINE, [reasons.UNDER_18], first_name="Sam")
    assert message is not None
    assert "once you have turned 18" in message.body
    assert "no waiting period" not in message.body


def test_a_decline_needs_a_reason_and_known_codes() -> None:
    message = compose_message(Outcome.DECLINE, [])
    assert message is not None
    assert message.problems == ("a decline needs at least one reason",)
    unknown = compose_message(Outcome.DECLINE, ["nope", reasons.PHOTO])
    assert unknown is not None
    assert unknown.problems == ("unknown reason code(s): nope",)


def test_an_accept_welcomes_them() -> None:
    message = compose_message(Outcome.ACCEPT, first_name=" ")
    assert message is not None
    assert message.body.startswith("Hello,")
    assert "approved" in message.subject


def test_an_escalation_sends_nothing_yet() -> None:
    assert compose_message(Outcome.ESCALATE, [reasons.PHOTO]) is None


def test_the_sla_hours_follow_the_policy() -> None:
    message = compose_message(Outcome.DECLINE, [reasons.PHOTO], sla_hours=48)
    assert message is not None
    assert "within 48 hours" in message.body


def test_a_note_with_ordinary_reasons_is_included_once() -> None:
    message = compose_message(
        Outcome.DECLINE, [reasons.PHOTO, reasons.VIDEO], note="The video has no sound."
    )
    assert message is not None
    assert message.body.count("The video has no sound.") == 1
