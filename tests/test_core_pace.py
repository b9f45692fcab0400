from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer_app.core.pace import Forecast, Pace

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_no_forecast_until_five_minutes_were_seen() -> None:
    pace = Pace()
    pace.observe(T0, 0)
    pace.observe(T0 + timedelta(minutes=2), 10)
    forecast = pace.forecast(100, T0 + timedelta(minutes=4))
    assert forecast.per_hour is None
    assert forecast.describe() == "100 pending · measuring the team's pace"


def test_rate_over_the_time_seen_then_over_the_window() -> None:
    pace = Pace()
    pace.observe(T0, 0)
    pace.observe(T0 + timedelta(minutes=10), 30)  # 30 in 10 minutes: 180 an hour
    forecast = pace.forecast(360, T0 + timedelta(minutes=10))
    assert forecast.per_hour == pytest.approx(180)
    assert forecast.clears_in == timedelta(hours=2)
    assert forecast.describe() == "360 pending · clear in about 2h 00m at 180/h"
    # Two hours on, those 30 are out of the window; 60 in the last hour.
    pace.observe(T0 + timedelta(minutes=100), 60)
    later = pace.forecast(60, T0 + timedelta(minutes=130))
    assert later.per_hour == pytest.approx(60)
    assert later.clears_in == timedelta(hours=1)


def test_nobody_deciding_is_said_so() -> None:
    pace = Pace()
    pace.observe(T0, 5)
    forecast = pace.forecast(40, T0 + timedelta(hours=2))
    assert forecast == Forecast(40, 0.0, None)
    assert forecast.describe() == "40 pending · no decisions in the last hour"
    assert Pace().forecast(0, T0).describe() == "0 pending"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="min_span"):
        Pace(window=timedelta(minutes=1))
    with pytest.raises(ValueError, match="negative"):
        Pace().observe(T0, -1)


@given(st.lists(st.tuples(st.integers(0, 7200), st.integers(0, 50)), min_size=1, max_size=40))
def test_the_rate_never_counts_more_than_was_seen(events: list[tuple[int, int]]) -> None:
    events.sort()
    pace = Pace()
    for second, left in events:
        pace.observe(T0 + timedelta(seconds=second), left)
    seen_hours = min(1.0, (events[-1][0] - events[0][0]) / 3600)
    forecast = pace.forecast(10, T0 + timedelta(seconds=events[-1][0]))
    if forecast.per_hour:
        assert forecast.per_hour * seen_hours <= sum(left for _, left in events) + 1e-6
        assert forecast.clears_in is not None
        assert forecast.clears_in > timedelta(0)
