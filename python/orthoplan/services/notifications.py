"""Per-user notification preferences: a delivery mode per event type."""

from __future__ import annotations

from sqlalchemy import select

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import Collector
from ..domain.identity import Principal
from ..domain.notifications import ALWAYS_IMMEDIATE, EVENTS, Mode

CHOOSABLE = sorted(set(EVENTS) - ALWAYS_IMMEDIATE)


def preferences(uow: SqlUnitOfWork, p: Principal) -> list[tuple[str, Mode]]:
    chosen = dict(uow.session.execute(select(m.NotificationPreference.event, m.NotificationPreference.mode)
                                      .where(m.NotificationPreference.user_id == p.user_id)).all())
    return [(e, Mode(chosen.get(e, Mode.IMMEDIATE))) for e in CHOOSABLE]


def update_preferences(uow: SqlUnitOfWork, p: Principal, changes: list[tuple[str, int]]) -> list[tuple[str, Mode]]:
    c = Collector()
    seen: set[str] = set()
    for i, (event, mode) in enumerate(changes):
        if event not in CHOOSABLE:
            c.add(f"preferences[{i}].event", f"must be one of {', '.join(CHOOSABLE)}")
        elif event in seen:
            c.add(f"preferences[{i}].event", "is listed twice")
        seen.add(event)
        if mode not in {int(x) for x in Mode}:
            c.add(f"preferences[{i}].mode", "must be IMMEDIATE, DAILY_DIGEST or WEEKLY_DIGEST")
    if len(changes) > 50:
        c.add("preferences", "at most 50 entries")
    c.raise_if_any()
    s = uow.session
    table = m.NotificationPreference.__table__
    for event, mode in changes:
        s.execute(dialect.insert(s, table).values(user_id=p.user_id, event=event, mode=mode)
                  .on_conflict_do_update(index_elements=["user_id", "event"], set_={"mode": mode}))
    return preferences(uow, p)
