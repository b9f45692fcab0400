"""The video check: probed in a separate, limited process; broken files and probes are findings."""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import pytest
from test_checks_support import make_video, sha, video_ref

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import Finding, Status
from reviewer_app.core.checks.media import DirectoryMediaSource, MemoryMediaSource
from reviewer_app.core.checks.video import VideoPolicy, VideoProber, check_video, judge_probe
from reviewer_app.core.checks.video_probe import probe


@functools.cache
def good_mp4() -> bytes:
    return make_video(31)


@functools.cache
def good_webm() -> bytes:
    return make_video(40, container="webm")


def run(data: bytes, prober: VideoProber | None = None, content_type: str = "video/mp4") -> Finding:
    ref = video_ref(data, content_type)
    return check_video(ref, MemoryMediaSource({ref.sha256: data}), prober or VideoProber())


def kinds(finding: Finding) -> list[str]:
    return [e.kind for e in finding.evidence]


def test_a_good_video_passes_with_its_figures() -> None:
    finding = run(good_mp4())
    assert (finding.status, finding.suggested) == (Status.PASSED, False), finding.summary
    assert finding.reason == reasons.VIDEO
    assert finding.figure("duration_s") == pytest.approx(31, abs=0.6)
    assert (finding.figure("width"), finding.figure("height")) == (640, 360)
    assert finding.details["codec"] == "h264"


def test_a_good_webm_from_a_media_folder_passes(tmp_path: Path) -> None:
    data = good_webm()
    (tmp_path / sha(data)).write_bytes(data)
    finding = check_video(
        video_ref(data, "video/webm"), DirectoryMediaSource(tmp_path), VideoProber()
    )
    assert finding.status is Status.PASSED, finding.summary
    assert finding.details["codec"] == "vp9"


def test_no_video_is_a_finding() -> None:
    finding = check_video(None, None, None)
    assert (finding.suggested, kinds(finding)) == (True, ["missing"])


def test_a_video_missing_from_the_cache_means_the_check_did_not_run() -> None:
    finding = check_video(video_ref(b"x"), MemoryMediaSource({}), VideoProber())
    assert (finding.status, finding.suggested) == (Status.NOT_RUN, False)


def test_too_short() -> None:
    finding = run(make_video(12))
    assert kinds(finding) == ["too_short"]
    assert finding.suggested


def test_too_long() -> None:
    assert kinds(run(make_video(125, fps=1))) == ["too_long"]


def test_low_resolution() -> None:
    assert kinds(run(make_video(31, 320, 180))) == ["low_resolution"]


@pytest.mark.parametrize(
    "payload",
    [b"", os.urandom(50_000), b"<!DOCTYPE html><html>504 Gateway Timeout</html>"],
    ids=["empty", "random", "html"],
)
def test_not_a_video(payload: bytes) -> None:
    finding = run(payload)
    assert (finding.status, finding.suggested) == (Status.FLAGGED, True)
    assert kinds(finding) == ["unreadable"]
    assert "/tmp" not in finding.summary  # the temporary path is not shown


@pytest.mark.parametrize("fraction", [0.3, 0.9])
def test_a_truncated_mp4_is_unreadable(fraction: float) -> None:
    data = good_mp4()
    assert kinds(run(data[: int(len(data) * fraction)])) == ["unreadable"]


def test_a_truncated_webm_is_cut_short() -> None:
    data = good_webm()
    finding = run(data[: int(len(data) * 0.5)], content_type="video/webm")
    assert finding.suggested
    assert kinds(finding)[0] in ("truncated", "unreadable", "undecodable")


def test_the_probe_answers_json_in_process_too() -> None:
    answer = probe(os.devnull)
    assert answer["ok"] is False


def test_judging_a_stream_without_frames() -> None:
    problems, _figures, _details = judge_probe(
        {
            "ok": True,
            "duration_s": 40,
            "video": {"width": 640, "height": 360, "frames_decoded": 0},
            "errors": ["decode: x"],
        },
        "0" * 64,
        VideoPolicy(),
    )
    assert [p.kind for p in problems] == ["undecodable"]


# -- a probe that misbehaves: a finding, never a crash of the caller -----------------------------


def fake_probe(code: str, timeout_s: float = 10) -> VideoProber:
    """A test-only probe command (the real file is passed as an extra argument)."""
    return VideoProber(command=[sys.executable, "-c", code], timeout_s=timeout_s)


def test_a_hanging_probe_times_out() -> None:
    finding = run(good_mp4(), fake_probe("import time; time.sleep(60)", timeout_s=1))
    assert (finding.status, finding.suggested) == (Status.FLAGGED, True)
    assert kinds(finding) == ["probe_timeout"]


def test_a_crashing_probe_is_a_finding() -> None:
    finding = run(good_mp4(), fake_probe("import os; os.abort()"))
    assert kinds(finding) == ["probe_crashed"]
    assert "signal" in finding.summary


def test_a_probe_that_fails_is_a_finding() -> None:
    finding = run(good_mp4(), fake_probe("import sys; sys.exit('decoder exploded')"))
    assert kinds(finding) == ["probe_crashed"]
    assert "decoder exploded" in finding.summary


def test_a_probe_with_nonsense_output_is_a_finding() -> None:
    assert kinds(run(good_mp4(), fake_probe("print('hello')"))) == ["probe_bad_output"]


def test_a_probe_that_cannot_start_means_the_check_did_not_run() -> None:
    finding = run(good_mp4(), VideoProber(command=["/nonexistent/video-probe"]))
    assert (finding.status, finding.suggested) == (Status.NOT_RUN, False)


def test_the_memory_limit_holds_in_the_child() -> None:
    # 20 MB of address space is too little to even load the decoder: the child dies, the
    # caller gets a finding.
    finding = run(good_mp4(), VideoProber(max_memory_mb=20))
    assert finding.suggested
    assert kinds(finding)[0].startswith("probe_")


def test_the_probe_limits_its_own_address_space() -> None:
    code = (
        "from reviewer_app.core.checks.video_probe import _limit\n"
        "_limit(200, 5)\n"
        "try:\n"
        "    b = bytearray(1024 ** 3)\n"
        "except MemoryError:\n"
        '    print(\'{"ok": false, "error": "refused"}\')\n'
    )
    finding = run(good_mp4(), fake_probe(code))
    assert "refused" in finding.summary
