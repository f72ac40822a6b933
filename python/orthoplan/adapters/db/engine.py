"""Engine construction and schema migration (Alembic, run programmatically: also in tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "orthoplan_write"  # execution option: this transaction will write


def make_engine(url: str, pool_size: int = 8) -> Engine:
    """SQLite gets foreign keys, WAL and a busy timeout; PostgreSQL a plain pool. `pool_size`
    matches the server's worker threads, so no call waits for a connection."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=pool_size, max_overflow=pool_size)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            dbapi_conn.isolation_level = None  # the driver's implicit BEGIN off: _begin decides
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            # a write takes the write lock up front; a read runs each statement in its own implicit
            # transaction, as the sqlite3 driver always did for SELECTs (no BEGIN round trip)
            if conn.get_execution_options().get(WRITE_OPTION):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # no pre-ping: it costs a round trip on every call. A connection that died with the server fails
    # its call once (UNAVAILABLE, which clients retry), and SQLAlchemy then replaces the whole pool.
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Brings the schema to `revision`; the only way tables are created."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
