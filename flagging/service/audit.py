"""Hash-chained audit log: every scan, view and decision appends one entry.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's
canonical JSON (sequence number, time, actor, action, target, details), and
the ``audit_head`` row names the last entry. :func:`verify` recomputes the
chain: an edited entry breaks its own hash, a deleted one leaves a gap in the
sequence or a broken link, a deleted tail disagrees with the head. Entries
hold ids, categories and decisions, never note text or names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from flagging.service.store import AuditEntry, AuditHead, Store, utcnow

GENESIS = "0" * 64


def entry_hash(prev_hash: str, seq: int, ts: str, actor: str, action: str, target: str, details: dict) -> str:
    payload = json.dumps({"seq": seq, "ts": ts, "actor": actor, "action": action, "target": target,
                          "details": details}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def append(session: Session, actor: str, action: str, target: str = "", details: dict[str, Any] | None = None
           ) -> AuditEntry:
    """Append one entry inside the caller's write transaction.

    The head row is bumped first: on PostgreSQL that row-locks the head until
    commit, so concurrent writers from several processes queue here.
    """
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
    session.refresh(head)
    seq, prev = head.seq, head.hash
    ts = utcnow().isoformat(timespec="microseconds") + "Z"
    details = dict(details or {})
    digest = entry_hash(prev, seq, ts, actor, action, target, details)
    entry = AuditEntry(seq=seq, ts=ts, actor=actor, action=action, target=target, details=details,
                       prev_hash=prev, hash=digest)
    session.add(entry)
    head.hash = digest
    return entry


@dataclass
class VerifyResult:
    ok: bool
    entries: int
    head_seq: int
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "head_seq": self.head_seq, "problems": self.problems}


def verify(store: Store, max_problems: int = 50) -> VerifyResult:
    """Recompute the whole chain; any edit, deletion or reordering is a problem."""
    problems: list[str] = []
    prev, expected, count = GENESIS, 1, 0
    with store.read_session() as s:
        head = s.get(AuditHead, 1)
        for e in s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().yield_per(1000):
            count += 1
            if e.seq != expected:
                problems.append(f"entries {expected}..{e.seq - 1} are missing (deleted?)")
            if e.prev_hash != prev:
                problems.append(f"entry {e.seq}: link to the previous entry is broken")
            if entry_hash(e.prev_hash, e.seq, e.ts, e.actor, e.action, e.target, e.details or {}) != e.hash:
                problems.append(f"entry {e.seq}: content does not match its hash (edited?)")
            prev, expected = e.hash, e.seq + 1
            if len(problems) >= max_problems:
                break
        head_seq = head.seq if head else -1
        if head is None:
            problems.append("the audit head row is missing")
        elif len(problems) < max_problems and (head.seq != expected - 1 or head.hash != prev):
            problems.append(f"the head names entry {head.seq} but the chain ends at entry {expected - 1} "
                            "(entries at the end deleted?)")
    return VerifyResult(ok=not problems, entries=count, head_seq=head_seq, problems=problems)
