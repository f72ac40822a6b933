"""Builds the gRPC server: servicers, interceptor, health, reflection; graceful stop."""

from __future__ import annotations

from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from ..adapters.eventhub import EventHub, PgListener
from ..services import events
from ..v1 import (
    cases_pb2,
    cases_pb2_grpc,
    collaborators_pb2,
    collaborators_pb2_grpc,
    identity_pb2,
    identity_pb2_grpc,
    messages_pb2,
    messages_pb2_grpc,
    metrics_pb2,
    metrics_pb2_grpc,
    notifications_pb2,
    notifications_pb2_grpc,
    opportunities_pb2,
    opportunities_pb2_grpc,
    orders_pb2,
    orders_pb2_grpc,
    packs_pb2,
    packs_pb2_grpc,
    planning_pb2,
    planning_pb2_grpc,
    records_pb2,
    records_pb2_grpc,
    setups_pb2,
    setups_pb2_grpc,
)
from .context import Runtime
from .interceptors import ApiInterceptor
from .patient_pages import PatientPages
from .servicers.cases import CaseServicer, PatientServicer
from .servicers.collaborators import CollaboratorServicer
from .servicers.identity import AuthServicer, OrganizationServicer
from .servicers.messages import EventServicer, MessageServicer
from .servicers.metrics import MetricsServicer
from .servicers.notifications import NotificationServicer
from .servicers.opportunities import OpportunityServicer, PracticeServicer
from .servicers.orders import OrderServicer
from .servicers.packs import PackServicer
from .servicers.planning import PlanningServicer
from .servicers.records import RecordServicer
from .servicers.setups import SetupServicer

SERVICES = [d.full_name for f in (identity_pb2, cases_pb2, collaborators_pb2, setups_pb2, records_pb2, messages_pb2,
                                                  notifications_pb2, orders_pb2, opportunities_pb2,
                                                  packs_pb2, metrics_pb2, planning_pb2)
            for d in f.DESCRIPTOR.services_by_name.values()]


class ApiServer:
    """`start()` binds (port 0 picks a free one); `stop(grace)` flips health to NOT_SERVING first,
    ends the event streams (clients resume elsewhere), then lets in-flight calls finish within the
    grace period.

    The server owns the live-event hub of its process: `rt.deps.events` points at it so that
    commits wake its streams; on PostgreSQL a listener wakes it for commits of other processes, on
    SQLite (no NOTIFY) it looks at the streamed topics once a second.
    Each event stream holds a thread, so the pool has `workers` for unary calls plus `max_streams`."""

    def __init__(self, rt: Runtime, address: str = "127.0.0.1:50051", workers: int = 16, *,
                 max_streams: int = 2000, heartbeat_s: float = 15.0, http_address: str = ""):
        self.rt = rt
        self.pages = PatientPages(rt, http_address) if http_address else None
        with rt.uow() as uow:
            engine = uow.session.get_bind()
        # SQLite has no NOTIFY: commits of other processes (planners) are found by polling
        self.hub = EventHub(self._fetch, self._last_seq, page=events.PAGE,
                            poll_s=1.0 if engine.dialect.name == "sqlite" else None)
        self._previous_hub, rt.deps.events = rt.deps.events, self.hub
        self.listener = None
        if engine.dialect.name == "postgresql":
            conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.listener = PgListener(conninfo, events.CHANNEL, self.hub)
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers + max_streams),
                                  interceptors=[ApiInterceptor(rt, workers)],
                                  maximum_concurrent_rpcs=workers + max_streams,
                                  options=[("grpc.max_receive_message_length", 8 << 20)])
        identity_pb2_grpc.add_AuthServiceServicer_to_server(AuthServicer(rt), self.server)
        identity_pb2_grpc.add_OrganizationServiceServicer_to_server(OrganizationServicer(rt), self.server)
        cases_pb2_grpc.add_PatientServiceServicer_to_server(PatientServicer(rt), self.server)
        cases_pb2_grpc.add_CaseServiceServicer_to_server(CaseServicer(rt), self.server)
        collaborators_pb2_grpc.add_CollaboratorServiceServicer_to_server(CollaboratorServicer(rt), self.server)
        setups_pb2_grpc.add_SetupServiceServicer_to_server(SetupServicer(rt), self.server)
        records_pb2_grpc.add_RecordServiceServicer_to_server(RecordServicer(rt), self.server)
        messages_pb2_grpc.add_MessageServiceServicer_to_server(MessageServicer(rt), self.server)
        notifications_pb2_grpc.add_NotificationServiceServicer_to_server(NotificationServicer(rt), self.server)
        orders_pb2_grpc.add_OrderServiceServicer_to_server(OrderServicer(rt), self.server)
        opportunities_pb2_grpc.add_PracticeServiceServicer_to_server(PracticeServicer(rt), self.server)
        opportunities_pb2_grpc.add_OpportunityServiceServicer_to_server(OpportunityServicer(rt), self.server)
        packs_pb2_grpc.add_PackServiceServicer_to_server(PackServicer(rt), self.server)
        metrics_pb2_grpc.add_MetricsServiceServicer_to_server(MetricsServicer(rt), self.server)
        streams = EventServicer(rt, self.hub, max_streams=max_streams, heartbeat_s=heartbeat_s)
        messages_pb2_grpc.add_EventServiceServicer_to_server(streams, self.server)
        planning_pb2_grpc.add_PlanningServiceServicer_to_server(PlanningServicer(rt, self.hub, streams), self.server)
        self.health = health.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection([*SERVICES, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        self.port = self.server.add_insecure_port(address)
        if self.port == 0:
            raise OSError(f"cannot listen on {address}")
        self.host = address.rsplit(":", 1)[0]

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> ApiServer:
        self.server.start()
        if self.pages is not None:
            self.pages.start()
        for name in ("", *SERVICES):
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)
        return self

    def stop(self, grace: float = 5.0) -> None:
        self.health.enter_graceful_shutdown()
        if self.pages is not None:
            self.pages.stop()
        self.hub.close()
        if self.listener is not None:
            self.listener.close()
        self.server.stop(grace).wait()
        if self.rt.deps.events is self.hub:
            self.rt.deps.events = self._previous_hub

    def _fetch(self, topic: str, after: int) -> list:
        with self.rt.uow() as uow:
            return events.since(uow.session, topic, after)

    def _last_seq(self, topic: str) -> int:
        with self.rt.uow() as uow:
            return events.last_seq(uow.session, topic)

    def wait(self) -> None:
        self.server.wait_for_termination()
