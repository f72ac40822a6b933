"""Server interceptor: bearer-token authentication and the domain-error -> rich-status mapping."""

from __future__ import annotations

import logging
from dataclasses import replace

import grpc
from sqlalchemy.exc import IntegrityError, OperationalError

from ..domain.errors import DomainError, StaleEtag, Unauthenticated
from ..services import auth
from .context import PRINCIPAL, REQUEST_UOW, Runtime
from .errors import to_status

log = logging.getLogger("orthoplan.api")

PUBLIC = frozenset({"/orthoplan.v1.AuthService/SignIn",
                    "/orthoplan.v1.CollaboratorService/RegisterCollaborator"})
PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def _token(metadata) -> str:
    for key, value in metadata or ():
        if key == "authorization" and value.startswith("Bearer "):
            return value[len("Bearer "):].strip()
    raise Unauthenticated("missing bearer token: send metadata 'authorization: Bearer <token>'")


class ApiInterceptor(grpc.ServerInterceptor):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def intercept_service(self, continuation, details):
        handler = continuation(details)
        method = details.method
        if handler is None or method.startswith(PUBLIC_PREFIXES):
            return handler
        public = method in PUBLIC
        if handler.unary_unary is not None:
            inner = handler.unary_unary

            def unary(request, context):
                token = PRINCIPAL.set(None)
                try:
                    with self.rt.uow() as uow:  # no connection is taken until the first statement
                        scope = REQUEST_UOW.set(uow)
                        try:
                            if not public:
                                p = auth.authenticate(uow, self.rt.deps, _token(context.invocation_metadata()))
                                PRINCIPAL.set(replace(p, source=context.peer()[:200]))
                            return inner(request, context)
                        finally:
                            REQUEST_UOW.reset(scope)
                except DomainError as err:
                    context.abort_with_status(to_status(err))
                except (IntegrityError, OperationalError) as err:  # unique race or lock timeout: retryable
                    log.info("conflict in %s: %s", method, err.__class__.__name__)
                    context.abort_with_status(to_status(StaleEtag("concurrent change; retry the call")))
                except Exception:
                    if context.code() is not None:  # the servicer aborted on purpose
                        raise
                    log.exception("internal error in %s", method)
                    context.abort(grpc.StatusCode.INTERNAL, "internal error")
                finally:
                    PRINCIPAL.reset(token)

            return grpc.unary_unary_rpc_method_handler(unary, handler.request_deserializer,
                                                       handler.response_serializer)
        return handler
