"""What the use cases need from outside, passed in (never imported as globals)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from ..domain.identity import PasswordPolicy


class Passwords(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, stored: str | None, password: str) -> bool: ...


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Deps:
    passwords: Passwords
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    idle_timeout_s: int = 1800
    clock: Callable[[], datetime] = utc_now


def aware(t: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
