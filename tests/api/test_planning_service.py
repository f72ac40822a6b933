"""PlanningService end to end on a real server and the in-process executor: a case's labelled scans
planned into its next setup version, progress watched and resumed, idempotent creation, cancel,
a worker's lease taken over (the job finished once), bad scans and bad specs refused precisely."""

from __future__ import annotations

import time

import grpc
import pytest
from orthoplan.farm.executor import InProcessExecutor
from orthoplan.services import plan_jobs
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import planning_pb2 as ppb
from orthoplan.v1 import records_pb2 as rpb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.helpers import build_org, details, new_case, new_patient, rpc_error, upload
from tests.files import procedural_vtp, small_stl

pytest.importorskip("vtk")
IA, NF, PD, FP = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED,
                  grpc.StatusCode.FAILED_PRECONDITION)
SPEC = ppb.PlanSpec(targets=[ppb.ToothTarget(fdi=11, rotation=4.0), ppb.ToothTarget(fdi=21, mesial=0.3)],
                    ipr_allowed=True)


@pytest.fixture
def executor(api):
    ex = InProcessExecutor(api.runtime.uow, api.runtime.deps, workers=1, lease_s=30, poll_s=0.2)
    api.runtime.deps.planner = ex
    yield ex
    ex.stop()
    api.runtime.deps.planner = None


def awaiting_setup(org, chart: str = "CH-1"):
    prov = org.as_["provider_a"]
    case = new_case(prov, new_patient(prov, org.loc_a.id, org.users["provider_a"].id, chart).id)
    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    return org.admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))


def scanned_case(org, upper: bytes | None = None, lower: bytes | None = None, chart: str = "CH-1"):
    case = awaiting_setup(org, chart)
    prov = org.as_["provider_a"]
    upload(prov, case.id, upper if upper is not None else procedural_vtp("upper"), kind=rpb.UPPER_SCAN,
           filename="upper.vtp")
    upload(prov, case.id, lower if lower is not None else procedural_vtp("lower"), kind=rpb.LOWER_SCAN,
           filename="lower.vtp")
    return prov, case


def watch(stubs, plan_id: str, after: int = 0) -> list[ppb.PlanEvent]:
    return list(stubs.planning.WatchPlan(ppb.WatchPlanRequest(plan_id=plan_id, after_seq=after), timeout=120))


def test_a_case_is_planned_into_its_next_setup_and_the_progress_can_be_resumed(api, executor):
    org = build_org(api)
    prov, case = scanned_case(org)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC, request_id="plan-1"))
    assert job.state == ppb.PLAN_QUEUED and job.spec == ppb.PlanSpec(
        targets=SPEC.targets, ipr_allowed=True,
        policy=ppb.StagingPolicy(collision_tolerance=0.1, pattern=ppb.STAGING_SIMULTANEOUS))
    assert prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC, request_id="plan-1")).id == job.id
    executor.start()
    seen = watch(prov, job.id)
    assert [e.seq for e in seen] == list(range(1, len(seen) + 1))  # every change, in order, no gaps
    states = [e.plan.state for e in seen]
    assert states[0] == ppb.PLAN_QUEUED and states[-1] == ppb.PLAN_SUCCEEDED and ppb.PLAN_RUNNING in states
    progress = [e.plan.progress for e in seen]
    assert progress == sorted(progress) and progress[-1] == 100
    assert {"reading the scans", "proposing a setup for the lower arch", "writing the outputs"} <= {
        e.plan.step for e in seen}
    done = seen[-1].plan
    assert done == prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id))
    assert done.setup_version == 1 and done.attempts == 1
    names = {o.name for o in done.outputs}
    assert {"plan.json", "movement_table.csv", "ipr_chart.csv", "charts/ipr_chart.svg",
            "models/stage_00_upper.stl"} <= names
    for o in done.outputs:  # every output is in the artifact store, as named
        assert api.runtime.deps.artifacts.exists(o.sha256) and o.size > 0
    setup = prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=1))
    assert setup.state == spb.SETUP_PROPOSED and setup.created_by == org.users["provider_a"].id
    moved = {t.fdi: t for t in setup.plan.teeth}
    assert {11, 21} <= set(moved) and any(f // 10 in (3, 4) for f in moved)  # the lower arch was proposed
    assert all(1 <= t.first_stage <= t.last_stage <= setup.plan.stage_count for t in moved.values())
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.SETUP_READY
    # resuming: exactly what came after; after the end, nothing (and no wait)
    assert [e.seq for e in watch(prov, job.id, after=3)] == [e.seq for e in seen[3:]]
    t0 = time.monotonic()
    assert watch(prov, job.id, after=seen[-1].seq) == [] and time.monotonic() - t0 < 5
    listed = prov.planning.ListPlans(ppb.ListPlansRequest(case_id=case.id, filter="state = SUCCEEDED"))
    assert [p.id for p in listed.plans] == [job.id]


def test_refusals_name_the_problem(api):
    org = build_org(api)
    prov = org.as_["provider_a"]
    draft = new_case(prov, new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-9").id)
    err = rpc_error(lambda: prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=draft.id, spec=SPEC)), FP)
    assert details(err)["reason"] == "CASE_STATE"
    # an unlabelled STL scan cannot be planned: the record is named
    case = awaiting_setup(org, "CH-2")
    upload(prov, case.id, small_stl(), kind=rpb.UPPER_SCAN, filename="raw.stl")
    err = rpc_error(lambda: prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC)), FP)
    d = details(err)
    assert d["reason"] == "SCANS" and "raw.stl" in str(d["violations"]) and "model/stl" in str(d["violations"])
    # every bad field of the spec at once
    _, good = scanned_case(org, chart="CH-3")
    bad = ppb.PlanSpec(targets=[ppb.ToothTarget(fdi=18, rotation=2), ppb.ToothTarget(fdi=13, rotation=99),
                                ppb.ToothTarget(fdi=14, mesial=0.2)],
                       do_not_move=[14], policy=ppb.StagingPolicy(
                           overcorrection=9, overrides=[ppb.LimitOverride(tooth_type="canine", component="spin",
                                                                          value=1)]))
    err = rpc_error(lambda: prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=good.id, spec=bad)), IA)
    fields = set(details(err)["violations"])
    assert {"spec.targets[18].fdi", "spec.targets[13].rotation", "spec.targets[14]", "spec.policy"} <= fields
    # who may: not a treatment coordinator; another practice sees nothing
    err = rpc_error(lambda: org.as_["tc_a"].planning.CreatePlan(ppb.CreatePlanRequest(case_id=good.id, spec=SPEC)),
                    PD)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=good.id, spec=SPEC))
    rpc_error(lambda: org.as_["provider_b"].planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id)), NF)
    rpc_error(lambda: prov.planning.GetPlan(ppb.GetPlanRequest(plan_id="0" * 32)), NF)


def test_cancel_a_queued_plan_at_once_and_a_running_one_at_its_next_step(api):
    org = build_org(api)
    prov, case = scanned_case(org)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    assert prov.planning.CancelPlan(ppb.CancelPlanRequest(plan_id=job.id)).state == ppb.PLAN_CANCELLED
    err = rpc_error(lambda: prov.planning.CancelPlan(ppb.CancelPlanRequest(plan_id=job.id)), FP)
    assert details(err)["reason"] == "PLAN_STATE"
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    deps = api.runtime.deps
    with api.runtime.uow(write=True) as uow:
        assert plan_jobs.claim(uow, deps, "w1", 30).id == job.id
    asked = prov.planning.CancelPlan(ppb.CancelPlanRequest(plan_id=job.id))
    assert asked.state == ppb.PLAN_RUNNING and asked.cancel_requested
    ex = InProcessExecutor(api.runtime.uow, deps)
    with api.runtime.uow(write=True) as uow:  # the worker's next step sees it
        assert plan_jobs.advance(uow, deps, job.id, "w1", 10, "staging", 30) is True
    ex._stopped(job.id, "w1", "cancelled")
    assert prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id)).state == ppb.PLAN_CANCELLED
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.AWAITING_SETUP  # nothing stored


def test_a_dead_workers_job_is_taken_over_and_finished_once(api):
    org = build_org(api)
    prov, case = scanned_case(org)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    deps = api.runtime.deps
    with api.runtime.uow(write=True) as uow:  # worker A takes it, then goes silent
        assert plan_jobs.claim(uow, deps, "A", 0.3).attempt == 1
    ex = InProcessExecutor(api.runtime.uow, deps, lease_s=30)
    assert ex.run_one("B") is False  # A's lease still holds
    time.sleep(0.5)
    assert ex.run_one("B") is True  # taken over, run to the end by B
    done = prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id))
    assert done.state == ppb.PLAN_SUCCEEDED and done.attempts == 2 and done.setup_version == 1
    with api.runtime.uow(write=True) as uow, pytest.raises(plan_jobs.LeaseLost):  # A wakes up: refused
        plan_jobs.finish(uow, deps, job.id, "A", None, [])
    assert [s.version for s in prov.setups.ListSetups(spb.ListSetupsRequest(case_id=case.id)).setups] == [1]


def test_a_scan_without_labels_fails_the_job_naming_the_file(api, executor):
    org = build_org(api)
    prov, case = scanned_case(org, upper=procedural_vtp("upper", label="Segment"))
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    executor.start()
    last = watch(prov, job.id)[-1].plan
    assert last.state == ppb.PLAN_FAILED and last.error.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    assert "upper.vtp" in last.error.message and "Label" in last.error.message
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.AWAITING_SETUP


def test_edit_target_restages_a_warm_case_within_the_call_and_a_cold_one_as_a_job(api, executor):
    org = build_org(api)
    prov, case = scanned_case(org)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    executor.start()
    assert watch(prov, job.id)[-1].plan.state == ppb.PLAN_SUCCEEDED
    v1 = {t.fdi: t for t in prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=1)).plan.teeth}
    edit = ppb.EditTargetRequest(case_id=case.id, request_id="edit-1",
                                 targets=[ppb.ToothTarget(fdi=11, rotation=6.0), ppb.ToothTarget(fdi=13, buccal=0.3)])
    out = prov.planning.EditTarget(edit)
    assert out.restaged_in_call and out.plan.kind == "edit" and out.plan.state == ppb.PLAN_SUCCEEDED
    assert out.setup.version == 2 and out.setup.state == spb.SETUP_PROPOSED and 0 < out.server_ms
    v2 = {t.fdi: t for t in out.setup.plan.teeth}
    assert v2[11].target_transform != v1[11].target_transform and 13 in v2
    assert v2[21].target_transform == v1[21].target_transform  # untouched teeth keep their targets
    assert {f for f in v1 if f // 10 in (3, 4)} == {f for f in v2 if f // 10 in (3, 4)}  # the proposal is kept
    assert prov.planning.EditTarget(edit) == out  # a retry replays
    assert prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=1)).state == spb.SETUP_SUPERSEDED
    assert prov.cases.GetCase(cpb.GetCaseRequest(id=case.id)).state == cpb.SETUP_READY
    with api.runtime.uow() as uow:
        from orthoplan.adapters.db import models as m
        from sqlalchemy import select
        audited = uow.session.execute(select(m.AuditEntry.action).where(m.AuditEntry.resource_id == out.plan.id))
        assert "edit_target" in set(audited.scalars())
    # cold (a server without the case's structures): queued, planned by a worker, then warm again
    executor.warm.drop(case.id)
    cold = prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case.id,
                                                          targets=[ppb.ToothTarget(fdi=22, mesial=0.2)]))
    assert not cold.restaged_in_call and cold.plan.state == ppb.PLAN_QUEUED and not cold.HasField("setup")
    done = watch(prov, cold.plan.id)[-1].plan
    assert done.state == ppb.PLAN_SUCCEEDED and done.setup_version == 3
    again = prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case.id,
                                                           targets=[ppb.ToothTarget(fdi=22, mesial=0.0)]))
    assert again.restaged_in_call and again.setup.version == 4
    assert 22 not in {t.fdi for t in again.setup.plan.teeth}  # all zeros: the tooth stays


def test_edit_target_refusals(api):
    org = build_org(api)
    prov, case = scanned_case(org)
    one = [ppb.ToothTarget(fdi=11, rotation=3)]
    err = rpc_error(lambda: prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case.id, targets=one)), FP)
    assert details(err)["reason"] == "CASE_STATE"  # nothing proposed yet
    err = rpc_error(lambda: prov.planning.EditTarget(ppb.EditTargetRequest(
        case_id=case.id, targets=[ppb.ToothTarget(fdi=18, rotation=3), ppb.ToothTarget(fdi=11, tip=60)])), IA)
    assert {"targets[18].fdi", "targets[11].tip"} <= set(details(err)["violations"])
    rpc_error(lambda: prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case.id)), IA)
    from tests.api.helpers import plan as manual_plan  # a setup made by hand, not by a planning job
    setup = org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=manual_plan()))
    assert setup.version == 1
    err = rpc_error(lambda: prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case.id, targets=one)), FP)
    assert details(err)["reason"] == "NO_PLAN"
    rpc_error(lambda: org.as_["tc_a"].planning.EditTarget(ppb.EditTargetRequest(case_id=case.id, targets=one)), PD)


def test_a_planner_process_killed_mid_job_loses_nothing_and_finishes_once(api, tmp_path):
    """`orthoplan admin planner` SIGKILLed while it plans (full-size crowns, so the job takes a few
    seconds): its job waits out the lease, another planner takes it and stores one setup."""
    import os
    import signal
    import subprocess
    import sys

    org = build_org(api)
    prov, case = scanned_case(org, upper=procedural_vtp("upper", points=90), lower=procedural_vtp("lower", points=90))
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    with api.runtime.uow() as uow:
        url = uow.session.get_bind().url.render_as_string(hide_password=False)
    env = {**os.environ, "ORTHOPLAN_DATABASE_URL": url, "ORTHOPLAN_DATA_DIR": str(tmp_path / "w"),
           "ORTHOPLAN_ARTIFACT_DIR": str(api.runtime.deps.artifacts.root), "ORTHOPLAN_PLAN_LEASE_S": "10"}
    cmd = [sys.executable, "-m", "orthoplan.client.cli", "admin", "planner"]
    log = tmp_path / "planner.log"
    with log.open("w") as err:  # the child holds its own copy of the descriptor
        first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while True:  # polled: another process's commits reach a watcher only at its next heartbeat
            now = prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id))
            if now.state == ppb.PLAN_RUNNING and now.progress >= 10:
                os.kill(first.pid, signal.SIGKILL)  # mid-job: scans read, planning under way
                break
            assert now.state in (ppb.PLAN_QUEUED, ppb.PLAN_RUNNING) and first.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the planner never got under way"
            time.sleep(0.05)
        first.wait(30)
        assert first.returncode == -signal.SIGKILL
        held = prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id))
        assert held.state == ppb.PLAN_RUNNING and held.attempts == 1  # still leased to the dead one
        again = subprocess.run([*cmd, "--once"], env=env, capture_output=True, text=True, timeout=180)
        assert again.returncode == 0 and "planned 0 job(s)" in again.stdout, again.stdout + again.stderr
        with api.runtime.uow() as uow:  # the dead planner's lease runs out
            from orthoplan.adapters.db import models as m
            from orthoplan.services.deps import aware

            until = aware(uow.session.get(m.PlanJob, job.id).lease_until)
        time.sleep(max(0.0, (until - api.runtime.deps.clock()).total_seconds()) + 0.3)
        again = subprocess.run([*cmd, "--once"], env=env, capture_output=True, text=True, timeout=180)
        assert again.returncode == 0 and "planned 1 job(s)" in again.stdout, again.stdout + again.stderr
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    done = prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id))
    assert done.state == ppb.PLAN_SUCCEEDED and done.attempts == 2 and done.setup_version == 1
    assert [s.version for s in prov.setups.ListSetups(spb.ListSetupsRequest(case_id=case.id)).setups] == [1]
    steps = [e.plan.step for e in watch(prov, job.id)]
    assert "started again (attempt 2)" in steps


def test_jobs_running_together_share_clearance_launches(api):
    """Two workers plan two cases at once with their clearance calls pooled (as on a GPU; here the
    cpu backend runs a pooled batch case after case): both plans come out as planned alone."""
    from orthoplan.kernels import ClearanceBatcher

    org = build_org(api)
    cases = [scanned_case(org, chart=f"CH-{i}") for i in range(3)]
    plain = InProcessExecutor(api.runtime.uow, api.runtime.deps, workers=1, lease_s=30, poll_s=0.2)
    jobs = [prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC)) for prov, case in cases[:1]]
    plain.start()
    try:
        assert watch(cases[0][0], jobs[0].id)[-1].plan.state == ppb.PLAN_SUCCEEDED
    finally:
        plain.stop()
    batcher = ClearanceBatcher(window_s=0.05)
    pooled = InProcessExecutor(api.runtime.uow, api.runtime.deps, workers=2, lease_s=30, poll_s=0.2, batcher=batcher)
    jobs += [prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC)) for prov, case in cases[1:]]
    pooled.start()
    try:
        for (prov, _), job in zip(cases[1:], jobs[1:], strict=True):
            assert watch(prov, job.id)[-1].plan.state == ppb.PLAN_SUCCEEDED
    finally:
        pooled.stop()
    stats = batcher.stats()
    assert stats["calls"] > 0 and stats["batches"] <= stats["calls"]
    plans = [prov.setups.GetSetup(spb.GetSetupRequest(case_id=case.id, version=1)).plan for prov, case in cases]
    assert plans[1] == plans[0] and plans[2] == plans[0]  # the same scans and spec: the same plan


def test_the_batching_settings(tmp_path):
    from orthoplan.bootstrap import build
    from orthoplan.config import Settings
    from orthoplan.kernels import ClearanceBatcher

    def planner(**env):
        app = build(Settings.from_env({"ORTHOPLAN_DATA_DIR": str(tmp_path), **env}))
        try:
            return app.planner()
        finally:
            app.engine.dispose()
    assert planner(ORTHOPLAN_PLAN_WORKERS="4").batcher is None  # auto: the cpu backend gains nothing
    on = planner(ORTHOPLAN_PLAN_WORKERS="4", ORTHOPLAN_GPU_BATCH="on", ORTHOPLAN_GPU_BATCH_WINDOW_MS="5").batcher
    assert isinstance(on, ClearanceBatcher) and on.window_s == 0.005
    assert planner(ORTHOPLAN_GPU_BATCH="off").batcher is None
    with pytest.raises(ValueError, match="ORTHOPLAN_GPU_BATCH: auto, on or off, not 'sometimes'"):
        planner(ORTHOPLAN_GPU_BATCH="sometimes")
    with pytest.raises(ValueError, match="ORTHOPLAN_GPU_BATCH_WINDOW_MS"):
        planner(ORTHOPLAN_GPU_BATCH_WINDOW_MS="-1")
    with pytest.raises(ValueError, match="ORTHOPLAN_GPU_BATCH"):  # a farm's actors would apply it: checked at start
        planner(ORTHOPLAN_GPU_BATCH="yes", ORTHOPLAN_RAY_ADDRESS="127.0.0.1:1")
