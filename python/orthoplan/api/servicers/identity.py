"""AuthService and OrganizationService servicers."""

from __future__ import annotations

from sqlalchemy import select

from ...adapters.db import models as m
from ...services import auth, organization
from ...v1 import identity_pb2 as ipb
from ...v1 import identity_pb2_grpc as ipb_grpc
from .. import convert
from ..context import Runtime, mutate, principal, read, unit_of_work


def _user_msg(uow, row: m.User) -> ipb.User:
    locs = uow.session.execute(select(m.UserLocation.location_id).where(m.UserLocation.user_id == row.id)).scalars()
    return convert.user(row, list(locs))


class AuthServicer(ipb_grpc.AuthServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def SignIn(self, request, context):
        with unit_of_work(self.rt, write=True) as uow:
            token, row = auth.sign_in(uow, self.rt.deps, request.email, request.password, context.peer()[:200])
            msg = _user_msg(uow, row)
            uow.commit()
        return ipb.SignInResponse(access_token=token, idle_timeout_seconds=self.rt.deps.idle_timeout_s, user=msg)

    def SignOut(self, request, context):
        with unit_of_work(self.rt, write=True) as uow:
            auth.sign_out(uow, self.rt.deps, principal())
            uow.commit()
        return ipb.SignOutResponse()

    def GetCurrentUser(self, request, context):
        return read(self.rt, lambda uow, p: _user_msg(uow, organization.get_user(uow, p, p.user_id)))


class OrganizationServicer(ipb_grpc.OrganizationServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def CreateRegion(self, request, context):
        def body(uow, p):
            row = organization.create_region(uow, self.rt.deps, p, request.region.name)
            return ipb.Region(id=row.id, name=row.name)
        return mutate(self.rt, "CreateRegion", request, request.request_id, body, ipb.Region)

    def CreateLocation(self, request, context):
        def body(uow, p):
            row = organization.create_location(uow, self.rt.deps, p, request.location.name,
                                               request.location.region_id)
            return ipb.Location(id=row.id, name=row.name, region_id=row.region_id or "")
        return mutate(self.rt, "CreateLocation", request, request.request_id, body, ipb.Location)

    def CreateUser(self, request, context):
        u = request.user
        new = organization.NewUser(u.email, u.display_name, u.role, request.password, u.region_id,
                                   tuple(u.location_ids))

        def body(uow, p):
            row = organization.create_user(uow, self.rt.deps, p, new)
            uow.flush()
            return _user_msg(uow, row)
        return mutate(self.rt, "CreateUser", request, request.request_id, body, ipb.User)

    def GetUser(self, request, context):
        return read(self.rt, lambda uow, p: _user_msg(uow, organization.get_user(uow, p, request.id)))

    def ListUsers(self, request, context):
        def body(uow, p):
            rows, nxt = organization.list_users(uow, p, request.page_size, request.page_token, request.filter,
                                                    request.order_by)
            return ipb.ListUsersResponse(users=[_user_msg(uow, r) for r in rows], next_page_token=nxt)
        return read(self.rt, body)

    def DeactivateUser(self, request, context):
        def body(uow, p):
            return _user_msg(uow, organization.deactivate_user(uow, self.rt.deps, p, request.id, request.etag))
        return mutate(self.rt, "DeactivateUser", request, "", body, ipb.User)
