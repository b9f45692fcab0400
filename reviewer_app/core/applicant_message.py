"""The message an applicant gets about a decision, composed from the chosen reasons (DESIGN §1).

Plain text, our own wording around the catalogue's applicant-facing paragraphs: a greeting, the
outcome, what to fix (one paragraph per reason, in catalogue order), that reapplying is welcome,
and when they will hear back. The same function gives the decision panel its preview, so it
never raises on a half-made decision: what is still missing (a reason for a decline, the note that
"other" needs) is listed in `problems`, and a placeholder stands where the note will go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviewer_app.core import reasons
from reviewer_app.core.models import Outcome
from reviewer_app.core.reasons import ReasonCatalogue

TEAM = "The Trust & Safety team"
NOTE_PLACEHOLDER = "[the reviewer's note will appear here]"


@dataclass(frozen=True, slots=True)
class ApplicantMessage:
    subject: str
    body: str
    problems: tuple[str, ...] = ()  # what keeps this from being sent as it is

    @property
    def ready(self) -> bool:
        return not self.problems


def _hours(sla_hours: float) -> str:
    return f"{sla_hours:g} hours" if sla_hours != 1 else "1 hour"


def _greeting(first_name: str) -> str:
    name = " ".join(first_name.split())
    return f"Hello {name}," if name else "Hello,"


def compose_message(
    outcome: Outcome | str,
    reason_codes: Sequence[str] = (),
    *,
    first_name: str = "",
    note: str = "",
    catalogue: ReasonCatalogue = reasons.DEFAULT_CATALOGUE,
    sla_hours: float = 24.0,
) -> ApplicantMessage | None:
    """The message for an accept or a decline; None for an escalation (the applicant hears
    nothing until a lead decides)."""
    outcome = Outcome(outcome)
    if outcome is Outcome.ESCALATE:
        return None
    greeting = _greeting(first_name)
    if outcome is Outcome.ACCEPT:
        body = "\n\n".join(
            (
                greeting,
                "Thank you for applying. Good news: your freelancer profile has been approved "
                "and is now visible to clients.",
                "A complete, up-to-date profile helps clients choose you, so keep your work "
                "history and skills current as you take on new projects.",
                f"Welcome aboard!\n{TEAM}",
            )
        )
        return ApplicantMessage("Your freelancer profile has been approved", body)

    problems: list[str] = []
    unknown = catalogue.unknown(reason_codes)
    if unknown:
        problems.append(f"unknown reason code(s): {', '.join(unknown)}")
    chosen = [r for r in catalogue if r.code in set(reason_codes)]  # catalogue order
    if not chosen:
        problems.append("a decline needs at least one reason")
    paragraphs = [f"- {reason.applicant_text}" for reason in chosen]
    text = note.strip()
    if any(reason.note_required for reason in chosen) and not text:
        labels = ", ".join(f"“{r.label}”" for r in chosen if r.note_required)
        problems.append(f"the reason {labels} needs a note")
        text = NOTE_PLACEHOLDER
    if text:
        paragraphs.append(f"Note from the reviewer: {text}")

    only_age = [r.code for r in chosen] == [reasons.UNDER_18]
    if only_age:
        next_step = (
            "You are welcome to apply again once you have turned 18. When you do, you will "
            f"hear back from us within {_hours(sla_hours)}."
        )
    else:
        next_step = (
            "You are welcome to update your profile and apply again at any time: there is no "
            "waiting period and no limit on how often you reapply. Each time you resubmit, "
            f"you will hear back from us within {_hours(sla_hours)}."
        )
    count = "these points" if len(chosen) > 1 else "this point"
    what = (
        f"Please look at {count} before you apply again:"
        if not only_age
        else "The reason is below:"
    )
    body = "\n\n".join(
        (
            greeting,
            "Thank you for applying. We have reviewed your freelancer profile and cannot "
            "approve it yet. " + what,
            *paragraphs,
            next_step,
            f"Kind regards,\n{TEAM}",
        )
    )
    return ApplicantMessage(
        "About your freelancer profile application", body, problems=tuple(problems)
    )
