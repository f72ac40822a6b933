"""Diagnostic records end to end: streamed upload and download of real scans, typing by content,
size limits, header promises, access, idempotent retries, deletion rules and corruption."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import grpc
from orthoplan.adapters.db import models as m
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import records_pb2 as rpb
from sqlalchemy import func, select

from tests.api.helpers import (
    build_org,
    details,
    download,
    invite_and_register,
    new_case,
    new_patient,
    rpc_error,
    stored_objects,
    stream,
    upload,
)
from tests.files import arch_vtp, png, tooth_stl

IA, NF, PD, FP = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                  grpc.StatusCode.FAILED_PRECONDITION)
def draft(org, chart: str = "CH-1"):
    prov = org.as_["provider_a"]
    p = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, chart)
    return prov, new_case(prov, p.id)


def incoming(api) -> list[Path]:
    return list((api.runtime.deps.artifacts.root / "incoming").iterdir())


def test_real_scans_stream_in_and_out_and_equal_content_is_stored_once(api):
    org = build_org(api)
    prov, case = draft(org)
    stl = tooth_stl()
    rec = upload(prov, case.id, stl, filename="tooth_11.stl", taken_date="2026-01-15",
                 sha256=hashlib.sha256(stl).hexdigest(), size_bytes=len(stl))
    assert (rec.content_type, rec.size_bytes, rec.sha256) == ("model/stl", len(stl), hashlib.sha256(stl).hexdigest())
    assert rec.kind == rpb.UPPER_SCAN and rec.uploaded_by == org.users["provider_a"].id
    vtp = upload(prov, case.id, arch_vtp(), kind=rpb.LOWER_SCAN)
    assert vtp.content_type == "model/vnd.vtk-polydata"
    photo = upload(prov, case.id, png(), kind=rpb.PHOTO, view=rpb.INTRAORAL_FRONTAL, filename="front.png")
    meta, body = download(prov, rec.id)
    assert body == stl and meta == rec
    assert prov.records.GetRecord(rpb.GetRecordRequest(id=photo.id)) == photo
    # the same file on another case (another patient) is stored once
    _, other = draft(org, "CH-2")
    again = upload(prov, other.id, stl, kind=rpb.BITE_SCAN)
    assert again.sha256 == rec.sha256 and again.id != rec.id
    assert len(stored_objects(api)) == 3 and not incoming(api)
    # list: newest first, pages, kind filter
    first = prov.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id, page_size=2))
    assert [r.id for r in first.records] == [photo.id, vtp.id] and first.next_page_token
    rest = prov.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id, page_size=2,
                                                           page_token=first.next_page_token))
    assert [r.id for r in rest.records] == [rec.id] and not rest.next_page_token
    scans = prov.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id, kind=rpb.PHOTO))
    assert [r.id for r in scans.records] == [photo.id]
    with api.runtime.uow() as uow:
        actions = uow.session.execute(select(m.AuditEntry.action).where(m.AuditEntry.resource_id == rec.id)).scalars()
        assert list(actions) == ["add_record"]


def test_type_is_decided_by_content_and_refusals_store_nothing(api):
    org = build_org(api)
    prov, case = draft(org)
    err = rpc_error(lambda: upload(prov, case.id, png(), filename="scan.stl"), IA)
    assert "image/png is not accepted for UPPER_SCAN" in details(err)["violations"]["chunk"]
    err = rpc_error(lambda: upload(prov, case.id, os.urandom(5000), kind=rpb.XRAY, filename="x.png"), IA)
    assert "not a recognised file type" in details(err)["violations"]["chunk"]
    err = rpc_error(lambda: upload(prov, case.id, b"", kind=rpb.XRAY), IA)
    assert details(err)["violations"]["chunk"] == "no content was sent"
    # a promise in the header that the bytes do not keep: every problem at once
    image = png()
    err = rpc_error(lambda: upload(prov, case.id, image, kind=rpb.XRAY, sha256="0" * 64, size_bytes=len(image) + 1), IA)
    assert set(details(err)["violations"]) == {"header.sha256", "header.size_bytes"}
    assert not stored_objects(api) and not incoming(api)
    assert not prov.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id)).records


def test_size_limits_stop_the_stream_and_declared_sizes_are_refused_up_front(api):
    org = build_org(api)
    prov, case = draft(org)
    limit = api.runtime.deps.max_image_bytes
    big = png(64, 64, noise=limit + 10)
    err = rpc_error(lambda: upload(prov, case.id, big, kind=rpb.XRAY), IA)
    assert f"limit of {limit} bytes" in details(err)["violations"]["chunk"]
    err = rpc_error(lambda: upload(prov, case.id, b"", kind=rpb.XRAY, size_bytes=limit + 1), IA)
    assert "exceeds the limit" in details(err)["violations"]["header.size_bytes"]
    assert not stored_objects(api) and not incoming(api)


def test_bad_headers_name_every_field(api):
    org = build_org(api)
    prov, case = draft(org)
    first_chunk = iter([rpb.UploadRecordRequest(chunk=b"abc")])
    err = rpc_error(lambda: prov.records.UploadRecord(first_chunk), IA)
    assert "header" in details(err)["violations"]
    two_headers = iter([rpb.UploadRecordRequest(header=rpb.UploadRecordHeader(case_id=case.id, kind=rpb.XRAY)),
                        rpb.UploadRecordRequest(header=rpb.UploadRecordHeader(case_id=case.id, kind=rpb.XRAY))])
    err = rpc_error(lambda: prov.records.UploadRecord(two_headers), IA)
    assert "only the first message" in details(err)["violations"]["header"]
    err = rpc_error(lambda: upload(prov, "nope", png(), kind=0, view=rpb.EXTRAORAL_PROFILE, filename="../etc/x.png",
                                   taken_date="2999-01-01", sha256="XYZ", size_bytes=-1), IA)
    assert set(details(err)["violations"]) == {"header.case_id", "header.kind", "header.view", "header.filename",
                                               "header.taken_date", "header.sha256", "header.size_bytes"}
    err = rpc_error(lambda: upload(prov, case.id, png(), kind=rpb.PHOTO), IA)
    assert set(details(err)["violations"]) == {"header.view"}
    err = rpc_error(lambda: upload(prov, case.id, png(), kind=rpb.XRAY, taken_date="2026-13-01"), IA)
    assert set(details(err)["violations"]) == {"header.taken_date"}
    for bad in (lambda: prov.records.GetRecord(rpb.GetRecordRequest(id="x")),
                lambda: prov.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id, page_size=501, kind=99)),
                lambda: prov.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id, page_token="garbage"))):
        rpc_error(bad, IA)


def test_access_roles_collaborators_and_other_practices(api):
    org = build_org(api)
    prov, case = draft(org)
    rec = upload(prov, case.id, png(), kind=rpb.XRAY)
    # the practice's other clinical staff may add; reception may not; another location cannot see the case
    assert upload(org.as_["tc_a"], case.id, png(3, 3), kind=rpb.XRAY).uploaded_by == org.users["tc_a"].id
    rpc_error(lambda: upload(org.as_["reception_a"], case.id, png(), kind=rpb.XRAY), NF)
    for outsider in (org.as_["provider_b"], org.as_["locadmin_b"]):
        rpc_error(lambda o=outsider: upload(o, case.id, png(), kind=rpb.XRAY), NF)
        rpc_error(lambda o=outsider: o.records.GetRecord(rpb.GetRecordRequest(id=rec.id)), NF)
        rpc_error(lambda o=outsider: list(o.records.DownloadRecord(rpb.DownloadRecordRequest(id=rec.id))), NF)
        rpc_error(lambda o=outsider: o.records.DeleteRecord(rpb.DeleteRecordRequest(id=rec.id)), NF)
    rpc_error(lambda: org.admin.records.DeleteRecord(rpb.DeleteRecordRequest(id=rec.id)), PD)  # sees, may not
    # a collaborator sees records only with VIEW_CASE_DETAILS and never adds them
    collab, tps = invite_and_register(api, prov, "tess@lab.test", kpb.APPROVE)
    prov.collab.ShareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=case.id))
    err = rpc_error(lambda: tps.records.ListRecords(rpb.ListRecordsRequest(case_id=case.id)), PD)
    assert "VIEW_CASE_DETAILS" in err.details()
    rpc_error(lambda: list(tps.records.DownloadRecord(rpb.DownloadRecordRequest(id=rec.id))), PD)
    prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(
        id=collab.id, permissions=[kpb.APPROVE, kpb.VIEW_CASE_DETAILS],
        etag=prov.collab.GetCollaborator(kpb.GetCollaboratorRequest(id=collab.id)).etag))
    assert download(tps, rec.id)[1] == png()
    err = rpc_error(lambda: upload(tps, case.id, png(), kind=rpb.XRAY), PD)
    assert "collaborator" in err.details()
    # no token at all
    err = rpc_error(lambda: api.stubs().records.UploadRecord(stream(rpb.UploadRecordHeader(case_id=case.id,
                                                                                           kind=rpb.XRAY), png())),
                    grpc.StatusCode.UNAUTHENTICATED)
    rpc_error(lambda: list(api.stubs().records.DownloadRecord(rpb.DownloadRecordRequest(id=rec.id))),
              grpc.StatusCode.UNAUTHENTICATED)


def test_retries_deletion_rules_and_archived_cases(api):
    org = build_org(api)
    prov, case = draft(org)
    a = upload(prov, case.id, png(), kind=rpb.XRAY, request_id="up-1")
    assert upload(prov, case.id, png(), kind=rpb.XRAY, request_id="up-1") == a  # a retried stream
    err = rpc_error(lambda: upload(prov, case.id, png(4, 4), kind=rpb.XRAY, request_id="up-1"), IA)
    assert "request_id" in details(err)["violations"]
    b = upload(prov, case.id, png(5, 5), kind=rpb.XRAY)
    prov.records.DeleteRecord(rpb.DeleteRecordRequest(id=b.id))
    rpc_error(lambda: prov.records.GetRecord(rpb.GetRecordRequest(id=b.id)), NF)
    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    err = rpc_error(lambda: prov.records.DeleteRecord(rpb.DeleteRecordRequest(id=a.id)), FP)
    assert details(err)["reason"] == "CASE_STATE"
    upload(prov, case.id, png(6, 6), kind=rpb.XRAY)  # a submitted case still takes new records
    prov.cases.CancelCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    err = rpc_error(lambda: upload(prov, case.id, png(7, 7), kind=rpb.XRAY), FP)
    assert details(err)["reason"] == "CASE_STATE"
    with api.runtime.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(m.CaseRecord)) == 2


def test_corrupted_content_ends_the_download_with_data_loss(api):
    org = build_org(api)
    prov, case = draft(org)
    rec = upload(prov, case.id, png(), kind=rpb.XRAY)
    (path,) = stored_objects(api)
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes()[:-1] + b"!")
    err = rpc_error(lambda: download(prov, rec.id), grpc.StatusCode.DATA_LOSS)
    assert "corrupted" in err.details()
    path.unlink()
    err = rpc_error(lambda: download(prov, rec.id), grpc.StatusCode.DATA_LOSS)
    assert "missing" in err.details()
