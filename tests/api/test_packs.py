"""Treatment packs end to end: templates, packs from a patient's own images, sending a link by email
and SMS, the pipeline board, moves recorded, and the patient page in a real headless browser
(Chromium): images, options, reply, proceed; an expired or revoked link shows "no longer available"."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from datetime import timedelta

import grpc
import pytest
from orthoplan.adapters.db import models as m
from orthoplan.api.patient_pages import PatientPages
from orthoplan.v1 import orders_pb2 as opb
from orthoplan.v1 import packs_pb2 as ppb
from orthoplan.v1 import records_pb2 as rpb
from sqlalchemy import select

from tests.api.helpers import details, new_case, outbox, rpc_error, upload
from tests.api.test_opportunities import practice
from tests.files import png, small_stl

IA, NF, PD, AB = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                  grpc.StatusCode.ABORTED)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def setup_pack(api):
    org, prov, pats, clock = practice(api)
    tpl = org.admin.packs.CreatePackTemplate(ppb.CreatePackTemplateRequest(template=ppb.PackTemplate(
        name="Aligners", plan_type=ppb.AESTHETIC, next_steps="Book a fit appointment & bring your retainer.",
        options=[ppb.PackOption(name="Clear aligners, 12 months", fee=opb.Money(amount_minor=350000, currency="GBP")),
                 ppb.PackOption(name="Whitening <only>", fee=opb.Money(amount_minor=30000, currency="GBP"))])))
    case = new_case(prov, pats[0].id)
    photo = upload(prov, case.id, png(8, 8, noise=1), kind=rpb.PHOTO, view=rpb.INTRAORAL_FRONTAL)
    xray = upload(prov, case.id, png(6, 4, noise=2), kind=rpb.XRAY)
    scan = upload(prov, case.id, small_stl(), kind=rpb.UPPER_SCAN)
    return org, prov, pats, clock, tpl, photo, xray, scan


def test_templates_packs_links_and_the_board(api):
    org, prov, pats, clock, tpl, photo, xray, scan = setup_pack(api)
    v = details(rpc_error(lambda: org.admin.packs.CreatePackTemplate(ppb.CreatePackTemplateRequest(
        template=ppb.PackTemplate(name="", plan_type=9, options=[ppb.PackOption(
            name="x", fee=opb.Money(amount_minor=-1, currency="gbp"))]))), IA))["violations"]
    assert set(v) == {"template.name", "template.plan_type", "template.options[0].fee.amount_minor",
                      "template.options[0].fee.currency", "template.next_steps"}
    rpc_error(lambda: prov.packs.CreatePackTemplate(ppb.CreatePackTemplateRequest(template=tpl)), PD)
    v = details(rpc_error(lambda: prov.packs.CreatePack(ppb.CreatePackRequest(
        patient_id=pats[0].id, template_id=tpl.id, image_record_ids=[scan.id, photo.id, photo.id, xray.id])),
        IA))["violations"]
    assert set(v) == {"image_record_ids", "image_record_ids[2]"}
    v = details(rpc_error(lambda: prov.packs.CreatePack(ppb.CreatePackRequest(
        patient_id=pats[1].id, template_id=tpl.id, image_record_ids=[photo.id])), IA))["violations"]
    assert "image_record_ids[0]" in v  # another patient's image
    pack = prov.packs.CreatePack(ppb.CreatePackRequest(patient_id=pats[0].id, template_id=tpl.id,
                                                       image_record_ids=[photo.id, xray.id]))
    assert (pack.stage, pack.value.amount_minor, len(pack.options)) == (ppb.NOT_SENT, 350000, 2)
    rpc_error(lambda: org.as_["provider_b"].packs.GetPack(ppb.GetPackRequest(id=pack.id)), NF)
    sent = prov.packs.SendPack(ppb.SendPackRequest(id=pack.id, email=True, sms=True, valid_days=7))
    assert sent.stage == ppb.SENT and sent.link_expire_time.ToDatetime() - sent.sent_time.ToDatetime() == \
        timedelta(days=7)
    msgs = [r for r in outbox(api, "practice_message")]
    assert sorted(r.channel for r in msgs) == ["email", "sms"]
    links = {re.search(r"/p/([\w-]+)", r.payload["body"]).group(1) for r in msgs}
    assert len(links) == 1 and "Lovelace" not in msgs[0].payload["body"]
    with api.runtime.uow() as uow:  # only the token's hash is stored
        stored = uow.session.execute(select(m.TreatmentPack.link_hash)).scalar()
    assert stored and links.pop() not in stored
    rpc_error(lambda: prov.packs.SendPack(ppb.SendPackRequest(id=pack.id)), IA)
    # moves are recorded and guarded by the etag
    moved = prov.packs.MovePack(ppb.MovePackRequest(id=pack.id, stage=ppb.FOLLOW_UP_REQUIRED, etag=sent.etag))
    rpc_error(lambda: prov.packs.MovePack(ppb.MovePackRequest(id=pack.id, stage=ppb.PACK_BOOKED, etag=sent.etag)), AB)
    err = rpc_error(lambda: prov.packs.MovePack(ppb.MovePackRequest(id=pack.id, stage=ppb.NOT_SENT)),
                    grpc.StatusCode.FAILED_PRECONDITION)
    assert details(err)["reason"] == "PACK_SENT"
    second = prov.packs.CreatePack(ppb.CreatePackRequest(patient_id=pats[0].id, template_id=tpl.id,
                                                         image_record_ids=[xray.id]))
    board = prov.packs.GetPipelineBoard(ppb.GetPipelineBoardRequest())
    cols = {c.stage: c for c in board.columns}
    assert [c.stage for c in board.columns] == [ppb.NOT_SENT, ppb.SENT, ppb.FOLLOW_UP_REQUIRED,
                                                ppb.REQUESTED_TO_PROCEED, ppb.PACK_BOOKED, ppb.NOT_PROCEEDING]
    assert (cols[ppb.NOT_SENT].count, [p.id for p in cols[ppb.NOT_SENT].packs]) == (1, [second.id])
    assert (cols[ppb.FOLLOW_UP_REQUIRED].count, cols[ppb.FOLLOW_UP_REQUIRED].total_value.amount_minor) == (1, 350000)
    mine = prov.packs.GetPipelineBoard(ppb.GetPipelineBoardRequest(created_by=org.users["provider_a2"].id))
    assert sum(c.count for c in mine.columns) == 0
    assert sum(c.count for c in prov.packs.GetPipelineBoard(ppb.GetPipelineBoardRequest(
        plan_type=ppb.AESTHETIC, from_date="2026-11-24", to_date="2026-11-24")).columns) == 2
    with api.runtime.uow() as uow:
        events = [(e.kind, e.from_stage, e.to_stage, e.user_id is not None) for e in uow.session.execute(
            select(m.PackEvent).where(m.PackEvent.pack_id == pack.id).order_by(m.PackEvent.id)).scalars()]
    assert events == [("created", 1, 1, True), ("sent", 1, 2, True), ("moved", 2, 3, True)]
    assert moved.stage == ppb.FOLLOW_UP_REQUIRED
    # the patient's reply joins the pack's history (posted as the page's form does)
    token = re.search(r"/p/([\w-]+)", outbox(api, "practice_message")[-1].payload["body"]).group(1)
    pages = PatientPages(api.runtime, "127.0.0.1:0").start()
    try:
        form = urllib.request.Request(f"{pages.url}/p/{token}/reply", data=b"text=Is+it+painful%3F", method="POST")
        assert urllib.request.urlopen(form).status == 200  # followed the redirect back to the page
    finally:
        pages.stop()
    history = prov.packs.ListPackEvents(ppb.ListPackEventsRequest(id=pack.id)).events
    assert [(e.kind, e.text, bool(e.user_id)) for e in history][-2:] == [("replied", "Is it painful?", False),
                                                                         ("opened", "", False)]
    rpc_error(lambda: org.as_["provider_b"].packs.ListPackEvents(ppb.ListPackEventsRequest(id=pack.id)), NF)


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; .ci/run installs it)")
def test_the_patient_page_in_a_real_browser(api):
    from playwright.sync_api import sync_playwright

    org, prov, pats, clock, tpl, photo, xray, scan = setup_pack(api)
    pack = prov.packs.CreatePack(ppb.CreatePackRequest(patient_id=pats[0].id, template_id=tpl.id,
                                                       image_record_ids=[photo.id, xray.id]))
    prov.packs.SendPack(ppb.SendPackRequest(id=pack.id, email=True))
    token = re.search(r"/p/([\w-]+)", outbox(api, "practice_message")[-1].payload["body"]).group(1)
    pages = PatientPages(api.runtime, "127.0.0.1:0").start()
    try:
        url = f"{pages.url}/p/{token}"
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(url)
            assert page.get_by_role("heading", level=1).inner_text() == "Your treatment options, P0"
            imgs = page.locator("img")
            assert imgs.count() == 2
            assert all(imgs.nth(i).evaluate("i => i.complete && i.naturalWidth > 0") for i in range(2))
            assert imgs.nth(0).get_attribute("alt").startswith("Key image 1 of 2")
            text = page.locator("main").inner_text()
            assert "Clear aligners, 12 months" in text and "GBP 3,500.00" in text and "Whitening <only>" in text
            assert "Lovelace" not in page.content()
            page.get_by_label("Your message to the practice").fill("Can I pay monthly?")
            page.get_by_role("button", name="Send message").click()
            assert "your message was sent" in page.get_by_role("status").inner_text()
            assert prov.packs.GetPack(ppb.GetPackRequest(id=pack.id)).stage == ppb.FOLLOW_UP_REQUIRED
            page.get_by_role("button", name="I'd like to proceed").click()
            assert "will contact you to book" in page.get_by_role("status").inner_text()
            assert prov.packs.GetPack(ppb.GetPackRequest(id=pack.id)).stage == ppb.REQUESTED_TO_PROCEED
            # expired: the page says so, and the images are gone too
            clock.now += timedelta(days=15)
            page.goto(url)
            assert page.get_by_role("heading", level=1).inner_text() == "This link is no longer available"
            assert _fetch(f"{url}/image/0")[0] == 410
            clock.now -= timedelta(days=15)
            # revoked: the same
            prov.packs.RevokePackLink(ppb.RevokePackLinkRequest(id=pack.id))
            page.goto(url)
            assert "no longer available" in page.locator("h1").inner_text()
            browser.close()
        assert _fetch(f"{pages.url}/p/not-a-token")[0] == 404
        assert _fetch(f"{pages.url}/p/{'x' * 43}")[0] == 410
        with api.runtime.uow() as uow:
            kinds = [e.kind for e in uow.session.execute(select(m.PackEvent).where(
                m.PackEvent.pack_id == pack.id).order_by(m.PackEvent.id)).scalars()]
            reply = uow.session.execute(select(m.PackEvent.text).where(m.PackEvent.kind == "replied")).scalar()
        assert kinds.count("opened") >= 3 and "proceed" in kinds and reply == "Can I pay monthly?"
    finally:
        pages.stop()
