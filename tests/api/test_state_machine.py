"""State-machine property: whatever sequence of calls is made, through any RPC that can change a
case (transitions, setup review, prescription and record edits, with fresh or stale etags), the case
only ever moves along the lifecycle of DOMAIN.md. A refused call changes nothing.

The model below is written from DOMAIN.md, not from the code: hypothesis drives random call
sequences against a real server and compares the server with it after every step.
"""

from __future__ import annotations

import itertools

import grpc
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import records_pb2 as rpb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.conftest import database, serve
from tests.api.helpers import build_org, invite_and_register, new_case, new_patient, plan
from tests.files import png

OPEN = {"DRAFT", "SUBMITTED", "AWAITING_SETUP", "SETUP_READY", "READY_FOR_APPROVAL", "APPROVED", "IN_PRODUCTION",
        "IN_TREATMENT"}
# the lifecycle: call -> (states it may start from, state it leads to)
LIFECYCLE = {
    "submit": ({"DRAFT"}, "SUBMITTED"),
    "accept": ({"SUBMITTED"}, "AWAITING_SETUP"),
    "create_setup": ({"AWAITING_SETUP"}, "SETUP_READY"),
    "approve": ({"SETUP_READY", "READY_FOR_APPROVAL"}, "APPROVED"),
    "request_revision": ({"SETUP_READY", "READY_FOR_APPROVAL"}, "AWAITING_SETUP"),
    "decline": ({"SETUP_READY", "READY_FOR_APPROVAL"}, "AWAITING_SETUP"),
    "cancel": (OPEN, "CANCELLED"),
    "close": (OPEN, "CLOSED"),
}
EDGES = {(src, dst) for srcs, dst in LIFECYCLE.values() for src in srcs}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fsm")
    with database(request.param, folder) as url, serve(url, folder) as api:
        org = build_org(api)
        owner = org.as_["provider_a"]
        collab, tps = invite_and_register(api, owner, "tps@lab.test", kpb.DECLINE_SETUPS, kpb.VIEW_CASE_DETAILS)
        yield org, owner, tps, collab.id


class CaseLifecycle(RuleBasedStateMachine):
    """One case per example; `world` is set on the class by the test."""

    world = None
    cases = itertools.count()
    reached: set[str] = set()  # states some example reached: the run must have seen them all

    @initialize()
    def new_case(self):
        org, self.owner, self.tps, collab_id = self.world
        self.admin = org.admin
        p = new_patient(self.owner, org.loc_a.id, org.users["provider_a"].id, f"FSM-{next(self.cases)}")
        case = new_case(self.owner, p.id)
        self.owner.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab_id, case_id=case.id))
        self.case_id, self.etag, self.state = case.id, case.etag, "DRAFT"
        self.versions = 0  # setups proposed so far
        self.approved_version = 0
        self.records = 0

    # -- helpers --------------------------------------------------------------------------------
    def _expect(self, name: str, call, *, etag_ok: bool = True):
        """Runs a lifecycle call; it must succeed exactly when the model allows it."""
        sources, target = LIFECYCLE[name]
        allowed = self.state in sources
        try:
            call()
        except grpc.RpcError as err:
            if not etag_ok:
                assert err.code() == grpc.StatusCode.ABORTED, err.details()
            else:
                assert not allowed, f"{name} from {self.state} refused: {err.code()} {err.details()}"
                assert err.code() == grpc.StatusCode.FAILED_PRECONDITION, err.details()
            return False
        assert etag_ok and allowed, f"{name} from {self.state} was accepted"
        assert (self.state, target) in EDGES
        self.state = target
        self.reached.add(target)
        return True

    def _setup(self):
        return self.owner.setups.GetSetup(spb.GetSetupRequest(case_id=self.case_id))

    def _refresh(self):
        self.etag = self.owner.cases.GetCase(cpb.GetCaseRequest(id=self.case_id)).etag

    # -- case transitions ---------------------------------------------------------------------
    @rule(steps=st.integers(1, 4))
    def advance(self, steps):
        """Up to `steps` moves along the happy path, so examples get deep into the lifecycle (the
        other rules try everything from wherever that leads)."""
        for _ in range(steps):
            nxt = {"DRAFT": lambda: self.owner_transition("submit", False), "SUBMITTED": self.accept,
                   "AWAITING_SETUP": self.create_setup, "SETUP_READY": lambda: self.approve(False)}.get(self.state)
            if nxt is None:
                return
            nxt()

    @rule(name=st.sampled_from(["submit", "cancel", "close"]), stale=st.booleans())
    def owner_transition(self, name, stale):
        etag = "stale-etag" if stale else self.etag
        method = {"submit": self.owner.cases.SubmitCase, "cancel": self.owner.cases.CancelCase,
                  "close": self.owner.cases.CloseCase}[name]
        self._expect(name, lambda: method(cpb.TransitionCaseRequest(id=self.case_id, etag=etag)), etag_ok=not stale)
        self._refresh()

    @rule()
    def accept(self):
        self._expect("accept", lambda: self.admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=self.case_id)))
        self._refresh()

    @rule()
    def edit_prescription(self):
        try:
            self.owner.cases.UpdatePrescription(cpb.UpdatePrescriptionRequest(
                id=self.case_id, prescription=cpb.Prescription(goals="revised goals", arches=["upper"])))
            assert self.state == "DRAFT", f"prescription changed in {self.state}"
        except grpc.RpcError as err:
            assert self.state != "DRAFT" and err.code() == grpc.StatusCode.FAILED_PRECONDITION
        self._refresh()

    # -- setups -------------------------------------------------------------------------------
    @rule()
    def create_setup(self):
        if self._expect("create_setup", lambda: self.admin.setups.CreateSetup(spb.CreateSetupRequest(
                case_id=self.case_id, plan=plan(stages=5 + self.versions)))):
            self.versions += 1
        self._refresh()

    @precondition(lambda self: self.versions > 0)
    @rule(old=st.booleans())
    def approve(self, old):
        latest = self._setup()
        version = latest.version - 1 if old and latest.version > 1 else latest.version
        stale_version = version != latest.version
        try:
            self.owner.setups.ApproveSetup(spb.ApproveSetupRequest(
                case_id=self.case_id, version=version, content_sha256=latest.content_sha256))
        except grpc.RpcError as err:
            assert stale_version or self.state not in LIFECYCLE["approve"][0], err.details()
            assert err.code() == grpc.StatusCode.FAILED_PRECONDITION
            return
        assert not stale_version and self._expect("approve", lambda: None)
        self.approved_version = version
        self._refresh()

    @precondition(lambda self: self.versions > 0)
    @rule(name=st.sampled_from(["request_revision", "decline"]))
    def review(self, name):
        who, method = ((self.owner, "RequestRevision") if name == "request_revision" else (self.tps, "DeclineSetup"))
        version = self._setup().version
        self._expect(name, lambda: getattr(who.setups, method)(spb.ReviewSetupRequest(
            case_id=self.case_id, version=version, notes=[spb.ReviewNote(text="again")])))
        self._refresh()

    # -- records ------------------------------------------------------------------------------
    @rule()
    def add_record(self):
        try:
            self.owner.records.UploadRecord(iter([
                rpb.UploadRecordRequest(header=rpb.UploadRecordHeader(case_id=self.case_id, kind=rpb.XRAY)),
                rpb.UploadRecordRequest(chunk=png(2, 2 + self.records))]))
            assert self.state in OPEN, f"record added to a {self.state} case"
            self.records += 1
        except grpc.RpcError as err:
            assert self.state not in OPEN and err.code() == grpc.StatusCode.FAILED_PRECONDITION

    # -- what must always hold ----------------------------------------------------------------
    @invariant()
    def server_agrees_with_the_model(self):
        if not hasattr(self, "case_id"):
            return
        case = self.owner.cases.GetCase(cpb.GetCaseRequest(id=self.case_id))
        assert cpb.CaseState.Name(case.state) == self.state
        setups = self.owner.setups.ListSetups(spb.ListSetupsRequest(case_id=self.case_id)).setups
        assert len(setups) == self.versions
        states = [spb.SetupState.Name(s.state) for s in setups]
        assert states.count("SETUP_PROPOSED") <= 1 and states.count("SETUP_APPROVED") <= 1
        if self.state in ("SETUP_READY", "READY_FOR_APPROVAL"):
            assert states[0] == "SETUP_PROPOSED"  # newest first: the one under review
        if self.approved_version:
            assert [s.version for s in setups if s.state == spb.SETUP_APPROVED] == [self.approved_version]
            assert self.state in ("APPROVED", "CANCELLED", "CLOSED")
        n = len(self.owner.records.ListRecords(rpb.ListRecordsRequest(case_id=self.case_id)).records)
        assert n == self.records


def test_no_call_sequence_leaves_the_lifecycle(world):
    CaseLifecycle.world = world
    CaseLifecycle.reached = set()
    # derandomized: the same sequences on every run, so CI is stable; the assertion after the run
    # proves they go deep enough to mean something
    run_state_machine_as_test(CaseLifecycle, settings=settings(
        max_examples=30, stateful_step_count=16, deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow]))
    assert CaseLifecycle.reached >= {"SUBMITTED", "AWAITING_SETUP", "SETUP_READY", "APPROVED", "CANCELLED", "CLOSED"}
