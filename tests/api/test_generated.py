"""Generated code is what the pinned script makes from the protos, and every RPC is implemented."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest
from orthoplan.api.servicers.cases import CaseServicer, PatientServicer
from orthoplan.api.servicers.collaborators import CollaboratorServicer
from orthoplan.api.servicers.identity import AuthServicer, OrganizationServicer
from orthoplan.api.servicers.setups import SetupServicer
from orthoplan.v1 import cases_pb2, collaborators_pb2, identity_pb2, setups_pb2

ROOT = Path(__file__).resolve().parents[2]
SERVICERS = {"AuthService": AuthServicer, "OrganizationService": OrganizationServicer,
             "PatientService": PatientServicer, "CaseService": CaseServicer,
             "CollaboratorService": CollaboratorServicer, "SetupService": SetupServicer}


def test_generated_code_matches_the_protos(tmp_path):
    pytest.importorskip("grpc_tools", reason="grpcio-tools (extra 'test') regenerates the code")
    spec = importlib.util.spec_from_file_location("gen_protos", ROOT / "scripts" / "gen_protos.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path)
    committed = ROOT / "python" / "orthoplan" / "v1"
    fresh = sorted(p.name for p in (tmp_path / "orthoplan" / "v1").iterdir())
    assert fresh == sorted(p.name for p in committed.iterdir() if p.is_file())
    for name in fresh:
        assert (tmp_path / "orthoplan" / "v1" / name).read_text() == (committed / name).read_text(), (
            f"{name} is stale: run python scripts/gen_protos.py")


def test_every_rpc_is_implemented_and_nothing_extra():
    services = {s.name: s for f in (identity_pb2, cases_pb2, collaborators_pb2, setups_pb2)
                for s in f.DESCRIPTOR.services_by_name.values()}
    assert set(services) == set(SERVICERS)
    for name, service in services.items():
        cls = SERVICERS[name]
        base = cls.__mro__[1]
        rpcs = {m.name for m in service.methods}
        public = {n for n, f in inspect.getmembers(cls, inspect.isfunction) if n[0].isupper()}
        assert public == rpcs, name
        for rpc in rpcs:
            assert getattr(cls, rpc) is not getattr(base, rpc), f"{name}.{rpc} is not implemented"
