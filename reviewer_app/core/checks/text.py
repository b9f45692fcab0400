"""Text errors: spelling and a few grammar rules in the title, overview, work history and education.

Spelling uses the English word-frequency dictionary that ships with `pyspellchecker` (offline,
pure Python). A word is *not* an error when it is:

* in that dictionary, in the technical lexicon (`lexicon.py`), or in the application's own
  vocabulary: its skill names (and the marketplace's, when given), the applicant's names,
  companies, schools, country and languages;
* a British spelling of a dictionary word (colour, optimise, organisation, travelled, centre …);
* a number, a URL, an e-mail address or handle, an acronym (all capitals), a technical token
  (`Node.js`, `C#`, `CI/CD`) or a mixed-case name (`iOS`, `TypeScript`);
* a capitalised word in the middle of a sentence with no dictionary word close to it (a proper
  noun). One *with* a close dictionary word is reported, but as uncertain — unless it follows
  an ordinary word in a title-case phrase ("a Mobile Developper"), where it is checked like any
  other word.

The dictionary is built from word frequencies in subtitles and lists some common misspellings
(`calender`, `programer`) as words: a short list of well-known misspellings (`lexicon.py`) is
reported even so. (Flagging every rare word next to a common one was tried: on ordinary English
prose it raised about one false alarm per thousand words — `indent`, `mappings`, `behaviour` —
too many for a check that suggests a decline.)

Grammar: no maintained offline grammar checker exists for Python without a Java server, so a
few rules with very few false alarms are checked here: a word repeated (`the the`), `a`/`an`
before the wrong sound, a lower-case `i` as a pronoun, and a sentence that starts in lower case.

Every error carries its section path, the start and end offsets into that field's text, the
word, and suggestions, so a review pane can underline it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
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
from reviewer_app.core.checks.lexicon import KNOWN_MISSPELLINGS, TECH_TERMS
from reviewer_app.core.models import Profile

CHECK = "text"


@dataclass(frozen=True, slots=True)
class TextPolicy:
    min_errors: int = 1  # sure errors that make the check suggest the reason
    min_uncertain_errors: int = 2  # … or this many uncertain ones
    severe_per_100_words: float = 1.0  # at or above: severity error (else warning)
    max_reported: int = 200  # evidence items kept per finding


@dataclass(frozen=True, slots=True)
class TextError:
    section: str
    start: int
    end: int
    word: str
    kind: str  # "spelling" or "grammar"
    rule: str  # unknown_word, known_misspelling, unknown_capitalised, repeated_word, article, …
    message: str
    suggestions: tuple[str, ...] = ()
    certain: bool = True


# -- the dictionary -------------------------------------------------------------------------------


class Dictionary:
    """pyspellchecker's English word frequencies, with a fast suggestion index.

    Suggestions come from a symmetric-deletion index (as in SymSpell) over the common words:
    it finds words within one insertion, deletion, substitution or transposition, and many
    within two, in microseconds, where generating all edits at distance two takes a second.
    """

    COMMON = 100  # frequency from which a word may be suggested

    def __init__(self) -> None:
        from spellchecker import SpellChecker

        self._frequency: dict[str, int] = dict(
            SpellChecker(language="en", distance=1).word_frequency.dictionary
        )
        self._deletes: dict[str, list[str]] | None = None
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}
        self._building = threading.Lock()

    def frequency(self, word: str) -> int:
        return self._frequency.get(word, 0)

    def __contains__(self, word: str) -> bool:
        return word in self._frequency

    def _index(self) -> dict[str, list[str]]:
        with self._building:
            return self._build_index()

    def _build_index(self) -> dict[str, list[str]]:
        if self._deletes is None:
            index: dict[str, list[str]] = {}
            for word, count in self._frequency.items():
                if count < self.COMMON or not word.isalpha():
                    continue
                index.setdefault(word, []).append(word)
                for i in range(len(word)):
                    index.setdefault(word[:i] + word[i + 1 :], []).append(word)
            self._deletes = index
        return self._deletes

    def suggestions(self, word: str, limit: int = 3) -> tuple[str, ...]:
        """Common words close to `word` (lower case), nearest and most frequent first."""
        key = (word.lower(), limit)
        found = self._suggested.get(key)
        if found is None:
            if len(self._suggested) > 20_000:
                self._suggested.clear()
            found = self._suggested[key] = self._suggest(*key)
        return found

    def _suggest(self, word: str, limit: int) -> tuple[str, ...]:
        index = self._index()
        one = {word, *_deletes(word)}
        found = self._lookup(index, word, one)
        if not found and len(word) > 3:  # two deletions on our side: distance up to two more
            found = self._lookup(index, word, {d2 for d1 in one for d2 in _deletes(d1)})
        scored = sorted((distance, -self.frequency(c), c) for c, distance in found.items())
        return tuple(c for _d, _f, c in scored)[:limit]

    @staticmethod
    def _lookup(index: dict[str, list[str]], word: str, keys: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for key in keys:
            for candidate in index.get(key, ()):
                if candidate != word and candidate not in found:
                    distance = _distance(word, candidate)
                    if distance <= 2:
                        found[candidate] = distance
        return found

    def likely_misspelling_of(self, word: str) -> str | None:
        """For a word that the dictionary lists but is a well-known misspelling
        (`calender`, `programer`), the right spelling."""
        return KNOWN_MISSPELLINGS.get(word)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment)."""
    if a == b:
        return 0
    rows = len(a) + 1
    cols = len(b) + 1
    prev2: list[int] = []
    prev = list(range(cols))
    for i in range(1, rows):
        cur = [i] + [0] * (cols - 1)
        for j in range(1, cols):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


_DICTIONARY: list[Dictionary] = []
_LOADING = threading.Lock()


def dictionary() -> Dictionary:
    """The process-wide dictionary (loaded on first use, ~0.2 s; the suggestion index ~0.5 s
    more on the first misspelling). Safe to call from several threads."""
    if not _DICTIONARY:
        with _LOADING:
            if not _DICTIONARY:
                _DICTIONARY.append(Dictionary())
    return _DICTIONARY[0]


# -- British spellings ----------------------------------------------------------------------------

_BRITISH = (
    ("isation", "ization"),
    ("isations", "izations"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ourite", "orite"),
    ("ourites", "orites"),
    ("ourable", "orable"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ller", "ler"),
    ("llers", "lers"),
    ("ogue", "og"),
    ("ogues", "ogs"),
    ("mme", "m"),
    ("mmes", "ms"),
    ("dgement", "dgment"),
    ("dgements", "dgments"),
)
# Irregular British spellings: only these, since "-ence" for "-ense" is also a common misspelling
# (expence, licence is right, but not every -ence is).
_BRITISH_WORDS = frozenset(
    {
        "licence",
        "licences",
        "defence",
        "defences",
        "offence",
        "offences",
        "pretence",
        "aluminium",
        "cheque",
        "cheques",
        "grey",
        "tyre",
        "tyres",
        "kerb",
        "storey",
        "plough",
        "manoeuvre",
        "manoeuvres",
        "paediatric",
        "anaesthesia",
        "encyclopaedia",
        "mum",
    }
)


def _american(word: str, known: Dictionary) -> bool:
    """Whether `word` is the British spelling of a dictionary word."""
    if word in _BRITISH_WORDS:
        return True
    for british, american in _BRITISH:
        if (
            word.endswith(british)
            and len(word) > len(british) + 2
            and word[: -len(british)] + american in known
        ):
            return True
    return False


# -- tokens ---------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\S+")
_EDGE = "\"'()[]{}<>.,;:!?…“”‘’«»*_`~|/\\–—•·-"
_URL = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|www\.)|^[\w.-]+\.(?:com|org|net|io|dev|ai|co|app|me|info|edu|gov"
    r"|uk|de|in|us|ly|gg|tv|xyz)(?:/\S*)?$",
    re.IGNORECASE,
)
_TECHNICAL = re.compile(r"[./#+&_=\\@%$0-9]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
_SENTENCE_END = ".!?"
# A capitalised neighbour this frequent in the dictionary is an ordinary word in title case.
_ORDINARY = 200
_NAME_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "professor",
        "doctor",
        "sir",
        "saint",
        "st",
        "mount",
        "lake",
        "minister",
        "president",
        "king",
        "queen",
        "prince",
        "princess",
        "general",
        "captain",
        "coach",
        "chef",
        "uncle",
        "aunt",
        "lord",
        "lady",
        "judge",
        "senator",
        "governor",
        "mayor",
        "chi",
    }
)
_PREFIXES = frozenset(
    {
        "anti",
        "bi",
        "co",
        "cross",
        "de",
        "e",
        "ex",
        "inter",
        "intra",
        "macro",
        "micro",
        "mid",
        "multi",
        "non",
        "over",
        "post",
        "pre",
        "pro",
        "re",
        "self",
        "semi",
        "sub",
        "super",
        "tri",
        "un",
        "under",
        "uni",
    }
)
_BULLETS = frozenset({"-", "–", "•", "*", "·"})
_ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "etc",
        "vs",
        "approx",
        "incl",
        "esp",
        "dept",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "est",
        "min",
        "max",
        "fig",
        "ed",
        "eds",
        "al",
    }
)


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # as written, without surrounding punctuation
    start: int  # offsets into the field's text
    end: int
    sentence_start: bool  # first word of the text, a line, a list item or a sentence
    after_stop: bool  # … right after a full stop, question or exclamation mark
    token: str  # the whole whitespace-separated token, punctuation included


def words(text: str) -> Iterator[Word]:
    """The words of a text with their offsets, and whether each starts a sentence (the first
    word, a word after a full stop, question or exclamation mark, or at the start of a line or
    after a bullet)."""
    after_stop = False  # the previous token ended a sentence
    at_start = True
    previous_end = 0
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if "\n" in text[previous_end : match.start()]:
            at_start, after_stop = True, False
        previous_end = match.end()
        core = raw.strip(_EDGE)
        if not core:  # a bullet, a dash, a bar: the next word starts afresh after a bullet
            if raw in _BULLETS:
                at_start, after_stop = True, False
            elif raw[-1:] in _SENTENCE_END:
                at_start = after_stop = True
            continue
        lead = len(raw) - len(raw.lstrip(_EDGE))
        start = match.start() + lead
        yield Word(core, start, start + len(core), at_start or after_stop, after_stop, raw)
        closed = raw.rstrip("\"'”’)]")
        after_stop = (
            closed[-1:] in _SENTENCE_END
            and closed.rstrip(".").lower().strip(_EDGE) not in _ABBREVIATIONS
            and not _is_initial(closed)
        )
        at_start = False


def _is_initial(token: str) -> bool:
    core = token.strip(_EDGE)
    return len(core) == 1 and core.isalpha() and core.isupper()


def _parts(word: Word) -> Iterator[tuple[str, int]]:
    """The hyphenated parts of a word with their offsets."""
    offset = word.start
    for part in word.text.split("-"):
        if part:
            yield part, offset
        offset += len(part) + 1


def _skip(text: str) -> bool:
    """Tokens that are not spellable words: URLs, e-mail, numbers, technical tokens."""
    return bool(_URL.search(text) or _TECHNICAL.search(text))


def _folded(text: str) -> Iterator[str]:
    for piece in re.split(r"[^\w'’]+", text.casefold()):
        piece = piece.translate(_APOSTROPHES).strip("'")
        if piece:
            yield piece


def vocabulary_for(profile: Profile, extra: Iterable[str] = ()) -> frozenset[str]:
    """Lower-case words that are right in this profile: its names, skills, companies, schools,
    country and languages, and `extra` (e.g. the marketplace's skill names)."""
    names: list[str] = [profile.first_name, profile.last_name, profile.country, *profile.skills]
    names += [job.company for job in profile.employment]
    names += [school.school for school in profile.education]
    names += [language.name for language in profile.languages]
    names += list(extra)
    found: set[str] = set()
    for name in names:
        found.update(_folded(name))
        found.add(name.casefold().strip())
    return frozenset(found)


# -- the checker ----------------------------------------------------------------------------------


class TextChecker:
    def __init__(self, known: Dictionary, vocabulary: frozenset[str]) -> None:
        self.known = known
        self.vocabulary = vocabulary

    def _accepted(self, lower: str) -> bool:
        if lower in self.known or lower in self.vocabulary or lower in TECH_TERMS:
            return True
        if lower.endswith("'s") or lower.endswith("s'"):
            base = lower[:-2] if lower.endswith("'s") else lower[:-1]
            return self._accepted(base)
        if "'" in lower:
            return False
        for suffix in ("s", "es"):  # plurals of names and terms: "Shopify stores", "SDKs"
            if lower.endswith(suffix) and (
                lower[: -len(suffix)] in self.vocabulary or lower[: -len(suffix)] in TECH_TERMS
            ):
                return True
        return _american(lower, self.known)

    def spelling(self, section: str, text: str, *, strict: bool) -> list[TextError]:
        """Spelling errors. `strict` for title-case fields, where capitals say nothing about
        proper nouns."""
        errors: list[TextError] = []
        items = list(words(text))
        for index, word in enumerate(items):
            if _skip(word.text):
                continue
            in_phrase = strict or self._in_title_case_phrase(items, index, text)
            for number, (part, offset) in enumerate(_parts(word)):
                if number == 0 and "-" in word.text and part.lower() in _PREFIXES:
                    continue  # pre-launch, multi-platform, co-founder
                error = self._check_part(section, part, offset, word, in_phrase)
                if error is not None:
                    errors.append(error)
        return errors

    def _in_title_case_phrase(self, items: list[Word], index: int, text: str) -> bool:
        """Whether a capitalised word follows a capitalised *ordinary* word in the same phrase
        ("a Mobile Developper", "UX Reasearch"): then its capital comes from title case, not
        from being a name, and it is checked like any word. Only the word *before* counts:
        an organisation's name comes first and the ordinary word after it ("Wipro
        Technologies", "Tribhuvan University")."""
        word = items[index]
        if index == 0 or word.sentence_start or not word.text[:1].isupper():
            return False
        previous = items[index - 1]
        if text[previous.end : word.start].strip() or previous.token != previous.text:
            return False  # punctuation between them: not one phrase
        if previous.sentence_start or not (
            previous.text[:1].isupper() or previous.text[1:2].isupper()
        ):
            return False
        if len(previous.text) > 1 and previous.text.isalpha() and not previous.text[1:].islower():
            return True  # an acronym or a product name: "UX Reasearch", "iOS Devloper"
        lower = previous.text.lower()
        if lower in _NAME_TITLES:
            return False
        return (
            lower in TECH_TERMS
            or lower in self.vocabulary
            or self.known.frequency(lower) >= _ORDINARY
        )

    def _check_part(
        self, section: str, part: str, offset: int, word: Word, strict: bool
    ) -> TextError | None:
        """One word (or part of a hyphenated one). `strict`: its capital says nothing about
        whether it is a name (a title-case field or phrase)."""
        if len(part) < 2 or not part.replace("'", "").replace("’", "").isalpha():
            return None
        if part.isupper() or any(c.isupper() for c in part[1:]):
            return None  # an acronym or a mixed-case name
        lower = part.lower().translate(_APOSTROPHES)
        end = offset + len(part)
        if self._accepted(lower):
            if part[:1].isupper() and not strict and not word.sentence_start:
                return None  # a capitalised dictionary word: a name, not a typo
            better = self.known.likely_misspelling_of(lower)
            if better is None or lower in self.vocabulary or lower in TECH_TERMS:
                return None
            return TextError(
                section,
                offset,
                end,
                part,
                "spelling",
                "known_misspelling",
                f"“{part}” is probably a misspelling of “{_match_case(part, better)}”.",
                (_match_case(part, better),),
            )
        suggestions = tuple(_match_case(part, s) for s in self.known.suggestions(lower))
        capitalised = part[:1].isupper()
        if capitalised and not strict and not word.sentence_start:
            if not suggestions:
                return None  # a proper noun nothing in the dictionary resembles
            return TextError(
                section,
                offset,
                end,
                part,
                "spelling",
                "unknown_capitalised",
                f"“{part}” is not in the dictionary (a name, or a misspelling of "
                f"“{suggestions[0]}”?).",
                suggestions,
                certain=False,
            )
        message = f"“{part}” is not in the dictionary" + (
            f"; did you mean “{suggestions[0]}”?" if suggestions else "."
        )
        return TextError(
            section, offset, end, part, "spelling", "unknown_word", message, suggestions
        )

    def grammar(self, section: str, text: str) -> list[TextError]:
        errors: list[TextError] = []
        items = list(words(text))
        for index, word in enumerate(items):
            lower = word.text.lower()
            nxt = items[index + 1] if index + 1 < len(items) else None
            if (
                word.text == "i"
                and word.token.strip(_EDGE) == "i"
                and not word.token.startswith("i.")
            ):
                errors.append(
                    TextError(
                        section,
                        word.start,
                        word.end,
                        word.text,
                        "grammar",
                        "lowercase_i",
                        "The pronoun “I” is written in capitals.",
                        ("I",),
                    )
                )
            if (
                word.after_stop
                and word.text[:1].islower()
                and word.text.isalpha()
                and lower not in self.vocabulary
                and lower not in TECH_TERMS
                and word.text != "i"
                and index > 0
            ):
                errors.append(
                    TextError(
                        section,
                        word.start,
                        word.end,
                        word.text,
                        "grammar",
                        "sentence_case",
                        "A sentence starts with a lower-case letter.",
                        (word.text[:1].upper() + word.text[1:],),
                    )
                )
            if nxt is None:
                continue
            joined = text[word.end : nxt.start]
            if (
                lower == nxt.text.lower()
                and lower.isalpha()
                and joined.strip() == ""
                and lower not in _DOUBLES
                and word.token == word.text
            ):
                errors.append(
                    TextError(
                        section,
                        word.start,
                        nxt.end,
                        text[word.start : nxt.end],
                        "grammar",
                        "repeated_word",
                        f"“{word.text}” is written twice.",
                        (word.text,),
                    )
                )
            if lower in ("a", "an") and word.token == word.text and joined.strip() == "":
                wanted = _article_for(nxt.text)
                if wanted is not None and wanted != lower:
                    fixed = _match_case(word.text, wanted)
                    errors.append(
                        TextError(
                            section,
                            word.start,
                            word.end,
                            word.text,
                            "grammar",
                            "article",
                            f"“{fixed}” before “{nxt.text}”, not “{word.text}”.",
                            (fixed,),
                        )
                    )
        return errors


_DOUBLES = frozenset({"that", "had", "is", "do", "bye", "so", "very", "no", "ha", "la", "na"})
_AN_EXCEPTIONS = ("hour", "honest", "honor", "honour", "heir")
# Vowel letters with a consonant sound: "a one-off", "a European", "a unique", "a user".
_A_PREFIXES = ("one", "once", "eu", "ewe")
_YOU_WORDS = frozenset(
    {
        "ubiquitous",
        "ukulele",
        "unicorn",
        "unicode",
        "unification",
        "unified",
        "uniform",
        "uniforms",
        "unify",
        "unilateral",
        "union",
        "unions",
        "unique",
        "uniquely",
        "unit",
        "united",
        "units",
        "unity",
        "universal",
        "universally",
        "universe",
        "universities",
        "university",
        "uranium",
        "urinal",
        "usability",
        "usable",
        "usage",
        "use",
        "used",
        "useful",
        "usefulness",
        "useless",
        "user",
        "users",
        "uses",
        "using",
        "usual",
        "usually",
        "utensil",
        "utilities",
        "utility",
        "utilization",
        "utopia",
        "utopian",
    }
)


def _article_for(following: str) -> str | None:
    """The article a word takes, when its spelling makes that clear; None when unsure."""
    word = following.strip(_EDGE)
    if not word or not word.isalpha():
        return None
    if word.isupper() or any(c.isupper() for c in word[1:]):
        return None  # acronyms go by their letter names: an SEO, a UX
    lower = word.lower()
    if lower in _YOU_WORDS or lower.startswith(_A_PREFIXES):
        return "a"
    if lower.startswith(_AN_EXCEPTIONS):
        return "an"
    if lower[0] in "aeio":
        return "an"
    if lower[0] in "uh":
        return None  # an umbrella, an unimportant, a hotel, an herb (US): spelling does not tell
    return "a"


def _match_case(model: str, word: str) -> str:
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


# -- the check ------------------------------------------------------------------------------------


def text_fields(profile: Profile) -> list[tuple[str, str, bool]]:
    """(section path, text, strict) of every free-text field the check reads."""
    fields: list[tuple[str, str, bool]] = [
        ("title", profile.title, True),
        ("overview", profile.overview, False),
    ]
    for i, job in enumerate(profile.employment):
        fields.append((f"employment[{i}].role", job.role, True))
        fields.append((f"employment[{i}].description", job.description, False))
    for i, school in enumerate(profile.education):
        fields.append((f"education[{i}].degree", school.degree, True))
        fields.append((f"education[{i}].field_of_study", school.field_of_study, True))
    return [(path, text, strict) for path, text, strict in fields if text.strip()]


def find_errors(
    profile: Profile, *, extra_vocabulary: Iterable[str] = (), known: Dictionary | None = None
) -> tuple[list[TextError], int]:
    """Every error in the profile's text, in reading order, and the number of words read."""
    checker = TextChecker(known or dictionary(), vocabulary_for(profile, extra_vocabulary))
    errors: list[TextError] = []
    total = 0
    for path, text, strict in text_fields(profile):
        total += sum(1 for w in words(text) if any(c.isalpha() for c in w.text))
        found = checker.spelling(path, text, strict=strict)
        found += checker.grammar(path, text)
        errors += sorted(found, key=lambda e: (e.start, e.end))
    return errors, total


def check_text(
    profile: Profile,
    *,
    extra_vocabulary: Iterable[str] = (),
    policy: TextPolicy | None = None,
    known: Dictionary | None = None,
) -> Finding:
    policy = policy or TextPolicy()
    errors, total = find_errors(profile, extra_vocabulary=extra_vocabulary, known=known)
    if total == 0:
        return not_run(CHECK, reasons.TEXT_ERRORS, "The profile has no text to check.")
    certain = [e for e in errors if e.certain]
    per_100 = round(100 * len(errors) / total, 2)
    figures = (
        Figure("errors", len(errors)),
        Figure("uncertain_errors", len(errors) - len(certain)),
        Figure("words", total),
        Figure("errors_per_100_words", per_100, "per 100 words"),
        Figure("spelling_errors", sum(e.kind == "spelling" for e in errors)),
        Figure("grammar_errors", sum(e.kind == "grammar" for e in errors)),
    )
    evidence = tuple(
        Evidence(
            kind=error.kind if error.certain else f"{error.kind}_uncertain",
            message=error.message,
            section=error.section,
            start=error.start,
            end=error.end,
            text=error.word,
            suggestions=error.suggestions,
        )
        for error in errors[: policy.max_reported]
    )
    suggested = (
        len(certain) >= policy.min_errors
        or len(errors) - len(certain) >= policy.min_uncertain_errors
    )
    if not errors:
        return Finding(
            check=CHECK,
            reason=reasons.TEXT_ERRORS,
            status=Status.PASSED,
            suggested=False,
            severity=Severity.INFO,
            summary=f"No spelling or grammar errors found in {total} words.",
            figures=figures,
        )
    shown = ", ".join(f"“{e.word}”" for e in errors[:5]) + (" …" if len(errors) > 5 else "")
    return Finding(
        check=CHECK,
        reason=reasons.TEXT_ERRORS,
        status=Status.FLAGGED,
        suggested=suggested,
        severity=Severity.ERROR
        if suggested and per_100 >= policy.severe_per_100_words
        else Severity.WARNING,
        summary=f"{len(errors)} possible error(s) in {total} words ({per_100:g} per 100 words): "
        f"{shown}.",
        evidence=evidence,
        figures=figures,
    )
