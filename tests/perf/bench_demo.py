"""How long the demo generator takes: 2,000 applicants with media, 100,000 without.

Run: python tests/perf/bench_demo.py [--runs N] [--large 100000]

Prints wall-clock and CPU seconds (CPU time is steadier on a shared machine). "cold" runs start
from empty media caches, so they include encoding the video pool once; "warm" runs reuse it,
as a second `generate` call in the same process would.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from reviewer_app.service.demo import clear_media_caches, generate
from reviewer_app.service.demo.videos import encoders

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def _measure(run: Callable[[], int]) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    produced = run()
    return time.perf_counter() - wall, time.process_time() - cpu, produced


def _consume(count: int, media: bool) -> Callable[[], int]:
    def run() -> int:
        sizes: dict[str, int] = {}  # distinct files: applicants share video clips
        for applicant in generate(count, seed=7, now=NOW, media=media):
            for sha, (_, data) in applicant.media.items():
                sizes[sha] = len(data)
        return sum(sizes.values())

    return run


def _report(label: str, samples: list[tuple[float, float, int]], count: int) -> None:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    megabytes = samples[0][2] / 1e6
    print(
        f"{label:<44} median wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
        f"({wall / count * 1000:.2f} ms per applicant, {len(samples)} runs"
        + (f", {megabytes:.0f} MB of distinct media)" if megabytes else ")")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()

    print("encoders:", encoders())

    cold = []
    for _ in range(args.runs):
        clear_media_caches()
        cold.append(_measure(_consume(args.small, media=True)))
    _report(f"{args.small:,} with media, cold caches", cold, args.small)
    warm = [_measure(_consume(args.small, media=True)) for _ in range(args.runs)]
    _report(f"{args.small:,} with media, warm caches", warm, args.small)

    clear_media_caches()
    large = [_measure(_consume(args.large, media=False))]  # the first run renders the pool
    _report(f"{args.large:,} without media (pooled), one cold run", large, args.large)
    if args.runs > 1:
        again = [_measure(_consume(args.large, media=False)) for _ in range(args.runs - 1)]
        _report(f"{args.large:,} without media (pooled), warm", again, args.large)


if __name__ == "__main__":
    main()
