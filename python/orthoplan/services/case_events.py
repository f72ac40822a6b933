"""Who follows a case, and the events a case's changes publish to them."""

from __future__ import annotations

from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.collaboration import CollabState, Permission
from . import events
from .deps import Deps


def watchers(s, case: m.Case) -> list[tuple[str, str]]:
    """(user id, email) of the owner and of the ACTIVE collaborators the case is shared with (or
    who have every case of its provider)."""
    owner = s.get(m.User, case.provider_id)
    shared = select(m.CaseShare.collaboration_id).where(m.CaseShare.case_id == case.id)
    rows = s.execute(select(m.User.id, m.User.email).join(m.Collaboration, m.Collaboration.collaborator_id == m.User.id)
                     .where(m.Collaboration.provider_id == case.provider_id,
                            m.Collaboration.state == int(CollabState.ACTIVE),
                            m.Collaboration.id.in_(shared)
                            | (m.Collaboration.permissions.op("&")(int(Permission.ALL_CASES)) != 0))).all()
    return [(owner.id, owner.email)] + [(r[0], r[1]) for r in rows]


def publish_to_case(uow: SqlUnitOfWork, deps: Deps, case: m.Case, kind: str, payload: dict,
                    followers: list[tuple[str, str]] | None = None) -> None:
    """On the case's topic and on the own topic of each follower."""
    events.publish(uow, deps, events.case_topic(case.id), kind, payload)
    for user_id, _ in followers if followers is not None else watchers(uow.session, case):
        events.publish(uow, deps, events.user_topic(user_id), kind, payload)


def case_changed(uow: SqlUnitOfWork, deps: Deps, case: m.Case) -> None:
    publish_to_case(uow, deps, case, "case_changed",
                    {"case_id": case.id, "case_number": case.number, "state": case.state})
