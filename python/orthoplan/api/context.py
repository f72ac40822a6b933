"""Per-call plumbing shared by servicers: the principal, one transaction, idempotent replays."""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from google.protobuf.message import Message
from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain.errors import Collector, InvalidArgument, Unauthenticated, Violation
from ..domain.identity import Principal
from ..services import validate
from ..services.deps import Deps

PRINCIPAL: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("principal", default=None)
# the call's unit of work, opened by the interceptor: authentication and the call share it
REQUEST_UOW: contextvars.ContextVar[SqlUnitOfWork | None] = contextvars.ContextVar("request_uow", default=None)
T = TypeVar("T", bound=Message)


@dataclass
class Runtime:
    """What every servicer gets: the unit-of-work factory and the use cases' dependencies."""

    uow: Callable[..., SqlUnitOfWork]  # uow(write=False)
    deps: Deps


@contextmanager
def unit_of_work(rt: Runtime, *, write: bool = False) -> Iterator[SqlUnitOfWork]:
    """The call's unit of work (a write begins its own transaction in it), or a new one outside a
    call."""
    current = REQUEST_UOW.get()
    if current is None:
        with rt.uow(write) as uow:
            yield uow
        return
    if write:
        current.begin_write()
    yield current


def bearer_token(metadata) -> str:
    for key, value in metadata or ():
        if key == "authorization" and value.startswith("Bearer "):
            return value[len("Bearer "):].strip()
    raise Unauthenticated("missing bearer token: send metadata 'authorization: Bearer <token>'")


def principal() -> Principal:
    p = PRINCIPAL.get()
    if p is None:  # the auth interceptor sets it for every method but SignIn
        raise RuntimeError("no principal: method not behind the auth interceptor")
    return p


def mutate(rt: Runtime, method: str, request: Message, request_id: str,
           body: Callable[[SqlUnitOfWork, Principal], T], response_type: type[T]) -> T:
    """Runs `body` in one transaction. With a request_id, the first response is stored in that same
    transaction and replayed on retries; reusing the id for a different request is refused."""
    p = principal()
    c = Collector()
    validate.request_id(c, request_id)
    c.raise_if_any()
    digest = hashlib.sha256(request.SerializeToString(deterministic=True)).hexdigest()
    with unit_of_work(rt, write=True) as uow:
        if request_id:
            hit = uow.session.execute(select(m.IdempotentResponse).where(
                m.IdempotentResponse.user_id == p.user_id, m.IdempotentResponse.method == method,
                m.IdempotentResponse.request_id == request_id)).scalar_one_or_none()
            if hit is not None:
                if hit.request_hash != digest:
                    raise InvalidArgument("request_id reused", [Violation(
                        "request_id", "was already used for a different request")])
                return response_type.FromString(hit.response)
        response = body(uow, p)
        if request_id:
            uow.session.add(m.IdempotentResponse(user_id=p.user_id, method=method, request_id=request_id,
                                                 request_hash=digest, response=response.SerializeToString(),
                                                 created=rt.deps.clock()))
        uow.commit()
        return response


def read(rt: Runtime, body: Callable[[SqlUnitOfWork, Principal], Any]) -> Any:
    with unit_of_work(rt) as uow:
        return body(uow, principal())


def unauthenticated(rt: Runtime, body: Callable[[SqlUnitOfWork], T]) -> T:
    """One transaction for a method the auth interceptor lets through without a principal (the
    method's own credential, such as an invitation token, is checked by the use case)."""
    with unit_of_work(rt, write=True) as uow:
        response = body(uow)
        uow.commit()
        return response
