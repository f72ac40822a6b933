"""Opportunities (recall of unfinished treatment) end to end: the rule at its window edges,
settings, sticky rejection, snooze expiry, assignment and the red light, booking, bulk actions that
change nothing when one id is bad, scope, sorting and paging, and the CSV import."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from orthoplan.v1 import identity_pb2 as ipb
from orthoplan.v1 import opportunities_pb2 as qpb
from orthoplan.v1 import orders_pb2 as opb

from tests.api.helpers import Clock, build_org, details, new_patient, rpc_error
from tests.api.test_events import Listener

IA, NF, PD = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)


def ts(t: datetime) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(t)
    return out


def course(stubs, org, patient, number: str, opened_days_ago: int, *, payor=qpb.PRIVATE, value=50000, uda=0.0,
           active=True):
    return stubs.practice.CreateCourse(qpb.CreateCourseRequest(course=qpb.CourseOfTreatment(
        patient_id=patient.id, provider_id=org.users["provider_a"].id, number=number, payor=payor,
        opened_date=(NOW - timedelta(days=opened_days_ago)).date().isoformat(), active=active,
        value=opb.Money(amount_minor=value, currency="GBP"), uda_value=uda)))


def appointment(stubs, patient, days_ahead: float, status=qpb.APPOINTMENT_BOOKED):
    return stubs.practice.CreateAppointment(qpb.CreateAppointmentRequest(appointment=qpb.Appointment(
        patient_id=patient.id, start_time=ts(NOW + timedelta(days=days_ahead)), status=status, type="Treatment")))


def listed(stubs, **kw) -> list[str]:
    out, token = [], ""
    while True:
        res = stubs.opportunities.ListOpportunities(qpb.ListOpportunitiesRequest(page_size=2, page_token=token,
                                                                                 **kw))
        out += [o.course_number for o in res.opportunities]
        token = res.next_page_token
        if not token:
            return out


def practice(api):
    api.runtime.deps.clock = clock = Clock(NOW)
    org = build_org(api)
    prov = org.as_["provider_a"]
    pats = [new_patient(prov, org.loc_a.id, org.users["provider_a"].id, f"CH-{i}", first=f"P{i}", last=f"L{9 - i}")
            for i in range(8)]
    return org, prov, pats, clock


def test_the_rule_at_its_window_edges_and_its_settings(api):
    org, prov, pats, _ = practice(api)
    course(prov, org, pats[0], "IN", 365)
    course(prov, org, pats[1], "OUT", 366)
    course(prov, org, pats[2], "INACTIVE", 10, active=False)
    course(prov, org, pats[3], "BOOKED", 10)
    appointment(prov, pats[3], 89.9)
    course(prov, org, pats[4], "FAR", 10)
    appointment(prov, pats[4], 90.1)
    course(prov, org, pats[5], "CANCELLED", 10)
    appointment(prov, pats[5], 10, qpb.APPOINTMENT_CANCELLED)
    course(prov, org, pats[6], "PAST", 10)
    appointment(prov, pats[6], -1)
    assert sorted(listed(prov)) == ["CANCELLED", "FAR", "IN", "PAST"]
    rpc_error(lambda: prov.opportunities.UpdateOpportunitySettings(qpb.UpdateOpportunitySettingsRequest(
        settings=qpb.OpportunitySettings(window_days=400, lookahead_days=80))), PD)
    v = details(rpc_error(lambda: org.admin.opportunities.UpdateOpportunitySettings(
        qpb.UpdateOpportunitySettingsRequest(settings=qpb.OpportunitySettings(window_days=0, lookahead_days=9999))),
        IA))["violations"]
    assert set(v) == {"settings.window_days", "settings.lookahead_days"}
    org.admin.opportunities.UpdateOpportunitySettings(qpb.UpdateOpportunitySettingsRequest(
        settings=qpb.OpportunitySettings(window_days=400, lookahead_days=80)))
    assert sorted(listed(prov)) == ["BOOKED", "CANCELLED", "FAR", "IN", "OUT", "PAST"]
    got = prov.opportunities.GetOpportunitySettings(qpb.GetOpportunitySettingsRequest())
    assert (got.window_days, got.lookahead_days) == (400, 80)


def test_actions_sticky_rejection_snooze_assignment_and_booking(api):
    org, prov, pats, clock = practice(api)
    ids = {n: course(prov, org, pats[i], n, 30 + i, value=10000 * (i + 1), payor=qpb.NHS if i == 2 else qpb.PRIVATE,
                     uda=3.5 if i == 2 else 0.0).id
           for i, n in enumerate(["A", "B", "C", "D", "E"])}
    act = prov.opportunities.ActOnOpportunities
    # one bad id: nothing happens, the bad one is named
    err = rpc_error(lambda: act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["A"], "0" * 32],
                                                              reject=qpb.RejectAction())), IA)
    assert set(details(err)["violations"]) == {"course_ids[1]"}
    assert "A" in listed(prov)
    out = act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["A"], ids["B"]], reject=qpb.RejectAction()))
    assert [o.status for o in out.opportunities] == [qpb.OPPORTUNITY_REJECTED] * 2
    assert sorted(listed(prov)) == ["C", "D", "E"]
    assert sorted(listed(prov, include_rejected=True)) == ["A", "B", "C", "D", "E"]
    # a course made inactive is rejected, and stays rejected when made active again
    c = prov.practice.ListCourses(qpb.ListCoursesRequest(filter='payor = NHS')).courses[0]
    assert (c.number, c.uda_value) == ("C", 3.5)
    c.active = False
    c = prov.practice.UpdateCourse(qpb.UpdateCourseRequest(course=c))
    c.active = True
    prov.practice.UpdateCourse(qpb.UpdateCourseRequest(course=c))
    assert "C" not in listed(prov)
    assert [o.status for o in prov.opportunities.ListOpportunities(qpb.ListOpportunitiesRequest(
        include_rejected=True, filter="status = REJECTED")).opportunities if o.course_number == "C"] == [
        qpb.OPPORTUNITY_REJECTED]
    # snooze: a week by default, then back
    out = act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["D"]], snooze=qpb.SnoozeAction()))
    assert out.opportunities[0].snoozed_until.ToDatetime(tzinfo=timezone.utc) == NOW + timedelta(weeks=1)
    act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["D"]], snooze=qpb.SnoozeAction(
        until=ts(NOW + timedelta(minutes=5)))))
    assert sorted(listed(prov)) == ["E"] and sorted(listed(prov, include_snoozed=True)) == ["D", "E"]
    clock.now = NOW + timedelta(minutes=6)  # (sessions idle out after 30 minutes of this clock)
    assert sorted(listed(prov)) == ["D", "E"]
    # assignment and the red light: assigned, not snoozed, not contacted since
    tc = org.as_["tc_a"]
    mine = Listener(tc, from_now=True)
    mine.wait(lambda li: li.events)
    rpc_error(lambda: act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["E"]], assign=qpb.AssignAction(
        user_id=org.users["provider_b"].id))), IA)  # works elsewhere
    out = act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["D"], ids["E"]], assign=qpb.AssignAction(
        user_id=org.users["tc_a"].id)))
    assert {o.assignee_name for o in out.opportunities} == {"tc_a"}
    assert tc.opportunities.GetNeedsActionCount(qpb.GetNeedsActionCountRequest()).count == 2
    mine.wait(lambda li: any(e.needs_action.count == 2 for e in li.events))
    tc.opportunities.ActOnOpportunities(qpb.ActOnOpportunitiesRequest(course_ids=[ids["D"]], phone=qpb.PhoneAction(
        outcome="will call back after holiday")))
    assert tc.opportunities.GetNeedsActionCount(qpb.GetNeedsActionCountRequest()).count == 1
    mine.wait(lambda li: any(e.needs_action.count == 1 for e in li.events))
    mine.stop()
    statuses = {o.course_number: o.status for o in prov.opportunities.ListOpportunities(
        qpb.ListOpportunitiesRequest()).opportunities}
    assert statuses == {"D": qpb.OPPORTUNITY_CONTACTED, "E": qpb.OPPORTUNITY_ASSIGNED}
    assert listed(prov, filter=f'assignee_id = "{org.users["tc_a"].id}" AND status = ASSIGNED') == ["E"]
    # booking creates the appointment; the opportunity leaves the list
    tc.opportunities.ActOnOpportunities(qpb.ActOnOpportunitiesRequest(course_ids=[ids["E"]], book=qpb.BookAction(
        start_time=ts(clock.now + timedelta(days=3)), type="Fit aligners")))
    assert listed(prov) == ["D"] and tc.opportunities.GetNeedsActionCount(qpb.GetNeedsActionCountRequest()).count == 0
    appts = prov.practice.ListAppointments(qpb.ListAppointmentsRequest(filter=f'patient_id = "{pats[4].id}"'))
    assert [(a.type, a.status) for a in appts.appointments] == [("Fit aligners", qpb.APPOINTMENT_BOOKED)]
    # the patient cancels: the course is an opportunity again
    appt = appts.appointments[0]
    appt_id = appt.id
    appt.status = qpb.APPOINTMENT_CANCELLED
    assert prov.practice.UpdateAppointment(qpb.UpdateAppointmentRequest(appointment=appt)).status == \
        qpb.APPOINTMENT_CANCELLED
    assert sorted(listed(prov)) == ["D", "E"]
    appt.status = 0
    rpc_error(lambda: prov.practice.UpdateAppointment(qpb.UpdateAppointmentRequest(appointment=appt)), IA)
    appt.status, appt.id = qpb.APPOINTMENT_BOOKED, "0" * 32
    rpc_error(lambda: prov.practice.UpdateAppointment(qpb.UpdateAppointmentRequest(appointment=appt)), NF)
    appt.id = appt_id
    prov.practice.UpdateAppointment(qpb.UpdateAppointmentRequest(appointment=appt))
    assert listed(prov) == ["D"]
    # an appointment entered in error is deleted; the course is an opportunity again
    rpc_error(lambda: org.as_["provider_b"].practice.DeleteAppointment(qpb.DeleteAppointmentRequest(id=appt_id)), NF)
    prov.practice.DeleteAppointment(qpb.DeleteAppointmentRequest(id=appt_id))
    assert sorted(listed(prov)) == ["D", "E"]
    rpc_error(lambda: prov.practice.DeleteAppointment(qpb.DeleteAppointmentRequest(id=appt_id)), NF)
    rpc_error(lambda: prov.practice.DeleteAppointment(qpb.DeleteAppointmentRequest(id="x")), IA)
    past = qpb.BookAction(start_time=ts(clock.now - timedelta(hours=1)))
    v = details(rpc_error(lambda: act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["D"], ids["D"]], book=past)),
                          IA))["violations"]
    assert set(v) == {"course_ids[1]", "book.start_time"}
    rpc_error(lambda: act(qpb.ActOnOpportunitiesRequest(course_ids=[ids["D"]])), IA)  # no action


def test_scope_sorting_paging_and_value_range(api):
    org, prov, pats, _ = practice(api)
    for i, n in enumerate(["A", "B", "C"]):
        course(prov, org, pats[i], n, 20 + i, value=[30000, 10000, 20000][i])
    other = new_patient(org.admin, org.loc_b.id, org.users["provider_b"].id, "CH-B", first="Bo", last="B")
    org.admin.practice.CreateCourse(qpb.CreateCourseRequest(course=qpb.CourseOfTreatment(
        patient_id=other.id, provider_id=org.users["provider_b"].id, number="Z", payor=qpb.INSURER,
        opened_date="2026-10-01", active=True, value=opb.Money(amount_minor=5, currency="GBP"))))
    assert listed(prov, order_by="value desc") == ["A", "C", "B"]
    assert listed(prov, order_by="patient_name") == ["C", "B", "A"]  # last names L7, L8, L9
    assert listed(prov, min_value_minor=15000, max_value_minor=25000) == ["C"]
    assert sorted(listed(org.as_["reception_a"])) == ["A", "B", "C"]  # its location only
    assert listed(org.as_["locadmin_b"]) == ["Z"] and sorted(listed(org.admin)) == ["A", "B", "C", "Z"]
    assert listed(org.as_["provider_b"]) == ["Z"]
    first = prov.opportunities.ListOpportunities(qpb.ListOpportunitiesRequest(order_by="provider"))
    assert {o.provider_initials for o in first.opportunities} == {"P"}
    rpc_error(lambda: org.as_["reception_a"].opportunities.ActOnOpportunities(qpb.ActOnOpportunitiesRequest(
        course_ids=[listed_ids(org.admin, "Z")], reject=qpb.RejectAction())), IA)  # not in its scope
    v = details(rpc_error(lambda: prov.opportunities.ListOpportunities(qpb.ListOpportunitiesRequest(
        order_by="colour", filter="status = MAYBE", min_value_minor=-1)), IA))["violations"]
    assert set(v) == {"order_by", "filter", "min_value_minor"}


def listed_ids(stubs, number: str) -> str:
    res = stubs.opportunities.ListOpportunities(qpb.ListOpportunitiesRequest())
    return next(o.course_id for o in res.opportunities if o.course_number == number)


def test_csv_import_is_all_or_nothing(api):
    org, prov, pats, _ = practice(api)
    good = ("number,chart_number,provider_email,payor,opened_date,active,value,currency,uda_value\n"
            "COT-1,CH-0,provider_a@smile.test,PRIVATE,2026-09-01,true,1250.00,GBP,0\n"
            "COT-2,CH-1,provider_a@smile.test,NHS,2026-10-01,true,282.80,GBP,3\n")
    res = prov.practice.Import(qpb.ImportRequest(kind=qpb.COURSES, csv=good.encode()))
    assert (res.created, res.updated) == (2, 0)
    changed = good.replace("1250.00", "1300.00").replace("NHS,2026-10-01,true", "NHS,2026-10-01,false")
    res = prov.practice.Import(qpb.ImportRequest(kind=qpb.COURSES, csv=changed.encode()))
    assert (res.created, res.updated) == (0, 2)
    courses = {c.number: c for c in prov.practice.ListCourses(qpb.ListCoursesRequest()).courses}
    assert courses["COT-1"].value.amount_minor == 130000 and not courses["COT-2"].active
    prov.practice.Import(qpb.ImportRequest(kind=qpb.COURSES, csv=good.encode()))  # active again...
    assert listed(prov, include_rejected=True, filter="status = REJECTED") == ["COT-2"]  # ...but still rejected
    assert listed(prov) == ["COT-1"]
    bad = (good + "COT-3,CH-2,provider_a@smile.test,BARTER,2026-10-01,true,10,GBP,0\n"
           "COT-4,CH-404,nobody@smile.test,PRIVATE,2026-13-01,true,ten,GBP,0\n")
    v = details(rpc_error(lambda: prov.practice.Import(qpb.ImportRequest(kind=qpb.COURSES, csv=bad.encode())),
                          IA))["violations"]
    assert {"line 4.payor", "line 5.chart_number", "line 5.provider_email", "line 5.opened_date",
            "line 5.value"} <= set(v)
    assert len(prov.practice.ListCourses(qpb.ListCoursesRequest()).courses) == 2  # nothing of it stayed
    appts = ("chart_number,start_time,status,type,course_number\n"
             f"CH-0,{(NOW + timedelta(days=5)).isoformat()},BOOKED,Review,COT-1\n")
    assert prov.practice.Import(qpb.ImportRequest(kind=qpb.APPOINTMENTS, csv=appts.encode())).created == 1
    assert listed(prov) == []
    v = details(rpc_error(lambda: prov.practice.Import(qpb.ImportRequest(
        kind=qpb.APPOINTMENTS, csv=b"chart_number,start_time\nCH-0,2026-12-01\n")), IA))["violations"]
    assert "csv" in v
    rpc_error(lambda: org.as_["reception_a"].practice.Import(qpb.ImportRequest(kind=qpb.COURSES,
                                                                              csv=good.encode())), PD)
    rpc_error(lambda: prov.practice.Import(qpb.ImportRequest(kind=qpb.COURSES, csv=b"\xff\xfe")), IA)
    assert org.admin.org.GetUser(ipb.GetUserRequest(id=org.users["provider_a"].id)).active
