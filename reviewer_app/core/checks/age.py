"""Age: is the applicant 18 or older at the decision time?

The rule
--------
**An applicant is adult from 00:00 UTC on their 18th birthday, the date of birth read as a UTC
calendar date, at the decision time on the service's clock.** In code: `is_adult(born, now)`,
i.e. `age_on(born, now.astimezone(UTC).date()) >= 18`.

Why UTC: the profile's date of birth is a bare calendar date and we do not know the applicant's
time zone; the service keeps every time in UTC, and one rule that a reviewer can check by looking
at two dates (the date of birth and today's UTC date) beats a rule that depends on where the
applicant lives. The demo generator's ground truth uses this very function
(`reviewer_app.service.demo.generator`), so the truth and the check cannot disagree.

The time-zone edge is shown, not ruled on: local dates run from UTC−12 to UTC+14, so for the 14
hours before 00:00 UTC on the 18th birthday the applicant is already 18 in places ahead of UTC
(the check still suggests "under 18", with a warning that says so and when it ends), and for the
12 hours after it they are still 17 in places behind UTC (the check passes, and says so in its
summary). The reviewer may overrule either with a note.

The decision time is the service's clock (`now`, a timezone-aware datetime), never the
workstation's.

People born on 29 February turn 18 on 1 March in years without a 29 February (the later of the
two conventions in use, so never early).

A missing date of birth means the check cannot run (the completeness check reports the gap). A date
in the future (later than today's date anywhere on Earth), or more than `MAX_AGE_YEARS` years
back, is impossible or implausible: it is flagged as such for the reviewer, without suggesting
"under 18".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import partial

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

CHECK = "age"
ADULT_YEARS = 18
MAX_AGE_YEARS = 100

# Local time runs from UTC−12 to UTC+14: a date begins at UTC+14 14 hours before it begins in
# UTC, and ends at UTC−12 12 hours after it ends in UTC.
_EARLIEST_OFFSET = timedelta(hours=-12)
_LATEST_OFFSET = timedelta(hours=14)


def anniversary(born: date, years: int) -> date:
    """The date on which someone born on `born` turns `years` (29 February → 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a year without one
        return date(born.year + years, 3, 1)


def local_midnight_utc(day: date, offset: timedelta) -> datetime:
    """The UTC instant at which `day` begins in the time zone `offset` from UTC."""
    return datetime.combine(day, time(0), UTC) - offset


def age_on(born: date, day: date) -> int:
    """Completed years on a calendar date (29 February birthdays count from 1 March)."""
    years = day.year - born.year
    if day < anniversary(born, years):
        years -= 1
    return years


def adult_from(born: date, years: int = ADULT_YEARS) -> datetime:
    """The instant from which the applicant counts as `years` old: 00:00 UTC on that
    birthday (the rule of this module)."""
    return local_midnight_utc(anniversary(born, years), timedelta(0))


def adult_somewhere_from(born: date, years: int = ADULT_YEARS) -> datetime:
    """The instant (UTC) from which the applicant is `years` old in at least one time zone
    (UTC+14): 14 hours before `adult_from`."""
    return local_midnight_utc(anniversary(born, years), _LATEST_OFFSET)


def adult_everywhere_from(born: date, years: int = ADULT_YEARS) -> datetime:
    """The instant (UTC) from which the applicant is `years` old in every time zone (UTC−12):
    12 hours after `adult_from`."""
    return local_midnight_utc(anniversary(born, years), _EARLIEST_OFFSET)


def is_adult(born: date, now: datetime, years: int = ADULT_YEARS) -> bool:
    """The rule: `years` or older on the UTC calendar date of `now` (timezone-aware)."""
    return age_on(born, _require_aware(now).date()) >= years


def _require_aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("the decision time must be timezone-aware")
    return now.astimezone(UTC)


def check_age(profile: Profile, now: datetime) -> Finding:
    now = _require_aware(now)
    born = profile.date_of_birth
    section = str(Section.DATE_OF_BIRTH)
    if born is None:
        return not_run(
            CHECK,
            reasons.UNDER_18,
            "No date of birth: the age cannot be checked.",
            Evidence("missing", "The date of birth is not filled in.", section=section),
        )
    finding = partial(Finding, check=CHECK, reason=reasons.UNDER_18)
    dob = Evidence("date_of_birth", f"Born {born.isoformat()}.", section=section, text=str(born))
    earliest_today = (now + _EARLIEST_OFFSET).date()  # the calendar date in the last time zone
    latest_today = (now + _LATEST_OFFSET).date()  # … and in the first
    age_utc = age_on(born, now.date())
    figures = (Figure("age_years", age_utc, "years", ADULT_YEARS, ">="),)
    if born > latest_today:
        return finding(
            status=Status.FLAGGED,
            suggested=False,
            severity=Severity.WARNING,
            summary=f"The date of birth {born.isoformat()} is in the future: the age is unknown.",
            evidence=(
                Evidence(
                    "impossible_date",
                    "The date of birth is in the future.",
                    section=section,
                    text=str(born),
                ),
            ),
            details={"date_of_birth": born.isoformat(), "problem": "future"},
        )
    if age_on(born, earliest_today) >= MAX_AGE_YEARS:
        return finding(
            status=Status.FLAGGED,
            suggested=False,
            severity=Severity.WARNING,
            summary=(
                f"The date of birth {born.isoformat()} makes the applicant {age_utc} years old: "
                "probably a mistake; the age is unknown."
            ),
            evidence=(
                Evidence(
                    "implausible_date",
                    f"Over {MAX_AGE_YEARS} years ago.",
                    section=section,
                    text=str(born),
                    figures=figures,
                ),
            ),
            figures=figures,
            details={"date_of_birth": born.isoformat(), "problem": "too_old"},
        )
    adult = adult_from(born)
    somewhere = adult_somewhere_from(born)
    everywhere = adult_everywhere_from(born)
    birthday = anniversary(born, ADULT_YEARS).isoformat()
    details = {
        "date_of_birth": born.isoformat(),
        "eighteenth_birthday": birthday,
        "adult_from": adult.isoformat(),
        "adult_everywhere_from": everywhere.isoformat(),
        "decision_time": now.isoformat(),
    }
    age_finding = partial(finding, figures=figures, details=details)
    if now >= adult:
        if now < everywhere:
            return age_finding(
                status=Status.PASSED,
                suggested=False,
                severity=Severity.INFO,
                summary=(
                    f"18 years old since {birthday} 00:00 UTC; in time zones behind UTC it is "
                    f"still the day before until {everywhere:%Y-%m-%d %H:%M} UTC."
                ),
                evidence=(
                    dob,
                    Evidence(
                        "time_zone_edge",
                        "The rule reads the 18th birthday as a UTC date; west of UTC the "
                        "applicant may still be 17 for a few hours.",
                        section=section,
                        text=str(born),
                        figures=figures,
                    ),
                ),
            )
        return age_finding(
            status=Status.PASSED,
            suggested=False,
            severity=Severity.INFO,
            summary=f"{age_utc} years old.",
            evidence=(dob,),
        )
    if now >= somewhere:
        return age_finding(
            status=Status.FLAGGED,
            suggested=True,
            severity=Severity.WARNING,
            summary=(
                f"Turns 18 on {birthday}: already 18 in time zones ahead of UTC, but 18 by the "
                f"rule (the birthday as a UTC date) only from {adult:%Y-%m-%d %H:%M} UTC."
            ),
            evidence=(
                Evidence(
                    "time_zone_edge",
                    "18 in the applicant's time zone only if it is ahead of UTC; the rule "
                    "reads the 18th birthday as a UTC date.",
                    section=section,
                    text=str(born),
                    figures=figures,
                ),
            ),
        )
    return age_finding(
        status=Status.FLAGGED,
        suggested=True,
        severity=Severity.ERROR,
        summary=f"{age_utc} years old: under 18 (turns 18 on {birthday}).",
        evidence=(
            Evidence(
                "under_age",
                f"Born {born.isoformat()}: {age_utc} years old.",
                section=section,
                text=str(born),
                figures=figures,
            ),
        ),
    )
