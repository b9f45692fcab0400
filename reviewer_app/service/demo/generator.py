"""The demo applicant generator: realistic applications with known defects.

Everything about applicant `i` comes from random streams named by (seed, i, purpose), so an
applicant can be made without the ones before it, the output streams, and the same seed and
`now` give the same applicants byte for byte. Content (names, skills, text) and plan (which
defects) use separate streams, so changing a share does not rewrite everyone's profile.

With `media=False` nothing is rendered per applicant: profiles point at a small pool of real
files (real SHA-256 of real bytes, rendered once per process and available from
`pooled_media()`); the truth is the same as with `media=True` for the same seed, but many
applicants then share a portrait, so a duplicate-photo check is meaningless on that data.

Age follows the one rule of `reviewer_app.core.checks.age` (and uses its code, `is_adult`): an
applicant is adult from 00:00 UTC on the 18th birthday, the date of birth read as a UTC calendar
date, at the decision time (`now` for the current revision, the decision's time for earlier
ones). So "turns 18 today" is adult at any time of `now`'s UTC day, and "turns 18 tomorrow" is
under 18 at any time of it, whatever the time zone `now` was given in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from reviewer_app.core import reasons
from reviewer_app.core.checks.age import ADULT_YEARS, anniversary, is_adult
from reviewer_app.core.checks.age import age_on as _age_on
from reviewer_app.core.models import (
    Application,
    Decision,
    Education,
    Employment,
    Language,
    MediaKind,
    MediaRef,
    Outcome,
    Profile,
    Revision,
)
from reviewer_app.core.sla import SlaPolicy, time_left
from reviewer_app.service.demo import people, photos, texts, videos
from reviewer_app.service.demo.rates import (
    ADULT_EDGE_KINDS,
    LOW_DEMAND_KIND,
    SLA_BUCKETS,
    SPELLING,
    DefectRates,
    Schedule,
)
from reviewer_app.service.demo.taxonomy import (
    LOW_DEMAND_RATIO,
    SKILL_TAXONOMY,
    is_low_demand_skill,
    low_demand_share,
    skills_by_demand,
)

_CATEGORIES = tuple(SKILL_TAXONOMY)
_REASON_ORDER = {reason.code: n for n, reason in enumerate(reasons.DEFAULT_CATALOGUE)}
_FIXABLE = ("incomplete", "text_errors", "photo", "video", "low_demand")
_REVIEWERS = ("reviewer", "reviewer", "m.okafor", "s.patel", "l.garcia", "k.nowak")
_POOL_PORTRAITS = 8  # per gender, for media=False
_SLA = SlaPolicy()

_FIELDS: dict[str, tuple[str, ...]] = {
    "Web Development": ("Computer Science", "Software Engineering", "Information Technology"),
    "Mobile Development": ("Computer Science", "Software Engineering", "Computer Engineering"),
    "Data Science & Analytics": ("Statistics", "Mathematics", "Computer Science", "Economics"),
    "DevOps & Cloud": ("Computer Science", "Information Systems", "Network Engineering"),
    "Design & Creative": (
        "Graphic Design",
        "Visual Communication",
        "Fine Arts",
        "Interaction Design",
    ),
    "Writing & Translation": (
        "English Literature",
        "Journalism",
        "Linguistics",
        "Communication Studies",
    ),
    "Marketing & Sales": ("Marketing", "Business Administration", "Communication Studies"),
    "Admin & Customer Support": (
        "Business Administration",
        "Office Management",
        "Hospitality Management",
    ),
    "Finance & Accounting": ("Accounting", "Finance", "Economics"),
    "Engineering & Architecture": (
        "Mechanical Engineering",
        "Civil Engineering",
        "Electrical Engineering",
        "Architecture",
    ),
    "Video & Audio": ("Film Production", "Media Studies", "Sound Engineering"),
    "QA & Security": ("Computer Science", "Information Security", "Software Engineering"),
    "Game Development": ("Computer Science", "Game Design", "Software Engineering"),
}

_BASE_RATE: dict[str, float] = {
    "Web Development": 38,
    "Mobile Development": 42,
    "Data Science & Analytics": 48,
    "DevOps & Cloud": 50,
    "Design & Creative": 32,
    "Writing & Translation": 28,
    "Marketing & Sales": 32,
    "Admin & Customer Support": 14,
    "Finance & Accounting": 34,
    "Engineering & Architecture": 40,
    "Video & Audio": 30,
    "QA & Security": 36,
    "Game Development": 38,
}


@dataclass(frozen=True)
class DemoApplicant:
    application: Application
    media: dict[str, tuple[str, bytes]]  # sha256 -> (content type, bytes); empty if media=False
    truth: dict[str, Any]  # the ground-truth record (one line of the JSONL file)


def application_id(index: int) -> str:
    """The id of the applicant at a 0-based position: APP-000001 for the first one."""
    return f"APP-{index + 1:06d}"


# Pooled media of media=False runs, by SHA-256 (filled as the pool is rendered).
_POOL: dict[str, tuple[str, bytes]] = {}


def pooled_media() -> dict[str, tuple[str, bytes]]:
    """Every pooled file that profiles made with media=False in this process refer to."""
    return dict(_POOL)


def pooled_media_count() -> int:
    """How many files `pooled_media()` holds (without copying them)."""
    return len(_POOL)


def generate(
    count: int,
    *,
    seed: int = 7,
    now: datetime,
    rates: DefectRates | None = None,
    media: bool = True,
) -> Iterator[DemoApplicant]:
    """`count` applicants, made one at a time (the iterator holds one applicant at a time).

    `now` (timezone-aware, converted to UTC) is the moment of review: submission times, SLA
    states and ages are relative to it; ages use the UTC calendar date of `now` (the age
    check's rule: adult from 00:00 UTC on the 18th birthday).

    With `media=True` every applicant has its own rendered photo(s), and `DemoApplicant.media`
    holds the bytes of every photo and video its revisions refer to (videos come from a shared
    pool of a few dozen clips). With `media=False` nothing is rendered per applicant and
    `DemoApplicant.media` is empty: photos and videos refer to a small pool of real files,
    whose bytes `pooled_media()` returns. Profiles and truth are the same in both modes.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    rates = rates or DefectRates()
    ctx = _Context(seed, now.astimezone(UTC), rates, media, Schedule(seed, rates))
    return (_applicant(ctx, index) for index in range(count))


# --- plumbing ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    seed: int
    now: datetime
    rates: DefectRates
    media: bool
    schedule: Schedule

    def rng(self, index: int, purpose: str) -> random.Random:
        return random.Random(f"{self.seed}:{index}:{purpose}")  # noqa: S311 - seeded demo data

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True, slots=True)
class _Identity:
    region: people.Region
    female: bool
    skin: tuple[int, int, int]


def _identity(ctx: _Context, index: int) -> _Identity:
    rng = ctx.rng(index, "identity")
    region = people.pick_region(rng)
    female = rng.random() < 0.48
    return _Identity(region, female, rng.choice(region.skin))


@dataclass(slots=True)
class _Plan:
    """The defects of one revision (age is separate: it follows from the birth date)."""

    gaps: tuple[str, ...] = ()
    misspellings: int = 0
    photo: str | None = None
    video: str | None = None
    low_demand: bool = False

    def categories(self) -> set[str]:
        present = {
            "incomplete": bool(self.gaps),
            "text_errors": self.misspellings > 0,
            "photo": self.photo is not None,
            "video": self.video is not None,
            "low_demand": self.low_demand,
        }
        return {name for name, on in present.items() if on}


def _weighted(
    rng: random.Random,
    weights: tuple[tuple[Any, float], ...],
    exclude: set[Any] | frozenset[Any] = frozenset(),
) -> Any:
    options = [(kind, weight) for kind, weight in weights if kind not in exclude and weight > 0]
    return rng.choices([k for k, _ in options], weights=[w for _, w in options])[0]


def _gap_section(kind: str) -> str:
    return kind.split("_", 1)[1]


def _draw_gaps(rng: random.Random, rates: DefectRates, exclude: set[str]) -> tuple[str, ...]:
    first = _weighted(rng, rates.incomplete_kinds, exclude)
    gaps = [first]
    if rng.random() < rates.second_gap:
        taken = {k for k, _ in rates.incomplete_kinds if _gap_section(k) == _gap_section(first)}
        options = [(k, w) for k, w in rates.incomplete_kinds if k not in taken | exclude]
        if options:
            gaps.append(_weighted(rng, tuple(options)))
    return tuple(gaps)


def _draw_category(
    ctx: _Context, rng: random.Random, category: str, plan: _Plan, age_kind: str
) -> None:
    rates = ctx.rates
    if category == "incomplete":
        exclude = set()
        if age_kind != "adult":
            exclude.add("missing_date_of_birth")
        if plan.low_demand:
            exclude.add("missing_skills")
        if plan.misspellings:
            exclude.add("missing_overview")
        plan.gaps = _draw_gaps(rng, rates, exclude)
    elif category == "text_errors":
        plan.misspellings = _weighted(rng, rates.misspelling_counts)
    elif category == "photo":
        plan.photo = _weighted(rng, rates.photo_kinds)
    elif category == "video":
        plan.video = _weighted(rng, rates.video_kinds)
    elif category == "low_demand":
        plan.low_demand = True


def _current_plan(ctx: _Context, index: int, rng: random.Random) -> tuple[str, _Plan]:
    schedule, rates = ctx.schedule, ctx.rates
    age_kind = "adult"
    if schedule.has("under_18", index):
        age_kind = (
            "under_18_birthday_tomorrow" if rng.random() < rates.birthday_tomorrow else "under_18"
        )
    elif schedule.has("adult_birthday_edge", index):
        age_kind = rng.choice(ADULT_EDGE_KINDS)
    plan = _Plan()
    # Order matters for the exclusions in _draw_category: low demand and text errors first.
    for category in ("low_demand", "text_errors", "incomplete", "photo", "video"):
        if schedule.has(category, index):
            _draw_category(ctx, rng, category, plan, age_kind)
    return age_kind, plan


def _history_plans(
    ctx: _Context, index: int, rng: random.Random, age_kind: str, current: _Plan
) -> list[_Plan]:
    """Plans of the earlier, declined revisions (oldest first): each one had the problems of
    the next revision plus at least one that the next revision fixed."""
    if not ctx.schedule.has("resubmission", index):
        return []
    earlier_count = 2 if rng.random() < ctx.rates.third_revision else 1
    plans: list[_Plan] = []
    later = current
    for _ in range(earlier_count):
        present = later.categories()
        fixable = [c for c in _FIXABLE if c not in present]
        # Combinations that cannot exist: misspellings in a missing overview are fine only if
        # other text is there, low demand needs skills.
        if "missing_overview" in later.gaps and "text_errors" in fixable:
            fixable.remove("text_errors")
        if "missing_skills" in later.gaps and "low_demand" in fixable:
            fixable.remove("low_demand")
        if not fixable:
            break
        fixed = rng.sample(fixable, 2 if len(fixable) > 1 and rng.random() < 0.35 else 1)
        plan = _Plan(later.gaps, later.misspellings, later.photo, later.video, later.low_demand)
        # Same order as for the current plan, so the exclusions of _draw_category hold.
        for category in ("low_demand", "text_errors", "incomplete", "photo", "video"):
            if category in fixed:
                _draw_category(ctx, rng, category, plan, age_kind)
        plans.insert(0, plan)
        later = plan
    return plans


# --- age --------------------------------------------------------------------------------------


def age_on(born: date, day: date) -> int:
    """Whole years of age on `day` (someone born on 29 February ages on 1 March): the age
    check's own function."""
    return _age_on(born, day)


def eighteenth_birthday(born: date) -> date:
    """The date from whose 00:00 UTC the applicant counts as adult (29 February → 1 March)."""
    return anniversary(born, ADULT_YEARS)


def _birth_date(rng: random.Random, today: date, age_kind: str) -> tuple[str, date]:
    edge = {
        "under_18_birthday_tomorrow": today + timedelta(days=1),
        "adult_turns_18_today": today,
        "adult_turned_18_yesterday": today - timedelta(days=1),
    }.get(age_kind)
    if edge is not None:
        try:
            return age_kind, edge.replace(year=edge.year - 18)
        except ValueError:  # the 18th birthday would be 29 February: no such birth date
            age_kind = "under_18" if age_kind.startswith("under_18") else "adult"
    while True:
        if age_kind == "under_18":
            born = today - timedelta(days=rng.randint(15 * 365, 18 * 365))
            if born.month == 2 and born.day == 29:
                continue
            if eighteenth_birthday(born) >= today + timedelta(days=2):
                return age_kind, born
        else:
            born = today - timedelta(days=int(rng.triangular(18.1, 62, 27) * 365.25))
            if eighteenth_birthday(born) <= today - timedelta(days=2):
                return age_kind, born


def _age_defect(kind: str, born: date, day: date) -> dict[str, Any]:
    return {
        "reason": reasons.UNDER_18,
        "kind": kind,
        "details": {
            "section": "date_of_birth",
            "date_of_birth": born.isoformat(),
            "as_of": day.isoformat(),
            "age": age_on(born, day),
            "turns_18_on": eighteenth_birthday(born).isoformat(),
        },
    }


# --- career and text --------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    company: str
    role: str
    start_year: int
    end_year: int | None
    duties: tuple[str, ...]


@dataclass(slots=True)
class _Career:
    category: str
    noun: str
    years: int
    skills: tuple[str, ...]
    low_skills: tuple[str, ...]
    jobs: list[_Job]
    education: tuple[Education, ...]
    languages: tuple[Language, ...]
    rate: float
    values: dict[str, str]  # template values that do not depend on the skills
    title_template: str
    overview: list[list[str]]  # paragraphs of sentence templates
    spare: dict[str, list[str]] = field(default_factory=dict)  # unused templates per pool
    thin_overview: str = ""
    thin_title: str = ""
    thin_skill_count: int = 2
    thin_duties: tuple[str, ...] = ()


def _skills(rng: random.Random, category: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    high, low = skills_by_demand(category)
    main = rng.sample(high, 3)
    other = rng.choice([c for c in _CATEGORIES if c != category])
    extra_pool = [s for s in high if s not in main] + list(skills_by_demand(other)[0][:4])
    normal = main + rng.sample(extra_pool, rng.randint(1, 5))
    if len(normal) >= 4 and rng.random() < 0.2:
        normal.append(rng.choice(low))  # a single low-demand side skill: still a healthy set
    low_set = rng.sample(low, min(len(low), rng.randint(3, 6)))
    if len(low_set) >= 4 and rng.random() < 0.4:
        low_set.append(rng.choice(high))
    return tuple(normal), tuple(low_set)


def _career(ctx: _Context, rng: random.Random, person: people.Person, born: date) -> _Career:
    today = ctx.today
    category = rng.choice(_CATEGORIES)
    text = texts.CATEGORY_TEXT[category]
    noun = rng.choice(text.nouns)
    age = age_on(born, today)
    adult = age >= 18
    most = max(1, min(age - 17, 25))
    years = max(1, min(most, round(rng.triangular(1, most, min(most, 5)))))
    skills, low_skills = _skills(rng, category)

    jobs: list[_Job] = []  # the latest first, as the profile lists them
    end: int | None = None
    cursor = today.year
    start_limit = min(born.year + 16, today.year)
    job_count = 1 if years <= 2 else rng.randint(2, min(3, years))
    remaining = years
    for n in range(job_count):
        later_jobs = job_count - n - 1
        span = remaining if later_jobs == 0 else rng.randint(1, max(1, remaining - later_jobs))
        start = max(start_limit, cursor - span)
        company = (
            "Self-employed" if (not adult or rng.random() < 0.15) else people.company_name(rng)
        )
        role = f"Freelance {noun}" if company == "Self-employed" else rng.choice(text.roles)
        duties = tuple(rng.sample(text.duties, rng.randint(1, 2)))
        jobs.append(_Job(company, role, start, end, duties))
        end = cursor = start
        remaining -= span

    country = person.country
    if adult:
        school = rng.choice(country.universities)
        degree, duration = rng.choice(people.DEGREES)
        begin = min(today.year, born.year + 18 + rng.randint(0, 2))
        finish: int | None = begin + duration
        if finish is not None and finish > today.year:
            finish = None
        education = (Education(school, degree, rng.choice(_FIELDS[category]), begin, finish),)
    else:
        education = (
            Education(
                rng.choice(people.SECONDARY_SCHOOLS),
                "High School Diploma",
                "General Studies",
                born.year + 12,
                None,
            ),
        )

    native = country.languages[0] if rng.random() < 0.7 else rng.choice(country.languages)
    languages = [
        Language(
            "English",
            "native" if native == "English" else rng.choice(("fluent", "fluent", "conversational")),
        )
    ]
    if native != "English":
        languages.append(Language(native, "native"))
    if rng.random() < 0.25:
        second = rng.choice([lang for lang in people.SECOND_LANGUAGES if lang != native])
        languages.append(Language(second, rng.choice(("basic", "conversational"))))

    rate = _BASE_RATE[category] * country.rate_factor * (0.7 + 0.06 * years)
    rate *= rng.lognormvariate(0, 0.25) * (1.0 if adult else 0.6)
    rate = float(max(5, min(200, round(rate))))

    # "I started my career at {company}" names the earliest employer of the work history, and
    # is used only when there is one (not for someone self-employed from the start).
    first_company = jobs[-1].company
    experiences = tuple(
        line
        for line in texts.EXPERIENCE
        if first_company != "Self-employed" or "{company}" not in line
    )
    domain, domain2 = rng.sample(text.domains, 2)
    values = {
        "name": person.first_name,
        "noun": noun,
        "a_noun": texts.with_article(noun),
        "country": country.name,
        "years": str(years),
        "years_phrase": texts.years_phrase(years),
        "level": texts.level_for(years, rng),
        "domain": domain,
        "domain2": domain2,
        "company": first_company,
    }
    lines = sorted(rng.sample(text.lines, 3), key=text.lines.index)  # "also" lines come last
    workstyle = rng.sample(texts.WORKSTYLE, 2)
    intro, experience = rng.choice(texts.INTROS), rng.choice(experiences)
    achievement, closing = rng.choice(texts.ACHIEVEMENTS), rng.choice(texts.CLOSINGS)
    career = _Career(
        category=category,
        noun=noun,
        years=years,
        skills=skills,
        low_skills=low_skills,
        jobs=jobs,
        education=education,
        languages=tuple(languages),
        rate=rate,
        values=values,
        title_template=rng.choice(texts.TITLE_TEMPLATES),
        overview=[[intro, experience], [*lines, achievement], [*workstyle, closing]],
        spare={
            "lines": [s for s in text.lines if s not in lines],
            "achievement": [s for s in texts.ACHIEVEMENTS if s != achievement],
            "closing": [s for s in texts.CLOSINGS if s != closing],
            "workstyle": [s for s in texts.WORKSTYLE if s not in workstyle],
        },
        thin_overview=rng.choice(texts.THIN_OVERVIEWS),
        thin_title=texts.thin_title(rng, noun, skills),
        thin_skill_count=rng.randint(1, 2),
        thin_duties=tuple(rng.choice(texts.THIN_DUTIES) for _ in jobs),
    )
    return career


def _earlier_text(
    rng: random.Random, career: _Career, overview: list[list[str]], title: str
) -> tuple[list[list[str]], str]:
    """An earlier revision's text: one sentence fewer, some sentences worded differently,
    sometimes another title."""
    earlier = [list(p) for p in overview]
    middle = earlier[1]
    if len(middle) > 2:
        middle.pop(rng.randrange(len(middle) - 1))  # the applicant later added a sentence
    elif len(earlier[2]) > 1:
        earlier[2].pop(0)
    if rng.random() < 0.5 and career.spare["closing"]:
        earlier[2][-1] = rng.choice(career.spare["closing"])
    if rng.random() < 0.5 and career.spare["achievement"]:
        earlier[1][-1] = rng.choice(career.spare["achievement"])
    if rng.random() < 0.5:
        title = rng.choice([t for t in texts.TITLE_TEMPLATES if t != title])
    return earlier, title


def _render_overview(paragraphs: list[list[str]], values: dict[str, str], spare: list[str]) -> str:
    filled = [[texts.fill(s, values) for s in p] for p in paragraphs]
    words = sum(len(s.split()) for p in filled for s in p)
    while words > 200 and len(filled[1]) > 2:
        words -= len(filled[1].pop(0).split())
    for extra in spare:
        if words >= 80:
            break
        sentence = texts.fill(extra, values)
        filled[1].insert(0, sentence)
        words += len(sentence.split())
    return "\n\n".join(" ".join(p) for p in filled if p)


def _skill_values(skills: tuple[str, ...], fallback: tuple[str, ...]) -> dict[str, str]:
    names = list(skills) + [s for s in fallback if s not in skills]
    return {f"s{n}": names[n] for n in range(4)}


# --- media ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PhotoBase:
    width: int
    height: int
    content_type: str
    quality: int
    pool: int


def _photo_base(ctx: _Context, index: int, session: int = 0) -> tuple[_PhotoBase, random.Random]:
    rng = ctx.rng(index, f"photo:{session}")
    sizes = photos.GOOD_SIZES
    width, height = rng.choices([s for s, _ in sizes], weights=[w for _, w in sizes])[0]
    png = rng.random() < ctx.rates.png
    if png and width > 512:
        width, height = 512, 512 * height // width
    base = _PhotoBase(
        width,
        height,
        photos.PNG if png else photos.JPEG,
        rng.choice((85, 88, 90, 92, 95)),
        rng.randrange(_POOL_PORTRAITS),
    )
    return base, rng


def _photo_spec(
    ctx: _Context,
    index: int,
    ident: _Identity,
    base: _PhotoBase,
    kind: str | None,
    variant: int,
    session: int,
) -> photos.PhotoSpec:
    if ctx.media:
        portrait, skin = f"{ctx.seed}:{index}", ident.skin
        width, height, quality = base.width, base.height, base.quality
    else:
        # A few portraits per gender; a defective photo uses one per variant of its defect.
        pick = base.pool if kind is None else variant
        palette = people.REGIONS[pick % len(people.REGIONS)].skin
        portrait = f"pool:{int(ident.female)}:{pick}"
        skin = palette[pick % len(palette)]
        width, height, quality, session = 512, 512, 90, 0
    if kind == "photo_tiny":
        width, height = photos.TINY_SIZES[variant]
    return photos.PhotoSpec(
        portrait,
        ident.female,
        skin,
        width,
        height,
        base.content_type,
        quality,
        kind,
        variant,
        session,
    )


def _good_photo_of(ctx: _Context, index: int) -> photos.PhotoSpec:
    base, _ = _photo_base(ctx, index)
    return _photo_spec(ctx, index, _identity(ctx, index), base, None, 0, 0)


def _pick_original(ctx: _Context, index: int, rng: random.Random) -> int | None:
    """An earlier applicant whose current photo is good, to copy."""
    if index == 0:
        return None
    for _ in range(20):
        other = rng.randrange(max(0, index - 1000), index)
        if not ctx.schedule.has("photo", other):
            return other
    return None


_PHOTO_VARIANTS = {
    "photo_tiny": len(photos.TINY_SIZES),
    "photo_blurred": len(photos.BLUR_RADII),
    "photo_dark": len(photos.DARK_FACTORS),
    "photo_washed_out": len(photos.WASHED_ALPHAS),
    "photo_corrupt_truncated": len(photos.TRUNCATE_FRACTIONS),
    "photo_not_an_image": len(photos.NOT_AN_IMAGE_PAYLOADS),
    "photo_duplicate": len(photos.DUPLICATE_TRANSFORMS),
}


def _digest(content_type: str, data: bytes) -> tuple[str, bytes, str]:
    return content_type, data, hashlib.sha256(data).hexdigest()


_pooled_photo_cache: dict[
    tuple[photos.PhotoSpec, photos.PhotoSpec | None], tuple[str, bytes, str]
] = {}
_video_cache: dict[videos.VideoSpec, tuple[str, bytes, str]] = {}


def _render_photo(
    ctx: _Context, spec: photos.PhotoSpec, original: photos.PhotoSpec | None
) -> tuple[str, bytes, str]:
    if ctx.media:
        return _digest(*photos.render_photo(spec, original))
    key = (spec, original)
    found = _pooled_photo_cache.get(key)
    if found is None:
        found = _pooled_photo_cache[key] = _digest(*photos.render_photo(spec, original))
        _POOL[found[2]] = (found[0], found[1])
    return found


def _render_video(ctx: _Context, spec: videos.VideoSpec) -> tuple[str, bytes, str]:
    found = _video_cache.get(spec)
    if found is None:
        found = _video_cache[spec] = _digest(*videos.render_video(spec))
    if not ctx.media:
        _POOL[found[2]] = (found[0], found[1])
    return found


def clear_media_caches() -> None:
    """Forget every rendered clip and pooled photo (tests use this to check determinism)."""
    _pooled_photo_cache.clear()
    _video_cache.clear()
    _POOL.clear()
    videos.render_video.cache_clear()


@dataclass(slots=True)
class _Media:
    photo: MediaRef | None
    video: MediaRef | None
    photo_defect: dict[str, Any] | None
    video_defect: dict[str, Any] | None


def _photo(
    ctx: _Context,
    index: int,
    ident: _Identity,
    kind: str | None,
    session: int,
    out: dict[str, tuple[str, bytes]],
) -> tuple[MediaRef | None, dict[str, Any] | None]:
    base, rng = _photo_base(ctx, index, session)
    original_index: int | None = None
    if kind == "photo_duplicate":
        original_index = _pick_original(ctx, index, rng)
        if original_index is None:
            kind = "photo_blurred"  # nobody to copy from yet
    if kind == "photo_missing":
        return None, {"reason": reasons.PHOTO, "kind": kind, "details": {"section": "photo"}}
    variant = rng.randrange(_PHOTO_VARIANTS[kind]) if kind is not None else 0
    spec = _photo_spec(ctx, index, ident, base, kind, variant, session)
    original = None
    details: dict[str, Any] = {"section": "photo"}
    if kind == "photo_duplicate" and original_index is not None:
        original = _good_photo_of(ctx, original_index)
        # A copy is the original's picture, re-encoded: nothing of this applicant's own.
        spec = dataclasses.replace(original, defect=kind, variant=variant)
        details["duplicate_of"] = application_id(original_index)
    if kind is not None:
        details.update(photos.defect_details(spec))
    content_type, data, sha = _render_photo(ctx, spec, original)
    if ctx.media:
        out[sha] = (content_type, data)
    ref = MediaRef(sha, MediaKind.PHOTO, content_type, len(data))
    defect = {"reason": reasons.PHOTO, "kind": kind, "details": details} if kind else None
    return ref, defect


def _video(
    ctx: _Context, index: int, kind: str | None, session: int, out: dict[str, tuple[str, bytes]]
) -> tuple[MediaRef | None, dict[str, Any] | None]:
    rng = ctx.rng(index, f"video:{session}")
    webm = rng.random() < ctx.rates.webm
    if kind == "video_missing":
        return None, {"reason": reasons.VIDEO, "kind": kind, "details": {"section": "video"}}
    if kind is None:
        looks = videos.WEBM_LOOKS if webm else tuple(range(len(videos.GOOD_LOOKS)))
        spec = videos.VideoSpec(rng.choice(looks), "webm" if webm else "mp4")
    else:
        variants = {
            "video_too_short": len(videos.SHORT_DURATIONS),
            "video_low_resolution": len(videos.LOW_RESOLUTIONS),
            "video_corrupt_truncated": len(videos.TRUNCATE_FRACTIONS),
            "video_not_a_video": len(videos.NOT_A_VIDEO_PAYLOADS),
        }[kind]
        variant = rng.randrange(variants)
        container = "mp4" if kind == "video_corrupt_truncated" or not webm else "webm"
        spec = videos.VideoSpec(variant, container, kind, variant)
    content_type, data, sha = _render_video(ctx, spec)
    if ctx.media:
        out[sha] = (content_type, data)
    ref = MediaRef(sha, MediaKind.VIDEO, content_type, len(data))
    if kind is None:
        return ref, None
    details: dict[str, Any] = {"section": "video", **videos.defect_details(spec)}
    return ref, {"reason": reasons.VIDEO, "kind": kind, "details": details}


# --- one applicant ----------------------------------------------------------------------------


def _sorted_defects(defects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(defects, key=lambda d: _REASON_ORDER.get(d["reason"], 99))


def _reason_codes(defects: list[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(sorted({d["reason"] for d in defects}, key=lambda r: _REASON_ORDER.get(r, 99)))


def _build_revision(
    ctx: _Context,
    index: int,
    number: int,
    person: people.Person,
    ident: _Identity,
    born: date,
    career: _Career,
    plan: _Plan,
    title_template: str,
    overview: list[list[str]],
    rate: float,
    media_session: tuple[int, int],
    out: dict[str, tuple[str, bytes]],
) -> tuple[Profile, list[dict[str, Any]]]:
    gaps = set(plan.gaps)
    skills = career.low_skills if plan.low_demand else career.skills
    values = {**career.values, **_skill_values(skills, career.skills)}
    defects: list[dict[str, Any]] = []

    title = texts.make_title(title_template, values)
    if "missing_title" in gaps:
        title = ""
    elif "thin_title" in gaps:
        title = career.thin_title
    text = _render_overview(overview, values, career.spare["lines"])
    if "missing_overview" in gaps:
        text = ""
    elif "thin_overview" in gaps:
        text = texts.fill(career.thin_overview, values)
    listed = skills
    if "missing_skills" in gaps:
        listed = ()
    elif "thin_skills" in gaps:
        listed = skills[: career.thin_skill_count]
    descriptions = [
        texts.fill(career.thin_duties[n], values)
        if "thin_employment" in gaps
        else " ".join(texts.fill(d, values) for d in job.duties)
        for n, job in enumerate(career.jobs)
    ]
    if "missing_employment" in gaps:
        descriptions = []

    if plan.misspellings:
        sections: dict[tuple[str, int | None], str] = {}
        if title:
            sections[("title", None)] = title
        if text:
            sections[("overview", None)] = text
        for n, description in enumerate(descriptions):
            sections[("employment", n)] = description
        spell_rng = ctx.rng(index, f"spelling:{number}")
        changed, errors = texts.inject_misspellings(spell_rng, sections, plan.misspellings)
        title = changed.get(("title", None), title)
        text = changed.get(("overview", None), text)
        descriptions = [changed[("employment", n)] for n in range(len(descriptions))]
        for error in errors:
            defects.append(
                {"reason": reasons.TEXT_ERRORS, "kind": SPELLING, "details": error.as_details()}
            )

    employment = (
        tuple(
            Employment(job.company, job.role, job.start_year, job.end_year, descriptions[n])
            for n, job in enumerate(career.jobs)
        )
        if descriptions
        else ()
    )

    for gap in plan.gaps:
        problem, section = gap.split("_", 1)
        defects.append(
            {
                "reason": reasons.INCOMPLETE,
                "kind": gap,
                "details": {"section": section, "problem": problem},
            }
        )

    if plan.low_demand:
        low = [s for s in listed if is_low_demand_skill(s)]
        defects.append(
            {
                "reason": reasons.LOW_DEMAND,
                "kind": LOW_DEMAND_KIND,
                "details": {
                    "section": "skills",
                    "skills": list(listed),
                    "low_skills": low,
                    "share_low": round(low_demand_share(listed), 4),
                    "threshold": LOW_DEMAND_RATIO,
                },
            }
        )

    photo, photo_defect = _photo(ctx, index, ident, plan.photo, media_session[0], out)
    video, video_defect = _video(ctx, index, plan.video, media_session[1], out)
    defects.extend(d for d in (photo_defect, video_defect) if d is not None)

    profile = Profile(
        first_name=person.first_name,
        last_name=person.last_name,
        title=title,
        overview=text,
        skills=listed,
        hourly_rate=(0.0 if ctx.rng(index, "rate0").random() < 0.3 else None)
        if "missing_hourly_rate" in gaps
        else rate,
        employment=employment,
        education=() if "missing_education" in gaps else career.education,
        languages=() if "missing_languages" in gaps else career.languages,
        country="" if "missing_country" in gaps else person.country.name,
        date_of_birth=None if "missing_date_of_birth" in gaps else born,
        photo=photo,
        video=video,
    )
    return profile, defects


def _applicant(ctx: _Context, index: int) -> DemoApplicant:
    app_id = application_id(index)
    ident = _identity(ctx, index)
    content = ctx.rng(index, "content")
    plan_rng = ctx.rng(index, "plan")
    person = people.make_person(content, ident.region, ident.female)
    age_kind, plan = _current_plan(ctx, index, plan_rng)
    age_kind, born = _birth_date(ctx.rng(index, "age"), ctx.today, age_kind)
    career = _career(ctx, content, person, born)
    history = _history_plans(ctx, index, plan_rng, age_kind, plan)
    plans = [*history, plan]
    count = len(plans)

    # Times, newest first: the current submission, then each declined revision before it.
    times = ctx.rng(index, "time")
    bucket = _weighted(times, tuple((b, b[1]) for b in SLA_BUCKETS))
    submitted = [
        (ctx.now - timedelta(seconds=times.randint(bucket[2], bucket[3]))).replace(microsecond=0)
    ]
    decided: list[datetime] = []
    for _ in range(count - 1):
        decision_time = submitted[0] - timedelta(seconds=times.randint(3600, 20 * 86400))
        decided.insert(0, decision_time)
        submitted.insert(0, decision_time - timedelta(seconds=times.randint(1200, 23 * 3600)))

    # Text per revision, newest first: each earlier one is an edit away from the next.
    title_templates = [career.title_template]
    overviews = [career.overview]
    rates_per_revision = [career.rate]
    for number in range(count - 1, 0, -1):
        edit = ctx.rng(index, f"revision:{number}")
        overview, title = _earlier_text(edit, career, overviews[0], title_templates[0])
        overviews.insert(0, overview)
        title_templates.insert(0, title)
        rate = rates_per_revision[0]
        if edit.random() < 0.5:
            rate = float(max(5, rate + edit.choice((-10, -5, -3, 3, 5, 10))))
        rates_per_revision.insert(0, rate)

    # A photo or video that a later revision replaced was a different upload (session);
    # one that stayed is the same file.
    sessions: list[tuple[int, int]] = [(0, 0)] * count
    for n in range(count - 2, -1, -1):
        photo_session = sessions[n + 1][0] if plans[n].photo == plans[n + 1].photo else n + 1
        video_session = sessions[n + 1][1] if plans[n].video == plans[n + 1].video else n + 1
        sessions[n] = (photo_session, video_session)

    media: dict[str, tuple[str, bytes]] = {}
    revisions: list[Revision] = []
    history_truth: list[dict[str, Any]] = []
    current_defects: list[dict[str, Any]] = []
    for n, revision_plan in enumerate(plans):
        number = n + 1
        profile, defects = _build_revision(
            ctx,
            index,
            number,
            person,
            ident,
            born,
            career,
            revision_plan,
            title_templates[n],
            overviews[n],
            rates_per_revision[n],
            sessions[n],
            media,
        )
        is_current = number == count
        review_time = ctx.now if is_current else decided[n]
        review_day = review_time.date()  # both are UTC
        if not is_adult(born, review_time):
            kind = age_kind if is_current and age_kind.startswith("under_18") else "under_18"
            if review_day + timedelta(days=1) == eighteenth_birthday(born):
                kind = "under_18_birthday_tomorrow"
            defects.append(_age_defect(kind, born, review_day))
        defects = _sorted_defects(defects)
        decision = None
        if not is_current:
            decision_rng = ctx.rng(index, f"decision:{number}")
            decision = Decision(
                decision_id=str(uuid.UUID(int=decision_rng.getrandbits(128), version=4)),
                application_id=app_id,
                revision=number,
                lease_version=decision_rng.randint(1, 3),
                outcome=Outcome.DECLINE,
                reason_codes=_reason_codes(defects),
                note="",
                decided_at=decided[n],
                handling_ms=decision_rng.randint(15_000, 240_000),
                reviewer=decision_rng.choice(_REVIEWERS),
            )
            history_truth.append(
                {
                    "revision": number,
                    "submitted_at": submitted[n].isoformat(),
                    "decided_at": decided[n].isoformat(),
                    "outcome": Outcome.DECLINE.value,
                    "reason_codes": list(decision.reason_codes),
                    "defects": defects,
                }
            )
        else:
            current_defects = defects
        revisions.append(Revision(number, submitted[n], profile, decision))

    notes: list[dict[str, Any]] = []
    if age_kind in ADULT_EDGE_KINDS:
        notes.append(
            {
                "kind": age_kind,
                "details": {
                    "date_of_birth": born.isoformat(),
                    "as_of": ctx.today.isoformat(),
                    "age": age_on(born, ctx.today),
                    "turns_18_on": eighteenth_birthday(born).isoformat(),
                },
            }
        )
    current_submitted = submitted[-1]
    due = _SLA.due_at(current_submitted)
    truth: dict[str, Any] = {
        "application_id": app_id,
        "revision": count,
        "clean": not current_defects,
        "reasons": list(_reason_codes(current_defects)),
        "defects": current_defects,
        "notes": notes,
        "history": history_truth,
        "submitted_at": current_submitted.isoformat(),
        "due_at": due.isoformat(),
        "sla_state": _SLA.state(time_left(due, ctx.now)).value,
        "as_of": ctx.now.isoformat(),
        "seed": ctx.seed,
        "index": index,
        "media": "unique" if ctx.media else "pooled",
    }
    return DemoApplicant(Application(app_id, tuple(revisions)), media, truth)
