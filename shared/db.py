"""Database engines and the unit of work: the database adapter of every service."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import JSON, Engine, Table, create_engine, event, exc, insert, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from shared.messaging.message import OutgoingMessage

# JSONB where it exists (indexable, compact), plain JSON text on SQLite.
JsonType = JSON().with_variant(JSONB(), "postgresql")


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Create an engine tuned for the dialect of `url`."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        # psycopg prepares a statement from its fifth run, and PostgreSQL may then keep one
        # generic plan for it: chosen while a table is small, or for a long IN list, it stays
        # bad until the next ANALYZE (ten times slower inserts measured by `make bench`).
        # Planning each run for its values keeps the parse saved and the plans right.
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
    )


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy drive transactions, so that every one starts with BEGIN IMMEDIATE:
        # a deferred transaction that reads then writes can fail on lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_transient(error: BaseException) -> bool:
    """Whether a database error is worth retrying (connection lost, database locked or down)."""
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError)


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


# Session.info keys: the consumer batch a transaction handles, and what to write before commit.
_BATCH = "explicite.batch"
_BEFORE_COMMIT = "explicite.before_commit"


def batch_of(session: Session) -> tuple[bytes, ...] | None:
    """The bodies of the consumer batch this session's transaction handles, if it handles one.

    Within a batch, repositories may prefetch what the whole batch needs and stage their writes
    until the commit, which sends them together (one executemany, not one statement per row).
    """
    return session.info.get(_BATCH)


def before_commit(session: Session, flush: Callable[[], None]) -> None:
    """Have the unit of work run `flush` (once) right before it commits."""
    session.info.setdefault(_BEFORE_COMMIT, []).append(flush)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys: COPY on PostgreSQL, executemany elsewhere.

    COPY costs about half an executemany of the same rows (measured by `make bench`): no
    statement per row to bind and run. JSON columns get what the JSON type would store (None
    is JSON null, as with insert()).
    """
    if not rows:
        return
    if not is_postgresql(session):
        session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([Jsonb(row[c]) if c in json_columns else row[c] for c in columns])
    except psycopg.Error as error:
        # Raised as SQLAlchemy raises a statement's error, so that callers (is_transient, the
        # consumer's hold-while-the-database-is-down) see a lost connection for what it is.
        lost = connection.dialect.is_disconnect(error, driver, None)  # type: ignore[arg-type]
        if lost:
            connection.invalidate(error)
        raise exc.DBAPIError.instance(
            "COPY " + table.name, None, error, psycopg.Error, connection_invalidated=lost,
            dialect=connection.dialect) from error


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """PostgreSQL: `count` values of the sequence behind `table`.id, to insert rows with them."""
    return list(session.scalars(text(
        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
        {"table": table.name, "count": count}))


class UnitOfWork:
    """One database transaction, with the service's outbox; services add their repositories."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session], outbox: Table,
                 after_commit: Callable[[], None] | None = None) -> None:
        self._session_factory = session_factory
        self._outbox = outbox
        self._after_commit = after_commit
        self._staged = 0
        self._outbox_rows: list[dict[str, Any]] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def begin_batch(self, bodies: Sequence[bytes]) -> None:
        """This transaction handles a consumer batch of these message bodies (see batch_of)."""
        self.session.info[_BATCH] = tuple(bodies)

    def publish(self, message: OutgoingMessage) -> None:
        """Stage a message in the outbox: it is published only if this transaction commits."""
        row = dict(
            message_id=message.message_id, exchange=message.exchange,
            routing_key=message.routing_key, type=message.type, schema=message.schema,
            body=message.body, headers=message.headers or None, created_at=datetime.now(UTC))
        if batch_of(self.session) is None:
            self.session.execute(insert(self._outbox).values(**row))
        else:
            if not self._outbox_rows:
                before_commit(self.session, self._write_outbox)
            self._outbox_rows.append(row)
        self._staged += 1

    def _write_outbox(self) -> None:
        rows, self._outbox_rows = self._outbox_rows, []
        insert_rows(self.session, self._outbox, rows)

    def flush(self) -> None:
        """Write what the batch staged; commit() does it first."""
        for flush in self.session.info.pop(_BEFORE_COMMIT, []):
            flush()

    def commit(self) -> None:
        self.flush()
        self.session.commit()
        staged, self._staged = self._staged, 0
        if staged and self._after_commit is not None:
            self._after_commit()

    def rollback(self) -> None:
        self.session.info.pop(_BEFORE_COMMIT, None)
        self._outbox_rows = []
        self.session.rollback()
