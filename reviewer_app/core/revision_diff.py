"""What changed in a resubmission: a section-by-section diff against the earlier revision, with the
earlier decision beside it (DESIGN §1, §4 step 5).

Text fields are compared word by word (`difflib` over whitespace-separated words); every operation
carries character offsets into the old and the new text, so a review pane can mark changed words
in place. List sections (work history, education, languages) pair their items by what they are
(company and role, school and degree, language name) rather than by position, so a new job at
the top does not show every other job as changed. Photo and video say whether they were replaced.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypeVar

from reviewer_app.core import reasons
from reviewer_app.core.models import (
    Application,
    Education,
    Employment,
    Language,
    MediaRef,
    Outcome,
    Profile,
    Revision,
    Section,
)

OpName = Literal["equal", "insert", "delete", "replace"]
ChangeStatus = Literal["unchanged", "changed", "added", "removed"]

_WORD = re.compile(r"\S+")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WordOp:
    """One run of words: `old_text[old_start:old_end]` became `new_text[new_start:new_end]`."""

    op: OpName
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    old: str
    new: str

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "old_start": self.old_start,
            "old_end": self.old_end,
            "new_start": self.new_start,
            "new_end": self.new_end,
            "old": self.old,
            "new": self.new,
        }


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One field: `path` is a section or `employment[2].description` (index into the new
    revision's list; into the old one for a removed item)."""

    path: str
    status: ChangeStatus
    old: str
    new: str
    ops: tuple[WordOp, ...] = ()

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "old": self.old,
            "new": self.new,
            "ops": [op.to_json() for op in self.ops],
        }


@dataclass(frozen=True, slots=True)
class SectionDiff:
    section: Section
    fields: tuple[FieldDiff, ...]
    added: tuple[str, ...] = ()  # list sections: items that are new (as text)
    removed: tuple[str, ...] = ()  # … and items that are gone

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or any(f.changed for f in self.fields))

    def to_json(self) -> dict[str, Any]:
        return {
            "section": str(self.section),
            "changed": self.changed,
            "added": list(self.added),
            "removed": list(self.removed),
            "fields": [f.to_json() for f in self.fields if f.changed],
        }


@dataclass(frozen=True, slots=True)
class MediaChange:
    kind: Section  # PHOTO or VIDEO
    status: Literal["unchanged", "replaced", "added", "removed", "still_missing"]
    old_sha256: str | None
    new_sha256: str | None

    @property
    def changed(self) -> bool:
        return self.status in ("replaced", "added", "removed")

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "status": self.status,
            "old_sha256": self.old_sha256,
            "new_sha256": self.new_sha256,
        }


@dataclass(frozen=True, slots=True)
class EarlierDecision:
    revision: int
    outcome: Outcome
    reason_codes: tuple[str, ...]
    reason_labels: tuple[str, ...]
    reviewer: str
    note: str
    decided_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "outcome": str(self.outcome),
            "reason_codes": list(self.reason_codes),
            "reason_labels": list(self.reason_labels),
            "reviewer": self.reviewer,
            "note": self.note,
            "decided_at": self.decided_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class RevisionDiff:
    application_id: str
    old_revision: int
    new_revision: int
    sections: tuple[SectionDiff, ...]
    photo: MediaChange
    video: MediaChange
    earlier_decision: EarlierDecision | None = None
    # Per reason of the earlier decision: did any section that reason is about change? (Not
    # whether the problem is fixed: the checks on the new revision say that.)
    addressed: dict[str, bool] = field(default_factory=dict)

    @property
    def changed_sections(self) -> list[Section]:
        out = [s.section for s in self.sections if s.changed]
        out += [m.kind for m in (self.photo, self.video) if m.changed]
        return out

    def section(self, section: Section) -> SectionDiff | None:
        return next((s for s in self.sections if s.section is section), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "application_id": self.application_id,
            "old_revision": self.old_revision,
            "new_revision": self.new_revision,
            "changed_sections": [str(s) for s in self.changed_sections],
            "sections": [s.to_json() for s in self.sections],
            "photo": self.photo.to_json(),
            "video": self.video.to_json(),
            "earlier_decision": None
            if self.earlier_decision is None
            else self.earlier_decision.to_json(),
            "addressed": dict(self.addressed),
        }


# -- text -----------------------------------------------------------------------------------------


def word_ops(old: str, new: str) -> tuple[WordOp, ...]:
    """Word-level operations turning `old` into `new`, with character offsets. Equal runs are
    included, so the new text can be drawn from the operations alone."""
    old_words = [(m.start(), m.end()) for m in _WORD.finditer(old)]
    new_words = [(m.start(), m.end()) for m in _WORD.finditer(new)]
    matcher = difflib.SequenceMatcher(
        None,
        [old[s:e] for s, e in old_words],
        [new[s:e] for s, e in new_words],
        autojunk=False,
    )
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_start, old_end = _span(old_words, i1, i2, len(old))
        new_start, new_end = _span(new_words, j1, j2, len(new))
        ops.append(
            WordOp(
                tag,  # difflib's tags are exactly OpName
                old_start,
                old_end,
                new_start,
                new_end,
                old[old_start:old_end],
                new[new_start:new_end],
            )
        )
    return tuple(ops)


def _span(spans: Sequence[tuple[int, int]], first: int, last: int, length: int) -> tuple[int, int]:
    if first < last:
        return spans[first][0], spans[last - 1][1]
    # An empty run sits where the next word starts (or at the end of the text).
    at = spans[first][0] if first < len(spans) else length
    return at, at


def _field(path: str, old: str, new: str) -> FieldDiff:
    if old == new:
        return FieldDiff(path, "unchanged", old, new)
    if not old.strip():
        status: ChangeStatus = "added"
    elif not new.strip():
        status = "removed"
    else:
        status = "changed"
    ops = word_ops(old, new)
    if all(op.op == "equal" for op in ops):  # only whitespace changed
        return FieldDiff(path, "unchanged", old, new)
    return FieldDiff(path, status, old, new, ops)


# -- list sections --------------------------------------------------------------------------------


def _pair(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], str]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match items by key (first come, first matched): (pairs of (old, new) indices, new-only
    indices, old-only indices)."""
    unmatched_old = list(range(len(old)))
    pairs: list[tuple[int, int]] = []
    added: list[int] = []
    for j, item in enumerate(new):
        k = key(item)
        match = next((i for i in unmatched_old if key(old[i]) == k), None)
        if match is None:
            added.append(j)
        else:
            unmatched_old.remove(match)
            pairs.append((match, j))
    return pairs, added, unmatched_old


def _fold(*parts: str) -> str:
    return " ".join(" ".join(parts).casefold().split())


def _job_text(job: Employment) -> str:
    years = f"{job.start_year}–{job.end_year if job.end_year is not None else 'now'}"
    return f"{job.role} at {job.company} ({years})"


def _school_text(school: Education) -> str:
    return f"{school.degree}, {school.field_of_study} – {school.school}"


def _language_text(language: Language) -> str:
    return f"{language.name} ({language.level})"


def _employment(old: Profile, new: Profile) -> SectionDiff:
    pairs, added, removed = _pair(
        old.employment, new.employment, lambda j: _fold(j.company, j.role)
    )
    fields: list[FieldDiff] = []
    for i, j in pairs:
        a, b = old.employment[i], new.employment[j]
        fields.append(_field(f"employment[{j}].role", a.role, b.role))
        fields.append(_field(f"employment[{j}].company", a.company, b.company))
        fields.append(
            _field(
                f"employment[{j}].years",
                f"{a.start_year}–{a.end_year or ''}",
                f"{b.start_year}–{b.end_year or ''}",
            )
        )
        fields.append(_field(f"employment[{j}].description", a.description, b.description))
    for j in added:
        fields.append(_field(f"employment[{j}].description", "", new.employment[j].description))
    for i in removed:
        fields.append(_field(f"employment[{i}].description", old.employment[i].description, ""))
    return SectionDiff(
        Section.EMPLOYMENT,
        tuple(fields),
        added=tuple(_job_text(new.employment[j]) for j in added),
        removed=tuple(_job_text(old.employment[i]) for i in removed),
    )


def _education(old: Profile, new: Profile) -> SectionDiff:
    pairs, added, removed = _pair(old.education, new.education, lambda s: _fold(s.school, s.degree))
    fields: list[FieldDiff] = []
    for i, j in pairs:
        a, b = old.education[i], new.education[j]
        fields.append(_field(f"education[{j}].field_of_study", a.field_of_study, b.field_of_study))
        fields.append(
            _field(
                f"education[{j}].years",
                f"{a.start_year}–{a.end_year or ''}",
                f"{b.start_year}–{b.end_year or ''}",
            )
        )
    return SectionDiff(
        Section.EDUCATION,
        tuple(fields),
        added=tuple(_school_text(new.education[j]) for j in added),
        removed=tuple(_school_text(old.education[i]) for i in removed),
    )


def _languages(old: Profile, new: Profile) -> SectionDiff:
    pairs, added, removed = _pair(old.languages, new.languages, lambda lang: _fold(lang.name))
    fields = [
        _field(f"languages[{j}].level", old.languages[i].level, new.languages[j].level)
        for i, j in pairs
    ]
    return SectionDiff(
        Section.LANGUAGES,
        tuple(fields),
        added=tuple(_language_text(new.languages[j]) for j in added),
        removed=tuple(_language_text(old.languages[i]) for i in removed),
    )


def _skills(old: Profile, new: Profile) -> SectionDiff:
    before = {s.strip().casefold(): s.strip() for s in old.skills if s.strip()}
    after = {s.strip().casefold(): s.strip() for s in new.skills if s.strip()}
    return SectionDiff(
        Section.SKILLS,
        (_field("skills", ", ".join(before.values()), ", ".join(after.values())),),
        added=tuple(v for k, v in after.items() if k not in before),
        removed=tuple(v for k, v in before.items() if k not in after),
    )


def _value(section: Section, old: object, new: object) -> SectionDiff:
    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    return SectionDiff(section, (_field(str(section), text(old), text(new)),))


def _media(kind: Section, old: MediaRef | None, new: MediaRef | None) -> MediaChange:
    old_sha = old.sha256 if old else None
    new_sha = new.sha256 if new else None
    if old_sha == new_sha:
        status: Literal["unchanged", "replaced", "added", "removed", "still_missing"] = (
            "unchanged" if new_sha else "still_missing"
        )
    elif old_sha is None:
        status = "added"
    elif new_sha is None:
        status = "removed"
    else:
        status = "replaced"
    return MediaChange(kind, status, old_sha, new_sha)


# Which sections each reason is about: a decline for `text_errors` is addressed when the text
# sections changed, and so on. Age and demand cannot be "fixed" by editing text, except by the
# date of birth or the skills.
_REASON_SECTIONS: dict[str, tuple[Section, ...]] = {
    reasons.UNDER_18: (Section.DATE_OF_BIRTH,),
    reasons.INCOMPLETE: (
        Section.TITLE,
        Section.OVERVIEW,
        Section.SKILLS,
        Section.HOURLY_RATE,
        Section.EMPLOYMENT,
        Section.EDUCATION,
        Section.LANGUAGES,
        Section.COUNTRY,
        Section.DATE_OF_BIRTH,
    ),
    reasons.TEXT_ERRORS: (Section.TITLE, Section.OVERVIEW, Section.EMPLOYMENT, Section.EDUCATION),
    reasons.PHOTO: (Section.PHOTO,),
    reasons.VIDEO: (Section.VIDEO,),
    reasons.LOW_DEMAND: (Section.SKILLS,),
}


def diff_revisions(
    old: Revision,
    new: Revision,
    *,
    application_id: str = "",
    catalogue: reasons.ReasonCatalogue = reasons.DEFAULT_CATALOGUE,
) -> RevisionDiff:
    a, b = old.profile, new.profile
    sections = (
        _value(Section.TITLE, a.title, b.title),
        SectionDiff(Section.OVERVIEW, (_field("overview", a.overview, b.overview),)),
        _skills(a, b),
        _value(Section.HOURLY_RATE, a.hourly_rate, b.hourly_rate),
        _employment(a, b),
        _education(a, b),
        _languages(a, b),
        _value(Section.COUNTRY, a.country, b.country),
        _value(Section.DATE_OF_BIRTH, a.date_of_birth, b.date_of_birth),
    )
    photo = _media(Section.PHOTO, a.photo, b.photo)
    video = _media(Section.VIDEO, a.video, b.video)
    earlier: EarlierDecision | None = None
    addressed: dict[str, bool] = {}
    if old.decision is not None:
        d = old.decision
        labels = tuple(
            (catalogue.get(code).label if catalogue.get(code) is not None else code)  # type: ignore[union-attr]
            for code in d.reason_codes
        )
        earlier = EarlierDecision(
            revision=old.number,
            outcome=d.outcome,
            reason_codes=d.reason_codes,
            reason_labels=labels,
            reviewer=d.reviewer,
            note=d.note,
            decided_at=d.decided_at,
        )
        changed = {s.section for s in sections if s.changed}
        changed |= {m.kind for m in (photo, video) if m.changed}
        for code in d.reason_codes:
            about = _REASON_SECTIONS.get(code)
            if about is not None:
                addressed[code] = any(section in changed for section in about)
    return RevisionDiff(
        application_id=application_id,
        old_revision=old.number,
        new_revision=new.number,
        sections=sections,
        photo=photo,
        video=video,
        earlier_decision=earlier,
        addressed=addressed,
    )


def diff_for_review(
    application: Application,
    *,
    catalogue: reasons.ReasonCatalogue = reasons.DEFAULT_CATALOGUE,
) -> RevisionDiff | None:
    """The current revision against the one before it (None for a first submission)."""
    previous = application.previous
    if previous is None:
        return None
    return diff_revisions(
        previous,
        application.current,
        application_id=application.application_id,
        catalogue=catalogue,
    )
