#!/usr/bin/env python3
"""Precision and recall of the automatic checks against the demo generator's ground truth.

    .venv/bin/python scripts/check_accuracy.py --count 2000

The same as `python -m reviewer_app.checks_accuracy`; see there for the options.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviewer_app.checks_accuracy import main

if __name__ == "__main__":
    raise SystemExit(main())
