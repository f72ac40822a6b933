"""Live event streams: resume with no loss or duplicates (after a disconnect, across a server
restart, across two server processes on PostgreSQL and SQLite), the caller's own topic, heartbeats,
revocation mid-stream, limits and bad input."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from orthoplan.api.server import ApiServer
from orthoplan.v1 import cases_pb2 as cpb
from orthoplan.v1 import collaborators_pb2 as kpb
from orthoplan.v1 import identity_pb2 as ipb
from orthoplan.v1 import messages_pb2 as mpb
from orthoplan.v1 import setups_pb2 as spb

from tests.api.conftest import Stubs, database, serve
from tests.api.helpers import plan, rpc_error
from tests.api.local import free_port
from tests.api.test_messages import post, shared_case

IA, NF, RE = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND, grpc.StatusCode.RESOURCE_EXHAUSTED


class Listener:
    """Reads one stream in a thread."""

    def __init__(self, stubs, **request):
        self.call = stubs.events.Subscribe(mpb.SubscribeRequest(**request))
        self.events: list[mpb.Event] = []
        self.error: grpc.RpcError | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for e in self.call:
                self.events.append(e)
        except grpc.RpcError as err:
            self.error = err

    def messages(self) -> list[mpb.Message]:
        return [e.message_posted for e in self.events if e.WhichOneof("kind") == "message_posted"]

    def wait(self, pred, timeout: float = 15.0):
        end = time.monotonic() + timeout
        while not pred(self):
            assert time.monotonic() < end, f"timed out; got {len(self.events)} events, error {self.error}"
            time.sleep(0.01)

    def stop(self):
        self.call.cancel()
        self.thread.join(timeout=5)

    @property
    def last_seq(self) -> int:
        return max((e.seq for e in self.events if e.WhichOneof("kind") != "heartbeat"), default=0)


def evaluating(api, *perms):
    org, prov, tps, case = shared_case(api, *perms)
    org.admin.setups.CreateSetup(spb.CreateSetupRequest(case_id=case.id, plan=plan()))
    return org, prov, tps, case


def check_exactly_once(events: list[mpb.Event], posted: list[mpb.Message]) -> None:
    """Seqs run 1..n without gaps or repeats; every posted message is there once, in id order."""
    real = [e for e in events if e.WhichOneof("kind") != "heartbeat"]
    assert [e.seq for e in real] == list(range(1, len(real) + 1))
    got = [e.message_posted.id for e in real if e.WhichOneof("kind") == "message_posted"]
    assert got == sorted(m.id for m in posted)


def test_resume_after_a_disconnect_loses_and_repeats_nothing(api):
    org, prov, tps, case = evaluating(api)
    first = Listener(prov, case_id=case.id)
    posted: list[mpb.Message] = []
    lock = threading.Lock()

    def talk(stubs, who):
        for i in range(15):
            m = post(stubs, case.id, f"{who} {i}")
            with lock:
                posted.append(m)
    writers = [threading.Thread(target=talk, args=(s, w)) for s, w in ((prov, "owner"), (tps, "tps"))]
    for w in writers:
        w.start()
    first.wait(lambda li: len(li.messages()) >= 8)
    first.stop()
    second = Listener(prov, case_id=case.id, after_seq=first.last_seq)
    for w in writers:
        w.join()
    second.wait(lambda li: len(first.messages()) + len(li.messages()) >= 30)
    time.sleep(0.2)  # nothing more may come
    second.stop()
    seen = [e for e in first.events if e.seq <= first.last_seq] + second.events
    check_exactly_once(seen, posted)
    # the history holds the case's changes too: submitted, accepted, setup ready
    kinds = [e.WhichOneof("kind") for e in seen[:3]]
    assert kinds == ["case_changed"] * 3 and seen[2].case_changed.state == cpb.SETUP_READY


def test_own_topic_heartbeats_and_losing_sight_of_the_case(api):
    org, prov, tps, case = evaluating(api, kpb.REQUEST_REVISIONS)
    fast = ApiServer(api.runtime, "127.0.0.1:0", workers=2, heartbeat_s=0.2).start()
    channel = grpc.insecure_channel(fast.target)
    try:
        tps_fast, prov_fast = Stubs(channel, tps.token), Stubs(channel, prov.token)
        mine = Listener(tps_fast, from_now=True)
        on_case = Listener(tps_fast, case_id=case.id, from_now=True)
        mine.wait(lambda li: len(li.events) >= 3)  # the position, then heartbeats
        assert all(e.WhichOneof("kind") == "heartbeat" for e in mine.events)
        assert mine.events[0].topic == f"users/{tps.auth.GetCurrentUser(ipb.GetCurrentUserRequest()).id}"
        msg = post(prov_fast, case.id, "New setup ready for you.")
        mine.wait(lambda li: li.messages())
        assert mine.messages()[0].id == msg.id and mine.messages()[0].author_id == org.users["provider_a"].id
        tps_fast.messages.MarkMessagesRead(mpb.MarkMessagesReadRequest(case_id=case.id))
        mine.wait(lambda li: any(e.WhichOneof("kind") == "messages_read" for e in li.events))
        prov_fast.cases.MarkReadyForApproval(cpb.TransitionCaseRequest(id=case.id))
        mine.wait(lambda li: any(e.case_changed.state == cpb.READY_FOR_APPROVAL for e in li.events))
        on_case.wait(lambda li: li.messages())
        # unsharing ends the collaborator's case stream at its next heartbeat, as NOT_FOUND
        collab = prov.collab.ListCollaborators(kpb.ListCollaboratorsRequest()).collaborators[0]
        prov.collab.UnshareCase(kpb.ShareCaseRequest(collaborator_id=collab.id, case_id=case.id))
        on_case.wait(lambda li: li.error is not None, timeout=5)
        assert on_case.error.code() == NF
        # signing out ends the own-topic stream the same way
        tps_fast.auth.SignOut(ipb.SignOutRequest())
        mine.wait(lambda li: li.error is not None, timeout=5)
        assert mine.error.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        channel.close()
        fast.stop(grace=0.5)


def test_limits_and_bad_input(api):
    org, prov, tps, case = evaluating(api)
    small = ApiServer(api.runtime, "127.0.0.1:0", workers=2, max_streams=2).start()
    channel = grpc.insecure_channel(small.target)
    try:
        s = Stubs(channel, prov.token)
        held = [Listener(s, case_id=case.id, from_now=True) for _ in range(2)]
        for li in held:
            li.wait(lambda x: x.events)
        third = Listener(s, from_now=True)
        third.wait(lambda x: x.error is not None)
        assert third.error.code() == RE
        held[0].stop()
        time.sleep(0.2)
        again = Listener(s, from_now=True)  # a freed slot is usable again
        again.wait(lambda x: x.events)
        for li in (held[1], again):
            li.stop()
    finally:
        channel.close()
        small.stop(grace=0.5)
    for request, code in ((mpb.SubscribeRequest(case_id="nope"), IA), (mpb.SubscribeRequest(after_seq=-1), IA),
                          (mpb.SubscribeRequest(case_id="0" * 32), NF)):
        rpc_error(lambda r=request: list(prov.events.Subscribe(r)), code)
    rpc_error(lambda: list(org.as_["provider_b"].events.Subscribe(mpb.SubscribeRequest(case_id=case.id))), NF)
    rpc_error(lambda: list(api.stubs().events.Subscribe(mpb.SubscribeRequest())), grpc.StatusCode.UNAUTHENTICATED)


def test_resume_across_a_server_restart(api):
    org, prov, tps, case = evaluating(api)
    port = free_port()
    first = ApiServer(api.runtime, f"127.0.0.1:{port}", workers=2).start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    posted = []
    try:
        s = Stubs(channel, prov.token)
        li = Listener(s, case_id=case.id)
        posted += [post(s, case.id, f"before {i}") for i in range(3)]
        li.wait(lambda x: len(x.messages()) == 3)
        first.stop(grace=0.5)  # the stream ends with UNAVAILABLE and says where to resume
        li.wait(lambda x: x.error is not None)
        assert li.error.code() == grpc.StatusCode.UNAVAILABLE and f"after_seq={li.last_seq}" in li.error.details()
        posted += [post(prov, case.id, f"while down {i}") for i in range(2)]  # through the other server
        second = ApiServer(api.runtime, f"127.0.0.1:{port}", workers=2).start()
        try:
            resumed = Listener(s, case_id=case.id, after_seq=li.last_seq)
            posted.append(post(s, case.id, "after"))
            resumed.wait(lambda x: len(x.messages()) == 3)
            resumed.stop()
            check_exactly_once(li.events + resumed.events, posted)
        finally:
            second.stop(grace=0.5)
    finally:
        channel.close()


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_two_server_processes_share_live_events(tmp_path, kind):
    """PostgreSQL wakes the other process by NOTIFY; SQLite's hub finds the other's commits by polling."""
    with database(kind, tmp_path) as url, serve(url, tmp_path) as api:
        org, prov, tps, case = evaluating(api)
        port = free_port()
        env = {**os.environ, "ORTHOPLAN_HTTP_LISTEN": "127.0.0.1:0",
               "ORTHOPLAN_DATABASE_URL": url, "ORTHOPLAN_DATA_DIR": str(tmp_path / "b"),
               "ORTHOPLAN_WORKERS": "4"}
        other = subprocess.Popen([sys.executable, "-m", "orthoplan.client.cli", "serve", "--listen",
                                  f"127.0.0.1:{port}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        try:
            health = health_pb2_grpc.HealthStub(channel)
            end = time.monotonic() + 60
            while True:
                try:
                    if health.Check(health_pb2.HealthCheckRequest(), timeout=1).status == 1:
                        break
                except grpc.RpcError:
                    assert time.monotonic() < end and other.poll() is None, "second server did not start"
                    time.sleep(0.2)
            remote_prov, remote_tps = Stubs(channel, prov.token), Stubs(channel, tps.token)
            on_remote = Listener(remote_tps, case_id=case.id)
            on_local = Listener(prov, case_id=case.id)
            posted = [post(prov, case.id, "from process A"), post(remote_tps, case.id, "from process B")]
            posted += [post(prov if i % 2 else remote_prov, case.id, f"ping {i}") for i in range(6)]
            for li in (on_remote, on_local):
                li.wait(lambda x: len(x.messages()) == 8)
            check_exactly_once(on_remote.events, posted)
            check_exactly_once(on_local.events, posted)
            # process B dies mid-stream: the client resumes on A from its last seq
            other.kill()
            on_remote.wait(lambda x: x.error is not None)
            posted.append(post(prov, case.id, "after B died"))
            resumed = Listener(tps, case_id=case.id, after_seq=on_remote.last_seq)
            resumed.wait(lambda x: len(x.messages()) == 1)
            resumed.stop()
            on_local.stop()
            check_exactly_once(on_remote.events + resumed.events, posted)
        finally:
            channel.close()
            if other.poll() is None:
                other.kill()
            other.communicate(timeout=30)


def test_the_sdk_resumes_by_itself_across_a_restart(api):
    from orthoplan.client.sdk import Client

    org, prov, tps, case = evaluating(api)
    port = free_port()
    first = ApiServer(api.runtime, f"127.0.0.1:{port}", workers=2).start()
    got, posted = [], []
    client = Client(f"127.0.0.1:{port}", tps.token)
    stream = client.events(case.id)

    def read():
        for ev in stream:
            if ev.WhichOneof("kind") == "message_posted":
                got.append(ev)
                if len(got) == 6:
                    return
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        posted += [client.post_message(case.id, f"one {i}") for i in range(3)]
        end = time.monotonic() + 10
        while len(got) < 3:
            assert time.monotonic() < end
            time.sleep(0.01)
        first.stop(grace=0.5)
        posted += [post(prov, case.id, f"while down {i}") for i in range(2)]
        second = ApiServer(api.runtime, f"127.0.0.1:{port}", workers=2).start()
        try:
            posted.append(client.post_message(case.id, "back"))
            reader.join(timeout=20)
            assert not reader.is_alive()
        finally:
            second.stop(grace=0.5)
    finally:
        client.close()
    assert [e.message_posted.id for e in got] == [m.id for m in posted]
    assert [e.seq for e in got] == sorted({e.seq for e in got})
    assert [m.text for m in Client(api.server.target, tps.token).iter_messages(case.id, order_by="create_time")] == [
        m.text for m in posted]
