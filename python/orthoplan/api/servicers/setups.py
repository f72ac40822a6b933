"""SetupService servicer."""

from __future__ import annotations

from ...domain import setups as ds
from ...services import setups, viewer
from ...v1 import setups_pb2 as spb
from ...v1 import setups_pb2_grpc as spb_grpc
from .. import convert
from ..context import Runtime, mutate, read


def plan_in(plan: spb.SetupPlan) -> ds.Plan:
    return ds.Plan(plan.stage_count,
                   tuple(ds.ToothMovement(t.fdi, tuple(t.target_transform), t.first_stage, t.last_stage)
                         for t in plan.teeth),
                   tuple(ds.IprSite(s.fdi_a, s.fdi_b, s.amount_mm, s.stage) for s in plan.ipr), plan.notes)


def notes_in(notes) -> tuple[ds.Note, ...]:
    return tuple(ds.Note(n.text, n.stage, n.fdi) for n in notes)


class SetupServicer(spb_grpc.SetupServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def _out(self, uow, row):
        return convert.setup(row, setups.notes_of(uow.session, row.case_id, row.version))

    def CreateSetup(self, request, context):
        def body(uow, p):
            row = setups.create_setup(uow, self.rt.deps, p, request.case_id, request.case_etag,
                                      plan_in(request.plan))
            return self._out(uow, row)
        return mutate(self.rt, "CreateSetup", request, request.request_id, body, spb.TreatmentSetup)

    def GetSetup(self, request, context):
        return read(self.rt, lambda uow, p: self._out(uow, setups.get_setup(uow, p, request.case_id,
                                                                            request.version)))

    def ListSetups(self, request, context):
        def body(uow, p):
            rows, nxt = setups.list_setups(uow, p, request.case_id, request.page_size, request.page_token,
                                           request.filter, request.order_by)
            return spb.ListSetupsResponse(setups=[self._out(uow, r) for r in rows], next_page_token=nxt)
        return read(self.rt, body)

    def ApproveSetup(self, request, context):
        def body(uow, p):
            row = setups.approve_setup(uow, self.rt.deps, p, request.case_id, request.version,
                                       request.content_sha256)
            return self._out(uow, row)
        return mutate(self.rt, "ApproveSetup", request, request.request_id, body, spb.TreatmentSetup)

    def _review(self, name: str, action: str, request):
        def body(uow, p):
            row = setups.review_setup(uow, self.rt.deps, p, action, request.case_id, request.version,
                                      notes_in(request.notes))
            return self._out(uow, row)
        return mutate(self.rt, name, request, request.request_id, body, spb.TreatmentSetup)

    def RequestRevision(self, request, context):
        return self._review("RequestRevision", "request_revision", request)

    def DeclineSetup(self, request, context):
        return self._review("DeclineSetup", "decline_setup", request)

    def CreateViewerLink(self, request, context):
        def body(uow, p):
            url, expires = viewer.create_link(uow, self.rt.deps, p, request.case_id, request.version,
                                              request.valid_hours)
            return spb.ViewerLink(url=url, expire_time=convert.ts(expires))
        return mutate(self.rt, "CreateViewerLink", request, "", body, spb.ViewerLink)
