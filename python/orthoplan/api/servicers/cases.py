"""PatientService and CaseService servicers."""

from __future__ import annotations

from ...domain.cases import CaseState
from ...domain.errors import Collector, InvalidArgument, Violation
from ...domain.status import icon
from ...services import cases, messages, patients, records, refinements
from ...services.cases import TransitionArgs
from ...v1 import cases_pb2 as cpb
from ...v1 import cases_pb2_grpc as cpb_grpc
from .. import convert
from ..context import Runtime, mutate, read
from ..streams import FileChunks


def _fields(pt: cpb.Patient) -> patients.PatientFields:
    return patients.PatientFields(pt.first_name, pt.last_name, pt.birth_date, pt.chart_number, pt.email,
                                  pt.mobile, pt.location_id, pt.provider_id)


class PatientServicer(cpb_grpc.PatientServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def CreatePatient(self, request, context):
        def body(uow, p):
            return convert.patient(patients.create_patient(uow, self.rt.deps, p, _fields(request.patient)))
        return mutate(self.rt, "CreatePatient", request, request.request_id, body, cpb.Patient)

    def GetPatient(self, request, context):
        return read(self.rt, lambda uow, p: convert.patient(patients.get_patient(uow, p, request.id)))

    def ListPatients(self, request, context):
        def body(uow, p):
            rows, nxt = patients.list_patients(uow, p, request.page_size, request.page_token, request.query,
                                                   request.filter, request.order_by)
            return cpb.ListPatientsResponse(patients=[convert.patient(r) for r in rows], next_page_token=nxt)
        return read(self.rt, body)

    def UpdatePatient(self, request, context):
        pt = request.patient

        def body(uow, p):
            return convert.patient(patients.update_patient(uow, self.rt.deps, p, pt.id, pt.etag, _fields(pt)))
        return mutate(self.rt, "UpdatePatient", request, "", body, cpb.Patient)


class CaseServicer(cpb_grpc.CaseServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def CreateCase(self, request, context):
        c = request.case

        def body(uow, p):
            row = cases.create_case(uow, self.rt.deps, p, c.kind, c.patient_id, convert.prescription_in(c.prescription))
            return convert.case(row)
        return mutate(self.rt, "CreateCase", request, request.request_id, body, cpb.Case)

    def GetCase(self, request, context):
        def body(uow, p):
            row, acc = cases.get_case(uow, p, request.id)
            return convert.case(row, details=acc.may_view_details(), unread=acc.unread)
        return read(self.rt, body)

    def ListCases(self, request, context):
        def body(uow, p):
            rows, nxt = cases.list_cases(uow, p, request.page_size, request.page_token, request.filter,
                                         request.order_by, query=request.query)
            unread = messages.unread_counts(uow.session, p.user_id, [r.id for r, _, _ in rows])
            return cpb.ListCasesResponse(cases=[convert.case(r, name, details=own, unread=unread.get(r.id, 0))
                                                for r, name, own in rows], next_page_token=nxt)
        return read(self.rt, body)

    def UpdatePrescription(self, request, context):
        def body(uow, p):
            row = cases.update_prescription(uow, self.rt.deps, p, request.id, request.etag,
                                            convert.prescription_in(request.prescription))
            return convert.case(row)
        return mutate(self.rt, "UpdatePrescription", request, "", body, cpb.Case)

    def _transition(self, name: str, request):
        def body(uow, p):
            row = cases.transition_case(uow, self.rt.deps, p, name,
                                        TransitionArgs(request.id, request.etag, request.reason))
            return convert.case(row, unread=_unread(uow, p, row.id))
        return mutate(self.rt, name, request, request.request_id, body, cpb.Case)

    def SubmitCase(self, request, context):
        return self._transition("submit", request)

    def AcceptCase(self, request, context):
        return self._transition("accept", request)

    def CancelCase(self, request, context):
        return self._transition("cancel", request)

    def CloseCase(self, request, context):
        return self._transition("close", request)

    def MarkReadyForApproval(self, request, context):
        return self._transition("ready_for_approval", request)

    def ReturnToEvaluation(self, request, context):
        return self._transition("back_to_evaluating", request)

    def RequestRefinement(self, request_iterator, context):
        deps = self.rt.deps
        first = next(request_iterator, None)
        if first is None or first.WhichOneof("part") != "header":
            raise InvalidArgument("the request starts with its header", [Violation(
                "header", "the first message of the stream must carry the header")])
        h = first.header
        req = refinements.RefinementRequest(
            h.patient_id, h.goals, tuple(h.arches),
            tuple(records.Upload("", f.kind, f.view, f.filename, f.taken_date, f.sha256, f.size_bytes)
                  for f in h.files),
            h.reuse_xray_record_id, h.no_dental_work_since_xray, h.photos_without_aligners)
        read(self.rt, lambda uow, p: refinements.check_request(uow, deps, p, req))
        staged, problems = [], Collector()
        try:
            files = FileChunks(request_iterator)
            for i, f in enumerate(req.files):
                staged.append(deps.artifacts.receive(records.limited(files.file(i), records.limit_for(deps, f.kind))))
                refinements.check_file(problems, i, f, staged[-1].info)
            files.finish(len(req.files))
            problems.raise_if_any("the refinement's files are not acceptable")
            key = cpb.RefinementHeader()  # the idempotency digest covers the content actually received
            key.CopyFrom(h)
            for f, blob in zip(key.files, staged, strict=True):
                f.sha256, f.size_bytes = blob.info.sha256, blob.info.size

            def body(uow, p):
                for blob in staged:
                    blob.commit()  # in place before the rows that refer to them can commit
                return convert.case(refinements.create_refinement(uow, deps, p, req, [b.info for b in staged]))
            return mutate(self.rt, "RequestRefinement", key, h.request_id, body, cpb.Case)
        finally:
            for blob in staged:
                blob.discard()

    def GetCaseStatus(self, request, context):
        def body(uow, p):
            row, unread = messages.case_status(uow, p, request.id)
            return cpb.CaseStatusView(case_id=row.id, status=icon(CaseState(row.state), unread), state=row.state,
                                      unread_messages=unread)
        return read(self.rt, body)


def _unread(uow, p, case_id: str) -> int:
    return messages.unread_counts(uow.session, p.user_id, [case_id]).get(case_id, 0)
