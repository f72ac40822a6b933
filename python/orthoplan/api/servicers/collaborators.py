"""CollaboratorService servicer."""

from __future__ import annotations

from ...services import cases, collaborators, messages
from ...v1 import cases_pb2 as cpb
from ...v1 import collaborators_pb2 as kpb
from ...v1 import collaborators_pb2_grpc as kpb_grpc
from .. import convert
from ..context import Runtime, mutate, read, unauthenticated


class CollaboratorServicer(kpb_grpc.CollaboratorServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def _out(self, uow, row):
        return convert.collaborator(row, collaborators.provider_name(uow.session, row))

    def AddCollaborator(self, request, context):
        def body(uow, p):
            row = collaborators.add_collaborator(uow, self.rt.deps, p, request.email,
                                                 request.permissions, request.confirm_consent)
            return self._out(uow, row)
        return mutate(self.rt, "AddCollaborator", request, request.request_id, body, kpb.Collaborator)

    def GetCollaborator(self, request, context):
        return read(self.rt, lambda uow, p: self._out(uow, collaborators.get_collaborator(uow, p, request.id)))

    def ListCollaborators(self, request, context):
        def body(uow, p):
            rows, nxt = collaborators.list_collaborators(uow, p, request.page_size, request.page_token,
                                                         request.as_collaborator, request.filter, request.order_by)
            return kpb.ListCollaboratorsResponse(collaborators=[convert.collaborator(r, n) for r, n in rows],
                                                 next_page_token=nxt)
        return read(self.rt, body)

    def UpdateCollaborator(self, request, context):
        def body(uow, p):
            row = collaborators.update_collaborator(uow, self.rt.deps, p, request.id, request.etag,
                                                    request.permissions)
            return self._out(uow, row)
        return mutate(self.rt, "UpdateCollaborator", request, "", body, kpb.Collaborator)

    def _action(self, name: str, fn, request):
        def body(uow, p):
            return self._out(uow, fn(uow, self.rt.deps, p, request.id, request.etag))
        return mutate(self.rt, name, request, request.request_id, body, kpb.Collaborator)

    def RemoveCollaborator(self, request, context):
        return self._action("RemoveCollaborator", collaborators.remove_collaborator, request)

    def AcceptCollaboration(self, request, context):
        return self._action("AcceptCollaboration", collaborators.accept_collaboration, request)

    def DeclineCollaboration(self, request, context):
        return self._action("DeclineCollaboration", collaborators.decline_collaboration, request)

    def ShareCase(self, request, context):
        def body(uow, p):
            row = collaborators.share_case(uow, self.rt.deps, p, request.collaborator_id, request.case_id)
            return kpb.CaseShare(collaborator_id=row.collaboration_id, case_id=row.case_id,
                                 create_time=convert.ts(row.created))
        return mutate(self.rt, "ShareCase", request, "", body, kpb.CaseShare)

    def UnshareCase(self, request, context):
        def body(uow, p):
            collaborators.unshare_case(uow, self.rt.deps, p, request.collaborator_id, request.case_id)
            return kpb.UnshareCaseResponse()
        return mutate(self.rt, "UnshareCase", request, "", body, kpb.UnshareCaseResponse)

    def ListSharedCases(self, request, context):
        def body(uow, p):
            rows, nxt = cases.list_cases(uow, p, request.page_size, request.page_token, request.filter,
                                         request.order_by, shared_only=True, query=request.query)
            unread = messages.unread_counts(uow.session, p.user_id, [r.id for r, _, _ in rows])
            return cpb.ListCasesResponse(cases=[convert.case(r, name, details=False, unread=unread.get(r.id, 0))
                                                for r, name, _ in rows], next_page_token=nxt)
        return read(self.rt, body)

    def RegisterCollaborator(self, request, context):
        def body(uow):
            user, row = collaborators.register_collaborator(uow, self.rt.deps, request.invite_token,
                                                            request.organization_name, request.display_name,
                                                            request.password, context.peer())
            return kpb.RegisterCollaboratorResponse(user_id=user.id, email=user.email,
                                                    collaborator=self._out(uow, row))
        return unauthenticated(self.rt, body)
