"""The Ray executor on a real local cluster (`ray start --head` on loopback, its own worker
processes): jobs planned by planner actors, an edit re-staged on the actor holding the case, and a
planner process killed mid-job (Ray restarts it; the job waits out its lease and is finished once)."""

from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager

import pytest
from orthoplan.adapters.db import models as m
from orthoplan.farm.ray_executor import RayExecutor, RayPlacement
from orthoplan.v1 import planning_pb2 as ppb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.helpers import build_org
from tests.api.local import ray_cluster
from tests.api.test_planning_service import SPEC, scanned_case, watch
from tests.files import procedural_vtp

ray = pytest.importorskip("ray", reason="the Ray executor's tests need Ray (extra 'test' or 'ray')")


@pytest.fixture(scope="module")
def cluster():
    with ray_cluster(num_cpus=4) as address:
        yield address


@contextmanager
def _farm(api, address: str, folder, lease_s: float):
    with api.runtime.uow() as uow:
        url = uow.session.get_bind().url.render_as_string(hide_password=False)
    env = {"ORTHOPLAN_DATABASE_URL": url, "ORTHOPLAN_DATA_DIR": str(folder / "node"),
           "ORTHOPLAN_ARTIFACT_DIR": str(api.runtime.deps.artifacts.root), "ORTHOPLAN_PLAN_LEASE_S": str(lease_s)}
    ex = RayExecutor(address, env, RayPlacement(planners=2, workers=1), poll_s=0.5)
    ex.start()
    api.runtime.deps.planner = ex
    try:
        yield ex
    finally:
        api.runtime.deps.planner = None
        ex.stop()


@pytest.fixture
def farm(api, cluster, tmp_path):
    with _farm(api, cluster, tmp_path, lease_s=60) as ex:
        yield ex


@pytest.fixture
def short_leased_farm(api, cluster, tmp_path):
    """Leases of 5 s, so a killed planner's job is taken over quickly (a step may outlast one on a
    loaded machine: then the job is simply taken over more than once, and still finished once)."""
    with _farm(api, cluster, tmp_path, lease_s=5) as ex:
        yield ex


def _holder(api, job_id: str) -> str | None:
    with api.runtime.uow() as uow:
        return uow.session.get(m.PlanJob, job_id).leased_by


def test_planner_actors_plan_a_case_and_re_stage_its_edit_where_it_is_warm(api, farm):
    infos = farm.info()
    assert len(infos) == 2 and len({i["pid"] for i in infos}) == 2 and os.getpid() not in {i["pid"] for i in infos}
    org = build_org(api)
    prov, case = scanned_case(org)
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    done = watch(prov, job.id)[-1].plan
    assert done.state == ppb.PLAN_SUCCEEDED and done.setup_version == 1 and done.attempts == 1
    assert sum(i["warm"] for i in farm.info()) == 1  # the actor that planned it keeps it warm
    out = prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case.id, targets=[ppb.ToothTarget(fdi=11, tip=3)]))
    assert out.restaged_in_call and out.setup.version == 2 and out.plan.state == ppb.PLAN_SUCCEEDED


def test_a_planner_actor_killed_mid_job_is_restarted_and_the_job_finishes_once(api, short_leased_farm):
    farm = short_leased_farm
    org = build_org(api)
    prov, case = scanned_case(org, upper=procedural_vtp("upper", points=90), lower=procedural_vtp("lower", points=90))
    job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case.id, spec=SPEC))
    deadline = time.monotonic() + 120
    while True:
        now = prov.planning.GetPlan(ppb.GetPlanRequest(plan_id=job.id))
        if now.state == ppb.PLAN_RUNNING and now.progress >= 10:
            break
        assert now.state in (ppb.PLAN_QUEUED, ppb.PLAN_RUNNING) and time.monotonic() < deadline
        time.sleep(0.05)
    holder = _holder(api, job.id)  # "host:pid:id/thread" of the actor's worker
    victim = int(holder.split(":")[1])
    assert victim in {i["pid"] for i in farm.info()}
    os.kill(victim, signal.SIGKILL)
    done = watch(prov, job.id)[-1].plan
    assert done.state == ppb.PLAN_SUCCEEDED and done.attempts >= 2 and done.setup_version == 1
    assert "started again (attempt 2)" in [e.plan.step for e in watch(prov, job.id)]
    assert [s.version for s in prov.setups.ListSetups(spb.ListSetupsRequest(case_id=case.id)).setups] == [1]
    pids = {i["pid"] for i in farm.info()}  # Ray put a new process in the dead one's place
    assert len(pids) == 2 and victim not in pids


def test_the_settings_choose_the_executor_and_its_placement(tmp_path):
    from orthoplan.bootstrap import build
    from orthoplan.config import Settings
    from orthoplan.farm.executor import InProcessExecutor

    env = {"ORTHOPLAN_DATA_DIR": str(tmp_path), "ORTHOPLAN_RAY_ADDRESS": "10.0.0.5:6379", "ORTHOPLAN_RAY_PLANNERS": "3",
           "ORTHOPLAN_RAY_GPUS": "0.25", "ORTHOPLAN_RAY_CPUS": "2", "ORTHOPLAN_PLAN_WORKERS": "2"}
    app = build(Settings.from_env(env))
    try:
        ex = app.planner()
        assert isinstance(ex, RayExecutor) and ex.address == "10.0.0.5:6379"
        assert ex.placement == RayPlacement(planners=3, workers=2, cpus=2.0, gpus=0.25)
        assert ex.env["ORTHOPLAN_DATABASE_URL"] == app.settings.database_url
        assert ex.env["ORTHOPLAN_ARTIFACT_DIR"] == str(tmp_path / "artifacts")
        assert ex.env["ORTHOPLAN_GPU_BATCH"] == "auto"  # each actor pools its workers' launches on a GPU
    finally:
        app.engine.dispose()
    app = build(Settings.from_env({"ORTHOPLAN_DATA_DIR": str(tmp_path)}))
    assert isinstance(app.planner(), InProcessExecutor)  # the embedded default needs no cluster
    app.engine.dispose()
    with pytest.raises(ValueError, match="address"):
        RayExecutor("", {})
    with pytest.raises(ValueError, match="planners"):
        RayPlacement(planners=0)
    with pytest.raises(ValueError, match="gpus"):
        RayPlacement(gpus=-1)
