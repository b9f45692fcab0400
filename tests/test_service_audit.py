"""The signed audit log as a lead downloads it: the hash chain, the checkpoint signature, the
profile each decision was made on, tampering, and the signing key across a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from servicekit import (
    LEAD,
    REVIEWER,
    Api,
    Clock,
    Running,
    decision_for,
    earlier_decline,
    make_application,
    running,
    sqlite_url,
)
from sqlalchemy import select

from reviewer_app.core import audit
from reviewer_app.core.wire import AuditEntriesOut, CheckpointOut
from reviewer_app.service import db


def download(lead: Api, page: int = 4) -> tuple[list[audit.ChainEntry], AuditEntriesOut]:
    """Every entry, in pages of `page`, parsed through the wire models as a client does."""
    chain: list[audit.ChainEntry] = []
    after = 0
    while True:
        answer = lead.get("/audit/entries", params={"after": after, "limit": page})
        assert answer.status_code == 200, answer.text
        parsed = AuditEntriesOut.model_validate(answer.json())
        chain += [
            audit.ChainEntry(
                entry.index,
                audit.entry_body(
                    entry.decision.model_dump(mode="json"), entry.profile_sha256, entry.recorded_at
                ),
                entry.prev_hash,
                entry.entry_hash,
            )
            for entry in parsed.entries
        ]
        if parsed.next_index >= parsed.size:
            return chain, parsed
        assert parsed.next_index == after + page
        after = parsed.next_index


def checkpoint(lead: Api) -> CheckpointOut:
    answer = lead.get("/audit/checkpoint")
    assert answer.status_code == 200, answer.text
    return CheckpointOut.model_validate(answer.json())


def verifies(config: dict[str, Any], point: CheckpointOut) -> bool:
    return audit.verify_checkpoint(
        config["audit_public_key"], point.size, point.head_hash, point.signed_at, point.signature
    )


def make_decisions(svc: Running, count: int) -> list[dict[str, Any]]:
    api = svc.client(REVIEWER)
    bodies = []
    for n, lease in enumerate(api.claim(count)):
        if n % 4 == 0:
            bodies.append(decision_for(lease, "decline", ["other"], note=f"note {n} – ünïcödé"))
        elif n % 4 == 1:
            bodies.append(decision_for(lease, "escalate"))
        else:
            bodies.append(decision_for(lease, "accept", handling_ms=1000 + n))
    assert {r["status"] for r in api.decide(*bodies)} == {"accepted"}
    return bodies


def test_a_lead_verifies_the_chain_and_the_signed_checkpoint(
    svc_any: Running, clock: Clock
) -> None:
    svc = svc_any
    svc.add([(make_application(400, earlier_decline=earlier_decline(400)), {})])
    bodies = make_decisions(svc, 10)
    clock.advance(minutes=3)
    lead = svc.client(LEAD)
    config = lead.get("/config").json()

    chain, last_page = download(lead)
    assert len(chain) == last_page.size == 11  # the seeded decision, then ours
    assert [e.index for e in chain] == list(range(11))
    assert chain[0].prev_hash == audit.GENESIS_HASH
    assert audit.verify_chain(chain) == []
    assert [e.body["decision"]["decision_id"] for e in chain[1:]] == [
        b["decision_id"] for b in bodies
    ]

    point = checkpoint(lead)
    assert point.size == len(chain)
    assert point.head_hash == chain[-1].entry_hash
    assert point.key_id == config["audit_key_id"]
    assert point.signed_at == clock()
    assert verifies(config, point)
    assert not verifies(config, point.model_copy(update={"size": point.size - 1}))
    assert not verifies(config, point.model_copy(update={"head_hash": chain[-2].entry_hash}))

    # Each entry names the profile revision as it was seen: the hash of its canonical JSON.
    for entry in chain:
        decision = entry.body["decision"]
        details = lead.get(f"/applications/{decision['application_id']}").json()
        [seen] = [r for r in details["revisions"] if r["revision"] == decision["revision"]]
        assert entry.body["profile_sha256"] == audit.sha256_hex(
            audit.canonical_json(seen["profile"])
        )


def test_an_empty_log_has_a_signed_genesis_checkpoint(svc: Running) -> None:
    lead = svc.client(LEAD)
    entries = lead.get("/audit/entries").json()
    assert entries == {"entries": [], "next_index": 0, "size": 0}
    point = checkpoint(lead)
    assert point.size == 0
    assert point.head_hash == audit.GENESIS_HASH
    assert verifies(lead.get("/config").json(), point)


def tamper(svc: Running, index: int, change: Any) -> None:
    """Edit a stored log entry behind the service's back, as someone with database access."""
    with svc.store.write() as session:
        row = session.scalars(select(db.AuditEntry).where(db.AuditEntry.index == index)).one()
        body = {**row.body, "decision": dict(row.body["decision"])}
        change(body)
        row.body = body


def test_an_edited_entry_is_detected(svc_any: Running) -> None:
    svc = svc_any
    make_decisions(svc, 6)
    lead = svc.client(LEAD)
    chain, _ = download(lead)
    assert audit.verify_chain(chain) == []

    def flip(body: dict[str, Any]) -> None:
        body["decision"]["outcome"] = "decline"
        body["decision"]["reason_codes"] = ["under_18"]

    tamper(svc, 2, flip)
    chain, _ = download(lead)
    problems = audit.verify_chain(chain)
    assert [(p.index, p.problem) for p in problems] == [(2, "content does not match its hash")]
    assert chain[2].body["decision"]["outcome"] == "decline"


def test_a_rewritten_chain_is_caught_by_an_earlier_checkpoint(svc_any: Running) -> None:
    """Someone who edits an entry and recomputes every hash after it makes a chain that is
    consistent in itself, but no longer matches the checkpoint a lead holds."""
    svc = svc_any
    make_decisions(svc, 5)
    lead = svc.client(LEAD)
    config = lead.get("/config").json()
    held = checkpoint(lead)

    with svc.store.write() as session:
        rows = session.scalars(select(db.AuditEntry).order_by(db.AuditEntry.index)).all()
        prev = rows[1].prev_hash
        for row in rows[1:]:
            body = {**row.body, "decision": dict(row.body["decision"])}
            if row.index == 1:
                body["decision"]["note"] = "nothing to see here"
            row.body, row.prev_hash = body, prev
            row.entry_hash = prev = audit.entry_hash(prev, row.index, body)

    chain, _ = download(lead)
    assert audit.verify_chain(chain) == []  # consistent in itself …
    assert chain[1].body["decision"]["note"] == "nothing to see here"
    assert verifies(config, held)
    assert chain[held.size - 1].entry_hash != held.head_hash  # … but not what was signed
    # The service cannot sign the rewritten head under the old checkpoint's terms either.
    fresh = checkpoint(lead)
    assert fresh.head_hash == chain[-1].entry_hash
    assert not verifies(config, held.model_copy(update={"head_hash": fresh.head_hash}))


def test_the_signing_key_survives_a_restart(tmp_path: Path, clock: Clock) -> None:
    with running(sqlite_url(tmp_path / "queue.sqlite3"), applications=4, clock=clock) as svc:
        make_decisions(svc, 2)
        lead = svc.client(LEAD)
        before = lead.get("/config").json()
        held = checkpoint(lead)

        svc.restart()
        lead = svc.client(LEAD)
        after = lead.get("/config").json()
        assert after["audit_key_id"] == before["audit_key_id"]
        assert after["audit_public_key"] == before["audit_public_key"]
        assert verifies(after, held)

        make_decisions(svc, 2)
        chain, _ = download(lead)
        assert len(chain) == 4
        assert audit.verify_chain(chain) == []
        point = checkpoint(lead)
        assert point.key_id == held.key_id
        assert verifies(after, point)
        assert chain[held.size - 1].entry_hash == held.head_hash


def test_audit_paging_is_bounded_and_reports_the_size(svc: Running) -> None:
    make_decisions(svc, 3)
    lead = svc.client(LEAD)
    page = lead.get("/audit/entries", params={"after": 1, "limit": 1}).json()
    assert [e["index"] for e in page["entries"]] == [1]
    assert page["next_index"] == 2
    assert page["size"] == 3
    past = lead.get("/audit/entries", params={"after": 10}).json()
    assert past == {"entries": [], "next_index": 10, "size": 3}
    for params in ({"limit": 0}, {"limit": 1001}, {"after": -1}):
        refused = lead.get("/audit/entries", params=params)
        assert refused.status_code == 422, params
        assert next(iter(params)) in refused.json()["detail"]
