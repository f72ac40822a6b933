"""A case's message thread: post (only while a setup is under evaluation), list, read markers,
unread counts for status icons, and translation through an optional provider."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain.errors import Collector, FailedPrecondition, NotFound, Violation
from ..domain.identity import Principal
from ..domain.status import MESSAGING_STATES
from . import access, listing, outbox
from . import validate as v
from .audit_trail import record
from .case_events import publish_to_case, watchers
from .deps import Deps
from .events import publish, user_topic

MAX_TEXT = 4000
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # newline, CR and tab are fine in a message

MESSAGES = listing.Listing("messages", filters={"author_id": listing.Term(m.Message.author_id)},
                           orders={"create_time": ()}, default_order="create_time desc", tiebreak=m.Message.id)


def _language(c: Collector, field: str, value: str, *, required: bool) -> str:
    if not value and not required:
        return "und"
    if len(value) > 35 or not _LANGUAGE.match(value):
        c.add(field, "must be a BCP 47 language tag such as en or pt-BR")
    return value


def post_message(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, text: str,
                 language: str) -> m.Message:
    c = Collector()
    v.ident(c, "case_id", case_id)
    body = text.strip()
    if not body:
        c.add("text", "is required")
    elif len(body) > MAX_TEXT:
        c.add("text", f"is {len(body)} characters; at most {MAX_TEXT}")
    elif _CONTROL.search(body):
        c.add("text", "contains control characters")
    language = _language(c, "language", language, required=False)
    c.raise_if_any()
    # the case row lock orders posts per case, so ids follow commit order within a thread
    case, acc = access.visible_case(uow.session, p, case_id, lock=True)
    access.require_case_action(p, "post_message", acc)
    if case.state not in MESSAGING_STATES:
        raise FailedPrecondition(
            "messages can be posted only while the case is evaluating a setup or ready for approval",
            [Violation("case.state", f"is {dc.CaseState(case.state).name}; posting needs SETUP_READY or "
                                     "READY_FOR_APPROVAL")], reason="CASE_STATE")
    s = uow.session
    row = m.Message(case_id=case.id, author_id=p.user_id, text=body, language=language, created=deps.clock())
    s.add(row)
    uow.flush()
    _advance_marker(uow, deps, p.user_id, case.id, row.id)  # the author has read the thread up to here
    record(s, deps, p, "post_message", "message", str(row.id), None, {"case_id": case.id, "chars": len(body)})
    followers = watchers(s, case)
    publish_to_case(uow, deps, case, "message_posted", message_payload(row, display_name(s, p.user_id)), followers)
    patient = s.get(m.Patient, case.patient_id)
    for user_id, email in followers:
        if user_id != p.user_id:
            outbox.enqueue(s, deps, "new_message", email=email, user_id=user_id,
                           dedupe_key=f"new_message:{row.id}:{user_id}",
                           payload={"case_id": case.id, "case_number": case.number,
                                    "patient_first_name": patient.first_name, "message_id": row.id})
    return row


def display_name(s, user_id: str) -> str:
    return s.execute(select(m.User.display_name).where(m.User.id == user_id)).scalar() or ""


def message_payload(row: m.Message, author_name: str) -> dict:
    return {"id": row.id, "case_id": row.case_id, "author_id": row.author_id, "author_name": author_name,
            "text": row.text, "language": row.language, "created": row.created.isoformat()}


def list_messages(uow: SqlUnitOfWork, p: Principal, case_id: str, page_size: int, page_token: str,
                  filter_text: str, order_by: str) -> tuple[list[tuple[m.Message, str]], str, int]:
    """Messages with their author's name, the next page token and the caller's read marker."""
    c = Collector()
    v.ident(c, "case_id", case_id)
    req = listing.check(c, MESSAGES, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    access.visible_case(uow.session, p, case_id)
    q = (select(m.Message, m.User.display_name).join(m.User, m.User.id == m.Message.author_id)
         .where(m.Message.case_id == case_id))
    rows, nxt = req.fetch(uow.session, q, (p.user_id, case_id))
    return [(r[0], r[1]) for r in rows], nxt, _marker(uow.session, p.user_id, case_id)


def _marker(s, user_id: str, case_id: str) -> int:
    return s.execute(select(m.MessageRead.last_read_id).where(
        m.MessageRead.case_id == case_id, m.MessageRead.user_id == user_id)).scalar() or 0


def _advance_marker(uow: SqlUnitOfWork, deps: Deps, user_id: str, case_id: str, up_to: int) -> int:
    s = uow.session
    table = m.MessageRead.__table__
    now = deps.clock()
    stmt = (dialect.insert(s, table).values(case_id=case_id, user_id=user_id, last_read_id=up_to, updated=now)
            .on_conflict_do_update(index_elements=["case_id", "user_id"],
                                   set_={"last_read_id": dialect.greatest(s, table.c.last_read_id, up_to),
                                         "updated": now})
            .returning(table.c.last_read_id))
    return s.execute(stmt).scalar_one()


def mark_read(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, up_to: int) -> tuple[int, int]:
    """(marker, unread left). `up_to` 0 is the latest message; a marker never moves back."""
    c = Collector()
    v.ident(c, "case_id", case_id)
    if up_to < 0:
        c.add("up_to_id", "must be a message id, or 0 for the latest")
    c.raise_if_any()
    s = uow.session
    access.visible_case(s, p, case_id)
    latest = s.execute(select(func.max(m.Message.id)).where(m.Message.case_id == case_id)).scalar() or 0
    if up_to == 0 or up_to > latest:
        up_to = latest
    before = _marker(s, p.user_id, case_id)
    marker = _advance_marker(uow, deps, p.user_id, case_id, up_to) if up_to > before else before
    if marker != before:
        publish(uow, deps, user_topic(p.user_id), "messages_read", {"case_id": case_id, "last_read_id": marker})
    return marker, unread_counts(s, p.user_id, [case_id]).get(case_id, 0)


def unread_counts(s, user_id: str, case_ids: list[str]) -> dict[str, int]:
    """Per case: others' messages after the user's read marker (one query for a page of cases)."""
    if not case_ids:
        return {}
    q = select(m.Case.id, access.unread_messages(m.Case.id, user_id)).where(m.Case.id.in_(case_ids))
    return {case_id: n for case_id, n in s.execute(q).all() if n}


def case_status(uow: SqlUnitOfWork, p: Principal, case_id: str) -> tuple[m.Case, int]:
    """The case and the caller's unread count: its status icon for the caller."""
    v.require_id("id", case_id)
    case, acc = access.visible_case(uow.session, p, case_id)
    return case, acc.unread


def translate(uow: SqlUnitOfWork, deps: Deps, p: Principal, message_id: int, target: str) -> tuple[m.Message, str]:
    c = Collector()
    if message_id <= 0:
        c.add("id", "must be a message id")
    target = _language(c, "target_language", target, required=True)
    c.raise_if_any()
    row = uow.session.get(m.Message, message_id)
    if row is None:
        raise NotFound(f"message {message_id} not found")
    try:
        access.visible_case(uow.session, p, row.case_id)
    except NotFound:
        raise NotFound(f"message {message_id} not found") from None
    if deps.translator is None:
        raise FailedPrecondition("no translation provider is configured",
                                 [Violation("translator", "set one up to translate messages")],
                                 reason="TRANSLATION_UNAVAILABLE")
    return row, deps.translator.translate(row.text, row.language, target)
