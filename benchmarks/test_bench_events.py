"""Live event streams under load, over loopback against one `orthoplan serve` process.

One run holds STREAMS open event streams (SUBSCRIBERS on each of CASES case threads, from
CHANNELS client connections) and, while they stay open, measures side by side:
- unary GetCase latency (open loop at UNARY_RATE/s) with no streams open, then with them open;
- fan-out: a message posted every POST_EVERY_S seconds, each reaching every subscriber of its case,
  latency from the start of the PostMessage call to its arrival on each stream.

Targets: 1,000 concurrent streams with unary p99 < 50 ms; fan-out p99 < 100 ms.
Run: python -m pytest benchmarks/test_bench_events.py -p no:cacheprovider --benchmark-only -s
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from contextlib import ExitStack
from functools import partial

import grpc
import numpy as np
import pytest
from orthoplan.client.sdk import Client
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import cases_pb2_grpc, messages_pb2_grpc, setups_pb2_grpc
from orthoplan.v1 import messages_pb2 as mpb
from orthoplan.v1 import setups_pb2 as spb

from benchmarks.test_bench_api import _paced, _serve
from tests.api.conftest import PASSWORD
from tests.api.local import pg_unreachable, scratch_pg_database

CASES, SUBSCRIBERS, CHANNELS = 10, 100, 10
STREAMS = CASES * SUBSCRIBERS
UNARY_RATE = 300
POSTS, POST_EVERY_S = 60, 0.05


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def evaluating(request, tmp_path_factory):
    """A server with CASES cases in SETUP_READY (messages open), the provider's token."""
    env = {**os.environ, "ORTHOPLAN_HTTP_LISTEN": "127.0.0.1:0",
           "ORTHOPLAN_DATA_DIR": str(tmp_path_factory.mktemp("data")),
           "ORTHOPLAN_ADMIN_PASSWORD": PASSWORD, "ORTHOPLAN_MAX_STREAMS": str(STREAMS + 100)}
    with ExitStack() as stack:
        if request.param == "postgresql":
            why = pg_unreachable()
            if why:
                pytest.skip(why)
            env["ORTHOPLAN_DATABASE_URL"] = stack.enter_context(scratch_pg_database("orthoplan_b"))
        for db, target, token, case, patient in _serve(request.param, env):
            with Client(target) as c:
                admin = c.sign_in("boss@bench.test", PASSWORD)
            with grpc.insecure_channel(target) as ch:
                cases = cases_pb2_grpc.CaseServiceStub(ch)
                setups = setups_pb2_grpc.SetupServiceStub(ch)
                as_prov, as_admin = [("authorization", f"Bearer {token}")], [("authorization", f"Bearer {admin}")]
                ids = []
                for i in range(CASES):
                    c = case if i == 0 else cases.CreateCase(cpb.CreateCaseRequest(case=cpb.Case(
                        kind=cpb.ALIGNER, patient_id=patient.id, prescription=cpb.Prescription(
                            goals="close spaces", arches=["upper"]))), metadata=as_prov)
                    cases.SubmitCase(cpb.TransitionCaseRequest(id=c.id), metadata=as_prov)
                    cases.AcceptCase(cpb.TransitionCaseRequest(id=c.id), metadata=as_admin)
                    setups.CreateSetup(spb.CreateSetupRequest(case_id=c.id, plan=spb.SetupPlan(
                        stage_count=10, teeth=[spb.ToothMovement(
                            fdi=11, target_transform=[1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
                            last_stage=10)])), metadata=as_admin)
                    ids.append(c.id)
            yield db, target, token, ids


class Streams:
    """STREAMS subscriptions on an asyncio loop; records each message's arrival (perf_counter is
    CLOCK_MONOTONIC, one clock for every process of the machine)."""

    def __init__(self, target: str, token: str, case_ids: list[str]):
        self.target, self.md = target, (("authorization", f"Bearer {token}"),)
        self.case_ids = case_ids
        self.arrivals: dict[str, list[float]] = {}
        self.open = 0
        self.errors: list[str] = []
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),), daemon=True)
        self._stop: asyncio.Event | None = None
        self.thread.start()

    @staticmethod
    def in_process(conn, target: str, token: str, case_ids: list[str]) -> None:
        """Child process body: open the streams, report readiness, and on "stop" send the results."""
        s = Streams(target, token, case_ids)
        ok = s.ready.wait(120)
        conn.send(("ready", ok, s.open, s.errors[:3]))
        conn.recv()
        time.sleep(1.0)  # deliveries still in flight
        s.close()
        conn.send((s.arrivals, s.open, s.errors[:3]))

    async def _one(self, stub, case_id: str):
        call = stub.Subscribe(mpb.SubscribeRequest(case_id=case_id, from_now=True), metadata=self.md)
        try:
            async for ev in call:
                if ev.WhichOneof("kind") == "heartbeat" and ev.seq >= 0 and not getattr(call, "_counted", False):
                    call._counted = True
                    self.open += 1
                    if self.open == STREAMS:
                        self.ready.set()
                elif ev.WhichOneof("kind") == "message_posted":
                    self.arrivals.setdefault(ev.message_posted.text, []).append(time.perf_counter())
        except grpc.aio.AioRpcError as err:
            if err.code() != grpc.StatusCode.CANCELLED:
                self.errors.append(err.code().name)

    async def _main(self):
        self._stop = asyncio.Event()
        channels = [grpc.aio.insecure_channel(self.target, options=[("grpc.use_local_subchannel_pool", 1)])
                    for _ in range(CHANNELS)]
        stubs = [messages_pb2_grpc.EventServiceStub(ch) for ch in channels]
        tasks = [asyncio.ensure_future(self._one(stubs[k % CHANNELS], self.case_ids[k % len(self.case_ids)]))
                 for k in range(STREAMS)]
        await self._stop.wait()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for ch in channels:
            await ch.close()

    def close(self):
        self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(timeout=30)


def _unary(target: str, token: str, case_id: str) -> dict:
    md = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(target) as ch:
        call = cases_pb2_grpc.CaseServiceStub(ch).GetCase
        req = cpb.GetCaseRequest(id=case_id)
        call(req, metadata=md)
        _paced(partial(call.future, metadata=md), lambda: req, rate=UNARY_RATE, seconds=1.0)  # warm-up
        return _paced(partial(call.future, metadata=md), lambda: req, rate=UNARY_RATE)


def test_streams_unary_and_fan_out(benchmark, evaluating):
    db, target, token, case_ids = evaluating
    quiet = _unary(target, token, case_ids[0])
    # the streams live in a process of their own, so that their client work does not delay this
    # process's unary load generator (which would be counted as server latency)
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    child = ctx.Process(target=Streams.in_process, args=(there, target, token, case_ids), daemon=True)
    child.start()
    try:
        _, ok, n_open, errors = here.recv()
        assert ok, f"only {n_open} of {STREAMS} streams opened: {errors}"
        posted: dict[str, float] = {}

        def poster():
            md = (("authorization", f"Bearer {token}"),)
            with grpc.insecure_channel(target) as ch:
                post = messages_pb2_grpc.MessageServiceStub(ch).PostMessage
                for i in range(POSTS):
                    text = f"m{i}"
                    posted[text] = time.perf_counter()
                    post(mpb.PostMessageRequest(case_id=case_ids[i % CASES], text=text), metadata=md)
                    time.sleep(POST_EVERY_S)
        t = threading.Thread(target=poster)

        def run():
            t.start()
            loaded = _unary(target, token, case_ids[0])
            t.join()
            return loaded
        loaded = benchmark.pedantic(run, rounds=1, iterations=1)
        here.send("stop")
        arrivals, open_now, errors = here.recv()
        lat = np.array([(a - posted[text]) * 1e3 for text, arr in arrivals.items() for a in arr])
        delivered = len(lat)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    fan = {"deliveries": delivered, "expected": POSTS * SUBSCRIBERS, "p50_ms": float(np.percentile(lat, 50)),
           "p99_ms": float(np.percentile(lat, 99)), "max_ms": float(lat.max())}
    benchmark.extra_info.update({"streams": open_now, "unary_quiet": quiet, "unary_with_streams": loaded,
                                 "fan_out": fan})
    print(f"\n[{db}] {open_now} streams open; GetCase at {UNARY_RATE}/s: p99 {quiet['p99_ms']:.1f} ms with none, "
          f"{loaded['p99_ms']:.1f} ms with them ({loaded['p99_ms'] / quiet['p99_ms']:.1f}x), p50 "
          f"{quiet['p50_ms']:.1f} -> {loaded['p50_ms']:.1f} ms; fan-out to {SUBSCRIBERS} subscribers each: "
          f"{delivered}/{POSTS * SUBSCRIBERS} delivered, p50 {fan['p50_ms']:.1f} ms, p99 {fan['p99_ms']:.1f} ms, "
          f"max {fan['max_ms']:.1f} ms; stream errors {errors}")
    assert open_now == STREAMS and delivered == POSTS * SUBSCRIBERS
    assert loaded["errors"] == 0 and not errors
