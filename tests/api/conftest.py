"""A real server on 127.0.0.1:0 over a fresh database: SQLite, and PostgreSQL where one is reachable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from orthoplan.adapters.artifacts import LocalArtifactStore
from orthoplan.adapters.db.engine import make_engine, upgrade
from orthoplan.adapters.db.uow import uow_factory
from orthoplan.adapters.passwords import Argon2Passwords
from orthoplan.api.context import Runtime
from orthoplan.api.server import ApiServer
from orthoplan.domain.identity import Role
from orthoplan.services.deps import Deps
from orthoplan.services.organization import NewUser, init_organization
from orthoplan.v1 import (
    cases_pb2_grpc,
    collaborators_pb2_grpc,
    identity_pb2,
    identity_pb2_grpc,
    messages_pb2_grpc,
    metrics_pb2_grpc,
    notifications_pb2_grpc,
    opportunities_pb2_grpc,
    orders_pb2_grpc,
    packs_pb2_grpc,
    planning_pb2_grpc,
    records_pb2_grpc,
    setups_pb2_grpc,
)

from tests.api.local import pg_unreachable, scratch_pg_database

PASSWORD = "correct horse 42 battery"


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh database URL: an SQLite file in `folder`, or a scratch PostgreSQL database (the
    test skips, saying why, where none is reachable)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'orthoplan.db'}"
        return
    why = pg_unreachable()
    if why:
        pytest.skip(why)
    with scratch_pg_database("orthoplan_t") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


@dataclass
class Api:
    server: ApiServer
    runtime: Runtime
    channel: grpc.Channel
    admin_email: str

    def stubs(self, token: str | None = None):
        return Stubs(self.channel, token)

    def sign_in(self, email: str, password: str = PASSWORD) -> Stubs:
        res = identity_pb2_grpc.AuthServiceStub(self.channel).SignIn(
            identity_pb2.SignInRequest(email=email, password=password))
        return Stubs(self.channel, res.access_token)


class Stubs:
    """Stubs whose calls carry the bearer token."""

    def __init__(self, channel: grpc.Channel, token: str | None):
        self.token = token
        md = [("authorization", f"Bearer {token}")] if token else []
        self.auth = _WithMetadata(identity_pb2_grpc.AuthServiceStub(channel), md)
        self.org = _WithMetadata(identity_pb2_grpc.OrganizationServiceStub(channel), md)
        self.patients = _WithMetadata(cases_pb2_grpc.PatientServiceStub(channel), md)
        self.cases = _WithMetadata(cases_pb2_grpc.CaseServiceStub(channel), md)
        self.collab = _WithMetadata(collaborators_pb2_grpc.CollaboratorServiceStub(channel), md)
        self.setups = _WithMetadata(setups_pb2_grpc.SetupServiceStub(channel), md)
        self.records = _WithMetadata(records_pb2_grpc.RecordServiceStub(channel), md)
        self.messages = _WithMetadata(messages_pb2_grpc.MessageServiceStub(channel), md)
        self.events = _WithMetadata(messages_pb2_grpc.EventServiceStub(channel), md)
        self.notifications = _WithMetadata(notifications_pb2_grpc.NotificationServiceStub(channel), md)
        self.orders = _WithMetadata(orders_pb2_grpc.OrderServiceStub(channel), md)
        self.practice = _WithMetadata(opportunities_pb2_grpc.PracticeServiceStub(channel), md)
        self.opportunities = _WithMetadata(opportunities_pb2_grpc.OpportunityServiceStub(channel), md)
        self.packs = _WithMetadata(packs_pb2_grpc.PackServiceStub(channel), md)
        self.metrics = _WithMetadata(metrics_pb2_grpc.MetricsServiceStub(channel), md)
        self.planning = _WithMetadata(planning_pb2_grpc.PlanningServiceStub(channel), md)


class _WithMetadata:
    def __init__(self, stub, metadata):
        self._stub, self._md = stub, metadata

    def __getattr__(self, name):
        method = getattr(self._stub, name)
        return lambda request, **kw: method(request, metadata=self._md + list(kw.pop("metadata", [])), **kw)


@contextmanager
def serve(database_url: str, folder: Path) -> Iterator[Api]:
    """A real server on 127.0.0.1:0 over a migrated database with one organization and its super
    admin; artifacts under `folder`."""
    engine = make_engine(database_url)
    upgrade(engine)
    deps = Deps(passwords=Argon2Passwords(time_cost=1, memory_cost_kib=1024),
                artifacts=LocalArtifactStore(folder / "artifacts"), max_scan_bytes=4 << 20, max_image_bytes=1 << 20)
    rt = Runtime(uow_factory(engine), deps)
    with rt.uow() as uow:
        init_organization(uow, deps, "Smile Group", NewUser("boss@smile.test", "Boss", int(Role.SUPER_ADMIN), PASSWORD))
        uow.commit()
    server = ApiServer(rt, "127.0.0.1:0", workers=8).start()
    channel = grpc.insecure_channel(server.target)
    try:
        yield Api(server, rt, channel, "boss@smile.test")
    finally:
        channel.close()
        server.stop(grace=1.0)
        engine.dispose()


@pytest.fixture
def api(database_url, tmp_path):
    with serve(database_url, tmp_path) as a:
        yield a
