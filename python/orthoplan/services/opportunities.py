"""Recall opportunities, computed by the database: an active course of treatment opened within the
organization's window whose patient has no appointment booked within the look-ahead. Actions on
one or many at once, all or nothing; the needs-action count ("red light") per user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import Collector, PermissionDenied
from ..domain.identity import Principal, Role
from ..domain.opportunities import (
    DEFAULT_LOOKAHEAD_DAYS,
    DEFAULT_SNOOZE,
    DEFAULT_WINDOW_DAYS,
    AppointmentStatus,
    OpportunityStatus,
    Payor,
)
from . import access, contact, listing
from . import validate as v
from .audit_trail import record
from .auth import principal_of
from .deps import Deps
from .events import publish, user_topic

C, P, OPP = m.CourseOfTreatment, m.Patient, m.Opportunity
PROVIDER, ASSIGNEE = aliased(m.User, name="provider"), aliased(m.User, name="assignee")
MAX_BATCH = 200
ACTIONS = ("reject", "snooze", "assign", "note", "phone", "book", "contact")


def settings(s, organization_id: str) -> tuple[int, int]:
    row = s.get(m.OrganizationSettings, organization_id)
    return (row.opportunity_window_days, row.opportunity_lookahead_days) if row else (DEFAULT_WINDOW_DAYS,
                                                                                        DEFAULT_LOOKAHEAD_DAYS)


def update_settings(uow: SqlUnitOfWork, deps: Deps, p: Principal, window: int, lookahead: int) -> tuple[int, int]:
    if p.role != Role.SUPER_ADMIN:
        raise PermissionDenied("only a SUPER_ADMIN changes the opportunity rule")
    c = Collector()
    for field, value in (("settings.window_days", window), ("settings.lookahead_days", lookahead)):
        if not 1 <= value <= 3650:
            c.add(field, "must be 1-3650 days")
    c.raise_if_any()
    s = uow.session
    row = s.get(m.OrganizationSettings, p.organization_id)
    before = settings(s, p.organization_id)
    if row is None:
        row = m.OrganizationSettings(organization_id=p.organization_id)
        s.add(row)
    row.opportunity_window_days, row.opportunity_lookahead_days = window, lookahead
    uow.flush()
    record(s, deps, p, "update_opportunity_settings", "organization", p.organization_id,
           {"window_days": before[0], "lookahead_days": before[1]},
           {"window_days": window, "lookahead_days": lookahead})
    return window, lookahead


def _status(now: datetime) -> Any:
    return case((OPP.rejected.is_(True), int(OpportunityStatus.REJECTED)),
                (OPP.snoozed_until > now, int(OpportunityStatus.SNOOZED)),
                (OPP.last_contact.is_not(None), int(OpportunityStatus.CONTACTED)),
                (OPP.assignee_id.is_not(None), int(OpportunityStatus.ASSIGNED)),
                else_=int(OpportunityStatus.NEW))


def base_query(s, p: Principal, now: datetime, *, include_rejected: bool, include_snoozed: bool):
    """Every opportunity the principal sees, with what a row shows. The rule is one SQL statement:
    the database filters 200,000 courses, not Python."""
    window, ahead = settings(s, p.organization_id)
    booked = exists().where(m.Appointment.patient_id == C.patient_id,
                            m.Appointment.status == int(AppointmentStatus.BOOKED),
                            m.Appointment.start >= now, m.Appointment.start < now + timedelta(days=ahead))
    status, last_updated = _status(now).label("status"), C.updated.label("last_updated")
    q = (select(C, P.first_name, P.last_name, P.email, P.mobile, PROVIDER.display_name.label("provider_name"),
                OPP.snoozed_until, OPP.assignee_id, ASSIGNEE.display_name.label("assignee_name"), status, last_updated)
         .join(P, P.id == C.patient_id).join(PROVIDER, PROVIDER.id == C.provider_id)
         .outerjoin(OPP, OPP.course_id == C.id).outerjoin(ASSIGNEE, ASSIGNEE.id == OPP.assignee_id)
         .where(access.practice_condition(p, C.organization_id, C.location_id), C.active.is_(True),
                C.opened >= (now - timedelta(days=window)).date(), ~booked))
    if not include_rejected:
        q = q.where(or_(OPP.rejected.is_(None), OPP.rejected.is_(False)))
    if not include_snoozed:
        q = q.where(or_(OPP.snoozed_until.is_(None), OPP.snoozed_until <= now))
    return q, status, last_updated


def _is(now: datetime) -> Any:
    """OpportunityStatus -> its condition as an EXISTS on the (small) opportunities table, which the
    planner estimates well; an equality on the CASE expression, or IS NULL tests on the outer-joined
    side, look rare to it, and it then reads every course instead of walking an index."""
    o = aliased(m.Opportunity, name="o_filter")
    live, awake = o.rejected.is_(False), or_(o.snoozed_until.is_(None), o.snoozed_until <= now)

    def having(*conds: Any) -> Any:
        return exists().where(o.course_id == C.id, *conds)
    return {
        OpportunityStatus.REJECTED: having(o.rejected.is_(True)),
        OpportunityStatus.SNOOZED: having(live, o.snoozed_until > now),
        OpportunityStatus.CONTACTED: having(live, awake, o.last_contact.is_not(None)),
        OpportunityStatus.ASSIGNED: having(live, awake, o.last_contact.is_(None), o.assignee_id.is_not(None)),
        OpportunityStatus.NEW: ~having(or_(o.rejected.is_(True), o.snoozed_until > now, o.last_contact.is_not(None),
                                           o.assignee_id.is_not(None))),
    }.__getitem__


def _listing(status: Any, last_updated: Any, now: datetime) -> listing.Listing:
    return listing.Listing(
        "opportunities",
        filters={"status": listing.Term(status, OpportunityStatus, predicate=_is(now)),
                 "assignee_id": listing.Term(OPP.assignee_id),
                 "provider_id": listing.Term(C.provider_id), "payor": listing.Term(C.payor, Payor),
                 "location_id": listing.Term(C.location_id)},
        orders={"patient_name": (P.last_name, P.first_name), "provider": (PROVIDER.display_name,),
                "payor": (C.payor,), "course_number": (C.number,), "last_updated": (last_updated,),
                "status": (status,), "assignee": (func.coalesce(ASSIGNEE.display_name, ""),),
                "value": (C.value_minor,), "uda_value": (C.uda_hundredths,)},
        default_order="last_updated desc", tiebreak=C.id)


@dataclass(frozen=True)
class ListArgs:
    page_size: int = 0
    page_token: str = ""
    filter_text: str = ""
    order_by: str = ""
    include_rejected: bool = False
    include_snoozed: bool = False
    min_value_minor: int = 0
    max_value_minor: int = 0


def list_opportunities(uow: SqlUnitOfWork, deps: Deps, p: Principal, a: ListArgs) -> tuple[list, str]:
    now = deps.clock()
    s = uow.session
    q, status, last_updated = base_query(s, p, now, include_rejected=a.include_rejected,
                                         include_snoozed=a.include_snoozed)
    c = Collector()
    req = listing.check(c, _listing(status, last_updated, now), a.page_size, a.page_token, a.filter_text, a.order_by)
    if a.min_value_minor < 0:
        c.add("min_value_minor", "must be 0 or more")
    if a.max_value_minor < 0 or (a.max_value_minor and a.max_value_minor < a.min_value_minor):
        c.add("max_value_minor", "must be 0 (no bound) or at least min_value_minor")
    c.raise_if_any()
    if a.min_value_minor:
        q = q.where(C.value_minor >= a.min_value_minor)
    if a.max_value_minor:
        q = q.where(C.value_minor <= a.max_value_minor)
    # "now" moves, so it is not part of the token's query: a page token stays valid for its query
    return req.fetch(s, q, (p.user_id, a.include_rejected, a.include_snoozed, a.min_value_minor,
                            a.max_value_minor))


@dataclass(frozen=True)
class Action:
    name: str  # one of ACTIONS
    until: datetime | None = None  # snooze
    user_id: str = ""  # assign
    text: str = ""  # note, phone
    start: datetime | None = None  # book
    kind: str = ""  # book
    template_id: str = ""  # contact
    booking_link: str = ""  # contact


def _check_action(c: Collector, a: Action, now: datetime) -> None:
    if a.name not in ACTIONS:
        c.add("action", f"choose one of {', '.join(ACTIONS)}")
    elif a.name == "snooze" and a.until is not None and a.until <= now:
        c.add("snooze.until", "must be in the future")
    elif a.name == "assign":
        v.ident(c, "assign.user_id", a.user_id)
    elif a.name == "note":
        v.text(c, "note.text", a.text, max_len=2000)
    elif a.name == "phone":
        v.text(c, "phone.outcome", a.text, max_len=2000, required=False)
    elif a.name == "book":
        if a.start is None or a.start <= now:
            c.add("book.start_time", "must be in the future")
        v.text(c, "book.type", a.kind, max_len=100, required=False)
    elif a.name == "contact":
        v.ident(c, "contact.template_id", a.template_id)
        if a.booking_link and (not a.booking_link.startswith("https://") or len(a.booking_link) > 500
                               or any(ch.isspace() or ord(ch) < 32 for ch in a.booking_link)):
            c.add("contact.booking_link", "must be an https:// address of at most 500 characters")


def act(uow: SqlUnitOfWork, deps: Deps, p: Principal, course_ids: list[str], a: Action) -> list:
    """Applies `a` to every listed opportunity or to none; the rows afterwards, in the order asked."""
    now = deps.clock()
    c = Collector()
    if not 1 <= len(course_ids) <= MAX_BATCH:
        c.add("course_ids", f"name 1-{MAX_BATCH} opportunities")
    for i, cid in enumerate(course_ids):
        v.ident(c, f"course_ids[{i}]", cid)
        if cid in course_ids[:i]:
            c.add(f"course_ids[{i}]", "is listed twice")
    _check_action(c, a, now)
    c.raise_if_any()
    s = uow.session
    q, *_ = base_query(s, p, now, include_rejected=True, include_snoozed=True)
    found = {r[0].id: r[0] for r in s.execute(q.where(C.id.in_(course_ids)).with_for_update(of=C))}
    for i, cid in enumerate(course_ids):
        if cid not in found:
            c.add(f"course_ids[{i}]", "is not an opportunity you can see")
    template = contact.template_for(s, p, a.template_id) if a.name == "contact" and not c.violations else None
    patients = {cid: s.get(m.Patient, course.patient_id) for cid, course in found.items()}
    if template is not None:
        for i, cid in enumerate(course_ids):
            contact.check_recipient(c, f"course_ids[{i}]", template, patients[cid], a.booking_link)
    if a.name == "assign" and not c.violations:
        locations = {course.location_id for course in found.values()}
        works_at = set(s.execute(select(m.UserLocation.location_id).join(m.User, m.User.id == m.UserLocation.user_id)
                                 .where(m.User.id == a.user_id, m.User.active.is_(True),
                                        m.User.organization_id == p.organization_id)).scalars())
        if not locations <= works_at:
            c.add("assign.user_id", "is not an active user of every opportunity's location")
    c.raise_if_any("nothing was changed")
    notify: set[str] = set()
    for cid in course_ids:
        course = found[cid]
        opp = s.get(OPP, cid)
        if opp is None:
            opp = OPP(course_id=cid, rejected=False, updated=now)
            s.add(opp)
        detail: dict[str, Any] = {}
        if a.name == "reject":
            opp.rejected = True
        elif a.name == "snooze":
            opp.snoozed_until = a.until or now + DEFAULT_SNOOZE
            detail["until"] = opp.snoozed_until.isoformat()
        elif a.name == "assign":
            if opp.assignee_id:
                notify.add(opp.assignee_id)
            opp.assignee_id, opp.assigned_at = a.user_id, now
            notify.add(a.user_id)
            detail["user_id"] = a.user_id
        elif a.name in ("note", "phone"):
            detail["text"] = a.text.strip()
            if a.name == "phone":
                opp.last_contact = now
                if opp.assignee_id:
                    notify.add(opp.assignee_id)
        elif a.name == "contact":
            key = uuid.uuid4().hex
            contact.send(s, deps, template, course, patients[cid], a.booking_link, key)
            opp.last_contact = now
            detail.update(channel=template.channel, template_id=template.id, contact=key)
            if opp.assignee_id:
                notify.add(opp.assignee_id)
        elif a.name == "book":
            appt = m.Appointment(id=uuid.uuid4().hex, organization_id=course.organization_id,
                                 patient_id=course.patient_id, location_id=course.location_id, start=a.start,
                                 status=int(AppointmentStatus.BOOKED), kind=a.kind.strip() or "Treatment",
                                 course_id=course.id, created=now)
            s.add(appt)
            detail.update(appointment_id=appt.id, start=a.start.isoformat())
            if opp.assignee_id:
                notify.add(opp.assignee_id)
        opp.updated = now
        s.add(m.OpportunityLog(course_id=cid, action=a.name, detail=detail, user_id=p.user_id, created=now))
        record(s, deps, p, f"opportunity_{a.name}", "opportunity", cid, None, detail)
    uow.flush()
    for user_id in sorted(notify):  # their red light may have changed
        publish(uow, deps, user_topic(user_id), "needs_action",
                {"count": needs_action_count(s, deps, principal_of(s, s.get(m.User, user_id)))})
    rows = {r[0].id: r for r in s.execute(q.where(C.id.in_(course_ids)))}
    return [rows[cid] for cid in course_ids if cid in rows]


def needs_action_count(s, deps: Deps, p: Principal) -> int:
    now = deps.clock()
    q, *_ = base_query(s, p, now, include_rejected=False, include_snoozed=False)
    q = q.where(OPP.assignee_id == p.user_id, or_(OPP.last_contact.is_(None), and_(OPP.assigned_at.is_not(None),
                                                                              OPP.last_contact < OPP.assigned_at)))
    return s.execute(select(func.count()).select_from(q.subquery())).scalar_one()

