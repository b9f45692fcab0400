"""The decision panel's clocks: a large SLA countdown coloured by state, and the claim's time.

Nothing here owns a timer: the window's one timer calls `tick(server_now)` (DESIGN §6). Texts
and colours come from the queue's cell helpers, so the panel and the queue column agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from reviewer_app.core.sla import SlaPolicy, SlaState, format_time_left, time_left
from reviewer_app.ui import icons
from reviewer_app.ui.decision.widgets import KeyButton, coloured, muted, plain_label
from reviewer_app.ui.queue.cells import (
    STATE_LABELS,
    sla_accessible,
    spoken_time_left,
    state_colour,
    tabular_font,
)

# Under this much time left on the claim the panel warns and asks for a renewal.
CLAIM_WARNING = timedelta(minutes=3)


def _when(moment: datetime) -> str:
    return moment.strftime("%d %b %H:%M UTC")


class SlaDisplay(QFrame):
    """SLA state, a large countdown (counting up once breached) and the claim's time left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slaDisplay")
        self.policy = SlaPolicy()
        self.due_at: datetime | None = None
        self.lease_expires_at: datetime | None = None
        self.state: SlaState | None = None
        self.claim_warning = False
        self.claim_expired = False

        self.caption = muted(plain_label("SLA", self))
        self.caption.setObjectName("slaCaption")
        self.state_label = plain_label("", self)
        self.state_label.setObjectName("slaState")
        bold = QFont(self.state_label.font())
        bold.setWeight(QFont.Weight.DemiBold)
        self.state_label.setFont(bold)
        self.countdown = plain_label("–", self)
        self.countdown.setObjectName("slaCountdown")
        big = tabular_font()
        big.setPointSizeF(big.pointSizeF() * 2.4)
        big.setWeight(QFont.Weight.Bold)
        self.countdown.setFont(big)
        self.due_label = muted(plain_label("", self))
        self.due_label.setObjectName("slaDue")
        self.due_label.setWordWrap(True)

        self.claim_icon = plain_label("", self)
        self.claim_label = plain_label("", self)
        self.claim_label.setObjectName("claimText")
        self.claim_label.setFont(tabular_font())
        self.claim_label.setWordWrap(True)
        self.renew_button = KeyButton("Renew", "Ctrl+R", "decision-renew", self)
        self.renew_button.setObjectName("renewButton")
        self.renew_button.setToolTip("Extend the claim on this application (Ctrl+R)")
        self.renew_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.state_label)
        claim = QHBoxLayout()
        claim.setSpacing(6)
        claim.addWidget(self.claim_icon)
        claim.addWidget(self.claim_label, 1)
        claim.addWidget(self.renew_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(14, 8, 10, 8)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.countdown)
        column.addWidget(self.due_label)
        column.addSpacing(6)
        column.addLayout(claim)
        self.clear()

    # -- inputs ------------------------------------------------------------------------------------
    def set_policy(self, policy: SlaPolicy) -> None:
        self.policy = policy

    def set_times(self, due_at: datetime, lease_expires_at: datetime | None) -> None:
        self.due_at = due_at
        self.lease_expires_at = lease_expires_at

    def set_lease_expiry(self, lease_expires_at: datetime | None) -> None:
        self.lease_expires_at = lease_expires_at

    def clear(self) -> None:
        self.due_at = None
        self.lease_expires_at = None
        self.state = None
        self.claim_warning = self.claim_expired = False
        self.state_label.setText("")
        self.countdown.setText("–")
        self.countdown.setAccessibleName("SLA: no application")
        self.due_label.setText("")
        self.claim_label.setText("No claim")
        self.claim_label.setAccessibleName("Claim: none")
        self._recolour()

    def tick(self, now: datetime) -> None:
        """Show the SLA and claim against the server's `now`."""
        if self.due_at is not None:
            left = time_left(self.due_at, now)
            self.state = self.policy.state(left)
            self.state_label.setText(STATE_LABELS[self.state])
            self.countdown.setText(format_time_left(left))
            self.countdown.setAccessibleName(sla_accessible(self.state, left))
            if self.state is SlaState.BREACHED:
                self.due_label.setText(f"Was due {_when(self.due_at)} · {spoken_time_left(left)}")
            else:
                self.due_label.setText(f"Due {_when(self.due_at)} (server time)")
        if self.lease_expires_at is not None:
            lease_left = time_left(self.lease_expires_at, now)
            self.claim_expired = lease_left <= timedelta(0)
            self.claim_warning = not self.claim_expired and lease_left < CLAIM_WARNING
            if self.claim_expired:
                text = (
                    f"Claim expired {format_time_left(-lease_left)} ago: renew it to keep "
                    "this application"
                )
            elif self.claim_warning:
                text = f"Claim ends in {format_time_left(lease_left)}: renew it"
            else:
                text = f"Claim: {format_time_left(lease_left)} left"
            self.claim_label.setText(text)
            self.claim_label.setAccessibleName(text)
        self._recolour()

    # -- look --------------------------------------------------------------------------------------
    def state_colour(self) -> QColor | None:
        return state_colour(self.state) if self.state is not None else None

    def _recolour(self) -> None:
        colour = self.state_colour()
        coloured(self.state_label, colour)
        coloured(self.countdown, colour)
        if self.claim_expired:
            claim_colour: QColor | None = state_colour(SlaState.BREACHED)
        elif self.claim_warning:
            claim_colour = state_colour(SlaState.WARNING)
        else:
            claim_colour = None
        coloured(self.claim_label, claim_colour)
        size = self.fontMetrics().height()
        self.claim_icon.setPixmap(
            icons.icon("decision-claim", claim_colour).pixmap(
                QSize(size, size), self.devicePixelRatioF()
            )
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        colour = self.state_colour()
        base = self.palette().color(QPalette.ColorRole.Base)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(base)
        painter.drawRoundedRect(rect, 6, 6)
        if colour is not None:
            tint = QColor(colour)
            tint.setAlpha(28)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint)
            painter.drawRoundedRect(rect, 6, 6)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 5, rect.height()), 2.5, 2.5)
        painter.end()
