"""Orders on a case and the organization's fee schedule. Prices are fixed when an order is placed."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain import setups as ds
from ..domain.collaboration import CollabState
from ..domain.errors import Collector, FailedPrecondition, NotFound, PermissionDenied, Violation
from ..domain.identity import Principal, Role
from ..domain.orders import ACTION, ALLOWED_STATES, MAX_RETAINER_SETS, OrderKind, RetainerSource, price
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .case_events import case_changed
from .deps import Deps

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class OrderArgs:
    case_id: str
    kind: int
    retainer_source: int = 0
    quantity: int = 0
    stages: tuple[int, ...] = ()
    tps_collaborator_id: str = ""


def _check(c: Collector, a: OrderArgs) -> None:
    v.ident(c, "case_id", a.case_id)
    if a.kind not in {int(k) for k in OrderKind}:
        c.add("kind", "must be ALIGNERS, RETAINERS, REPLACEMENT_ALIGNERS or TPS_OPTIMIZATION")
        return
    kind = OrderKind(a.kind)
    if kind == OrderKind.RETAINERS:
        if a.retainer_source not in {int(s) for s in RetainerSource}:
            c.add("retainer_source", "must be NEW_SCANS or LAST_STAGE")
        if not 1 <= a.quantity <= MAX_RETAINER_SETS:
            c.add("quantity", f"must be 1-{MAX_RETAINER_SETS}")
    elif a.retainer_source or a.quantity:
        c.add("retainer_source" if a.retainer_source else "quantity", "only for RETAINERS")
    if kind == OrderKind.REPLACEMENT_ALIGNERS:
        if not 1 <= len(a.stages) <= 50:
            c.add("stages", "name 1-50 stages")
        elif len(set(a.stages)) != len(a.stages):
            c.add("stages", "names a stage twice")
    elif a.stages:
        c.add("stages", "only for REPLACEMENT_ALIGNERS")
    if kind == OrderKind.TPS_OPTIMIZATION:
        v.ident(c, "tps_collaborator_id", a.tps_collaborator_id)
    elif a.tps_collaborator_id:
        c.add("tps_collaborator_id", "only for TPS_OPTIMIZATION")


def _approved_setup(s, case_id: str) -> m.TreatmentSetup | None:
    return s.execute(select(m.TreatmentSetup).where(m.TreatmentSetup.case_id == case_id,
                                                    m.TreatmentSetup.state == int(ds.SetupState.APPROVED))
                     .order_by(m.TreatmentSetup.version.desc()).limit(1)).scalar()


def _fee(s, organization_id: str, kind: OrderKind) -> m.Fee:
    fee = s.get(m.Fee, (organization_id, int(kind)))
    if fee is None:
        raise FailedPrecondition(f"the fee schedule has no price for {kind.name}",
                                 [Violation("fee_schedule", f"set a fee for {kind.name} first")], reason="NO_FEE")
    return fee


def place_order(uow: SqlUnitOfWork, deps: Deps, p: Principal, a: OrderArgs) -> m.Order:
    c = Collector()
    _check(c, a)
    c.raise_if_any()
    kind = OrderKind(a.kind)
    s = uow.session
    case, acc = access.visible_case(s, p, a.case_id, lock=True)
    access.require_case_action(p, ACTION[kind], acc)
    state = dc.CaseState(case.state)
    if state not in ALLOWED_STATES[kind]:
        allowed = ", ".join(sorted(x.name for x in ALLOWED_STATES[kind]))
        raise FailedPrecondition(f"{kind.name} cannot be ordered while the case is {state.name}",
                                 [Violation("case.state", f"is {state.name}; {kind.name} needs {allowed}")],
                                 reason="CASE_STATE")
    details: dict = {}
    units, number = 1, 1
    if kind in (OrderKind.REPLACEMENT_ALIGNERS,) or (kind == OrderKind.RETAINERS
                                                      and a.retainer_source == RetainerSource.LAST_STAGE):
        setup = _approved_setup(s, case.id)
        if setup is None:
            raise FailedPrecondition("the case has no approved setup", [Violation("case", "approve a setup first")],
                                     reason="NO_APPROVED_SETUP")
        if kind == OrderKind.REPLACEMENT_ALIGNERS:
            count = ds.plan_from_json(setup.plan).stage_count
            bad = [st for st in a.stages if not 1 <= st <= count]
            if bad:
                raise FailedPrecondition("no such stages", [Violation("stages", f"{bad} are outside 1-{count} of "
                                                                                f"setup v{setup.version}")],
                                         reason="NO_SUCH_STAGE")
            details["stages"], units = sorted(a.stages), len(a.stages)
        details["setup_version"] = setup.version
    if kind == OrderKind.RETAINERS:
        details.update(retainer_source=a.retainer_source, quantity=a.quantity)
        if a.retainer_source == RetainerSource.NEW_SCANS:
            scans = s.execute(select(func.count()).select_from(m.CaseRecord).where(
                m.CaseRecord.case_id == case.id, m.CaseRecord.kind.in_([1, 2]))).scalar()
            if not scans:
                raise FailedPrecondition("retainers from new scans need the scans",
                                         [Violation("case.records", "upload the upper and/or lower scan first")],
                                         reason="NO_SCANS")
    if kind == OrderKind.TPS_OPTIMIZATION:
        grant = s.get(m.Collaboration, a.tps_collaborator_id)
        if grant is None or grant.provider_id != case.provider_id:
            raise NotFound(f"collaborator {a.tps_collaborator_id} not found")
        if grant.state != int(CollabState.ACTIVE):
            raise FailedPrecondition("the planning service has not accepted the collaboration",
                                     [Violation("tps_collaborator_id", f"is {CollabState(grant.state).name}")],
                                     reason="COLLABORATION_STATE")
        number = 1 + s.execute(select(func.count()).select_from(m.Order).where(
            m.Order.case_id == case.id, m.Order.kind == int(OrderKind.TPS_OPTIMIZATION))).scalar()
        details.update(tps_collaborator_id=grant.id, optimization_number=number)
        if s.get(m.CaseShare, (case.id, grant.id)) is None:  # placing it shares the case with the TPS
            s.add(m.CaseShare(case_id=case.id, collaboration_id=grant.id, created=deps.clock()))
            record(s, deps, p, "share_case", "collaboration", grant.id, None, {"case_id": case.id, "by": "tps_order"})
    fee = _fee(s, case.organization_id, kind)
    amount = price(kind, fee.amount_minor, quantity=a.quantity or 1, stages=units, optimization_number=number)
    now = deps.clock()
    row = m.Order(id=uuid.uuid4().hex, case_id=case.id, kind=int(kind), details=details, amount_minor=amount,
                  currency=fee.currency, billed_to=case.provider_id, placed_by=p.user_id, created=now)
    s.add(row)
    if kind == OrderKind.ALIGNERS:
        before = snapshot(case)
        case.state = int(dc.transition(state, "start_production"))
        case.updated = now
        uow.flush()
        record(s, deps, p, "start_production_case", "case", case.id, before, snapshot(case))
        case_changed(uow, deps, case)
    uow.flush()
    record(s, deps, p, "place_order", "order", row.id, None, snapshot(row))
    return row


def get_order(uow: SqlUnitOfWork, p: Principal, order_id: str) -> m.Order:
    v.require_id("id", order_id)
    row = uow.session.get(m.Order, order_id)
    if row is None:
        raise NotFound(f"order {order_id} not found")
    try:
        access.visible_case(uow.session, p, row.case_id)
    except NotFound:
        raise NotFound(f"order {order_id} not found") from None
    return row


ORDERS = listing.Listing("orders", filters={"kind": listing.Term(m.Order.kind, OrderKind)},
                         orders={"create_time": (m.Order.created,)}, default_order="create_time desc",
                         tiebreak=m.Order.id)


def list_orders(uow: SqlUnitOfWork, p: Principal, case_id: str, page_size: int, page_token: str,
                filter_text: str, order_by: str) -> tuple[list[m.Order], str]:
    c = Collector()
    v.ident(c, "case_id", case_id)
    req = listing.check(c, ORDERS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    access.visible_case(uow.session, p, case_id)
    rows, nxt = req.fetch(uow.session, select(m.Order).where(m.Order.case_id == case_id), (p.user_id, case_id))
    return [r[0] for r in rows], nxt


def fee_schedule(uow: SqlUnitOfWork, p: Principal) -> list[m.Fee]:
    return list(uow.session.execute(select(m.Fee).where(m.Fee.organization_id == p.organization_id)
                                    .order_by(m.Fee.kind)).scalars())


def update_fee_schedule(uow: SqlUnitOfWork, deps: Deps, p: Principal,
                        fees: list[tuple[int, int, str]]) -> list[m.Fee]:
    """`fees`: (kind, amount in minor units, currency); replaces the whole schedule."""
    if p.role != Role.SUPER_ADMIN:
        raise PermissionDenied("only a SUPER_ADMIN sets the fee schedule")
    c = Collector()
    seen: set[int] = set()
    for i, (kind, amount, currency) in enumerate(fees):
        if kind not in {int(k) for k in OrderKind}:
            c.add(f"schedule.fees[{i}].kind", "must be an OrderKind")
        elif kind in seen:
            c.add(f"schedule.fees[{i}].kind", "is priced twice")
        seen.add(kind)
        if not 0 <= amount <= 10**12:
            c.add(f"schedule.fees[{i}].price.amount_minor", "must be 0 or more (minor units)")
        if not _CURRENCY.match(currency):
            c.add(f"schedule.fees[{i}].price.currency", "must be an ISO 4217 code such as EUR")
    if len({cur for _, _, cur in fees}) > 1:
        c.add("schedule.fees", "use one currency for every fee")
    c.raise_if_any()
    s = uow.session
    before = {f.kind: [f.amount_minor, f.currency] for f in fee_schedule(uow, p)}
    s.execute(delete(m.Fee).where(m.Fee.organization_id == p.organization_id))
    for kind, amount, currency in fees:
        s.add(m.Fee(organization_id=p.organization_id, kind=kind, amount_minor=amount, currency=currency))
    uow.flush()
    record(s, deps, p, "update_fee_schedule", "organization", p.organization_id, {"fees": before},
           {"fees": {k: [a, cur] for k, a, cur in fees}})
    return fee_schedule(uow, p)
