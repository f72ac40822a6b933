"""Contacting patients about opportunities: templates checked when saved, email through the outbox
to a real SMTP server, SMS through the HTTP gateway adapter against a real HTTP server on loopback;
retries, refusals, and every contact logged."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import pytest
from orthoplan.adapters.db import models as m
from orthoplan.adapters.sms import HttpSmsGateway, SmsConfig
from orthoplan.services.delivery import DeliveryPolicy, Worker
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import opportunities_pb2 as qpb
from sqlalchemy import select

from tests.api.helpers import details, new_patient, outbox, rpc_error
from tests.api.test_delivery import smtp, worker  # noqa: F401 - the fixture
from tests.api.test_opportunities import course, practice

IA, PD = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED


def template(stubs, name: str, channel: int, body: str, subject: str = ""):
    return stubs.opportunities.CreateContactTemplate(qpb.CreateContactTemplateRequest(template=qpb.ContactTemplate(
        name=name, channel=channel, subject=subject, body=body)))


def test_templates_are_checked_when_saved(api):
    org, prov, pats, _ = practice(api)
    admin = org.admin
    ok = template(admin, "Recall", qpb.EMAIL, "Hi {patient_first_name}, {practice} has a slot: {booking_link}\n"
                  "{{not a placeholder}}", subject="{practice}: your treatment")
    assert ok.id and ok.channel == qpb.EMAIL
    cases = [
        (dict(name="A", channel=qpb.EMAIL, subject="s", body="Dear {patient_last_name}"), {"template.body"}),
        (dict(name="B", channel=qpb.EMAIL, subject="{provider.__class__}", body="x"), {"template.subject"}),
        (dict(name="C", channel=qpb.SMS, subject="no", body="{practice!r} " + "x" * 480),
         {"template.subject", "template.body"}),
        (dict(name="D", channel=qpb.EMAIL, subject="", body="{ unclosed"), {"template.subject", "template.body"}),
        (dict(name="", channel=0, body=""), {"template.name", "template.channel", "template.body"}),
    ]
    for fields, bad in cases:
        v = details(rpc_error(lambda f=fields: admin.opportunities.CreateContactTemplate(
            qpb.CreateContactTemplateRequest(template=qpb.ContactTemplate(**f))), IA))["violations"]
        assert set(v) == bad, (fields, v)
    assert "unknown placeholder {patient_last_name}" in details(rpc_error(lambda: template(
        admin, "E", qpb.SMS, "{patient_last_name}"), IA))["violations"]["template.body"]
    rpc_error(lambda: template(org.as_["reception_a"], "F", qpb.SMS, "hi"), PD)
    rpc_error(lambda: template(admin, "Recall", qpb.SMS, "again"), grpc.StatusCode.ALREADY_EXISTS)
    names = [t.name for t in prov.opportunities.ListContactTemplates(qpb.ListContactTemplatesRequest()).templates]
    assert names == ["Recall"]


def test_email_contact_goes_through_the_outbox(api, smtp):  # noqa: F811
    inbox, port = smtp
    org, prov, pats, clock = practice(api)
    t = template(org.admin, "Recall", qpb.EMAIL, "Hi {patient_first_name}, {provider} at {practice} would like to "
                 "finish your treatment. Book: {booking_link}", subject="{practice}: your treatment")
    a = course(prov, org, pats[0], "A", 20).id
    nomail = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-X", first="No", last="Mail")
    prov.patients.UpdatePatient(cpb.UpdatePatientRequest(patient=cpb.Patient(
        id=nomail.id, etag=nomail.etag, first_name="No", last_name="Mail", birth_date=nomail.birth_date,
        chart_number=nomail.chart_number, location_id=nomail.location_id, provider_id=nomail.provider_id,
        email="", mobile="")))
    b = course(prov, org, nomail, "B", 20).id
    before = len(outbox(api))
    act = prov.opportunities.ActOnOpportunities
    v = details(rpc_error(lambda: act(qpb.ActOnOpportunitiesRequest(course_ids=[a, b], contact=qpb.ContactAction(
        template_id=t.id))), IA))["violations"]
    assert set(v) == {"course_ids[1]", "contact.booking_link"} and "no email" in v["course_ids[1]"]
    assert len(outbox(api)) == before  # nothing queued
    out = act(qpb.ActOnOpportunitiesRequest(course_ids=[a], contact=qpb.ContactAction(
        template_id=t.id, booking_link="https://book.smile.test/x7")))
    assert out.opportunities[0].status == qpb.OPPORTUNITY_CONTACTED
    worker(api, port, clock).run_once()
    mail = next(mm for mm in inbox.mails if mm["Subject"] == "A: your treatment")
    text = mail.get_body(("plain",)).get_content()
    assert mail["To"] == "ada@example.test" and text.strip() == (
        "Hi P0, provider_a at A would like to finish your treatment. Book: https://book.smile.test/x7")
    with api.runtime.uow() as uow:
        log = uow.session.execute(select(m.OpportunityLog).where(m.OpportunityLog.course_id == a)).scalars().all()
        assert [(e.action, e.detail["channel"]) for e in log] == [("contact", "email")]


class Gateway(BaseHTTPRequestHandler):
    """A loopback SMS gateway: records each request; answers from `replies` (then 202)."""

    received: list = []
    replies: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append((self.headers["Authorization"], body))
        code = Gateway.replies.pop(0) if Gateway.replies else 202
        self.send_response(code)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    Gateway.received, Gateway.replies = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Gateway, f"http://127.0.0.1:{server.server_address[1]}/sms"
    finally:
        server.shutdown()
        server.server_close()


def test_sms_contact_through_the_gateway_with_retries(api, gateway):
    gw, url = gateway
    org, prov, pats, clock = practice(api)
    t = template(org.admin, "Nudge", qpb.SMS, "Hi {patient_first_name}, please call {practice} to book.")
    ids = [course(prov, org, pats[i], f"S{i}", 20).id for i in range(2)]
    prov.opportunities.ActOnOpportunities(qpb.ActOnOpportunitiesRequest(course_ids=ids, contact=qpb.ContactAction(
        template_id=t.id)))
    gw.replies = [503, 400]  # the first try of the first fails for now, the second's for good
    w = Worker(api.runtime.uow, None, None, clock, DeliveryPolicy(backoff_s=10),
               sms=HttpSmsGateway(SmsConfig(url, "k3y")))
    assert w.run_once() == {"sent": 0, "retry": 1, "failed": 1}
    clock.now += timedelta(seconds=11)
    assert w.run_once() == {"sent": 1, "retry": 0, "failed": 0}
    assert [(auth, b["to"], b["text"]) for auth, b in gw.received] == [
        ("Bearer k3y", "+447700900123", "Hi P0, please call A to book."),
        ("Bearer k3y", "+447700900123", "Hi P1, please call A to book."),
        ("Bearer k3y", "+447700900123", "Hi P0, please call A to book.")]
    assert gw.received[0][1]["id"] == gw.received[2][1]["id"]  # a retry carries the same id
    rows = [r for r in outbox(api) if r.channel == "sms"]
    assert sorted((r.sent is not None, r.failed is not None) for r in rows) == [(False, True), (True, False)]
    with pytest.raises(ValueError, match="sms url"):
        HttpSmsGateway(SmsConfig("ftp://x", "k"))
