"""The life of a recorded decision on its way to the service (DESIGN §4 steps 6–8).

    GRACE ──(grace over)──> READY ──(taken)──> SENDING ──> DELIVERED
      │                       ▲                   │  ├──> CONFLICT   (kept, shown)
      └──(undo)──> UNDONE     └──(no answer)──────┘  └──> REJECTED   (kept, quarantined, shown)

A decision is never dropped: every end state keeps the row. SENDING falls back to READY when the
service could not be reached or answered with a server error, and on start-up (a crash mid-send);
the decision id is the idempotency key, so sending again cannot record it twice.
"""

from __future__ import annotations

import enum
import random
from datetime import timedelta


class OutboxState(enum.StrEnum):
    GRACE = "grace"
    READY = "ready"
    SENDING = "sending"
    DELIVERED = "delivered"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    UNDONE = "undone"


TRANSITIONS: dict[OutboxState, frozenset[OutboxState]] = {
    OutboxState.GRACE: frozenset({OutboxState.READY, OutboxState.UNDONE}),
    OutboxState.READY: frozenset({OutboxState.SENDING}),
    OutboxState.SENDING: frozenset(
        {OutboxState.READY, OutboxState.DELIVERED, OutboxState.CONFLICT, OutboxState.REJECTED}
    ),
    OutboxState.DELIVERED: frozenset(),
    OutboxState.CONFLICT: frozenset(),
    OutboxState.REJECTED: frozenset(),
    OutboxState.UNDONE: frozenset(),
}

FINAL = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)
# States whose decision counts as made (shown as recorded, kept in the log).
RECORDED = frozenset(OutboxState) - {OutboxState.UNDONE}


class IllegalTransition(ValueError):
    pass


def check_transition(current: OutboxState, new: OutboxState) -> None:
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(f"an outbox item cannot go from {current} to {new}")


def state_for_result(status: str) -> OutboxState:
    """The outbox state for a per-decision answer of `POST /decisions`."""
    match status:
        case "accepted" | "duplicate":
            return OutboxState.DELIVERED
        case "conflict":
            return OutboxState.CONFLICT
        case _:
            return OutboxState.REJECTED


def backoff(
    attempt: int,
    *,
    base: float = 1.0,
    cap: float = 300.0,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> timedelta:
    """Delay before the next attempt: capped exponential with full jitter, never shorter than
    the service's Retry-After."""
    rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    delay = rng.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return timedelta(seconds=delay)
