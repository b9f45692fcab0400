"""The decision log's hash chain and signed checkpoints.

Every accepted decision is appended to a log; each entry's hash covers the previous entry's hash
and the canonical JSON of the entry, so changing, dropping or reordering any entry changes every
hash after it. The service signs checkpoints (size and head hash) with Ed25519; a lead's
workstation that holds a checkpoint and the entries can prove offline that nothing was altered.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS_HASH = "0" * 64
CHECKPOINT_DOMAIN = "reviewer-app audit checkpoint v1"


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry_hash(prev_hash: str, index: int, body: Mapping[str, Any]) -> str:
    """The hash of log entry `index`: SHA-256 over the previous hash, the index and the body."""
    material = b"\n".join(
        (prev_hash.encode("ascii"), str(index).encode("ascii"), canonical_json(dict(body)))
    )
    return sha256_hex(material)


def iso_utc(moment: datetime) -> str:
    """The one text form of a time inside hashed or signed material: UTC, microseconds, `Z`."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in audit material")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_body(
    decision: Mapping[str, Any], profile_sha256: str, recorded_at: datetime
) -> dict[str, Any]:
    """What one log entry's hash covers: the decision as the API shows it (JSON form), the hash
    of the profile revision it was made on, and when the service recorded it."""
    return {
        "decision": dict(decision),
        "profile_sha256": profile_sha256,
        "recorded_at": iso_utc(recorded_at),
    }


def checkpoint_message(size: int, head_hash: str, signed_at: datetime) -> bytes:
    return f"{CHECKPOINT_DOMAIN}\n{size}\n{head_hash}\n{iso_utc(signed_at)}".encode("ascii")


def key_id(public_key_raw: bytes) -> str:
    return sha256_hex(public_key_raw)[:16]


@dataclass(frozen=True, slots=True)
class ChainEntry:
    index: int
    body: Mapping[str, Any]
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True)
class ChainProblem:
    index: int
    problem: str


def verify_chain(
    entries: Iterable[ChainEntry], start_hash: str = GENESIS_HASH
) -> list[ChainProblem]:
    """Every break in the chain, in order; an empty list means the entries are intact.

    Entries must be consecutive from the one that follows `start_hash`.
    """
    problems: list[ChainProblem] = []
    expected_prev = start_hash
    expected_index: int | None = None
    for entry in entries:
        if expected_index is not None and entry.index != expected_index:
            problems.append(ChainProblem(entry.index, f"expected entry {expected_index}"))
        if entry.prev_hash != expected_prev:
            problems.append(ChainProblem(entry.index, "does not link to the entry before it"))
        recomputed = entry_hash(entry.prev_hash, entry.index, entry.body)
        if recomputed != entry.entry_hash:
            problems.append(ChainProblem(entry.index, "content does not match its hash"))
        expected_prev = entry.entry_hash
        expected_index = entry.index + 1
    return problems


def verify_checkpoint(
    public_key_b64: str, size: int, head_hash: str, signed_at: datetime, signature_b64: str
) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        key.verify(
            base64.b64decode(signature_b64, validate=True),
            checkpoint_message(size, head_hash, signed_at),
        )
    except (InvalidSignature, ValueError):
        return False
    return True
