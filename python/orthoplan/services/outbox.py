"""Notifications are written to the outbox in the caller's transaction; a worker delivers them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..adapters.db import models as m
from .deps import Deps


def enqueue(s: Session, deps: Deps, event: str, *, email: str, user_id: str | None, dedupe_key: str,
            payload: dict[str, Any]) -> m.OutboxMessage:
    """One message per (event, recipient, cause): `dedupe_key` is unique, so a retried cause that
    reaches here twice fails its transaction rather than mailing twice."""
    row = m.OutboxMessage(event=event, recipient_email=email, recipient_user_id=user_id,
                          dedupe_key=dedupe_key[:200], payload=payload, created=deps.clock())
    s.add(row)
    return row
