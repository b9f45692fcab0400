"""Benchmark of the queue service over HTTP on loopback (not collected by pytest).

    python tests/perf/bench_service.py              # SQLite
    python tests/perf/bench_service.py --postgres   # SQLite, then a throwaway PostgreSQL
    python tests/perf/bench_service.py --process    # the service in its own process

Measures, each over `--runs` fresh databases, and prints the median of the runs:
- claims: 16 concurrent clients (own session, own user) claim one item per call until a queue of
  5,000 is empty: claims per second and the p50/p99 latency of one claim call;
- decisions: one client posts accepts in batches of 100: decisions per second, batch latency;
- queue page: `GET /queue?limit=500` paging through a queue of 20,000 items: p50/p95 latency.

By default the service runs in this process (the embedded server, as the workstation's demo
runs it), so clients and server share one interpreter; `--process` starts `reviewer-app serve`'s
app in a child process instead, which is closer to a deployment.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/: servicekit, pgserver

import requests  # noqa: E402
from servicekit import Api, add_users, make_service, plain_applications  # noqa: E402

from reviewer_app.service.seed import add_applications  # noqa: E402
from reviewer_app.service.server import EmbeddedServer, free_port  # noqa: E402

CLIENTS = 16
CLAIM_ITEMS = 5_000
DECISIONS = 2_000
BATCH = 100
QUEUE_ITEMS = 20_000
PAGE = 500


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# -- a service to measure ------------------------------------------------------------------------


@contextlib.contextmanager
def serve(db_url: str, users: list[tuple[str, str]], items: int, process: bool) -> Iterator[str]:
    """Fill a fresh database, then serve it; yields the API base URL."""
    service = make_service(db_url)
    add_users(service, users)
    add_applications(service.store, plain_applications(items), service.audit, datetime.now(UTC))
    if not process:
        with EmbeddedServer(service) as server:
            yield server.url + "/api/v1"
        service.close()
        return
    service.close()
    port = free_port()
    code = (
        "import sys, uvicorn\n"
        "from reviewer_app.service.app import create_app\n"
        "from reviewer_app.service.settings import ServiceSettings\n"
        "uvicorn.run(create_app(ServiceSettings(db_url=sys.argv[1])), host='127.0.0.1',"
        " port=int(sys.argv[2]), log_level='warning', access_log=False)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, db_url, str(port)])
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/health", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                if child.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the service process did not start") from None
                time.sleep(0.05)
        yield base
    finally:
        child.terminate()
        child.wait(10)


def sessions(base: str, names: list[str]) -> list[Api]:
    return [Api(base).login(name) for name in names]


# -- the measurements ----------------------------------------------------------------------------


def bench_claims(db_url: str, process: bool) -> dict[str, float]:
    names = [f"bench{n:02d}" for n in range(CLIENTS)]
    with serve(db_url, [(n, "reviewer") for n in names], CLAIM_ITEMS, process) as base:
        clients = sessions(base, names)
        start = threading.Barrier(CLIENTS + 1)

        def work(api: Api) -> tuple[int, list[float]]:
            latencies: list[float] = []
            got = 0
            start.wait()
            while True:
                t = time.perf_counter()
                leases = api.claim(1)
                latencies.append(time.perf_counter() - t)
                if not leases:
                    return got, latencies
                got += len(leases)

        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(work, api) for api in clients]
            start.wait()
            t0 = time.perf_counter()
            results = [f.result() for f in futures]
            wall = time.perf_counter() - t0
        claimed = sum(got for got, _ in results)
        if claimed != CLAIM_ITEMS:
            raise AssertionError(f"claimed {claimed} of {CLAIM_ITEMS}")
        latencies = [x for _, lat in results for x in lat]
        for api in clients:
            api.close()
    return {
        "claims_per_s": claimed / wall,
        "claim_p50_ms": statistics.median(latencies) * 1000,
        "claim_p99_ms": percentile(latencies, 99) * 1000,
    }


def bench_decisions(db_url: str, process: bool) -> dict[str, float]:
    with serve(db_url, [("decider", "reviewer")], DECISIONS, process) as base:
        [api] = sessions(base, ["decider"])
        now = datetime.now(UTC).isoformat()
        batch_times: list[float] = []
        for _ in range(DECISIONS // BATCH):
            leases = api.claim(BATCH)
            bodies = [
                {
                    "decision_id": str(uuid.uuid4()),
                    "application_id": lease["application_id"],
                    "revision": lease["revision"],
                    "lease_version": lease["version"],
                    "outcome": "accept",
                    "reason_codes": [],
                    "note": "",
                    "decided_at": now,
                    "handling_ms": 30_000,
                }
                for lease in leases
            ]
            t = time.perf_counter()
            results = api.decide(*bodies)
            batch_times.append(time.perf_counter() - t)
            if {r["status"] for r in results} != {"accepted"}:
                raise AssertionError(f"not all accepted: {results[:3]}")
        api.close()
    return {
        "decisions_per_s": DECISIONS / sum(batch_times),
        "batch_p50_ms": statistics.median(batch_times) * 1000,
    }


def bench_queue_page(db_url: str, process: bool) -> dict[str, float]:
    with serve(db_url, [("reader", "reviewer")], QUEUE_ITEMS, process) as base:
        [api] = sessions(base, ["reader"])
        times: list[float] = []
        for _ in range(2):  # page through the whole queue twice
            cursor = None
            while True:
                params: dict[str, str | int] = {"limit": PAGE}
                if cursor:
                    params["since"] = cursor
                t = time.perf_counter()
                answer = api.get("/queue", params=params)
                page = answer.json()
                times.append(time.perf_counter() - t)
                if answer.status_code != 200 or len(page["items"]) > PAGE:
                    raise AssertionError(answer.text[:200])
                cursor = page["next_cursor"]
                if not page["has_more"]:
                    break
        api.close()
    return {
        "page_p50_ms": statistics.median(times) * 1000,
        "page_p95_ms": percentile(times, 95) * 1000,
    }


# -- running and reporting -----------------------------------------------------------------------


@dataclass
class Backend:
    name: str
    new_url: Callable[[], str]
    figures: dict[str, list[float]] = field(default_factory=dict)


COLUMNS = [
    ("claims_per_s", "claims/s", "{:.0f}"),
    ("claim_p50_ms", "claim p50 ms", "{:.1f}"),
    ("claim_p99_ms", "claim p99 ms", "{:.1f}"),
    ("decisions_per_s", "decisions/s", "{:.0f}"),
    ("batch_p50_ms", "batch of 100 p50 ms", "{:.0f}"),
    ("page_p50_ms", "page of 500 p50 ms", "{:.1f}"),
    ("page_p95_ms", "page of 500 p95 ms", "{:.1f}"),
]


def run(backend: Backend, runs: int, process: bool) -> None:
    for n in range(runs):
        for bench in (bench_claims, bench_decisions, bench_queue_page):
            t = time.perf_counter()
            result = bench(backend.new_url(), process)
            print(
                f"  {backend.name} run {n + 1} {bench.__name__}: "
                + ", ".join(f"{k}={v:.1f}" for k, v in result.items())
                + f"  ({time.perf_counter() - t:.1f} s)",
                flush=True,
            )
            for key, value in result.items():
                backend.figures.setdefault(key, []).append(value)


def table(backends: list[Backend], runs: int, process: bool) -> str:
    head = ["database", *(title for _, title, _ in COLUMNS)]
    rows = [
        [b.name, *(fmt.format(statistics.median(b.figures[key])) for key, _, fmt in COLUMNS)]
        for b in backends
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    where = "service in its own process" if process else "embedded service, same process"
    note = (
        f"Medians of {runs} run(s); {CLIENTS} claim clients over {CLAIM_ITEMS:,} items "
        f"(count=1 a call); {DECISIONS:,} decisions in batches of {BATCH}; pages of {PAGE} "
        f"over {QUEUE_ITEMS:,} items; {where}; {os.cpu_count()} CPUs."
    )
    return "\n".join([line, rule, *body, "", note])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also measure PostgreSQL")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite")
    parser.add_argument("--process", action="store_true", help="run the service in a child")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        backends: list[Backend] = []
        if not args.no_sqlite:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
            counter = iter(range(1_000_000))
            backends.append(
                Backend("SQLite", lambda: f"sqlite:///{folder}/queue-{next(counter)}.sqlite3")
            )
        if args.postgres:
            from pgserver import PostgresServer  # tests/pgserver.py: a throwaway server

            server = stack.enter_context(PostgresServer())
            backends.append(Backend("PostgreSQL", lambda: server.url(server.create_database())))
        for backend in backends:
            run(backend, args.runs, args.process)
        print()
        print(table(backends, args.runs, args.process))
    return 0


if __name__ == "__main__":
    sys.exit(main())
