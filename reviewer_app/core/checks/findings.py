"""What a check reports: findings with the evidence a review pane can show.

A finding is one check's verdict on one revision: the reason code it supports, whether the check
suggests declining for that reason, how severe it is, a sentence for the reviewer, and the
evidence behind it. Evidence points into the profile (a section path and character offsets into
that section's text, so the pane can underline the exact words), names a media file by its
SHA-256, or carries a measured figure with the limit it was compared against.

Everything here is a frozen dataclass of plain values and serialises to JSON with `to_json()`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

JsonValue = str | int | float | bool | None


class Severity(enum.StrEnum):
    """How much a finding weighs, from nothing to see to a clear reason to decline."""

    INFO = "info"  # the check ran and found nothing to hold against the profile
    WARNING = "warning"  # worth a look: borderline, or the check could not run
    ERROR = "error"  # a clear reason to decline

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Status(enum.StrEnum):
    PASSED = "passed"  # the check ran and found nothing
    FLAGGED = "flagged"  # the check ran and found something
    NOT_RUN = "not_run"  # the check could not run (no data, media missing or undecodable …)


@dataclass(frozen=True, slots=True)
class Figure:
    """A measured number and what it was compared against, e.g. 212 px against at least 400."""

    name: str
    value: JsonValue
    unit: str = ""
    limit: JsonValue = None
    comparison: str = ""  # how the value must relate to the limit to pass: ">=", "<=", "<", …

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "limit": self.limit,
            "comparison": self.comparison,
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """One thing a check points at.

    `section` is a path into the profile: a `Section` value (`title`, `overview`, `photo`, …),
    or for list sections the item and field, e.g. `employment[0].description`. `start` and `end`
    are offsets into that field's text (Python string indices, end exclusive), so
    `text == field[start:end]`.
    """

    kind: str
    message: str
    section: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    suggestions: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    media_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.section is not None:
            out["section"] = self.section
        if self.start is not None:
            out["start"] = self.start
            out["end"] = self.end
        if self.text is not None:
            out["text"] = self.text
        if self.suggestions:
            out["suggestions"] = list(self.suggestions)
        if self.figures:
            out["figures"] = [figure.to_json() for figure in self.figures]
        if self.media_sha256 is not None:
            out["media_sha256"] = self.media_sha256
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's verdict on one revision."""

    check: str  # age, completeness, text, photo, video, demand
    reason: str  # the reason code (reviewer_app.core.reasons) this finding supports
    status: Status
    suggested: bool  # the check suggests declining with `reason`
    severity: Severity
    summary: str  # one sentence for the reviewer
    evidence: tuple[Evidence, ...] = ()
    figures: tuple[Figure, ...] = ()  # the check's headline numbers
    details: Mapping[str, JsonValue] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "reason": self.reason,
            "status": str(self.status),
            "suggested": self.suggested,
            "severity": str(self.severity),
            "summary": self.summary,
            "figures": [figure.to_json() for figure in self.figures],
            "evidence": [item.to_json() for item in self.evidence],
            "details": dict(self.details),
        }

    def figure(self, name: str) -> JsonValue:
        """The value of a headline figure by name (None when absent)."""
        return next((f.value for f in self.figures if f.name == name), None)


def not_run(check: str, reason: str, summary: str, *evidence: Evidence) -> Finding:
    """A check that could not run says so instead of guessing."""
    return Finding(
        check=check,
        reason=reason,
        status=Status.NOT_RUN,
        suggested=False,
        severity=Severity.WARNING,
        summary=summary,
        evidence=evidence,
    )


def passed(check: str, reason: str, summary: str, *, figures: Iterable[Figure] = ()) -> Finding:
    return Finding(
        check=check,
        reason=reason,
        status=Status.PASSED,
        suggested=False,
        severity=Severity.INFO,
        summary=summary,
        figures=tuple(figures),
    )


def suggested_reasons(findings: Iterable[Finding]) -> list[str]:
    """The reason codes suggested by any finding, each once, in the order found."""
    return list(dict.fromkeys(f.reason for f in findings if f.suggested))


def findings_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [finding.to_json() for finding in findings]
