"""Roles, the signed-in principal and the password policy."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.IntEnum):
    """Values match orthoplan.v1.Role."""

    SUPER_ADMIN = 1
    REGIONAL_ADMIN = 2
    LOCATION_ADMIN = 3
    PROVIDER = 4
    TREATMENT_COORDINATOR = 5
    RECEPTION = 6


ADMIN_ROLES = frozenset({Role.SUPER_ADMIN, Role.REGIONAL_ADMIN, Role.LOCATION_ADMIN})


@dataclass(frozen=True)
class Principal:
    """Who is calling: resolved from the bearer token once per call."""

    user_id: str
    organization_id: str
    role: Role
    region_id: str | None = None
    location_ids: frozenset[str] = field(default_factory=frozenset)
    session_id: str = ""
    source: str = ""  # peer address of the current call, for the audit log


@dataclass(frozen=True)
class PasswordPolicy:
    """Configurable; checked when a password is set, never at sign-in."""

    min_length: int = 12
    max_length: int = 256
    require_letter: bool = True
    require_digit: bool = True

    def problems(self, password: str) -> list[str]:
        out = []
        if len(password) < self.min_length:
            out.append(f"must be at least {self.min_length} characters")
        if len(password) > self.max_length:
            out.append(f"must be at most {self.max_length} characters")
        if self.require_letter and not any(c.isalpha() for c in password):
            out.append("must contain a letter")
        if self.require_digit and not any(c.isdigit() for c in password):
            out.append("must contain a digit")
        return out
