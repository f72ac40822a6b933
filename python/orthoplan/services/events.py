"""Durable, resumable event topics. An event is written in the transaction of its cause; its
topic's counter row is incremented under a row lock, so a topic's events are numbered 1, 2, 3...
without gaps in commit order, and a subscriber that saw `seq` resumes exactly with `seq > last`.
After commit the live hub is woken (in this process directly; in others through PostgreSQL
NOTIFY, which the database delivers only on commit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from .deps import Deps, aware

CHANNEL = "orthoplan_events"
PAGE = 500  # events per read when catching up


def case_topic(case_id: str) -> str:
    return f"cases/{case_id}"


def user_topic(user_id: str) -> str:
    return f"users/{user_id}"


def publish(uow: SqlUnitOfWork, deps: Deps, topic: str, kind: str, payload: dict[str, Any]) -> int:
    s = uow.session
    counter = m.EventTopic.__table__
    bump = (dialect.insert(s, counter).values(topic=topic, last_seq=1)
            .on_conflict_do_update(index_elements=["topic"], set_={"last_seq": counter.c.last_seq + 1})
            .returning(counter.c.last_seq))
    seq = s.execute(bump).scalar_one()
    s.add(m.Event(topic=topic, seq=seq, kind=kind, payload=payload, created=deps.clock()))
    if dialect.is_postgres(s):
        s.execute(select(func.pg_notify(CHANNEL, f"{topic} {seq}")))
    hub = deps.events
    if hub is not None:
        uow.after_commit(lambda: hub.wake(topic, seq))
    return seq


def last_seq(s, topic: str) -> int:
    return s.execute(select(m.EventTopic.last_seq).where(m.EventTopic.topic == topic)).scalar() or 0


@dataclass(frozen=True)
class EventRow:
    """A committed event, immutable so that one copy can go to every subscriber."""

    topic: str
    seq: int
    kind: str
    payload: dict[str, Any]
    created: datetime
    # what one subscriber computed from this row (its encoded form), reused by all the others
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def since(s, topic: str, after: int, limit: int = PAGE) -> list[EventRow]:
    rows = s.execute(select(m.Event).where(m.Event.topic == topic, m.Event.seq > after)
                     .order_by(m.Event.seq).limit(limit)).scalars()
    return [EventRow(r.topic, r.seq, r.kind, r.payload, aware(r.created)) for r in rows]
