"""Practice-management data: courses of treatment and appointments, created one by one or imported
from a CSV export (all or nothing). Making a course inactive rejects its opportunity for good."""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import Collector, InvalidArgument, NotFound, PermissionDenied, Violation
from ..domain.identity import Principal, Role
from ..domain.opportunities import AppointmentStatus, Payor
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .concurrency import check_etag
from .deps import Deps

_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_IMPORT_ROWS = 100_000
# who may enter courses; appointments may be booked by anyone at the practice
_COURSE_ROLES = frozenset({Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN, Role.PROVIDER,
                           Role.TREATMENT_COORDINATOR})


@dataclass(frozen=True)
class CourseFields:
    patient_id: str
    provider_id: str
    number: str
    payor: int
    opened_date: str
    active: bool
    value_minor: int
    currency: str
    uda_value: float


def _check_course(c: Collector, prefix: str, f: CourseFields, today: date, *, new: bool) -> None:
    if new:
        v.ident(c, f"{prefix}patient_id", f.patient_id)
        v.ident(c, f"{prefix}provider_id", f.provider_id)
        v.text(c, f"{prefix}number", f.number, max_len=50)
    if f.payor not in {int(x) for x in Payor}:
        c.add(f"{prefix}payor", "must be PRIVATE, NHS or INSURER")
    v.iso_date(c, f"{prefix}opened_date", f.opened_date)
    if not c.has(f"{prefix}opened_date") and date.fromisoformat(f.opened_date) > today:
        c.add(f"{prefix}opened_date", "is in the future")
    if not 0 <= f.value_minor <= 10**12:
        c.add(f"{prefix}value.amount_minor", "must be 0 or more (minor units)")
    if not _CURRENCY.match(f.currency):
        c.add(f"{prefix}value.currency", "must be an ISO 4217 code such as GBP")
    if not 0 <= f.uda_value <= 1000 or round(f.uda_value * 100) != round(f.uda_value * 100, 6):
        c.add(f"{prefix}uda_value", "must be 0-1000 with at most two decimals")
    elif f.uda_value and f.payor != Payor.NHS:
        c.add(f"{prefix}uda_value", "only NHS courses carry UDAs")


def _provider_at(s, p: Principal, user_id: str, location_id: str) -> m.User:
    user = s.execute(select(m.User).join(m.UserLocation, m.UserLocation.user_id == m.User.id).where(
        m.User.id == user_id, m.User.organization_id == p.organization_id, m.User.role == int(Role.PROVIDER),
        m.UserLocation.location_id == location_id)).scalar_one_or_none()
    if user is None:
        raise InvalidArgument("provider_id: invalid", [Violation("course.provider_id",
                                                                 "is not a provider at the patient's location")])
    return user


def create_course(uow: SqlUnitOfWork, deps: Deps, p: Principal, f: CourseFields) -> m.CourseOfTreatment:
    if p.role not in _COURSE_ROLES:
        raise PermissionDenied(f"role {p.role.name} may not enter courses of treatment")
    c = Collector()
    _check_course(c, "course.", f, deps.clock().date(), new=True)
    c.raise_if_any()
    s = uow.session
    patient = access.practice_patient(s, p, f.patient_id)
    _provider_at(s, p, f.provider_id, patient.location_id)
    row = m.CourseOfTreatment(id=uuid.uuid4().hex, organization_id=p.organization_id, patient_id=patient.id,
                              provider_id=f.provider_id, location_id=patient.location_id, number=f.number.strip(),
                              payor=f.payor, opened=date.fromisoformat(f.opened_date), active=f.active,
                              value_minor=f.value_minor, currency=f.currency, uda_hundredths=round(f.uda_value * 100),
                              updated=deps.clock())
    s.add(row)
    uow.flush()
    record(s, deps, p, "create_course", "course", row.id, None, snapshot(row))
    return row


def visible_course(s, p: Principal, course_id: str, *, lock: bool = False) -> m.CourseOfTreatment:
    q = select(m.CourseOfTreatment).where(m.CourseOfTreatment.id == course_id, access.practice_condition(
        p, m.CourseOfTreatment.organization_id, m.CourseOfTreatment.location_id))
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"course {course_id} not found")
    return row


def reject_for_inactive(s, deps: Deps, course: m.CourseOfTreatment) -> None:
    """A course made inactive rejects its opportunity; re-activating it later does not undo that."""
    opp = s.get(m.Opportunity, course.id)
    if opp is None:
        opp = m.Opportunity(course_id=course.id, rejected=False, updated=deps.clock())
        s.add(opp)
    opp.rejected, opp.updated = True, deps.clock()


def update_course(uow: SqlUnitOfWork, deps: Deps, p: Principal, course_id: str, etag: str,
                  f: CourseFields) -> m.CourseOfTreatment:
    if p.role not in _COURSE_ROLES:
        raise PermissionDenied(f"role {p.role.name} may not change courses of treatment")
    c = Collector()
    v.ident(c, "course.id", course_id)
    _check_course(c, "course.", f, deps.clock().date(), new=False)
    c.raise_if_any()
    s = uow.session
    row = visible_course(s, p, course_id, lock=True)
    check_etag(row, etag, f"course {course_id}")
    before = snapshot(row)
    deactivated = row.active and not f.active
    row.payor, row.opened, row.active = f.payor, date.fromisoformat(f.opened_date), f.active
    row.value_minor, row.currency, row.uda_hundredths = f.value_minor, f.currency, round(f.uda_value * 100)
    row.updated = deps.clock()
    if deactivated:
        reject_for_inactive(s, deps, row)
    uow.flush()
    record(s, deps, p, "update_course", "course", row.id, before, snapshot(row))
    return row


COURSES = listing.Listing(
    "courses", filters={"patient_id": listing.Term(m.CourseOfTreatment.patient_id),
                        "provider_id": listing.Term(m.CourseOfTreatment.provider_id),
                        "location_id": listing.Term(m.CourseOfTreatment.location_id),
                        "payor": listing.Term(m.CourseOfTreatment.payor, Payor),
                        "active": listing.Term(m.CourseOfTreatment.active, boolean=True)},
    orders={"opened": (m.CourseOfTreatment.opened,), "number": (m.CourseOfTreatment.number,),
            "update_time": (m.CourseOfTreatment.updated,)},
    default_order="opened desc", tiebreak=m.CourseOfTreatment.id)

APPOINTMENTS = listing.Listing(
    "appointments", filters={"patient_id": listing.Term(m.Appointment.patient_id),
                             "location_id": listing.Term(m.Appointment.location_id),
                             "status": listing.Term(m.Appointment.status, AppointmentStatus)},
    orders={"start_time": (m.Appointment.start,)}, default_order="start_time", tiebreak=m.Appointment.id)


def list_courses(uow: SqlUnitOfWork, p: Principal, page_size: int, page_token: str, filter_text: str,
                 order_by: str) -> tuple[list[m.CourseOfTreatment], str]:
    c = Collector()
    req = listing.check(c, COURSES, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    q = select(m.CourseOfTreatment).where(access.practice_condition(
        p, m.CourseOfTreatment.organization_id, m.CourseOfTreatment.location_id))
    rows, nxt = req.fetch(uow.session, q, (p.user_id,))
    return [r[0] for r in rows], nxt


@dataclass(frozen=True)
class AppointmentFields:
    patient_id: str
    start: datetime | None
    status: int
    kind: str
    course_id: str = ""


def _check_appointment(c: Collector, prefix: str, f: AppointmentFields) -> None:
    v.ident(c, f"{prefix}patient_id", f.patient_id)
    if f.start is None:
        c.add(f"{prefix}start_time", "is required")
    if f.status not in {int(x) for x in AppointmentStatus}:
        c.add(f"{prefix}status", "must be BOOKED, ATTENDED, CANCELLED or MISSED")
    v.text(c, f"{prefix}type", f.kind, max_len=100, required=False)
    v.ident(c, f"{prefix}course_id", f.course_id, required=False)


def add_appointment(uow: SqlUnitOfWork, deps: Deps, p: Principal, f: AppointmentFields,
                    prefix: str = "appointment.") -> m.Appointment:
    c = Collector()
    _check_appointment(c, prefix, f)
    c.raise_if_any()
    s = uow.session
    patient = access.practice_patient(s, p, f.patient_id)
    if f.course_id:
        course = visible_course(s, p, f.course_id)
        if course.patient_id != patient.id:
            raise InvalidArgument("course_id: invalid", [Violation(f"{prefix}course_id",
                                                                   "is a course of another patient")])
    row = m.Appointment(id=uuid.uuid4().hex, organization_id=p.organization_id, patient_id=patient.id,
                        location_id=patient.location_id, start=f.start, status=f.status, kind=f.kind.strip(),
                        course_id=f.course_id or None, created=deps.clock())
    s.add(row)
    uow.flush()
    record(s, deps, p, "create_appointment", "appointment", row.id, None, snapshot(row))
    return row


def _appointment(s, p: Principal, appointment_id: str) -> m.Appointment:
    row = s.execute(select(m.Appointment).where(m.Appointment.id == appointment_id, access.practice_condition(
        p, m.Appointment.organization_id, m.Appointment.location_id)).with_for_update()).scalar_one_or_none()
    if row is None:
        raise NotFound(f"appointment {appointment_id} not found")
    return row


def delete_appointment(uow: SqlUnitOfWork, deps: Deps, p: Principal, appointment_id: str) -> None:
    v.require_id("id", appointment_id)
    s = uow.session
    row = _appointment(s, p, appointment_id)
    before = snapshot(row)
    s.delete(row)
    uow.flush()
    record(s, deps, p, "delete_appointment", "appointment", appointment_id, before, None)


def update_appointment(uow: SqlUnitOfWork, deps: Deps, p: Principal, appointment_id: str,
                       f: AppointmentFields) -> m.Appointment:
    c = Collector()
    v.ident(c, "appointment.id", appointment_id)
    if f.start is None:
        c.add("appointment.start_time", "is required")
    if f.status not in {int(x) for x in AppointmentStatus}:
        c.add("appointment.status", "must be BOOKED, ATTENDED, CANCELLED or MISSED")
    v.text(c, "appointment.type", f.kind, max_len=100, required=False)
    c.raise_if_any()
    s = uow.session
    row = _appointment(s, p, appointment_id)
    before = snapshot(row)
    row.start, row.status, row.kind = f.start, f.status, f.kind.strip()
    uow.flush()
    record(s, deps, p, "update_appointment", "appointment", row.id, before, snapshot(row))
    return row


def list_appointments(uow: SqlUnitOfWork, p: Principal, page_size: int, page_token: str, filter_text: str,
                      order_by: str) -> tuple[list[m.Appointment], str]:
    c = Collector()
    req = listing.check(c, APPOINTMENTS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    q = select(m.Appointment).where(access.practice_condition(p, m.Appointment.organization_id,
                                                               m.Appointment.location_id))
    rows, nxt = req.fetch(uow.session, q, (p.user_id,))
    return [r[0] for r in rows], nxt


# -- CSV import -----------------------------------------------------------------------------------
COURSE_COLUMNS = ("number", "chart_number", "provider_email", "payor", "opened_date", "active", "value", "currency",
                  "uda_value")
APPOINTMENT_COLUMNS = ("chart_number", "start_time", "status", "type", "course_number")


def _rows(data: bytes, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidArgument("csv: not UTF-8", [Violation("csv", "is not UTF-8 text")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [col for col in columns if col not in (reader.fieldnames or [])]
    if missing:
        raise InvalidArgument("csv: columns missing", [Violation("csv", f"the header lacks {', '.join(missing)}; "
                                                                        f"expected {', '.join(columns)}")])
    out = []
    for row in reader:
        if len(out) >= MAX_IMPORT_ROWS:
            raise InvalidArgument("csv: too many rows", [Violation("csv", f"at most {MAX_IMPORT_ROWS} rows")])
        out.append((reader.line_num, {k: (row.get(k) or "").strip() for k in columns}))
    return out


def _money(c: Collector, field: str, text: str) -> int:
    try:
        value = round(float(text) * 100)
        if value < 0:
            raise ValueError
        return value
    except ValueError:
        c.add(field, f"{text[:30]!r} is not an amount such as 125.00")
        return 0


def import_csv(uow: SqlUnitOfWork, deps: Deps, p: Principal, kind: int, data: bytes) -> tuple[int, int]:
    """(created, updated). Every bad row is named (`line N.column`); any problem rolls all back."""
    if kind not in (1, 2):
        raise InvalidArgument("kind: invalid", [Violation("kind", "must be COURSES or APPOINTMENTS")])
    if p.role not in _COURSE_ROLES:
        raise PermissionDenied(f"role {p.role.name} may not import practice data")
    s = uow.session
    patients = {r.chart_number: r for r in s.execute(select(m.Patient).where(access.practice_condition(
        p, m.Patient.organization_id, m.Patient.location_id))).scalars()}
    c = Collector()
    created = updated = 0
    if kind == 1:
        providers = dict(s.execute(select(m.User.email, m.User.id).where(
            m.User.organization_id == p.organization_id, m.User.role == int(Role.PROVIDER))).all())
        existing = {r.number: r for r in s.execute(select(m.CourseOfTreatment).where(
            m.CourseOfTreatment.organization_id == p.organization_id)).scalars()}
        for line, row in _rows(data, COURSE_COLUMNS):
            at = f"line {line}."
            patient = patients.get(row["chart_number"])
            if patient is None:
                c.add(at + "chart_number", f"no patient {row['chart_number'][:30]!r} in your scope")
            provider_id = providers.get(row["provider_email"].lower())
            if provider_id is None:
                c.add(at + "provider_email", f"no provider {row['provider_email'][:60]!r}")
            payor = Payor.__members__.get(row["payor"].upper())
            active = row["active"].lower()
            if active not in ("true", "false", "1", "0", "yes", "no"):
                c.add(at + "active", "must be true or false")
            try:
                uda = float(row["uda_value"] or 0)
            except ValueError:
                c.add(at + "uda_value", "must be a number")
                uda = 0.0
            f = CourseFields("", provider_id or "", row["number"], int(payor) if payor else 0, row["opened_date"],
                             active in ("true", "1", "yes"), _money(c, at + "value", row["value"]),
                             row["currency"].upper(), uda)
            before = len(c.violations)
            _check_course(c, at, f, deps.clock().date(), new=False)
            v.text(c, at + "number", f.number, max_len=50)
            if len(c.violations) > before or patient is None or provider_id is None:
                continue
            course = existing.get(f.number)
            if course is None:
                course = m.CourseOfTreatment(id=uuid.uuid4().hex, organization_id=p.organization_id,
                                             patient_id=patient.id, location_id=patient.location_id, number=f.number)
                s.add(course)
                existing[f.number] = course
                created += 1
            else:
                if course.patient_id != patient.id:
                    c.add(at + "chart_number", f"course {f.number} belongs to another patient")
                    continue
                if course.active and not f.active:
                    reject_for_inactive(s, deps, course)
                updated += 1
            course.provider_id, course.payor, course.opened = provider_id, f.payor, date.fromisoformat(f.opened_date)
            course.active, course.value_minor, course.currency = f.active, f.value_minor, f.currency
            course.uda_hundredths, course.updated = round(f.uda_value * 100), deps.clock()
    else:
        courses = {r.number: r for r in s.execute(select(m.CourseOfTreatment).where(
            m.CourseOfTreatment.organization_id == p.organization_id)).scalars()}
        for line, row in _rows(data, APPOINTMENT_COLUMNS):
            at = f"line {line}."
            patient = patients.get(row["chart_number"])
            if patient is None:
                c.add(at + "chart_number", f"no patient {row['chart_number'][:30]!r} in your scope")
            try:
                start = datetime.fromisoformat(row["start_time"])
                if start.tzinfo is None:
                    raise ValueError
            except ValueError:
                c.add(at + "start_time", "must be ISO 8601 with a UTC offset, e.g. 2026-12-01T09:30:00+00:00")
                start = None
            status = AppointmentStatus.__members__.get(row["status"].upper())
            if status is None:
                c.add(at + "status", "must be BOOKED, ATTENDED, CANCELLED or MISSED")
            course = courses.get(row["course_number"]) if row["course_number"] else None
            if row["course_number"] and (course is None or (patient is not None and course.patient_id != patient.id)):
                c.add(at + "course_number", "is not a course of this patient")
            v.text(c, at + "type", row["type"], max_len=100, required=False)
            if patient is None or start is None or status is None:
                continue
            s.add(m.Appointment(id=uuid.uuid4().hex, organization_id=p.organization_id, patient_id=patient.id,
                                location_id=patient.location_id, start=start, status=int(status), kind=row["type"],
                                course_id=course.id if course else None, created=deps.clock()))
            created += 1
    c.raise_if_any("the import has bad rows; nothing was imported")
    uow.flush()
    record(s, deps, p, "import_csv", "organization", p.organization_id, None,
           {"kind": kind, "created": created, "updated": updated})
    return created, updated
