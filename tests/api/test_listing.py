"""The list conventions on every List RPC: `filter`, `order_by` both ways, keyset pages that visit
every row exactly once, and bad arguments reported together."""

from __future__ import annotations

import base64
import json

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import identity_pb2 as ipb
from orthoplan.v1 import records_pb2 as rpb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.helpers import (
    add,
    build_org,
    details,
    invite_and_register,
    new_case,
    new_patient,
    plan,
    rpc_error,
    upload,
)
from tests.files import png

IA = grpc.StatusCode.INVALID_ARGUMENT


def walk(call, make, field: str) -> list:
    """Every row, one per page, checking that no page repeats a row."""
    out, token, pages = [], "", 0
    while True:
        res = call(make(token))
        out += list(getattr(res, field))
        pages += 1
        token = res.next_page_token
        if not token:
            break
    assert pages >= len(out)
    return out


def test_patients_users_and_collaborators(api):
    org = build_org(api)
    admin, prov = org.admin, org.as_["provider_a"]
    for i, (first, last) in enumerate([("Ada", "Zed"), ("Bo", "Alpha"), ("Cy", "Mid")]):
        new_patient(prov, org.loc_a.id, org.users["provider_a"].id, f"CH-{3 - i}", first=first, last=last)
    new_patient(admin, org.loc_b.id, org.users["provider_b"].id, "CH-9", first="Dee", last="Beta")

    def patients(**kw):
        return [p.last_name for p in walk(admin.patients.ListPatients, lambda t: cpb.ListPatientsRequest(
            page_size=1, page_token=t, **kw), "patients")]
    assert patients() == ["Alpha", "Beta", "Mid", "Zed"]
    assert patients(order_by="name desc") == ["Zed", "Mid", "Beta", "Alpha"]
    assert patients(order_by="chart_number") == ["Mid", "Alpha", "Zed", "Beta"]
    assert patients(order_by="create_time desc") == ["Beta", "Mid", "Alpha", "Zed"]
    assert patients(filter=f'location_id = "{org.loc_b.id}"') == ["Beta"]
    assert patients(filter=f'provider_id = "{org.users["provider_a"].id}"', query="a") == ["Alpha", "Zed"]

    def users(**kw):
        return [u.display_name for u in walk(admin.org.ListUsers, lambda t: ipb.ListUsersRequest(
            page_size=1, page_token=t, **kw), "users")]
    assert users(filter="role = PROVIDER", order_by="display_name desc") == ["provider_b", "provider_a2",
                                                                           "provider_a"]
    assert users(filter=f'role = PROVIDER AND active = true AND region_id = "{org.region.id}"') == []
    admin.org.DeactivateUser(ipb.DeactivateUserRequest(id=org.users["provider_a2"].id))
    assert users(filter="role = PROVIDER AND active = false") == ["provider_a2"]

    add(prov, "y@lab.test")
    add(prov, "x@lab.test")
    invite_and_register(api, prov, "z@lab.test")

    def collaborators(**kw):
        return [c.email for c in walk(prov.collab.ListCollaborators, lambda t: kpb.ListCollaboratorsRequest(
            page_size=1, page_token=t, **kw), "collaborators")]
    assert collaborators() == ["z@lab.test", "x@lab.test", "y@lab.test"]
    assert collaborators(order_by="email") == ["x@lab.test", "y@lab.test", "z@lab.test"]
    assert collaborators(filter="state = INVITED", order_by="email desc") == ["y@lab.test", "x@lab.test"]
    assert collaborators(filter="state = ACTIVE") == ["z@lab.test"]


def test_setups_and_records(api):
    org = build_org(api)
    admin, prov = org.admin, org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = new_case(prov, p.id)
    for i, (view, taken) in enumerate([(rpb.INTRAORAL_FRONTAL, "2026-03-01"), (rpb.EXTRAORAL_PROFILE, "2026-01-01"),
                                       (rpb.INTRAORAL_FRONTAL, "2026-02-01")]):
        upload(prov, case.id, png(noise=i), kind=rpb.PHOTO, view=view, taken_date=taken, filename=f"{i}.png")

    def records(**kw):
        return [r.filename for r in walk(prov.records.ListRecords, lambda t: rpb.ListRecordsRequest(
            case_id=case.id, page_size=1, page_token=t, **kw), "records")]
    assert records() == ["2.png", "1.png", "0.png"]
    assert records(order_by="taken_date") == ["1.png", "2.png", "0.png"]
    assert records(filter="view = INTRAORAL_FRONTAL", order_by="create_time asc") == ["0.png", "2.png"]
    assert records(filter=f'kind = PHOTO AND uploaded_by = "{org.users["provider_a"].id}"') == ["2.png", "1.png",
                                                                                              "0.png"]
    assert records(filter="kind = UPPER_SCAN") == []

    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    for version in (1, 2, 3):
        admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan(10 + version)))
        if version < 3:
            prov.setups.RequestRevision(spb.ReviewSetupRequest(case_id=case.id, version=version, notes=[
                spb.ReviewNote(text="again")]))

    def setups(**kw):
        return [s.version for s in walk(prov.setups.ListSetups, lambda t: spb.ListSetupsRequest(
            case_id=case.id, page_size=1, page_token=t, **kw), "setups")]
    assert setups() == [3, 2, 1]
    assert setups(order_by="version") == [1, 2, 3]
    assert setups(order_by="create_time desc", filter="state = REVISION_REQUESTED") == [2, 1]
    assert setups(filter="state = PROPOSED") == [3]
    # the default page holds them all
    assert len(prov.setups.ListSetups(spb.ListSetupsRequest(case_id=case.id)).setups) == 3


def test_bad_list_arguments_are_reported_together(api):
    org = build_org(api)
    admin = org.admin
    err = rpc_error(lambda: admin.cases.ListCases(cpb.ListCasesRequest(page_size=-1, filter="color = red",
                                                                       order_by="color")), IA)
    v = details(err)["violations"]
    assert set(v) == {"page_size", "filter", "order_by"}
    assert "fields: state, kind" in v["filter"] and "create_time" in v["order_by"]
    err = rpc_error(lambda: admin.org.ListUsers(ipb.ListUsersRequest(
        filter="role = WIZARD AND active = maybe AND region_id = 42")), IA)
    bad = error_details_pb2.BadRequest()
    next(d for d in rpc_status.from_call(err).details if d.Unpack(bad))
    assert [(f.field, f.description.split()[0]) for f in bad.field_violations] == [
        ("filter", "role"), ("filter", "active"), ("filter", "region_id")]  # every term is checked
    v = details(rpc_error(lambda: admin.patients.ListPatients(cpb.ListPatientsRequest(
        filter="location_id = \x00", order_by="name sideways")), IA))["violations"]
    assert set(v) == {"filter", "order_by"}
    rpc_error(lambda: admin.setups.ListSetups(spb.ListSetupsRequest(case_id="nope", page_size=501)), IA)

    # a token belongs to its query: another list, another filter or a forged key are refused
    for i in range(3):
        new_patient(admin, org.loc_a.id, org.users["provider_a"].id, f"CH-{i}")
    token = admin.patients.ListPatients(cpb.ListPatientsRequest(page_size=1)).next_page_token
    assert token
    for call in (lambda: admin.org.ListUsers(ipb.ListUsersRequest(page_token=token)),
                 lambda: admin.patients.ListPatients(cpb.ListPatientsRequest(page_token=token, order_by="name desc"))):
        assert "page_token" in details(rpc_error(call, IA))["violations"]
    data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for key in (data["k"][:1], [None, None, None], [{"a": 1}, "x", "y"]):
        forged = base64.urlsafe_b64encode(json.dumps({**data, "k": key}).encode()).decode()
        assert "page_token" in details(rpc_error(lambda t=forged: admin.patients.ListPatients(
            cpb.ListPatientsRequest(page_token=t)), IA))["violations"]
    created = json.loads(base64.urlsafe_b64decode(
        (t := admin.patients.ListPatients(cpb.ListPatientsRequest(page_size=1, order_by="create_time"))
         .next_page_token) + "=" * (-len(t) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**created, "k": ["yesterday", "x"]}).encode()).decode()
    assert "page_token" in details(rpc_error(lambda: admin.patients.ListPatients(cpb.ListPatientsRequest(
        page_token=forged, order_by="create_time")), IA))["violations"]
