"""Notifications are written to the outbox in the caller's transaction; a worker delivers them.
A recipient with an account gets each event as they chose: at once, or in a daily or weekly digest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..adapters.db import models as m
from ..domain.notifications import ALWAYS_IMMEDIATE, EVENTS, Mode, due
from .deps import Deps


def mode_for(s: Session, user_id: str | None, event: str) -> Mode:
    if user_id is None or event in ALWAYS_IMMEDIATE:
        return Mode.IMMEDIATE
    chosen = s.execute(select(m.NotificationPreference.mode).where(
        m.NotificationPreference.user_id == user_id, m.NotificationPreference.event == event)).scalar()
    return Mode(chosen) if chosen else Mode.IMMEDIATE


def enqueue(s: Session, deps: Deps, event: str, *, email: str, user_id: str | None, dedupe_key: str,
            payload: dict[str, Any]) -> m.OutboxMessage:
    """One message per (event, recipient, cause): `dedupe_key` is unique, so a retried cause that
    reaches here twice fails its transaction rather than mailing twice."""
    if event not in EVENTS:
        raise ValueError(f"event: {event!r} has no template")
    now = deps.clock()
    mode = mode_for(s, user_id, event)
    row = m.OutboxMessage(event=event, recipient_email=email, recipient_user_id=user_id,
                          dedupe_key=dedupe_key[:200], payload=payload, created=now, mode=int(mode),
                          due=due(mode, now, deps.digest_hour), attempts=0, last_error="")
    s.add(row)
    return row


def enqueue_practice_message(s: Session, deps: Deps, channel: str, to: str, subject: str, body: str,
                             dedupe_key: str) -> m.OutboxMessage:
    """A practice's own message to a patient: email (`to` an address) or SMS (`to` a mobile)."""
    row = enqueue(s, deps, "practice_message", email=to, user_id=None, dedupe_key=dedupe_key,
                  payload={"subject": subject, "body": body})
    row.channel = channel
    return row
