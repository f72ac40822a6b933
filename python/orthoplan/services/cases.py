"""Cases: create as draft, read, list with filter/order/keyset pages, prescription, transitions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import case, func, select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain.errors import Collector, FailedPrecondition, Violation
from ..domain.identity import Principal
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .case_events import case_changed
from .concurrency import check_etag
from .deps import Deps


@dataclass(frozen=True)
class Prescription:
    goals: str = ""
    arches: tuple[str, ...] = ()
    teeth_not_to_move: tuple[int, ...] = ()
    ipr_allowed: bool = False
    attachments_allowed: bool = False

    def as_json(self) -> dict:
        return {"goals": self.goals, "arches": list(self.arches), "teeth_not_to_move": list(self.teeth_not_to_move),
                "ipr_allowed": self.ipr_allowed, "attachments_allowed": self.attachments_allowed}


def check_prescription(c: Collector, rx: Prescription) -> Prescription:
    goals = v.text(c, "case.prescription.goals", rx.goals, max_len=5000, required=False)
    for i, a in enumerate(rx.arches):
        if a not in ("upper", "lower"):
            c.add(f"case.prescription.arches[{i}]", "must be 'upper' or 'lower'")
    if len(set(rx.arches)) != len(rx.arches):
        c.add("case.prescription.arches", "lists an arch twice")
    for i, t in enumerate(rx.teeth_not_to_move):
        if not (t // 10 in (1, 2, 3, 4) and 1 <= t % 10 <= 8):
            c.add(f"case.prescription.teeth_not_to_move[{i}]", f"{t} is not an FDI permanent tooth (11-48)")
    return Prescription(goals, tuple(rx.arches), tuple(sorted(set(rx.teeth_not_to_move))), rx.ipr_allowed,
                        rx.attachments_allowed)


def create_case(uow: SqlUnitOfWork, deps: Deps, p: Principal, kind: int, patient_id: str,
                rx: Prescription) -> m.Case:
    access.require_case_action(p, "create")
    c = Collector()
    if kind not in {int(k) for k in dc.CaseKind}:
        c.add("case.kind", "must be ALIGNER, REFINEMENT or RETAINER")
    v.ident(c, "case.patient_id", patient_id)
    rx = check_prescription(c, rx)
    c.raise_if_any()
    s = uow.session
    patient = access.visible_patient(s, p, patient_id)
    # the per-organization counter row is locked so that case numbers never repeat
    org = s.execute(select(m.Organization).where(m.Organization.id == p.organization_id).with_for_update()).scalar_one()
    org.case_seq += 1
    now = deps.clock()
    row = m.Case(id=uuid.uuid4().hex, organization_id=p.organization_id, number=dc.human_number(org.case_seq),
                 kind=kind, state=int(dc.CaseState.DRAFT), patient_id=patient.id, provider_id=patient.provider_id,
                 location_id=patient.location_id, prescription=rx.as_json(), created=now, updated=now)
    s.add(row)
    uow.flush()
    record(s, deps, p, "create_case", "case", row.id, None, snapshot(row))
    return row


def get_case(uow: SqlUnitOfWork, p: Principal, case_id: str) -> tuple[m.Case, access.CaseAccess]:
    """The case and how the caller sees it (a collaborator without VIEW_CASE_DETAILS gets no
    prescription: the API layer redacts by CaseAccess.may_view_details)."""
    v.require_id("id", case_id)
    return access.visible_case(uow.session, p, case_id)


CASES = listing.Listing(
    "cases",
    filters={"state": listing.Term(m.Case.state, dc.CaseState), "kind": listing.Term(m.Case.kind, dc.CaseKind),
             "provider_id": listing.Term(m.Case.provider_id), "patient_id": listing.Term(m.Case.patient_id),
             "location_id": listing.Term(m.Case.location_id)},
    orders={"create_time": (m.Case.created,), "update_time": (m.Case.updated,), "number": (m.Case.number,)},
    default_order="create_time desc", tiebreak=m.Case.id)


def list_cases(uow: SqlUnitOfWork, p: Principal, page_size: int, page_token: str, filter_text: str,
               order_by: str, *, shared_only: bool = False,
               query: str = "") -> tuple[list[tuple[m.Case, str, bool]], str]:
    """Rows with the patient's display name and whether the case is the caller's own practice's
    (else shared with it). `shared_only` is the collaborator dashboard; `query` matches a case
    number or part of the patient's name."""
    c = Collector()
    search = v.text(c, "query", query, max_len=200, required=False)
    req = listing.check(c, CASES, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    own = access.own_case_condition(p)
    seen = access.shared_case_condition(p) & ~own if shared_only else access.case_condition(p)
    q = (select(m.Case, m.Patient.first_name, m.Patient.last_name, case((own, True), else_=False))
         .join(m.Patient, m.Patient.id == m.Case.patient_id).where(seen))
    if search:
        name = func.lower(m.Patient.first_name + " " + m.Patient.last_name)
        q = q.where((func.upper(m.Case.number) == search.upper()) | name.contains(search.lower(), autoescape=True))
    rows, nxt = req.fetch(uow.session, q, (p.user_id, shared_only, search))
    return [(r[0], f"{r[1]} {r[2]}", bool(r[3])) for r in rows], nxt


def locked_for_change(uow: SqlUnitOfWork, p: Principal, case_id: str, etag: str,
                       action: str) -> m.Case:
    v.require_id("id", case_id)
    row, acc = access.visible_case(uow.session, p, case_id, lock=True)
    check_etag(row, etag, f"case {case_id}")
    access.require_case_action(p, action, acc)
    return row


def update_prescription(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, etag: str,
                        rx: Prescription) -> m.Case:
    c = Collector()
    rx = check_prescription(c, rx)
    c.raise_if_any()
    row = locked_for_change(uow, p, case_id, etag, "edit")
    if row.state != dc.CaseState.DRAFT:
        raise FailedPrecondition("the prescription can change only while the case is a DRAFT",
                                 [Violation("case.state", f"is {dc.CaseState(row.state).name}")], reason="CASE_STATE")
    before = snapshot(row)
    row.prescription, row.updated = rx.as_json(), deps.clock()
    uow.flush()
    record(uow.session, deps, p, "update_prescription", "case", row.id, before, snapshot(row))
    return row


@dataclass(frozen=True)
class TransitionArgs:
    case_id: str
    etag: str = ""
    reason: str = ""


def transition_case(uow: SqlUnitOfWork, deps: Deps, p: Principal, name: str, a: TransitionArgs) -> m.Case:
    c = Collector()
    v.text(c, "reason", a.reason, max_len=2000, required=False)
    c.raise_if_any()
    row = locked_for_change(uow, p, a.case_id, a.etag, name)
    if name == "submit":
        _require_complete(row)
    before = snapshot(row)
    row.state = int(dc.transition(dc.CaseState(row.state), name))
    row.updated = deps.clock()
    if name == "submit":
        row.submitted_at = row.updated
    uow.flush()  # version_id_col makes this a compare-and-set: a concurrent writer gets StaleEtag
    record(uow.session, deps, p, name + "_case", "case", row.id, before, {**snapshot(row), "reason": a.reason})
    case_changed(uow, deps, row)
    return row


def _require_complete(row: m.Case) -> None:
    rx = row.prescription or {}
    missing = []
    if not rx.get("goals"):
        missing.append(Violation("case.prescription.goals", "is required to submit"))
    if not rx.get("arches"):
        missing.append(Violation("case.prescription.arches", "name at least one arch to submit"))
    if missing:
        raise FailedPrecondition("the prescription is incomplete", missing, reason="PRESCRIPTION_INCOMPLETE")
