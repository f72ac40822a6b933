"""Organizations, regions, locations and users; first-run bootstrap."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import AlreadyExists, Collector, FailedPrecondition, NotFound, PermissionDenied
from ..domain.identity import ADMIN_ROLES, Principal, Role
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .auth import principal_of, revoke_user_sessions
from .concurrency import check_etag
from .deps import Deps


@dataclass(frozen=True)
class NewUser:
    email: str
    display_name: str
    role: int
    password: str
    region_id: str = ""
    location_ids: tuple[str, ...] = ()


def init_organization(uow: SqlUnitOfWork, deps: Deps, org_name: str, admin: NewUser) -> m.User:
    """`orthoplan admin init`: the organization and its first SUPER_ADMIN; refused once users exist."""
    s = uow.session
    c = Collector()
    name = v.text(c, "organization", org_name, max_len=200)
    _check_user_fields(c, deps, admin)
    c.raise_if_any()
    if s.execute(select(func.count()).select_from(m.User)).scalar_one():
        raise FailedPrecondition("already initialized: users exist", reason="ALREADY_INITIALIZED")
    now = deps.clock()
    org = m.Organization(id=uuid.uuid4().hex, name=name, case_seq=0, created=now)
    s.add(org)
    s.flush()
    user = m.User(id=uuid.uuid4().hex, organization_id=org.id, email=admin.email.strip().lower(),
                  display_name=admin.display_name.strip(), role=int(Role.SUPER_ADMIN), region_id=None,
                  password_hash=deps.passwords.hash(admin.password), active=True, created=now)
    s.add(user)
    s.flush()
    p = replace(principal_of(s, user), source="cli")
    record(s, deps, p, "init_organization", "organization", org.id, None, {"name": name})
    record(s, deps, p, "create_user", "user", user.id, None, snapshot(user, "password_hash"))
    return user


def _check_user_fields(c: Collector, deps: Deps, u: NewUser) -> None:
    v.email(c, "user.email", u.email)
    v.text(c, "user.display_name", u.display_name, max_len=200)
    if u.role not in {int(r) for r in Role}:
        c.add("user.role", "must be one of " + ", ".join(r.name for r in Role))
    for problem in deps.password_policy.problems(u.password):
        c.add("password", problem)
    v.ident(c, "user.region_id", u.region_id, required=False)
    for i, loc in enumerate(u.location_ids):
        v.ident(c, f"user.location_ids[{i}]", loc)


def require_admin(p: Principal, *roles: Role) -> None:
    if p.role not in (roles or ADMIN_ROLES):
        raise PermissionDenied(f"role {p.role.name} may not manage the organization")


def create_region(uow: SqlUnitOfWork, deps: Deps, p: Principal, name: str) -> m.Region:
    require_admin(p, Role.SUPER_ADMIN)
    c = Collector()
    name = v.text(c, "region.name", name, max_len=200)
    c.raise_if_any()
    s = uow.session
    if s.execute(select(m.Region).where(m.Region.organization_id == p.organization_id, m.Region.name == name)).first():
        raise AlreadyExists(f"region {name!r} exists")
    row = m.Region(id=uuid.uuid4().hex, organization_id=p.organization_id, name=name)
    s.add(row)
    record(s, deps, p, "create_region", "region", row.id, None, {"name": name})
    return row


def create_location(uow: SqlUnitOfWork, deps: Deps, p: Principal, name: str, region_id: str) -> m.Location:
    require_admin(p, Role.SUPER_ADMIN, Role.REGIONAL_ADMIN)
    c = Collector()
    name = v.text(c, "location.name", name, max_len=200)
    v.ident(c, "location.region_id", region_id, required=p.role == Role.REGIONAL_ADMIN)
    c.raise_if_any()
    s = uow.session
    if region_id:
        region = s.get(m.Region, region_id)
        if region is None or region.organization_id != p.organization_id or (
                p.role == Role.REGIONAL_ADMIN and region_id != p.region_id):
            raise NotFound(f"region {region_id} not found")
    if s.execute(select(m.Location).where(m.Location.organization_id == p.organization_id,
                                          m.Location.name == name)).first():
        raise AlreadyExists(f"location {name!r} exists")
    row = m.Location(id=uuid.uuid4().hex, organization_id=p.organization_id, name=name, region_id=region_id or None)
    s.add(row)
    record(s, deps, p, "create_location", "location", row.id, None, {"name": name, "region_id": region_id})
    return row


def create_user(uow: SqlUnitOfWork, deps: Deps, p: Principal, u: NewUser) -> m.User:
    require_admin(p)
    c = Collector()
    _check_user_fields(c, deps, u)
    c.raise_if_any()
    s = uow.session
    role = Role(u.role)
    if p.role != Role.SUPER_ADMIN and role in (Role.SUPER_ADMIN, Role.REGIONAL_ADMIN):
        raise PermissionDenied(f"role {p.role.name} may not create a {role.name}")
    for loc in u.location_ids:
        if not access.location_in_scope(s, p, loc):
            raise NotFound(f"location {loc} not found")
    if role == Role.REGIONAL_ADMIN:
        region = s.get(m.Region, u.region_id) if u.region_id else None
        if region is None or region.organization_id != p.organization_id:
            raise NotFound(f"region {u.region_id!r} not found")
    elif role != Role.SUPER_ADMIN and not u.location_ids:
        c.add("user.location_ids", f"a {role.name} needs at least one location")
        c.raise_if_any()
    email = u.email.strip().lower()
    if s.execute(select(m.User.id).where(m.User.email == email)).first():
        raise AlreadyExists("a user with this email exists", reason="EMAIL_TAKEN")
    row = m.User(id=uuid.uuid4().hex, organization_id=p.organization_id, email=email,
                 display_name=u.display_name.strip(), role=int(role),
                 region_id=u.region_id if role == Role.REGIONAL_ADMIN else None,
                 password_hash=deps.passwords.hash(u.password), active=True, created=deps.clock())
    s.add(row)
    s.flush()
    for loc in sorted(set(u.location_ids)):
        s.add(m.UserLocation(user_id=row.id, location_id=loc))
    record(s, deps, p, "create_user", "user", row.id, None, snapshot(row, "password_hash"))
    return row


def get_user(uow: SqlUnitOfWork, p: Principal, user_id: str) -> m.User:
    v.require_id("id", user_id)
    row = uow.session.execute(select(m.User).where(m.User.id == user_id, access.user_condition(p))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return row


USERS = listing.Listing(
    "users", filters={"role": listing.Term(m.User.role, Role), "active": listing.Term(m.User.active, boolean=True),
                      "region_id": listing.Term(m.User.region_id)},
    orders={"email": (m.User.email,), "display_name": (m.User.display_name,), "create_time": (m.User.created,)},
    default_order="email", tiebreak=m.User.id)


def list_users(uow: SqlUnitOfWork, p: Principal, page_size: int, page_token: str, filter_text: str = "",
               order_by: str = "") -> tuple[list[m.User], str]:
    c = Collector()
    req = listing.check(c, USERS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    rows, nxt = req.fetch(uow.session, select(m.User).where(access.user_condition(p)), (p.user_id,))
    return [r[0] for r in rows], nxt


def deactivate_user(uow: SqlUnitOfWork, deps: Deps, p: Principal, user_id: str, etag: str) -> m.User:
    require_admin(p)
    row = get_user(uow, p, user_id)
    check_etag(row, etag, f"user {user_id}")
    before = snapshot(row, "password_hash")
    row.active = False
    revoke_user_sessions(uow.session, row.id)
    uow.flush()
    record(uow.session, deps, p, "deactivate_user", "user", row.id, before, snapshot(row, "password_hash"))
    return row
