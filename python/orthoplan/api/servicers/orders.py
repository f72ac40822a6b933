"""OrderService servicer: orders on a case and the fee schedule."""

from __future__ import annotations

from ...services import orders
from ...v1 import orders_pb2 as opb
from ...v1 import orders_pb2_grpc as opb_grpc
from .. import convert
from ..context import Runtime, mutate, read


def _schedule(rows) -> opb.FeeSchedule:
    return opb.FeeSchedule(fees=[opb.Fee(kind=f.kind, price=opb.Money(amount_minor=f.amount_minor,
                                                                      currency=f.currency)) for f in rows])


class OrderServicer(opb_grpc.OrderServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def PlaceOrder(self, request, context):
        args = orders.OrderArgs(request.case_id, request.kind, request.retainer_source, request.quantity,
                                tuple(request.stages), request.tps_collaborator_id)
        return mutate(self.rt, "PlaceOrder", request, request.request_id,
                      lambda uow, p: convert.order(orders.place_order(uow, self.rt.deps, p, args)), opb.Order)

    def GetOrder(self, request, context):
        return read(self.rt, lambda uow, p: convert.order(orders.get_order(uow, p, request.id)))

    def ListOrders(self, request, context):
        def body(uow, p):
            rows, nxt = orders.list_orders(uow, p, request.case_id, request.page_size, request.page_token,
                                           request.filter, request.order_by)
            return opb.ListOrdersResponse(orders=[convert.order(r) for r in rows], next_page_token=nxt)
        return read(self.rt, body)

    def GetFeeSchedule(self, request, context):
        return read(self.rt, lambda uow, p: _schedule(orders.fee_schedule(uow, p)))

    def UpdateFeeSchedule(self, request, context):
        fees = [(f.kind, f.price.amount_minor, f.price.currency) for f in request.schedule.fees]
        return mutate(self.rt, "UpdateFeeSchedule", request, "",
                      lambda uow, p: _schedule(orders.update_fee_schedule(uow, self.rt.deps, p, fees)),
                      opb.FeeSchedule)
