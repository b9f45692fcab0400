"""What a running queue service is configured with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from reviewer_app.core.reasons import DEFAULT_CATALOGUE, ReasonCatalogue
from reviewer_app.core.sla import SlaPolicy, utc_now


@dataclass(frozen=True)
class ServiceSettings:
    db_url: str = "sqlite:///reviewer-queue.sqlite3"
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    lease_seconds: int = 15 * 60
    offline_lease_seconds: int = 8 * 60 * 60
    undo_grace_seconds: float = 5.0
    access_token_seconds: int = 60 * 60
    refresh_token_seconds: int = 30 * 24 * 60 * 60
    catalogue: ReasonCatalogue = DEFAULT_CATALOGUE
    low_demand_ratio: float = 0.5
    queue_page_max: int = 1000
    # The service's clock; tests replace it to move time.
    clock: Callable[[], datetime] = utc_now
