"""When is a profile 100% complete? One rule, used by the service for its queue flag and by the
reviewer's completeness check.

Photo and video are left out on purpose: a missing one has a reason code of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.core.models import Profile, Section

# Weights add up to 100: the percentage is the sum of the sections that are present and not thin.
WEIGHTS: dict[Section, int] = {
    Section.TITLE: 10,
    Section.OVERVIEW: 25,
    Section.SKILLS: 15,
    Section.HOURLY_RATE: 5,
    Section.EMPLOYMENT: 20,
    Section.EDUCATION: 10,
    Section.LANGUAGES: 5,
    Section.COUNTRY: 5,
    Section.DATE_OF_BIRTH: 5,
}

MIN_TITLE_WORDS = 3
MIN_OVERVIEW_WORDS = 60
MIN_SKILLS = 3
MIN_EMPLOYMENT_WORDS = 8  # words of description for at least one position


@dataclass(frozen=True, slots=True)
class SectionGap:
    section: Section
    problem: str  # "missing" or "thin"
    detail: str


@dataclass(frozen=True, slots=True)
class Completeness:
    percent: int
    gaps: tuple[SectionGap, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps


def _words(text: str) -> int:
    return len(text.split())


def assess(profile: Profile) -> Completeness:
    gaps: list[SectionGap] = []

    def missing(section: Section, detail: str) -> None:
        gaps.append(SectionGap(section, "missing", detail))

    def thin(section: Section, detail: str) -> None:
        gaps.append(SectionGap(section, "thin", detail))

    title_words = _words(profile.title)
    if title_words == 0:
        missing(Section.TITLE, "no title")
    elif title_words < MIN_TITLE_WORDS:
        thin(Section.TITLE, f"{title_words} words, at least {MIN_TITLE_WORDS} expected")

    overview_words = _words(profile.overview)
    if overview_words == 0:
        missing(Section.OVERVIEW, "no overview")
    elif overview_words < MIN_OVERVIEW_WORDS:
        thin(Section.OVERVIEW, f"{overview_words} words, at least {MIN_OVERVIEW_WORDS} expected")

    skills = [s for s in profile.skills if s.strip()]
    if not skills:
        missing(Section.SKILLS, "no skills")
    elif len(skills) < MIN_SKILLS:
        thin(Section.SKILLS, f"{len(skills)} skills, at least {MIN_SKILLS} expected")

    if profile.hourly_rate is None or profile.hourly_rate <= 0:
        missing(Section.HOURLY_RATE, "no hourly rate")

    if not profile.employment:
        missing(Section.EMPLOYMENT, "no work history")
    elif max(_words(job.description) for job in profile.employment) < MIN_EMPLOYMENT_WORDS:
        thin(
            Section.EMPLOYMENT,
            f"no position described in at least {MIN_EMPLOYMENT_WORDS} words",
        )

    if not profile.education:
        missing(Section.EDUCATION, "no education")

    if not profile.languages:
        missing(Section.LANGUAGES, "no languages")

    if not profile.country.strip():
        missing(Section.COUNTRY, "no country")

    if profile.date_of_birth is None:
        missing(Section.DATE_OF_BIRTH, "no date of birth")

    lost = sum(WEIGHTS[gap.section] for gap in gaps)
    return Completeness(percent=100 - lost, gaps=tuple(gaps))
