"""API keys: random, shown once, stored as SHA-256 hashes; one role each.

Keys are 32 random bytes (URL-safe base64, prefixed ``flg_``), so a plain
SHA-256 is a sufficient one-way store (no password stretching needed for
high-entropy secrets). Lookups compare hashes through the unique index.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagging.service.store import ROLES, ApiKey, Store, utcnow

#: What each role may do. Admin manages keys only: it does not read notes.
PERMISSIONS = {
    "integrator": {"scan", "redact"},
    "reviewer": {"review", "export"},
    "analyst": {"areas"},
    "admin": {"keys", "areas"},
}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "flg_" + secrets.token_urlsafe(32)


def create_key(store: Store, name: str, role: str, actor: str = "cli") -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key itself (shown once, never stored)."""
    from flagging.service import audit

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    name = name.strip()[:100] or role
    key = new_key()
    with store.write_session() as s:
        row = ApiKey(name=name, role=role, key_hash=hash_key(key), prefix=key[:8])
        s.add(row)
        s.flush()
        audit.append(s, actor, "key.create", f"key:{row.id}", {"role": role, "name": name})
    return row, key


def revoke_key(store: Store, key_id: int, actor: str = "cli") -> bool:
    from flagging.service import audit

    with store.write_session() as s:
        row = s.get(ApiKey, key_id)
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = utcnow()
        audit.append(s, actor, "key.revoke", f"key:{row.id}", {"role": row.role})
    return True


def lookup(session: Session, key: str) -> ApiKey | None:
    """The active key row for a presented key, or None."""
    if not key or len(key) > 200:
        return None
    row = session.execute(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return row


def allowed(role: str, permission: str) -> bool:
    return permission in PERMISSIONS.get(role, set())
