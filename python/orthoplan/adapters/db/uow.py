"""Unit of work: one SQLAlchemy session and transaction per request; rollback unless committed."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ...domain.errors import StaleEtag


class SqlUnitOfWork:
    """`with uow_factory() as uow:` ... `uow.commit()`; leaving without commit rolls back."""

    def __init__(self, factory: sessionmaker[Session]):
        self._factory = factory
        self.session: Session

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        self.session.begin()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as e:  # optimistic concurrency: version_id_col mismatch at flush
            raise StaleEtag("the resource changed since it was read; read it again") from e

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as e:
            raise StaleEtag("the resource changed since it was read; read it again") from e


def uow_factory(engine: Engine):
    factory = sessionmaker(engine, expire_on_commit=False, autoflush=False)
    return lambda: SqlUnitOfWork(factory)
