"""Completeness: the rule of `reviewer_app.core.completeness` (the same one the service uses for
its `incomplete` queue flag) as a finding with the percentage and each gap."""

from __future__ import annotations

from reviewer_app.core import completeness, reasons
from reviewer_app.core.checks.findings import Evidence, Figure, Finding, Severity, Status
from reviewer_app.core.models import Profile

CHECK = "completeness"


def check_completeness(profile: Profile) -> Finding:
    result = completeness.assess(profile)
    percent = Figure("percent", result.percent, "%", 100, ">=")
    evidence = tuple(
        Evidence(
            kind=gap.problem,  # "missing" or "thin"
            message=f"{gap.section.value.replace('_', ' ').capitalize()}: {gap.detail}.",
            section=str(gap.section),
            figures=(Figure("weight", completeness.WEIGHTS[gap.section], "%"),),
        )
        for gap in result.gaps
    )
    if result.complete:
        return Finding(
            check=CHECK,
            reason=reasons.INCOMPLETE,
            status=Status.PASSED,
            suggested=False,
            severity=Severity.INFO,
            summary="The profile is complete.",
            figures=(percent,),
        )
    names = ", ".join(
        f"{gap.section.value.replace('_', ' ')} ({gap.problem})" for gap in result.gaps
    )
    return Finding(
        check=CHECK,
        reason=reasons.INCOMPLETE,
        status=Status.FLAGGED,
        suggested=True,
        severity=Severity.ERROR,
        summary=f"{result.percent}% complete: {names}.",
        evidence=evidence,
        figures=(percent,),
        details={
            "missing": sum(g.problem == "missing" for g in result.gaps),
            "thin": sum(g.problem == "thin" for g in result.gaps),
        },
    )
