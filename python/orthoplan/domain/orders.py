"""Orders: what can be ordered in which case state, and what it costs."""

from __future__ import annotations

import enum

from .cases import CaseState as S


class OrderKind(enum.IntEnum):
    """Values match orthoplan.v1.OrderKind."""

    ALIGNERS = 1
    RETAINERS = 2
    REPLACEMENT_ALIGNERS = 3
    TPS_OPTIMIZATION = 4


class RetainerSource(enum.IntEnum):
    NEW_SCANS = 1
    LAST_STAGE = 2


# the case states in which each kind may be ordered
ALLOWED_STATES: dict[OrderKind, frozenset[S]] = {
    OrderKind.ALIGNERS: frozenset({S.APPROVED}),
    OrderKind.RETAINERS: frozenset({S.APPROVED, S.IN_PRODUCTION, S.IN_TREATMENT, S.TREATMENT_COMPLETED}),
    OrderKind.REPLACEMENT_ALIGNERS: frozenset({S.IN_PRODUCTION, S.IN_TREATMENT}),
    # at submission, or once a setup exists
    OrderKind.TPS_OPTIMIZATION: frozenset({S.SUBMITTED, S.AWAITING_SETUP, S.SETUP_READY, S.READY_FOR_APPROVAL}),
}

# case action (services.access) each kind needs; a collaborator needs the matching permission
ACTION = {OrderKind.ALIGNERS: "add_order", OrderKind.RETAINERS: "add_order",
          OrderKind.REPLACEMENT_ALIGNERS: "order_replacement", OrderKind.TPS_OPTIMIZATION: "add_order"}

MAX_RETAINER_SETS = 10


def price(kind: OrderKind, fee: int, *, quantity: int = 1, stages: int = 0, optimization_number: int = 1) -> int:
    """In the fee's minor units. A case's first optimization costs the fee, each later one half of
    it, rounded up to the minor unit."""
    if kind == OrderKind.RETAINERS:
        return fee * quantity
    if kind == OrderKind.REPLACEMENT_ALIGNERS:
        return fee * stages
    if kind == OrderKind.TPS_OPTIMIZATION and optimization_number > 1:
        return -(-fee // 2)
    return fee
