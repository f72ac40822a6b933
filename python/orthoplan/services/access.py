"""Authorization in one place: which rows a principal may see and what it may do to them.

Visibility is expressed as SQL conditions so the database filters lists; an invisible resource is
reported exactly like an absent one (NotFound). Collaborator grants join here when they land.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from ..adapters.db import models as m
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


def case_condition(p: Principal) -> ColumnElement[bool]:
    """Cases the principal may see: org match, then role scope or ownership."""
    org = m.Case.organization_id == p.organization_id
    if p.role == Role.PROVIDER:
        return org & (m.Case.provider_id == p.user_id)
    if p.role == Role.RECEPTION:
        return false()
    return org & location_condition(p, m.Case.location_id)


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
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"case {case_id} not found")
    return row


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


def require_case_action(p: Principal, action: str) -> None:
    if p.role not in CASE_ACTIONS[action]:
        raise PermissionDenied(f"role {p.role.name} may not {action} cases")
