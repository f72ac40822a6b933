"""RequestRefinement: the complete diagnostic set makes a SUBMITTED refinement case with its
records; every missing or invalid item is named at once and nothing is stored; the latest aligner
case must be open; x-ray reuse rules."""

from __future__ import annotations

import grpc
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import records_pb2 as rpb

from tests.api.helpers import build_org, details, new_case, new_patient, rpc_error, stored_objects
from tests.files import ascii_ply, png, small_stl

IA, NF, PD, FP = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                  grpc.StatusCode.FAILED_PRECONDITION)
VIEWS = [v for v in rpb.PhotoView.values() if v]


def diagnostics(xray: bool = True, taken: str = "") -> list[tuple[cpb.RefinementFile, bytes]]:
    files = [(cpb.RefinementFile(kind=rpb.PHOTO, view=view, filename=f"v{view}.png"), png(noise=view))
             for view in VIEWS]
    files += [(cpb.RefinementFile(kind=rpb.UPPER_SCAN, filename="upper.stl"), small_stl(seed=1)),
              (cpb.RefinementFile(kind=rpb.LOWER_SCAN, filename="lower.stl"), small_stl(seed=2))]
    if xray:
        files.append((cpb.RefinementFile(kind=rpb.XRAY, filename="pano.png", taken_date=taken), png(noise=99)))
    return files


def request(stubs, patient_id: str, files, *, goals: str = "close the remaining space on 12", chunk: int = 300,
            order=None, **kw):
    header = cpb.RefinementHeader(patient_id=patient_id, goals=goals, photos_without_aligners=True, **kw)
    for f, data in files:
        f.size_bytes = f.size_bytes or len(data)
        header.files.append(f)

    def stream():
        yield cpb.RequestRefinementRequest(header=header)
        for i in order or range(len(files)):
            data = files[i][1]
            for j in range(0, len(data), chunk):
                yield cpb.RequestRefinementRequest(chunk=cpb.RefinementChunk(file=i, data=data[j:j + chunk]))
    return stubs.cases.RequestRefinement(stream())


def in_treatment(org):
    prov = org.as_["provider_a"]
    patient = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1")
    case = new_case(prov, patient.id)
    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    return prov, patient, org.admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))


def cases_of(stubs, patient_id: str) -> list[cpb.Case]:
    return list(stubs.cases.ListCases(cpb.ListCasesRequest(filter=f'patient_id = "{patient_id}"')).cases)


def test_a_complete_request_makes_a_submitted_refinement(api):
    org = build_org(api)
    prov, patient, parent = in_treatment(org)
    files = diagnostics()
    ref = request(prov, patient.id, files, request_id="ref-1")
    assert (ref.kind, ref.state, ref.parent_case_id) == (cpb.REFINEMENT, cpb.SUBMITTED, parent.id)
    assert ref.prescription.goals == "close the remaining space on 12" and list(ref.prescription.arches) == [
        "upper", "lower"]
    recs = prov.records.ListRecords(rpb.ListRecordsRequest(case_id=ref.id)).records
    assert sorted((r.kind, r.view) for r in recs) == sorted(
        [(rpb.PHOTO, v) for v in VIEWS] + [(rpb.UPPER_SCAN, 0), (rpb.LOWER_SCAN, 0), (rpb.XRAY, 0)])
    assert {r.content_type for r in recs if r.kind == rpb.UPPER_SCAN} == {"model/stl"}
    assert request(prov, patient.id, files, request_id="ref-1").id == ref.id  # a retry
    err = rpc_error(lambda: request(prov, patient.id, diagnostics(), request_id="ref-1"), IA)  # other photos
    assert "request_id" in details(err)["violations"]
    assert len(cases_of(prov, patient.id)) == 2
    # the refinement is now the latest aligner case; another refinement reuses its x-ray
    xray = next(r for r in recs if r.kind == rpb.XRAY)
    again = request(prov, patient.id, diagnostics(xray=False), reuse_xray_record_id=xray.id,
                    no_dental_work_since_xray=True)
    assert again.parent_case_id == ref.id
    reused = [r for r in prov.records.ListRecords(rpb.ListRecordsRequest(case_id=again.id)).records
              if r.kind == rpb.XRAY]
    assert [r.sha256 for r in reused] == [xray.sha256]


def test_every_missing_item_is_named_and_nothing_is_stored(api):
    org = build_org(api)
    prov, patient, parent = in_treatment(org)
    before = stored_objects(api)
    partial = [f for f in diagnostics(xray=False) if f[0].kind != rpb.LOWER_SCAN and f[0].view not in VIEWS[:3]]
    partial.append((cpb.RefinementFile(kind=rpb.UPPER_SCAN, filename="again.stl"), small_stl(seed=5)))
    err = rpc_error(lambda: request(prov, patient.id, partial, goals=" "), IA)
    v = details(err)["violations"]
    names = [rpb.PhotoView.Name(x) for x in VIEWS[:3]]
    assert set(v) >= {"header.goals", "header.files.lower_scan", "header.files.upper_scan", "header.files.xray",
                      *[f"header.files.photo.{n}" for n in names]}
    assert "more than once" in v["header.files.upper_scan"]
    header = cpb.RefinementHeader(patient_id=patient.id, goals="g", files=[f for f, _ in diagnostics()])
    v = details(rpc_error(lambda: prov.cases.RequestRefinement(iter([cpb.RequestRefinementRequest(
        header=header)])), IA))["violations"]
    assert "header.photos_without_aligners" in v and "header.files[0].size_bytes" in v
    # the files are checked by content: a PLY named .stl, a text file as an x-ray, a wrong hash
    files = diagnostics()
    files[8] = (cpb.RefinementFile(kind=rpb.UPPER_SCAN, filename="upper.stl"), ascii_ply())
    files[10] = (cpb.RefinementFile(kind=rpb.XRAY, filename="xray.png"), b"not an image at all")
    files[0][0].sha256 = "0" * 64
    v = details(rpc_error(lambda: request(prov, patient.id, files), IA))["violations"]
    assert "model/x-ply is not accepted for UPPER_SCAN" in v["files[8]"]
    assert "not a recognised file type" in v["files[10]"] and "hashes to" in v["header.files[0].sha256"]
    # files out of order, or more files than the header lists
    rpc_error(lambda: request(prov, patient.id, diagnostics(), order=[1, 0] + list(range(2, 11))), IA)
    extra = diagnostics()
    with_more = request_with_extra(prov, patient.id, extra)
    assert "chunk.file" in details(rpc_error(with_more, IA))["violations"]
    assert stored_objects(api) == before and len(cases_of(prov, patient.id)) == 1
    assert not list((api.runtime.deps.artifacts.root / "incoming").iterdir())


def request_with_extra(stubs, patient_id, files):
    header = cpb.RefinementHeader(patient_id=patient_id, goals="g", photos_without_aligners=True)
    for f, data in files:
        f.size_bytes = len(data)
        header.files.append(f)

    def stream():
        yield cpb.RequestRefinementRequest(header=header)
        for i, (_, data) in enumerate(files):
            yield cpb.RequestRefinementRequest(chunk=cpb.RefinementChunk(file=i, data=data))
        yield cpb.RequestRefinementRequest(chunk=cpb.RefinementChunk(file=len(files), data=b"x"))
    return lambda: stubs.cases.RequestRefinement(stream())


def test_the_latest_aligner_case_must_be_open_and_x_rays_recent(api):
    org = build_org(api)
    prov, patient, parent = in_treatment(org)
    first = request(prov, patient.id, diagnostics(taken="2026-01-02"))
    xray = next(r for r in prov.records.ListRecords(rpb.ListRecordsRequest(case_id=first.id)).records
                if r.kind == rpb.XRAY)
    v = details(rpc_error(lambda: request(prov, patient.id, diagnostics(), reuse_xray_record_id=xray.id), IA))[
        "violations"]
    assert set(v) >= {"header.reuse_xray_record_id", "header.no_dental_work_since_xray"}
    v = details(rpc_error(lambda: request(prov, patient.id, diagnostics(xray=False), reuse_xray_record_id=xray.id,
                                          no_dental_work_since_xray=True), IA))["violations"]
    assert "more than six months ago" in v["header.reuse_xray_record_id"]
    other = new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-2")
    err = rpc_error(lambda: request(prov, other.id, diagnostics()), FP)
    assert details(err)["reason"] == "NO_ALIGNER_CASE"
    prov.cases.CloseCase(cpb.TransitionCaseRequest(id=first.id))
    err = rpc_error(lambda: request(prov, patient.id, diagnostics()), FP)
    assert details(err)["reason"] == "CASE_STATE" and first.number in err.details()
    # someone else's patient is not there; the front desk may not ask
    rpc_error(lambda: request(org.as_["provider_b"], patient.id, diagnostics()), NF)
    rpc_error(lambda: request(org.as_["reception_a"], patient.id, diagnostics()), PD)
