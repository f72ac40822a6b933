"""The SDK and the CLI as thin clients of a real server: the README tour, errors, retries."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import grpc
import pytest
from orthoplan.api.server import ApiServer
from orthoplan.client import session_store
from orthoplan.client.sdk import ApiError, Client, permission_values
from orthoplan.v1 import collaborators_pb2 as kpb

from tests.api.conftest import PASSWORD
from tests.api.helpers import cli
from tests.api.local import free_port
from tests.files import png, tooth_stl


def cli_json(env, *args):
    return json.loads(cli(env, *args, "--json"))


def test_cli_tour_sign_in_create_share(api, tmp_path):
    env = {"ORTHOPLAN_DATA_DIR": str(tmp_path / "cli"), "ORTHOPLAN_SERVER": api.server.target,
           "ORTHOPLAN_PASSWORD": PASSWORD, "ORTHOPLAN_NEW_USER_PASSWORD": PASSWORD}
    assert "not signed in" in cli(env, "cases", "list", ok=False)
    bad = {**env, "ORTHOPLAN_PASSWORD": "wrong password!!"}
    assert "UNAUTHENTICATED" in cli(bad, "login", "--email", api.admin_email, ok=False)
    cli(env, "login", "--email", api.admin_email)
    saved = session_store.session_path(env)
    assert saved.stat().st_mode & 0o777 == 0o600
    loc = cli_json(env, "locations", "create", "High Street")[0]
    prov = cli_json(env, "users", "create", "--email", "dr@smile.test", "--name", "Dr Who", "--role", "provider",
                    "--location-id", loc["id"])[0]
    cli(env, "login", "--email", "dr@smile.test")
    assert "dr@smile.test" in cli(env, "whoami")
    pat = cli_json(env, "patients", "create", "--first", "Ada", "--last", "Lovelace", "--location-id", loc["id"],
                   "--provider-id", prov["id"], "--chart", "CH-7", "--birth-date", "1990-05-01")[0]
    case = cli_json(env, "cases", "create", "--patient-id", pat["id"], "--goals", "close spaces",
                    "--arch", "upper", "--arch", "lower", "--ipr")[0]
    table = cli(env, "cases", "list")
    assert case["number"] in table and "Ada Lovelace" in table and "DRAFT" in table
    assert "close spaces" in cli(env, "cases", "show", case["id"])
    assert cli_json(env, "cases", "list", "--query", "lovel")[0]["id"] == case["id"]
    assert cli_json(env, "cases", "list", "--state", "submitted") == []
    # the consent rule comes back as a readable error naming the field
    out = cli(env, "collaborators", "add", "tess@lab.test", "-p", "approve", ok=False)
    assert "CONSENT_REQUIRED" in out and "confirm_consent" in out
    out = cli(env, "collaborators", "add", "tess@lab.test", "-p", "approvee", ok=False)
    assert "unknown permission 'approvee'" in out
    collab = cli_json(env, "collaborators", "add", "tess@lab.test", "-p", "approve", "-p", "view_case_details",
                      "--confirm-consent")[0]
    assert collab["state"] == "INVITED"
    cli(env, "collaborators", "share", collab["id"], case["id"])
    assert "APPROVE" in cli(env, "collaborators", "list")
    # records: a real scan streamed up, listed, and back down byte for byte
    scan = tmp_path / "upper.stl"
    scan.write_bytes(tooth_stl())
    rec = cli_json(env, "records", "upload", case["id"], str(scan), "--kind", "upper-scan", "--taken", "2026-01-15")[0]
    assert (rec["content_type"], rec["filename"]) == ("model/stl", "upper.stl")
    (tmp_path / "photo.jpg").write_bytes(png())  # named .jpg: the content decides
    out = cli(env, "records", "upload", case["id"], str(tmp_path / "photo.jpg"), "--kind", "photo", ok=False)
    assert "header.view: a PHOTO names one of the eight views" in out
    cli(env, "records", "upload", case["id"], str(tmp_path / "photo.jpg"), "--kind", "photo", "--view",
        "intraoral-frontal")
    table = cli(env, "records", "list", case["id"])
    assert "image/png" in table and "model/stl" in table and "INTRAORAL_FRONTAL" in table
    assert [r["id"] for r in cli_json(env, "records", "list", case["id"], "--kind", "upper-scan")] == [rec["id"]]
    (tmp_path / "down").mkdir()
    assert "wrote" in cli(env, "records", "download", rec["id"], "-o", str(tmp_path / "down"))
    assert (tmp_path / "down" / "upper.stl").read_bytes() == scan.read_bytes()
    assert "NOT_FOUND" in cli(env, "records", "download", "0" * 32, "-o", str(tmp_path / "x"), ok=False)
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.part").exists()
    submitted = cli_json(env, "cases", "submit", case["id"])[0]
    assert submitted["state"] == "SUBMITTED"
    # a stale etag is refused
    out = cli(env, "cases", "cancel", case["id"], "--etag", case["etag"], ok=False)
    assert "ABORTED" in out
    cli(env, "logout")
    assert not saved.exists()
    assert "not signed in" in cli(env, "whoami", ok=False)


def test_sdk_errors_and_pages(api):
    with Client(api.server.target) as c:
        with pytest.raises(ApiError) as ei:
            c.sign_in(api.admin_email, "wrong password!!")
        assert ei.value.code == grpc.StatusCode.UNAUTHENTICATED
        c.sign_in(api.admin_email, PASSWORD)
        loc = c.create_location("A")
        with pytest.raises(ApiError) as ei:
            c.create_patient(first_name="", last_name="", location_id="bad id", provider_id="", birth_date="x",
                             chart_number="")
        assert ei.value.code == grpc.StatusCode.INVALID_ARGUMENT
        assert {"patient.first_name", "patient.last_name"} <= set(ei.value.violations)
        prov = c.create_user("p@smile.test", "P", "PROVIDER", PASSWORD, [loc.id])
        for i in range(7):
            p = c.create_patient(first_name=f"N{i}", last_name="X", location_id=loc.id, provider_id=prov.id,
                                 birth_date="1990-01-01", chart_number=f"C{i}")
            c.create_case(p.id, goals="g")
        assert len(list(c.iter_cases(page_size=3))) == 7
        assert len(list(c.iter_patients(query="n3", page_size=2))) == 1
        with pytest.raises(ValueError, match="name"):
            c.transition_case("approve", "x")
    assert permission_values(["approve", "view-case-details", 1]) == [kpb.APPROVE, kpb.VIEW_CASE_DETAILS, 1]


def test_sdk_retries_while_the_server_is_starting_without_doubling_a_create(api):
    """A mutation retried on UNAVAILABLE carries the same request_id: one case, not two."""
    with Client(api.server.target) as c:
        c.sign_in(api.admin_email, PASSWORD)
        loc = c.create_location("A")
        prov = c.create_user("p@smile.test", "P", "PROVIDER", PASSWORD, [loc.id])
        token = c.sign_in("p@smile.test", PASSWORD)
        patient = c.create_patient(first_name="A", last_name="B", location_id=loc.id, provider_id=prov.id,
                                   birth_date="1990-01-01", chart_number="C1")
    port = free_port()
    later = ApiServer(api.runtime, f"127.0.0.1:{port}", workers=2)
    timer = threading.Timer(0.4, later.start)
    timer.start()
    try:
        with Client(f"127.0.0.1:{port}", token, retries=6) as c:
            made = c.create_case(patient.id, goals="g", request_id="once")
            again = c.create_case(patient.id, goals="g", request_id="once")
            assert made.id == again.id
            assert [x.id for x in c.iter_cases()] == [made.id]
    finally:
        timer.join()
        later.stop(grace=0.5)


def test_serve_and_cli_as_processes(tmp_path):
    """`orthoplan admin init`, `orthoplan serve` and the CLI as separate processes; SIGTERM stops
    the server gracefully."""
    env = {**os.environ, "ORTHOPLAN_HTTP_LISTEN": "127.0.0.1:0",
           "ORTHOPLAN_DATA_DIR": str(tmp_path / "data"), "ORTHOPLAN_ADMIN_PASSWORD": PASSWORD,
           "ORTHOPLAN_PASSWORD": PASSWORD, "ORTHOPLAN_ARGON2_MEMORY_KIB": "8192", "ORTHOPLAN_ARGON2_TIME_COST": "1"}
    exe = [sys.executable, "-m", "orthoplan.client.cli"]
    subprocess.run([*exe, "admin", "init", "--organization", "Smile", "--email", "boss@smile.test",
                    "--name", "Boss"], env=env, check=True, capture_output=True, timeout=60)
    port = free_port()
    env["ORTHOPLAN_SERVER"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([*exe, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        r = subprocess.run([*exe, "health", "--wait", "30"], env=env, capture_output=True, text=True, timeout=60)
        assert r.stdout.strip() == "SERVING", r.stdout + r.stderr
        r = subprocess.run([*exe, "login", "--email", "boss@smile.test"], env=env, capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, r.stdout + r.stderr
        r = subprocess.run([*exe, "whoami"], env=env, capture_output=True, text=True, timeout=30)
        assert "SUPER_ADMIN" in r.stdout, r.stdout + r.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=30)
    assert server.returncode == 0, out
    assert Path(tmp_path / "data" / "orthoplan.db").exists()
