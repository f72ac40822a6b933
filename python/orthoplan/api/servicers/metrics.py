"""MetricsService servicer."""

from __future__ import annotations

from ...services import metrics
from ...v1 import metrics_pb2 as xpb
from ...v1 import metrics_pb2_grpc as xpb_grpc
from ...v1 import orders_pb2 as opb
from ..context import Runtime, read


class MetricsServicer(xpb_grpc.MetricsServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def GetPracticeMetrics(self, request, context):
        def body(uow, p):
            rows = metrics.practice_metrics(uow, p, request.from_date, request.to_date, request.group_by)
            return xpb.PracticeMetrics(rows=[xpb.MetricsRow(
                group_id=k, group_name=name, approved_cases=r.approved, turnaround_median_days=r.median_days,
                turnaround_p90_days=r.p90_days, revisions_per_case=r.revisions_per_case, waiting_for_setup=r.waiting,
                case_acceptance=r.acceptance, refinements_per_case=r.refinements_per_case,
                cases_per_month=[xpb.MonthCount(month=mo, cases=n) for mo, n in sorted(r.per_month.items())],
                packs_made=r.packs_made, packs_sent=r.packs_sent, pack_acceptance=r.pack_acceptance,
                opportunity_value_recovered=opb.Money(amount_minor=r.recovered_minor, currency=r.currency))
                for k, name, r in rows])
        return read(self.rt, body)
