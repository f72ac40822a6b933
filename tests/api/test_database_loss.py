"""Losing the database connections (a PostgreSQL restart or failover): the calls that hit a dead
connection get UNAVAILABLE, which clients retry as they are; the pool reconnects, and the SDK's
retry makes the loss invisible to its caller."""

from __future__ import annotations

import grpc
import pytest
from orthoplan.client.sdk import Client
from orthoplan.v1 import cases_pb2 as cpb
from sqlalchemy import create_engine, text

from tests.api.conftest import PASSWORD, serve
from tests.api.helpers import build_org, details, new_case, new_patient
from tests.api.local import PG_ADMIN_URL, pg_unreachable, scratch_pg_database


def _kill_connections(url: str) -> int:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            return len(c.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE datname = :db AND pid <> pg_backend_pid()"),
                                 {"db": url.rsplit("/", 1)[1]}).all())
    finally:
        admin.dispose()


def test_lost_connections_give_unavailable_then_recover(tmp_path):
    why = pg_unreachable()
    if why:
        pytest.skip(why)
    with scratch_pg_database("orthoplan_t") as url, serve(url, tmp_path) as api:
        org = build_org(api)
        prov = org.as_["provider_a"]
        case = new_case(prov, new_patient(prov, org.loc_a.id, org.users["provider_a"].id, "CH-1").id)
        get = lambda: prov.cases.GetCase(cpb.GetCaseRequest(id=case.id))  # noqa: E731
        for _ in range(20):  # several pooled connections in use
            get()
        assert _kill_connections(url) >= 1
        outcomes = set()
        for _ in range(30):  # each dead pooled connection fails one call, then is replaced
            try:
                assert get().id == case.id
                outcomes.add("ok")
            except grpc.RpcError as err:
                assert err.code() == grpc.StatusCode.UNAVAILABLE, err.details()
                assert details(err)["reason"] == "UNAVAILABLE"
                outcomes.add("unavailable")
        assert outcomes == {"ok", "unavailable"}
        assert get().id == case.id
        _kill_connections(url)
        with Client(api.server.target) as c:  # retried by the SDK: the caller never sees the loss
            c.sign_in("provider_a@smile.test", PASSWORD)
            _kill_connections(url)
            for _ in range(10):
                assert c.get_case(case.id).id == case.id
