"""Builders for API tests: an organization with a user of every role, patients and cases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from click.testing import CliRunner
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from orthoplan.adapters.db import models as m
from orthoplan.client.cli import main
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import identity_pb2 as ipb
from orthoplan.v1 import records_pb2 as rpb
from orthoplan.v1 import setups_pb2 as spb
from sqlalchemy import select

from tests.api.conftest import PASSWORD, Api, Stubs


@dataclass
class Org:
    admin: Stubs
    region: ipb.Region
    loc_a: ipb.Location
    loc_b: ipb.Location
    users: dict[str, ipb.User]
    as_: dict[str, Stubs]


def build_org(api: Api) -> Org:
    admin = api.sign_in(api.admin_email)
    region = admin.org.CreateRegion(ipb.CreateRegionRequest(region=ipb.Region(name="North")))
    loc_a = admin.org.CreateLocation(ipb.CreateLocationRequest(location=ipb.Location(name="A", region_id=region.id)))
    loc_b = admin.org.CreateLocation(ipb.CreateLocationRequest(location=ipb.Location(name="B")))
    specs = {
        "regional": (ipb.REGIONAL_ADMIN, [], region.id),
        "locadmin_b": (ipb.LOCATION_ADMIN, [loc_b.id], ""),
        "provider_a": (ipb.PROVIDER, [loc_a.id], ""),
        "provider_a2": (ipb.PROVIDER, [loc_a.id], ""),
        "provider_b": (ipb.PROVIDER, [loc_b.id], ""),
        "tc_a": (ipb.TREATMENT_COORDINATOR, [loc_a.id], ""),
        "reception_a": (ipb.RECEPTION, [loc_a.id], ""),
    }
    users, as_ = {}, {}
    for key, (role, locs, reg) in specs.items():
        users[key] = admin.org.CreateUser(ipb.CreateUserRequest(
            user=ipb.User(email=f"{key}@smile.test", display_name=key, role=role, location_ids=locs, region_id=reg),
            password=PASSWORD))
        as_[key] = api.sign_in(f"{key}@smile.test")
    return Org(admin, region, loc_a, loc_b, users, as_)


def new_patient(stubs: Stubs, loc: str, provider: str, chart: str, first: str = "Ada", last: str = "Lovelace"):
    return stubs.patients.CreatePatient(cpb.CreatePatientRequest(patient=cpb.Patient(
        first_name=first, last_name=last, birth_date="1990-05-01", chart_number=chart, location_id=loc,
        provider_id=provider, email="ada@example.test", mobile="+447700900123")))


def new_case(stubs: Stubs, patient_id: str, goals: str = "close spaces", request_id: str = ""):
    return stubs.cases.CreateCase(cpb.CreateCaseRequest(case=cpb.Case(
        kind=cpb.ALIGNER, patient_id=patient_id,
        prescription=cpb.Prescription(goals=goals, arches=["upper", "lower"], ipr_allowed=True)),
        request_id=request_id))


class Clock:
    """A settable clock for Deps.clock: tests move time by assigning `now`."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def rpc_error(call, code: grpc.StatusCode) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as ei:
        call()
    assert ei.value.code() == code, (ei.value.code(), ei.value.details())
    return ei.value


def details(err: grpc.RpcError) -> dict[str, object]:
    """The rich error's ErrorInfo reason and its violations by field/subject."""
    status = rpc_status.from_call(err)
    out: dict[str, object] = {"violations": {}}
    for d in status.details:
        for cls in (error_details_pb2.ErrorInfo, error_details_pb2.BadRequest, error_details_pb2.PreconditionFailure):
            if d.Is(cls.DESCRIPTOR):
                msg = cls()
                d.Unpack(msg)
                if cls is error_details_pb2.ErrorInfo:
                    out["reason"], out["domain"] = msg.reason, msg.domain
                elif cls is error_details_pb2.BadRequest:
                    out["violations"].update({v.field: v.description for v in msg.field_violations})
                else:
                    out["violations"].update({v.subject: v.description for v in msg.violations})
    return out


def outbox(api, event: str | None = None) -> list[m.OutboxMessage]:
    with api.runtime.uow() as uow:
        q = select(m.OutboxMessage).order_by(m.OutboxMessage.id)
        rows = uow.session.execute(q if event is None else q.where(m.OutboxMessage.event == event)).scalars().all()
        uow.session.expunge_all()
        return list(rows)


def add(prov, email: str, *perms: int, consent: bool = True, request_id: str = ""):
    return prov.collab.AddCollaborator(kpb.AddCollaboratorRequest(
        email=email, permissions=list(perms), confirm_consent=consent, request_id=request_id))


def invite_and_register(api, prov, email: str, *perms: int):
    """An unknown email: invitation by email, then registration with the emailed token."""
    collab = add(prov, email, *perms)
    assert collab.state == kpb.INVITED and not collab.collaborator_user_id
    token = outbox(api, "collaborator_invited")[-1].payload["invite_token"]
    res = api.stubs().collab.RegisterCollaborator(kpb.RegisterCollaboratorRequest(
        invite_token=token, organization_name="Planning Lab", display_name="Tess Planner", password=PASSWORD))
    assert res.email == email and res.collaborator.state == kpb.ACTIVE
    return res.collaborator, api.sign_in(email)


def shift(x: float) -> list[float]:
    return [1, 0, 0, x, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]


def plan(stages: int = 10, note: str = "") -> spb.SetupPlan:
    return spb.SetupPlan(stage_count=stages, notes=note, teeth=[
        spb.ToothMovement(fdi=11, target_transform=shift(0.8), first_stage=0, last_stage=stages),
        spb.ToothMovement(fdi=21, target_transform=shift(-0.8), first_stage=2, last_stage=stages)],
        ipr=[spb.IprSite(fdi_a=11, fdi_b=21, amount_mm=0.2, stage=1)])


def stream(header: rpb.UploadRecordHeader, content: bytes, chunk: int = 64 * 1024):
    yield rpb.UploadRecordRequest(header=header)
    for i in range(0, len(content), chunk):
        yield rpb.UploadRecordRequest(chunk=content[i:i + chunk])


def upload(stubs, case_id: str, content: bytes, kind=rpb.UPPER_SCAN, **kw) -> rpb.Record:
    return stubs.records.UploadRecord(stream(rpb.UploadRecordHeader(case_id=case_id, kind=kind, **kw), content))


def download(stubs, record_id: str) -> tuple[rpb.Record, bytes]:
    parts = list(stubs.records.DownloadRecord(rpb.DownloadRecordRequest(id=record_id)))
    assert parts[0].WhichOneof("part") == "record" and all(p.WhichOneof("part") == "chunk" for p in parts[1:])
    return parts[0].record, b"".join(p.chunk for p in parts[1:])


def stored_objects(api) -> list[Path]:
    return sorted((api.runtime.deps.artifacts.root / "objects").glob("*/*"))


def cli(env: dict[str, str], *args: str, ok: bool = True):
    res = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert (res.exit_code == 0) == ok, res.output
    return res.output
