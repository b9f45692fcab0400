"""Video: missing, unreadable, too short or too long, too low a resolution.

Untrusted video is never decoded in this process: `VideoProber` runs `video_probe` in a child
process with an address-space and CPU limit (set by the child before it loads the decoder) and
a wall-clock timeout. A child that crashes, hangs or answers nonsense becomes a finding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import (
    Evidence,
    Figure,
    Finding,
    Severity,
    Status,
    not_run,
)
from reviewer_app.core.checks.media import MediaSource, MediaUnavailable
from reviewer_app.core.models import MediaRef, Section

CHECK = "video"
SECTION = str(Section.VIDEO)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


@dataclass(frozen=True, slots=True)
class VideoPolicy:
    min_duration_s: float = 30.0  # the applicant-facing rule: 30 seconds to 2 minutes
    max_duration_s: float = 120.0
    min_width: int = 640
    min_height: int = 360
    # The demuxed stream must reach this share of the declared duration, or the file was cut.
    min_complete_share: float = 0.9


# The hidden first argument of `reviewer-app` that runs the probe (see `reviewer_app.cli`).
PROBE_FLAG = "--video-probe"


def default_probe_command() -> list[str]:
    """How to start the probe child. From a Python install: this interpreter running the probe
    module. From a frozen build (PyInstaller), `sys.executable` is the app itself, which cannot
    run `-m`: the app runs the probe when its first argument is `--video-probe`."""
    if getattr(sys, "frozen", False):
        return [sys.executable, PROBE_FLAG]
    return [sys.executable, "-m", "reviewer_app.core.checks.video_probe"]


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """What the probe said, or how it failed (`failure`: timeout, crashed, bad_output, or
    not_started when the probe itself could not be run)."""

    answer: dict[str, Any] | None
    failure: str | None = None
    message: str = ""
    seconds: float = 0.0


@dataclass
class VideoProber:
    """Runs the probe command on a file in a separate process with limits."""

    command: Sequence[str] = field(default_factory=default_probe_command)
    timeout_s: float = 15.0
    max_memory_mb: int = 1024
    max_cpu_s: int = 20

    def probe(self, path: Path) -> ProbeResult:
        import time

        argv = [
            *self.command,
            "--max-memory-mb",
            str(self.max_memory_mb),
            "--max-cpu-s",
            str(self.max_cpu_s),
            str(path),
        ]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p
        )
        started = time.monotonic()
        try:
            done = subprocess.run(  # noqa: S603 - our own command, the file is an argument
                argv,
                capture_output=True,
                timeout=self.timeout_s,
                env=env,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return ProbeResult(
                None,
                "timeout",
                f"the video probe did not finish within {self.timeout_s:g} s",
                time.monotonic() - started,
            )
        except OSError as error:
            return ProbeResult(None, "not_started", f"the video probe could not start: {error}")
        seconds = time.monotonic() - started
        if done.returncode != 0:
            how = (
                f"was killed by signal {-done.returncode}"
                if done.returncode < 0
                else f"exited with status {done.returncode}"
            )
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            return ProbeResult(
                None,
                "crashed",
                f"the video probe {how}" + (f" ({tail[0][:200]})" if tail else ""),
                seconds,
            )
        try:
            answer = json.loads(done.stdout.decode("utf-8").strip().splitlines()[-1])
            if not isinstance(answer, dict) or "ok" not in answer:
                raise ValueError("not a probe answer")
        except (ValueError, IndexError, UnicodeDecodeError):
            return ProbeResult(
                None, "bad_output", "the video probe gave no readable answer", seconds
            )
        return ProbeResult(answer, seconds=seconds)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def judge_probe(
    answer: dict[str, Any], sha: str, policy: VideoPolicy
) -> tuple[list[Evidence], tuple[Figure, ...], dict[str, Any]]:
    """Problems, headline figures and details from a probe answer."""

    def problem(kind: str, message: str, *figures: Figure) -> Evidence:
        return Evidence(kind, message, section=SECTION, media_sha256=sha, figures=figures)

    if not answer.get("ok"):
        error = str(answer.get("error", "unknown error"))
        return [problem("unreadable", f"The video cannot be opened: {error}.")], (), {}
    video = answer.get("video")
    if not isinstance(video, dict):
        return [problem("no_video_stream", "The file holds no video stream.")], (), {}
    problems: list[Evidence] = []
    duration = _number(answer.get("duration_s")) or _number(video.get("stream_duration_s"))
    width = int(_number(video.get("decoded_width")) or _number(video.get("width")) or 0)
    height = int(_number(video.get("decoded_height")) or _number(video.get("height")) or 0)
    frames = int(_number(video.get("frames_decoded")) or 0)
    last_end = _number(video.get("last_packet_end_s"))
    figures = (
        Figure("duration_s", duration, "s", policy.min_duration_s, ">="),
        Figure("width", width, "px", policy.min_width, ">="),
        Figure("height", height, "px", policy.min_height, ">="),
    )
    details = {
        "format": answer.get("format"),
        "codec": video.get("codec"),
        "has_audio": answer.get("audio") is not None,
    }
    if frames == 0:
        errors = "; ".join(str(e) for e in answer.get("errors", [])[:3])
        problems.append(
            problem(
                "undecodable",
                "Not a single frame of the video decodes" + (f" ({errors})." if errors else "."),
            )
        )
        return problems, figures, details
    if (
        duration is not None
        and last_end is not None
        and duration > 0
        and (last_end < policy.min_complete_share * duration)
    ):
        problems.append(
            problem(
                "truncated",
                f"The video stops at {last_end:.0f} s of the {duration:.0f} s it declares: "
                "the file was cut short.",
                Figure("playable_s", round(last_end, 1), "s", round(duration, 1), ">="),
            )
        )
        duration = last_end
    if duration is None:
        problems.append(problem("unknown_duration", "The video does not say how long it is."))
    elif duration < policy.min_duration_s - 0.5:
        problems.append(
            problem(
                "too_short",
                f"{duration:.0f} s long; at least {policy.min_duration_s:.0f} s needed.",
                Figure("duration_s", round(duration, 1), "s", policy.min_duration_s, ">="),
            )
        )
    elif duration > policy.max_duration_s + 0.5:
        problems.append(
            problem(
                "too_long",
                f"{duration:.0f} s long; at most {policy.max_duration_s:.0f} s allowed.",
                Figure("duration_s", round(duration, 1), "s", policy.max_duration_s, "<="),
            )
        )
    # Portrait video counts too: compare the longer and the shorter side.
    long_side, short_side = max(width, height), min(width, height)
    if long_side < policy.min_width or short_side < policy.min_height:
        problems.append(
            problem(
                "low_resolution",
                f"{width}×{height} pixels; at least {policy.min_width}×{policy.min_height} needed.",
                Figure("width", width, "px", policy.min_width, ">="),
                Figure("height", height, "px", policy.min_height, ">="),
            )
        )
    return problems, figures, details


def check_video(
    ref: MediaRef | None,
    media: MediaSource | None,
    prober: VideoProber | None,
    *,
    policy: VideoPolicy | None = None,
) -> Finding:
    policy = policy or VideoPolicy()
    if ref is None:
        return Finding(
            check=CHECK,
            reason=reasons.VIDEO,
            status=Status.FLAGGED,
            suggested=True,
            severity=Severity.ERROR,
            summary="No introduction video was uploaded.",
            evidence=(Evidence("missing", "The profile has no video.", section=SECTION),),
        )
    if media is None or prober is None:
        return not_run(
            CHECK,
            reasons.VIDEO,
            "The video is not available here: it was not checked.",
            Evidence(
                "not_available",
                "No media folder or video probe was given.",
                section=SECTION,
                media_sha256=ref.sha256,
            ),
        )
    try:
        path = media.file(ref.sha256)
        data = None if path is not None else media.read(ref.sha256)
    except MediaUnavailable as error:
        return not_run(
            CHECK,
            reasons.VIDEO,
            f"The video could not be checked: {error}.",
            Evidence(
                f"media_{error.problem}", str(error), section=SECTION, media_sha256=ref.sha256
            ),
        )
    if path is not None:
        result = prober.probe(path)
    else:
        assert data is not None
        with tempfile.TemporaryDirectory(prefix="reviewer-probe-") as folder:
            path = Path(folder) / "video"
            path.write_bytes(data)
            result = prober.probe(path)
    if result.answer is None:
        # The decoder hung or crashed on this file: that alone says it cannot be played, but
        # it may also be our fault (a probe that cannot start), so only a warning.
        started = result.failure != "not_started"
        return Finding(
            check=CHECK,
            reason=reasons.VIDEO,
            status=Status.FLAGGED if started else Status.NOT_RUN,
            suggested=started,
            severity=Severity.ERROR if started else Severity.WARNING,
            summary=f"The video could not be probed: {result.message}.",
            evidence=(
                Evidence(
                    f"probe_{result.failure}",
                    result.message,
                    section=SECTION,
                    media_sha256=ref.sha256,
                ),
            ),
            details={"probe_seconds": round(result.seconds, 3)},
        )
    answer = dict(result.answer)
    if isinstance(answer.get("error"), str):
        answer["error"] = answer["error"].replace(str(path), "the file")
    problems, figures, details = judge_probe(answer, ref.sha256, policy)
    details["probe_seconds"] = round(result.seconds, 3)
    if not problems:
        duration = figures[0].value
        return Finding(
            check=CHECK,
            reason=reasons.VIDEO,
            status=Status.PASSED,
            suggested=False,
            severity=Severity.INFO,
            summary=f"The video looks fine ({duration:.0f} s, {figures[1].value}×"
            f"{figures[2].value}).",
            figures=figures,
            details=details,
        )
    return Finding(
        check=CHECK,
        reason=reasons.VIDEO,
        status=Status.FLAGGED,
        suggested=True,
        severity=Severity.ERROR,
        summary=" ".join(p.message for p in problems),
        evidence=tuple(problems),
        figures=figures,
        details=details,
    )
