"""Age: is the applicant 18 or older at the decision time?

The rule, and why
-----------------
A date of birth is a calendar date in the applicant's own time zone, which we do not know. Legally
one turns 18 at the start of the 18th birthday *where one lives*; local time runs from UTC−12 to
UTC+14. We are conservative and never call an applicant adult while there is a place on Earth
where they would still be 17:

* the applicant is **adult from 12:00 UTC on the 18th birthday** (midnight at UTC−12, the last
  time zone to reach that date);
* before 10:00 UTC on the day *before* the 18th birthday (midnight at UTC+14, the first time zone
  to reach it) the applicant is under 18 everywhere;
* in the 26 hours between, the applicant is 18 in some time zones and not in others: the check
  still suggests "under 18" (a decline costs the applicant a day; admitting a minor is not
  allowed), and says that it is a time-zone edge case, when it ends, and that the reviewer may
  overrule it.

The decision time is the service's clock (`now`, a timezone-aware datetime), never the
workstation's.

People born on 29 February turn 18 on 1 March in years without a 29 February: the later of the
two conventions in use, so again never early.

A missing date of birth means the check cannot run (the completeness check reports the gap). A date
in the future, or more than `MAX_AGE_YEARS` years back, is impossible or implausible: it is
flagged as such for the reviewer, without suggesting "under 18".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

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

# Midnight of a date at UTC−12 is 12:00 UTC that date; at UTC+14 it is 10:00 UTC the day before.
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


def adult_from(born: date, years: int = ADULT_YEARS) -> datetime:
    """The instant (UTC) from which the applicant is `years` old in every time zone."""
    return local_midnight_utc(anniversary(born, years), _EARLIEST_OFFSET)


def adult_somewhere_from(born: date, years: int = ADULT_YEARS) -> datetime:
    """The instant (UTC) from which the applicant is `years` old in at least one time zone."""
    return local_midnight_utc(anniversary(born, years), _LATEST_OFFSET)


def age_on(born: date, day: date) -> int:
    """Completed years on a calendar date (29 February birthdays count from 1 March)."""
    years = day.year - born.year
    if day < anniversary(born, years):
        years -= 1
    return years


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
    dob = Evidence("date_of_birth", f"Born {born.isoformat()}.", section=section, text=str(born))
    earliest_today = (now + _EARLIEST_OFFSET).date()  # the calendar date in the last time zone
    latest_today = (now + _LATEST_OFFSET).date()  # … and in the first
    age_utc = age_on(born, now.date())
    figures = (Figure("age_years", age_utc, "years", ADULT_YEARS, ">="),)
    if born > latest_today:
        return Finding(
            check=CHECK,
            reason=reasons.UNDER_18,
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
        return Finding(
            check=CHECK,
            reason=reasons.UNDER_18,
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
    everywhere = adult_from(born)
    somewhere = adult_somewhere_from(born)
    details = {
        "date_of_birth": born.isoformat(),
        "eighteenth_birthday": anniversary(born, ADULT_YEARS).isoformat(),
        "adult_everywhere_from": everywhere.isoformat(),
        "decision_time": now.isoformat(),
    }
    if now >= everywhere:
        return Finding(
            check=CHECK,
            reason=reasons.UNDER_18,
            status=Status.PASSED,
            suggested=False,
            severity=Severity.INFO,
            summary=f"{age_utc} years old.",
            evidence=(dob,),
            figures=figures,
            details=details,
        )
    if now >= somewhere:
        return Finding(
            check=CHECK,
            reason=reasons.UNDER_18,
            status=Status.FLAGGED,
            suggested=True,
            severity=Severity.WARNING,
            summary=(
                f"Turns 18 on {anniversary(born, ADULT_YEARS).isoformat()}: already 18 in some "
                "time zones but not yet in all of them; 18 everywhere from "
                f"{everywhere:%Y-%m-%d %H:%M} UTC."
            ),
            evidence=(
                Evidence(
                    "time_zone_edge",
                    "18 in the applicant's time zone only if it is ahead of UTC−12; the rule is "
                    "18 everywhere.",
                    section=section,
                    text=str(born),
                    figures=figures,
                ),
            ),
            figures=figures,
            details=details,
        )
    return Finding(
        check=CHECK,
        reason=reasons.UNDER_18,
        status=Status.FLAGGED,
        suggested=True,
        severity=Severity.ERROR,
        summary=(
            f"{age_utc} years old: under 18 (turns 18 on "
            f"{anniversary(born, ADULT_YEARS).isoformat()})."
        ),
        evidence=(
            Evidence(
                "under_age",
                f"Born {born.isoformat()}: {age_utc} years old.",
                section=section,
                text=str(born),
                figures=figures,
            ),
        ),
        figures=figures,
        details=details,
    )
