"""The queue service's HTTP client. No Qt here: the UI runs these calls off its thread."""

from reviewer_app.net.client import DEFAULT_TIMEOUT, QueueClient
from reviewer_app.net.errors import (
    AuthError,
    ConflictError,
    MalformedResponse,
    NetError,
    ServiceError,
    ServiceUnreachable,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "AuthError",
    "ConflictError",
    "MalformedResponse",
    "NetError",
    "QueueClient",
    "ServiceError",
    "ServiceUnreachable",
]
