"""Recall of unfinished treatment: courses of treatment, appointments, and the opportunity rule."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta


class Payor(enum.IntEnum):
    """Values match orthoplan.v1.Payor."""

    PRIVATE = 1
    NHS = 2
    INSURER = 3


class AppointmentStatus(enum.IntEnum):
    BOOKED = 1
    ATTENDED = 2
    CANCELLED = 3
    MISSED = 4


class OpportunityStatus(enum.IntEnum):
    """What the practice has done so far (orthoplan.v1.OpportunityStatus)."""

    NEW = 1
    ASSIGNED = 2
    CONTACTED = 3
    SNOOZED = 4
    REJECTED = 5


DEFAULT_WINDOW_DAYS = 365  # courses opened within this many days...
DEFAULT_LOOKAHEAD_DAYS = 90  # ...whose patient has no appointment booked within this many
DEFAULT_SNOOZE = timedelta(weeks=1)


def status(rejected: bool, snoozed_until: datetime | None, last_contact: datetime | None,
           assignee_id: str | None, now: datetime) -> OpportunityStatus:
    if rejected:
        return OpportunityStatus.REJECTED
    if snoozed_until is not None and snoozed_until > now:
        return OpportunityStatus.SNOOZED
    if last_contact is not None:
        return OpportunityStatus.CONTACTED
    if assignee_id:
        return OpportunityStatus.ASSIGNED
    return OpportunityStatus.NEW


def needs_action(assignee_id: str | None, user_id: str, snoozed_until: datetime | None,
                 assigned_at: datetime | None, last_contact: datetime | None, now: datetime) -> bool:
    """The red light: assigned to this user, not snoozed, and not contacted since it was assigned."""
    return (assignee_id == user_id and (snoozed_until is None or snoozed_until <= now)
            and (last_contact is None or (assigned_at is not None and last_contact < assigned_at)))
