"""What the use cases need from outside, passed in (never imported as globals)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol

from ..domain.identity import PasswordPolicy


class Passwords(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, stored: str | None, password: str) -> bool: ...


class StagedBlob(Protocol):
    """A received file: `info` has sha256, size and content_type (from the bytes)."""

    info: Any

    def commit(self) -> None: ...
    def discard(self) -> None: ...


class ArtifactStore(Protocol):
    def receive(self, chunks: Iterable[bytes]) -> StagedBlob: ...
    def read(self, sha256: str) -> Iterator[bytes]: ...


class EventWaker(Protocol):
    def wake(self, topic: str, seq: int) -> None: ...


class PlanWaker(Protocol):
    """The planning executor: told when a job is queued, so it need not wait for its next poll;
    asked to re-stage a case it holds warm (None when it does not)."""

    def notify(self) -> None: ...
    def restage(self, case_id: str, scans: list[tuple[str, str, str]], spec: Any) -> Any: ...


class Translator(Protocol):
    """Translates message text; none is configured by default."""

    def translate(self, text: str, source_language: str, target_language: str) -> str: ...


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Deps:
    passwords: Passwords
    password_policy: PasswordPolicy = field(default_factory=PasswordPolicy)
    idle_timeout_s: int = 1800
    clock: Callable[[], datetime] = utc_now
    artifacts: ArtifactStore | None = None  # records need one; bootstrap always sets it
    max_scan_bytes: int = 256 << 20
    max_image_bytes: int = 32 << 20
    events: EventWaker | None = None  # the live hub; events are durable without one
    translator: Translator | None = None
    planner: PlanWaker | None = None  # the planning executor, when this process runs one
    digest_hour: int = 7  # UTC hour at which daily and weekly digests fall due
    public_url: str = "http://localhost:8080"  # links sent to people point here


def aware(t: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back naive."""
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
