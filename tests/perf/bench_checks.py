"""How long the automatic checks take per application, and the video probe per file.

Run: python tests/perf/bench_checks.py [--count 300] [--videos 30]

Applicants come from the demo generator (made before timing starts). "all but video" is
`run_checks` with every check except the video probe (goal: median under 50 ms); the video probe
is timed per distinct file, each in its own child process as in use (goal: under 1 s). The
one-off start-up costs (loading the dictionary, building the suggestion index) are shown apart.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reviewer_app.checks_accuracy import service_demand
from reviewer_app.core.checks import (
    ALL_CHECKS,
    ChecksConfig,
    KnownPhoto,
    MemoryMediaSource,
    PhotoHashIndex,
    run_checks,
)
from reviewer_app.core.checks.demand import demand_skills
from reviewer_app.core.checks.text import dictionary
from reviewer_app.core.checks.video import VideoProber, check_video
from reviewer_app.core.models import MediaRef
from reviewer_app.service import demo

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
GOAL_CHECKS_MS = 50.0
GOAL_PROBE_S = 1.0


def _stats(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--videos", type=int, default=30)
    args = parser.parse_args()

    print(f"generating {args.count} demo applicants with media …", file=sys.stderr)
    applicants = list(demo.generate(args.count, seed=7, now=NOW))
    taxonomy = tuple(s for skills in demo.SKILL_TAXONOMY.values() for s in skills)

    started = time.perf_counter()
    words = dictionary()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    words.suggestions("experiance")
    indexed = time.perf_counter() - started
    print(f"start-up: dictionary {loaded * 1000:.0f} ms, suggestion index {indexed * 1000:.0f} ms")

    config = ChecksConfig(vocabulary=taxonomy, video_prober=None)
    checks = tuple(c for c in ALL_CHECKS if c != "video")
    index = PhotoHashIndex()
    totals: list[float] = []
    per_check: dict[str, list[float]] = {c: [] for c in checks}
    for applicant in applicants:
        application = applicant.application
        profile = application.current.profile
        media = MemoryMediaSource(applicant.media)
        demand = service_demand(demand_skills(profile))
        t0 = time.perf_counter()
        findings = run_checks(
            application,
            now=NOW,
            media=media,
            demand=demand,
            known_photo_hashes=index,
            config=config,
            checks=checks,
        )
        totals.append((time.perf_counter() - t0) * 1000)
        for check in checks:  # each check alone, for the breakdown
            t1 = time.perf_counter()
            run_checks(
                application,
                now=NOW,
                media=media,
                demand=demand,
                known_photo_hashes=index,
                config=config,
                checks=(check,),
            )
            per_check[check].append((time.perf_counter() - t1) * 1000)
        photo = next(f for f in findings if f.check == "photo")
        if profile.photo is not None and "dhash" in photo.details:
            index.add(
                KnownPhoto(
                    application.application_id,
                    int(str(photo.details["dhash"]), 16),
                    profile.photo.sha256,
                )
            )

    median, p95, worst = _stats(totals)
    verdict = "ok" if median < GOAL_CHECKS_MS else "OVER GOAL"
    print(
        f"all checks but video, per application ({len(totals)}): median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, max {worst:.1f} ms  [goal: median < {GOAL_CHECKS_MS:.0f} ms: "
        f"{verdict}]"
    )
    for check, values in per_check.items():
        m, p, _ = _stats(values)
        print(f"  {check:<13} median {m:6.2f} ms  p95 {p:6.2f} ms")
    print(f"  (photo hash index held {len(index)} photos at the end)")

    videos: dict[str, tuple[MediaRef, bytes]] = {}
    for applicant in applicants:
        ref = applicant.application.current.profile.video
        if ref is not None and ref.sha256 not in videos:
            videos[ref.sha256] = (ref, applicant.media[ref.sha256][1])
        if len(videos) >= args.videos:
            break
    prober = VideoProber()
    probe_s: list[float] = []
    for sha, (video, data) in videos.items():
        t0 = time.perf_counter()
        check_video(video, MemoryMediaSource({sha: data}), prober)
        probe_s.append(time.perf_counter() - t0)
    if probe_s:
        median, p95, worst = _stats(probe_s)
        verdict = "ok" if p95 < GOAL_PROBE_S else "OVER GOAL"
        print(
            f"video probe per file ({len(probe_s)} distinct, child process each): median "
            f"{median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {worst * 1000:.0f} ms  "
            f"[goal: < {GOAL_PROBE_S:.0f} s: {verdict}]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
