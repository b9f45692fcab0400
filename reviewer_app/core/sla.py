"""SLA arithmetic (DESIGN §6). All times are timezone-aware UTC datetimes.

Every (re)submission must be answered within the policy's hours. The countdown is computed
against the server's clock: the workstation measures the offset between its own clock and the
server's at sync, and `ServerClock` applies it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class SlaState(enum.StrEnum):
    ON_TRACK = "on_track"
    WARNING = "warning"
    CRITICAL = "critical"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    hours: float = 24.0
    warning_hours: float = 4.0
    critical_hours: float = 1.0

    def __post_init__(self) -> None:
        if not self.hours > 0:
            raise ValueError("the SLA must be a positive number of hours")
        if not 0 < self.critical_hours <= self.warning_hours <= self.hours:
            raise ValueError("need 0 < critical hours <= warning hours <= SLA hours")

    def due_at(self, submitted_at: datetime) -> datetime:
        return _require_aware(submitted_at) + timedelta(hours=self.hours)

    def state(self, time_left: timedelta) -> SlaState:
        """The state for a given time left. Exactly zero left counts as breached: the
        answer is due *within* the SLA, and at the due instant it has not been given."""
        if time_left <= timedelta(0):
            return SlaState.BREACHED
        if time_left < timedelta(hours=self.critical_hours):
            return SlaState.CRITICAL
        if time_left < timedelta(hours=self.warning_hours):
            return SlaState.WARNING
        return SlaState.ON_TRACK


def time_left(due_at: datetime, now: datetime) -> timedelta:
    """Time until due; negative once breached (the countdown then counts up)."""
    return _require_aware(due_at) - _require_aware(now)


def format_time_left(left: timedelta) -> str:
    """`5h 07m`, `12m 30s`, or `-1h 02m` once breached. Whole seconds, truncated towards due."""
    seconds = int(left.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m {secs:02d}s"


class ServerClock:
    """The server's clock as seen from here: local UTC time plus a measured offset."""

    def __init__(self, local_now: Callable[[], datetime] | None = None) -> None:
        self._local_now = local_now or utc_now
        self._offset = timedelta(0)

    @property
    def offset(self) -> timedelta:
        return self._offset

    def sync(self, server_time: datetime, sent_at: datetime, received_at: datetime) -> None:
        """Take the server's time from a response; assume it was read half-way through the
        round trip (as NTP does), so a slow answer does not skew the countdown."""
        midpoint = _require_aware(sent_at) + (_require_aware(received_at) - sent_at) / 2
        self._offset = _require_aware(server_time) - midpoint

    def now(self) -> datetime:
        return self._local_now() + self._offset


def utc_now() -> datetime:
    return datetime.now(UTC)


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: SLA arithmetic needs timezone-aware times")
    return moment
