"""Treatment setups end to end: versions, approval signature, revision notes, collaborator decline,
the refusals the rules demand, and bad plans."""

from __future__ import annotations

import hashlib

import grpc
from orthoplan.adapters.db import models as m
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import setups_pb2 as spb
from sqlalchemy import select

from tests.api.helpers import build_org, details, new_case, new_patient, plan, rpc_error, shift

NF, PD, FP, IA = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.FAILED_PRECONDITION,
                  grpc.StatusCode.INVALID_ARGUMENT)


def awaiting_setup(org):
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = new_case(prov, p.id)
    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    return org.admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))


def outbox_events(api) -> list[tuple[str, str]]:
    with api.runtime.uow() as uow:
        return [(r.event, r.recipient_email) for r in uow.session.execute(select(m.OutboxMessage)).scalars()]


def test_versions_revision_and_signed_approval(api):
    org = build_org(api)
    prov, admin = org.as_["provider_a"], org.admin
    case = awaiting_setup(org)
    rpc_error(lambda: prov.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan())), PD)
    v1 = admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan(), case_etag=case.etag))
    assert (v1.version, v1.state) == (1, spb.SETUP_PROPOSED) and len(v1.content_sha256) == 64
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.SETUP_READY
    assert ("setup_ready", "provider_a@smile.test") in outbox_events(api)
    # a second proposal needs the case back in AWAITING_SETUP
    err = rpc_error(lambda: admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan())), FP)
    assert details(err)["reason"] == "CASE_STATE"
    # revision with notes anchored to a stage and a tooth
    rev = prov.setups.RequestRevision(spb.ReviewSetupRequest(case_id=case.id, version=1, notes=[
        spb.ReviewNote(text="less torque on 11", stage=4, fdi=11), spb.ReviewNote(text="finish earlier")]))
    assert rev.state == spb.SETUP_REVISION_REQUESTED
    assert [(n.text, n.stage, n.fdi, n.author_id) for n in rev.notes] == [
        ("less torque on 11", 4, 11, org.users["provider_a"].id), ("finish earlier", 0, 0, org.users["provider_a"].id)]
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.AWAITING_SETUP
    v2 = admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan(12, "revised")))
    assert v2.version == 2 and v2.content_sha256 != v1.content_sha256
    # approving an old version, a changed plan, or by a role that may not: refused, nothing changes
    err = rpc_error(lambda: prov.setups.ApproveSetup(spb.ApproveSetupRequest(
        case_id=case.id, version=1, content_sha256=v1.content_sha256)), FP)
    assert details(err)["reason"] == "SETUP_NOT_LATEST"
    err = rpc_error(lambda: prov.setups.ApproveSetup(spb.ApproveSetupRequest(
        case_id=case.id, version=2, content_sha256=v1.content_sha256)), FP)
    assert details(err)["reason"] == "SETUP_CONTENT_CHANGED"
    rpc_error(lambda: org.as_["tc_a"].setups.ApproveSetup(spb.ApproveSetupRequest(
        case_id=case.id, version=2, content_sha256=v2.content_sha256)), PD)
    ok = prov.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=2,
                                                          content_sha256=v2.content_sha256, request_id="a1"))
    again = prov.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=2,
                                                             content_sha256=v2.content_sha256, request_id="a1"))
    assert again == ok and ok.state == spb.SETUP_APPROVED
    sig = ok.approval
    assert (sig.user_id, sig.version, sig.content_sha256) == (org.users["provider_a"].id, 2, v2.content_sha256)
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.APPROVED
    err = rpc_error(lambda: prov.setups.ApproveSetup(spb.ApproveSetupRequest(
        case_id=case.id, version=2, content_sha256=v2.content_sha256)), FP)
    assert details(err)["reason"] == "SETUP_STATE"  # approved already
    # the signature covers the stored bytes
    with api.runtime.uow() as uow:
        stored = uow.session.get(m.TreatmentSetup, (case.id, 2)).plan
    assert hashlib.sha256(stored).hexdigest() == v2.content_sha256
    listed = prov.setups.ListSetups(spb.ListSetupsRequest(case_id=case.id)).setups
    assert [(s.version, s.state) for s in listed] == [(2, spb.SETUP_APPROVED), (1, spb.SETUP_REVISION_REQUESTED)]
    assert prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id)).version == 2
    assert prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=1)).plan == plan()
    # invisible to someone who cannot see the case, exactly like a missing one
    for who in ("provider_b", "provider_a2", "reception_a"):
        rpc_error(lambda who=who: org.as_[who].setups.GetSetup(spb.GetSetupRequest(case_id=case.id)), NF)
    rpc_error(lambda: prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=9)), NF)


def test_collaborators_review_by_permission(api):
    org = build_org(api)
    prov, admin = org.as_["provider_a"], org.admin
    case = awaiting_setup(org)
    req = prov.collab.AddCollaborator(kpb.AddCollaboratorRequest(
        email="provider_b@smile.test", permissions=[kpb.DECLINE_SETUPS], confirm_consent=True))
    tps = org.as_["provider_b"]
    tps.collab.AcceptCollaboration(kpb.CollaboratorActionRequest(id=req.id))
    prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=req.id, case_id=case.id))
    v1 = admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    assert ("setup_ready", "provider_b@smile.test") in outbox_events(api)  # shared: the collaborator hears too
    assert tps.setups.GetSetup(spb.GetSetupRequest(case_id=case.id)).content_sha256 == v1.content_sha256
    rpc_error(lambda: tps.setups.ApproveSetup(spb.ApproveSetupRequest(
        case_id=case.id, version=1, content_sha256=v1.content_sha256)), PD)
    rpc_error(lambda: tps.setups.RequestRevision(spb.ReviewSetupRequest(
        case_id=case.id, version=1, notes=[spb.ReviewNote(text="x")])), PD)
    rpc_error(lambda: prov.setups.DeclineSetup(spb.ReviewSetupRequest(  # the owner asks for a revision instead
        case_id=case.id, version=1, notes=[spb.ReviewNote(text="x")])), PD)
    out = tps.setups.DeclineSetup(spb.ReviewSetupRequest(case_id=case.id, version=1, notes=[
        spb.ReviewNote(text="contacts open between 11 and 21", stage=3, fdi=21)]))
    assert out.state == spb.SETUP_DECLINED and out.notes[0].action == spb.SETUP_DECLINED
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.AWAITING_SETUP
    assert ("setup_declined", "boss@smile.test") in outbox_events(api)  # to whoever proposed it
    # with APPROVE the collaborator signs
    prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(id=req.id, permissions=[kpb.APPROVE]))
    v2 = admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan(8)))
    ok = tps.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=2,
                                                         content_sha256=v2.content_sha256))
    assert ok.approval.user_id == org.users["provider_b"].id


def test_bad_plans_and_notes_name_every_field(api):
    org = build_org(api)
    prov, admin = org.as_["provider_a"], org.admin
    case = awaiting_setup(org)
    skew = shift(0)
    skew[1] = 0.5  # not a rotation
    bad = spb.SetupPlan(stage_count=0, notes="n" * 4001, teeth=[
        spb.ToothMovement(fdi=19, target_transform=shift(0)),
        spb.ToothMovement(fdi=11, target_transform=skew),
        spb.ToothMovement(fdi=11, target_transform=[float("nan")] * 16, first_stage=3, last_stage=1)],
        ipr=[spb.IprSite(fdi_a=11, fdi_b=11, amount_mm=0.7, stage=-1)])
    err = rpc_error(lambda: admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=bad)), IA)
    assert set(details(err)["violations"]) == {
        "plan.stage_count", "plan.notes", "plan.teeth[0].fdi", "plan.teeth[1].target_transform", "plan.teeth[2].fdi",
        "plan.teeth[2].target_transform", "plan.teeth[2].first_stage", "plan.ipr[0].fdi_b", "plan.ipr[0].amount_mm",
        "plan.ipr[0].stage"}
    err = rpc_error(lambda: admin.setups.CreateSetup(spb.CreateSetupRequest(case_id="nope", plan=spb.SetupPlan())), IA)
    assert {"case_id", "plan.stage_count", "plan.teeth"} <= set(details(err)["violations"])
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.AWAITING_SETUP  # nothing stored
    v1 = admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    err = rpc_error(lambda: prov.setups.RequestRevision(spb.ReviewSetupRequest(case_id=case.id, version=1)), IA)
    assert "notes" in details(err)["violations"]
    err = rpc_error(lambda: prov.setups.RequestRevision(spb.ReviewSetupRequest(case_id=case.id, version=1, notes=[
        spb.ReviewNote(text=" ", stage=11, fdi=31)])), IA)
    assert set(details(err)["violations"]) == {"notes[0].text", "notes[0].stage", "notes[0].fdi"}
    err = rpc_error(lambda: prov.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, content_sha256="X")), IA)
    assert set(details(err)["violations"]) == {"version", "content_sha256"}
    rpc_error(lambda: prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=-1)), IA)
    assert prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id)).state == v1.state  # still PROPOSED
