"""The demand check: the service's figures against the low-demand threshold."""

from __future__ import annotations

from test_checks_support import make_profile

from reviewer_app.core import reasons
from reviewer_app.core.checks.demand import DemandPolicy, check_demand, demand_from_figures
from reviewer_app.core.checks.findings import Status
from reviewer_app.core.wire import DemandOut

FIGURES = {
    "React": (900, 1000, 0.9),
    "jQuery": (50, 1000, 0.05),
    "Data Entry": (30, 3000, 0.01),
    "Logo Design": (80, 1000, 0.08),
    "Django": (600, 900, 0.6667),
}


def demand(skills: tuple[str, ...]) -> DemandOut:
    return demand_from_figures(FIGURES, skills, 0.25)


def test_without_figures_the_check_says_so() -> None:
    finding = check_demand(make_profile(), None)
    assert (finding.status, finding.suggested) == (Status.NOT_RUN, False)
    assert finding.reason == reasons.LOW_DEMAND


def test_mostly_low_demand_skills_are_flagged_with_the_figures() -> None:
    skills = ("jQuery", "Data Entry", "React")
    finding = check_demand(make_profile(skills=skills), demand(skills))
    assert finding.suggested
    assert finding.figure("low_demand_share") == round(2 / 3, 3)
    low = [e for e in finding.evidence if e.kind == "low_demand_skill"]
    assert [e.text for e in low] == ["jQuery", "Data Entry"]
    ratios = {f.name: f.value for f in low[0].figures}
    assert ratios == {"open_jobs": 50, "active_freelancers": 1000, "ratio": 0.05}
    assert low[0].section == "skills[0]"


def test_half_or_less_is_enough_demand() -> None:
    skills = ("jQuery", "React")
    finding = check_demand(make_profile(skills=skills), demand(skills))
    assert (finding.status, finding.suggested) == (Status.PASSED, False)
    assert finding.figure("low_demand_skills") == 1


def test_unknown_skills_count_as_not_low() -> None:
    skills = ("jQuery", "Basket Weaving", "Knitting")
    finding = check_demand(make_profile(skills=skills), demand(skills))
    assert not finding.suggested
    assert sum(e.kind == "unknown_skill" for e in finding.evidence) == 2


def test_names_match_without_regard_to_case() -> None:
    finding = check_demand(
        make_profile(skills=("JQUERY", "data entry")), demand(("jQuery", "Data Entry"))
    )
    assert finding.suggested


def test_figures_missing_for_a_skill_mean_the_check_did_not_run() -> None:
    finding = check_demand(make_profile(skills=("React", "Django", "Flask")), demand(("React",)))
    assert finding.status is Status.NOT_RUN
    assert "Django" in finding.summary


def test_the_share_is_a_policy() -> None:
    skills = ("jQuery", "React")
    finding = check_demand(
        make_profile(skills=skills), demand(skills), policy=DemandPolicy(max_low_share=0.4)
    )
    assert finding.suggested


def test_no_skills_means_nothing_to_look_up() -> None:
    assert check_demand(make_profile(skills=()), demand(())).status is Status.NOT_RUN
