"""Email delivery from the outbox against a real SMTP server on loopback (aiosmtpd): every event,
templates in text and HTML, preferences and digests, retries with backoff, permanent refusals,
STARTTLS with credentials, and a worker process killed mid-batch."""

from __future__ import annotations

import email
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email import policy
from pathlib import Path

import grpc
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from orthoplan.adapters.db import models as m
from orthoplan.adapters.mailer import SmtpConfig, SmtpMailer, Templates
from orthoplan.services.delivery import DeliveryPolicy, Worker
from orthoplan.services.outbox import enqueue
from orthoplan.v1 import notifications_pb2 as npb
from orthoplan.v1 import setups_pb2 as spb
from sqlalchemy import update

from tests.api.helpers import Clock, details, outbox, plan, rpc_error
from tests.api.local import free_port
from tests.api.test_messages import post, shared_case


class Inbox:
    """aiosmtpd handler: keeps what it accepts; `before` may refuse or act on a message first."""

    def __init__(self):
        self.mails: list[email.message.EmailMessage] = []
        self.before = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.before is not None:
            answer = self.before(envelope)
            if answer:
                return answer
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.mails.append(msg)
        return "250 OK"

    def wait(self, n: int, timeout: float = 20.0):
        end = time.monotonic() + timeout
        while len(self.mails) < n:
            assert time.monotonic() < end, f"{len(self.mails)} of {n} mails arrived"
            time.sleep(0.02)


@pytest.fixture
def smtp():
    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        yield inbox, ctl.port
    finally:
        ctl.stop()


def worker(api, port: int, clock=None, **policy_kw) -> Worker:
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, starttls=False, sender="orthoplan <noreply@smile.test>"))
    return Worker(api.runtime.uow, mailer, Templates("https://app.smile.test"), clock or api.runtime.deps.clock,
                  DeliveryPolicy(**policy_kw))


def body(msg) -> tuple[str, str]:
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_every_event_goes_out_once_in_text_and_html(api, smtp):
    inbox, port = smtp
    org, prov, tps, case = shared_case(api, email="tess@lab.test")  # invitation by email
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))  # setup ready, to both
    post(tps, case.id, "Please check 13 & <14>.")  # new message, to the owner
    prov.setups.RequestRevision(spb.ReviewSetupRequest(case_id=case.id, version=1, notes=[
        spb.ReviewNote(text="less torque")]))  # to the planner
    expected = {(r.event, r.recipient_email) for r in outbox(api)}
    assert {"collaborator_invited", "collaborator_added", "setup_ready", "new_message",
            "revision_requested"} <= {e for e, _ in expected}
    w = worker(api, port)
    assert w.run_once()["sent"] == len(expected)
    assert w.run_once() == {"sent": 0, "retry": 0, "failed": 0}  # nothing twice
    got = {(m["Subject"], m["To"]) for m in inbox.mails}
    assert len(inbox.mails) == len(expected) == len(got)
    assert len({m["Message-ID"] for m in inbox.mails}) == len(inbox.mails)
    by_subject = {m["Subject"]: m for m in inbox.mails}
    text, html = body(by_subject["New message on a case"])
    assert f"https://app.smile.test/cases/{case.id}/messages" in text and "(Ada)" in text
    assert "Lovelace" not in text + html and "13 &" not in text + html  # a first name and a link, no content
    invite_text, invite_html = body(by_subject["You are invited to collaborate on orthoplan"])
    token = next(r.payload["invite_token"] for r in outbox(api, "collaborator_invited"))
    assert f"register?token={token}" in invite_text and f"register?token={token}" in invite_html
    assert all(r.sent is not None and r.attempts == 0 for r in outbox(api))


def test_preferences_collect_a_daily_digest(api, smtp):
    inbox, port = smtp
    org, prov, tps, case = shared_case(api)
    prefs = prov.notifications.UpdateNotificationPreferences(npb.UpdateNotificationPreferencesRequest(preferences=[
        npb.NotificationPreference(event="new_message", mode=npb.DAILY_DIGEST),
        npb.NotificationPreference(event="setup_ready", mode=npb.DAILY_DIGEST)]))
    modes = {p.event: p.mode for p in prefs.preferences}
    assert modes["new_message"] == npb.DAILY_DIGEST and modes["setup_approved"] == npb.IMMEDIATE
    assert "collaborator_invited" not in modes  # invitations always go at once
    err = rpc_error(lambda: prov.notifications.UpdateNotificationPreferences(
        npb.UpdateNotificationPreferencesRequest(preferences=[npb.NotificationPreference(event="nope", mode=1),
                                                              npb.NotificationPreference(event="new_message",
                                                                                         mode=9)])),
        grpc.StatusCode.INVALID_ARGUMENT)
    assert set(details(err)["violations"]) == {"preferences[0].event", "preferences[1].mode"}
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    for i in range(3):
        post(tps, case.id, f"note {i}")
    clock = Clock(api.runtime.deps.clock())
    w = worker(api, port, clock)
    w.run_once()
    assert sorted((m["To"], m["Subject"]) for m in inbox.mails) == [  # what is not in a digest goes at once
        ("provider_a@smile.test", "Your collaborator accepted"),
        ("tess@lab.test", "A treatment setup is ready for review"),
        ("tess@lab.test", "You are invited to collaborate on orthoplan")]
    clock.now += timedelta(days=1)  # past the next digest hour
    assert w.run_once()["sent"] == 4
    digest = inbox.mails[-1]
    assert (digest["To"], digest["Subject"]) == ("provider_a@smile.test", "Daily digest: 4 updates")
    text, html = body(digest)
    assert text.count("New message on a case") == 3 and "<li><strong>A treatment setup is ready" in html
    assert "&lt;p&gt;" not in html  # the items' HTML is embedded, not escaped twice


def _enqueue(api, *recipients: str) -> None:
    with api.runtime.uow(write=True) as uow:
        for to in recipients:
            enqueue(uow.session, api.runtime.deps, "setup_ready", email=to, user_id=None, dedupe_key=f"k:{to}",
                    payload={"case_id": "c" * 32, "case_number": "C-000001", "version": 1})
        uow.commit()


def test_transient_failures_back_off_and_permanent_ones_stop(api, smtp):
    inbox, port = smtp
    _enqueue(api, "a@x.test", "refused@x.test")
    refusals = {"n": 0}

    def before(envelope):
        if envelope.rcpt_tos == ["refused@x.test"]:
            return "550 5.1.1 no such mailbox"
        if refusals["n"] < 2:
            refusals["n"] += 1
            return "451 4.3.0 try again later"
        return None
    inbox.before = before
    clock = Clock(api.runtime.deps.clock())
    w = worker(api, port, clock, backoff_s=10)
    w.run_once()
    rows = {r.recipient_email: r for r in outbox(api)}
    a = rows["a@x.test"]
    assert a.sent is None and a.attempts == 1 and "451" in a.last_error
    assert a.due.replace(tzinfo=None) == (clock.now + timedelta(seconds=10)).replace(tzinfo=None)
    b = rows["refused@x.test"]  # not tried (the server was refusing): waits as long, no try counted
    assert (b.attempts, b.due) == (0, a.due)
    assert w.run_once() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet: nothing hammers the server
    clock.now += timedelta(seconds=11)
    w.run_once()
    rows = {r.recipient_email: r for r in outbox(api)}
    assert rows["a@x.test"].attempts == 2 and rows["refused@x.test"].attempts == 0
    clock.now += timedelta(seconds=21)  # past the doubled backoff
    w.run_once()
    rows = {r.recipient_email: r for r in outbox(api)}
    assert rows["a@x.test"].sent is not None
    assert rows["refused@x.test"].failed is not None and "550" in rows["refused@x.test"].last_error
    clock.now += timedelta(days=1)
    assert w.run_once() == {"sent": 0, "retry": 0, "failed": 0}
    assert [m["To"] for m in inbox.mails] == ["a@x.test"]
    # an unreachable server: every claimed notification waits for its backoff, none is lost
    _enqueue(api, "b@x.test")
    down = worker(api, free_port(), clock)
    assert down.run_once()["retry"] == 1
    assert [r.attempts for r in outbox(api) if r.recipient_email == "b@x.test"] == [1]


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, cert


def test_starttls_with_credentials(api, tmp_path):
    key, cert = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    inbox = Inbox()

    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"mailer" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=ctx, require_starttls=True,
                     authenticator=check, auth_require_tls=True)
    ctl.start()
    try:
        _enqueue(api, "a@x.test", "b@x.test")
        sent = outbox(api)
        good = SmtpMailer(SmtpConfig("127.0.0.1", ctl.port, starttls=True, username="mailer", password="s3cret",
                                     ca_file=str(cert)))
        bad = SmtpMailer(SmtpConfig("127.0.0.1", ctl.port, starttls=True, username="mailer", password="wrong",
                                    ca_file=str(cert)))
        (tmp_path / "other").mkdir()
        untrusted = SmtpMailer(SmtpConfig("127.0.0.1", ctl.port, starttls=True, username="mailer",
                                          password="s3cret", ca_file=str(_self_signed(tmp_path / "other")[1])))
        for mailer in (bad, untrusted, good):  # refused credentials, a certificate nobody vouches for, fine
            with api.runtime.uow(write=True) as uow:  # due now
                uow.session.execute(update(m.OutboxMessage).values(due=api.runtime.deps.clock()))
                uow.commit()
            w = Worker(api.runtime.uow, mailer, Templates("https://app"), api.runtime.deps.clock)
            if mailer is not good:
                assert w.run_once()["retry"] == len(sent) and not inbox.mails
        w = Worker(api.runtime.uow, good, Templates("https://app"), api.runtime.deps.clock)
        assert w.run_once()["sent"] == len(sent)
        assert len(inbox.mails) == len(sent)
    finally:
        ctl.stop()


@pytest.mark.parametrize("when", ["before_accept", "after_accept"])
def test_a_worker_killed_mid_batch_loses_nothing(api, smtp, tmp_path, when):
    """SIGKILL while the 8th of 20 mails is being handed over: before the server accepted it (the
    restarted worker sends it once), or after the server accepted it but before the worker could
    record that (RFC 1047's window: it comes again, with the same Message-ID)."""
    inbox, port = smtp
    _enqueue(api, *[f"u{i:02d}@x.test" for i in range(20)])
    expected = {r.recipient_email for r in outbox(api)}
    with api.runtime.uow() as uow:
        url = uow.session.get_bind().url.render_as_string(hide_password=False)
    env = {**os.environ, "ORTHOPLAN_DATABASE_URL": url, "ORTHOPLAN_DATA_DIR": str(tmp_path / "w"),
           "ORTHOPLAN_SMTP_HOST": "127.0.0.1", "ORTHOPLAN_SMTP_PORT": str(port), "ORTHOPLAN_SMTP_STARTTLS": "false",
           "ORTHOPLAN_DELIVERY_LEASE_S": "2"}
    cmd = [sys.executable, "-m", "orthoplan.client.cli", "admin", "deliver"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = {"n": 0}

    def before(envelope):
        seen["n"] += 1
        if seen["n"] == 8:
            if when == "after_accept":
                inbox.mails.append(email.message_from_bytes(envelope.content, policy=policy.default))
            os.kill(proc.pid, signal.SIGKILL)
            time.sleep(0.2)  # the worker is gone before it can read any reply
            return "250 OK" if when == "after_accept" else "451 4.3.0 closing"
        return None
    inbox.before = before
    try:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL, out
        inbox.before = None
        time.sleep(2.2)  # the dead worker's lease runs out
        again = subprocess.run([*cmd, "--once"], env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    got = [m["To"] for m in inbox.mails]
    assert set(got) == expected  # nothing lost
    assert all(r.sent is not None for r in outbox(api))
    dupes = {to for to in got if got.count(to) > 1}
    if when == "before_accept":
        assert not dupes
    else:
        assert len(dupes) == 1  # the one mail in RFC 1047's window, nothing else
        ids = {m["Message-ID"] for m in inbox.mails if m["To"] in dupes}
        assert len(ids) == 1
