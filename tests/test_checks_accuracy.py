"""The checks against the demo generator's ground truth, at a size CI affords."""

from __future__ import annotations

import pytest

from reviewer_app.checks_accuracy import SPELLING, measure
from reviewer_app.core.checks import ALL_CHECKS

COUNT = 300


@pytest.mark.slow
def test_each_check_is_at_least_90_percent_precise_and_complete() -> None:
    report = measure(COUNT, seed=11)
    print(report.table())
    # The generator's templates are proofread ("a Unity Developer", no word twice), so "text"
    # (spelling and grammar) is held like every other check, and its spelling part as well.
    rows = [*ALL_CHECKS, SPELLING]
    for row in rows:
        tally = report.tallies[row]
        assert tally.precision >= 0.9, (row, report.table())
        assert tally.recall >= 0.9, (row, report.table())
    assert report.text_positions_found >= 0.9 * report.text_positions_total
