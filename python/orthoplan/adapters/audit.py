"""Tamper-evident audit log: each entry carries the SHA-256 of the previous one (a hash chain)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .db.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def digest(state: dict[str, Any] | None) -> str:
    """SHA-256 of a resource's canonical JSON; empty string for 'no state' (created/deleted)."""
    if state is None:
        return ""
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def entry_fields(e: AuditEntry) -> dict[str, str]:
    """What an entry's hash covers, besides its place in the chain."""
    return {"time": _iso(e.time), "organization_id": e.organization_id, "actor_id": e.actor_id,
            "action": e.action, "resource_type": e.resource_type, "resource_id": e.resource_id,
            "source": e.source, "digest_before": e.digest_before, "digest_after": e.digest_after}


def entry_hash(prev: str, seq: int, fields: dict[str, str]) -> str:
    body = json.dumps({"prev": prev, "seq": seq, **fields}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def append(session: Session, *, time: datetime, organization_id: str, actor_id: str, action: str,
           resource_type: str, resource_id: str, source: str, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> None:
    """Appends in the caller's transaction. The head row is locked (FOR UPDATE on PostgreSQL;
    SQLite serializes writers), so concurrent appends chain one after another, never fork."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    fields = {"time": _iso(time), "organization_id": organization_id, "actor_id": actor_id,
              "action": action, "resource_type": resource_type, "resource_id": resource_id,
              "source": source[:200], "digest_before": digest(before), "digest_after": digest(after)}
    seq = head.seq + 1
    h = entry_hash(head.hash, seq, fields)
    session.add(AuditEntry(seq=seq, prev_hash=head.hash, hash=h, **{**fields, "time": time}))
    head.seq, head.hash = seq, h


@dataclass(frozen=True)
class AuditCheck:
    entries: int
    first_bad_seq: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


def verify(session: Session) -> AuditCheck:
    """Recomputes the chain from the retention floor (the last pruned entry, or the genesis);
    reports the first entry whose content or link was altered, or that is missing."""
    head = session.get(AuditHead, 1)
    prev, last_seq = (head.floor_hash, head.floor_seq) if head is not None else (GENESIS, 0)
    count = 0
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
    for e in rows:
        count += 1
        fields = entry_fields(e)
        if e.seq != last_seq + 1:
            return AuditCheck(count, e.seq, f"entry {last_seq + 1} is missing")
        if e.prev_hash != prev:
            return AuditCheck(count, e.seq, "link to the previous entry is broken")
        if entry_hash(prev, e.seq, fields) != e.hash:
            return AuditCheck(count, e.seq, "content does not match its hash")
        prev, last_seq = e.hash, e.seq
    if head is not None and (head.seq, head.hash) != (last_seq, prev):
        return AuditCheck(count, last_seq, "entries after this one were removed")
    return AuditCheck(count, None, "")


def prune(session: Session, *, before: datetime, now: datetime, actor: str) -> int:
    """Retention: deletes the oldest entries up to the last one older than `before` (always a prefix
    of the chain) and moves the floor to it, so what remains still verifies. The pruning itself is
    appended as an entry. Returns how many entries were deleted."""
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    last = session.execute(select(AuditEntry).where(AuditEntry.time < before)
                           .order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()
    if last is None:
        return 0
    deleted = session.execute(delete(AuditEntry).where(AuditEntry.seq <= last.seq)).rowcount
    head.floor_seq, head.floor_hash = last.seq, last.hash
    append(session, time=now, organization_id="", actor_id=actor, action="prune_audit", resource_type="audit_log",
           resource_id=f"1-{last.seq}", source="orthoplan admin", before=None,
           after={"pruned_through_seq": last.seq, "before": _iso(before), "deleted": deleted})
    return deleted


def _iso(t: datetime) -> str:
    """UTC ISO 8601 whatever the driver returns (SQLite: naive UTC; PostgreSQL: session zone)."""
    return (t.astimezone(timezone.utc) if t.tzinfo else t.replace(tzinfo=timezone.utc)).isoformat()
