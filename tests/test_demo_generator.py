"""The demo applicant generator: determinism, shares, truth, and real media."""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image, ImageFilter, ImageStat

from reviewer_app.core import completeness, reasons
from reviewer_app.core.models import Application, MediaKind, Outcome, Profile
from reviewer_app.service.demo import (
    DEFECT_KINDS,
    LOW_DEMAND_RATIO,
    SKILL_TAXONOMY,
    DefectRates,
    DemoApplicant,
    age_on,
    demand_for,
    eighteenth_birthday,
    generate,
    low_demand_share,
    pooled_media,
    read_ground_truth,
    write_ground_truth,
)
from reviewer_app.service.demo.texts import MISSPELLINGS

NOW = datetime(2026, 3, 14, 9, 30, 15, tzinfo=UTC)
TODAY = NOW.date()
RATES = DefectRates()


@pytest.fixture(scope="module")
def crowd() -> list[DemoApplicant]:
    """2,000 applicants without per-applicant media: shares, truth and text."""
    return list(generate(2000, seed=11, now=NOW, media=False))


@pytest.fixture(scope="module")
def with_media() -> list[DemoApplicant]:
    """Applicants with real media, photo and video defects made common so each kind shows."""
    rates = DefectRates(photo=0.6, video=0.6, resubmission=0.3)
    return list(generate(160, seed=5, now=NOW, rates=rates, media=True))


def _kinds(app: DemoApplicant) -> list[str]:
    return [d["kind"] for d in app.truth["defects"]]


def _reasons(app: DemoApplicant) -> set[str]:
    return {d["reason"] for d in app.truth["defects"]}


def _all_revisions(apps: list[DemoApplicant]) -> Iterator[tuple[Profile, list[dict[str, Any]]]]:
    """(profile, its defects) of every revision, current and earlier."""
    for app in apps:
        history = {h["revision"]: h["defects"] for h in app.truth["history"]}
        for revision in app.application.revisions:
            defects = history.get(revision.number, app.truth["defects"])
            yield revision.profile, defects


# --- the public API -------------------------------------------------------------------------


def test_taxonomy_and_demand() -> None:
    skills = [s for group in SKILL_TAXONOMY.values() for s in group]
    assert len(skills) >= 150
    assert len(set(skills)) == len(skills)
    assert len(SKILL_TAXONOMY) >= 10
    figures = demand_for(skills)
    assert set(figures) == set(skills)
    for category, group in SKILL_TAXONOMY.items():
        ratios = [figures[s][2] for s in group]
        assert sum(r < LOW_DEMAND_RATIO for r in ratios) >= 4, category
        assert sum(r >= LOW_DEMAND_RATIO for r in ratios) >= 6, category
    for open_jobs, active, ratio in figures.values():
        assert open_jobs > 0
        assert active > 0
        assert ratio == pytest.approx(open_jobs / active, abs=1e-4)
        # No borderline skills: a checker's threshold need not be exact to the digit.
        assert abs(ratio - LOW_DEMAND_RATIO) > 0.05
    looked_up = demand_for(["react", " Data Entry ", "Underwater Basket Weaving"])
    assert set(looked_up) == {"react", " Data Entry "}
    assert looked_up["react"] == figures["React"]
    assert looked_up[" Data Entry "][2] < LOW_DEMAND_RATIO < looked_up["react"][2]


def test_generate_streams_and_validates() -> None:
    stream = generate(10**9, now=NOW, media=False)
    assert not isinstance(stream, list)
    first = next(iter(stream))
    assert first.application.application_id == "APP-000001"
    assert isinstance(first.application, Application)
    with pytest.raises(ValueError, match="timezone-aware"):
        generate(1, now=datetime(2026, 3, 14, 9, 30))
    with pytest.raises(ValueError, match="negative"):
        generate(-1, now=NOW)
    with pytest.raises(ValueError, match="between 0 and 1"):
        DefectRates(photo=1.5)
    with pytest.raises(ValueError, match="unknown kinds"):
        DefectRates(photo_kinds=(("photo_sepia", 1.0),))


def test_ids_times_and_sla_states(crowd: list[DemoApplicant]) -> None:
    ids = [a.application.application_id for a in crowd]
    assert ids[:3] == ["APP-000001", "APP-000002", "APP-000003"]
    assert len(set(ids)) == len(ids)
    states = Counter(a.truth["sla_state"] for a in crowd)
    n = len(crowd)
    assert states["on_track"] / n == pytest.approx(0.60, abs=0.04)
    assert states["warning"] / n == pytest.approx(0.15, abs=0.03)
    assert states["critical"] / n == pytest.approx(0.10, abs=0.03)
    assert states["breached"] / n == pytest.approx(0.15, abs=0.03)
    for app in crowd:
        current = app.application.current
        assert current.submitted_at.tzinfo is not None
        assert current.submitted_at.utcoffset() == timedelta(0)
        assert current.submitted_at < NOW
        assert datetime.fromisoformat(app.truth["submitted_at"]) == current.submitted_at
        left = current.submitted_at + timedelta(hours=24) - NOW
        expected = (
            "breached"
            if left <= timedelta(0)
            else "critical"
            if left < timedelta(hours=1)
            else "warning"
            if left < timedelta(hours=4)
            else "on_track"
        )
        assert app.truth["sla_state"] == expected


# --- determinism ------------------------------------------------------------------------------


def _digest(apps: list[DemoApplicant]) -> str:
    h = hashlib.sha256()
    for app in apps:
        h.update(repr(app.application).encode())
        h.update(json.dumps(app.truth, sort_keys=True).encode())
        for sha in sorted(app.media):
            content_type, data = app.media[sha]
            h.update(f"{sha}{content_type}".encode())
            h.update(data)
    return h.hexdigest()


def test_same_seed_same_bytes() -> None:
    rates = DefectRates(photo=0.5, video=0.5)
    first = list(generate(40, seed=3, now=NOW, rates=rates))
    second = list(generate(40, seed=3, now=NOW, rates=rates))
    assert [a.application for a in first] == [a.application for a in second]
    assert [a.truth for a in first] == [a.truth for a in second]
    assert [a.media for a in first] == [a.media for a in second]
    other = list(generate(40, seed=4, now=NOW, rates=rates))
    assert [a.application for a in other] != [a.application for a in first]


def test_same_bytes_in_another_process() -> None:
    """Nothing depends on string hashing or on what ran before in the process: a fresh
    process, with empty caches, renders and encodes the same bytes."""
    count = 10
    script = (
        "import sys\n"
        "from datetime import datetime\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import test_demo_generator as t\n"
        "from reviewer_app.service.demo import generate\n"
        f"apps = list(generate({count}, seed=9, now=datetime.fromisoformat(sys.argv[2])))\n"
        "print(t._digest(apps))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent), NOW.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    here = _digest(list(generate(count, seed=9, now=NOW)))
    assert result.stdout.strip() == here


def test_media_off_keeps_profiles_and_truth() -> None:
    on = list(generate(60, seed=21, now=NOW))
    off = list(generate(60, seed=21, now=NOW, media=False))
    pool = pooled_media()
    for a, b in zip(on, off, strict=True):
        assert b.media == {}
        assert {**a.truth, "media": None} == {**b.truth, "media": None}
        for ra, rb in zip(a.application.revisions, b.application.revisions, strict=True):
            pa, pb = ra.profile, rb.profile
            assert (pa.title, pa.overview, pa.skills, pa.date_of_birth) == (
                pb.title,
                pb.overview,
                pb.skills,
                pb.date_of_birth,
            )
            assert (pa.photo is None) == (pb.photo is None)
            assert (pa.video is None) == (pb.video is None)
            for ref in (pb.photo, pb.video):
                if ref is not None:
                    content_type, data = pool[ref.sha256]
                    assert hashlib.sha256(data).hexdigest() == ref.sha256
                    assert (content_type, len(data)) == (ref.content_type, ref.size)


# --- shares -----------------------------------------------------------------------------------


def test_shares_match_the_rates(crowd: list[DemoApplicant]) -> None:
    n = len(crowd)
    by_reason = Counter(r for a in crowd for r in _reasons(a))
    expected = {
        reasons.UNDER_18: RATES.under_18,
        reasons.INCOMPLETE: RATES.incomplete,
        reasons.TEXT_ERRORS: RATES.text_errors,
        reasons.PHOTO: RATES.photo,
        reasons.VIDEO: RATES.video,
        reasons.LOW_DEMAND: RATES.low_demand,
    }
    for reason, rate in expected.items():
        assert by_reason[reason] / n == pytest.approx(rate, abs=0.005), reason
    resubmitted = sum(len(a.application.revisions) > 1 for a in crowd)
    assert resubmitted / n == pytest.approx(RATES.resubmission, abs=0.01)
    third = sum(len(a.application.revisions) == 3 for a in crowd)
    assert third / resubmitted == pytest.approx(RATES.third_revision, abs=0.08)
    clean = sum(a.truth["clean"] for a in crowd)
    independent = 1.0
    for rate in expected.values():
        independent *= 1 - rate
    assert clean / n == pytest.approx(independent, abs=0.04)
    assert all(a.truth["clean"] == (not a.truth["defects"]) for a in crowd)


def test_every_kind_occurs(crowd: list[DemoApplicant]) -> None:
    seen = Counter(d["kind"] for _, defects in _all_revisions(crowd) for d in defects)
    assert set(seen) == set(DEFECT_KINDS)
    for _, defects in _all_revisions(crowd):
        for defect in defects:
            assert DEFECT_KINDS[defect["kind"]] == defect["reason"]
            assert defect["reason"] in reasons.DEFAULT_CATALOGUE


def test_shares_are_configurable() -> None:
    nothing = DefectRates(
        under_18=0,
        incomplete=0,
        text_errors=0,
        photo=0,
        video=0,
        low_demand=0,
        resubmission=0,
        adult_birthday_edge=0,
    )
    apps = list(generate(300, seed=2, now=NOW, rates=nothing, media=False))
    assert all(a.truth["clean"] and len(a.application.revisions) == 1 for a in apps)
    lots = DefectRates(photo=0.5, photo_kinds=(("photo_blurred", 1.0),))
    apps = list(generate(300, seed=2, now=NOW, rates=lots, media=False))
    kinds = Counter(k for a in apps for k in _kinds(a) if k.startswith("photo"))
    assert kinds == {"photo_blurred": 150}


# --- ages -------------------------------------------------------------------------------------


def test_ages_and_birthday_edges(crowd: list[DemoApplicant]) -> None:
    counts: Counter[str] = Counter()
    for app in crowd:
        born = app.application.current.profile.date_of_birth
        kinds = _kinds(app)
        notes = [note["kind"] for note in app.truth["notes"]]
        if born is None:
            assert "missing_date_of_birth" in kinds
            continue
        if "under_18_birthday_tomorrow" in kinds:
            counts["tomorrow"] += 1
            assert eighteenth_birthday(born) == TODAY + timedelta(days=1)
            assert age_on(born, TODAY) == 17
        elif "under_18" in kinds:
            counts["under"] += 1
            assert age_on(born, TODAY) < 18
            assert eighteenth_birthday(born) > TODAY + timedelta(days=1)
        else:
            assert age_on(born, TODAY) >= 18
        if "adult_turns_18_today" in notes:
            counts["today"] += 1
            assert born == date(TODAY.year - 18, TODAY.month, TODAY.day)
            assert age_on(born, TODAY) == 18
            assert not {"under_18", "under_18_birthday_tomorrow"} & set(kinds)
        if "adult_turned_18_yesterday" in notes:
            counts["yesterday"] += 1
            assert eighteenth_birthday(born) == TODAY - timedelta(days=1)
    assert counts["tomorrow"] >= 15
    assert counts["under"] >= 60
    assert counts["today"] >= 10
    assert counts["yesterday"] >= 10


@pytest.mark.parametrize(
    "now",
    [
        datetime(2028, 2, 28, 12, 0, tzinfo=UTC),  # the 18th birthday tomorrow would be 29 Feb
        datetime(2027, 3, 1, 0, 0, tzinfo=UTC),  # yesterday was 28 Feb
        datetime(2026, 3, 15, 2, 0, tzinfo=timezone(timedelta(hours=5))),  # 14 March in UTC
    ],
)
def test_birthday_edges_around_leap_days_and_zones(now: datetime) -> None:
    today = now.astimezone(UTC).date()
    rates = DefectRates(under_18=0.3, birthday_tomorrow=0.5, adult_birthday_edge=0.3)
    for app in generate(300, seed=8, now=now, rates=rates, media=False):
        born = app.application.current.profile.date_of_birth
        if born is None:
            continue
        under = age_on(born, today) < 18
        assert under == (reasons.UNDER_18 in _reasons(app))
        if "under_18_birthday_tomorrow" in _kinds(app):
            assert eighteenth_birthday(born) == today + timedelta(days=1)
        for note in app.truth["notes"]:
            assert not under
            assert note["details"]["as_of"] == today.isoformat()
            assert (born.month, born.day) != (2, 29)


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 28, 0, 0, 0, tzinfo=UTC),  # the first second of the UTC day
        datetime(2026, 11, 28, 9, 30, 15, tzinfo=UTC),  # before UTC-12 reaches the day
        datetime(2026, 11, 28, 23, 59, 59, tzinfo=UTC),  # after UTC+14 left it
        datetime(2026, 11, 28, 13, 0, tzinfo=timezone(timedelta(hours=14))),  # 27 Nov in UTC
        datetime(2026, 11, 28, 20, 0, tzinfo=timezone(timedelta(hours=-12))),  # 29 Nov in UTC
    ],
)
def test_the_age_truth_is_the_age_checks_rule_at_any_hour(now: datetime) -> None:
    """One rule for both (adult from 00:00 UTC on the 18th birthday, at the decision time):
    the check's suggestion equals the truth for every revision, birthday edges included,
    whatever the time of day and the time zone the decision time is given in."""
    from reviewer_app.core.checks.age import check_age

    rates = DefectRates(under_18=0.3, birthday_tomorrow=0.5, adult_birthday_edge=0.4)
    edges: Counter[str] = Counter()
    for app in generate(250, seed=17, now=now, rates=rates, media=False):
        history = {h["revision"]: h for h in app.truth["history"]}
        for revision in app.application.revisions:
            if revision.profile.date_of_birth is None:
                continue
            if revision.number in history:
                at = datetime.fromisoformat(history[revision.number]["decided_at"])
                expected = reasons.UNDER_18 in history[revision.number]["reason_codes"]
            else:
                at = now
                expected = reasons.UNDER_18 in app.truth["reasons"]
                edges.update(n["kind"] for n in app.truth["notes"])
                edges.update(k for k in _kinds(app) if k.startswith("under_18"))
            finding = check_age(revision.profile, at)
            assert finding.suggested == expected, (app.truth["application_id"], revision.number)
    assert edges["adult_turns_18_today"] >= 5
    assert edges["under_18_birthday_tomorrow"] >= 5


# --- profile sections and text ----------------------------------------------------------------


def test_incomplete_truth_agrees_with_completeness(crowd: list[DemoApplicant]) -> None:
    for profile, defects in _all_revisions(crowd):
        expected = {
            (d["details"]["section"], d["details"]["problem"])
            for d in defects
            if d["reason"] == reasons.INCOMPLETE
        }
        found = completeness.assess(profile)
        assert {(g.section.value, g.problem) for g in found.gaps} == expected, profile
        assert found.complete == (not expected)


def test_clean_profiles_read_well(crowd: list[DemoApplicant]) -> None:
    countries, names = Counter[str](), Counter[str]()
    for app in crowd:
        if app.truth["defects"]:
            continue
        profile = app.application.current.profile
        assert 80 <= len(profile.overview.split()) <= 200
        assert len(profile.title.split()) >= 3
        assert profile.hourly_rate is not None
        assert 5 <= profile.hourly_rate <= 200
        assert profile.photo is not None
        assert profile.video is not None
        countries[profile.country] += 1
        names[f"{profile.first_name} {profile.last_name}"] += 1
    assert len(countries) >= 25
    assert len(names) >= 0.75 * sum(names.values())
    assert len({name.split()[0] for name in names}) >= 120


def _words_of(profile: Profile) -> dict[tuple[str, int | None], str]:
    texts: dict[tuple[str, int | None], str] = {
        ("title", None): profile.title,
        ("overview", None): profile.overview,
    }
    for n, job in enumerate(profile.employment):
        texts[("employment", n)] = job.description
    return texts


_WRONG = {wrong for variants in MISSPELLINGS.values() for wrong in variants}


def test_spelling_truth_points_at_the_errors(crowd: list[DemoApplicant]) -> None:
    checked = 0
    for profile, defects in _all_revisions(crowd):
        texts = _words_of(profile)
        recorded = set()
        for defect in defects:
            if defect["kind"] != "spelling":
                continue
            d = defect["details"]
            text = texts[(d["section"], d.get("index"))]
            assert text[d["offset"] : d["offset"] + len(d["word"])] == d["word"]
            assert d["word"].lower() in MISSPELLINGS[d["correct"].lower()]
            recorded.add((d["section"], d.get("index"), d["offset"]))
            checked += 1
        # No misspelling that the truth does not know about, and none in clean text.
        for (section, index), text in texts.items():
            offset = 0
            for word in text.split():
                start = text.index(word, offset)
                offset = start + len(word)
                token = word.strip(".,;:!?()|&–").lower()
                if token in _WRONG:
                    assert (
                        section,
                        index,
                        start + word.index(word.strip(".,;:!?()|&–")),
                    ) in recorded, (token, text)
    assert checked >= 240


# The text check's section paths for the truth's (section, index).
def _section_path(details: dict[str, Any]) -> str:
    if details["section"] == "employment":
        return f"employment[{details['index']}].description"
    return str(details["section"])


def test_the_only_text_errors_are_the_injected_ones() -> None:
    """The templates are proofread and filled in grammatically ("a Unity Developer", no word
    twice): the text check (which is not tuned to the generator) finds no sure error but the
    misspellings the truth records, no grammar error at all, and suggests "text errors" on no
    profile whose truth has none."""
    from reviewer_app.core.checks.text import check_text, find_errors

    vocabulary = [skill for skills in SKILL_TAXONOMY.values() for skill in skills]
    apps = list(generate(600, seed=23, now=datetime(2026, 7, 1, 4, 0, tzinfo=UTC), media=False))
    checked = 0
    for profile, defects in _all_revisions(apps):
        injected = {
            (_section_path(d["details"]), d["details"]["offset"], d["details"]["word"])
            for d in defects
            if d["kind"] == "spelling"
        }
        errors, _ = find_errors(profile, extra_vocabulary=vocabulary)
        sure = {(e.section, e.start, e.word) for e in errors if e.certain}
        assert sure <= injected, (profile.title, sorted(sure - injected))
        assert not [e for e in errors if e.kind == "grammar"], profile
        # Beyond the injected misspellings, at most a company name the dictionary does not know
        # is reported, as uncertain ("Greenline": a name, or "Greening"?), never as sure.
        others = [e for e in errors if (e.section, e.start, e.word) not in injected]
        assert all(e.rule == "unknown_capitalised" for e in others), others
        if not injected:
            assert not check_text(profile, extra_vocabulary=vocabulary).suggested, profile
        checked += 1
    assert checked > 600


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Unity Developer", "a Unity Developer"),
        ("Unreal Engine Developer", "an Unreal Engine Developer"),
        ("UI Designer", "a UI Designer"),
        ("UX Researcher", "a UX Researcher"),
        ("SEO Specialist", "an SEO Specialist"),
        ("HTML Email Developer", "an HTML Email Developer"),
        ("QA Engineer", "a QA Engineer"),
        ("iOS Developer", "an iOS Developer"),
        ("Indie Game Developer", "an Indie Game Developer"),
        ("Executive Assistant", "an Executive Assistant"),
        ("Accountant", "an Accountant"),
        ("Bookkeeper", "a Bookkeeper"),
        ("User Researcher", "a User Researcher"),
        ("Urban Planner", "an Urban Planner"),
        ("Upwork Expert", "an Upwork Expert"),
        ("European Sales Manager", "a European Sales Manager"),
        ("One-Person Agency", "a One-Person Agency"),
        ("Hourly Consultant", "an Hourly Consultant"),
        ("Honest Broker", "an Honest Broker"),
        ("Hotel Manager", "a Hotel Manager"),
        ("Uninstaller Expert", "an Uninstaller Expert"),
        ("8-Hour Shift Lead", "an 8-Hour Shift Lead"),
        ("MBA Consultant", "an MBA Consultant"),
    ],
)
def test_with_article_follows_the_sound(phrase: str, expected: str) -> None:
    from reviewer_app.service.demo.texts import with_article

    assert with_article(phrase) == expected


def test_every_job_title_of_the_generator_takes_the_right_article() -> None:
    from reviewer_app.core.checks.text import TextChecker, dictionary
    from reviewer_app.service.demo.texts import CATEGORY_TEXT, with_article

    checker = TextChecker(dictionary(), frozenset())
    for text in CATEGORY_TEXT.values():
        for noun in text.nouns:
            sentence = f"I am {with_article(noun)}."
            assert checker.grammar("overview", sentence) == [], sentence


def test_titles_never_repeat_a_word() -> None:
    from reviewer_app.service.demo.texts import TITLE_TEMPLATES, make_title, repeats_a_word

    values = {
        "level": "Senior",
        "noun": "Support Agent",
        "years": "8",
        "s0": "Technical Support",
        "s1": "Customer Support",
        "s2": "Zendesk",
    }
    for template in TITLE_TEMPLATES:
        title = make_title(template, values)
        assert not repeats_a_word(title), title
        assert len(title.split()) >= 3
    assert repeats_a_word("Senior Senior Developer")
    assert repeats_a_word("Design & design Lead")
    assert not repeats_a_word("Content Marketing, Marketing Strategy")


def test_low_demand_truth_follows_the_figures(crowd: list[DemoApplicant]) -> None:
    for profile, defects in _all_revisions(crowd):
        low = [d for d in defects if d["reason"] == reasons.LOW_DEMAND]
        share = low_demand_share(profile.skills)
        if low:
            assert share > 0.5
            assert list(profile.skills) == low[0]["details"]["skills"]
        elif profile.skills:
            figures = demand_for(profile.skills[:3])
            assert all(r >= LOW_DEMAND_RATIO for _, _, r in figures.values())
            assert share <= 0.25


def test_resubmissions_carry_the_earlier_decline(crowd: list[DemoApplicant]) -> None:
    resubmitted = [a for a in crowd if len(a.application.revisions) > 1]
    decision_ids = set()
    for app in resubmitted:
        revisions = app.application.revisions
        assert [r.number for r in revisions] == list(range(1, len(revisions) + 1))
        assert revisions[-1].decision is None
        assert len(app.truth["history"]) == len(revisions) - 1
        later_kinds = set(_kinds(app))
        for revision, record in zip(revisions[-2::-1], app.truth["history"][::-1], strict=True):
            decision = revision.decision
            assert decision is not None
            assert decision.outcome is Outcome.DECLINE
            assert decision.application_id == app.application.application_id
            assert decision.revision == revision.number == record["revision"]
            assert decision.reason_codes
            assert list(decision.reason_codes) == record["reason_codes"]
            assert not reasons.DEFAULT_CATALOGUE.unknown(decision.reason_codes)
            assert set(decision.reason_codes) == {d["reason"] for d in record["defects"]}
            assert revision.submitted_at < decision.decided_at
            assert decision.decided_at.tzinfo is not None
            decision_ids.add(decision.decision_id)
            kinds = {d["kind"] for d in record["defects"]}
            assert kinds - later_kinds, "a resubmission fixes something"
            later_kinds = kinds
        for earlier, later in itertools.pairwise(revisions):
            assert earlier.decision is not None
            assert earlier.decision.decided_at < later.submitted_at
            assert earlier.profile != later.profile
            if min(len(p.overview.split()) for p in (earlier.profile, later.profile)) >= 60:
                assert earlier.profile.overview != later.profile.overview
    assert len(decision_ids) == sum(len(a.application.revisions) - 1 for a in resubmitted)


# --- media ------------------------------------------------------------------------------------


def _decode_photo(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def _sharpness(image: Image.Image) -> float:
    laplace = ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), 1, 128)
    return float(ImageStat.Stat(image.convert("L").filter(laplace)).var[0])


def _brightness(image: Image.Image) -> float:
    return float(ImageStat.Stat(image.convert("L")).mean[0])


def test_media_refs_match_the_bytes(with_media: list[DemoApplicant]) -> None:
    for app in with_media:
        for revision in app.application.revisions:
            for ref, kind in (
                (revision.profile.photo, MediaKind.PHOTO),
                (revision.profile.video, MediaKind.VIDEO),
            ):
                if ref is None:
                    continue
                content_type, data = app.media[ref.sha256]
                assert ref.kind is kind
                assert hashlib.sha256(data).hexdigest() == ref.sha256
                assert (ref.content_type, ref.size) == (content_type, len(data))


def _photos(
    apps: list[DemoApplicant],
) -> Iterator[tuple[str | None, dict[str, Any], bytes, str, DemoApplicant]]:
    for app in apps:
        profile = app.application.current.profile
        defects = [d for d in app.truth["defects"] if d["reason"] == reasons.PHOTO]
        kind = defects[0]["kind"] if defects else None
        if profile.photo is None:
            assert kind == "photo_missing"
            continue
        content_type, data = app.media[profile.photo.sha256]
        yield kind, defects[0]["details"] if defects else {}, data, content_type, app


def test_photos(with_media: list[DemoApplicant]) -> None:
    by_id = {a.application.application_id: a for a in with_media}
    seen: Counter[str | None] = Counter()
    good_sharpness = []
    for kind, details, data, content_type, _app in _photos(with_media):
        seen[kind] += 1
        if kind in ("photo_corrupt_truncated", "photo_not_an_image"):
            with pytest.raises((OSError, SyntaxError, ValueError)):
                _decode_photo(data)
            continue
        image = _decode_photo(data)
        assert Image.open(io.BytesIO(data)).get_format_mimetype() == content_type
        if kind == "photo_tiny":
            assert image.size == (details["width"], details["height"])
            assert min(image.size) < 400
            continue
        assert min(image.size) >= 400
        if kind is None or kind == "photo_duplicate":
            good_sharpness.append(_sharpness(image))
            assert 60 <= _brightness(image) <= 200
        elif kind == "photo_blurred":
            assert _sharpness(image) < 80
        elif kind == "photo_dark":
            assert _brightness(image) < 50
        elif kind == "photo_washed_out":
            assert _brightness(image) > 200
            assert ImageStat.Stat(image.convert("L")).stddev[0] < 25
        if kind == "photo_duplicate":
            original = by_id[details["duplicate_of"]].application.current.profile.photo
            assert original is not None
            source = _decode_photo(by_id[details["duplicate_of"]].media[original.sha256][1])
            assert original.sha256 != hashlib.sha256(data).hexdigest()
            small = (32, 32)
            a = list(image.convert("L").resize(small).tobytes())
            b = list(source.convert("L").resize(small).tobytes())
            assert sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a) < 4
    assert min(good_sharpness) > 100
    assert set(seen) >= {None, *(k for k in DEFECT_KINDS if k.startswith("photo_"))} - {
        "photo_missing"
    }


def test_photos_are_unique_per_applicant(with_media: list[DemoApplicant]) -> None:
    thumbs: dict[bytes, str] = {}
    for kind, _details, data, _ct, app in _photos(with_media):
        if kind is not None:
            continue
        thumb = _decode_photo(data).convert("L").resize((16, 16)).tobytes()
        assert thumb not in thumbs, (app.application.application_id, thumbs.get(thumb))
        thumbs[thumb] = app.application.application_id
    assert len(thumbs) >= 40


@functools.cache
def _probe_video(data: bytes) -> tuple[str, int, int, float, bool, int]:
    """(format, width, height, seconds, has sound, decoded frames) of a video."""
    with av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.video[0]
        assert container.duration is not None
        frames = sum(1 for _ in container.decode(video=0))
        return (
            container.format.name,
            stream.codec_context.width,
            stream.codec_context.height,
            container.duration / av.time_base,
            bool(container.streams.audio),
            frames,
        )


def test_videos(with_media: list[DemoApplicant]) -> None:
    seen: Counter[str | None] = Counter()
    for app in with_media:
        profile = app.application.current.profile
        defects = [d for d in app.truth["defects"] if d["reason"] == reasons.VIDEO]
        kind = defects[0]["kind"] if defects else None
        details = defects[0]["details"] if defects else {}
        seen[kind] += 1
        if profile.video is None:
            assert kind == "video_missing"
            continue
        content_type, data = app.media[profile.video.sha256]
        if kind in ("video_corrupt_truncated", "video_not_a_video"):
            with pytest.raises(av.FFmpegError), av.open(io.BytesIO(data), "r") as broken:
                for _ in broken.decode(video=0):
                    pass
            continue
        name, width, height, duration, sound, frames = _probe_video(data)
        assert name.split(",")[0] in ("mov", "matroska")
        assert content_type == ("video/mp4" if "mp4" in name else "video/webm")
        assert sound, "intro videos have sound"
        assert frames >= 2 * int(duration) - 1
        if kind is None:
            assert 30 <= round(duration) <= 120
            assert width >= 640
            assert height >= 360
        elif kind == "video_too_short":
            assert duration == pytest.approx(details["duration_s"], abs=0.2)
            assert duration < 30
        elif kind == "video_low_resolution":
            assert (width, height) == (details["width"], details["height"])
            assert height < 360
    assert set(seen) >= {None, *(k for k in DEFECT_KINDS if k.startswith("video_"))}


# --- the ground-truth file --------------------------------------------------------------------


def test_ground_truth_round_trip(tmp_path: Path, crowd: list[DemoApplicant]) -> None:
    path = tmp_path / "truth.jsonl"
    assert write_ground_truth(path, crowd[:500]) == 500
    assert read_ground_truth(path) == [a.truth for a in crowd[:500]]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 500
    first = json.loads(lines[0])
    assert {"application_id", "revision", "defects"} <= set(first)
    assert write_ground_truth(path, [a.truth for a in crowd[:3]]) == 3
    assert [r["application_id"] for r in read_ground_truth(path)] == [
        "APP-000001",
        "APP-000002",
        "APP-000003",
    ]
    path.write_text('{"application_id": "APP-1"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2: not JSON"):
        read_ground_truth(path)
