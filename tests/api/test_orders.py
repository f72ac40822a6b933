"""Orders and the fee schedule: prices in minor units, the TPS half-fee rule and case sharing,
state rules, collaborator permissions, billing to the treating provider, bad input."""

from __future__ import annotations

import grpc
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import orders_pb2 as opb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.helpers import details, invite_and_register, plan, rpc_error
from tests.api.test_messages import shared_case

IA, NF, PD, FP = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                  grpc.StatusCode.FAILED_PRECONDITION)


def fees(**by_kind: int) -> opb.UpdateFeeScheduleRequest:
    return opb.UpdateFeeScheduleRequest(schedule=opb.FeeSchedule(fees=[
        opb.Fee(kind=getattr(opb, k), price=opb.Money(amount_minor=v, currency="EUR")) for k, v in by_kind.items()]))


def order(stubs, case_id: str, kind: int, **kw) -> opb.Order:
    return stubs.orders.PlaceOrder(opb.PlaceOrderRequest(case_id=case_id, kind=kind, **kw))


def test_fee_schedule_is_the_super_admins(api):
    org, prov, tps, case = shared_case(api)
    assert list(prov.orders.GetFeeSchedule(opb.GetFeeScheduleRequest()).fees) == []
    rpc_error(lambda: org.as_["regional"].orders.UpdateFeeSchedule(fees(ALIGNERS=1)), PD)
    bad = opb.UpdateFeeScheduleRequest(schedule=opb.FeeSchedule(fees=[
        opb.Fee(kind=9, price=opb.Money(amount_minor=-1, currency="eur")),
        opb.Fee(kind=opb.ALIGNERS, price=opb.Money(amount_minor=1, currency="EUR")),
        opb.Fee(kind=opb.ALIGNERS, price=opb.Money(amount_minor=1, currency="USD"))]))
    v = details(rpc_error(lambda: org.admin.orders.UpdateFeeSchedule(bad), IA))["violations"]
    assert set(v) == {"schedule.fees[0].kind", "schedule.fees[0].price.amount_minor",
                      "schedule.fees[0].price.currency", "schedule.fees[2].kind", "schedule.fees"}
    out = org.admin.orders.UpdateFeeSchedule(fees(ALIGNERS=150000, TPS_OPTIMIZATION=20001))
    assert [(f.kind, f.price.amount_minor, f.price.currency) for f in out.fees] == [
        (opb.ALIGNERS, 150000, "EUR"), (opb.TPS_OPTIMIZATION, 20001, "EUR")]
    assert prov.orders.GetFeeSchedule(opb.GetFeeScheduleRequest()) == out


def test_orders_through_a_case(api):
    org, prov, tps, case = shared_case(api, kpb.ADD_ORDERS, kpb.VIEW_CASE_DETAILS)
    org.admin.orders.UpdateFeeSchedule(fees(ALIGNERS=150000, TPS_OPTIMIZATION=20001, REPLACEMENT_ALIGNERS=4500))
    # a second planning service, not yet shared: ordering its optimization shares the case with it
    other, other_stubs = invite_and_register(api, prov, "opt@plan.test")
    rpc_error(lambda: other_stubs.cases.GetCase(cpb.GetCaseRequest(id=case.id)), NF)
    first = order(prov, case.id, opb.TPS_OPTIMIZATION, tps_collaborator_id=other.id, request_id="tps-1")
    assert (first.optimization_number, first.price.amount_minor, first.price.currency) == (1, 20001, "EUR")
    assert order(prov, case.id, opb.TPS_OPTIMIZATION, tps_collaborator_id=other.id, request_id="tps-1") == first
    assert other_stubs.cases.GetCase(cpb.GetCaseRequest(id=case.id)).id == case.id
    second = order(tps, case.id, opb.TPS_OPTIMIZATION, tps_collaborator_id=other.id)  # a collaborator with ADD_ORDERS
    assert (second.optimization_number, second.price.amount_minor) == (2, 10001)  # half, rounded up
    assert second.billed_to == org.users["provider_a"].id and second.placed_by != second.billed_to
    # aligners wait for an approved setup; then the case goes into production
    err = rpc_error(lambda: order(prov, case.id, opb.ALIGNERS), FP)
    assert details(err)["reason"] == "CASE_STATE" and "APPROVED" in details(err)["violations"]["case.state"]
    setup = org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan(12)))
    prov.setups.ApproveSetup(spb.ApproveSetupRequest(case_id=case.id, version=1, content_sha256=setup.content_sha256))
    err = rpc_error(lambda: order(prov, case.id, opb.TPS_OPTIMIZATION, tps_collaborator_id=other.id), FP)
    assert details(err)["reason"] == "CASE_STATE"  # approved: optimization is over
    aligners = order(prov, case.id, opb.ALIGNERS)
    assert aligners.price.amount_minor == 150000
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.IN_PRODUCTION
    # replacements need the permission; they are billed to the treating provider
    err = rpc_error(lambda: order(tps, case.id, opb.REPLACEMENT_ALIGNERS, stages=[3]), PD)
    assert "ORDER_REPLACEMENT_ALIGNERS" in err.details()
    collab = prov.collab.ListCollaborators(kpb.ListCollaboratorsRequest(filter="state = ACTIVE",
                                                                        order_by="email desc")).collaborators[0]
    assert collab.email == "tess@lab.test"
    prov.collab.UpdateCollaborator(kpb.UpdateCollaboratorRequest(id=collab.id, etag=collab.etag, permissions=[
        kpb.ADD_ORDERS, kpb.VIEW_CASE_DETAILS, kpb.ORDER_REPLACEMENT_ALIGNERS]))
    repl = order(tps, case.id, opb.REPLACEMENT_ALIGNERS, stages=[4, 3])
    assert (list(repl.stages), repl.price.amount_minor, repl.billed_to) == ([3, 4], 9000, org.users["provider_a"].id)
    err = rpc_error(lambda: order(prov, case.id, opb.REPLACEMENT_ALIGNERS, stages=[12, 13]), FP)
    assert details(err)["reason"] == "NO_SUCH_STAGE"
    # retainers: no fee yet, then from the last stage; from new scans they need scans
    err = rpc_error(lambda: order(prov, case.id, opb.RETAINERS, retainer_source=opb.LAST_STAGE, quantity=2), FP)
    assert details(err)["reason"] == "NO_FEE"
    org.admin.orders.UpdateFeeSchedule(fees(ALIGNERS=150000, TPS_OPTIMIZATION=20001, REPLACEMENT_ALIGNERS=4500,
                                            RETAINERS=9900))
    ret = order(prov, case.id, opb.RETAINERS, retainer_source=opb.LAST_STAGE, quantity=2)
    assert (ret.quantity, ret.price.amount_minor) == (2, 19800)
    err = rpc_error(lambda: order(prov, case.id, opb.RETAINERS, retainer_source=opb.NEW_SCANS, quantity=1), FP)
    assert details(err)["reason"] == "NO_SCANS"
    # the case's orders, newest first, filterable; invisible to other practices
    listed = prov.orders.ListOrders(opb.ListOrdersRequest(case_id=case.id)).orders
    assert [o.kind for o in listed] == [opb.RETAINERS, opb.REPLACEMENT_ALIGNERS, opb.ALIGNERS,
                                        opb.TPS_OPTIMIZATION, opb.TPS_OPTIMIZATION]
    tps_only = prov.orders.ListOrders(opb.ListOrdersRequest(case_id=case.id, filter="kind = TPS_OPTIMIZATION"))
    assert [o.optimization_number for o in tps_only.orders] == [2, 1]
    assert prov.orders.GetOrder(opb.GetOrderRequest(id=ret.id)) == ret
    rpc_error(lambda: org.as_["provider_b"].orders.GetOrder(opb.GetOrderRequest(id=ret.id)), NF)
    rpc_error(lambda: org.as_["reception_a"].orders.ListOrders(opb.ListOrdersRequest(case_id=case.id)), NF)
    rpc_error(lambda: order(org.as_["regional"], case.id, opb.RETAINERS, retainer_source=opb.LAST_STAGE,
                            quantity=1), PD)


def test_bad_orders_name_every_field(api):
    org, prov, tps, case = shared_case(api)
    v = details(rpc_error(lambda: order(prov, "nope", 0), IA))["violations"]
    assert set(v) == {"case_id", "kind"}
    v = details(rpc_error(lambda: order(prov, case.id, opb.RETAINERS, quantity=11, stages=[1],
                                        tps_collaborator_id="x"), IA))["violations"]
    assert set(v) == {"retainer_source", "quantity", "stages", "tps_collaborator_id"}
    v = details(rpc_error(lambda: order(prov, case.id, opb.REPLACEMENT_ALIGNERS, stages=[2, 2]), IA))["violations"]
    assert "twice" in v["stages"]
    rpc_error(lambda: order(prov, case.id, opb.TPS_OPTIMIZATION, tps_collaborator_id="0" * 32), NF)
