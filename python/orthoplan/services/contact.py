"""Contact templates, and the messages they make for one opportunity's patient."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import contact as dct
from ..domain.errors import AlreadyExists, Collector, NotFound, PermissionDenied
from ..domain.identity import ADMIN_ROLES, Principal
from . import validate as v
from .audit_trail import record, snapshot
from .deps import Deps
from .outbox import enqueue_practice_message


def create_template(uow: SqlUnitOfWork, deps: Deps, p: Principal, name: str, channel: str, subject: str,
                    body: str) -> m.ContactTemplate:
    if p.role not in ADMIN_ROLES:
        raise PermissionDenied("contact templates are set up by a location admin or above")
    c = Collector()
    name = v.text(c, "template.name", name, max_len=100)
    if channel not in dct.CHANNELS:
        c.add("template.channel", "must be EMAIL or SMS")
    if channel == "email":
        v.text(c, "template.subject", subject, max_len=200)
    elif subject:
        c.add("template.subject", "only an EMAIL has a subject")
    body = body.strip()
    if not body:
        c.add("template.body", "is required")
    elif len(body) > (dct.MAX_SMS if channel == "sms" else 5000):
        c.add("template.body", f"is {len(body)} characters; at most {dct.MAX_SMS if channel == 'sms' else 5000}")
    for field, text in (("template.subject", subject), ("template.body", body)):
        try:
            dct.placeholders(text)
        except ValueError as e:
            c.add(field, str(e))
    c.raise_if_any()
    s = uow.session
    if s.execute(select(m.ContactTemplate.id).where(m.ContactTemplate.organization_id == p.organization_id,
                                                    m.ContactTemplate.name == name)).first():
        raise AlreadyExists(f"a template named {name!r} exists")
    row = m.ContactTemplate(id=uuid.uuid4().hex, organization_id=p.organization_id, name=name, channel=channel,
                            subject=subject.strip(), body=body, created_by=p.user_id, created=deps.clock())
    s.add(row)
    uow.flush()
    record(s, deps, p, "create_contact_template", "contact_template", row.id, None, snapshot(row))
    return row


def list_templates(uow: SqlUnitOfWork, p: Principal) -> list[m.ContactTemplate]:
    return list(uow.session.execute(select(m.ContactTemplate).where(
        m.ContactTemplate.organization_id == p.organization_id).order_by(m.ContactTemplate.name)).scalars())


def template_for(s, p: Principal, template_id: str) -> m.ContactTemplate:
    row = s.get(m.ContactTemplate, template_id) if v.is_id(template_id) else None
    if row is None or row.organization_id != p.organization_id:
        raise NotFound(f"contact template {template_id} not found")
    return row


def check_recipient(c: Collector, field: str, t: m.ContactTemplate, patient: m.Patient, booking_link: str) -> None:
    if t.channel == "email" and not patient.email:
        c.add(field, "the patient has no email address")
    if t.channel == "sms" and not patient.mobile:
        c.add(field, "the patient has no mobile number")
    if "booking_link" in dct.placeholders(t.subject + t.body) and not booking_link:
        c.add("contact.booking_link", "the template uses {booking_link}: give the address")


def send(s, deps: Deps, t: m.ContactTemplate, course: m.CourseOfTreatment, patient: m.Patient,
         booking_link: str, log_id: str) -> None:
    """Renders the template for one patient and queues it in the outbox (once per contact)."""
    location = s.get(m.Location, course.location_id)
    provider = s.get(m.User, course.provider_id)
    values = {"patient_first_name": patient.first_name, "practice": location.name,
              "provider": provider.display_name, "booking_link": booking_link}
    enqueue_practice_message(s, deps, t.channel, patient.email if t.channel == "email" else patient.mobile,
                             dct.render(t.subject, values), dct.render(t.body, values), f"contact:{log_id}")
