"""The ground truth file: JSON Lines, one object per application (its current revision).

Each line holds `application_id`, `revision`, `clean`, `reasons`, `defects` (each with `reason`,
a reason code of `reviewer_app.core.reasons`; `kind`, see `rates.DEFECT_KINDS`; and `details`),
`notes` (boundary cases that are *not* defects, such as turning 18 on the day of review),
`history` (the earlier, declined revisions with their defects and reason codes), the submission
time, due time and SLA state at `as_of`, and where it came from (`seed`, `index`, `media`).

Age (`under_18`) follows the age check's rule (`reviewer_app.core.checks.age.is_adult`): adult
from 00:00 UTC on the 18th birthday, the date of birth read as a UTC calendar date, at the
decision time (`as_of` for the current revision). An applicant whose 18th birthday is the UTC
date of `as_of` is adult (a note `adult_turns_18_today`, not a defect), one whose birthday is the
next UTC day is under 18 (`under_18_birthday_tomorrow`), at any time of that day.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol


class _HasTruth(Protocol):
    @property
    def truth(self) -> dict[str, Any]: ...


def write_ground_truth(
    path: str | os.PathLike[str],
    records: Iterable[dict[str, Any] | _HasTruth],
) -> int:
    """Write the records (truth dicts, or DemoApplicants) to `path`; returns how many. The
    file is written to a temporary name and renamed, so a reader never sees half of it."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    written = 0
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        for record in records:
            truth = record if isinstance(record, dict) else record.truth
            out.write(json.dumps(truth, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            written += 1
    partial.replace(target)
    return written


def read_ground_truth(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records of a ground-truth file, in file order (blank lines are skipped)."""
    records: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON: {error.msg}") from error
            if not isinstance(record, dict) or "application_id" not in record:
                raise ValueError(f"{path}:{number}: not a ground-truth record")
            records.append(record)
    return records
