"""The age check: adult from 00:00 UTC on the 18th birthday (the date of birth read as a UTC
calendar date), at the decision time on the service's clock; the time-zone edge is shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from test_checks_support import make_profile

from reviewer_app.core import reasons
from reviewer_app.core.checks.age import (
    adult_everywhere_from,
    adult_from,
    adult_somewhere_from,
    age_on,
    anniversary,
    check_age,
    is_adult,
)
from reviewer_app.core.checks.findings import Severity, Status


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def verdict(born: date | None, now: datetime) -> tuple[Status, bool, Severity]:
    finding = check_age(make_profile(date_of_birth=born), now)
    assert finding.reason == reasons.UNDER_18
    return finding.status, finding.suggested, finding.severity


def test_an_adult_passes() -> None:
    finding = check_age(make_profile(date_of_birth=date(1990, 5, 1)), at("2026-11-28T15:00"))
    assert (finding.status, finding.suggested) == (Status.PASSED, False)
    assert finding.figure("age_years") == 36


def test_a_minor_is_flagged_with_when_they_turn_18() -> None:
    finding = check_age(make_profile(date_of_birth=date(2010, 3, 1)), at("2026-11-28T15:00"))
    assert (finding.status, finding.suggested, finding.severity) == (
        Status.FLAGGED,
        True,
        Severity.ERROR,
    )
    assert finding.figure("age_years") == 16
    assert finding.details["eighteenth_birthday"] == "2028-03-01"
    assert finding.evidence[0].section == "date_of_birth"


# Born 2008-11-28: the 18th birthday is 2026-11-28, adult from 2026-11-28 00:00 UTC. Midnight of
# that date arrives first at UTC+14 (2026-11-27 10:00 UTC) and last at UTC−12 (2026-11-28 12:00
# UTC): the hours between are the time-zone edge, shown but not ruled on.
BORN = date(2008, 11, 28)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-27T09:59:59", (Status.FLAGGED, True, Severity.ERROR)),  # 17 everywhere
        ("2026-11-27T10:00:00", (Status.FLAGGED, True, Severity.WARNING)),  # 18 at UTC+14 only
        ("2026-11-27T23:59:59", (Status.FLAGGED, True, Severity.WARNING)),  # still 17 in UTC
        ("2026-11-28T00:00:00", (Status.PASSED, False, Severity.INFO)),  # the birthday in UTC
        ("2026-11-28T11:59:59", (Status.PASSED, False, Severity.INFO)),  # 17 only at UTC−12
        ("2026-11-28T12:00:00", (Status.PASSED, False, Severity.INFO)),  # 18 everywhere
        ("2026-11-29T00:00:00", (Status.PASSED, False, Severity.INFO)),
    ],
)
def test_the_18th_birthday_counts_as_a_utc_calendar_date(
    now: str, expected: tuple[Status, bool, Severity]
) -> None:
    assert verdict(BORN, at(now)) == expected
    assert is_adult(BORN, at(now)) is (not expected[1])


def test_the_exact_birthday_is_adult_from_midnight_utc() -> None:
    assert adult_from(BORN) == at("2026-11-28T00:00")
    assert adult_somewhere_from(BORN) == at("2026-11-27T10:00")
    assert adult_everywhere_from(BORN) == at("2026-11-28T12:00")
    assert not is_adult(BORN, at("2026-11-27T23:59:59.999999"))
    assert is_adult(BORN, at("2026-11-28T00:00"))


def test_the_edge_before_the_birthday_says_why_and_until_when() -> None:
    finding = check_age(make_profile(date_of_birth=BORN), at("2026-11-27T18:00"))
    assert finding.suggested is True
    assert finding.evidence[0].kind == "time_zone_edge"
    assert "2026-11-28 00:00 UTC" in finding.summary


def test_the_edge_after_the_birthday_passes_and_says_so() -> None:
    finding = check_age(make_profile(date_of_birth=BORN), at("2026-11-28T06:00"))
    assert (finding.status, finding.suggested) == (Status.PASSED, False)
    assert [e.kind for e in finding.evidence] == ["date_of_birth", "time_zone_edge"]
    assert "2026-11-28 12:00 UTC" in finding.summary


def test_the_decision_time_may_be_given_in_any_time_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    # 2026-11-28 08:59 in Tokyo is 2026-11-27 23:59 UTC: the birthday has not begun in UTC.
    assert verdict(BORN, datetime(2026, 11, 28, 8, 59, tzinfo=tokyo))[1] is True
    assert verdict(BORN, datetime(2026, 11, 28, 9, 0, tzinfo=tokyo))[1] is False
    # 2026-11-27 20:00 in New York is 2026-11-28 01:00 UTC: adult, though still the 27th there.
    new_york = timezone(timedelta(hours=-5))
    assert verdict(BORN, datetime(2026, 11, 27, 20, 0, tzinfo=new_york))[1] is False


def test_a_naive_decision_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        check_age(make_profile(), datetime(2026, 11, 28, 12, 0))


def test_29_february_birthdays_turn_18_on_1_march_in_common_years() -> None:
    leap = date(2008, 2, 29)
    assert anniversary(leap, 18) == date(2026, 3, 1)
    assert anniversary(leap, 20) == date(2028, 2, 29)  # a leap year again
    assert age_on(leap, date(2026, 2, 28)) == 17
    assert age_on(leap, date(2026, 3, 1)) == 18
    assert verdict(leap, at("2026-02-28T23:59"))[1] is True
    assert verdict(leap, at("2026-03-01T00:00"))[1] is False
    assert adult_from(leap) == at("2026-03-01T00:00")
    assert adult_somewhere_from(leap) == at("2026-02-28T10:00")
    assert adult_everywhere_from(leap) == at("2026-03-01T12:00")


def test_a_missing_date_of_birth_means_the_check_did_not_run() -> None:
    finding = check_age(make_profile(date_of_birth=None), at("2026-11-28T15:00"))
    assert (finding.status, finding.suggested) == (Status.NOT_RUN, False)
    assert finding.evidence[0].kind == "missing"


def test_a_date_of_birth_in_the_future_is_impossible() -> None:
    finding = check_age(make_profile(date_of_birth=date(2030, 1, 1)), at("2026-11-28T15:00"))
    assert (finding.status, finding.suggested) == (Status.FLAGGED, False)
    assert finding.evidence[0].kind == "impossible_date"
    assert finding.details["problem"] == "future"


def test_born_today_somewhere_is_not_the_future() -> None:
    # 2026-11-29 has begun at UTC+14 by 2026-11-28 15:00 UTC: a newborn, not an impossibility.
    finding = check_age(make_profile(date_of_birth=date(2026, 11, 29)), at("2026-11-28T15:00"))
    assert finding.suggested is True
    assert finding.details.get("problem") is None


def test_more_than_100_years_is_implausible() -> None:
    finding = check_age(make_profile(date_of_birth=date(1920, 6, 1)), at("2026-11-28T15:00"))
    assert (finding.status, finding.suggested) == (Status.FLAGGED, False)
    assert finding.evidence[0].kind == "implausible_date"
    assert (
        check_age(make_profile(date_of_birth=date(1930, 6, 1)), at("2026-11-28T15:00")).status
        is Status.PASSED
    )


def test_the_finding_serialises_to_json() -> None:
    import json

    finding = check_age(make_profile(date_of_birth=BORN), at("2026-11-27T18:00"))
    document = json.loads(json.dumps(finding.to_json()))
    assert document["reason"] == "under_18"
    assert document["suggested"] is True
    assert document["evidence"][0]["section"] == "date_of_birth"
