"""Loopback resources for API tests and benchmarks: a scratch PostgreSQL database, a free port."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("ORTHOPLAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used (a skip reason), or None."""
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect():
            pass
        eng.dispose()
        return None
    except Exception as e:  # noqa: BLE001 - any failure means "skip with the reason"
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {e.__class__.__name__}"


@contextmanager
def scratch_pg_database(prefix: str) -> Iterator[str]:
    """A fresh database's URL, dropped afterwards (connections forced off)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
