"""SLA arithmetic: due times, state boundaries, countdown text, and the server clock offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer_app.core.sla import (
    ServerClock,
    SlaPolicy,
    SlaState,
    format_time_left,
    time_left,
)

POLICY = SlaPolicy()
aware = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
    ),
)
offsets = st.timedeltas(min_value=timedelta(hours=-72), max_value=timedelta(hours=72))


def test_due_is_submission_plus_policy_hours() -> None:
    submitted = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
    assert POLICY.due_at(submitted) == datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    assert SlaPolicy(hours=48).due_at(submitted) == datetime(2026, 3, 30, 23, 30, tzinfo=UTC)


def test_due_time_ignores_local_daylight_saving() -> None:
    # 24 hours of elapsed time, whatever the submitter's offset: an aware time in +05:30 and
    # the same instant in UTC are due at the same instant.
    local = datetime(2026, 10, 25, 1, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert POLICY.due_at(local) == POLICY.due_at(local.astimezone(UTC))


@pytest.mark.parametrize(
    ("left", "state"),
    [
        (timedelta(hours=24), SlaState.ON_TRACK),
        (timedelta(hours=4), SlaState.ON_TRACK),
        (timedelta(hours=4) - timedelta(microseconds=1), SlaState.WARNING),
        (timedelta(hours=1), SlaState.WARNING),
        (timedelta(hours=1) - timedelta(microseconds=1), SlaState.CRITICAL),
        (timedelta(microseconds=1), SlaState.CRITICAL),
        (timedelta(0), SlaState.BREACHED),
        (timedelta(hours=-30), SlaState.BREACHED),
    ],
)
def test_state_boundaries(left: timedelta, state: SlaState) -> None:
    assert POLICY.state(left) is state


@given(st.timedeltas(min_value=timedelta(hours=-100), max_value=timedelta(hours=100)))
def test_states_are_ordered_by_time_left(left: timedelta) -> None:
    order = [SlaState.BREACHED, SlaState.CRITICAL, SlaState.WARNING, SlaState.ON_TRACK]
    later = POLICY.state(left + timedelta(minutes=1))
    assert order.index(later) >= order.index(POLICY.state(left))


@given(aware, st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=48)))
def test_time_left_counts_down_to_breach(submitted: datetime, elapsed: timedelta) -> None:
    due = POLICY.due_at(submitted)
    now = submitted + elapsed
    left = time_left(due, now)
    assert left == timedelta(hours=24) - elapsed
    assert (POLICY.state(left) is SlaState.BREACHED) == (elapsed >= timedelta(hours=24))


@given(aware, offsets, st.timedeltas(min_value=timedelta(0), max_value=timedelta(seconds=5)))
def test_server_clock_cancels_skew(server_now: datetime, skew: timedelta, rtt: timedelta) -> None:
    """With the local clock off by any skew, the countdown still uses the server's time: the
    error is at most half the round trip."""
    local_time = server_now.astimezone(UTC) + skew
    clock = ServerClock(local_now=lambda: local_time)
    sent = local_time - rtt
    clock.sync(server_time=server_now - rtt / 2, sent_at=sent, received_at=local_time)
    assert abs(clock.now() - server_now) <= rtt / 2 + timedelta(microseconds=1)


def test_server_clock_defaults_to_local_time() -> None:
    clock = ServerClock()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert clock.offset == timedelta(0)


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(hours=5, minutes=7, seconds=59), "5h 07m"),
        (timedelta(minutes=12, seconds=30), "12m 30s"),
        (timedelta(seconds=59), "0m 59s"),
        (timedelta(0), "0m 00s"),
        (timedelta(hours=-1, minutes=-2), "-1h 02m"),
        (timedelta(seconds=-5), "-0m 05s"),
    ],
)
def test_format_time_left(left: timedelta, text: str) -> None:
    assert format_time_left(left) == text


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        POLICY.due_at(datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        time_left(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "kwargs", [{"hours": 0}, {"hours": 24, "warning_hours": 30}, {"critical_hours": 5}]
)
def test_inconsistent_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="hours"):
        SlaPolicy(**kwargs)
