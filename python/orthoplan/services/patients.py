"""Patients within the caller's scope: create, get, search, update."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import AlreadyExists, Collector, NotFound, PermissionDenied
from ..domain.identity import Principal, Role
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .concurrency import check_etag
from .deps import Deps


@dataclass(frozen=True)
class PatientFields:
    first_name: str
    last_name: str
    birth_date: str
    chart_number: str
    email: str = ""
    mobile: str = ""
    location_id: str = ""
    provider_id: str = ""


def _check(c: Collector, f: PatientFields) -> dict[str, str]:
    return {
        "first_name": v.text(c, "patient.first_name", f.first_name, max_len=100),
        "last_name": v.text(c, "patient.last_name", f.last_name, max_len=100),
        "birth_date": v.iso_date(c, "patient.birth_date", f.birth_date),
        "chart_number": v.text(c, "patient.chart_number", f.chart_number, max_len=50),
        "email": v.email(c, "patient.email", f.email, required=False),
        "mobile": v.mobile(c, "patient.mobile", f.mobile),
    }


def create_patient(uow: SqlUnitOfWork, deps: Deps, p: Principal, f: PatientFields) -> m.Patient:
    if p.role == Role.RECEPTION:
        raise PermissionDenied("RECEPTION may not create patients")
    c = Collector()
    values = _check(c, f)
    v.ident(c, "patient.location_id", f.location_id)
    v.ident(c, "patient.provider_id", f.provider_id, required=p.role != Role.PROVIDER)
    c.raise_if_any()
    s = uow.session
    if not access.location_in_scope(s, p, f.location_id):
        raise NotFound(f"location {f.location_id} not found")
    provider_id = f.provider_id or p.user_id
    _require_provider_at(s, p, provider_id, f.location_id)
    if s.execute(select(m.Patient.id).where(m.Patient.organization_id == p.organization_id,
                                            m.Patient.chart_number == values["chart_number"])).first():
        raise AlreadyExists(f"chart number {values['chart_number']!r} is taken", reason="CHART_NUMBER_TAKEN")
    row = m.Patient(id=uuid.uuid4().hex, organization_id=p.organization_id, location_id=f.location_id,
                    provider_id=provider_id, created=deps.clock(), **values)
    s.add(row)
    uow.flush()
    record(s, deps, p, "create_patient", "patient", row.id, None, snapshot(row))
    return row


def _require_provider_at(s, p: Principal, provider_id: str, location_id: str) -> None:
    q = (select(m.User.id).join(m.UserLocation, m.UserLocation.user_id == m.User.id)
         .where(m.User.id == provider_id, m.User.organization_id == p.organization_id,
                m.User.role == int(Role.PROVIDER), m.User.active, m.UserLocation.location_id == location_id))
    if s.execute(q).first() is None:
        raise NotFound(f"provider {provider_id} not found at location {location_id}")


def get_patient(uow: SqlUnitOfWork, p: Principal, patient_id: str) -> m.Patient:
    v.require_id("id", patient_id)
    return access.visible_patient(uow.session, p, patient_id)


PATIENTS = listing.Listing(
    "patients", filters={"location_id": listing.Term(m.Patient.location_id),
                         "provider_id": listing.Term(m.Patient.provider_id)},
    orders={"name": (m.Patient.last_name, m.Patient.first_name), "create_time": (m.Patient.created,),
            "chart_number": (m.Patient.chart_number,)},
    default_order="name", tiebreak=m.Patient.id)


def list_patients(uow: SqlUnitOfWork, p: Principal, page_size: int, page_token: str, query: str,
                  filter_text: str = "", order_by: str = "") -> tuple[list[m.Patient], str]:
    c = Collector()
    query = v.text(c, "query", query, max_len=100, required=False)
    req = listing.check(c, PATIENTS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    q = select(m.Patient).where(access.patient_condition(p))
    if query:
        like = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(or_(*(func.lower(col).like(like, escape="\\")
                          for col in (m.Patient.first_name, m.Patient.last_name, m.Patient.chart_number))))
    rows, nxt = req.fetch(uow.session, q, (p.user_id, query))
    return [r[0] for r in rows], nxt


def update_patient(uow: SqlUnitOfWork, deps: Deps, p: Principal, patient_id: str, etag: str,
                   f: PatientFields) -> m.Patient:
    v.require_id("patient.id", patient_id)
    c = Collector()
    values = _check(c, f)
    c.raise_if_any()
    row = access.visible_patient(uow.session, p, patient_id)
    if p.role == Role.RECEPTION:
        raise PermissionDenied("RECEPTION may not edit patients")
    check_etag(row, etag, f"patient {patient_id}")
    if values["chart_number"] != row.chart_number and uow.session.execute(
            select(m.Patient.id).where(m.Patient.organization_id == p.organization_id,
                                       m.Patient.chart_number == values["chart_number"])).first():
        raise AlreadyExists(f"chart number {values['chart_number']!r} is taken", reason="CHART_NUMBER_TAKEN")
    before = snapshot(row)
    for k, val in values.items():
        setattr(row, k, val)
    uow.flush()
    record(uow.session, deps, p, "update_patient", "patient", row.id, before, snapshot(row))
    return row
