"""Database engines and the unit of work: the database adapter of every service."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb, set_json_dumps, set_json_loads
from sqlalchemy import JSON, Column, Engine, Table, create_engine, event, exc, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from shared import jsoncodec
from shared.contracts.batches import Announcement, batch_messages
from shared.contracts.events import Event

if TYPE_CHECKING:
    from shared.messaging.message import OutgoingMessage

# JSONB where it exists (indexable, compact), plain JSON text on SQLite.
JsonType = JSON().with_variant(JSONB(), "postgresql")
# A JSON column whose Python None is SQL NULL (`IS NULL` finds it), not the JSON value null.
NullableJson = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def as_utc(moment: datetime) -> datetime:
    """A stored moment as an aware datetime: SQLite gives back naive UTC ones."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _json_text(value: Any) -> str:
    return jsoncodec.dumps(value).decode()


# JSON columns written and read with shared.jsoncodec (orjson where it is exact), by the
# engines' JSON type and by psycopg's own JSONB adapters (COPY, Jsonb values).
_JSON = {"json_serializer": _json_text, "json_deserializer": jsoncodec.loads}
set_json_dumps(jsoncodec.dumps)
set_json_loads(jsoncodec.loads)


def make_engine(url: str, *, pool_size: int = 5, pre_ping: bool = True) -> Engine:
    """Create an engine tuned for the dialect of `url`; `pre_ping`: see Settings.db_pre_ping."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        pool_recycle=1800,
        # psycopg prepares a statement from its fifth run, and PostgreSQL may then keep one
        # generic plan for it: chosen while a table is small, or for a long IN list, it stays
        # bad until the next ANALYZE (ten times slower inserts measured by `make bench`).
        # Planning each run for its values keeps the parse saved and the plans right.
        connect_args={"options": "-c plan_cache_mode=force_custom_plan"},
        **_JSON,
    )


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **_JSON)

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


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_unless_present(
    session: Session, table: Table, *, on: Sequence[Column[Any]] | None = None
) -> postgresql.Insert | sqlite.Insert:
    """`INSERT … ON CONFLICT [(on)] DO NOTHING` for the two databases make_engine serves:
    a row that a unique key already holds is left as it is, and RETURNING gives nothing."""
    dialect_insert = postgresql.insert if is_postgresql(session) else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=on)


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_names(session: Session, names: Iterable[str]) -> None:
    """Hold these names locked until the transaction ends, whatever the number of processes.

    On PostgreSQL: a transaction-level advisory lock per name (64 bits of its SHA-256, as a
    signed bigint), taken in a fixed order so that two transactions never wait for each
    other's. SQLite's transactions (BEGIN IMMEDIATE) already run one at a time.
    """
    if not is_postgresql(session):
        return
    keys = {
        int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        for name in names
    }
    for key in sorted(keys):
        session.execute(_ADVISORY_LOCK, {"key": key})


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys: COPY on PostgreSQL, executemany elsewhere.

    COPY costs about half an executemany of the same rows (measured by `make bench`): no
    statement per row to bind and run. JSON columns get what the JSON type would store (None
    is JSON null, as with insert(), or SQL NULL in a column typed `NullableJson`).
    """
    if not rows:
        return
    if not is_postgresql(session):
        session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    json_columns = {
        c.name
        for c in table.columns
        if isinstance(c.type, JSON) and not getattr(c.type, "none_as_null", False)
    }
    null_json = {c.name for c in table.columns if isinstance(c.type, JSON)} - json_columns
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        row[c]
                        if isinstance(row[c], Jsonb)
                        else Jsonb(row[c])
                        if c in json_columns or (c in null_json and row[c] is not None)
                        else row[c]
                        for c in columns
                    ]
                )
    except psycopg.Error as error:
        # Raised as SQLAlchemy raises a statement's error, so that callers (is_transient, the
        # consumer's hold-while-the-database-is-down) see a lost connection for what it is.
        lost = connection.dialect.is_disconnect(error, driver, None)  # type: ignore[arg-type]
        if lost:
            connection.invalidate(error)
        raise exc.DBAPIError.instance(
            "COPY " + table.name,
            None,
            error,
            psycopg.Error,
            connection_invalidated=lost,
            dialect=connection.dialect,
        ) from error


def as_jsonb(value: Any, encoded: str = "") -> Any:
    """A JSON column's value for insert_rows() on PostgreSQL: as given, or, when the caller has
    it as JSON text already (`encoded`, the same value), that text, not encoded again."""
    return Jsonb(encoded, dumps=_as_is) if encoded else value


def _as_is(text: str) -> str:
    return text


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """PostgreSQL: `count` values of the sequence behind `table`.id, to insert rows with them."""
    return list(
        session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"table": table.name, "count": count},
        )
    )


class Staged(Protocol):
    """Rows a repository holds until the commit."""

    def write(self) -> None: ...

    def drop(self) -> None: ...


class Staging:
    """Writes held until the commit, which sends them together.

    One COPY or executemany per table and batch costs a fraction of one statement per row
    (`make bench`). A repository that holds rows registers itself with `hold` each time it
    stages one; the unit of work writes them, in the order first registered, right before it
    commits, and drops them with a rolled back transaction or savepoint.
    """

    def __init__(self) -> None:
        self._held: list[Staged] = []

    def hold(self, staged: Staged) -> None:
        if not any(held is staged for held in self._held):
            self._held.append(staged)

    def flush(self) -> None:
        held, self._held = self._held, []
        for staged in held:
            staged.write()

    def discard(self) -> None:
        held, self._held = self._held, []
        for staged in held:
            staged.drop()


class Outbox:
    """The service's outbox rows of one transaction, written with COPY at the commit."""

    def __init__(self, session: Session, table: Table, staging: Staging) -> None:
        self._session = session
        self._table = table
        self._staging = staging
        self._rows: list[dict[str, Any]] = []

    def add(self, message: OutgoingMessage, now: datetime) -> None:
        self._staging.hold(self)
        self._rows.append(
            dict(
                message_id=message.message_id,
                exchange=message.exchange,
                routing_key=message.routing_key,
                type=message.type,
                schema=message.schema,
                body=message.body,
                headers=message.headers or None,
                created_at=now,
            )
        )

    def write(self) -> None:
        rows, self._rows = self._rows, []
        insert_rows(self._session, self._table, rows)

    def drop(self) -> None:
        self._rows = []

    def __len__(self) -> int:
        return len(self._rows)


class UnitOfWork:
    """One database transaction, with the service's outbox; services add their repositories."""

    session: Session
    staging: Staging

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        outbox: Table,
        after_commit: Callable[[], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        single_events: Callable[[str], bool] = lambda _administration: True,
    ) -> None:
        self._session_factory = session_factory
        self._outbox_table = outbox
        self._after_commit = after_commit
        self.clock = clock or _utc_now
        self._single_events = single_events
        self._published = 0
        self._announced: list[Announcement] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.staging = Staging()
        self._outbox = Outbox(self.session, self._outbox_table, self.staging)
        self._published = 0
        self._announced = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def publish(self, message: OutgoingMessage) -> None:
        """Stage a message in the outbox: it is published only if this transaction commits."""
        self._outbox.add(message, self.clock())
        self._published += 1

    def announce(self, event: Event, headers: Mapping[str, Any] | None = None) -> None:
        """Stage an event that may travel with the others of its kind: at the commit, what the
        transaction announced leaves as one message per event and administration
        (`decisions.logged`: shared/contracts/batches.py), plus each single event where the
        deployment keeps them for back offices (`EXPLICITE_SINGLE_EVENTS`)."""
        self._announced.append(Announcement(event, headers or {}))
        self._published += 1

    def flush(self) -> None:
        """Write what the transaction staged; commit() does it first."""
        announced, self._announced = self._announced, []
        now = self.clock()
        for message in batch_messages(announced, self._single_events):
            self._outbox.add(message, now)
        self.staging.flush()

    @contextmanager
    def savepoint(self) -> Iterator[SessionTransaction]:
        """A nested transaction; what is staged inside it is written or dropped with it."""
        self.flush()
        with self.session.begin_nested() as nested:
            try:
                yield nested
            except BaseException:
                self._drop_staged()
                raise
            if nested.is_active:
                self.flush()
            else:
                self._drop_staged()

    def _drop_staged(self) -> None:
        self._published -= len(self._outbox) + len(self._announced)
        self._announced = []
        self.staging.discard()

    def commit_without_waiting_for_disk(self) -> None:
        """Commit, without waiting for the transaction to reach the disk on PostgreSQL
        (`SET LOCAL synchronous_commit = off`): the commit returns at once, and the WAL writer
        writes it within `3 × wal_writer_delay` (600 ms by default). A crash of the database
        server (not of the application) may lose the transactions of that last moment, whole:
        never half of one, never a corrupted table, and never one that a later transaction
        committed normally depends on (the WAL is written in order). Only for transactions
        whose loss in such a crash is acceptable: say why where it is called. SQLite commits as
        usual (WAL, synchronous=NORMAL)."""
        if is_postgresql(self.session):
            self.session.execute(_ASYNCHRONOUS_COMMIT)
        self.commit()

    def commit(self) -> None:
        self.flush()
        self.session.commit()
        published, self._published = self._published, 0
        if published and self._after_commit is not None:
            self._after_commit()

    def rollback(self) -> None:
        self._announced = []
        self.staging.discard()
        self._published = 0
        self.session.rollback()


_ASYNCHRONOUS_COMMIT = text("SET LOCAL synchronous_commit = off")


def _utc_now() -> datetime:
    return datetime.now(UTC)
