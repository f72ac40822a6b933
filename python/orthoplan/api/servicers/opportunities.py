"""PracticeService (courses of treatment, appointments, CSV import) and OpportunityService."""

from __future__ import annotations

from datetime import datetime, timezone

from google.protobuf import empty_pb2

from ...services import contact, practice
from ...services import opportunities as opps
from ...v1 import opportunities_pb2 as qpb
from ...v1 import opportunities_pb2_grpc as qpb_grpc
from .. import convert
from ..context import Runtime, mutate, read


def _course_fields(c: qpb.CourseOfTreatment) -> practice.CourseFields:
    return practice.CourseFields(c.patient_id, c.provider_id, c.number, c.payor, c.opened_date, c.active,
                                 c.value.amount_minor, c.value.currency, c.uda_value)


def _when(ts_msg, present: bool) -> datetime | None:
    return ts_msg.ToDatetime(tzinfo=timezone.utc) if present else None


class PracticeServicer(qpb_grpc.PracticeServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def CreateCourse(self, request, context):
        return mutate(self.rt, "CreateCourse", request, request.request_id, lambda uow, p: convert.course(
            practice.create_course(uow, self.rt.deps, p, _course_fields(request.course))), qpb.CourseOfTreatment)

    def UpdateCourse(self, request, context):
        c = request.course
        return mutate(self.rt, "UpdateCourse", request, "", lambda uow, p: convert.course(
            practice.update_course(uow, self.rt.deps, p, c.id, c.etag, _course_fields(c))), qpb.CourseOfTreatment)

    def ListCourses(self, request, context):
        def body(uow, p):
            rows, nxt = practice.list_courses(uow, p, request.page_size, request.page_token, request.filter,
                                              request.order_by)
            return qpb.ListCoursesResponse(courses=[convert.course(r) for r in rows], next_page_token=nxt)
        return read(self.rt, body)

    def CreateAppointment(self, request, context):
        a = request.appointment
        f = practice.AppointmentFields(a.patient_id, _when(a.start_time, a.HasField("start_time")),
                                       a.status or 1, a.type, a.course_id)
        return mutate(self.rt, "CreateAppointment", request, request.request_id, lambda uow, p: convert.appointment(
            practice.add_appointment(uow, self.rt.deps, p, f)), qpb.Appointment)

    def UpdateAppointment(self, request, context):
        a = request.appointment
        f = practice.AppointmentFields(a.patient_id, _when(a.start_time, a.HasField("start_time")), a.status, a.type)
        return mutate(self.rt, "UpdateAppointment", request, "", lambda uow, p: convert.appointment(
            practice.update_appointment(uow, self.rt.deps, p, a.id, f)), qpb.Appointment)

    def DeleteAppointment(self, request, context):
        def body(uow, p):
            practice.delete_appointment(uow, self.rt.deps, p, request.id)
            return empty_pb2.Empty()
        return mutate(self.rt, "DeleteAppointment", request, "", body, empty_pb2.Empty)

    def ListAppointments(self, request, context):
        def body(uow, p):
            rows, nxt = practice.list_appointments(uow, p, request.page_size, request.page_token, request.filter,
                                                   request.order_by)
            return qpb.ListAppointmentsResponse(appointments=[convert.appointment(r) for r in rows],
                                                next_page_token=nxt)
        return read(self.rt, body)

    def Import(self, request, context):
        def body(uow, p):
            created, updated = practice.import_csv(uow, self.rt.deps, p, request.kind, request.csv)
            return qpb.ImportResponse(created=created, updated=updated)
        return mutate(self.rt, "Import", request, "", body, qpb.ImportResponse)


def _action(request: qpb.ActOnOpportunitiesRequest) -> opps.Action:
    name = request.WhichOneof("action") or ""
    if name == "snooze":
        return opps.Action(name, until=_when(request.snooze.until, request.snooze.HasField("until")))
    if name == "assign":
        return opps.Action(name, user_id=request.assign.user_id)
    if name == "note":
        return opps.Action(name, text=request.note.text)
    if name == "phone":
        return opps.Action(name, text=request.phone.outcome)
    if name == "book":
        b = request.book
        return opps.Action(name, start=_when(b.start_time, b.HasField("start_time")), kind=b.type)
    if name == "contact":
        return opps.Action(name, template_id=request.contact.template_id, booking_link=request.contact.booking_link)
    return opps.Action(name)


_CHANNELS = {qpb.EMAIL: "email", qpb.SMS: "sms"}


def _template(row) -> qpb.ContactTemplate:
    return qpb.ContactTemplate(id=row.id, name=row.name, channel=qpb.EMAIL if row.channel == "email" else qpb.SMS,
                               subject=row.subject, body=row.body)


class OpportunityServicer(qpb_grpc.OpportunityServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def ListOpportunities(self, request, context):
        args = opps.ListArgs(request.page_size, request.page_token, request.filter, request.order_by,
                             request.include_rejected, request.include_snoozed, request.min_value_minor,
                             request.max_value_minor)

        def body(uow, p):
            rows, nxt = opps.list_opportunities(uow, self.rt.deps, p, args)
            return qpb.ListOpportunitiesResponse(opportunities=[convert.opportunity(r) for r in rows],
                                                 next_page_token=nxt)
        return read(self.rt, body)

    def ActOnOpportunities(self, request, context):
        def body(uow, p):
            rows = opps.act(uow, self.rt.deps, p, list(request.course_ids), _action(request))
            return qpb.ActOnOpportunitiesResponse(opportunities=[convert.opportunity(r) for r in rows])
        return mutate(self.rt, "ActOnOpportunities", request, request.request_id, body,
                      qpb.ActOnOpportunitiesResponse)

    def GetNeedsActionCount(self, request, context):
        return read(self.rt, lambda uow, p: qpb.NeedsActionCount(
            count=opps.needs_action_count(uow.session, self.rt.deps, p)))

    def CreateContactTemplate(self, request, context):
        t = request.template

        def body(uow, p):
            return _template(contact.create_template(uow, self.rt.deps, p, t.name, _CHANNELS.get(t.channel, ""),
                                                     t.subject, t.body))
        return mutate(self.rt, "CreateContactTemplate", request, "", body, qpb.ContactTemplate)

    def ListContactTemplates(self, request, context):
        return read(self.rt, lambda uow, p: qpb.ListContactTemplatesResponse(
            templates=[_template(r) for r in contact.list_templates(uow, p)]))

    def GetOpportunitySettings(self, request, context):
        def body(uow, p):
            window, ahead = opps.settings(uow.session, p.organization_id)
            return qpb.OpportunitySettings(window_days=window, lookahead_days=ahead)
        return read(self.rt, body)

    def UpdateOpportunitySettings(self, request, context):
        st = request.settings

        def body(uow, p):
            window, ahead = opps.update_settings(uow, self.rt.deps, p, st.window_days, st.lookahead_days)
            return qpb.OpportunitySettings(window_days=window, lookahead_days=ahead)
        return mutate(self.rt, "UpdateOpportunitySettings", request, "", body, qpb.OpportunitySettings)
