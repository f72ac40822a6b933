"""PackService servicer: treatment packs and the pipeline board."""

from __future__ import annotations

from ...services import packs
from ...v1 import orders_pb2 as opb
from ...v1 import packs_pb2 as ppb
from ...v1 import packs_pb2_grpc as ppb_grpc
from .. import convert
from ..context import Runtime, mutate, read


def _template(row) -> ppb.PackTemplate:
    return ppb.PackTemplate(id=row.id, name=row.name, plan_type=row.plan_type, next_steps=row.next_steps,
                            options=[ppb.PackOption(name=o["name"], fee=opb.Money(amount_minor=o["fee_minor"],
                                                                                  currency=row.currency))
                                     for o in row.options])


class PackServicer(ppb_grpc.PackServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def CreatePackTemplate(self, request, context):
        t = request.template
        f = packs.TemplateFields(t.name, t.plan_type, tuple((o.name, o.fee.amount_minor, o.fee.currency)
                                                           for o in t.options), t.next_steps)
        return mutate(self.rt, "CreatePackTemplate", request, "",
                      lambda uow, p: _template(packs.create_template(uow, self.rt.deps, p, f)), ppb.PackTemplate)

    def CreatePack(self, request, context):
        return mutate(self.rt, "CreatePack", request, request.request_id, lambda uow, p: convert.pack(
            packs.create_pack(uow, self.rt.deps, p, request.patient_id, request.template_id,
                              list(request.image_record_ids))), ppb.TreatmentPack)

    def GetPack(self, request, context):
        return read(self.rt, lambda uow, p: convert.pack(packs.visible_pack(uow.session, p, request.id)))

    def SendPack(self, request, context):
        return mutate(self.rt, "SendPack", request, "", lambda uow, p: convert.pack(packs.send_pack(
            uow, self.rt.deps, p, request.id, request.email, request.sms, request.valid_days)), ppb.TreatmentPack)

    def RevokePackLink(self, request, context):
        return mutate(self.rt, "RevokePackLink", request, "", lambda uow, p: convert.pack(
            packs.revoke_link(uow, self.rt.deps, p, request.id)), ppb.TreatmentPack)

    def MovePack(self, request, context):
        return mutate(self.rt, "MovePack", request, "", lambda uow, p: convert.pack(
            packs.move_pack(uow, self.rt.deps, p, request.id, request.stage, request.etag)), ppb.TreatmentPack)

    def ListPackEvents(self, request, context):
        return read(self.rt, lambda uow, p: ppb.ListPackEventsResponse(events=[ppb.PackEvent(
            kind=e.kind, from_stage=e.from_stage, to_stage=e.to_stage, text=e.text, user_id=e.user_id or "",
            time=convert.ts(e.created)) for e in packs.events_of(uow, p, request.id)]))

    def GetPipelineBoard(self, request, context):
        args = packs.BoardArgs(request.created_by, request.from_date, request.to_date, request.plan_type,
                               request.per_stage)

        def body(uow, p):
            cols = packs.board(uow, p, args)
            return ppb.PipelineBoard(columns=[ppb.PipelineColumn(
                stage=int(stage), count=n, total_value=opb.Money(amount_minor=total, currency=cur),
                packs=[convert.pack(x) for x in rows]) for stage, n, total, cur, rows in cols])
        return read(self.rt, body)
