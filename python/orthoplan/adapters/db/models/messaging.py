"""The outbox and notification preferences, case messages, and durable event topics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import ID, Base


class OutboxMessage(Base):
    """A notification written in the same transaction as its cause; a worker delivers it.

    `dedupe_key` makes one event produce one message per recipient, however often it is retried.
    Payloads carry no patient data beyond a first name.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event: Mapped[str] = mapped_column(String(50))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    sent: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # delivery: when it is due (later for a digest), tries so far, the lease of the worker holding
    # it, and a final failure (a permanent refusal, or too many tries)
    mode: Mapped[int] = mapped_column(Integer, default=1)
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email, or sms (recipient: a mobile)


class NotificationPreference(Base):
    """How a user wants one event type: immediately (1), in a daily (2) or a weekly (3) digest."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    event: Mapped[str] = mapped_column(String(50), primary_key=True)
    mode: Mapped[int] = mapped_column(Integer)


class Message(Base):
    """One message of a case's thread. Posting locks the case row, so within a case ids grow in
    commit order and a read marker ("read up to id N") is exact."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageRead(Base):
    """A user's read marker on a case's thread: every message with id <= last_read_id is read."""

    __tablename__ = "message_reads"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventTopic(Base):
    """The last sequence number of a topic. Publishing increments it under the row lock, so a
    topic's events get gap-free numbers in commit order: a subscriber resumes with `seq > last`."""

    __tablename__ = "event_topics"
    topic: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class Event(Base):
    """A durable event of a topic (`cases/<id>` or `users/<id>`), replayed to resuming streams."""

    __tablename__ = "events"
    topic: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
