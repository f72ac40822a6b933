"""Recall of unfinished treatment: courses of treatment, appointments, and the opportunity rule."""

from __future__ import annotations

import enum
from datetime import timedelta


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
    """What the practice has done so far (orthoplan.v1.OpportunityStatus). Derived in SQL by
    services.opportunities, where the list filters and sorts by it."""

    NEW = 1
    ASSIGNED = 2
    CONTACTED = 3
    SNOOZED = 4
    REJECTED = 5


DEFAULT_WINDOW_DAYS = 365  # courses opened within this many days...
DEFAULT_LOOKAHEAD_DAYS = 90  # ...whose patient has no appointment booked within this many
DEFAULT_SNOOZE = timedelta(weeks=1)
