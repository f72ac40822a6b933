"""Records a mutation in the audit log within the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..adapters import audit
from ..domain.identity import Principal
from .deps import Deps


def record(s: Session, deps: Deps, p: Principal, action: str, resource_type: str, resource_id: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    audit.append(s, time=deps.clock(), organization_id=p.organization_id, actor_id=p.user_id, action=action,
                 resource_type=resource_type, resource_id=resource_id, source=p.source, before=before, after=after)


def snapshot(row: Any, *exclude: str) -> dict[str, Any]:
    """A row's columns as a dict (for before/after digests); secrets excluded by the caller."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in exclude}
