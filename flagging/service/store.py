"""The service's tables (SQLAlchemy 2) and how writes are serialised.

Only redacted text is stored (``notes.raw_text`` stays NULL unless the
operator turned raw storage on). Evidence offsets in ``suggestions.evidence``
point into the *redacted* text, so the review page can highlight without the
raw note. Decisions are appended, never updated: the latest one per
suggestion is its status, the history stays.

SQLite runs in WAL mode with a busy timeout, and all writes of one process go
through one lock (:func:`write_session`) so concurrent requests never see
"database is locked"; every write transaction first bumps the single
``audit_head`` row, which on PostgreSQL row-locks the chain head so several
worker processes still append to the audit chain one at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from flagging.service import DECISIONS, ROLES, STATUS_OF  # noqa: F401 - re-exported for the service modules

SCHEMA_VERSION = 1


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    #: SHA-256 of the key; the key itself is shown once, at creation, and never stored
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), index=True)
    area: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM of the note (or of the scan)
    redacted_text: Mapped[str] = mapped_column(Text)
    raw_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    flag: Mapped[bool] = mapped_column(Boolean)
    model: Mapped[str] = mapped_column(String(200))
    scanned_by: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    suggestions: Mapped[list[Suggestion]] = relationship(back_populates="note", order_by="Suggestion.id")


class Suggestion(Base):
    """One category above its threshold in one note: what a reviewer decides on."""

    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    score: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list] = mapped_column(JSON)  # offsets into notes.redacted_text
    context: Mapped[dict] = mapped_column(JSON)
    explanation: Mapped[dict] = mapped_column(JSON)  # entries that fired, model top terms
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[Note] = relationship(back_populates="suggestions")
    decisions: Mapped[list[Decision]] = relationship(back_populates="suggestion", order_by="Decision.id")


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    suggestion: Mapped[Suggestion] = relationship(back_populates="decisions")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The one row naming the last audit entry: deleting the tail of the chain shows here."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class WebSession(Base):
    """A review-page login: the cookie holds a random token, the table its hash and the CSRF token."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Store:
    """Engine, session factory and the write lock for one database."""

    def __init__(self, url: str):
        self.url = url
        kwargs = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.Lock()

    def create_all(self) -> Store:
        from flagging.service.audit import GENESIS

        Base.metadata.create_all(self.engine)
        with self.write_session() as s:
            if s.get(AuditHead, 1) is None:
                s.add(AuditHead(id=1, seq=0, hash=GENESIS))
        return self

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """One write transaction, committed on success, rolled back on any error."""
        with self._lock, self.sessions() as s, s.begin():
            yield s

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
