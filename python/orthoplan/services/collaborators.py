"""Collaborators: add by email with consent, accept or decline, permissions, removal, sharing."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.collaboration import OPEN_STATES, CollabState, Permission
from ..domain.errors import (
    AlreadyExists,
    Collector,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Violation,
)
from ..domain.identity import Principal, Role
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .auth import principal_of
from .concurrency import check_etag
from .deps import Deps
from .outbox import enqueue

TERMS_VERSION = "2026-1"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_permissions(c: Collector, field: str, values: Sequence[int]) -> Permission:
    """CollaboratorPermission values (1-10, each at most once) -> the permission set."""
    mask = 0
    for i, value in enumerate(values):
        if not 1 <= value <= len(Permission):
            c.add(f"{field}[{i}]", f"{value} is not a CollaboratorPermission")
        elif mask & (1 << (value - 1)):
            c.add(f"{field}[{i}]", "is listed twice")
        else:
            mask |= 1 << (value - 1)
    return Permission(mask)


def provider_name(s, row: m.Collaboration) -> str:
    return s.execute(select(m.User.display_name).where(m.User.id == row.provider_id)).scalar_one()


def add_collaborator(uow: SqlUnitOfWork, deps: Deps, p: Principal, email: str, perms: Sequence[int],
                     confirm_consent: bool) -> m.Collaboration:
    if p.role != Role.PROVIDER:
        raise PermissionDenied("only a PROVIDER adds collaborators, for their own cases")
    c = Collector()
    email = v.email(c, "email", email)
    permissions = check_permissions(c, "permissions", perms)
    c.raise_if_any()
    s = uow.session
    me = s.get(m.User, p.user_id)
    if email == me.email:
        raise InvalidArgument("email: is your own", [Violation("email", "is your own address")])
    if s.get(m.CollaborationConsent, p.user_id) is None:
        if not confirm_consent:
            raise FailedPrecondition("confirm patient consent and the collaboration terms at the first add",
                                     [Violation("confirm_consent", f"must be true (terms {TERMS_VERSION})")],
                                     reason="CONSENT_REQUIRED")
        s.add(m.CollaborationConsent(provider_id=p.user_id, terms_version=TERMS_VERSION, time=deps.clock()))
        record(s, deps, p, "confirm_collaboration_consent", "user", p.user_id, None, {"terms": TERMS_VERSION})
    mine = (m.Collaboration.provider_id == p.user_id) & (m.Collaboration.email == email)
    row = s.execute(select(m.Collaboration).where(mine).with_for_update()).scalar_one_or_none()
    if row is not None and CollabState(row.state) in OPEN_STATES:
        raise AlreadyExists(f"{email} is already a collaborator", reason="ALREADY_COLLABORATOR")
    now = deps.clock()
    before = snapshot(row, "invite_token_hash") if row is not None else None
    if row is None:
        row = m.Collaboration(id=uuid.uuid4().hex, organization_id=p.organization_id, provider_id=p.user_id,
                              email=email, created=now)
        s.add(row)
    user = s.execute(select(m.User).where(m.User.email == email, m.User.active.is_(True))).scalar_one_or_none()
    row.permissions, row.updated = int(permissions), now
    token = ""
    if user is not None:
        row.state, row.collaborator_id, row.invite_token_hash = int(CollabState.PENDING), user.id, None
    else:
        token = secrets.token_urlsafe(32)
        row.state, row.collaborator_id, row.invite_token_hash = int(CollabState.INVITED), None, token_hash(token)
    uow.flush()
    record(s, deps, p, "add_collaborator", "collaboration", row.id, before, snapshot(row, "invite_token_hash"))
    payload = {"provider_name": me.display_name, "collaboration_id": row.id}
    if token:
        enqueue(s, deps, "collaborator_invited", email=email, user_id=None, payload={**payload, "invite_token": token},
                dedupe_key=f"collaborator_invited:{row.id}:{row.version}")
    else:
        enqueue(s, deps, "collaborator_request", email=email, user_id=user.id,
                dedupe_key=f"collaborator_request:{row.id}:{row.version}", payload=payload)
    return row


def _visible(uow: SqlUnitOfWork, p: Principal, collab_id: str, *, lock: bool = False) -> m.Collaboration:
    v.require_id("id", collab_id)
    q = select(m.Collaboration).where(m.Collaboration.id == collab_id,
                                      (m.Collaboration.provider_id == p.user_id)
                                      | (m.Collaboration.collaborator_id == p.user_id))
    row = uow.session.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"collaborator {collab_id} not found")
    return row


def get_collaborator(uow: SqlUnitOfWork, p: Principal, collab_id: str) -> m.Collaboration:
    return _visible(uow, p, collab_id)


COLLABORATORS = listing.Listing(
    "collaborators", filters={"state": listing.Term(m.Collaboration.state, CollabState)},
    orders={"create_time": (m.Collaboration.created,), "update_time": (m.Collaboration.updated,),
            "email": (m.Collaboration.email,)},
    default_order="create_time desc", tiebreak=m.Collaboration.id)


def list_collaborators(uow: SqlUnitOfWork, p: Principal, page_size: int, page_token: str, as_collaborator: bool,
                       filter_text: str = "", order_by: str = "") -> tuple[list[tuple[m.Collaboration, str]], str]:
    c = Collector()
    req = listing.check(c, COLLABORATORS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    mine = m.Collaboration.collaborator_id if as_collaborator else m.Collaboration.provider_id
    q = (select(m.Collaboration, m.User.display_name).join(m.User, m.User.id == m.Collaboration.provider_id)
         .where(mine == p.user_id))
    rows, nxt = req.fetch(uow.session, q, (p.user_id, as_collaborator))
    return [(r[0], r[1]) for r in rows], nxt


def _change(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, etag: str, action: str, *,
            by_provider: bool, allowed: frozenset[CollabState]) -> tuple[m.Collaboration, dict]:
    row = _visible(uow, p, collab_id, lock=True)
    if (row.provider_id if by_provider else row.collaborator_id) != p.user_id:
        who = "its provider" if by_provider else "the collaborator"
        raise PermissionDenied(f"only {who} may {action.replace('_', ' ')}")
    check_etag(row, etag, f"collaborator {collab_id}")
    if CollabState(row.state) not in allowed:
        raise FailedPrecondition(f"cannot {action.replace('_', ' ')} a {CollabState(row.state).name} collaborator",
                                 [Violation("state", f"is {CollabState(row.state).name}; must be "
                                            + " or ".join(sorted(st.name for st in allowed)))],
                                 reason="COLLABORATION_STATE")
    return row, snapshot(row, "invite_token_hash")


def _done(uow: SqlUnitOfWork, deps: Deps, p: Principal, row: m.Collaboration, action: str, before: dict) -> None:
    row.updated = deps.clock()
    uow.flush()
    record(uow.session, deps, p, action, "collaboration", row.id, before, snapshot(row, "invite_token_hash"))


def update_collaborator(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, etag: str,
                        perms: Sequence[int]) -> m.Collaboration:
    c = Collector()
    permissions = check_permissions(c, "permissions", perms)
    c.raise_if_any()
    row, before = _change(uow, deps, p, collab_id, etag, "update_collaborator", by_provider=True,
                          allowed=OPEN_STATES)
    row.permissions = int(permissions)
    _done(uow, deps, p, row, "update_collaborator", before)
    return row


def remove_collaborator(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, etag: str) -> m.Collaboration:
    row, before = _change(uow, deps, p, collab_id, etag, "remove_collaborator", by_provider=True,
                          allowed=OPEN_STATES)
    row.state, row.invite_token_hash = int(CollabState.REMOVED), None
    uow.session.execute(m.CaseShare.__table__.delete().where(m.CaseShare.collaboration_id == row.id))
    _done(uow, deps, p, row, "remove_collaborator", before)
    return row


def accept_collaboration(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, etag: str) -> m.Collaboration:
    row, before = _change(uow, deps, p, collab_id, etag, "accept_collaboration", by_provider=False,
                          allowed=frozenset({CollabState.PENDING}))
    row.state = int(CollabState.ACTIVE)
    _done(uow, deps, p, row, "accept_collaboration", before)
    _notify_added(uow, deps, row)
    return row


def decline_collaboration(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, etag: str) -> m.Collaboration:
    row, before = _change(uow, deps, p, collab_id, etag, "decline_collaboration", by_provider=False,
                          allowed=frozenset({CollabState.PENDING}))
    row.state = int(CollabState.DECLINED)
    _done(uow, deps, p, row, "decline_collaboration", before)
    return row


def _notify_added(uow: SqlUnitOfWork, deps: Deps, row: m.Collaboration) -> None:
    provider = uow.session.get(m.User, row.provider_id)
    enqueue(uow.session, deps, "collaborator_added", email=provider.email, user_id=provider.id,
            dedupe_key=f"collaborator_added:{row.id}:{row.version}",
            payload={"collaborator_email": row.email, "collaboration_id": row.id})


def _own_case_and_grant(uow: SqlUnitOfWork, p: Principal, collab_id: str, case_id: str):
    c = Collector()
    v.ident(c, "collaborator_id", collab_id)
    v.ident(c, "case_id", case_id)
    c.raise_if_any()
    s = uow.session
    grant = s.execute(select(m.Collaboration).where(m.Collaboration.id == collab_id,
                                                    m.Collaboration.provider_id == p.user_id)).scalar_one_or_none()
    if grant is None:
        raise NotFound(f"collaborator {collab_id} not found")
    case = s.execute(select(m.Case).where(m.Case.id == case_id, m.Case.provider_id == p.user_id,
                                          access.own_case_condition(p))).scalar_one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return grant, case


def share_case(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, case_id: str) -> m.CaseShare:
    grant, case = _own_case_and_grant(uow, p, collab_id, case_id)
    if CollabState(grant.state) not in OPEN_STATES:
        raise FailedPrecondition(f"the collaborator is {CollabState(grant.state).name}",
                                 [Violation("collaborator_id", "is no longer a collaborator; add them again")],
                                 reason="COLLABORATION_STATE")
    s = uow.session
    row = s.get(m.CaseShare, (case.id, grant.id))
    if row is None:
        row = m.CaseShare(case_id=case.id, collaboration_id=grant.id, created=deps.clock())
        s.add(row)
        record(s, deps, p, "share_case", "collaboration", grant.id, None, {"case_id": case.id})
    return row


def unshare_case(uow: SqlUnitOfWork, deps: Deps, p: Principal, collab_id: str, case_id: str) -> None:
    grant, case = _own_case_and_grant(uow, p, collab_id, case_id)
    if Permission.ALL_CASES in Permission(grant.permissions):
        raise FailedPrecondition("this collaborator has all of your cases",
                                 [Violation("collaborator_id", "holds ALL_CASES; remove that permission first")],
                                 reason="ALL_CASES_GRANTED")
    s = uow.session
    row = s.get(m.CaseShare, (case.id, grant.id))
    if row is not None:
        s.delete(row)
        record(s, deps, p, "unshare_case", "collaboration", grant.id, {"case_id": case.id}, None)


def register_collaborator(uow: SqlUnitOfWork, deps: Deps, token: str, org_name: str, display_name: str,
                          password: str, source: str) -> tuple[m.User, m.Collaboration]:
    """The invitation token is the credential: a new organization with the invitee as SUPER_ADMIN."""
    c = Collector()
    v.text(c, "invite_token", token, max_len=100)
    org_name = v.text(c, "organization_name", org_name, max_len=200)
    display_name = v.text(c, "display_name", display_name, max_len=200)
    for problem in deps.password_policy.problems(password):
        c.add("password", problem)
    c.raise_if_any()
    s = uow.session
    row = s.execute(select(m.Collaboration).where(m.Collaboration.invite_token_hash == token_hash(token),
                                                  m.Collaboration.state == int(CollabState.INVITED))
                    .with_for_update()).scalar_one_or_none()
    if row is None:
        raise NotFound("invitation not found or no longer valid")
    if s.execute(select(m.User.id).where(m.User.email == row.email)).first():
        raise AlreadyExists("an account with this email exists: sign in and accept instead", reason="EMAIL_TAKEN")
    now = deps.clock()
    org = m.Organization(id=uuid.uuid4().hex, name=org_name, case_seq=0, created=now)
    s.add(org)
    s.flush()
    user = m.User(id=uuid.uuid4().hex, organization_id=org.id, email=row.email, display_name=display_name,
                  role=int(Role.SUPER_ADMIN), region_id=None, password_hash=deps.passwords.hash(password),
                  active=True, created=now)
    s.add(user)
    s.flush()
    p = replace(principal_of(s, user), source=source)
    record(s, deps, p, "register_collaborator", "user", user.id, None, snapshot(user, "password_hash"))
    before = snapshot(row, "invite_token_hash")
    row.state, row.collaborator_id, row.invite_token_hash = int(CollabState.ACTIVE), user.id, None
    _done(uow, deps, p, row, "accept_collaboration", before)
    _notify_added(uow, deps, row)
    return user, row
