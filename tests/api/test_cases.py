"""Patients and cases end to end: access matrix, lifecycle, idempotency, etags, pagination, audit."""

from __future__ import annotations

import grpc
from orthoplan.adapters import audit
from orthoplan.adapters.db import models as m
from orthoplan.v1 import cases_pb2 as cpb
from sqlalchemy import update

from tests.api.helpers import build_org, details, new_case, new_patient, rpc_error

NF, PD = grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED


def test_case_visibility_matrix(api):
    org = build_org(api)
    pa = new_patient(org.as_["provider_a"], org.loc_a.id, org.users["provider_a"].id, "CH-1")
    pb = new_patient(org.admin, org.loc_b.id, org.users["provider_b"].id, "CH-2")
    ca, cb = new_case(org.as_["provider_a"], pa.id), new_case(org.admin, pb.id)
    sees = {  # who sees case at location A (owner provider_a) / case at location B
        "admin": (True, True), "regional": (True, False), "locadmin_b": (False, True),
        "provider_a": (True, False), "provider_a2": (False, False), "provider_b": (False, True),
        "tc_a": (True, False), "reception_a": (False, False),
    }
    for who, (see_a, see_b) in sees.items():
        s = org.admin if who == "admin" else org.as_[who]
        for case, visible in ((ca, see_a), (cb, see_b)):
            if visible:
                assert s.cases.GetCase(cpb.GetCaseRequest(id=case.id)).number == case.number
            else:  # same answer as for a case that does not exist
                e1 = rpc_error(lambda s=s, case=case: s.cases.GetCase(cpb.GetCaseRequest(id=case.id)), NF)
                e2 = rpc_error(lambda s=s: s.cases.GetCase(cpb.GetCaseRequest(id="0" * 32)), NF)
                assert e1.details().replace(case.id, "X") == e2.details().replace("0" * 32, "X")
        listed = {c.id for c in s.cases.ListCases(cpb.ListCasesRequest()).cases}
        assert listed == {c.id for c, v in ((ca, see_a), (cb, see_b)) if v}, who


def test_lifecycle_through_named_methods_only(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = new_case(prov, p.id)
    assert case.state == cpb.DRAFT and case.number.startswith("C-")
    # a TC may submit; a provider may not accept; an admin may
    case = org.as_["tc_a"].cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    assert case.state == cpb.SUBMITTED
    rpc_error(lambda: prov.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)), PD)
    err = rpc_error(lambda: prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)),
                    grpc.StatusCode.FAILED_PRECONDITION)
    assert details(err)["reason"] == "CASE_STATE" and "case.state.submit" in details(err)["violations"]
    case = org.admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    assert case.state == cpb.AWAITING_SETUP
    case = prov.cases.CancelCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag, reason="patient moved"))
    assert case.state == cpb.CANCELLED
    rpc_error(lambda: prov.cases.CloseCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)),
              grpc.StatusCode.FAILED_PRECONDITION)


def test_submit_needs_a_complete_prescription(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = prov.cases.CreateCase(cpb.CreateCaseRequest(case=cpb.Case(kind=cpb.ALIGNER, patient_id=p.id)))
    err = rpc_error(lambda: prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)),
                    grpc.StatusCode.FAILED_PRECONDITION)
    assert set(details(err)["violations"]) == {"case.prescription.goals", "case.prescription.arches"}
    case = prov.cases.UpdatePrescription(cpb.UpdatePrescriptionRequest(
        id=case.id, etag=case.etag, prescription=cpb.Prescription(goals="align", arches=["upper"])))
    assert prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)).state == cpb.SUBMITTED


def test_stale_etag_is_aborted_and_nothing_changes(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = new_case(prov, p.id)
    newer = prov.cases.UpdatePrescription(cpb.UpdatePrescriptionRequest(
        id=case.id, etag=case.etag, prescription=cpb.Prescription(goals="v2", arches=["lower"])))
    rpc_error(lambda: prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag)),
              grpc.StatusCode.ABORTED)
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).etag == newer.etag


def test_request_id_makes_create_idempotent(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    first = new_case(prov, p.id, request_id="retry-1")
    again = new_case(prov, p.id, request_id="retry-1")
    assert first == again
    assert len(prov.cases.ListCases(cpb.ListCasesRequest()).cases) == 1
    err = rpc_error(lambda: new_case(prov, p.id, goals="different", request_id="retry-1"),
                    grpc.StatusCode.INVALID_ARGUMENT)
    assert "request_id" in details(err)["violations"]


def test_keyset_pages_are_stable_under_concurrent_inserts(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    made = [new_case(prov, p.id).id for _ in range(7)]
    seen, token = [], ""
    while True:
        res = prov.cases.ListCases(cpb.ListCasesRequest(page_size=3, page_token=token, order_by="number"))
        seen += [c.id for c in res.cases]
        new_case(prov, p.id)  # inserted mid-listing: lands after, never duplicates or shifts a page
        token = res.next_page_token
        if not token:
            break
    assert seen[:7] == made and len(seen) == len(set(seen))
    rpc_error(lambda: prov.cases.ListCases(cpb.ListCasesRequest(page_token=token or "x", order_by="create_time")),
              grpc.StatusCode.INVALID_ARGUMENT)


def test_filters_and_bad_list_arguments(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    c1, _ = new_case(prov, p.id), new_case(prov, p.id)
    prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=c1.id, etag=c1.etag))
    got = prov.cases.ListCases(cpb.ListCasesRequest(filter=f'state = SUBMITTED AND patient_id = "{p.id}"'))
    assert [c.id for c in got.cases] == [c1.id]
    for bad in ({"filter": "state = FLYING"}, {"filter": "owner = 1"}, {"order_by": "patient_name"},
                {"filter": 'patient_id = "zzz"'}, {"page_size": -1}):
        err = rpc_error(lambda bad=bad: prov.cases.ListCases(cpb.ListCasesRequest(**bad)),
                        grpc.StatusCode.INVALID_ARGUMENT)
        assert details(err)["violations"]


def test_bad_input_names_every_field_and_writes_nothing(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    err = rpc_error(lambda: prov.patients.CreatePatient(cpb.CreatePatientRequest(patient=cpb.Patient(
        first_name="x" * 101, last_name="", birth_date="1990-13-45", chart_number="\x01", email="nope",
        mobile="12345", location_id="not-an-id"))), grpc.StatusCode.INVALID_ARGUMENT)
    assert {"patient.first_name", "patient.last_name", "patient.birth_date", "patient.chart_number",
            "patient.email", "patient.mobile", "patient.location_id"} <= set(details(err)["violations"])
    rpc_error(lambda: prov.cases.GetCase(cpb.GetCaseRequest(id="../../etc")), grpc.StatusCode.INVALID_ARGUMENT)
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    err = rpc_error(lambda: prov.cases.CreateCase(cpb.CreateCaseRequest(case=cpb.Case(
        kind=7, patient_id=p.id, prescription=cpb.Prescription(arches=["middle"], teeth_not_to_move=[19, 55])))),
        grpc.StatusCode.INVALID_ARGUMENT)
    assert {"case.kind", "case.prescription.arches[0]", "case.prescription.teeth_not_to_move[0]",
            "case.prescription.teeth_not_to_move[1]"} <= set(details(err)["violations"])
    assert prov.patients.ListPatients(cpb.ListPatientsRequest()).patients[0].id == p.id
    assert not prov.cases.ListCases(cpb.ListCasesRequest()).cases
    rpc_error(lambda: new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1"),
              grpc.StatusCode.ALREADY_EXISTS)


def test_patient_search_and_scope(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1", "Ada", "Lovelace")
    new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-2", "Alan", "Turing")
    new_patient(org.admin, org.loc_b.id, org.users["provider_b"].id, "CH-3", "Grace", "Hopper")
    names = lambda s, q="": [x.last_name for x in s.patients.ListPatients(cpb.ListPatientsRequest(query=q)).patients]  # noqa: E731
    assert names(prov) == ["Lovelace", "Turing"] and names(prov, "tur") == ["Turing"] and names(prov, "%") == []
    assert names(org.admin) == ["Hopper", "Lovelace", "Turing"]
    assert names(org.as_["locadmin_b"]) == ["Hopper"]


def test_audit_chain_records_mutations_and_detects_tampering(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = new_case(prov, p.id)
    prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    with api.runtime.uow() as uow:
        check = audit.verify(uow.session)
        actions = [e.action for e in uow.session.query(m.AuditEntry).order_by(m.AuditEntry.seq)]
    assert check.ok and check.entries == len(actions)
    assert actions[-3:] == ["create_patient", "create_case", "submit_case"]
    with api.runtime.uow() as uow:
        uow.session.execute(update(m.AuditEntry).where(m.AuditEntry.action == "create_case").values(actor_id="f" * 32))
        uow.commit()
        bad = audit.verify(uow.session)
    assert not bad.ok and bad.problem == "content does not match its hash"
