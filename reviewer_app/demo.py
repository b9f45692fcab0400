"""The embedded demo's service side: the reference queue service in-process on a loopback port,
on a SQLite file in a fresh temporary folder, seeded with generated demo applicants.

This lives outside `reviewer_app.ui` so that the UI layer never imports the service: the command
line (`reviewer_app.cli`) hands `DEMO_BACKEND` to `run_workstation`, and the UI only sees the
`DemoBackend` protocol of `reviewer_app.ui.launch` (a URL to sign in to, a seeding step, a stop).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer_app.service.app import QueueService
    from reviewer_app.service.server import EmbeddedServer


@dataclass
class EmbeddedDemo:
    """A running demo service and the folder it lives in (removed by `stop()`)."""

    folder: Path
    service: QueueService
    server: EmbeddedServer
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return self.server.url

    def seed(self, count: int, password: str) -> int:
        """Demo accounts and `count` applicants with photos and videos; returns how many."""
        from reviewer_app.service.seed import seed_demo

        return seed_demo(
            self.service.store,
            self.service.audit,
            count,
            password=password,
            media=True,
            should_stop=self.stopping.is_set,
        )

    def interrupt(self) -> None:
        self.stopping.set()

    def stop(self) -> None:
        self.stopping.set()  # a seed still running ends after the applicant at hand
        try:
            self.server.stop()
            self.service.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_demo_service() -> EmbeddedDemo:
    """Start the service on a free loopback port (imports FastAPI and SQLAlchemy: call it off
    the UI thread)."""
    from reviewer_app.service.app import QueueService
    from reviewer_app.service.server import EmbeddedServer
    from reviewer_app.service.settings import ServiceSettings

    folder = Path(tempfile.mkdtemp(prefix="reviewer-app-demo-"))
    service: QueueService | None = None
    try:
        service = QueueService(ServiceSettings(db_url=f"sqlite:///{folder / 'queue.sqlite3'}"))
        server = EmbeddedServer(service).start()
    except BaseException:
        if service is not None:
            service.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return EmbeddedDemo(folder, service, server)
