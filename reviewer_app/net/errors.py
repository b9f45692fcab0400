"""What can go wrong talking to the queue service, as types the caller can act on.

Every message here is written for a person and is safe to show and log: it never holds a token,
a password or a request body. Causes from `requests` or pydantic are not chained where their text
could echo what was sent or received (a validation error repeats its input).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class NetError(Exception):
    """Base of every error the queue client raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ServiceUnreachable(NetError):
    """No answer: connection refused, name not found, connect or read timeout, reset."""


class MalformedResponse(NetError):
    """An answer came, but not one the contract allows: bad JSON, wrong shape, cut off."""


class MediaTooLarge(MalformedResponse):
    """A media download brought (or announced) more bytes than the caller allowed."""

    def __init__(self, path: str, limit: int, declared: int | None = None) -> None:
        self.limit = limit
        self.declared = declared
        size = f" ({declared:,} bytes announced)" if declared is not None else ""
        super().__init__(
            f"the queue service's answer to {path} is larger than the {limit:,} bytes "
            f"allowed{size}; refused"
        )


class ServiceError(NetError):
    """The service answered with an error status (4xx/5xx) and, usually, its `detail` text."""

    def __init__(self, status: int, detail: str, retry_after: float | None = None) -> None:
        self.status = status
        self.detail = detail
        self.retry_after = retry_after
        super().__init__(f"the queue service answered {status}: {detail}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status}, detail={self.detail!r}, "
            f"retry_after={self.retry_after!r})"
        )


class AuthError(ServiceError):
    """401: not signed in, wrong password, or the token expired and could not be refreshed."""


class ConflictError(ServiceError):
    """409: the lease was lost (another holder or version) or the item was decided already."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds)
