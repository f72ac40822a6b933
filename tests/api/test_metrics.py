"""Practice metrics on a seeded data set, checked against values worked out by hand, per
organization, region, location and provider; scope and bad input."""

from __future__ import annotations

from datetime import timedelta

import grpc
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import metrics_pb2 as xpb
from orthoplan.v1 import opportunities_pb2 as qpb
from orthoplan.v1 import packs_pb2 as ppb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.helpers import details, new_case, new_patient, plan, rpc_error
from tests.api.test_opportunities import NOW, course, ts
from tests.api.test_packs import setup_pack

IA, PD = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.PERMISSION_DENIED


def seed(api):
    """Location A (provider_a): turnarounds 2, 5 and 10 days, one revision, one setup not approved,
    one case waiting, one refinement, and the draft that holds the pack images; two packs, one sent
    and asked to proceed; one opportunity booked (123.45). Location B (provider_b): one turnaround
    of 4 days."""
    api.runtime.deps.idle_timeout_s = 10**9  # the clock jumps days ahead
    org, prov, pats, clock, tpl, photo, xray, scan = setup_pack(api)
    admin, prov_b = org.admin, org.as_["provider_b"]
    at = lambda day: setattr(clock, "now", NOW + timedelta(days=day, hours=1))  # noqa: E731
    pat_b = new_patient(admin, org.loc_b.id, org.users["provider_b"].id, "CH-B")
    a = [new_case(prov, pats[0].id) for _ in range(4)] + [new_case(prov, pats[1].id)]
    b = new_case(prov_b, pat_b.id)
    prov.cases.CreateCase(cpb.CreateCaseRequest(case=cpb.Case(kind=cpb.REFINEMENT, patient_id=pats[0].id,
                                                              prescription=cpb.Prescription(goals="more"))))

    def submit(stubs, case, setup=True):
        stubs.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id))
        admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id))
        if setup:
            admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))

    def approve(stubs, case):
        s = stubs.setups.GetSetup(spb.GetSetupRequest(case_id=case.id))
        stubs.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=s.version,
                                                          content_sha256=s.content_sha256))
    at(0)
    submit(prov, a[0])
    submit(prov, a[1])
    submit(prov_b, b)
    packs = [prov.packs.CreatePack(ppb.CreatePackRequest(patient_id=pats[0].id, template_id=tpl.id,
                                                         image_record_ids=[photo.id])) for _ in range(2)]
    sent = prov.packs.SendPack(ppb.SendPackRequest(id=packs[0].id, email=True))
    prov.packs.MovePack(ppb.MovePackRequest(id=sent.id, stage=ppb.REQUESTED_TO_PROCEED))
    c = course(prov, org, pats[2], "COT-9", 30, value=12345)
    prov.opportunities.ActOnOpportunities(qpb.ActOnOpportunitiesRequest(course_ids=[c.id], book=qpb.BookAction(
        start_time=ts(clock.now + timedelta(days=1)))))
    at(1)
    submit(prov, a[2])
    submit(prov, a[3])
    prov.setups.RequestRevision(spb.ReviewSetupRequest(case_id=a[1].id, version=1, notes=[
        spb.ReviewNote(text="again")]))
    admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=a[1].id, plan=plan(12)))
    at(2)
    approve(prov, a[0])
    submit(prov, a[4], setup=False)
    at(4)
    approve(prov_b, b)
    at(5)
    approve(prov, a[1])
    at(11)
    approve(prov, a[2])
    return org


def metrics(stubs, group_by, frm="2026-11-24", to="2026-12-31"):
    res = stubs.metrics.GetPracticeMetrics(xpb.GetPracticeMetricsRequest(from_date=frm, to_date=to,
                                                                         group_by=group_by))
    return {r.group_name: r for r in res.rows}


def test_figures_match_the_hand_computed_ones(api):
    org = seed(api)
    rows = metrics(org.admin, xpb.BY_LOCATION)
    a, b = rows["A"], rows["B"]
    assert (a.approved_cases, a.turnaround_median_days, a.turnaround_p90_days) == (3, 5.0, 10.0)
    assert (a.revisions_per_case, a.case_acceptance, a.waiting_for_setup) == (0.2, 0.75, 1)
    assert a.refinements_per_case == 0.1667  # one refinement, six aligner cases (one holds the pack images)
    assert [(mc.month, mc.cases) for mc in a.cases_per_month] == [("2026-11", 7)]
    assert (a.packs_made, a.packs_sent, a.pack_acceptance) == (2, 1, 1.0)
    assert (a.opportunity_value_recovered.amount_minor, a.opportunity_value_recovered.currency) == (12345, "GBP")
    assert (b.approved_cases, b.turnaround_median_days, b.turnaround_p90_days, b.case_acceptance) == (1, 4.0, 4.0, 1.0)
    assert (b.revisions_per_case, b.waiting_for_setup, b.packs_made) == (0.0, 0, 0)
    whole = metrics(org.admin, xpb.BY_ORGANIZATION)["Smile Group"]
    assert (whole.approved_cases, whole.turnaround_median_days, whole.turnaround_p90_days) == (4, 4.0, 10.0)
    assert whole.case_acceptance == 0.8 and whole.waiting_for_setup == 1
    by_provider = metrics(org.admin, xpb.BY_PROVIDER)
    assert by_provider["provider_a"].approved_cases == 3 and by_provider["provider_b"].approved_cases == 1
    assert by_provider["provider_a"].packs_made == 2
    by_region = metrics(org.admin, xpb.BY_REGION)
    assert set(by_region) == {"North", "(no region)"} and by_region["North"].approved_cases == 3
    # a range that holds only the first two days: c1's approval alone
    early = metrics(org.admin, xpb.BY_LOCATION, to="2026-11-26")["A"]
    assert (early.approved_cases, early.turnaround_median_days) == (1, 2.0)


def test_scope_and_bad_input(api):
    org = seed(api)
    assert set(metrics(org.as_["locadmin_b"], xpb.BY_LOCATION)) == {"B"}
    assert set(metrics(org.as_["regional"], xpb.BY_LOCATION)) == {"A"}
    rpc_error(lambda: metrics(org.as_["provider_a"], xpb.BY_LOCATION), PD)
    v = details(rpc_error(lambda: metrics(org.admin, 0, frm="2026-13-01", to="x"), IA))["violations"]
    assert set(v) == {"from_date", "to_date", "group_by"}
    v = details(rpc_error(lambda: metrics(org.admin, xpb.BY_LOCATION, frm="2026-12-01", to="2026-11-01"),
                          IA))["violations"]
    assert "before" in v["to_date"]
