"""Crash safety of recorded decisions (DESIGN §5: no decision the UI showed as recorded is lost).

A child process (tests/crash_child.py) records decisions into a real LocalStore and prints each
decision id only after `Outbox.record()` returned. The parent kills it with SIGKILL at random
moments — while it opens the store, while it records, and (in `send` mode) while its sender
thread is delivering to the real service on loopback — then opens the store again as the app
would on restart (integrity check, outbox recovery) and checks that every printed id is there
and `PRAGMA integrity_check` passes. At the end everything is delivered and the service must
hold each decision exactly once.

The number of kills comes from CRASH_KILLS (200 by default, about 2 minutes here). By hand:

    CRASH_KILLS=200 .venv/bin/python -m pytest tests/test_store_crash.py -m slow -s

Children are started ahead (two warm ones wait for `go` on stdin), so the ~0.5 s a child needs
to import SQLAlchemy and pydantic is not paid inside each kill cycle.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest
from servicekit import PASSWORD, REVIEWER, plain_applications, running, sqlite_url
from sqlalchemy import func, select

from reviewer_app.core.outbox import OutboxState
from reviewer_app.net.client import QueueClient
from reviewer_app.service import db as service_db
from reviewer_app.storage.store import LocalStore
from reviewer_app.sync import steps

CHILD = Path(__file__).with_name("crash_child.py")
LEASES_PER_RUN = 80  # open leases the child finds at each start
WAIT = 30.0  # seconds to wait for any line from a child before failing


@dataclass
class Child:
    number: int
    mode: str
    process: subprocess.Popen[str]
    lines: queue.Queue[str | None]
    reader: threading.Thread
    stderr: Path

    def expect(self, wanted: str, seen: list[str]) -> None:
        """Collect lines into `seen` until one starting with `wanted` arrives."""
        deadline = time.monotonic() + WAIT
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"child {self.number} never printed {wanted!r}") from None
            if line is None:
                raise AssertionError(
                    f"child {self.number} ended before printing {wanted!r}: "
                    f"{self.stderr.read_text()[-2000:]}"
                )
            seen.append(line)
            if line.startswith(wanted):
                return

    def kill(self, seen: list[str]) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(WAIT)
        self.reader.join(WAIT)
        while True:
            line = self.lines.get_nowait()
            if line is None:
                break
            seen.append(line)
        assert self.process.stdout is not None
        assert self.process.stdin is not None
        self.process.stdout.close()
        self.process.stdin.close()

    @property
    def closed(self) -> bool:
        return self.process.stdout is None or self.process.stdout.closed


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


@dataclass
class Tally:
    kills: int = 0
    anchors: Counter[str] = field(default_factory=Counter)
    printed: set[str] = field(default_factory=set)
    mid_send_kills: int = 0
    sending_at_restart: int = 0
    kills_before_open: int = 0
    send_runs: int = 0


def _raw(path: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(str(path), timeout=30)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.mark.slow
def test_kill_at_random_moments_loses_no_recorded_decision(tmp_path: Path) -> None:
    kills = int(os.environ.get("CRASH_KILLS", "200"))
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261128")))
    db_path, media = tmp_path / "local.sqlite3", tmp_path / "media"
    next_app = 1
    tally = Tally()
    children: deque[Child] = deque()
    started: list[Child] = []

    with running(
        sqlite_url(tmp_path / "queue.sqlite3"),
        users=[(REVIEWER, "reviewer")],
        lease_seconds=6 * 3600,
    ) as run:
        client = QueueClient(run.url, timeout=(3.0, 30.0))
        client.login(REVIEWER, PASSWORD)
        env = {
            **os.environ,
            "CRASH_URL": run.url,
            "CRASH_USER": REVIEWER,
            "CRASH_PASSWORD": PASSWORD,
        }

        def top_up(store: LocalStore) -> None:
            """Claim until the child will find LEASES_PER_RUN open leases."""
            nonlocal next_app
            while (need := LEASES_PER_RUN - len(store.claims.active())) > 0:
                if len(steps.claim(client, store, min(need, 100))) < min(need, 100):
                    run.add(plain_applications(1000, start=next_app))
                    next_app += 1000

        def spawn() -> Child:
            number = len(started)
            mode = "send" if rng.random() < 0.4 else "record"
            grace_ms = rng.choice([0, 0, 50])
            stderr = tmp_path / f"child-{number}.err"
            with stderr.open("w") as err:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        str(CHILD),
                        str(db_path),
                        str(media),
                        mode,
                        str(rng.randrange(1 << 30)),
                        str(grace_ms),
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    text=True,
                    env=env,
                    cwd=CHILD.parent.parent,
                )
            lines: queue.Queue[str | None] = queue.Queue()
            assert process.stdout is not None
            reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
            reader.start()
            child = Child(number, mode, process, lines, reader, stderr)
            started.append(child)
            return child

        store = LocalStore(db_path, media)
        top_up(store)
        store.close()
        try:
            children.extend([spawn(), spawn()])
            for _ in range(kills):
                child = children.popleft()
                children.append(spawn())
                seen: list[str] = []
                child.expect("W", seen)
                assert child.process.stdin is not None
                child.process.stdin.write("go\n")
                child.process.stdin.flush()
                anchor = rng.choices(["S", "O", "D"], weights=[15, 15, 70])[0]
                child.expect(anchor, seen)
                time.sleep(rng.uniform(0.020, 0.300))
                child.kill(seen)

                tally.kills += 1
                tally.anchors[anchor] += 1
                tally.send_runs += child.mode == "send"
                printed = {line.split()[1] for line in seen if line.startswith("D ")}
                tally.printed |= printed
                markers = [line for line in seen if line in ("P", "Q")]
                tally.mid_send_kills += bool(markers) and markers[-1] == "P"
                tally.kills_before_open += "O" not in seen

                # The restart: what the app does when it starts again.
                sending = _raw(db_path, "SELECT count(*) FROM decisions WHERE state = 'sending'")
                tally.sending_at_restart += int(sending[0][0])
                store = LocalStore(db_path, media)  # integrity check + outbox recovery
                try:
                    assert _raw(db_path, "PRAGMA integrity_check") == [("ok",)]
                    rows = dict(_raw(db_path, "SELECT decision_id, state FROM decisions"))
                    missing = tally.printed - rows.keys()
                    assert not missing, f"kill {tally.kills}: recorded decisions lost: {missing}"
                    assert all(rows[d] != OutboxState.UNDONE for d in tally.printed)
                    assert store.outbox.counts()[OutboxState.SENDING] == 0
                    top_up(store)
                finally:
                    store.close()
        finally:
            for child in started:
                if not child.closed:
                    child.kill([])

        # Deliver everything that is left, then ask the service.
        store = LocalStore(db_path, media)
        try:
            deadline = time.monotonic() + 120
            while True:
                report = steps.send_outbox(client, store)
                assert report.error is None, report.error
                counts = store.outbox.counts()
                if not counts[OutboxState.GRACE] + counts[OutboxState.READY]:
                    break
                assert time.monotonic() < deadline, counts
                time.sleep(0.05)
            local = {item.decision_id for item in store.outbox.items()}
            counts = store.outbox.counts()
        finally:
            store.close()
        assert tally.printed <= local
        assert counts[OutboxState.DELIVERED] == len(local), counts

        with run.store.read() as session:
            on_service = list(session.scalars(select(service_db.DecisionRow.decision_id)))
            audit_rows = session.scalar(select(func.count()).select_from(service_db.AuditEntry))
            audit_ids = Counter(
                body["decision"]["decision_id"]
                for body in session.scalars(select(service_db.AuditEntry.body))
            )
            audit_size = session.get_one(service_db.Counter, "audit_size").value
        assert len(on_service) == len(set(on_service)) == len(local)
        assert set(on_service) == local
        assert audit_rows == audit_size == len(local)
        assert set(audit_ids) == local
        assert max(audit_ids.values()) == 1
        client.close()

    print(
        f"\ncrash test: {tally.kills} kills (anchored on S/O/D: {dict(tally.anchors)}; "
        f"{tally.send_runs} with the sender running, {tally.mid_send_kills} of them mid-send, "
        f"{tally.kills_before_open} before the store was open); "
        f"{len(tally.printed)} decisions printed as recorded, {len(local)} in the store "
        f"(all printed present after every restart); {tally.sending_at_restart} rows found "
        f"in 'sending' at restarts (summed over restarts); delivered exactly once: "
        f"{len(on_service)} on the service, audit log size {audit_size}"
    )
