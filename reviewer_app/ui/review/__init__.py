"""The review pane: profile text, photos, intro video, findings and the resubmission diff."""

from reviewer_app.ui.review.pane import ReviewPane

__all__ = ["ReviewPane"]
