"""Sign-in, bearer-token sessions with idle expiry, sign-out and revocation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import bindparam, select, update

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import Collector, Unauthenticated
from ..domain.identity import Principal, Role
from . import validate as v
from .audit_trail import record
from .deps import Deps, aware

TOUCH_EVERY_S = 60  # last_seen is written at most this often per session (reads stay reads)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# built once: authentication runs on every call. One round trip: the session, its user, and one
# row per location of the user (usually one to three)
_BY_TOKEN = (select(m.Session, m.User, m.UserLocation.location_id).join(m.User, m.User.id == m.Session.user_id)
             .outerjoin(m.UserLocation, m.UserLocation.user_id == m.User.id)
             .where(m.Session.token_hash == bindparam("token_hash")))
_LOCATIONS = select(m.UserLocation.location_id).where(m.UserLocation.user_id == bindparam("user_id"))


def principal_of(s, user: m.User, session_id: str = "") -> Principal:
    locs = s.execute(_LOCATIONS, {"user_id": user.id}).scalars()
    return Principal(user.id, user.organization_id, Role(user.role), user.region_id, frozenset(locs), session_id)


def sign_in(uow: SqlUnitOfWork, deps: Deps, email: str, password: str, source: str) -> tuple[str, m.User]:
    """Same answer for an unknown email, a wrong password and a deactivated user. Something that is
    not an email address at all cannot be an account: that is said precisely (and never reaches the
    database, which may refuse such strings)."""
    c = Collector()
    email = v.email(c, "email", email)
    c.raise_if_any()
    s = uow.session
    user = s.execute(select(m.User).where(m.User.email == email)).scalar_one_or_none()
    ok = deps.passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        raise Unauthenticated("email or password is wrong")
    token = secrets.token_urlsafe(32)
    now = deps.clock()
    sess = m.Session(id=uuid.uuid4().hex, token_hash=_token_hash(token), user_id=user.id, created=now, last_seen=now)
    s.add(sess)
    record(s, deps, replace(principal_of(s, user), source=source), "sign_in", "session", sess.id, None, None)
    return token, user


def authenticate(uow: SqlUnitOfWork, deps: Deps, token: str) -> Principal:
    s = uow.session
    rows = s.execute(_BY_TOKEN, {"token_hash": _token_hash(token)}).all()
    if not rows:
        raise Unauthenticated("invalid token: sign in again")
    sess, user = rows[0][0], rows[0][1]
    now = deps.clock()
    idle = now - aware(sess.last_seen)
    if sess.revoked or not user.active:
        raise Unauthenticated("token revoked: sign in again")
    if idle > timedelta(seconds=deps.idle_timeout_s):
        raise Unauthenticated("session expired after inactivity: sign in again")
    if idle > timedelta(seconds=TOUCH_EVERY_S):
        s.execute(update(m.Session).where(m.Session.id == sess.id).values(last_seen=now))
        uow.commit()  # the touch is its own small transaction, before the call's
    locs = frozenset(r[2] for r in rows if r[2] is not None)
    return Principal(user.id, user.organization_id, Role(user.role), user.region_id, locs, sess.id)


def sign_out(uow: SqlUnitOfWork, deps: Deps, p: Principal) -> None:
    s = uow.session
    s.execute(update(m.Session).where(m.Session.id == p.session_id).values(revoked=True))
    record(s, deps, p, "sign_out", "session", p.session_id, None, None)


def revoke_user_sessions(s, user_id: str) -> None:
    s.execute(update(m.Session).where(m.Session.user_id == user_id).values(revoked=True))
