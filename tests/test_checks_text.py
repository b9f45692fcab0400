"""The text check: spelling and a few grammar rules, with positions to underline."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_checks_support import OVERVIEW, make_profile

from reviewer_app.core import reasons
from reviewer_app.core.checks.findings import Severity, Status
from reviewer_app.core.checks.text import check_text, find_errors, words
from reviewer_app.core.models import Employment


def errors_in(overview: str, **changes: object) -> list[tuple[str, str, str]]:
    found, _ = find_errors(make_profile(overview=overview, **changes))
    return [(e.rule, e.word, e.section) for e in found]


def test_a_clean_profile_passes() -> None:
    finding = check_text(make_profile())
    assert (finding.status, finding.suggested, finding.severity) == (
        Status.PASSED,
        False,
        Severity.INFO,
    )
    assert finding.reason == reasons.TEXT_ERRORS
    words = finding.figure("words")
    assert isinstance(words, int)
    assert words > 90


def test_misspellings_are_found_with_offsets_and_suggestions() -> None:
    text = "I have eight years of experiance with buisness clients."
    finding = check_text(make_profile(overview=text))
    assert finding.suggested
    first, second = finding.evidence
    assert (first.section, first.text, text[first.start : first.end]) == (
        "overview",
        "experiance",
        "experiance",
    )
    assert "experience" in first.suggestions
    assert text[second.start : second.end] == "buisness"
    assert second.suggestions[0] == "business"
    assert finding.figure("errors") == 2
    words_read = finding.figure("words")
    assert isinstance(words_read, int)
    assert finding.figure("errors_per_100_words") == round(100 * 2 / words_read, 2)


def test_title_case_words_in_the_title_are_checked() -> None:
    found, _ = find_errors(make_profile(title="Proffesional Web Developper | React"))
    assert [(e.word, e.section, e.suggestions[:1]) for e in found] == [
        ("Proffesional", "title", ("Professional",)),
        ("Developper", "title", ("Developer",)),
    ]


def test_work_history_and_education_are_checked_with_their_paths() -> None:
    profile = make_profile(
        employment=(
            Employment("Acme", "Web Developer", 2019, None, "Built things."),
            Employment("Globex", "Sofware Engineer", 2015, 2019, "Mantained the sytem."),
        ),
    )
    found, _ = find_errors(profile)
    assert [(e.section, e.word) for e in found] == [
        ("employment[1].role", "Sofware"),
        ("employment[1].description", "Mantained"),
        ("employment[1].description", "sytem"),
    ]
    description = profile.employment[1].description
    assert description[found[2].start : found[2].end] == "sytem"


@pytest.mark.parametrize(
    "text",
    [
        "I build apps with Node.js, Vue.js, C#, C++ and CI/CD pipelines.",
        "See https://priya.dev/portfolio or www.example.com, mail priya@example.com.",
        "I have 10+ years, 250k users, 3x growth and 99.9% uptime.",
        "I know SEO, UX, AWS, GCP, iOS, TypeScript, PyTorch and WordPress.",
        "I worked with Kubernetes, Terraform, Figma, Shopify and Zapier on SaaS dashboards.",
        "I optimise colour, behaviour and organisation; I travelled to the centre.",
        "I led a pre-launch, multi-platform, co-founded e-commerce rollout.",
        "Last year I moved from Lahore to Karachi and joined Systems Limited.",  # proper nouns
        "I've shipped my clients' projects; it's what I don't skip.",
    ],
)
def test_technical_tokens_names_and_british_spelling_are_not_errors(text: str) -> None:
    assert errors_in(text) == []


def test_the_applicants_own_names_skills_and_schools_are_known() -> None:
    profile = make_profile(
        first_name="Nuwanthika",
        overview="I am Nuwanthika. Gsuite automation. Studied at Kotelawala.",
        skills=("Gsuite", "Zoho", "Notion"),
        education=(replace(make_profile().education[0], school="Kotelawala Defence University"),),
    )
    assert find_errors(profile)[0] == []


def test_extra_vocabulary_such_as_a_taxonomy_is_known() -> None:
    profile = make_profile(overview="Strong Qlikview dashboards. Qlikview is great.")
    assert find_errors(profile)[0]
    assert find_errors(profile, extra_vocabulary=["QlikView Development"])[0] == []


def test_a_capitalised_unknown_word_mid_sentence_is_only_uncertain() -> None:
    finding = check_text(make_profile(overview="I worked with the Managment team on a Plan."))
    assert [e.kind for e in finding.evidence] == ["spelling_uncertain"]
    assert finding.suggested is False  # one uncertain error is not enough
    two = check_text(make_profile(overview="I joined Managment and Reasearch teams."))
    assert two.suggested is True


def test_a_capitalised_misspelling_at_a_sentence_start_is_an_error() -> None:
    assert errors_in("Done. Experiance matters.") == [("unknown_word", "Experiance", "overview")]


def test_well_known_misspellings_listed_in_the_dictionary_are_errors() -> None:
    found, _ = find_errors(make_profile(overview="I keep a calender and I am a programer."))
    assert [(e.rule, e.word, e.suggestions) for e in found] == [
        ("known_misspelling", "calender", ("calendar",)),
        ("known_misspelling", "programer", ("programmer",)),
    ]


@pytest.mark.parametrize(
    ("text", "rule", "word"),
    [
        ("I delivered the the project on time.", "repeated_word", "the the"),
        ("I have a extensive background.", "article", "a"),
        ("She is an designer.", "article", "an"),
        ("Yesterday i finished it.", "lowercase_i", "i"),
        ("It went well. then it shipped.", "sentence_case", "then"),
    ],
)
def test_grammar_rules(text: str, rule: str, word: str) -> None:
    found, _ = find_errors(make_profile(overview=text))
    assert [(e.rule, e.word, e.kind) for e in found] == [(rule, word, "grammar")]
    assert text[found[0].start : found[0].end] == word


@pytest.mark.parametrize(
    "text",
    [
        "I am a user-focused developer, an honest worker and a one-person team.",
        "I built an SEO plan, a UX audit, an MVP, a European site and a unique app.",
        "She had had enough; that that works is clear.",
        "I know e.g. React, i.e. frontend. Tools etc. are fine. Mr. Smith agrees.",
        "Skills:\n- design\n- writing",
    ],
)
def test_grammar_rules_stay_quiet_on_good_text(text: str) -> None:
    assert [e for e in find_errors(make_profile(overview=text))[0] if e.kind == "grammar"] == []


def test_words_mark_sentence_starts() -> None:
    text = "Hi there. I am here! ok? Try e.g. this\n- item"
    starts = [(w.text, w.sentence_start, w.after_stop) for w in words(text)]
    assert starts == [
        ("Hi", True, False),
        ("there", False, False),
        ("I", True, True),
        ("am", False, False),
        ("here", False, False),
        ("ok", True, True),
        ("Try", True, True),
        ("e.g", False, False),
        ("this", False, False),
        ("item", True, False),
    ]


def test_many_errors_make_an_error_few_a_warning() -> None:
    few = check_text(make_profile(overview=OVERVIEW.replace("clearly", "clearlly", 1)))
    assert few.suggested
    assert few.severity is Severity.WARNING
    many = check_text(make_profile(overview="Experiance with buisness and managment."))
    assert many.suggested
    assert many.severity is Severity.ERROR


def test_no_text_at_all_means_the_check_did_not_run() -> None:
    profile = make_profile(title="", overview="", employment=(), education=())
    assert check_text(profile).status is Status.NOT_RUN


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("I am a Mobile Engeneer from Spain.", "Engeneer"),
        ("I focus on UX Reasearch and testing.", "Reasearch"),
        ("I am an iOS Devloper with five years.", "Devloper"),
    ],
)
def test_a_misspelling_inside_a_title_case_phrase_is_an_error(text: str, word: str) -> None:
    found, _ = find_errors(make_profile(overview=text))
    assert [(e.word, e.certain) for e in found] == [(word, True)]


@pytest.mark.parametrize(
    "text",
    [
        "I worked for Dubai Holding and Wipro Technologies.",
        "I studied at Kathmandu University and Tribhuvan University.",
        "I was at Brightlane Solutions and Tecnova Labs.",
        "My mentor Dr Nadeesha Wickramasinghe taught me.",
    ],
)
def test_organisation_and_person_names_are_at_most_uncertain(text: str) -> None:
    found, _ = find_errors(make_profile(overview=text))
    assert all(not e.certain for e in found), found
