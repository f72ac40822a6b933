"""The case lifecycle: one state machine, changed only through named transitions."""

from __future__ import annotations

import enum

from .errors import FailedPrecondition, Violation


class CaseState(enum.IntEnum):
    """Values match orthoplan.v1.CaseState."""

    DRAFT = 1
    SUBMITTED = 2
    AWAITING_SETUP = 3
    SETUP_READY = 4
    READY_FOR_APPROVAL = 5
    APPROVED = 6
    IN_PRODUCTION = 7
    IN_TREATMENT = 8
    TREATMENT_COMPLETED = 9
    CANCELLED = 10
    CLOSED = 11


class CaseKind(enum.IntEnum):
    ALIGNER = 1
    REFINEMENT = 2
    RETAINER = 3


S = CaseState
ARCHIVED = frozenset({S.TREATMENT_COMPLETED, S.CANCELLED, S.CLOSED})
OPEN = frozenset(CaseState) - ARCHIVED

# transition name -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[CaseState], CaseState]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "accept": (frozenset({S.SUBMITTED}), S.AWAITING_SETUP),
    "setup_ready": (frozenset({S.AWAITING_SETUP}), S.SETUP_READY),
    # a proposed setup edited (EditTarget): the new version is the one to evaluate
    "edit_setup": (frozenset({S.SETUP_READY, S.READY_FOR_APPROVAL}), S.SETUP_READY),
    "ready_for_approval": (frozenset({S.SETUP_READY}), S.READY_FOR_APPROVAL),
    "back_to_evaluating": (frozenset({S.READY_FOR_APPROVAL}), S.SETUP_READY),
    "approve": (frozenset({S.SETUP_READY, S.READY_FOR_APPROVAL}), S.APPROVED),
    "request_revision": (frozenset({S.SETUP_READY, S.READY_FOR_APPROVAL}), S.AWAITING_SETUP),
    "decline": (frozenset({S.SETUP_READY, S.READY_FOR_APPROVAL}), S.AWAITING_SETUP),
    "start_production": (frozenset({S.APPROVED}), S.IN_PRODUCTION),
    "start_treatment": (frozenset({S.IN_PRODUCTION}), S.IN_TREATMENT),
    "complete": (frozenset({S.IN_TREATMENT}), S.TREATMENT_COMPLETED),
    "cancel": (OPEN, S.CANCELLED),
    "close": (OPEN, S.CLOSED),
}


def transition(state: CaseState, name: str) -> CaseState:
    """The state after `name`, or FailedPrecondition naming the rule when `state` does not allow it."""
    sources, target = TRANSITIONS[name]
    if state not in sources:
        allowed = ", ".join(sorted(s.name for s in sources))
        raise FailedPrecondition(
            f"cannot {name.replace('_', ' ')} a case in state {state.name}",
            [Violation(f"case.state.{name}", f"allowed only from {allowed}; the case is {state.name}")],
            reason="CASE_STATE")
    return target


def human_number(sequence: int) -> str:
    """Case number shown to people: C-000042."""
    return f"C-{sequence:06d}"
