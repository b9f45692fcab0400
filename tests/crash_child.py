"""The child process of the crash test (tests/test_store_crash.py), killed with SIGKILL at random.

    python tests/crash_child.py DB_PATH MEDIA_FOLDER MODE SEED GRACE_MS

MODE is `record` (decide the claimed items one after the other) or `send` (the same, with the
outbox sender running against the service on another thread, as the workstation's sync engine
does). The service's address and the account come in CRASH_URL, CRASH_USER, CRASH_PASSWORD.

Protocol on stdout, one line each, flushed at once:
    W            warm: imports done (and signed in); waiting for `go` on stdin
    S            started: about to open the local store
    O            the store is open (integrity checked, outbox recovered)
    D <id>       decision <id> is recorded: printed only after Outbox.record() returned, i.e.
                 after its transaction was committed with synchronous=FULL
    P / Q        a send_outbox call began / returned
    E            no open lease is left to decide; idling until killed

Imports are kept to what recording needs (the store pulls in SQLAlchemy and pydantic, ~0.5 s);
the HTTP client only in `send` mode.
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from reviewer_app.core.models import Outcome
from reviewer_app.core.sla import utc_now
from reviewer_app.storage.outbox import NewDecision
from reviewer_app.storage.store import LocalStore

_out_lock = threading.Lock()


def say(line: str) -> None:
    with _out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def sender(client: object, store: LocalStore, rng: random.Random) -> None:
    from reviewer_app.sync import steps

    while True:
        say("P")
        steps.send_outbox(client, store)  # type: ignore[arg-type]
        say("Q")
        time.sleep(rng.uniform(0.0, 0.01))


def main() -> None:
    db_path, media, mode, seed, grace_ms = sys.argv[1:6]
    rng = random.Random(int(seed))
    client = None
    if mode == "send":
        from reviewer_app.net.client import QueueClient

        client = QueueClient(os.environ["CRASH_URL"], timeout=(2.0, 10.0))
        client.login(os.environ["CRASH_USER"], os.environ["CRASH_PASSWORD"])
    say("W")
    if sys.stdin.readline().strip() != "go":
        return
    say("S")
    store = LocalStore(Path(db_path), Path(media))
    say("O")
    if client is not None:
        threading.Thread(target=sender, args=(client, store, rng), daemon=True).start()
    grace = timedelta(milliseconds=int(grace_ms))
    while True:
        leases = store.claims.active()
        if not leases:
            break
        for lease in leases:
            decision_id = uuid.uuid4().hex
            outcome = rng.choice([Outcome.ACCEPT, Outcome.DECLINE])
            store.outbox.record(
                NewDecision(
                    decision_id=decision_id,
                    application_id=lease.application_id,
                    revision=lease.revision,
                    lease_version=lease.version,
                    outcome=outcome,
                    reason_codes=("text_errors",) if outcome is Outcome.DECLINE else (),
                    note="",
                    decided_at=utc_now(),
                    handling_ms=rng.randrange(1000, 90_000),
                    reviewer=os.environ.get("CRASH_USER", "crash"),
                ),
                grace,
            )
            say(f"D {decision_id}")
            time.sleep(rng.uniform(0.0, 0.004))
    say("E")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
