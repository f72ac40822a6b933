"""Unit of work: one SQLAlchemy session and transaction per request; rollback unless committed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ...domain.errors import StaleEtag
from .engine import WRITE_OPTION


class SqlUnitOfWork:
    """`with uow_factory() as uow:` ... `uow.commit()`; leaving without commit rolls back.
    `uow_factory(write=True)` starts a transaction that will write (see begin_write)."""

    def __init__(self, factory: sessionmaker[Session], write: bool = False):
        self._factory = factory
        self._write = write
        self._after_commit: list[Callable[[], None]] = []
        self.session: Session

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        if self._write:
            self.begin_write()
        else:
            self.session.begin()
        return self

    def begin_write(self) -> None:
        """Ends the current transaction and starts one that will write. On SQLite it takes the write
        lock first (BEGIN IMMEDIATE), so concurrent writers queue on the busy timeout instead of
        failing when a read snapshot turns stale. Elsewhere row locks and version columns do that
        job, and the transaction simply goes on."""
        if self.session.get_bind().dialect.name != "sqlite":
            if not self.session.in_transaction():
                self.session.begin()
            return
        self.session.rollback()
        self._after_commit.clear()
        self.session.connection(execution_options={WRITE_OPTION: True})

    def __exit__(self, *exc: object) -> None:
        self._after_commit.clear()
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError as e:  # optimistic concurrency: version_id_col mismatch at flush
            self._after_commit.clear()
            raise StaleEtag("the resource changed since it was read; read it again") from e
        done, self._after_commit = self._after_commit, []
        for fn in done:
            fn()

    def after_commit(self, fn: Callable[[], None]) -> None:
        """Runs `fn` once this transaction has committed (never if it rolls back): wakes live
        subscribers only for changes that are visible."""
        self._after_commit.append(fn)

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as e:
            raise StaleEtag("the resource changed since it was read; read it again") from e


def uow_factory(engine: Engine):
    factory = sessionmaker(engine, expire_on_commit=False, autoflush=False)
    return lambda write=False: SqlUnitOfWork(factory, write)
