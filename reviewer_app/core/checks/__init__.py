"""Automatic checks of an application: the marketplace's decline reasons as findings.

Plain Python: no Qt, no SQL, no HTTP. Images are decoded with Pillow under an allocation limit
(`media.py`); videos are probed with PyAV in a separate, limited process (`video.py`).

    from reviewer_app.core.checks import run_checks
    findings = run_checks(application, now=server_now, media=DirectoryMediaSource(folder),
                          demand=demand_out, known_photo_hashes=index)
    json.dumps(findings_json(findings))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The names below load on first use, so that `python -m reviewer_app.core.checks.video_probe`
# (a child process per video) does not pay for the text dictionary, Pillow and pydantic.
if TYPE_CHECKING:
    from reviewer_app.core.checks.findings import (
        Evidence,
        Figure,
        Finding,
        Severity,
        Status,
        findings_json,
        suggested_reasons,
    )
    from reviewer_app.core.checks.media import (
        DirectoryMediaSource,
        ImageMeasures,
        MediaSource,
        MediaUnavailable,
        MemoryMediaSource,
        PillowImageAnalyzer,
    )
    from reviewer_app.core.checks.photo import KnownPhoto, PhotoHashIndex, PhotoPolicy
    from reviewer_app.core.checks.runner import ALL_CHECKS, ChecksConfig, run_checks
    from reviewer_app.core.checks.text import TextPolicy
    from reviewer_app.core.checks.video import VideoPolicy, VideoProber

_WHERE = {
    "ALL_CHECKS": "reviewer_app.core.checks.runner",
    "ChecksConfig": "reviewer_app.core.checks.runner",
    "DirectoryMediaSource": "reviewer_app.core.checks.media",
    "Evidence": "reviewer_app.core.checks.findings",
    "Figure": "reviewer_app.core.checks.findings",
    "Finding": "reviewer_app.core.checks.findings",
    "ImageMeasures": "reviewer_app.core.checks.media",
    "KnownPhoto": "reviewer_app.core.checks.photo",
    "MediaSource": "reviewer_app.core.checks.media",
    "MediaUnavailable": "reviewer_app.core.checks.media",
    "MemoryMediaSource": "reviewer_app.core.checks.media",
    "PhotoHashIndex": "reviewer_app.core.checks.photo",
    "PhotoPolicy": "reviewer_app.core.checks.photo",
    "PillowImageAnalyzer": "reviewer_app.core.checks.media",
    "Severity": "reviewer_app.core.checks.findings",
    "Status": "reviewer_app.core.checks.findings",
    "TextPolicy": "reviewer_app.core.checks.text",
    "VideoPolicy": "reviewer_app.core.checks.video",
    "VideoProber": "reviewer_app.core.checks.video",
    "findings_json": "reviewer_app.core.checks.findings",
    "run_checks": "reviewer_app.core.checks.runner",
    "suggested_reasons": "reviewer_app.core.checks.findings",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ALL_CHECKS",
    "ChecksConfig",
    "DirectoryMediaSource",
    "Evidence",
    "Figure",
    "Finding",
    "ImageMeasures",
    "KnownPhoto",
    "MediaSource",
    "MediaUnavailable",
    "MemoryMediaSource",
    "PhotoHashIndex",
    "PhotoPolicy",
    "PillowImageAnalyzer",
    "Severity",
    "Status",
    "TextPolicy",
    "VideoPolicy",
    "VideoProber",
    "findings_json",
    "run_checks",
    "suggested_reasons",
]
