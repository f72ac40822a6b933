"""Authorization in one place: which rows a principal may see and what it may do to them.

Visibility is expressed as SQL conditions so the database filters lists; an invisible resource is
reported exactly like an absent one (NotFound). A case is seen either from the owning practice (role
scope) or through an ACTIVE collaboration (shared one by one, or all of the provider's cases with the
ALL_CASES permission); what a collaborator may do is decided by its permissions, never by its role.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from ..adapters.db import models as m
from ..domain.collaboration import CASE_ACTION_PERMISSION, CollabState, Permission
from ..domain.errors import NotFound, PermissionDenied
from ..domain.identity import ADMIN_ROLES, Principal, Role


def _locations_in_region(region_id: str | None):
    return select(m.Location.id).where(m.Location.region_id == region_id)


def location_condition(p: Principal, column) -> ColumnElement[bool]:
    """Rows whose location `column` lies within the principal's role scope."""
    if p.role == Role.SUPER_ADMIN:
        return true()
    if p.role == Role.REGIONAL_ADMIN:
        return column.in_(_locations_in_region(p.region_id)) if p.region_id else false()
    if p.role in (Role.LOCATION_ADMIN, Role.TREATMENT_COORDINATOR):
        return column.in_(sorted(p.location_ids)) if p.location_ids else false()
    return false()


def own_case_condition(p: Principal) -> ColumnElement[bool]:
    """Cases of the principal's own practice it may see: org match, then role scope or ownership."""
    org = m.Case.organization_id == p.organization_id
    if p.role == Role.PROVIDER:
        return org & (m.Case.provider_id == p.user_id)
    if p.role == Role.RECEPTION:
        return false()
    return org & location_condition(p, m.Case.location_id)


def _active_grants(p: Principal):
    return select(m.Collaboration).where(m.Collaboration.collaborator_id == p.user_id,
                                         m.Collaboration.state == int(CollabState.ACTIVE))


def shared_case_condition(p: Principal) -> ColumnElement[bool]:
    """Cases shared with the principal through an ACTIVE collaboration."""
    grants = _active_grants(p).subquery()
    one_by_one = (select(m.CaseShare.case_id).join(grants, grants.c.id == m.CaseShare.collaboration_id))
    all_cases = select(grants.c.provider_id).where(grants.c.permissions.op("&")(int(Permission.ALL_CASES)) != 0)
    return m.Case.id.in_(one_by_one) | m.Case.provider_id.in_(all_cases)


def case_condition(p: Principal) -> ColumnElement[bool]:
    """Every case the principal may see."""
    return own_case_condition(p) | shared_case_condition(p)


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


def visible_case(s: Session, p: Principal, case_id: str, *, lock: bool = False) -> m.Case:
    q = select(m.Case).where(m.Case.id == case_id, case_condition(p))
    row = s.execute(q.with_for_update(of=m.Case) if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    return row


@dataclass(frozen=True)
class CaseAccess:
    """How the principal sees one case: from its own practice, or as a collaborator with grants."""

    own: bool
    permissions: Permission = Permission(0)

    def may_view_details(self) -> bool:
        return self.own or Permission.VIEW_CASE_DETAILS in self.permissions


def case_access(s: Session, p: Principal, case: m.Case) -> CaseAccess:
    """For a case visible_case returned."""
    if s.execute(select(m.Case.id).where(m.Case.id == case.id, own_case_condition(p))).first():
        return CaseAccess(True)
    shared = select(m.CaseShare.collaboration_id).where(m.CaseShare.case_id == case.id)
    perms = s.execute(_active_grants(p).with_only_columns(m.Collaboration.permissions).where(
        m.Collaboration.provider_id == case.provider_id,
        m.Collaboration.id.in_(shared) | (m.Collaboration.permissions.op("&")(int(Permission.ALL_CASES)) != 0))
    ).scalars().all()
    union = 0
    for granted in perms:
        union |= int(granted)
    return CaseAccess(False, Permission(union))


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
}


def require_case_action(p: Principal, action: str, acc: CaseAccess | None = None) -> None:
    """Own practice: by role. Collaborator: by the permission the action needs, if any."""
    if acc is not None and not acc.own:
        need = CASE_ACTION_PERMISSION.get(action)
        if need is None or need not in acc.permissions:
            raise PermissionDenied(f"a collaborator may not {action.replace('_', ' ')} this case"
                                   + (f" without the {need.name} permission" if need else ""))
        return
    if p.role not in CASE_ACTIONS[action]:
        raise PermissionDenied(f"role {p.role.name} may not {action} cases")
