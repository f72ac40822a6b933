"""Treatment packs and the follow-up pipeline."""

from __future__ import annotations

import enum
from datetime import timedelta


class Stage(enum.IntEnum):
    """Values match orthoplan.v1.PackStage."""

    NOT_SENT = 1
    SENT = 2
    FOLLOW_UP_REQUIRED = 3
    REQUESTED_TO_PROCEED = 4
    BOOKED = 5
    NOT_PROCEEDING = 6


class PlanType(enum.IntEnum):
    ORAL_HEALTH = 1
    AESTHETIC = 2
    BOTH = 3


MAX_IMAGES = 3
MAX_OPTIONS = 6
DEFAULT_LINK_LIFETIME = timedelta(days=14)
# what the patient's own actions through the link do to the stage (never moving a pack back from
# BOOKED or NOT_PROCEEDING, which the team decides)
AFTER_REPLY = {Stage.SENT: Stage.FOLLOW_UP_REQUIRED}
AFTER_PROCEED = {Stage.SENT: Stage.REQUESTED_TO_PROCEED, Stage.FOLLOW_UP_REQUIRED: Stage.REQUESTED_TO_PROCEED}
