"""The 3D stage viewer in a real headless browser: a share link that hides the patient's identity
and expires, and a reviewer's sign-in guarded by the case's access rules; refusals over gRPC."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlparse

import grpc
import pytest
from orthoplan.api.patient_pages import PatientPages
from orthoplan.v1 import planning_pb2 as ppb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.conftest import PASSWORD
from tests.api.helpers import build_org, details, rpc_error
from tests.api.helpers import plan as manual_plan
from tests.api.test_planning_service import SPEC, awaiting_setup, executor, scanned_case, watch  # noqa: F401

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IA, NF, FP = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION
# the pixels of the canvas that are not its background, and a digest of them (drawn with
# preserveDrawingBuffer, so a 2D copy reads what WebGL drew)
PIXELS = """() => { const c = document.getElementById('view'); const k = document.createElement('canvas');
  k.width = c.width; k.height = c.height; const g = k.getContext('2d'); g.drawImage(c, 0, 0);
  const d = g.getImageData(0, 0, k.width, k.height).data; let lit = 0, h = 0;
  for (let i = 0; i < d.length; i += 4) { if (Math.abs(d[i] - 32) + Math.abs(d[i + 1] - 37) > 12) lit++;
    h = (h * 31 + d[i] + 7 * d[i + 1]) % 1000000007; }
  return [lit, d.length / 4, h]; }"""


def _get(url: str, cookie: str = "") -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture
def planned(api, executor):  # noqa: F811 - the planning tests' executor fixture
    org = build_org(api)
    prov, case = scanned_case(org)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    executor.start()
    assert watch(prov, job.id)[-1].plan.state == ppb.PLAN_SUCCEEDED
    pages = PatientPages(api.runtime, "127.0.0.1:0").start()
    try:
        yield org, prov, case, pages
    finally:
        pages.stop()


def _wait_drawn(page, stage: int = 0) -> None:
    page.wait_for_selector(f"body[data-ready='1'][data-drawn='{stage}']", timeout=60_000)
    assert page.evaluate("window.orthoplanViewer.error") == ""


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; .ci/run installs it)")
def test_a_share_link_shows_every_stage_and_nothing_of_the_patient(api, planned):
    from playwright.sync_api import sync_playwright

    org, prov, case, pages = planned
    link = prov.setups.CreateViewerLink(spb.CreateViewerLinkRequest(case_id=case.id, valid_hours=2))
    path = urlparse(link.url).path
    assert path.startswith("/v/") and len(path) > 40
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--use-angle=swiftshader",
                                                                     "--enable-unsafe-swiftshader"])
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(pages.url + path)
        _wait_drawn(page)
        state = page.evaluate("({...window.orthoplanViewer})")
        assert state["teeth"] == 28 and state["triangles"] > 28 * 20 and state["stages"] >= 2
        assert page.get_by_role("heading", level=1).inner_text() == "Treatment setup, version 1"
        content = page.content()
        for secret in ("Ada", "Lovelace", case.number, case.id, "CH-1"):
            assert secret not in content
        lit, total, first = page.evaluate(PIXELS)
        assert 0.02 * total < lit < 0.9 * total  # the arches are drawn, not a blank or flat canvas
        assert page.locator("#movements tr").count() == 29  # a header and every tooth
        slider = page.locator("#stage")
        slider.focus()
        for _ in range(state["stages"]):
            page.keyboard.press("ArrowRight")
        last = state["stages"]
        _wait_drawn(page, last)
        assert page.locator("#stage-label").inner_text() == f"{last} of {last}"
        assert page.evaluate(PIXELS)[2] != first  # the teeth moved
        page.get_by_role("button", name="Play").click()
        page.wait_for_selector("body[data-stage='1']", timeout=5_000)  # wraps round to the start
        assert not errors, errors
        # expired: the page and its data are gone
        api.runtime.deps.clock = lambda: _now() + timedelta(hours=3)
        page.goto(pages.url + path)
        assert page.get_by_role("heading", level=1).inner_text() == "This link is no longer available"
        browser.close()
    assert _get(f"{pages.url}{path}/scene.json")[0] == 410
    assert _get(f"{pages.url}/v/{'x' * 43}")[0] == 410
    assert _get(f"{pages.url}/v/short")[0] == 404


def _now():
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def test_the_scene_data_carries_no_identity_and_matches_the_models(api, planned):
    org, prov, case, pages = planned
    path = urlparse(prov.setups.CreateViewerLink(spb.CreateViewerLinkRequest(case_id=case.id)).url).path
    code, body = _get(f"{pages.url}{path}/scene.json")
    assert code == 200
    scene = json.loads(body)
    assert b"Lovelace" not in body and case.id.encode() not in body and case.number.encode() not in body
    for jaw, a in scene["arches"].items():
        code, stl = _get(f"{pages.url}{path}/mesh/{jaw}.stl")
        n = int.from_bytes(stl[80:84], "little")
        assert code == 200 and len(stl) == 84 + 50 * n and sum(a["faces"]) <= n
        assert len(a["poses"]) == scene["stages"] and all(len(s) == len(a["teeth"]) for s in a["poses"])
        assert a["poses"][0][0] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]  # stage 0 is the model itself


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; .ci/run installs it)")
def test_a_reviewer_signs_in_and_the_case_rules_apply(api, planned):
    from playwright.sync_api import sync_playwright

    org, prov, case, pages = planned
    review = f"{pages.url}/review/{case.id}/1"
    assert _get(f"{review}/scene.json")[0] == 401
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--use-angle=swiftshader",
                                                                     "--enable-unsafe-swiftshader"])
        page = browser.new_page()
        page.goto(review)
        assert "/review/signin" in page.url
        page.get_by_label("Email").fill("provider_a@smile.test")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text() == "Email or password is wrong."
        page.get_by_label("Email").fill("provider_a@smile.test")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(review)
        _wait_drawn(page)
        assert "Ada Lovelace" in page.get_by_role("heading", level=1).inner_text()  # the reviewer's own case
        cookie = next(c for c in page.context.cookies() if c["name"] == "orthoplan_review")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/review"
        # someone of another location may not see it
        other = browser.new_page()
        other.goto(review)
        other.get_by_label("Email").fill("provider_b@smile.test")
        other.get_by_label("Password").fill(PASSWORD)
        other.get_by_role("button", name="Sign in").click()
        assert other.get_by_role("heading", level=1).inner_text() == "Setup not found"
        browser.close()
    signed_in = f"orthoplan_review={cookie['value']}"
    code, body = _get(f"{review}/scene.json", cookie=signed_in)
    assert code == 200 and json.loads(body)["version"] == 1
    assert _get(f"{review}/scene.json", cookie="orthoplan_review=forged")[0] == 401
    assert _get(f"{pages.url}/review/{case.id}/9", cookie=signed_in)[0] == 404  # no such version
    code, body = _get(f"{pages.url}/review/{case.id}/9")  # not signed in: sent to the form
    assert code == 200 and b"Sign in to review setups" in body


def test_viewer_link_refusals(api, planned):
    org, prov, case, pages = planned
    err = rpc_error(lambda: prov.setups.CreateViewerLink(spb.CreateViewerLinkRequest(
        case_id=case.id, valid_hours=721)), IA)
    assert "valid_hours" in details(err)["violations"]
    err = rpc_error(lambda: prov.setups.CreateViewerLink(spb.CreateViewerLinkRequest(case_id="nope")), IA)
    assert "case_id" in details(err)["violations"]
    rpc_error(lambda: prov.setups.CreateViewerLink(spb.CreateViewerLinkRequest(case_id=case.id, version=7)), NF)
    rpc_error(lambda: org.as_["provider_b"].setups.CreateViewerLink(spb.CreateViewerLinkRequest(case_id=case.id)), NF)
    hand = awaiting_setup(org, "CH-2")  # a setup made by hand has no stage models
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=hand.id, plan=manual_plan()))
    err = rpc_error(lambda: prov.setups.CreateViewerLink(spb.CreateViewerLinkRequest(case_id=hand.id)), FP)
    assert details(err)["reason"] == "NO_PLAN"
