"""The team's recent pace and a forecast for the queue (DESIGN §6: the status bar shows "a
forecast for the queue at the team's recent pace").

The workstation sees the whole team's work as applications leaving the pending queue (decided by
anyone) in its pulls; `Pace` counts them over a sliding window. Plain Python, no clock of its
own: the caller passes the time of each observation.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from reviewer_app.core.sla import format_time_left

WINDOW = timedelta(hours=1)
# Below this much observed time a rate says little: the forecast waits.
MIN_SPAN = timedelta(minutes=5)


@dataclass(frozen=True)
class Forecast:
    pending: int
    per_hour: float | None  # None: not observed long enough yet
    clears_in: timedelta | None  # None: no pace yet, or nobody is deciding

    def describe(self) -> str:
        """`"1,204 pending · clear in about 6h 40m at 180/h"` for the status bar."""
        text = f"{self.pending:,} pending"
        if self.pending == 0:
            return text
        if self.per_hour is None:
            return f"{text} · measuring the team's pace"
        if self.clears_in is None:
            return f"{text} · no decisions in the last hour"
        return (
            f"{text} · clear in about {format_time_left(self.clears_in)} at {self.per_hour:,.0f}/h"
        )


class Pace:
    def __init__(self, window: timedelta = WINDOW, min_span: timedelta = MIN_SPAN) -> None:
        if window <= timedelta(0) or min_span <= timedelta(0) or min_span > window:
            raise ValueError("need 0 < min_span <= window")
        self._window = window
        self._min_span = min_span
        self._left: deque[tuple[datetime, int]] = deque()
        self._since: datetime | None = None

    def observe(self, now: datetime, left: int) -> None:
        """`left` applications left the queue since the previous observation."""
        if left < 0:
            raise ValueError("left must not be negative")
        if self._since is None:
            self._since = now
        if left:
            self._left.append((now, left))
        while self._left and self._left[0][0] <= now - self._window:
            self._left.popleft()

    def forecast(self, pending: int, now: datetime) -> Forecast:
        if self._since is None:
            return Forecast(pending, None, None)
        span = min(self._window, now - self._since)
        if span < self._min_span:
            return Forecast(pending, None, None)
        done = sum(count for at, count in self._left if at > now - self._window)
        per_hour = done / (span / timedelta(hours=1))
        if per_hour <= 0:
            return Forecast(pending, 0.0, None)
        return Forecast(pending, per_hour, timedelta(hours=pending / per_hour))
