"""Sign-in, tokens, idle expiry, revocation, user management, health."""

from __future__ import annotations

from datetime import timedelta

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from orthoplan.v1 import identity_pb2 as ipb

from tests.api.helpers import build_org, details, rpc_error


def test_sign_in_wrong_password_and_unknown_email_look_the_same(api):
    stubs = api.stubs()
    e1 = rpc_error(lambda: stubs.auth.SignIn(ipb.SignInRequest(email=api.admin_email, password="nope")),
                   grpc.StatusCode.UNAUTHENTICATED)
    e2 = rpc_error(lambda: stubs.auth.SignIn(ipb.SignInRequest(email="ghost@x.test", password="nope")),
                   grpc.StatusCode.UNAUTHENTICATED)
    assert e1.details() == e2.details()


def test_calls_need_a_valid_token(api):
    rpc_error(lambda: api.stubs().auth.GetCurrentUser(ipb.GetCurrentUserRequest()), grpc.StatusCode.UNAUTHENTICATED)
    rpc_error(lambda: api.stubs("forged").auth.GetCurrentUser(ipb.GetCurrentUserRequest()),
              grpc.StatusCode.UNAUTHENTICATED)
    me = api.sign_in(api.admin_email).auth.GetCurrentUser(ipb.GetCurrentUserRequest())
    assert me.email == api.admin_email and me.role == ipb.SUPER_ADMIN


def test_sign_out_revokes_at_once(api):
    s = api.sign_in(api.admin_email)
    s.auth.SignOut(ipb.SignOutRequest())
    rpc_error(lambda: s.auth.GetCurrentUser(ipb.GetCurrentUserRequest()), grpc.StatusCode.UNAUTHENTICATED)


def test_idle_sessions_expire(api):
    s = api.sign_in(api.admin_email)
    real = api.runtime.deps.clock
    api.runtime.deps.clock = lambda: real() + timedelta(minutes=31)
    try:
        err = rpc_error(lambda: s.auth.GetCurrentUser(ipb.GetCurrentUserRequest()), grpc.StatusCode.UNAUTHENTICATED)
        assert "inactivity" in err.details()
    finally:
        api.runtime.deps.clock = real


def test_deactivated_user_is_signed_out_and_cannot_sign_in(api):
    org = build_org(api)
    user = org.admin.org.GetUser(ipb.GetUserRequest(id=org.users["tc_a"].id))
    org.admin.org.DeactivateUser(ipb.DeactivateUserRequest(id=user.id, etag=user.etag))
    rpc_error(lambda: org.as_["tc_a"].auth.GetCurrentUser(ipb.GetCurrentUserRequest()),
              grpc.StatusCode.UNAUTHENTICATED)
    rpc_error(lambda: api.sign_in("tc_a@smile.test"), grpc.StatusCode.UNAUTHENTICATED)
    # the etag moved on: a second deactivation with the old one is refused
    rpc_error(lambda: org.admin.org.DeactivateUser(ipb.DeactivateUserRequest(id=user.id, etag=user.etag)),
              grpc.StatusCode.ABORTED)


def test_create_user_reports_every_bad_field(api):
    admin = api.sign_in(api.admin_email)
    err = rpc_error(lambda: admin.org.CreateUser(ipb.CreateUserRequest(
        user=ipb.User(email="not-an-email", display_name="", role=99, location_ids=["xyz"]), password="short")),
        grpc.StatusCode.INVALID_ARGUMENT)
    v = details(err)["violations"]
    assert {"user.email", "user.display_name", "user.role", "password", "user.location_ids[0]"} <= set(v)


def test_user_scope_and_role_limits(api):
    org = build_org(api)
    # a location admin sees users of its location, not of others
    seen = org.as_["locadmin_b"].org.ListUsers(ipb.ListUsersRequest(page_size=100)).users
    assert {u.email for u in seen} == {"locadmin_b@smile.test", "provider_b@smile.test"}
    rpc_error(lambda: org.as_["locadmin_b"].org.GetUser(ipb.GetUserRequest(id=org.users["provider_a"].id)),
              grpc.StatusCode.NOT_FOUND)
    # non-admins cannot create users; a location admin cannot create a super admin
    rpc_error(lambda: org.as_["provider_a"].org.CreateUser(ipb.CreateUserRequest(
        user=ipb.User(email="x@smile.test", display_name="x", role=ipb.PROVIDER, location_ids=[org.loc_a.id]),
        password="correct horse 42 battery")), grpc.StatusCode.PERMISSION_DENIED)
    rpc_error(lambda: org.as_["locadmin_b"].org.CreateUser(ipb.CreateUserRequest(
        user=ipb.User(email="y@smile.test", display_name="y", role=ipb.SUPER_ADMIN),
        password="correct horse 42 battery")), grpc.StatusCode.PERMISSION_DENIED)


def test_list_users_pages_are_stable(api):
    org = build_org(api)
    pages, token = [], ""
    while True:
        res = org.admin.org.ListUsers(ipb.ListUsersRequest(page_size=3, page_token=token))
        pages.append([u.email for u in res.users])
        token = res.next_page_token
        if not token:
            break
    flat = [e for p in pages for e in p]
    assert flat == sorted(flat) and len(flat) == len(set(flat)) == 8
    rpc_error(lambda: org.admin.org.ListUsers(ipb.ListUsersRequest(page_token="garbage!")),
              grpc.StatusCode.INVALID_ARGUMENT)
    rpc_error(lambda: org.admin.org.ListUsers(ipb.ListUsersRequest(page_size=100000)),
              grpc.StatusCode.INVALID_ARGUMENT)


def test_health_serving_then_not_serving_on_shutdown(api):
    stub = health_pb2_grpc.HealthStub(api.channel)
    res = stub.Check(health_pb2.HealthCheckRequest(service="orthoplan.v1.CaseService"))
    assert res.status == health_pb2.HealthCheckResponse.SERVING
    api.server.health.enter_graceful_shutdown()
    res = stub.Check(health_pb2.HealthCheckRequest(service=""))
    assert res.status == health_pb2.HealthCheckResponse.NOT_SERVING
