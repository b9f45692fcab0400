"""Deterministic demo data: realistic freelancer applicants with a known share of each defect.

    from reviewer_app.service.demo import generate, write_ground_truth
    applicants = list(generate(300, seed=7, now=datetime.now(UTC)))
    write_ground_truth("truth.jsonl", applicants)

`generate` streams `DemoApplicant`s (the `Application`, its media bytes by SHA-256, and the
ground-truth record); `DefectRates` sets every share in one place. Skill demand figures are
fixed per skill: `demand_for`, `LOW_DEMAND_RATIO`, `SKILL_TAXONOMY`.
"""

from reviewer_app.service.demo.generator import (
    DemoApplicant,
    age_on,
    application_id,
    clear_media_caches,
    eighteenth_birthday,
    generate,
    pooled_media,
    pooled_media_count,
)
from reviewer_app.service.demo.rates import DEFECT_KINDS, DefectRates
from reviewer_app.service.demo.taxonomy import (
    DEMAND,
    LOW_DEMAND_RATIO,
    LOW_DEMAND_SHARE,
    SKILL_TAXONOMY,
    demand_for,
    is_low_demand_skill,
    low_demand_share,
)
from reviewer_app.service.demo.truth import read_ground_truth, write_ground_truth

__all__ = [
    "DEFECT_KINDS",
    "DEMAND",
    "LOW_DEMAND_RATIO",
    "LOW_DEMAND_SHARE",
    "SKILL_TAXONOMY",
    "DefectRates",
    "DemoApplicant",
    "age_on",
    "application_id",
    "clear_media_caches",
    "demand_for",
    "eighteenth_birthday",
    "generate",
    "is_low_demand_skill",
    "low_demand_share",
    "pooled_media",
    "pooled_media_count",
    "read_ground_truth",
    "write_ground_truth",
]
