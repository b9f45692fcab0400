"""Accuracy of the automatic checks against the demo generator's ground truth.

    reviewer-app accuracy --count 2000
    python -m reviewer_app.checks_accuracy --count 2000      (the same)

Generates applicants (with real media), runs every check on each current revision the way the
workstation would (media by SHA-256, demand figures as the service's `GET /demand` answers
them, a hash index of the photos of applicants checked before), and compares each check's
suggestion with the reason codes of the truth: precision and recall per check, and per defect
kind what was missed. The checks never see the truth.

It lives outside `reviewer_app.core` because it imports the demo generator (a service module).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reviewer_app.core.checks import (
    ALL_CHECKS,
    ChecksConfig,
    Finding,
    KnownPhoto,
    MemoryMediaSource,
    PhotoHashIndex,
    run_checks,
)
from reviewer_app.core.checks.demand import demand_from_figures, demand_skills
from reviewer_app.core.checks.runner import REASON_OF
from reviewer_app.core.checks.video import ProbeResult, VideoProber
from reviewer_app.core.models import Application
from reviewer_app.core.wire import DemandOut

# The text check's suggestion counting spelling errors only. The generator injects misspellings
# and nothing else, and its templates are proofread (tests/test_demo_generator.py holds that the
# check finds no other sure error in them), so the "text" row (spelling and grammar) measures
# the whole check and this row its spelling part.
SPELLING = "text:spelling"

# A fixed decision time, so that runs are comparable (see the age notes in the report).
DEFAULT_NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


class CachingProber(VideoProber):
    """Probes each distinct file once: the demo's applicants share a pool of clips, and the
    same bytes give the same answer. Keyed by the file's name (its SHA-256 in a media folder,
    or a temporary name, in which case nothing is reused)."""

    def __init__(self, prober: VideoProber, key: Callable[[Path], str | None]) -> None:
        super().__init__(
            command=prober.command,
            timeout_s=prober.timeout_s,
            max_memory_mb=prober.max_memory_mb,
            max_cpu_s=prober.max_cpu_s,
        )
        self._key = key
        self._cache: dict[str, ProbeResult] = {}
        self.probes = 0

    def probe(self, path: Path) -> ProbeResult:
        key = self._key(path)
        if key is not None and key in self._cache:
            return self._cache[key]
        self.probes += 1
        result = super().probe(path)
        if key is not None:
            self._cache[key] = result
        return result


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    not_run: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Report:
    count: int
    seed: int
    now: datetime
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {c: Tally() for c in (*ALL_CHECKS[:3], SPELLING, *ALL_CHECKS[3:])}
    )
    missed_kinds: dict[str, Counter[str]] = field(default_factory=dict)
    kinds: dict[str, Counter[str]] = field(default_factory=dict)
    false_alarms: dict[str, list[str]] = field(default_factory=dict)
    text_positions_found: int = 0
    text_positions_total: int = 0
    seconds_generating: float = 0.0
    seconds_checking: float = 0.0
    check_ms: list[float] = field(default_factory=list)

    def table(self) -> str:
        lines = [
            f"Accuracy of the automatic checks: {self.count} demo applicants, seed {self.seed}, "
            f"decision time {self.now.isoformat()}",
            "",
            f"{'check':<13} {'reason':<19} {'precision':>9} {'recall':>7} {'TP':>5} {'FP':>5} "
            f"{'FN':>5} {'TN':>6} {'not run':>7}",
        ]
        for check, t in self.tallies.items():
            reason = REASON_OF.get(check.split(":")[0], "")
            lines.append(
                f"{check:<13} {reason:<19} {t.precision:>9.3f} {t.recall:>7.3f} "
                f"{t.tp:>5} {t.fp:>5} {t.fn:>5} {t.tn:>6} {t.not_run:>7}"
            )
        if self.text_positions_total:
            lines.append("")
            lines.append(
                f"text: {self.text_positions_found} of {self.text_positions_total} injected "
                "misspellings found at their exact position "
                f"({self.text_positions_found / self.text_positions_total:.1%})"
            )
        lines.append("")
        lines.append("recall per defect kind (found / present):")
        for check in ALL_CHECKS:
            kinds = self.kinds.get(check, Counter())
            missed = self.missed_kinds.get(check, Counter())
            if kinds:
                parts = ", ".join(
                    f"{kind} {kinds[kind] - missed[kind]}/{kinds[kind]}" for kind in sorted(kinds)
                )
                lines.append(f"  {check}: {parts}")
        alarms = {c: a for c, a in self.false_alarms.items() if a}
        if alarms:
            lines.append("")
            lines.append("false alarms (first few):")
            for check, items in alarms.items():
                lines.append(f"  {check}: " + "; ".join(items[:6]))
        if self.check_ms:
            ordered = sorted(self.check_ms)
            median = ordered[len(ordered) // 2]
            p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
            lines.append("")
            lines.append(
                f"time: generating {self.seconds_generating:.1f} s, checking "
                f"{self.seconds_checking:.1f} s; all checks per application median "
                f"{median:.1f} ms, p95 {p95:.1f} ms (video probes cached per distinct file)"
            )
        return "\n".join(lines)

    def worst(self, rows: Iterable[str] | None = None) -> float:
        names = list(self.tallies) if rows is None else list(rows)
        return min(min(self.tallies[n].precision, self.tallies[n].recall) for n in names)


def service_demand(skills: Iterable[str]) -> DemandOut:
    """The demo service's `GET /demand?skills=` answer for these skills."""
    from reviewer_app.service import demo

    names = list(skills)
    return demand_from_figures(demo.demand_for(names), names, demo.LOW_DEMAND_RATIO)


def _found_positions(finding: Finding, defects: list[dict[str, Any]]) -> tuple[int, int]:
    spans = {(e.section, e.start, e.text) for e in finding.evidence}
    found = total = 0
    for defect in defects:
        if defect.get("kind") != "spelling":
            continue
        details = defect.get("details", {})
        section = details.get("section")
        if section == "employment":
            section = f"employment[{details.get('index')}].description"
        total += 1
        found += (section, details.get("offset"), details.get("word")) in spans
    return found, total


def measure(
    count: int,
    *,
    seed: int = 7,
    now: datetime = DEFAULT_NOW,
    video: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Report:
    from reviewer_app.service import demo

    report = Report(count, seed, now)
    taxonomy = tuple(skill for skills in demo.SKILL_TAXONOMY.values() for skill in skills)
    prober: CachingProber | None = None
    media_of_current: dict[str, str] = {}
    if video:
        # The probe runs on a temporary file named "video" in a fresh folder: key the cache by
        # the SHA-256 that the runner is checking, which we know from the application.
        prober = CachingProber(VideoProber(), lambda _path: media_of_current.get("video"))
    config = ChecksConfig(vocabulary=taxonomy, video_prober=prober)
    checks = ALL_CHECKS if video else tuple(c for c in ALL_CHECKS if c != "video")
    index = PhotoHashIndex()
    started = time.perf_counter()
    generating = 0.0
    applicants = demo.generate(count, seed=seed, now=now)
    for number in range(count):
        t0 = time.perf_counter()
        applicant = next(applicants)
        generating += time.perf_counter() - t0
        application: Application = applicant.application
        profile = application.current.profile
        media_of_current.clear()
        if profile.video is not None:
            media_of_current["video"] = profile.video.sha256
        t1 = time.perf_counter()
        findings = run_checks(
            application,
            now=now,
            media=MemoryMediaSource(applicant.media),
            demand=service_demand(demand_skills(profile)),
            known_photo_hashes=index,
            config=config,
            checks=checks,
        )
        report.check_ms.append((time.perf_counter() - t1) * 1000)
        photo = next((f for f in findings if f.check == "photo"), None)
        if photo is not None and profile.photo is not None and "dhash" in photo.details:
            index.add(
                KnownPhoto(
                    application.application_id,
                    int(str(photo.details["dhash"]), 16),
                    profile.photo.sha256,
                )
            )
        _score(report, applicant.truth, findings)
        if progress is not None:
            progress(number + 1)
    report.seconds_generating = generating
    report.seconds_checking = time.perf_counter() - started - generating
    return report


def _count(tally: Tally, suggested: bool, actual: bool) -> None:
    if suggested and actual:
        tally.tp += 1
    elif suggested:
        tally.fp += 1
    elif actual:
        tally.fn += 1
    else:
        tally.tn += 1


def _score(report: Report, truth: dict[str, Any], findings: list[Finding]) -> None:
    reasons_true = set(truth["reasons"])
    for finding in findings:
        check = finding.check
        tally = report.tallies[check]
        actual = finding.reason in reasons_true
        if finding.status.value == "not_run":
            tally.not_run += 1
        defects = [d for d in truth["defects"] if d["reason"] == finding.reason]
        kinds = report.kinds.setdefault(check, Counter())
        missed = report.missed_kinds.setdefault(check, Counter())
        for kind in {d["kind"] for d in defects}:
            kinds[kind] += 1
            if not finding.suggested:
                missed[kind] += 1
        _count(tally, finding.suggested, actual)
        if finding.suggested and not actual:
            notes = ",".join(n["kind"] for n in truth.get("notes", []))
            what = "; ".join(e.message for e in finding.evidence[:2]) or finding.summary
            report.false_alarms.setdefault(check, []).append(
                f"{truth['application_id']}: {what[:140]}" + (f" [{notes}]" if notes else "")
            )
        if check == "text":
            found, total = _found_positions(finding, defects)
            report.text_positions_found += found
            report.text_positions_total += total
            spelling = [e for e in finding.evidence if e.kind.startswith("spelling")]
            suggested = any(e.kind == "spelling" for e in spelling) or len(spelling) >= 2
            _count(report.tallies[SPELLING], suggested, actual)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="reviewer-app accuracy",
        description="Precision and recall of the automatic checks on generated demo applicants.",
    )
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=DEFAULT_NOW,
        help="decision time (ISO 8601 with a time zone; default %(default)s)",
    )
    parser.add_argument("--no-video", action="store_true", help="skip the video probe")
    parser.add_argument(
        "--min", type=float, default=None, help="exit 1 when a precision or recall is below this"
    )
    args = parser.parse_args(argv)
    if args.now.tzinfo is None:
        parser.error("--now needs a time zone, e.g. 2026-11-28T15:00:00+00:00")

    def progress(done: int) -> None:
        if done % 250 == 0 or done == args.count:
            print(f"  {done}/{args.count} applicants", file=sys.stderr, flush=True)

    report = measure(
        args.count, seed=args.seed, now=args.now, video=not args.no_video, progress=progress
    )
    print(report.table())
    if args.min is not None and report.worst() < args.min:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
