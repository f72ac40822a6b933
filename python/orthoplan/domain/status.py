"""The status icon of a case for one viewer, and the thread's posting rule."""

from __future__ import annotations

import enum

from .cases import ARCHIVED, CaseState


class CaseStatus(enum.IntEnum):
    """Values match orthoplan.v1.CaseStatus."""

    AWAITING_SETUP = 1
    EVALUATING_SETUP = 2
    READY_FOR_APPROVAL = 3
    APPROVED = 4
    ARCHIVED = 5
    UNREAD_MESSAGE = 6


_BY_STATE = {CaseState.SETUP_READY: CaseStatus.EVALUATING_SETUP,
             CaseState.READY_FOR_APPROVAL: CaseStatus.READY_FOR_APPROVAL,
             CaseState.APPROVED: CaseStatus.APPROVED, CaseState.IN_PRODUCTION: CaseStatus.APPROVED,
             CaseState.IN_TREATMENT: CaseStatus.APPROVED}

# messages can be posted (and the status changed) only while a setup is being evaluated
MESSAGING_STATES = frozenset({CaseState.SETUP_READY, CaseState.READY_FOR_APPROVAL})


def icon(state: CaseState, unread: int) -> CaseStatus:
    """Archived cases show ARCHIVED whatever is unread (nothing more can happen on them); otherwise
    unread messages win over the state's icon."""
    if state in ARCHIVED:
        return CaseStatus.ARCHIVED
    if unread > 0:
        return CaseStatus.UNREAD_MESSAGE
    return _BY_STATE.get(state, CaseStatus.AWAITING_SETUP)
