"""The review pane: the current application, side by side, in the centre of the main window.

    ┌ name · id · revision · country ───────────────────────────────────────────────┐
    │ profile text          │ photo (zoom, ←/→, wellness) │ findings of the checks   │
    │ (errors underlined)   ├─────────────────────────────┤──────────────────────────│
    │                       │ intro video (Space)         │ earlier decision + diff  │
    └───────────────────────┴─────────────────────────────┴──────────────────────────┘

Everything shown comes from the local store, already downloaded and checked: the pane reads
media files only on worker threads (photos) or through the media backend (video), and never
waits for the network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.core.checks.findings import Finding, Severity, Status
from reviewer_app.core.revision_diff import RevisionDiff
from reviewer_app.core.wire import ApplicationOut, DemandOut, RevisionOut
from reviewer_app.ui import refcounts
from reviewer_app.ui.review.diff import DiffView
from reviewer_app.ui.review.findings import FindingsView
from reviewer_app.ui.review.photos import DecodedPhoto, PhotoEntry, PhotoView
from reviewer_app.ui.review.profile import ProfileView
from reviewer_app.ui.review.video import VideoView
from reviewer_app.ui.review.widgets import (
    Placeholder,
    SectionHeader,
    heading_font,
    muted_colour,
    plain_label,
)
from reviewer_app.ui.signals import emit
from reviewer_app.ui.tasks import TaskRunner

# Every Qt call that returns nothing, and every Qt signal into a Python slot, drops a reference
# to `None` under PySide6 6.12 on Python 3.11 (measured here: `QLabel.setText` -1 a call, one
# `show_application` about -40): the pane must not depend on the main window having pinned it.
refcounts.pin()


def _current(application: ApplicationOut) -> RevisionOut:
    wanted = application.current_revision
    found = [r for r in application.revisions if r.revision == wanted]
    return found[-1] if found else application.revisions[-1]


def _size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB"
    return f"{max(1, round(size / 1e3))} kB"


class ReviewPane(QWidget):
    """Profile text, photos, intro video, findings and, for a resubmission, the diff against
    the earlier revision with its decision.

    `show_application(application, media, findings, diff, demand)`:

    * `application` — the service's `ApplicationOut`; its current revision is shown, earlier
      revisions' photos can be paged to.
    * `media` — SHA-256 → local file of the media already downloaded (and verified). A ref
      that is not in the mapping shows a "not downloaded" placeholder.
    * `findings` — `run_checks(...)` on the application (the text check's evidence positions
      are underlined in the profile text).
    * `diff` — `reviewer_app.core.revision_diff.RevisionDiff` from `diff_for_review(...)`, or
      None for a first submission.
    * `demand` — the service's `DemandOut` for the skills, or None; its figures are listed on
      the demand finding.
    """

    wellness_changed = Signal(bool)

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPane")
        self._tasks = tasks
        self._wellness = False
        self.application: ApplicationOut | None = None

        self.placeholder = Placeholder(self, icon_size=56)
        self.placeholder.setAccessibleName("Review pane message")

        # Header: who and what.
        self.name_label = plain_label("", self)
        self.name_label.setObjectName("applicantName")
        self.name_label.setFont(heading_font(self.font(), 1.35))
        self.name_label.setAccessibleName("Applicant")
        self.title_label = plain_label("", self)
        self.title_label.setObjectName("applicantTitle")
        self.title_label.setAccessibleName("Profile title")
        self.meta_label = plain_label("", self)
        self.meta_label.setObjectName("applicationMeta")
        self.meta_label.setAccessibleName("Application")
        self.verdict_label = plain_label("", self)
        self.verdict_label.setObjectName("checksVerdict")
        self.verdict_label.setAccessibleName("Checks summary")
        header = QFrame(self)
        header.setObjectName("reviewHeader")
        names = QVBoxLayout()
        names.setSpacing(0)
        names.addWidget(self.name_label)
        names.addWidget(self.title_label)
        right = QVBoxLayout()
        right.setSpacing(0)
        right.addWidget(self.meta_label, 0, Qt.AlignmentFlag.AlignRight)
        right.addWidget(self.verdict_label, 0, Qt.AlignmentFlag.AlignRight)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(10, 6, 10, 6)
        header_layout.addLayout(names, 1)
        header_layout.addLayout(right)

        # Left: the profile.
        self.profile = ProfileView(self)
        profile_box = self._boxed(SectionHeader("profile", "Profile", self), self.profile)

        # Middle: photo over video.
        self.photos = PhotoView(tasks, self)
        self.photos.wellness_toggled.connect(self.set_wellness)
        self.video = VideoView(self)
        self.media_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.media_splitter.setObjectName("mediaSplitter")
        self.media_splitter.addWidget(self.photos)
        self.media_splitter.addWidget(self.video)
        self.media_splitter.setStretchFactor(0, 3)
        self.media_splitter.setStretchFactor(1, 2)

        # Right: findings over the resubmission diff.
        self.findings_header = SectionHeader("findings", "Findings", self)
        self.findings = FindingsView(self)
        self.findings.evidence_activated.connect(self._reveal)
        findings_box = self._boxed(self.findings_header, self.findings)
        self.diff_header = SectionHeader("diff", "Resubmission", self)
        self.diff_view = DiffView(self)
        self.diff_box = self._boxed(self.diff_header, self.diff_view)
        self.side_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.side_splitter.setObjectName("sideSplitter")
        self.side_splitter.addWidget(findings_box)
        self.side_splitter.addWidget(self.diff_box)
        self.side_splitter.setStretchFactor(0, 1)
        self.side_splitter.setStretchFactor(1, 1)
        self.side_splitter.setSizes([1000, 1000])  # half and half, scaled to the real height

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reviewSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(profile_box)
        self.splitter.addWidget(self.media_splitter)
        self.splitter.addWidget(self.side_splitter)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([500, 420, 440])  # scaled to the real width
        self.side_splitter.setMinimumWidth(250)
        profile_box.setMinimumWidth(220)  # the profile text must stay readable beside the media

        self.content = QWidget(self)
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(header)
        content_layout.addWidget(self.splitter, 1)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.show_placeholder("Nothing selected", "Choose an application in the queue.")

    @staticmethod
    def _boxed(header: QWidget, body: QWidget) -> QFrame:
        box = QFrame()
        box.setObjectName("reviewBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(body, 1)
        return box

    # -- public API ----------------------------------------------------------------------------
    def show_application(
        self,
        application: ApplicationOut,
        media: Mapping[str, Path],
        findings: Sequence[Finding],
        diff: RevisionDiff | None,
        demand: DemandOut | None = None,
        *,
        today: date | None = None,
        decoded: Mapping[str, DecodedPhoto | str] | None = None,
    ) -> None:
        """Show an application (see the class docstring for the arguments). `today` is the
        date the age is computed on (default: today in UTC). `decoded` holds photos already
        decoded off the UI thread (`decode_photo`, by SHA-256; or why one cannot be shown),
        which are then shown at once instead of being decoded again."""
        self.stop_media()
        self.application = application
        revision = _current(application)
        profile = revision.profile

        name = profile.display_name or f"{profile.first_name} {profile.last_name}".strip()
        self.name_label.setText(name or "(no name)")
        self.title_label.setText(profile.title)
        count = len(application.revisions)
        parts = [application.application_id, f"revision {revision.revision}"]
        if count > 1:
            parts.append("resubmission")
        if profile.country:
            parts.append(profile.country)
        self.meta_label.setText(" · ".join(parts))
        self.verdict_label.setText(self._verdict(findings))

        self.profile.set_profile(profile, findings, today=today)
        self.photos.set_entries(
            self._photo_entries(application, revision, media),
            "The applicant did not upload a photo.",
            decoded,
        )
        self.photos.set_wellness(self._wellness)
        if profile.video is None:
            self.video.set_video(None, "The applicant did not upload an intro video.")
        else:
            path = media.get(profile.video.sha256)
            self.video.set_video(
                path,
                "The intro video has not been downloaded yet.",
                caption=f"{profile.video.content_type} · {_size(profile.video.size)}",
            )
        self.video.set_wellness(self._wellness)

        suggested = sum(1 for f in findings if f.suggested)
        self.findings_header.title.setText(
            f"Findings ({suggested} suggest decline)" if suggested else "Findings"
        )
        self.findings.set_findings(findings, demand)
        if diff is not None:
            self.diff_header.title.setText(
                f"Resubmission: changes since revision {diff.old_revision}"
            )
            self.diff_view.set_diff(diff)
            self.diff_box.setVisible(True)
        else:
            self.diff_view.clear()
            self.diff_box.setVisible(False)
        self.stack.setCurrentWidget(self.content)

    def show_placeholder(self, title: str, text: str) -> None:
        """Nothing selected, loading, or an error: a message in place of the application."""
        self.stop_media()
        self.application = None
        self.photos.set_entries([], "")
        self.video.clear()
        self.profile.clear()
        self.findings.clear()
        self.diff_view.clear()
        self.placeholder.show_message(title, text, "queue")
        self.stack.setCurrentWidget(self.placeholder)

    def set_wellness(self, on: bool) -> None:
        """Blur and grey photos and video (and their thumbnails)."""
        changed = on != self._wellness
        self._wellness = on
        self.photos.set_wellness(on)
        self.video.set_wellness(on)
        if changed:
            emit(self.wellness_changed, on)

    @property
    def wellness(self) -> bool:
        return self._wellness

    def next_photo(self) -> None:
        self.photos.next()

    def previous_photo(self) -> None:
        self.photos.previous()

    def toggle_video(self) -> None:
        self.video.toggle()

    def stop_media(self) -> None:
        self.video.stop()

    # -- internals -----------------------------------------------------------------------------
    @staticmethod
    def _photo_entries(
        application: ApplicationOut, revision: RevisionOut, media: Mapping[str, Path]
    ) -> list[PhotoEntry]:
        entries: list[PhotoEntry] = []
        seen: set[str] = set()
        current = revision.profile.photo
        if current is not None:
            entries.append(
                PhotoEntry(
                    current.sha256,
                    f"Current photo (revision {revision.revision})",
                    media.get(current.sha256),
                )
            )
            seen.add(current.sha256)
        for earlier in reversed(application.revisions):
            if earlier.revision >= revision.revision or earlier.profile.photo is None:
                continue
            sha = earlier.profile.photo.sha256
            if sha in seen:
                continue
            seen.add(sha)
            entries.append(
                PhotoEntry(
                    sha,
                    f"Earlier photo (revision {earlier.revision}, since replaced)",
                    media.get(sha),
                )
            )
        return entries

    @staticmethod
    def _verdict(findings: Sequence[Finding]) -> str:
        if not findings:
            return "Checks have not run"
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
        not_run = sum(1 for f in findings if f.status is Status.NOT_RUN)
        parts = []
        if errors:
            parts.append(f"{errors} error(s)")
        if warnings:
            parts.append(f"{warnings} warning(s)")
        if not_run:
            parts.append(f"{not_run} not run")
        return "Checks: " + (", ".join(parts) if parts else "all passed")

    def _reveal(self, section: str, start: int, end: int) -> None:
        if section in ("photo", "video"):
            return
        self.profile.reveal(section, start if start >= 0 else None, end if end >= 0 else None)

    def showEvent(self, event: QShowEvent) -> None:
        muted = muted_colour(self)
        self.title_label.setStyleSheet(f"color: {muted};")
        self.meta_label.setStyleSheet(f"color: {muted};")
        super().showEvent(event)
