"""Notification events, the delivery modes a user picks per event, and when a digest is due."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta


class Mode(enum.IntEnum):
    """Values match orthoplan.v1.DeliveryMode."""

    IMMEDIATE = 1
    DAILY_DIGEST = 2
    WEEKLY_DIGEST = 3


# event -> what the email is about (its subject); the templates are files named after the event
EVENTS: dict[str, str] = {
    "collaborator_invited": "You are invited to collaborate on orthoplan",
    "collaborator_request": "A provider asks you to collaborate",
    "collaborator_added": "Your collaborator accepted",
    "setup_ready": "A treatment setup is ready for review",
    "revision_requested": "A revision was requested",
    "setup_declined": "A treatment setup was declined",
    "setup_approved": "A treatment setup was approved",
    "new_message": "New message on a case",
    "practice_message": "",  # a practice's own message to a patient: its subject comes with it
}

# invitations go to people without an account (no preferences) and must arrive at once
ALWAYS_IMMEDIATE = frozenset({"collaborator_invited", "collaborator_request", "practice_message"})


def due(mode: Mode, now: datetime, digest_hour: int) -> datetime:
    """When a notification created at `now` is sent: now, or at the next digest time (daily at
    `digest_hour` UTC; weekly on Monday at that hour)."""
    if mode == Mode.IMMEDIATE:
        return now
    at = now.replace(hour=digest_hour, minute=0, second=0, microsecond=0)
    if at <= now:
        at += timedelta(days=1)
    if mode == Mode.WEEKLY_DIGEST:
        at += timedelta(days=(7 - at.weekday()) % 7)
    return at
