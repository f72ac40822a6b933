"""Server interceptor: bearer-token authentication and the domain-error -> rich-status mapping."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import replace

import grpc
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from ..domain.errors import DomainError, StaleEtag, Unavailable
from ..services import auth
from .context import PRINCIPAL, REQUEST_UOW, Runtime, bearer_token
from .errors import to_status

log = logging.getLogger("orthoplan.api")

PUBLIC = frozenset({"/orthoplan.v1.AuthService/SignIn",
                    "/orthoplan.v1.CollaboratorService/RegisterCollaborator"})
PUBLIC_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def _bytes_or(serialize):
    """A stream may yield a message already encoded (one event encoded once for a thousand
    subscribers); anything else is serialized as usual."""
    return lambda msg: msg if isinstance(msg, bytes) else serialize(msg)


class ApiInterceptor(grpc.ServerInterceptor):
    """Unary calls run in one unit of work shared with authentication. Streaming calls authenticate
    in a short one and open their own transactions: none is held while a file streams."""

    def __init__(self, rt: Runtime, workers: int = 16):
        self.rt = rt
        # the pool also holds a thread per open event stream; unary calls run at most `workers` at a
        # time (the rest wait their turn, parked), as many as the database pool serves, so that a
        # thousand open streams do not turn into a thousand threads contending for the interpreter
        self._running = threading.BoundedSemaphore(workers)

    def _principal(self, uow, context):
        p = auth.authenticate(uow, self.rt.deps, bearer_token(context.invocation_metadata()))
        return replace(p, source=context.peer()[:200])

    @contextmanager
    def _mapped(self, context, method: str):
        """Domain errors to rich statuses; anything unexpected to a bare INTERNAL (no internals leak)."""
        try:
            yield
        except DomainError as err:
            context.abort_with_status(to_status(err))
        except Exception as err:
            if context.code() is not None:  # the servicer aborted on purpose
                raise
            if isinstance(err, DBAPIError) and err.connection_invalidated:  # the pool reconnects next call
                log.warning("database connection lost in %s", method)
                context.abort_with_status(to_status(Unavailable("the database connection was lost; retry the call")))
            if isinstance(err, (IntegrityError, OperationalError)):  # unique race or lock timeout: retryable
                log.info("conflict in %s: %s", method, err.__class__.__name__)
                context.abort_with_status(to_status(StaleEtag("concurrent change; retry the call")))
            log.exception("internal error in %s", method)
            context.abort(grpc.StatusCode.INTERNAL, "internal error")

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
                self._running.acquire()
                try:
                    # no connection is taken until the first statement
                    with self._mapped(context, method), self.rt.uow() as uow:
                        scope = REQUEST_UOW.set(uow)
                        try:
                            if not public:
                                PRINCIPAL.set(self._principal(uow, context))
                            return inner(request, context)
                        finally:
                            REQUEST_UOW.reset(scope)
                finally:
                    self._running.release()
                    PRINCIPAL.reset(token)

            return grpc.unary_unary_rpc_method_handler(unary, handler.request_deserializer,
                                                       handler.response_serializer)
        if handler.stream_unary is not None:
            inner_in = handler.stream_unary

            def stream_in(request_iterator, context):
                token = PRINCIPAL.set(None)
                try:
                    with self._mapped(context, method):
                        self._sign_in(context, public)
                        return inner_in(request_iterator, context)
                finally:
                    PRINCIPAL.reset(token)

            return grpc.stream_unary_rpc_method_handler(stream_in, handler.request_deserializer,
                                                        handler.response_serializer)
        if handler.unary_stream is not None:
            inner_out = handler.unary_stream

            def stream_out(request, context):
                token = PRINCIPAL.set(None)
                try:
                    with self._mapped(context, method):
                        self._sign_in(context, public)
                        yield from inner_out(request, context)
                finally:
                    PRINCIPAL.reset(token)

            return grpc.unary_stream_rpc_method_handler(stream_out, handler.request_deserializer,
                                                        _bytes_or(handler.response_serializer))
        # no bidirectional RPC exists: one added later is refused here, never passed through unauthenticated
        def refuse(request_iterator, context):
            context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{method}: bidirectional streams are not served")

        return grpc.stream_stream_rpc_method_handler(refuse, handler.request_deserializer,
                                                     handler.response_serializer)

    def _sign_in(self, context, public: bool) -> None:
        if not public:
            with self.rt.uow() as uow:
                PRINCIPAL.set(self._principal(uow, context))
