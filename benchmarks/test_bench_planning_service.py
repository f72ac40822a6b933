"""The planning service over loopback: one `orthoplan serve` process (SQLite, the in-process planning
executor) and a client in this process.

- EditTarget on a warm full-resolution case (S1, 28 crowns and 185k vertices, as labelled arch
  scans; the procedural dentition at scanner-like size where the real scans are absent): client
  latency p50/p99 and the server's own time, against the CreatePlan job that warmed it.
- Cases planned per minute with 1 and 2 planning workers in the server, and with 2 planner actors
  on a local Ray cluster (`ray start --head` on loopback): several cases queued at once.

Run: python -m pytest benchmarks/test_bench_planning_service.py -p no:cacheprovider --benchmark-only -s
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager

import grpc
import numpy as np
import pytest
from orthoplan.planning import procedural
from orthoplan.planning.scans import arch_from_folder
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import identity_pb2 as ipb
from orthoplan.v1 import identity_pb2_grpc
from orthoplan.v1 import planning_pb2 as ppb
from orthoplan.v1 import records_pb2 as rpb

from tests.api.conftest import PASSWORD, Stubs
from tests.api.helpers import new_case, new_patient, upload
from tests.api.local import free_port, ray_cluster
from tests.files import labelled_vtp
from tests.scans import DATA

pytest.importorskip("vtk")
EDITS = 40


@contextmanager
def _server(tmp_path, plan_workers: int, **extra: str):
    env = {**os.environ, **extra, "ORTHOPLAN_HTTP_LISTEN": "127.0.0.1:0", "ORTHOPLAN_DATA_DIR": str(tmp_path),
           "ORTHOPLAN_ADMIN_PASSWORD": PASSWORD, "ORTHOPLAN_PLAN_WORKERS": str(plan_workers),
           "ORTHOPLAN_MAX_SCAN_BYTES": str(512 << 20)}
    exe = [sys.executable, "-m", "orthoplan.client.cli"]
    subprocess.run([*exe, "admin", "init", "--organization", "Bench", "--email", "boss@bench.test",
                    "--name", "Boss"], env=env, check=True, capture_output=True, timeout=120)
    target = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen([*exe, "serve", "--listen", target], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    channel = grpc.insecure_channel(target, options=[("grpc.max_send_message_length", 64 << 20)])
    try:
        grpc.channel_ready_future(channel).result(timeout=60)
        yield channel
    finally:
        channel.close()
        proc.terminate()
        proc.wait(30)


def _sign_in(channel, email: str) -> Stubs:
    res = identity_pb2_grpc.AuthServiceStub(channel).SignIn(ipb.SignInRequest(email=email, password=PASSWORD))
    return Stubs(channel, res.access_token)


def _practice(channel) -> tuple[Stubs, Stubs, str, str]:
    admin = _sign_in(channel, "boss@bench.test")
    loc = admin.org.CreateLocation(ipb.CreateLocationRequest(location=ipb.Location(name="A")))
    prov_user = admin.org.CreateUser(ipb.CreateUserRequest(user=ipb.User(
        email="prov@bench.test", display_name="Prov", role=ipb.PROVIDER, location_ids=[loc.id]), password=PASSWORD))
    return admin, _sign_in(channel, "prov@bench.test"), loc.id, prov_user.id


def _case(admin, prov, loc: str, provider: str, chart: str, upper: bytes, lower: bytes) -> str:
    case = new_case(prov, new_patient(prov, loc, provider, chart).id)
    case = prov.cases.SubmitCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    admin.cases.AcceptCase(cpb.TransitionCaseRequest(id=case.id, etag=case.etag))
    upload(prov, case.id, upper, kind=rpb.UPPER_SCAN, filename="upper.vtp")
    upload(prov, case.id, lower, kind=rpb.LOWER_SCAN, filename="lower.vtp")
    return case.id


def _full_case() -> tuple[str, bytes, bytes]:
    s1 = DATA / "per-tooth" / "S1"
    if s1.is_dir():
        return ("S1 (real, 28 crowns, 185,582 vertices)",
                *(labelled_vtp(arch_from_folder(s1 / jaw, jaw)) for jaw in ("upper", "lower")))
    arches, _ = procedural.sample_case(7, 100)
    return "procedural, 100 points per ring (scanner-like size)", labelled_vtp(arches["upper"]), labelled_vtp(
        arches["lower"])


def _wait(prov, plan_id: str) -> ppb.PlanJob:
    last = list(prov.planning.WatchPlan(ppb.WatchPlanRequest(plan_id=plan_id), timeout=600))[-1].plan
    assert last.state == ppb.PLAN_SUCCEEDED, last.error.message
    return last


def test_edit_target_on_a_warm_case(benchmark, tmp_path):
    name, upper, lower = _full_case()
    with _server(tmp_path, 1) as channel:
        admin, prov, loc, provider = _practice(channel)
        case_id = _case(admin, prov, loc, provider, "CH-1", upper, lower)
        t0 = time.perf_counter()
        job = prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=case_id, spec=ppb.PlanSpec(
            targets=[ppb.ToothTarget(fdi=11, rotation=4.0), ppb.ToothTarget(fdi=21, mesial=0.3)], ipr_allowed=True)))
        _wait(prov, job.id)
        plan_s = time.perf_counter() - t0
        client, server = [], []

        def edits():
            for i in range(EDITS):
                fdi = (11, 12, 13, 21, 22)[i % 5]
                t = time.perf_counter()
                out = prov.planning.EditTarget(ppb.EditTargetRequest(case_id=case_id, targets=[
                    ppb.ToothTarget(fdi=fdi, rotation=2.0 + (i % 7))]))
                client.append((time.perf_counter() - t) * 1e3)
                server.append(out.server_ms)
                assert out.restaged_in_call, "the case should be warm"
        benchmark.pedantic(edits, rounds=1, iterations=1)
    c, s = np.array(client), np.array(server)
    print(f"\nEditTarget, warm, {name}: client p50 {np.percentile(c, 50):.0f} ms, p99 {np.percentile(c, 99):.0f} ms; "
          f"server p50 {np.percentile(s, 50):.0f} ms, p99 {np.percentile(s, 99):.0f} ms ({EDITS} edits); "
          f"the CreatePlan job that warmed it: {plan_s:.1f} s")
    benchmark.extra_info.update({"client_p50_ms": float(np.percentile(c, 50)), "client_p99_ms": float(np.percentile(
        c, 99)), "server_p50_ms": float(np.percentile(s, 50)), "plan_s": plan_s})


@pytest.mark.parametrize("executor", ["in-process, 1 worker", "in-process, 2 workers", "ray, 2 planner actors"])
def test_cases_planned_per_minute(benchmark, tmp_path, executor):
    n = 6
    scans = []
    for seed in range(n):  # the real decimated arches where present, else procedural ones
        p = DATA / "arches" / f"P{seed % 4 + 1}"
        if p.is_dir():
            scans.append(tuple((p / f"p{seed % 4 + 1}_{jaw}.vtp").read_bytes() for jaw in ("upper", "lower")))
        else:
            arches, _ = procedural.sample_case(seed, 28)
            scans.append((labelled_vtp(arches["upper"]), labelled_vtp(arches["lower"])))
    with ExitStack() as stack:
        if executor.startswith("ray"):
            pytest.importorskip("ray", reason="the Ray executor needs Ray (extra 'ray')")
            address = stack.enter_context(ray_cluster(num_cpus=2))
            channel = stack.enter_context(_server(tmp_path, 1, ORTHOPLAN_RAY_ADDRESS=address,
                                                  ORTHOPLAN_RAY_PLANNERS="2"))
        else:
            channel = stack.enter_context(_server(tmp_path, 2 if "2 workers" in executor else 1))
        admin, prov, loc, provider = _practice(channel)
        cases = [_case(admin, prov, loc, provider, f"CH-{i}", *scans[i]) for i in range(n)]

        def plan_all():
            t0 = time.perf_counter()
            jobs = [prov.planning.CreatePlan(ppb.CreatePlanRequest(case_id=c, spec=ppb.PlanSpec(ipr_allowed=True)))
                    for c in cases]
            for j in jobs:
                _wait(prov, j.id)
            return time.perf_counter() - t0
        elapsed = benchmark.pedantic(plan_all, rounds=1, iterations=1)
    print(f"\n{n} cases (proposed setups, all outputs written), {executor}: {elapsed:.1f} s, "
          f"{n / elapsed * 60:.1f} cases per minute")
    benchmark.extra_info["cases_per_minute"] = n / elapsed * 60
