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


def seconds_between(s: Session, start: Any, end: Any) -> Any:
    """`end - start` in seconds, as a number."""
    if is_postgres(s):
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def month_of(s: Session, t: Any) -> Any:
    """'YYYY-MM' of a timestamp (UTC)."""
    if is_postgres(s):
        return func.to_char(func.timezone("UTC", t), "YYYY-MM")
    return func.strftime("%Y-%m", t)
