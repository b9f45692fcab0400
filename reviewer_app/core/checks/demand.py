"""Demand: is there enough client demand for the applicant's combination of skills?

The figures are the service's (`GET /demand?skills=…`, the `DemandOut` model): per skill the
open client jobs, the active freelancers, their ratio and whether it is below the policy's
low-demand ratio. A skill set is in low demand when more than `max_low_share` of the listed
skills are below the ratio (skills the service does not know count as not low: there is no
figure against them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import (
    Evidence,
    Figure,
    Finding,
    Severity,
    Status,
    not_run,
)
from reviewer_app.core.models import Profile, Section
from reviewer_app.core.wire import DemandOut, SkillDemandOut

CHECK = "demand"
SECTION = str(Section.SKILLS)


@dataclass(frozen=True, slots=True)
class DemandPolicy:
    # More than this share of the skills below the low-demand ratio: the set is low demand.
    # The service publishes the ratio (`low_demand_ratio`), not yet this share.
    max_low_share: float = 0.5


def _key(name: str) -> str:
    return name.strip().casefold()


def _is_low(figure: SkillDemandOut, ratio: float) -> bool:
    if not figure.known:
        return False
    if figure.active_freelancers > 0:
        return figure.open_jobs / figure.active_freelancers < ratio
    return figure.low_demand


def demand_skills(profile: Profile) -> list[str]:
    """The skill names to ask the service about, each once, in the profile's order."""
    return list(dict.fromkeys(s.strip() for s in profile.skills if s.strip()))


def check_demand(
    profile: Profile, demand: DemandOut | None, *, policy: DemandPolicy | None = None
) -> Finding:
    policy = policy or DemandPolicy()
    skills = demand_skills(profile)
    if not skills:
        return not_run(
            CHECK,
            reasons.LOW_DEMAND,
            "No skills listed: there is no demand to look up.",
            Evidence("no_skills", "The profile lists no skills.", section=SECTION),
        )
    if demand is None:
        return not_run(
            CHECK,
            reasons.LOW_DEMAND,
            "No demand figures were available: demand not checked.",
            Evidence("no_figures", "The service's demand figures were not given.", section=SECTION),
        )
    ratio = demand.low_demand_ratio
    by_name = {_key(item.skill): item for item in demand.skills}
    missing = [s for s in skills if _key(s) not in by_name]
    if missing:
        return not_run(
            CHECK,
            reasons.LOW_DEMAND,
            f"No demand figures for {', '.join(missing[:5])}: demand not checked.",
            Evidence(
                "no_figures",
                f"Figures missing for {len(missing)} of {len(skills)} skills.",
                section=SECTION,
                text=", ".join(missing),
            ),
        )
    evidence: list[Evidence] = []
    low = 0
    unknown = 0
    for index, name in enumerate(skills):
        item = by_name[_key(name)]
        is_low = _is_low(item, ratio)
        low += is_low
        unknown += not item.known
        evidence.append(
            Evidence(
                kind="low_demand_skill" if is_low else "skill" if item.known else "unknown_skill",
                message=(
                    f"{name}: {item.open_jobs:,} open jobs for {item.active_freelancers:,} "
                    f"freelancers ({item.ratio:.2f} per freelancer"
                    + (f", below {ratio:g})" if is_low else ")")
                    if item.known
                    else f"{name}: not a skill the marketplace tracks (no figures)."
                ),
                section=f"{SECTION}[{index}]",
                start=0,
                end=len(name),
                text=name,
                figures=(
                    Figure("open_jobs", item.open_jobs),
                    Figure("active_freelancers", item.active_freelancers),
                    Figure("ratio", item.ratio, "jobs/freelancer", ratio, ">="),
                ),
            )
        )
    share = low / len(skills)
    figures = (
        Figure("low_demand_share", round(share, 3), "", policy.max_low_share, "<="),
        Figure("low_demand_skills", low),
        Figure("skills", len(skills)),
        Figure("low_demand_ratio", ratio, "jobs/freelancer"),
    )
    suggested = share > policy.max_low_share
    ordered = sorted(evidence, key=lambda e: e.kind != "low_demand_skill")
    if suggested:
        return Finding(
            check=CHECK,
            reason=reasons.LOW_DEMAND,
            status=Status.FLAGGED,
            suggested=True,
            severity=Severity.ERROR,
            summary=(
                f"{low} of {len(skills)} skills are in low demand (under {ratio:g} open jobs "
                "per active freelancer)."
            ),
            evidence=tuple(ordered),
            figures=figures,
        )
    return Finding(
        check=CHECK,
        reason=reasons.LOW_DEMAND,
        status=Status.PASSED,
        suggested=False,
        severity=Severity.WARNING if low else Severity.INFO,
        summary=(
            f"{low} of {len(skills)} skills in low demand: enough demand overall."
            if low
            else "Every listed skill is in demand."
        )
        + (f" {unknown} skill(s) not tracked." if unknown else ""),
        evidence=tuple(ordered),
        figures=figures,
    )


def demand_from_figures(
    figures: dict[str, tuple[int, int, float]], skills: Iterable[str], low_demand_ratio: float
) -> DemandOut:
    """A `DemandOut` built from (open jobs, active freelancers, ratio) figures per skill, as
    the service would answer for `skills` (skills without figures are unknown)."""
    out = []
    for name in dict.fromkeys(s.strip() for s in skills if s.strip()):
        found = figures.get(name)
        if found is None:
            out.append(
                SkillDemandOut(
                    skill=name,
                    known=False,
                    open_jobs=0,
                    active_freelancers=0,
                    ratio=0.0,
                    low_demand=False,
                )
            )
            continue
        open_jobs, active, ratio = found
        out.append(
            SkillDemandOut(
                skill=name,
                known=True,
                open_jobs=open_jobs,
                active_freelancers=active,
                ratio=ratio,
                low_demand=ratio < low_demand_ratio,
            )
        )
    return DemandOut(skills=out, low_demand_ratio=low_demand_ratio)
