"""`run_checks`: one finding per check, JSON out, and no check takes the others down."""

from __future__ import annotations

import json

import pytest
from test_checks_support import (
    NOW,
    application_document,
    encode,
    make_application,
    make_profile,
    make_video,
    photo_ref,
    portrait,
    video_ref,
)

from reviewer_app.core import reasons
from reviewer_app.core.checks import (
    ALL_CHECKS,
    ChecksConfig,
    KnownPhoto,
    MemoryMediaSource,
    PillowImageAnalyzer,
    Status,
    findings_json,
    run_checks,
    suggested_reasons,
)
from reviewer_app.core.checks.demand import demand_from_figures
from reviewer_app.core.checks.media import ImageMeasures
from reviewer_app.core.wire import ApplicationOut


def test_a_good_application_passes_every_check() -> None:
    photo, video = encode(portrait()), make_video(31)
    profile = make_profile(photo=photo_ref(photo), video=video_ref(video))
    media = MemoryMediaSource({photo_ref(photo).sha256: photo, video_ref(video).sha256: video})
    demand = demand_from_figures(
        {s: (900, 1000, 0.9) for s in profile.skills}, profile.skills, 0.25
    )
    findings = run_checks(make_application(profile), now=NOW, media=media, demand=demand)
    assert [f.check for f in findings] == list(ALL_CHECKS)
    assert [(f.check, f.status) for f in findings if f.status is not Status.PASSED] == []
    assert suggested_reasons(findings) == []
    assert [f.reason for f in findings] == [
        reasons.UNDER_18,
        reasons.INCOMPLETE,
        reasons.TEXT_ERRORS,
        reasons.PHOTO,
        reasons.VIDEO,
        reasons.LOW_DEMAND,
    ]


def test_the_wire_model_is_accepted_as_it_is() -> None:
    document = application_document(make_application(make_profile(overview="Too short.")))
    findings = run_checks(
        ApplicationOut.model_validate(document), now=NOW, checks=("completeness",)
    )
    assert [f.suggested for f in findings] == [True]


def test_findings_serialise_to_json() -> None:
    findings = run_checks(
        make_application(make_profile(overview="I have experiance.")),
        now=NOW,
        checks=("text", "completeness", "photo"),
    )
    document = json.loads(json.dumps(findings_json(findings)))
    text = next(item for item in document if item["check"] == "text")
    assert text["evidence"][0]["start"] == 7
    assert text["evidence"][0]["section"] == "overview"
    assert text["figures"][0] == {
        "name": "errors",
        "value": 1,
        "unit": "",
        "limit": None,
        "comparison": "",
    }


def test_a_check_that_breaks_says_so_and_the_others_run() -> None:
    class Broken(PillowImageAnalyzer):
        def analyze(self, data: bytes) -> ImageMeasures:
            raise ZeroDivisionError("bug")

    data = encode(portrait())
    profile = make_profile(photo=photo_ref(data))
    findings = run_checks(
        make_application(profile),
        now=NOW,
        media=MemoryMediaSource({photo_ref(data).sha256: data}),
        config=ChecksConfig(image_analyzer=Broken()),
        checks=("age", "photo", "completeness"),
    )
    photo = next(f for f in findings if f.check == "photo")
    assert (photo.status, photo.suggested) == (Status.NOT_RUN, False)
    assert "ZeroDivisionError" in photo.summary
    assert len(findings) == 3


def test_known_photo_hashes_may_be_a_plain_list() -> None:
    data = encode(portrait(seed=9))
    measures = PillowImageAnalyzer().analyze(data)
    findings = run_checks(
        make_application(make_profile(photo=photo_ref(data)), app_id="APP-2"),
        now=NOW,
        media=MemoryMediaSource({photo_ref(data).sha256: data}),
        known_photo_hashes=[KnownPhoto("APP-1", measures.dhash)],
        checks=("photo",),
    )
    assert findings[0].evidence[0].kind == "duplicate"


def test_demand_skill_names_are_known_words() -> None:
    profile = make_profile(overview="I do Qlikview work.", skills=("Qlikview",))
    demand = demand_from_figures({"Qlikview": (900, 1000, 0.9)}, profile.skills, 0.25)
    findings = run_checks(make_application(profile), now=NOW, demand=demand, checks=("text",))
    assert findings[0].status is Status.PASSED


def test_unknown_check_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown checks: spelling"):
        run_checks(make_application(), now=NOW, checks=("spelling",))
