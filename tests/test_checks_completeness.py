"""The completeness check: the core rule (the service's queue flag) as a finding."""

from __future__ import annotations

from test_checks_support import make_profile

from reviewer_app.core import completeness, reasons
from reviewer_app.core.checks.complete import check_completeness
from reviewer_app.core.checks.findings import Status
from reviewer_app.core.models import Section


def test_a_complete_profile_passes_at_100_percent() -> None:
    finding = check_completeness(make_profile(overview="word " * 60))
    assert (finding.status, finding.suggested, finding.figure("percent")) == (
        Status.PASSED,
        False,
        100,
    )


def test_gaps_are_listed_with_their_weights_and_the_percentage() -> None:
    profile = make_profile(overview="Too short.", hourly_rate=None, languages=())
    finding = check_completeness(profile)
    assert finding.reason == reasons.INCOMPLETE
    assert finding.suggested
    expected = completeness.assess(profile)
    assert finding.figure("percent") == expected.percent == 100 - 25 - 5 - 5
    by_section = {e.section: e for e in finding.evidence}
    assert by_section["overview"].kind == "thin"
    assert by_section["hourly_rate"].kind == "missing"
    assert by_section["languages"].kind == "missing"
    assert by_section["overview"].figures[0].value == completeness.WEIGHTS[Section.OVERVIEW]
    assert "overview (thin)" in finding.summary


def test_it_agrees_with_the_core_rule_on_every_gap() -> None:
    for changes in (
        {"title": ""},
        {"title": "Developer"},
        {"skills": ()},
        {"skills": ("React",)},
        {"employment": ()},
        {"education": ()},
        {"country": " "},
        {"date_of_birth": None},
    ):
        profile = make_profile(overview="word " * 60, **changes)
        finding = check_completeness(profile)
        rule = completeness.assess(profile)
        assert finding.suggested is not rule.complete, changes
        assert [e.section for e in finding.evidence] == [str(g.section) for g in rule.gaps]
