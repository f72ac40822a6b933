"""Domain errors. They carry no transport code: api/errors.py maps each class to a gRPC status."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    """One broken rule about one field (or one precondition subject)."""

    field: str
    description: str


class DomainError(Exception):
    """Base class; `reason` is a stable UPPER_SNAKE identifier for clients."""

    reason = "DOMAIN_ERROR"

    def __init__(self, message: str, violations: list[Violation] | None = None, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.violations = list(violations or [])
        if reason:
            self.reason = reason


class InvalidArgument(DomainError):
    """The request itself is malformed; `violations` lists every bad field at once."""

    reason = "INVALID_ARGUMENT"


class NotFound(DomainError):
    """Absent, or not visible to the caller (the two are indistinguishable by design)."""

    reason = "NOT_FOUND"


class AlreadyExists(DomainError):
    reason = "ALREADY_EXISTS"


class FailedPrecondition(DomainError):
    """A rule of the current state is not met; `violations` name the rules."""

    reason = "FAILED_PRECONDITION"


class StaleEtag(DomainError):
    """The resource changed since the caller read it."""

    reason = "STALE_ETAG"


class DataLoss(DomainError):
    """Stored content is missing or no longer matches its hash."""

    reason = "DATA_LOSS"


class Unavailable(DomainError):
    """A dependency (the database) is briefly unreachable: the call may be retried as it was."""

    reason = "UNAVAILABLE"


class ResourceExhausted(DomainError):
    """A server-wide limit (such as open streams) is reached: retry later or elsewhere."""

    reason = "RESOURCE_EXHAUSTED"


class Unauthenticated(DomainError):
    reason = "UNAUTHENTICATED"


class PermissionDenied(DomainError):
    """The caller may see the resource but not do this to it."""

    reason = "PERMISSION_DENIED"


class Collector:
    """Gathers violations so that a request reports every bad field in one error."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def add(self, field: str, description: str) -> None:
        self.violations.append(Violation(field, description))

    def has(self, field: str) -> bool:
        return any(v.field == field for v in self.violations)

    def raise_if_any(self, message: str = "invalid request") -> None:
        if self.violations:
            raise InvalidArgument(message, self.violations)
