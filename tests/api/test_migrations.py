"""The schema comes from migrations alone: after upgrading, the models and the database agree."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from orthoplan.adapters.db.engine import make_engine, upgrade
from orthoplan.adapters.db.models import Base


def test_migrations_build_exactly_the_models(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second run is a no-op
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == [], diff
    finally:
        engine.dispose()
