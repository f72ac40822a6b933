"""The access matrix: for every actor (each role, in and out of scope, each collaborator permission,
an unshared and a removed collaborator of another organization) and every case action, the
outcome the policy promises. The table below is the policy, written independently of the code:

  ok  allowed (and it works)       NF  NOT_FOUND: may not know the case exists
  rd  sees the case, details hidden   PD  PERMISSION_DENIED: sees it, may not do this

Each cell gets its own case, brought to the state the action needs, so cells do not interact.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc
import pytest
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import identity_pb2 as ipb
from orthoplan.v1 import messages_pb2 as mpb
from orthoplan.v1 import orders_pb2 as opb
from orthoplan.v1 import records_pb2 as rpb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.conftest import PASSWORD, Stubs, database, serve
from tests.api.helpers import build_org, invite_and_register, new_case, new_patient, plan
from tests.files import png

ACTORS = ("super", "regional", "locadmin_a", "locadmin_b", "owner", "peer", "provider_b", "tc_a", "reception",
          "c_none", "c_view", "c_approve", "c_revise", "c_decline", "c_unshared", "c_removed")
POLICY = """
                  super regional locadmin_a locadmin_b owner peer provider_b tc_a reception c_none c_view c_approve c_revise c_decline c_unshared c_removed
get_case            ok    ok       ok         NF       ok    NF   NF         ok   NF        rd     ok     rd        rd       rd        NF         NF
list_cases          ok    ok       ok         NF       ok    NF   NF         ok   NF        ok     ok     ok        ok       ok        NF         NF
get_patient         ok    ok       ok         NF       ok    ok   NF         ok   ok        NF     NF     NF        NF       NF        NF         NF
update_rx           PD    PD       ok         NF       ok    NF   NF         ok   NF        PD     PD     PD        PD       PD        NF         NF
submit              PD    PD       PD         NF       ok    NF   NF         ok   NF        PD     PD     PD        PD       PD        NF         NF
accept              ok    ok       ok         NF       PD    NF   NF         PD   NF        PD     PD     PD        PD       PD        NF         NF
cancel              ok    ok       ok         NF       ok    NF   NF         PD   NF        PD     PD     PD        PD       PD        NF         NF
close               ok    ok       ok         NF       ok    NF   NF         PD   NF        PD     PD     PD        PD       PD        NF         NF
create_setup        ok    ok       ok         NF       PD    NF   NF         PD   NF        PD     PD     PD        PD       PD        NF         NF
approve_setup       PD    PD       PD         NF       ok    NF   NF         PD   NF        PD     PD     ok        PD       PD        NF         NF
request_revision    PD    PD       PD         NF       ok    NF   NF         ok   NF        PD     PD     PD        ok       PD        NF         NF
decline_setup       PD    PD       PD         NF       PD    NF   NF         PD   NF        PD     PD     PD        PD       ok        NF         NF
add_record          PD    PD       ok         NF       ok    NF   NF         ok   NF        PD     PD     PD        PD       PD        NF         NF
list_records        ok    ok       ok         NF       ok    NF   NF         ok   NF        PD     ok     PD        PD       PD        NF         NF
download_record     ok    ok       ok         NF       ok    NF   NF         ok   NF        PD     ok     PD        PD       PD        NF         NF
list_messages       ok    ok       ok         NF       ok    NF   NF         ok   NF        ok     ok     ok        ok       ok        NF         NF
post_message        PD    PD       ok         NF       ok    NF   NF         ok   NF        ok     ok     ok        ok       ok        NF         NF
mark_ready          PD    PD       PD         NF       ok    NF   NF         ok   NF        PD     PD     ok        ok       ok        NF         NF
order_aligners      PD    PD       PD         NF       ok    NF   NF         ok   NF        PD     PD     PD        PD       PD        NF         NF
"""


def _policy() -> dict[tuple[str, str], str]:
    lines = [ln.split() for ln in POLICY.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert tuple(header) == ACTORS
    return {(row[0], actor): cell for row in rows for actor, cell in zip(header, row[1:], strict=True)}


EXPECTED = _policy()
XRAY = png(3, 2)
ACTIONS = sorted({a for a, _ in EXPECTED})
# the state each action is tried in (one that allows it, so only access decides)
NEEDS = {"accept": "submitted", "create_setup": "awaiting", "approve_setup": "ready", "request_revision": "ready",
         "decline_setup": "ready", "list_messages": "ready", "post_message": "ready", "mark_ready": "ready",
         "order_aligners": "approved"}
SHARED_WITH = {"c_none": [], "c_view": [kpb.VIEW_CASE_DETAILS], "c_approve": [kpb.APPROVE],
               "c_revise": [kpb.REQUEST_REVISIONS], "c_decline": [kpb.DECLINE_SETUPS]}


@dataclass
class World:
    api: object
    org: object
    as_: dict[str, Stubs]
    collabs: dict[str, str]  # actor -> collaboration id (the shared ones)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("matrix")
    with database(request.param, folder) as url, serve(url, folder) as api:
        org = build_org(api)
        admin = org.admin
        admin.org.CreateUser(ipb.CreateUserRequest(user=ipb.User(
            email="locadmin_a@smile.test", display_name="LA", role=ipb.LOCATION_ADMIN,
            location_ids=[org.loc_a.id]), password=PASSWORD))
        owner = org.as_["provider_a"]
        as_ = {"super": admin, "regional": org.as_["regional"], "locadmin_a": api.sign_in("locadmin_a@smile.test"),
               "locadmin_b": org.as_["locadmin_b"], "owner": owner, "peer": org.as_["provider_a2"],
               "provider_b": org.as_["provider_b"], "tc_a": org.as_["tc_a"], "reception": org.as_["reception_a"]}
        collabs = {}
        for actor, perms in SHARED_WITH.items():
            collabs[actor], as_[actor] = invite_and_register(api, owner, f"{actor}@lab.test", *perms)
            collabs[actor] = collabs[actor].id
        # every permission but ALL_CASES: without a share, the case stays invisible
        every = [v for v in kpb.CollaboratorPermission.values()[1:] if v != kpb.ALL_CASES]
        _, as_["c_unshared"] = invite_and_register(api, owner, "c_unshared@lab.test", *every)
        removed, as_["c_removed"] = invite_and_register(api, owner, "c_removed@lab.test", *every)
        owner.collab.RemoveCollaborator(kpb.CollaboratorActionRequest(id=removed.id))
        admin.orders.UpdateFeeSchedule(opb.UpdateFeeScheduleRequest(schedule=opb.FeeSchedule(fees=[
            opb.Fee(kind=opb.ALIGNERS, price=opb.Money(amount_minor=100000, currency="EUR"))])))
        yield World(api, org, as_, collabs)


def _case_in(w: World, state: str, n: int):
    owner = w.as_["owner"]
    p = new_patient(owner, w.org.loc_a.id, w.org.users["provider_a"].id, f"M-{n}")
    case = new_case(owner, p.id, goals="secret goals")
    for cid in w.collabs.values():
        owner.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=cid, case_id=case.id))
    rec = owner.records.UploadRecord(iter([
        rpb.UploadRecordRequest(header=rpb.UploadRecordHeader(case_id=case.id, kind=rpb.XRAY)),
        rpb.UploadRecordRequest(chunk=XRAY)]))
    if state in ("submitted", "awaiting", "ready", "approved"):
        case = owner.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id))
    if state in ("awaiting", "ready", "approved"):
        case = w.as_["super"].cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id))
    setup = None
    if state in ("ready", "approved"):
        setup = w.as_["super"].setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    if state == "approved":
        owner.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=setup.version,
                                                          content_sha256=setup.content_sha256))
    return p, case, rec, setup


def _act(action: str, s: Stubs, p, case, rec, setup) -> str:
    """Performs the action; returns 'ok' or 'rd' when it worked."""
    note = [spb.ReviewNote(text="please adjust")]
    calls = {
        "list_cases": lambda: s.cases.ListCases(cpb.ListCasesRequest(query=case.number)),
        "get_patient": lambda: s.patients.GetPatient(cpb.GetPatientRequest(id=p.id)),
        "update_rx": lambda: s.cases.UpdatePrescription(cpb.UpdatePrescriptionRequest(
            id=case.id, prescription=cpb.Prescription(goals="new goals", arches=["upper"]))),
        "submit": lambda: s.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id)),
        "accept": lambda: s.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id)),
        "cancel": lambda: s.cases.CancelCase(cpb.TransitionCaseRequest(id=case.id)),
        "close": lambda: s.cases.CloseCase(cpb.TransitionCaseRequest(id=case.id)),
        "create_setup": lambda: s.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan())),
        "approve_setup": lambda: s.setups.ApproveSetup(spb.ApproveSetupRequest(
            case_id=case.id, version=setup.version, content_sha256=setup.content_sha256)),
        "request_revision": lambda: s.setups.RequestRevision(spb.ReviewSetupRequest(
            case_id=case.id, version=setup.version, notes=note)),
        "decline_setup": lambda: s.setups.DeclineSetup(spb.ReviewSetupRequest(
            case_id=case.id, version=setup.version, notes=note)),
        "add_record": lambda: s.records.UploadRecord(iter([
            rpb.UploadRecordRequest(header=rpb.UploadRecordHeader(case_id=case.id, kind=rpb.XRAY)),
            rpb.UploadRecordRequest(chunk=png(7, 7))])),
        "list_records": lambda: s.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id)),
        "download_record": lambda: list(s.records.DownloadRecord(rpb.DownloadRecordRequest(id=rec.id))),
        "list_messages": lambda: s.messages.ListMessages(mpb.ListMessagesRequest(case_id=case.id)),
        "post_message": lambda: s.messages.PostMessage(mpb.PostMessageRequest(case_id=case.id, text="hello")),
        "mark_ready": lambda: s.cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id)),
        "order_aligners": lambda: s.orders.PlaceOrder(opb.PlaceOrderRequest(case_id=case.id, kind=opb.ALIGNERS)),
    }
    if action == "get_case":
        got = s.cases.GetCase(cpb.GetCaseRequest(id=case.id))
        return "ok" if got.prescription.goals == "secret goals" else "rd"
    res = calls[action]()
    if action == "list_cases":  # a list never fails for lack of sight: the case is absent
        return "ok" if [c.id for c in res.cases] == [case.id] else "NF"
    if action == "list_records":
        assert [r.id for r in res.records] == [rec.id]
    if action == "download_record":
        assert b"".join(m.chunk for m in res[1:]) == XRAY
    return "ok"


CODES = {grpc.StatusCode.NOT_FOUND: "NF", grpc.StatusCode.PERMISSION_DENIED: "PD"}


@pytest.mark.parametrize("action", ACTIONS)
def test_access_matrix(world, action):
    """One row of the policy: every actor tries the action on its own fresh case."""
    got = {}
    for i, actor in enumerate(ACTORS):
        n = ACTIONS.index(action) * 100 + i
        p, case, rec, setup = _case_in(world, NEEDS.get(action, "draft"), n)
        try:
            got[actor] = _act(action, world.as_[actor], p, case, rec, setup)
        except grpc.RpcError as err:
            got[actor] = CODES.get(err.code(), f"{err.code().name}: {err.details()}")
    want = {actor: EXPECTED[(action, actor)] for actor in ACTORS}
    assert got == want
