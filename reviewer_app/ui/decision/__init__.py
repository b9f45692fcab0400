"""The decision panel on the right of the main window (DESIGN §4 step 6, §6, §7, §8)."""

from reviewer_app.ui.decision.panel import DecisionDraft, DecisionPanel

__all__ = ["DecisionDraft", "DecisionPanel"]
