"""Collaborators: the ten grantable permissions and the states of a collaboration."""

from __future__ import annotations

import enum


class Permission(enum.IntFlag):
    """Bit (v - 1) is orthoplan.v1.CollaboratorPermission value v."""

    ADD_ORDERS = 1 << 0
    ORDER_REPLACEMENT_ALIGNERS = 1 << 1
    DECLINE_SETUPS = 1 << 2
    ALL_CASES = 1 << 3  # added automatically to all current and future cases
    VIEW_CASE_DETAILS = 1 << 4
    REQUEST_REVISIONS = 1 << 5
    APPROVE = 1 << 6  # setups, cases and revisions
    CHANGE_ACCOUNT_INFO = 1 << 7
    CHANGE_PAYMENT_INFO = 1 << 8
    CHANGE_EMAIL_PREFERENCES = 1 << 9



class CollabState(enum.IntEnum):
    """Values match orthoplan.v1.CollaborationState."""

    INVITED = 1  # unknown email: waiting for the invitee to register
    PENDING = 2  # existing user: waiting for them to accept
    ACTIVE = 3
    DECLINED = 4  # the invitee said no
    REMOVED = 5  # the provider removed them: every grant revoked


OPEN_STATES = frozenset({CollabState.INVITED, CollabState.PENDING, CollabState.ACTIVE})

_REVIEW = Permission.DECLINE_SETUPS | Permission.REQUEST_REVISIONS | Permission.APPROVE

# case action (services.access) -> permissions of which a collaborator needs one (none: any
# collaborator the case is shared with); actions absent here are the owning practice's alone
CASE_ACTION_PERMISSION: dict[str, Permission] = {
    "approve_setup": Permission.APPROVE,
    "request_revision": Permission.REQUEST_REVISIONS,
    "decline_setup": Permission.DECLINE_SETUPS,
    "add_order": Permission.ADD_ORDERS,
    "order_replacement": Permission.ORDER_REPLACEMENT_ALIGNERS,
    "ready_for_approval": _REVIEW,
    "create_plan": _REVIEW,
    "back_to_evaluating": _REVIEW,
    "post_message": Permission(0),
}
