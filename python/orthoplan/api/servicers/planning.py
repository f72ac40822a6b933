"""PlanningService: planning jobs for a case's setup, and a resumable stream of each job's changes."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import grpc

from ...domain import plan_jobs as dp
from ...domain.errors import InvalidArgument, NotFound, ResourceExhausted, Unavailable, Violation
from ...services import auth, events, plan_jobs
from ...v1 import planning_pb2 as ppb
from ...v1 import planning_pb2_grpc as ppb_grpc
from .. import convert
from ..context import Runtime, bearer_token, mutate, principal, read

_PATTERNS = {ppb.STAGING_PATTERN_UNSPECIFIED: "simultaneous", ppb.STAGING_SIMULTANEOUS: "simultaneous",
             ppb.STAGING_SEQUENTIAL_DISTALIZATION: "sequential_distalization"}
_PATTERN_OUT = {"simultaneous": ppb.STAGING_SIMULTANEOUS,
                "sequential_distalization": ppb.STAGING_SEQUENTIAL_DISTALIZATION}


def targets_in(targets, field: str) -> dict[int, dict[str, float]]:
    out = {}
    for t in targets:
        if t.fdi in out:
            raise InvalidArgument("a tooth is targeted twice", [Violation(f"{field}[{t.fdi}]", "given twice")])
        out[t.fdi] = {k: getattr(t, k) for k in dp.MOVEMENTS if getattr(t, k)}
    return out


def spec_in(spec: ppb.PlanSpec) -> dp.Spec:
    overrides: dict[str, dict[str, float]] = {}
    for o in spec.policy.overrides:
        overrides.setdefault(o.tooth_type, {})[o.component] = o.value
    targets = targets_in(spec.targets, "spec.targets")
    return dp.Spec(targets=targets, overrides=overrides, collision_tolerance=spec.policy.collision_tolerance or 0.1,
                   pattern=_PATTERNS.get(spec.policy.pattern, f"unknown ({spec.policy.pattern})"),
                   start=dict(spec.policy.start), overcorrection=spec.policy.overcorrection,
                   do_not_move=tuple(spec.do_not_move), ipr_allowed=spec.ipr_allowed,
                   attachments_allowed=spec.attachments_allowed)


def spec_out(raw: dict[str, Any]) -> ppb.PlanSpec:
    spec = dp.Spec.from_json(raw)
    return ppb.PlanSpec(
        targets=[ppb.ToothTarget(fdi=f, **moves) for f, moves in sorted(spec.targets.items())],
        policy=ppb.StagingPolicy(
            overrides=[ppb.LimitOverride(tooth_type=t, component=k, value=val)
                       for t, comps in sorted(spec.overrides.items()) for k, val in sorted(comps.items())],
            collision_tolerance=spec.collision_tolerance, pattern=_PATTERN_OUT.get(spec.pattern, 0),
            start=spec.start, overcorrection=spec.overcorrection),
        do_not_move=list(spec.do_not_move), ipr_allowed=spec.ipr_allowed, attachments_allowed=spec.attachments_allowed)


def job_out(payload: dict[str, Any]) -> ppb.PlanJob:
    """A job from its payload (services.plan_jobs.job_payload): rows and events read the same."""
    return ppb.PlanJob(
        id=payload["id"], case_id=payload["case_id"], state=payload["state"], progress=payload["progress"],
        step=payload["step"], attempts=payload["attempts"], spec=spec_out(payload["spec"]),
        setup_version=payload["setup_version"] or 0,
        error=ppb.PlanError(code=payload["error_code"], message=payload["error_message"]),
        outputs=[ppb.PlanOutput(**o) for o in payload["outputs"]], created_by=payload["created_by"],
        create_time=convert.ts(datetime.fromisoformat(payload["created"])),
        update_time=convert.ts(datetime.fromisoformat(payload["updated"])),
        cancel_requested=payload["cancel_requested"], kind=payload["kind"])


def _row_out(uow, row) -> ppb.PlanJob:
    return job_out(plan_jobs.job_payload(row, plan_jobs.outputs_of(uow.session, row.id)))


class PlanningServicer(ppb_grpc.PlanningServiceServicer):
    """WatchPlan streams share the event streams' slots (`streams`, the EventServicer): each holds
    a server thread while it waits."""

    def __init__(self, rt: Runtime, hub, streams):
        self.rt, self.hub, self.streams = rt, hub, streams

    def CreatePlan(self, request, context):
        def body(uow, p):
            return _row_out(uow, plan_jobs.create_plan(uow, self.rt.deps, p, request.case_id, spec_in(request.spec)))
        return mutate(self.rt, "CreatePlan", request, request.request_id, body, ppb.PlanJob)

    def GetPlan(self, request, context):
        return read(self.rt, lambda uow, p: _row_out(uow, plan_jobs.get_plan(uow, p, request.plan_id)))

    def ListPlans(self, request, context):
        def body(uow, p):
            rows, nxt = plan_jobs.list_plans(uow, p, request.case_id, request.page_size, request.page_token,
                                             request.filter, request.order_by)
            return ppb.ListPlansResponse(plans=[_row_out(uow, r) for r in rows], next_page_token=nxt)
        return read(self.rt, body)

    def CancelPlan(self, request, context):
        def body(uow, p):
            return _row_out(uow, plan_jobs.cancel_plan(uow, self.rt.deps, p, request.plan_id))
        return mutate(self.rt, "CancelPlan", request, "", body, ppb.PlanJob)

    def EditTarget(self, request, context):
        def body(uow, p):
            t0 = time.perf_counter()
            out = plan_jobs.edit_target(uow, self.rt.deps, p, request.case_id,
                                        targets_in(request.targets, "targets"))
            resp = ppb.EditTargetResponse(plan=_row_out(uow, out.job), restaged_in_call=out.restaged)
            if out.setup is not None:
                resp.setup.CopyFrom(convert.setup(out.setup, []))
            resp.server_ms = (time.perf_counter() - t0) * 1e3
            return resp
        return mutate(self.rt, "EditTarget", request, request.request_id, body, ppb.EditTargetResponse)

    def WatchPlan(self, request, context):
        p = principal()
        if request.after_seq < 0:
            raise InvalidArgument("after_seq: invalid", [Violation("after_seq", "must be >= 0")])
        with self.rt.uow() as uow:
            job = plan_jobs.get_plan(uow, p, request.plan_id)
            plan_id, topic = job.id, plan_jobs.plan_topic(job.id)
            if job.state in dp.TERMINAL and request.after_seq >= events.last_seq(uow.session, topic):
                return  # finished, and nothing after what the watcher has seen
        token = bearer_token(context.invocation_metadata())
        if not self.streams.slots.acquire(blocking=False):
            raise ResourceExhausted(f"this server holds its maximum of {self.streams.max_streams} streams; "
                                    "retry later or on another server")
        try:
            sub = self.hub.subscribe(topic, request.after_seq)
        except RuntimeError:
            self.streams.slots.release()
            raise Unavailable("the server is shutting down; resume on another") from None
        context.add_callback(sub.close)
        try:
            while True:
                rows = sub.take(self.streams.heartbeat_s, self.hub.fetch)
                if rows is None:
                    if self.hub.closed:
                        context.abort(grpc.StatusCode.UNAVAILABLE,
                                      f"the server is shutting down; resume with after_seq={sub.next - 1}")
                    return
                if not rows:  # a quiet spell: the caller may still see the job
                    with self.rt.uow() as uow:
                        try:
                            plan_jobs.get_plan(uow, auth.authenticate(uow, self.rt.deps, token), plan_id)
                        except NotFound:
                            raise NotFound(f"plan {plan_id} not found") from None
                    continue
                for row in rows:
                    yield ppb.PlanEvent(seq=row.seq, time=convert.ts(row.created), plan=job_out(row.payload))
                    if row.payload["state"] in dp.TERMINAL:
                        return
        finally:
            self.hub.unsubscribe(sub)
            self.streams.slots.release()
