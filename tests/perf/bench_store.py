"""Benchmark of the workstation's local store and sync steps (not collected by pytest).

    python tests/perf/bench_store.py [--records 500] [--deliver 10000] [--prefetch 20]
                                     [--pull 100000] [--dir PATH] [--skip deliver,pull,...]

Prints a table of:
- commit latency of a decision (`Outbox.record`: decision row + outbox state, one transaction,
  WAL, synchronous=FULL), median and p95, beside a raw single-row SQLite commit (plain sqlite3,
  WAL, synchronous=FULL, one INSERT + COMMIT) on the same disk in the same run, interleaved in
  blocks so both see the same load, and their ratio;
- delivery of `--deliver` outbox decisions to the service on loopback (`send_outbox`, batches of
  100): seconds and decisions per second;
- prefetch of `--prefetch` claimed applications with their photos and videos (real demo media,
  some videos shared) from the service on loopback (`steps.prefetch`: details, then each media
  file streamed by `QueueClient.download_media` into the cache and hash-checked): seconds, MB,
  MB/s, and the files checked again against their names afterwards;
- a queue delta pull of `--pull` summaries into an empty local store (pages of 1,000), run in a
  child process so that its memory is its own: seconds, tracemalloc peak (a second run, since
  tracing slows Python down) and the growth of the child's peak RSS (ru_maxrss, which Linux
  carries over from the parent, and VmHWM, the child's own); then the queue
  view's reads on the pulled 100,000 rows (`QueueCache.page` / `count`).

The service runs in this process (the embedded server on a loopback port, as in the demo); the
pull's client and store run in the child. On a busy machine, compare figures within one run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: servicekit

from servicekit import PASSWORD, add_users, make_service, plain_applications  # noqa: E402

from reviewer_app.core.models import Outcome  # noqa: E402
from reviewer_app.core.outbox import OutboxState  # noqa: E402
from reviewer_app.core.sla import utc_now  # noqa: E402
from reviewer_app.core.wire import LeaseOut  # noqa: E402
from reviewer_app.net.client import QueueClient  # noqa: E402
from reviewer_app.service.app import QueueService  # noqa: E402
from reviewer_app.service.seed import add_applications  # noqa: E402
from reviewer_app.service.server import EmbeddedServer  # noqa: E402
from reviewer_app.storage.outbox import NewDecision  # noqa: E402
from reviewer_app.storage.store import LocalStore  # noqa: E402
from reviewer_app.sync import steps  # noqa: E402

USER = "bench"
Row = tuple[str, str]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def new_decision(lease: LeaseOut | None = None, i: int = 0) -> NewDecision:
    return NewDecision(
        decision_id=uuid.uuid4().hex,
        application_id=lease.application_id if lease else f"APP-{i:06d}",
        revision=lease.revision if lease else 1,
        lease_version=lease.version if lease else 1,
        outcome=Outcome.DECLINE,
        reason_codes=("text_errors",),
        note="",
        decided_at=utc_now(),
        handling_ms=12_000,
        reviewer=USER,
    )


# -- commit latency ------------------------------------------------------------------------------
def bench_commits(folder: Path, records: int) -> list[Row]:
    store = LocalStore(folder / "latency.sqlite3", folder / "latency-media")
    raw = sqlite3.connect(str(folder / "raw.sqlite3"), isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    recorded: list[float] = []
    plain: list[float] = []
    block = 50
    try:
        for start in range(0, records, block):
            for i in range(start, min(records, start + block)):
                began = time.perf_counter()
                raw.execute("BEGIN IMMEDIATE")
                raw.execute("INSERT INTO t (v) VALUES (?)", (f"row {i}",))
                raw.execute("COMMIT")
                plain.append(time.perf_counter() - began)
            for i in range(start, min(records, start + block)):
                decision = new_decision(i=i)
                began = time.perf_counter()
                store.outbox.record(decision, timedelta(0))
                recorded.append(time.perf_counter() - began)
    finally:
        raw.close()
        store.close()
    ms = 1000.0
    med_r, p95_r = statistics.median(recorded) * ms, percentile(recorded, 0.95) * ms
    med_p, p95_p = statistics.median(plain) * ms, percentile(plain, 0.95) * ms
    return [
        (f"Outbox.record, {records}x: median / p95", f"{med_r:.2f} ms / {p95_r:.2f} ms"),
        (
            f"raw sqlite3 INSERT+COMMIT, {records}x: median / p95",
            f"{med_p:.2f} ms / {p95_p:.2f} ms",
        ),
        ("ratio record / raw: median / p95", f"{med_r / med_p:.2f}x / {p95_r / p95_p:.2f}x"),
    ]


# -- the service ---------------------------------------------------------------------------------
def start_service(stack: ExitStack, folder: Path, name: str) -> tuple[QueueService, str]:
    service = make_service(f"sqlite:///{folder / name}")
    stack.callback(service.close)
    add_users(service, [(USER, "reviewer")])
    server = EmbeddedServer(service).start()
    stack.callback(server.stop)
    return service, server.url


def login(url: str) -> QueueClient:
    client = QueueClient(url, timeout=(5.0, 120.0))
    client.login(USER, PASSWORD)
    return client


def claim_all(client: QueueClient, store: LocalStore, count: int) -> int:
    claimed = 0
    while claimed < count:
        got = steps.claim(client, store, min(100, count - claimed))
        if not got:
            break
        claimed += len(got)
    return claimed


class TimedClient:
    """The real client, adding up the time spent in `post_decisions`."""

    def __init__(self, client: QueueClient) -> None:
        self._client = client
        self.seconds = 0.0

    def post_decisions(self, decisions: Any) -> Any:
        began = time.perf_counter()
        try:
            return self._client.post_decisions(decisions)
        finally:
            self.seconds += time.perf_counter() - began

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def bench_deliver(folder: Path, count: int) -> list[Row]:
    with ExitStack() as stack:
        service, url = start_service(stack, folder, "deliver-queue.sqlite3")
        began = time.perf_counter()
        add_applications(service.store, plain_applications(count), service.audit, utc_now())
        seeded = time.perf_counter() - began
        client = login(url)
        stack.callback(client.close)
        store = LocalStore(folder / "deliver.sqlite3", folder / "deliver-media")
        stack.callback(store.close)
        claimed = claim_all(client, store, count)
        began = time.perf_counter()
        for lease in store.claims.active():
            store.outbox.record(new_decision(lease), timedelta(0))
        recording = time.perf_counter() - began

        timed = TimedClient(client)
        began = time.perf_counter()
        batches = 0
        while True:
            report = steps.send_outbox(timed, store)
            if report.error is not None:
                raise RuntimeError(f"delivery failed: {report.error}")
            batches += -(-report.sent // steps.BATCH_SIZE)
            counts = store.outbox.counts()
            if not counts[OutboxState.READY] + counts[OutboxState.GRACE]:
                break
        took = time.perf_counter() - began
        delivered = store.outbox.counts()[OutboxState.DELIVERED]
    assert claimed == count == delivered, (claimed, count, delivered)
    return [
        (f"seed {count:,} light applications (add_applications)", f"{seeded:.1f} s"),
        (f"record {count:,} decisions (one durable commit each)", f"{recording:.1f} s"),
        (
            f"send_outbox: {count:,} decisions in {batches} batches of {steps.BATCH_SIZE}",
            f"{took:.2f} s = {count / took:,.0f} decisions/s",
        ),
        (
            "  of which POST /decisions (service + HTTP)",
            f"{timed.seconds:.2f} s ({timed.seconds / took:.0%}); local take+settle the rest",
        ),
    ]


def bench_prefetch(folder: Path, count: int) -> list[Row]:
    if not hasattr(QueueClient, "download_media"):
        return [(f"prefetch {count} applications with media", "n/a: no QueueClient.download_media")]
    from reviewer_app.service import demo

    with ExitStack() as stack:
        service, url = start_service(stack, folder, "prefetch-queue.sqlite3")
        applicants = list(demo.generate(count, seed=11, now=utc_now(), media=True))
        add_applications(
            service.store, ((a.application, a.media) for a in applicants), service.audit, utc_now()
        )
        client = login(url)
        stack.callback(client.close)
        store = LocalStore(folder / "prefetch.sqlite3", folder / "prefetch-media")
        stack.callback(store.close)
        claimed = claim_all(client, store, count)
        references = 0
        began = time.perf_counter()
        report = steps.prefetch(client, store, count)
        took = time.perf_counter() - began
        for lease in store.claims.active():
            references += len(store.claims.media_of(lease.application_id))
        megabytes = store.media.size() / 1e6
        # Every file as it landed, checked again against its name.
        verified = all(
            hashlib.sha256(path.read_bytes()).hexdigest() == path.name
            for path in (folder / "prefetch-media").glob("??/*")
        )
    return [
        (
            f"prefetch {len(report.applications)} of {claimed} claimed applications, "
            f"{report.media} media files ({references} references)",
            f"{took:.2f} s ({megabytes:.1f} MB = {megabytes / took:.1f} MB/s; "
            f"{len(report.media_failed)} failed; hashes {'ok' if verified else 'WRONG'})",
        ),
        (
            "  per application (details + its media)",
            f"{took / max(1, len(report.applications)) * 1000:.0f} ms",
        ),
    ]


def bench_pull(folder: Path, count: int) -> list[Row]:
    with ExitStack() as stack:
        service, url = start_service(stack, folder, "pull-queue.sqlite3")
        began = time.perf_counter()
        add_applications(service.store, plain_applications(count), service.audit, utc_now())
        seeded = time.perf_counter() - began
        answer = subprocess.run(
            [sys.executable, __file__, "--pull-child", url, str(folder)],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
    figures = json.loads(answer.stdout.strip().splitlines()[-1])
    return [
        (f"seed {count:,} light applications (add_applications)", f"{seeded:.1f} s"),
        (
            f"pull_queue: {figures['changes']:,} summaries, pages of 1,000 (child process)",
            f"{figures['seconds']:.1f} s = {figures['changes'] / figures['seconds']:,.0f} items/s",
        ),
        (
            "  child's peak RSS (ru_maxrss) before / after the pull",
            f"{figures['rss_before_mb']:.1f} MB / {figures['rss_after_mb']:.1f} MB",
        ),
        (
            "  child's own peak RSS (VmHWM) before / after the pull",
            f"{figures['hwm_before_mb']:.1f} MB / {figures['hwm_after_mb']:.1f} MB",
        ),
        ("  tracemalloc peak (second pull, traced)", f"{figures['traced_peak_mb']:.1f} MB"),
        ("  local database size after the pull", f"{figures['db_mb']:.1f} MB"),
        *((f"  queue view: {name}", f"{ms:.1f} ms") for name, ms in figures["view"].items()),
    ]


def queue_view_times(store: LocalStore, rows: int) -> dict[str, float]:
    """Milliseconds of the queue view's reads (`QueueCache.page` / `count`) on the pulled
    queue: the last window of 200 by due time and by applicant (descending), a filter."""
    deep = max(0, rows - 200)
    calls: dict[str, Callable[[], object]] = {
        "page(due_at), last 200": lambda: store.queue.page("due_at", False, "", deep, 200),
        "page(applicant desc), last 200": lambda: store.queue.page(
            "applicant", True, "", deep, 200
        ),
        "page(held_by), last 200 (no index)": lambda: store.queue.page(
            "held_by", False, "", deep, 200
        ),
        "count(filter 'APP-00')": lambda: store.queue.count("APP-00"),
        "page(due_at, filter 'APP-00'), first 200": lambda: store.queue.page(
            "due_at", False, "APP-00", 0, 200
        ),
    }
    times: dict[str, float] = {}
    for name, call in calls.items():
        began = time.perf_counter()
        call()
        times[name] = (time.perf_counter() - began) * 1000
    return times


def vm_hwm_kb() -> float:
    """This process's own peak RSS (VmHWM, kB). Unlike ru_maxrss, which Linux carries over
    from the parent through fork and exec (so the child's "before" can be the parent's peak),
    VmHWM belongs to the address space made at exec. -1 where /proc is not there."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    except OSError:
        pass
    return -1.0


def pull_child(url: str, folder: Path) -> None:
    """In the child: pull the whole queue into a fresh store, untraced then traced."""
    client = login(url)
    store = LocalStore(folder / "pull.sqlite3", folder / "pull-media")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_before = vm_hwm_kb()
    began = time.perf_counter()
    changes = steps.pull_queue(client, store, page_size=1000)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    hwm_after = vm_hwm_kb()
    view = queue_view_times(store, changes)
    store.close()
    db_mb = os.path.getsize(folder / "pull.sqlite3") / 1e6

    traced = LocalStore(folder / "pull-traced.sqlite3", folder / "pull-media")
    tracemalloc.start()
    steps.pull_queue(client, traced, page_size=1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced.close()
    client.close()
    print(
        json.dumps(
            {
                "changes": changes,
                "seconds": seconds,
                "rss_before_mb": before / 1024,
                "rss_after_mb": after / 1024,
                "hwm_before_mb": hwm_before / 1024,
                "hwm_after_mb": hwm_after / 1024,
                "traced_peak_mb": peak / 1e6,
                "db_mb": db_mb,
                "view": view,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--deliver", type=int, default=10_000)
    parser.add_argument("--prefetch", type=int, default=20)
    parser.add_argument("--pull", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None, help="where the files go (a disk)")
    parser.add_argument("--skip", default="", help="comma-separated: commits,deliver,prefetch,pull")
    parser.add_argument("--pull-child", nargs=2, metavar=("URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pull_child:
        pull_child(args.pull_child[0], Path(args.pull_child[1]))
        return

    skip = set(filter(None, args.skip.split(",")))
    benches: list[tuple[str, Callable[[Path], list[Row]]]] = [
        ("commits", lambda folder: bench_commits(folder, args.records)),
        ("deliver", lambda folder: bench_deliver(folder, args.deliver)),
        ("prefetch", lambda folder: bench_prefetch(folder, args.prefetch)),
        ("pull", lambda folder: bench_pull(folder, args.pull)),
    ]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=args.dir) as tmp:
        folder = Path(tmp)
        print(f"files in {folder} ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
        for name, bench in benches:
            if name in skip:
                continue
            began = time.perf_counter()
            got = bench(folder)
            print(f"  {name} done in {time.perf_counter() - began:.0f} s", flush=True)
            rows += got
    width = max(len(label) for label, _ in rows)
    print()
    print(f"{'measurement':<{width}}  figure")
    print(f"{'-' * width}  {'-' * 36}")
    for label, figure in rows:
        print(f"{label:<{width}}  {figure}")


if __name__ == "__main__":
    main()
