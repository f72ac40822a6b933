"""API latency and throughput over loopback: one `orthoplan serve` process, SQLite and PostgreSQL.

Peers in the same run: the gRPC health check (no auth, no database) is the floor every RPC pays;
GetCase (authenticated read: token, scope, case, grants) and CreateCase (write: idempotency record,
case number, audit entry) are reported against it. Load comes from this process with up to
IN_FLIGHT concurrent calls on one channel.

Run: python -m pytest benchmarks/test_bench_api.py -p no:cacheprovider --benchmark-only -s
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from functools import partial

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from orthoplan.client.sdk import Client
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import cases_pb2_grpc

from tests.api.conftest import PASSWORD
from tests.api.local import free_port, pg_unreachable, scratch_pg_database

IN_FLIGHT = 16
DURATION_S = 4.0
RESULTS: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory):
    env = {**os.environ, "ORTHOPLAN_HTTP_LISTEN": "127.0.0.1:0",
           "ORTHOPLAN_DATA_DIR": str(tmp_path_factory.mktemp("data")),
           "ORTHOPLAN_ADMIN_PASSWORD": PASSWORD}
    with ExitStack() as stack:
        if request.param == "postgresql":
            why = pg_unreachable()
            if why:
                pytest.skip(why)
            env["ORTHOPLAN_DATABASE_URL"] = stack.enter_context(scratch_pg_database("orthoplan_b"))
        yield from _serve(request.param, env)


def _serve(db: str, env: dict[str, str]):
    exe = [sys.executable, "-m", "orthoplan.client.cli"]
    subprocess.run([*exe, "admin", "init", "--organization", "Bench", "--email", "boss@bench.test",
                    "--name", "Boss"], env=env, check=True, capture_output=True, timeout=120)
    target = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen([*exe, "serve", "--listen", target], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        with Client(target) as c:
            c.health(wait_s=60)
            c.sign_in("boss@bench.test", PASSWORD)
            loc = c.create_location("Bench")
            prov = c.create_user("dr@bench.test", "Dr", "PROVIDER", PASSWORD, [loc.id])
            token = c.sign_in("dr@bench.test", PASSWORD)
            patient = c.create_patient(first_name="Ada", last_name="Lovelace", birth_date="1990-05-01",
                                       chart_number="B-1", location_id=loc.id, provider_id=prov.id)
            case = c.create_case(patient.id, goals="close spaces", arches=["upper", "lower"])
        yield db, target, token, case, patient
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def _no_gc():
    """The load generator must not pause: a collection walking thousands of pending futures stalls
    it for tens of milliseconds, which would be counted as server latency. Like timeit, the timed
    window runs with the collector off (what existed before is frozen, so nothing is lost)."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def _load(start, make_request, seconds: float = DURATION_S, in_flight: int = IN_FLIGHT) -> dict[str, float]:
    """Keeps `in_flight` calls outstanding for `seconds`; per-call latency from issue to completion."""
    lat: list[float] = []
    errors = [0]
    codes: dict[str, int] = {}
    lock, done = threading.Lock(), threading.Event()
    stop_at = time.perf_counter() + seconds

    def issue():
        t0 = time.perf_counter()
        fut = start(make_request())
        fut.add_done_callback(lambda f, t0=t0: finished(f, t0))

    def finished(fut, t0):
        now = time.perf_counter()
        with lock:
            if fut.exception() is not None:
                errors[0] += 1
                codes[fut.exception().code().name] = codes.get(fut.exception().code().name, 0) + 1
            lat.append(now - t0)
        if now < stop_at:
            issue()
        else:
            with lock:
                outstanding[0] -= 1
                if outstanding[0] == 0:
                    done.set()

    outstanding = [in_flight]
    with _no_gc():
        t_start = time.perf_counter()
        for _ in range(in_flight):
            issue()
        done.wait(seconds + 30)
        wall = time.perf_counter() - t_start
    a = np.array(lat) * 1e3
    return {"calls_per_s": len(a) / wall, "p50_ms": float(np.percentile(a, 50)),
            "p99_ms": float(np.percentile(a, 99)), "errors": errors[0], "calls": len(a),
            "error_codes": codes, "load": f"{in_flight} in flight"}


def _paced(start, make_request, rate: float, seconds: float = DURATION_S) -> dict[str, float]:
    """Open loop: calls issued on a fixed schedule at `rate`/s whatever the server does; latency is
    measured from each call's scheduled time, so a stall counts against every call it delays."""
    lat: list[float] = []
    codes: dict[str, int] = {}
    lock = threading.Lock()
    n = int(rate * seconds)
    futures = []
    t0 = 0.0

    def finished(fut, due):
        now = time.perf_counter()
        with lock:
            lat.append(now - due)
            if fut.exception() is not None:
                name = fut.exception().code().name
                codes[name] = codes.get(name, 0) + 1

    with _no_gc():
        t0 = time.perf_counter()
        for i in range(n):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            fut = start(make_request())
            fut.add_done_callback(lambda f, due=due: finished(f, due))
            futures.append(fut)
        for f in futures:
            f.exception(timeout=60)
        wall = time.perf_counter() - t0
    with lock:
        a = np.array(lat) * 1e3
    return {"calls_per_s": len(a) / wall, "p50_ms": float(np.percentile(a, 50)),
            "p99_ms": float(np.percentile(a, 99)), "errors": sum(codes.values()), "calls": len(a),
            "error_codes": codes, "load": f"{rate:.0f}/s offered"}


def _report(name: str, db: str, stats: dict[str, float], benchmark) -> None:
    RESULTS[f"{name}[{db}]"] = stats
    benchmark.extra_info.update(stats)
    floor = RESULTS.get(f"health[{db}]")
    ratio = f", {floor['calls_per_s'] / stats['calls_per_s']:.1f}x the health check's cost" if floor else ""
    print(f"\n{name} [{db}]: {stats['calls_per_s']:.0f} calls/s, p50 {stats['p50_ms']:.1f} ms, "
          f"p99 {stats['p99_ms']:.1f} ms, {stats['errors']} errors {stats['error_codes'] or ''}"
          f"({stats['load']}){ratio}")


def test_health_check_floor(benchmark, server):
    db, target, *_ = server
    with grpc.insecure_channel(target) as ch:
        stub = health_pb2_grpc.HealthStub(ch)
        stats = benchmark.pedantic(lambda: _load(stub.Check.future, health_pb2.HealthCheckRequest), rounds=1,
                                   iterations=1)
    _report("health", db, stats, benchmark)
    assert stats["errors"] == 0


def test_get_case(benchmark, server):
    db, target, token, case, _ = server
    md = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(target) as ch:
        stub = cases_pb2_grpc.CaseServiceStub(ch)
        call = stub.GetCase
        req = cpb.GetCaseRequest(id=case.id)
        assert call(req, metadata=md).id == case.id
        start = partial(call.future, metadata=md)  # each call carries the token
        stats = benchmark.pedantic(lambda: _load(start, lambda: req), rounds=1, iterations=1)
    _report("GetCase", db, stats, benchmark)
    assert stats["errors"] == 0


@pytest.mark.parametrize("rate", [1000, 1200])
def test_get_case_open_loop(benchmark, server, rate):
    """The target: one server process sustains 1,000 authenticated GetCase/s with p99 < 20 ms
    (1,200/s shows the headroom)."""
    db, target, token, case, _ = server
    md = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(target) as ch:
        call = cases_pb2_grpc.CaseServiceStub(ch).GetCase
        req = cpb.GetCaseRequest(id=case.id)
        start = partial(call.future, metadata=md)  # each call carries the token
        stats = benchmark.pedantic(lambda: _paced(start, lambda: req, rate=rate), rounds=1, iterations=1)
    _report(f"GetCase@{rate}/s", db, stats, benchmark)
    assert stats["errors"] == 0


def test_create_case(benchmark, server):
    db, target, token, _, patient = server
    md = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(target) as ch:
        call = cases_pb2_grpc.CaseServiceStub(ch).CreateCase

        def req():
            return cpb.CreateCaseRequest(case=cpb.Case(kind=cpb.ALIGNER, patient_id=patient.id,
                                                       prescription=cpb.Prescription(goals="g")),
                                         request_id=uuid.uuid4().hex)
        start = partial(call.future, metadata=md)  # each call carries the token
        stats = benchmark.pedantic(lambda: _load(start, req, in_flight=8), rounds=1, iterations=1)
    _report("CreateCase", db, stats, benchmark)
    assert stats["errors"] == 0
