"""Planning jobs: create, read, list and cancel them (callers), and claim, advance and finish them
(the planning executor). A job's every change is an event on its own topic, so a watcher resumes
exactly. A worker holds a job under a lease that each step renews; a worker that dies gives it up
when the lease runs out, and another takes it. Finishing checks the lease in the transaction that
stores the setup, so a job is finished once, by the worker that holds it."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain import plan_jobs as dp
from ..domain import setups as ds
from ..domain.errors import Collector, FailedPrecondition, NotFound, Violation
from ..domain.identity import Principal, Role
from ..domain.records import RecordKind
from . import access, listing
from . import validate as v
from .audit_trail import record
from .cases import locked_for_change
from .deps import Deps, aware
from .events import publish
from .setups import store_setup

MAX_ATTEMPTS = 3  # a job whose worker died this often is failed, not retried again
LABELLED_SCAN = "model/vnd.vtk-polydata"
SCAN_KINDS = {"upper": RecordKind.UPPER_SCAN, "lower": RecordKind.LOWER_SCAN}
UPPER_QUADRANTS = (1, 2)


class LeaseLost(Exception):
    """The worker no longer holds the job (its lease ran out and another took it, or it ended)."""


def plan_topic(job_id: str) -> str:
    return f"plans/{job_id}"


def _check_policy(c: Collector, spec: dp.Spec) -> None:
    from ..planning.plan import Policy  # the planner owns the policy's rules

    try:
        Policy(overrides=spec.overrides, collision_tolerance=spec.collision_tolerance or 0.1, pattern=spec.pattern,
               start=spec.start, overcorrection=spec.overcorrection).check()
    except ValueError as e:
        c.add("spec.policy", str(e))


def scans_of(s, case_id: str) -> dict[str, tuple[m.CaseRecord, m.Artifact]]:
    """The case's latest upper and lower scan records, with their stored files."""
    out = {}
    for jaw, kind in SCAN_KINDS.items():
        row = s.execute(select(m.CaseRecord, m.Artifact).join(m.Artifact, m.Artifact.sha256 == m.CaseRecord.sha256)
                        .where(m.CaseRecord.case_id == case_id, m.CaseRecord.kind == int(kind))
                        .order_by(m.CaseRecord.created.desc(), m.CaseRecord.id.desc()).limit(1)).first()
        if row is not None:
            out[jaw] = (row[0], row[1])
    return out


def _check_scans(s, case: m.Case, spec: dp.Spec) -> None:
    scans = scans_of(s, case.id)
    problems = [Violation(f"records.{jaw}", f"record {rec.id} ({rec.filename}) is {art.content_type}; planning "
                          "needs a labelled scan: VTK XML PolyData with a per-face 'Label' array")
                for jaw, (rec, art) in scans.items() if art.content_type != LABELLED_SCAN]
    if not scans:
        problems.append(Violation("records", "the case has no upper or lower scan to plan from"))
    for f in spec.targets:
        jaw = "upper" if f // 10 in UPPER_QUADRANTS else "lower"
        if jaw not in scans:
            problems.append(Violation(f"spec.targets[{f}]", f"the case has no {jaw} scan"))
    if problems:
        raise FailedPrecondition("the case's scans cannot be planned", problems, reason="SCANS")


def create_plan(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, spec: dp.Spec) -> m.PlanJob:
    c = Collector()
    v.ident(c, "case_id", case_id)
    dp.check_spec(c, "spec", spec)
    _check_policy(c, spec)
    c.raise_if_any()
    case = locked_for_change(uow, p, case_id, "", "create_plan")
    if case.state != int(dc.CaseState.AWAITING_SETUP):
        state = dc.CaseState(case.state).name
        raise FailedPrecondition(f"case {case_id} is {state}", [Violation(
            "case.state", f"is {state}; a plan is made for a case AWAITING_SETUP")], reason="CASE_STATE")
    s = uow.session
    _check_scans(s, case, spec)
    now = deps.clock()
    job = m.PlanJob(id=uuid.uuid4().hex, case_id=case.id, state=int(dp.PlanState.QUEUED), progress=0, step="queued",
                    attempts=0, spec=spec.as_json(), created_by=p.user_id, created=now, updated=now,
                    cancel_requested=False, error_code=0, error_message="", kind="plan")
    s.add(job)
    uow.flush()
    record(s, deps, p, "create_plan", "plan", job.id, None, {"case_id": case.id})
    _changed(uow, deps, job)
    if deps.planner is not None:
        uow.after_commit(deps.planner.notify)
    return job


def _visible(uow: SqlUnitOfWork, p: Principal, plan_id: str, *, lock: bool = False) -> tuple[m.PlanJob, Any]:
    v.require_id("plan_id", plan_id)
    q = select(m.PlanJob).where(m.PlanJob.id == plan_id)
    job = uow.session.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if job is None:
        raise NotFound(f"plan {plan_id} not found")
    try:
        _, acc = access.visible_case(uow.session, p, job.case_id)
    except NotFound:
        raise NotFound(f"plan {plan_id} not found") from None
    return job, acc


def get_plan(uow: SqlUnitOfWork, p: Principal, plan_id: str) -> m.PlanJob:
    return _visible(uow, p, plan_id)[0]


PLANS = listing.Listing("plans", filters={"state": listing.Term(m.PlanJob.state, dp.PlanState)},
                        orders={"create_time": (m.PlanJob.created,)}, default_order="create_time desc",
                        tiebreak=m.PlanJob.id)


def list_plans(uow: SqlUnitOfWork, p: Principal, case_id: str, page_size: int = 0, page_token: str = "",
               filter_text: str = "", order_by: str = "") -> tuple[list[m.PlanJob], str]:
    c = Collector()
    v.ident(c, "case_id", case_id)
    req = listing.check(c, PLANS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    access.visible_case(uow.session, p, case_id)
    rows, nxt = req.fetch(uow.session, select(m.PlanJob).where(m.PlanJob.case_id == case_id), (p.user_id, case_id))
    return [r[0] for r in rows], nxt


def cancel_plan(uow: SqlUnitOfWork, deps: Deps, p: Principal, plan_id: str) -> m.PlanJob:
    job, acc = _visible(uow, p, plan_id, lock=True)
    access.require_case_action(p, "create_plan", acc)
    state = dp.PlanState(job.state)
    if state in dp.TERMINAL:
        raise FailedPrecondition(f"plan {plan_id} is {state.name}", [Violation(
            "plan.state", f"is {state.name}; only a QUEUED or RUNNING plan can be cancelled")], reason="PLAN_STATE")
    if state == dp.PlanState.QUEUED:
        job.state, job.step, job.lease_until, job.leased_by = int(dp.PlanState.CANCELLED), "cancelled", None, None
    else:
        job.cancel_requested = True
    job.updated = deps.clock()
    uow.flush()
    record(uow.session, deps, p, "cancel_plan", "plan", job.id, None, {"state": job.state})
    _changed(uow, deps, job)
    return job


def _changed(uow: SqlUnitOfWork, deps: Deps, job: m.PlanJob, outputs: list[dict[str, Any]] | None = None) -> None:
    publish(uow, deps, plan_topic(job.id), "plan_changed", job_payload(job, outputs or []))


def job_payload(job: m.PlanJob, outputs: list[dict[str, Any]]) -> dict[str, Any]:
    """A job as an event's payload: what a watcher needs to show it (api/convert reads it back)."""
    return {c: getattr(job, c) for c in ("id", "case_id", "state", "progress", "step", "attempts", "spec",
                                          "created_by", "cancel_requested", "setup_version", "error_code",
                                          "error_message", "kind")} | {
        "created": aware(job.created).isoformat(), "updated": aware(job.updated).isoformat(), "outputs": outputs}


def outputs_of(s, job_id: str) -> list[dict[str, Any]]:
    rows = s.execute(select(m.PlanOutput).where(m.PlanOutput.job_id == job_id).order_by(m.PlanOutput.name)).scalars()
    return [{"name": r.name, "sha256": r.sha256, "size": r.size} for r in rows]


# -- the executor's side -------------------------------------------------------------------------
@dataclass(frozen=True)
class Claimed:
    id: str
    case_id: str
    spec: dp.Spec
    attempt: int


def claim(uow: SqlUnitOfWork, deps: Deps, worker: str, lease_s: float) -> Claimed | None:
    """The oldest job waiting, or one whose worker's lease ran out, now held by `worker`."""
    now = deps.clock()
    s = uow.session
    q = (select(m.PlanJob).where(or_(m.PlanJob.state == int(dp.PlanState.QUEUED),
                                     (m.PlanJob.state == int(dp.PlanState.RUNNING)) & (m.PlanJob.lease_until < now)))
         .order_by(m.PlanJob.created, m.PlanJob.id).limit(1))
    if dialect.is_postgres(s):
        q = q.with_for_update(skip_locked=True)  # several workers split the queue
    job = s.execute(q).scalar_one_or_none()
    if job is None:
        return None
    if job.attempts >= MAX_ATTEMPTS:  # its workers kept dying on it: stop trying
        _end(uow, deps, job, dp.PlanState.FAILED, 13, f"the planner stopped {job.attempts} times while running it")
        uow.commit()
        return None
    job.state, job.leased_by = int(dp.PlanState.RUNNING), worker
    job.lease_until, job.updated = now + timedelta(seconds=lease_s), now
    job.attempts += 1
    job.step = "started" if job.attempts == 1 else f"started again (attempt {job.attempts})"
    _changed(uow, deps, job)
    claimed = Claimed(job.id, job.case_id, dp.Spec.from_json(job.spec), job.attempts)
    uow.commit()
    return claimed


def _held(uow: SqlUnitOfWork, job_id: str, worker: str) -> m.PlanJob:
    job = uow.session.execute(select(m.PlanJob).where(m.PlanJob.id == job_id).with_for_update()).scalar_one()
    if job.state != int(dp.PlanState.RUNNING) or job.leased_by != worker:
        raise LeaseLost(f"plan {job_id} is no longer held by {worker}")
    return job


def advance(uow: SqlUnitOfWork, deps: Deps, job_id: str, worker: str, progress: int, step: str,
            lease_s: float) -> bool:
    """Records a step and renews the lease; True when a cancel was asked for."""
    job = _held(uow, job_id, worker)
    now = deps.clock()
    job.progress, job.step = max(job.progress, min(int(progress), 99)), step[:200]
    job.lease_until, job.updated = now + timedelta(seconds=lease_s), now
    _changed(uow, deps, job)
    uow.commit()
    return job.cancel_requested


def _end(uow: SqlUnitOfWork, deps: Deps, job: m.PlanJob, state: dp.PlanState, code: int = 0,
         message: str = "", outputs: list[dict[str, Any]] | None = None) -> None:
    job.state, job.lease_until, job.leased_by, job.updated = int(state), None, None, deps.clock()
    job.error_code, job.error_message = code, message[:2000]
    job.step = {dp.PlanState.SUCCEEDED: "done", dp.PlanState.CANCELLED: "cancelled"}.get(state, "failed")
    if state == dp.PlanState.SUCCEEDED:
        job.progress = 100
    _changed(uow, deps, job, outputs)


# a job's kind -> the case transition its setup makes
_TRANSITION = {"plan": "setup_ready", "edit": "edit_setup"}


def finish(uow: SqlUnitOfWork, deps: Deps, job_id: str, worker: str, plan: ds.Plan,
           outputs: list[dict[str, Any]], movements: dict[str, Any] | None = None) -> int | None:
    """Stores the result as the case's next setup version, in the transaction that checks the lease.
    Returns the version; None when the case moved on (the job then fails, saying so)."""
    job = _held(uow, job_id, worker)
    s = uow.session
    case = s.execute(select(m.Case).where(m.Case.id == job.case_id).with_for_update()).scalar_one()
    sources, _ = dc.TRANSITIONS[_TRANSITION[job.kind]]
    if dc.CaseState(case.state) not in sources:
        wanted = " or ".join(sorted(x.name for x in sources))
        _end(uow, deps, job, dp.PlanState.FAILED, 9,
             f"the case is {dc.CaseState(case.state).name}, no longer {wanted}: the plan was not stored")
        uow.commit()
        return None
    if not _stored(uow, deps, job, case, plan):
        uow.commit()
        return None
    job.movements = movements
    now = deps.clock()
    for out in outputs:
        if s.get(m.Artifact, out["sha256"]) is None:
            s.add(m.Artifact(sha256=out["sha256"], size=out["size"], content_type=out["content_type"], created=now))
            s.flush()
        s.add(m.PlanOutput(job_id=job.id, name=out["name"], sha256=out["sha256"], size=out["size"]))
    _end(uow, deps, job, dp.PlanState.SUCCEEDED, outputs=[{k: o[k] for k in ("name", "sha256", "size")}
                                                         for o in sorted(outputs, key=lambda o: o["name"])])
    uow.commit()
    return job.setup_version


def _stored(uow: SqlUnitOfWork, deps: Deps, job: m.PlanJob, case: m.Case, plan: ds.Plan) -> bool:
    """The plan checked and stored as the case's next setup version (the job's setup_version); a plan
    that does not check fails the job instead."""
    c = Collector()
    ds.check_plan(c, "plan", plan)
    if c.violations:
        _end(uow, deps, job, dp.PlanState.FAILED, 13, "the planner made a setup that does not check: "
             + "; ".join(f"{x.field}: {x.description}" for x in c.violations[:3]))
        return False
    setup = store_setup(uow, deps, _creator(uow.session, job), case, plan, _TRANSITION[job.kind])
    job.setup_version = setup.version
    return True


def fail(uow: SqlUnitOfWork, deps: Deps, job_id: str, worker: str, code: int, message: str) -> None:
    _end(uow, deps, _held(uow, job_id, worker), dp.PlanState.FAILED, code, message)
    uow.commit()


def cancelled(uow: SqlUnitOfWork, deps: Deps, job_id: str, worker: str) -> None:
    _end(uow, deps, _held(uow, job_id, worker), dp.PlanState.CANCELLED)
    uow.commit()


def release(uow: SqlUnitOfWork, deps: Deps, job_id: str, worker: str) -> None:
    """Gives a held job back to the queue at once (the worker is stopping)."""
    job = _held(uow, job_id, worker)
    job.state, job.lease_until, job.leased_by, job.updated = int(dp.PlanState.QUEUED), None, None, deps.clock()
    job.step = "queued again: its worker stopped"
    _changed(uow, deps, job)
    uow.commit()


def _creator(s, job: m.PlanJob) -> Principal:
    """The job's creator, as whom its setup is recorded (with the planner as the audit source)."""
    user = s.get(m.User, job.created_by)
    return Principal(user.id, user.organization_id, Role(user.role), user.region_id, source="planner")


# -- edits -----------------------------------------------------------------------------------------
@dataclass
class Edited:
    job: m.PlanJob
    setup: m.TreatmentSetup | None  # when re-staged in the call
    restaged: bool


def edit_target(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str,
                edits: dict[int, dict[str, float]]) -> Edited:
    """New targets for some teeth of the latest planned setup. The other teeth keep what the last
    successful job gave them (proposed ones included). Warm case: re-staged within the call and
    stored as the next setup version; otherwise queued as a job."""
    c = Collector()
    v.ident(c, "case_id", case_id)
    if not edits:
        c.add("targets", "give at least one tooth's new target")
    dp.check_spec(c, "", dp.Spec(targets=edits))
    c.raise_if_any()
    case = locked_for_change(uow, p, case_id, "", "create_plan")
    sources, _ = dc.TRANSITIONS["edit_setup"]
    if dc.CaseState(case.state) not in sources:
        state = dc.CaseState(case.state).name
        raise FailedPrecondition(f"case {case_id} is {state}", [Violation(
            "case.state", f"is {state}; only a proposed setup (SETUP_READY, READY_FOR_APPROVAL) is edited")],
            reason="CASE_STATE")
    s = uow.session
    base = s.execute(select(m.PlanJob).where(m.PlanJob.case_id == case.id, m.PlanJob.state == int(
        dp.PlanState.SUCCEEDED), m.PlanJob.movements.is_not(None)).order_by(m.PlanJob.updated.desc()).limit(1)
        ).scalar_one_or_none()
    if base is None:
        raise FailedPrecondition("the case's setup was not made by a planning job", [Violation(
            "case_id", "plan the case with CreatePlan first")], reason="NO_PLAN")
    planned = {int(f): mv for moves in base.movements.values() for f, mv in moves.items()}
    missing = sorted(set(edits) - set(planned))
    if missing:
        raise FailedPrecondition("teeth not in the scans", [Violation(f"targets[{f}]", "is not in the case's scans")
                                                            for f in missing], reason="SCANS")
    targets = {**planned, **{f: {k: x for k, x in mv.items() if x} for f, mv in edits.items()}}
    spec = dataclasses.replace(dp.Spec.from_json(base.spec), targets=targets, given_only=True,
                               do_not_move=tuple(f for f in dp.Spec.from_json(base.spec).do_not_move
                                                 if f not in edits))
    now = deps.clock()
    job = m.PlanJob(id=uuid.uuid4().hex, case_id=case.id, state=int(dp.PlanState.QUEUED), progress=0, step="queued",
                    attempts=0, spec=spec.as_json(), created_by=p.user_id, created=now, updated=now,
                    cancel_requested=False, error_code=0, error_message="", kind="edit")
    s.add(job)
    uow.flush()
    record(s, deps, p, "edit_target", "plan", job.id, {"base": base.id},
           {"case_id": case.id, "targets": {str(f): mv for f, mv in edits.items()}})
    scans = [(jaw, rec.filename, rec.sha256) for jaw, (rec, _) in scans_of(s, case.id).items()]
    result = deps.planner.restage(case.id, scans, spec) if deps.planner is not None else None
    if result is None:  # cold here: a worker plans it
        _changed(uow, deps, job)
        uow.after_commit(deps.planner.notify if deps.planner is not None else (lambda: None))
        return Edited(job, None, False)
    if not _stored(uow, deps, job, case, result.plan):
        return Edited(job, None, False)
    job.movements = result.movements
    job.attempts = 1
    _end(uow, deps, job, dp.PlanState.SUCCEEDED)
    job.step = "re-staged within the call"
    return Edited(job, s.get(m.TreatmentSetup, (case.id, job.setup_version)), True)
