"""The one table from domain errors to gRPC status codes, and the rich error details sent with them."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from ..domain import errors as e

DOMAIN = "orthoplan.dev"

STATUS: dict[type[e.DomainError], grpc.StatusCode] = {
    e.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    e.NotFound: grpc.StatusCode.NOT_FOUND,
    e.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    e.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    e.StaleEtag: grpc.StatusCode.ABORTED,
    e.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    e.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    e.DataLoss: grpc.StatusCode.DATA_LOSS,
    e.Unavailable: grpc.StatusCode.UNAVAILABLE,
    e.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
}


def _pack(msg) -> any_pb2.Any:
    a = any_pb2.Any()
    a.Pack(msg)
    return a


# Errors travel in trailers, which clients cap at 16 KiB: an error about a huge input must not echo
# it back, nor list ten thousand violations, or the client would get RESOURCE_EXHAUSTED instead.
MAX_VIOLATIONS = 20
MAX_TEXT = 200


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def _bounded(violations: list[e.Violation]) -> list[e.Violation]:
    out = [e.Violation(_clip(v.field, 100), _clip(v.description)) for v in violations[:MAX_VIOLATIONS]]
    if len(violations) > MAX_VIOLATIONS:
        out.append(e.Violation("\u2026", f"{len(violations) - MAX_VIOLATIONS} more violations not listed"))
    return out


def to_status(err: e.DomainError) -> grpc.Status:
    code = next(c for cls, c in STATUS.items() if isinstance(err, cls))
    violations = _bounded(err.violations)
    details = [_pack(error_details_pb2.ErrorInfo(reason=err.reason, domain=DOMAIN))]
    if isinstance(err, e.InvalidArgument) and violations:
        details.append(_pack(error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
            for v in violations])))
    elif isinstance(err, e.FailedPrecondition) and violations:
        details.append(_pack(error_details_pb2.PreconditionFailure(violations=[
            error_details_pb2.PreconditionFailure.Violation(type=err.reason, subject=v.field,
                                                            description=v.description)
            for v in violations])))
    status = status_pb2.Status(code=getattr(code_pb2, code.name), message=_clip(err.message, 500), details=details)
    return rpc_status.to_status(status)
