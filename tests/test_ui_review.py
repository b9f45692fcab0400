"""The review pane with real widgets offscreen, real demo applicants, media and checks.

Applicants come from the demo generator with their photo and video bytes, written to a folder
by SHA-256 as the workstation's media store does; findings are `run_checks` on them, and the
resubmission diff is `diff_for_review`. QtMultimedia's FFmpeg backend decodes offscreen, so the
video test loads, reads the duration, takes the poster frame from the video sink, and plays.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QAbstractButton, QLabel, QTextEdit
from pytestqt.qtbot import QtBot

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import Evidence, Figure, Finding
from reviewer_app.core.checks.media import DirectoryMediaSource
from reviewer_app.core.checks.runner import run_checks
from reviewer_app.core.models import Application
from reviewer_app.core.revision_diff import RevisionDiff, diff_for_review
from reviewer_app.core.wire import ApplicationOut, MediaRefOut, ProfileOut, RevisionOut
from reviewer_app.service.convert import decision_out, profile_json
from reviewer_app.service.demo import DefectRates, DemoApplicant, generate
from reviewer_app.ui.review import ReviewPane
from reviewer_app.ui.review.findings import evidence_text
from reviewer_app.ui.review.photos import DecodedPhoto, decode_photo
from reviewer_app.ui.review.profile import ERROR_KINDS
from reviewer_app.ui.tasks import TaskRunner

NOW = datetime(2026, 3, 14, 9, 30, 15, tzinfo=UTC)
TODAY = NOW.date()

pytestmark = [
    # The offscreen platform, and QtMultimedia on a machine without sound card or GPU, say so.
    pytest.mark.qt_log_ignore(
        "This plugin does not support propagateSizeHints",
        "No RHI backend",
        "No audio device",
        "PulseAudio",
        "pa_context_connect",
    ),
]


# -- data --------------------------------------------------------------------------------------


def to_wire(application: Application) -> ApplicationOut:
    """The demo's domain application as the service sends it."""
    return ApplicationOut(
        application_id=application.application_id,
        status="pending",
        current_revision=application.current.number,
        flags=[],
        held_by=None,
        lease_version=1,
        lease_expires_at=None,
        revisions=[
            RevisionOut(
                revision=revision.number,
                submitted_at=revision.submitted_at,
                due_at=revision.submitted_at + timedelta(hours=24),
                profile=ProfileOut.model_validate(profile_json(revision.profile)),
                decision=None if revision.decision is None else decision_out(revision.decision),
            )
            for revision in application.revisions
        ],
    )


@dataclass
class Case:
    demo: DemoApplicant
    wire: ApplicationOut
    findings: list[Finding]
    diff: RevisionDiff | None

    @property
    def kinds(self) -> list[str]:
        return [d["kind"] for d in self.demo.truth["defects"]]


class Pick(Protocol):
    def __call__(
        self, wanted: Callable[[Case], bool], checked: Callable[[Case], bool] | None = None, /
    ) -> Case: ...


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def demo(media_dir: Path) -> list[DemoApplicant]:
    rates = DefectRates(text_errors=0.3, photo=0.4, video=0.4, resubmission=0.4)
    applicants = list(generate(30, seed=5, now=NOW, rates=rates, media=True))
    for applicant in applicants:
        for sha, (_type, data) in applicant.media.items():
            (media_dir / sha).write_bytes(data)
    return applicants


@pytest.fixture(scope="module")
def pick(demo: list[DemoApplicant], media_dir: Path) -> Pick:
    cache: dict[str, Case] = {}

    def case(applicant: DemoApplicant) -> Case:
        key = applicant.application.application_id
        if key not in cache:
            cache[key] = Case(
                applicant,
                to_wire(applicant.application),
                run_checks(applicant.application, now=NOW, media=DirectoryMediaSource(media_dir)),
                diff_for_review(applicant.application),
            )
        return cache[key]

    def choose(
        wanted: Callable[[Case], bool], checked: Callable[[Case], bool] | None = None
    ) -> Case:
        """The first applicant `wanted` (tried without findings), whose findings pass
        `checked` (the checks run only on candidates)."""
        for applicant in demo:
            candidate = Case(
                applicant,
                to_wire(applicant.application),
                [],
                diff_for_review(applicant.application),
            )
            if not wanted(candidate):
                continue
            full = case(applicant)
            if checked is None or checked(full):
                return full
        pytest.fail("no demo applicant fits")

    return choose


def media_of(applicant: DemoApplicant, media_dir: Path) -> dict[str, Path]:
    return {sha: media_dir / sha for sha in applicant.media}


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner(name="review-test")
    yield runner
    runner.shutdown()


@pytest.fixture
def pane(qtbot: QtBot, tasks: TaskRunner) -> Iterator[ReviewPane]:
    widget = ReviewPane(tasks)
    qtbot.addWidget(widget)
    widget.resize(1500, 900)
    widget.show()
    yield widget
    widget.stop_media()


def wait_photos(qtbot: QtBot, pane: ReviewPane) -> None:
    qtbot.waitUntil(lambda: not pane.photos.busy, timeout=10_000)


def with_profile(wire: ApplicationOut, **changes: object) -> ApplicationOut:
    """The application with its current profile changed."""
    revisions = list(wire.revisions)
    current = revisions[-1]
    revisions[-1] = current.model_copy(
        update={"profile": current.profile.model_copy(update=changes)}
    )
    return wire.model_copy(update={"revisions": revisions})


def media_ref(path: Path, kind: Literal["photo", "video"], content_type: str) -> MediaRefOut:
    data = path.read_bytes()
    return MediaRefOut(
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        content_type=content_type,
        size=len(data),
    )


# -- tests -------------------------------------------------------------------------------------


def test_profile_text_and_underlined_errors(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    case = pick(
        lambda c: "spelling" in c.kinds,
        lambda c: any(f.check == "text" and f.evidence for f in c.findings),
    )
    profile = case.wire.revisions[-1].profile
    pane.show_application(
        case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
    )
    assert pane.stack.currentWidget() is pane.content
    assert pane.name_label.text() == profile.display_name
    assert case.wire.application_id in pane.meta_label.text()

    text = pane.profile.text()
    for heading in (
        "TITLE",
        "OVERVIEW",
        "SKILLS",
        "HOURLY RATE",
        "WORK HISTORY",
        "EDUCATION",
        "LANGUAGES",
        "COUNTRY",
        "DATE OF BIRTH",
    ):
        assert heading in text
    assert profile.title in text
    assert profile.overview.splitlines()[0] in text
    for skill in profile.skills:
        assert skill in text
    assert profile.country in text
    for job in profile.employment:
        assert job.company in text
    assert profile.date_of_birth is not None
    age = (
        TODAY.year
        - profile.date_of_birth.year
        - ((TODAY.month, TODAY.day) < (profile.date_of_birth.month, profile.date_of_birth.day))
    )
    assert f"age {age}" in text

    # Every error the text check reported is underlined, on exactly its words.
    text_finding = next(f for f in case.findings if f.check == "text")
    reported = [e for e in text_finding.evidence if e.kind in ERROR_KINDS and e.start is not None]
    underlines = pane.profile.underlines()
    assert len(underlines) == len(reported) > 0
    for start, end, kind in underlines:
        assert kind in ERROR_KINDS
        assert end > start
    words = {text[start:end] for start, end, _ in underlines}
    assert words == {e.text for e in reported}

    # … and the highlighter has drawn them: the block layouts carry spell-check underlines.
    document = pane.profile.editor.document()
    drawn: list[tuple[int, int]] = []
    block = document.begin()
    while block.isValid():
        for fmt_range in block.layout().formats():
            if (
                fmt_range.format.underlineStyle()
                == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
            ):
                drawn.append(
                    (
                        block.position() + fmt_range.start,
                        block.position() + fmt_range.start + fmt_range.length,
                    )
                )
        block = block.next()
    for start, end, _ in underlines:
        assert any(a <= start and end <= b for a, b in drawn), (start, end, text[start:end])

    # Pointing at an error explains it under the text.
    start, end, _ = underlines[0]
    cursor = pane.profile.editor.textCursor()
    cursor.setPosition(start)
    pane.profile.editor.setTextCursor(cursor)
    assert text[start:end] in pane.profile.hint.text()


def test_findings_show_severity_reason_and_evidence(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    case = pick(
        lambda c: "spelling" in c.kinds,
        lambda c: any(f.check == "text" and f.evidence for f in c.findings),
    )
    pane.show_application(
        case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
    )
    cards = pane.findings.cards
    assert len(cards) == len(case.findings)
    assert [c.finding.severity.rank for c in cards] == sorted(
        (c.finding.severity.rank for c in cards), reverse=True
    )
    text_card = next(c for c in cards if c.finding.check == "text")
    assert reasons.DEFAULT_CATALOGUE.get(reasons.TEXT_ERRORS).label in text_card.reason.text()  # type: ignore[union-attr]
    assert text_card.summary.text() == text_card.finding.summary
    first = text_card.finding.evidence[0]
    assert first.text is not None
    assert first.text in text_card.evidence_labels[0].text()
    assert text_card.icon.pixmap() is not None
    assert not text_card.icon.pixmap().isNull()
    # The locate button selects the words in the profile text.
    button = text_card.findChildren(QAbstractButton)[0]
    button.click()
    assert pane.profile.editor.textCursor().selectedText() == first.text


def test_next_application_refills_the_same_cards(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    """Moving to the next item creates no widgets: the cards are refilled, and nothing of the
    first application is left on them (evidence lines, locate buttons, colours)."""
    many = pick(
        lambda c: "spelling" in c.kinds,
        lambda c: any(f.check == "text" and len(f.evidence) >= 2 for f in c.findings),
    )
    clean = pick(
        lambda c: not c.kinds and c.wire.application_id != many.wire.application_id,
        lambda c: all(not f.evidence for f in c.findings if f.check == "text"),
    )
    pane.show_application(many.wire, media_of(many.demo, media_dir), many.findings, None)
    first_cards = list(pane.findings.cards)
    text_card = next(c for c in first_cards if c.finding.check == "text")
    assert len(text_card.evidence_labels) >= 2

    pane.show_application(clean.wire, media_of(clean.demo, media_dir), clean.findings, None)
    cards = pane.findings.cards
    assert len(cards) == len(clean.findings)
    assert all(any(card is old for old in first_cards) for card in cards)  # reused, not new
    text_card = next(c for c in cards if c.finding.check == "text")
    assert text_card.evidence_labels == []
    shown = [
        label.text()
        for card in cards
        for label in card.findChildren(QLabel)
        if label.isVisibleTo(pane) and label.objectName() == "findingEvidence"
    ]
    assert shown == [label.text() for card in cards for label in card.evidence_labels]
    buttons = [b for b in text_card.findChildren(QAbstractButton) if b.isVisibleTo(pane)]
    assert buttons == []
    assert text_card.summary.text() == text_card.finding.summary

    # Back to the first: its evidence and its locate button are there again.
    pane.show_application(many.wire, media_of(many.demo, media_dir), many.findings, None)
    text_card = next(c for c in pane.findings.cards if c.finding.check == "text")
    first = text_card.finding.evidence[0]
    assert first.text is not None
    assert first.text in text_card.evidence_labels[0].text()
    button = next(b for b in text_card.findChildren(QAbstractButton) if b.isVisibleTo(pane))
    button.click()
    assert pane.profile.editor.textCursor().selectedText() == first.text


def test_photos_decoded_ahead_are_shown_at_once(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    """A photo decoded while prefetching is on screen when `show_application` returns (no
    worker round trip); one the caller could not decode shows its reason."""
    case = pick(lambda c: c.wire.revisions[-1].profile.photo is not None and "photo" not in c.kinds)
    media = media_of(case.demo, media_dir)
    photo = case.wire.revisions[-1].profile.photo
    assert photo is not None
    ready = decode_photo(media[photo.sha256], photo.sha256)
    pane.show_application(case.wire, media, case.findings, None, decoded={photo.sha256: ready})
    assert not pane.photos.busy
    assert pane.photos.decoded(photo.sha256) is ready
    assert pane.photos.stack.currentWidget() is pane.photos.canvas

    pane.show_application(
        case.wire, media, case.findings, None, decoded={photo.sha256: "The photo is broken."}
    )
    assert not pane.photos.busy
    assert pane.photos.placeholder.text == "The photo is broken."


def test_photos_page_zoom_and_wellness(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    case = pick(
        lambda c: (
            (c.diff is not None and c.diff.photo.status == "replaced")
            or len({r.profile.photo.sha256 for r in c.wire.revisions if r.profile.photo}) > 1
        )
    )
    pane.show_application(
        case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
    )
    wait_photos(qtbot, pane)
    photos = pane.photos
    assert len(photos.entries) >= 2
    current_sha = case.wire.revisions[-1].profile.photo.sha256  # type: ignore[union-attr]
    assert photos.current is not None
    assert photos.current.sha256 == current_sha
    decoded = photos.decoded(current_sha)
    assert isinstance(decoded, DecodedPhoto)
    assert photos.stack.currentWidget() is photos.canvas
    assert photos.canvas.item.pixmap().size() == decoded.image.size()
    assert "Current photo" in photos.caption.text()

    pane.next_photo()
    assert photos.index == 1
    assert "Earlier photo" in photos.caption.text()
    pane.previous_photo()
    assert photos.index == 0
    pane.previous_photo()  # wraps around
    assert photos.index == len(photos.entries) - 1
    pane.next_photo()

    # Fit to view, zoom in and out, back to fit.
    fitted = photos.canvas.zoom()
    viewport = photos.canvas.viewport().size()
    assert decoded.width * fitted <= viewport.width() + 1
    assert decoded.height * fitted <= viewport.height() + 1
    photos.zoom_in()
    assert photos.canvas.zoom() == pytest.approx(fitted * 1.25)
    assert not photos.canvas.fit
    photos.zoom_out()
    photos.zoom_out()
    assert photos.canvas.zoom() == pytest.approx(fitted / 1.25)
    photos.fit_to_view()
    assert photos.canvas.zoom() == pytest.approx(fitted)
    assert photos.zoom_label.text().endswith("%")

    # Wellness: the pane's switch and the photo's button agree, and the signal says so.
    with qtbot.waitSignal(pane.wellness_changed) as blocker:
        pane.set_wellness(True)
    assert blocker.args == [True]
    shown = photos.canvas.item.pixmap().toImage()
    assert shown.isGrayscale()
    assert photos.wellness_button.isChecked()
    assert pane.video.canvas.video_item.graphicsEffect() is not None
    with qtbot.waitSignal(pane.wellness_changed) as blocker:
        photos.wellness_button.click()  # the reviewer turns it off
    assert blocker.args == [False]
    assert not pane.wellness
    assert not photos.canvas.item.pixmap().toImage().isGrayscale()
    assert pane.video.canvas.video_item.graphicsEffect() is None

    # Wellness carries over to the next application.
    pane.set_wellness(True)
    pane.show_application(
        case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
    )
    wait_photos(qtbot, pane)
    assert photos.canvas.item.pixmap().toImage().isGrayscale()


def test_corrupt_photos_show_a_placeholder(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path, tmp_path: Path
) -> None:
    case = pick(
        lambda c: (
            c.wire.revisions[-1].profile.photo is not None
            and c.wire.revisions[-1].profile.photo.content_type == "image/jpeg"
            and c.wire.revisions[-1].profile.photo.sha256 in c.demo.media
        )
    )
    good = media_dir / case.wire.revisions[-1].profile.photo.sha256  # type: ignore[union-attr]
    truncated = tmp_path / "truncated"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00not a png at all" * 50)
    for path, expected in ((truncated, "truncated"), (garbage, "not a")):
        ref = media_ref(path, "photo", "image/jpeg")
        wire = with_profile(case.wire, photo=ref)
        pane.show_application(wire, {ref.sha256: path}, case.findings, None, today=TODAY)
        wait_photos(qtbot, pane)
        assert pane.photos.stack.currentWidget() is pane.photos.placeholder
        assert pane.photos.placeholder.title == "Photo cannot be shown"
        assert expected in pane.photos.placeholder.text
        assert not pane.photos.zoom_in_button.isEnabled()

    # A file that does not match its SHA-256 is not shown.
    ref = media_ref(good, "photo", "image/jpeg")
    wire = with_profile(case.wire, photo=ref)
    pane.show_application(wire, {ref.sha256: garbage}, case.findings, None, today=TODAY)
    wait_photos(qtbot, pane)
    assert "SHA-256" in pane.photos.placeholder.text

    # Not downloaded, and no photo at all.
    pane.show_application(wire, {}, case.findings, None, today=TODAY)
    assert "not been downloaded" in pane.photos.placeholder.text
    pane.show_application(with_profile(case.wire, photo=None), {}, case.findings, None, today=TODAY)
    assert pane.photos.placeholder.title == "No photo"


def test_missing_and_broken_video_show_a_placeholder(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path, tmp_path: Path
) -> None:
    case = pick(
        lambda c: (
            c.wire.revisions[-1].profile.video is not None
            and c.wire.revisions[-1].profile.video.content_type == "video/mp4"
            and c.wire.revisions[-1].profile.video.sha256 in c.demo.media
            and "video_corrupt_truncated" not in c.kinds
            and "video_not_a_video" not in c.kinds
        )
    )
    video = pane.video
    pane.show_application(with_profile(case.wire, video=None), {}, case.findings, None, today=TODAY)
    assert video.stack.currentWidget() is video.placeholder
    assert video.placeholder.title == "No intro video"
    assert not video.play_button.isEnabled()
    pane.toggle_video()  # nothing to play: no error
    assert not video.playing

    pane.show_application(case.wire, {}, case.findings, None, today=TODAY)
    assert "not been downloaded" in video.placeholder.text

    good = media_dir / case.wire.revisions[-1].profile.video.sha256  # type: ignore[union-attr]
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(good.read_bytes()[:3000])
    ref = media_ref(truncated, "video", "video/mp4")
    with qtbot.waitSignal(video.failed, timeout=10_000):
        pane.show_application(
            with_profile(case.wire, video=ref),
            {ref.sha256: truncated},
            case.findings,
            None,
            today=TODAY,
        )
    assert video.stack.currentWidget() is video.placeholder
    assert video.placeholder.title == "Video cannot be played"
    assert video.error
    assert not video.play_button.isEnabled()


def test_real_video_loads_plays_and_gives_a_poster(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    case = pick(
        lambda c: (
            c.wire.revisions[-1].profile.video is not None
            and c.wire.revisions[-1].profile.video.sha256 in c.demo.media
            and not any(k.startswith("video") for k in c.kinds)
        )
    )
    video = pane.video
    with qtbot.waitSignals([video.duration_known, video.poster_ready], timeout=15_000):
        pane.show_application(
            case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
        )
    assert video.stack.currentWidget() is video.canvas
    assert video.player.duration() > 0
    assert video.slider.maximum() == video.player.duration()
    assert video.time_label.text().startswith("0:00 / ")
    assert not video.poster.isNull()
    assert video.poster.width() > 16
    assert video.audio.isMuted()  # muted by default, with no audio output (see video.py)
    assert video.player.audioOutput() is None
    video.mute_button.click()
    assert video.player.audioOutput() is video.audio
    assert not video.audio.isMuted()
    video.mute_button.click()
    assert video.player.audioOutput() is None
    assert video.play_button.isEnabled()

    video.player.setPlaybackRate(4.0)
    pane.toggle_video()
    qtbot.waitUntil(lambda: video.playing, timeout=5_000)
    qtbot.waitUntil(lambda: video.player.position() > 0, timeout=10_000)
    pane.toggle_video()
    qtbot.waitUntil(lambda: not video.playing, timeout=5_000)
    pane.stop_media()
    assert video.player.playbackState() == video.player.PlaybackState.StoppedState
    # The poster covers the stopped video; wellness greys it.
    pane.set_wellness(True)
    assert video.canvas.poster_item.isVisible()
    assert video.canvas.poster_item.pixmap().toImage().isGrayscale()


def test_resubmission_shows_the_diff_and_the_earlier_decision(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    case = pick(
        lambda c: (
            c.diff is not None
            and c.diff.earlier_decision is not None
            and bool(c.diff.earlier_decision.reason_codes)
            and bool(c.diff.changed_sections)
        )
    )
    assert case.diff is not None
    assert case.diff.earlier_decision is not None
    pane.show_application(
        case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
    )
    assert pane.diff_box.isVisible()
    box = pane.diff_view.decision
    earlier = case.diff.earlier_decision
    assert f"Revision {earlier.revision} was declined" == box.title.text()
    assert earlier.reviewer in box.byline.text()
    shown = box.reason_texts()
    assert len(shown) == len(earlier.reason_codes)
    for code, text in zip(earlier.reason_codes, shown, strict=True):
        assert reasons.DEFAULT_CATALOGUE.get(code).label in text  # type: ignore[union-attr]
    if earlier.note:
        assert earlier.note in box.note.text()
    else:
        assert box.note.text() == "No note."
    assert "Changed:" in pane.diff_view.summary.text()

    # Changed words are marked with character formats in the document.
    document = pane.diff_view.text.document()
    diff_text = document.toPlainText()
    marked = False
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if (
                fragment.charFormat().fontStrikeOut()
                or fragment.charFormat().background().style() != Qt.BrushStyle.NoBrush
            ):
                marked = True
            it += 1
        block = block.next()
    assert marked
    for media in (case.diff.photo, case.diff.video):
        assert ("Photo: " if media.kind.value == "photo" else "Intro video: ") in diff_text

    # A first submission has no diff.
    first = pick(lambda c: len(c.wire.revisions) == 1)
    pane.show_application(
        first.wire, media_of(first.demo, media_dir), first.findings, None, today=TODAY
    )
    assert not pane.diff_box.isVisible()


def test_server_text_is_never_rich_text(
    qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path
) -> None:
    case = pick(lambda c: c.diff is not None and c.diff.earlier_decision is not None)
    assert case.diff is not None
    assert case.diff.earlier_decision is not None
    hostile = "<b>Bold</b> <img src='x'> <a href='https://evil.example'>link</a>"
    wire = with_profile(case.wire, display_name=hostile, title=hostile, country=hostile)
    earlier = case.diff.earlier_decision
    diff = RevisionDiff(
        case.diff.application_id,
        case.diff.old_revision,
        case.diff.new_revision,
        case.diff.sections,
        case.diff.photo,
        case.diff.video,
        type(earlier)(
            earlier.revision,
            earlier.outcome,
            earlier.reason_codes,
            earlier.reason_labels,
            hostile,
            hostile,
            earlier.decided_at,
        ),
        case.diff.addressed,
    )
    pane.show_application(wire, media_of(case.demo, media_dir), case.findings, diff, today=TODAY)
    assert pane.name_label.text() == hostile
    assert hostile in pane.profile.text()
    assert hostile in pane.diff_view.decision.note.text()
    labels = pane.findChildren(QLabel)
    assert labels
    for label in labels:
        assert label.textFormat() == label.textFormat().PlainText, label.objectName()
    for edit in pane.findChildren(QTextEdit):
        assert not edit.acceptRichText()
        assert "<img" not in edit.toHtml() or "&lt;img" in edit.toHtml()


def test_placeholder_and_stop(qtbot: QtBot, pane: ReviewPane, pick: Pick, media_dir: Path) -> None:
    assert pane.stack.currentWidget() is pane.placeholder
    case = pick(lambda c: True)
    pane.show_application(
        case.wire, media_of(case.demo, media_dir), case.findings, case.diff, today=TODAY
    )
    pane.show_placeholder("Loading APP-000001…", "Downloading the photo and the video.")
    assert pane.stack.currentWidget() is pane.placeholder
    assert pane.placeholder.title == "Loading APP-000001…"
    assert pane.placeholder.text == "Downloading the photo and the video."
    assert not pane.video.playing
    assert pane.profile.text() == ""
    # A late photo result for the old application is dropped, not shown.
    wait_photos(qtbot, pane)
    assert pane.photos.entries == []


def test_evidence_does_not_repeat_what_its_message_says() -> None:
    demand = Evidence(
        "low_demand_skill",
        "Django: 3,466 open jobs for 7,548 freelancers (0.46 per freelancer, below 0.5)",
        figures=(
            Figure("open_jobs", 3466),
            Figure("active_freelancers", 7548),
            Figure("ratio", 0.459, "jobs/freelancer", 0.5, ">="),
        ),
    )
    assert evidence_text(demand) == demand.message
    photo = Evidence(
        "blur",
        "Blurred: hardly any fine detail.",
        figures=(Figure("blur_ratio", 0.601, "", 0.3, "<="), Figure("sharpness", 9.8)),
    )
    assert evidence_text(photo) == (
        "Blurred: hardly any fine detail.  [blur ratio: 0.601 (must be <= 0.3); sharpness: 9.8]"
    )
