"""One entry point for all checks of one application."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from reviewer_app.core import reasons
from reviewer_app.core.checks.age import check_age
from reviewer_app.core.checks.complete import check_completeness
from reviewer_app.core.checks.demand import DemandPolicy, check_demand
from reviewer_app.core.checks.findings import Evidence, Finding, not_run
from reviewer_app.core.checks.inputs import as_application
from reviewer_app.core.checks.media import ImageAnalyzer, MediaSource, PillowImageAnalyzer
from reviewer_app.core.checks.photo import KnownPhoto, PhotoHashIndex, PhotoPolicy, check_photo
from reviewer_app.core.checks.text import TextPolicy, check_text
from reviewer_app.core.checks.video import VideoPolicy, VideoProber, check_video
from reviewer_app.core.models import Application
from reviewer_app.core.wire import ApplicationOut, DemandOut

log = logging.getLogger(__name__)

ALL_CHECKS = ("age", "completeness", "text", "photo", "video", "demand")
REASON_OF = {
    "age": reasons.UNDER_18,
    "completeness": reasons.INCOMPLETE,
    "text": reasons.TEXT_ERRORS,
    "photo": reasons.PHOTO,
    "video": reasons.VIDEO,
    "demand": reasons.LOW_DEMAND,
}


@dataclass
class ChecksConfig:
    """Policies and the pluggable parts. One config can serve many applications."""

    photo: PhotoPolicy = field(default_factory=PhotoPolicy)
    video: VideoPolicy = field(default_factory=VideoPolicy)
    text: TextPolicy = field(default_factory=TextPolicy)
    demand: DemandPolicy = field(default_factory=DemandPolicy)
    image_analyzer: ImageAnalyzer = field(default_factory=PillowImageAnalyzer)
    video_prober: VideoProber | None = field(default_factory=VideoProber)
    # Words that are right in any profile, e.g. the marketplace's skill taxonomy.
    vocabulary: tuple[str, ...] = ()


def run_checks(
    application: Application | ApplicationOut,
    *,
    now: datetime,
    media: MediaSource | None = None,
    demand: DemandOut | None = None,
    known_photo_hashes: PhotoHashIndex | Iterable[KnownPhoto] | None = None,
    config: ChecksConfig | None = None,
    checks: Collection[str] = ALL_CHECKS,
) -> list[Finding]:
    """Findings of the current revision, one per check, in the order of `ALL_CHECKS`.

    `now` is the decision time on the service's clock. `media` gives the photo and video bytes
    (None: the media checks say they did not run). `demand` is the service's answer to
    `GET /demand?skills=` for the applicant's skills. `known_photo_hashes` are the photos of
    other applications (photos of this application's own revisions are ignored).

    A check that fails unexpectedly gives a `not_run` finding that says so; it never takes the
    other checks down with it.
    """
    config = config or ChecksConfig()
    unknown = set(checks) - set(ALL_CHECKS)
    if unknown:
        raise ValueError(f"unknown checks: {', '.join(sorted(unknown))}")
    app = as_application(application)
    profile = app.current.profile
    index: PhotoHashIndex | None
    if known_photo_hashes is None or isinstance(known_photo_hashes, PhotoHashIndex):
        index = known_photo_hashes
    else:
        index = PhotoHashIndex(known_photo_hashes)
    vocabulary = list(config.vocabulary)
    if demand is not None:
        vocabulary += [item.skill for item in demand.skills]

    runs: dict[str, Callable[[], Finding]] = {
        "age": lambda: check_age(profile, now),
        "completeness": lambda: check_completeness(profile),
        "text": lambda: check_text(profile, extra_vocabulary=vocabulary, policy=config.text),
        "photo": lambda: check_photo(
            profile.photo,
            media,
            config.image_analyzer,
            application_id=app.application_id,
            known_hashes=index,
            policy=config.photo,
        )[0],
        "video": lambda: check_video(
            profile.video, media, config.video_prober, policy=config.video
        ),
        "demand": lambda: check_demand(profile, demand, policy=config.demand),
    }
    findings: list[Finding] = []
    for name in ALL_CHECKS:
        if name not in checks:
            continue
        try:
            findings.append(runs[name]())
        except Exception as error:  # a bug in one check must not hide the others
            log.exception("the %s check failed on %s", name, app.application_id)
            findings.append(
                not_run(
                    name,
                    REASON_OF[name],
                    f"The {name} check failed: {type(error).__name__}: {error}",
                    Evidence("check_failed", f"{type(error).__name__}: {error}"),
                )
            )
    return findings
