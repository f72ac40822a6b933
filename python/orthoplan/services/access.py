"""Authorization in one place: which rows a principal may see and what it may do to them.

Visibility is expressed as SQL conditions so the database filters lists; an invisible resource is
reported exactly like an absent one (NotFound). A case is seen either from the owning practice (role
scope) or through an ACTIVE collaboration (shared one by one, or all of the provider's cases with the
ALL_CASES permission); what a collaborator may do is decided by its permissions, never by its role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, false, func, select, true
from sqlalchemy.orm import Session

from ..adapters.db import models as m
from ..domain.collaboration import CASE_ACTION_PERMISSION, CollabState, Permission
from ..domain.errors import NotFound, PermissionDenied
from ..domain.identity import ADMIN_ROLES, Principal, Role


@dataclass(frozen=True)
class _Who:
    """The principal's values as the conditions use them: literals, or bind parameters in the
    statements cached per role (one definition of every rule, two bindings)."""

    uid: Any
    org: Any
    region: Any
    locs: Any


def _literal(p: Principal) -> _Who:
    return _Who(p.user_id, p.organization_id, p.region_id or "", sorted(p.location_ids))


_BOUND = _Who(bindparam("p_uid"), bindparam("p_org"), bindparam("p_region"), bindparam("p_locs", expanding=True))


def _bind(p: Principal) -> dict[str, Any]:
    w = _literal(p)
    return {"p_uid": w.uid, "p_org": w.org, "p_region": w.region, "p_locs": w.locs}


def _location(role: Role, w: _Who, column) -> ColumnElement[bool]:
    if role == Role.SUPER_ADMIN:
        return true()
    if role == Role.REGIONAL_ADMIN:  # "" (no region) matches no location
        return column.in_(select(m.Location.id).where(m.Location.region_id == w.region))
    if role in (Role.LOCATION_ADMIN, Role.TREATMENT_COORDINATOR):
        return column.in_(w.locs)
    return false()


def _own_case(role: Role, w: _Who) -> ColumnElement[bool]:
    org = m.Case.organization_id == w.org
    if role == Role.PROVIDER:
        return org & (m.Case.provider_id == w.uid)
    if role == Role.RECEPTION:
        return false()
    return org & _location(role, w, m.Case.location_id)


def _shared_case(w: _Who) -> ColumnElement[bool]:
    active = (m.Collaboration.collaborator_id == w.uid) & (m.Collaboration.state == int(CollabState.ACTIVE))
    one_by_one = (select(m.CaseShare.case_id).join(m.Collaboration, m.Collaboration.id == m.CaseShare.collaboration_id)
                  .where(active))
    all_cases = select(m.Collaboration.provider_id).where(
        active, m.Collaboration.permissions.op("&")(int(Permission.ALL_CASES)) != 0)
    return m.Case.id.in_(one_by_one) | m.Case.provider_id.in_(all_cases)


def location_condition(p: Principal, column) -> ColumnElement[bool]:
    """Rows whose location `column` lies within the principal's role scope."""
    return _location(p.role, _literal(p), column)


def own_case_condition(p: Principal) -> ColumnElement[bool]:
    """Cases of the principal's own practice it may see: org match, then role scope or ownership."""
    return _own_case(p.role, _literal(p))


def shared_case_condition(p: Principal) -> ColumnElement[bool]:
    """Cases shared with the principal through an ACTIVE collaboration."""
    return _shared_case(_literal(p))


def case_condition(p: Principal) -> ColumnElement[bool]:
    """Every case the principal may see."""
    return own_case_condition(p) | shared_case_condition(p)


def practice_condition(p: Principal, organization_col, location_col) -> ColumnElement[bool]:
    """Practice-management rows (courses, appointments, opportunities): the organization's, at the
    locations the principal works at (admins: their whole scope)."""
    org = organization_col == p.organization_id
    if p.role in (Role.PROVIDER, Role.RECEPTION):
        return org & location_col.in_(sorted(p.location_ids))
    return org & location_condition(p, location_col)


def practice_patient(s: Session, p: Principal, patient_id: str) -> m.Patient:
    """A patient at the locations the principal works at (practice data: courses, packs)."""
    row = s.execute(select(m.Patient).where(m.Patient.id == patient_id, practice_condition(
        p, m.Patient.organization_id, m.Patient.location_id))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"patient {patient_id} not found")
    return row


def patient_condition(p: Principal) -> ColumnElement[bool]:
    org = m.Patient.organization_id == p.organization_id
    if p.role == Role.PROVIDER:
        return org & ((m.Patient.provider_id == p.user_id) | m.Patient.location_id.in_(sorted(p.location_ids)))
    if p.role == Role.RECEPTION:
        return org & m.Patient.location_id.in_(sorted(p.location_ids))
    return org & location_condition(p, m.Patient.location_id)


def user_condition(p: Principal) -> ColumnElement[bool]:
    org = m.User.organization_id == p.organization_id
    if p.role == Role.SUPER_ADMIN:
        return org
    if p.role in ADMIN_ROLES:
        scoped = select(m.UserLocation.user_id).where(location_condition(p, m.UserLocation.location_id))
        return org & (m.User.id.in_(scoped) | (m.User.id == p.user_id))
    return org & (m.User.id == p.user_id)


def unread_messages(case_id: Any, user_id: Any) -> Any:
    """The unread rule, as a scalar subquery: others' messages on the case after the user's read
    marker. One definition for the single-case lookup and for pages of cases."""
    marker = select(m.MessageRead.last_read_id).where(m.MessageRead.case_id == case_id,
                                                      m.MessageRead.user_id == user_id).scalar_subquery()
    return (select(func.count()).select_from(m.Message)
            .where(m.Message.case_id == case_id, m.Message.author_id != user_id,
                   m.Message.id > func.coalesce(marker, 0)).scalar_subquery())


@cache
def _case_lookup(role: Role, lock: bool):
    """One case by id with whether it is the caller's own practice's and the caller's unread
    messages on it; built once per role (the single-case path is the API's hottest, so the status
    icon's count rides along rather than costing a round trip of its own)."""
    own = _own_case(role, _BOUND)
    unread = unread_messages(bindparam("case_id"), bindparam("p_uid"))
    q = (select(m.Case, case((own, True), else_=False), unread)
         .where(m.Case.id == bindparam("case_id"), own | _shared_case(_BOUND)))
    return q.with_for_update(of=m.Case) if lock else q


@cache
def _grants_on() -> Any:
    """Permissions of the caller's ACTIVE grants that reach one case (shared, or ALL_CASES)."""
    shared = select(m.CaseShare.collaboration_id).where(m.CaseShare.case_id == bindparam("case_id"))
    return select(m.Collaboration.permissions).where(
        m.Collaboration.collaborator_id == bindparam("p_uid"), m.Collaboration.state == int(CollabState.ACTIVE),
        m.Collaboration.provider_id == bindparam("provider_id"),
        m.Collaboration.id.in_(shared) | (m.Collaboration.permissions.op("&")(int(Permission.ALL_CASES)) != 0))


@dataclass(frozen=True)
class CaseAccess:
    """How the principal sees one case: from its own practice, or as a collaborator with grants."""

    own: bool
    permissions: Permission = Permission(0)
    unread: int = 0  # the caller's unread messages on the case (its status icon needs them)

    def may_view_details(self) -> bool:
        return self.own or Permission.VIEW_CASE_DETAILS in self.permissions


def visible_case(s: Session, p: Principal, case_id: str, *, lock: bool = False) -> tuple[m.Case, CaseAccess]:
    """The case and how the caller sees it; NotFound when it may not see it."""
    row = s.execute(_case_lookup(p.role, lock), {**_bind(p), "case_id": case_id}).first()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    found, own, unread = row
    if own:
        return found, CaseAccess(True, unread=unread)
    union = 0
    for granted in s.execute(_grants_on(), {"p_uid": p.user_id, "case_id": found.id,
                                            "provider_id": found.provider_id}).scalars():
        union |= int(granted)
    return found, CaseAccess(False, Permission(union), unread)


def visible_patient(s: Session, p: Principal, patient_id: str) -> m.Patient:
    row = s.execute(select(m.Patient).where(m.Patient.id == patient_id, patient_condition(p))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"patient {patient_id} not found")
    return row


def location_in_scope(s: Session, p: Principal, location_id: str) -> bool:
    if p.role in (Role.PROVIDER, Role.RECEPTION):
        return location_id in p.location_ids
    q = select(m.Location.id).where(m.Location.id == location_id, m.Location.organization_id == p.organization_id,
                                    location_condition(p, m.Location.id))
    return s.execute(q).first() is not None


# transition name -> roles allowed to perform it on a case they can see
CASE_ACTIONS: dict[str, frozenset[Role]] = {
    "create": frozenset({Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN, Role.PROVIDER,
                         Role.TREATMENT_COORDINATOR}),
    "edit": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR, Role.LOCATION_ADMIN}),
    "submit": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR}),
    "accept": frozenset({Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN}),
    "cancel": frozenset({Role.PROVIDER, Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN}),
    "close": frozenset({Role.PROVIDER, Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN}),
    # setups: the planning side proposes; the owning provider approves; a collaborator declines
    "create_setup": frozenset({Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN}),
    # planning jobs: the owning practice's providers and admins; a collaborator who may review
    "create_plan": frozenset({Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN, Role.PROVIDER}),
    "approve_setup": frozenset({Role.PROVIDER}),
    "request_revision": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR}),
    "decline_setup": frozenset(),
    # orders: the owning practice's clinicians (a collaborator by permission)
    "add_order": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR}),
    "order_replacement": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR}),
    # the collaboration: review status and the case's message thread
    "ready_for_approval": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR}),
    "back_to_evaluating": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR}),
    "post_message": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR, Role.LOCATION_ADMIN}),
    # diagnostic records: the owning practice's clinical staff
    "add_record": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR, Role.LOCATION_ADMIN}),
    "delete_record": frozenset({Role.PROVIDER, Role.TREATMENT_COORDINATOR, Role.LOCATION_ADMIN}),
}


def require_case_action(p: Principal, action: str, acc: CaseAccess | None = None) -> None:
    """Own practice: by role. Collaborator: by the permission the action needs, if any."""
    if acc is not None and not acc.own:
        need = CASE_ACTION_PERMISSION.get(action)
        if need is None or (need and not need & acc.permissions):
            names = " or ".join(f.name for f in Permission if need and f in need)
            raise PermissionDenied(f"a collaborator may not {action.replace('_', ' ')} this case"
                                   + (f" without the {names} permission" if names else ""))
        return
    if p.role not in CASE_ACTIONS[action]:
        raise PermissionDenied(f"role {p.role.name} may not {action} cases")
