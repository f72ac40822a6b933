"""The few statements SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def is_postgres(s: Session) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def insert(s: Session, table: Any) -> Any:
    """INSERT that takes ON CONFLICT clauses (both databases support them)."""
    return (pg_insert if is_postgres(s) else sqlite_insert)(table)


def greatest(s: Session, a: Any, b: Any) -> Any:
    return func.greatest(a, b) if is_postgres(s) else func.max(a, b)  # SQLite's two-argument max is scalar
