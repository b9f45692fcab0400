"""Reason catalogue, completeness rule and the decision log's hash chain."""

from __future__ import annotations

import base64
import dataclasses
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from reviewer_app.core import audit, completeness
from reviewer_app.core.models import Education, Employment, Language, Profile, Section
from reviewer_app.core.reasons import DEFAULT_CATALOGUE, OTHER, ReasonCatalogue, ReasonCode


def test_default_catalogue_covers_every_decline_reason() -> None:
    codes = {reason.code for reason in DEFAULT_CATALOGUE}
    assert codes == {
        "under_18",
        "incomplete_profile",
        "text_errors",
        "photo_quality",
        "video_quality",
        "low_demand",
        "other",
    }
    assert [reason.key for reason in DEFAULT_CATALOGUE] == [str(n) for n in range(1, 8)]
    assert all(len(reason.applicant_text) > 40 for reason in DEFAULT_CATALOGUE)
    assert DEFAULT_CATALOGUE.get(OTHER) is not None
    assert DEFAULT_CATALOGUE.get(OTHER).note_required  # type: ignore[union-attr]
    assert DEFAULT_CATALOGUE.unknown(["low_demand", "nope"]) == ["nope"]


def test_catalogue_refuses_clashing_keys() -> None:
    first = ReasonCode("a", "A", "1", "text")
    with pytest.raises(ValueError, match="key"):
        ReasonCatalogue(1, (first, ReasonCode("b", "B", "1", "text")))
    with pytest.raises(ValueError, match="twice"):
        ReasonCatalogue(1, (first, dataclasses.replace(first, key="2")))


def _complete_profile() -> Profile:
    return Profile(
        first_name="Amara",
        last_name="Okafor",
        title="Senior Data Engineer | Spark & Airflow",
        overview=" ".join(["I build reliable data pipelines for growing teams."] * 10),
        skills=("Python", "Apache Spark", "Airflow"),
        hourly_rate=55.0,
        employment=(
            Employment(
                "Northwind",
                "Data Engineer",
                2019,
                None,
                "Built the streaming platform "
                "that processes two billion events a day for analytics.",
            ),
        ),
        education=(Education("University of Lagos", "BSc", "Computer Science", 2012, 2016),),
        languages=(Language("English", "fluent"),),
        country="Nigeria",
        date_of_birth=date(1994, 5, 17),
        photo=None,
        video=None,
    )


def test_complete_profile_is_100_percent() -> None:
    result = completeness.assess(_complete_profile())
    assert result.complete
    assert result.percent == 100
    assert sum(completeness.WEIGHTS.values()) == 100


@pytest.mark.parametrize(
    ("change", "section", "problem"),
    [
        ({"title": ""}, Section.TITLE, "missing"),
        ({"title": "Developer"}, Section.TITLE, "thin"),
        ({"overview": "Hire me."}, Section.OVERVIEW, "thin"),
        ({"skills": ()}, Section.SKILLS, "missing"),
        ({"skills": ("Python",)}, Section.SKILLS, "thin"),
        ({"hourly_rate": None}, Section.HOURLY_RATE, "missing"),
        ({"employment": ()}, Section.EMPLOYMENT, "missing"),
        ({"education": ()}, Section.EDUCATION, "missing"),
        ({"languages": ()}, Section.LANGUAGES, "missing"),
        ({"country": " "}, Section.COUNTRY, "missing"),
        ({"date_of_birth": None}, Section.DATE_OF_BIRTH, "missing"),
    ],
)
def test_each_gap_is_named_and_weighted(
    change: dict[str, object], section: Section, problem: str
) -> None:
    result = completeness.assess(dataclasses.replace(_complete_profile(), **change))  # type: ignore[arg-type]
    assert [(gap.section, gap.problem) for gap in result.gaps] == [(section, problem)]
    assert result.percent == 100 - completeness.WEIGHTS[section]
    assert not result.complete


def _chain(bodies: list[dict[str, object]]) -> list[audit.ChainEntry]:
    entries = []
    prev = audit.GENESIS_HASH
    for index, body in enumerate(bodies):
        digest = audit.entry_hash(prev, index, body)
        entries.append(audit.ChainEntry(index, body, prev, digest))
        prev = digest
    return entries


def test_intact_chain_verifies_and_any_change_is_found() -> None:
    entries = _chain([{"decision": {"n": n}, "profile_sha256": "0" * 64} for n in range(5)])
    assert audit.verify_chain(entries) == []
    altered = list(entries)
    altered[2] = dataclasses.replace(
        entries[2], body={"decision": {"n": 99}, "profile_sha256": "0" * 64}
    )
    assert [p.index for p in audit.verify_chain(altered)] == [2]
    dropped = entries[:2] + entries[3:]
    assert {p.index for p in audit.verify_chain(dropped)} == {3}
    swapped = [entries[0], entries[2], entries[1], entries[3]]
    assert audit.verify_chain(swapped)


def test_canonical_json_is_stable_and_refuses_nan() -> None:
    assert audit.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(ValueError, match="JSON"):
        audit.canonical_json({"x": float("nan")})


def test_checkpoint_signature_round_trip() -> None:
    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(
        key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    ).decode()
    signed_at = datetime(2026, 11, 28, 4, 0, 0, 123456, tzinfo=UTC)
    signature = base64.b64encode(
        key.sign(audit.checkpoint_message(7, "a" * 64, signed_at))
    ).decode()
    assert audit.verify_checkpoint(public, 7, "a" * 64, signed_at, signature)
    assert not audit.verify_checkpoint(public, 8, "a" * 64, signed_at, signature)
    assert not audit.verify_checkpoint(public, 7, "a" * 64, signed_at, "not base64!")
    assert audit.iso_utc(signed_at) == "2026-11-28T04:00:00.123456Z"
