"""Collaborators end to end: invite and register, accept and decline, permissions, sharing, the
dashboard with search and redaction, removal revoking at once, and bad input."""

from __future__ import annotations

import grpc
from orthoplan.adapters.db import models as m
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import identity_pb2 as ipb
from sqlalchemy import select

from tests.api.conftest import PASSWORD
from tests.api.helpers import add, build_org, details, invite_and_register, new_case, new_patient, outbox, rpc_error

NF, PD, FP = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.FAILED_PRECONDITION
IA = grpc.StatusCode.INVALID_ARGUMENT


def _cases(api, org, n_a: int = 2):
    prov = org.as_["provider_a"]
    pid = org.users["provider_a"].id
    out = []
    for i in range(n_a):
        p = new_patient(prov, org.loc_a.id, pid, f"CH-{i}", first=f"Grace{i}", last="Hopper" if i else "Curie")
        out.append(new_case(prov, p.id, goals=f"secret goals {i}"))
    return prov, out


def test_invite_register_share_and_the_dashboard(api):
    org = build_org(api)
    prov, (c0, c1) = _cases(api, org)
    collab, tps = invite_and_register(api, prov, "tess@lab.test", kpb.APPROVE)
    # registration made a new organization whose super admin is the invitee
    me = tps.auth.GetCurrentUser(ipb.GetCurrentUserRequest())
    assert me.role == ipb.SUPER_ADMIN and me.email == "tess@lab.test"
    # nothing is shared yet
    assert list(tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases) == []
    rpc_error(lambda: tps.cases.GetCase(cpb.GetCaseRequest(id=c0.id)), NF)
    share = prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c0.id))
    assert share.case_id == c0.id
    again = prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c0.id))
    assert again.create_time == share.create_time  # sharing twice is harmless
    dash = tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases
    assert [c.id for c in dash] == [c0.id]
    assert dash[0].patient_name == "Grace0 Curie" and dash[0].prescription.goals == ""  # listings never carry it
    # without VIEW_CASE_DETAILS the case comes without its prescription
    assert tps.cases.GetCase(cpb.GetCaseRequest(id=c0.id)).prescription.goals == ""
    upd = prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(
        id=collab.id, etag=collab.etag, permissions=[kpb.APPROVE, kpb.VIEW_CASE_DETAILS]))
    assert list(upd.permissions) == [kpb.VIEW_CASE_DETAILS, kpb.APPROVE]
    assert tps.cases.GetCase(cpb.GetCaseRequest(id=c0.id)).prescription.goals == "secret goals 0"
    # the unshared case stays invisible, exactly like a missing one
    rpc_error(lambda: tps.cases.GetCase(cpb.GetCaseRequest(id=c1.id)), NF)
    # the collaborator's own ListCases shows the shared case too, flagged by the redaction
    assert [c.id for c in tps.cases.ListCases(cpb.ListCasesRequest()).cases] == [c0.id]
    # the owner's view is unchanged
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=c0.id)).prescription.goals == "secret goals 0"


def test_dashboard_search_filter_and_pages(api):
    org = build_org(api)
    prov, cases = _cases(api, org, n_a=5)
    collab, tps = invite_and_register(api, prov, "tess@lab.test", kpb.ALL_CASES)
    ids = {c.id for c in cases}
    assert {c.id for c in tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases} == ids
    # search by case number (any case) and by part of the name (case-insensitive)
    hit = tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(query=cases[3].number.lower())).cases
    assert [c.id for c in hit] == [cases[3].id]
    assert {c.id for c in tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(query="hopp")).cases} == \
        {c.id for c in cases[1:]}
    assert [c.id for c in tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(query="cUrIe")).cases] == \
        [cases[0].id]
    # LIKE metacharacters are literal
    assert list(tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(query="%")).cases) == []
    f = f'provider_id = "{org.users["provider_a"].id}"'
    seen, token = [], ""
    while True:
        page = tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(page_size=2, page_token=token, filter=f,
                                                                     order_by="number"))
        seen += [c.number for c in page.cases]
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted(c.number for c in cases)
    # a token from one query is refused with another
    page = tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(page_size=2, query="hopp"))
    err = rpc_error(lambda: tps.collab.ListSharedCases(kpb.ListSharedCasesRequest(
        page_size=2, page_token=page.next_page_token, query="curie")), IA)
    assert "page_token" in details(err)["violations"]


def test_all_cases_covers_future_cases_and_cannot_be_unshared(api):
    org = build_org(api)
    prov, (c0,) = _cases(api, org, n_a=1)
    collab, tps = invite_and_register(api, prov, "tess@lab.test", kpb.ALL_CASES)
    later = new_case(prov, c0.patient_id, goals="later")
    assert {c.id for c in tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases} == {c0.id, later.id}
    err = rpc_error(lambda: prov.collab.UnshareCase(kpb.ShareCaseRequest(collaborator_id=collab.id,
                                                                         case_id=c0.id)), FP)
    assert details(err)["reason"] == "ALL_CASES_GRANTED"
    # another provider's cases in the same practice stay invisible
    other = new_patient(org.as_["provider_a2"], org.loc_a.id, org.users["provider_a2"].id, "CH-X")
    theirs = new_case(org.as_["provider_a2"], other.id)
    rpc_error(lambda: tps.cases.GetCase(cpb.GetCaseRequest(id=theirs.id)), NF)
    # withdrawing ALL_CASES withdraws the cases at once
    prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(id=collab.id, permissions=[kpb.APPROVE]))
    assert list(tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases) == []


def test_unshare_and_remove_revoke_at_once(api):
    org = build_org(api)
    prov, (c0, c1) = _cases(api, org)
    collab, tps = invite_and_register(api, prov, "tess@lab.test", kpb.VIEW_CASE_DETAILS)
    for c in (c0, c1):
        prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c.id))
    prov.collab.UnshareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c1.id))
    prov.collab.UnshareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c1.id))  # harmless twice
    assert [c.id for c in tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases] == [c0.id]
    rpc_error(lambda: tps.cases.GetCase(cpb.GetCaseRequest(id=c1.id)), NF)
    current = prov.collab.GetCollaborator(kpb.GetCollaboratorRequest(id=collab.id))
    gone = prov.collab.RemoveCollaborator(kpb.CollaboratorActionRequest(id=collab.id, etag=current.etag))
    assert gone.state == kpb.REMOVED
    rpc_error(lambda: tps.cases.GetCase(cpb.GetCaseRequest(id=c0.id)), NF)
    assert list(tps.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases) == []
    # sharing again needs adding again; adding again reopens the grant without the old shares
    err = rpc_error(lambda: prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c0.id)),
                    FP)
    assert details(err)["reason"] == "COLLABORATION_STATE"
    back = add(prov, "tess@lab.test", kpb.APPROVE)
    assert back.id == collab.id and back.state == kpb.PENDING  # an account exists now: asked to accept
    rpc_error(lambda: tps.cases.GetCase(cpb.GetCaseRequest(id=c0.id)), NF)
    # the collaborator still reads the grant (its history) but cannot act on the provider's side
    rpc_error(lambda: tps.collab.RemoveCollaborator(kpb.CollaboratorActionRequest(id=collab.id)), PD)


def test_existing_user_accepts_or_declines(api):
    org = build_org(api)
    prov, (c0,) = _cases(api, org, n_a=1)
    # a user of the same organization (provider_b) and one of another (registered by invitation)
    req = add(prov, "provider_b@smile.test", kpb.APPROVE)
    assert req.state == kpb.PENDING and req.collaborator_user_id == org.users["provider_b"].id
    sent = outbox(api, "collaborator_request")[-1]
    assert sent.recipient_email == "provider_b@smile.test" and "invite_token" not in sent.payload
    pb = org.as_["provider_b"]
    prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=req.id, case_id=c0.id))
    rpc_error(lambda: pb.cases.GetCase(cpb.GetCaseRequest(id=c0.id)), NF)  # not before accepting
    mine = pb.collab.ListCollaborators(kpb.ListCollaboratorsRequest(as_collaborator=True)).collaborators
    assert [c.id for c in mine] == [req.id] and mine[0].provider_name == "provider_a"
    # the provider cannot accept for them; they cannot accept with a stale etag
    rpc_error(lambda: prov.collab.AcceptCollaboration(kpb.CollaboratorActionRequest(id=req.id)), PD)
    bumped = prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(
        id=req.id, etag=req.etag, permissions=[kpb.APPROVE, kpb.VIEW_CASE_DETAILS]))
    rpc_error(lambda: pb.collab.AcceptCollaboration(kpb.CollaboratorActionRequest(id=req.id, etag=req.etag)),
              grpc.StatusCode.ABORTED)
    ok = pb.collab.AcceptCollaboration(kpb.CollaboratorActionRequest(id=req.id, etag=bumped.etag, request_id="r1"))
    assert ok.state == kpb.ACTIVE
    again = pb.collab.AcceptCollaboration(kpb.CollaboratorActionRequest(id=req.id, etag=bumped.etag,
                                                                        request_id="r1"))
    assert again == ok  # an idempotent retry, not a state error
    assert pb.cases.GetCase(cpb.GetCaseRequest(id=c0.id)).prescription.goals == "secret goals 0"
    added = outbox(api, "collaborator_added")
    assert [a.recipient_email for a in added] == ["provider_a@smile.test"]
    # a second invitee declines
    req2 = add(prov, "provider_a2@smile.test")
    no = org.as_["provider_a2"].collab.DeclineCollaboration(kpb.CollaboratorActionRequest(id=req2.id))
    assert no.state == kpb.DECLINED
    err = rpc_error(lambda: org.as_["provider_a2"].collab.AcceptCollaboration(
        kpb.CollaboratorActionRequest(id=req2.id)), FP)
    assert details(err)["reason"] == "COLLABORATION_STATE"
    # strangers see neither grant
    rpc_error(lambda: org.as_["tc_a"].collab.GetCollaborator(kpb.GetCollaboratorRequest(id=req.id)), NF)


def test_a_collaborator_acts_by_permission_never_by_role(api):
    org = build_org(api)
    prov, (c0,) = _cases(api, org, n_a=1)
    every = list(range(1, 11))
    collab, tps = invite_and_register(api, prov, "tess@lab.test", *every)  # super admin of its own org
    prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=c0.id))
    case = tps.cases.GetCase(cpb.GetCaseRequest(id=c0.id))
    for call in (tps.cases.SubmitCase, tps.cases.AcceptCase, tps.cases.CancelCase, tps.cases.CloseCase):
        rpc_error(lambda call=call: call(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)), PD)
    rpc_error(lambda: tps.cases.UpdatePrescription(cpb.UpdatePrescriptionRequest(
        id=case.id, etag=case.etag, prescription=cpb.Prescription(goals="mine now", arches=["upper"]))), PD)
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=c0.id)).etag == case.etag  # nothing changed
    # the collaborator's organization does not see the provider's patients
    rpc_error(lambda: tps.patients.GetPatient(cpb.GetPatientRequest(id=c0.patient_id)), NF)
    # and the provider does not see the collaborator's organization
    assert list(prov.collab.ListSharedCases(kpb.ListSharedCasesRequest()).cases) == []


def test_consent_and_bad_input(api):
    org = build_org(api)
    prov, (c0,) = _cases(api, org, n_a=1)
    err = rpc_error(lambda: add(prov, "x@lab.test", consent=False), FP)
    assert details(err)["reason"] == "CONSENT_REQUIRED" and "confirm_consent" in details(err)["violations"]
    assert outbox(api) == []  # refused: nothing stored, nothing sent
    err = rpc_error(lambda: add(prov, "not an email", 99, kpb.APPROVE, kpb.APPROVE), IA)
    assert set(details(err)["violations"]) == {"email", "permissions[0]", "permissions[2]"}
    err = rpc_error(lambda: add(prov, "provider_a@smile.test"), IA)
    assert "email" in details(err)["violations"]
    # consent is recorded once; later adds need not repeat it
    first = add(prov, "x@lab.test", kpb.APPROVE)
    assert add(prov, "y@lab.test", consent=False).state == kpb.INVITED
    err = rpc_error(lambda: add(prov, "X@Lab.test"), grpc.StatusCode.ALREADY_EXISTS)
    assert details(err)["reason"] == "ALREADY_COLLABORATOR"
    # only a PROVIDER adds collaborators
    for who in ("tc_a", "regional"):
        rpc_error(lambda who=who: add(org.as_[who], "z@lab.test"), PD)
    rpc_error(lambda: org.admin.collab.AddCollaborator(kpb.AddCollaboratorRequest(email="z@lab.test")), PD)
    # malformed ids, someone else's case, someone else's collaborator
    err = rpc_error(lambda: prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id="nope", case_id="")), IA)
    assert set(details(err)["violations"]) == {"collaborator_id", "case_id"}
    rpc_error(lambda: prov.collab.GetCollaborator(kpb.GetCollaboratorRequest(id="../x")), IA)
    other = new_patient(org.as_["provider_a2"], org.loc_a.id, org.users["provider_a2"].id, "CH-X")
    theirs = new_case(org.as_["provider_a2"], other.id)
    rpc_error(lambda: prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=first.id, case_id=theirs.id)), NF)
    rpc_error(lambda: org.as_["provider_a2"].collab.ShareCase(
        kpb.ShareCaseRequest(collaborator_id=first.id, case_id=theirs.id)), NF)
    err = rpc_error(lambda: prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(
        id=first.id, permissions=[0])), IA)
    assert "permissions[0]" in details(err)["violations"]
    # registration: a bad token, a weak password, a used token
    anon = api.stubs().collab
    err = rpc_error(lambda: anon.RegisterCollaborator(kpb.RegisterCollaboratorRequest(
        invite_token="", organization_name="", display_name="", password="short")), IA)
    assert {"invite_token", "organization_name", "display_name", "password"} <= set(details(err)["violations"])
    rpc_error(lambda: anon.RegisterCollaborator(kpb.RegisterCollaboratorRequest(
        invite_token="forged", organization_name="L", display_name="T", password=PASSWORD)), NF)
    token = outbox(api, "collaborator_invited")[0].payload["invite_token"]
    ok = kpb.RegisterCollaboratorRequest(invite_token=token, organization_name="L", display_name="T",
                                         password=PASSWORD)
    anon.RegisterCollaborator(ok)
    rpc_error(lambda: anon.RegisterCollaborator(ok), NF)
    # no outbox message carries patient data
    for msg in outbox(api):
        text = repr(msg.payload)
        for secret in ("Grace", "Curie", "CH-0", "secret goals", c0.number):
            assert secret not in text, (msg.event, secret)


def test_collaborator_list_pages_and_audit(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    made = [add(prov, f"c{i}@lab.test", consent=True) for i in range(5)]
    seen, token = [], ""
    while True:
        page = prov.collab.ListCollaborators(kpb.ListCollaboratorsRequest(page_size=2, page_token=token))
        seen += [c.id for c in page.collaborators]
        token = page.next_page_token
        if not token:
            break
    assert seen == [c.id for c in reversed(made)]
    err = rpc_error(lambda: prov.collab.ListCollaborators(kpb.ListCollaboratorsRequest(page_size=501)), IA)
    assert "page_size" in details(err)["violations"]
    with api.runtime.uow() as uow:
        actions = uow.session.execute(select(m.AuditEntry.action).where(
            m.AuditEntry.resource_id.in_([c.id for c in made]))).scalars().all()
    assert actions.count("add_collaborator") == 5
