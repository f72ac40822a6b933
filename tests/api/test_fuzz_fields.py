"""Bad input for every field of every unary RPC, driven by the proto descriptors: empty, huge,
control characters, wrong enum values, malformed and unknown ids, huge or negative numbers, huge
repeated fields. Each call must get a deliberate answer (a domain status, or OK), never INTERNAL,
UNKNOWN or a hang, and the audit chain must still verify afterwards.
"""

from __future__ import annotations

import math

import grpc
import pytest
from google.protobuf.descriptor import FieldDescriptor as F
from orthoplan.adapters import audit
from orthoplan.api.server import SERVICES
from orthoplan.v1 import cases_pb2, collaborators_pb2, identity_pb2, records_pb2, setups_pb2

from tests.api.conftest import database, serve
from tests.api.helpers import details, rpc_error

MODULES = (identity_pb2, cases_pb2, collaborators_pb2, setups_pb2, records_pb2)
SKIP = {"SignOut"}  # would end the session the sweep runs with
DELIBERATE = {grpc.StatusCode.OK, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND,
              grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.PERMISSION_DENIED,
              grpc.StatusCode.ALREADY_EXISTS, grpc.StatusCode.ABORTED, grpc.StatusCode.UNAUTHENTICATED}
STRINGS = ["", "x" * 100_000, "\x00\x01\x1f", "a\x00b@c.test", "\U0001f4a5" * 2000, "' OR 1=1 --", "0" * 32,
           "../../etc/passwd"]
BAD = {
    F.TYPE_STRING: STRINGS,
    F.TYPE_BYTES: [b"", b"\x00" * 100_000],
    F.TYPE_INT32: [-1, 2**31 - 1, -(2**31)],
    F.TYPE_INT64: [-1, 2**63 - 1],
    F.TYPE_DOUBLE: [math.nan, math.inf, -1e308],
    F.TYPE_ENUM: [999, -5],
    F.TYPE_BOOL: [True],
}


def _unary_methods():
    for mod in MODULES:
        for svc in mod.DESCRIPTOR.services_by_name.values():
            assert svc.full_name in SERVICES
            for meth in svc.methods:
                if not meth.client_streaming and not meth.server_streaming and meth.name not in SKIP:
                    yield svc, meth


def _cases(desc, prefix: str = "", depth: int = 0):
    """(field path, setter) pairs: one bad value in one field, nested messages one level deep."""
    for f in desc.fields:
        path = prefix + f.name
        if f.type == F.TYPE_MESSAGE:
            if depth == 0 and not f.message_type.full_name.startswith("google.protobuf"):
                for sub, setter in _cases(f.message_type, path + ".", depth + 1):
                    if f.is_repeated:
                        yield sub, (lambda msg, f=f, s=setter: s(getattr(msg, f.name).add()))
                    else:
                        yield sub, (lambda msg, f=f, s=setter: s(getattr(msg, f.name)))
            continue
        for value in BAD.get(f.type, ()):
            if f.is_repeated:
                count = 10_000 if f.type != F.TYPE_STRING or len(value) < 100 else 3
                yield path, (lambda msg, f=f, v=value, n=count: getattr(msg, f.name).extend([v] * n))
            else:
                yield path, (lambda msg, f=f, v=value: setattr(msg, f.name, v))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    with database(request.param, folder) as url, serve(url, folder) as a:
        yield a


def test_every_field_of_every_rpc_gets_a_deliberate_answer(api):
    stubs = api.sign_in(api.admin_email)
    calls, bad = 0, []
    for svc, meth in _unary_methods():
        stub_group = {"AuthService": stubs.auth, "OrganizationService": stubs.org, "PatientService": stubs.patients,
                      "CaseService": stubs.cases, "CollaboratorService": stubs.collab,
                      "SetupService": stubs.setups, "RecordService": stubs.records}[svc.name]
        request_cls = getattr(next(m for m in MODULES if meth.input_type.file.name == m.DESCRIPTOR.name),
                              meth.input_type.name, None)
        if request_cls is None:  # a well-known type (Empty) as the request: nothing to vary
            continue
        for path, setter in _cases(meth.input_type):
            req = request_cls()
            try:
                setter(req)
            except (ValueError, TypeError):  # the message itself refuses the value (e.g. bad UTF-8)
                continue
            calls += 1
            try:
                getattr(stub_group, meth.name)(req, timeout=20)
                code, why = grpc.StatusCode.OK, ""
            except grpc.RpcError as err:
                code, why = err.code(), err.details()
            if code not in DELIBERATE:
                bad.append(f"{meth.name} {path}: {code.name} {why[:120]}")
    assert calls > 900 and not bad, bad[:20]
    with api.runtime.uow() as uow:
        assert audit.verify(uow.session).ok


def test_errors_about_huge_input_stay_small(api):
    """Every violation of ten thousand is not listed, and no input is echoed back whole."""
    stubs = api.sign_in(api.admin_email)
    err = rpc_error(lambda: stubs.org.CreateUser(identity_pb2.CreateUserRequest(user=identity_pb2.User(
        email="a@b.test", display_name="A", role=identity_pb2.PROVIDER, location_ids=["bad"] * 10_000))),
        grpc.StatusCode.INVALID_ARGUMENT)
    v = details(err)["violations"]
    assert len(v) <= 21 and "more violations not listed" in v["\u2026"]
    err = rpc_error(lambda: stubs.cases.ListCases(cases_pb2.ListCasesRequest(filter="x" * 100_000)),
                    grpc.StatusCode.INVALID_ARGUMENT)
    assert len(details(err)["violations"]["filter"]) <= 200
